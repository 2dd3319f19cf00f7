#pragma once

#include "channels/ChannelAdapter.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonValue>
#include <QObject>

#include <optional>

class QNetworkAccessManager;
class QUrlQuery;

namespace kinbot {

// Slack over the Web API and the Events API (engine.md §9.3). Slack pushes events to our public route
// POST /api/channels/slack/webhook/:channelId, signed with the app's signing secret (checked by ChannelService);
// auth.test validates the bot token and tells the bot's own user id (its messages are skipped); replies go out with
// chat.postMessage in chunks of at most 4000 characters, threaded under the inbound message (thread_ts).
class SlackAdapter final : public QObject, public ChannelAdapter
{
    Q_OBJECT
public:
    static constexpr int kMaxMessageChars = 4000;

    // apiUrl: https://slack.com/api, or a fake in tests (KINBOT_SLACK_API_URL).
    SlackAdapter(QNetworkAccessManager &network, QString apiUrl, QObject *parent = nullptr);

    QString platform() const override { return QStringLiteral("slack"); }
    ChannelPlatformMeta meta() const override { return {QStringLiteral("Slack"), QStringLiteral("#4A154B")}; }
    void start(const ChannelConnection &c, std::function<void(Status)> done) override;
    void stop(const QString &channelId) override { m_botUsers.remove(channelId); }
    // url_private_download with the bot token as bearer.
    // Files go through Slack's external upload (files.getUploadURLExternal, the bytes, files.completeUploadExternal).
    bool sendsFiles() const override { return true; }
    void download(const ChannelConnection &c, const IncomingAttachment &a, qint64 maxBytes, std::function<void(Result<QByteArray>)> done) override;
    void send(const ChannelConnection &c, const OutgoingChannelMessage &m, std::function<void(Result<QString>)> done) override;
    void botInfo(const ChannelConnection &c, std::function<void(Result<ChannelBotInfo>)> done) override;

    // The message of an event_callback payload (a plain user message: no subtype, no bot_id, not from the bot itself).
    static std::optional<IncomingChannelMessage> parseEvent(const QJsonObject &payload, const QString &botUserId);
    QString botUserId(const QString &channelId) const { return m_botUsers.value(channelId); }
    // "v0=" + hex HMAC-SHA256(signingSecret, "v0:{timestamp}:{body}").
    static QByteArray signature(const QByteArray &signingSecret, const QByteArray &timestamp, const QByteArray &body);

private:
    using Done = std::function<void(Result<QJsonObject>)>;
    void call(const QString &token, const QString &method, const QJsonObject &params, Done done);
    void callForm(const QString &token, const QString &method, const QUrlQuery &params, Done done);
    void post(const QString &token, const QString &method, const QByteArray &body, const QByteArray &contentType, Done done);
    void uploadFiles(const ChannelConnection &c, const OutgoingChannelMessage &m, QList<OutgoingAttachment> files, QJsonArray uploaded,
                     std::function<void(Result<QString>)> done);
    void sendChunks(const ChannelConnection &c, const OutgoingChannelMessage &m, QStringList chunks, QString firstId,
                    std::function<void(Result<QString>)> done);
    struct Identity
    {
        QString userId;
        QString name;
    };
    void authTest(const QString &token, std::function<void(Result<Identity>)> done);

    QNetworkAccessManager &m_network;
    QString m_apiUrl;
    QHash<QString, QString> m_botUsers; // channel id → the bot's Slack user id
};

} // namespace kinbot
