#include "channels/MatrixAdapter.h"

#include "channels/MessageChunks.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTimer>
#include <QUrl>

namespace kinbot {

namespace {

constexpr int kCallTimeoutMs = 15000;
const QString kClient = QStringLiteral("/_matrix/client/v3");

QString enc(const QString &part)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(part));
}

QString filterFor(int timelineLimit)
{
    const QJsonObject filter{{QStringLiteral("room"),
                              QJsonObject{{QStringLiteral("timeline"), QJsonObject{{QStringLiteral("limit"), timelineLimit}}}}}};
    return enc(QString::fromUtf8(QJsonDocument(filter).toJson(QJsonDocument::Compact)));
}

// The display name a room's member events give a user (state, then timeline: a later event wins).
QString displayNameIn(const QJsonObject &room, const QString &userId)
{
    QString name;
    for (const char *section : {"state", "timeline"})
        for (const QJsonValue &v : room.value(QLatin1String(section)).toObject().value(QStringLiteral("events")).toArray()) {
            const QJsonObject e = v.toObject();
            if (e.value(QStringLiteral("type")).toString() == QLatin1String("m.room.member") &&
                e.value(QStringLiteral("state_key")).toString() == userId) {
                const QString n = e.value(QStringLiteral("content")).toObject().value(QStringLiteral("displayname")).toString();
                if (!n.isEmpty())
                    name = n;
            }
        }
    return name;
}

} // namespace

struct MatrixAdapter::Poll
{
    ChannelConnection connection;
    QString userId;
    QString since; // empty: the first sync, which only fetches next_batch
    int retryMs = 0;
    bool stopped = false;
    std::unique_ptr<QObject> context = std::make_unique<QObject>(); // owns the retry timers and the reply callbacks
};

MatrixAdapter::MatrixAdapter(QNetworkAccessManager &network, QObject *parent) : QObject(parent), m_network(network) {}

MatrixAdapter::~MatrixAdapter()
{
    for (const QString &id : m_polls.keys())
        stop(id);
}

void MatrixAdapter::call(const ChannelConnection &c, const QByteArray &verb, const QString &path, const QJsonObject *body, int timeoutMs,
                         QObject *context, Done done)
{
    QString base = c.platformConfig.value(QStringLiteral("homeserverUrl")).toString();
    while (base.endsWith(QLatin1Char('/')))
        base.chop(1);
    if (base.isEmpty())
        return done(ApiError::badRequest(QStringLiteral("CHANNEL_CONFIG_ERROR"), QStringLiteral("The Matrix homeserverUrl is missing")));
    if (c.botToken.isEmpty())
        return done(ApiError::validation(QStringLiteral("Access token is missing")));
    QNetworkRequest req(QUrl::fromEncoded(QUrl(base).toEncoded() + path.toUtf8()));
    req.setRawHeader("Authorization", "Bearer " + c.botToken.toUtf8());
    req.setTransferTimeout(timeoutMs);
    QNetworkReply *reply;
    if (body) {
        req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
        reply = m_network.sendCustomRequest(req, verb, QJsonDocument(*body).toJson(QJsonDocument::Compact));
    } else {
        reply = m_network.sendCustomRequest(req, verb);
    }
    const QString what = QString::fromLatin1(verb) + QLatin1Char(' ') + path.section(QLatin1Char('?'), 0, 0);
    QObject::connect(reply, &QNetworkReply::finished, context, [reply, what, token = c.botToken, done = std::move(done)] {
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        QJsonParseError parseError{};
        const QJsonDocument doc = QJsonDocument::fromJson(reply->readAll(), &parseError);
        if (reply->error() == QNetworkReply::NoError && status / 100 == 2 && doc.isObject())
            return done(doc.object());
        const QJsonObject answer = doc.object();
        QString why;
        if (status == 401)
            why = QStringLiteral("the homeserver rejected the access token");
        else if (const QString code = answer.value(QStringLiteral("errcode")).toString(); !code.isEmpty())
            why = code + QStringLiteral(": ") + answer.value(QStringLiteral("error")).toString();
        else if (reply->error() != QNetworkReply::NoError)
            why = reply->errorString();
        else
            why = QStringLiteral("unexpected answer (HTTP %1)").arg(status);
        if (status == 401 && !answer.value(QStringLiteral("errcode")).toString().isEmpty())
            why += QStringLiteral(" (%1)").arg(answer.value(QStringLiteral("errcode")).toString());
        if (!token.isEmpty())
            why.replace(token, QStringLiteral("<token>"));
        done(ApiError::badRequest(QStringLiteral("MATRIX_ERROR"), QStringLiteral("Matrix %1 failed: %2").arg(what, why)));
    });
    QObject::connect(context, &QObject::destroyed, reply, [reply] {
        QObject::disconnect(reply, &QNetworkReply::finished, nullptr, nullptr);
        reply->abort();
        reply->deleteLater();
    });
}

void MatrixAdapter::botInfo(const ChannelConnection &c, std::function<void(Result<ChannelBotInfo>)> done)
{
    call(c, "GET", kClient + QStringLiteral("/account/whoami"), nullptr, kCallTimeoutMs, this, [done](Result<QJsonObject> r) {
        if (!r)
            return done(r.error());
        const QString userId = r->value(QStringLiteral("user_id")).toString();
        if (userId.isEmpty())
            return done(ApiError::badRequest(QStringLiteral("MATRIX_ERROR"), QStringLiteral("Matrix whoami did not tell the user id")));
        // @name:server → the localpart as the name, the full id as the username.
        done(ChannelBotInfo{userId.mid(1).section(QLatin1Char(':'), 0, 0), userId});
    });
}

void MatrixAdapter::start(const ChannelConnection &c, std::function<void(Status)> done)
{
    stop(c.channelId);
    botInfo(c, [this, c, done](Result<ChannelBotInfo> me) {
        if (!me)
            return done(me.error());
        stop(c.channelId); // a second activation while this one was under way: one loop only
        auto p = std::make_shared<Poll>();
        p->connection = c;
        p->userId = me->username;
        m_polls.insert(c.channelId, p);
        m_userIds.insert(c.channelId, p->userId);
        sync(p);
        done({});
    });
}

void MatrixAdapter::stop(const QString &channelId)
{
    m_userIds.remove(channelId);
    auto p = m_polls.take(channelId);
    if (!p)
        return;
    p->stopped = true;
    p->context.reset(); // aborts the pending sync and cancels a retry timer
}

void MatrixAdapter::retry(const std::shared_ptr<Poll> &p)
{
    p->retryMs = p->retryMs == 0 ? m_retryMs : qMin(p->retryMs * 2, kMaxRetryMs);
    std::weak_ptr<Poll> weak = p;
    QTimer::singleShot(p->retryMs, p->context.get(), [this, weak] {
        if (auto p = weak.lock())
            sync(p);
    });
}

void MatrixAdapter::sync(const std::shared_ptr<Poll> &p)
{
    if (p->stopped)
        return;
    const bool initial = p->since.isEmpty();
    QString path = kClient + QStringLiteral("/sync?filter=") + filterFor(initial ? 0 : kTimelineLimit);
    if (initial)
        path += QStringLiteral("&timeout=0");
    else
        path += QStringLiteral("&timeout=%1&since=%2").arg(m_pollTimeoutMs).arg(enc(p->since));
    std::weak_ptr<Poll> weak = p;
    call(p->connection, "GET", path, nullptr, m_pollTimeoutMs + 15000, p->context.get(), [this, weak, initial](Result<QJsonObject> r) {
        auto p = weak.lock();
        if (!p || p->stopped)
            return;
        const QString next = r ? r->value(QStringLiteral("next_batch")).toString() : QString();
        if (next.isEmpty())
            return retry(p);
        p->retryMs = 0;
        p->since = next;
        for (const QString &roomId : invitedRooms(r.value())) {
            const QJsonObject empty;
            call(p->connection, "POST", kClient + QStringLiteral("/join/") + enc(roomId), &empty, kCallTimeoutMs, p->context.get(),
                 [](Result<QJsonObject>) {});
        }
        if (!initial) { // the first answer is the room's past: not replayed
            const QString channelId = p->connection.channelId;
            for (const IncomingChannelMessage &m : parseSync(r.value(), p->userId)) {
                deliver(channelId, m);
                if (p->stopped) // the sink may have stopped the channel
                    return;
            }
        }
        sync(p);
    });
}

QList<IncomingChannelMessage> MatrixAdapter::parseSync(const QJsonObject &sync, const QString &ownUserId)
{
    QList<IncomingChannelMessage> out;
    const QJsonObject joined = sync.value(QStringLiteral("rooms")).toObject().value(QStringLiteral("join")).toObject();
    for (auto room = joined.begin(); room != joined.end(); ++room) {
        const QJsonObject r = room.value().toObject();
        for (const QJsonValue &v : r.value(QStringLiteral("timeline")).toObject().value(QStringLiteral("events")).toArray()) {
            const QJsonObject e = v.toObject();
            const QJsonObject content = e.value(QStringLiteral("content")).toObject();
            const QString sender = e.value(QStringLiteral("sender")).toString();
            const QString body = content.value(QStringLiteral("body")).toString();
            if (e.value(QStringLiteral("type")).toString() != QLatin1String("m.room.message") ||
                content.value(QStringLiteral("msgtype")).toString() != QLatin1String("m.text") || sender.isEmpty() || sender == ownUserId ||
                body.trimmed().isEmpty() || e.value(QStringLiteral("event_id")).toString().isEmpty())
                continue;
            if (content.value(QStringLiteral("m.relates_to")).toObject().value(QStringLiteral("rel_type")).toString() == QLatin1String("m.replace"))
                continue; // an edit of an earlier message, not a new one
            IncomingChannelMessage m;
            m.platformUserId = sender;
            m.platformUsername = sender;
            m.platformDisplayName = displayNameIn(r, sender);
            m.platformMessageId = e.value(QStringLiteral("event_id")).toString();
            m.platformChatId = room.key();
            m.content = body;
            out.append(m);
        }
    }
    return out;
}

QStringList MatrixAdapter::invitedRooms(const QJsonObject &sync)
{
    return sync.value(QStringLiteral("rooms")).toObject().value(QStringLiteral("invite")).toObject().keys();
}

void MatrixAdapter::send(const ChannelConnection &c, const OutgoingChannelMessage &m, std::function<void(Result<QString>)> done)
{
    const QStringList chunks = channels::chunkMessage(m.content, kMaxMessageChars);
    if (chunks.isEmpty())
        return done(ApiError::validation(QStringLiteral("Nothing to send")));
    sendChunks(c, m, chunks, {}, std::move(done));
}

void MatrixAdapter::sendChunks(const ChannelConnection &c, const OutgoingChannelMessage &m, QStringList chunks, QString firstId,
                               std::function<void(Result<QString>)> done)
{
    channels::sendPieces(std::move(chunks), [this, c, m](const QString &piece, bool first, std::function<void(Result<QString>)> sent) {
        QJsonObject body{{QStringLiteral("msgtype"), QStringLiteral("m.text")}, {QStringLiteral("body"), piece}};
        if (first && !m.replyToMessageId.isEmpty())
            body.insert(QStringLiteral("m.relates_to"),
                        QJsonObject{{QStringLiteral("m.in_reply_to"), QJsonObject{{QStringLiteral("event_id"), m.replyToMessageId}}}});
        // A transaction id unique to this client, so the homeserver can tell a retry from a new message.
        const QString txnId = QStringLiteral("kinbot.%1.%2").arg(QDateTime::currentMSecsSinceEpoch()).arg(++m_txn);
        const QString path = kClient + QStringLiteral("/rooms/") + enc(m.chatId) + QStringLiteral("/send/m.room.message/") + enc(txnId);
        call(c, "PUT", path, &body, kCallTimeoutMs, this, [sent](Result<QJsonObject> r) {
            if (!r)
                return sent(r.error());
            sent(r->value(QStringLiteral("event_id")).toString());
        });
    }, std::move(done), std::move(firstId));
}

void MatrixAdapter::typing(const ChannelConnection &c, const QString &chatId)
{
    const QString userId = m_userIds.value(c.channelId);
    if (userId.isEmpty())
        return;
    const QJsonObject body{{QStringLiteral("typing"), true}, {QStringLiteral("timeout"), 30000}};
    call(c, "PUT", kClient + QStringLiteral("/rooms/") + enc(chatId) + QStringLiteral("/typing/") + enc(userId), &body, kCallTimeoutMs, this,
         [](Result<QJsonObject>) {});
}

} // namespace kinbot
