#include "http/BodyLimitGuard.h"

#include <QTcpSocket>
#include <QTimer>

namespace kinbot {

BodyLimitGuard::BodyLimitGuard(QTcpSocket *socket, LimitFor limitFor, qint64 minLimit)
    : QObject(socket), m_socket(socket), m_limitFor(std::move(limitFor)), m_minLimit(minLimit)
{
    connect(socket, &QTcpSocket::readyRead, this, &BodyLimitGuard::onReadyRead);
}

// Case-insensitive search for "\r\n<name>:" inside the header block; the value's start or -1.
static qsizetype headerValueAt(const QByteArray &data, qsizetype headerEnd, const char *lowerName, qsizetype nameLen)
{
    for (qsizetype i = data.indexOf("\r\n"); i >= 0 && i < headerEnd; i = data.indexOf("\r\n", i + 2)) {
        const qsizetype start = i + 2;
        if (start + nameLen >= headerEnd || data.at(start + nameLen) != ':')
            continue;
        if (qstrnicmp(data.constData() + start, lowerName, nameLen) == 0)
            return start + nameLen + 1;
    }
    return -1;
}

static QByteArray headerValue(const QByteArray &data, qsizetype headerEnd, const char *lowerName)
{
    const qsizetype at = headerValueAt(data, headerEnd, lowerName, qsizetype(qstrlen(lowerName)));
    if (at < 0)
        return {};
    return data.mid(at, data.indexOf("\r\n", at) - at).trimmed();
}

bool BodyLimitGuard::parseHead(const QByteArray &data, Head &out)
{
    const qsizetype end = data.indexOf("\r\n\r\n");
    if (end < 0)
        return false;
    const qsizetype lineEnd = data.indexOf("\r\n");
    const qsizetype sp1 = data.indexOf(' ');
    const qsizetype sp2 = sp1 < 0 ? -1 : data.indexOf(' ', sp1 + 1);
    if (sp1 <= 0 || sp2 < 0 || sp2 > lineEnd || data.mid(sp2 + 1, 7) != "HTTP/1.")
        return false;
    out = Head{};
    out.method = data.left(sp1);
    out.path = data.mid(sp1 + 1, sp2 - sp1 - 1);
    out.headerBytes = end + 4;
    const QByteArray length = headerValue(data, end + 2, "content-length");
    if (!length.isEmpty()) {
        bool ok = false;
        const qint64 n = length.toLongLong(&ok);
        out.contentLength = ok ? n : -1;
    }
    out.chunked = headerValue(data, end + 2, "transfer-encoding").toLower().contains("chunked");
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
        // Most requests carry no body or a small one: only those that could exceed some limit need the route's.
        if (h.contentLength <= m_minLimit && !h.chunked)
            return;
        const qsizetype query = h.path.indexOf('?');
        const qint64 limit = m_limitFor(h.method, query < 0 ? h.path : h.path.left(query));
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
    new BodyLimitGuard(socket, m_limitFor, m_minLimit); // connected before QAbstractHttpServer's reader
    addPendingConnection(socket);
}

} // namespace kinbot
