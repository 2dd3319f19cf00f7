#include "tasks/TaskStore.h"

#include "storage/Database.h"

namespace kinbot {

static const QString kColumns = QStringLiteral(
    "id, parent_kin_id, source_kin_id, spawn_type, mode, model, provider_id, title, description, status, result, error, depth, "
    "parent_task_id, cron_id, request_input_count, inter_kin_request_count, pending_request_id, channel_origin_id, webhook_id, "
    "allow_human_prompt, concurrency_group, concurrency_max, queued_at, created_at, updated_at");

bool TaskRecord::isFinished() const
{
    return status == taskstatus::Completed || status == taskstatus::Failed || status == taskstatus::Cancelled;
}

bool TaskRecord::isActive() const
{
    return status == taskstatus::Pending || status == taskstatus::InProgress || status == taskstatus::AwaitingHuman
           || status == taskstatus::AwaitingKin;
}

bool TaskRecord::isStatus(const QString &s)
{
    static const QStringList all{taskstatus::Queued,        taskstatus::Pending,     taskstatus::InProgress,
                                 taskstatus::AwaitingHuman, taskstatus::AwaitingKin, taskstatus::Completed,
                                 taskstatus::Failed,        taskstatus::Cancelled};
    return all.contains(s);
}

static TaskRecord fromRow(const Database::Row &r)
{
    TaskRecord t;
    t.id = r.value(0).toString();
    t.parentKinId = r.value(1).toString();
    t.sourceKinId = r.value(2).toString();
    t.spawnType = r.value(3).toString();
    t.mode = r.value(4).toString();
    t.model = r.value(5).toString();
    t.providerId = r.value(6).toString();
    t.title = r.value(7).toString();
    t.description = r.value(8).toString();
    t.status = r.value(9).toString();
    t.result = r.value(10).toString();
    t.error = r.value(11).toString();
    t.depth = r.value(12).toInt();
    t.parentTaskId = r.value(13).toString();
    t.cronId = r.value(14).toString();
    t.requestInputCount = r.value(15).toInt();
    t.interKinRequestCount = r.value(16).toInt();
    t.pendingRequestId = r.value(17).toString();
    t.channelOriginId = r.value(18).toString();
    t.webhookId = r.value(19).toString();
    t.allowHumanPrompt = r.value(20).toLongLong() != 0;
    t.concurrencyGroup = r.value(21).toString();
    t.concurrencyMax = r.value(22).toInt();
    t.queuedAt = r.value(23).toLongLong();
    t.createdAt = r.value(24).toLongLong();
    t.updatedAt = r.value(25).toLongLong();
    return t;
}

static QVariant orNull(const QString &s)
{
    return s.isEmpty() ? QVariant() : QVariant(s);
}

static QVariant orNull(qint64 v)
{
    return v == 0 ? QVariant() : QVariant(v);
}

Status TaskStore::insert(const TaskRecord &t)
{
    auto r = m_db.run(QStringLiteral("INSERT INTO tasks (%1) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                          .arg(kColumns),
                      {t.id, t.parentKinId, orNull(t.sourceKinId), t.spawnType, t.mode, orNull(t.model), orNull(t.providerId), t.title,
                       t.description, t.status, orNull(t.result), orNull(t.error), t.depth, orNull(t.parentTaskId), orNull(t.cronId),
                       t.requestInputCount, t.interKinRequestCount, orNull(t.pendingRequestId), orNull(t.channelOriginId),
                       orNull(t.webhookId), int(t.allowHumanPrompt), orNull(t.concurrencyGroup), orNull(qint64(t.concurrencyMax)),
                       orNull(t.queuedAt), t.createdAt, t.updatedAt});
    if (!r)
        return r.error();
    return {};
}

Status TaskStore::update(const TaskRecord &t)
{
    auto r = m_db.run(QStringLiteral("UPDATE tasks SET model = ?, provider_id = ?, title = ?, description = ?, status = ?, "
                                     "result = ?, error = ?, request_input_count = ?, inter_kin_request_count = ?, "
                                     "pending_request_id = ?, channel_origin_id = ?, webhook_id = ?, allow_human_prompt = ?, "
                                     "concurrency_group = ?, concurrency_max = ?, queued_at = ?, updated_at = ? WHERE id = ?"),
                      {orNull(t.model), orNull(t.providerId), t.title, t.description, t.status, orNull(t.result),
                       orNull(t.error), t.requestInputCount, t.interKinRequestCount, orNull(t.pendingRequestId),
                       orNull(t.channelOriginId), orNull(t.webhookId), int(t.allowHumanPrompt), orNull(t.concurrencyGroup),
                       orNull(qint64(t.concurrencyMax)), orNull(t.queuedAt), t.updatedAt, t.id});
    if (!r)
        return r.error();
    return {};
}

Result<std::optional<TaskRecord>> TaskStore::find(const QString &id) const
{
    return mapRow(m_db.selectOne(QStringLiteral("SELECT %1 FROM tasks WHERE id = ?").arg(kColumns), {id}), fromRow);
}

Result<QList<TaskRecord>> TaskStore::list(const TaskFilter &f, int *total) const
{
    QString where = QStringLiteral(" WHERE 1 = 1");
    QVariantList values;
    if (!f.status.isEmpty()) {
        where += QStringLiteral(" AND status = ?");
        values << f.status;
    }
    if (!f.kinId.isEmpty()) {
        where += QStringLiteral(" AND (parent_kin_id = ? OR source_kin_id = ?)");
        values << f.kinId << f.kinId;
    }
    if (!f.cronId.isEmpty()) {
        where += QStringLiteral(" AND cron_id = ?");
        values << f.cronId;
    }
    if (!f.search.isEmpty()) {
        QString pattern = f.search;
        pattern.replace(QLatin1Char('\\'), QStringLiteral("\\\\")).replace(QLatin1Char('%'), QStringLiteral("\\%")).replace(QLatin1Char('_'), QStringLiteral("\\_"));
        pattern = QLatin1Char('%') + pattern + QLatin1Char('%');
        where += QStringLiteral(" AND (title LIKE ? ESCAPE '\\' OR description LIKE ? ESCAPE '\\')");
        values << pattern << pattern;
    }
    if (total) {
        auto count = m_db.selectOne(QStringLiteral("SELECT COUNT(*) FROM tasks") + where, values);
        if (!count)
            return count.error();
        *total = count.value() ? count.value()->value(0).toInt() : 0;
    }
    QVariantList page = values;
    page << f.limit << f.offset;
    return mapRows(m_db.selectAll(QStringLiteral("SELECT %1 FROM tasks").arg(kColumns) + where
                                      + QStringLiteral(" ORDER BY created_at DESC, rowid DESC LIMIT ? OFFSET ?"),
                                  page),
                   fromRow);
}

Result<QList<TaskRecord>> TaskStore::ofKin(const QString &kinId, int limit) const
{
    return mapRows(m_db.selectAll(QStringLiteral("SELECT %1 FROM tasks WHERE parent_kin_id = ? OR source_kin_id = ? "
                                                 "ORDER BY created_at DESC, rowid DESC LIMIT ?").arg(kColumns),
                                  {kinId, kinId, limit}),
                   fromRow);
}

static Result<int> countOf(const Database &db, const QString &sql, const QVariantList &values)
{
    auto row = db.selectOne(sql, values);
    if (!row)
        return row.error();
    return row.value() ? row.value()->value(0).toInt() : 0;
}

Result<int> TaskStore::runningCount() const
{
    return countOf(m_db, QStringLiteral("SELECT COUNT(*) FROM tasks WHERE status IN ('pending', 'in_progress')"), {});
}

Result<int> TaskStore::activeInGroup(const QString &group) const
{
    return countOf(m_db, QStringLiteral("SELECT COUNT(*) FROM tasks WHERE concurrency_group = ? AND status IN "
                                        "('pending', 'in_progress', 'awaiting_human_input', 'awaiting_kin_response')"),
                   {group});
}

Result<int> TaskStore::queuedInGroup(const QString &group) const
{
    return countOf(m_db, QStringLiteral("SELECT COUNT(*) FROM tasks WHERE concurrency_group = ? AND status = 'queued'"), {group});
}

Result<std::optional<TaskRecord>> TaskStore::oldestQueued(const QString &group) const
{
    return mapRow(m_db.selectOne(QStringLiteral("SELECT %1 FROM tasks WHERE concurrency_group = ? AND status = 'queued' "
                                                "ORDER BY queued_at ASC, created_at ASC, rowid ASC LIMIT 1").arg(kColumns),
                                 {group}),
                  fromRow);
}

Result<QList<TaskRecord>> TaskStore::queuedOf(const QString &group) const
{
    return mapRows(m_db.selectAll(QStringLiteral("SELECT %1 FROM tasks WHERE concurrency_group = ? AND status = 'queued' "
                                                 "ORDER BY queued_at ASC, created_at ASC, rowid ASC").arg(kColumns),
                                  {group}),
                   fromRow);
}

Result<QStringList> TaskStore::busyGroups() const
{
    auto rows = m_db.selectAll(QStringLiteral("SELECT DISTINCT concurrency_group FROM tasks WHERE concurrency_group IS NOT NULL AND status IN "
                                              "('queued', 'pending', 'in_progress', 'awaiting_human_input', 'awaiting_kin_response') "
                                              "ORDER BY concurrency_group"));
    if (!rows)
        return rows.error();
    QStringList out;
    for (const auto &r : rows.value())
        out << r.value(0).toString();
    return out;
}

Result<QList<TaskRecord>> TaskStore::finishedRunsOfCron(const QString &cronId, int limit) const
{
    return mapRows(m_db.selectAll(QStringLiteral("SELECT %1 FROM tasks WHERE cron_id = ? AND status IN ('completed', 'failed') "
                                                 "ORDER BY created_at DESC, rowid DESC LIMIT ?").arg(kColumns),
                                  {cronId, limit}),
                   fromRow);
}

Result<QList<TaskRecord>> TaskStore::inStatuses(const QStringList &statuses) const
{
    QStringList marks;
    QVariantList values;
    for (const QString &s : statuses) {
        marks << QStringLiteral("?");
        values << s;
    }
    return mapRows(m_db.selectAll(QStringLiteral("SELECT %1 FROM tasks WHERE status IN (%2) ORDER BY created_at, rowid").arg(kColumns, marks.join(QLatin1Char(','))),
                                  values),
                   fromRow);
}

Result<QList<TaskRecord>> TaskStore::ofParentKin(const QString &kinId) const
{
    return mapRows(m_db.selectAll(QStringLiteral("SELECT %1 FROM tasks WHERE parent_kin_id = ?").arg(kColumns), {kinId}), fromRow);
}

} // namespace kinbot
