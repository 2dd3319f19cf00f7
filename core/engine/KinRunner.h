#pragma once

#include "engine/ToolRegistry.h"
#include "llm/LlmClient.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QObject>

#include <functional>
#include <QPointer>

#include <memory>
#include <optional>

namespace kinbot {

class EventBus;

// What one turn is asked to do.
struct TurnSpec
{
    QString kinId;
    QString sessionId;         // quick session: events carry sessionId, no source fields
    QString taskId;            // sub-Kin session of a task: events carry taskId (and go to the parent Kin)
    QString messageId;         // id of the assistant row the turn will produce (known before it exists)
    llm::ChatRequest request;  // model, system prompt, history, tool schemas
    QList<const ToolDefinition *> tools;
    QList<std::shared_ptr<const ToolDefinition>> ownedTools; // tools made for this turn only (MCP), listed in tools too
    ToolContext toolContext;
    int maxSteps = 100;
    QJsonObject firstTokenFields; // main turns: sourceType/sourceId/sourceName/sourceAvatarUrl on the first chat:token
    // Plugin hooks (engine.md §11): told beforeToolCall / afterToolCall around each tool; fire-and-forget, unset = none.
    std::function<void(const QString &hook, const QJsonObject &payload)> hooks;
};

struct TurnOutcome
{
    // What the turn learned must stay secret (secret values, redacted text); content and toolCalls are already scrubbed.
    std::shared_ptr<TurnRedactions> redactions;
    QString content;          // all text of all steps
    QJsonArray toolCalls;     // [{id, name, args, result, offset}] as stored in messages.tool_calls
    bool aborted = false;
    bool stepLimitReached = false;
    int steps = 0;
    llm::Usage usage;
    std::optional<llm::LlmError> error;
};

// Runs one turn of a Kin: streams a model step, executes the tools it called (sequentially, engine.md §1.5), feeds the
// results back and loops until a step calls no tool, the step limit, a failure or stop(). Publishes the chat:* events of
// the turn; the caller stores rows and emits chat:done. Emits finished() once, never from inside start() or stop().
class KinRunner final : public QObject
{
    Q_OBJECT
public:
    KinRunner(std::shared_ptr<llm::LlmClient> client, EventBus &bus, TurnSpec spec, QObject *parent = nullptr);
    ~KinRunner() override;

    void start();
    // Aborts the model stream or abandons the running tool; the partial outcome follows (aborted = true).
    void stop();
    bool isStopping() const { return m_stopping; }
    const TurnSpec &spec() const { return m_spec; }

Q_SIGNALS:
    void finished(const kinbot::TurnOutcome &outcome);

private:
    void runStep();
    void onText(const QString &text);
    void onToolStarted(const QString &id, const QString &name);
    void onToolReady(const llm::ToolCall &call);
    void onStepFinished(const llm::ChatResult &result);
    void onStepFailed(const llm::LlmError &error);
    void runNextTool();
    void onToolResult(const QJsonValue &result);
    void finish();
    const ToolDefinition *toolNamed(const QString &name) const;
    // The arguments of a call as they may leave the runner: sensitive ones masked, redactions applied.
    QJsonObject publicArgs(const QString &toolName, const QJsonObject &args) const;
    // Applies the masks and redactions known so far to the in-flight model request (before each new step).
    void sanitizeRequest();
    QJsonObject base() const; // {messageId[, sessionId | taskId]}
    void emitChat(const QString &type, QJsonObject payload);

    std::shared_ptr<llm::LlmClient> m_client;
    EventBus &m_bus;
    TurnSpec m_spec;
    QPointer<llm::ChatStream> m_stream;
    TurnOutcome m_out;
    QString m_stepText;
    QList<llm::ToolCall> m_pending;   // tool calls of the current step, executed in order
    QHash<QString, int> m_callOffsets; // tool call id → content offset when it was emitted
    QList<llm::ChatMessage> m_stepResults;
    int m_toolIndex = 0;
    quint64 m_toolGeneration = 0;     // bumps on stop so a late tool answer is ignored
    bool m_firstToken = true;
    bool m_stopping = false;
    bool m_finished = false;
};

} // namespace kinbot

Q_DECLARE_METATYPE(kinbot::TurnOutcome)
