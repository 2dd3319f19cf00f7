#include "http/Responder.h"

#include "http/LingeringClose.h"

#ifdef Q_OS_UNIX
#include <sys/socket.h>

#include <cerrno>
#endif

namespace kinbot {

Responder::Responder(QTcpSocket *socket) : m_socket(socket) {}

bool Responder::alive() const
{
    return m_socket && m_socket->state() == QAbstractSocket::ConnectedState;
}

namespace {

QByteArray reasonPhrase(int status)
{
    switch (status) {
    case 200: return QByteArrayLiteral("OK");
    case 201: return QByteArrayLiteral("Created");
    case 202: return QByteArrayLiteral("Accepted");
    case 204: return QByteArrayLiteral("No Content");
    case 206: return QByteArrayLiteral("Partial Content");
    case 301: return QByteArrayLiteral("Moved Permanently");
    case 302: return QByteArrayLiteral("Found");
    case 304: return QByteArrayLiteral("Not Modified");
    case 307: return QByteArrayLiteral("Temporary Redirect");
    case 400: return QByteArrayLiteral("Bad Request");
    case 401: return QByteArrayLiteral("Unauthorized");
    case 403: return QByteArrayLiteral("Forbidden");
    case 404: return QByteArrayLiteral("Not Found");
    case 405: return QByteArrayLiteral("Method Not Allowed");
    case 408: return QByteArrayLiteral("Request Timeout");
    case 409: return QByteArrayLiteral("Conflict");
    case 410: return QByteArrayLiteral("Gone");
    case 413: return QByteArrayLiteral("Payload Too Large");
    case 415: return QByteArrayLiteral("Unsupported Media Type");
    case 416: return QByteArrayLiteral("Range Not Satisfiable");
    case 422: return QByteArrayLiteral("Unprocessable Entity");
    case 429: return QByteArrayLiteral("Too Many Requests");
    case 500: return QByteArrayLiteral("Internal Server Error");
    case 501: return QByteArrayLiteral("Not Implemented");
    case 502: return QByteArrayLiteral("Bad Gateway");
    case 503: return QByteArrayLiteral("Service Unavailable");
    case 504: return QByteArrayLiteral("Gateway Timeout");
    case 507: return QByteArrayLiteral("Insufficient Storage");
    default: return QByteArrayLiteral("Status");
    }
}

} // namespace

// The head is serialised here and handed to the socket in one write together with the body: QHttpServerResponder's
// writeStatusLine/writeHeader/writeBody each reach the kernel separately (three syscalls per response on 6.4).
QByteArray Responder::serializeHead(int status, const HeaderPairs &headers, qsizetype extra)
{
    QByteArray out;
    out.reserve(256 + extra);
    out += "HTTP/1.1 ";
    out += QByteArray::number(status);
    out += ' ';
    out += reasonPhrase(status);
    out += "\r\n";
    for (const auto &h : headers) {
        out += h.first;
        out += ": ";
        out += h.second;
        out += "\r\n";
    }
    return out;
}

void Responder::write(int status, const HeaderPairs &headers, const QByteArray &body, bool headOnly)
{
    if (!alive())
        return;
    QByteArray out = serializeHead(status, headers, headOnly ? 0 : body.size());
    out += "Content-Length: ";
    out += QByteArray::number(body.size());
    out += "\r\n\r\n";
    if (!headOnly)
        out += body;
    // Request/response traffic stays on Qt's path (measured no faster with a direct send); streams use send().
    m_socket->write(out);
}

void Responder::beginChunked(int status, const HeaderPairs &headers)
{
    if (!alive())
        return;
    QByteArray out = serializeHead(status, headers, 0);
    out += "Transfer-Encoding: chunked\r\n\r\n";
    send(out);
}

QByteArray Responder::chunkFrame(const QByteArray &data)
{
    QByteArray frame;
    frame.reserve(data.size() + 16);
    frame += QByteArray::number(data.size(), 16);
    frame += "\r\n";
    frame += data;
    frame += "\r\n";
    return frame;
}

void Responder::writeChunk(const QByteArray &data)
{
    if (!data.isEmpty())
        writeFramed(chunkFrame(data));
}

void Responder::writeFramed(const QByteArray &frame)
{
    if (alive())
        send(frame);
}

// Streams (SSE): when Qt holds nothing for this socket yet, the bytes go straight to the kernel: one send() instead of Qt's
// buffer → write notifier on → send() → notifier off on the next loop pass, and no 16 KiB buffer block kept per idle
// connection (that was most of an SSE stream's memory). Whatever the kernel does not take at once queues in Qt's
// buffer as before, so the order of bytes is kept.
void Responder::send(const QByteArray &bytes)
{
#ifdef Q_OS_UNIX
    if (m_socket->bytesToWrite() == 0) {
        qsizetype sent = 0;
        while (sent < bytes.size()) {
            const ssize_t n = ::send(int(m_socket->socketDescriptor()), bytes.constData() + sent, size_t(bytes.size() - sent),
                                     MSG_NOSIGNAL | MSG_DONTWAIT);
            if (n > 0) {
                sent += n;
                continue;
            }
            if (n < 0 && errno == EINTR)
                continue;
            break; // EAGAIN: the kernel buffer is full; anything else: Qt's own write will see the error
        }
        if (sent < bytes.size())
            m_socket->write(bytes.constData() + sent, bytes.size() - sent);
        return;
    }
#endif
    m_socket->write(bytes);
}

void Responder::endChunked()
{
    if (!alive())
        return;
    send(QByteArrayLiteral("0\r\n\r\n"));
}

void Responder::closeAfterWrite()
{
    if (alive())
        lingeringClose(m_socket); // FIN after the answer, never an RST that could eat it
}

} // namespace kinbot
