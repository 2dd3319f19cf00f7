#pragma once

#include "channels/ChannelAdapter.h"

#include <QHash>
#include <QJsonValue>
#include <QObject>

#include <optional>

class QNetworkAccessManager;

namespace kinbot {

// Telegram Bot API over HTTP (engine.md §9.3). getMe validates; with an https public URL the channel uses a webhook
// (setWebhook with a secret_token that our public route checks — the reference sets none), otherwise long polling
// (deleteWebhook, then getUpdates with a 30 s timeout, exponential backoff up to 30 s on failures, all asynchronous).
// Replies go out with sendMessage in chunks of at most 4096 characters, the first one replying to the inbound message.
class TelegramAdapter final : public QObject, public ChannelAdapter
{
    Q_OBJECT
public:
    static constexpr int kMaxMessageChars = 4096;
    static constexpr int kMaxCaptionChars = 1024;
    static constexpr int kPollTimeoutSeconds = 30;
    static constexpr int kMaxBackoffMs = 30000;

    // apiUrl: https://api.telegram.org, or a fake in tests (KINBOT_TELEGRAM_API_URL).
    TelegramAdapter(QNetworkAccessManager &network, QString apiUrl, QObject *parent = nullptr);
    ~TelegramAdapter() override;

    QString platform() const override { return QStringLiteral("telegram"); }
    ChannelPlatformMeta meta() const override { return {QStringLiteral("Telegram"), QStringLiteral("#26A5E4")}; }
    void start(const ChannelConnection &c, std::function<void(Status)> done) override;
    void stop(const QString &channelId) override;
    // Stops, and removes the webhook registered on Telegram (so the bot can be used elsewhere, e.g. by polling).
    void release(const ChannelConnection &c) override;
    void send(const ChannelConnection &c, const OutgoingChannelMessage &m, std::function<void(Result<QString>)> done) override;
    void botInfo(const ChannelConnection &c, std::function<void(Result<ChannelBotInfo>)> done) override;
    void typing(const ChannelConnection &c, const QString &chatId) override;
    // getFile, then the file from {apiUrl}/file/bot<token>/<file_path>.
    void download(const ChannelConnection &c, const IncomingAttachment &a, qint64 maxBytes, std::function<void(Result<QByteArray>)> done) override;
    // Images as sendPhoto, other files as sendDocument (multipart); the first carries the text as caption (≤ 1024).
    bool sendsFiles() const override { return true; }

    // The message of an Update (message or edited_message; text or caption, and its files), nullopt when it carries
    // neither text nor a file.
    static std::optional<IncomingChannelMessage> parseUpdate(const QJsonObject &update);
    static bool usesWebhook(const QString &publicUrl) { return publicUrl.startsWith(QLatin1String("https://")); }
    static QString webhookPath(const QString &channelId) { return QStringLiteral("/api/channels/telegram/") + channelId; }
    bool isPolling(const QString &channelId) const { return m_polls.contains(channelId); }

private:
    struct Poll;
    using Done = std::function<void(Result<QJsonValue>)>;
    // POST {apiUrl}/bot{token}/{method} with a JSON body → the answer's result, or its description as the error.
    void call(const QString &token, const QString &method, const QJsonObject &params, int timeoutMs, QObject *context, Done done);
    // The same with a multipart body: the fields, and the file under fileField.
    void upload(const QString &token, const QString &method, const QJsonObject &fields, const QString &fileField, const OutgoingAttachment &file,
                QObject *context, Done done);
    void poll(const std::shared_ptr<Poll> &p);
    void sendFiles(const ChannelConnection &c, const OutgoingChannelMessage &m, QList<OutgoingAttachment> files, QString caption,
                   QStringList chunks, QString firstId, std::function<void(Result<QString>)> done);
    void sendChunks(const ChannelConnection &c, const OutgoingChannelMessage &m, QStringList chunks, QString firstId,
                    std::function<void(Result<QString>)> done);

    QNetworkAccessManager &m_network;
    QString m_apiUrl;
    QHash<QString, std::shared_ptr<Poll>> m_polls;
};

} // namespace kinbot
