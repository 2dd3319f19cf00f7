#pragma once

#include "engine/Redaction.h"
#include "llm/LlmTypes.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QString>

#include <functional>
#include <memory>

namespace kinbot {

struct KinRecord;

// Who runs a tool call.
struct ToolContext
{
    QString kinId;
    QString userId;    // the human behind the turn, when there is one
    QString sessionId; // quick session
    QString taskId;
    QString messageId; // the assistant message the running turn writes ("" outside a turn): identifies the turn
    bool isSubKin = false;
    // The channel message the running turn descends from ("" = none): work it starts (tasks, inter-Kin requests)
    // carries it, so the follow-up turn's answer goes back to that chat.
    QString channelOriginId;
    // The running turn's scrub list (null outside a turn): a tool that handles a secret adds it here so it is kept out
    // of everything the turn stores, publishes or sends to the model afterwards.
    std::shared_ptr<TurnRedactions> redactions;
};

using ToolDone = std::function<void(const QJsonValue &result)>;

// A native tool (engine.md §10.1): schema for the model plus an executor that answers through done() exactly once
// (synchronously or later). Errors are results too: {"error": "..."}.
struct ToolDefinition
{
    enum Availability { MainOnly, SubKinOnly, Both };
    QString name;
    QString domain;
    QString description;
    QJsonObject parameters; // JSON Schema (type: object)
    Availability availability = MainOnly;
    bool defaultDisabled = false; // opt-in: only when listed in toolConfig.enabledOptInTools
    bool quickSession = true;     // offered in quick sessions
    std::function<void(const ToolContext &, const QJsonObject &args, ToolDone done)> execute;
    // Arguments that carry secrets (create_secret's value…): shown as "[REDACTED]" in SSE, stored tool calls and the
    // history replayed to the model; their string values join the turn's redactions.
    QStringList sensitiveArgs = {};
    // {{secret:KEY}} placeholders in its arguments are replaced by vault values just before it runs (the registry
    // wraps execute); the values are scrubbed from its result.
    bool expandsSecrets = false;

    llm::ToolSpec spec() const { return {name, description, parameters}; }
};

// The native tools, in registration order; each domain adds its tools here. Per-Kin enabling follows the Kin's
// toolConfig: {disabledNativeTools: [...], enabledOptInTools: [...]}.
class ToolRegistry final
{
public:
    // Resolves {{secret:…}} placeholders for tools with expandsSecrets (the vault; unset → placeholders stay as written).
    void setSecretResolver(secretrefs::Resolver resolver) { *m_resolver = std::move(resolver); }

    void add(ToolDefinition tool);
    const ToolDefinition *find(const QString &name) const;
    const QList<ToolDefinition> &all() const { return m_tools; }

    static bool isEnabled(const ToolDefinition &tool, const QJsonObject &toolConfig, bool isHub);
    // Tools offered to a Kin's turn.
    QList<const ToolDefinition *> forTurn(const QJsonObject &toolConfig, bool isHub, bool quickSession, bool subKin) const;
    // Tools of a task's sub-Kin session (engine.md §7): the Kin's enabled tools of every availability (main, sub-kin,
    // both) except those named in `excluded` (the main-only management tools a task must not use).
    QList<const ToolDefinition *> forTask(const QJsonObject &toolConfig, const QStringList &excluded) const;
    // GET /api/kins/:id/tools: {nativeTools: [{domain, tools: [{name, enabled, defaultDisabled}]}], mcpTools: []}.
    QJsonObject listing(const QJsonObject &toolConfig, bool isHub) const;

private:
    QList<ToolDefinition> m_tools;
    std::shared_ptr<secretrefs::Resolver> m_resolver = std::make_shared<secretrefs::Resolver>();
};

} // namespace kinbot
