#pragma once

class QTcpSocket;

namespace kinbot {

// Ends a connection whose client may still be sending (a refused or answered upload): once the answer is written the
// sending side is shut down (FIN after the answer) and whatever the client still sends is read and dropped, until it
// closes or drainMs pass. A plain close with unread input makes the kernel send RST, which can destroy the answer
// before the client has read it. Nothing read afterwards reaches Qt's request reader.
void lingeringClose(QTcpSocket *socket, int drainMs = 5000);

} // namespace kinbot
