#include "FakeDiscordServer.h"

#include <QHttpServer>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QJsonDocument>
#include <QTest>
#include <QWebSocket>
#include <QWebSocketServer>

namespace kinbot::test {

namespace {

void answer(QHttpServerResponder &r, int status, const QJsonObject &body)
{
    const QByteArray bytes = QJsonDocument(body).toJson(QJsonDocument::Compact);
    r.writeStatusLine(QHttpServerResponder::StatusCode(status));
    r.writeHeader("Content-Type", "application/json");
    r.writeHeader("Content-Length", QByteArray::number(bytes.size()));
    r.writeBody(bytes);
}

} // namespace

FakeDiscordServer::FakeDiscordServer(QString validToken, QObject *parent)
    : QObject(parent), m_http(new QHttpServer(this)), m_ws(new QWebSocketServer(QStringLiteral("fake-discord"), QWebSocketServer::NonSecureMode, this)),
      m_validToken(std::move(validToken))
{
    m_http->setMissingHandler([this](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
        const QString verb = request.method() == QHttpServerRequest::Method::Get ? QStringLiteral("GET")
                             : request.method() == QHttpServerRequest::Method::Post ? QStringLiteral("POST")
                                                                                     : QStringLiteral("OTHER");
        const QString path = request.url().path();
        m_calls.append({verb, path, QJsonDocument::fromJson(request.body()).object()});
        if (request.value("Authorization") != "Bot " + m_validToken.toUtf8())
            return answer(responder, 401, {{"message", "401: Unauthorized"}, {"code", 0}});
        if (path == QLatin1String("/users/@me"))
            return answer(responder, 200, {{"id", kBotUserId}, {"username", "kinbot"}, {"global_name", "KinBot"}, {"bot", true}});
        if (path == QLatin1String("/gateway/bot"))
            return answer(responder, 200, {{"url", gatewayUrl()}, {"shards", 1}});
        if (verb == QLatin1String("POST") && path.startsWith(QLatin1String("/channels/")) && path.endsWith(QLatin1String("/messages")))
            return answer(responder, 200, {{"id", QString::number(++m_nextId)}, {"channel_id", path.section(QLatin1Char('/'), 2, 2)},
                                           {"content", m_calls.last().body.value("content")}});
        if (verb == QLatin1String("POST") && path.endsWith(QLatin1String("/typing"))) {
            responder.writeStatusLine(QHttpServerResponder::StatusCode::NoContent);
            responder.writeHeader("Content-Length", "0");
            responder.writeBody(QByteArray());
            return;
        }
        return answer(responder, 404, {{"message", "404: Not Found"}, {"code", 0}});
    });
    connect(m_ws, &QWebSocketServer::newConnection, this, [this] {
        while (QWebSocket *ws = m_ws->nextPendingConnection()) {
            const int index = ++m_connectionCount;
            m_sockets.append(ws);
            m_queries.append(ws->requestUrl().query());
            m_current = ws;
            connect(ws, &QWebSocket::disconnected, this, [this, ws] {
                m_sockets.removeAll(ws);
                if (m_current == ws)
                    m_current = nullptr;
                ws->deleteLater();
            });
            connect(ws, &QWebSocket::textMessageReceived, this, [this, ws, index](const QString &text) {
                const QJsonObject payload = QJsonDocument::fromJson(text.toUtf8()).object();
                m_frames.append({index, payload});
                switch (payload.value("op").toInt(-1)) {
                case 1:
                    if (ackHeartbeats)
                        send(ws, {{"op", 11}});
                    break;
                case 2:
                    send(ws, {{"op", 0}, {"t", "READY"}, {"s", ++m_seq},
                              {"d", QJsonObject{{"v", 10}, {"session_id", "sess-1"}, {"resume_gateway_url", gatewayUrl()},
                                                {"user", QJsonObject{{"id", kBotUserId}, {"username", "kinbot"}, {"bot", true}}}}}});
                    break;
                case 6:
                    send(ws, {{"op", 0}, {"t", "RESUMED"}, {"s", ++m_seq}, {"d", QJsonValue::Null}});
                    break;
                default:
                    break;
                }
            });
            send(ws, {{"op", 10}, {"d", QJsonObject{{"heartbeat_interval", heartbeatMs}}}});
        }
    });
}

FakeDiscordServer::~FakeDiscordServer()
{
    for (QWebSocket *ws : std::as_const(m_sockets))
        ws->disconnect(this);
}

bool FakeDiscordServer::listen()
{
    m_httpPort = m_http->listen(QHostAddress::LocalHost, 0);
    return m_httpPort != 0 && m_ws->listen(QHostAddress::LocalHost, 0);
}

QString FakeDiscordServer::restUrl() const
{
    return QStringLiteral("http://127.0.0.1:%1").arg(m_httpPort);
}

QString FakeDiscordServer::gatewayUrl() const
{
    return QStringLiteral("ws://127.0.0.1:%1").arg(m_ws->serverPort());
}

void FakeDiscordServer::send(QWebSocket *ws, const QJsonObject &payload)
{
    ws->sendTextMessage(QString::fromUtf8(QJsonDocument(payload).toJson(QJsonDocument::Compact)));
}

QString FakeDiscordServer::dispatchMessage(const QString &channelId, const QString &authorId, const QString &username, const QString &content,
                                           bool bot, const QString &globalName)
{
    const QString id = QString::number(++m_nextId);
    QJsonObject author{{"id", authorId}, {"username", username}, {"global_name", globalName.isEmpty() ? QJsonValue::Null : QJsonValue(globalName)}};
    if (bot)
        author.insert("bot", true);
    if (m_current)
        send(m_current, {{"op", 0}, {"t", "MESSAGE_CREATE"}, {"s", ++m_seq},
                         {"d", QJsonObject{{"id", id}, {"channel_id", channelId}, {"author", author}, {"content", content}, {"type", 0}}}});
    return id;
}

void FakeDiscordServer::sendOp(int op, const QJsonValue &d)
{
    if (m_current)
        send(m_current, {{"op", op}, {"d", d}});
}

void FakeDiscordServer::closeCurrent(int code)
{
    if (m_current)
        m_current->close(QWebSocketProtocol::CloseCode(code), QStringLiteral("fake close"));
}

QList<FakeDiscordServer::Call> FakeDiscordServer::calls(const QString &pathPart) const
{
    QList<Call> out;
    for (const Call &c : m_calls)
        if (pathPart.isEmpty() || c.path.contains(pathPart))
            out.append(c);
    return out;
}

QList<FakeDiscordServer::Frame> FakeDiscordServer::frames(int op) const
{
    QList<Frame> out;
    for (const Frame &f : m_frames)
        if (op < 0 || f.payload.value("op").toInt(-1) == op)
            out.append(f);
    return out;
}

int FakeDiscordServer::openConnections() const
{
    return int(m_sockets.size());
}

bool FakeDiscordServer::waitForFrames(int op, int count, int timeoutMs) const
{
    return QTest::qWaitFor([&] { return frames(op).size() >= count; }, timeoutMs);
}

bool FakeDiscordServer::waitForCalls(const QString &pathPart, int count, int timeoutMs) const
{
    return QTest::qWaitFor([&] { return calls(pathPart).size() >= count; }, timeoutMs);
}

} // namespace kinbot::test
