#include "notifications/NotificationRetention.h"

#include "log/Logger.h"
#include "notifications/NotificationService.h"
#include "scheduling/Scheduler.h"
#include "util/Clock.h"

#include <QDateTime>

namespace kinbot {

namespace {
const QString kJob = QStringLiteral("notifications:retention");
}

NotificationRetention::NotificationRetention(NotificationService &notifications, Scheduler &scheduler, const Clock &clock, Logger &logger,
                                             QTimeZone zone, QObject *parent)
    : QObject(parent), m_notifications(notifications), m_scheduler(scheduler), m_clock(clock), m_logger(logger), m_zone(std::move(zone))
{
}

NotificationRetention::~NotificationRetention()
{
    m_scheduler.cancel(kJob);
}

qint64 NotificationRetention::nextRunAfter(qint64 nowMs, const QTimeZone &zone)
{
    const QDateTime now = QDateTime::fromMSecsSinceEpoch(nowMs, zone);
    QDateTime at(now.date(), QTime(kHour, 0), zone);
    if (at.toMSecsSinceEpoch() <= nowMs)
        at = QDateTime(now.date().addDays(1), QTime(kHour, 0), zone);
    return at.toMSecsSinceEpoch();
}

void NotificationRetention::start()
{
    runAndReschedule();
}

void NotificationRetention::runAndReschedule()
{
    if (auto pruned = m_notifications.prune(); !pruned)
        m_logger.warn(QStringLiteral("notifications"), QStringLiteral("Notification cleanup failed"), {{QStringLiteral("error"), pruned.error().message}});
    m_scheduler.schedule(kJob, nextRunAfter(m_clock.nowMs(), m_zone), [this](qint64) { runAndReschedule(); });
}

} // namespace kinbot
