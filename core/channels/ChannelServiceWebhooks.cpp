// ChannelService: the public webhook routes of WhatsApp and Signal (each verified before anything is read).
#include "channels/ChannelService.h"

#include "channels/SignalAdapter.h"
#include "channels/WhatsAppAdapter.h"
#include "crypto/Crypto.h"

#include <QJsonDocument>

namespace kinbot {

namespace {

Result<QJsonObject> jsonObjectOf(const QByteArray &body, const QString &what)
{
    QJsonParseError err;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &err);
    if (err.error != QJsonParseError::NoError || !doc.isObject())
        return ApiError::badRequest(QStringLiteral("INVALID_JSON"), QStringLiteral("The %1 is not a JSON object").arg(what));
    return doc.object();
}

} // namespace

Result<ChannelRecord> ChannelService::webhookChannel(const QString &channelId, const QString &platform) const
{
    auto found = m_store.find(channelId);
    if (!found)
        return found.error();
    if (!found.value() || found.value()->platform != platform)
        return ApiError::notFound(QStringLiteral("CHANNEL_NOT_FOUND"), QStringLiteral("Channel not found"));
    return *found.value();
}

Result<QString> ChannelService::verifyWhatsApp(const QString &channelId, const QString &mode, const QString &verifyToken,
                                               const QString &challenge)
{
    auto c = webhookChannel(channelId, QStringLiteral("whatsapp"));
    if (!c)
        return c.error();
    auto expected = secretOf(c->platformConfig.value(QStringLiteral("verifyTokenVaultKey")).toString());
    if (!expected)
        return ApiError::notFound(QStringLiteral("CHANNEL_NOT_FOUND"), QStringLiteral("Channel not found"));
    if (mode.isEmpty() || verifyToken.isEmpty() || challenge.isEmpty())
        return ApiError::validation(QStringLiteral("hub.mode, hub.verify_token and hub.challenge are required"));
    if (mode != QLatin1String("subscribe"))
        return ApiError::validation(QStringLiteral("hub.mode must be subscribe"));
    if (!crypto::constantTimeEquals(verifyToken.toUtf8(), expected->toUtf8()))
        return ApiError::forbidden(QStringLiteral("FORBIDDEN"), QStringLiteral("Invalid hub.verify_token"));
    return challenge;
}

Status ChannelService::receiveWhatsApp(const QString &channelId, const QByteArray &signature, const QByteArray &body)
{
    auto c = webhookChannel(channelId, QStringLiteral("whatsapp"));
    if (!c)
        return c.error();
    auto appSecret = secretOf(c->platformConfig.value(QStringLiteral("appSecretVaultKey")).toString());
    if (!appSecret)
        return ApiError::notFound(QStringLiteral("CHANNEL_NOT_FOUND"), QStringLiteral("Channel not found"));
    if (signature.isEmpty())
        return ApiError::unauthorized(QStringLiteral("Missing X-Hub-Signature-256"));
    if (!crypto::constantTimeEquals(signature.trimmed().toLower(), WhatsAppAdapter::signature(appSecret->toUtf8(), body)))
        return ApiError::forbidden(QStringLiteral("FORBIDDEN"), QStringLiteral("Invalid X-Hub-Signature-256"));
    auto payload = jsonObjectOf(body, QStringLiteral("delivery"));
    if (!payload)
        return payload.error();
    for (const IncomingChannelMessage &m : WhatsAppAdapter::parseWebhook(payload.value()))
        handleIncoming(c->id, m);
    return {};
}

Status ChannelService::receiveSignal(const QString &channelId, const QByteArray &secret, const QByteArray &body)
{
    auto c = webhookChannel(channelId, QStringLiteral("signal"));
    if (!c)
        return c.error();
    auto expected = secretOf(c->platformConfig.value(QStringLiteral("webhookSecretVaultKey")).toString());
    if (!expected)
        return ApiError::notFound(QStringLiteral("CHANNEL_NOT_FOUND"), QStringLiteral("Channel not found"));
    if (secret.isEmpty())
        return ApiError::unauthorized(QStringLiteral("Missing webhook secret"));
    if (!crypto::constantTimeEquals(secret, expected->toUtf8()))
        return ApiError::forbidden(QStringLiteral("FORBIDDEN"), QStringLiteral("Invalid webhook secret"));
    auto payload = jsonObjectOf(body, QStringLiteral("envelope"));
    if (!payload)
        return payload.error();
    if (auto m = SignalAdapter::parseEnvelope(payload.value(), c->platformConfig.value(QStringLiteral("phoneNumber")).toString()))
        handleIncoming(c->id, *m);
    return {};
}

} // namespace kinbot
