#pragma once

#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QSet>
#include <QString>

class QTcpServer;
class QTcpSocket;

namespace kinbot::test {

// A Streamable HTTP MCP server on loopback for the tests (one endpoint, /mcp). initialize answers JSON with an
// Mcp-Session-Id; later requests must carry it (else 400); tools/list answers as an SSE stream (a comment and a ping
// request first); tools/call answers as SSE with a progress notification before the result; notifications get 202;
// DELETE ends the session. Tools: echo {text}, whoami (the Authorization header it got).
class FakeMcpHttpServer final : public QObject
{
    Q_OBJECT
public:
    struct Request
    {
        QByteArray httpMethod;
        QString rpcMethod;
        QHash<QByteArray, QByteArray> headers; // lower-case names
        QJsonObject body;
    };

    explicit FakeMcpHttpServer(QObject *parent = nullptr);
    ~FakeMcpHttpServer() override;

    bool listen();
    QString url() const;
    const QList<Request> &requests() const { return m_requests; }
    QString sessionId() const { return QString::fromLatin1(m_session); } // the newest
    // Answer every request with this HTTP status (0 = normal behaviour).
    void failWith(int status) { m_failStatus = status; }
    // Forget every session (a restarted server): their requests get 404.
    void expireSessions() { m_live.clear(); }

private:
    void onReadable(QTcpSocket *socket);
    void answer(QTcpSocket *socket, const Request &request);

    QTcpServer *m_server = nullptr;
    QHash<QTcpSocket *, QByteArray> m_buffers;
    QList<Request> m_requests;
    QByteArray m_session;
    QSet<QByteArray> m_live; // sessions not ended by a DELETE
    int m_failStatus = 0;
    int m_sessions = 0;
};

} // namespace kinbot::test
