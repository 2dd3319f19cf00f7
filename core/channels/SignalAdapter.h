#pragma once

#include "channels/ChannelAdapter.h"

#include <QObject>

#include <optional>

class QNetworkAccessManager;

namespace kinbot {

// Signal through a signal-cli-rest-api bridge (engine.md §9.3) whose URL is a secret of the channel (apiUrl, in the
// vault) and whose registered number is platform_config.phoneNumber. Activation checks that the bridge serves the
// number (GET /v1/accounts) and registers our public route POST /api/channels/signal/webhook/:channelId?secret=… as
// its webhook (PUT /v1/accounts/{number}/settings, else POST /v1/webhook). The bridge cannot sign, so the random
// secret in that URL (the channel's webhookSecret, in the vault) is what ChannelService checks. Replies go out with
// POST /v2/send in chunks of at most 2000 characters, the first one quoting the inbound message (quote_timestamp);
// the platform's message id is the timestamp the bridge answers.
class SignalAdapter final : public QObject, public ChannelAdapter
{
    Q_OBJECT
public:
    static constexpr int kMaxMessageChars = 2000;

    explicit SignalAdapter(QNetworkAccessManager &network, QObject *parent = nullptr);

    QString platform() const override { return QStringLiteral("signal"); }
    ChannelPlatformMeta meta() const override { return {QStringLiteral("Signal"), QStringLiteral("#3A76F0")}; }
    void start(const ChannelConnection &c, std::function<void(Status)> done) override;
    void stop(const QString &channelId) override { Q_UNUSED(channelId) }
    void send(const ChannelConnection &c, const OutgoingChannelMessage &m, std::function<void(Result<QString>)> done) override;
    void botInfo(const ChannelConnection &c, std::function<void(Result<ChannelBotInfo>)> done) override;
    void typing(const ChannelConnection &c, const QString &chatId) override;

    // The message of a bridge delivery ({envelope} or a JSON-RPC {params: {envelope}}): sourceNumber (else sourceUuid)
    // as the user, the group (as the bridge names it for sending: "group." + base64 of groupInfo.groupId) else the
    // sender as the chat, dataMessage.message as the text, its timestamp as the message id. None for receipts, typing,
    // sync messages, messages without text, or the bot's own number.
    static std::optional<IncomingChannelMessage> parseEnvelope(const QJsonObject &payload, const QString &ownNumber);
    static QString webhookPath(const QString &channelId) { return QStringLiteral("/api/channels/signal/webhook/") + channelId; }

private:
    void registerWebhook(const ChannelConnection &c, std::function<void(Status)> done);
    // first: the chunk about to go is the first (it alone replies); firstId: the platform's id of the first sent.
    void sendChunks(const ChannelConnection &c, const OutgoingChannelMessage &m, QStringList chunks,
                    std::function<void(Result<QString>)> done);

    QNetworkAccessManager &m_network;
};

} // namespace kinbot
