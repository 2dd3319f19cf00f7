#pragma once

#include "channels/ChannelAdapter.h"

#include <QHash>
#include <QJsonValue>
#include <QObject>

#include <optional>

class QNetworkAccessManager;

namespace kinbot {

// Discord (engine.md §9.3): REST v10 with "Authorization: Bot <token>" for the bot's identity (GET /users/@me), sending
// (POST /channels/{id}/messages, at most 2000 characters a message, the first one a message_reference reply) and typing;
// inbound over the Gateway WebSocket: GET /gateway/bot → url; connect ?v=10&encoding=json; HELLO → heartbeats every
// heartbeat_interval (the first after a random part of it) and IDENTIFY with the GUILDS, GUILD_MESSAGES,
// DIRECT_MESSAGES and MESSAGE_CONTENT intents; READY → session id, resume URL, the bot's user id; MESSAGE_CREATE from
// people (not bots, not webhooks) → the pipeline (chatId = channel id). A closed socket, RECONNECT or a heartbeat that got
// no ACK → reconnect and RESUME (at the validated resume URL); INVALID_SESSION → IDENTIFY again after 1–5 s; an
// authentication or intents close code ends the session. Everything asynchronous on the main loop.
class DiscordAdapter final : public QObject, public ChannelAdapter
{
    Q_OBJECT
public:
    static constexpr int kMaxMessageChars = 2000;
    static constexpr int kIntents = 1 | 512 | 4096 | 32768; // GUILDS | GUILD_MESSAGES | DIRECT_MESSAGES | MESSAGE_CONTENT
    static constexpr int kReconnectMs = 1000;
    static constexpr int kMaxReconnectMs = 60000;

    // apiUrl: https://discord.com/api/v10, or a fake (KINBOT_DISCORD_API_URL). gatewayUrl: empty = ask GET /gateway/bot
    // (KINBOT_DISCORD_GATEWAY_URL overrides it).
    DiscordAdapter(QNetworkAccessManager &network, QString apiUrl, QString gatewayUrl = {}, QObject *parent = nullptr);
    ~DiscordAdapter() override;

    QString platform() const override { return QStringLiteral("discord"); }
    ChannelPlatformMeta meta() const override { return {QStringLiteral("Discord"), QStringLiteral("#5865F2")}; }
    void start(const ChannelConnection &c, std::function<void(Status)> done) override;
    void stop(const QString &channelId) override;
    void send(const ChannelConnection &c, const OutgoingChannelMessage &m, std::function<void(Result<QString>)> done) override;
    void botInfo(const ChannelConnection &c, std::function<void(Result<ChannelBotInfo>)> done) override;
    void typing(const ChannelConnection &c, const QString &chatId) override;

    bool isConnected(const QString &channelId) const { return m_sessions.contains(channelId); }
    // The first reconnect delay (tests shorten it).
    void setReconnectMs(int ms) { m_reconnectMs = ms; }

    // A MESSAGE_CREATE payload (d) → the message for the Kin; nullopt for bots, webhooks, the bot itself, no text.
    static std::optional<IncomingChannelMessage> parseMessage(const QJsonObject &d, const QString &botUserId);
    // A resume_gateway_url the adapter may connect to: ws(s) with a host, no credentials.
    static bool validGatewayUrl(const QString &url);

private:
    struct Session;
    using Done = std::function<void(Result<QJsonValue>)>;
    void call(const QString &token, const QByteArray &verb, const QString &path, const QJsonObject *body, QObject *context, Done done);
    void connectSocket(const std::shared_ptr<Session> &s, bool resume);
    void onFrame(const std::shared_ptr<Session> &s, const QString &text);
    void onClosed(const std::shared_ptr<Session> &s);
    void scheduleReconnect(const std::shared_ptr<Session> &s, bool resume, int delayMs);
    void heartbeat(const std::shared_ptr<Session> &s);
    void sendFrame(const std::shared_ptr<Session> &s, const QJsonObject &frame);
    void dropSocket(const std::shared_ptr<Session> &s);
    void sendChunks(const ChannelConnection &c, const OutgoingChannelMessage &m, QStringList chunks, QString firstId,
                    std::function<void(Result<QString>)> done);

    QNetworkAccessManager &m_network;
    QString m_apiUrl;
    QString m_gatewayUrl;
    QHash<QString, std::shared_ptr<Session>> m_sessions;
    int m_reconnectMs = kReconnectMs;
};

} // namespace kinbot
