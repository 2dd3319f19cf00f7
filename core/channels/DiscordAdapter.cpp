#include "channels/DiscordAdapter.h"

#include "channels/MessageChunks.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRandomGenerator>
#include <QTimer>
#include <QUrl>
#include <QUrlQuery>
#include <QWebSocket>

namespace kinbot {

namespace {

constexpr int kCallTimeoutMs = 15000;

enum Op { Dispatch = 0, Heartbeat = 1, Identify = 2, Resume = 6, Reconnect = 7, InvalidSession = 9, Hello = 10, HeartbeatAck = 11 };

// Close codes after which reconnecting cannot help: authentication failed, invalid shard, sharding required, invalid
// API version, invalid or disallowed intents.
bool fatalClose(int code)
{
    return code == 4004 || (code >= 4010 && code <= 4014);
}

// Close codes after which the session cannot be resumed: invalid sequence, session timed out.
bool sessionLost(int code)
{
    return code == 4007 || code == 4009;
}

} // namespace

struct DiscordAdapter::Session
{
    ChannelConnection connection;
    QString gatewayUrl;
    QString sessionId;
    QString resumeUrl;
    QString botUserId;
    QJsonValue seq = QJsonValue::Null;
    bool resuming = false;
    bool ackPending = false;
    bool stopped = false;
    int heartbeatMs = 0;
    int reconnectDelayMs = 0;
    QWebSocket *socket = nullptr;
    std::unique_ptr<QObject> context = std::make_unique<QObject>(); // owns the timers and the reply callbacks
    QTimer *heartbeatTimer = nullptr;
};

DiscordAdapter::DiscordAdapter(QNetworkAccessManager &network, QString apiUrl, QString gatewayUrl, QObject *parent)
    : QObject(parent), m_network(network), m_apiUrl(std::move(apiUrl)), m_gatewayUrl(std::move(gatewayUrl))
{
    while (m_apiUrl.endsWith(QLatin1Char('/')))
        m_apiUrl.chop(1);
}

DiscordAdapter::~DiscordAdapter()
{
    for (const QString &id : m_sessions.keys())
        stop(id);
}

bool DiscordAdapter::validGatewayUrl(const QString &url)
{
    const QUrl u(url, QUrl::StrictMode);
    return u.isValid() && (u.scheme() == QLatin1String("wss") || u.scheme() == QLatin1String("ws")) && !u.host().isEmpty() &&
           u.userInfo().isEmpty();
}

void DiscordAdapter::call(const QString &token, const QByteArray &verb, const QString &path, const QJsonObject *body, QObject *context,
                          Done done)
{
    if (token.isEmpty())
        return done(ApiError::validation(QStringLiteral("Bot token is missing")));
    QNetworkRequest req(QUrl(m_apiUrl + path));
    req.setRawHeader("Authorization", "Bot " + token.toUtf8());
    req.setRawHeader("User-Agent", "DiscordBot (kinbot-desktop, 1.0)");
    req.setTransferTimeout(kCallTimeoutMs);
    QNetworkReply *reply;
    if (body) {
        req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
        reply = m_network.sendCustomRequest(req, verb, QJsonDocument(*body).toJson(QJsonDocument::Compact));
    } else {
        reply = m_network.sendCustomRequest(req, verb);
    }
    const QString what = QString::fromLatin1(verb) + QLatin1Char(' ') + path;
    QObject::connect(reply, &QNetworkReply::finished, context, [reply, what, token, done = std::move(done)] {
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QByteArray bytes = reply->readAll();
        const QJsonDocument doc = QJsonDocument::fromJson(bytes);
        if (reply->error() == QNetworkReply::NoError && status / 100 == 2) {
            if (doc.isObject())
                return done(QJsonValue(doc.object()));
            if (doc.isArray())
                return done(QJsonValue(doc.array()));
            if (bytes.trimmed().isEmpty()) // 204 No Content (typing)
                return done(QJsonValue(QJsonObject()));
        }
        QString why;
        if (status == 401)
            why = QStringLiteral("Discord rejected the bot token");
        else if (const QString m = doc.object().value(QStringLiteral("message")).toString(); !m.isEmpty())
            why = m;
        else if (reply->error() != QNetworkReply::NoError)
            why = reply->errorString();
        else
            why = QStringLiteral("unexpected answer (HTTP %1)").arg(status);
        why.replace(token, QStringLiteral("<token>"));
        done(ApiError::badRequest(QStringLiteral("DISCORD_ERROR"), QStringLiteral("Discord %1 failed: %2").arg(what, why)));
    });
    QObject::connect(context, &QObject::destroyed, reply, [reply] {
        QObject::disconnect(reply, &QNetworkReply::finished, nullptr, nullptr);
        reply->abort();
        reply->deleteLater();
    });
}

void DiscordAdapter::botInfo(const ChannelConnection &c, std::function<void(Result<ChannelBotInfo>)> done)
{
    call(c.botToken, "GET", QStringLiteral("/users/@me"), nullptr, this, [done](Result<QJsonValue> r) {
        if (!r)
            return done(r.error());
        const QJsonObject me = r->toObject();
        QString name = me.value(QStringLiteral("global_name")).toString();
        if (name.isEmpty())
            name = me.value(QStringLiteral("username")).toString();
        done(ChannelBotInfo{name, me.value(QStringLiteral("username")).toString()});
    });
}

void DiscordAdapter::start(const ChannelConnection &c, std::function<void(Status)> done)
{
    stop(c.channelId);
    botInfo(c, [this, c, done](Result<ChannelBotInfo> me) {
        if (!me)
            return done(me.error());
        auto open = [this, c, done](const QString &gatewayUrl) {
            if (!validGatewayUrl(gatewayUrl))
                return done(ApiError::badRequest(QStringLiteral("DISCORD_ERROR"), QStringLiteral("Discord gave no usable Gateway URL")));
            stop(c.channelId); // a second activation while this one was under way: one session only
            auto s = std::make_shared<Session>();
            s->connection = c;
            s->gatewayUrl = gatewayUrl;
            s->heartbeatTimer = new QTimer(s->context.get());
            std::weak_ptr<Session> weak = s;
            QObject::connect(s->heartbeatTimer, &QTimer::timeout, s->context.get(), [this, weak] {
                if (auto s = weak.lock())
                    heartbeat(s);
            });
            m_sessions.insert(c.channelId, s);
            connectSocket(s, false);
            done({});
        };
        if (!m_gatewayUrl.isEmpty())
            return open(m_gatewayUrl);
        call(c.botToken, "GET", QStringLiteral("/gateway/bot"), nullptr, this, [open, done](Result<QJsonValue> r) {
            if (!r)
                return done(r.error());
            open(r->toObject().value(QStringLiteral("url")).toString());
        });
    });
}

void DiscordAdapter::stop(const QString &channelId)
{
    auto s = m_sessions.take(channelId);
    if (!s)
        return;
    s->stopped = true;
    dropSocket(s);
    s->context.reset(); // the heartbeat and reconnect timers, pending REST answers
}

void DiscordAdapter::dropSocket(const std::shared_ptr<Session> &s)
{
    if (s->heartbeatTimer)
        s->heartbeatTimer->stop();
    s->ackPending = false;
    QWebSocket *ws = std::exchange(s->socket, nullptr);
    if (!ws)
        return;
    ws->disconnect();
    ws->setParent(nullptr);
    // 1000 ends the session on Discord's side; anything else keeps it resumable.
    if (ws->state() != QAbstractSocket::UnconnectedState)
        ws->close(s->stopped ? QWebSocketProtocol::CloseCodeNormal : QWebSocketProtocol::CloseCode(4000));
    ws->deleteLater();
}

void DiscordAdapter::connectSocket(const std::shared_ptr<Session> &s, bool resume)
{
    if (s->stopped)
        return;
    dropSocket(s);
    s->resuming = resume && !s->sessionId.isEmpty();
    QUrl url(s->resuming && validGatewayUrl(s->resumeUrl) ? s->resumeUrl : s->gatewayUrl);
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("v"), QStringLiteral("10"));
    query.addQueryItem(QStringLiteral("encoding"), QStringLiteral("json"));
    url.setQuery(query);
    auto *ws = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, s->context.get());
    s->socket = ws;
    std::weak_ptr<Session> weak = s;
    QObject::connect(ws, &QWebSocket::textMessageReceived, s->context.get(), [this, weak, ws](const QString &text) {
        if (auto s = weak.lock(); s && s->socket == ws)
            onFrame(s, text);
    });
    auto closed = [this, weak, ws] {
        if (auto s = weak.lock(); s && s->socket == ws)
            onClosed(s);
    };
    QObject::connect(ws, &QWebSocket::disconnected, s->context.get(), closed);
    QObject::connect(ws, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), s->context.get(), closed);
    ws->open(url);
}

void DiscordAdapter::onClosed(const std::shared_ptr<Session> &s)
{
    const int code = s->socket ? int(s->socket->closeCode()) : 0;
    dropSocket(s);
    if (s->stopped || fatalClose(code))
        return; // stays down: a token or intents problem does not fix itself (the channel can be activated again)
    if (sessionLost(code)) {
        s->sessionId.clear();
        s->seq = QJsonValue::Null;
    }
    s->reconnectDelayMs = s->reconnectDelayMs == 0 ? m_reconnectMs : qMin(s->reconnectDelayMs * 2, kMaxReconnectMs);
    scheduleReconnect(s, true, s->reconnectDelayMs);
}

void DiscordAdapter::scheduleReconnect(const std::shared_ptr<Session> &s, bool resume, int delayMs)
{
    std::weak_ptr<Session> weak = s;
    QTimer::singleShot(delayMs, s->context.get(), [this, weak, resume] {
        if (auto s = weak.lock(); s && !s->stopped && !s->socket)
            connectSocket(s, resume);
    });
}

void DiscordAdapter::sendFrame(const std::shared_ptr<Session> &s, const QJsonObject &frame)
{
    if (s->socket)
        s->socket->sendTextMessage(QString::fromUtf8(QJsonDocument(frame).toJson(QJsonDocument::Compact)));
}

void DiscordAdapter::heartbeat(const std::shared_ptr<Session> &s)
{
    if (!s->socket)
        return;
    if (s->ackPending) { // the last heartbeat got no ACK: a zombie connection
        connectSocket(s, true);
        return;
    }
    if (s->heartbeatTimer->interval() != s->heartbeatMs)
        s->heartbeatTimer->setInterval(s->heartbeatMs); // after the jittered first one
    sendFrame(s, {{QStringLiteral("op"), Heartbeat}, {QStringLiteral("d"), s->seq}});
    s->ackPending = true;
}

void DiscordAdapter::onFrame(const std::shared_ptr<Session> &s, const QString &text)
{
    if (s->stopped)
        return;
    const QJsonObject frame = QJsonDocument::fromJson(text.toUtf8()).object();
    if (frame.value(QStringLiteral("s")).isDouble())
        s->seq = frame.value(QStringLiteral("s"));
    const QJsonValue d = frame.value(QStringLiteral("d"));
    switch (frame.value(QStringLiteral("op")).toInt(-1)) {
    case Hello: {
        s->heartbeatMs = qMax(100, d.toObject().value(QStringLiteral("heartbeat_interval")).toInt(41250));
        s->ackPending = false;
        s->heartbeatTimer->start(qMax(1, int(s->heartbeatMs * QRandomGenerator::global()->generateDouble())));
        const QString token = s->connection.botToken;
        if (s->resuming)
            sendFrame(s, {{QStringLiteral("op"), Resume},
                          {QStringLiteral("d"), QJsonObject{{QStringLiteral("token"), token},
                                                            {QStringLiteral("session_id"), s->sessionId},
                                                            {QStringLiteral("seq"), s->seq}}}});
        else
            sendFrame(s, {{QStringLiteral("op"), Identify},
                          {QStringLiteral("d"),
                           QJsonObject{{QStringLiteral("token"), token},
                                       {QStringLiteral("intents"), kIntents},
                                       {QStringLiteral("properties"), QJsonObject{{QStringLiteral("os"), QStringLiteral("linux")},
                                                                                  {QStringLiteral("browser"), QStringLiteral("kinbot")},
                                                                                  {QStringLiteral("device"), QStringLiteral("kinbot")}}}}}});
        return;
    }
    case HeartbeatAck:
        s->ackPending = false;
        return;
    case Heartbeat: // the gateway asks for one now
        sendFrame(s, {{QStringLiteral("op"), Heartbeat}, {QStringLiteral("d"), s->seq}});
        return;
    case Reconnect:
        connectSocket(s, true);
        return;
    case InvalidSession: {
        const bool resumable = d.toBool();
        if (!resumable) {
            s->sessionId.clear();
            s->seq = QJsonValue::Null;
        }
        dropSocket(s);
        scheduleReconnect(s, resumable, 1000 + QRandomGenerator::global()->bounded(4001));
        return;
    }
    case Dispatch:
        break;
    default:
        return;
    }
    const QString type = frame.value(QStringLiteral("t")).toString();
    const QJsonObject data = d.toObject();
    if (type == QLatin1String("READY")) {
        s->sessionId = data.value(QStringLiteral("session_id")).toString();
        s->resumeUrl = data.value(QStringLiteral("resume_gateway_url")).toString();
        s->botUserId = data.value(QStringLiteral("user")).toObject().value(QStringLiteral("id")).toString();
        s->reconnectDelayMs = 0;
    } else if (type == QLatin1String("RESUMED")) {
        s->reconnectDelayMs = 0;
    } else if (type == QLatin1String("MESSAGE_CREATE")) {
        if (auto m = parseMessage(data, s->botUserId))
            deliver(s->connection.channelId, *m);
    }
}

std::optional<IncomingChannelMessage> DiscordAdapter::parseMessage(const QJsonObject &d, const QString &botUserId)
{
    const QJsonObject author = d.value(QStringLiteral("author")).toObject();
    const QString authorId = author.value(QStringLiteral("id")).toString();
    const QString content = d.value(QStringLiteral("content")).toString();
    if (authorId.isEmpty() || author.value(QStringLiteral("bot")).toBool() || d.contains(QStringLiteral("webhook_id")) ||
        authorId == botUserId || content.trimmed().isEmpty())
        return std::nullopt;
    IncomingChannelMessage m;
    m.platformUserId = authorId;
    m.platformUsername = author.value(QStringLiteral("username")).toString();
    m.platformDisplayName = author.value(QStringLiteral("global_name")).toString();
    if (m.platformDisplayName.isEmpty())
        m.platformDisplayName = m.platformUsername;
    m.platformMessageId = d.value(QStringLiteral("id")).toString();
    m.platformChatId = d.value(QStringLiteral("channel_id")).toString();
    m.content = content;
    if (m.platformMessageId.isEmpty() || m.platformChatId.isEmpty())
        return std::nullopt;
    return m;
}

void DiscordAdapter::send(const ChannelConnection &c, const OutgoingChannelMessage &m, std::function<void(Result<QString>)> done)
{
    const QStringList chunks = channels::chunkMessage(m.content, kMaxMessageChars);
    if (chunks.isEmpty())
        return done(ApiError::validation(QStringLiteral("Nothing to send")));
    sendChunks(c, m, chunks, {}, std::move(done));
}

void DiscordAdapter::sendChunks(const ChannelConnection &c, const OutgoingChannelMessage &m, QStringList chunks, QString firstId,
                                std::function<void(Result<QString>)> done)
{
    channels::sendPieces(std::move(chunks), [this, c, m](const QString &piece, bool first, std::function<void(Result<QString>)> sent) {
        QJsonObject body{{QStringLiteral("content"), piece}};
        if (first && !m.replyToMessageId.isEmpty())
            body.insert(QStringLiteral("message_reference"),
                        QJsonObject{{QStringLiteral("message_id"), m.replyToMessageId}, {QStringLiteral("fail_if_not_exists"), false}});
        const QString path = QStringLiteral("/channels/") + QString::fromLatin1(QUrl::toPercentEncoding(m.chatId)) + QStringLiteral("/messages");
        call(c.botToken, "POST", path, &body, this, [sent](Result<QJsonValue> r) {
            if (!r)
                return sent(r.error());
            sent(r->toObject().value(QStringLiteral("id")).toString());
        });
    }, std::move(done), std::move(firstId));
}

void DiscordAdapter::typing(const ChannelConnection &c, const QString &chatId)
{
    const QJsonObject empty;
    call(c.botToken, "POST", QStringLiteral("/channels/") + QString::fromLatin1(QUrl::toPercentEncoding(chatId)) + QStringLiteral("/typing"),
         &empty, this, [](Result<QJsonValue>) {});
}

} // namespace kinbot
