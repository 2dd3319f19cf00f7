// Mini-app backends in-process (issue 4), run by hand: load time (esbuild bundle + engine start), sequential and
// concurrent GET req/s through BackendHost::handle() (Hono in QJSEngine on worker threads), and RSS per loaded
// backend (20 apps). Uses the test fixture tests/fixtures/backends/echo. Usage: bench_backend_host [requests]
#include "miniapps/JsTranspiler.h"
#include "miniapps/backend/BackendHost.h"

#include <QCoreApplication>
#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>

#include <algorithm>
#include <cstdio>

using namespace kinbot;
using namespace kinbot::miniapps;

namespace {

qint64 rssKb()
{
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly))
        return 0;
    for (const QByteArray &line : f.readAll().split('\n'))
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').value(0).toLongLong();
    return 0;
}

BackendApp makeApp(const QString &root, int i)
{
    BackendApp a;
    a.appId = QStringLiteral("bench-%1").arg(i);
    a.kinId = QStringLiteral("kin");
    a.appName = a.appId;
    a.appDir = QDir(root).filePath(a.appId);
    a.version = 1;
    const QDir from(QStringLiteral(KINBOT_BACKEND_FIXTURES "/echo"));
    QDirIterator it(from.path(), QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString src = it.next();
        const QString dst = QDir(a.appDir).filePath(from.relativeFilePath(src));
        QDir().mkpath(QFileInfo(dst).path());
        QFile::copy(src, dst);
    }
    return a;
}

BackendRequest get(const QString &path)
{
    BackendRequest r;
    r.url = QUrl(QStringLiteral("http://localhost") + path);
    return r;
}

// Waits (spinning the loop) until counter reaches n.
void waitFor(const int &counter, int n)
{
    while (counter < n)
        QCoreApplication::processEvents(QEventLoop::AllEvents | QEventLoop::WaitForMoreEvents, 50);
}

double percentile(std::vector<double> v, double p)
{
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    return v[size_t(std::min<double>(v.size() - 1, p * double(v.size())))];
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const int n = argc > 1 ? std::max(100, atoi(argv[1])) : 3000;
    QTemporaryDir root;
    BackendOptions options;
    options.timeoutMs = 30000;
    std::printf("esbuild: %s\n", qPrintable(JsTranspiler::esbuildPath()));

    // esbuild alone
    const BackendApp probe = makeApp(root.path(), 999);
    QElapsedTimer t;
    t.start();
    for (int i = 0; i < 5; ++i)
        (void)JsTranspiler::bundleBackend(probe.appDir, QStringLiteral("_server.js"));
    std::printf("esbuild bundle of _server.js + 1 import: %.1f ms\n", t.nsecsElapsed() / 5e6);

    const qint64 rss0 = rssKb();
    BackendHost host(nullptr, nullptr, nullptr, options);
    int done = 0, failed = 0;
    auto count = [&](Result<BackendResponse> r) {
        ++done;
        if (!r.ok() || r->status != 200)
            ++failed;
    };

    // Load time: first request of a fresh app (bundle + engine + polyfills + Hono + factory + the request).
    std::vector<double> loads;
    const int apps = 20;
    std::vector<BackendApp> loaded;
    for (int i = 0; i < apps; ++i) {
        loaded.push_back(makeApp(root.path(), i));
        t.restart();
        const int target = done + 1;
        host.handle(loaded.back(), get(QStringLiteral("/echo/1")), count);
        waitFor(done, target);
        loads.push_back(t.nsecsElapsed() / 1e6);
    }
    const qint64 rss1 = rssKb();
    std::printf("load (first request of an app), %d apps: p50 %.1f ms, max %.1f ms\n", apps, percentile(loads, 0.5),
                *std::max_element(loads.begin(), loads.end()));
    std::printf("RSS: %.1f MB before, %.1f MB with %d backends loaded: %.2f MB per backend\n", rss0 / 1024.0, rss1 / 1024.0, apps,
                (rss1 - rss0) / 1024.0 / apps);

    // Sequential GET on one app.
    std::vector<double> lat;
    lat.reserve(size_t(n));
    t.restart();
    QElapsedTimer one;
    for (int i = 0; i < n; ++i) {
        one.start();
        const int target = done + 1;
        host.handle(loaded[0], get(QStringLiteral("/echo/%1?q=z").arg(i)), count);
        waitFor(done, target);
        lat.push_back(one.nsecsElapsed() / 1e3);
    }
    double secs = t.nsecsElapsed() / 1e9;
    std::printf("sequential GET, 1 app: %d req in %.2f s = %.0f req/s (p50 %.0f us, p99 %.0f us)\n", n, secs, n / secs,
                percentile(lat, 0.5), percentile(lat, 0.99));

    // Concurrent GET: all issued at once, on one app, then spread over 4 apps (4 worker threads, 2 cores here).
    for (int spread : {1, 4}) {
        const int target = done + n;
        t.restart();
        for (int i = 0; i < n; ++i)
            host.handle(loaded[size_t(i % spread)], get(QStringLiteral("/echo/%1").arg(i)), count);
        waitFor(done, target);
        secs = t.nsecsElapsed() / 1e9;
        std::printf("concurrent GET, %d app(s): %d req in %.2f s = %.0f req/s\n", spread, n, secs, n / secs);
    }
    std::printf("RSS after the runs: %.1f MB; failed requests: %d\n", rssKb() / 1024.0, failed);
    return failed == 0 ? 0 : 1;
}
