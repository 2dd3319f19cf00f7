#pragma once

#include <QHash>
#include <QObject>
#include <QString>
#include <QTimer>

#include <functional>

namespace kinbot {

class Clock;

// The one in-process scheduler (engine.md §8): named one-shot jobs at epoch-ms instants of the injectable Clock.
// Recurring work (recurring wake-ups, crons) re-schedules itself from its callback.
//
// - One QTimer, armed for the earliest job — no polling loop. The timer is never armed for longer than kMaxArmMs, so
//   a wall-clock jump the timer cannot see (suspend/resume: monotonic timers stop while the machine sleeps; NTP; the
//   user changing the time) is noticed within that bound; whenever it wakes, everything due by the Clock fires.
// - A Clock that reports jumps (ManualClock in tests) re-arms it at once: what became due fires on the next turn of
//   the event loop, never inside the code that moved the clock.
// - Due jobs fire in order of their time (then of scheduling); a job is removed before its callback runs, so the
//   callback may schedule it again. A job scheduled at or before now fires on the next event-loop turn.
// Lives on the thread that created it (the main thread).
class Scheduler final : public QObject
{
    Q_OBJECT
public:
    static constexpr int kMaxArmMs = 60 * 1000;
    // dueMs: the time the job was scheduled for (≤ now; a late fire can tell how late it is).
    using Callback = std::function<void(qint64 dueMs)>;

    explicit Scheduler(const Clock &clock, QObject *parent = nullptr);
    ~Scheduler() override;

    // Adds the job, or moves it when one with this id exists.
    void schedule(const QString &id, qint64 atMs, Callback callback);
    // false when there was no such job.
    bool cancel(const QString &id);
    bool contains(const QString &id) const { return m_jobs.contains(id); }
    std::optional<qint64> dueAt(const QString &id) const;
    int size() const { return int(m_jobs.size()); }
    // When the timer is set to look again (tests; nullopt when idle).
    std::optional<qint64> armedForMs() const;

    // Fires every job due by the clock, then re-arms. Called by the timer and on clock jumps.
    void fireDue();

Q_SIGNALS:
    void fired(const QString &id, qint64 dueMs);

private:
    struct Job
    {
        qint64 atMs = 0;
        quint64 order = 0;
        Callback callback;
    };
    void rearm();
    void rearmSoon();

    const Clock &m_clock;
    QHash<QString, Job> m_jobs;
    quint64 m_order = 0;
    QTimer m_timer;
    int m_jumpListener = 0;
    bool m_firing = false;
};

} // namespace kinbot
