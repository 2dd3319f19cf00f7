#pragma once

#include "scheduling/CronExpression.h"
#include "scheduling/CronStore.h"
#include "util/Result.h"

#include <QJsonObject>
#include <QObject>
#include <QTimeZone>

#include <optional>

namespace kinbot {

class Clock;
class Database;
class EventBus;
class KinService;
class Logger;
class NotificationService;
class Scheduler;

// What a cron does when it fires: spawn its async task (engine.md §7/§8.1: title = cron name, description = task
// description, spawn_type other when a target is set, cron_id, concurrency group cron:<id>). Implemented by the tasks
// work; until a spawner is installed, scheduled runs are skipped (and logged) and manual triggers answer 503
// TASKS_UNAVAILABLE — no run is ever faked.
class CronTaskSpawner
{
public:
    virtual ~CronTaskSpawner() = default;
    // → the new task's id. manual: POST /api/crons/:id/trigger or trigger_cron (no concurrency-group limit).
    virtual Result<QString> spawnCronTask(const CronRecord &cron, bool manual) = 0;
};

// Fields of POST /api/crons and PATCH /api/crons/:id; unset = not given. For the optional references an empty
// string clears them.
struct CronDraft
{
    std::optional<QString> kinId;
    std::optional<QString> name;
    std::optional<QString> schedule;
    std::optional<QString> taskDescription;
    std::optional<QString> targetKinId;
    std::optional<QString> model;
    std::optional<QString> providerId;
    std::optional<bool> isActive; // PATCH only
    std::optional<bool> runOnce;
};

// Crons (engine.md §8.1, rest.md §3.13): rows, validation, approval, scheduling on the shared Scheduler.
//
// Schedules are 5/6-field cron expressions evaluated in the service's time zone (the system's by default, like the
// reference's server-local time; DST policy in CronExpression.h), or an ISO date-time ("2026-12-24T18:00", in that
// zone unless it carries an offset) for a one-off, which must be in the future and deactivates after it ran.
//
// Missed runs (the app was closed, or the machine slept, over a run) — the policy: each active cron stores the time
// it is armed for (next_run_at). If that time passed while the app was closed, the cron runs ONCE as soon as the app
// starts (however many runs were missed — no catch-up burst), then follows its schedule from now. A one-off whose
// time passed runs once too, then deactivates.
class CronService final : public QObject
{
    Q_OBJECT
public:
    static constexpr int kMaxActive = 50; // CRONS_MAX_ACTIVE
    static constexpr int kMaxName = 200;
    static constexpr int kMaxDescription = 50000;
    static constexpr qint64 kLateAfterMs = 60 * 1000;

    struct Deps
    {
        const Database &db;
        const Clock &clock;
        Scheduler &scheduler;
        KinService &kins;
        EventBus &bus;
        NotificationService &notifications;
        Logger &logger;
    };

    explicit CronService(Deps deps, QTimeZone zone = QTimeZone::systemTimeZone(), QObject *parent = nullptr);

    void setSpawner(CronTaskSpawner *spawner) { m_spawner = spawner; }
    void setTimeZone(const QTimeZone &zone) { m_zone = zone; }
    const QTimeZone &timeZone() const { return m_zone; }

    // Startup: arms every active, approved cron (missed-run policy above).
    Status start();

    // createdBy "user": active at once. "kin": inactive until approved, and every user is notified.
    // Errors: VALIDATION_ERROR, KIN_NOT_FOUND, CRON_CREATE_ERROR (bad or past schedule, too many active crons).
    Result<CronRecord> create(const CronDraft &draft, const QString &createdBy);
    // CRON_NOT_FOUND, VALIDATION_ERROR, KIN_NOT_FOUND, CRON_UPDATE_ERROR. by "kin" (update_cron): when the Kin changes
    // what runs or when (schedule, task, target, model, provider), the cron waits for approval again — an approved cron
    // cannot be repurposed behind the user's back (our rule; the reference does not re-ask).
    Result<CronRecord> update(const QString &id, const CronDraft &patch, const QString &by = QStringLiteral("user"));
    Status remove(const QString &id);
    // 409 ALREADY_APPROVED; CRON_UPDATE_ERROR when it would pass the active limit.
    Result<CronRecord> approve(const QString &id);
    // Runs it now → task id. 400 CRON_TRIGGER_ERROR while pending approval; 503 TASKS_UNAVAILABLE without a spawner.
    Result<QString> trigger(const QString &id);
    Result<CronRecord> get(const QString &id) const;
    Result<QList<CronRecord>> list(const QString &kinId = {}) const;

    // The Kin is about to be deleted (its crons cascade, crons targeting it lose their target): stops their jobs and
    // announces cron:deleted / cron:updated as the reference does.
    void forgetKin(const QString &kinId);

    // The wire object of rest.md §3.13 (+ nextRunAt).
    QJsonObject toJson(const CronRecord &c) const;
    // The first run strictly after `afterMs`, or 0 (a past one-off, an expression that never matches).
    qint64 nextRunAfter(const QString &schedule, qint64 afterMs) const;

Q_SIGNALS:
    // A scheduled run came (tests): spawned = a task was started.
    void cronFired(const QString &cronId, bool spawned, bool late);

private:
    Status roomForOneMoreActive(const QString &code) const;
    // A schedule, checked: an expression, or the instant of a one-off.
    struct Schedule
    {
        std::optional<CronExpression> expression;
        qint64 atMs = 0;
    };
    Result<Schedule> parseSchedule(const QString &text) const;
    static bool isDateTime(const QString &text);
    Status checkDraft(const CronDraft &d, bool creating, const QString &errorCode) const;
    void arm(const CronRecord &c);
    void fire(const QString &id, qint64 dueMs);
    void announce(const QString &type, const CronRecord &c);
    void askApproval(const CronRecord &c);
    static QString jobId(const QString &cronId) { return QStringLiteral("cron:") + cronId; }

    Deps m_d;
    CronStore m_store;
    QTimeZone m_zone;
    CronTaskSpawner *m_spawner = nullptr;
};

} // namespace kinbot
