#pragma once

#include "channels/ChannelAdapter.h"

#include <QHash>
#include <QObject>

#include <optional>

class QNetworkAccessManager;

namespace kinbot {

// Matrix client-server API over HTTP (engine.md §9.3). The channel's botToken is the bot account's access token, its
// platform_config holds homeserverUrl. Activation asks whoami (the bot's user id; a rejected token fails it), then runs
// a /sync long-poll loop, asynchronously: the first sync (timeline limit 0) only fetches next_batch, so history is never
// replayed; later ones read m.room.message/m.text events from others (chatId = room id, messageId = event id, display
// name from the room's member state when present). Rooms the bot is invited to are joined, so a DM works. Failures
// retry after 5 s, doubling up to 60 s. Replies go out with PUT …/send/m.room.message/{txnId} in chunks of at most
// 4000 characters, the first one an m.in_reply_to relation to the inbound event.
class MatrixAdapter final : public QObject, public ChannelAdapter
{
    Q_OBJECT
public:
    static constexpr int kMaxMessageChars = 4000;
    static constexpr int kPollTimeoutMs = 30000;
    static constexpr int kRetryMs = 5000;
    static constexpr int kMaxRetryMs = 60000;
    static constexpr int kTimelineLimit = 50;

    explicit MatrixAdapter(QNetworkAccessManager &network, QObject *parent = nullptr);
    ~MatrixAdapter() override;

    QString platform() const override { return QStringLiteral("matrix"); }
    ChannelPlatformMeta meta() const override { return {QStringLiteral("Matrix"), QStringLiteral("#0DBD8B")}; }
    void start(const ChannelConnection &c, std::function<void(Status)> done) override;
    void stop(const QString &channelId) override;
    void send(const ChannelConnection &c, const OutgoingChannelMessage &m, std::function<void(Result<QString>)> done) override;
    void botInfo(const ChannelConnection &c, std::function<void(Result<ChannelBotInfo>)> done) override;
    void typing(const ChannelConnection &c, const QString &chatId) override;

    // The sync's long-poll timeout and the first retry delay (tests shorten them).
    void setPollTimeoutMs(int ms) { m_pollTimeoutMs = ms; }
    void setRetryMs(int ms) { m_retryMs = ms; }
    bool isPolling(const QString &channelId) const { return m_polls.contains(channelId); }

    // The messages for the Kin in a /sync answer: m.room.message events of msgtype m.text in joined rooms, not sent by ownUserId.
    static QList<IncomingChannelMessage> parseSync(const QJsonObject &sync, const QString &ownUserId);
    // The rooms a /sync answer invites the bot to.
    static QStringList invitedRooms(const QJsonObject &sync);

private:
    struct Poll;
    using Done = std::function<void(Result<QJsonObject>)>;
    // {homeserverUrl}{path} with the access token as a bearer → the JSON answer, or the homeserver's error.
    void call(const ChannelConnection &c, const QByteArray &verb, const QString &path, const QJsonObject *body, int timeoutMs,
              QObject *context, Done done);
    void sync(const std::shared_ptr<Poll> &p);
    void retry(const std::shared_ptr<Poll> &p);
    void sendChunks(const ChannelConnection &c, const OutgoingChannelMessage &m, QStringList chunks, QString firstId,
                    std::function<void(Result<QString>)> done);

    QNetworkAccessManager &m_network;
    QHash<QString, std::shared_ptr<Poll>> m_polls;
    QHash<QString, QString> m_userIds; // channel id → the bot's Matrix user id (typing)
    int m_pollTimeoutMs = kPollTimeoutMs;
    int m_retryMs = kRetryMs;
    quint64 m_txn = 0;
};

} // namespace kinbot
