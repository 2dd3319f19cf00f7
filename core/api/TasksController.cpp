#include "api/TasksController.h"

#include "engine/MessageStore.h"
#include "http/Exchange.h"
#include "http/Reply.h"
#include "kins/KinService.h"
#include "tasks/TaskService.h"
#include "util/Json.h"

#include <QJsonArray>

namespace kinbot {

TasksController::TasksController(TaskService &tasks, KinService &kins, MessageStore &messages, QObject *parent)
    : QObject(parent), m_tasks(tasks), m_kins(kins), m_messages(messages)
{
}

static Result<int> intParam(const Exchange &ex, const QString &key, int fallback, int min, int max)
{
    if (!ex.hasQuery(key))
        return fallback;
    bool ok = false;
    const int v = ex.queryValue(key).toInt(&ok);
    if (!ok || v < min || v > max)
        return ApiError::validation(max == INT_MAX ? QStringLiteral("%1 must be an integer ≥ %2").arg(key).arg(min)
                                                   : QStringLiteral("%1 must be an integer between %2 and %3").arg(key).arg(min).arg(max));
    return v;
}

void TasksController::list(const ExchangePtr &ex)
{
    TaskFilter f;
    f.status = ex->queryValue(QStringLiteral("status")).trimmed();
    if (!f.status.isEmpty() && !TaskRecord::isStatus(f.status))
        return ex->fail(ApiError::validation(QStringLiteral("status must be one of queued, pending, in_progress, awaiting_human_input, "
                                                            "awaiting_kin_response, completed, failed, cancelled")));
    const QString kinParam = ex->queryValue(QStringLiteral("kinId")).trimmed();
    if (!kinParam.isEmpty()) {
        auto kin = m_kins.resolve(kinParam);
        if (!kin)
            return ex->fail(kin.error());
        f.kinId = kin->id;
    }
    f.cronId = ex->queryValue(QStringLiteral("cronId")).trimmed();
    f.search = ex->queryValue(QStringLiteral("search")).trimmed();
    auto limit = intParam(*ex, QStringLiteral("limit"), 20, 1, 100);
    if (!limit)
        return ex->fail(limit.error());
    auto offset = intParam(*ex, QStringLiteral("offset"), 0, 0, INT_MAX);
    if (!offset)
        return ex->fail(offset.error());
    f.limit = limit.value();
    f.offset = offset.value();
    int total = 0;
    auto tasks = m_tasks.list(f, &total);
    if (!tasks)
        return ex->fail(tasks.error());
    QJsonArray out;
    for (const TaskRecord &t : tasks.value())
        out.append(m_tasks.summaryJson(t));
    ex->send(Reply::json(QJsonObject{{QStringLiteral("tasks"), out},
                                     {QStringLiteral("total"), total},
                                     {QStringLiteral("hasMore"), f.offset + int(tasks->size()) < total}}));
}

void TasksController::get(const ExchangePtr &ex)
{
    auto t = m_tasks.get(ex->param(QStringLiteral("id")));
    if (!t)
        return ex->fail(t.error());
    auto rows = m_messages.ofTask(t->id);
    if (!rows)
        return ex->fail(rows.error());
    QJsonArray messages;
    for (const MessageRecord &m : rows.value())
        messages.append(QJsonObject{{QStringLiteral("id"), m.id},
                                    {QStringLiteral("role"), m.role},
                                    {QStringLiteral("content"), m.content},
                                    {QStringLiteral("sourceType"), m.sourceType},
                                    {QStringLiteral("sourceId"), m.sourceId.isEmpty() ? QJsonValue() : QJsonValue(m.sourceId)},
                                    {QStringLiteral("isRedacted"), m.isRedacted},
                                    {QStringLiteral("toolCalls"), m.toolCalls.isEmpty() ? QJsonValue() : QJsonValue(m.toolCalls)},
                                    {QStringLiteral("createdAt"), json::isoMs(m.createdAt)}});
    ex->send(Reply::json(QJsonObject{{QStringLiteral("task"), m_tasks.detailJson(t.value())}, {QStringLiteral("messages"), messages}}));
}

void TasksController::cancel(const ExchangePtr &ex)
{
    ex->sendSuccess(m_tasks.cancel(ex->param(QStringLiteral("id"))));
}

void TasksController::forcePromote(const ExchangePtr &ex)
{
    ex->sendSuccess(m_tasks.forcePromote(ex->param(QStringLiteral("id"))));
}

} // namespace kinbot
