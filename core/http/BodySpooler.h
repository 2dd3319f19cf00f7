#pragma once

#include "http/Exchange.h"
#include "http/Route.h"

#include <QObject>
#include <QPointer>
#include <QTimer>

#include <functional>
#include <memory>

class QTcpSocket;
class QTemporaryFile;

namespace kinbot {

// What a spooled request needs from the server: where to write, how to admit the request from its head, how to run it.
struct SpoolHooks
{
    QString dir;
    int idleMs = 30000; // a client silent this long mid-body gets 408
    // The exchange to give the body to, or nullptr when the request was answered from its head (401, 404, …).
    std::function<ExchangePtr(const RawRequest &, QTcpSocket *)> admit;
    std::function<void(const ExchangePtr &)> run;
};

// Takes one big upload off the socket while it arrives and writes it to a temporary file, so Qt never holds it in
// memory (QHttpServer 6.4 keeps a whole body twice: its read transaction and its body buffer). The request is admitted
// from its head first; once the body is on disk the file is mapped read-only and the route's handler runs with that
// mapping as the body. The connection closes after the answer: Qt's own parser never saw this request.
class BodySpooler final : public QObject
{
    Q_OBJECT
public:
    static constexpr qint64 kReadChunk = 1 << 20; // bytes moved from socket to file per read

    // The head (headerBytes long) is still unread on the socket; bodyBytes follow it.
    BodySpooler(QTcpSocket *socket, const SpoolHooks &hooks, RawRequest request, qsizetype headerBytes, qint64 bodyBytes,
                bool expectContinue);
    ~BodySpooler() override;

    // Moves what arrived to the file; called on every readyRead before Qt's reader.
    void pump();

private:
    void finish();
    void stop(const ApiError &error);

    QPointer<QTcpSocket> m_socket;
    const SpoolHooks &m_hooks;
    ExchangePtr m_ex;
    std::shared_ptr<QTemporaryFile> m_file;
    qint64 m_remaining = 0;
    QTimer m_idle;
    bool m_done = false; // answered or handed to the route: anything more from the client is discarded
};

} // namespace kinbot
