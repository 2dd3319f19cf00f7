#include "engine/tools/PluginTools.h"

#include "engine/ToolRegistry.h"
#include "kins/KinService.h"
#include "plugins/PluginService.h"

#include <QMap>
#include <QRegularExpression>
#include <QSet>

namespace kinbot {

namespace {

ToolDefinition shapeOf(const plugins::PluginToolInfo &t)
{
    ToolDefinition def;
    def.name = pluginToolName(t.plugin, t.name);
    def.domain = QStringLiteral("plugin:") + t.plugin;
    def.description = QStringLiteral("[Plugin: %1] %2").arg(t.plugin, t.description);
    QJsonObject schema = t.parameters;
    if (schema.value(QStringLiteral("type")).toString() != QLatin1String("object"))
        schema = QJsonObject{{QStringLiteral("type"), QStringLiteral("object")}, {QStringLiteral("properties"), schema.value(QStringLiteral("properties")).toObject()}};
    if (!schema.contains(QStringLiteral("properties")))
        schema.insert(QStringLiteral("properties"), QJsonObject());
    def.parameters = schema;
    def.availability = ToolDefinition::MainOnly;
    def.defaultDisabled = true; // always opt-in
    def.quickSession = false;
    return def;
}

} // namespace

QString pluginToolName(const QString &plugin, const QString &tool)
{
    static const QRegularExpression bad(QStringLiteral("[^A-Za-z0-9_]"));
    QString name = QStringLiteral("plugin_%1_%2").arg(plugin, tool);
    name.replace(bad, QStringLiteral("_"));
    return name.left(64);
}

QList<std::shared_ptr<const ToolDefinition>> pluginTurnTools(plugins::PluginService &service, const KinRecord &kin, bool isHub)
{
    QList<std::shared_ptr<const ToolDefinition>> out;
    QSet<QString> names;
    plugins::PluginService *ps = &service;
    for (const plugins::PluginToolInfo &t : service.activeTools()) {
        auto def = std::make_shared<ToolDefinition>(shapeOf(t));
        if (names.contains(def->name) || !ToolRegistry::isEnabled(*def, kin.toolConfig, isHub))
            continue;
        names.insert(def->name);
        def->execute = [ps, plugin = t.plugin, tool = t.name](const ToolContext &ctx, const QJsonObject &args, ToolDone done) {
            const QJsonObject context{{QStringLiteral("kinId"), ctx.kinId},
                                      {QStringLiteral("userId"), ctx.userId},
                                      {QStringLiteral("taskId"), ctx.taskId},
                                      {QStringLiteral("isSubKin"), ctx.isSubKin}};
            ps->callTool(plugin, tool, args, context, std::move(done));
        };
        out.append(std::move(def));
    }
    return out;
}

QJsonArray pluginToolListing(const plugins::PluginService &service, const KinRecord &kin, bool isHub)
{
    QMap<QString, QJsonArray> groups;
    for (const plugins::PluginToolInfo &t : service.activeTools()) {
        const ToolDefinition def = shapeOf(t);
        groups[def.domain].append(QJsonObject{{QStringLiteral("name"), def.name},
                                              {QStringLiteral("enabled"), ToolRegistry::isEnabled(def, kin.toolConfig, isHub)},
                                              {QStringLiteral("defaultDisabled"), true}});
    }
    QJsonArray out;
    for (auto it = groups.begin(); it != groups.end(); ++it)
        out.append(QJsonObject{{QStringLiteral("domain"), it.key()}, {QStringLiteral("tools"), it.value()}});
    return out;
}

} // namespace kinbot
