#pragma once

#include <QByteArray>
#include <QObject>
#include <QPointer>
#include <QTcpServer>

#include <functional>

class QTcpSocket;

namespace kinbot {

// QHttpServer 6.4 reads a whole request body into memory before any handler sees it. This guard sits on each socket
// in front of Qt's reader (its readyRead slot is connected first): when a request's headers announce a body over the
// route's limit (Content-Length), or a chunked body grows past it, it answers 413 itself, discards what the client
// keeps sending and closes — so an oversized upload costs neither memory nor disk.
class BodyLimitGuard final : public QObject
{
    Q_OBJECT
public:
    // method + encoded path → the body limit of the route that will serve it.
    using LimitFor = std::function<qint64(const QByteArray &method, const QByteArray &path)>;

    static constexpr int kMaxHeaderBytes = 32 * 1024;
    static constexpr int kDrainMs = 2000; // how long a refused client may keep sending before the connection is cut

    // minLimit: the smallest limit of any route; bodies up to it pass without looking the route up.
    BodyLimitGuard(QTcpSocket *socket, LimitFor limitFor, qint64 minLimit);

    // Parses the head of a request at the start of data: method, path, Content-Length (-1 when absent), chunked.
    struct Head
    {
        QByteArray method;
        QByteArray path;
        qint64 contentLength = -1;
        bool chunked = false;
        qsizetype headerBytes = 0; // up to and including the blank line
    };
    static bool parseHead(const QByteArray &data, Head &out);

private:
    void onReadyRead();
    void refuse(qint64 limit);

    QPointer<QTcpSocket> m_socket;
    LimitFor m_limitFor;
    qint64 m_minLimit = 0;
    bool m_refused = false;
    // A chunked body in flight: bytes seen since its headers, and its limit.
    qint64 m_chunkedSeen = -1;
    qint64 m_chunkedLimit = 0;
};

// A QTcpServer whose sockets get a BodyLimitGuard before QAbstractHttpServer connects its own reader.
class GuardedTcpServer final : public QTcpServer
{
    Q_OBJECT
public:
    GuardedTcpServer(BodyLimitGuard::LimitFor limitFor, qint64 minLimit, QObject *parent = nullptr)
        : QTcpServer(parent), m_limitFor(std::move(limitFor)), m_minLimit(minLimit)
    {
    }

protected:
    void incomingConnection(qintptr socketDescriptor) override;

private:
    BodyLimitGuard::LimitFor m_limitFor;
    qint64 m_minLimit;
};

} // namespace kinbot
