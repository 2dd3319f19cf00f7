#include "tasks/TaskSessions.h"

#include "engine/KinRunner.h"
#include "engine/MessageStore.h"
#include "engine/PromptBuilder.h"
#include "engine/ToolRegistry.h"
#include "events/EventBus.h"
#include "kins/KinService.h"
#include "llm/LlmErrors.h"
#include "log/Logger.h"
#include "providers/ProviderService.h"
#include "settings/SettingsStore.h"
#include "util/Clock.h"
#include "util/Ids.h"
#include "util/Json.h"

#include <QTimer>

namespace kinbot {

static const QString kModule = QStringLiteral("tasks");

const QStringList TaskSessions::kExcludedTools{
    QStringLiteral("respond_to_task"), QStringLiteral("cancel_task"),       QStringLiteral("reply"),
    QStringLiteral("create_cron"),     QStringLiteral("update_cron"),       QStringLiteral("delete_cron"),
    QStringLiteral("trigger_cron"),    QStringLiteral("add_mcp_server"),    QStringLiteral("update_mcp_server"),
    QStringLiteral("remove_mcp_server"), QStringLiteral("register_tool"),  QStringLiteral("create_kin"),
    QStringLiteral("update_kin"),      QStringLiteral("delete_kin")};

TaskSessions::TaskSessions(Deps deps, Options options, QObject *parent) : QObject(parent), m_d(deps), m_o(std::move(options))
{
    qRegisterMetaType<kinbot::TurnOutcome>();
}

TaskSessions::~TaskSessions()
{
    for (Session &s : m_sessions)
        if (s.runner) {
            s.runner->disconnect(this);
            delete s.runner;
        }
}

bool TaskSessions::isRunning(const QString &taskId) const
{
    const auto it = m_sessions.constFind(taskId);
    return it != m_sessions.constEnd() && it->runner;
}

void TaskSessions::run(const QString &taskId)
{
    Session &s = m_sessions[taskId];
    s.aborted = false;
    if (s.runner || s.again || s.preparing) {
        s.again = true; // after the running (or about to start) turn
        return;
    }
    s.again = true;
    // Never from inside the caller (a tool of the parent's turn, an HTTP handler): the next loop pass.
    QTimer::singleShot(0, this, [this, taskId] {
        auto it = m_sessions.find(taskId);
        if (it == m_sessions.end() || it->runner || it->aborted)
            return;
        it->again = false;
        startTurn(taskId);
    });
}

void TaskSessions::abort(const QString &taskId)
{
    auto it = m_sessions.find(taskId);
    if (it == m_sessions.end())
        return;
    it->aborted = true;
    it->again = false;
    if (it->runner)
        it->runner->stop(); // its outcome arrives later and ends the session
    else
        m_sessions.erase(it);
}

void TaskSessions::addToolSource(ToolSource source, Prepare prepare)
{
    m_toolSources.append({std::move(source), std::move(prepare)});
}

// Prepares the tool sources (all at once), then begins the turn.
void TaskSessions::startTurn(const QString &taskId)
{
    QList<Prepare> prepares;
    for (const auto &[source, prepare] : std::as_const(m_toolSources))
        if (prepare)
            prepares << prepare;
    auto found = m_d.tasks.get(taskId);
    if (prepares.isEmpty() || !found)
        return beginTurn(taskId);
    auto it = m_sessions.find(taskId);
    if (it == m_sessions.end())
        return;
    it->preparing = true;
    auto pending = std::make_shared<int>(int(prepares.size()));
    for (const Prepare &prepare : std::as_const(prepares))
        prepare(found->executingKinId(), this, [this, taskId, pending] {
            if (--*pending > 0)
                return;
            QTimer::singleShot(0, this, [this, taskId] {
                auto s = m_sessions.find(taskId);
                if (s == m_sessions.end() || s->aborted)
                    return;
                s->preparing = false;
                beginTurn(taskId);
            });
        });
}

void TaskSessions::beginTurn(const QString &taskId)
{
    auto found = m_d.tasks.get(taskId);
    if (!found || found->isFinished() || found->status == taskstatus::Queued) {
        m_sessions.remove(taskId);
        return;
    }
    TaskRecord t = found.value();
    if (t.status == taskstatus::Pending)
        (void)m_d.tasks.updateStatus(t.id, taskstatus::InProgress, {}, {});

    auto kin = m_d.kins.resolve(t.executingKinId());
    if (!kin) {
        m_sessions.remove(taskId);
        m_d.tasks.resolve(t.id, taskstatus::Failed, {}, QStringLiteral("The Kin running this task no longer exists"));
        return;
    }
    const QString model = t.model.isEmpty() ? kin->model : t.model;
    const QString providerId = !t.providerId.isEmpty() ? t.providerId : (t.model.isEmpty() ? kin->providerId : QString());
    auto llm = m_d.providers.resolveLlm(model, providerId);
    if (!llm) {
        m_sessions.remove(taskId);
        m_d.tasks.resolve(t.id, taskstatus::Failed, {}, llm.error().message);
        return;
    }

    auto transcript = m_d.messages.ofTask(t.id);
    if (transcript && transcript->isEmpty()) {
        // The first run: the mission opens the transcript.
        (void)m_d.tasks.addTranscriptRow(t, QStringLiteral("user"), QStringLiteral("system"), t.description);
        transcript = m_d.messages.ofTask(t.id);
    }
    if (!transcript) {
        m_sessions.remove(taskId);
        m_d.tasks.resolve(t.id, taskstatus::Failed, {}, transcript.error().message);
        return;
    }
    // History replay: role and text only (the sub-Kin's tool calls are not replayed, as in the reference).
    QList<llm::ChatMessage> history;
    for (const MessageRecord &m : transcript.value()) {
        if (m.content.trimmed().isEmpty() || (m.role != QLatin1String("user") && m.role != QLatin1String("assistant")))
            continue;
        llm::ChatMessage c;
        c.role = m.role == QLatin1String("user") ? llm::ChatMessage::Role::User : llm::ChatMessage::Role::Assistant;
        c.content = m.content;
        history.append(c);
    }

    PromptInputs in;
    in.kin = kin.value();
    in.globalPrompt = m_d.settings.string(Setting::GlobalPrompt);
    if (auto all = m_d.kins.list())
        for (const KinRecord &k : all.value())
            if (k.id != kin->id)
                in.otherKins.append(k);
    in.speaker.language = QStringLiteral("en");
    in.speaker.source = QStringLiteral("task");
    in.now = m_d.clock.now();
    in.version = m_o.version;
    in.dataDir = m_o.dataDir;
    in.uptimeSeconds = (m_d.clock.nowMs() - m_o.startedAtMs) / 1000;
    TaskPromptInputs task;
    task.description = t.description;
    task.maxRequestInput = TaskService::kMaxRequestInput;
    task.cron = !t.cronId.isEmpty();
    if (task.cron)
        if (auto runs = m_d.tasks.store().finishedRunsOfCron(t.cronId, 6)) {
            int i = 0;
            for (const TaskRecord &r : runs.value()) {
                if (r.id == t.id || i >= 5)
                    continue;
                const QString outcome = (r.status == taskstatus::Completed ? r.result : r.error).left(500);
                task.previousRuns << QStringLiteral("%1. [%2] %3 (%4s)\n   %5")
                                         .arg(++i)
                                         .arg(json::isoMs(r.createdAt), r.status)
                                         .arg((r.updatedAt - r.createdAt) / 1000)
                                         .arg(outcome);
            }
        }

    TurnSpec spec;
    spec.kinId = t.parentKinId;
    spec.taskId = t.id;
    spec.messageId = ids::uuid();
    spec.request.model = model;
    spec.request.system = PromptBuilder::taskPrompt(in, task);
    spec.request.messages = history;
    spec.tools = m_d.tools.forTask(kin->toolConfig, kExcludedTools);
    for (const auto &[source, prepare] : std::as_const(m_toolSources))
        for (std::shared_ptr<const ToolDefinition> &tool : source(kin.value())) {
            spec.tools.append(tool.get());
            spec.ownedTools.append(std::move(tool));
        }
    spec.toolContext.kinId = kin->id;
    spec.toolContext.taskId = t.id;
    spec.toolContext.isSubKin = true;
    spec.toolContext.channelOriginId = t.channelOriginId;
    spec.toolContext.messageId = spec.messageId;
    spec.maxSteps = spec.tools.isEmpty() ? 1 : m_o.maxSteps;

    Session &s = m_sessions[taskId];
    s.assistantId = spec.messageId;
    s.executingKinId = kin->id;
    auto *runner = new KinRunner(llm->client, m_d.bus, std::move(spec), this);
    s.runner = runner;
    connect(runner, &KinRunner::finished, this, [this, taskId](const TurnOutcome &outcome) { onFinished(taskId, outcome); });
    runner->start();
}

void TaskSessions::onFinished(const QString &taskId, const TurnOutcome &outcome)
{
    auto it = m_sessions.find(taskId);
    if (it == m_sessions.end())
        return;
    if (it->runner)
        it->runner->deleteLater();
    it->runner = nullptr;
    const QString messageId = it->assistantId;
    const QString executingKinId = it->executingKinId;

    auto found = m_d.tasks.get(taskId);
    if (!found) { // the task (and its Kin) went away
        m_sessions.erase(it);
        return;
    }
    const TaskRecord t = found.value();
    if (!outcome.content.isEmpty() || !outcome.toolCalls.isEmpty() || outcome.aborted) {
        MessageRecord out;
        out.id = messageId;
        out.kinId = t.parentKinId;
        out.taskId = t.id;
        out.role = QStringLiteral("assistant");
        out.content = outcome.content;
        out.sourceType = QStringLiteral("kin");
        out.sourceId = executingKinId;
        out.toolCalls = outcome.toolCalls;
        if (auto st = m_d.messages.insert(out); !st)
            m_d.logger.error(kModule, QStringLiteral("Could not store a task turn"), {{QStringLiteral("taskId"), taskId}});
    }
    m_d.bus.toKin(t.parentKinId, QStringLiteral("chat:done"),
                  {{QStringLiteral("messageId"), messageId}, {QStringLiteral("content"), outcome.content}, {QStringLiteral("taskId"), t.id}});
    Q_EMIT turnFinished(taskId, messageId);

    it = m_sessions.find(taskId); // receivers of turnFinished may have changed the map
    if (it == m_sessions.end())
        return;
    if (it->aborted || outcome.aborted || t.isFinished()) {
        m_sessions.erase(it);
        return;
    }
    if (outcome.error) {
        m_sessions.erase(it);
        m_d.tasks.resolve(taskId, taskstatus::Failed, {}, outcome.error->message.isEmpty() ? QStringLiteral("The model call failed") : outcome.error->message);
        return;
    }
    if (it->again) { // an answer arrived during the turn: the sub-Kin reads it now
        it->again = false;
        QTimer::singleShot(0, this, [this, taskId] {
            auto s = m_sessions.find(taskId);
            if (s != m_sessions.end() && !s->runner && !s->aborted)
                startTurn(taskId);
        });
        return;
    }
    if (t.status == taskstatus::AwaitingHuman || t.status == taskstatus::AwaitingKin)
        return; // resumed by the answer
    // A question to the parent is outstanding: the task waits for respond_to_task.
    for (const QJsonValue &call : outcome.toolCalls) {
        const QJsonObject c = call.toObject();
        if (c.value(QStringLiteral("name")).toString() == QLatin1String("request_input")
            && !c.value(QStringLiteral("result")).toObject().contains(QStringLiteral("error")))
            return;
    }
    if (outcome.content.trimmed().isEmpty() && outcome.toolCalls.isEmpty()) {
        m_sessions.erase(it);
        m_d.tasks.resolve(taskId, taskstatus::Failed, {}, QStringLiteral("LLM returned empty response"));
        return;
    }
    if (!it->nudged) {
        it->nudged = true;
        (void)m_d.tasks.addTranscriptRow(t, QStringLiteral("user"), QStringLiteral("system"), QString::fromUtf8(kNudge));
        QTimer::singleShot(0, this, [this, taskId] {
            auto s = m_sessions.find(taskId);
            if (s != m_sessions.end() && !s->runner && !s->aborted)
                startTurn(taskId);
        });
        return;
    }
    m_sessions.erase(it);
    m_d.tasks.resolve(taskId, taskstatus::Failed, {}, QStringLiteral("Task did not explicitly report completion"));
}

} // namespace kinbot
