#include "http/BodyLimitGuard.h"

#include "http/LingeringClose.h"

#include <QTcpSocket>

namespace kinbot {

BodyLimitGuard::BodyLimitGuard(QTcpSocket *socket, PolicyFor policyFor, qint64 minLimit, const SpoolHooks &spool)
    : QObject(socket), m_socket(socket), m_policyFor(std::move(policyFor)), m_minLimit(qMin(minLimit, kSpoolAbove)), m_spool(spool)
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

HeaderPairs BodyLimitGuard::headerFields(const QByteArray &data, const Head &head)
{
    HeaderPairs out;
    const qsizetype end = head.headerBytes - 4;
    for (qsizetype i = data.indexOf("\r\n"); i >= 0 && i < end;) {
        const qsizetype start = i + 2;
        const qsizetype next = data.indexOf("\r\n", start);
        const QByteArray line = data.mid(start, next - start);
        const qsizetype colon = line.indexOf(':');
        if (colon > 0)
            out.append({line.left(colon).trimmed(), line.mid(colon + 1).trimmed()});
        i = next;
    }
    return out;
}

void BodyLimitGuard::onReadyRead()
{
    if (!m_socket)
        return;
    if (m_spooler)
        return m_spooler->pump();
    if (m_refused) {
        m_socket->readAll(); // discard; Qt's reader must not see it
        return;
    }
    // Qt's reader keeps a read transaction open while it reads a request and commits it when the request is complete:
    // no transaction means what is unread starts with a new request.
    const bool midRequest = m_socket->isTransactionStarted();
    if (!midRequest) {
        m_decided = false;
        m_chunkedSeen = -1;
    } else if (m_decided) {
        if (m_chunkedSeen >= 0) {
            m_chunkedSeen += m_socket->bytesAvailable();
            if (m_chunkedSeen > m_chunkedLimit + 64 * 1024) // chunk framing adds a little
                refuse(m_chunkedLimit);
        }
        return;
    }
    // Qt has read part of a head that came in pieces: rewind its transaction to see the request from its first byte,
    // and put its read position back unless the guard takes the request.
    qint64 readByQt = 0;
    if (midRequest) {
        const qint64 unread = m_socket->bytesAvailable();
        m_socket->rollbackTransaction();
        readByQt = m_socket->bytesAvailable() - unread;
    }
    const QByteArray data = m_socket->peek(kMaxHeaderBytes);
    Head h;
    const bool complete = parseHead(data, h);
    if (complete && decide(data, h))
        return;
    if (midRequest) {
        m_socket->startTransaction();
        m_socket->skip(readByQt);
    }
}

bool BodyLimitGuard::decide(const QByteArray &data, const Head &h)
{
    m_decided = true;
    // Most requests carry no body or a small one: only those that could exceed some limit need the route's.
    if (h.contentLength <= m_minLimit && !h.chunked)
        return false;
    const qsizetype query = h.path.indexOf('?');
    const BodyPolicy policy = m_policyFor(h.method, query < 0 ? h.path : h.path.left(query));
    if (policy.limit > 0 && h.contentLength > policy.limit) {
        refuse(policy.limit);
        return true;
    }
    if (policy.spool && !h.chunked && h.contentLength > kSpoolAbove) {
        const HeaderPairs fields = headerFields(data, h);
        bool expectContinue = false;
        for (const auto &f : fields)
            expectContinue = expectContinue || (qstricmp(f.first.constData(), "expect") == 0 && f.second.toLower() == "100-continue");
        m_spooler = new BodySpooler(m_socket, m_spool, RawRequest{h.method, h.path, fields, m_socket->peerAddress()},
                                    h.headerBytes, h.contentLength, expectContinue);
        return true;
    }
    if (h.chunked && policy.limit > 0) {
        m_chunkedSeen = m_socket->bytesAvailable() - h.headerBytes;
        m_chunkedLimit = policy.limit;
    }
    return false;
}

void BodyLimitGuard::refuse(qint64 limit)
{
    m_refused = true;
    m_socket->readAll();
    const QByteArray body = R"({"error":{"code":"PAYLOAD_TOO_LARGE","message":"Request body exceeds )" + QByteArray::number(limit)
                            + R"( bytes"}})";
    m_socket->write("HTTP/1.1 413 Payload Too Large\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: "
                    + QByteArray::number(body.size()) + "\r\nX-Content-Type-Options: nosniff\r\n\r\n" + body);
    lingeringClose(m_socket, kDrainMs);
}

void GuardedTcpServer::incomingConnection(qintptr socketDescriptor)
{
    auto *socket = new QTcpSocket(this);
    if (!socket->setSocketDescriptor(socketDescriptor)) {
        delete socket;
        return;
    }
    new BodyLimitGuard(socket, m_policyFor, m_minLimit, m_spool); // connected before QAbstractHttpServer's reader
    addPendingConnection(socket);
}

} // namespace kinbot
