#pragma once

#include "mcp/McpServer.h"
#include "util/Result.h"

#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QPointer>

#include <functional>

class QNetworkAccessManager;
class QTimer;

namespace kinbot {

class McpTransport;

struct McpToolInfo
{
    QString name;
    QString description;
    QJsonObject inputSchema;
};

struct McpTimeouts
{
    int connectMs = 30000; // start + initialize + tools/list
    int callMs = 120000;   // one tools/call (then one reconnect-and-retry)
};

// One live connection to one MCP server (JSON-RPC 2.0): initialize → notifications/initialized → tools/list (all pages),
// then tools/call on demand. Everything is asynchronous; answers come once through the callbacks, never from inside the
// call that asked. A call that times out or whose server goes away is retried once on a fresh connection; after that
// the caller gets the error. A crashed server is restarted on the next use. Destroying the client kills the server
// without answering pending callbacks; disconnect() answers them with an error.
class McpClient final : public QObject
{
    Q_OBJECT
public:
    McpClient(McpServerRecord config, QNetworkAccessManager &network, McpTimeouts timeouts, QObject *parent = nullptr);
    ~McpClient() override;

    static constexpr const char *kProtocolVersion = "2025-03-26";

    // Connects unless connected; done(ok) once ready, or the reason it failed.
    void ensureConnected(std::function<void(Status)> done);
    // tools/call → the call's result object ({content: [...], isError?, structuredContent?}).
    void callTool(const QString &name, const QJsonObject &arguments, std::function<void(Result<QJsonObject>)> done);
    // Kills the server; pending requests and connect waiters get an error with this reason.
    void disconnect(const QString &reason);

    bool isConnected() const { return m_state == State::Ready; }
    const QList<McpToolInfo> &tools() const { return m_tools; }
    QString lastError() const { return m_lastError; }
    const McpServerRecord &config() const { return m_config; }

private:
    enum class State { Idle, Connecting, Ready };
    using Answer = std::function<void(Result<QJsonValue>)>;
    struct Pending
    {
        Answer answer;
        QTimer *timer = nullptr;
    };

    void startConnect();
    void onOpened();
    void listTools(const QString &cursor, QList<McpToolInfo> acc);
    void connectFinished(const Status &st);
    void request(const QString &method, const QJsonObject &params, int timeoutMs, Answer answer);
    void notify(const QString &method, const QJsonObject &params = {});
    void onMessage(const QJsonObject &message);
    void settle(qint64 id, const Result<QJsonValue> &result);
    // Drops the transport; fails pending requests and waiters with reason (after the state is reset).
    void teardown(const ApiError &error);
    void attemptCall(const QString &name, const QJsonObject &arguments, bool mayRetry, std::function<void(Result<QJsonObject>)> done);

    McpServerRecord m_config;
    QNetworkAccessManager &m_network;
    McpTimeouts m_timeouts;
    State m_state = State::Idle;
    QPointer<McpTransport> m_transport;
    QTimer *m_connectTimer = nullptr;
    qint64 m_nextId = 1;
    QHash<qint64, Pending> m_pending;
    QList<std::function<void(Status)>> m_waiters;
    QList<McpToolInfo> m_tools;
    QString m_lastError;
};

// A request that failed on the way (timeout, server gone) rather than being refused by the server.
inline bool isMcpTransportError(const ApiError &e)
{
    return e.code == QLatin1String("MCP_TIMEOUT") || e.code == QLatin1String("MCP_DISCONNECTED");
}

} // namespace kinbot
