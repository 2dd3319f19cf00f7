#include "api/MiniAppEventStreams.h"

#include "http/SseHub.h"
#include "util/Clock.h"
#include "util/Json.h"

#include <QJsonObject>
#include <QMetaObject>

namespace kinbot {

MiniAppEventStreams::MiniAppEventStreams(const Clock &clock, int keepAliveMs, QObject *parent) : QObject(parent), m_clock(clock)
{
    m_ping.setInterval(keepAliveMs);
    connect(&m_ping, &QTimer::timeout, this, [this] {
        const QByteArray ping = Responder::chunkFrame(": ping\n\n");
        const auto streams = m_streams.values();
        for (const auto &s : streams)
            if (s->responder.alive())
                s->responder.writeFramed(ping);
    });
}

MiniAppEventStreams::~MiniAppEventStreams() = default;

void MiniAppEventStreams::attach(const QString &appId, Responder &&responder, const HeaderPairs &commonHeaders)
{
    QTcpSocket *socket = responder.socket();
    if (!socket || !responder.alive())
        return;
    socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    auto stream = std::make_shared<Stream>(Stream{appId, std::move(responder)});
    HeaderPairs headers{{"Content-Type", "text/event-stream"},
                        {"Cache-Control", "no-cache"},
                        {"Connection", "keep-alive"},
                        {"X-Accel-Buffering", "no"}};
    headers.append(commonHeaders);
    stream->responder.beginChunked(200, headers);
    stream->responder.writeChunk(SseHub::frame("connected", json::compact(QJsonObject{{QStringLiteral("appId"), appId}})));
    m_streams.insert(socket, stream);
    connect(socket, &QAbstractSocket::disconnected, this, [this, socket] { drop(socket); });
    connect(socket, &QObject::destroyed, this, [this, socket] { drop(socket); });
    recount();
    if (!m_ping.isActive())
        m_ping.start();
}

void MiniAppEventStreams::emitEvent(const QString &appId, const QString &event, const std::optional<QJsonValue> &data)
{
    // Written by hand: the reference's field order (event, data, timestamp); QJsonObject would sort the keys.
    QByteArray payload = "{\"event\":" + json::valueText(event);
    if (data)
        payload += ",\"data\":" + json::valueText(*data);
    payload += ",\"timestamp\":" + QByteArray::number(m_clock.nowMs()) + '}';
    const QByteArray frame = Responder::chunkFrame(SseHub::frame("app-event", payload));
    QMetaObject::invokeMethod(this, [this, appId, frame] { deliver(appId, frame); }, Qt::AutoConnection);
}

void MiniAppEventStreams::deliver(const QString &appId, const QByteArray &frame)
{
    const auto streams = m_streams.values(); // a write may disconnect synchronously and edit the hash
    for (const auto &s : streams)
        if (s->appId == appId && s->responder.alive())
            s->responder.writeFramed(frame);
}

int MiniAppEventStreams::subscriberCount(const QString &appId) const
{
    QMutexLocker lock(&m_countLock);
    return m_counts.value(appId);
}

void MiniAppEventStreams::closeApp(const QString &appId)
{
    QList<std::shared_ptr<Stream>> closing;
    for (auto it = m_streams.begin(); it != m_streams.end();) {
        if ((*it)->appId == appId) {
            closing.append(*it);
            it = m_streams.erase(it);
        } else {
            ++it;
        }
    }
    recount();
    for (const auto &s : closing) {
        s->responder.endChunked();
        s->responder.closeAfterWrite();
    }
}

void MiniAppEventStreams::drop(QTcpSocket *socket)
{
    if (m_streams.remove(socket))
        recount();
    if (m_streams.isEmpty())
        m_ping.stop();
}

void MiniAppEventStreams::recount()
{
    QHash<QString, int> counts;
    for (const auto &s : std::as_const(m_streams))
        ++counts[s->appId];
    QMutexLocker lock(&m_countLock);
    m_counts = std::move(counts);
}

} // namespace kinbot
