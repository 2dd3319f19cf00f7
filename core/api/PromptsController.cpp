#include "api/PromptsController.h"

#include "http/Exchange.h"
#include "kins/KinService.h"
#include "prompts/PromptService.h"

#include <QJsonArray>

namespace kinbot {

PromptsController::PromptsController(PromptService &prompts, KinService &kins, QObject *parent)
    : QObject(parent), m_prompts(prompts), m_kins(kins)
{
}

void PromptsController::pending(const ExchangePtr &ex)
{
    const QString kinParam = ex->queryValue(QStringLiteral("kinId")).trimmed();
    if (kinParam.isEmpty())
        return ex->fail(ApiError::validation(QStringLiteral("kinId is required")));
    auto kin = m_kins.resolve(kinParam);
    if (!kin)
        return ex->fail(kin.error());
    auto prompts = m_prompts.pending(kin->id, ex->queryValue(QStringLiteral("taskId")).trimmed());
    ex->sendResult(prompts, [](const QList<HumanPrompt> &list) {
        QJsonArray out;
        for (const HumanPrompt &p : list)
            out.append(p.toJson());
        return Reply::json(QJsonObject{{QStringLiteral("prompts"), out}});
    });
}

void PromptsController::respond(const ExchangePtr &ex)
{
    auto body = ex->jsonObject();
    if (!body)
        return ex->fail(body.error());
    const QJsonValue response = body->value(QStringLiteral("response"));
    if (response.isUndefined() || response.isNull())
        return ex->fail(ApiError::validation(QStringLiteral("response is required")));
    ex->sendSuccess(m_prompts.respond(ex->param(QStringLiteral("id")), response, ex->principal.userId));
}

} // namespace kinbot
