#include "scheduling/CronService.h"

#include "events/EventBus.h"
#include "kins/KinService.h"
#include "log/Logger.h"
#include "notifications/NotificationService.h"
#include "scheduling/Scheduler.h"
#include "util/Clock.h"
#include "util/Ids.h"
#include "util/Json.h"

#include <QRegularExpression>

namespace kinbot {

namespace {

ApiError cronNotFound()
{
    return ApiError::notFound(QStringLiteral("CRON_NOT_FOUND"), QStringLiteral("Cron not found"));
}

} // namespace

CronService::CronService(Deps deps, QTimeZone zone, QObject *parent) : QObject(parent), m_d(deps), m_store(deps.db), m_zone(std::move(zone))
{
}

bool CronService::isDateTime(const QString &text)
{
    static const QRegularExpression re(QStringLiteral("^\\d{4}-\\d{2}-\\d{2}"));
    return re.match(text.trimmed()).hasMatch();
}

Result<CronService::Schedule> CronService::parseSchedule(const QString &text) const
{
    Schedule s;
    const QString t = text.trimmed();
    if (isDateTime(t)) {
        QDateTime at = QDateTime::fromString(t, Qt::ISODateWithMs);
        if (!at.isValid())
            at = QDateTime::fromString(t, Qt::ISODate);
        if (!at.isValid())
            return ApiError::validation(QStringLiteral("\"%1\" is not a valid ISO date-time").arg(t));
        if (at.timeSpec() == Qt::LocalTime && m_zone.isValid()) // no offset written: the cron time zone
            at = QDateTime(at.date(), at.time(), m_zone);
        s.atMs = at.toMSecsSinceEpoch();
        return s;
    }
    auto expr = CronExpression::parse(t);
    if (!expr)
        return ApiError::validation(expr.error().message);
    s.expression = expr.value();
    return s;
}

qint64 CronService::nextRunAfter(const QString &schedule, qint64 afterMs) const
{
    auto s = parseSchedule(schedule);
    if (!s)
        return 0;
    if (s->expression)
        return s->expression->nextMs(afterMs, m_zone).value_or(0);
    return s->atMs > afterMs ? s->atMs : 0;
}

Status CronService::checkDraft(const CronDraft &d, bool creating, const QString &errorCode) const
{
    const auto required = [&](const std::optional<QString> &v, const char *field) -> Status {
        if ((creating && !v) || (v && v->trimmed().isEmpty()))
            return ApiError::validation(QStringLiteral("%1 is required").arg(QLatin1String(field)));
        return {};
    };
    for (auto [v, field] : {std::pair{&d.name, "name"}, std::pair{&d.schedule, "schedule"}, std::pair{&d.taskDescription, "taskDescription"}})
        if (Status st = required(*v, field); !st)
            return st;
    if ((creating && !d.kinId) || (d.kinId && d.kinId->trimmed().isEmpty()))
        return ApiError::validation(QStringLiteral("kinId is required"));
    if (d.name && d.name->trimmed().size() > kMaxName)
        return ApiError::validation(QStringLiteral("name must be at most %1 characters").arg(kMaxName));
    if (d.taskDescription && d.taskDescription->size() > kMaxDescription)
        return ApiError::validation(QStringLiteral("taskDescription must be at most %1 characters").arg(kMaxDescription));
    if (d.kinId && !m_d.kins.resolve(*d.kinId))
        return ApiError::notFound(QStringLiteral("KIN_NOT_FOUND"), QStringLiteral("Kin not found"));
    if (d.targetKinId && !d.targetKinId->isEmpty() && !m_d.kins.resolve(*d.targetKinId))
        return ApiError::notFound(QStringLiteral("KIN_NOT_FOUND"), QStringLiteral("Target Kin not found"));
    if (d.schedule) {
        auto s = parseSchedule(*d.schedule);
        if (!s)
            return ApiError::badRequest(errorCode, QStringLiteral("Invalid schedule: ") + s.error().message);
        if (!s->expression && s->atMs <= m_d.clock.nowMs())
            return ApiError::badRequest(errorCode, QStringLiteral("Invalid schedule: the date-time must be in the future"));
        if (s->expression && !s->expression->nextMs(m_d.clock.nowMs(), m_zone))
            return ApiError::badRequest(errorCode, QStringLiteral("Invalid schedule: \"%1\" never matches a date").arg(*d.schedule));
    }
    return {};
}

Status CronService::start()
{
    auto all = m_store.list();
    if (!all)
        return all.error();
    const qint64 now = m_d.clock.nowMs();
    int missed = 0;
    for (CronRecord c : all.value()) {
        if (!c.isActive || c.requiresApproval)
            continue;
        if (c.nextRunAt == 0) { // nothing was ahead last time (or never computed): look again from now
            c.nextRunAt = nextRunAfter(c.schedule, now);
            if (c.nextRunAt == 0)
                continue;
            (void)m_store.setNextRun(c.id, c.nextRunAt);
        }
        missed += c.nextRunAt <= now;
        arm(c); // a missed run fires on the next event-loop turn, once; fire() then schedules from now
    }
    if (missed)
        m_d.logger.info(QStringLiteral("crons"), QStringLiteral("Runs missed while closed: running them once"), {{QStringLiteral("count"), missed}});
    return {};
}

void CronService::arm(const CronRecord &c)
{
    if (!c.isActive || c.requiresApproval || c.nextRunAt == 0) {
        m_d.scheduler.cancel(jobId(c.id));
        return;
    }
    const QString id = c.id;
    m_d.scheduler.schedule(jobId(id), c.nextRunAt, [this, id](qint64 dueMs) { fire(id, dueMs); });
}

void CronService::announce(const QString &type, const CronRecord &c)
{
    QJsonObject payload{{QStringLiteral("cronId"), c.id}, {QStringLiteral("kinId"), c.kinId}};
    if (!c.targetKinId.isEmpty())
        payload.insert(QStringLiteral("targetKinId"), c.targetKinId);
    m_d.bus.broadcast(type, payload);
}

void CronService::askApproval(const CronRecord &c)
{
    auto kin = m_d.kins.resolve(c.kinId);
    NotificationInput n;
    n.type = QStringLiteral("cron:pending-approval");
    n.title = QStringLiteral("Cron awaiting approval");
    n.body = QStringLiteral("%1 wants to schedule \"%2\" (%3)").arg(kin ? kin->name : QStringLiteral("A Kin"), c.name, c.schedule);
    n.kinId = c.kinId;
    n.relatedId = c.id;
    n.relatedType = QStringLiteral("cron");
    if (auto sent = m_d.notifications.notifyAll(n); !sent)
        m_d.logger.warn(QStringLiteral("crons"), QStringLiteral("Approval notification failed"), {{QStringLiteral("error"), sent.error().message}});
}

// The cap on active crons (kMaxActive) leaves room for one more, or the error under code.
Status CronService::roomForOneMoreActive(const QString &code) const
{
    auto active = m_store.activeCount();
    if (!active)
        return active.error();
    if (active.value() >= kMaxActive)
        return ApiError::badRequest(code, QStringLiteral("Maximum number of active crons reached (%1)").arg(kMaxActive));
    return {};
}

Result<CronRecord> CronService::create(const CronDraft &d, const QString &createdBy)
{
    if (Status st = checkDraft(d, true, QStringLiteral("CRON_CREATE_ERROR")); !st)
        return st.error();
    const bool byKin = createdBy == QLatin1String("kin");
    if (!byKin) {
        if (Status room = roomForOneMoreActive(QStringLiteral("CRON_CREATE_ERROR")); !room)
            return room.error();
    }
    const qint64 now = m_d.clock.nowMs();
    CronRecord c;
    c.id = ids::uuid();
    c.kinId = m_d.kins.resolve(*d.kinId)->id;
    c.name = d.name->trimmed();
    c.schedule = d.schedule->trimmed();
    c.taskDescription = *d.taskDescription;
    if (d.targetKinId && !d.targetKinId->isEmpty())
        c.targetKinId = m_d.kins.resolve(*d.targetKinId)->id;
    c.model = d.model.value_or(QString()).trimmed();
    c.providerId = d.providerId.value_or(QString()).trimmed();
    c.runOnce = d.runOnce.value_or(false);
    c.isActive = !byKin;
    c.requiresApproval = byKin;
    c.createdBy = byKin ? QStringLiteral("kin") : QStringLiteral("user");
    c.createdAt = now;
    c.updatedAt = now;
    c.nextRunAt = c.isActive ? nextRunAfter(c.schedule, now) : 0;
    if (Status st = m_store.insert(c); !st)
        return st.error();
    arm(c);
    announce(QStringLiteral("cron:created"), c);
    if (byKin)
        askApproval(c);
    return c;
}

Result<CronRecord> CronService::update(const QString &id, const CronDraft &p, const QString &by)
{
    auto found = get(id);
    if (!found)
        return found.error();
    if (Status st = checkDraft(p, false, QStringLiteral("CRON_UPDATE_ERROR")); !st)
        return st.error();
    CronRecord c = found.value();
    if (p.isActive && *p.isActive && !c.isActive) {
        if (c.requiresApproval)
            return ApiError::badRequest(QStringLiteral("CRON_UPDATE_ERROR"), QStringLiteral("This cron is waiting for approval: approve it first"));
        if (Status room = roomForOneMoreActive(QStringLiteral("CRON_UPDATE_ERROR")); !room)
            return room.error();
    }
    if (p.name)
        c.name = p.name->trimmed();
    if (p.schedule)
        c.schedule = p.schedule->trimmed();
    if (p.taskDescription)
        c.taskDescription = *p.taskDescription;
    if (p.targetKinId)
        c.targetKinId = p.targetKinId->isEmpty() ? QString() : m_d.kins.resolve(*p.targetKinId)->id;
    if (p.model)
        c.model = p.model->trimmed();
    if (p.providerId)
        c.providerId = p.providerId->trimmed();
    if (p.runOnce)
        c.runOnce = *p.runOnce;
    if (p.isActive)
        c.isActive = *p.isActive;
    const CronRecord &was = found.value();
    const bool repurposed = c.schedule != was.schedule || c.taskDescription != was.taskDescription || c.targetKinId != was.targetKinId
                            || c.model != was.model || c.providerId != was.providerId;
    const bool reapprove = by == QLatin1String("kin") && repurposed && !c.requiresApproval;
    if (reapprove) {
        c.requiresApproval = true;
        c.isActive = false;
    }
    const qint64 now = m_d.clock.nowMs();
    c.updatedAt = now;
    c.nextRunAt = c.isActive && !c.requiresApproval ? nextRunAfter(c.schedule, now) : 0;
    if (Status st = m_store.update(c); !st)
        return st.error();
    arm(c);
    announce(QStringLiteral("cron:updated"), c);
    if (reapprove)
        askApproval(c);
    return c;
}

Status CronService::remove(const QString &id)
{
    auto found = get(id);
    if (!found)
        return found.error();
    auto removed = m_store.remove(id);
    if (!removed)
        return removed.error();
    m_d.scheduler.cancel(jobId(id));
    announce(QStringLiteral("cron:deleted"), found.value());
    return {};
}

Result<CronRecord> CronService::approve(const QString &id)
{
    auto found = get(id);
    if (!found)
        return found.error();
    CronRecord c = found.value();
    if (!c.requiresApproval)
        return ApiError::conflict(QStringLiteral("ALREADY_APPROVED"), QStringLiteral("This cron is already approved"));
    if (Status room = roomForOneMoreActive(QStringLiteral("CRON_UPDATE_ERROR")); !room)
        return room.error();
    const qint64 now = m_d.clock.nowMs();
    c.requiresApproval = false;
    c.isActive = true;
    c.updatedAt = now;
    c.nextRunAt = nextRunAfter(c.schedule, now);
    if (Status st = m_store.update(c); !st)
        return st.error();
    arm(c);
    announce(QStringLiteral("cron:updated"), c);
    return c;
}

Result<QString> CronService::trigger(const QString &id)
{
    auto found = get(id);
    if (!found)
        return found.error();
    CronRecord c = found.value();
    if (c.requiresApproval)
        return ApiError::badRequest(QStringLiteral("CRON_TRIGGER_ERROR"), QStringLiteral("This cron is waiting for approval"));
    if (!m_spawner)
        return ApiError::unavailable(QStringLiteral("TASKS_UNAVAILABLE"),
                                     QStringLiteral("Cron runs spawn tasks, which this version cannot run yet"));
    auto task = m_spawner->spawnCronTask(c, true);
    if (!task)
        return ApiError::badRequest(QStringLiteral("CRON_TRIGGER_ERROR"), task.error().message);
    c.lastTriggeredAt = m_d.clock.nowMs();
    if (Status st = m_store.update(c); !st)
        return st.error();
    m_d.bus.toKin(c.kinId, QStringLiteral("cron:triggered"),
                  {{QStringLiteral("cronId"), c.id}, {QStringLiteral("kinId"), c.kinId}, {QStringLiteral("taskId"), task.value()}});
    return task.value();
}

void CronService::fire(const QString &id, qint64 dueMs)
{
    auto found = m_store.find(id);
    if (!found || !found.value())
        return; // deleted (or its Kin was)
    CronRecord c = *found.value();
    if (!c.isActive || c.requiresApproval)
        return;
    const qint64 now = m_d.clock.nowMs();
    const bool late = now - dueMs >= kLateAfterMs;
    bool spawned = false;
    if (!m_spawner) {
        m_d.logger.warn(QStringLiteral("crons"), QStringLiteral("Cron run skipped: tasks are not available in this version"),
                        {{QStringLiteral("cronId"), c.id}, {QStringLiteral("name"), c.name}});
    } else if (auto task = m_spawner->spawnCronTask(c, false); !task) {
        m_d.logger.warn(QStringLiteral("crons"), QStringLiteral("Cron run could not start its task"),
                        {{QStringLiteral("cronId"), c.id}, {QStringLiteral("error"), task.error().message}});
    } else {
        spawned = true;
        c.lastTriggeredAt = now;
        m_d.bus.toKin(c.kinId, QStringLiteral("cron:triggered"),
                      {{QStringLiteral("cronId"), c.id}, {QStringLiteral("kinId"), c.kinId}, {QStringLiteral("taskId"), task.value()}});
    }
    // The next run counts from now: a late run is the one run for everything missed.
    const bool oneOff = isDateTime(c.schedule);
    if ((spawned && c.runOnce) || oneOff) {
        c.isActive = false;
        c.nextRunAt = 0;
    } else {
        c.nextRunAt = nextRunAfter(c.schedule, now);
    }
    if (Status st = m_store.update(c); !st)
        m_d.logger.error(QStringLiteral("crons"), QStringLiteral("Cron could not be updated after its run"), {{QStringLiteral("error"), st.error().message}});
    arm(c);
    if (!c.isActive)
        announce(QStringLiteral("cron:updated"), c);
    Q_EMIT cronFired(c.id, spawned, late);
}

void CronService::forgetKin(const QString &kinId)
{
    auto all = m_store.list();
    if (!all)
        return;
    for (CronRecord c : all.value()) {
        if (c.kinId == kinId) {
            m_d.scheduler.cancel(jobId(c.id));
            announce(QStringLiteral("cron:deleted"), c);
        } else if (c.targetKinId == kinId) {
            c.targetKinId.clear();
            announce(QStringLiteral("cron:updated"), c);
        }
    }
}

Result<CronRecord> CronService::get(const QString &id) const
{
    auto found = m_store.find(id);
    if (!found)
        return found.error();
    if (!found.value())
        return cronNotFound();
    return *found.value();
}

Result<QList<CronRecord>> CronService::list(const QString &kinId) const
{
    return m_store.list(kinId);
}

QJsonObject CronService::toJson(const CronRecord &c) const
{
    auto kin = m_d.kins.resolve(c.kinId);
    auto target = c.targetKinId.isEmpty() ? Result<KinRecord>(cronNotFound()) : m_d.kins.resolve(c.targetKinId);
    return {{QStringLiteral("id"), c.id},
            {QStringLiteral("kinId"), c.kinId},
            {QStringLiteral("kinName"), kin ? QJsonValue(kin->name) : QJsonValue()},
            {QStringLiteral("kinAvatarUrl"), kin ? json::nonEmptyOrNull(m_d.kins.avatarUrl(kin.value())) : QJsonValue()},
            {QStringLiteral("name"), c.name},
            {QStringLiteral("schedule"), c.schedule},
            {QStringLiteral("taskDescription"), c.taskDescription},
            {QStringLiteral("targetKinId"), json::nonEmptyOrNull(c.targetKinId)},
            {QStringLiteral("targetKinName"), target ? QJsonValue(target->name) : QJsonValue()},
            {QStringLiteral("targetKinAvatarUrl"), target ? json::nonEmptyOrNull(m_d.kins.avatarUrl(target.value())) : QJsonValue()},
            {QStringLiteral("model"), json::nonEmptyOrNull(c.model)},
            {QStringLiteral("providerId"), json::nonEmptyOrNull(c.providerId)},
            {QStringLiteral("runOnce"), c.runOnce},
            {QStringLiteral("isActive"), c.isActive},
            {QStringLiteral("requiresApproval"), c.requiresApproval},
            {QStringLiteral("lastTriggeredAt"), json::nonZeroOrNull(c.lastTriggeredAt)},
            {QStringLiteral("nextRunAt"), json::nonZeroOrNull(c.nextRunAt)},
            {QStringLiteral("createdBy"), c.createdBy},
            {QStringLiteral("createdAt"), c.createdAt}};
}

} // namespace kinbot
