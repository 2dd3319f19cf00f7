#include "tasks/TaskService.h"

#include "engine/MessageStore.h"
#include "events/EventBus.h"
#include "kins/KinService.h"
#include "log/Logger.h"
#include "scheduling/Scheduler.h"
#include "storage/Database.h"
#include "util/Clock.h"
#include "util/Ids.h"
#include "util/Json.h"

namespace kinbot {

static const QString kModule = QStringLiteral("tasks");

static ApiError notFound()
{
    return ApiError::notFound(QStringLiteral("TASK_NOT_FOUND"), QStringLiteral("Task not found"));
}

static ApiError spawnError(const QString &message)
{
    return ApiError::badRequest(QStringLiteral("TASK_SPAWN_ERROR"), message);
}

TaskService::TaskService(Deps deps, QObject *parent) : QObject(parent), m_d(std::move(deps)), m_store(m_d.db) {}

QString TaskService::kinName(const QString &kinId) const
{
    if (kinId.isEmpty())
        return {};
    auto k = m_d.kins.resolve(kinId);
    return k ? k->name : QString();
}

QJsonValue TaskService::kinAvatar(const QString &kinId) const
{
    if (kinId.isEmpty())
        return QJsonValue();
    auto k = m_d.kins.resolve(kinId);
    if (!k)
        return QJsonValue();
    const QString url = m_d.kins.avatarUrl(k.value());
    return url.isEmpty() ? QJsonValue() : QJsonValue(url);
}

Status TaskService::recover()
{
    auto stale = m_store.inStatuses({taskstatus::Queued, taskstatus::Pending, taskstatus::InProgress, taskstatus::AwaitingKin});
    if (!stale)
        return stale.error();
    for (TaskRecord t : stale.value()) {
        t.status = taskstatus::Failed;
        t.error = QStringLiteral("Interrupted by server restart");
        t.updatedAt = m_d.clock.nowMs();
        if (Status st = m_store.update(t); !st)
            return st;
    }
    if (!stale->isEmpty())
        m_d.logger.info(kModule, QStringLiteral("Tasks interrupted by the restart marked failed"), {{QStringLiteral("count"), int(stale->size())}});
    return {};
}

Result<TaskRecord> TaskService::get(const QString &id) const
{
    auto found = m_store.find(id);
    if (!found)
        return found.error();
    if (!found.value())
        return notFound();
    return *found.value();
}

Result<TaskRecord> TaskService::spawn(const SpawnRequest &r)
{
    const QString title = r.title.trimmed();
    if (title.isEmpty() || title.size() > kMaxTitle)
        return spawnError(QStringLiteral("title is required (at most %1 characters)").arg(kMaxTitle));
    if (r.description.trimmed().isEmpty() || r.description.size() > kMaxDescription)
        return spawnError(QStringLiteral("task_description is required (at most %1 characters)").arg(kMaxDescription));
    if (r.mode != QLatin1String("await") && r.mode != QLatin1String("async"))
        return spawnError(QStringLiteral("mode must be \"await\" or \"async\""));
    if (r.depth > kMaxDepth)
        return spawnError(QStringLiteral("Maximum task depth (%1) reached: this task cannot spawn sub-tasks").arg(kMaxDepth));
    if (r.concurrencyMax < 0 || r.concurrencyMax > kMaxGroupMax)
        return spawnError(QStringLiteral("concurrency_max must be between 1 and %1").arg(kMaxGroupMax));
    auto parent = m_d.kins.resolve(r.parentKinId);
    if (!parent)
        return parent.error();
    if (!r.sourceKinId.isEmpty()) {
        auto source = m_d.kins.resolve(r.sourceKinId);
        if (!source)
            return source.error();
    }
    auto running = m_store.runningCount();
    if (!running)
        return running.error();
    if (running.value() >= kMaxConcurrent)
        return spawnError(QStringLiteral("Too many tasks running (%1 at most); wait for one to finish").arg(kMaxConcurrent));

    const qint64 now = m_d.clock.nowMs();
    TaskRecord t;
    t.id = ids::uuid();
    t.parentKinId = parent->id;
    if (!r.sourceKinId.isEmpty()) {
        auto source = m_d.kins.resolve(r.sourceKinId);
        if (source && source->id != parent->id)
            t.sourceKinId = source->id;
    }
    t.spawnType = t.sourceKinId.isEmpty() ? QStringLiteral("self") : QStringLiteral("other");
    t.mode = r.mode;
    t.model = r.model.trimmed();
    t.providerId = r.providerId.trimmed();
    t.title = title;
    t.description = r.description;
    t.depth = qMax(1, r.depth);
    t.parentTaskId = r.parentTaskId;
    t.cronId = r.cronId;
    t.webhookId = r.webhookId;
    t.channelOriginId = r.channelOriginId;
    t.allowHumanPrompt = r.allowHumanPrompt && r.cronId.isEmpty();
    t.concurrencyGroup = r.concurrencyGroup.trimmed();
    t.concurrencyMax = t.concurrencyGroup.isEmpty() ? 0 : qMax(1, r.concurrencyMax);
    t.createdAt = t.updatedAt = now;
    t.status = taskstatus::Pending;
    if (!t.concurrencyGroup.isEmpty() && !r.ignoreGroupLimit) {
        auto active = m_store.activeInGroup(t.concurrencyGroup);
        if (!active)
            return active.error();
        if (active.value() >= t.concurrencyMax) {
            t.status = taskstatus::Queued;
            t.queuedAt = now;
        }
    }
    if (Status st = m_store.insert(t); !st)
        return st.error();
    announceStatus(t);
    if (t.status == taskstatus::Queued)
        m_d.announceQueue(t.parentKinId);
    else
        startPending(t);
    return t;
}

void TaskService::startPending(const TaskRecord &t)
{
    if (m_execution)
        m_execution->run(t.id);
    else
        m_d.logger.warn(kModule, QStringLiteral("No task execution installed"), {{QStringLiteral("taskId"), t.id}});
}

void TaskService::announceStatus(const TaskRecord &t)
{
    QJsonObject p{{QStringLiteral("taskId"), t.id}, {QStringLiteral("kinId"), t.parentKinId}, {QStringLiteral("status"), t.status},
                  {QStringLiteral("title"), t.title}};
    if (!t.sourceKinId.isEmpty()) {
        p.insert(QStringLiteral("senderName"), kinName(t.sourceKinId));
        p.insert(QStringLiteral("senderAvatarUrl"), kinAvatar(t.sourceKinId));
    }
    if (!t.concurrencyGroup.isEmpty())
        p.insert(QStringLiteral("concurrencyGroup"), t.concurrencyGroup);
    m_d.bus.toKin(t.parentKinId, QStringLiteral("task:status"), p);
}

Status TaskService::setStatus(TaskRecord &t, const QString &status)
{
    t.status = status;
    t.updatedAt = m_d.clock.nowMs();
    if (Status st = m_store.update(t); !st)
        return st;
    announceStatus(t);
    return {};
}

Status TaskService::cancel(const QString &id)
{
    auto found = get(id);
    if (!found)
        return found.error();
    TaskRecord t = found.value();
    if (t.isFinished())
        return ApiError::conflict(QStringLiteral("TASK_NOT_CANCELLABLE"), QStringLiteral("The task is already %1").arg(t.status));
    if (m_execution)
        m_execution->abort(t.id);
    if (m_cancelPrompts)
        m_cancelPrompts(t.id);
    const bool wasQueued = t.status == taskstatus::Queued;
    m_d.scheduler.cancel(timeoutJob(t.id));
    t.pendingRequestId.clear();
    if (Status st = setStatus(t, taskstatus::Cancelled); !st)
        return st;
    if (t.spawnType == QLatin1String("other") && !t.sourceKinId.isEmpty())
        depositTo(t.sourceKinId, t, QStringLiteral("[Task cancelled: %1]").arg(t.title), true);
    Q_EMIT taskFinished(t.id, t.status);
    if (!wasQueued && !t.concurrencyGroup.isEmpty())
        promoteNext(t.concurrencyGroup);
    else if (wasQueued)
        m_d.announceQueue(t.parentKinId);
    return {};
}

Status TaskService::forcePromote(const QString &id)
{
    auto found = get(id);
    if (!found)
        return found.error();
    TaskRecord t = found.value();
    if (t.status != taskstatus::Queued)
        return ApiError::conflict(QStringLiteral("TASK_NOT_QUEUED"), QStringLiteral("Only a queued task can be promoted (it is %1)").arg(t.status));
    if (Status st = setStatus(t, taskstatus::Pending); !st)
        return st;
    m_d.announceQueue(t.parentKinId);
    startPending(t);
    return {};
}

void TaskService::promoteNext(const QString &group)
{
    for (;;) {
        auto next = m_store.oldestQueued(group);
        if (!next || !next.value())
            return;
        TaskRecord t = *next.value();
        auto active = m_store.activeInGroup(group);
        if (!active || active.value() >= qMax(1, t.concurrencyMax))
            return;
        if (Status st = setStatus(t, taskstatus::Pending); !st)
            return;
        m_d.announceQueue(t.parentKinId);
        startPending(t);
    }
}

Status TaskService::updateStatus(const QString &id, const QString &status, const QString &result, const QString &error)
{
    auto found = get(id);
    if (!found)
        return found.error();
    TaskRecord t = found.value();
    if (t.isFinished())
        return ApiError::conflict(QStringLiteral("TASK_FINISHED"), QStringLiteral("The task is already %1").arg(t.status));
    if (status == taskstatus::InProgress) {
        if (t.status == taskstatus::InProgress)
            return {};
        return setStatus(t, taskstatus::InProgress);
    }
    if (status != taskstatus::Completed && status != taskstatus::Failed)
        return ApiError::validation(QStringLiteral("status must be in_progress, completed or failed"));
    if (status == taskstatus::Completed && result.trimmed().isEmpty())
        return ApiError::validation(QStringLiteral("result is required when the task is completed"));
    resolve(id, status, result, status == taskstatus::Failed && error.trimmed().isEmpty() ? QStringLiteral("The task failed") : error);
    return {};
}

void TaskService::resolve(const QString &id, const QString &status, const QString &result, const QString &error)
{
    auto found = get(id);
    if (!found || found->isFinished())
        return;
    TaskRecord t = found.value();
    t.status = status;
    t.result = status == taskstatus::Completed ? result : QString();
    t.error = status == taskstatus::Failed ? error : QString();
    t.pendingRequestId.clear();
    m_d.scheduler.cancel(timeoutJob(t.id));
    t.updatedAt = m_d.clock.nowMs();
    if (Status st = m_store.update(t); !st) {
        m_d.logger.error(kModule, QStringLiteral("Could not store the task's outcome"), {{QStringLiteral("taskId"), id}, {QStringLiteral("error"), st.error().message}});
        return;
    }
    m_d.bus.toKin(t.parentKinId, QStringLiteral("task:done"),
                  {{QStringLiteral("taskId"), t.id},
                   {QStringLiteral("kinId"), t.parentKinId},
                   {QStringLiteral("status"), t.status},
                   {QStringLiteral("result"), t.result.isEmpty() ? QJsonValue() : QJsonValue(t.result)},
                   {QStringLiteral("error"), t.error.isEmpty() ? QJsonValue() : QJsonValue(t.error)},
                   {QStringLiteral("title"), t.title},
                   {QStringLiteral("senderName"), kinName(t.executingKinId())},
                   {QStringLiteral("senderAvatarUrl"), kinAvatar(t.executingKinId())}});
    deliver(t);
    Q_EMIT taskFinished(t.id, t.status);
    if (!t.concurrencyGroup.isEmpty())
        promoteNext(t.concurrencyGroup);
}

void TaskService::depositTo(const QString &kinId, const TaskRecord &t, const QString &content, bool withSourceName)
{
    MessageRecord row;
    row.kinId = kinId;
    row.role = QStringLiteral("user");
    row.content = content;
    row.sourceType = QStringLiteral("task");
    row.sourceId = t.executingKinId();
    row.metadata.insert(QStringLiteral("resolvedTaskId"), t.id);
    auto stored = m_d.messages.insert(row);
    if (!stored) {
        m_d.logger.error(kModule, QStringLiteral("Could not deposit a task's outcome"), {{QStringLiteral("taskId"), t.id}});
        return;
    }
    QJsonObject p{{QStringLiteral("id"), stored->id},
                  {QStringLiteral("role"), QStringLiteral("user")},
                  {QStringLiteral("content"), content},
                  {QStringLiteral("sourceType"), QStringLiteral("task")},
                  {QStringLiteral("sourceId"), row.sourceId},
                  {QStringLiteral("resolvedTaskId"), t.id},
                  {QStringLiteral("createdAt"), stored->createdAt}};
    if (withSourceName)
        p.insert(QStringLiteral("sourceName"), kinName(t.executingKinId()));
    m_d.bus.toKin(kinId, QStringLiteral("chat:message"), p);
}

void TaskService::deliver(const TaskRecord &t)
{
    const bool ok = t.status == taskstatus::Completed;
    // The Kin that did the work for another one keeps a note of it (no turn).
    if (t.spawnType == QLatin1String("other") && !t.sourceKinId.isEmpty())
        depositTo(t.sourceKinId, t,
                  ok ? QStringLiteral("[Task completed: %1] %2").arg(t.title, t.result)
                     : QStringLiteral("[Task failed: %1] %2").arg(t.title, t.error),
                  true);
    const bool turn = t.mode == QLatin1String("await") || (!ok && !t.cronId.isEmpty());
    if (!turn) {
        depositTo(t.parentKinId, t,
                  ok ? QStringLiteral("[Task completed: %1] %2").arg(t.title, t.result)
                     : QStringLiteral("[Task failed: %1] %2").arg(t.title, t.error),
                  false);
        return;
    }
    QueueItem item;
    item.kinId = t.parentKinId;
    item.messageType = QStringLiteral("task_result");
    item.content = ok ? QStringLiteral("[Task: %1] Result: %2").arg(t.title, t.result)
                      : QStringLiteral("[Task failed: %1] Error: %2").arg(t.title, t.error);
    item.sourceType = QStringLiteral("task");
    item.sourceId = t.executingKinId();
    item.priority = QueueStore::kPriorityKin;
    item.taskId = t.id;
    item.channelOriginId = t.channelOriginId;
    if (auto queued = m_d.enqueue(item); !queued)
        m_d.logger.error(kModule, QStringLiteral("Could not hand the task's result to its parent"),
                         {{QStringLiteral("taskId"), t.id}, {QStringLiteral("error"), queued.error().message}});
}

Status TaskService::addTranscriptRow(const TaskRecord &t, const QString &role, const QString &sourceType, const QString &content)
{
    MessageRecord row;
    row.kinId = t.parentKinId;
    row.taskId = t.id;
    row.role = role;
    row.content = content;
    row.sourceType = sourceType;
    row.sourceId = sourceType == QLatin1String("system") ? QString() : t.executingKinId();
    auto stored = m_d.messages.insert(row);
    if (!stored)
        return stored.error();
    QJsonObject p{{QStringLiteral("id"), stored->id},   {QStringLiteral("taskId"), t.id},
                  {QStringLiteral("role"), role},       {QStringLiteral("content"), content},
                  {QStringLiteral("sourceType"), sourceType}, {QStringLiteral("createdAt"), stored->createdAt}};
    if (!row.sourceId.isEmpty())
        p.insert(QStringLiteral("sourceId"), row.sourceId);
    m_d.bus.toKin(t.parentKinId, QStringLiteral("chat:message"), p);
    return {};
}

Result<int> TaskService::requestInput(const QString &id, const QString &question)
{
    auto found = get(id);
    if (!found)
        return found.error();
    TaskRecord t = found.value();
    if (t.isFinished())
        return ApiError::conflict(QStringLiteral("TASK_FINISHED"), QStringLiteral("The task is already %1").arg(t.status));
    if (question.trimmed().isEmpty())
        return ApiError::validation(QStringLiteral("question is required"));
    if (t.requestInputCount >= kMaxRequestInput)
        return ApiError::badRequest(QStringLiteral("TASK_INPUT_LIMIT"),
                                    QStringLiteral("At most %1 input requests per task; decide with what you have").arg(kMaxRequestInput));
    ++t.requestInputCount;
    t.updatedAt = m_d.clock.nowMs();
    if (Status st = m_store.update(t); !st)
        return st.error();
    QueueItem item;
    item.kinId = t.parentKinId;
    item.messageType = QStringLiteral("task_input");
    item.content = QStringLiteral("[Task \"%1\" asks]: %2\n(answer with respond_to_task, task_id=\"%3\")").arg(t.description.left(300), question, t.id);
    item.sourceType = QStringLiteral("task");
    item.sourceId = t.executingKinId();
    item.priority = QueueStore::kPriorityKin;
    item.taskId = t.id;
    item.channelOriginId = t.channelOriginId;
    if (auto queued = m_d.enqueue(item); !queued)
        return queued.error();
    return t.requestInputCount;
}

Status TaskService::respond(const QString &id, const QString &answer)
{
    auto found = get(id);
    if (!found)
        return found.error();
    const TaskRecord t = found.value();
    if (t.status != taskstatus::InProgress)
        return ApiError::conflict(QStringLiteral("TASK_NOT_IN_PROGRESS"), QStringLiteral("The task is %1, not in_progress").arg(t.status));
    if (answer.trimmed().isEmpty())
        return ApiError::validation(QStringLiteral("answer is required"));
    if (Status st = addTranscriptRow(t, QStringLiteral("user"), QStringLiteral("kin"), QStringLiteral("[Parent response]: ") + answer); !st)
        return st;
    if (m_execution)
        m_execution->run(t.id);
    return {};
}

Status TaskService::report(const QString &id, const QString &message)
{
    auto found = get(id);
    if (!found)
        return found.error();
    if (message.trimmed().isEmpty())
        return ApiError::validation(QStringLiteral("message is required"));
    return addTranscriptRow(found.value(), QStringLiteral("assistant"), QStringLiteral("task"), message);
}

Result<QString> TaskService::admitHumanPrompt(const QString &id) const
{
    auto t = get(id);
    if (!t)
        return t.error();
    if (!t->cronId.isEmpty())
        return ApiError::badRequest(QStringLiteral("PROMPT_ERROR"), QStringLiteral("Cron tasks cannot ask the users: decide, or report the question in your result"));
    if (!t->allowHumanPrompt)
        return ApiError::badRequest(QStringLiteral("PROMPT_ERROR"), QStringLiteral("This task was spawned without permission to ask the users"));
    if (t->isFinished())
        return ApiError::conflict(QStringLiteral("TASK_FINISHED"), QStringLiteral("The task is already %1").arg(t->status));
    return t->parentKinId;
}

Status TaskService::awaitHuman(const QString &id)
{
    auto found = get(id);
    if (!found)
        return found.error();
    TaskRecord t = found.value();
    if (t.isFinished())
        return ApiError::conflict(QStringLiteral("TASK_FINISHED"), QStringLiteral("The task is already %1").arg(t.status));
    return setStatus(t, taskstatus::AwaitingHuman);
}

Status TaskService::humanAnswered(const QString &id, const QString &text)
{
    auto found = get(id);
    if (!found)
        return found.error();
    TaskRecord t = found.value();
    if (t.isFinished())
        return {}; // nothing waits for it any more
    if (Status st = addTranscriptRow(t, QStringLiteral("user"), QStringLiteral("user"), text); !st)
        return st;
    if (t.status != taskstatus::InProgress)
        if (Status st = setStatus(t, taskstatus::InProgress); !st)
            return st;
    if (m_execution)
        m_execution->run(t.id);
    return {};
}

Status TaskService::admitKinRequest(const QString &id) const
{
    auto t = get(id);
    if (!t)
        return t.error();
    if (t->isFinished())
        return ApiError::conflict(QStringLiteral("TASK_FINISHED"), QStringLiteral("The task is already %1").arg(t->status));
    if (t->interKinRequestCount >= kMaxInterKinRequests)
        return ApiError::badRequest(QStringLiteral("TASK_REQUEST_LIMIT"),
                                    QStringLiteral("At most %1 inter-Kin requests per task; go on with what you have").arg(kMaxInterKinRequests));
    return {};
}

Status TaskService::awaitKin(const QString &id, const QString &requestId, const QString &targetName)
{
    auto found = get(id);
    if (!found)
        return found.error();
    TaskRecord t = found.value();
    if (t.isFinished())
        return {};
    ++t.interKinRequestCount;
    t.pendingRequestId = requestId;
    if (Status st = setStatus(t, taskstatus::AwaitingKin); !st)
        return st;
    m_d.scheduler.schedule(timeoutJob(t.id), m_d.clock.nowMs() + kInterKinTimeoutMs, [this, id, requestId, targetName](qint64) {
        resumeFromKin(id, requestId,
                      QStringLiteral("[System] The inter-Kin request to %1 timed out after %2 minutes without a reply. Go on without it.")
                          .arg(targetName.isEmpty() ? QStringLiteral("the other Kin") : targetName)
                          .arg(kInterKinTimeoutMs / 60000));
    });
    return {};
}

bool TaskService::deliverKinReply(const QString &requestId, const QString &fromKinId, const QString &message)
{
    if (requestId.isEmpty())
        return false;
    auto waiting = m_store.inStatuses({taskstatus::AwaitingKin});
    if (!waiting)
        return false;
    for (const TaskRecord &t : waiting.value())
        if (t.pendingRequestId == requestId) {
            m_d.scheduler.cancel(timeoutJob(t.id));
            resumeFromKin(t.id, requestId, QStringLiteral("[Inter-Kin response from %1]: %2").arg(kinName(fromKinId), message));
            return true;
        }
    return false;
}

void TaskService::resumeFromKin(const QString &id, const QString &requestId, const QString &text)
{
    auto found = get(id);
    if (!found || found->status != taskstatus::AwaitingKin || found->pendingRequestId != requestId)
        return; // answered, cancelled or finished meanwhile
    TaskRecord t = found.value();
    t.pendingRequestId.clear();
    if (Status st = addTranscriptRow(t, QStringLiteral("user"), QStringLiteral("kin"), text); !st)
        m_d.logger.error(kModule, QStringLiteral("Could not add an inter-Kin answer to a task"), {{QStringLiteral("taskId"), id}});
    if (Status st = setStatus(t, taskstatus::InProgress); !st)
        return;
    if (m_execution)
        m_execution->run(t.id);
}

void TaskService::forgetKin(const QString &kinId)
{
    auto tasks = m_store.ofParentKin(kinId);
    if (!tasks)
        return;
    for (const TaskRecord &t : tasks.value()) {
        if (m_execution)
            m_execution->abort(t.id);
        m_d.bus.broadcast(QStringLiteral("task:deleted"), {{QStringLiteral("taskId"), t.id}, {QStringLiteral("kinId"), kinId}});
    }
}

Result<QString> TaskService::spawnCronTask(const CronRecord &cron, bool manual)
{
    SpawnRequest r;
    r.parentKinId = cron.kinId;
    r.sourceKinId = cron.targetKinId;
    r.title = cron.name;
    r.description = cron.taskDescription;
    r.mode = QStringLiteral("async");
    r.model = cron.model;
    r.providerId = cron.providerId;
    r.allowHumanPrompt = false;
    r.cronId = cron.id;
    r.concurrencyGroup = QStringLiteral("cron:") + cron.id;
    r.concurrencyMax = kCronGroupMax;
    r.ignoreGroupLimit = manual;
    auto t = spawn(r);
    if (!t)
        return t.error();
    return t->id;
}

Result<WebhookTaskSpawn> TaskService::spawnWebhookTask(const WebhookRecord &webhook, const QString &title, const QString &description)
{
    SpawnRequest r;
    r.parentKinId = webhook.kinId;
    r.title = title;
    r.description = description;
    r.mode = QStringLiteral("async");
    r.allowHumanPrompt = false;
    r.webhookId = webhook.id;
    if (webhook.maxConcurrentTasks > 0) {
        r.concurrencyGroup = webhook.taskGroup();
        r.concurrencyMax = webhook.maxConcurrentTasks;
    }
    auto t = spawn(r);
    if (!t)
        return t.error();
    return WebhookTaskSpawn{t->id, t->status == taskstatus::Queued};
}

int TaskService::queuePosition(const TaskRecord &t) const
{
    if (t.status != taskstatus::Queued || t.concurrencyGroup.isEmpty())
        return 0;
    auto queued = m_store.queuedOf(t.concurrencyGroup);
    if (!queued)
        return 0;
    for (int i = 0; i < queued->size(); ++i)
        if (queued->at(i).id == t.id)
            return i + 1;
    return 0;
}

QJsonObject TaskService::summaryJson(const TaskRecord &t) const
{
    return {{QStringLiteral("id"), t.id},
            {QStringLiteral("parentKinId"), t.parentKinId},
            {QStringLiteral("parentKinName"), kinName(t.parentKinId)},
            {QStringLiteral("parentKinAvatarUrl"), kinAvatar(t.parentKinId)},
            {QStringLiteral("sourceKinId"), t.sourceKinId.isEmpty() ? QJsonValue() : QJsonValue(t.sourceKinId)},
            {QStringLiteral("sourceKinName"), t.sourceKinId.isEmpty() ? QJsonValue() : QJsonValue(kinName(t.sourceKinId))},
            {QStringLiteral("sourceKinAvatarUrl"), kinAvatar(t.sourceKinId)},
            {QStringLiteral("title"), t.title},
            {QStringLiteral("description"), t.description},
            {QStringLiteral("status"), t.status},
            {QStringLiteral("mode"), t.mode},
            {QStringLiteral("model"), t.model.isEmpty() ? QJsonValue() : QJsonValue(t.model)},
            {QStringLiteral("providerId"), t.providerId.isEmpty() ? QJsonValue() : QJsonValue(t.providerId)},
            {QStringLiteral("cronId"), t.cronId.isEmpty() ? QJsonValue() : QJsonValue(t.cronId)},
            {QStringLiteral("depth"), t.depth},
            {QStringLiteral("concurrencyGroup"), t.concurrencyGroup.isEmpty() ? QJsonValue() : QJsonValue(t.concurrencyGroup)},
            {QStringLiteral("concurrencyMax"), t.concurrencyGroup.isEmpty() ? QJsonValue() : QJsonValue(t.concurrencyMax)},
            {QStringLiteral("queuePosition"), QJsonValue()},
            {QStringLiteral("createdAt"), json::isoMs(t.createdAt)},
            {QStringLiteral("updatedAt"), json::isoMs(t.updatedAt)}};
}

QJsonObject TaskService::detailJson(const TaskRecord &t) const
{
    QString model = t.model;
    if (model.isEmpty())
        if (auto k = m_d.kins.resolve(t.executingKinId()))
            model = k->model;
    return {{QStringLiteral("id"), t.id},
            {QStringLiteral("parentKinId"), t.parentKinId},
            {QStringLiteral("sourceKinId"), t.sourceKinId.isEmpty() ? QJsonValue() : QJsonValue(t.sourceKinId)},
            {QStringLiteral("title"), t.title},
            {QStringLiteral("description"), t.description},
            {QStringLiteral("status"), t.status},
            {QStringLiteral("mode"), t.mode},
            {QStringLiteral("model"), model.isEmpty() ? QJsonValue() : QJsonValue(model)},
            {QStringLiteral("depth"), t.depth},
            {QStringLiteral("result"), t.result.isEmpty() ? QJsonValue() : QJsonValue(t.result)},
            {QStringLiteral("error"), t.error.isEmpty() ? QJsonValue() : QJsonValue(t.error)},
            {QStringLiteral("cronId"), t.cronId.isEmpty() ? QJsonValue() : QJsonValue(t.cronId)},
            {QStringLiteral("concurrencyGroup"), t.concurrencyGroup.isEmpty() ? QJsonValue() : QJsonValue(t.concurrencyGroup)},
            {QStringLiteral("concurrencyMax"), t.concurrencyGroup.isEmpty() ? QJsonValue() : QJsonValue(t.concurrencyMax)},
            {QStringLiteral("createdAt"), json::isoMs(t.createdAt)},
            {QStringLiteral("updatedAt"), json::isoMs(t.updatedAt)}};
}

} // namespace kinbot
