#include "engine/QuickSessionStore.h"

#include "storage/Database.h"
#include "util/Clock.h"
#include "util/Ids.h"

namespace kinbot {

static const QString kColumns = QStringLiteral("id, kin_id, created_by, title, status, created_at, closed_at, expires_at");

static QuickSession fromRow(const Database::Row &r)
{
    QuickSession s;
    s.id = r.value(0).toString();
    s.kinId = r.value(1).toString();
    s.createdBy = r.value(2).toString();
    s.title = r.value(3).toString();
    s.status = r.value(4).toString();
    s.createdAt = r.value(5).toLongLong();
    s.closedAt = r.value(6).toLongLong();
    s.expiresAt = r.value(7).toLongLong();
    return s;
}

static QVariant nullIfEmpty(const QString &s)
{
    return s.isEmpty() ? QVariant() : QVariant(s);
}

QuickSessionStore::QuickSessionStore(const Database &db, const Clock &clock) : m_db(db), m_clock(clock) {}

Result<QuickSession> QuickSessionStore::create(const QString &kinId, const QString &userId, const QString &title)
{
    if (title.size() > kMaxTitle)
        return ApiError::badRequest(QStringLiteral("TITLE_TOO_LONG"), QStringLiteral("Title must be at most %1 characters").arg(kMaxTitle));
    const qint64 now = m_clock.nowMs();
    auto active = m_db.selectOne(QStringLiteral("SELECT count(*) FROM quick_sessions WHERE kin_id = ? AND created_by = ? "
                                                "AND status = 'active' AND (expires_at IS NULL OR expires_at > ?)"),
                                 {kinId, userId, now});
    if (!active)
        return active.error();
    if (active.value() && active.value()->value(0).toInt() >= kMaxActivePerUserKin)
        return ApiError::conflict(QStringLiteral("MAX_QUICK_SESSIONS"),
                                  QStringLiteral("Close your open quick session with this Kin before starting another"));
    QuickSession s;
    s.id = ids::uuid();
    s.kinId = kinId;
    s.createdBy = userId;
    s.title = title;
    s.createdAt = now;
    s.expiresAt = now + kLifetimeMs;
    auto ins = m_db.run(QStringLiteral("INSERT INTO quick_sessions (id, kin_id, created_by, title, status, created_at, expires_at) "
                                       "VALUES (?, ?, ?, ?, 'active', ?, ?)"),
                        {s.id, kinId, userId, nullIfEmpty(title), now, s.expiresAt});
    if (!ins)
        return ins.error();
    return s;
}

Result<std::optional<QuickSession>> QuickSessionStore::find(const QString &id) const
{
    return mapRow(m_db.selectOne(QStringLiteral("SELECT %1 FROM quick_sessions WHERE id = ?").arg(kColumns), {id}), fromRow);
}

Result<QuickSessionStore::Page> QuickSessionStore::list(const QString &kinId, const QString &userId, const QString &status,
                                                        int limit, int offset) const
{
    QString where = QStringLiteral("kin_id = ? AND created_by = ?");
    if (status == QLatin1String("active") || status == QLatin1String("closed"))
        where += QStringLiteral(" AND status = '%1'").arg(status);
    auto rows = m_db.selectAll(QStringLiteral("SELECT %1 FROM quick_sessions WHERE %2 ORDER BY created_at DESC, rowid DESC LIMIT ? OFFSET ?")
                                   .arg(kColumns, where),
                               {kinId, userId, limit + 1, offset});
    if (!rows)
        return rows.error();
    Page page;
    for (const auto &r : rows.value())
        page.sessions.append(fromRow(r));
    if (page.sessions.size() > limit) {
        page.sessions.removeLast();
        page.hasMore = true;
    }
    return page;
}

Result<bool> QuickSessionStore::close(const QString &id)
{
    auto n = m_db.run(QStringLiteral("UPDATE quick_sessions SET status = 'closed', closed_at = ? WHERE id = ? AND status = 'active'"),
                      {m_clock.nowMs(), id});
    if (!n)
        return n.error();
    return n.value() > 0;
}

Result<QStringList> QuickSessionStore::sweep()
{
    const qint64 now = m_clock.nowMs();
    auto due = m_db.selectAll(QStringLiteral("SELECT id FROM quick_sessions WHERE status = 'active' AND expires_at IS NOT NULL AND expires_at <= ?"),
                              {now});
    if (!due)
        return due.error();
    QStringList closed;
    for (const auto &r : due.value()) {
        auto c = close(r.value(0).toString());
        if (c && c.value())
            closed.append(r.value(0).toString());
    }
    auto del = m_db.run(QStringLiteral("DELETE FROM quick_sessions WHERE status = 'closed' AND closed_at < ?"), {now - kRetentionMs});
    if (!del)
        return del.error();
    return closed;
}

int QuickSessionStore::messageCount(const QString &id) const
{
    auto n = m_db.selectOne(QStringLiteral("SELECT count(*) FROM messages WHERE session_id = ?"), {id});
    return n && n.value() ? n.value()->value(0).toInt() : 0;
}

QJsonObject QuickSessionStore::toJson(const QuickSession &s, int messageCount)
{
    QJsonObject o{{QStringLiteral("id"), s.id},
                  {QStringLiteral("kinId"), s.kinId},
                  {QStringLiteral("title"), s.title.isEmpty() ? QJsonValue() : QJsonValue(s.title)},
                  {QStringLiteral("status"), s.status},
                  {QStringLiteral("createdAt"), s.createdAt},
                  {QStringLiteral("closedAt"), s.closedAt ? QJsonValue(s.closedAt) : QJsonValue()},
                  {QStringLiteral("expiresAt"), s.expiresAt ? QJsonValue(s.expiresAt) : QJsonValue()}};
    if (messageCount >= 0)
        o.insert(QStringLiteral("messageCount"), messageCount);
    return o;
}

} // namespace kinbot
