#pragma once

#include "channels/ChannelAdapter.h"

#include <QList>
#include <QObject>

class QNetworkAccessManager;

namespace kinbot {

// WhatsApp over Meta's Cloud API (engine.md §9.3). Meta pushes messages to our public route
// POST /api/channels/whatsapp/webhook/:channelId, signed with the app secret (X-Hub-Signature-256, checked by
// ChannelService), after verifying it once with GET (hub.verify_token). Nothing is registered on activation (the
// webhook URL is set in Meta's console): activation checks the access token with GET /{phoneNumberId}. Replies go out
// with POST /{phoneNumberId}/messages in chunks of at most 4096 characters, the first one replying to the inbound
// message (context.message_id). platform_config: accessTokenVaultKey (= botTokenVaultKey), phoneNumberId,
// verifyTokenVaultKey, appSecretVaultKey.
class WhatsAppAdapter final : public QObject, public ChannelAdapter
{
    Q_OBJECT
public:
    static constexpr int kMaxMessageChars = 4096;

    // apiUrl: https://graph.facebook.com/v21.0, or a fake in tests (KINBOT_WHATSAPP_API_URL).
    WhatsAppAdapter(QNetworkAccessManager &network, QString apiUrl, QObject *parent = nullptr);

    QString platform() const override { return QStringLiteral("whatsapp"); }
    ChannelPlatformMeta meta() const override { return {QStringLiteral("WhatsApp"), QStringLiteral("#25D366")}; }
    void start(const ChannelConnection &c, std::function<void(Status)> done) override;
    void stop(const QString &channelId) override { Q_UNUSED(channelId) }
    void send(const ChannelConnection &c, const OutgoingChannelMessage &m, std::function<void(Result<QString>)> done) override;
    void botInfo(const ChannelConnection &c, std::function<void(Result<ChannelBotInfo>)> done) override;

    // The messages of a webhook delivery: entry[].changes[].value.messages[] (text; media → its caption; others
    // skipped), the sender's phone as user and chat, the display name from value.contacts[].profile.name.
    static QList<IncomingChannelMessage> parseWebhook(const QJsonObject &payload);
    // "sha256=" + hex HMAC-SHA256(appSecret, body): the X-Hub-Signature-256 header Meta sends.
    static QByteArray signature(const QByteArray &appSecret, const QByteArray &body);

private:
    // first: the chunk about to go is the first (it alone replies); firstId: the platform's id of the first sent.
    void sendChunks(const ChannelConnection &c, const OutgoingChannelMessage &m, QStringList chunks,
                    std::function<void(Result<QString>)> done);

    QNetworkAccessManager &m_network;
    QString m_apiUrl;
};

} // namespace kinbot
