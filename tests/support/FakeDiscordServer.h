#pragma once

#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QString>

class QHttpServer;
class QWebSocket;
class QWebSocketServer;

namespace kinbot::test {

// A scripted Discord on loopback: the REST API (v10 paths; "Authorization: Bot <valid token>" else 401) answering
// GET /users/@me, GET /gateway/bot (this fake's Gateway URL), POST /channels/{id}/messages (a new id) and
// POST /channels/{id}/typing (204); and a Gateway (QWebSocketServer) that says HELLO with heartbeatMs, ACKs heartbeats
// (unless ackHeartbeats is false), answers IDENTIFY with READY (session "sess-1", resume_gateway_url = this Gateway, the
// bot user "999") and RESUME with RESUMED. Records REST calls, connections and every frame the client sent.
class FakeDiscordServer final : public QObject
{
    Q_OBJECT
public:
    static constexpr const char *kBotUserId = "999";
    struct Call
    {
        QString verb;
        QString path;
        QJsonObject body;
    };
    struct Frame
    {
        int connection; // 1-based, in order of connection
        QJsonObject payload;
    };

    explicit FakeDiscordServer(QString validToken, QObject *parent = nullptr);
    ~FakeDiscordServer() override;

    bool listen();
    QString restUrl() const;
    QString gatewayUrl() const;
    // A MESSAGE_CREATE on the current connection → the message id.
    QString dispatchMessage(const QString &channelId, const QString &authorId, const QString &username, const QString &content,
                            bool bot = false, const QString &globalName = {});
    void sendOp(int op, const QJsonValue &d);
    // Closes the current connection with a close code (as Discord does when it wants a resume).
    void closeCurrent(int code = 4000);

    QList<Call> calls(const QString &pathPart = {}) const;
    QList<Frame> frames(int op = -1) const;
    int connections() const { return m_connectionCount; }
    int openConnections() const;
    QStringList connectionQueries() const { return m_queries; }
    bool waitForFrames(int op, int count, int timeoutMs = 10000) const;
    bool waitForCalls(const QString &pathPart, int count, int timeoutMs = 10000) const;

    int heartbeatMs = 300;
    bool ackHeartbeats = true;

private:
    void send(QWebSocket *ws, const QJsonObject &payload);

    QHttpServer *m_http;
    QWebSocketServer *m_ws;
    quint16 m_httpPort = 0;
    QString m_validToken;
    QList<Call> m_calls;
    QList<Frame> m_frames;
    QList<QWebSocket *> m_sockets;
    QStringList m_queries;
    QWebSocket *m_current = nullptr;
    int m_connectionCount = 0;
    int m_seq = 0;
    int m_nextId = 100;
};

} // namespace kinbot::test
