#pragma once

#include "http/BodySpooler.h"

#include <QByteArray>
#include <QObject>
#include <QPointer>
#include <QTcpServer>

#include <functional>

class QTcpSocket;

namespace kinbot {

// How a route takes its body: the most it accepts, and whether a big one is written to disk as it arrives.
struct BodyPolicy
{
    qint64 limit = 0;
    bool spool = false;
};

// QHttpServer 6.4 reads a whole request body into memory before any handler sees it. This guard sits on each socket
// in front of Qt's reader (its readyRead slot is connected first) and looks at each request's head:
// - a body over the route's limit (Content-Length), or a chunked body growing past it: it answers 413 itself,
//   discards what the client keeps sending and closes — an oversized upload costs neither memory nor disk;
// - a big body (over kSpoolAbove) for a spooling route: a BodySpooler takes the request off Qt and writes the body
//   to disk as it arrives;
// - anything else is left to Qt.
class BodyLimitGuard final : public QObject
{
    Q_OBJECT
public:
    // method + encoded path → how the route that will serve it takes its body.
    using PolicyFor = std::function<BodyPolicy(const QByteArray &method, const QByteArray &path)>;

    static constexpr int kMaxHeaderBytes = 32 * 1024;
    static constexpr int kDrainMs = 5000;             // how long a refused client may keep sending before the connection is cut
    static constexpr qint64 kSpoolAbove = 1 << 20;    // smaller bodies of spooling routes stay on Qt's (keep-alive) path

    // minLimit: the smallest limit of any route; bodies up to it (and up to kSpoolAbove) pass without a route lookup.
    BodyLimitGuard(QTcpSocket *socket, PolicyFor policyFor, qint64 minLimit, const SpoolHooks &spool);

    // Parses the head of a request at the start of data: method, path, Content-Length (-1 when absent), chunked.
    struct Head
    {
        QByteArray method;
        QByteArray path;
        qint64 contentLength = -1;
        bool chunked = false;
        qsizetype headerBytes = 0; // up to and including the blank line
    };
    static bool parseHead(const QByteArray &data, Head &out);
    // The header fields of a head parsed by parseHead (names as sent).
    static HeaderPairs headerFields(const QByteArray &data, const Head &head);

private:
    void onReadyRead();
    // What to do with a request whose head is complete; true when the guard took the request (refused or spooled).
    bool decide(const QByteArray &data, const Head &head);
    void refuse(qint64 limit);

    QPointer<QTcpSocket> m_socket;
    PolicyFor m_policyFor;
    qint64 m_minLimit = 0;
    const SpoolHooks &m_spool;
    BodySpooler *m_spooler = nullptr;
    bool m_refused = false;
    bool m_decided = false; // the request Qt is reading was looked at already
    // A chunked body in flight: bytes seen since its headers, and its limit.
    qint64 m_chunkedSeen = -1;
    qint64 m_chunkedLimit = 0;
};

// A QTcpServer whose sockets get a BodyLimitGuard before QAbstractHttpServer connects its own reader.
class GuardedTcpServer final : public QTcpServer
{
    Q_OBJECT
public:
    GuardedTcpServer(BodyLimitGuard::PolicyFor policyFor, qint64 minLimit, SpoolHooks spool, QObject *parent = nullptr)
        : QTcpServer(parent), m_policyFor(std::move(policyFor)), m_minLimit(minLimit), m_spool(std::move(spool))
    {
    }

protected:
    void incomingConnection(qintptr socketDescriptor) override;

private:
    BodyLimitGuard::PolicyFor m_policyFor;
    qint64 m_minLimit;
    SpoolHooks m_spool; // outlives every guard: sockets are children of this server
};

} // namespace kinbot
