#include "http/BodyLimitGuard.h"

#include <QTcpSocket>
#include <QTimer>

namespace kinbot {

BodyLimitGuard::BodyLimitGuard(QTcpSocket *socket, LimitFor limitFor) : QObject(socket), m_socket(socket), m_limitFor(std::move(limitFor))
{
    connect(socket, &QTcpSocket::readyRead, this, &BodyLimitGuard::onReadyRead);
}

bool BodyLimitGuard::parseHead(const QByteArray &data, Head &out)
{
    const qsizetype end = data.indexOf("\r\n\r\n");
    if (end < 0)
        return false;
    const qsizetype lineEnd = data.indexOf("\r\n");
    const QList<QByteArray> requestLine = data.left(lineEnd).split(' ');
    if (requestLine.size() != 3 || !requestLine[2].startsWith("HTTP/1."))
        return false;
    out = Head{};
    out.method = requestLine[0];
    out.path = requestLine[1];
    out.headerBytes = end + 4;
    for (const QByteArray &line : data.mid(lineEnd + 2, end - lineEnd - 2).split('\n')) {
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            continue;
        const QByteArray name = line.left(colon).trimmed().toLower();
        const QByteArray value = line.mid(colon + 1).trimmed();
        if (name == "content-length") {
            bool ok = false;
            const qint64 n = value.toLongLong(&ok);
            out.contentLength = ok ? n : -1;
        } else if (name == "transfer-encoding") {
            out.chunked = value.toLower().contains("chunked");
        }
    }
    return true;
}

void BodyLimitGuard::onReadyRead()
{
    if (!m_socket)
        return;
    if (m_refused) {
        m_socket->readAll(); // discard; Qt's reader must not see it
        return;
    }
    // What Qt has not consumed yet starts either with a new request or in the middle of a body.
    const QByteArray head = m_socket->peek(kMaxHeaderBytes);
    Head h;
    if (parseHead(head, h)) {
        m_chunkedSeen = -1;
        const qint64 limit = m_limitFor(h.method, h.path.left(h.path.indexOf('?') < 0 ? h.path.size() : h.path.indexOf('?')));
        if (limit > 0 && h.contentLength > limit)
            return refuse(limit);
        if (h.chunked && limit > 0) {
            m_chunkedSeen = m_socket->bytesAvailable() - h.headerBytes;
            m_chunkedLimit = limit;
        }
    } else if (m_chunkedSeen >= 0) {
        m_chunkedSeen += m_socket->bytesAvailable();
    }
    if (m_chunkedSeen > m_chunkedLimit + 64 * 1024) // chunk framing adds a little
        refuse(m_chunkedLimit);
}

void BodyLimitGuard::refuse(qint64 limit)
{
    m_refused = true;
    m_socket->readAll();
    const QByteArray body = R"({"error":{"code":"PAYLOAD_TOO_LARGE","message":"Request body exceeds )" + QByteArray::number(limit)
                            + R"( bytes"}})";
    m_socket->write("HTTP/1.1 413 Payload Too Large\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: "
                    + QByteArray::number(body.size()) + "\r\nX-Content-Type-Options: nosniff\r\n\r\n" + body);
    m_socket->flush();
    // Let the answer go out, then close; a client that keeps pushing is cut off after a short while.
    QPointer<QTcpSocket> socket = m_socket;
    connect(m_socket, &QTcpSocket::bytesWritten, this, [socket] {
        if (socket && socket->bytesToWrite() == 0)
            socket->disconnectFromHost();
    });
    if (m_socket->bytesToWrite() == 0)
        m_socket->disconnectFromHost();
    QTimer::singleShot(kDrainMs, this, [socket] {
        if (socket)
            socket->abort();
    });
}

void GuardedTcpServer::incomingConnection(qintptr socketDescriptor)
{
    auto *socket = new QTcpSocket(this);
    if (!socket->setSocketDescriptor(socketDescriptor)) {
        delete socket;
        return;
    }
    // Responses and SSE frames are written whole: a small frame must not wait for the client's delayed ACK.
    socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    new BodyLimitGuard(socket, m_limitFor); // connected before QAbstractHttpServer's reader
    addPendingConnection(socket);
}

} // namespace kinbot
