// Unit tests of the pieces under the HTTP API: routing, multipart, cookies, policy, passwords, storage, settings.
#include "crypto/EncryptionKey.h"
#include "crypto/PasswordHasher.h"
#include "events/EventBus.h"
#include "http/Cookies.h"
#include "http/HttpPolicy.h"
#include "http/HttpServer.h"
#include "log/Logger.h"
#include "HttpClient.h"
#include "http/Multipart.h"
#include "http/Router.h"
#include "settings/SettingsStore.h"
#include "storage/Database.h"
#include "storage/Migrator.h"
#include "system/VersionChecker.h"
#include "util/Clock.h"
#include "util/Ids.h"
#include "util/RateLimiter.h"
#include "util/TcpNoDelay.h"

#include <QFile>
#include <malloc.h>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QtTest>

using namespace kinbot;

class TstUnits final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    // An async handler gets 504 after the request timeout, and the timer of every request answered in time goes away
    // with the answer (a timer left to run out kept each exchange's memory for the whole timeout).
    void asyncRequestTimeoutTimersGoWithTheAnswer()
    {
        EventBus bus;
        SystemClock clock;
        Logger logger(bus, clock, 100, LogLevel::Error, false);
        HttpServerOptions options;
        options.requestTimeoutMs = 400;
        HttpServer server(options, logger);
        QList<ExchangePtr> held; // what /never keeps and never answers
        server.addRoutes({{"GET", "/later", Access::Public,
                           [](const ExchangePtr &ex) {
                               QTimer::singleShot(0, [ex] { ex->send(Reply::json(QJsonObject{{QStringLiteral("ok"), true}})); });
                           }},
                          {"GET", "/now", Access::Public, [](const ExchangePtr &ex) { ex->send(Reply::json(QJsonObject{{QStringLiteral("ok"), true}})); }},
                          {"GET", "/never", Access::Public, [&held](const ExchangePtr &ex) { held.append(ex); }}});
        auto port = server.start(QStringLiteral("127.0.0.1"), 0);
        QVERIFY(port.ok());
        server.policy().configure(port.value(), QStringLiteral("127.0.0.1"), QString(), {}, {});
        const auto timers = [&server] { return server.findChildren<QTimer *>(QString(), Qt::FindDirectChildrenOnly).size(); };
        const qsizetype before = timers();
        test::HttpClient client(port.value());
        for (int i = 0; i < 200; ++i) // warm-up: the server's and the client's first allocations
            QCOMPARE(client.get("/later").status, 200);
        QTRY_COMPARE_WITH_TIMEOUT(timers(), before, 2000);
        // Heap growth over 2000 requests answered later, against 2000 answered at once (no timer either way), so
        // that what the client and the sockets keep cancels out. Each answered request used to keep ~300 bytes on
        // the heap until its timeout ran out.
        const auto growth = [&](const QByteArray &path) {
            QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
            const qint64 start = qint64(mallinfo2().uordblks);
            for (int i = 0; i < 2000; ++i)
                if (client.get(path).status != 200)
                    return qint64(-1);
            QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
            return qint64(mallinfo2().uordblks) - start;
        };
        const qint64 atOnce = growth("/now");
        const qint64 later = growth("/later");
        QVERIFY(atOnce >= 0 && later >= 0);
        QVERIFY2(later - atOnce < 200 * 1024, qPrintable(QStringLiteral("answered later: %1 bytes more").arg(later - atOnce)));
        QTRY_COMPARE_WITH_TIMEOUT(timers(), before, 2000); // well before the 400 ms timeout of the last ones
        QElapsedTimer t;
        t.start();
        const test::HttpResponse never = client.get("/never");
        QCOMPARE(never.status, 504);
        QCOMPARE(never.json().value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toString(), QStringLiteral("TIMEOUT"));
        QVERIFY(t.elapsed() >= 350);
        QTRY_COMPARE_WITH_TIMEOUT(timers(), before, 2000);
    }

    void noDelayIsSwitchedOnForSocketsToAPeerPort()
    {
        QTcpServer server;
        QVERIFY(server.listen(QHostAddress::LocalHost));
        QTcpServer other;
        QVERIFY(other.listen(QHostAddress::LocalHost));
        QTcpSocket toServer, toOther;
        toServer.connectToHost(QHostAddress::LocalHost, server.serverPort());
        toOther.connectToHost(QHostAddress::LocalHost, other.serverPort());
        QVERIFY(toServer.waitForConnected(3000));
        QVERIFY(toOther.waitForConnected(3000));
        QCOMPARE(toServer.socketOption(QAbstractSocket::LowDelayOption).toInt(), 0);
#ifdef Q_OS_LINUX
        QCOMPARE(kinbot::tcp::enableNoDelayForPeerPort(server.serverPort()), 1);
        QCOMPARE(toServer.socketOption(QAbstractSocket::LowDelayOption).toInt(), 1);
        QCOMPARE(toOther.socketOption(QAbstractSocket::LowDelayOption).toInt(), 0); // other peers untouched
        QCOMPARE(kinbot::tcp::enableNoDelayForPeerPort(server.serverPort()), 0);      // already done
#endif
    }

    void routerMatchesParamsAndPrefersStatic()
    {
        Router r;
        int hit = 0;
        r.add({"GET", "/api/users/:id", Access::Member, [&](const ExchangePtr &) { hit = 1; }});
        r.add({"GET", "/api/users/mentionables", Access::Member, [&](const ExchangePtr &) { hit = 2; }});
        r.add({"DELETE", "/api/users/:id", Access::Admin, nullptr});
        r.add({"GET", "/api/uploads/*", Access::Member, nullptr});

        auto m = r.match("GET", "/api/users/mentionables");
        QCOMPARE(m.kind, RouteMatch::Kind::Found);
        QCOMPARE(m.route->pattern, QStringLiteral("/api/users/mentionables"));
        m = r.match("GET", "/api/users/abc%20def");
        QCOMPARE(m.kind, RouteMatch::Kind::Found);
        QCOMPARE(m.params.value(QStringLiteral("id")), QStringLiteral("abc def"));
        m = r.match("HEAD", "/api/users/x");
        QCOMPARE(m.kind, RouteMatch::Kind::Found);
        m = r.match("PUT", "/api/users/x");
        QCOMPARE(m.kind, RouteMatch::Kind::MethodNotAllowed);
        QVERIFY(m.allowed.contains("GET") && m.allowed.contains("DELETE"));
        m = r.match("GET", "/api/uploads/avatars/a.png");
        QCOMPARE(m.params.value(QStringLiteral("*")), QStringLiteral("avatars/a.png"));
        QCOMPARE(r.match("GET", "/api/nothing").kind, RouteMatch::Kind::NotFound);
    }

    void routerRejectsTraversal_data()
    {
        QTest::addColumn<QByteArray>("path");
        QTest::newRow("dotdot") << QByteArray("/api/users/..");
        QTest::newRow("encoded slash") << QByteArray("/api/users/..%2F..%2Fetc%2Fpasswd");
        QTest::newRow("encoded dotdot") << QByteArray("/api/uploads/%2e%2e/kinbot.db");
        QTest::newRow("backslash") << QByteArray("/api/users/a%5Cb");
        QTest::newRow("nul") << QByteArray("/api/users/a%00b");
    }
    void routerRejectsTraversal()
    {
        QFETCH(QByteArray, path);
        Router r;
        r.add({"GET", "/api/users/:id", Access::Member, nullptr});
        r.add({"GET", "/api/uploads/*", Access::Member, nullptr});
        QCOMPARE(r.match("GET", path).kind, RouteMatch::Kind::BadPath);
    }

    void multipartParsesFieldsAndFiles()
    {
        const QByteArray binary = QByteArray("\x00\x01\r\n--XyW\x02", 10); // NUL bytes and a near-miss delimiter
        const QByteArray body = QByteArray("--XyZ\r\nContent-Disposition: form-data; name=\"kinId\"\r\n\r\nabc\r\n"
                                           "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a \\\"q\\\".bin\"\r\n"
                                           "Content-Type: application/octet-stream\r\n\r\n")
                                + binary
                                + QByteArray("\r\n--XyZ\r\nContent-Disposition: form-data; name=\"u\"; filename*=UTF-8''%C3%A9t%C3%A9.txt\r\n\r\nx\r\n"
                                             "--XyZ--\r\n");
        auto form = MultipartForm::parse("multipart/form-data; boundary=XyZ", body);
        QVERIFY(form.ok());
        QCOMPARE(form->parts().size(), 3);
        QCOMPARE(form->field(QStringLiteral("kinId")), QStringLiteral("abc"));
        const MultipartPart *file = form->part(QStringLiteral("file"));
        QVERIFY(file && file->isFile());
        QCOMPARE(file->fileName, QStringLiteral("a \"q\".bin"));
        QCOMPARE(file->contentType, QByteArray("application/octet-stream"));
        QCOMPARE(file->data, binary);
        QCOMPARE(form->part(QStringLiteral("u"))->fileName, QString::fromUtf8("été.txt"));
        QVERIFY(!form->part(QStringLiteral("kinId"))->isFile());
    }

    void multipartRejectsMalformed_data()
    {
        QTest::addColumn<QByteArray>("contentType");
        QTest::addColumn<QByteArray>("body");
        QTest::newRow("not multipart") << QByteArray("application/json") << QByteArray("{}");
        QTest::newRow("no boundary") << QByteArray("multipart/form-data") << QByteArray("--x\r\n");
        QTest::newRow("truncated") << QByteArray("multipart/form-data; boundary=b")
                                   << QByteArray("--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nvalue-without-end");
        QTest::newRow("no name") << QByteArray("multipart/form-data; boundary=b")
                                 << QByteArray("--b\r\nContent-Disposition: form-data\r\n\r\nv\r\n--b--");
        QTest::newRow("no headers end") << QByteArray("multipart/form-data; boundary=b") << QByteArray("--b\r\nContent-Disposition: form-data; name=\"a\"");
    }
    void multipartRejectsMalformed()
    {
        QFETCH(QByteArray, contentType);
        QFETCH(QByteArray, body);
        auto form = MultipartForm::parse(contentType, body);
        QVERIFY(!form.ok());
        QCOMPARE(form.error().code, QStringLiteral("INVALID_MULTIPART"));
    }

    void cookiesParseAndBuild()
    {
        const auto jar = cookies::parse("a=1; better-auth.session_token=abc.def%3D;  b = 2");
        QCOMPARE(jar.value("a"), QByteArray("1"));
        QCOMPARE(jar.value("better-auth.session_token"), QByteArray("abc.def%3D"));
        QCOMPARE(jar.value("b"), QByteArray("2"));
        QCOMPARE(cookies::build({"n", "v", 604800}), QByteArray("n=v; Max-Age=604800; Path=/; HttpOnly; SameSite=Lax"));
        QCOMPARE(cookies::build({"n", "", 0}), QByteArray("n=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax"));
    }

    void policyChecksHostsAndOrigins()
    {
        HttpPolicy p;
        p.configure(3000, QStringLiteral("127.0.0.1"), QStringLiteral("http://kinbot.lan:3000"), {QStringLiteral("https://app.example")},
                    {QStringLiteral("my.box")});
        QVERIFY(p.isAllowedHost("localhost:3000"));
        QVERIFY(p.isAllowedHost("127.0.0.1"));
        QVERIFY(p.isAllowedHost("[::1]:3000"));
        QVERIFY(p.isAllowedHost("kinbot.lan:3000"));
        QVERIFY(p.isAllowedHost("my.box"));
        QVERIFY(p.isAllowedHost("app.localhost:3000"));
        QVERIFY(!p.isAllowedHost("evil.example"));
        QVERIFY(!p.isAllowedHost("localhost.evil.example"));
        QVERIFY(!p.isAllowedHost(""));
        QVERIFY(p.isTrustedOrigin("http://localhost:3000"));
        QVERIFY(p.isTrustedOrigin("http://127.0.0.1:3000"));
        QVERIFY(p.isTrustedOrigin("https://app.example"));
        QVERIFY(!p.isTrustedOrigin("http://localhost:3001"));
        QVERIFY(!p.isTrustedOrigin("https://evil.example"));
        QVERIFY(!p.isTrustedOrigin("null"));
    }

    void passwordsMatchBetterAuthFormat()
    {
        // Vectors made with Node's crypto.scryptSync(pw.normalize('NFKC'), saltHex, 64, {N:16384, r:16, p:1}),
        // which is what Better Auth stores: a reference database's accounts keep working.
        const QString salt = QStringLiteral("0123456789abcdef0123456789abcdef");
        const QString stored = salt + QStringLiteral(":34530a5f2575036a373f887d41cb07a00fbb73d23b3f41fe032b72562e88933c8d5ba223ae23a8d0aa110332b7d83c4400ea9612de7e5ae313dd028102417604");
        QCOMPARE(passwords::hashWithSalt(QStringLiteral("correct-horse-42"), salt), stored);
        QVERIFY(passwords::verify(QStringLiteral("correct-horse-42"), stored));
        QVERIFY(!passwords::verify(QStringLiteral("correct-horse-43"), stored));
        // NFKC: full-width characters hash like their ASCII forms.
        const QString nfkc = salt + QStringLiteral(":59aabb650e93c219fe9f4437f6becb8e4d1eecc6a3cb2a1c78760848b2f509181514567838dc39cb7a151323f7a53c7cbccf402becd6253507c63faf844d7ee6");
        QVERIFY(passwords::verify(QString::fromUtf8("Ｐａｓｓｗｏｒｄ１２３"), nfkc));
        QVERIFY(passwords::verify(QStringLiteral("Password123"), nfkc));
        const QString fresh = passwords::hash(QStringLiteral("x-password"));
        QVERIFY(fresh != passwords::hash(QStringLiteral("x-password"))); // random salt
        QVERIFY(passwords::verify(QStringLiteral("x-password"), fresh));
        QVERIFY(!passwords::verify(QStringLiteral("x"), QStringLiteral("garbage")));
    }

    void encryptionKeyFileIsCreatedPrivateAndReused()
    {
        QTemporaryDir dir;
        auto k1 = EncryptionKey::loadOrCreate(dir.path(), {});
        QVERIFY(k1.ok());
        QCOMPARE(k1->raw().size(), 32);
        QFile f(dir.path() + QStringLiteral("/.encryption-key"));
        QCOMPARE(f.permissions() & (QFileDevice::ReadGroup | QFileDevice::ReadOther | QFileDevice::WriteGroup | QFileDevice::WriteOther),
                 QFileDevice::Permissions());
        auto k2 = EncryptionKey::loadOrCreate(dir.path(), {});
        QCOMPARE(k2->hex(), k1->hex());
        QVERIFY(!EncryptionKey::loadOrCreate(dir.path(), QStringLiteral("abc")).ok());
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write("not-a-key");
        f.close();
        auto bad = EncryptionKey::loadOrCreate(dir.path(), {});
        QVERIFY(!bad.ok());
        QCOMPARE(bad.error().code, QStringLiteral("INVALID_ENCRYPTION_KEY"));
    }

    void migratorAppliesOnceAndRollsBackFailures()
    {
        QTemporaryDir dir;
        ManualClock clock(1000);
        Database db(dir.path() + QStringLiteral("/t.db"));
        Migrator m(db, clock);
        const QList<Migration> good{{1, QStringLiteral("a"), QStringLiteral("CREATE TABLE a(x INTEGER);\nINSERT INTO a VALUES(1);")},
                                    {2, QStringLiteral("b"), QStringLiteral("CREATE TABLE b(y TEXT);")}};
        auto first = m.migrate(good);
        QVERIFY(first.ok());
        QCOMPARE(first.value(), (QList<int>{1, 2}));
        auto again = m.migrate(good);
        QVERIFY(again.ok());
        QVERIFY(again->isEmpty());
        const QList<Migration> bad{{3, QStringLiteral("c"), QStringLiteral("CREATE TABLE c(z INTEGER);\nINSERT INTO nowhere VALUES(1);")}};
        QVERIFY(!m.migrate(bad).ok());
        QCOMPARE(m.applied().value(), (QList<int>{1, 2}));
        auto tableC = db.exec(QStringLiteral("SELECT name FROM sqlite_master WHERE name = 'c'"));
        QVERIFY(!tableC.value().next()); // rolled back with its transaction

        QVERIFY(Migrator::bundled().size() >= 1);
        QCOMPARE(Migrator::bundled().first().version, 1);
        auto journal = db.exec(QStringLiteral("PRAGMA journal_mode"));
        QVERIFY(journal.value().next());
        QCOMPARE(journal.value().value(0).toString(), QStringLiteral("wal"));
        auto fk = db.exec(QStringLiteral("PRAGMA foreign_keys"));
        QVERIFY(fk.value().next());
        QCOMPARE(fk.value().value(0).toInt(), 1);
    }

    void cachedStatementsMapTypesErrorsAndChanges()
    {
        QTemporaryDir dir;
        Database db(dir.path() + QStringLiteral("/t.db"));
        db.watchTables({QStringLiteral("parent")});
        QVERIFY(db.exec(QStringLiteral("CREATE TABLE parent(id TEXT PRIMARY KEY)")).ok());
        QVERIFY(db.exec(QStringLiteral("CREATE TABLE child(id INTEGER PRIMARY KEY, parent_id TEXT REFERENCES parent(id) ON DELETE CASCADE, "
                                       "n INTEGER, r REAL, t TEXT, b BLOB)")).ok());
        db.watchTables({QStringLiteral("child")});
        const quint64 g0 = db.watchGeneration();
        QCOMPARE(db.run(QStringLiteral("INSERT INTO parent(id) VALUES(?)"), {QStringLiteral("p1")}).value(), 1);
        QVERIFY(db.watchGeneration() > g0);
        QCOMPARE(db.run(QStringLiteral("INSERT INTO child(parent_id, n, r, t, b) VALUES(?,?,?,?,?)"),
                        {QStringLiteral("p1"), qint64(1) << 40, 2.5, QStringLiteral("héllo ✓"), QByteArray("\0\1\2", 3)}).value(), 1);
        QCOMPARE(db.run(QStringLiteral("INSERT INTO child(parent_id, n, r, t, b) VALUES(?,?,?,?,?)"),
                        {QStringLiteral("p1"), true, QVariant(), QVariant(), QVariant()}).value(), 1);

        auto one = db.selectOne(QStringLiteral("SELECT n, r, t, b, parent_id FROM child WHERE id = ?"), {1});
        QVERIFY(one.ok() && one.value().has_value());
        const Database::Row row = *one.value();
        QCOMPARE(row.at(0).toLongLong(), qint64(1) << 40);
        QCOMPARE(row.at(1).toDouble(), 2.5);
        QCOMPARE(row.at(2).toString(), QStringLiteral("héllo ✓"));
        QCOMPARE(row.at(3).toByteArray(), QByteArray("\0\1\2", 3));
        auto second = db.selectOne(QStringLiteral("SELECT n, r, t, b, parent_id FROM child WHERE id = ?"), {2});
        QCOMPARE(second.value()->at(0).toLongLong(), 1); // bool binds as 1
        QVERIFY(second.value()->at(1).isNull() && second.value()->at(2).isNull() && second.value()->at(3).isNull());
        QVERIFY(!db.selectOne(QStringLiteral("SELECT n FROM child WHERE id = ?"), {99}).value().has_value());
        QCOMPARE(db.selectAll(QStringLiteral("SELECT id FROM child ORDER BY id")).value().size(), 2);

        // A unique violation is a typed conflict; SQL errors and wrong value counts are internal errors; nothing is lost.
        auto dup = db.run(QStringLiteral("INSERT INTO parent(id) VALUES(?)"), {QStringLiteral("p1")});
        QVERIFY(!dup.ok());
        QCOMPARE(dup.error().kind, ErrorKind::Conflict);
        QCOMPARE(db.run(QStringLiteral("INSERT INTO nowhere VALUES(1)")).error().kind, ErrorKind::Internal);
        QCOMPARE(db.selectOne(QStringLiteral("SELECT n FROM child WHERE id = ?"), {}).error().kind, ErrorKind::Internal);
        QCOMPARE(db.selectAll(QStringLiteral("SELECT id FROM child")).value().size(), 2);

        // A foreign-key cascade counts as a change of the watched child table; unwatched writes do not.
        QVERIFY(db.exec(QStringLiteral("CREATE TABLE other(x INTEGER)")).ok());
        const quint64 g1 = db.watchGeneration();
        QVERIFY(db.run(QStringLiteral("INSERT INTO other VALUES(1)")).ok());
        QCOMPARE(db.watchGeneration(), g1);
        db.watchTables({}); // no-op
        Database::Row before = *db.selectOne(QStringLiteral("SELECT COUNT(*) FROM child")).value();
        QCOMPARE(before.at(0).toInt(), 2);
        QVERIFY(db.transaction([&]() -> Status {
            auto r = db.run(QStringLiteral("DELETE FROM parent WHERE id = ?"), {QStringLiteral("p1")});
            return r.ok() ? Status() : Status(r.error());
        }).ok());
        QVERIFY(db.watchGeneration() >= g1 + 3); // the parent row and both cascaded child rows
        QCOMPARE(db.selectOne(QStringLiteral("SELECT COUNT(*) FROM child")).value()->at(0).toInt(), 0);
    }

    void settingsStorePersistsAndSignals()
    {
        QTemporaryDir dir;
        ManualClock clock(5000);
        Database db(dir.path() + QStringLiteral("/s.db"));
        QVERIFY(Migrator(db, clock).migrate(Migrator::bundled()).ok());
        SettingsStore s(db, clock);
        QVERIFY(s.load().ok());
        QCOMPARE(s.integer(Setting::CompactingThresholdPercent), 75);
        QVERIFY(!s.isSet(Setting::GlobalPrompt));
        QSignalSpy spy(&s, &SettingsStore::changed);
        QVERIFY(s.set(Setting::CompactingThresholdPercent, 80).ok());
        QVERIFY(s.set(Setting::GlobalPrompt, QStringLiteral("Be kind")).ok());
        QVERIFY(s.set(Setting::GlobalPrompt, QStringLiteral("Be kind")).ok()); // unchanged: no signal
        QCOMPARE(spy.count(), 2);
        SettingsStore reloaded(db, clock);
        QVERIFY(reloaded.load().ok());
        QCOMPARE(reloaded.integer(Setting::CompactingThresholdPercent), 80);
        QCOMPARE(reloaded.string(Setting::GlobalPrompt), QStringLiteral("Be kind"));
        QVERIFY(reloaded.clear(Setting::GlobalPrompt).ok());
        QVERIFY(!reloaded.isSet(Setting::GlobalPrompt));
    }

    void versionsCompareSemantically()
    {
        QCOMPARE(VersionChecker::compareVersions(QStringLiteral("0.2.0"), QStringLiteral("0.1.9")), 1);
        QCOMPARE(VersionChecker::compareVersions(QStringLiteral("v1.10.0"), QStringLiteral("1.9.0")), 1);
        QCOMPARE(VersionChecker::compareVersions(QStringLiteral("1.0.0-beta"), QStringLiteral("1.0.0")), -1);
        QCOMPARE(VersionChecker::compareVersions(QStringLiteral("1.0"), QStringLiteral("1.0.0")), 0);
    }

    void rateLimiterSlidesWithTheClock()
    {
        ManualClock clock(0);
        RateLimiter rl(clock, 3, 1000);
        for (int i = 0; i < 3; ++i) {
            QVERIFY(!rl.limited(QStringLiteral("k")));
            rl.record(QStringLiteral("k"));
        }
        QVERIFY(rl.limited(QStringLiteral("k")));
        QVERIFY(!rl.limited(QStringLiteral("other")));
        clock.advanceMs(1001);
        QVERIFY(!rl.limited(QStringLiteral("k")));
    }

    void eventWireIsFlat()
    {
        Event e{QStringLiteral("kin:updated"), EventScope::Kin, QStringLiteral("k1"), {}, {{QStringLiteral("name"), QStringLiteral("Echo")}}};
        const QJsonObject w = e.wire();
        QCOMPARE(w.value(QStringLiteral("type")).toString(), QStringLiteral("kin:updated"));
        QCOMPARE(w.value(QStringLiteral("kinId")).toString(), QStringLiteral("k1"));
        QCOMPARE(w.value(QStringLiteral("name")).toString(), QStringLiteral("Echo"));
        QVERIFY(!w.contains(QStringLiteral("data")));
    }

    void idsHaveTheReferenceShapes()
    {
        QVERIFY(ids::isUuid(ids::uuid()));
        const QString a = ids::alphanumeric(32);
        QCOMPARE(a.size(), 32);
        QVERIFY(QRegularExpression(QStringLiteral("^[A-Za-z0-9]{32}$")).match(a).hasMatch());
        QVERIFY(QRegularExpression(QStringLiteral("^[0-9a-f]{64}$")).match(ids::hexToken(32)).hasMatch());
        QVERIFY(ids::alphanumeric(32) != a);
    }
};

QTEST_GUILESS_MAIN(TstUnits)
#include "tst_units.moc"
