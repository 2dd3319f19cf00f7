#include "engine/KinRunner.h"

#include "events/EventBus.h"
#include "util/Json.h"

#include <QJsonDocument>
#include <QTimer>

namespace kinbot {

static const QString kMessageId = QStringLiteral("messageId");

KinRunner::KinRunner(std::shared_ptr<llm::LlmClient> client, EventBus &bus, TurnSpec spec, QObject *parent)
    : QObject(parent), m_client(std::move(client)), m_bus(bus), m_spec(std::move(spec))
{
    if (m_spec.maxSteps < 1)
        m_spec.maxSteps = 1;
    for (const ToolDefinition *t : m_spec.tools)
        m_spec.request.tools.append(t->spec());
    if (!m_spec.toolContext.redactions)
        m_spec.toolContext.redactions = std::make_shared<TurnRedactions>();
    m_out.redactions = m_spec.toolContext.redactions;
}

const ToolDefinition *KinRunner::toolNamed(const QString &name) const
{
    for (const ToolDefinition *t : m_spec.tools)
        if (t->name == name)
            return t;
    return nullptr;
}

QJsonObject KinRunner::publicArgs(const QString &toolName, const QJsonObject &args) const
{
    const ToolDefinition *tool = toolNamed(toolName);
    const QJsonObject masked = tool && !tool->sensitiveArgs.isEmpty() ? maskArgs(args, tool->sensitiveArgs) : args;
    return m_spec.toolContext.redactions->apply(masked);
}

void KinRunner::sanitizeRequest()
{
    const TurnRedactions &r = *m_spec.toolContext.redactions;
    for (llm::ChatMessage &m : m_spec.request.messages) {
        if (!r.isEmpty())
            m.content = r.apply(m.content);
        for (llm::ToolCall &c : m.toolCalls)
            c.args = publicArgs(c.name, c.args);
    }
}

KinRunner::~KinRunner()
{
    if (m_stream) {
        m_stream->disconnect(this);
        m_stream->cancel();
        m_stream->deleteLater();
    }
}

QJsonObject KinRunner::base() const
{
    QJsonObject o{{kMessageId, m_spec.messageId}};
    if (!m_spec.sessionId.isEmpty())
        o.insert(QStringLiteral("sessionId"), m_spec.sessionId);
    if (!m_spec.taskId.isEmpty())
        o.insert(QStringLiteral("taskId"), m_spec.taskId);
    return o;
}

void KinRunner::emitChat(const QString &type, QJsonObject payload)
{
    m_bus.toKin(m_spec.kinId, type, payload);
}

void KinRunner::start()
{
    QTimer::singleShot(0, this, &KinRunner::runStep);
}

void KinRunner::stop()
{
    if (m_stopping || m_finished)
        return;
    m_stopping = true;
    m_out.aborted = true;
    ++m_toolGeneration;
    if (m_stream) {
        m_stream->cancel(); // failed(Cancelled) follows, queued → finish()
        return;
    }
    QTimer::singleShot(0, this, &KinRunner::finish);
}

void KinRunner::runStep()
{
    if (m_stopping)
        return finish();
    ++m_out.steps;
    // Secrets met in earlier steps (and masked tool arguments) do not go back to the model.
    sanitizeRequest();
    m_stepText.clear();
    m_pending.clear();
    m_stepResults.clear();
    m_stream = m_client->streamChat(m_spec.request, this);
    if (!m_stream) {
        m_out.error = llm::LlmError{llm::LlmError::Kind::BadRequest, 0, QStringLiteral("The provider cannot stream this request")};
        return finish();
    }
    connect(m_stream, &llm::ChatStream::textDelta, this, &KinRunner::onText);
    connect(m_stream, &llm::ChatStream::toolCallStarted, this, &KinRunner::onToolStarted);
    connect(m_stream, &llm::ChatStream::toolCallReady, this, &KinRunner::onToolReady);
    connect(m_stream, &llm::ChatStream::finished, this, &KinRunner::onStepFinished);
    connect(m_stream, &llm::ChatStream::failed, this, &KinRunner::onStepFailed);
}

void KinRunner::onText(const QString &text)
{
    if (m_stopping || text.isEmpty())
        return;
    m_stepText += text;
    m_out.content += text;
    QJsonObject p = base();
    p.insert(QStringLiteral("token"), text);
    if (m_firstToken) {
        m_firstToken = false;
        for (auto it = m_spec.firstTokenFields.begin(); it != m_spec.firstTokenFields.end(); ++it)
            p.insert(it.key(), it.value());
    }
    emitChat(QStringLiteral("chat:token"), p);
}

void KinRunner::onToolStarted(const QString &id, const QString &name)
{
    if (m_stopping)
        return;
    m_callOffsets.insert(id, int(m_out.content.size()));
    QJsonObject p = base();
    p.insert(QStringLiteral("toolCallId"), id);
    p.insert(QStringLiteral("toolName"), name);
    p.insert(QStringLiteral("contentOffset"), int(m_out.content.size()));
    emitChat(QStringLiteral("chat:tool-call-start"), p);
}

void KinRunner::onToolReady(const llm::ToolCall &call)
{
    if (m_stopping)
        return;
    if (!m_callOffsets.contains(call.id))
        m_callOffsets.insert(call.id, int(m_out.content.size()));
    m_pending.append(call);
    // Secrets a call carries (create_secret's value…) join the turn's redactions before anything is published.
    if (const ToolDefinition *tool = toolNamed(call.name))
        for (const QString &name : tool->sensitiveArgs)
            m_spec.toolContext.redactions->addLeaves(call.args.value(name));
    QJsonObject p = base();
    p.insert(QStringLiteral("toolCallId"), call.id);
    p.insert(QStringLiteral("toolName"), call.name);
    p.insert(QStringLiteral("args"), publicArgs(call.name, call.args));
    p.insert(QStringLiteral("contentOffset"), m_callOffsets.value(call.id));
    emitChat(QStringLiteral("chat:tool-call"), p);
}

void KinRunner::onStepFinished(const llm::ChatResult &result)
{
    if (m_stream) {
        m_stream->deleteLater();
        m_stream = nullptr;
    }
    m_out.usage.inputTokens += result.usage.inputTokens;
    m_out.usage.outputTokens += result.usage.outputTokens;
    if (m_stopping)
        return finish();
    // Calls the stream announced only in the final result (some providers send them whole at the end).
    for (const llm::ToolCall &c : result.toolCalls) {
        bool known = false;
        for (const llm::ToolCall &p : std::as_const(m_pending))
            known = known || p.id == c.id;
        if (!known)
            onToolReady(c);
    }
    if (m_pending.isEmpty())
        return finish();

    llm::ChatMessage assistant;
    assistant.role = llm::ChatMessage::Role::Assistant;
    assistant.content = m_stepText;
    assistant.toolCalls = m_pending;
    m_spec.request.messages.append(assistant);
    m_toolIndex = 0;
    runNextTool();
}

void KinRunner::onStepFailed(const llm::LlmError &error)
{
    if (m_stream) {
        m_stream->deleteLater();
        m_stream = nullptr;
    }
    if (error.kind != llm::LlmError::Kind::Cancelled || !m_stopping)
        m_out.error = error;
    finish();
}

void KinRunner::runNextTool()
{
    if (m_stopping)
        return finish();
    if (m_toolIndex >= m_pending.size()) {
        m_spec.request.messages.append(m_stepResults);
        if (m_out.steps >= m_spec.maxSteps) {
            m_out.stepLimitReached = true;
            return finish();
        }
        return runStep();
    }
    const llm::ToolCall call = m_pending.at(m_toolIndex);
    const ToolDefinition *tool = toolNamed(call.name);
    const quint64 generation = m_toolGeneration;
    QPointer<KinRunner> self(this);
    auto answer = [self, generation](const QJsonValue &result) {
        // Tools may answer synchronously or later; always continue from the event loop, once.
        QTimer::singleShot(0, self, [self, generation, result] {
            if (self && self->m_toolGeneration == generation)
                self->onToolResult(result);
        });
    };
    if (!call.argsError.isEmpty())
        return answer(QJsonObject{{QStringLiteral("error"), QStringLiteral("Invalid tool arguments: %1").arg(call.argsError)}});
    if (!tool || !tool->execute)
        return answer(QJsonObject{{QStringLiteral("error"), QStringLiteral("Tool %1 is not available to this Kin").arg(call.name)}});
    if (m_spec.hooks)
        m_spec.hooks(QStringLiteral("beforeToolCall"), QJsonObject{{QStringLiteral("kinId"), m_spec.kinId},
                                                                   {QStringLiteral("toolName"), call.name},
                                                                   {QStringLiteral("toolCallId"), call.id},
                                                                   {QStringLiteral("args"), publicArgs(call.name, call.args)}});
    auto once = std::make_shared<bool>(false);
    tool->execute(m_spec.toolContext, call.args, [answer, once](const QJsonValue &result) {
        if (*once)
            return;
        *once = true;
        answer(result);
    });
}

void KinRunner::onToolResult(const QJsonValue &rawResult)
{
    if (m_stopping)
        return finish();
    const llm::ToolCall call = m_pending.at(m_toolIndex++);
    // One scrubbed result for the stored row, the SSE event and the model.
    const QJsonValue result = m_spec.toolContext.redactions->apply(rawResult);
    m_out.toolCalls.append(QJsonObject{{QStringLiteral("id"), call.id},
                                       {QStringLiteral("name"), call.name},
                                       {QStringLiteral("args"), publicArgs(call.name, call.args)},
                                       {QStringLiteral("result"), result},
                                       {QStringLiteral("offset"), m_callOffsets.value(call.id)}});
    QJsonObject p = base();
    p.insert(QStringLiteral("toolCallId"), call.id);
    p.insert(QStringLiteral("toolName"), call.name);
    p.insert(QStringLiteral("result"), result);
    emitChat(QStringLiteral("chat:tool-result"), p);
    if (m_spec.hooks)
        m_spec.hooks(QStringLiteral("afterToolCall"), QJsonObject{{QStringLiteral("kinId"), m_spec.kinId},
                                                                  {QStringLiteral("toolName"), call.name},
                                                                  {QStringLiteral("toolCallId"), call.id},
                                                                  {QStringLiteral("result"), result}});

    llm::ChatMessage r;
    r.role = llm::ChatMessage::Role::Tool;
    r.toolCallId = call.id;
    r.toolName = call.name;
    r.content = json::text(result);
    m_stepResults.append(r);
    runNextTool();
}

void KinRunner::finish()
{
    if (m_finished)
        return;
    m_finished = true;
    // Redactions learned late (a secret stored in the last step) also reach what was produced before them.
    const TurnRedactions &r = *m_spec.toolContext.redactions;
    if (!r.isEmpty()) {
        m_out.content = r.apply(m_out.content);
        QJsonArray calls;
        for (const QJsonValue &v : std::as_const(m_out.toolCalls)) {
            QJsonObject tc = v.toObject();
            tc.insert(QStringLiteral("args"), publicArgs(tc.value(QStringLiteral("name")).toString(), tc.value(QStringLiteral("args")).toObject()));
            tc.insert(QStringLiteral("result"), r.apply(tc.value(QStringLiteral("result"))));
            calls.append(tc);
        }
        m_out.toolCalls = calls;
    }
    Q_EMIT finished(m_out);
}

} // namespace kinbot
