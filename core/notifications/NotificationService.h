#pragma once

#include "util/Result.h"

#include <QJsonObject>
#include <QList>
#include <QVariantList>
#include <QString>

#include <functional>

namespace kinbot {

class Clock;
class Database;
class EventBus;

struct NotificationInput
{
    QString type;        // prompt:pending | channel:user-pending | cron:pending-approval | mcp:pending-approval | kin:error | kin:alert | mention
    QString title;
    QString body;
    QString kinId;
    QString relatedId;
    QString relatedType; // prompt | channel | cron | mcp | kin | message
};

// A page of one user's notifications (GET /api/notifications), newest first.
struct NotificationPage
{
    QList<QJsonObject> items; // NotificationSummary
    int unreadCount = 0;
    int total = 0;             // matching the filter (unreadOnly or not)
    bool hasMore = false;
};

// Notification rows, one per user, each announced to that user only (notification:new); the per-user reading side
// of /api/notifications (every read and change is scoped to the calling user: another user's id is "not there").
// Retention (rest.md §3.18): rows older than 30 days go, and each user keeps at most the 500 newest.
class NotificationService final
{
public:
    struct KinInfo { QString name, slug, avatarUrl; };
    using KinInfoLookup = std::function<KinInfo(const QString &kinId)>;

    NotificationService(const Database &db, EventBus &bus, const Clock &clock);
    void setKinInfoLookup(KinInfoLookup lookup) { m_kinInfo = std::move(lookup); }

    // One row per user → the number of users notified.
    Result<int> notifyAll(const NotificationInput &n);
    Result<int> notifyUser(const QString &userId, const NotificationInput &n);

    static constexpr int kRetentionDays = 30;
    static constexpr int kMaxPerUser = 500;

    Result<NotificationPage> list(const QString &userId, bool unreadOnly, int limit, int offset) const;
    Result<int> unreadCount(const QString &userId) const;
    // false when the user has no notification with that id. Announces notification:read to the user.
    Result<bool> markRead(const QString &userId, const QString &id);
    // → how many were unread. Announces notification:read-all to the user.
    Result<int> markAllRead(const QString &userId);
    // false when the user has no notification with that id (the route answers success either way, as the reference).
    Result<bool> remove(const QString &userId, const QString &id);
    // Applies the retention on the clock → rows deleted.
    Result<int> prune();

private:
    QJsonObject summaryOf(const QVariantList &row) const;
    Result<int> notify(const QStringList &userIds, const NotificationInput &n);

    const Database &m_db;
    EventBus &m_bus;
    const Clock &m_clock;
    KinInfoLookup m_kinInfo;
};

} // namespace kinbot
