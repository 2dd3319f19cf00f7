#pragma once

#include <QJsonObject>
#include <QJsonValue>
#include <QObject>

namespace kinbot {

// One way of carrying MCP's JSON-RPC 2.0 messages to a server and back (stdio process or Streamable HTTP).
// open() answers opened() or closed(); after close() (or closed()) the transport emits nothing more.
class McpTransport : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;
    ~McpTransport() override = default;

    virtual void open() = 0;
    virtual void send(const QJsonObject &message) = 0;
    // Ends the connection (kills a process tree, ends an HTTP session). Idempotent.
    virtual void close() = 0;

Q_SIGNALS:
    void opened();
    void message(const QJsonObject &message);
    // The request with this id cannot be answered (HTTP error, dropped connection), while the transport lives on.
    void requestFailed(const QJsonValue &id, const QString &reason);
    // The connection is gone (process exited, session expired); reason is for humans.
    void closed(const QString &reason);
};

} // namespace kinbot
