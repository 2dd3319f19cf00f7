#pragma once

#include <QtGlobal>

namespace kinbot::tcp {

// QNetworkAccessManager never sets TCP_NODELAY on its connections and writes a request's headers and a body over
// 16 KiB in separate blocks; on a kept-alive connection the body's tail then waits for the peer's delayed ACK
// (40 ms on Linux) — every model step after the first paid it (found by bench_engine). Qt gives no access to those
// sockets, so this finds the process's TCP sockets connected to peerPort that still run Nagle and turns it off.
// Linux only (a no-op elsewhere) → how many sockets were changed.
int enableNoDelayForPeerPort(quint16 peerPort);

} // namespace kinbot::tcp
