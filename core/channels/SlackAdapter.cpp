#include "channels/SlackAdapter.h"

#include "channels/ChannelDownload.h"
#include "channels/MessageChunks.h"
#include "crypto/Crypto.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QUrlQuery>
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
    post(token, method, QJsonDocument(params).toJson(QJsonDocument::Compact), QByteArrayLiteral("application/json; charset=utf-8"), std::move(done));
}

void SlackAdapter::callForm(const QString &token, const QString &method, const QUrlQuery &params, Done done)
{
    post(token, method, params.toString(QUrl::FullyEncoded).toUtf8(), QByteArrayLiteral("application/x-www-form-urlencoded"), std::move(done));
}

void SlackAdapter::post(const QString &token, const QString &method, const QByteArray &body, const QByteArray &contentType, Done done)
{
    QNetworkRequest req(QUrl(m_apiUrl + QLatin1Char('/') + method));
    req.setHeader(QNetworkRequest::ContentTypeHeader, contentType);
    req.setRawHeader("Authorization", "Bearer " + token.toUtf8());
    req.setTransferTimeout(kCallTimeoutMs);
    QNetworkReply *reply = m_network.post(req, body);
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
    if (chunks.isEmpty() && m.attachments.isEmpty())
        return done(ApiError::validation(QStringLiteral("Nothing to send")));
    if (m.attachments.isEmpty())
        return sendChunks(c, m, chunks, {}, std::move(done));
    uploadFiles(c, m, m.attachments, {}, std::move(done));
}

// Slack's external upload: for each file an upload URL (files.getUploadURLExternal), the bytes POSTed there, then one
// files.completeUploadExternal shares them all in the chat (the thread), with the text as the comment when it fits.
void SlackAdapter::uploadFiles(const ChannelConnection &c, const OutgoingChannelMessage &m, QList<OutgoingAttachment> files,
                               QJsonArray uploaded, std::function<void(Result<QString>)> done)
{
    if (files.isEmpty()) {
        const QString text = m.content.trimmed();
        const bool comment = !text.isEmpty() && text.size() <= kMaxMessageChars;
        QJsonObject params{{QStringLiteral("files"), uploaded}, {QStringLiteral("channel_id"), m.chatId}};
        if (!m.replyToMessageId.isEmpty())
            params.insert(QStringLiteral("thread_ts"), m.replyToMessageId);
        if (comment)
            params.insert(QStringLiteral("initial_comment"), text);
        const QString firstId = uploaded.first().toObject().value(QStringLiteral("id")).toString();
        return call(c.botToken, QStringLiteral("files.completeUploadExternal"), params,
                    [this, c, m, comment, firstId, done](Result<QJsonObject> r) {
                        if (!r)
                            return done(r.error());
                        sendChunks(c, m, comment ? QStringList() : channels::chunkMessage(m.content, kMaxMessageChars), firstId, done);
                    });
    }
    const OutgoingAttachment file = files.takeFirst();
    QFile f(file.path);
    if (!f.open(QIODevice::ReadOnly))
        return done(ApiError::badRequest(QStringLiteral("ATTACHMENT_ERROR"), QStringLiteral("The file %1 cannot be read").arg(file.fileName)));
    const QByteArray bytes = f.readAll();
    QUrlQuery params;
    params.addQueryItem(QStringLiteral("filename"), file.fileName);
    params.addQueryItem(QStringLiteral("length"), QString::number(bytes.size()));
    callForm(c.botToken, QStringLiteral("files.getUploadURLExternal"), params,
             [this, c, m, files, uploaded, file, bytes, done](Result<QJsonObject> r) mutable {
                 if (!r)
                     return done(r.error());
                 const QString fileId = r->value(QStringLiteral("file_id")).toString();
                 QNetworkRequest req(QUrl(r->value(QStringLiteral("upload_url")).toString()));
                 req.setHeader(QNetworkRequest::ContentTypeHeader, file.mimeType.isEmpty() ? QByteArrayLiteral("application/octet-stream")
                                                                                          : file.mimeType.toUtf8());
                 req.setTransferTimeout(120000);
                 QNetworkReply *reply = m_network.post(req, bytes);
                 connect(reply, &QNetworkReply::finished, this, [this, reply, c, m, files, uploaded, file, fileId, done]() mutable {
                     reply->deleteLater();
                     const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
                     if (reply->error() != QNetworkReply::NoError || status != 200)
                         return done(ApiError::badRequest(QStringLiteral("SLACK_ERROR"),
                                                          QStringLiteral("Slack refused the upload of %1 (HTTP %2)").arg(file.fileName).arg(status)));
                     uploaded.append(QJsonObject{{QStringLiteral("id"), fileId}, {QStringLiteral("title"), file.fileName}});
                     uploadFiles(c, m, files, uploaded, done);
                 });
             });
}

void SlackAdapter::sendChunks(const ChannelConnection &c, const OutgoingChannelMessage &m, QStringList chunks, QString firstId,
                              std::function<void(Result<QString>)> done)
{
    channels::sendPieces(std::move(chunks), [this, c, m](const QString &piece, bool, std::function<void(Result<QString>)> sent) {
        QJsonObject params{{QStringLiteral("channel"), m.chatId}, {QStringLiteral("text"), piece}};
        if (!m.replyToMessageId.isEmpty()) // every piece goes to the thread
            params.insert(QStringLiteral("thread_ts"), m.replyToMessageId);
        call(c.botToken, QStringLiteral("chat.postMessage"), params, [sent](Result<QJsonObject> r) {
            if (!r)
                return sent(r.error());
            sent(r->value(QStringLiteral("ts")).toString());
        });
    }, std::move(done), std::move(firstId));
}

} // namespace kinbot
