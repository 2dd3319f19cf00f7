#pragma once

#include "scheduling/WakeupStore.h"
#include "util/Result.h"

#include <QObject>
#include <QString>

#include <functional>
#include <optional>

namespace kinbot {

class Clock;
class Database;
class KinService;
class Logger;
class Scheduler;
struct QueueItem;

// Wake-ups (engine.md §8.2): a Kin asks to be woken — or wakes another Kin — once after a delay (wake_me_in) or
// every N seconds until an optional expiry (wake_me_every). Firing puts a `wakeup` message (sourceType system,
// priority 50) in the target Kin's queue, so it takes a turn. Rows are the truth; the Scheduler holds one job per
// pending wake-up.
//
// Missed runs (the app was closed, or the machine slept, over a fire time) — the policy:
// - A wake-up that fires more than kLateAfterMs after its time is "late": its message says so and when it was due.
// - One-shot: an overdue one fires once, at once (at startup: as soon as the platform runs), then is done.
// - Recurring: however many intervals were missed, it fires ONCE at once, then re-arms from now (now + interval),
//   not on the old cadence — no burst of catch-up turns. On time, it keeps its cadence (due + interval, no drift).
// - Expiry: a recurring wake-up stops when its next time would pass expires_at; that last fire says it expired. One
//   whose expiry passed while the app was closed still fires that once (late, and saying it expired), then ends.
// - Delivery is at-least-once: the message is queued before the row moves on, so a crash in between repeats it
//   rather than losing it.
class WakeupService final : public QObject
{
    Q_OBJECT
public:
    static constexpr int kMinDelaySeconds = 10;
    static constexpr int kMaxDelaySeconds = 2592000; // 30 days
    static constexpr int kMinIntervalSeconds = 10;
    static constexpr int kMaxIntervalSeconds = 86400;
    static constexpr int kMinExpirySeconds = 60;
    static constexpr int kMaxExpirySeconds = 2592000;
    static constexpr int kMaxPendingPerKin = 20; // WAKEUPS_MAX_PENDING_PER_KIN
    static constexpr int kMaxReason = 2000;
    static constexpr qint64 kLateAfterMs = 60 * 1000;
    static constexpr int kPriority = 50;

    using Enqueue = std::function<Result<QueueItem>(QueueItem)>;

    WakeupService(const Database &db, const Clock &clock, Scheduler &scheduler, KinService &kins, Logger &logger, Enqueue enqueue,
                  QObject *parent = nullptr);

    // Startup: arms every pending wake-up; overdue ones fire at once, once (policy above).
    Status start();

    // targetKinId empty = the caller. Errors are VALIDATION_ERROR (ranges, reason), KIN_NOT_FOUND, WAKEUP_LIMIT.
    Result<WakeupRecord> wakeIn(const QString &callerKinId, int seconds, const QString &reason, const QString &targetKinId = {});
    Result<WakeupRecord> wakeEvery(const QString &callerKinId, int intervalSeconds, const QString &reason,
                                   std::optional<int> expiresInSeconds, const QString &targetKinId = {});
    // Only the Kin that scheduled it: WAKEUP_NOT_FOUND (404), FORBIDDEN (403), WAKEUP_NOT_PENDING (409).
    Status cancel(const QString &callerKinId, const QString &wakeupId);
    // The caller's pending wake-ups, soonest first.
    Result<QList<WakeupRecord>> pending(const QString &callerKinId) const;

    // The Kin is about to be deleted (its wake-ups, set or received, cascade): drops their jobs.
    void forgetKin(const QString &kinId);

    // The message a fire puts in the queue (exposed for tests and docs).
    QString messageFor(const WakeupRecord &w, qint64 dueMs, qint64 nowMs, bool last) const;

Q_SIGNALS:
    // After the message was queued (tests).
    void wakeupFired(const QString &wakeupId, const QString &targetKinId, bool late);

private:
    Result<WakeupRecord> create(const QString &callerKinId, const QString &reason, const QString &targetKinId, qint64 fireAt,
                                int intervalSeconds, qint64 expiresAt);
    void arm(const WakeupRecord &w);
    void fire(const QString &id, qint64 dueMs);
    static QString jobId(const QString &wakeupId) { return QStringLiteral("wakeup:") + wakeupId; }

    WakeupStore m_store;
    const Clock &m_clock;
    Scheduler &m_scheduler;
    KinService &m_kins;
    Logger &m_logger;
    Enqueue m_enqueue;
};

} // namespace kinbot
