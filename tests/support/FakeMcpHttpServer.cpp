#include "FakeMcpHttpServer.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTcpServer>
#include <QTcpSocket>

namespace kinbot::test {

namespace {

QByteArray json(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

QJsonObject textResult(const QString &text)
{
    return {{QStringLiteral("content"), QJsonArray{QJsonObject{{QStringLiteral("type"), QStringLiteral("text")}, {QStringLiteral("text"), text}}}}};
}

void write(QTcpSocket *s, int status, const QByteArray &contentType, const QByteArray &body, const QByteArray &extraHeaders = {})
{
    QByteArray head = "HTTP/1.1 " + QByteArray::number(status) + " X\r\nConnection: close\r\n";
    if (!contentType.isEmpty())
        head += "Content-Type: " + contentType + "\r\n";
    head += extraHeaders;
    head += "Content-Length: " + QByteArray::number(body.size()) + "\r\n\r\n";
    s->write(head + body);
    s->disconnectFromHost();
}

} // namespace

FakeMcpHttpServer::FakeMcpHttpServer(QObject *parent) : QObject(parent), m_server(new QTcpServer(this))
{
    connect(m_server, &QTcpServer::newConnection, this, [this] {
        while (QTcpSocket *s = m_server->nextPendingConnection()) {
            connect(s, &QTcpSocket::readyRead, this, [this, s] { onReadable(s); });
            connect(s, &QTcpSocket::disconnected, this, [this, s] {
                m_buffers.remove(s);
                s->deleteLater();
            });
        }
    });
}

FakeMcpHttpServer::~FakeMcpHttpServer() = default;

bool FakeMcpHttpServer::listen()
{
    return m_server->listen(QHostAddress::LocalHost, 0);
}

QString FakeMcpHttpServer::url() const
{
    return QStringLiteral("http://127.0.0.1:%1/mcp").arg(m_server->serverPort());
}

void FakeMcpHttpServer::onReadable(QTcpSocket *socket)
{
    QByteArray &buf = m_buffers[socket];
    buf += socket->readAll();
    const qsizetype end = buf.indexOf("\r\n\r\n");
    if (end < 0)
        return;
    const QList<QByteArray> lines = buf.left(end).split('\n');
    Request r;
    r.httpMethod = lines.value(0).split(' ').value(0);
    qsizetype length = 0;
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const qsizetype colon = lines[i].indexOf(':');
        if (colon <= 0)
            continue;
        const QByteArray name = lines[i].left(colon).trimmed().toLower();
        r.headers.insert(name, lines[i].mid(colon + 1).trimmed());
        if (name == "content-length")
            length = lines[i].mid(colon + 1).trimmed().toLongLong();
    }
    if (buf.size() < end + 4 + length)
        return;
    r.body = QJsonDocument::fromJson(buf.mid(end + 4, length)).object();
    r.rpcMethod = r.body.value(QStringLiteral("method")).toString();
    buf.clear();
    m_requests.append(r);
    answer(socket, r);
}

void FakeMcpHttpServer::answer(QTcpSocket *s, const Request &r)
{
    if (m_failStatus)
        return write(s, m_failStatus, "text/plain", "nope");
    if (r.httpMethod == "DELETE") {
        m_live.remove(r.headers.value("mcp-session-id"));
        return write(s, 200, {}, {});
    }
    const QJsonValue id = r.body.value(QStringLiteral("id"));
    if (r.rpcMethod == QLatin1String("initialize")) {
        m_session = "session-" + QByteArray::number(++m_sessions);
        m_live.insert(m_session);
        const QJsonObject result{{QStringLiteral("protocolVersion"), QStringLiteral("2025-03-26")},
                                 {QStringLiteral("capabilities"), QJsonObject{{QStringLiteral("tools"), QJsonObject()}}},
                                 {QStringLiteral("serverInfo"), QJsonObject{{QStringLiteral("name"), QStringLiteral("fake-http")}}}};
        return write(s, 200, "application/json", json({{QStringLiteral("jsonrpc"), QStringLiteral("2.0")}, {QStringLiteral("id"), id}, {QStringLiteral("result"), result}}),
                     "Mcp-Session-Id: " + m_session + "\r\n");
    }
    if (!r.headers.contains("mcp-session-id"))
        return write(s, 400, "text/plain", "no session");
    if (!m_live.contains(r.headers.value("mcp-session-id")))
        return write(s, 404, "text/plain", "unknown session");
    if (id.isUndefined() || r.rpcMethod.isEmpty()) // a notification, or our answer to the server's request
        return write(s, 202, {}, {});
    QByteArray sse;
    if (r.rpcMethod == QLatin1String("tools/list")) {
        const auto tool = [](const char *name, const char *description) {
            return QJsonObject{{QStringLiteral("name"), QLatin1String(name)}, {QStringLiteral("description"), QLatin1String(description)},
                               {QStringLiteral("inputSchema"), QJsonObject{{QStringLiteral("type"), QStringLiteral("object")}}}};
        };
        const QJsonObject result{{QStringLiteral("tools"), QJsonArray{tool("echo", "Echoes over HTTP"), tool("whoami", "The Authorization it got")}}};
        sse += ": stream opened\n\n";
        sse += "event: message\ndata: " + json({{QStringLiteral("jsonrpc"), QStringLiteral("2.0")}, {QStringLiteral("id"), QStringLiteral("srv-1")},
                                                 {QStringLiteral("method"), QStringLiteral("ping")}}) + "\n\n";
        sse += "event: message\ndata: " + json({{QStringLiteral("jsonrpc"), QStringLiteral("2.0")}, {QStringLiteral("id"), id}, {QStringLiteral("result"), result}}) + "\n\n";
    } else if (r.rpcMethod == QLatin1String("tools/call")) {
        const QJsonObject params = r.body.value(QStringLiteral("params")).toObject();
        const QString name = params.value(QStringLiteral("name")).toString();
        QJsonObject result;
        if (name == QLatin1String("echo"))
            result = textResult(QStringLiteral("http:") + params.value(QStringLiteral("arguments")).toObject().value(QStringLiteral("text")).toString());
        else if (name == QLatin1String("whoami"))
            result = textResult(QString::fromUtf8(r.headers.value("authorization")));
        else
            result = QJsonObject{{QStringLiteral("content"), QJsonArray()}, {QStringLiteral("isError"), true}};
        sse += "data: " + json({{QStringLiteral("jsonrpc"), QStringLiteral("2.0")}, {QStringLiteral("method"), QStringLiteral("notifications/progress")},
                                {QStringLiteral("params"), QJsonObject{{QStringLiteral("progress"), 1}}}}) + "\n\n";
        sse += "data: " + json({{QStringLiteral("jsonrpc"), QStringLiteral("2.0")}, {QStringLiteral("id"), id}, {QStringLiteral("result"), result}}) + "\n\n";
    } else {
        return write(s, 200, "application/json", json({{QStringLiteral("jsonrpc"), QStringLiteral("2.0")}, {QStringLiteral("id"), id},
                                                       {QStringLiteral("error"), QJsonObject{{QStringLiteral("code"), -32601}, {QStringLiteral("message"), QStringLiteral("nope")}}}}));
    }
    write(s, 200, "text/event-stream", sse);
}

} // namespace kinbot::test
