// The first built-in tools, executed through the registry the engine uses.
#include "KinFixture.h"

#include "engine/ToolRegistry.h"

#include <QTcpServer>
#include <QTcpSocket>

using namespace kinbot::test;

// A tiny HTTP server answering every request with a fixed status, headers and a body of the given size.
class RawHttp : public QTcpServer
{
public:
    QByteArray head = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n";
    qint64 bodySize = 10;
    RawHttp()
    {
        listen(QHostAddress::LocalHost);
        connect(this, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *s = nextPendingConnection()) {
                connect(s, &QTcpSocket::readyRead, s, [this, s] {
                    s->readAll();
                    s->write(head + "Content-Length: " + QByteArray::number(bodySize) + "\r\nConnection: close\r\n\r\n");
                    s->write(QByteArray(bodySize, 'a'));
                    s->disconnectFromHost();
                });
            }
        });
    }
    QString url() const { return QStringLiteral("http://127.0.0.1:%1/x").arg(serverPort()); }
};

class TstTools final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void thinkAndSystemInfo()
    {
        KinFixture f;
        const QString kin = f.addKin(QStringLiteral("T"), QString()).value("id").toString();
        QCOMPARE(f.runTool("think", kin, {{"thought", "plan"}}).value("ok").toBool(), true);
        QVERIFY(f.runTool("think", kin, {{"thought", 3}}).contains("error"));
        const QJsonObject info = f.runTool("get_system_info", kin, {});
        QCOMPARE(info.value("version").toString(), kinbot::kinbotVersion());
        QVERIFY(info.value("cpus").toInt() >= 1);
        QVERIFY(info.value("memoryTotalMiB").toInt() > 0);
    }

    void listKinsShowsTheOthers()
    {
        KinFixture f;
        const QString a = f.addKin(QStringLiteral("Alpha"), QString()).value("id").toString();
        f.addKin(QStringLiteral("Beta"), QString());
        const QJsonArray kins = f.runTool("list_kins", a, {}).value("kins").toArray();
        QCOMPARE(kins.size(), 1);
        QCOMPARE(kins[0].toObject().value("slug").toString(), QStringLiteral("beta"));
    }

    void notifyCreatesARowAndAnEventPerUser()
    {
        KinFixture f;
        const QString kin = f.addKin(QStringLiteral("Herald"), QString()).value("id").toString();
        TestUser bob = f.addMember(QStringLiteral("bob"));
        auto adminSse = f.openSse();
        SseClient bobSse(f.server.port(), bob.cookie);
        QVERIFY(bobSse.connectAndWait());
        const QJsonObject r = f.runTool("notify", kin, {{"title", "Backup done"}, {"body", "All 3 disks are fine."}});
        QVERIFY2(!r.contains("error"), qPrintable(r.value("error").toString()));
        for (SseClient *sse : {adminSse.get(), &bobSse}) {
            auto ev = sse->waitFor([](const SseFrame &fr) { return isEvent(fr, QStringLiteral("notification:new")); });
            QVERIFY(ev);
            const QJsonObject n = ev->data.value("notification").toObject();
            QCOMPARE(n.value("title").toString(), QStringLiteral("Backup done"));
            QCOMPARE(n.value("kinId").toString(), kin);
        }
        // Each user's event reached only that user.
        int adminCount = 0;
        for (const SseFrame &fr : adminSse->frames())
            adminCount += isEvent(fr, QStringLiteral("notification:new"));
        QCOMPARE(adminCount, 1);
        auto rows = f.server.platform().database().selectOne(QStringLiteral("SELECT count(*) FROM notifications WHERE title = 'Backup done'"));
        QCOMPARE(rows.value()->at(0).toInt(), 2);
        QVERIFY(f.runTool("notify", kin, {{"title", ""}}).contains("error"));
        QVERIFY(f.runTool("notify", kin, {{"title", QString(101, QLatin1Char('t'))}}).contains("error"));
    }

    void httpRequestRefusesPrivateTargetsByDefault()
    {
        KinFixture f;
        const QString kin = f.addKin(QStringLiteral("Web"), QString()).value("id").toString();
        RawHttp local;
        QVERIFY(f.runTool("http_request", kin, {{"url", local.url()}}).value("error").toString().contains("private"));
        QVERIFY(f.runTool("http_request", kin, {{"url", "http://localhost:1/"}}).value("error").toString().contains("private"));
        QVERIFY(f.runTool("http_request", kin, {{"url", "http://[::1]:1/"}}).value("error").toString().contains("private"));
        QVERIFY(f.runTool("http_request", kin, {{"url", "http://10.1.2.3/"}}).value("error").toString().contains("private"));
        QVERIFY(f.runTool("http_request", kin, {{"url", "file:///etc/passwd"}}).value("error").toString().contains("http(s)"));
        QVERIFY(f.runTool("http_request", kin, {{"url", "https://example.com"}, {"method", "TRACE"}}).contains("error"));
    }

    void httpRequestFetchesAndCapsTheBody()
    {
        KinFixture f([](kinbot::ServerConfig &c) { c.allowPrivateNetwork = true; });
        const QString kin = f.addKin(QStringLiteral("Web"), QString()).value("id").toString();
        RawHttp local;
        QJsonObject r = f.runTool("http_request", kin, {{"url", local.url()}});
        QCOMPARE(r.value("status").toInt(), 200);
        QCOMPARE(r.value("body").toString(), QString(10, QLatin1Char('a')));
        QCOMPARE(r.value("headers").toObject().value("content-type").toString(), QStringLiteral("text/plain"));
        QVERIFY(!r.contains("truncated"));
        local.bodySize = 2 * 1024 * 1024;
        r = f.runTool("http_request", kin, {{"url", local.url()}});
        QCOMPARE(r.value("truncated").toBool(), true);
        QCOMPARE(r.value("body").toString().size(), 512 * 1024);
        local.head = "HTTP/1.1 404 Not Found\r\n";
        local.bodySize = 3;
        QCOMPARE(f.runTool("http_request", kin, {{"url", local.url()}}).value("status").toInt(), 404);
        // Redirects are followed once their target passed the host check.
        RawHttp target;
        target.bodySize = 4;
        local.head = "HTTP/1.1 302 Found\r\nLocation: " + target.url().toUtf8() + "\r\n";
        local.bodySize = 0;
        r = f.runTool("http_request", kin, {{"url", local.url()}});
        QCOMPARE(r.value("status").toInt(), 200);
        QCOMPARE(r.value("body").toString(), QStringLiteral("aaaa"));
        // POST with a body and headers reaches the server.
        QCOMPARE(f.fake.requests().size(), 0);
        r = f.runTool("http_request", kin, {{"url", f.fake.baseUrl() + "/chat/completions"}, {"method", "POST"},
                                             {"headers", QJsonObject{{"Content-Type", "application/json"}}},
                                             {"body", R"({"model":"m","messages":[],"stream":false})"}});
        QCOMPARE(f.fake.requests().size(), 1);
        QCOMPARE(f.fake.requests()[0].json.value("model").toString(), QStringLiteral("m"));
    }

    void perKinToolConfigShapesTheOffer()
    {
        KinFixture f;
        const QJsonObject kin = f.addKin(QStringLiteral("Picky"), f.addProvider());
        const QByteArray id = kin.value("id").toString().toUtf8();
        QCOMPARE(f.api->patchJson("/api/kins/" + id, {{"toolConfig", QJsonObject{{"disabledNativeTools", QJsonArray{"http_request", "notify"}}}}}).status,
                 200);
        QCOMPARE(f.send(kin.value("id").toString(), QStringLiteral("hi")).status, 202);
        QVERIFY(f.fake.waitForChatRequests(1));
        QStringList offered;
        for (const QJsonValue &t : f.fake.chatRequests()[0].json.value("tools").toArray())
            offered << t.toObject().value("function").toObject().value("name").toString();
        QVERIFY(offered.contains(QStringLiteral("think")));
        QVERIFY(offered.contains(QStringLiteral("send_message")));
        QVERIFY(!offered.contains(QStringLiteral("http_request")));
        QVERIFY(!offered.contains(QStringLiteral("notify")));
    }
};

QTEST_GUILESS_MAIN(TstTools)
#include "tst_tools.moc"
