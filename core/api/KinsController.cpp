#include "api/KinsController.h"

#include "http/Exchange.h"
#include "http/Multipart.h"
#include "http/Reply.h"
#include "engine/ConversationEngine.h"
#include "engine/PromptBuilder.h"
#include "engine/ToolRegistry.h"
#include "kins/KinPortability.h"
#include "kins/KinService.h"
#include "util/Clock.h"
#include "settings/SettingsStore.h"
#include "util/ImageSniff.h"

namespace kinbot {

KinsController::KinsController(KinService &kins, ToolRegistry &tools, SettingsStore &settings, ConversationEngine &engine,
                               const Clock &clock, ModelCheck modelCheck)
    : m_kins(kins), m_tools(tools), m_settings(settings), m_engine(engine), m_clock(clock), m_modelCheck(std::move(modelCheck))
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

QJsonObject KinsController::detail(const KinRecord &k) const
{
    QJsonObject o = m_kins.detailJson(k);
    if (m_mcp.servers)
        o.insert(QStringLiteral("mcpServers"), m_mcp.servers(k));
    return o;
}

Result<KinRecord> KinsController::savedWithLinks(const QJsonObject &body, const std::function<Result<KinRecord>()> &save)
{
    if (m_mcp.check)
        if (Status st = m_mcp.check(body); !st)
            return st.error();
    auto saved = save();
    if (saved && m_mcp.apply)
        if (Status st = m_mcp.apply(saved->id, body); !st)
            return st.error();
    return saved;
}

void KinsController::get(const ExchangePtr &ex)
{
    ex->sendResult(m_kins.resolve(ex->param("id")), [this](const KinRecord &k) { return Reply::json(detail(k)); });
}

void KinsController::create(const ExchangePtr &ex)
{
    auto body = ex->jsonObject();
    if (!body)
        return ex->fail(body.error());
    const QString userId = ex->principal.userId;
    ex->sendResult(savedWithLinks(*body, [&] { return m_kins.create(*body, userId); }),
                   [this](const KinRecord &k) { return Reply::json(QJsonObject{{QStringLiteral("kin"), detail(k)}}, 201); });
}

void KinsController::update(const ExchangePtr &ex)
{
    auto body = ex->jsonObject();
    if (!body)
        return ex->fail(body.error());
    const QString id = ex->param("id");
    ex->sendResult(savedWithLinks(*body, [&] { return m_kins.update(id, *body); }),
                   [this](const KinRecord &k) { return Reply::json(QJsonObject{{QStringLiteral("kin"), detail(k)}}); });
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
    auto form = MultipartForm::parse(*ex);
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
        const bool isHub = m_settings.string(Setting::HubKinId) == k.id;
        QJsonObject listing = m_tools.listing(k.toolConfig, isHub);
        if (m_extraToolGroups) {
            QJsonArray groups = listing.value(QStringLiteral("nativeTools")).toArray();
            for (const QJsonValue &g : m_extraToolGroups(k, isHub))
                groups.append(g);
            listing.insert(QStringLiteral("nativeTools"), groups);
        }
        if (m_mcp.tools)
            listing.insert(QStringLiteral("mcpTools"), m_mcp.tools(k));
        return Reply::json(listing);
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
    if (m_decorateUsage)
        usage = m_decorateUsage(kin.value(), usage);
    ex->send(Reply::json(usage));
}

void KinsController::exportArchive(const ExchangePtr &ex)
{
    auto kin = m_kins.resolve(ex->param("id"));
    if (!kin)
        return ex->fail(kin.error());
    auto zip = kinarchive::build(kin.value(), m_kins.uploadsDir(), m_clock.nowMs());
    if (!zip)
        return ex->fail(zip.error());
    ex->addResponseHeader("Content-Disposition", "attachment; filename=\"" + kin->slug.toUtf8() + ".kinbot.zip\"");
    ex->send(Reply::bytes(zip.value(), "application/zip"));
}

void KinsController::importArchive(const ExchangePtr &ex)
{
    // The archive as the raw body (application/zip), as a multipart 'file', or the reference's bare JSON object.
    QByteArray payload = ex->body();
    if (ex->header("content-type").startsWith("multipart/form-data")) {
        auto form = MultipartForm::parse(*ex);
        if (!form)
            return ex->fail(form.error());
        const MultipartPart *file = form->part(QStringLiteral("file"));
        if (!file || file->data.isEmpty())
            return ex->fail(ApiError::badRequest(QStringLiteral("INVALID_IMPORT"), QStringLiteral("A non-empty 'file' part is required")));
        payload = file->data;
    }
    if (payload.isEmpty())
        return ex->fail(ApiError::badRequest(QStringLiteral("INVALID_IMPORT"), QStringLiteral("Send a Kin archive or a Kin JSON object")));
    auto imported = kinarchive::parse(payload);
    if (!imported)
        return ex->fail(imported.error());
    auto created = m_kins.create(kinarchive::createBody(imported.value()), ex->principal.userId);
    if (!created)
        return ex->fail(created.error());
    KinRecord kin = created.value();
    QJsonArray warnings;
    const QJsonValue toolConfig = imported->kin.value(QStringLiteral("toolConfig"));
    if (toolConfig.isObject()) {
        auto updated = m_kins.update(kin.id, QJsonObject{{QStringLiteral("toolConfig"), toolConfig}});
        if (updated)
            kin = updated.value();
        else
            warnings.append(QStringLiteral("toolConfig was not applied: %1").arg(updated.error().message));
    }
    if (!imported->avatar.isEmpty()) {
        if (auto url = m_kins.setAvatar(kin.id, imported->avatar, imported->avatarExt); !url)
            warnings.append(QStringLiteral("The avatar was not stored: %1").arg(url.error().message));
        else if (auto again = m_kins.resolve(kin.id))
            kin = again.value();
    }
    if (m_modelCheck && !m_modelCheck(kin.model))
        warnings.append(QStringLiteral("No configured provider serves the model \"%1\"; pick a model for this Kin").arg(kin.model));
    QJsonObject out{{QStringLiteral("kin"), m_kins.detailJson(kin)}};
    if (!warnings.isEmpty())
        out.insert(QStringLiteral("warnings"), warnings);
    ex->send(Reply::json(out, 201));
}

} // namespace kinbot
