#include "engine/tools/McpTools.h"

#include "engine/ToolRegistry.h"
#include "engine/tools/ToolSchema.h"
#include "kins/KinService.h"
#include "mcp/McpService.h"

#include <QSet>

namespace kinbot {

using toolschema::error;
using toolschema::prop;

namespace {

// The Kin-side view of a server (snake_case like the tool arguments); secrets never leave.
QJsonObject brief(const McpServerRecord &s)
{
    return {{QStringLiteral("mcp_server_id"), s.id},
            {QStringLiteral("name"), s.name},
            {QStringLiteral("transport"), s.transport},
            {QStringLiteral("command"), s.command},
            {QStringLiteral("args"), QJsonArray::fromStringList(s.args)},
            {QStringLiteral("url"), s.url},
            {QStringLiteral("env_keys"), QJsonArray::fromStringList(s.env.keys())},
            {QStringLiteral("status"), s.status},
            {QStringLiteral("created_by_you"), false}};
}

Result<QMap<QString, QString>> stringMap(const QJsonValue &v, const QString &key)
{
    QMap<QString, QString> out;
    if (v.isUndefined() || v.isNull())
        return out;
    if (!v.isObject())
        return ApiError::validation(QStringLiteral("%1 must be an object of strings").arg(key));
    const QJsonObject o = v.toObject();
    for (auto it = o.begin(); it != o.end(); ++it) {
        if (!it.value().isString())
            return ApiError::validation(QStringLiteral("%1 values must be strings").arg(key));
        out.insert(it.key(), it.value().toString());
    }
    return out;
}

Result<QStringList> stringList(const QJsonValue &v)
{
    QStringList out;
    if (v.isUndefined() || v.isNull())
        return out;
    if (!v.isArray())
        return ApiError::validation(QStringLiteral("args must be an array of strings"));
    for (const QJsonValue &a : v.toArray()) {
        if (!a.isString())
            return ApiError::validation(QStringLiteral("args must be an array of strings"));
        out << a.toString();
    }
    return out;
}

QJsonObject serverProps(bool withId)
{
    QJsonObject p{{QStringLiteral("name"), prop(QStringLiteral("string"), QStringLiteral("Display name of the server"))},
                  {QStringLiteral("command"), prop(QStringLiteral("string"), QStringLiteral("stdio transport: the program to run (e.g. npx, uvx, python3)"))},
                  {QStringLiteral("args"), QJsonObject{{QStringLiteral("type"), QStringLiteral("array")},
                                                       {QStringLiteral("items"), QJsonObject{{QStringLiteral("type"), QStringLiteral("string")}}},
                                                       {QStringLiteral("description"), QStringLiteral("Arguments of the command")}}},
                  {QStringLiteral("url"), prop(QStringLiteral("string"), QStringLiteral("Streamable HTTP transport: the server's endpoint URL (instead of command)"))},
                  {QStringLiteral("env"), QJsonObject{{QStringLiteral("type"), QStringLiteral("object")},
                                                      {QStringLiteral("description"), QStringLiteral("Environment variables for the command (stored encrypted)")}}}};
    if (withId)
        p.insert(QStringLiteral("mcp_server_id"), prop(QStringLiteral("string"), QStringLiteral("The server (list_mcp_servers)")));
    return p;
}

// The server, if the calling Kin added it.
Result<McpServerRecord> ownServer(McpService &mcp, const QString &kinId, const QJsonObject &args)
{
    const QString id = args.value(QStringLiteral("mcp_server_id")).toString().trimmed();
    if (id.isEmpty())
        return ApiError::validation(QStringLiteral("mcp_server_id is required"));
    auto s = mcp.get(id);
    if (!s)
        return ApiError::notFound(QStringLiteral("MCP_SERVER_NOT_FOUND"), QStringLiteral("No MCP server with id \"%1\" (list_mcp_servers)").arg(id));
    if (s->createdByKinId != kinId)
        return ApiError::forbidden(QStringLiteral("MCP_SERVER_NOT_OWNED"), QStringLiteral("You can only change the MCP servers you added"));
    return s;
}

} // namespace

void registerMcpTools(ToolRegistry &registry, McpService &mcp)
{
    McpService *ms = &mcp;

    registry.add({QStringLiteral("add_mcp_server"), QStringLiteral("mcp"),
                  QStringLiteral("Add an MCP server (external tools): a command to run (stdio) or an URL (Streamable HTTP). "
                                 "It waits for a user's approval before its tools become yours."),
                  toolschema::object(serverProps(false), {QStringLiteral("name")}), ToolDefinition::MainOnly, false, false,
                  [ms](const ToolContext &ctx, const QJsonObject &args, ToolDone done) {
                      McpServerRecord s;
                      s.name = args.value(QStringLiteral("name")).toString();
                      s.command = args.value(QStringLiteral("command")).toString();
                      s.url = args.value(QStringLiteral("url")).toString();
                      s.transport = s.command.isEmpty() && !s.url.isEmpty() ? QStringLiteral("http") : QStringLiteral("stdio");
                      auto list = stringList(args.value(QStringLiteral("args")));
                      if (!list)
                          return done(error(list.error().message));
                      s.args = list.value();
                      auto env = stringMap(args.value(QStringLiteral("env")), QStringLiteral("env"));
                      if (!env)
                          return done(error(env.error().message));
                      s.env = env.value();
                      s.createdByKinId = ctx.kinId;
                      auto created = ms->create(s, true);
                      if (!created)
                          return done(error(created.error().message));
                      QJsonObject out = brief(created.value());
                      out.insert(QStringLiteral("created_by_you"), true);
                      out.insert(QStringLiteral("message"), created->isActive() ? QStringLiteral("MCP server added; its tools are yours from your next turn.")
                                                                                : QStringLiteral("MCP server added; it waits for a user's approval."));
                      done(out);
                  }});

    registry.add({QStringLiteral("update_mcp_server"), QStringLiteral("mcp"),
                  QStringLiteral("Change an MCP server you added (only the fields given; env values given replace the stored ones)."),
                  toolschema::object(serverProps(true), {QStringLiteral("mcp_server_id")}), ToolDefinition::MainOnly, false, false,
                  [ms](const ToolContext &ctx, const QJsonObject &args, ToolDone done) {
                      auto own = ownServer(*ms, ctx.kinId, args);
                      if (!own)
                          return done(error(own.error().message));
                      McpServerPatch p;
                      for (auto [key, slot] : {std::pair{"name", &p.name}, std::pair{"command", &p.command}, std::pair{"url", &p.url}})
                          if (args.value(QLatin1String(key)).isString())
                              *slot = args.value(QLatin1String(key)).toString();
                      if (args.contains(QStringLiteral("args"))) {
                          auto list = stringList(args.value(QStringLiteral("args")));
                          if (!list)
                              return done(error(list.error().message));
                          p.args = list.value();
                      }
                      if (args.contains(QStringLiteral("env"))) {
                          auto env = stringMap(args.value(QStringLiteral("env")), QStringLiteral("env"));
                          if (!env)
                              return done(error(env.error().message));
                          p.env = env.value();
                      }
                      // A changed command goes back to a user for approval, as a new server would.
                      if ((p.command || p.url || p.args || p.env) && ms->options().requireApproval)
                          p.status = QStringLiteral("pending_approval");
                      auto updated = ms->update(own->id, p);
                      if (!updated)
                          return done(error(updated.error().message));
                      QJsonObject out = brief(updated.value());
                      out.insert(QStringLiteral("created_by_you"), true);
                      done(out);
                  }});

    registry.add({QStringLiteral("remove_mcp_server"), QStringLiteral("mcp"), QStringLiteral("Remove an MCP server you added."),
                  toolschema::object({{QStringLiteral("mcp_server_id"), prop(QStringLiteral("string"), QStringLiteral("The server (list_mcp_servers)"))}},
                                     {QStringLiteral("mcp_server_id")}),
                  ToolDefinition::MainOnly, false, false,
                  [ms](const ToolContext &ctx, const QJsonObject &args, ToolDone done) {
                      auto own = ownServer(*ms, ctx.kinId, args);
                      if (!own)
                          return done(error(own.error().message));
                      if (Status st = ms->remove(own->id); !st)
                          return done(error(st.error().message));
                      done(QJsonObject{{QStringLiteral("success"), true}, {QStringLiteral("mcp_server_id"), own->id}});
                  }});

    registry.add({QStringLiteral("list_mcp_servers"), QStringLiteral("mcp"), QStringLiteral("List the MCP servers of the platform and their status."),
                  toolschema::object({}, {}), ToolDefinition::MainOnly, false, false,
                  [ms](const ToolContext &ctx, const QJsonObject &, ToolDone done) {
                      auto all = ms->list();
                      if (!all)
                          return done(error(all.error().message));
                      QJsonArray out;
                      for (const McpServerRecord &s : all.value()) {
                          QJsonObject b = brief(s);
                          b.insert(QStringLiteral("created_by_you"), s.createdByKinId == ctx.kinId);
                          out.append(b);
                      }
                      done(QJsonObject{{QStringLiteral("servers"), out}});
                  }});
}

QList<std::shared_ptr<const ToolDefinition>> mcpTurnTools(McpService &mcp, const KinRecord &kin)
{
    QList<std::shared_ptr<const ToolDefinition>> out;
    QSet<QString> keys;
    McpService *ms = &mcp;
    for (const McpKinTool &t : mcp.toolsFor(kin)) {
        if (keys.contains(t.key)) // two servers of the same name, or names that sanitize alike: the first wins
            continue;
        keys.insert(t.key);
        auto def = std::make_shared<ToolDefinition>();
        def->name = t.key;
        def->domain = QStringLiteral("mcp:") + t.serverName; // the prompt names the servers by this
        def->description = QStringLiteral("[MCP: %1] %2").arg(t.serverName, t.tool.description);
        QJsonObject schema = t.tool.inputSchema;
        if (schema.value(QStringLiteral("type")).toString() != QLatin1String("object"))
            schema = toolschema::object(schema.value(QStringLiteral("properties")).toObject(), {});
        if (!schema.contains(QStringLiteral("properties")))
            schema.insert(QStringLiteral("properties"), QJsonObject());
        def->parameters = schema;
        def->availability = ToolDefinition::MainOnly;
        def->quickSession = false;
        def->execute = [ms, serverId = t.serverId, tool = t.tool.name](const ToolContext &, const QJsonObject &args, ToolDone done) {
            ms->callTool(serverId, tool, args, std::move(done));
        };
        out.append(std::move(def));
    }
    return out;
}

} // namespace kinbot
