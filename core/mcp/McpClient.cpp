#include "mcp/McpClient.h"

#include "mcp/McpHttpTransport.h"
#include "mcp/McpStdioTransport.h"

#include <QJsonArray>
#include <QTimer>
#include <QUrl>

#include <utility>

namespace kinbot {

namespace {

ApiError disconnected(const QString &reason)
{
    return ApiError::unavailable(QStringLiteral("MCP_DISCONNECTED"), reason);
}

ApiError timedOut(const QString &what, int ms)
{
    return {ErrorKind::GatewayTimeout, QStringLiteral("MCP_TIMEOUT"), QStringLiteral("%1 timed out after %2 ms").arg(what).arg(ms)};
}

} // namespace

McpClient::McpClient(McpServerRecord config, QNetworkAccessManager &network, McpTimeouts timeouts, QObject *parent)
    : QObject(parent), m_config(std::move(config)), m_network(network), m_timeouts(timeouts)
{
}

McpClient::~McpClient()
{
    m_waiters.clear();
    for (Pending &p : m_pending)
        delete p.timer;
    m_pending.clear();
    if (m_transport) {
        m_transport->QObject::disconnect(this);
        m_transport->close();
        delete m_transport;
    }
}

void McpClient::ensureConnected(std::function<void(Status)> done)
{
    if (m_state == State::Ready) {
        QTimer::singleShot(0, this, [done = std::move(done)] { done({}); });
        return;
    }
    m_waiters.append(std::move(done));
    if (m_state == State::Idle)
        startConnect();
}

void McpClient::startConnect()
{
    m_state = State::Connecting;
    m_tools.clear();
    McpTransport *t = nullptr;
    if (m_config.isHttp())
        t = new McpHttpTransport(m_network, QUrl(m_config.url), m_config.headers, this);
    else
        t = new McpStdioTransport(m_config.command, m_config.args, m_config.env, this);
    m_transport = t;
    connect(t, &McpTransport::opened, this, &McpClient::onOpened);
    connect(t, &McpTransport::message, this, &McpClient::onMessage);
    connect(t, &McpTransport::requestFailed, this, [this](const QJsonValue &id, const QString &reason) {
        settle(id.toInteger(), disconnected(reason));
    });
    connect(t, &McpTransport::closed, this, [this](const QString &reason) { teardown(disconnected(reason)); });
    m_connectTimer = new QTimer(this);
    m_connectTimer->setSingleShot(true);
    connect(m_connectTimer, &QTimer::timeout, this, [this] {
        teardown(timedOut(QStringLiteral("Connecting to the MCP server"), m_timeouts.connectMs));
    });
    m_connectTimer->start(m_timeouts.connectMs);
    t->open();
}

void McpClient::onOpened()
{
    const QJsonObject params{{QStringLiteral("protocolVersion"), QLatin1String(kProtocolVersion)},
                             {QStringLiteral("capabilities"), QJsonObject()},
                             {QStringLiteral("clientInfo"), QJsonObject{{QStringLiteral("name"), QStringLiteral("kinbot-desktop")},
                                                                        {QStringLiteral("version"), QStringLiteral(KINBOT_VERSION)}}}};
    request(QStringLiteral("initialize"), params, m_timeouts.connectMs, [this](Result<QJsonValue> r) {
        if (!r)
            return connectFinished(r.error());
        const QString version = r->toObject().value(QStringLiteral("protocolVersion")).toString();
        if (auto *http = qobject_cast<McpHttpTransport *>(m_transport.data()))
            http->setProtocolVersion(version);
        notify(QStringLiteral("notifications/initialized"));
        listTools({}, {});
    });
}

void McpClient::listTools(const QString &cursor, QList<McpToolInfo> acc)
{
    QJsonObject params;
    if (!cursor.isEmpty())
        params.insert(QStringLiteral("cursor"), cursor);
    request(QStringLiteral("tools/list"), params, m_timeouts.connectMs, [this, acc](Result<QJsonValue> r) mutable {
        if (!r)
            return connectFinished(r.error());
        const QJsonObject result = r->toObject();
        for (const QJsonValue &v : result.value(QStringLiteral("tools")).toArray()) {
            const QJsonObject t = v.toObject();
            if (t.value(QStringLiteral("name")).toString().isEmpty())
                continue;
            acc.append({t.value(QStringLiteral("name")).toString(), t.value(QStringLiteral("description")).toString(),
                        t.value(QStringLiteral("inputSchema")).toObject()});
        }
        const QString next = result.value(QStringLiteral("nextCursor")).toString();
        if (!next.isEmpty() && acc.size() < 10000) // a server paging forever stops somewhere
            return listTools(next, acc);
        m_tools = acc;
        connectFinished({});
    });
}

void McpClient::connectFinished(const Status &st)
{
    if (!st) {
        teardown(st.error());
        return;
    }
    m_connectTimer->stop();
    m_connectTimer->deleteLater();
    m_connectTimer = nullptr;
    m_state = State::Ready;
    m_lastError.clear();
    const auto waiters = std::exchange(m_waiters, {});
    for (const auto &w : waiters)
        w({});
}

void McpClient::request(const QString &method, const QJsonObject &params, int timeoutMs, Answer answer)
{
    const qint64 id = m_nextId++;
    Pending p;
    p.answer = std::move(answer);
    p.timer = new QTimer(this);
    p.timer->setSingleShot(true);
    connect(p.timer, &QTimer::timeout, this, [this, id, method, timeoutMs] {
        settle(id, timedOut(QStringLiteral("MCP %1").arg(method), timeoutMs));
    });
    p.timer->start(timeoutMs);
    m_pending.insert(id, std::move(p));
    QJsonObject message{{QStringLiteral("jsonrpc"), QStringLiteral("2.0")}, {QStringLiteral("id"), id}, {QStringLiteral("method"), method}};
    if (!params.isEmpty() || method != QLatin1String("tools/list"))
        message.insert(QStringLiteral("params"), params);
    if (!m_transport) { // the server went away since the caller looked
        QTimer::singleShot(0, this, [this, id] { settle(id, disconnected(m_lastError.isEmpty() ? QStringLiteral("Not connected") : m_lastError)); });
        return;
    }
    m_transport->send(message);
}

void McpClient::notify(const QString &method, const QJsonObject &params)
{
    QJsonObject message{{QStringLiteral("jsonrpc"), QStringLiteral("2.0")}, {QStringLiteral("method"), method}};
    if (!params.isEmpty())
        message.insert(QStringLiteral("params"), params);
    if (m_transport)
        m_transport->send(message);
}

void McpClient::onMessage(const QJsonObject &message)
{
    const QJsonValue id = message.value(QStringLiteral("id"));
    const QString method = message.value(QStringLiteral("method")).toString();
    if (!method.isEmpty()) {
        if (id.isUndefined() || id.isNull()) {
            if (method == QLatin1String("notifications/tools/list_changed") && m_state == State::Ready)
                request(QStringLiteral("tools/list"), {}, m_timeouts.connectMs, [this](Result<QJsonValue> r) {
                    if (!r)
                        return;
                    QList<McpToolInfo> tools;
                    for (const QJsonValue &v : r->toObject().value(QStringLiteral("tools")).toArray()) {
                        const QJsonObject t = v.toObject();
                        tools.append({t.value(QStringLiteral("name")).toString(), t.value(QStringLiteral("description")).toString(),
                                      t.value(QStringLiteral("inputSchema")).toObject()});
                    }
                    m_tools = tools;
                });
            return;
        }
        // A request from the server: we offer no client capabilities but ping.
        QJsonObject reply{{QStringLiteral("jsonrpc"), QStringLiteral("2.0")}, {QStringLiteral("id"), id}};
        if (method == QLatin1String("ping"))
            reply.insert(QStringLiteral("result"), QJsonObject());
        else
            reply.insert(QStringLiteral("error"), QJsonObject{{QStringLiteral("code"), -32601}, {QStringLiteral("message"), QStringLiteral("Method not found")}});
        if (m_transport)
            m_transport->send(reply);
        return;
    }
    if (!id.isDouble())
        return;
    if (message.contains(QStringLiteral("error"))) {
        const QJsonObject e = message.value(QStringLiteral("error")).toObject();
        settle(id.toInteger(), ApiError{ErrorKind::BadGateway, QStringLiteral("MCP_ERROR"),
                                        QStringLiteral("MCP error %1: %2").arg(e.value(QStringLiteral("code")).toInt())
                                            .arg(e.value(QStringLiteral("message")).toString())});
        return;
    }
    settle(id.toInteger(), message.value(QStringLiteral("result")));
}

void McpClient::settle(qint64 id, const Result<QJsonValue> &result)
{
    auto it = m_pending.find(id);
    if (it == m_pending.end())
        return;
    Pending p = std::move(*it);
    m_pending.erase(it);
    p.timer->stop();
    p.timer->deleteLater(); // may be the sender
    p.answer(result);
}

void McpClient::teardown(const ApiError &error)
{
    const QString reason = error.message;
    m_lastError = reason;
    m_state = State::Idle;
    m_tools.clear();
    if (m_connectTimer) {
        m_connectTimer->stop();
        m_connectTimer->deleteLater(); // may be the sender
        m_connectTimer = nullptr;
    }
    if (m_transport) {
        McpTransport *t = m_transport;
        m_transport = nullptr;
        t->QObject::disconnect(this);
        t->close();
        t->deleteLater();
    }
    const auto pending = std::exchange(m_pending, {});
    const auto waiters = std::exchange(m_waiters, {});
    for (const Pending &p : pending) {
        p.timer->stop();
        p.timer->deleteLater();
        p.answer(error);
    }
    for (const auto &w : waiters)
        w(error);
}

void McpClient::disconnect(const QString &reason)
{
    if (m_state != State::Idle || m_transport)
        teardown(ApiError::unavailable(QStringLiteral("MCP_CLOSED"), reason));
}

void McpClient::callTool(const QString &name, const QJsonObject &arguments, std::function<void(Result<QJsonObject>)> done)
{
    attemptCall(name, arguments, true, std::move(done));
}

void McpClient::attemptCall(const QString &name, const QJsonObject &arguments, bool mayRetry, std::function<void(Result<QJsonObject>)> done)
{
    QPointer<McpClient> self(this);
    ensureConnected([self, name, arguments, mayRetry, done](Status st) {
        if (!self)
            return;
        if (!st)
            return done(st.error());
        const QJsonObject params{{QStringLiteral("name"), name}, {QStringLiteral("arguments"), arguments}};
        self->request(QStringLiteral("tools/call"), params, self->m_timeouts.callMs, [self, name, arguments, mayRetry, done](Result<QJsonValue> r) {
            if (!self)
                return;
            if (r)
                return done(r->toObject());
            if (mayRetry && isMcpTransportError(r.error())) {
                // A hung or dead server: start it again and try once more.
                self->disconnect(r.error().message);
                QTimer::singleShot(0, self, [self, name, arguments, done] {
                    if (self)
                        self->attemptCall(name, arguments, false, done);
                });
                return;
            }
            if (isMcpTransportError(r.error()))
                self->disconnect(r.error().message);
            done(r.error());
        });
    });
}

} // namespace kinbot
