#include "http/LingeringClose.h"

#include <QPointer>
#include <QTcpSocket>
#include <QTimer>

#ifdef Q_OS_UNIX
#include <sys/socket.h>
#endif

namespace kinbot {

void lingeringClose(QTcpSocket *socket, int drainMs)
{
    if (!socket || socket->property("kinbotLingering").toBool())
        return;
    socket->setProperty("kinbotLingering", true);
    QObject::disconnect(socket, &QTcpSocket::readyRead, nullptr, nullptr);
    QObject::connect(socket, &QTcpSocket::readyRead, socket, [socket] { socket->readAll(); });
    socket->readAll();
    QPointer<QTcpSocket> guard = socket;
    const auto shutDownWhenFlushed = [guard] {
        if (!guard || guard->bytesToWrite() > 0)
            return;
#ifdef Q_OS_UNIX
        ::shutdown(int(guard->socketDescriptor()), SHUT_WR);
#else
        guard->disconnectFromHost();
#endif
    };
    QObject::connect(socket, &QTcpSocket::bytesWritten, socket, shutDownWhenFlushed);
    shutDownWhenFlushed();
    QTimer::singleShot(drainMs, socket, [guard] {
        if (guard)
            guard->abort();
    });
}

} // namespace kinbot
