#include "scheduling/WakeupStore.h"

#include "storage/Database.h"

namespace kinbot {

static const QString kColumns =
    QStringLiteral("id, caller_kin_id, target_kin_id, reason, fire_at, interval_seconds, expires_at, status, created_at");

static WakeupRecord fromRow(const Database::Row &r)
{
    WakeupRecord w;
    w.id = r.value(0).toString();
    w.callerKinId = r.value(1).toString();
    w.targetKinId = r.value(2).toString();
    w.reason = r.value(3).toString();
    w.fireAt = r.value(4).toLongLong();
    w.intervalSeconds = r.value(5).toInt();
    w.expiresAt = r.value(6).toLongLong();
    w.status = r.value(7).toString();
    w.createdAt = r.value(8).toLongLong();
    return w;
}

static QVariant nullIfZero(qint64 v)
{
    return v == 0 ? QVariant() : QVariant(v);
}

Status WakeupStore::insert(const WakeupRecord &w)
{
    auto r = m_db.run(QStringLiteral("INSERT INTO scheduled_wakeups (%1) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)").arg(kColumns),
                      {w.id, w.callerKinId, w.targetKinId, w.reason.isEmpty() ? QVariant() : QVariant(w.reason), w.fireAt,
                       nullIfZero(w.intervalSeconds), nullIfZero(w.expiresAt), w.status, w.createdAt});
    if (!r)
        return r.error();
    return {};
}

Result<std::optional<WakeupRecord>> WakeupStore::find(const QString &id) const
{
    return mapRow(m_db.selectOne(QStringLiteral("SELECT %1 FROM scheduled_wakeups WHERE id = ?").arg(kColumns), {id}), fromRow);
}

Result<QList<WakeupRecord>> WakeupStore::pendingOf(const QString &callerKinId) const
{
    return mapRows(m_db.selectAll(QStringLiteral("SELECT %1 FROM scheduled_wakeups WHERE caller_kin_id = ? AND status = 'pending' "
                                                 "ORDER BY fire_at, created_at").arg(kColumns),
                                  {callerKinId}),
                   fromRow);
}

Result<QList<WakeupRecord>> WakeupStore::allPending() const
{
    return mapRows(m_db.selectAll(QStringLiteral("SELECT %1 FROM scheduled_wakeups WHERE status = 'pending' ORDER BY fire_at, created_at")
                                      .arg(kColumns)),
                   fromRow);
}

Result<QStringList> WakeupStore::pendingInvolving(const QString &kinId) const
{
    auto rows = m_db.selectAll(QStringLiteral("SELECT id FROM scheduled_wakeups WHERE status = 'pending' AND (caller_kin_id = ? OR target_kin_id = ?)"),
                               {kinId, kinId});
    if (!rows)
        return rows.error();
    QStringList ids;
    for (const auto &r : rows.value())
        ids << r.value(0).toString();
    return ids;
}

Result<int> WakeupStore::pendingCount(const QString &callerKinId) const
{
    auto r = m_db.selectOne(QStringLiteral("SELECT count(*) FROM scheduled_wakeups WHERE caller_kin_id = ? AND status = 'pending'"),
                            {callerKinId});
    if (!r)
        return r.error();
    return r.value() ? r.value()->value(0).toInt() : 0;
}

Status WakeupStore::reschedule(const QString &id, qint64 fireAt)
{
    auto r = m_db.run(QStringLiteral("UPDATE scheduled_wakeups SET fire_at = ? WHERE id = ? AND status = 'pending'"), {fireAt, id});
    if (!r)
        return r.error();
    return {};
}

Result<bool> WakeupStore::finish(const QString &id, const QString &status)
{
    auto r = m_db.run(QStringLiteral("UPDATE scheduled_wakeups SET status = ? WHERE id = ? AND status = 'pending'"), {status, id});
    if (!r)
        return r.error();
    return r.value() > 0;
}

} // namespace kinbot
