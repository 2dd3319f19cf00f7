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
    if (tool.expandsSecrets && tool.execute) {
        tool.execute = [inner = std::move(tool.execute), resolver = m_resolver](const ToolContext &ctx, const QJsonObject &args, ToolDone done) {
            if (!*resolver)
                return inner(ctx, args, std::move(done));
            auto expanded = secretrefs::expand(args, *resolver);
            if (!expanded)
                return done(QJsonObject{{QStringLiteral("error"), expanded.error().message}});
            if (expanded->revealed.isEmpty())
                return inner(ctx, args, std::move(done));
            // Whatever the tool hands back (an echoing server, an error quoting the request) leaves without the values.
            auto scrub = std::make_shared<TurnRedactions>();
            for (const auto &[value, placeholder] : expanded->revealed) {
                scrub->add(value, placeholder);
                if (ctx.redactions)
                    ctx.redactions->add(value, placeholder);
            }
            inner(ctx, expanded->args, [scrub, done = std::move(done)](const QJsonValue &result) { done(scrub->apply(result)); });
        };
    }
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

QList<const ToolDefinition *> ToolRegistry::forTask(const QJsonObject &toolConfig, const QStringList &excluded) const
{
    QList<const ToolDefinition *> out;
    for (const ToolDefinition &t : m_tools)
        if (!excluded.contains(t.name) && isEnabled(t, toolConfig, false))
            out.append(&t);
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
