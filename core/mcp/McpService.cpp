#include "mcp/McpService.h"

#include "events/EventBus.h"
#include "kins/KinService.h"
#include "log/Logger.h"
#include "mcp/McpToolNames.h"
#include "notifications/NotificationService.h"
#include "util/Clock.h"
#include "util/Ids.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>
#include <QTimer>
#include <QUrl>

namespace kinbot {

namespace {

ApiError invalid(const QString &message)
{
    return ApiError::validation(message);
}

Status checkMap(const QMap<QString, QString> &map, const QString &what)
{
    if (map.size() > McpService::kMaxEnvKeys)
        return invalid(QStringLiteral("%1 may have at most %2 keys").arg(what).arg(McpService::kMaxEnvKeys));
    for (auto it = map.begin(); it != map.end(); ++it) {
        if (it.key().isEmpty() || it.key().size() > McpService::kMaxEnvKey)
            return invalid(QStringLiteral("%1 keys must be 1–%2 characters").arg(what).arg(McpService::kMaxEnvKey));
        if (it.value().size() > McpService::kMaxEnvValue)
            return invalid(QStringLiteral("%1 values must be at most %2 characters").arg(what).arg(McpService::kMaxEnvValue));
    }
    return {};
}

// PATCH semantics for a secret map: the patch's keys are the new key set; an empty value keeps the stored one.
QMap<QString, QString> merged(const QMap<QString, QString> &stored, const QMap<QString, QString> &patch)
{
    QMap<QString, QString> out;
    for (auto it = patch.begin(); it != patch.end(); ++it)
        out.insert(it.key(), it.value().isEmpty() ? stored.value(it.key()) : it.value());
    return out;
}

} // namespace

McpService::McpService(const Database &db, const SecretBox &box, EventBus &bus, const Clock &clock, NotificationService &notifications,
                       KinService &kins, QNetworkAccessManager &network, Logger &logger, McpOptions options, QObject *parent)
    : QObject(parent), m_store(db, box), m_bus(bus), m_clock(clock), m_notifications(notifications), m_kins(kins), m_network(network),
      m_logger(logger), m_options(options)
{
}

McpService::~McpService()
{
    // Every server process dies with the service (clients kill their process tree).
    qDeleteAll(m_clients);
    m_clients.clear();
}

Result<QList<McpServerRecord>> McpService::list() const
{
    return m_store.list();
}

Result<McpServerRecord> McpService::existing(const QString &id) const
{
    auto s = m_store.find(id);
    if (!s)
        return s.error();
    if (!s.value())
        return ApiError::notFound(QStringLiteral("MCP_SERVER_NOT_FOUND"), QStringLiteral("MCP server not found"));
    return *s.value();
}

Result<McpServerRecord> McpService::get(const QString &id) const
{
    return existing(id);
}

Status McpService::validate(const McpServerRecord &s) const
{
    if (s.name.trimmed().isEmpty() || s.name.size() > kMaxName)
        return invalid(QStringLiteral("name is required (at most %1 characters)").arg(kMaxName));
    if (s.transport != QLatin1String("stdio") && s.transport != QLatin1String("http"))
        return invalid(QStringLiteral("transport must be stdio or http"));
    if (s.isHttp()) {
        const QUrl url(s.url, QUrl::StrictMode);
        if (s.url.isEmpty() || s.url.size() > kMaxUrl || !url.isValid() || url.host().isEmpty()
            || (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https")))
            return invalid(QStringLiteral("url is required for the http transport: an http(s) URL of at most %1 characters").arg(kMaxUrl));
    } else if (s.command.trimmed().isEmpty() || s.command.size() > kMaxCommand) {
        return invalid(QStringLiteral("command is required (at most %1 characters)").arg(kMaxCommand));
    }
    if (s.args.size() > kMaxArgs)
        return invalid(QStringLiteral("args may have at most %1 items").arg(kMaxArgs));
    for (const QString &a : s.args)
        if (a.size() > kMaxArg)
            return invalid(QStringLiteral("each arg must be at most %1 characters").arg(kMaxArg));
    if (Status st = checkMap(s.env, QStringLiteral("env")); !st)
        return st;
    if (Status st = checkMap(s.headers, QStringLiteral("headers")); !st)
        return st;
    if (s.status != QLatin1String("active") && s.status != QLatin1String("pending_approval"))
        return invalid(QStringLiteral("status must be active or pending_approval"));
    return {};
}

Result<McpServerRecord> McpService::create(McpServerRecord s, bool byKin)
{
    s.name = s.name.trimmed();
    if (byKin)
        s.status = m_options.requireApproval ? QStringLiteral("pending_approval") : QStringLiteral("active");
    if (Status st = validate(s); !st)
        return st.error();
    if (!s.createdByKinId.isEmpty()) {
        auto known = m_store.kinExists(s.createdByKinId);
        if (!known)
            return known.error();
        if (!known.value())
            return invalid(QStringLiteral("createdByKinId: no such Kin"));
    }
    s.id = ids::uuid();
    s.createdAt = s.updatedAt = m_clock.nowMs();
    if (Status st = m_store.insert(s); !st)
        return st.error();
    publish(QStringLiteral("mcp-server:created"), s);
    if (s.status == QLatin1String("pending_approval") && !s.createdByKinId.isEmpty())
        askApproval(s);
    return s;
}

Result<McpServerRecord> McpService::update(const QString &id, const McpServerPatch &p)
{
    auto found = existing(id);
    if (!found)
        return found;
    McpServerRecord s = found.value();
    const McpServerRecord before = s;
    if (p.name)
        s.name = p.name->trimmed();
    if (p.transport)
        s.transport = *p.transport;
    if (p.command)
        s.command = *p.command;
    if (p.url)
        s.url = *p.url;
    if (p.status)
        s.status = *p.status;
    if (p.args)
        s.args = *p.args;
    if (p.env)
        s.env = merged(s.env, *p.env);
    if (p.headers)
        s.headers = merged(s.headers, *p.headers);
    if (Status st = validate(s); !st)
        return st.error();
    s.updatedAt = m_clock.nowMs();
    if (Status st = m_store.update(s); !st)
        return st.error();
    if (s.transport != before.transport || s.command != before.command || s.args != before.args || s.url != before.url || s.env != before.env
        || s.headers != before.headers || s.status != before.status || s.name != before.name)
        dropClient(id, QStringLiteral("The MCP server's configuration changed"));
    publish(QStringLiteral("mcp-server:updated"), s);
    return s;
}

Result<McpServerRecord> McpService::approve(const QString &id)
{
    auto found = existing(id);
    if (!found)
        return found;
    McpServerRecord s = found.value();
    if (s.isActive())
        return ApiError::conflict(QStringLiteral("ALREADY_ACTIVE"), QStringLiteral("This MCP server is already active"));
    s.status = QStringLiteral("active");
    s.updatedAt = m_clock.nowMs();
    if (Status st = m_store.update(s); !st)
        return st.error();
    publish(QStringLiteral("mcp-server:updated"), s);
    return s;
}

Status McpService::remove(const QString &id)
{
    auto found = existing(id);
    if (!found)
        return found.error();
    auto removed = m_store.remove(id);
    if (!removed)
        return removed.error();
    dropClient(id, QStringLiteral("The MCP server was removed"));
    publish(QStringLiteral("mcp-server:deleted"), found.value());
    return {};
}

void McpService::publish(const QString &type, const McpServerRecord &s)
{
    m_bus.broadcast(type, {{QStringLiteral("serverId"), s.id},
                           {QStringLiteral("mcpServerId"), s.id},
                           {QStringLiteral("name"), s.name},
                           {QStringLiteral("status"), s.status},
                           {QStringLiteral("server"), s.toJson()}});
}

void McpService::askApproval(const McpServerRecord &s)
{
    auto kin = m_kins.resolve(s.createdByKinId);
    NotificationInput n;
    n.type = QStringLiteral("mcp:pending-approval");
    n.title = QStringLiteral("MCP server awaiting approval");
    const QString what = s.isHttp() ? s.url : (QStringList{s.command} + s.args).join(QLatin1Char(' '));
    n.body = QStringLiteral("%1 wants to add the MCP server \"%2\" (%3)").arg(kin ? kin->name : QStringLiteral("A Kin"), s.name, what.left(300));
    n.kinId = s.createdByKinId;
    n.relatedId = s.id;
    n.relatedType = QStringLiteral("mcp");
    if (auto sent = m_notifications.notifyAll(n); !sent)
        m_logger.warn(QStringLiteral("mcp"), QStringLiteral("Approval notification failed"), {{QStringLiteral("error"), sent.error().message}});
}

McpClient *McpService::client(const McpServerRecord &s)
{
    McpClient *c = m_clients.value(s.id);
    if (!c) {
        c = new McpClient(s, m_network, m_options.timeouts, this);
        m_clients.insert(s.id, c);
    }
    return c;
}

void McpService::dropClient(const QString &id, const QString &reason)
{
    McpClient *c = m_clients.take(id);
    if (!c)
        return;
    c->disconnect(reason); // pending calls answer with the reason
    c->deleteLater();
}

Result<QJsonObject> McpService::status(const QString &id) const
{
    auto found = existing(id);
    if (!found)
        return found.error();
    const McpClient *c = m_clients.value(id);
    QJsonObject out{{QStringLiteral("connected"), c && c->isConnected()}, {QStringLiteral("toolCount"), c ? int(c->tools().size()) : 0}};
    if (c && !c->isConnected() && !c->lastError().isEmpty())
        out.insert(QStringLiteral("error"), c->lastError());
    return out;
}

void McpService::test(const QString &id, QObject *context, std::function<void(Result<QJsonObject>)> done)
{
    auto found = existing(id);
    if (!found)
        return done(found.error());
    auto *probe = new McpClient(found.value(), m_network, m_options.timeouts, this);
    QPointer<QObject> ctx(context);
    probe->ensureConnected([probe, ctx, done](Status st) {
        QJsonObject out{{QStringLiteral("connected"), st.ok()}, {QStringLiteral("toolCount"), int(probe->tools().size())}};
        if (st) {
            QJsonArray names;
            for (const McpToolInfo &t : probe->tools())
                names.append(t.name);
            out.insert(QStringLiteral("tools"), names);
        } else {
            out.insert(QStringLiteral("error"), st.error().message);
        }
        probe->deleteLater();
        if (ctx)
            done(out);
    });
}

Status McpService::checkKinBody(const QJsonObject &body) const
{
    const QJsonValue ids = body.value(QStringLiteral("mcpServerIds"));
    if (ids.isUndefined() || ids.isNull())
        return {};
    if (!ids.isArray())
        return invalid(QStringLiteral("mcpServerIds must be an array of MCP server ids"));
    for (const QJsonValue &v : ids.toArray()) {
        auto found = m_store.find(v.toString());
        if (!found)
            return found.error();
        if (!v.isString() || !found.value())
            return invalid(QStringLiteral("mcpServerIds: unknown MCP server %1").arg(v.toString()));
    }
    return {};
}

Status McpService::applyKinBody(const QString &kinId, const QJsonObject &body)
{
    const QJsonValue ids = body.value(QStringLiteral("mcpServerIds"));
    if (ids.isArray()) {
        QStringList list;
        for (const QJsonValue &v : ids.toArray())
            list << v.toString();
        return m_store.setLinks(kinId, list);
    }
    const QJsonObject access = body.value(QStringLiteral("toolConfig")).toObject().value(QStringLiteral("mcpAccess")).toObject();
    if (access.isEmpty())
        return {};
    auto linked = m_store.linkedTo(kinId);
    if (!linked)
        return linked.error();
    QStringList list = linked.value();
    for (auto it = access.begin(); it != access.end(); ++it) {
        auto found = m_store.find(it.key());
        if (found && found.value() && !it.value().toArray().isEmpty() && !list.contains(it.key()))
            list << it.key();
    }
    return list == linked.value() ? Status() : m_store.setLinks(kinId, list);
}

QJsonArray McpService::kinServers(const QString &kinId) const
{
    QJsonArray out;
    auto linked = m_store.linkedTo(kinId);
    if (!linked)
        return out;
    for (const QString &id : linked.value())
        if (auto s = m_store.find(id); s && s.value())
            out.append(QJsonObject{{QStringLiteral("id"), id}, {QStringLiteral("name"), s.value()->name}});
    return out;
}

QJsonArray McpService::kinToolListing(const KinRecord &kin) const
{
    QJsonArray out;
    const QJsonObject access = kin.toolConfig.value(QStringLiteral("mcpAccess")).toObject();
    for (const auto &[server, allowed] : serversOf(kin)) {
        QJsonArray tools;
        if (const McpClient *c = m_clients.value(server.id))
            for (const McpToolInfo &t : c->tools())
                tools.append(QJsonObject{{QStringLiteral("name"), t.name},
                                         {QStringLiteral("description"), t.description},
                                         {QStringLiteral("enabled"), allowed.contains(QStringLiteral("*")) || allowed.contains(t.name)}});
        out.append(QJsonObject{{QStringLiteral("serverId"), server.id},
                               {QStringLiteral("serverName"), server.name},
                               {QStringLiteral("autoEnabled"), server.createdByKinId == kin.id && !access.contains(server.id)},
                               {QStringLiteral("tools"), tools}});
    }
    return out;
}

QList<QPair<McpServerRecord, QStringList>> McpService::serversOf(const KinRecord &kin) const
{
    QList<QPair<McpServerRecord, QStringList>> out;
    auto all = m_store.list();
    if (!all)
        return out;
    const QJsonObject access = kin.toolConfig.value(QStringLiteral("mcpAccess")).toObject();
    const auto linkedIds = m_store.linkedTo(kin.id);
    const QSet<QString> linked = linkedIds ? QSet<QString>(linkedIds->begin(), linkedIds->end()) : QSet<QString>();
    for (const McpServerRecord &s : all.value()) {
        if (!s.isActive())
            continue;
        QStringList tools;
        if (access.contains(s.id)) {
            for (const QJsonValue &v : access.value(s.id).toArray())
                tools << v.toString();
        } else if (linked.contains(s.id) || s.createdByKinId == kin.id) {
            tools << QStringLiteral("*");
        }
        if (!tools.isEmpty())
            out.append({s, tools});
    }
    return out;
}

void McpService::prepareKin(const QString &kinId, QObject *context, std::function<void()> done)
{
    auto kin = m_kins.resolve(kinId);
    if (!kin)
        return done();
    const auto servers = serversOf(kin.value());
    if (servers.isEmpty())
        return done();
    auto left = std::make_shared<int>(int(servers.size()));
    QPointer<QObject> ctx(context);
    for (const auto &[server, access] : servers) {
        Q_UNUSED(access);
        client(server)->ensureConnected([this, ctx, left, done, name = server.name, id = server.id](Status st) {
            if (!st)
                m_logger.warn(QStringLiteral("mcp"), QStringLiteral("MCP server unavailable"),
                              {{QStringLiteral("serverId"), id}, {QStringLiteral("name"), name}, {QStringLiteral("error"), st.error().message}});
            if (--*left == 0 && ctx)
                done();
        });
    }
}

QList<McpKinTool> McpService::toolsFor(const KinRecord &kin) const
{
    QList<McpKinTool> out;
    for (const auto &[server, access] : serversOf(kin)) {
        const McpClient *c = m_clients.value(server.id);
        if (!c || !c->isConnected())
            continue;
        for (const McpToolInfo &t : c->tools())
            if (access.contains(QStringLiteral("*")) || access.contains(t.name))
                out.append({server.id, server.name, mcp::toolKey(server.name, t.name), t});
    }
    return out;
}

QJsonValue McpService::resultText(const QJsonObject &r)
{
    QStringList parts;
    for (const QJsonValue &v : r.value(QStringLiteral("content")).toArray()) {
        const QJsonObject c = v.toObject();
        const QString type = c.value(QStringLiteral("type")).toString();
        if (type == QLatin1String("text"))
            parts << c.value(QStringLiteral("text")).toString();
        else if (type == QLatin1String("resource")) {
            const QJsonObject res = c.value(QStringLiteral("resource")).toObject();
            parts << (res.contains(QStringLiteral("text")) ? res.value(QStringLiteral("text")).toString()
                                                           : QStringLiteral("[resource: %1]").arg(res.value(QStringLiteral("uri")).toString()));
        } else if (!type.isEmpty())
            parts << QStringLiteral("[%1: %2]").arg(type, c.value(QStringLiteral("mimeType")).toString());
    }
    QString text = parts.join(QLatin1Char('\n'));
    if (text.isEmpty() && r.value(QStringLiteral("structuredContent")).isObject())
        text = QString::fromUtf8(QJsonDocument(r.value(QStringLiteral("structuredContent")).toObject()).toJson(QJsonDocument::Compact));
    if (r.value(QStringLiteral("isError")).toBool())
        return QJsonObject{{QStringLiteral("error"), text.isEmpty() ? QStringLiteral("The MCP tool reported an error") : text}};
    return text;
}

void McpService::callTool(const QString &serverId, const QString &toolName, const QJsonObject &args, std::function<void(QJsonValue)> done)
{
    auto found = existing(serverId);
    if (!found)
        return done(QJsonObject{{QStringLiteral("error"), QStringLiteral("This MCP server no longer exists")}});
    if (!found->isActive())
        return done(QJsonObject{{QStringLiteral("error"), QStringLiteral("This MCP server is waiting for approval")}});
    const QString name = found->name;
    client(found.value())->callTool(toolName, args, [this, done, name, serverId, toolName](Result<QJsonObject> r) {
        if (r)
            return done(resultText(r.value()));
        m_logger.warn(QStringLiteral("mcp"), QStringLiteral("MCP tool call failed"),
                      {{QStringLiteral("serverId"), serverId}, {QStringLiteral("tool"), toolName}, {QStringLiteral("error"), r.error().message}});
        done(QJsonObject{{QStringLiteral("error"), QStringLiteral("MCP server \"%1\": %2").arg(name, r.error().message)}});
    });
}

} // namespace kinbot
