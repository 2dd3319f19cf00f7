#include "scheduling/WakeupService.h"

#include "engine/QueueStore.h"
#include "kins/KinService.h"
#include "log/Logger.h"
#include "scheduling/Scheduler.h"
#include "util/Clock.h"
#include "util/Ids.h"
#include "util/Json.h"

namespace kinbot {

namespace {

// "90 seconds", "5 minutes", "2 hours", "1 day"
QString durationText(qint64 seconds)
{
    const auto unit = [](qint64 n, const char *one) {
        return QStringLiteral("%1 %2%3").arg(n).arg(QLatin1String(one), n == 1 ? QString() : QStringLiteral("s"));
    };
    if (seconds % 86400 == 0)
        return unit(seconds / 86400, "day");
    if (seconds % 3600 == 0)
        return unit(seconds / 3600, "hour");
    if (seconds % 60 == 0)
        return unit(seconds / 60, "minute");
    return unit(seconds, "second");
}

} // namespace

WakeupService::WakeupService(const Database &db, const Clock &clock, Scheduler &scheduler, KinService &kins, Logger &logger,
                             Enqueue enqueue, QObject *parent)
    : QObject(parent), m_store(db), m_clock(clock), m_scheduler(scheduler), m_kins(kins), m_logger(logger),
      m_enqueue(std::move(enqueue))
{
}

Status WakeupService::start()
{
    auto pending = m_store.allPending();
    if (!pending)
        return pending.error();
    int overdue = 0;
    const qint64 now = m_clock.nowMs();
    for (const WakeupRecord &w : pending.value()) {
        overdue += w.fireAt <= now;
        arm(w); // an overdue job fires on the next event-loop turn, with its old time: it knows it is late
    }
    if (!pending->isEmpty())
        m_logger.info(QStringLiteral("wakeups"), QStringLiteral("Wake-ups armed"),
                      {{QStringLiteral("pending"), int(pending->size())}, {QStringLiteral("overdue"), overdue}});
    return {};
}

Result<WakeupRecord> WakeupService::wakeIn(const QString &callerKinId, int seconds, const QString &reason, const QString &targetKinId)
{
    if (seconds < kMinDelaySeconds || seconds > kMaxDelaySeconds)
        return ApiError::validation(QStringLiteral("seconds must be between %1 and %2 (30 days)").arg(kMinDelaySeconds).arg(kMaxDelaySeconds));
    return create(callerKinId, reason, targetKinId, m_clock.nowMs() + qint64(seconds) * 1000, 0, 0);
}

Result<WakeupRecord> WakeupService::wakeEvery(const QString &callerKinId, int intervalSeconds, const QString &reason,
                                              std::optional<int> expiresInSeconds, const QString &targetKinId)
{
    if (intervalSeconds < kMinIntervalSeconds || intervalSeconds > kMaxIntervalSeconds)
        return ApiError::validation(QStringLiteral("interval_seconds must be between %1 and %2 (one day)")
                                        .arg(kMinIntervalSeconds)
                                        .arg(kMaxIntervalSeconds));
    if (expiresInSeconds && (*expiresInSeconds < kMinExpirySeconds || *expiresInSeconds > kMaxExpirySeconds))
        return ApiError::validation(QStringLiteral("expires_in_seconds must be between %1 and %2 (30 days)")
                                        .arg(kMinExpirySeconds)
                                        .arg(kMaxExpirySeconds));
    const qint64 now = m_clock.nowMs();
    const qint64 expiresAt = expiresInSeconds ? now + qint64(*expiresInSeconds) * 1000 : 0;
    if (expiresAt && now + qint64(intervalSeconds) * 1000 > expiresAt)
        return ApiError::validation(QStringLiteral("expires_in_seconds is shorter than the interval: it would never fire"));
    return create(callerKinId, reason, targetKinId, now + qint64(intervalSeconds) * 1000, intervalSeconds, expiresAt);
}

Result<WakeupRecord> WakeupService::create(const QString &callerKinId, const QString &reason, const QString &targetKinId, qint64 fireAt,
                                           int intervalSeconds, qint64 expiresAt)
{
    if (reason.size() > kMaxReason)
        return ApiError::validation(QStringLiteral("reason must be at most %1 characters").arg(kMaxReason));
    auto caller = m_kins.resolve(callerKinId);
    if (!caller)
        return ApiError::notFound(QStringLiteral("KIN_NOT_FOUND"), QStringLiteral("Kin not found"));
    QString targetId = caller->id;
    if (!targetKinId.isEmpty()) {
        auto target = m_kins.resolve(targetKinId);
        if (!target)
            return ApiError::notFound(QStringLiteral("KIN_NOT_FOUND"), QStringLiteral("No Kin \"%1\" (use list_kins)").arg(targetKinId));
        targetId = target->id;
    }
    auto count = m_store.pendingCount(caller->id);
    if (!count)
        return count.error();
    if (count.value() >= kMaxPendingPerKin)
        return ApiError::conflict(QStringLiteral("WAKEUP_LIMIT"),
                                  QStringLiteral("At most %1 pending wake-ups per Kin: cancel one first (list_wakeups, cancel_wakeup)")
                                      .arg(kMaxPendingPerKin));
    WakeupRecord w;
    w.id = ids::uuid();
    w.callerKinId = caller->id;
    w.targetKinId = targetId;
    w.reason = reason.trimmed();
    w.fireAt = fireAt;
    w.intervalSeconds = intervalSeconds;
    w.expiresAt = expiresAt;
    w.createdAt = m_clock.nowMs();
    if (Status st = m_store.insert(w); !st)
        return st.error();
    arm(w);
    return w;
}

Status WakeupService::cancel(const QString &callerKinId, const QString &wakeupId)
{
    auto found = m_store.find(wakeupId);
    if (!found)
        return found.error();
    if (!found.value())
        return ApiError::notFound(QStringLiteral("WAKEUP_NOT_FOUND"), QStringLiteral("No wake-up with id \"%1\"").arg(wakeupId));
    const WakeupRecord &w = *found.value();
    if (w.callerKinId != callerKinId)
        return ApiError::forbidden(QStringLiteral("FORBIDDEN"), QStringLiteral("Only the Kin that scheduled a wake-up can cancel it"));
    auto finished = m_store.finish(w.id, QStringLiteral("cancelled"));
    if (!finished)
        return finished.error();
    if (!finished.value())
        return ApiError::conflict(QStringLiteral("WAKEUP_NOT_PENDING"), QStringLiteral("This wake-up already %1").arg(w.status));
    m_scheduler.cancel(jobId(w.id));
    return {};
}

Result<QList<WakeupRecord>> WakeupService::pending(const QString &callerKinId) const
{
    return m_store.pendingOf(callerKinId);
}

void WakeupService::forgetKin(const QString &kinId)
{
    if (auto ids = m_store.pendingInvolving(kinId))
        for (const QString &id : ids.value())
            m_scheduler.cancel(jobId(id));
}

void WakeupService::arm(const WakeupRecord &w)
{
    const QString id = w.id;
    m_scheduler.schedule(jobId(id), w.fireAt, [this, id](qint64 dueMs) { fire(id, dueMs); });
}

QString WakeupService::messageFor(const WakeupRecord &w, qint64 dueMs, qint64 nowMs, bool last) const
{
    QStringList lines;
    QString head = w.recurring() ? QStringLiteral("🔁 [Recurring wake-up] This is your wake-up of every %1.").arg(durationText(w.intervalSeconds))
                                 : QStringLiteral("⏰ [Scheduled wake-up] The time you asked to be woken up at has come.");
    if (w.callerKinId != w.targetKinId) {
        auto caller = m_kins.resolve(w.callerKinId);
        head += QStringLiteral(" It was scheduled for you by %1.").arg(caller ? caller->name : QStringLiteral("another Kin"));
    }
    lines << head;
    if (!w.reason.isEmpty())
        lines << QStringLiteral("Reason: ") + w.reason;
    if (nowMs - dueMs >= kLateAfterMs)
        lines << QStringLiteral("Note: this wake-up is late — it was due at %1 UTC, while KinBot was not running or the computer was asleep%2.")
                     .arg(QDateTime::fromMSecsSinceEpoch(dueMs, Qt::UTC).toString(QStringLiteral("yyyy-MM-dd HH:mm")),
                          w.recurring() ? QStringLiteral("; missed repetitions are not replayed") : QString());
    if (last)
        lines << QStringLiteral("This recurring wake-up has now expired: it will not fire again.");
    lines << QStringLiteral("Please proceed.");
    return lines.join(QLatin1Char('\n'));
}

void WakeupService::fire(const QString &id, qint64 dueMs)
{
    auto found = m_store.find(id);
    if (!found) {
        m_logger.error(QStringLiteral("wakeups"), QStringLiteral("Wake-up lookup failed"), {{QStringLiteral("error"), found.error().message}});
        return;
    }
    if (!found.value() || found.value()->status != QLatin1String("pending"))
        return; // cancelled, or gone with its Kin
    const WakeupRecord w = *found.value();
    const qint64 now = m_clock.nowMs();
    const bool late = now - dueMs >= kLateAfterMs;

    // The next time of a recurring one: on cadence when on time, from now when late (one fire, no catch-up).
    qint64 next = 0;
    bool last = false;
    if (w.recurring()) {
        const qint64 step = qint64(w.intervalSeconds) * 1000;
        next = late ? now + step : dueMs + step;
        if (next <= now)
            next = now + step;
        last = w.expiresAt > 0 && next > w.expiresAt;
    }

    QueueItem item;
    item.kinId = w.targetKinId;
    item.messageType = QStringLiteral("wakeup");
    item.content = messageFor(w, dueMs, now, last);
    item.sourceType = QStringLiteral("system");
    item.sourceId = w.callerKinId;
    item.priority = kPriority;
    auto queued = m_enqueue(item);
    if (!queued)
        m_logger.warn(QStringLiteral("wakeups"), QStringLiteral("Wake-up could not be queued"),
                      {{QStringLiteral("wakeupId"), w.id}, {QStringLiteral("error"), queued.error().message}});

    Status moved;
    if (w.recurring() && !last)
        moved = m_store.reschedule(w.id, next);
    else if (auto finished = m_store.finish(w.id, QStringLiteral("fired")); !finished)
        moved = finished.error();
    if (!moved) {
        m_logger.error(QStringLiteral("wakeups"), QStringLiteral("Wake-up could not be updated"),
                       {{QStringLiteral("wakeupId"), w.id}, {QStringLiteral("error"), moved.error().message}});
        return;
    }
    if (w.recurring() && !last) {
        WakeupRecord again = w;
        again.fireAt = next;
        arm(again);
    }
    if (queued)
        Q_EMIT wakeupFired(w.id, w.targetKinId, late);
}

} // namespace kinbot
