#include "api/WebhooksController.h"

#include "http/Exchange.h"
#include "http/Reply.h"
#include "kins/KinService.h"
#include "webhooks/WebhookService.h"

#include <tuple>

namespace kinbot {

namespace {

// The body's fields into a draft; a field of the wrong type is a VALIDATION_ERROR naming it.
Result<WebhookDraft> draftOf(const QJsonObject &body)
{
    WebhookDraft d;
    // Texts; for the optional ones null clears.
    for (auto [key, slot, clearable] :
         {std::tuple{"kinId", &d.kinId, false}, std::tuple{"name", &d.name, false}, std::tuple{"description", &d.description, true},
          std::tuple{"dispatchMode", &d.dispatchMode, false}, std::tuple{"taskTitleTemplate", &d.taskTitleTemplate, true},
          std::tuple{"taskPromptTemplate", &d.taskPromptTemplate, true}, std::tuple{"filterField", &d.filterField, true},
          std::tuple{"filterExpression", &d.filterExpression, true}}) {
        const QJsonValue v = body.value(QLatin1String(key));
        if (v.isUndefined())
            continue;
        if (v.isNull() && clearable) {
            *slot = QString();
            continue;
        }
        if (!v.isString())
            return ApiError::validation(QStringLiteral("%1 must be a string").arg(QLatin1String(key)));
        *slot = v.toString();
    }
    if (const QJsonValue v = body.value(QStringLiteral("isActive")); !v.isUndefined()) {
        if (!v.isBool())
            return ApiError::validation(QStringLiteral("isActive must be a boolean"));
        d.isActive = v.toBool();
    }
    if (const QJsonValue v = body.value(QStringLiteral("maxConcurrentTasks")); !v.isUndefined()) {
        const double n = v.toDouble(-1);
        if (!v.isDouble() || n < 0 || n != double(qint64(n)) || n > 1e6)
            return ApiError::validation(QStringLiteral("maxConcurrentTasks must be a non-negative integer (0 = unlimited)"));
        d.maxConcurrentTasks = int(n);
    }
    if (const QJsonValue v = body.value(QStringLiteral("filterMode")); !v.isUndefined()) {
        const auto mode = v.isNull() ? std::optional(WebhookFilterMode::None) : v.isString() ? filterModeFromName(v.toString()) : std::nullopt;
        if (!mode)
            return ApiError::validation(QStringLiteral("filterMode must be \"simple\", \"advanced\" or null"));
        d.filterMode = *mode;
    }
    if (const QJsonValue v = body.value(QStringLiteral("filterAllowedValues")); !v.isUndefined()) {
        if (!v.isNull() && !v.isArray())
            return ApiError::validation(QStringLiteral("filterAllowedValues must be an array of strings"));
        QStringList values;
        for (const QJsonValue &item : v.toArray()) {
            if (!item.isString())
                return ApiError::validation(QStringLiteral("filterAllowedValues must be an array of strings"));
            values.append(item.toString());
        }
        d.filterAllowedValues = values;
    }
    return d;
}

// Who sent it: the direct peer, or — when that is a proxy on this machine — the address it forwarded.
QString sourceIpOf(const Exchange &ex)
{
    QHostAddress peer = ex.remoteAddress();
    bool v4 = false;
    if (const quint32 ip = peer.toIPv4Address(&v4); v4)
        peer = QHostAddress(ip);
    if (peer.isLoopback()) {
        const QByteArray forwarded = ex.header("x-forwarded-for").split(',').first().trimmed();
        if (!forwarded.isEmpty())
            return QString::fromLatin1(forwarded.left(64));
        const QByteArray real = ex.header("x-real-ip").trimmed();
        if (!real.isEmpty())
            return QString::fromLatin1(real.left(64));
    }
    return peer.toString();
}

// Authorization: Bearer <token>, else ?token=; nullopt when neither is there.
std::optional<QString> tokenOf(const Exchange &ex)
{
    const QByteArray authz = ex.header("authorization").trimmed();
    if (authz.size() > 7 && authz.left(7).toLower() == "bearer ")
        return QString::fromLatin1(authz.mid(7).trimmed());
    if (ex.hasQuery(QStringLiteral("token")))
        return ex.queryValue(QStringLiteral("token"));
    return std::nullopt;
}

} // namespace

WebhooksController::WebhooksController(WebhookService &webhooks, KinService &kins) : m_webhooks(webhooks), m_kins(kins) {}

void WebhooksController::list(const ExchangePtr &ex)
{
    QString kinId = ex->queryValue(QStringLiteral("kinId"));
    if (!kinId.isEmpty()) {
        auto kin = m_kins.resolve(kinId);
        if (!kin)
            return ex->send(Reply::json(QJsonObject{{QStringLiteral("webhooks"), QJsonArray()}}));
        kinId = kin->id;
    }
    auto all = m_webhooks.list(kinId);
    if (!all)
        return ex->fail(all.error());
    auto counts = m_webhooks.filteredCounts();
    if (!counts)
        return ex->fail(counts.error());
    QJsonArray out;
    for (const WebhookRecord &w : all.value())
        out.append(m_webhooks.toJson(w, counts->value(w.id)));
    ex->send(Reply::json(QJsonObject{{QStringLiteral("webhooks"), out}}));
}

void WebhooksController::create(const ExchangePtr &ex)
{
    auto body = ex->jsonObject();
    if (!body)
        return ex->fail(body.error());
    auto draft = draftOf(body.value());
    if (!draft)
        return ex->fail(draft.error());
    ex->sendResult(m_webhooks.create(draft.value(), QStringLiteral("user")), [this](const WebhookService::Created &c) {
        QJsonObject w = m_webhooks.toJson(c.webhook, 0);
        w.insert(QStringLiteral("token"), c.token);
        return Reply::json(QJsonObject{{QStringLiteral("webhook"), w}}, 201);
    });
}

void WebhooksController::update(const ExchangePtr &ex)
{
    auto body = ex->jsonObject();
    if (!body)
        return ex->fail(body.error());
    auto draft = draftOf(body.value());
    if (!draft)
        return ex->fail(draft.error());
    if (draft->kinId)
        return ex->fail(ApiError::validation(QStringLiteral("kinId cannot be changed")));
    ex->sendResult(m_webhooks.update(ex->param(QStringLiteral("id")), draft.value()),
                   [this](const WebhookRecord &w) { return Reply::json(QJsonObject{{QStringLiteral("webhook"), m_webhooks.toJson(w)}}); });
}

void WebhooksController::remove(const ExchangePtr &ex)
{
    ex->sendSuccess(m_webhooks.remove(ex->param(QStringLiteral("id"))));
}

void WebhooksController::logs(const ExchangePtr &ex)
{
    int limit = kDefaultLogLimit;
    if (ex->hasQuery(QStringLiteral("limit"))) {
        bool ok = false;
        limit = ex->queryValue(QStringLiteral("limit")).toInt(&ok);
        if (!ok)
            return ex->fail(ApiError::validation(QStringLiteral("limit must be an integer between 1 and %1").arg(kMaxLogLimit)));
        limit = qBound(1, limit, kMaxLogLimit);
    }
    ex->sendResult(m_webhooks.logs(ex->param(QStringLiteral("id")), limit), [this](const QList<WebhookLog> &all) {
        QJsonArray out;
        for (const WebhookLog &l : all)
            out.append(m_webhooks.logToJson(l));
        return Reply::json(QJsonObject{{QStringLiteral("logs"), out}});
    });
}

void WebhooksController::regenerateToken(const ExchangePtr &ex)
{
    ex->sendResult(m_webhooks.regenerateToken(ex->param(QStringLiteral("id"))),
                   [](const QString &token) { return Reply::json(QJsonObject{{QStringLiteral("token"), token}}); });
}

void WebhooksController::testFilter(const ExchangePtr &ex)
{
    auto body = ex->jsonObject();
    if (!body)
        return ex->fail(body.error());
    const QJsonValue payload = body->value(QStringLiteral("payload"));
    if (!payload.isString())
        return ex->fail(ApiError::validation(QStringLiteral("payload must be a string")));
    auto overrides = draftOf(body.value());
    if (!overrides)
        return ex->fail(overrides.error());
    ex->sendResult(m_webhooks.testFilter(ex->param(QStringLiteral("id")), payload.toString().toUtf8(), overrides.value()),
                   [](const payload::FilterOutcome &r) {
                       QJsonObject out{{QStringLiteral("passed"), r.passed}};
                       if (r.extractedValue)
                           out.insert(QStringLiteral("extractedValue"), *r.extractedValue);
                       if (!r.error.isEmpty())
                           out.insert(QStringLiteral("error"), r.error);
                       return Reply::json(out);
                   });
}

void WebhooksController::suggestFields(const ExchangePtr &ex)
{
    ex->sendResult(m_webhooks.suggestFields(ex->param(QStringLiteral("id"))), [](const WebhookService::Suggestion &s) {
        return Reply::json(QJsonObject{{QStringLiteral("fields"), QJsonArray::fromStringList(s.fields)},
                                       {QStringLiteral("lastPayload"), s.lastPayload ? QJsonValue(*s.lastPayload) : QJsonValue()}});
    });
}

void WebhooksController::incoming(const ExchangePtr &ex)
{
    const QString id = ex->param(QStringLiteral("webhookId"));
    auto outcome = m_webhooks.receive({id, tokenOf(*ex), ex->body(), sourceIpOf(*ex)});
    if (!outcome) {
        if (outcome.error().kind == ErrorKind::TooManyRequests)
            ex->addResponseHeader("Retry-After", QByteArray::number(qMax<qint64>(1, (m_webhooks.retryAfterMs(id) + 999) / 1000)));
        return ex->fail(outcome.error());
    }
    QJsonObject out{{QStringLiteral("success"), true}};
    if (outcome->filtered)
        out.insert(QStringLiteral("filtered"), true);
    if (outcome->task) {
        out.insert(QStringLiteral("taskId"), outcome->task->taskId);
        out.insert(QStringLiteral("queued"), outcome->task->queued);
    }
    ex->send(Reply::json(out));
}

} // namespace kinbot
