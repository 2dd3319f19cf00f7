#include "http/Responder.h"

namespace kinbot {

Responder::Responder(QHttpServerResponder &&responder)
    : m_responder(std::move(responder)), m_socket(m_responder.socket())
{
}

bool Responder::alive() const
{
    return m_socket && m_socket->state() == QAbstractSocket::ConnectedState;
}

void Responder::writeHead(int status, const HeaderPairs &headers)
{
    m_responder.writeStatusLine(static_cast<QHttpServerResponder::StatusCode>(status));
    for (const auto &h : headers)
        m_responder.writeHeader(h.first, h.second);
}

void Responder::write(int status, const HeaderPairs &headers, const QByteArray &body, bool headOnly)
{
    if (!alive())
        return;
    writeHead(status, headers);
    m_responder.writeHeader(QByteArrayLiteral("Content-Length"), QByteArray::number(body.size()));
    // The first writeBody() ends the header block, even with an empty body.
    if (headOnly || body.isEmpty())
        m_responder.writeBody("", 0);
    else
        m_responder.writeBody(body);
}

void Responder::beginChunked(int status, const HeaderPairs &headers)
{
    if (!alive())
        return;
    writeHead(status, headers);
    m_responder.writeHeader(QByteArrayLiteral("Transfer-Encoding"), QByteArrayLiteral("chunked"));
    m_responder.writeBody("", 0);
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
        m_socket->write(frame);
}

void Responder::endChunked()
{
    if (!alive())
        return;
    m_socket->write("0\r\n\r\n");
}

void Responder::closeAfterWrite()
{
    if (alive())
        m_socket->disconnectFromHost(); // flushes pending bytes first
}

} // namespace kinbot
