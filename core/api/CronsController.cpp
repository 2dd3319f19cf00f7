#include "api/CronsController.h"

#include "http/Exchange.h"
#include "http/Reply.h"
#include "kins/KinService.h"
#include "scheduling/CronService.h"

#include <tuple>

namespace kinbot {

namespace {

// The body's fields into a draft; a field of the wrong type is a VALIDATION_ERROR naming it.
Result<CronDraft> draftOf(const QJsonObject &body)
{
    CronDraft d;
    // Required texts, then the optional references (null clears them).
    for (auto [key, slot, clearable] : {std::tuple{"kinId", &d.kinId, false}, std::tuple{"name", &d.name, false},
                                        std::tuple{"schedule", &d.schedule, false}, std::tuple{"taskDescription", &d.taskDescription, false},
                                        std::tuple{"targetKinId", &d.targetKinId, true}, std::tuple{"model", &d.model, true},
                                        std::tuple{"providerId", &d.providerId, true}}) {
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
    for (auto [key, slot] : {std::pair{"isActive", &d.isActive}, std::pair{"runOnce", &d.runOnce}}) {
        const QJsonValue v = body.value(QLatin1String(key));
        if (v.isUndefined() || v.isNull())
            continue;
        if (!v.isBool())
            return ApiError::validation(QStringLiteral("%1 must be a boolean").arg(QLatin1String(key)));
        *slot = v.toBool();
    }
    return d;
}

} // namespace

CronsController::CronsController(CronService &crons, KinService &kins) : m_crons(crons), m_kins(kins) {}

void CronsController::list(const ExchangePtr &ex)
{
    QString kinId = ex->queryValue(QStringLiteral("kinId"));
    if (!kinId.isEmpty()) {
        auto kin = m_kins.resolve(kinId);
        if (!kin)
            return ex->send(Reply::json(QJsonObject{{QStringLiteral("crons"), QJsonArray()}}));
        kinId = kin->id;
    }
    ex->sendResult(m_crons.list(kinId), [this](const QList<CronRecord> &all) {
        QJsonArray out;
        for (const CronRecord &c : all)
            out.append(m_crons.toJson(c));
        return Reply::json(QJsonObject{{QStringLiteral("crons"), out}});
    });
}

void CronsController::create(const ExchangePtr &ex)
{
    auto body = ex->jsonObject();
    if (!body)
        return ex->fail(body.error());
    auto draft = draftOf(body.value());
    if (!draft)
        return ex->fail(draft.error());
    if (draft->isActive)
        return ex->fail(ApiError::validation(QStringLiteral("isActive cannot be set on creation")));
    ex->sendResult(m_crons.create(draft.value(), QStringLiteral("user")), [this](const CronRecord &c) {
        return Reply::json(QJsonObject{{QStringLiteral("cron"), m_crons.toJson(c)}}, 201);
    });
}

void CronsController::update(const ExchangePtr &ex)
{
    auto body = ex->jsonObject();
    if (!body)
        return ex->fail(body.error());
    auto draft = draftOf(body.value());
    if (!draft)
        return ex->fail(draft.error());
    if (draft->kinId)
        return ex->fail(ApiError::validation(QStringLiteral("kinId cannot be changed")));
    ex->sendResult(m_crons.update(ex->param(QStringLiteral("id")), draft.value()),
                   [this](const CronRecord &c) { return Reply::json(QJsonObject{{QStringLiteral("cron"), m_crons.toJson(c)}}); });
}

void CronsController::remove(const ExchangePtr &ex)
{
    ex->sendSuccess(m_crons.remove(ex->param(QStringLiteral("id"))));
}

void CronsController::trigger(const ExchangePtr &ex)
{
    ex->sendResult(m_crons.trigger(ex->param(QStringLiteral("id"))),
                   [](const QString &taskId) { return Reply::json(QJsonObject{{QStringLiteral("taskId"), taskId}}); });
}

void CronsController::approve(const ExchangePtr &ex)
{
    ex->sendResult(m_crons.approve(ex->param(QStringLiteral("id"))),
                   [this](const CronRecord &c) { return Reply::json(QJsonObject{{QStringLiteral("cron"), m_crons.toJson(c)}}); });
}

} // namespace kinbot
