#pragma once

#include "events/EventBus.h"
#include "http/Responder.h"

#include <QHash>
#include <QObject>
#include <QTimer>

#include <memory>

namespace kinbot {

class Clock;
class Logger;

// The live SSE connections of /api/sse and the fan-out of EventBus events to them:
// broadcast and Kin events to every connection (as the reference does; the client filters by kinId), user events only
// to that user's connections. Each event is serialised and chunk-framed once. A `ping` goes out every keep-alive period.
// A connection is dropped as soon as its socket disconnects or is destroyed (never written after close).
class SseHub final : public QObject
{
    Q_OBJECT
public:
    SseHub(EventBus &bus, const Clock &clock, Logger &logger, int keepAliveMs, QObject *parent = nullptr);
    ~SseHub() override;

    // Takes over a connection: writes the headers and the `connected` frame. Returns the connection id.
    QString attach(Responder &&responder, const HeaderPairs &commonHeaders, const QString &userId, const QString &sessionId,
                   bool isAdmin = false);

    int connectionCount() const { return int(m_connections.size()); }
    // Ends the streams of a signed-out session or a deleted user.
    void closeSession(const QString &sessionId);
    void closeUser(const QString &userId);

    static QByteArray frame(const QByteArray &eventName, const QByteArray &json);

private:
    struct Connection
    {
        QString id;
        QString userId;
        QString sessionId;
        bool isAdmin = false;
        Responder responder;
    };
    void onEvent(const kinbot::Event &event);
    void sendPing();
    void drop(QTcpSocket *socket);

    const Clock &m_clock;
    Logger &m_logger;
    QTimer m_ping;
    QHash<QTcpSocket *, std::shared_ptr<Connection>> m_connections;
};

} // namespace kinbot
