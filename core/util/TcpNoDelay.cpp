#include "util/TcpNoDelay.h"

#ifdef Q_OS_LINUX
#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <cstdlib>
#endif

namespace kinbot::tcp {

int enableNoDelayForPeerPort(quint16 peerPort)
{
    int changed = 0;
#ifdef Q_OS_LINUX
    DIR *dir = opendir("/proc/self/fd");
    if (!dir)
        return 0;
    const int dirFd = dirfd(dir);
    while (dirent *entry = readdir(dir)) {
        if (entry->d_name[0] < '0' || entry->d_name[0] > '9')
            continue;
        const int fd = std::atoi(entry->d_name);
        if (fd == dirFd)
            continue;
        int noDelay = 0;
        socklen_t len = sizeof noDelay;
        // Fails for anything that is not a TCP socket; server sockets already run without Nagle.
        if (getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &noDelay, &len) != 0 || noDelay)
            continue;
        sockaddr_storage peer{};
        socklen_t peerLen = sizeof peer;
        if (getpeername(fd, reinterpret_cast<sockaddr *>(&peer), &peerLen) != 0)
            continue;
        quint16 port = 0;
        if (peer.ss_family == AF_INET)
            port = ntohs(reinterpret_cast<sockaddr_in *>(&peer)->sin_port);
        else if (peer.ss_family == AF_INET6)
            port = ntohs(reinterpret_cast<sockaddr_in6 *>(&peer)->sin6_port);
        if (port != peerPort)
            continue;
        const int on = 1;
        if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on) == 0)
            ++changed;
    }
    closedir(dir);
#else
    Q_UNUSED(peerPort);
#endif
    return changed;
}

} // namespace kinbot::tcp
