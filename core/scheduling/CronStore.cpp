#include "scheduling/CronStore.h"

#include "storage/Database.h"

namespace kinbot {

static const QString kColumns = QStringLiteral("id, kin_id, name, schedule, task_description, target_kin_id, model, provider_id, is_active, "
                                               "requires_approval, run_once, last_triggered_at, next_run_at, created_by, created_at, updated_at");

static CronRecord fromRow(const Database::Row &r)
{
    CronRecord c;
    c.id = r.value(0).toString();
    c.kinId = r.value(1).toString();
    c.name = r.value(2).toString();
    c.schedule = r.value(3).toString();
    c.taskDescription = r.value(4).toString();
    c.targetKinId = r.value(5).toString();
    c.model = r.value(6).toString();
    c.providerId = r.value(7).toString();
    c.isActive = r.value(8).toLongLong() != 0;
    c.requiresApproval = r.value(9).toLongLong() != 0;
    c.runOnce = r.value(10).toLongLong() != 0;
    c.lastTriggeredAt = r.value(11).toLongLong();
    c.nextRunAt = r.value(12).toLongLong();
    c.createdBy = r.value(13).toString();
    c.createdAt = r.value(14).toLongLong();
    c.updatedAt = r.value(15).toLongLong();
    return c;
}

static QVariant orNull(const QString &s)
{
    return s.isEmpty() ? QVariant() : QVariant(s);
}

static QVariant orNull(qint64 v)
{
    return v == 0 ? QVariant() : QVariant(v);
}

Status CronStore::insert(const CronRecord &c)
{
    auto r = m_db.run(QStringLiteral("INSERT INTO crons (%1) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)").arg(kColumns),
                      {c.id, c.kinId, c.name, c.schedule, c.taskDescription, orNull(c.targetKinId), orNull(c.model), orNull(c.providerId),
                       int(c.isActive), int(c.requiresApproval), int(c.runOnce), orNull(c.lastTriggeredAt), orNull(c.nextRunAt),
                       c.createdBy, c.createdAt, c.updatedAt});
    if (!r)
        return r.error();
    return {};
}

Status CronStore::update(const CronRecord &c)
{
    auto r = m_db.run(QStringLiteral("UPDATE crons SET name = ?, schedule = ?, task_description = ?, target_kin_id = ?, model = ?, "
                                     "provider_id = ?, is_active = ?, requires_approval = ?, run_once = ?, last_triggered_at = ?, "
                                     "next_run_at = ?, updated_at = ? WHERE id = ?"),
                      {c.name, c.schedule, c.taskDescription, orNull(c.targetKinId), orNull(c.model), orNull(c.providerId), int(c.isActive),
                       int(c.requiresApproval), int(c.runOnce), orNull(c.lastTriggeredAt), orNull(c.nextRunAt), c.updatedAt, c.id});
    if (!r)
        return r.error();
    return {};
}

Result<bool> CronStore::remove(const QString &id)
{
    auto r = m_db.run(QStringLiteral("DELETE FROM crons WHERE id = ?"), {id});
    if (!r)
        return r.error();
    return r.value() > 0;
}

Result<std::optional<CronRecord>> CronStore::find(const QString &id) const
{
    return mapRow(m_db.selectOne(QStringLiteral("SELECT %1 FROM crons WHERE id = ?").arg(kColumns), {id}), fromRow);
}

Result<QList<CronRecord>> CronStore::list(const QString &kinId) const
{
    if (kinId.isEmpty())
        return mapRows(m_db.selectAll(QStringLiteral("SELECT %1 FROM crons ORDER BY created_at, rowid").arg(kColumns)), fromRow);
    return mapRows(m_db.selectAll(QStringLiteral("SELECT %1 FROM crons WHERE kin_id = ? ORDER BY created_at, rowid").arg(kColumns), {kinId}),
                   fromRow);
}

Result<int> CronStore::activeCount() const
{
    auto r = m_db.selectOne(QStringLiteral("SELECT count(*) FROM crons WHERE is_active = 1"));
    if (!r)
        return r.error();
    return r.value() ? r.value()->value(0).toInt() : 0;
}

Status CronStore::setNextRun(const QString &id, qint64 nextRunAt)
{
    auto r = m_db.run(QStringLiteral("UPDATE crons SET next_run_at = ? WHERE id = ?"), {orNull(nextRunAt), id});
    if (!r)
        return r.error();
    return {};
}

} // namespace kinbot
