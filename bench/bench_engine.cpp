// bench_engine: figures for the conversation engine (see bench/README.md). Prints, never asserts.
//
//  1. POST /api/kins/:id/messages → the chat request at the fake LLM (FakeRequest::receivedAtNs), N turns, each one
//     finished (chat:done then the idle queue:update on an SSE stream) before the next. Run against the headless
//     server as a separate process (headline) and against the server in-process (TestServer, same thread as the
//     clients and the fake).
//  2. Token fan-out: one turn streaming distinct tokens "t0 ", "t1 ", … to 1 SSE client (baseline), then to C clients,
//     against the separate server process. The SSE clients are raw non-blocking sockets on an epoll thread; each read
//     is stamped with the kernel's receive time (SO_TIMESTAMPNS), which removes the reader's scheduling delay (but a
//     read that consumed several queued segments carries the newest one's time: counted and reported). The time the
//     fake wrote each token is the kernel's send time on the fake's socket (SO_TIMESTAMPING, TX software stamps).
//  The fake LLM's sockets get TCP_NODELAY (--fake-nagle: not): with Qt's default, Nagle plus the server's delayed
//  ACK stalls the fake's small writes ~40 ms, which is a property of the fake, not of the engine.
//
// Usage: bench_engine [--turns N] [--warmup N] [--clients N] [--tokens N] [--chunk-delay-ms N] [--server PATH]
//                     [--skip-inprocess] [--skip-latency] [--skip-fanout] [--fake-nagle]
// --chunk-delay-ms takes a list (default 5,20): one baseline + swarm turn per delay.
#include "FakeLlmServer.h"
#include "FakeWireFormats.h"
#include "HttpClient.h"
#include "SseClient.h"
#include "TestServer.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QJsonDocument>
#include <QPointer>
#include <QProcess>
#include <QRegularExpression>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTimer>
#include <QUrl>

#include <arpa/inet.h>
#include <linux/errqueue.h>
#include <linux/net_tstamp.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#ifndef KINBOT_SERVER_BIN
#define KINBOT_SERVER_BIN ""
#endif

using namespace kinbot::test;

namespace {

bool g_fakeNoDelay = true; // --fake-nagle turns it off

qint64 realNs()
{
    timespec ts{};
    clock_gettime(CLOCK_REALTIME, &ts);
    return qint64(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

// ---- statistics --------------------------------------------------------------------------------------------------

struct Stats
{
    size_t n = 0;
    double min = 0, p50 = 0, p90 = 0, p99 = 0, max = 0, mean = 0;
};

// Nearest-rank quantiles.
Stats stats(std::vector<double> v)
{
    Stats s;
    s.n = v.size();
    if (v.empty())
        return s;
    std::sort(v.begin(), v.end());
    auto q = [&](double p) { return v[size_t(std::max<double>(0, std::ceil(p * double(v.size())) - 1))]; };
    s.min = v.front();
    s.max = v.back();
    s.p50 = q(0.50);
    s.p90 = q(0.90);
    s.p99 = q(0.99);
    double sum = 0;
    for (double x : v)
        sum += x;
    s.mean = sum / double(v.size());
    return s;
}

void printStatsRow(const char *label, const Stats &s, const char *unit = "ms")
{
    std::printf("  %-44s n=%-7zu min %7.3f  p50 %7.3f  p90 %7.3f  p99 %7.3f  max %8.3f  mean %7.3f %s\n", label, s.n, s.min, s.p50,
                s.p90, s.p99, s.max, s.mean, unit);
}

// Runs the event loop until pred() holds (checked every ms) or the timeout. True if it held.
bool spinUntil(const std::function<bool()> &pred, int timeoutMs)
{
    if (pred())
        return true;
    QEventLoop loop;
    QTimer tick;
    tick.setTimerType(Qt::PreciseTimer);
    tick.setInterval(1);
    QObject::connect(&tick, &QTimer::timeout, &loop, [&] {
        if (pred())
            loop.quit();
    });
    QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
    tick.start();
    loop.exec();
    return pred();
}

void spinFor(int ms)
{
    QEventLoop loop;
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    loop.exec();
}

// utime + stime of a process, in ms (clock ticks of 10 ms).
double cpuMs(qint64 pid)
{
    QFile f(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    const QByteArray stat = f.readAll();
    const QList<QByteArray> fields = stat.mid(stat.lastIndexOf(')') + 2).split(' '); // fields from 3 (state) on
    const double ticks = fields.value(11).toDouble() + fields.value(12).toDouble();   // fields 14 and 15
    return ticks * 1000.0 / double(::sysconf(_SC_CLK_TCK));
}

long rssKib(qint64 pid, const char *field = "VmRSS:")
{
    QFile f(QStringLiteral("/proc/%1/status").arg(pid));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : f.readAll().split('\n'))
        if (line.startsWith(field))
            return line.mid(qsizetype(std::strlen(field))).trimmed().split(' ').value(0).toLong();
    return -1;
}

// Kernel send timestamps on one of the fake LLM's sockets: when each write left the fake (loopback transmit), without
// the preemption that can fall between a write() returning and user space reading the clock. SOF_TIMESTAMPING_OPT_ID
// numbers them by the offset of the write's last byte since the option was set.
class TxStamps
{
public:
    explicit TxStamps(QTcpSocket *socket) : m_socket(socket), m_fd(int(socket->socketDescriptor()))
    {
        const int flags = SOF_TIMESTAMPING_TX_SOFTWARE | SOF_TIMESTAMPING_SOFTWARE | SOF_TIMESTAMPING_OPT_ID | SOF_TIMESTAMPING_OPT_TSONLY;
        m_enabled = m_fd >= 0 && ::setsockopt(m_fd, SOL_SOCKET, SO_TIMESTAMPING, &flags, sizeof flags) == 0;
    }
    ~TxStamps() { disable(); }

    // Called from bytesWritten, right after the write syscall: takes the timestamps queued by it (keeping the error
    // queue empty, so Qt's poll never sees POLLERR) and notes the write.
    void onWritten(qint64 bytes)
    {
        const qint64 now = realNs();
        drain();
        m_offset += bytes;
        m_writes.push_back({bytes, m_offset - 1, now});
    }
    void disable()
    {
        if (!m_enabled || !owned()) {
            m_enabled = false;
            return;
        }
        drain();
        const int off = 0;
        ::setsockopt(m_fd, SOL_SOCKET, SO_TIMESTAMPING, &off, sizeof off);
        m_enabled = false;
    }

    struct Write
    {
        qint64 bytes;
        qint64 lastByte;
        qint64 userNs; // bytesWritten, after the syscall returned
    };
    const std::vector<Write> &writes() const { return m_writes; }
    // The kernel send time of the write ending at lastByte, or 0.
    qint64 kernelNs(qint64 lastByte) const { return m_tx.value(quint32(lastByte), 0); }

private:
    bool owned() const { return m_socket && m_socket->socketDescriptor() == m_fd; }
    void drain()
    {
        if (!m_enabled || !owned())
            return;
        while (true) {
            alignas(cmsghdr) char control[512];
            msghdr msg{};
            msg.msg_control = control;
            msg.msg_controllen = sizeof control;
            if (::recvmsg(m_fd, &msg, MSG_ERRQUEUE | MSG_DONTWAIT) < 0)
                return;
            qint64 ts = 0;
            qint64 id = -1;
            for (cmsghdr *cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm)) {
                if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_TIMESTAMPING) {
                    scm_timestamping t{};
                    std::memcpy(&t, CMSG_DATA(cm), sizeof t);
                    ts = qint64(t.ts[0].tv_sec) * 1000000000 + t.ts[0].tv_nsec;
                } else if ((cm->cmsg_level == SOL_IP && cm->cmsg_type == IP_RECVERR) || (cm->cmsg_level == SOL_IPV6 && cm->cmsg_type == IPV6_RECVERR)) {
                    sock_extended_err e{};
                    std::memcpy(&e, CMSG_DATA(cm), sizeof e);
                    if (e.ee_origin == SO_EE_ORIGIN_TIMESTAMPING && e.ee_info == SCM_TSTAMP_SND)
                        id = e.ee_data;
                }
            }
            if (ts && id >= 0)
                m_tx.insert(quint32(id), ts);
        }
    }

    QPointer<QTcpSocket> m_socket; // the fd is only touched while this socket still owns it
    int m_fd;
    bool m_enabled = false;
    qint64 m_offset = 0;
    std::vector<Write> m_writes;
    QHash<quint32, qint64> m_tx;
};

// Makes the fake LLM write like a production HTTP server: TCP_NODELAY on its sockets. Qt leaves Nagle on, and with the
// receiver's delayed ACK a burst of small writes (headers, then SSE frames) stalls ~40 ms on loopback.
void fakeNoDelay(FakeLlmServer &fake, QObject *context)
{
    QObject::connect(&fake, &FakeLlmServer::requestReceived, context, [&fake](const FakeRequest &) {
        for (QTcpSocket *sock : fake.findChildren<QTcpSocket *>())
            sock->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    });
}

// ---- the server under test as a separate process -----------------------------------------------------------------

class ServerProcess
{
public:
    ~ServerProcess() { stop(); }

    bool start(const QString &binary, QString *error)
    {
        if (!m_dir.isValid()) {
            *error = QStringLiteral("no temporary dir");
            return false;
        }
        m_proc.setProgram(binary);
        m_proc.setArguments({QStringLiteral("--port"), QStringLiteral("0"), QStringLiteral("--data-dir"), m_dir.path() + QStringLiteral("/data"),
                             QStringLiteral("--quiet")});
        m_proc.setProcessChannelMode(QProcess::MergedChannels);
        m_proc.start();
        if (!m_proc.waitForStarted(5000)) {
            *error = QStringLiteral("cannot start %1: %2").arg(binary, m_proc.errorString());
            return false;
        }
        static const QRegularExpression listening(QStringLiteral("listening on (\\S+)"));
        QByteArray out;
        const bool ok = spinUntil([&] {
            out += m_proc.readAll();
            const QRegularExpressionMatch m = listening.match(QString::fromUtf8(out));
            if (m.hasMatch())
                m_port = quint16(QUrl(m.captured(1)).port());
            return m_port != 0 || m_proc.state() == QProcess::NotRunning;
        }, 15000);
        if (!ok || m_port == 0) {
            *error = QStringLiteral("server did not print its URL: ") + QString::fromUtf8(out);
            return false;
        }
        return true;
    }

    void stop()
    {
        if (m_proc.state() == QProcess::NotRunning)
            return;
        m_proc.terminate();
        if (!m_proc.waitForFinished(5000)) {
            m_proc.kill();
            m_proc.waitForFinished(2000);
        }
    }

    quint16 port() const { return m_port; }
    qint64 pid() const { return m_proc.processId(); }

private:
    QTemporaryDir m_dir;
    QProcess m_proc;
    quint16 m_port = 0;
};

// ---- account, provider and Kin through the REST API -------------------------------------------------------------

struct Session
{
    QByteArray cookie; // "better-auth.session_token=..."
    QByteArray apiKey;
    QString kinId;
};

std::optional<Session> setUp(quint16 port, const FakeLlmServer &fake, QString *error)
{
    HttpClient c(port);
    auto fail = [&](const char *what, const HttpResponse &r) {
        *error = QStringLiteral("%1: HTTP %2 %3").arg(QLatin1String(what)).arg(r.status).arg(QString::fromUtf8(r.body.left(300)));
        return std::nullopt;
    };
    HttpResponse r = c.postJson("/api/auth/sign-up/email", {{QStringLiteral("name"), QStringLiteral("Bench")},
                                                            {QStringLiteral("email"), QStringLiteral("bench@example.test")},
                                                            {QStringLiteral("password"), QStringLiteral("bench-password-123")}});
    if (r.status != 200)
        return fail("sign-up", r);
    c.setDefaultHeader("Origin", c.origin());
    r = c.postJson("/api/onboarding/profile", {{QStringLiteral("firstName"), QStringLiteral("Bench")},
                                               {QStringLiteral("lastName"), QStringLiteral("User")},
                                               {QStringLiteral("pseudonym"), QStringLiteral("bench")},
                                               {QStringLiteral("language"), QStringLiteral("en")}});
    if (r.status != 201)
        return fail("onboarding", r);
    r = c.postJson("/api/me/api-keys", {{QStringLiteral("name"), QStringLiteral("bench")}});
    Session s;
    s.apiKey = r.json().value(QStringLiteral("key")).toString().toLatin1();
    if (s.apiKey.isEmpty())
        return fail("api key", r);
    r = c.postJson("/api/providers", {{QStringLiteral("name"), QStringLiteral("Fake OpenAI")},
                                      {QStringLiteral("type"), QStringLiteral("openai")},
                                      {QStringLiteral("config"), QJsonObject{{QStringLiteral("apiKey"), QStringLiteral("sk-bench-1234567890")},
                                                                             {QStringLiteral("baseUrl"), fake.baseUrl()}}}});
    if (r.status != 201)
        return fail("provider", r);
    const QString providerId = r.json().value(QStringLiteral("provider")).toObject().value(QStringLiteral("id")).toString();
    r = c.postJson("/api/kins", {{QStringLiteral("name"), QStringLiteral("Echo")},
                                 {QStringLiteral("role"), QStringLiteral("a benchmark assistant")},
                                 {QStringLiteral("character"), QStringLiteral("Calm and precise.")},
                                 {QStringLiteral("expertise"), QStringLiteral("Benchmarks.")},
                                 {QStringLiteral("model"), QStringLiteral("gpt-4o")},
                                 {QStringLiteral("providerId"), providerId}});
    if (r.status != 201)
        return fail("kin", r);
    s.kinId = r.json().value(QStringLiteral("kin")).toObject().value(QStringLiteral("id")).toString();
    s.cookie = "better-auth.session_token=" + c.cookies().value("better-auth.session_token");
    return s;
}

bool isEvent(const SseFrame &f, const char *type)
{
    return f.event == "message" && f.data.value(QStringLiteral("type")).toString() == QLatin1String(type);
}

// Waits for the end of the current turn on the stream: a chat:done, then the queue:update that says the Kin is idle.
// `cursor` = frames already consumed by earlier turns.
bool waitTurnEnd(SseClient &sse, qsizetype &cursor, int timeoutMs)
{
    bool sawDone = false;
    qsizetype index = 0;
    const auto hit = sse.waitFor([&](const SseFrame &f) {
        const qsizetype i = index++;
        if (i < cursor)
            return false;
        if (isEvent(f, "chat:done"))
            sawDone = true;
        else if (sawDone && isEvent(f, "queue:update") && !f.data.value(QStringLiteral("isProcessing")).toBool()) {
            cursor = i + 1;
            return true;
        }
        return false;
    }, timeoutMs);
    return hit.has_value();
}

// ---- 1. POST → chat request at the fake ----------------------------------------------------------------------------

struct LatencyRun
{
    std::vector<double> toModel;   // POST sent → chat request parsed by the fake
    std::vector<double> to202;     // POST sent → 202 parsed by the client
    std::vector<double> turn;      // POST sent → idle queue:update seen on SSE (1-token reply)
    int requestBytesFirst = 0, requestBytesLast = 0;
};

std::optional<LatencyRun> runLatency(quint16 port, const Session &s, FakeLlmServer &fake, int warmup, int turns,
                                     const std::function<void()> &betweenTurns, QString *error)
{
    HttpClient api(port);
    api.setDefaultHeader("Cookie", s.cookie);
    api.setDefaultHeader("Origin", api.origin());
    SseClient sse(port, s.cookie);
    if (!sse.connectAndWait()) {
        *error = QStringLiteral("SSE did not connect (status %1)").arg(sse.status());
        return std::nullopt;
    }
    fake.setDefaultReply(FakeReply::text({QStringLiteral("ok")}));
    const QByteArray path = "/api/kins/" + s.kinId.toUtf8() + "/messages";
    qsizetype cursor = 0;
    LatencyRun run;
    for (int i = -warmup; i < turns; ++i) {
        if (betweenTurns)
            betweenTurns();
        const qsizetype before = fake.chatRequests().size();
        const qint64 t0 = FakeLlmServer::nowNs();
        const HttpResponse r = api.postJson(path, {{QStringLiteral("content"), QStringLiteral("benchmark message %1").arg(i)}});
        const qint64 t202 = FakeLlmServer::nowNs();
        if (r.status != 202) {
            *error = QStringLiteral("turn %1: POST gave %2 %3").arg(i).arg(r.status).arg(QString::fromUtf8(r.body.left(200)));
            return std::nullopt;
        }
        if (!waitTurnEnd(sse, cursor, 15000)) {
            *error = QStringLiteral("turn %1: no chat:done / idle queue:update within 15 s").arg(i);
            return std::nullopt;
        }
        const qint64 tEnd = FakeLlmServer::nowNs();
        const QList<FakeRequest> chats = fake.chatRequests();
        if (chats.size() != before + 1) {
            *error = QStringLiteral("turn %1: %2 chat requests instead of 1").arg(i).arg(chats.size() - before);
            return std::nullopt;
        }
        if (i < 0)
            continue;
        const FakeRequest &req = chats.last();
        run.toModel.push_back(double(req.receivedAtNs - t0) / 1e6);
        run.to202.push_back(double(t202 - t0) / 1e6);
        run.turn.push_back(double(tEnd - t0) / 1e6);
        if (i == 0)
            run.requestBytesFirst = int(req.body.size());
        run.requestBytesLast = int(req.body.size());
    }
    return run;
}

void printLatency(const char *title, const LatencyRun &run)
{
    std::printf("\n%s\n", title);
    printStatsRow("POST sent -> chat request at fake LLM", stats(run.toModel));
    printStatsRow("POST sent -> 202 received", stats(run.to202));
    printStatsRow("POST sent -> turn idle (chat:done, queue)", stats(run.turn));
    const size_t q = run.toModel.size() / 4;
    if (q > 0) {
        const Stats first = stats(std::vector<double>(run.toModel.begin(), run.toModel.begin() + qsizetype(q)));
        const Stats last = stats(std::vector<double>(run.toModel.end() - qsizetype(q), run.toModel.end()));
        std::printf("  history grows with every turn: chat request %d -> %d bytes; p50 first quarter %.3f ms, last quarter %.3f ms\n",
                    run.requestBytesFirst, run.requestBytesLast, first.p50, last.p50);
    }
}

// ---- 2. SSE clients on an epoll thread ------------------------------------------------------------------------------

class SseSwarm
{
public:
    struct Client
    {
        int fd = -1;
        std::string buf;
        bool headersDone = false;
        bool connected = false;
        bool done = false;
        std::vector<qint64> kernelNs; // per token: kernel receive time of the read that completed its frame
        std::vector<qint64> userNs;   // per token: when the reader thread got it
    };

    SseSwarm(quint16 port, QByteArray apiKey, int clients, int tokens)
        : m_port(port), m_clients(size_t(clients)), m_tokens(tokens)
    {
        m_request = "GET /api/sse HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port)
                    + "\r\nAccept: text/event-stream\r\nX-API-Key: " + apiKey.toStdString() + "\r\n\r\n";
        for (Client &c : m_clients) {
            c.kernelNs.assign(size_t(tokens), 0);
            c.userNs.assign(size_t(tokens), 0);
        }
    }
    ~SseSwarm() { stop(); }

    void start() { m_thread = std::thread([this] { run(); }); }
    void stop()
    {
        m_stop = true;
        if (m_thread.joinable())
            m_thread.join();
        for (Client &c : m_clients)
            if (c.fd >= 0) {
                ::close(c.fd);
                c.fd = -1;
            }
    }
    int connectedCount() const { return m_connected.load(); }
    int doneCount() const { return m_done.load(); }
    bool failed() const { return m_failed.load(); }
    std::string error() const { return m_failed ? m_error : std::string(); }
    const std::vector<Client> &clients() const { return m_clients; }
    int multiTokenReads() const { return m_multiTokenReads; }
    int reads() const { return m_reads; }
    int readsWithoutStamp() const { return m_readsWithoutStamp; }

private:
    void fail(std::string why)
    {
        if (!m_failed) {
            m_error = std::move(why);
            m_failed = true;
        }
    }

    bool open(size_t i)
    {
        const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            fail("socket(): " + std::string(std::strerror(errno)));
            return false;
        }
        const int one = 1;
        ::setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof one);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(m_port);
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::connect(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0) {
            fail("connect(): " + std::string(std::strerror(errno)));
            ::close(fd);
            return false;
        }
        if (::send(fd, m_request.data(), m_request.size(), MSG_NOSIGNAL) != ssize_t(m_request.size())) {
            fail("send(): " + std::string(std::strerror(errno)));
            ::close(fd);
            return false;
        }
        ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
        epoll_event ev{};
        ev.events = EPOLLIN;
        ev.data.u64 = i;
        ::epoll_ctl(m_epoll, EPOLL_CTL_ADD, fd, &ev);
        m_clients[i].fd = fd;
        return true;
    }

    void onFrame(Client &c, std::string_view frame, qint64 kts, qint64 uts, int &tokensThisRead)
    {
        if (!c.connected) {
            if (frame.find("event: connected") != std::string_view::npos) {
                c.connected = true;
                --m_inflight;
                ++m_connected;
            }
            return;
        }
        if (frame.find("\"type\":\"chat:token\"") != std::string_view::npos) {
            const size_t at = frame.find("\"token\":\"t");
            if (at == std::string_view::npos)
                return;
            int k = 0;
            bool digits = false;
            for (size_t p = at + 10; p < frame.size() && frame[p] >= '0' && frame[p] <= '9'; ++p) {
                k = k * 10 + (frame[p] - '0');
                digits = true;
            }
            if (digits && k < m_tokens && c.kernelNs[size_t(k)] == 0) {
                c.kernelNs[size_t(k)] = kts;
                c.userNs[size_t(k)] = uts;
                ++tokensThisRead;
            }
        } else if (frame.find("\"type\":\"chat:done\"") != std::string_view::npos && !c.done) {
            c.done = true;
            ++m_done;
        }
    }

    // Reads one socket, as cheaply as possible: one large read per readiness (the reader shares 2 cores with the server).
    // A TCP read is stamped with the receive time of the newest segment it consumed, and segments that arrive while
    // earlier data is still unread are merged into it keeping the newest stamp (tcp_try_coalesce). So a frame's time
    // is exact when the reader kept up and an upper bound when it did not; `multiTokenReads` counts the latter.
    void onReadable(size_t i)
    {
        Client &c = m_clients[i];
        char data[65536];
        alignas(cmsghdr) char control[256];
        while (true) {
            const size_t want = sizeof data;
            iovec iov{data, want};
            msghdr msg{};
            msg.msg_iov = &iov;
            msg.msg_iovlen = 1;
            msg.msg_control = control;
            msg.msg_controllen = sizeof control;
            const ssize_t n = ::recvmsg(c.fd, &msg, 0);
            if (n < 0) {
                if (errno == EAGAIN || errno == EWOULDBLOCK)
                    return;
                if (errno == EINTR)
                    continue;
                fail("recvmsg(): " + std::string(std::strerror(errno)));
                return;
            }
            if (n == 0) {
                if (!m_stop)
                    fail("the server closed an SSE stream");
                ::epoll_ctl(m_epoll, EPOLL_CTL_DEL, c.fd, nullptr);
                return;
            }
            const qint64 uts = realNs();
            qint64 kts = 0;
            for (cmsghdr *cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm))
                if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_TIMESTAMPNS) {
                    timespec ts{};
                    std::memcpy(&ts, CMSG_DATA(cm), sizeof ts);
                    kts = qint64(ts.tv_sec) * 1000000000 + ts.tv_nsec;
                }
            if (kts == 0) {
                kts = uts;
                ++m_readsWithoutStamp;
            }
            ++m_reads;
            c.buf.append(data, size_t(n));
            if (!c.headersDone) {
                const size_t end = c.buf.find("\r\n\r\n");
                if (end == std::string::npos)
                    continue;
                if (c.buf.compare(0, 12, "HTTP/1.1 200") != 0) {
                    fail("SSE answered: " + c.buf.substr(0, 80));
                    return;
                }
                c.buf.erase(0, end + 4);
                c.headersDone = true;
            }
            int tokensThisRead = 0;
            while (true) {
                const size_t eol = c.buf.find("\r\n");
                if (eol == std::string::npos)
                    break;
                const size_t size = std::strtoul(c.buf.c_str(), nullptr, 16);
                if (size == 0) { // the server ended the stream
                    c.buf.clear();
                    break;
                }
                if (c.buf.size() < eol + 2 + size + 2)
                    break;
                onFrame(c, std::string_view(c.buf).substr(eol + 2, size), kts, uts, tokensThisRead);
                c.buf.erase(0, eol + 2 + size + 2);
            }
            if (tokensThisRead > 1)
                ++m_multiTokenReads;
            if (size_t(n) < want)
                return; // a short read drained the socket: no EAGAIN read needed (epoll is level-triggered)
        }
    }

    void run()
    {
        m_epoll = ::epoll_create1(EPOLL_CLOEXEC);
        size_t next = 0;
        // At most 32 connections waiting for their `connected` frame: the server's listen backlog is 50, and a full
        // backlog would cost a 1 s SYN retransmit.
        constexpr int maxInflight = 32;
        std::vector<epoll_event> events(512);
        while (!m_stop && !m_failed) {
            while (next < m_clients.size() && m_inflight < maxInflight && !m_failed) {
                if (open(next))
                    ++m_inflight;
                ++next;
            }
            const int n = ::epoll_wait(m_epoll, events.data(), int(events.size()), 5);
            for (int e = 0; e < n; ++e)
                onReadable(size_t(events[size_t(e)].data.u64));
        }
        ::close(m_epoll);
    }

    quint16 m_port;
    std::string m_request;
    std::vector<Client> m_clients;
    int m_tokens;
    std::thread m_thread;
    int m_epoll = -1;
    int m_inflight = 0;
    int m_multiTokenReads = 0;
    int m_reads = 0;
    int m_readsWithoutStamp = 0;
    std::atomic<bool> m_stop{false};
    std::atomic<bool> m_failed{false};
    std::string m_error;
    std::atomic<int> m_connected{0};
    std::atomic<int> m_done{0};
};

struct FanoutRun
{
    int clients = 0;
    int tokens = 0;
    bool writeTimesExact = false;          // fake write times from the fake's socket (else the nominal schedule)
    long rssBefore = 0, rssConnected = 0, rssAfterTurn = 0, rssAfterClose = 0, hwm = 0; // KiB
    double connectSeconds = 0;
    std::vector<double> fromWrite;         // per (client, token): fake wrote the token → client's kernel got it
    std::vector<double> fromFirst;         // per (client, token): first client got it → this client got it
    std::vector<double> spread;            // per token: first client → last client
    std::vector<double> readerLag;         // per (client, token): kernel receive → reader thread (bench-side)
    int multiTokenReads = 0, reads = 0, readsWithoutStamp = 0;
    int writeStampsFromUser = 0;           // tokens whose write time is the user-space one (no kernel stamp)
    std::vector<double> userMinusKernelWrite; // per token: bytesWritten in user space - kernel send time
    int delayMs = 0;
    double turnMs = 0;                     // POST sent → the last client saw chat:done
    double serverCpuMs = 0, benchCpuMs = 0; // CPU used over that time by the server and by this process (fake + clients)
};

// One turn of `tokens` tokens streamed to `clients` SSE clients of the separate server process.
std::optional<FanoutRun> runFanout(ServerProcess &srv, const Session &s, FakeLlmServer &fake, int clients, int tokens, int delayMs,
                                   QString *error)
{
    FanoutRun run;
    run.clients = clients;
    run.tokens = tokens;
    run.delayMs = delayMs;
    run.rssBefore = rssKib(srv.pid());

    SseSwarm swarm(srv.port(), s.apiKey, clients, tokens);
    QElapsedTimer connecting;
    connecting.start();
    swarm.start();
    if (!spinUntil([&] { return swarm.connectedCount() == clients || swarm.failed(); }, 120000) || swarm.failed()) {
        *error = QStringLiteral("%1 of %2 SSE clients connected; %3")
                     .arg(swarm.connectedCount())
                     .arg(clients)
                     .arg(QString::fromStdString(swarm.error()));
        return std::nullopt;
    }
    run.connectSeconds = double(connecting.elapsed()) / 1000.0;
    spinFor(500); // the `SSE connection opened` log events of the last clients go out
    run.rssConnected = rssKib(srv.pid());

    // The reply, and a tap on the fake's sockets that stamps each write of the chat stream.
    QStringList chunks;
    for (int k = 0; k < tokens; ++k)
        chunks << QStringLiteral("t%1 ").arg(k);
    const FakeReply reply = FakeReply::text(chunks).chunkDelayMs(delayMs);
    fake.enqueue(reply);
    std::vector<std::unique_ptr<TxStamps>> taps;
    FakeRequest chat;
    int sequence = 0;
    QObject tap;
    QObject::connect(&fake, &FakeLlmServer::requestReceived, &tap, [&](const FakeRequest &r) {
        if (!r.chat)
            return;
        chat = r;
        sequence = int(fake.chatRequests().size());
        // Before the fake answers: the chat's socket is one of these (the others are idle keep-alive connections).
        for (QTcpSocket *sock : fake.findChildren<QTcpSocket *>()) {
            if (g_fakeNoDelay)
                sock->setSocketOption(QAbstractSocket::LowDelayOption, 1);
            auto stamps = std::make_unique<TxStamps>(sock);
            TxStamps *raw = stamps.get();
            QObject::connect(sock, &QTcpSocket::bytesWritten, &tap, [raw](qint64 n) { raw->onWritten(n); }, Qt::DirectConnection);
            taps.push_back(std::move(stamps));
        }
    });

    HttpClient api(srv.port());
    api.setDefaultHeader("X-API-Key", s.apiKey);
    const double serverCpu0 = cpuMs(srv.pid()), benchCpu0 = cpuMs(QCoreApplication::applicationPid());
    QElapsedTimer turn;
    turn.start();
    const HttpResponse r = api.postJson("/api/kins/" + s.kinId.toUtf8() + "/messages", {{QStringLiteral("content"), QStringLiteral("stream please")}});
    if (r.status != 202) {
        *error = QStringLiteral("POST gave %1 %2").arg(r.status).arg(QString::fromUtf8(r.body.left(200)));
        return std::nullopt;
    }
    if (!spinUntil([&] { return swarm.doneCount() == clients || swarm.failed(); }, 120000) || swarm.failed()) {
        *error = QStringLiteral("%1 of %2 clients saw chat:done; %3").arg(swarm.doneCount()).arg(clients).arg(QString::fromStdString(swarm.error()));
        return std::nullopt;
    }
    run.turnMs = double(turn.nsecsElapsed()) / 1e6;
    run.serverCpuMs = cpuMs(srv.pid()) - serverCpu0;
    run.benchCpuMs = cpuMs(QCoreApplication::applicationPid()) - benchCpu0;
    spinFor(300);
    run.rssAfterTurn = rssKib(srv.pid());
    QObject::disconnect(&fake, nullptr, &tap, nullptr);

    // Fake write time of each token: the writes on the chat socket are the header block, one per frame, then the
    // terminating chunk; each frame is found by its chunk-framed size, in order.
    std::vector<qint64> writeNs(size_t(tokens), 0);
    {
        TxStamps *chatTap = nullptr;
        for (const auto &t : taps) {
            t->disable();
            if (!chatTap || t->writes().size() > chatTap->writes().size())
                chatTap = t.get();
        }
        const std::vector<TxStamps::Write> none;
        const auto &mine = chatTap ? chatTap->writes() : none;
        const fakewire::Rendered rendered = fakewire::renderChat(chat.style, reply, chat.model, true, chat.json, sequence);
        size_t w = 0;
        int token = 0;
        for (const fakewire::Frame &f : rendered.frames) {
            const qint64 framed = QByteArray::number(f.bytes.size(), 16).size() + 2 + f.bytes.size() + 2;
            while (w < mine.size() && mine[w].bytes != framed)
                ++w;
            if (w == mine.size())
                break;
            if (f.content && token < tokens) {
                const qint64 k = chatTap->kernelNs(mine[w].lastByte);
                if (k == 0)
                    ++run.writeStampsFromUser;
                writeNs[size_t(token)] = k ? k : mine[w].userNs;
                run.userMinusKernelWrite.push_back(k ? double(mine[w].userNs - k) / 1e6 : 0.0);
                ++token;
            }
            ++w;
        }
        run.writeTimesExact = token == tokens;
        if (!run.writeTimesExact) {
            // Fallback: the nominal schedule, anchored so that the earliest token is not received before its write.
            std::fprintf(stderr, "warning: could not match the fake's writes (%zu writes on the chat socket); using the schedule\n",
                         mine.size());
            qint64 anchor = std::numeric_limits<qint64>::max();
            for (const auto &c : swarm.clients())
                anchor = std::min(anchor, c.kernelNs[0]);
            for (int k = 0; k < tokens; ++k)
                writeNs[size_t(k)] = anchor + qint64(k) * delayMs * 1000000;
        }
    }

    swarm.stop();
    spinFor(300);
    run.rssAfterClose = rssKib(srv.pid());
    run.hwm = rssKib(srv.pid(), "VmHWM:");
    run.readsWithoutStamp = swarm.readsWithoutStamp();
    run.multiTokenReads = swarm.multiTokenReads();
    run.reads = swarm.reads();

    const auto &cl = swarm.clients();
    for (int k = 0; k < tokens; ++k) {
        qint64 first = std::numeric_limits<qint64>::max(), last = 0;
        for (const auto &c : cl) {
            if (c.kernelNs[size_t(k)] == 0) {
                *error = QStringLiteral("token %1 missing at a client").arg(k);
                return std::nullopt;
            }
            first = std::min(first, c.kernelNs[size_t(k)]);
            last = std::max(last, c.kernelNs[size_t(k)]);
        }
        run.spread.push_back(double(last - first) / 1e6);
        for (const auto &c : cl) {
            run.fromFirst.push_back(double(c.kernelNs[size_t(k)] - first) / 1e6);
            run.fromWrite.push_back(double(c.kernelNs[size_t(k)] - writeNs[size_t(k)]) / 1e6);
            run.readerLag.push_back(double(c.userNs[size_t(k)] - c.kernelNs[size_t(k)]) / 1e6);
        }
    }
    return run;
}

void printFanout(const FanoutRun &run)
{
    std::printf("\n%d SSE client(s), one turn of %d tokens written %d ms apart%s\n", run.clients, run.tokens, run.delayMs,
                run.writeTimesExact ? "" : "  [fake write times APPROXIMATED from the schedule]");
    std::printf("  turn %.0f ms (POST -> last chat:done); CPU over it: server %.0f ms, bench (fake + clients) %.0f ms\n", run.turnMs,
                run.serverCpuMs, run.benchCpuMs);
    if (run.clients > 1)
        std::printf("  connecting %d clients took %.2f s\n", run.clients, run.connectSeconds);
    printStatsRow("fake wrote token -> client received", stats(run.fromWrite));
    if (run.clients > 1) {
        printStatsRow("first client -> this client (same token)", stats(run.fromFirst));
        printStatsRow("first -> last client, per token", stats(run.spread));
    }
    printStatsRow("bench reader lag (kernel rx -> read)", stats(run.readerLag));
    std::printf("  reads: %d, carrying >1 token %d, without a kernel receive stamp %d; token writes without a kernel send stamp %d\n",
                run.reads, run.multiTokenReads, run.readsWithoutStamp, run.writeStampsFromUser);
    printStatsRow("fake: bytesWritten after kernel send stamp", stats(run.userMinusKernelWrite));
    std::printf("  server RSS: before %ld KiB, clients connected %ld KiB (%+ld), after the turn %ld KiB (%+ld), clients closed %ld KiB; "
                "peak (VmHWM) %ld KiB\n",
                run.rssBefore, run.rssConnected, run.rssConnected - run.rssBefore, run.rssAfterTurn, run.rssAfterTurn - run.rssBefore,
                run.rssAfterClose, run.hwm);
}

int intArg(const QStringList &args, const QString &name, int def)
{
    const qsizetype i = args.indexOf(name);
    return i >= 0 && i + 1 < args.size() ? args.at(i + 1).toInt() : def;
}

} // namespace

int main(int argc, char *argv[])
{
    // The same event dispatcher as kinbot-server (Qt's UNIX one, not GLib's).
    qputenv("QT_NO_GLIB", "1");
    // 1,000 SSE sockets here and as many in the server (which inherits the limit).
    rlimit lim{};
    if (::getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < lim.rlim_max) {
        lim.rlim_cur = lim.rlim_max;
        ::setrlimit(RLIMIT_NOFILE, &lim);
    }
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    const int turns = intArg(args, QStringLiteral("--turns"), 200);
    const int warmup = intArg(args, QStringLiteral("--warmup"), 5);
    const int clients = intArg(args, QStringLiteral("--clients"), 1000);
    const int tokens = intArg(args, QStringLiteral("--tokens"), 200);
    // --chunk-delay-ms 5 or a list: 5,20
    QList<int> delayList;
    if (const qsizetype i = args.indexOf(QStringLiteral("--chunk-delay-ms")); i >= 0 && i + 1 < args.size())
        for (const QString &d : args.at(i + 1).split(QLatin1Char(','), Qt::SkipEmptyParts))
            delayList << qMax(0, d.toInt());
    if (delayList.isEmpty())
        delayList << 5 << 20; // 5 ms: 200 tokens/s, the stress case; 20 ms: 50 tokens/s, a fast real model
    QString serverBin = QString::fromUtf8(KINBOT_SERVER_BIN);
    if (const qsizetype i = args.indexOf(QStringLiteral("--server")); i >= 0 && i + 1 < args.size())
        serverBin = args.at(i + 1);
    const bool skipInProcess = args.contains(QStringLiteral("--skip-inprocess"));
    const bool skipLatency = args.contains(QStringLiteral("--skip-latency"));
    const bool skipFanout = args.contains(QStringLiteral("--skip-fanout"));
    g_fakeNoDelay = !args.contains(QStringLiteral("--fake-nagle"));
    // Receive timestamps are switched on lazily (and off again when the last socket asking for them closes): one socket
    // holds them on for the whole run, so the first reads of each set of SSE clients are stamped too.
    const int keeper = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    const int one = 1;
    ::setsockopt(keeper, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof one);

    ::getrlimit(RLIMIT_NOFILE, &lim);
    QStringList delays;
    for (int d : delayList)
        delays << QString::number(d);
    std::printf("bench_engine: server %s, %d turns (+%d warm-up), %d SSE clients x %d tokens every %s ms, RLIMIT_NOFILE %llu, %d CPUs, "
                "fake LLM sockets %s\n",
                qPrintable(serverBin), turns, warmup, clients, tokens, qPrintable(delays.join(QLatin1Char('/'))), static_cast<unsigned long long>(lim.rlim_cur),
                int(std::thread::hardware_concurrency()), g_fakeNoDelay ? "TCP_NODELAY" : "Nagle (Qt default)");
    int rc = 0;
    QString error;

    if (!skipLatency) {
        {
            FakeLlmServer fake;
            QObject tweaks;
            if (g_fakeNoDelay)
                fakeNoDelay(fake, &tweaks);
            ServerProcess srv;
            if (!fake.listen() || !srv.start(serverBin, &error)) {
                std::fprintf(stderr, "latency (separate process): %s\n", qPrintable(error));
                return 1;
            }
            const auto session = setUp(srv.port(), fake, &error);
            const auto run = session ? runLatency(srv.port(), *session, fake, warmup, turns, {}, &error) : std::nullopt;
            if (!run) {
                std::fprintf(stderr, "latency (separate process): %s\n", qPrintable(error));
                rc = 1;
            } else {
                printLatency("== 1. message POST -> chat request at the fake LLM: kinbot-server as a separate process ==", *run);
            }
        }
        if (!skipInProcess) {
            FakeLlmServer fake;
            QObject tweaks;
            if (g_fakeNoDelay)
                fakeNoDelay(fake, &tweaks);
            TestServer server;
            if (!fake.listen() || !server.ok()) {
                std::fprintf(stderr, "latency (in-process): %s\n", qPrintable(server.error()));
                return 1;
            }
            const auto session = setUp(server.port(), fake, &error);
            // The in-process server runs on a ManualClock: one second per turn keeps the rows in order.
            const auto run = session ? runLatency(server.port(), *session, fake, warmup, turns, [&] { server.clock().advanceMs(1000); }, &error)
                                     : std::nullopt;
            if (!run) {
                std::fprintf(stderr, "latency (in-process): %s\n", qPrintable(error));
                rc = 1;
            } else {
                printLatency("== 1b. the same, server in-process (TestServer; server, fake and clients share one thread) ==", *run);
            }
        }
    }

    if (!skipFanout) {
        FakeLlmServer fake;
        ServerProcess srv;
        if (!fake.listen() || !srv.start(serverBin, &error)) {
            std::fprintf(stderr, "fan-out: %s\n", qPrintable(error));
            return 1;
        }
        const auto session = setUp(srv.port(), fake, &error);
        if (!session) {
            std::fprintf(stderr, "fan-out: %s\n", qPrintable(error));
            return 1;
        }
        std::printf("\n== 2. token fan-out to SSE clients: kinbot-server as a separate process (pid %lld) ==\n", srv.pid());
        // Warm-up turn (first model call, statements, allocator); then, for each chunk delay, the 1-client baseline and
        // the swarm.
        if (!runFanout(srv, *session, fake, 1, tokens, delayList.first(), &error)) {
            std::fprintf(stderr, "fan-out: %s\n", qPrintable(error));
            return 1;
        }
        for (const int delay : delayList) {
            const auto base = runFanout(srv, *session, fake, 1, tokens, delay, &error);
            const auto many = base ? runFanout(srv, *session, fake, clients, tokens, delay, &error) : std::nullopt;
            if (!many) {
                std::fprintf(stderr, "fan-out: %s\n", qPrintable(error));
                return 1;
            }
            printFanout(*base);
            printFanout(*many);
            const Stats b = stats(base->fromWrite), m = stats(many->fromWrite), f = stats(many->fromFirst);
            std::printf("\n  SUMMARY %d clients, tokens %d ms apart: added latency vs the first client p50 %.3f ms, p99 %.3f ms; "
                        "fake->client p50 %.3f / p99 %.3f ms vs %.3f / %.3f ms with 1 client (added p50 %+.3f ms, p99 %+.3f ms); "
                        "server CPU per extra client frame %.1f us\n",
                        clients, delay, f.p50, f.p99, m.p50, m.p99, b.p50, b.p99, m.p50 - b.p50, m.p99 - b.p99,
                        (many->serverCpuMs - base->serverCpuMs) * 1000.0 / (double(clients - 1) * tokens));
            std::printf("  SUMMARY extra server RSS with %d clients: %+.1f MiB connected, %+.1f MiB after the turn\n", clients,
                        double(many->rssConnected - many->rssBefore) / 1024.0, double(many->rssAfterTurn - many->rssBefore) / 1024.0);
        }
    }
    ::close(keeper);
    return rc;
}
