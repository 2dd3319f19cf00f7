#include "webhooks/WebhookService.h"

#include "crypto/Crypto.h"
#include "engine/QueueStore.h"
#include "events/EventBus.h"
#include "kins/KinService.h"
#include "log/Logger.h"
#include "scheduling/Scheduler.h"
#include "util/Clock.h"
#include "util/Ids.h"
#include "util/Json.h"
#include "webhooks/PayloadPaths.h"
#include "webhooks/TaskTemplate.h"

#include <QJsonArray>

namespace kinbot {

namespace {

const QString kPruneJob = QStringLiteral("webhooks:log-retention");

ApiError webhookNotFound()
{
    return ApiError::notFound(QStringLiteral("WEBHOOK_NOT_FOUND"), QStringLiteral("Webhook not found"));
}

QString hashOf(const QString &token)
{
    return crypto::sha256Hex(token.toUtf8());
}

// The body as text, cut to at most maxBytes of UTF-8 without splitting a character.
QString truncatedUtf8(const QByteArray &body, int maxBytes)
{
    if (body.size() <= maxBytes)
        return QString::fromUtf8(body);
    qsizetype cut = maxBytes;
    while (cut > 0 && (quint8(body.at(cut)) & 0xC0) == 0x80) // a continuation byte: back to the character's start
        --cut;
    return QString::fromUtf8(body.left(cut));
}

} // namespace

WebhookService::WebhookService(Deps deps, QObject *parent)
    : QObject(parent), m_d(std::move(deps)), m_store(m_d.db), m_rate(m_d.clock, kRatePerMinute, 60 * 1000)
{
}

WebhookService::~WebhookService()
{
    m_d.scheduler.cancel(kPruneJob);
}

QString WebhookService::urlOf(const QString &webhookId) const
{
    QString base = m_publicUrl;
    while (base.endsWith(QLatin1Char('/')))
        base.chop(1);
    return base + QStringLiteral("/api/webhooks/incoming/") + webhookId;
}

void WebhookService::start()
{
    m_d.scheduler.schedule(kPruneJob, m_d.clock.nowMs() + kFirstPruneAfterMs, [this](qint64) { pruneAndReschedule(); });
}

void WebhookService::pruneAndReschedule()
{
    auto pruned = pruneLogs();
    if (!pruned)
        m_d.logger.warn(QStringLiteral("webhooks"), QStringLiteral("Webhook log cleanup failed"), {{QStringLiteral("error"), pruned.error().message}});
    else if (pruned.value() > 0)
        m_d.logger.info(QStringLiteral("webhooks"), QStringLiteral("Old webhook logs removed"), {{QStringLiteral("count"), pruned.value()}});
    m_d.scheduler.schedule(kPruneJob, m_d.clock.nowMs() + kPruneEveryMs, [this](qint64) { pruneAndReschedule(); });
}

Result<int> WebhookService::pruneLogs()
{
    return m_store.pruneLogs(m_d.clock.nowMs() - qint64(kLogRetentionDays) * 24 * 3600 * 1000, kMaxLogsPerWebhook);
}

Status WebhookService::checkDraft(const WebhookDraft &d, bool creating) const
{
    if (creating && (!d.kinId || d.kinId->trimmed().isEmpty()))
        return ApiError::validation(QStringLiteral("kinId is required"));
    if ((creating && !d.name) || (d.name && d.name->trimmed().isEmpty()))
        return ApiError::validation(QStringLiteral("name is required"));
    if (d.name && d.name->trimmed().size() > kMaxName)
        return ApiError::validation(QStringLiteral("name must be at most %1 characters").arg(kMaxName));
    if (d.description && d.description->size() > kMaxDescription)
        return ApiError::validation(QStringLiteral("description must be at most %1 characters").arg(kMaxDescription));
    if (d.dispatchMode && *d.dispatchMode != QLatin1String("conversation") && *d.dispatchMode != QLatin1String("task"))
        return ApiError::validation(QStringLiteral("dispatchMode must be \"conversation\" or \"task\""));
    if (d.maxConcurrentTasks && *d.maxConcurrentTasks < 0)
        return ApiError::validation(QStringLiteral("maxConcurrentTasks must be a non-negative integer (0 = unlimited)"));
    for (auto [v, field] : {std::pair{&d.taskTitleTemplate, "taskTitleTemplate"}, std::pair{&d.taskPromptTemplate, "taskPromptTemplate"}})
        if (*v && (*v)->size() > kMaxTemplate)
            return ApiError::validation(QStringLiteral("%1 must be at most %2 characters").arg(QLatin1String(field)).arg(kMaxTemplate));
    if (d.filterAllowedValues)
        for (const QString &v : *d.filterAllowedValues)
            if (v.size() > kMaxName * 5)
                return ApiError::validation(QStringLiteral("filterAllowedValues items must be at most %1 characters").arg(kMaxName * 5));
    if (d.filterField && d.filterField->size() > kMaxName * 5)
        return ApiError::validation(QStringLiteral("filterField must be at most %1 characters").arg(kMaxName * 5));
    if (d.kinId && !m_d.kins.resolve(*d.kinId))
        return ApiError::notFound(QStringLiteral("KIN_NOT_FOUND"), QStringLiteral("Kin not found"));
    return {};
}

WebhookFilter WebhookService::applyFilter(WebhookFilter f, const WebhookDraft &d)
{
    if (d.filterMode) {
        if (*d.filterMode == WebhookFilterMode::None)
            return {}; // null clears everything
        f.mode = *d.filterMode;
    }
    if (d.filterField)
        f.field = d.filterField->trimmed();
    if (d.filterAllowedValues)
        f.allowedValues = *d.filterAllowedValues;
    if (d.filterExpression)
        f.expression = *d.filterExpression;
    // Only what the mode uses is kept.
    if (f.mode != WebhookFilterMode::Simple) {
        f.field.clear();
        f.allowedValues.clear();
    }
    if (f.mode != WebhookFilterMode::Advanced)
        f.expression.clear();
    return f;
}

Result<WebhookService::Created> WebhookService::create(const WebhookDraft &d, const QString &createdBy)
{
    if (Status st = checkDraft(d, true); !st)
        return st.error();
    const QString kinId = m_d.kins.resolve(*d.kinId)->id;
    const WebhookFilter filter = applyFilter({}, d);
    if (Status st = payload::validate(filter); !st)
        return st.error();
    auto count = m_store.countForKin(kinId);
    if (!count)
        return count.error();
    if (count.value() >= kMaxPerKin)
        return ApiError::badRequest(QStringLiteral("WEBHOOK_CREATE_ERROR"),
                                    QStringLiteral("Maximum number of webhooks per Kin reached (%1)").arg(kMaxPerKin));
    const qint64 now = m_d.clock.nowMs();
    Created out;
    out.token = ids::hexToken(32);
    WebhookRecord &w = out.webhook;
    w.id = ids::uuid();
    w.kinId = kinId;
    w.name = d.name->trimmed();
    w.tokenHash = hashOf(out.token);
    w.description = d.description.value_or(QString()).trimmed();
    w.isActive = d.isActive.value_or(true);
    w.filter = filter;
    w.dispatchMode = d.dispatchMode.value_or(QStringLiteral("conversation"));
    if (w.taskMode()) {
        w.taskTitleTemplate = d.taskTitleTemplate.value_or(QString());
        w.taskPromptTemplate = d.taskPromptTemplate.value_or(QString());
        w.maxConcurrentTasks = d.maxConcurrentTasks.value_or(1);
    }
    w.createdBy = createdBy == QLatin1String("kin") ? QStringLiteral("kin") : QStringLiteral("user");
    w.createdAt = now;
    w.updatedAt = now;
    if (Status st = m_store.insert(w); !st)
        return st.error();
    announce(QStringLiteral("webhook:created"), w);
    return out;
}

Result<WebhookRecord> WebhookService::update(const QString &id, const WebhookDraft &p)
{
    auto found = get(id);
    if (!found)
        return found.error();
    if (Status st = checkDraft(p, false); !st)
        return st.error();
    WebhookRecord w = found.value();
    const WebhookFilter filter = applyFilter(w.filter, p);
    if (Status st = payload::validate(filter); !st)
        return st.error();
    w.filter = filter;
    if (p.name)
        w.name = p.name->trimmed();
    if (p.description)
        w.description = p.description->trimmed();
    if (p.isActive)
        w.isActive = *p.isActive;
    if (p.dispatchMode)
        w.dispatchMode = *p.dispatchMode;
    if (w.taskMode()) {
        if (p.taskTitleTemplate)
            w.taskTitleTemplate = *p.taskTitleTemplate;
        if (p.taskPromptTemplate)
            w.taskPromptTemplate = *p.taskPromptTemplate;
        if (p.maxConcurrentTasks)
            w.maxConcurrentTasks = *p.maxConcurrentTasks;
    } else { // conversation mode has no task settings
        w.taskTitleTemplate.clear();
        w.taskPromptTemplate.clear();
        w.maxConcurrentTasks = 1;
    }
    w.updatedAt = m_d.clock.nowMs();
    if (Status st = m_store.update(w); !st)
        return st.error();
    announce(QStringLiteral("webhook:updated"), w);
    return w;
}

Status WebhookService::remove(const QString &id)
{
    auto found = get(id);
    if (!found)
        return found.error();
    auto removed = m_store.remove(id);
    if (!removed)
        return removed.error();
    m_rate.reset(id);
    announce(QStringLiteral("webhook:deleted"), found.value());
    return {};
}

Result<WebhookRecord> WebhookService::get(const QString &id) const
{
    auto found = m_store.find(id);
    if (!found)
        return found.error();
    if (!found.value())
        return webhookNotFound();
    return *found.value();
}

Result<QList<WebhookRecord>> WebhookService::list(const QString &kinId) const
{
    return m_store.list(kinId);
}

Result<QString> WebhookService::regenerateToken(const QString &id)
{
    auto found = get(id);
    if (!found)
        return found.error();
    const QString token = ids::hexToken(32);
    if (Status st = m_store.setTokenHash(id, hashOf(token), m_d.clock.nowMs()); !st)
        return st.error();
    return token;
}

Result<QList<WebhookLog>> WebhookService::logs(const QString &id, int limit) const
{
    if (auto found = get(id); !found)
        return found.error();
    return m_store.logs(id, limit);
}

Result<payload::FilterOutcome> WebhookService::testFilter(const QString &id, const QByteArray &body, const WebhookDraft &overrides) const
{
    auto found = get(id);
    if (!found)
        return found.error();
    return payload::evaluate(applyFilter(found->filter, overrides), body);
}

Result<WebhookService::Suggestion> WebhookService::suggestFields(const QString &id) const
{
    auto newest = logs(id, 1);
    if (!newest)
        return newest.error();
    Suggestion s;
    if (newest->isEmpty())
        return s;
    s.lastPayload = newest->first().payload;
    if (const auto json = payload::parseJson(s.lastPayload->toUtf8()))
        s.fields = payload::fieldPaths(*json);
    return s;
}

Result<WebhookDeliveryOutcome> WebhookService::receive(const WebhookDelivery &in)
{
    if (m_rate.limited(in.webhookId))
        return ApiError::tooManyRequests(QStringLiteral("Too many requests for this webhook; retry in %1 s")
                                             .arg((m_rate.retryAfterMs(in.webhookId) + 999) / 1000));
    auto found = m_store.find(in.webhookId);
    if (!found)
        return found.error();
    if (!found.value())
        return webhookNotFound(); // unknown ids are not counted: the limiter only holds real webhooks
    m_rate.record(in.webhookId);
    WebhookRecord w = *found.value();

    if (!in.token || in.token->isEmpty())
        return ApiError::unauthorized(QStringLiteral("Missing webhook token"));
    if (!crypto::constantTimeEquals(hashOf(*in.token).toLatin1(), w.tokenHash.toLatin1()))
        return ApiError::forbidden(QStringLiteral("FORBIDDEN"), QStringLiteral("Invalid webhook token"));
    if (!w.isActive)
        return ApiError::conflict(QStringLiteral("WEBHOOK_INACTIVE"), QStringLiteral("Webhook is inactive"));
    if (in.body.size() > kMaxPayloadBytes)
        return ApiError::tooLarge(QStringLiteral("Payload exceeds %1 bytes").arg(kMaxPayloadBytes));
    if (w.taskMode() && !m_spawner)
        return ApiError::unavailable(QStringLiteral("TASKS_UNAVAILABLE"),
                                     QStringLiteral("This webhook starts tasks, which this version cannot run yet"));

    const qint64 now = m_d.clock.nowMs();
    const payload::FilterOutcome filter = payload::evaluate(w.filter, in.body);
    if (Status st = m_store.recordTrigger(w.id, now); !st)
        return st.error();
    WebhookLog log{ids::uuid(), w.id, truncatedUtf8(in.body, kMaxLoggedPayloadBytes), in.sourceIp, !filter.passed, now};
    if (Status st = m_store.addLog(log, kMaxLogsPerWebhook); !st)
        return st.error();

    WebhookDeliveryOutcome out;
    if (!filter.passed) {
        out.filtered = true;
        Q_EMIT delivered(w.id, true);
        return out;
    }
    if (w.taskMode()) {
        auto spawned = m_spawner->spawnWebhookTask(w, payload::taskTitle(w.taskTitleTemplate, w.name, in.body),
                                                   payload::taskDescription(w.taskPromptTemplate, in.body));
        if (!spawned)
            return spawned.error();
        out.task = spawned.value();
        m_d.bus.toKin(w.kinId, QStringLiteral("webhook:triggered"),
                      {{QStringLiteral("webhookId"), w.id}, {QStringLiteral("kinId"), w.kinId},
                       {QStringLiteral("taskId"), spawned->taskId}, {QStringLiteral("queued"), spawned->queued}});
    } else {
        QueueItem item;
        item.kinId = w.kinId;
        item.messageType = QStringLiteral("webhook");
        item.content = QStringLiteral("[Webhook: %1]\n").arg(w.name) + QString::fromUtf8(in.body);
        item.sourceType = QStringLiteral("webhook");
        item.sourceId = w.id;
        item.priority = kPriority;
        auto queued = m_d.enqueue(std::move(item));
        if (!queued)
            return queued.error();
        out.queueItemId = queued->id;
        m_d.bus.toKin(w.kinId, QStringLiteral("webhook:triggered"),
                      {{QStringLiteral("webhookId"), w.id}, {QStringLiteral("kinId"), w.kinId}, {QStringLiteral("queueItemId"), queued->id}});
    }
    Q_EMIT delivered(w.id, false);
    return out;
}

void WebhookService::forgetKin(const QString &kinId)
{
    auto all = m_store.list(kinId);
    if (!all)
        return;
    for (const WebhookRecord &w : all.value()) {
        m_rate.reset(w.id);
        announce(QStringLiteral("webhook:deleted"), w);
    }
}

void WebhookService::announce(const QString &type, const WebhookRecord &w)
{
    m_d.bus.broadcast(type, {{QStringLiteral("webhookId"), w.id}, {QStringLiteral("kinId"), w.kinId}});
}

QJsonObject WebhookService::toJson(const WebhookRecord &w, std::optional<int> filteredCount) const
{
    if (!filteredCount) {
        auto counted = m_store.filteredCount(w.id);
        filteredCount = counted ? counted.value() : 0;
    }
    auto kin = m_d.kins.resolve(w.kinId);
    const bool simple = w.filter.mode == WebhookFilterMode::Simple;
    return {{QStringLiteral("id"), w.id},
            {QStringLiteral("kinId"), w.kinId},
            {QStringLiteral("kinName"), kin ? QJsonValue(kin->name) : QJsonValue()},
            {QStringLiteral("kinAvatarUrl"), kin ? json::nonEmptyOrNull(m_d.kins.avatarUrl(kin.value())) : QJsonValue()},
            {QStringLiteral("name"), w.name},
            {QStringLiteral("description"), json::nonEmptyOrNull(w.description)},
            {QStringLiteral("isActive"), w.isActive},
            {QStringLiteral("triggerCount"), w.triggerCount},
            {QStringLiteral("lastTriggeredAt"), json::nonZeroOrNull(w.lastTriggeredAt)},
            {QStringLiteral("filterMode"), json::nonEmptyOrNull(filterModeName(w.filter.mode))},
            {QStringLiteral("filterField"), json::nonEmptyOrNull(w.filter.field)},
            {QStringLiteral("filterAllowedValues"), simple ? QJsonValue(QJsonArray::fromStringList(w.filter.allowedValues)) : QJsonValue()},
            {QStringLiteral("filterExpression"), json::nonEmptyOrNull(w.filter.expression)},
            {QStringLiteral("filteredCount"), *filteredCount},
            {QStringLiteral("dispatchMode"), w.dispatchMode},
            {QStringLiteral("taskTitleTemplate"), json::nonEmptyOrNull(w.taskTitleTemplate)},
            {QStringLiteral("taskPromptTemplate"), json::nonEmptyOrNull(w.taskPromptTemplate)},
            {QStringLiteral("maxConcurrentTasks"), w.maxConcurrentTasks},
            {QStringLiteral("createdBy"), w.createdBy},
            {QStringLiteral("createdAt"), w.createdAt},
            {QStringLiteral("url"), urlOf(w.id)}};
}

QJsonObject WebhookService::logToJson(const WebhookLog &l) const
{
    return {{QStringLiteral("id"), l.id},
            {QStringLiteral("webhookId"), l.webhookId},
            {QStringLiteral("payload"), l.payload},
            {QStringLiteral("sourceIp"), json::nonEmptyOrNull(l.sourceIp)},
            {QStringLiteral("filtered"), l.filtered},
            {QStringLiteral("createdAt"), l.createdAt}};
}

} // namespace kinbot
