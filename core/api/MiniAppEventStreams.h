#pragma once

#include "http/Responder.h"

#include <QHash>
#include <QJsonValue>
#include <QMutex>
#include <QObject>
#include <QTimer>

#include <memory>
#include <optional>

namespace kinbot {

class Clock;

// The per-app SSE streams of GET /api/mini-apps/:id/events (miniapps.md §2.9): `connected` {appId} at once, a `: ping`
// comment every keep-alive period, and one `app-event` {event, data, timestamp} frame per ctx.events.emit() of the
// app's backend. emit() and subscriberCount() may be called from any thread (backends run on worker threads); the
// streams themselves are written on the main thread only.
class MiniAppEventStreams final : public QObject
{
    Q_OBJECT
public:
    MiniAppEventStreams(const Clock &clock, int keepAliveMs, QObject *parent = nullptr);
    ~MiniAppEventStreams() override;

    void attach(const QString &appId, Responder &&responder, const HeaderPairs &commonHeaders);
    // data nullopt = the frame has no "data" field (emit(name) without data).
    void emitEvent(const QString &appId, const QString &event, const std::optional<QJsonValue> &data);
    int subscriberCount(const QString &appId) const;
    // Ends the streams of a deleted app.
    void closeApp(const QString &appId);

private:
    struct Stream
    {
        QString appId;
        Responder responder;
    };
    void deliver(const QString &appId, const QByteArray &frame);
    void drop(QTcpSocket *socket);
    void recount();

    const Clock &m_clock;
    QTimer m_ping;
    QHash<QTcpSocket *, std::shared_ptr<Stream>> m_streams; // main thread
    mutable QMutex m_countLock;
    QHash<QString, int> m_counts; // appId → open streams, readable from any thread
};

} // namespace kinbot
