#include "api/KinsController.h"

#include "http/Exchange.h"
#include "http/Multipart.h"
#include "http/Reply.h"
#include "engine/ConversationEngine.h"
#include "engine/PromptBuilder.h"
#include "engine/ToolRegistry.h"
#include "kins/KinService.h"
#include "settings/SettingsStore.h"
#include "util/ImageSniff.h"

namespace kinbot {

KinsController::KinsController(KinService &kins, ToolRegistry &tools, SettingsStore &settings, ConversationEngine &engine)
    : m_kins(kins), m_tools(tools), m_settings(settings), m_engine(engine)
{
}

void KinsController::list(const ExchangePtr &ex)
{
    ex->sendResult(m_kins.list(), [this](const QList<KinRecord> &kins) {
        QJsonArray out;
        for (const KinRecord &k : kins)
            out.append(m_kins.summaryJson(k));
        return Reply::json(QJsonObject{{QStringLiteral("kins"), out}});
    });
}

void KinsController::get(const ExchangePtr &ex)
{
    ex->sendResult(m_kins.resolve(ex->param("id")), [this](const KinRecord &k) { return Reply::json(m_kins.detailJson(k)); });
}

void KinsController::create(const ExchangePtr &ex)
{
    auto body = ex->jsonObject();
    if (!body)
        return ex->fail(body.error());
    ex->sendResult(m_kins.create(*body, ex->principal.userId),
                   [this](const KinRecord &k) { return Reply::json(QJsonObject{{QStringLiteral("kin"), m_kins.detailJson(k)}}, 201); });
}

void KinsController::update(const ExchangePtr &ex)
{
    auto body = ex->jsonObject();
    if (!body)
        return ex->fail(body.error());
    ex->sendResult(m_kins.update(ex->param("id"), *body),
                   [this](const KinRecord &k) { return Reply::json(QJsonObject{{QStringLiteral("kin"), m_kins.detailJson(k)}}); });
}

void KinsController::remove(const ExchangePtr &ex)
{
    Status st = m_kins.remove(ex->param("id"));
    if (!st)
        return ex->fail(st.error());
    ex->send(Reply::json(QJsonObject{{QStringLiteral("success"), true}}));
}

void KinsController::uploadAvatar(const ExchangePtr &ex)
{
    auto form = MultipartForm::parse(ex->header("content-type"), ex->body());
    if (!form)
        return ex->fail(form.error());
    const MultipartPart *file = form->part(QStringLiteral("file"));
    if (!file || !file->isFile() || file->data.isEmpty())
        return ex->fail(ApiError::badRequest(QStringLiteral("INVALID_FILE"), QStringLiteral("A non-empty 'file' part is required")));
    // The reference accepts any file under any extension; only real images are stored here.
    const QString ext = images::extensionOf(file->data);
    if (ext.isEmpty())
        return ex->fail(ApiError::badRequest(QStringLiteral("INVALID_FILE_TYPE"), QStringLiteral("Avatar must be a PNG, JPEG, GIF or WebP image")));
    ex->sendResult(m_kins.setAvatar(ex->param("id"), file->data, ext),
                   [](const QString &url) { return Reply::json(QJsonObject{{QStringLiteral("avatarUrl"), url}}); });
}

void KinsController::tools(const ExchangePtr &ex)
{
    ex->sendResult(m_kins.resolve(ex->param("id")), [this](const KinRecord &k) {
        return Reply::json(m_tools.listing(k.toolConfig, m_settings.string(Setting::HubKinId) == k.id));
    });
}

void KinsController::contextUsage(const ExchangePtr &ex)
{
    auto kin = m_kins.resolve(ex->param("id"));
    if (!kin)
        return ex->fail(kin.error());
    QJsonObject usage = m_engine.contextUsage(kin->id);
    if (usage.isEmpty()) {
        // No turn yet: the identity and character alone, chars/4 like the reference's fallback.
        const int estimate = PromptBuilder::estimateTokens(kin->name + kin->role + kin->character + kin->expertise);
        usage = {{QStringLiteral("contextTokens"), estimate},
                 {QStringLiteral("contextWindow"), 128000},
                 {QStringLiteral("contextBreakdown"), QJsonValue()},
                 {QStringLiteral("pipelineStatus"), QJsonValue()},
                 {QStringLiteral("compactingPercent"), int(qint64(estimate) * 100 / 128000)},
                 {QStringLiteral("compactingThresholdPercent"), m_settings.integer(Setting::CompactingThresholdPercent)},
                 {QStringLiteral("summaryCount"), 0}};
    }
    usage.insert(QStringLiteral("maxSummaries"), 10);
    usage.insert(QStringLiteral("summaryTokens"), 0);
    usage.insert(QStringLiteral("summaryBudgetTokens"), 0);
    usage.insert(QStringLiteral("keepPercent"), 30);
    ex->send(Reply::json(usage));
}

} // namespace kinbot
