#pragma once

#include "mcp/McpTransport.h"

#include <QHash>
#include <QMap>
#include <QPointer>
#include <QUrl>

#include <memory>

class QNetworkAccessManager;
class QNetworkReply;
class QNetworkRequest;

namespace kinbot {

// MCP over Streamable HTTP (spec 2025-03-26): every message is a POST to the endpoint with
// `Accept: application/json, text/event-stream`; a request's answer comes back as one JSON body or as an SSE stream
// carrying it. The Mcp-Session-Id the server gives at initialize is sent on every later request; close() ends the
// session with a DELETE. No standalone GET stream (servers may not push unasked).
class McpHttpTransport final : public McpTransport
{
    Q_OBJECT
public:
    McpHttpTransport(QNetworkAccessManager &network, QUrl url, QMap<QString, QString> headers, QObject *parent = nullptr);
    ~McpHttpTransport() override;

    void open() override;
    void send(const QJsonObject &message) override;
    void close() override;

    QString sessionId() const { return m_sessionId; }
    void setProtocolVersion(const QString &version) { m_protocolVersion = version; }

    static constexpr qsizetype kMaxBodyBytes = 16 * 1024 * 1024;

private:
    struct Pending
    {
        QJsonValue id;       // undefined for notifications
        QByteArray buffer;   // unparsed SSE bytes
        bool sse = false;
        bool answered = false;
    };
    QNetworkRequest request() const;
    void onReadyRead(QNetworkReply *reply);
    void onFinished(QNetworkReply *reply);
    void deliver(Pending &p, const QByteArray &json);
    void drainEvents(Pending &p, bool atEnd);

    QNetworkAccessManager &m_network;
    QUrl m_url;
    QMap<QString, QString> m_headers;
    QString m_sessionId;
    QString m_protocolVersion;
    QHash<QNetworkReply *, std::shared_ptr<Pending>> m_replies; // shared: a handler may send (and rehash) mid-parse
    bool m_closed = false;
};

} // namespace kinbot
