#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QTcpSocket>

#include <functional>
#include <memory>

namespace kinbot::test {

struct SseFrame
{
    QByteArray event;
    QJsonObject data;
};

// Holds an open GET /api/sse stream and collects its frames; waits without blocking the event loop.
class SseClient
{
public:
    SseClient(quint16 port, const QByteArray &cookieHeader, const QList<QPair<QByteArray, QByteArray>> &extraHeaders = {},
              const QByteArray &path = "/api/sse");
    ~SseClient();

    bool connectAndWait(int timeoutMs = 5000); // true once the status line and the `connected` frame arrived
    int status() const { return m_status; }
    QByteArray responseHeader(const QByteArray &name) const;
    const QList<SseFrame> &frames() const { return m_frames; }
    // The stream's bytes so far, de-chunked (to check frames byte for byte).
    QByteArray body() const;
    // Waits until a frame satisfying pred is received (checks the ones already there first).
    std::optional<SseFrame> waitFor(const std::function<bool(const SseFrame &)> &pred, int timeoutMs = 5000);
    bool closedByServer() const { return m_closed; }
    bool waitClosed(int timeoutMs = 5000);
    void close();

private:
    void onData();
    quint16 m_port;
    QByteArray m_request;
    std::unique_ptr<QTcpSocket> m_socket;
    QByteArray m_raw;
    QByteArray m_headerBlock;
    qsizetype m_bodyStart = -1;
    int m_status = 0;
    qsizetype m_consumed = 0;
    QList<SseFrame> m_frames;
    bool m_closed = false;
};

} // namespace kinbot::test
