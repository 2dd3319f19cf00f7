#include "http/BodySpooler.h"

#include <QDir>
#include <QTcpSocket>
#include <QTemporaryFile>

namespace kinbot {

BodySpooler::BodySpooler(QTcpSocket *socket, const SpoolHooks &hooks, RawRequest request, qsizetype headerBytes,
                         qint64 bodyBytes, bool expectContinue)
    : QObject(socket), m_socket(socket), m_hooks(hooks), m_remaining(bodyBytes)
{
    socket->read(headerBytes);
    m_ex = m_hooks.admit(request, socket);
    if (!m_ex) {
        m_done = true; // answered from the head; the body is discarded and the connection closes
        return;
    }
    const QString dir = m_hooks.dir.isEmpty() ? QDir::tempPath() : m_hooks.dir;
    QDir().mkpath(dir);
    m_file = std::make_shared<QTemporaryFile>(dir + QStringLiteral("/upload-XXXXXX"));
    if (!m_file->open()) {
        stop({ErrorKind::InsufficientStorage, QStringLiteral("UPLOAD_STORE_FAILED"),
              QStringLiteral("The upload cannot be stored: %1").arg(m_file->errorString())});
        return;
    }
    m_idle.setSingleShot(true);
    m_idle.setInterval(m_hooks.idleMs);
    connect(&m_idle, &QTimer::timeout, this, [this] {
        stop({ErrorKind::RequestTimeout, QStringLiteral("REQUEST_TIMEOUT"), QStringLiteral("The upload stalled")});
    });
    m_idle.start();
    if (expectContinue)
        m_socket->write("HTTP/1.1 100 Continue\r\n\r\n");
    pump();
}

BodySpooler::~BodySpooler() = default;

void BodySpooler::pump()
{
    if (!m_socket)
        return;
    // Qt's reader opens a read transaction on every readyRead; inside one, read bytes stay buffered. It read nothing
    // of this request, so ending the transaction only stops it from keeping what is read below.
    if (m_socket->isTransactionStarted())
        m_socket->commitTransaction();
    if (m_done) {
        m_socket->readAll();
        return;
    }
    while (m_remaining > 0 && m_socket->bytesAvailable() > 0) {
        const QByteArray chunk = m_socket->read(qMin(m_remaining, kReadChunk));
        if (m_file->write(chunk) != chunk.size())
            return stop({ErrorKind::InsufficientStorage, QStringLiteral("UPLOAD_STORE_FAILED"),
                         QStringLiteral("The upload cannot be stored: %1").arg(m_file->errorString())});
        m_remaining -= chunk.size();
    }
    m_file->flush(); // what arrived is on disk, not in QFile's buffer
    if (m_remaining > 0) {
        m_idle.start();
        return;
    }
    finish();
}

void BodySpooler::finish()
{
    m_done = true;
    m_idle.stop();
    m_socket->readAll(); // anything past the announced length (a pipelined request) is not served on this connection
    const qint64 size = m_file->size();
    if (!m_file->flush())
        return stop({ErrorKind::InsufficientStorage, QStringLiteral("UPLOAD_STORE_FAILED"), QStringLiteral("The upload cannot be stored")});
    uchar *mapped = m_file->map(0, size);
    if (!mapped)
        return stop(ApiError::internal(QStringLiteral("The stored upload cannot be read back")));
    m_ex->setSpooledBody(m_file, QByteArray::fromRawData(reinterpret_cast<const char *>(mapped), size));
    m_file.reset();
    ExchangePtr ex = std::move(m_ex);
    m_hooks.run(ex);
}

void BodySpooler::stop(const ApiError &error)
{
    m_done = true;
    m_idle.stop();
    m_file.reset();
    if (ExchangePtr ex = std::move(m_ex))
        ex->fail(error); // the exchange closes the connection after its answer
}

} // namespace kinbot
