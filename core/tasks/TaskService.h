#pragma once

#include "engine/QueueStore.h"
#include "scheduling/CronService.h"
#include "tasks/TaskStore.h"
#include "webhooks/WebhookService.h"
#include "util/Result.h"

#include <QJsonObject>
#include <QObject>

#include <functional>

namespace kinbot {

class Clock;
class Database;
class EventBus;
class KinService;
class Logger;
class MessageStore;
class Scheduler;
struct KinRecord;

// What runs a task's sub-Kin session (TaskSessions): the service decides, the execution talks to the model.
class TaskExecution
{
public:
    virtual ~TaskExecution() = default;
    // Runs a turn of the task now (or right after the running one, when a turn is under way).
    virtual void run(const QString &taskId) = 0;
    // Stops the task's running turn, if any; nothing more runs for it.
    virtual void abort(const QString &taskId) = 0;
};

// Everything spawn_self / spawn_kin / a cron can ask for.
struct SpawnRequest
{
    QString parentKinId;
    QString sourceKinId;   // spawn_kin / cron target: the executing Kin ("" = the parent itself)
    QString title;
    QString description;
    QString mode = QStringLiteral("await");
    QString model;
    QString providerId;
    bool allowHumanPrompt = true;
    QString concurrencyGroup;
    int concurrencyMax = 0;   // 0 with a group = 1
    QString parentTaskId;     // spawned from inside a task
    int depth = 1;
    QString cronId;
    QString webhookId;        // a webhook in task dispatch mode
    QString channelOriginId;
    bool ignoreGroupLimit = false; // manual cron trigger
};

// Tasks / sub-Kins (engine.md §7): spawning with the depth, global and concurrency-group limits, the status machine,
// resolution (the parent's task_result turn, async deposits, notes to the source Kin), cancellation, promotion of
// queued tasks, restart recovery. Main thread; no model I/O here (TaskExecution does that).
class TaskService final : public QObject, public CronTaskSpawner, public WebhookTaskSpawner
{
    Q_OBJECT
public:
    static constexpr int kMaxDepth = 3;           // TASKS_MAX_DEPTH
    static constexpr int kMaxConcurrent = 10;     // TASKS_MAX_CONCURRENT (pending + in_progress, every Kin)
    static constexpr int kMaxRequestInput = 3;    // TASKS_MAX_REQUEST_INPUT
    static constexpr int kCronGroupMax = 5;       // CRONS_MAX_CONCURRENT_EXEC
    static constexpr int kMaxTitle = 200;
    static constexpr int kMaxDescription = 50000;
    static constexpr int kMaxGroupMax = 50;
    static constexpr int kMaxInterKinRequests = 3;              // TASKS_MAX_INTER_KIN_REQUESTS
    static constexpr qint64 kInterKinTimeoutMs = 300 * 1000;    // TASKS_INTER_KIN_RESPONSE_TIMEOUT_MS

    using Enqueue = std::function<Result<QueueItem>(QueueItem)>;
    using Announce = std::function<void(const QString &kinId)>;
    // Cancels the task's pending human prompts (prompt:answered {cancelled:true}).
    using CancelPrompts = std::function<void(const QString &taskId)>;

    struct Deps
    {
        const Database &db;
        const Clock &clock;
        EventBus &bus;
        KinService &kins;
        MessageStore &messages;
        Logger &logger;
        Scheduler &scheduler;   // inter-Kin request timeouts, on the clock
        Enqueue enqueue;        // the parent's queue (ConversationEngine::enqueue)
        Announce announceQueue; // queue:update of a Kin
    };

    explicit TaskService(Deps deps, QObject *parent = nullptr);

    void setExecution(TaskExecution *execution) { m_execution = execution; }
    void setPromptCanceller(CancelPrompts cancel) { m_cancelPrompts = std::move(cancel); }

    // Startup: queued / pending / in_progress / awaiting_kin_response → failed ("Interrupted by server restart");
    // awaiting_human_input survives (its answer resumes it).
    Status recover();

    // → the new row (status queued or pending; a pending task starts at once). TASK_SPAWN_ERROR (400) for limits
    // and bad input, KIN_NOT_FOUND.
    Result<TaskRecord> spawn(const SpawnRequest &request);
    Result<TaskRecord> get(const QString &id) const; // 404 TASK_NOT_FOUND
    Result<QList<TaskRecord>> list(const TaskFilter &filter, int *total) const { return m_store.list(filter, total); }
    Result<QList<TaskRecord>> ofKin(const QString &kinId, int limit) const { return m_store.ofKin(kinId, limit); }
    const TaskStore &store() const { return m_store; }

    // 409 TASK_NOT_CANCELLABLE once finished.
    Status cancel(const QString &id);
    // Starts a queued task now, whatever its group says. 409 TASK_NOT_QUEUED.
    Status forcePromote(const QString &id);

    // The sub-Kin's update_task_status: in_progress | completed | failed.
    Status updateStatus(const QString &id, const QString &status, const QString &result, const QString &error);
    // Ends a task (completed / failed) and delivers the outcome; no-op on a finished task.
    void resolve(const QString &id, const QString &status, const QString &result, const QString &error);
    // request_input: the parent gets a task_input turn → the number of requests used.
    Result<int> requestInput(const QString &id, const QString &question);
    // respond_to_task: the parent's answer enters the task's transcript and the sub-Kin runs again.
    Status respond(const QString &id, const QString &answer);
    // report_to_parent: a progress row in the task's transcript.
    Status report(const QString &id, const QString &message);
    // May this task ask the users (prompt_human)? → the Kin the prompt belongs to (the parent). Not in cron tasks nor
    // when allow_human_prompt is off.
    Result<QString> admitHumanPrompt(const QString &id) const;
    // A human prompt was asked from the task / answered for it.
    Status awaitHuman(const QString &id);
    Status humanAnswered(const QString &id, const QString &text);
    // A row of the task's transcript (kin_id = parent, task_id set) + chat:message {id, taskId, role, …}.
    Status addTranscriptRow(const TaskRecord &t, const QString &role, const QString &sourceType, const QString &content);
    // Inter-Kin requests from a task (send_message type request): at most 3 per task; the task waits in
    // awaiting_kin_response until the reply (deliverKinReply) or 5 minutes, then resumes either way.
    Status admitKinRequest(const QString &id) const;
    Status awaitKin(const QString &id, const QString &requestId, const QString &targetName);
    // A reply to requestId: when a task waits for it, it enters that task's transcript and the task resumes → true.
    bool deliverKinReply(const QString &requestId, const QString &fromKinId, const QString &message);
    // The Kin is about to be deleted: its tasks stop, task:deleted for each (rows cascade).
    void forgetKin(const QString &kinId);

    // CronTaskSpawner: an async task of the cron (its target Kin or itself), group cron:<id> (max 5) unless manual.
    Result<QString> spawnCronTask(const CronRecord &cron, bool manual) override;
    // An async self task of the webhook's Kin in group "webhook:<id>" (no group when its limit is 0 = unlimited).
    Result<WebhookTaskSpawn> spawnWebhookTask(const WebhookRecord &webhook, const QString &title, const QString &description) override;

    // Queue position of a queued task in its group (1-based), 0 when not queued.
    int queuePosition(const TaskRecord &t) const;
    // GET /api/tasks item and GET /api/tasks/:id task (rest.md §3.8).
    QJsonObject summaryJson(const TaskRecord &t) const;
    QJsonObject detailJson(const TaskRecord &t) const;

Q_SIGNALS:
    // For tests: a task reached completed / failed / cancelled.
    void taskFinished(const QString &taskId, const QString &status);

private:
    Status setStatus(TaskRecord &t, const QString &status);
    void announceStatus(const TaskRecord &t);
    void promoteNext(const QString &group);
    void startPending(const TaskRecord &t);
    void deliver(const TaskRecord &t);
    void depositTo(const QString &kinId, const TaskRecord &t, const QString &content, bool withSourceName);
    QString kinName(const QString &kinId) const;
    void resumeFromKin(const QString &id, const QString &requestId, const QString &text);
    static QString timeoutJob(const QString &taskId) { return QStringLiteral("task-kin-timeout:") + taskId; }
    QJsonValue kinAvatar(const QString &kinId) const;

    Deps m_d;
    TaskStore m_store;
    TaskExecution *m_execution = nullptr;
    CancelPrompts m_cancelPrompts;
};

} // namespace kinbot
