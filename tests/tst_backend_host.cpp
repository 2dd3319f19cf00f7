// Mini-app backends (_server.js) run by BackendHost without HTTP: the seed's examples byte for byte, Hono features,
// the {fetch} object form, reload on a new version, load failures, the watchdog against infinite loops (while another
// app keeps answering), timers, storage and events through fakes, logging, outbound fetch and the esbuild transpiler.
// The backends are files under tests/fixtures/backends/.
#include "events/EventBus.h"
#include "log/Logger.h"
#include "miniapps/JsTranspiler.h"
#include "miniapps/backend/BackendHost.h"
#include "util/Clock.h"

#include <QDirIterator>
#include <QElapsedTimer>
#include <QHttpServer>
#include <QHttpServerResponse>
#include <QMutex>
#include <QTemporaryDir>
#include <QtTest>

using namespace kinbot;
using namespace kinbot::miniapps;

namespace {

class FakeStorage final : public BackendStorage
{
public:
    Result<std::optional<QByteArray>> get(const QString &appId, const QString &key) override
    {
        QMutexLocker lock(&m_mutex);
        const auto &kv = m_data[appId];
        if (!kv.contains(key))
            return std::optional<QByteArray>();
        return std::optional<QByteArray>(kv.value(key));
    }
    Status set(const QString &appId, const QString &key, const QByteArray &json) override
    {
        QMutexLocker lock(&m_mutex);
        if (key.size() > 256)
            return ApiError::badRequest(QStringLiteral("STORAGE_ERROR"), QStringLiteral("Key too long (max 256 characters)"));
        m_data[appId].insert(key, json);
        return {};
    }
    Result<bool> remove(const QString &appId, const QString &key) override
    {
        QMutexLocker lock(&m_mutex);
        return m_data[appId].remove(key) > 0;
    }
    Result<QList<StorageKey>> list(const QString &appId) override
    {
        QMutexLocker lock(&m_mutex);
        QList<StorageKey> out;
        const auto &kv = m_data[appId];
        for (auto it = kv.begin(); it != kv.end(); ++it)
            out.append({it.key(), it.value().size()});
        return out;
    }
    Result<int> clear(const QString &appId) override
    {
        QMutexLocker lock(&m_mutex);
        const int n = int(m_data[appId].size());
        m_data[appId].clear();
        return n;
    }
    QByteArray raw(const QString &appId, const QString &key)
    {
        QMutexLocker lock(&m_mutex);
        return m_data[appId].value(key);
    }
    void put(const QString &appId, const QString &key, const QByteArray &json)
    {
        QMutexLocker lock(&m_mutex);
        m_data[appId].insert(key, json);
    }

private:
    QMutex m_mutex;
    QHash<QString, QMap<QString, QByteArray>> m_data;
};

struct EmittedEvent
{
    QString appId, event;
    std::optional<QJsonValue> data;
};

class FakeEvents final : public BackendEvents
{
public:
    void emitAppEvent(const QString &appId, const QString &event, const std::optional<QJsonValue> &data) override
    {
        QMutexLocker lock(&m_mutex);
        m_events.append({appId, event, data});
    }
    int subscriberCount(const QString &appId) const override
    {
        QMutexLocker lock(&m_mutex);
        return m_subscribers.value(appId);
    }
    QList<EmittedEvent> events()
    {
        QMutexLocker lock(&m_mutex);
        return m_events;
    }
    void setSubscribers(const QString &appId, int n)
    {
        QMutexLocker lock(&m_mutex);
        m_subscribers[appId] = n;
    }

private:
    mutable QMutex m_mutex;
    QList<EmittedEvent> m_events;
    QHash<QString, int> m_subscribers;
};

QString fixture(const QString &name)
{
    return QStringLiteral(KINBOT_BACKEND_FIXTURES "/") + name;
}

// Copies a fixture backend (with its sub-folders) into dir, replacing what was there.
void install(const QString &fixtureName, const QString &dir)
{
    QDir(dir).removeRecursively();
    QDir().mkpath(dir);
    const QDir from(fixture(fixtureName));
    QDirIterator it(from.path(), QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString src = it.next();
        const QString dst = QDir(dir).filePath(from.relativeFilePath(src));
        QDir().mkpath(QFileInfo(dst).path());
        QVERIFY(QFile::copy(src, dst));
    }
}

QJsonValue json(const BackendResponse &r)
{
    QJsonParseError err;
    const QJsonDocument doc = QJsonDocument::fromJson("[" + r.body + "]", &err);
    return err.error == QJsonParseError::NoError ? doc.array().at(0) : QJsonValue(QJsonValue::Undefined);
}

QByteArray header(const BackendResponse &r, const QByteArray &name)
{
    for (const auto &[k, v] : r.headers)
        if (k == name)
            return v;
    return {};
}

} // namespace

class TstBackendHost : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_root;
    FakeStorage m_storage;
    FakeEvents m_events;
    EventBus m_bus;
    SystemClock m_clock;
    Logger m_logger{m_bus, m_clock, 2000, LogLevel::Debug, false};
    int m_nextApp = 0;

    // A fresh app directory holding the fixture; appId unique per call.
    BackendApp app(const QString &fixtureName, int version = 1)
    {
        BackendApp a;
        a.appId = QStringLiteral("app-%1-%2").arg(fixtureName).arg(++m_nextApp);
        a.kinId = QStringLiteral("kin-1");
        a.appName = QStringLiteral("Demo ") + fixtureName;
        a.appDir = m_root.filePath(a.appId);
        a.version = version;
        install(fixtureName, a.appDir);
        return a;
    }

    std::unique_ptr<BackendHost> makeHost(int timeoutMs = 10000, bool allowPrivate = false)
    {
        BackendOptions o;
        o.timeoutMs = timeoutMs;
        o.allowPrivateNetwork = allowPrivate;
        return std::make_unique<BackendHost>(&m_storage, &m_events, &m_logger, o);
    }

    // Sends one request and waits (spinning the main loop) for done; fails the test if done never comes.
    static Result<BackendResponse> call(BackendHost &host, const BackendApp &a, const QByteArray &method, const QString &pathAndQuery,
                                        const QByteArray &body = {}, int waitMs = 20000)
    {
        BackendRequest req;
        req.method = method;
        req.url = QUrl(QStringLiteral("http://127.0.0.1:8080") + pathAndQuery);
        if (!body.isEmpty())
            req.headers.append(qMakePair(QByteArray("content-type"), QByteArray("application/json")));
        req.headers.append(qMakePair(QByteArray("accept"), QByteArray("application/json")));
        req.body = body;
        std::optional<Result<BackendResponse>> out;
        int calls = 0;
        host.handle(a, req, [&](Result<BackendResponse> r) {
            ++calls;
            out = std::move(r);
        });
        QElapsedTimer t;
        t.start();
        while (!out && t.elapsed() < waitMs)
            QCoreApplication::processEvents(QEventLoop::AllEvents | QEventLoop::WaitForMoreEvents, 20);
        if (!out)
            return ApiError::internal(QStringLiteral("test: done was never called"));
        return std::move(*out);
    }

    static void spin(int ms)
    {
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < ms)
            QCoreApplication::processEvents(QEventLoop::AllEvents | QEventLoop::WaitForMoreEvents, 10);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_root.isValid());
        QFile outside(m_root.filePath(QStringLiteral("outside.json")));
        QVERIFY(outside.open(QIODevice::WriteOnly));
        outside.write("{\"secret\":42}");
        QVERIFY2(!JsTranspiler::esbuildPath().isEmpty(), "esbuild is needed (scripts/deps.sh installs the Debian package)");
    }

    // The seed's storage example, byte for byte: list, add, list, delete.
    void seedItemsCrud()
    {
        auto host = makeHost();
        const BackendApp a = app(QStringLiteral("items"));
        auto r = call(*host, a, "GET", QStringLiteral("/items"));
        QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error().message));
        QCOMPARE(r->status, 200);
        QCOMPARE(r->body, QByteArray("[]"));
        QVERIFY(header(*r, "content-type").startsWith("application/json"));

        r = call(*host, a, "POST", QStringLiteral("/items"), R"({"name":"milk"})");
        QVERIFY(r.ok());
        QCOMPARE(r->body, QByteArray(R"({"success":true})"));
        r = call(*host, a, "POST", QStringLiteral("/items"), R"({"name":"eggs"})");
        QVERIFY(r.ok());

        r = call(*host, a, "GET", QStringLiteral("/items"));
        QVERIFY(r.ok());
        const QJsonArray items = json(*r).toArray();
        QCOMPARE(items.size(), 2);
        QCOMPARE(items[0].toObject()[QStringLiteral("name")].toString(), QStringLiteral("milk"));
        QCOMPARE(items[1].toObject()[QStringLiteral("name")].toString(), QStringLiteral("eggs"));
        QVERIFY(items[0].toObject()[QStringLiteral("id")].toDouble() > 1.6e12); // Date.now()
        // The fake storage holds the JSON text the backend stored.
        QCOMPARE(QJsonDocument::fromJson(m_storage.raw(a.appId, QStringLiteral("items"))).array(), items);

        const qint64 firstId = qint64(items[0].toObject()[QStringLiteral("id")].toDouble());
        r = call(*host, a, "DELETE", QStringLiteral("/items/%1").arg(firstId));
        QVERIFY(r.ok());
        QCOMPARE(r->body, QByteArray(R"({"success":true})"));
        r = call(*host, a, "GET", QStringLiteral("/items"));
        const QJsonArray left = json(*r).toArray();
        QCOMPARE(left.size(), 1);
        QCOMPARE(left[0].toObject()[QStringLiteral("name")].toString(), QStringLiteral("eggs"));
        QCOMPARE(host->loadedCount(), 1);
    }

    // The seed's events example: four events in order with their data; subscriberCount comes from the service.
    void seedProgressEvents()
    {
        auto host = makeHost();
        const BackendApp a = app(QStringLiteral("progress"));
        m_events.setSubscribers(a.appId, 3);
        auto r = call(*host, a, "GET", QStringLiteral("/listeners"));
        QVERIFY(r.ok());
        QCOMPARE(r->body, QByteArray(R"({"count":3})"));
        m_events.setSubscribers(a.appId, 1);
        r = call(*host, a, "GET", QStringLiteral("/listeners"));
        QCOMPARE(r->body, QByteArray(R"({"count":1})"));

        r = call(*host, a, "POST", QStringLiteral("/process"), "{}");
        QVERIFY(r.ok());
        QCOMPARE(r->body, QByteArray(R"({"success":true})"));
        QList<EmittedEvent> mine;
        for (const auto &e : m_events.events())
            if (e.appId == a.appId)
                mine.append(e);
        QCOMPARE(mine.size(), 4);
        for (int i = 0; i < 3; ++i) {
            QCOMPARE(mine[i].event, QStringLiteral("progress"));
            QVERIFY(mine[i].data.has_value());
            QCOMPARE(mine[i].data->toObject(), (QJsonObject{{QStringLiteral("step"), i + 1}, {QStringLiteral("total"), 3}}));
        }
        QCOMPARE(mine[3].event, QStringLiteral("done"));
        QCOMPARE(mine[3].data->toObject(), (QJsonObject{{QStringLiteral("result"), QStringLiteral("Complete!")}}));
    }

    void paramsQueryAsyncAndRelativeImport()
    {
        auto host = makeHost();
        const BackendApp a = app(QStringLiteral("echo"));
        auto r = call(*host, a, "GET", QStringLiteral("/echo/7?q=z"));
        QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error().message));
        QCOMPARE(json(*r).toObject(),
                 (QJsonObject{{QStringLiteral("x"), QStringLiteral("7")}, {QStringLiteral("q"), QStringLiteral("z")}, {QStringLiteral("app"), a.appId}}));

        r = call(*host, a, "GET", QStringLiteral("/users/ann/posts/12?tag=a&tag=b"));
        QCOMPARE(json(*r).toObject(), (QJsonObject{{QStringLiteral("user"), QStringLiteral("ann")},
                                                   {QStringLiteral("post"), QStringLiteral("12")},
                                                   {QStringLiteral("tags"), QJsonArray{QStringLiteral("a"), QStringLiteral("b")}}}));

        r = call(*host, a, "GET", QStringLiteral("/greet/bob"));
        QCOMPARE(json(*r).toObject(), (QJsonObject{{QStringLiteral("text"), QStringLiteral("hello bob")}, {QStringLiteral("sum"), 3}}));

        r = call(*host, a, "POST", QStringLiteral("/echo-body"), R"({"name":"widget","n":3})");
        QCOMPARE(r->status, 201);
        QCOMPARE(header(*r, "x-seen"), QByteArray("yes"));
        QCOMPARE(json(*r).toObject()[QStringLiteral("got")].toObject(),
                 (QJsonObject{{QStringLiteral("name"), QStringLiteral("widget")}, {QStringLiteral("n"), 3}}));
        QCOMPARE(json(*r).toObject()[QStringLiteral("method")].toString(), QStringLiteral("POST"));

        r = call(*host, a, "GET", QStringLiteral("/nothing/here"));
        QCOMPARE(r->status, 404);

        // Bytes come out as the same bytes, text as UTF-8.
        r = call(*host, a, "GET", QStringLiteral("/bytes"));
        QCOMPARE(r->body, QByteArray("\x00\xc8\xff\x41", 4));
        QCOMPARE(header(*r, "content-type"), QByteArray("application/octet-stream"));
        r = call(*host, a, "GET", QStringLiteral("/unicode"));
        QCOMPARE(QString::fromUtf8(r->body), QStringLiteral("caf\u00e9 \u2603"));
        r = call(*host, a, "POST", QStringLiteral("/upload"), QByteArray("\x00\xc8\xff\x41", 4));
        QCOMPARE(json(*r).toObject()[QStringLiteral("bytes")].toArray(), (QJsonArray{0, 200, 255, 65}));
        r = call(*host, a, "POST", QStringLiteral("/text"), QStringLiteral("\"caf\u00e9 \u2603\"").toUtf8());
        QCOMPARE(json(*r).toObject()[QStringLiteral("text")].toString(), QStringLiteral("\"caf\u00e9 \u2603\""));

        // ctx has exactly the documented fields.
        r = call(*host, a, "GET", QStringLiteral("/ctx"));
        const QJsonObject ctx = json(*r).toObject();
        QCOMPARE(ctx[QStringLiteral("keys")].toArray(),
                 (QJsonArray{QStringLiteral("Hono"), QStringLiteral("appId"), QStringLiteral("appName"), QStringLiteral("events"),
                             QStringLiteral("kinId"), QStringLiteral("log"), QStringLiteral("storage")}));
        QCOMPARE(ctx[QStringLiteral("kinId")].toString(), QStringLiteral("kin-1"));
        QCOMPARE(ctx[QStringLiteral("appName")].toString(), a.appName);
        QVERIFY(ctx[QStringLiteral("honoIsClass")].toBool());
    }

    // The runtime's own Headers / Request / Response (resources/jsruntime/src/fetch-api.js) and Hono's use of them.
    void fetchApiClasses()
    {
        auto host = makeHost();
        const BackendApp a = app(QStringLiteral("fetch-api"));
        auto r = call(*host, a, "GET", QStringLiteral("/checks"));
        QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error().message));
        QVERIFY2(r->status == 200, r->body.constData());
        const QJsonObject checks = json(*r).toObject();
        QVERIFY2(checks.size() >= 32, r->body.constData());
        for (auto it = checks.begin(); it != checks.end(); ++it)
            QVERIFY2(it.value() == QJsonValue(true), qPrintable(it.key() + QStringLiteral(": ") + it.value().toVariant().toString()));

        // Each cookie stays its own header, also through a middleware that adds a header after the handler.
        r = call(*host, a, "GET", QStringLiteral("/cookies"));
        QCOMPARE(r->status, 200);
        QCOMPARE(r->body, QByteArray("with cookies"));
        QList<QByteArray> cookies;
        for (const auto &[k, v] : r->headers)
            if (k == "set-cookie")
                cookies.append(v);
        QCOMPARE(cookies, (QList<QByteArray>{"early=1", "late=2"}));
        QCOMPARE(header(*r, "x-after"), QByteArray("yes"));

        r = call(*host, a, "GET", QStringLiteral("/go"));
        QCOMPARE(r->status, 302);
        QCOMPARE(header(*r, "location"), QByteArray("/there"));
        QVERIFY(r->body.isEmpty());

        // A Response built by hand, with bytes, and one returned after an await.
        r = call(*host, a, "GET", QStringLiteral("/raw-response"));
        QCOMPARE(r->body, QByteArray("\x00\xff", 2));
        QCOMPARE(header(*r, "content-type"), QByteArray("application/octet-stream"));
        r = call(*host, a, "GET", QStringLiteral("/async-response"));
        QCOMPARE(json(*r).toObject(), (QJsonObject{{QStringLiteral("later"), true}}));
        QCOMPARE(header(*r, "content-type"), QByteArray("application/json"));
    }

    void objectExportTypescriptAndAsyncFactory()
    {
        auto host = makeHost();
        const BackendApp obj = app(QStringLiteral("fetch-object"));
        auto r = call(*host, obj, "PUT", QStringLiteral("/a/b?c=1"), "{}");
        QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error().message));
        QCOMPARE(json(*r).toObject(), (QJsonObject{{QStringLiteral("path"), QStringLiteral("/a/b")},
                                                   {QStringLiteral("search"), QStringLiteral("?c=1")},
                                                   {QStringLiteral("method"), QStringLiteral("PUT")}}));

        const BackendApp ts = app(QStringLiteral("typescript"));
        r = call(*host, ts, "GET", QStringLiteral("/items"));
        QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error().message));
        QCOMPARE(r->body, QByteArray(R"([{"id":1,"label":"typed"}])"));

        const BackendApp af = app(QStringLiteral("async-factory"));
        m_storage.put(af.appId, QStringLiteral("greeting"), "\"hi there\"");
        r = call(*host, af, "GET", QStringLiteral("/"));
        QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error().message));
        QCOMPARE(r->body, QByteArray(R"({"greeting":"hi there"})"));
        QCOMPARE(host->loadedCount(), 3);
    }

    // A new version reloads: new code answers, in-memory state and old timers are gone.
    void versionReload()
    {
        auto host = makeHost();
        BackendApp a = app(QStringLiteral("counter-v1"));
        auto r = call(*host, a, "GET", QStringLiteral("/count"));
        QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error().message));
        QCOMPARE(r->body, QByteArray(R"({"version":1,"hits":1})"));
        r = call(*host, a, "GET", QStringLiteral("/count"));
        QCOMPARE(r->body, QByteArray(R"({"version":1,"hits":2})"));
        spin(100);
        auto ticks = [&] {
            int n = 0;
            for (const auto &e : m_events.events())
                n += e.appId == a.appId && e.event == QLatin1String("tick");
            return n;
        };
        QVERIFY(ticks() > 0); // v1's interval runs

        // Same version: nothing reloads even if the file changed (the caller bumps the version on writes).
        install(QStringLiteral("counter-v2"), a.appDir);
        r = call(*host, a, "GET", QStringLiteral("/count"));
        QCOMPARE(r->body, QByteArray(R"({"version":1,"hits":3})"));

        a.version = 2;
        r = call(*host, a, "GET", QStringLiteral("/count"));
        QVERIFY(r.ok());
        QCOMPARE(r->body, QByteArray(R"({"version":2,"hits":1})"));
        QCOMPARE(host->loadedCount(), 1);
        spin(60); // the old engine is torn down: its interval stops
        const int after = ticks();
        spin(150);
        QCOMPARE(ticks(), after);

        // invalidate(): the same version loads afresh too.
        host->invalidate(a.appId);
        QCOMPARE(host->loadedCount(), 0);
        r = call(*host, a, "GET", QStringLiteral("/count"));
        QCOMPARE(r->body, QByteArray(R"({"version":2,"hits":1})"));
        host->unload(a.appId);
        QCOMPARE(host->loadedCount(), 0);
    }

    void brokenBackends_data()
    {
        QTest::addColumn<QString>("fixtureName");
        QTest::addColumn<QString>("reason");
        QTest::newRow("syntax error") << "broken-syntax" << R"(_server.js:3:10: Expected ";" but found "y")";
        QTest::newRow("export default {}") << "broken-empty" << "found an object without fetch()";
        QTest::newRow("factory throws") << "broken-throws" << "The backend factory threw: boom at start";
        QTest::newRow("bare import") << "broken-bare" << R"(bare import "left-pad" is not supported)";
        QTest::newRow("import outside the app") << "broken-outside" << "importing ../outside.json is not allowed";
    }

    void brokenBackends()
    {
        QFETCH(QString, fixtureName);
        QFETCH(QString, reason);
        auto host = makeHost();
        const BackendApp a = app(fixtureName);
        for (int attempt = 0; attempt < 2; ++attempt) { // failures are not cached: each request tries again
            auto r = call(*host, a, "GET", QStringLiteral("/"));
            QVERIFY(!r.ok());
            QCOMPARE(r.error().code, QStringLiteral("BACKEND_UNAVAILABLE"));
            QCOMPARE(r.error().kind, ErrorKind::Internal);
            QVERIFY2(r.error().message.contains(reason), qPrintable(r.error().message));
            QCOMPARE(host->loadedCount(), 0);
        }
        const auto logs = m_logger.entries({LogLevel::Warn, QStringLiteral("miniapp:") + a.appId, {}, 0, 10});
        QVERIFY(!logs.isEmpty());
        // A fixed backend (same app, next version) then loads.
        BackendApp fixed = a;
        install(QStringLiteral("route-throw"), a.appDir);
        fixed.version = 2;
        auto r = call(*host, fixed, "GET", QStringLiteral("/fine"));
        QVERIFY(r.ok());
        QCOMPARE(r->body, QByteArray("fine"));
    }

    void missingServerFile()
    {
        auto host = makeHost();
        BackendApp a = app(QStringLiteral("items"));
        QVERIFY(QFile::remove(QDir(a.appDir).filePath(QStringLiteral("_server.js"))));
        auto r = call(*host, a, "GET", QStringLiteral("/items"));
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, QStringLiteral("BACKEND_UNAVAILABLE"));
        QVERIFY(r.error().message.contains(QStringLiteral("no _server.js")));
    }

    void routeThrowAndFetchThrow()
    {
        auto host = makeHost();
        const BackendApp a = app(QStringLiteral("route-throw"));
        auto r = call(*host, a, "GET", QStringLiteral("/boom"));
        QVERIFY(r.ok()); // Hono's own error handler answers
        QCOMPARE(r->status, 500);
        QCOMPARE(r->body, QByteArray("Internal Server Error"));
        r = call(*host, a, "GET", QStringLiteral("/fine"));
        QCOMPARE(r->status, 200);

        const BackendApp b = app(QStringLiteral("fetch-throw"));
        r = call(*host, b, "GET", QStringLiteral("/"));
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, QStringLiteral("BACKEND_ERROR"));
        QCOMPARE(r.error().kind, ErrorKind::Internal);
        const auto logs = m_logger.entries({LogLevel::Error, QStringLiteral("miniapp:") + b.appId, {}, 0, 10});
        QVERIFY(!logs.isEmpty());
        QVERIFY2(logs.last().message.contains(QStringLiteral("kaput outside any router")), qPrintable(logs.last().message));
    }

    // An infinite loop gets 504 within the limit while another app answers meanwhile; the looping app is interrupted
    // and answers again afterwards, with its state.
    void infiniteLoopWatchdog()
    {
        const int limit = 2000; // also the load limit: leaves room for slow machines and sanitizer builds
        auto host = makeHost(limit);
        const BackendApp looping = app(QStringLiteral("loop"));
        const BackendApp other = app(QStringLiteral("echo"));
        auto r = call(*host, looping, "GET", QStringLiteral("/ok"));
        QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error().message));
        QCOMPARE(r->body, QByteArray(R"({"alive":true,"served":1})"));
        r = call(*host, other, "GET", QStringLiteral("/echo/1"));
        QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error().message));

        for (const QString &path : {QStringLiteral("/spin"), QStringLiteral("/spin-async")}) {
            std::optional<Result<BackendResponse>> spun;
            QElapsedTimer t;
            t.start();
            BackendRequest req;
            req.url = QUrl(QStringLiteral("http://localhost") + path);
            host->handle(looping, req, [&](Result<BackendResponse> res) { spun = std::move(res); });
            // Meanwhile the other app answers, several times, well before the limit.
            for (int i = 0; i < 3; ++i) {
                r = call(*host, other, "GET", QStringLiteral("/echo/%1").arg(i));
                QVERIFY(r.ok());
                QCOMPARE(json(*r).toObject()[QStringLiteral("x")].toString(), QString::number(i));
            }
            QVERIFY(t.elapsed() < limit);
            QTRY_VERIFY_WITH_TIMEOUT(spun.has_value(), limit * 3);
            QVERIFY(t.elapsed() >= limit - 50);
            QVERIFY2(t.elapsed() < limit + 600, qPrintable(QString::number(t.elapsed())));
            QVERIFY(!spun->ok());
            QCOMPARE(spun->error().code, QStringLiteral("BACKEND_TIMEOUT"));
            QCOMPARE(spun->error().kind, ErrorKind::GatewayTimeout);
            // Interrupted: it answers again, and the module state survived.
            r = call(*host, looping, "GET", QStringLiteral("/ok"), {}, limit * 4);
            QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error().message));
            QCOMPARE(json(*r).toObject()[QStringLiteral("alive")].toBool(), true);
        }
        r = call(*host, looping, "GET", QStringLiteral("/ok"));
        QCOMPARE(r->body, QByteArray(R"({"alive":true,"served":4})"));
        QCOMPARE(host->loadedCount(), 2);
    }

    void loadLoopTimesOut()
    {
        const int limit = 600;
        auto host = makeHost(limit);
        const BackendApp a = app(QStringLiteral("broken-load-loop"));
        QElapsedTimer t;
        t.start();
        auto r = call(*host, a, "GET", QStringLiteral("/"));
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, QStringLiteral("BACKEND_UNAVAILABLE"));
        QVERIFY2(r.error().message.contains(QStringLiteral("longer than 600 ms")), qPrintable(r.error().message));
        QVERIFY2(t.elapsed() < 5000, qPrintable(QString::number(t.elapsed())));
        QCOMPARE(host->loadedCount(), 0);
    }

    void timers()
    {
        auto host = makeHost();
        const BackendApp a = app(QStringLiteral("timers"));
        auto r = call(*host, a, "GET", QStringLiteral("/later"));
        QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error().message));
        QCOMPARE(r->body, QByteArray(R"({"v":"done","waited":true})"));
        r = call(*host, a, "GET", QStringLiteral("/interval"));
        QCOMPARE(r->body, QByteArray(R"({"n":3})"));
        r = call(*host, a, "GET", QStringLiteral("/cleared"));
        QCOMPARE(r->body, QByteArray(R"({"fired":false})"));
    }

    void storageRoundTrip()
    {
        auto host = makeHost();
        const BackendApp a = app(QStringLiteral("storage"));
        auto r = call(*host, a, "POST", QStringLiteral("/kv/prefs"), R"({"theme":"dark","n":[1,2]})");
        QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error().message));
        QCOMPARE(r->body, QByteArray(R"({"ok":true,"returned":"undefined"})"));
        QCOMPARE(m_storage.raw(a.appId, QStringLiteral("prefs")), QByteArray(R"({"theme":"dark","n":[1,2]})"));
        r = call(*host, a, "GET", QStringLiteral("/kv/prefs"));
        QCOMPARE(r->body, QByteArray(R"({"value":{"theme":"dark","n":[1,2]}})"));
        r = call(*host, a, "GET", QStringLiteral("/kv/absent"));
        QCOMPARE(r->body, QByteArray(R"({"value":null})"));
        m_storage.put(a.appId, QStringLiteral("rawtext"), "not json");
        r = call(*host, a, "GET", QStringLiteral("/kv/rawtext"));
        QCOMPARE(r->body, QByteArray(R"({"value":"not json"})"));
        r = call(*host, a, "GET", QStringLiteral("/kv"));
        QCOMPARE(json(*r).toObject()[QStringLiteral("keys")].toArray(),
                 (QJsonArray{QJsonObject{{QStringLiteral("key"), QStringLiteral("prefs")}, {QStringLiteral("size"), 26}},
                             QJsonObject{{QStringLiteral("key"), QStringLiteral("rawtext")}, {QStringLiteral("size"), 8}}}));
        r = call(*host, a, "DELETE", QStringLiteral("/kv/prefs"));
        QCOMPARE(r->body, QByteArray(R"({"deleted":true})"));
        r = call(*host, a, "DELETE", QStringLiteral("/kv/prefs"));
        QCOMPARE(r->body, QByteArray(R"({"deleted":false})"));
        // A service error rejects the promise with its message.
        r = call(*host, a, "POST", QStringLiteral("/kv/") + QString(300, QLatin1Char('k')), "1");
        QCOMPARE(r->status, 400);
        QCOMPARE(r->body, QByteArray("{\"error\":\"Key too long (max 256 characters)\"}"));
        r = call(*host, a, "DELETE", QStringLiteral("/kv"));
        QCOMPARE(r->body, QByteArray(R"({"cleared":1})"));
    }

    void logging()
    {
        auto host = makeHost();
        const BackendApp a = app(QStringLiteral("logging"));
        auto r = call(*host, a, "GET", QStringLiteral("/log"));
        QVERIFY(r.ok());
        QCOMPARE(r->body, QByteArray("logged"));
        const auto logs = m_logger.entries({LogLevel::Debug, QStringLiteral("miniapp:") + a.appId, {}, 0, 50});
        QStringList lines;
        for (const auto &e : logs)
            lines << logLevelName(e.level) + QLatin1Char(' ') + e.message;
        QVERIFY2(lines.contains(QStringLiteral(R"(info Processing request 42 {"a":1})")), qPrintable(lines.join(QLatin1Char('|'))));
        QVERIFY(lines.contains(QStringLiteral("warn Something looks off")));
        QVERIFY(lines.contains(QStringLiteral("error Something went wrong: disk full")));
        QVERIFY(lines.contains(QStringLiteral("info from console")));
    }

    void outboundFetch()
    {
        QHttpServer server;
        server.route(QStringLiteral("/data"), [](const QHttpServerRequest &req) {
            QJsonObject o{{QStringLiteral("from"), QString::fromUtf8(req.value("x-from"))}};
            return QHttpServerResponse(o);
        });
        server.route(QStringLiteral("/post"), QHttpServerRequest::Method::Post, [](const QHttpServerRequest &req) {
            return QHttpServerResponse(QJsonObject{{QStringLiteral("echo"), QJsonDocument::fromJson(req.body()).object()}});
        });
        const quint16 port = server.listen(QHostAddress::LocalHost);
        QVERIFY(port != 0);
        const QString url = QStringLiteral("http://127.0.0.1:%1").arg(port);

        // Allowed (private network allowed, as KINBOT_ALLOW_PRIVATE_NETWORK=1 would).
        {
            auto host = makeHost(10000, true);
            const BackendApp a = app(QStringLiteral("outbound"));
            auto r = call(*host, a, "GET", QStringLiteral("/proxy?url=") + QUrl::toPercentEncoding(url + QStringLiteral("/data")));
            QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error().message));
            const QJsonObject o = json(*r).toObject();
            QCOMPARE(o[QStringLiteral("status")].toInt(), 200);
            QCOMPARE(o[QStringLiteral("ok")].toBool(), true);
            QVERIFY(o[QStringLiteral("type")].toString().startsWith(QStringLiteral("application/json")));
            QCOMPARE(o[QStringLiteral("body")].toString(), QStringLiteral(R"({"from":"backend"})"));
            r = call(*host, a, "POST", QStringLiteral("/proxy?url=") + QUrl::toPercentEncoding(url + QStringLiteral("/post")), "{}");
            QCOMPARE(json(*r).toObject()[QStringLiteral("body")].toObject(),
                     (QJsonObject{{QStringLiteral("echo"), QJsonObject{{QStringLiteral("n"), 7}}}}));
            r = call(*host, a, "GET", QStringLiteral("/proxy?url=") + QUrl::toPercentEncoding(url + QStringLiteral("/nope")));
            QCOMPARE(json(*r).toObject()[QStringLiteral("status")].toInt(), 404);
            r = call(*host, a, "GET", QStringLiteral("/proxy?url=") + QUrl::toPercentEncoding(QStringLiteral("ftp://example.com/x")));
            QCOMPARE(r->status, 502);
            QVERIFY(json(*r).toObject()[QStringLiteral("error")].toString().contains(QStringLiteral("http(s)")));
        }
        // Blocked by default: loopback is a private host.
        {
            auto host = makeHost(10000, false);
            const BackendApp a = app(QStringLiteral("outbound"));
            auto r = call(*host, a, "GET", QStringLiteral("/proxy?url=") + QUrl::toPercentEncoding(url + QStringLiteral("/data")));
            QVERIFY(r.ok());
            QCOMPARE(r->status, 502);
            const QString error = json(*r).toObject()[QStringLiteral("error")].toString();
            QVERIFY2(error.contains(QStringLiteral("private or loopback")), qPrintable(error));
        }
        // An injected guard decides.
        {
            BackendOptions o;
            QStringList asked;
            o.hostGuard = [&asked](QObject *, const QString &h, std::function<void(QString)> verdict) {
                asked << h; // called on the worker thread; read after the request completed
                verdict(QStringLiteral("denied by test guard"));
            };
            BackendHost host(&m_storage, &m_events, &m_logger, o);
            const BackendApp a = app(QStringLiteral("outbound"));
            auto r = call(host, a, "GET", QStringLiteral("/proxy?url=") + QUrl::toPercentEncoding(url + QStringLiteral("/data")));
            QVERIFY(json(*r).toObject()[QStringLiteral("error")].toString().contains(QStringLiteral("denied by test guard")));
            QCOMPARE(asked, QStringList{QStringLiteral("127.0.0.1")});
        }
    }

    // done runs exactly once, also when the host goes away with requests in flight (here: stuck in a loop).
    void destroyWithPendingRequests()
    {
        int calls = 0;
        QString code;
        {
            auto host = makeHost(60000);
            const BackendApp a = app(QStringLiteral("loop"));
            auto r = call(*host, a, "GET", QStringLiteral("/ok"));
            QVERIFY(r.ok());
            BackendRequest req;
            req.url = QUrl(QStringLiteral("http://localhost/spin"));
            host->handle(a, req, [&](Result<BackendResponse> res) {
                ++calls;
                code = res.ok() ? QString() : res.error().code;
            });
            spin(100);
            QCOMPARE(calls, 0);
        }
        QCOMPARE(calls, 1);
        QCOMPARE(code, QStringLiteral("BACKEND_UNAVAILABLE"));
    }

    // unload() answers a request running in the app at once (503) and stops its engine, even mid-loop.
    void unloadDuringRequest()
    {
        auto host = makeHost(60000);
        const BackendApp a = app(QStringLiteral("loop"));
        auto r = call(*host, a, "GET", QStringLiteral("/ok"));
        QVERIFY(r.ok());
        std::optional<Result<BackendResponse>> spun;
        BackendRequest req;
        req.url = QUrl(QStringLiteral("http://localhost/spin"));
        host->handle(a, req, [&](Result<BackendResponse> res) { spun = std::move(res); });
        spin(100);
        QVERIFY(!spun.has_value());
        host->unload(a.appId);
        QVERIFY(spun.has_value()); // answered by unload() itself
        QCOMPARE(spun->error().code, QStringLiteral("BACKEND_UNAVAILABLE"));
        QCOMPARE(spun->error().kind, ErrorKind::ServiceUnavailable);
        QCOMPARE(host->loadedCount(), 0);
        r = call(*host, a, "GET", QStringLiteral("/ok")); // a fresh engine: module state starts over
        QCOMPARE(r->body, QByteArray(R"({"alive":true,"served":1})"));
    }

    // A request parked on a load of version 1 is served by version 2 when that arrives meanwhile.
    void reloadWhileLoading()
    {
        auto host = makeHost();
        BackendApp a = app(QStringLiteral("counter-v1"));
        std::optional<Result<BackendResponse>> first;
        BackendRequest req;
        req.url = QUrl(QStringLiteral("http://localhost/count"));
        host->handle(a, req, [&](Result<BackendResponse> res) { first = std::move(res); });
        install(QStringLiteral("counter-v2"), a.appDir);
        a.version = 2;
        auto r = call(*host, a, "GET", QStringLiteral("/count"));
        QVERIFY(r.ok());
        QTRY_VERIFY(first.has_value());
        QVERIFY(first->ok());
        const QSet<QByteArray> bodies{first->value().body, r->body};
        QCOMPARE(bodies, (QSet<QByteArray>{R"({"version":2,"hits":1})", R"({"version":2,"hits":2})"}));
        QCOMPARE(host->loadedCount(), 1);
    }

    void concurrentRequests()
    {
        auto host = makeHost();
        const BackendApp a = app(QStringLiteral("echo"));
        const BackendApp b = app(QStringLiteral("fetch-object"));
        int answered = 0, good = 0;
        for (int i = 0; i < 200; ++i) {
            BackendRequest req;
            const bool first = i % 2 == 0;
            req.url = QUrl(first ? QStringLiteral("http://localhost/echo/%1").arg(i) : QStringLiteral("http://localhost/p/%1").arg(i));
            host->handle(first ? a : b, req, [&, i, first](Result<BackendResponse> r) {
                ++answered;
                if (!r.ok())
                    return;
                const QJsonObject o = json(r.value()).toObject();
                good += first ? o[QStringLiteral("x")].toString() == QString::number(i)
                              : o[QStringLiteral("path")].toString() == QStringLiteral("/p/%1").arg(i);
            });
        }
        QTRY_COMPARE_WITH_TIMEOUT(answered, 200, 20000);
        QCOMPARE(good, 200);
    }

    void transformJsx()
    {
        auto out = JsTranspiler::transformJsx("const el = <b className=\"x\">hi <>{1}</></b>;\nexport default el;\n", QStringLiteral("app.jsx"));
        QVERIFY2(out.ok(), qPrintable(out.ok() ? QString() : out.error().message));
        const QByteArray code = out.value();
        QVERIFY(code.startsWith("import React from \"react\";") || code.startsWith("import React from 'react';"));
        QVERIFY(code.contains("React.createElement(\"b\""));
        QVERIFY(code.contains("React.Fragment"));

        out = JsTranspiler::transformJsx("import * as React from 'react';\nexport const A = () => <i/>;\n", QStringLiteral("a.jsx"));
        QVERIFY(out.ok());
        QCOMPARE(out.value().count("from \"react\""), 1);

        out = JsTranspiler::transformJsx("type P = {n: number};\nexport const A = (p: P) => <i>{p.n}</i>;\n", QStringLiteral("a.tsx"));
        QVERIFY2(out.ok(), qPrintable(out.ok() ? QString() : out.error().message));
        QVERIFY(!out.value().contains("type P"));

        out = JsTranspiler::transformJsx("const a = 1;\nconst el = <div>oops</span>;\n", QStringLiteral("broken.jsx"));
        QVERIFY(!out.ok());
        QCOMPARE(out.error().code, QStringLiteral("TRANSPILE_FAILED"));
        QVERIFY2(out.error().message.startsWith(QStringLiteral("broken.jsx:2:")), qPrintable(out.error().message));
    }

    void missingEsbuild()
    {
        qputenv("KINBOT_ESBUILD", "/nonexistent/esbuild");
        auto out = JsTranspiler::transformJsx("<b/>", QStringLiteral("x.jsx"));
        auto host = makeHost();
        const BackendApp a = app(QStringLiteral("items"));
        auto r = call(*host, a, "GET", QStringLiteral("/items"));
        qunsetenv("KINBOT_ESBUILD");
        QVERIFY(!out.ok());
        QCOMPARE(out.error().code, QStringLiteral("ESBUILD_MISSING"));
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, QStringLiteral("BACKEND_UNAVAILABLE"));
        QVERIFY2(r.error().message.contains(QStringLiteral("esbuild was not found")), qPrintable(r.error().message));
    }

    void vendorModulesEmbedded()
    {
        auto host = makeHost(); // registers the resources
        for (const char *name : {"react.js", "react-dom.js", "react-dom-client.js", "react-jsx-runtime.js"}) {
            QFile f(QStringLiteral(":/miniapp-vendor/") + QLatin1String(name));
            QVERIFY2(f.open(QIODevice::ReadOnly), name);
            const QByteArray code = f.readAll();
            QVERIFY(code.contains("export"));
        }
        QFile rt(QStringLiteral(":/miniapp-vendor/react-jsx-runtime.js"));
        QVERIFY(rt.open(QIODevice::ReadOnly));
        const QByteArray code = rt.readAll();
        QVERIFY(code.contains("jsx") && code.contains("Fragment"));
        // One React: the entries import shared chunks rather than each carrying its own copy.
        QVERIFY(code.contains("./chunk-"));
    }
};

QTEST_GUILESS_MAIN(TstBackendHost)
#include "tst_backend_host.moc"
