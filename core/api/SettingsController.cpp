#include "api/SettingsController.h"

#include "events/EventBus.h"
#include "http/Exchange.h"
#include "settings/SettingsStore.h"

namespace kinbot {

static ApiError invalidBody(const QString &message)
{
    return ApiError::badRequest(QStringLiteral("INVALID_BODY"), message);
}

QJsonValue SettingsController::val(Setting key) const
{
    return m_settings.isSet(key) ? QJsonValue(m_settings.string(key)) : QJsonValue();
}

void SettingsController::getGlobalPrompt(const ExchangePtr &ex)
{
    ex->send(Reply::json(QJsonObject{{QStringLiteral("globalPrompt"), m_settings.string(Setting::GlobalPrompt)}}));
}

void SettingsController::putGlobalPrompt(const ExchangePtr &ex)
{
    auto body = ex->jsonObject();
    if (!body)
        return ex->fail(body.error());
    const QJsonValue v = body->value(QStringLiteral("globalPrompt"));
    if (!v.isString())
        return ex->fail(invalidBody(QStringLiteral("globalPrompt must be a string")));
    const QString text = v.toString().trimmed();
    if (text.size() > 10000)
        return ex->fail(invalidBody(QStringLiteral("globalPrompt must be at most 10000 characters")));
    Status st = text.isEmpty() ? m_settings.clear(Setting::GlobalPrompt) : m_settings.set(Setting::GlobalPrompt, text);
    if (!st)
        return ex->fail(st.error());
    ex->send(Reply::json(QJsonObject{{QStringLiteral("globalPrompt"), text}}));
}

void SettingsController::getModels(const ExchangePtr &ex)
{
    ex->send(Reply::json(QJsonObject{{QStringLiteral("extractionModel"), val(Setting::ExtractionModel)},
                                     {QStringLiteral("embeddingModel"), val(Setting::EmbeddingModel)},
                                     {QStringLiteral("extractionProviderId"), val(Setting::ExtractionProviderId)},
                                     {QStringLiteral("embeddingProviderId"), val(Setting::EmbeddingProviderId)}}));
}

void SettingsController::getDefaultModels(const ExchangePtr &ex)
{
    ex->send(Reply::json(QJsonObject{{QStringLiteral("defaultLlmModel"), val(Setting::DefaultLlmModel)},
                                     {QStringLiteral("defaultLlmProviderId"), val(Setting::DefaultLlmProviderId)},
                                     {QStringLiteral("defaultImageModel"), val(Setting::DefaultImageModel)},
                                     {QStringLiteral("defaultImageProviderId"), val(Setting::DefaultImageProviderId)},
                                     {QStringLiteral("defaultCompactingModel"), val(Setting::DefaultCompactingModel)},
                                     {QStringLiteral("defaultCompactingProviderId"), val(Setting::DefaultCompactingProviderId)},
                                     {QStringLiteral("extractionModel"), val(Setting::ExtractionModel)},
                                     {QStringLiteral("extractionProviderId"), val(Setting::ExtractionProviderId)},
                                     {QStringLiteral("embeddingModel"), val(Setting::EmbeddingModel)},
                                     {QStringLiteral("embeddingProviderId"), val(Setting::EmbeddingProviderId)},
                                     {QStringLiteral("searchProviderId"), val(Setting::SearchProviderId)}}));
}

void SettingsController::putModelPair(const ExchangePtr &ex, Setting model, Setting provider, const char *modelKey,
                                      const char *providerKey, bool required)
{
    auto body = ex->jsonObject();
    if (!body)
        return ex->fail(body.error());
    const QJsonValue m = body->value(QStringLiteral("model"));
    const QJsonValue p = body->value(QStringLiteral("providerId"));
    if (!(m.isString() || m.isNull() || m.isUndefined()) || !(p.isString() || p.isNull() || p.isUndefined()))
        return ex->fail(invalidBody(QStringLiteral("model and providerId must be strings or null")));
    const QString modelId = m.toString().trimmed();
    const QString providerId = p.toString().trimmed();
    if (modelId.size() > 200 || providerId.size() > 200)
        return ex->fail(invalidBody(QStringLiteral("model and providerId must be at most 200 characters")));
    if (modelId.isEmpty()) {
        if (required)
            return ex->fail(invalidBody(QStringLiteral("model is required")));
        for (Setting s : {model, provider})
            if (Status st = m_settings.clear(s); !st)
                return ex->fail(st.error());
    } else {
        if (Status st = m_settings.set(model, modelId); !st)
            return ex->fail(st.error());
        if (Status st = providerId.isEmpty() ? m_settings.clear(provider) : m_settings.set(provider, providerId); !st)
            return ex->fail(st.error());
    }
    ex->send(Reply::json(QJsonObject{{QLatin1String(modelKey), val(model)}, {QLatin1String(providerKey), val(provider)}}));
}

void SettingsController::putDefaultLlm(const ExchangePtr &ex)
{
    putModelPair(ex, Setting::DefaultLlmModel, Setting::DefaultLlmProviderId, "defaultLlmModel", "defaultLlmProviderId", false);
}

void SettingsController::putDefaultImage(const ExchangePtr &ex)
{
    putModelPair(ex, Setting::DefaultImageModel, Setting::DefaultImageProviderId, "defaultImageModel", "defaultImageProviderId", false);
}

void SettingsController::putDefaultCompacting(const ExchangePtr &ex)
{
    putModelPair(ex, Setting::DefaultCompactingModel, Setting::DefaultCompactingProviderId, "defaultCompactingModel",
                 "defaultCompactingProviderId", false);
}

void SettingsController::putExtractionModel(const ExchangePtr &ex)
{
    putModelPair(ex, Setting::ExtractionModel, Setting::ExtractionProviderId, "extractionModel", "extractionProviderId", false);
}

void SettingsController::putEmbeddingModel(const ExchangePtr &ex)
{
    putModelPair(ex, Setting::EmbeddingModel, Setting::EmbeddingProviderId, "embeddingModel", "embeddingProviderId", true);
}

void SettingsController::getSearchProvider(const ExchangePtr &ex)
{
    ex->send(Reply::json(QJsonObject{{QStringLiteral("searchProviderId"), val(Setting::SearchProviderId)}}));
}

void SettingsController::putSearchProvider(const ExchangePtr &ex)
{
    auto body = ex->jsonObject();
    if (!body)
        return ex->fail(body.error());
    const QJsonValue v = body->value(QStringLiteral("searchProviderId"));
    if (!(v.isString() || v.isNull()))
        return ex->fail(invalidBody(QStringLiteral("searchProviderId must be a string or null")));
    const QString id = v.toString().trimmed();
    if (Status st = id.isEmpty() ? m_settings.clear(Setting::SearchProviderId) : m_settings.set(Setting::SearchProviderId, id); !st)
        return ex->fail(st.error());
    ex->send(Reply::json(QJsonObject{{QStringLiteral("searchProviderId"), val(Setting::SearchProviderId)}}));
}

void SettingsController::getHub(const ExchangePtr &ex)
{
    std::optional<KinRef> kin;
    if (m_settings.isSet(Setting::HubKinId)) {
        kin = m_kinLookup ? m_kinLookup(m_settings.string(Setting::HubKinId)) : std::nullopt;
        if (!kin) // stale id (the Kin was deleted): clear it, as the reference does
            (void)m_settings.clear(Setting::HubKinId);
    }
    ex->send(Reply::json(QJsonObject{{QStringLiteral("hubKinId"), kin ? QJsonValue(kin->id) : QJsonValue()},
                                     {QStringLiteral("hubKinName"), kin ? QJsonValue(kin->name) : QJsonValue()},
                                     {QStringLiteral("hubKinSlug"), kin ? QJsonValue(kin->slug) : QJsonValue()}}));
}

void SettingsController::putHub(const ExchangePtr &ex)
{
    auto body = ex->jsonObject();
    if (!body)
        return ex->fail(body.error());
    const QJsonValue v = body->value(QStringLiteral("kinId"));
    if (!(v.isString() || v.isNull()))
        return ex->fail(invalidBody(QStringLiteral("kinId must be a string or null")));
    QJsonValue hub;
    if (v.isString()) {
        const auto kin = m_kinLookup ? m_kinLookup(v.toString()) : std::nullopt;
        if (!kin)
            return ex->fail(ApiError::notFound(QStringLiteral("KIN_NOT_FOUND"), QStringLiteral("Kin not found")));
        if (Status st = m_settings.set(Setting::HubKinId, kin->id); !st)
            return ex->fail(st.error());
        hub = kin->id;
    } else if (Status st = m_settings.clear(Setting::HubKinId); !st) {
        return ex->fail(st.error());
    }
    m_bus.broadcast(QStringLiteral("settings:hub-changed"), {{QStringLiteral("hubKinId"), hub}});
    ex->send(Reply::json(QJsonObject{{QStringLiteral("hubKinId"), hub}}));
}

void SettingsController::getCompactingThreshold(const ExchangePtr &ex)
{
    ex->send(Reply::json(QJsonObject{{QStringLiteral("compactingThresholdPercent"), m_settings.integer(Setting::CompactingThresholdPercent)}}));
}

void SettingsController::putCompactingThreshold(const ExchangePtr &ex)
{
    auto body = ex->jsonObject();
    if (!body)
        return ex->fail(body.error());
    QJsonValue v = body->value(QStringLiteral("compactingThresholdPercent"));
    if (v.isUndefined())
        v = body->value(QStringLiteral("percent"));
    if (!v.isDouble() || v.toDouble() != double(v.toInt()) || v.toInt() < 50 || v.toInt() > 95)
        return ex->fail(ApiError::validation(QStringLiteral("compactingThresholdPercent must be a whole number from 50 to 95")));
    if (Status st = m_settings.set(Setting::CompactingThresholdPercent, v.toInt()); !st)
        return ex->fail(st.error());
    m_bus.broadcast(QStringLiteral("settings:compacting-threshold-changed"), {{QStringLiteral("compactingThresholdPercent"), v.toInt()}});
    ex->send(Reply::json(QJsonObject{{QStringLiteral("compactingThresholdPercent"), v.toInt()}}));
}

} // namespace kinbot
