#include "SseClient.h"

#include "HttpClient.h"

#include <QEventLoop>
#include <QJsonDocument>
#include <QTimer>

namespace kinbot::test {

SseClient::SseClient(quint16 port, const QByteArray &cookieHeader, const QList<QPair<QByteArray, QByteArray>> &extraHeaders,
                     const QByteArray &path)
    : m_port(port)
{
    m_request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + QByteArray::number(port) + "\r\nAccept: text/event-stream\r\n";
    if (!cookieHeader.isEmpty())
        m_request += "Cookie: " + cookieHeader + "\r\n";
    for (const auto &h : extraHeaders)
        m_request += h.first + ": " + h.second + "\r\n";
    m_request += "\r\n";
}

SseClient::~SseClient() { close(); }

void SseClient::close()
{
    if (m_socket) {
        m_socket->disconnect();
        m_socket->abort();
        m_socket.reset();
    }
}

QByteArray SseClient::responseHeader(const QByteArray &name) const
{
    for (const QByteArray &line : m_headerBlock.split('\n')) {
        const qsizetype colon = line.indexOf(':');
        if (colon > 0 && line.left(colon).trimmed().compare(name, Qt::CaseInsensitive) == 0)
            return line.mid(colon + 1).trimmed();
    }
    return {};
}

QByteArray SseClient::body() const
{
    if (m_bodyStart < 0)
        return {};
    bool finished = false;
    return decodeChunked(m_raw.mid(m_bodyStart), &finished);
}

void SseClient::onData()
{
    m_raw += m_socket->readAll();
    if (m_bodyStart < 0) {
        const qsizetype end = m_raw.indexOf("\r\n\r\n");
        if (end < 0)
            return;
        m_headerBlock = m_raw.left(end);
        m_status = m_headerBlock.split(' ').value(1).toInt();
        m_bodyStart = end + 4;
    }
    bool finished = false;
    const QByteArray body = decodeChunked(m_raw.mid(m_bodyStart), &finished);
    // Frames are separated by a blank line.
    while (true) {
        const qsizetype sep = body.indexOf("\n\n", m_consumed);
        if (sep < 0)
            break;
        const QByteArray block = body.mid(m_consumed, sep - m_consumed);
        m_consumed = sep + 2;
        SseFrame f;
        QByteArray data;
        for (const QByteArray &line : block.split('\n')) {
            if (line.startsWith("event: "))
                f.event = line.mid(7);
            else if (line.startsWith("data: "))
                data += line.mid(6);
        }
        f.data = QJsonDocument::fromJson(data).object();
        m_frames.append(f);
    }
    if (finished)
        m_closed = true;
}

bool SseClient::connectAndWait(int timeoutMs)
{
    m_socket = std::make_unique<QTcpSocket>();
    QObject::connect(m_socket.get(), &QTcpSocket::connected, m_socket.get(), [this] { m_socket->write(m_request); });
    QObject::connect(m_socket.get(), &QTcpSocket::readyRead, m_socket.get(), [this] { onData(); });
    QObject::connect(m_socket.get(), &QTcpSocket::disconnected, m_socket.get(), [this] { m_closed = true; });
    m_socket->connectToHost(QHostAddress::LocalHost, m_port);
    return waitFor([](const SseFrame &f) { return f.event == "connected"; }, timeoutMs).has_value() || (m_status != 0 && m_status != 200);
}

std::optional<SseFrame> SseClient::waitFor(const std::function<bool(const SseFrame &)> &pred, int timeoutMs)
{
    QElapsedTimer t;
    t.start();
    int checked = 0;
    while (true) {
        for (; checked < m_frames.size(); ++checked)
            if (pred(m_frames.at(checked)))
                return m_frames.at(checked);
        if (t.elapsed() > timeoutMs || m_closed || (m_status != 0 && m_status != 200))
            return std::nullopt;
        QEventLoop loop;
        QTimer::singleShot(20, &loop, &QEventLoop::quit);
        if (m_socket)
            QObject::connect(m_socket.get(), &QTcpSocket::readyRead, &loop, &QEventLoop::quit);
        loop.exec();
    }
}

bool SseClient::waitClosed(int timeoutMs)
{
    QElapsedTimer t;
    t.start();
    while (!m_closed && t.elapsed() < timeoutMs) {
        QEventLoop loop;
        QTimer::singleShot(20, &loop, &QEventLoop::quit);
        loop.exec();
    }
    return m_closed;
}

} // namespace kinbot::test
