#include "http/SseHub.h"

#include "log/Logger.h"
#include "util/Clock.h"
#include "util/Ids.h"
#include "util/Json.h"

namespace kinbot {

SseHub::SseHub(EventBus &bus, const Clock &clock, Logger &logger, int keepAliveMs, QObject *parent)
    : QObject(parent), m_clock(clock), m_logger(logger)
{
    connect(&bus, &EventBus::published, this, &SseHub::onEvent);
    m_ping.setInterval(keepAliveMs);
    connect(&m_ping, &QTimer::timeout, this, &SseHub::sendPing);
    m_ping.start();
}

SseHub::~SseHub()
{
    for (const auto &c : std::as_const(m_connections))
        if (QTcpSocket *s = c->responder.socket())
            s->disconnect(this);
}

QByteArray SseHub::frame(const QByteArray &eventName, const QByteArray &json)
{
    return "event: " + eventName + "\ndata: " + json + "\n\n";
}

QString SseHub::attach(Responder &&responder, const HeaderPairs &commonHeaders, const QString &userId, const QString &sessionId,
                       bool isAdmin)
{
    QTcpSocket *socket = responder.socket();
    if (!socket || !responder.alive())
        return {};
    // Event frames are small and frequent: one must not wait for the client's delayed ACK of the previous one.
    socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    auto conn = std::make_shared<Connection>(Connection{ids::uuid(), userId, sessionId, isAdmin, std::move(responder)});
    HeaderPairs headers{{"Content-Type", "text/event-stream"},
                        {"Cache-Control", "no-cache"},
                        {"Connection", "keep-alive"},
                        {"X-Accel-Buffering", "no"}};
    headers.append(commonHeaders);
    conn->responder.beginChunked(200, headers);
    conn->responder.writeChunk(frame("connected",
                                     json::compact(QJsonObject{{QStringLiteral("type"), QStringLiteral("connected")},
                                                               {QStringLiteral("connectionId"), conn->id}})));
    m_connections.insert(socket, conn);
    connect(socket, &QAbstractSocket::disconnected, this, [this, socket] { drop(socket); });
    connect(socket, &QObject::destroyed, this, [this, socket] { drop(socket); });
    // Debug: at info level every open would be a log:entry frame to every admin connection (N² frames for N clients).
    m_logger.debug(QStringLiteral("sse"), QStringLiteral("SSE connection opened"),
                  {{QStringLiteral("connectionId"), conn->id},
                   {QStringLiteral("userId"), userId},
                   {QStringLiteral("total"), int(m_connections.size())}});
    return conn->id;
}

void SseHub::drop(QTcpSocket *socket)
{
    m_connections.remove(socket);
}

void SseHub::onEvent(const Event &event)
{
    if (m_connections.isEmpty())
        return;
    const QByteArray chunk = Responder::chunkFrame(frame("message", json::compact(event.wire())));
    // Copy: a write can trigger a synchronous disconnect that edits the hash.
    const auto conns = m_connections.values();
    for (const auto &c : conns) {
        if (event.scope == EventScope::User && c->userId != event.userId)
            continue;
        if (event.scope == EventScope::Admins && !c->isAdmin)
            continue;
        c->responder.writeFramed(chunk);
    }
}

void SseHub::sendPing()
{
    if (m_connections.isEmpty())
        return;
    const QByteArray chunk = Responder::chunkFrame(
        frame("ping", json::compact(QJsonObject{{QStringLiteral("type"), QStringLiteral("ping")},
                                                {QStringLiteral("timestamp"), m_clock.nowMs()}})));
    const auto conns = m_connections.values();
    for (const auto &c : conns)
        c->responder.writeFramed(chunk);
}

void SseHub::closeSession(const QString &sessionId)
{
    const auto conns = m_connections.values();
    for (const auto &c : conns)
        if (!sessionId.isEmpty() && c->sessionId == sessionId) {
            c->responder.endChunked();
            c->responder.closeAfterWrite();
        }
}

void SseHub::closeUser(const QString &userId)
{
    const auto conns = m_connections.values();
    for (const auto &c : conns)
        if (c->userId == userId) {
            c->responder.endChunked();
            c->responder.closeAfterWrite();
        }
}

} // namespace kinbot
