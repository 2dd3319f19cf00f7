#include "notifications/NotificationService.h"

#include "events/EventBus.h"
#include "storage/Database.h"
#include "util/Clock.h"
#include "util/Ids.h"

namespace kinbot {

namespace {
QJsonValue strOrNull(const QString &s) { return s.isEmpty() ? QJsonValue() : QJsonValue(s); }
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
                                       {QStringLiteral("body"), strOrNull(n.body)},
                                       {QStringLiteral("kinId"), strOrNull(n.kinId)},
                                       {QStringLiteral("kinName"), strOrNull(kin.name)},
                                       {QStringLiteral("kinSlug"), strOrNull(kin.slug)},
                                       {QStringLiteral("kinAvatarUrl"), strOrNull(kin.avatarUrl)},
                                       {QStringLiteral("relatedId"), strOrNull(n.relatedId)},
                                       {QStringLiteral("relatedType"), strOrNull(n.relatedType)},
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

} // namespace kinbot
