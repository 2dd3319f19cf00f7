#include "channels/TelegramAdapter.h"

#include "channels/ChannelDownload.h"
#include "channels/MessageChunks.h"

#include <QFile>
#include <QHttpMultiPart>

#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPointer>
#include <QTimer>

namespace kinbot {

namespace {

constexpr int kCallTimeoutMs = 15000;
constexpr int kUploadTimeoutMs = 120000;
constexpr int kDownloadTimeoutMs = 120000;

QString idText(const QJsonValue &v)
{
    return v.isString() ? v.toString() : QString::number(qint64(v.toDouble()));
}

} // namespace

struct TelegramAdapter::Poll
{
    ChannelConnection connection;
    qint64 offset = 0;
    int backoffMs = 0;
    bool stopped = false;
    QPointer<QNetworkReply> reply;
    std::unique_ptr<QObject> context = std::make_unique<QObject>(); // owns the backoff timers and the reply callbacks
};

TelegramAdapter::TelegramAdapter(QNetworkAccessManager &network, QString apiUrl, QObject *parent)
    : QObject(parent), m_network(network), m_apiUrl(std::move(apiUrl))
{
    while (m_apiUrl.endsWith(QLatin1Char('/')))
        m_apiUrl.chop(1);
}

TelegramAdapter::~TelegramAdapter()
{
    for (const QString &id : m_polls.keys())
        stop(id);
}

// The Bot API's answer → its result, or its description as the error (never quoting the token).
static void settle(QNetworkReply *reply, const QString &method, const QString &token, const std::function<void(Result<QJsonValue>)> &done)
{
    reply->deleteLater();
    const QByteArray body = reply->readAll();
    const QJsonObject answer = QJsonDocument::fromJson(body).object();
    if (answer.value(QStringLiteral("ok")).toBool())
        return done(answer.value(QStringLiteral("result")));
    QString why = answer.value(QStringLiteral("description")).toString();
    if (why.isEmpty())
        why = reply->error() != QNetworkReply::NoError ? reply->errorString() : QStringLiteral("unexpected answer");
    // Qt's error strings may quote the URL, which holds the token: it never reaches a status message or a log.
    if (!token.isEmpty())
        why.replace(token, QStringLiteral("<token>"));
    done(ApiError::badRequest(QStringLiteral("TELEGRAM_ERROR"), QStringLiteral("Telegram %1 failed: %2").arg(method, why)));
}

// The reply goes when the caller does (no answer for a caller that is gone).
static void tieTo(QNetworkReply *reply, QObject *context)
{
    QObject::connect(context, &QObject::destroyed, reply, [reply] {
        QObject::disconnect(reply, &QNetworkReply::finished, nullptr, nullptr);
        reply->abort();
        reply->deleteLater();
    });
}

void TelegramAdapter::call(const QString &token, const QString &method, const QJsonObject &params, int timeoutMs, QObject *context,
                           Done done)
{
    QNetworkRequest req(QUrl(m_apiUrl + QStringLiteral("/bot") + token + QLatin1Char('/') + method));
    req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    req.setTransferTimeout(timeoutMs);
    QNetworkReply *reply = m_network.post(req, QJsonDocument(params).toJson(QJsonDocument::Compact));
    QObject::connect(reply, &QNetworkReply::finished, context, [reply, method, token, done = std::move(done)] { settle(reply, method, token, done); });
    tieTo(reply, context);
}

void TelegramAdapter::upload(const QString &token, const QString &method, const QJsonObject &fields, const QString &fileField,
                             const OutgoingAttachment &file, QObject *context, Done done)
{
    auto *device = new QFile(file.path);
    if (!device->open(QIODevice::ReadOnly)) {
        delete device;
        return done(ApiError::badRequest(QStringLiteral("ATTACHMENT_ERROR"), QStringLiteral("The file %1 cannot be read").arg(file.fileName)));
    }
    auto *multi = new QHttpMultiPart(QHttpMultiPart::FormDataType);
    for (auto it = fields.begin(); it != fields.end(); ++it) {
        QHttpPart part;
        part.setHeader(QNetworkRequest::ContentDispositionHeader, QStringLiteral("form-data; name=\"%1\"").arg(it.key()));
        part.setBody(it.value().isString() ? it.value().toString().toUtf8()
                                           : it.value().isObject() ? QJsonDocument(it.value().toObject()).toJson(QJsonDocument::Compact)
                                                                   : QJsonValue(it.value()).toVariant().toString().toUtf8());
        multi->append(part);
    }
    QHttpPart filePart;
    QString safeName = file.fileName;
    safeName.replace(QLatin1Char('"'), QLatin1Char('_'));
    filePart.setHeader(QNetworkRequest::ContentDispositionHeader, QStringLiteral("form-data; name=\"%1\"; filename=\"%2\"").arg(fileField, safeName));
    filePart.setHeader(QNetworkRequest::ContentTypeHeader, file.mimeType.isEmpty() ? QStringLiteral("application/octet-stream") : file.mimeType);
    filePart.setBodyDevice(device);
    device->setParent(multi);
    multi->append(filePart);
    QNetworkRequest req(QUrl(m_apiUrl + QStringLiteral("/bot") + token + QLatin1Char('/') + method));
    req.setTransferTimeout(kUploadTimeoutMs);
    QNetworkReply *reply = m_network.post(req, multi);
    multi->setParent(reply);
    QObject::connect(reply, &QNetworkReply::finished, context, [reply, method, token, done = std::move(done)] { settle(reply, method, token, done); });
    tieTo(reply, context);
}

void TelegramAdapter::botInfo(const ChannelConnection &c, std::function<void(Result<ChannelBotInfo>)> done)
{
    if (c.botToken.isEmpty())
        return done(ApiError::validation(QStringLiteral("Bot token is missing")));
    call(c.botToken, QStringLiteral("getMe"), {}, kCallTimeoutMs, this, [done](Result<QJsonValue> r) {
        if (!r)
            return done(r.error());
        const QJsonObject me = r->toObject();
        done(ChannelBotInfo{me.value(QStringLiteral("first_name")).toString(), me.value(QStringLiteral("username")).toString()});
    });
}

void TelegramAdapter::start(const ChannelConnection &c, std::function<void(Status)> done)
{
    stop(c.channelId);
    botInfo(c, [this, c, done](Result<ChannelBotInfo> me) {
        if (!me)
            return done(me.error());
        if (usesWebhook(c.publicUrl)) {
            QString base = c.publicUrl;
            while (base.endsWith(QLatin1Char('/')))
                base.chop(1);
            const QJsonObject params{{QStringLiteral("url"), base + webhookPath(c.channelId)},
                                     {QStringLiteral("secret_token"), c.webhookSecret},
                                     {QStringLiteral("allowed_updates"), QJsonArray{QStringLiteral("message"), QStringLiteral("edited_message")}}};
            return call(c.botToken, QStringLiteral("setWebhook"), params, kCallTimeoutMs, this, [done](Result<QJsonValue> r) {
                done(r ? Status() : Status(r.error()));
            });
        }
        call(c.botToken, QStringLiteral("deleteWebhook"), {}, kCallTimeoutMs, this, [this, c, done](Result<QJsonValue> r) {
            if (!r)
                return done(r.error());
            stop(c.channelId); // a second activation while this one was under way: one poll only
            auto p = std::make_shared<Poll>();
            p->connection = c;
            m_polls.insert(c.channelId, p);
            poll(p);
            done({});
        });
    });
}

void TelegramAdapter::release(const ChannelConnection &c)
{
    stop(c.channelId);
    if (usesWebhook(c.publicUrl) && !c.botToken.isEmpty())
        call(c.botToken, QStringLiteral("deleteWebhook"), {}, kCallTimeoutMs, this, [](Result<QJsonValue>) {});
}

void TelegramAdapter::stop(const QString &channelId)
{
    auto p = m_polls.take(channelId);
    if (!p)
        return;
    p->stopped = true;
    p->context.reset(); // aborts the pending getUpdates and cancels a backoff timer
}

void TelegramAdapter::poll(const std::shared_ptr<Poll> &p)
{
    if (p->stopped)
        return;
    const QJsonObject params{{QStringLiteral("offset"), p->offset},
                             {QStringLiteral("timeout"), kPollTimeoutSeconds},
                             {QStringLiteral("allowed_updates"), QJsonArray{QStringLiteral("message"), QStringLiteral("edited_message")}}};
    std::weak_ptr<Poll> weak = p;
    call(p->connection.botToken, QStringLiteral("getUpdates"), params, (kPollTimeoutSeconds + 10) * 1000, p->context.get(),
         [this, weak](Result<QJsonValue> r) {
             auto p = weak.lock();
             if (!p || p->stopped)
                 return;
             if (!r) {
                 p->backoffMs = p->backoffMs == 0 ? 1000 : qMin(p->backoffMs * 2, kMaxBackoffMs);
                 QTimer::singleShot(p->backoffMs, p->context.get(), [this, weak] {
                     if (auto p = weak.lock())
                         poll(p);
                 });
                 return;
             }
             p->backoffMs = 0;
             const QString channelId = p->connection.channelId;
             for (const QJsonValue &u : r->toArray()) {
                 const QJsonObject update = u.toObject();
                 p->offset = qMax(p->offset, qint64(update.value(QStringLiteral("update_id")).toDouble()) + 1);
                 if (auto m = parseUpdate(update))
                     deliver(channelId, *m);
                 if (p->stopped) // the sink may have stopped the channel
                     return;
             }
             poll(p);
         });
}

std::optional<IncomingChannelMessage> TelegramAdapter::parseUpdate(const QJsonObject &update)
{
    QJsonObject msg = update.value(QStringLiteral("message")).toObject();
    if (msg.isEmpty())
        msg = update.value(QStringLiteral("edited_message")).toObject();
    if (msg.isEmpty())
        return std::nullopt;
    QString text = msg.value(QStringLiteral("text")).toString();
    if (text.isEmpty())
        text = msg.value(QStringLiteral("caption")).toString();
    const QJsonObject from = msg.value(QStringLiteral("from")).toObject();
    QList<IncomingAttachment> files;
    // A photo comes in several sizes: the largest one. Documents, audio, voice notes, videos: the file itself.
    const QJsonArray sizes = msg.value(QStringLiteral("photo")).toArray();
    if (!sizes.isEmpty()) {
        const QJsonObject largest = sizes.last().toObject();
        files << IncomingAttachment{largest.value(QStringLiteral("file_id")).toString(), QStringLiteral("image/jpeg"),
                                    QStringLiteral("photo_%1.jpg").arg(idText(msg.value(QStringLiteral("message_id")))),
                                    qint64(largest.value(QStringLiteral("file_size")).toDouble()), {}};
    }
    for (const char *kind : {"document", "audio", "voice", "video", "video_note", "animation"}) {
        const QJsonObject f = msg.value(QLatin1String(kind)).toObject();
        if (f.isEmpty() || (qstrcmp(kind, "document") == 0 && msg.contains(QStringLiteral("animation"))))
            continue;
        QString name = f.value(QStringLiteral("file_name")).toString();
        if (name.isEmpty())
            name = QStringLiteral("%1_%2").arg(QLatin1String(kind), idText(msg.value(QStringLiteral("message_id"))));
        files << IncomingAttachment{f.value(QStringLiteral("file_id")).toString(), f.value(QStringLiteral("mime_type")).toString(), name,
                                    qint64(f.value(QStringLiteral("file_size")).toDouble()), {}};
    }
    if ((text.isEmpty() && files.isEmpty()) || from.isEmpty() || from.value(QStringLiteral("is_bot")).toBool())
        return std::nullopt;
    IncomingChannelMessage m;
    m.platformUserId = idText(from.value(QStringLiteral("id")));
    m.platformUsername = from.value(QStringLiteral("username")).toString();
    m.platformDisplayName = QStringList{from.value(QStringLiteral("first_name")).toString(), from.value(QStringLiteral("last_name")).toString()}
                                .join(QLatin1Char(' '))
                                .trimmed();
    m.platformMessageId = idText(msg.value(QStringLiteral("message_id")));
    m.platformChatId = idText(msg.value(QStringLiteral("chat")).toObject().value(QStringLiteral("id")));
    m.content = text;
    m.attachments = files;
    if (m.platformUserId.isEmpty() || m.platformChatId.isEmpty())
        return std::nullopt;
    return m;
}

void TelegramAdapter::send(const ChannelConnection &c, const OutgoingChannelMessage &m, std::function<void(Result<QString>)> done)
{
    QStringList chunks = channels::chunkMessage(m.content, kMaxMessageChars);
    if (chunks.isEmpty() && m.attachments.isEmpty())
        return done(ApiError::validation(QStringLiteral("Nothing to send")));
    if (m.attachments.isEmpty())
        return sendChunks(c, m, chunks, {}, std::move(done));
    // Files first; the first carries the text as its caption when the text is short enough, else the text follows.
    const bool captioned = !m.content.trimmed().isEmpty() && m.content.trimmed().size() <= kMaxCaptionChars;
    sendFiles(c, m, m.attachments, captioned ? m.content.trimmed() : QString(), captioned ? QStringList() : chunks, {}, std::move(done));
}

void TelegramAdapter::sendFiles(const ChannelConnection &c, const OutgoingChannelMessage &m, QList<OutgoingAttachment> files, QString caption,
                                QStringList chunks, QString firstId, std::function<void(Result<QString>)> done)
{
    if (files.isEmpty())
        return sendChunks(c, m, chunks, firstId, std::move(done));
    const OutgoingAttachment file = files.takeFirst();
    const bool photo = file.mimeType == QLatin1String("image/jpeg") || file.mimeType == QLatin1String("image/png")
                       || file.mimeType == QLatin1String("image/webp");
    QJsonObject fields{{QStringLiteral("chat_id"), m.chatId}};
    if (!caption.isEmpty())
        fields.insert(QStringLiteral("caption"), caption);
    bool ok = false;
    const qint64 replyTo = m.replyToMessageId.toLongLong(&ok);
    if (firstId.isEmpty() && ok)
        fields.insert(QStringLiteral("reply_parameters"),
                      QJsonObject{{QStringLiteral("message_id"), replyTo}, {QStringLiteral("allow_sending_without_reply"), true}});
    const QString method = photo ? QStringLiteral("sendPhoto") : QStringLiteral("sendDocument");
    upload(c.botToken, method, fields, photo ? QStringLiteral("photo") : QStringLiteral("document"), file, this,
           [this, c, m, files, chunks, firstId, done](Result<QJsonValue> r) {
               if (!r)
                   return done(r.error());
               const QString id = firstId.isEmpty() ? idText(r->toObject().value(QStringLiteral("message_id"))) : firstId;
               sendFiles(c, m, files, {}, chunks, id, done);
           });
}

void TelegramAdapter::download(const ChannelConnection &c, const IncomingAttachment &a, qint64 maxBytes,
                               std::function<void(Result<QByteArray>)> done)
{
    if (a.fileSize > maxBytes)
        return done(ApiError::badRequest(QStringLiteral("FILE_TOO_LARGE"), QStringLiteral("The file is larger than %1 MB").arg(maxBytes / (1024 * 1024))));
    call(c.botToken, QStringLiteral("getFile"), {{QStringLiteral("file_id"), a.platformFileId}}, kCallTimeoutMs, this,
         [this, c, maxBytes, done](Result<QJsonValue> r) {
             if (!r)
                 return done(r.error());
             const QString path = r->toObject().value(QStringLiteral("file_path")).toString();
             if (path.isEmpty())
                 return done(ApiError::badRequest(QStringLiteral("ATTACHMENT_ERROR"), QStringLiteral("Telegram gave no path for the file")));
             channels::fetchBytes(m_network, m_apiUrl + QStringLiteral("/file/bot") + c.botToken + QLatin1Char('/') + path, {}, maxBytes,
                                  kDownloadTimeoutMs, c.botToken, this, done);
         });
}

void TelegramAdapter::sendChunks(const ChannelConnection &c, const OutgoingChannelMessage &m, QStringList chunks, QString firstId,
                                 std::function<void(Result<QString>)> done)
{
    channels::sendPieces(std::move(chunks), [this, c, m](const QString &piece, bool first, std::function<void(Result<QString>)> sent) {
        QJsonObject params{{QStringLiteral("chat_id"), m.chatId}, {QStringLiteral("text"), piece}};
        bool ok = false;
        const qint64 replyTo = m.replyToMessageId.toLongLong(&ok);
        if (first && ok)
            params.insert(QStringLiteral("reply_parameters"),
                          QJsonObject{{QStringLiteral("message_id"), replyTo}, {QStringLiteral("allow_sending_without_reply"), true}});
        call(c.botToken, QStringLiteral("sendMessage"), params, kCallTimeoutMs, this, [sent](Result<QJsonValue> r) {
            if (!r)
                return sent(r.error());
            sent(idText(r->toObject().value(QStringLiteral("message_id"))));
        });
    }, std::move(done), std::move(firstId));
}

void TelegramAdapter::typing(const ChannelConnection &c, const QString &chatId)
{
    call(c.botToken, QStringLiteral("sendChatAction"), {{QStringLiteral("chat_id"), chatId}, {QStringLiteral("action"), QStringLiteral("typing")}},
         kCallTimeoutMs, this, [](Result<QJsonValue>) {});
}

} // namespace kinbot
