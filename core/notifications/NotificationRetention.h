#pragma once

#include <QObject>
#include <QTimeZone>

namespace kinbot {

class Clock;
class Logger;
class NotificationService;
class Scheduler;

// The notifications' retention (rest.md §3.18): NotificationService::prune() once at start (a desktop app is often
// closed at night), then every day at 03:00 in the given zone, on the scheduler's (injectable) clock.
class NotificationRetention final : public QObject
{
    Q_OBJECT
public:
    static constexpr int kHour = 3;

    NotificationRetention(NotificationService &notifications, Scheduler &scheduler, const Clock &clock, Logger &logger,
                          QTimeZone zone, QObject *parent = nullptr);
    ~NotificationRetention() override;

    void start();
    // The next 03:00 after nowMs, in the zone.
    static qint64 nextRunAfter(qint64 nowMs, const QTimeZone &zone);

private:
    void runAndReschedule();

    NotificationService &m_notifications;
    Scheduler &m_scheduler;
    const Clock &m_clock;
    Logger &m_logger;
    QTimeZone m_zone;
};

} // namespace kinbot
