#include "engine/ToolRegistry.h"

#include <QJsonArray>

namespace kinbot {

namespace {

bool listed(const QJsonObject &config, const QString &key, const QString &name)
{
    for (const QJsonValue &v : config.value(key).toArray())
        if (v.toString() == name)
            return true;
    return false;
}

} // namespace

void ToolRegistry::add(ToolDefinition tool)
{
    Q_ASSERT(!find(tool.name));
    m_tools.append(std::move(tool));
}

const ToolDefinition *ToolRegistry::find(const QString &name) const
{
    for (const ToolDefinition &t : m_tools)
        if (t.name == name)
            return &t;
    return nullptr;
}

bool ToolRegistry::isEnabled(const ToolDefinition &tool, const QJsonObject &toolConfig, bool isHub)
{
    if (tool.defaultDisabled)
        return isHub || listed(toolConfig, QStringLiteral("enabledOptInTools"), tool.name);
    return !listed(toolConfig, QStringLiteral("disabledNativeTools"), tool.name);
}

QList<const ToolDefinition *> ToolRegistry::forTurn(const QJsonObject &toolConfig, bool isHub, bool quickSession, bool subKin) const
{
    QList<const ToolDefinition *> out;
    for (const ToolDefinition &t : m_tools) {
        if (subKin ? t.availability == ToolDefinition::MainOnly : t.availability == ToolDefinition::SubKinOnly)
            continue;
        if (quickSession && !t.quickSession)
            continue;
        if (isEnabled(t, toolConfig, isHub && !quickSession))
            out.append(&t);
    }
    return out;
}

QJsonObject ToolRegistry::listing(const QJsonObject &toolConfig, bool isHub) const
{
    QList<QString> domains;
    QHash<QString, QJsonArray> byDomain;
    for (const ToolDefinition &t : m_tools) {
        if (t.availability == ToolDefinition::SubKinOnly)
            continue;
        if (!byDomain.contains(t.domain))
            domains.append(t.domain);
        byDomain[t.domain].append(QJsonObject{{QStringLiteral("name"), t.name},
                                              {QStringLiteral("enabled"), isEnabled(t, toolConfig, isHub)},
                                              {QStringLiteral("defaultDisabled"), t.defaultDisabled}});
    }
    QJsonArray native;
    for (const QString &d : std::as_const(domains))
        native.append(QJsonObject{{QStringLiteral("domain"), d}, {QStringLiteral("tools"), byDomain.value(d)}});
    return {{QStringLiteral("nativeTools"), native}, {QStringLiteral("mcpTools"), QJsonArray()}};
}

} // namespace kinbot
