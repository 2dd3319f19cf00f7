#pragma once

#include "util/Result.h"

#include <QJsonObject>
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

// Notification rows, one per user, each announced to that user only (notification:new). The REST side arrives with
// the autonomy issue; the engine and tools create them from now on.
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

private:
    Result<int> notify(const QStringList &userIds, const NotificationInput &n);

    const Database &m_db;
    EventBus &m_bus;
    const Clock &m_clock;
    KinInfoLookup m_kinInfo;
};

} // namespace kinbot
