#include "notifications/NotificationService.h"

#include "events/EventBus.h"
#include "storage/Database.h"
#include "util/Clock.h"
#include "util/Ids.h"
#include "util/Json.h"

namespace kinbot {

namespace {
QVariant nullIfEmpty(const QString &s) { return s.isEmpty() ? QVariant() : QVariant(s); }
} // namespace

NotificationService::NotificationService(const Database &db, EventBus &bus, const Clock &clock) : m_db(db), m_bus(bus), m_clock(clock) {}

Result<int> NotificationService::notifyAll(const NotificationInput &n)
{
    auto rows = m_db.selectAll(QStringLiteral("SELECT id FROM user ORDER BY created_at"));
    if (!rows)
        return rows.error();
    QStringList users;
    for (const Database::Row &r : rows.value())
        users.append(r.at(0).toString());
    return notify(users, n);
}

Result<int> NotificationService::notifyUser(const QString &userId, const NotificationInput &n)
{
    return notify({userId}, n);
}

Result<int> NotificationService::notify(const QStringList &userIds, const NotificationInput &n)
{
    const KinInfo kin = (!n.kinId.isEmpty() && m_kinInfo) ? m_kinInfo(n.kinId) : KinInfo{};
    const qint64 now = m_clock.nowMs();
    QList<QJsonObject> created;
    Status st = m_db.transaction([&]() -> Status {
        for (const QString &userId : userIds) {
            const QString id = ids::uuid();
            auto ins = m_db.run(QStringLiteral("INSERT INTO notifications(id, user_id, type, title, body, kin_id, related_id, related_type, is_read, created_at) "
                                               "VALUES(?,?,?,?,?,?,?,?,0,?)"),
                                {id, userId, n.type, n.title, nullIfEmpty(n.body), nullIfEmpty(n.kinId), nullIfEmpty(n.relatedId),
                                 nullIfEmpty(n.relatedType), now});
            if (!ins)
                return ins.error();
            created.append(QJsonObject{{QStringLiteral("id"), id},
                                       {QStringLiteral("userId"), userId},
                                       {QStringLiteral("type"), n.type},
                                       {QStringLiteral("title"), n.title},
                                       {QStringLiteral("body"), json::nonEmptyOrNull(n.body)},
                                       {QStringLiteral("kinId"), json::nonEmptyOrNull(n.kinId)},
                                       {QStringLiteral("kinName"), json::nonEmptyOrNull(kin.name)},
                                       {QStringLiteral("kinSlug"), json::nonEmptyOrNull(kin.slug)},
                                       {QStringLiteral("kinAvatarUrl"), json::nonEmptyOrNull(kin.avatarUrl)},
                                       {QStringLiteral("relatedId"), json::nonEmptyOrNull(n.relatedId)},
                                       {QStringLiteral("relatedType"), json::nonEmptyOrNull(n.relatedType)},
                                       {QStringLiteral("isRead"), false},
                                       {QStringLiteral("createdAt"), now}});
        }
        return {};
    });
    if (!st)
        return st.error();
    for (QJsonObject summary : std::as_const(created)) {
        const QString userId = summary.take(QStringLiteral("userId")).toString();
        m_bus.toUser(userId, QStringLiteral("notification:new"), {{QStringLiteral("notification"), summary}});
    }
    return int(created.size());
}

namespace {
const QString kColumns = QStringLiteral("id, type, title, body, kin_id, related_id, related_type, is_read, created_at");
} // namespace

QJsonObject NotificationService::summaryOf(const QVariantList &r) const
{
    const QString kinId = r.at(4).toString();
    const KinInfo kin = (!kinId.isEmpty() && m_kinInfo) ? m_kinInfo(kinId) : KinInfo{};
    return QJsonObject{{QStringLiteral("id"), r.at(0).toString()},
                       {QStringLiteral("type"), r.at(1).toString()},
                       {QStringLiteral("title"), r.at(2).toString()},
                       {QStringLiteral("body"), json::nonEmptyOrNull(r.at(3).toString())},
                       {QStringLiteral("kinId"), json::nonEmptyOrNull(kinId)},
                       {QStringLiteral("kinName"), json::nonEmptyOrNull(kin.name)},
                       {QStringLiteral("kinSlug"), json::nonEmptyOrNull(kin.slug)},
                       {QStringLiteral("kinAvatarUrl"), json::nonEmptyOrNull(kin.avatarUrl)},
                       {QStringLiteral("relatedId"), json::nonEmptyOrNull(r.at(5).toString())},
                       {QStringLiteral("relatedType"), json::nonEmptyOrNull(r.at(6).toString())},
                       {QStringLiteral("isRead"), r.at(7).toInt() != 0},
                       {QStringLiteral("createdAt"), r.at(8).toLongLong()}};
}

Result<NotificationPage> NotificationService::list(const QString &userId, bool unreadOnly, int limit, int offset) const
{
    const QString where = unreadOnly ? QStringLiteral("user_id = ? AND is_read = 0") : QStringLiteral("user_id = ?");
    auto rows = m_db.selectAll(QStringLiteral("SELECT %1 FROM notifications WHERE %2 ORDER BY created_at DESC, rowid DESC LIMIT ? OFFSET ?")
                                   .arg(kColumns, where),
                               {userId, limit, offset});
    if (!rows)
        return rows.error();
    auto total = m_db.selectOne(QStringLiteral("SELECT count(*) FROM notifications WHERE %1").arg(where), {userId});
    if (!total)
        return total.error();
    auto unread = unreadCount(userId);
    if (!unread)
        return unread.error();
    NotificationPage page;
    for (const Database::Row &r : rows.value())
        page.items.append(summaryOf(r));
    page.total = total.value() ? total.value()->at(0).toInt() : 0;
    page.unreadCount = unread.value();
    page.hasMore = offset + int(page.items.size()) < page.total;
    return page;
}

Result<int> NotificationService::unreadCount(const QString &userId) const
{
    auto n = m_db.selectOne(QStringLiteral("SELECT count(*) FROM notifications WHERE user_id = ? AND is_read = 0"), {userId});
    if (!n)
        return n.error();
    return n.value() ? n.value()->at(0).toInt() : 0;
}

Result<bool> NotificationService::markRead(const QString &userId, const QString &id)
{
    auto exists = m_db.selectOne(QStringLiteral("SELECT is_read FROM notifications WHERE id = ? AND user_id = ?"), {id, userId});
    if (!exists)
        return exists.error();
    if (!exists.value())
        return false;
    auto changed = m_db.run(QStringLiteral("UPDATE notifications SET is_read = 1 WHERE id = ? AND user_id = ?"), {id, userId});
    if (!changed)
        return changed.error();
    m_bus.toUser(userId, QStringLiteral("notification:read"), {{QStringLiteral("notificationId"), id}});
    return true;
}

Result<int> NotificationService::markAllRead(const QString &userId)
{
    auto changed = m_db.run(QStringLiteral("UPDATE notifications SET is_read = 1 WHERE user_id = ? AND is_read = 0"), {userId});
    if (!changed)
        return changed.error();
    m_bus.toUser(userId, QStringLiteral("notification:read-all"), {});
    return changed.value();
}

Result<bool> NotificationService::remove(const QString &userId, const QString &id)
{
    auto removed = m_db.run(QStringLiteral("DELETE FROM notifications WHERE id = ? AND user_id = ?"), {id, userId});
    if (!removed)
        return removed.error();
    return removed.value() > 0;
}

Result<int> NotificationService::prune()
{
    const qint64 cutoff = m_clock.nowMs() - qint64(kRetentionDays) * 24 * 3600 * 1000;
    int deleted = 0;
    Status st = m_db.transaction([&]() -> Status {
        auto old = m_db.run(QStringLiteral("DELETE FROM notifications WHERE created_at < ?"), {cutoff});
        if (!old)
            return old.error();
        // Beyond the newest kMaxPerUser of each user.
        auto extra = m_db.run(QStringLiteral("DELETE FROM notifications WHERE id IN (SELECT id FROM (SELECT id, row_number() OVER "
                                             "(PARTITION BY user_id ORDER BY created_at DESC, rowid DESC) AS n FROM notifications) WHERE n > ?)"),
                              {kMaxPerUser});
        if (!extra)
            return extra.error();
        deleted = old.value() + extra.value();
        return {};
    });
    if (!st)
        return st.error();
    return deleted;
}

} // namespace kinbot
