#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QPointer>
#include <QTcpSocket>

namespace kinbot {

using HeaderPairs = QList<QPair<QByteArray, QByteArray>>;

// Writes responses to a request's socket (Qt 6.4's QHttpServerResponder adds nothing over it and has no way to be
// made for a request Qt did not parse, such as a spooled upload): responses are serialised here and written in one call. It tracks the socket with a QPointer: writing after the client went away is a proven
// crash in 6.4, so every write checks alive() first.
class Responder final
{
public:
    explicit Responder(QTcpSocket *socket);
    Responder(Responder &&) = default;
    Q_DISABLE_COPY(Responder)

    bool alive() const;
    QTcpSocket *socket() const { return m_socket.data(); }

    // A complete response with Content-Length; headOnly leaves the body out (HEAD).
    void write(int status, const HeaderPairs &headers, const QByteArray &body, bool headOnly = false);
    // A chunked streaming response (SSE): status line and headers now, then chunks, then end().
    void beginChunked(int status, const HeaderPairs &headers);
    void writeChunk(const QByteArray &data);
    // A chunk already framed by chunkFrame(): lets one event be framed once and written to many streams.
    void writeFramed(const QByteArray &frame);
    static QByteArray chunkFrame(const QByteArray &data);
    void endChunked();
    // Closes the connection after what was written (honours "Connection: close").
    void closeAfterWrite();

private:
    static QByteArray serializeHead(int status, const HeaderPairs &headers, qsizetype extra);
    void send(const QByteArray &bytes);
    QPointer<QTcpSocket> m_socket;
};

} // namespace kinbot
