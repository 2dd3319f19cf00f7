#include "channels/SlackAdapter.h"

#include "channels/ChannelDownload.h"
#include "channels/MessageChunks.h"
#include "crypto/Crypto.h"

#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>

namespace kinbot {

namespace {

constexpr int kCallTimeoutMs = 15000;

} // namespace

SlackAdapter::SlackAdapter(QNetworkAccessManager &network, QString apiUrl, QObject *parent)
    : QObject(parent), m_network(network), m_apiUrl(std::move(apiUrl))
{
    while (m_apiUrl.endsWith(QLatin1Char('/')))
        m_apiUrl.chop(1);
}

QByteArray SlackAdapter::signature(const QByteArray &signingSecret, const QByteArray &timestamp, const QByteArray &body)
{
    return "v0=" + crypto::hmacSha256(signingSecret, "v0:" + timestamp + ':' + body).toHex();
}

void SlackAdapter::call(const QString &token, const QString &method, const QJsonObject &params, Done done)
{
    QNetworkRequest req(QUrl(m_apiUrl + QLatin1Char('/') + method));
    req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json; charset=utf-8"));
    req.setRawHeader("Authorization", "Bearer " + token.toUtf8());
    req.setTransferTimeout(kCallTimeoutMs);
    QNetworkReply *reply = m_network.post(req, QJsonDocument(params).toJson(QJsonDocument::Compact));
    connect(reply, &QNetworkReply::finished, this, [reply, method, done = std::move(done)] {
        reply->deleteLater();
        const QJsonObject answer = QJsonDocument::fromJson(reply->readAll()).object();
        if (answer.value(QStringLiteral("ok")).toBool())
            return done(answer);
        QString why = answer.value(QStringLiteral("error")).toString();
        if (why.isEmpty())
            why = reply->error() != QNetworkReply::NoError ? reply->errorString() : QStringLiteral("unexpected answer");
        done(ApiError::badRequest(QStringLiteral("SLACK_ERROR"), QStringLiteral("Slack %1 failed: %2").arg(method, why)));
    });
}

void SlackAdapter::authTest(const QString &token, std::function<void(Result<Identity>)> done)
{
    if (token.isEmpty())
        return done(ApiError::validation(QStringLiteral("Bot token is missing")));
    call(token, QStringLiteral("auth.test"), {}, [done](Result<QJsonObject> r) {
        if (!r)
            return done(r.error());
        done(Identity{r->value(QStringLiteral("user_id")).toString(), r->value(QStringLiteral("user")).toString()});
    });
}

void SlackAdapter::botInfo(const ChannelConnection &c, std::function<void(Result<ChannelBotInfo>)> done)
{
    authTest(c.botToken, [done](Result<Identity> r) {
        if (!r)
            return done(r.error());
        done(ChannelBotInfo{r->name, r->name});
    });
}

void SlackAdapter::start(const ChannelConnection &c, std::function<void(Status)> done)
{
    authTest(c.botToken, [this, id = c.channelId, done](Result<Identity> r) {
        if (!r)
            return done(r.error());
        m_botUsers.insert(id, r->userId);
        done({});
    });
}

std::optional<IncomingChannelMessage> SlackAdapter::parseEvent(const QJsonObject &payload, const QString &botUserId)
{
    if (payload.value(QStringLiteral("type")).toString() != QLatin1String("event_callback"))
        return std::nullopt;
    const QJsonObject e = payload.value(QStringLiteral("event")).toObject();
    // Plain messages, and messages sharing files (subtype file_share); edits, joins, bots' posts… are not for the Kin.
    if (e.value(QStringLiteral("type")).toString() != QLatin1String("message")
        || (e.contains(QStringLiteral("subtype")) && e.value(QStringLiteral("subtype")).toString() != QLatin1String("file_share"))
        || e.contains(QStringLiteral("bot_id")))
        return std::nullopt;
    IncomingChannelMessage m;
    m.platformUserId = e.value(QStringLiteral("user")).toString();
    m.platformMessageId = e.value(QStringLiteral("ts")).toString();
    m.platformChatId = e.value(QStringLiteral("channel")).toString();
    m.content = e.value(QStringLiteral("text")).toString();
    for (const QJsonValue &v : e.value(QStringLiteral("files")).toArray()) {
        const QJsonObject f = v.toObject();
        const QString url = f.value(QStringLiteral("url_private_download")).toString();
        if (url.isEmpty())
            continue;
        m.attachments << IncomingAttachment{f.value(QStringLiteral("id")).toString(), f.value(QStringLiteral("mimetype")).toString(),
                                            f.value(QStringLiteral("name")).toString(), qint64(f.value(QStringLiteral("size")).toDouble()), url};
    }
    if (m.platformUserId.isEmpty() || m.platformUserId == botUserId || m.platformChatId.isEmpty()
        || (m.content.trimmed().isEmpty() && m.attachments.isEmpty()))
        return std::nullopt;
    return m;
}

void SlackAdapter::download(const ChannelConnection &c, const IncomingAttachment &a, qint64 maxBytes, std::function<void(Result<QByteArray>)> done)
{
    if (a.fileSize > maxBytes)
        return done(ApiError::badRequest(QStringLiteral("FILE_TOO_LARGE"), QStringLiteral("The file is larger than %1 MB").arg(maxBytes / (1024 * 1024))));
    channels::fetchBytes(m_network, a.url, {{QByteArrayLiteral("Authorization"), QByteArrayLiteral("Bearer ") + c.botToken.toUtf8()}}, maxBytes,
                         120000, c.botToken, this, std::move(done));
}

void SlackAdapter::send(const ChannelConnection &c, const OutgoingChannelMessage &m, std::function<void(Result<QString>)> done)
{
    QStringList chunks = channels::chunkMessage(m.content, kMaxMessageChars);
    if (chunks.isEmpty())
        return done(ApiError::validation(QStringLiteral("Nothing to send")));
    sendChunks(c, m, chunks, {}, std::move(done));
}

void SlackAdapter::sendChunks(const ChannelConnection &c, const OutgoingChannelMessage &m, QStringList chunks, QString firstId,
                              std::function<void(Result<QString>)> done)
{
    if (chunks.isEmpty())
        return done(firstId);
    QJsonObject params{{QStringLiteral("channel"), m.chatId}, {QStringLiteral("text"), chunks.takeFirst()}};
    if (!m.replyToMessageId.isEmpty())
        params.insert(QStringLiteral("thread_ts"), m.replyToMessageId);
    call(c.botToken, QStringLiteral("chat.postMessage"), params, [this, c, m, chunks, firstId, done](Result<QJsonObject> r) {
        if (!r)
            return done(r.error());
        sendChunks(c, m, chunks, firstId.isEmpty() ? r->value(QStringLiteral("ts")).toString() : firstId, done);
    });
}

} // namespace kinbot
