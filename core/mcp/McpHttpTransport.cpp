#include "mcp/McpHttpTransport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTimer>

namespace kinbot {

McpHttpTransport::McpHttpTransport(QNetworkAccessManager &network, QUrl url, QMap<QString, QString> headers, QObject *parent)
    : McpTransport(parent), m_network(network), m_url(std::move(url)), m_headers(std::move(headers))
{
}

McpHttpTransport::~McpHttpTransport()
{
    close();
}

void McpHttpTransport::open()
{
    QTimer::singleShot(0, this, [this] {
        if (!m_closed)
            Q_EMIT opened();
    });
}

QNetworkRequest McpHttpTransport::request() const
{
    QNetworkRequest r(m_url);
    for (auto it = m_headers.begin(); it != m_headers.end(); ++it)
        r.setRawHeader(it.key().toUtf8(), it.value().toUtf8());
    r.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    r.setRawHeader("Accept", "application/json, text/event-stream");
    if (!m_sessionId.isEmpty())
        r.setRawHeader("Mcp-Session-Id", m_sessionId.toUtf8());
    if (!m_protocolVersion.isEmpty())
        r.setRawHeader("MCP-Protocol-Version", m_protocolVersion.toUtf8());
    r.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::NoLessSafeRedirectPolicy);
    return r;
}

void McpHttpTransport::send(const QJsonObject &message)
{
    if (m_closed)
        return;
    QNetworkReply *reply = m_network.post(request(), QJsonDocument(message).toJson(QJsonDocument::Compact));
    auto p = std::make_shared<Pending>();
    if (message.contains(QStringLiteral("method"))) // a request waits for its answer; a notification or a reply does not
        p->id = message.value(QStringLiteral("id"));
    m_replies.insert(reply, p);
    connect(reply, &QNetworkReply::readyRead, this, [this, reply] { onReadyRead(reply); });
    connect(reply, &QNetworkReply::finished, this, [this, reply] { onFinished(reply); });
}

void McpHttpTransport::deliver(Pending &p, const QByteArray &json)
{
    const QJsonDocument doc = QJsonDocument::fromJson(json);
    QList<QJsonObject> messages;
    if (doc.isObject())
        messages << doc.object();
    else if (doc.isArray())
        for (const QJsonValue &v : doc.array())
            if (v.isObject())
                messages << v.toObject();
    for (const QJsonObject &m : std::as_const(messages)) {
        if (m_closed)
            return;
        if (!p.id.isUndefined() && m.value(QStringLiteral("id")) == p.id && !m.contains(QStringLiteral("method")))
            p.answered = true;
        Q_EMIT message(m);
    }
}

// SSE frames are separated by a blank line; a frame's data lines, joined by \n, are one JSON-RPC message.
void McpHttpTransport::drainEvents(Pending &p, bool atEnd)
{
    p.buffer.replace("\r\n", "\n");
    for (;;) {
        qsizetype end = p.buffer.indexOf("\n\n");
        if (end < 0) {
            if (!atEnd || p.buffer.trimmed().isEmpty())
                return;
            end = p.buffer.size();
        }
        const QByteArray frame = p.buffer.left(end);
        p.buffer.remove(0, qMin(end + 2, p.buffer.size()));
        QByteArray data;
        for (const QByteArray &line : frame.split('\n')) {
            if (!line.startsWith("data:"))
                continue;
            QByteArray value = line.mid(5);
            if (value.startsWith(' '))
                value.remove(0, 1);
            data += (data.isEmpty() ? QByteArray() : QByteArrayLiteral("\n")) + value;
        }
        if (!data.isEmpty())
            deliver(p, data);
        if (m_closed)
            return;
    }
}

void McpHttpTransport::onReadyRead(QNetworkReply *reply)
{
    const std::shared_ptr<Pending> p = m_replies.value(reply);
    if (!p || m_closed)
        return;
    if (const QByteArray sid = reply->rawHeader("Mcp-Session-Id"); !sid.isEmpty())
        m_sessionId = QString::fromUtf8(sid);
    if (p->buffer.isEmpty() && !p->sse)
        p->sse = reply->header(QNetworkRequest::ContentTypeHeader).toString().startsWith(QLatin1String("text/event-stream"));
    if (!p->sse)
        return; // a JSON body is read whole at the end
    p->buffer += reply->readAll();
    if (p->buffer.size() > kMaxBodyBytes) {
        reply->abort();
        return;
    }
    drainEvents(*p, false);
    if (!m_closed && p->answered && m_replies.contains(reply)) // the stream may stay open: its answer is in
        reply->abort();
}

void McpHttpTransport::onFinished(QNetworkReply *reply)
{
    reply->deleteLater();
    const std::shared_ptr<Pending> entry = m_replies.take(reply);
    if (!entry || m_closed)
        return;
    Pending &p = *entry;
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (const QByteArray sid = reply->rawHeader("Mcp-Session-Id"); !sid.isEmpty())
        m_sessionId = QString::fromUtf8(sid);
    if (p.answered)
        return;
    if (status == 404 && !m_sessionId.isEmpty()) {
        close();
        Q_EMIT closed(QStringLiteral("The MCP session expired (HTTP 404)"));
        return;
    }
    if (reply->error() != QNetworkReply::NoError && reply->error() != QNetworkReply::OperationCanceledError && status < 400) {
        if (!p.id.isUndefined())
            Q_EMIT requestFailed(p.id, QStringLiteral("MCP server unreachable: %1").arg(reply->errorString()));
        return;
    }
    if (status >= 400) {
        if (!p.id.isUndefined())
            Q_EMIT requestFailed(p.id, QStringLiteral("The MCP server answered HTTP %1").arg(status));
        return;
    }
    const bool sse = p.sse || reply->header(QNetworkRequest::ContentTypeHeader).toString().startsWith(QLatin1String("text/event-stream"));
    const QByteArray rest = reply->readAll();
    if (sse) {
        p.buffer += rest;
        drainEvents(p, true);
    } else if (!rest.trimmed().isEmpty()) {
        deliver(p, rest);
    }
    if (!m_closed && !p.answered && !p.id.isUndefined())
        Q_EMIT requestFailed(p.id, QStringLiteral("The MCP server closed the response without an answer"));
}

void McpHttpTransport::close()
{
    if (m_closed)
        return;
    m_closed = true;
    const auto replies = m_replies.keys();
    m_replies.clear();
    for (QNetworkReply *r : replies) {
        r->disconnect(this);
        r->abort();
        r->deleteLater();
    }
    if (!m_sessionId.isEmpty()) {
        QNetworkRequest r = request();
        QNetworkReply *bye = m_network.deleteResource(r);
        QObject::connect(bye, &QNetworkReply::finished, bye, &QObject::deleteLater);
    }
}

} // namespace kinbot
