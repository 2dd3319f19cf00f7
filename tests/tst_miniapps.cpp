// Mini-apps over real HTTP (miniapps.md §2, §8): apps and their events, files (binary-safe, traversal, caps), storage
// (limits, isolation), snapshots and rollback, serving (injection, CSP, caching), the console relay, the app memories
// routes, the outbound HTTP proxy and the per-app event stream.
#include "KinFixture.h"

#include "api/MiniAppEventStreams.h"
#include "miniapps/MiniAppService.h"
#include "miniapps/MiniAppServing.h"

#include <QDir>
#include <QFileInfo>
#include <QHttpServer>
#include <QHttpServerResponse>
#include <QTcpServer>

using namespace kinbot;
using namespace kinbot::test;

namespace {

QByteArray fileBody(const QString &content)
{
    return QJsonDocument(QJsonObject{{QStringLiteral("content"), content}}).toJson(QJsonDocument::Compact);
}

} // namespace

class TestMiniApps : public QObject
{
    Q_OBJECT

    std::unique_ptr<KinFixture> fx;
    QString kinId;

    QJsonObject createApp(const QString &slug, const QJsonObject &extra = {})
    {
        QJsonObject body{{QStringLiteral("kinId"), kinId}, {QStringLiteral("name"), QStringLiteral("App ") + slug}, {QStringLiteral("slug"), slug}};
        for (auto it = extra.begin(); it != extra.end(); ++it)
            body.insert(it.key(), it.value());
        const HttpResponse r = fx->api->postJson("/api/mini-apps", body);
        if (r.status != 201)
            qWarning() << "create app:" << r.status << r.body;
        return r.json().value(QStringLiteral("app")).toObject();
    }
    HttpResponse putFile(const QString &appId, const QByteArray &path, const QString &content)
    {
        return rawPut("/api/mini-apps/" + appId.toUtf8() + "/files/" + path, fileBody(content), "application/json");
    }
    HttpResponse rawPut(const QByteArray &path, const QByteArray &body, const QByteArray &contentType)
    {
        return fx->api->request("PUT", path, body, {{"Content-Type", contentType}});
    }
    QString miniAppsDir() { return fx->server.platform().config().dataDir + QStringLiteral("/mini-apps/"); }
    QByteArray base(const QString &appId) { return "/api/mini-apps/" + appId.toUtf8(); }

private Q_SLOTS:
    void init()
    {
        fx = std::make_unique<KinFixture>([](ServerConfig &c) {
            c.miniAppMaxFileBytes = 64 * 1024;
            c.miniAppMaxAppBytes = 160 * 1024;
            c.allowPrivateNetwork = false;
        });
        kinId = fx->addKin(QStringLiteral("Builder"), QString()).value(QStringLiteral("id")).toString();
        QVERIFY(!kinId.isEmpty());
    }
    void cleanup() { fx.reset(); }

    void createListGetPatchDelete()
    {
        auto sse = fx->openSse();
        const QJsonObject app = createApp(QStringLiteral("demo"));
        QCOMPARE(app.value(QStringLiteral("kinId")).toString(), kinId);
        QCOMPARE(app.value(QStringLiteral("kinName")).toString(), QStringLiteral("Builder"));
        QCOMPARE(app.value(QStringLiteral("name")).toString(), QStringLiteral("App demo"));
        QCOMPARE(app.value(QStringLiteral("entryFile")).toString(), QStringLiteral("index.html"));
        QCOMPARE(app.value(QStringLiteral("version")).toInt(), 1);
        QCOMPARE(app.value(QStringLiteral("hasBackend")).toBool(), false);
        QCOMPARE(app.value(QStringLiteral("isActive")).toBool(), true);
        QVERIFY(app.value(QStringLiteral("description")).isNull());
        QVERIFY(app.value(QStringLiteral("iconUrl")).isNull());
        QVERIFY(app.value(QStringLiteral("createdAt")).isDouble());
        const QString id = app.value(QStringLiteral("id")).toString();
        auto created = sse->waitFor([&](const SseFrame &f) { return isEvent(f, QStringLiteral("miniapp:created"), kinId); });
        QVERIFY(created);
        QCOMPARE(created->data.value(QStringLiteral("app")).toObject().value(QStringLiteral("id")).toString(), id);

        // Same slug again, missing slug, bad slug, unauthenticated.
        HttpResponse r = fx->api->postJson("/api/mini-apps", {{QStringLiteral("kinId"), kinId}, {QStringLiteral("name"), QStringLiteral("x")}, {QStringLiteral("slug"), QStringLiteral("demo")}});
        QCOMPARE(r.status, 400);
        QCOMPARE(r.json().value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toString(), QStringLiteral("CREATE_FAILED"));
        r = fx->api->postJson("/api/mini-apps", {{QStringLiteral("kinId"), kinId}, {QStringLiteral("name"), QStringLiteral("x")}});
        QCOMPARE(r.json().value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toString(), QStringLiteral("INVALID_INPUT"));
        r = fx->api->postJson("/api/mini-apps", {{QStringLiteral("kinId"), kinId}, {QStringLiteral("name"), QStringLiteral("x")}, {QStringLiteral("slug"), QStringLiteral("Bad Slug")}});
        QCOMPARE(r.status, 400);
        r = fx->api->postJson("/api/mini-apps", {{QStringLiteral("kinId"), QStringLiteral("no-such-kin")}, {QStringLiteral("name"), QStringLiteral("x")}, {QStringLiteral("slug"), QStringLiteral("x")}});
        QCOMPARE(r.status, 404);
        r = fx->api->postRaw("/api/mini-apps", "{not json", "application/json");
        QCOMPARE(r.status, 400);
        QCOMPARE(fx->server.client().get("/api/mini-apps").status, 401);
        QCOMPARE(fx->server.client().get(base(id) + "/serve").status, 401);

        // Lookup, listing, deactivation.
        QCOMPARE(fx->api->get("/api/mini-apps/by-slug/" + kinId.toUtf8() + "/demo").json().value(QStringLiteral("app")).toObject().value(QStringLiteral("id")).toString(), id);
        QCOMPARE(fx->api->get("/api/mini-apps/by-slug/" + kinId.toUtf8() + "/nope").status, 404);
        r = fx->api->patchJson(base(id), {{QStringLiteral("isActive"), false}, {QStringLiteral("description"), QStringLiteral("A demo")}});
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json().value(QStringLiteral("app")).toObject().value(QStringLiteral("isActive")).toBool(), false);
        QCOMPARE(r.json().value(QStringLiteral("app")).toObject().value(QStringLiteral("description")).toString(), QStringLiteral("A demo"));
        QVERIFY(sse->waitFor([&](const SseFrame &f) { return isEvent(f, QStringLiteral("miniapp:updated"), kinId); }));
        QCOMPARE(fx->api->patchJson(base(id), {{QStringLiteral("isActive"), QStringLiteral("no")}}).status, 400);
        QCOMPARE(fx->api->patchJson(base(id), {{QStringLiteral("entryFile"), QStringLiteral("../../etc/passwd")}}).status, 400);
        QCOMPARE(fx->api->get("/api/mini-apps").json().value(QStringLiteral("apps")).toArray().size(), 0);
        QCOMPARE(fx->api->get("/api/mini-apps/gallery/browse").json().value(QStringLiteral("apps")).toArray().size(), 0);
        QCOMPARE(fx->api->get("/api/mini-apps?kinId=" + kinId.toUtf8()).json().value(QStringLiteral("apps")).toArray().size(), 1);

        // Delete: 204, event, everything 404 afterwards, the directory gone.
        const QString dir = miniAppsDir() + kinId + QLatin1Char('/') + id;
        QVERIFY(QFileInfo(dir).isDir());
        QCOMPARE(fx->api->del(base(id)).status, 204);
        auto deleted = sse->waitFor([&](const SseFrame &f) { return isEvent(f, QStringLiteral("miniapp:deleted"), kinId); });
        QVERIFY(deleted);
        QCOMPARE(deleted->data.value(QStringLiteral("appId")).toString(), id);
        for (const QByteArray &p : {QByteArray(""), QByteArray("/serve"), QByteArray("/storage"), QByteArray("/files")})
            QCOMPARE(fx->api->get(base(id) + p).status, 404);
        QVERIFY(!QFileInfo(dir).exists());
        QCOMPARE(fx->api->del(base(id)).status, 404);
    }

    void createWithHtmlAndPerKinCap()
    {
        const QJsonObject app = createApp(QStringLiteral("page"), {{QStringLiteral("html"), QStringLiteral("<p>hi</p>")}});
        // The answer is the app as stored after its first file (the reference answers with the pre-write version 1).
        QCOMPARE(app.value(QStringLiteral("version")).toInt(), 2);
        QCOMPARE(fx->api->get(base(app.value(QStringLiteral("id")).toString()) + "/files/index.html").body, QByteArray("<p>hi</p>"));
        for (int i = 1; i < MiniAppService::kMaxAppsPerKin; ++i)
            QVERIFY(!createApp(QStringLiteral("app-%1").arg(i)).isEmpty());
        const HttpResponse r = fx->api->postJson("/api/mini-apps", {{QStringLiteral("kinId"), kinId}, {QStringLiteral("name"), QStringLiteral("one more")}, {QStringLiteral("slug"), QStringLiteral("one-more")}});
        QCOMPARE(r.status, 400);
        QVERIFY(r.json().value(QStringLiteral("error")).toObject().value(QStringLiteral("message")).toString().contains(QStringLiteral("Maximum of 20")));
    }

    void filesWriteReadDeleteAndEvents()
    {
        auto sse = fx->openSse();
        const QString id = createApp(QStringLiteral("files")).value(QStringLiteral("id")).toString();
        HttpResponse r = putFile(id, "index.html", QStringLiteral("<html><head></head><body>hi</body></html>"));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json(), (QJsonObject{{QStringLiteral("path"), QStringLiteral("index.html")}, {QStringLiteral("size"), 41}}));
        auto upd = sse->waitFor([&](const SseFrame &f) { return isEvent(f, QStringLiteral("miniapp:file-updated"), kinId); });
        QVERIFY(upd);
        QCOMPARE(upd->data.value(QStringLiteral("appId")).toString(), id);
        QCOMPARE(upd->data.value(QStringLiteral("path")).toString(), QStringLiteral("index.html"));
        QCOMPARE(upd->data.value(QStringLiteral("version")).toInt(), 2);
        QCOMPARE(fx->api->get(base(id)).json().value(QStringLiteral("app")).toObject().value(QStringLiteral("version")).toInt(), 2);

        // Binary-safe raw body into a sub-folder; base64 JSON form.
        QByteArray binary;
        for (int i = 0; i < 256; ++i)
            binary.append(char(i));
        r = rawPut(base(id) + "/files/img/raw.bin", binary, "application/octet-stream");
        QCOMPARE(r.status, 200);
        QCOMPARE(fx->api->get(base(id) + "/files/img/raw.bin").body, binary);
        r = rawPut(base(id) + "/files/img/b64.png",
                             QJsonDocument(QJsonObject{{QStringLiteral("content"), QString::fromLatin1(binary.toBase64())}, {QStringLiteral("isBase64"), true}}).toJson(),
                             "application/json");
        QCOMPARE(r.status, 200);
        const HttpResponse png = fx->api->get(base(id) + "/files/img/b64.png");
        QCOMPARE(png.body, binary);
        QCOMPARE(png.header("content-type"), QByteArray("image/png"));
        QCOMPARE(rawPut(base(id) + "/files/x.txt", "{\"content\":\"@@@\",\"isBase64\":true}", "application/json").status, 400);
        QCOMPARE(rawPut(base(id) + "/files/x.txt", "{\"nope\":1}", "application/json").status, 400);

        const QJsonArray files = fx->api->get(base(id) + "/files").json().value(QStringLiteral("files")).toArray();
        QCOMPARE(files.size(), 3);
        QCOMPARE(files.at(2).toObject(), (QJsonObject{{QStringLiteral("path"), QStringLiteral("index.html")}, {QStringLiteral("size"), 41}, {QStringLiteral("mimeType"), QStringLiteral("text/html")}}));

        // Traversal in every spelling, reserved folder, missing file.
        for (const QByteArray &bad : {QByteArray("%2e%2e/x.html"), QByteArray("a/%2e%2e/%2e%2e/x.html"), QByteArray("..%2fx.html"),
                                      QByteArray("a%5c..%5cx.html"), QByteArray(".snapshots/1/index.html")}) {
            r = rawPut(base(id) + "/files/" + bad, fileBody(QStringLiteral("x")), "application/json");
            QVERIFY2(r.status == 400, bad.constData());
            QVERIFY2(fx->api->get(base(id) + "/files/" + bad).status >= 400, bad.constData());
        }
        QVERIFY(!QFileInfo::exists(miniAppsDir() + kinId + QStringLiteral("/x.html")));
        QCOMPARE(fx->api->get(base(id) + "/files/missing.txt").status, 404);

        // Delete: 204 + event + version; again 404; the emptied folder goes too.
        QCOMPARE(fx->api->del(base(id) + "/files/img/raw.bin").status, 204);
        QCOMPARE(fx->api->del(base(id) + "/files/img/b64.png").status, 204);
        QCOMPARE(fx->api->del(base(id) + "/files/img/b64.png").status, 404);
        QVERIFY(!QFileInfo::exists(miniAppsDir() + kinId + QLatin1Char('/') + id + QStringLiteral("/img")));
        QCOMPARE(fx->api->get(base(id)).json().value(QStringLiteral("app")).toObject().value(QStringLiteral("version")).toInt(), 6);
    }

    void fileAndAppSizeCaps()
    {
        const QString id = createApp(QStringLiteral("caps")).value(QStringLiteral("id")).toString();
        // The fixture's caps: 64 KiB a file, 160 KiB an app.
        HttpResponse r = rawPut(base(id) + "/files/big.bin", QByteArray(64 * 1024 + 1, 'x'), "application/octet-stream");
        QCOMPARE(r.status, 413);
        for (int i = 0; i < 2; ++i)
            QCOMPARE(rawPut(base(id) + "/files/part" + QByteArray::number(i) + ".bin", QByteArray(64 * 1024, 'y'), "application/octet-stream").status, 200);
        r = rawPut(base(id) + "/files/part2.bin", QByteArray(40 * 1024, 'z'), "application/octet-stream");
        QCOMPARE(r.status, 413);
        QVERIFY(r.json().value(QStringLiteral("error")).toObject().value(QStringLiteral("message")).toString().contains(QStringLiteral("App too large")));
        // Replacing a file counts its new size, not both.
        QCOMPARE(rawPut(base(id) + "/files/part1.bin", QByteArray(60 * 1024, 'w'), "application/octet-stream").status, 200);
        // Nothing stored by the refused writes.
        QCOMPARE(fx->api->get(base(id) + "/files").json().value(QStringLiteral("files")).toArray().size(), 2);
    }

    void storageRoundTripLimitsAndIsolation()
    {
        const QString a = createApp(QStringLiteral("store-a")).value(QStringLiteral("id")).toString();
        const QString b = createApp(QStringLiteral("store-b")).value(QStringLiteral("id")).toString();
        HttpResponse r = fx->api->putJson(base(a) + "/storage/prefs", {{QStringLiteral("value"), QJsonObject{{QStringLiteral("a"), 1}}}});
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json(), (QJsonObject{{QStringLiteral("key"), QStringLiteral("prefs")}, {QStringLiteral("ok"), true}}));
        r = fx->api->get(base(a) + "/storage/prefs");
        QCOMPARE(r.body, QByteArray("{\"key\":\"prefs\",\"value\":{\"a\":1}}"));
        QCOMPARE(fx->api->get(base(a) + "/storage").body, QByteArray("{\"keys\":[{\"key\":\"prefs\",\"size\":7}]}"));
        // App B sees none of it.
        QCOMPARE(fx->api->get(base(b) + "/storage/prefs").status, 404);
        QCOMPARE(fx->api->get(base(b) + "/storage").json().value(QStringLiteral("keys")).toArray().size(), 0);
        QCOMPARE(fx->api->del(base(b) + "/storage/prefs").status, 404);
        QCOMPARE(fx->api->del(base(b) + "/storage").json().value(QStringLiteral("cleared")).toInt(), 0);
        QCOMPARE(fx->api->get(base(a) + "/storage/prefs").status, 200);
        // Scalars and null are values too; key with an encoded slash and unicode.
        QCOMPARE(fx->api->putJson(base(a) + "/storage/n", {{QStringLiteral("value"), QJsonValue()}}).status, 200);
        QCOMPARE(fx->api->get(base(a) + "/storage/n").body, QByteArray("{\"key\":\"n\",\"value\":null}"));
        QCOMPARE(fx->api->putJson(base(a) + "/storage/caf%C3%A9%20x", {{QStringLiteral("value"), 3}}).status, 200);
        QCOMPARE(fx->api->get(base(a) + "/storage/caf%C3%A9%20x").json().value(QStringLiteral("value")).toInt(), 3);
        QVERIFY(fx->api->get(base(a) + "/storage").json().value(QStringLiteral("keys")).toArray().contains(
            QJsonObject{{QStringLiteral("key"), QStringLiteral("caf\u00e9 x")}, {QStringLiteral("size"), 1}}));
        // A key is one path segment: an encoded slash is refused by the router, as every parameter is.
        QCOMPARE(fx->api->putJson(base(a) + "/storage/a%2Fb", {{QStringLiteral("value"), 3}}).status, 400);
        // Limits.
        r = fx->api->putJson(base(a) + "/storage/" + QByteArray(257, 'k'), {{QStringLiteral("value"), 1}});
        QCOMPARE(r.status, 400);
        QCOMPARE(r.json().value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toString(), QStringLiteral("STORAGE_ERROR"));
        r = fx->api->putJson(base(a) + "/storage/big", {{QStringLiteral("value"), QString(70000, QLatin1Char('v'))}});
        QCOMPARE(r.status, 400);
        QCOMPARE(fx->api->putJson(base(a) + "/storage/nobody", {}).status, 400);
        QCOMPARE(rawPut(base(a) + "/storage/bad", "{oops", "application/json").status, 400);
        // The old value survives a refused update.
        QCOMPARE(fx->api->putJson(base(a) + "/storage/prefs", {{QStringLiteral("value"), QString(70000, QLatin1Char('v'))}}).status, 400);
        QCOMPARE(fx->api->get(base(a) + "/storage/prefs").json().value(QStringLiteral("value")).toObject().value(QStringLiteral("a")).toInt(), 1);
        // 500 keys per app; updates of existing keys still allowed at the cap.
        auto &storage = fx->server.platform().miniApps().storage();
        for (int i = 0; storage.list(a).value().size() < MiniAppStorage::kMaxKeys; ++i)
            QVERIFY(storage.set(a, QStringLiteral("k%1").arg(i), "1"));
        QCOMPARE(fx->api->putJson(base(a) + "/storage/one-too-many", {{QStringLiteral("value"), 1}}).status, 400);
        QCOMPARE(fx->api->putJson(base(a) + "/storage/prefs", {{QStringLiteral("value"), 2}}).status, 200);
        // Delete and clear.
        QCOMPARE(fx->api->del(base(a) + "/storage/prefs").status, 204);
        QCOMPARE(fx->api->del(base(a) + "/storage/prefs").status, 404);
        QCOMPARE(fx->api->del(base(a) + "/storage").json().value(QStringLiteral("cleared")).toInt(), MiniAppStorage::kMaxKeys - 1);
        QCOMPARE(fx->api->get("/api/mini-apps/no-such-app/storage").status, 404);
    }

    void snapshotsAndRollback()
    {
        auto sse = fx->openSse();
        const QString id = createApp(QStringLiteral("snap")).value(QStringLiteral("id")).toString();
        HttpResponse r = fx->api->postJson(base(id) + "/snapshots", {});
        QCOMPARE(r.status, 400);
        QCOMPARE(r.json().value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toString(), QStringLiteral("NO_FILES"));
        QCOMPARE(putFile(id, "index.html", QStringLiteral("v1 page")).status, 200);
        QCOMPARE(putFile(id, "css/app.css", QStringLiteral("body{}")).status, 200);
        const int v = fx->api->get(base(id)).json().value(QStringLiteral("app")).toObject().value(QStringLiteral("version")).toInt();
        r = fx->api->postJson(base(id) + "/snapshots", {{QStringLiteral("label"), QStringLiteral("before")}});
        QCOMPARE(r.status, 201);
        QCOMPARE(r.json().value(QStringLiteral("snapshot")).toObject(),
                 (QJsonObject{{QStringLiteral("version"), v}, {QStringLiteral("label"), QStringLiteral("before")}, {QStringLiteral("fileCount"), 2}}));
        QCOMPARE(putFile(id, "index.html", QStringLiteral("v2 page")).status, 200);
        QCOMPARE(putFile(id, "extra.js", QStringLiteral("1")).status, 200);
        const int before = fx->api->get(base(id)).json().value(QStringLiteral("app")).toObject().value(QStringLiteral("version")).toInt();

        r = fx->api->postJson(base(id) + "/snapshots/" + QByteArray::number(v) + "/rollback", {});
        QCOMPARE(r.status, 200);
        QVERIFY(r.json().value(QStringLiteral("message")).toString().startsWith(QStringLiteral("Rolled back to version %1. New version: %2.").arg(v).arg(before + 1)));
        QCOMPARE(fx->api->get(base(id) + "/files/index.html").body, QByteArray("v1 page"));
        QCOMPARE(fx->api->get(base(id) + "/files/extra.js").status, 404);
        QCOMPARE(fx->api->get(base(id) + "/files/css/app.css").body, QByteArray("body{}"));
        QVERIFY(sse->waitFor([&](const SseFrame &f) { return isEvent(f, QStringLiteral("miniapp:updated"), kinId); }));
        // Open views are told to reload (the reference only sends miniapp:updated).
        QVERIFY(sse->waitFor([&](const SseFrame &f) {
            return isEvent(f, QStringLiteral("miniapp:file-updated"), kinId) && f.data.value(QStringLiteral("version")).toInt() == before + 1;
        }));
        const QJsonObject list = fx->api->get(base(id) + "/snapshots").json();
        QCOMPARE(list.value(QStringLiteral("currentVersion")).toInt(), before + 1);
        const QJsonArray snaps = list.value(QStringLiteral("snapshots")).toArray();
        QCOMPARE(snaps.size(), 2);
        QCOMPARE(snaps.at(0).toObject().value(QStringLiteral("label")).toString(), QStringLiteral("auto-backup before rollback to v%1").arg(v));
        QCOMPARE(snaps.at(0).toObject().value(QStringLiteral("fileCount")).toInt(), 3);
        QVERIFY(snaps.at(1).toObject().value(QStringLiteral("files")).toArray().contains(QStringLiteral("css/app.css")));
        QVERIFY(snaps.at(1).toObject().value(QStringLiteral("createdAt")).toString().endsWith(QLatin1Char('Z')));
        // The auto-backup undoes the rollback.
        QCOMPARE(fx->api->postJson(base(id) + "/snapshots/" + QByteArray::number(before) + "/rollback", {}).status, 200);
        QCOMPARE(fx->api->get(base(id) + "/files/index.html").body, QByteArray("v2 page"));
        // Snapshots are not files of the app.
        for (const QJsonValue &f : fx->api->get(base(id) + "/files").json().value(QStringLiteral("files")).toArray())
            QVERIFY(!f.toObject().value(QStringLiteral("path")).toString().startsWith(QStringLiteral(".snapshots")));
        // Bad versions.
        r = fx->api->postJson(base(id) + "/snapshots/abc/rollback", {});
        QCOMPARE(r.json().value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toString(), QStringLiteral("INVALID_VERSION"));
        r = fx->api->postJson(base(id) + "/snapshots/999/rollback", {});
        QCOMPARE(r.json().value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toString(), QStringLiteral("ROLLBACK_FAILED"));
        // At most 20 kept, the oldest go (with their copies).
        for (int i = 0; i < 25; ++i) {
            QCOMPARE(putFile(id, "n.txt", QString::number(i)).status, 200);
            QCOMPARE(fx->api->postJson(base(id) + "/snapshots", {}).status, 201);
        }
        QCOMPARE(fx->api->get(base(id) + "/snapshots").json().value(QStringLiteral("snapshots")).toArray().size(), MiniAppService::kMaxSnapshots);
        const QDir copies(miniAppsDir() + kinId + QLatin1Char('/') + id + QStringLiteral("/.snapshots"));
        QCOMPARE(copies.entryList(QDir::Dirs | QDir::NoDotAndDotDot).size(), MiniAppService::kMaxSnapshots);
    }

    void serveInjectsSdkAndCsp()
    {
        const QString id = createApp(QStringLiteral("serve")).value(QStringLiteral("id")).toString();
        HttpResponse r = fx->api->get(base(id) + "/serve");
        QCOMPARE(r.status, 404);
        QVERIFY(r.header("content-type").startsWith("text/html"));
        QVERIFY(r.body.contains("App entry file not found."));

        QCOMPARE(putFile(id, "index.html", QStringLiteral("<html><head></head><body>hi</body></html>")).status, 200);
        r = fx->api->get(base(id) + "/serve?v=2");
        QCOMPARE(r.status, 200);
        QCOMPARE(r.header("content-type"), QByteArray("text/html; charset=utf-8"));
        QCOMPARE(r.header("cache-control"), QByteArray("no-store"));
        const QByteArray csp = r.header("content-security-policy");
        QVERIFY(csp.startsWith("default-src 'self'"));
        QVERIFY(csp.contains("frame-src 'none'"));
        QVERIFY(csp.contains("connect-src 'self';"));
        QVERIFY(csp.contains("frame-ancestors 'self'"));
        QVERIFY(r.header("permissions-policy").contains("camera=()"));
        const QByteArray expectedStart = "<html><head>\n<base href=\"/api/mini-apps/" + id.toUtf8() + "/static/\">\n"
                                         "<link rel=\"stylesheet\" href=\"/api/mini-apps/sdk/kinbot-sdk.css\">\n<script type=\"importmap\">";
        QVERIFY2(r.body.startsWith(expectedStart), r.body.left(300).constData());
        QVERIFY(r.body.contains("<script src=\"/api/mini-apps/sdk/kinbot-sdk.js\"></script>"));
        QVERIFY(r.body.indexOf("importmap") < r.body.indexOf("kinbot-sdk.js\"></script>"));
        QVERIFY(r.body.contains("data-palette"));
        QVERIFY(r.body.contains("<body>hi</body>"));

        // Import map: React from the bundled copy even when app.json names a CDN; other entries kept.
        QCOMPARE(rawPut(base(id) + "/files/app.json",
                                  "{\"dependencies\":{\"react\":\"https://esm.sh/react@19\",\"lodash\":\"https://esm.sh/lodash@4\"}}", "text/plain").status,
                 200);
        r = fx->api->get(base(id) + "/serve");
        const qsizetype at = r.body.indexOf("<script type=\"importmap\">") + 25;
        const QJsonObject map = QJsonDocument::fromJson(r.body.mid(at, r.body.indexOf("</script>", at) - at)).object();
        const QJsonObject imports = map.value(QStringLiteral("imports")).toObject();
        QCOMPARE(imports.value(QStringLiteral("react")).toString(), QStringLiteral("/api/mini-apps/sdk/vendor/react.js"));
        QCOMPARE(imports.value(QStringLiteral("react-dom/client")).toString(), QStringLiteral("/api/mini-apps/sdk/vendor/react-dom-client.js"));
        QCOMPARE(imports.value(QStringLiteral("lodash")).toString(), QStringLiteral("https://esm.sh/lodash@4"));
        QCOMPARE(imports.value(QStringLiteral("@kinbot/react")).toString(), QStringLiteral("/api/mini-apps/sdk/kinbot-react.js"));

        // Head with attributes; no head; no html at all.
        QCOMPARE(putFile(id, "index.html", QStringLiteral("<!doctype html><html lang=\"en\"><HEAD data-x=\"1\"><title>t</title></HEAD><body>x</body></html>")).status, 200);
        r = fx->api->get(base(id) + "/serve");
        QVERIFY(r.body.startsWith("<!doctype html><html lang=\"en\"><HEAD data-x=\"1\">\n<base href="));
        QCOMPARE(r.body.count("<head"), 0);
        QCOMPARE(putFile(id, "index.html", QStringLiteral("<html lang=\"fr\"><body>y</body></html>")).status, 200);
        QVERIFY(fx->api->get(base(id) + "/serve").body.startsWith("<html lang=\"fr\"><head>\n<base href="));
        QCOMPARE(putFile(id, "index.html", QStringLiteral("<p>bare</p>")).status, 200);
        r = fx->api->get(base(id) + "/serve");
        QVERIFY(r.body.startsWith("<!DOCTYPE html><html><head>\n<base"));
        QVERIFY(r.body.endsWith("<body><p>bare</p></body></html>"));
        // Another entry file.
        QCOMPARE(putFile(id, "pages/main.html", QStringLiteral("<head></head>main")).status, 200);
        QCOMPARE(fx->api->patchJson(base(id), {{QStringLiteral("entryFile"), QStringLiteral("pages/main.html")}}).status, 200);
        QVERIFY(fx->api->get(base(id) + "/serve").body.endsWith("main"));
    }

    void staticFilesMimeAndCaching()
    {
        const QString id = createApp(QStringLiteral("static")).value(QStringLiteral("id")).toString();
        QCOMPARE(putFile(id, "css/site.css", QStringLiteral("body{color:red}")).status, 200);
        QCOMPARE(putFile(id, "lib/mod.mjs", QStringLiteral("export const x = 1;")).status, 200);
        HttpResponse r = fx->api->get(base(id) + "/static/css/site.css");
        QCOMPARE(r.status, 200);
        QCOMPARE(r.header("content-type"), QByteArray("text/css"));
        QCOMPARE(r.body, QByteArray("body{color:red}"));
        QCOMPARE(r.header("cache-control"), QByteArray("no-cache"));
        const QByteArray etag = r.header("etag");
        QVERIFY(!etag.isEmpty());
        QVERIFY(r.header("content-security-policy").startsWith("default-src 'self'"));
        r = fx->api->get(base(id) + "/static/css/site.css", {{"If-None-Match", etag}});
        QCOMPARE(r.status, 304);
        QVERIFY(r.body.isEmpty());
        QCOMPARE(putFile(id, "css/site.css", QStringLiteral("body{color:blue}")).status, 200);
        QCOMPARE(fx->api->get(base(id) + "/static/css/site.css", {{"If-None-Match", etag}}).status, 200);
        // Modules run (the reference sends .mjs as octet-stream, which nosniff browsers refuse).
        QCOMPARE(fx->api->get(base(id) + "/static/lib/mod.mjs").header("content-type"), QByteArray("application/javascript"));
        QCOMPARE(fx->api->get(base(id) + "/static/missing.png").status, 404);
        QCOMPARE(fx->api->get(base(id) + "/static/%2e%2e/%2e%2e/x").status, 400);
        QCOMPARE(fx->api->get("/api/mini-apps/nope/static/a.css").status, 404);
    }

    void consoleRelay()
    {
        const QString id = createApp(QStringLiteral("console")).value(QStringLiteral("id")).toString();
        QCOMPARE(fx->api->postJson(base(id) + "/console", {{QStringLiteral("level"), QStringLiteral("shout")}}).status, 400);
        for (int i = 0; i < 55; ++i)
            QCOMPARE(fx->api->postJson(base(id) + "/console", {{QStringLiteral("level"), i % 2 ? QStringLiteral("error") : QStringLiteral("log")},
                                                                {QStringLiteral("args"), QJsonArray{QStringLiteral("n"), i, QJsonObject{{QStringLiteral("k"), 1}}}},
                                                                {QStringLiteral("timestamp"), 1000 + i}})
                         .status,
                     200);
        QJsonArray entries = fx->api->get(base(id) + "/console").json().value(QStringLiteral("entries")).toArray();
        QCOMPARE(entries.size(), 50);
        QCOMPARE(entries.first().toObject().value(QStringLiteral("timestamp")).toInt(), 1005);
        QCOMPARE(entries.first().toObject().value(QStringLiteral("args")).toArray(), (QJsonArray{QStringLiteral("n"), QStringLiteral("5"), QStringLiteral("{\"k\":1}")}));
        QCOMPARE(fx->api->get(base(id) + "/console?level=error").json().value(QStringLiteral("entries")).toArray().size(), 25);
        QCOMPARE(fx->api->del(base(id) + "/console").status, 200);
        QCOMPARE(fx->api->get(base(id) + "/console").json().value(QStringLiteral("entries")).toArray().size(), 0);
    }

    void memoriesOfTheKin()
    {
        const QString id = createApp(QStringLiteral("mem")).value(QStringLiteral("id")).toString();
        auto sse = fx->openSse();
        HttpResponse r = fx->api->postJson(base(id) + "/memories", {{QStringLiteral("content"), QStringLiteral("The user's cat is called Pixel")},
                                                                    {QStringLiteral("category"), QStringLiteral("nonsense")}});
        QCOMPARE(r.status, 201);
        const QJsonObject m = r.json().value(QStringLiteral("memory")).toObject();
        QCOMPARE(m.value(QStringLiteral("category")).toString(), QStringLiteral("knowledge"));
        QVERIFY(m.value(QStringLiteral("subject")).isNull());
        QVERIFY(sse->waitFor([&](const SseFrame &f) { return isEvent(f, QStringLiteral("memory:created"), kinId); }));
        QCOMPARE(fx->api->postJson(base(id) + "/memories", {{QStringLiteral("content"), QString(2001, QLatin1Char('x'))}})
                     .json().value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toString(),
                 QStringLiteral("CONTENT_TOO_LONG"));
        QCOMPARE(fx->api->postJson(base(id) + "/memories", {}).json().value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toString(),
                 QStringLiteral("INVALID_BODY"));
        QCOMPARE(fx->api->get(base(id) + "/memories/search").json().value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toString(),
                 QStringLiteral("MISSING_QUERY"));
        r = fx->api->get(base(id) + "/memories/search?q=cat%20Pixel&limit=500");
        QCOMPARE(r.status, 200);
        const QJsonArray found = r.json().value(QStringLiteral("memories")).toArray();
        QCOMPARE(found.size(), 1);
        QCOMPARE(found.at(0).toObject().value(QStringLiteral("id")).toString(), m.value(QStringLiteral("id")).toString());
        QVERIFY(found.at(0).toObject().value(QStringLiteral("score")).toDouble() > 0);
        // The memory belongs to the app's Kin.
        QCOMPARE(messagesOf(*fx->api, kinId).size(), 0);
        QCOMPARE(fx->api->get("/api/kins/" + kinId.toUtf8() + "/memories").json().value(QStringLiteral("memories")).toArray().size(), 1);
    }

    void generateIconWithoutImageProvider()
    {
        const QString id = createApp(QStringLiteral("icon")).value(QStringLiteral("id")).toString();
        const HttpResponse r = fx->api->postJson(base(id) + "/generate-icon", {});
        QCOMPARE(r.status, 400);
        QCOMPARE(r.json().value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toString(), QStringLiteral("NO_IMAGE_PROVIDER"));
        QCOMPARE(fx->api->postJson("/api/mini-apps/nope/generate-icon", {}).status, 404);
    }

    void httpProxyContract()
    {
        const QString id = createApp(QStringLiteral("proxy")).value(QStringLiteral("id")).toString();
        const auto code = [](const HttpResponse &r) { return r.json().value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toString(); };
        QCOMPARE(code(fx->api->postJson(base(id) + "/http", {{QStringLiteral("url"), QStringLiteral("http://127.0.0.1/")}})), QStringLiteral("BLOCKED_HOST"));
        QCOMPARE(fx->api->postJson(base(id) + "/http", {{QStringLiteral("url"), QStringLiteral("http://[::1]:80/")}}).status, 403);
        QCOMPARE(code(fx->api->postJson(base(id) + "/http", {{QStringLiteral("url"), QStringLiteral("http://localhost:1/")}})), QStringLiteral("BLOCKED_HOST"));
        QCOMPARE(code(fx->api->postJson(base(id) + "/http", {{QStringLiteral("url"), QStringLiteral("ftp://x")}})), QStringLiteral("INVALID_PROTOCOL"));
        QCOMPARE(code(fx->api->postJson(base(id) + "/http", {{QStringLiteral("url"), QStringLiteral("https://example.com")}, {QStringLiteral("method"), QStringLiteral("TRACE")}})),
                 QStringLiteral("INVALID_METHOD"));
        QCOMPARE(code(fx->api->postJson(base(id) + "/http", {})), QStringLiteral("MISSING_URL"));
        QCOMPARE(code(fx->api->postRaw(base(id) + "/http", "nope", "application/json")), QStringLiteral("INVALID_BODY"));
        // 60 a minute per app, counted before validation; another app has its own budget; a minute later it resets.
        for (int i = 7; i < 60; ++i)
            QCOMPARE(fx->api->postJson(base(id) + "/http", {}).status, 400);
        QCOMPARE(fx->api->postJson(base(id) + "/http", {}).status, 429);
        const QString other = createApp(QStringLiteral("proxy-2")).value(QStringLiteral("id")).toString();
        QCOMPARE(fx->api->postJson(base(other) + "/http", {}).status, 400);
        fx->server.clock().advanceMs(61000);
        QCOMPARE(fx->api->postJson(base(id) + "/http", {}).status, 400);
    }

    void httpProxyWrapsUpstreamAnswers()
    {
        // A server allowed to reach loopback (KINBOT_ALLOW_PRIVATE_NETWORK) and a fake upstream.
        fx = std::make_unique<KinFixture>([](ServerConfig &c) { c.allowPrivateNetwork = true; });
        kinId = fx->addKin(QStringLiteral("Builder"), QString()).value(QStringLiteral("id")).toString();
        QHttpServer upstream;
        upstream.route("/missing", [](const QHttpServerRequest &) {
            QHttpServerResponse r("text/plain", "nothing here", QHttpServerResponse::StatusCode::NotFound);
            return r;
        });
        upstream.route("/echo", [](const QHttpServerRequest &req) {
            return QHttpServerResponse(QJsonObject{{QStringLiteral("method"), QString::fromLatin1(req.value("x-method"))},
                                                   {QStringLiteral("body"), QString::fromUtf8(req.body())},
                                                   {QStringLiteral("cookie"), QString::fromLatin1(req.value("cookie"))}});
        });
        upstream.route("/bin", [](const QHttpServerRequest &) { return QHttpServerResponse("image/png", QByteArray("\x89PNG\x00\x01", 6)); });
        const quint16 port = upstream.listen(QHostAddress::LocalHost, 0);
        QVERIFY(port);
        const QString id = createApp(QStringLiteral("proxy")).value(QStringLiteral("id")).toString();
        const QString root = QStringLiteral("http://127.0.0.1:%1").arg(port);
        HttpResponse r = fx->api->postJson(base(id) + "/http", {{QStringLiteral("url"), root + QStringLiteral("/missing")}});
        QCOMPARE(r.status, 200);
        QJsonObject o = r.json();
        QCOMPARE(o.value(QStringLiteral("status")).toInt(), 404);
        QCOMPARE(o.value(QStringLiteral("body")).toString(), QStringLiteral("nothing here"));
        QCOMPARE(o.value(QStringLiteral("isBase64")).toBool(), false);
        QCOMPARE(o.value(QStringLiteral("headers")).toObject().value(QStringLiteral("content-type")).toString(), QStringLiteral("text/plain"));
        QVERIFY(o.contains(QStringLiteral("statusText")));
        r = fx->api->postJson(base(id) + "/http", {{QStringLiteral("url"), root + QStringLiteral("/echo")}, {QStringLiteral("method"), QStringLiteral("POST")},
                                                   {QStringLiteral("headers"), QJsonObject{{QStringLiteral("X-Method"), QStringLiteral("post")}, {QStringLiteral("Cookie"), QStringLiteral("secret=1")}}},
                                                   {QStringLiteral("body"), QStringLiteral("payload")}});
        o = QJsonDocument::fromJson(r.json().value(QStringLiteral("body")).toString().toUtf8()).object();
        QCOMPARE(o.value(QStringLiteral("method")).toString(), QStringLiteral("post"));
        QCOMPARE(o.value(QStringLiteral("body")).toString(), QStringLiteral("payload"));
        QCOMPARE(o.value(QStringLiteral("cookie")).toString(), QString()); // never forwarded
        r = fx->api->postJson(base(id) + "/http", {{QStringLiteral("url"), root + QStringLiteral("/bin")}});
        QCOMPARE(r.json().value(QStringLiteral("isBase64")).toBool(), true);
        QCOMPARE(QByteArray::fromBase64(r.json().value(QStringLiteral("body")).toString().toLatin1()), QByteArray("\x89PNG\x00\x01", 6));
        // Nobody listening: 502.
        QTcpServer closed;
        QVERIFY(closed.listen(QHostAddress::LocalHost));
        const quint16 deadPort = closed.serverPort();
        closed.close();
        QCOMPARE(fx->api->postJson(base(id) + "/http", {{QStringLiteral("url"), QStringLiteral("http://127.0.0.1:%1/").arg(deadPort)}}).status, 502);
    }

    void appEventStream()
    {
        const QString id = createApp(QStringLiteral("events")).value(QStringLiteral("id")).toString();
        auto &streams = fx->server.platform().miniAppStreams();
        QCOMPARE(streams.subscriberCount(id), 0);
        SseClient stream(fx->server.port(), fx->admin.cookie, {}, base(id) + "/events");
        QVERIFY(stream.connectAndWait());
        QCOMPARE(stream.responseHeader("content-type"), QByteArray("text/event-stream"));
        QCOMPARE(stream.responseHeader("x-accel-buffering"), QByteArray("no"));
        QCOMPARE(stream.body(), "event: connected\ndata: {\"appId\":\"" + id.toUtf8() + "\"}\n\n");
        QCOMPARE(streams.subscriberCount(id), 1);
        streams.emitEvent(id, QStringLiteral("tick"), QJsonValue(QJsonObject{{QStringLiteral("n"), 1}}));
        streams.emitEvent(QStringLiteral("another-app"), QStringLiteral("tick"), QJsonValue(2));
        streams.emitEvent(id, QStringLiteral("bare"), std::nullopt);
        QVERIFY(stream.waitFor([](const SseFrame &f) { return f.event == "app-event" && f.data.value(QStringLiteral("event")) == QStringLiteral("bare"); }));
        QList<SseFrame> appEvents;
        for (const SseFrame &f : stream.frames())
            if (f.event == "app-event")
                appEvents.append(f);
        QCOMPARE(appEvents.size(), 2);
        QCOMPARE(appEvents.at(0).data.value(QStringLiteral("data")).toObject().value(QStringLiteral("n")).toInt(), 1);
        QCOMPARE(appEvents.at(0).data.value(QStringLiteral("timestamp")).toDouble(), double(fx->server.clock().nowMs()));
        QVERIFY(!appEvents.at(1).data.contains(QStringLiteral("data")));
        QVERIFY(stream.body().contains("event: app-event\ndata: {\"event\":\"tick\",\"data\":{\"n\":1},\"timestamp\":"));
        QCOMPARE(fx->server.client().get(base(id) + "/events").status, 401);
        QCOMPARE(fx->api->get("/api/mini-apps/nope/events").status, 404);
        // Closing the client frees the subscription; deleting the app ends the stream.
        stream.close();
        QTRY_COMPARE(streams.subscriberCount(id), 0);
        SseClient again(fx->server.port(), fx->admin.cookie, {}, base(id) + "/events");
        QVERIFY(again.connectAndWait());
        QCOMPARE(fx->api->del(base(id)).status, 204);
        QVERIFY(again.waitClosed());
    }

    void kinDeletionRemovesAppsAndFiles()
    {
        const QString id = createApp(QStringLiteral("doomed")).value(QStringLiteral("id")).toString();
        QCOMPARE(putFile(id, "index.html", QStringLiteral("x")).status, 200);
        QCOMPARE(fx->api->putJson(base(id) + "/storage/k", {{QStringLiteral("value"), 1}}).status, 200);
        const QString kinDir = miniAppsDir() + kinId;
        QVERIFY(QFileInfo(kinDir).isDir());
        QCOMPARE(fx->api->del("/api/kins/" + kinId.toUtf8()).status, 200);
        QCOMPARE(fx->api->get(base(id)).status, 404);
        QVERIFY(!QFileInfo::exists(kinDir));
        QCOMPARE(fx->server.platform().miniApps().storage().list(id).value().size(), 0);
    }

    void agentToolsActOnOwnAppsOnly()
    {
        const QString otherKin = fx->addKin(QStringLiteral("Other"), QString()).value(QStringLiteral("id")).toString();
        QJsonObject r = fx->runTool(QStringLiteral("create_mini_app"), kinId,
                                    {{QStringLiteral("name"), QStringLiteral("Notes")}, {QStringLiteral("slug"), QStringLiteral("notes")},
                                     {QStringLiteral("icon"), QStringLiteral("N")}, {QStringLiteral("html"), QStringLiteral("<p>notes</p>")}});
        const QString id = r.value(QStringLiteral("appId")).toString();
        QVERIFY2(!id.isEmpty(), QJsonDocument(r).toJson().constData());
        QVERIFY(fx->runTool(QStringLiteral("create_mini_app"), kinId, {{QStringLiteral("name"), QStringLiteral("x")}, {QStringLiteral("slug"), QStringLiteral("Bad Slug")},
                                                                        {QStringLiteral("html"), QStringLiteral("x")}})
                    .contains(QStringLiteral("error")));
        QVERIFY(fx->runTool(QStringLiteral("create_mini_app"), kinId, {{QStringLiteral("name"), QStringLiteral("x")}, {QStringLiteral("slug"), QStringLiteral("x")}})
                    .contains(QStringLiteral("error")));

        r = fx->runTool(QStringLiteral("write_mini_app_file"), kinId, {{QStringLiteral("app_id"), id}, {QStringLiteral("path"), QStringLiteral("js/app.js")},
                                                                        {QStringLiteral("content"), QStringLiteral("console.log(1)")}});
        QCOMPARE(r.value(QStringLiteral("size")).toInt(), 14);
        QCOMPARE(r.value(QStringLiteral("version")).toInt(), 3);
        r = fx->runTool(QStringLiteral("write_mini_app_file"), kinId, {{QStringLiteral("app_id"), id}, {QStringLiteral("path"), QStringLiteral("img/dot.png")},
                                                                        {QStringLiteral("content"), QStringLiteral("iVBORw0K")}, {QStringLiteral("is_base64"), true}});
        QVERIFY(r.value(QStringLiteral("success")).toBool());
        QCOMPARE(fx->runTool(QStringLiteral("read_mini_app_file"), kinId, {{QStringLiteral("app_id"), id}, {QStringLiteral("path"), QStringLiteral("js/app.js")}})
                     .value(QStringLiteral("content")).toString(),
                 QStringLiteral("console.log(1)"));
        r = fx->runTool(QStringLiteral("read_mini_app_file"), kinId, {{QStringLiteral("app_id"), id}, {QStringLiteral("path"), QStringLiteral("img/dot.png")}});
        QCOMPARE(r.value(QStringLiteral("isBase64")).toBool(), true);
        QCOMPARE(r.value(QStringLiteral("content")).toString(), QStringLiteral("iVBORw0K"));
        QVERIFY(fx->runTool(QStringLiteral("write_mini_app_file"), kinId, {{QStringLiteral("app_id"), id}, {QStringLiteral("path"), QStringLiteral("../x")},
                                                                            {QStringLiteral("content"), QStringLiteral("x")}})
                    .value(QStringLiteral("error")).toString().contains(QStringLiteral("traversal")));
        QCOMPARE(fx->runTool(QStringLiteral("list_mini_app_files"), kinId, {{QStringLiteral("app_id"), id}}).value(QStringLiteral("files")).toArray().size(), 3);

        // Another Kin sees none of it and changes nothing.
        for (const char *tool : {"read_mini_app_file", "write_mini_app_file", "delete_mini_app", "get_mini_app_storage", "list_mini_app_files",
                                 "rollback_mini_app", "update_mini_app"}) {
            r = fx->runTool(QLatin1String(tool), otherKin, {{QStringLiteral("app_id"), id}, {QStringLiteral("path"), QStringLiteral("js/app.js")},
                                                             {QStringLiteral("content"), QStringLiteral("hacked")}, {QStringLiteral("key"), QStringLiteral("k")},
                                                             {QStringLiteral("version"), 1}, {QStringLiteral("name"), QStringLiteral("mine")}});
            QVERIFY2(r.value(QStringLiteral("error")).toString().contains(QStringLiteral("not one of yours")), tool);
        }
        QCOMPARE(fx->runTool(QStringLiteral("list_mini_apps"), otherKin, {}).value(QStringLiteral("apps")).toArray().size(), 0);
        QCOMPARE(fx->api->get(base(id) + "/files/js/app.js").body, QByteArray("console.log(1)"));
        QCOMPARE(fx->runTool(QStringLiteral("browse_mini_apps"), otherKin, {}).value(QStringLiteral("total")).toInt(), 1);

        // Storage through the tools is the app's storage.
        QVERIFY(fx->runTool(QStringLiteral("set_mini_app_storage"), kinId, {{QStringLiteral("app_id"), id}, {QStringLiteral("key"), QStringLiteral("todo")},
                                                                             {QStringLiteral("value"), QJsonArray{QStringLiteral("milk")}}})
                    .value(QStringLiteral("success")).toBool());
        QCOMPARE(fx->api->get(base(id) + "/storage/todo").json().value(QStringLiteral("value")).toArray(), QJsonArray{QStringLiteral("milk")});
        r = fx->runTool(QStringLiteral("get_mini_app_storage"), kinId, {{QStringLiteral("app_id"), id}, {QStringLiteral("key"), QStringLiteral("todo")}});
        QCOMPARE(r.value(QStringLiteral("found")).toBool(), true);
        QCOMPARE(r.value(QStringLiteral("value")).toArray(), QJsonArray{QStringLiteral("milk")});
        QCOMPARE(fx->runTool(QStringLiteral("list_mini_app_storage"), kinId, {{QStringLiteral("app_id"), id}}).value(QStringLiteral("count")).toInt(), 1);
        QCOMPARE(fx->runTool(QStringLiteral("delete_mini_app_storage"), kinId, {{QStringLiteral("app_id"), id}, {QStringLiteral("key"), QStringLiteral("todo")}})
                     .value(QStringLiteral("deleted")).toBool(),
                 true);
        QCOMPARE(fx->runTool(QStringLiteral("get_mini_app_storage"), kinId, {{QStringLiteral("app_id"), id}, {QStringLiteral("key"), QStringLiteral("todo")}})
                     .value(QStringLiteral("found")).toBool(),
                 false);

        // Snapshot, change, roll back.
        r = fx->runTool(QStringLiteral("create_mini_app_snapshot"), kinId, {{QStringLiteral("app_id"), id}, {QStringLiteral("label"), QStringLiteral("good")}});
        const int good = r.value(QStringLiteral("version")).toInt();
        QCOMPARE(r.value(QStringLiteral("fileCount")).toInt(), 3);
        fx->runTool(QStringLiteral("delete_mini_app_file"), kinId, {{QStringLiteral("app_id"), id}, {QStringLiteral("path"), QStringLiteral("js/app.js")}});
        QCOMPARE(fx->api->get(base(id) + "/files/js/app.js").status, 404);
        QVERIFY(fx->runTool(QStringLiteral("rollback_mini_app"), kinId, {{QStringLiteral("app_id"), id}, {QStringLiteral("version"), 1.5}}).contains(QStringLiteral("error")));
        QVERIFY(fx->runTool(QStringLiteral("rollback_mini_app"), kinId, {{QStringLiteral("app_id"), id}, {QStringLiteral("version"), good}})
                    .value(QStringLiteral("success")).toBool());
        QCOMPARE(fx->api->get(base(id) + "/files/js/app.js").body, QByteArray("console.log(1)"));
        QCOMPARE(fx->runTool(QStringLiteral("list_mini_app_snapshots"), kinId, {{QStringLiteral("app_id"), id}}).value(QStringLiteral("snapshots")).toArray().size(), 2);

        // Console relay as the Kin reads it.
        QCOMPARE(fx->api->postJson(base(id) + "/console", {{QStringLiteral("level"), QStringLiteral("error")}, {QStringLiteral("args"), QJsonArray{QStringLiteral("boom"), 42}}}).status, 200);
        r = fx->runTool(QStringLiteral("get_mini_app_console"), kinId, {{QStringLiteral("app_id"), id}, {QStringLiteral("clear"), true}});
        QCOMPARE(r.value(QStringLiteral("entries")).toArray().at(0).toObject().value(QStringLiteral("message")).toString(), QStringLiteral("boom 42"));
        QCOMPARE(r.value(QStringLiteral("summary")).toObject().value(QStringLiteral("errors")).toInt(), 1);
        QCOMPARE(fx->runTool(QStringLiteral("get_mini_app_console"), kinId, {{QStringLiteral("app_id"), id}}).value(QStringLiteral("entries")).toArray().size(), 0);

        // Metadata, then deletion.
        r = fx->runTool(QStringLiteral("update_mini_app"), kinId, {{QStringLiteral("app_id"), id}, {QStringLiteral("name"), QStringLiteral("Notebook")}, {QStringLiteral("is_active"), false}});
        QCOMPARE(r.value(QStringLiteral("app")).toObject().value(QStringLiteral("name")).toString(), QStringLiteral("Notebook"));
        QCOMPARE(r.value(QStringLiteral("app")).toObject().value(QStringLiteral("isActive")).toBool(), false);
        QVERIFY(fx->runTool(QStringLiteral("generate_mini_app_icon"), kinId, {{QStringLiteral("app_id"), id}}).value(QStringLiteral("error")).toString().size() > 0);
        QVERIFY(fx->runTool(QStringLiteral("delete_mini_app"), kinId, {{QStringLiteral("app_id"), id}}).value(QStringLiteral("success")).toBool());
        QCOMPARE(fx->api->get(base(id)).status, 404);
    }

    void backendThroughHttp()
    {
        auto sse = fx->openSse();
        const QString id = createApp(QStringLiteral("backend")).value(QStringLiteral("id")).toString();
        HttpResponse r = fx->api->get(base(id) + "/api/echo/7");
        QCOMPARE(r.status, 404);
        QCOMPARE(r.json().value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toString(), QStringLiteral("NO_BACKEND"));

        const QByteArray echo = "export default (ctx) => { const app = new ctx.Hono(); "
                                "app.get('/echo/:x', c => c.json({x: c.req.param('x'), q: c.req.query('q'), app: ctx.appId, kin: ctx.kinId, name: ctx.appName})); "
                                "app.get('/', c => c.text('root')); "
                                "app.post('/tick', c => { ctx.events.emit('tick', {n: 1}); return c.json({listeners: ctx.events.subscriberCount}); }); "
                                "app.get('/page', c => c.html('<p>hi</p>')); "
                                "return app }";
        QCOMPARE(rawPut(base(id) + "/files/_server.js", echo, "application/javascript").status, 200);
        QCOMPARE(fx->api->get(base(id)).json().value(QStringLiteral("app")).toObject().value(QStringLiteral("hasBackend")).toBool(), true);
        r = fx->api->get(base(id) + "/api/echo/7?q=z");
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json(), (QJsonObject{{QStringLiteral("x"), QStringLiteral("7")}, {QStringLiteral("q"), QStringLiteral("z")}, {QStringLiteral("app"), id},
                                        {QStringLiteral("kin"), kinId}, {QStringLiteral("name"), QStringLiteral("App backend")}}));
        QVERIFY(r.header("content-type").startsWith("application/json"));
        QCOMPARE(fx->api->get(base(id) + "/api").body, QByteArray("root"));
        QCOMPARE(fx->api->get(base(id) + "/api/nope").status, 404);
        QVERIFY(fx->api->get(base(id) + "/api/page").header("content-security-policy").startsWith("default-src 'self'"));
        QCOMPARE(fx->server.client().get(base(id) + "/api/echo/1").status, 401);

        // Events: the app's stream receives what the backend emits, and the backend counts its listeners.
        SseClient stream(fx->server.port(), fx->admin.cookie, {}, base(id) + "/events");
        QVERIFY(stream.connectAndWait());
        r = fx->api->postJson(base(id) + "/api/tick", {});
        QCOMPARE(r.json().value(QStringLiteral("listeners")).toInt(), 1);
        QVERIFY(stream.waitFor([](const SseFrame &f) { return f.event == "app-event"; }));
        QVERIFY(stream.body().contains("event: app-event\ndata: {\"event\":\"tick\",\"data\":{\"n\":1},\"timestamp\":"));

        // Rewriting _server.js is seen on the very next request; a broken one is 500 BACKEND_UNAVAILABLE with the reason.
        QCOMPARE(rawPut(base(id) + "/files/_server.js", "export default (ctx) => { const app = new ctx.Hono(); app.get('/echo/:x', c => c.text('v2')); return app }",
                        "application/javascript").status,
                 200);
        QCOMPARE(fx->api->get(base(id) + "/api/echo/1").body, QByteArray("v2"));
        QCOMPARE(rawPut(base(id) + "/files/_server.js", "export default {}", "application/javascript").status, 200);
        r = fx->api->get(base(id) + "/api/echo/1");
        QCOMPARE(r.status, 500);
        QCOMPARE(r.json().value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toString(), QStringLiteral("BACKEND_UNAVAILABLE"));
        QCOMPARE(rawPut(base(id) + "/files/_server.js", "export default (ctx) => { const app = ", "application/javascript").status, 200);
        r = fx->api->get(base(id) + "/api/echo/1");
        QCOMPARE(r.status, 500);
        QVERIFY2(r.json().value(QStringLiteral("error")).toObject().value(QStringLiteral("message")).toString().contains(QStringLiteral("_server.js")), r.body.constData());
        // The object form the reference's own templates use works here.
        QCOMPARE(rawPut(base(id) + "/files/_server.js", "export default { fetch: (req) => new Response('object form') }", "application/javascript").status, 200);
        QCOMPARE(fx->api->get(base(id) + "/api/anything").body, QByteArray("object form"));
        // Deleting the backend file: no backend any more.
        QCOMPARE(fx->api->del(base(id) + "/files/_server.js").status, 204);
        QCOMPARE(fx->api->get(base(id) + "/api/anything").json().value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toString(),
                 QStringLiteral("NO_BACKEND"));
    }

    void seedExamplesByteForByte()
    {
        // mini-app-backend.md's items CRUD and progress examples, over HTTP, exact bodies.
        QFile server(QStringLiteral(KINBOT_TEST_FIXTURES "/miniapps/browser/_server.js"));
        QVERIFY(server.open(QIODevice::ReadOnly));
        const QString id = createApp(QStringLiteral("seed")).value(QStringLiteral("id")).toString();
        QCOMPARE(rawPut(base(id) + "/files/_server.js", server.readAll(), "application/javascript").status, 200);
        HttpResponse r = fx->api->get(base(id) + "/api/items");
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body, QByteArray("[]"));
        r = fx->api->postRaw(base(id) + "/api/items", "{\"name\":\"milk\"}", "application/json");
        QCOMPARE(r.body, QByteArray("{\"success\":true}"));
        const QJsonArray items = QJsonDocument::fromJson(fx->api->get(base(id) + "/api/items").body).array();
        QCOMPARE(items.size(), 1);
        QCOMPARE(items.at(0).toObject().value(QStringLiteral("name")).toString(), QStringLiteral("milk"));
        QVERIFY(items.at(0).toObject().value(QStringLiteral("id")).toDouble() > 0);
        // The frontend reads what the backend wrote: one namespace.
        QCOMPARE(fx->api->get(base(id) + "/storage/items").json().value(QStringLiteral("value")).toArray(), items);
        const QByteArray itemId = QByteArray::number(qint64(items.at(0).toObject().value(QStringLiteral("id")).toDouble()));
        QCOMPARE(fx->api->del(base(id) + "/api/items/" + itemId).body, QByteArray("{\"success\":true}"));
        QCOMPARE(fx->api->get(base(id) + "/api/items").body, QByteArray("[]"));

        SseClient stream(fx->server.port(), fx->admin.cookie, {}, base(id) + "/events");
        QVERIFY(stream.connectAndWait());
        QCOMPARE(fx->api->get(base(id) + "/api/listeners").body, QByteArray("{\"count\":1}"));
        QCOMPARE(fx->api->postRaw(base(id) + "/api/process", "{}", "application/json").body, QByteArray("{\"success\":true}"));
        QVERIFY(stream.waitFor([](const SseFrame &f) { return f.event == "app-event" && f.data.value(QStringLiteral("event")) == QStringLiteral("done"); }));
        const QByteArray ts = QByteArray::number(fx->server.clock().nowMs());
        QByteArray expected = "event: connected\ndata: {\"appId\":\"" + id.toUtf8() + "\"}\n\n";
        for (int step = 1; step <= 3; ++step)
            expected += "event: app-event\ndata: {\"event\":\"progress\",\"data\":{\"step\":" + QByteArray::number(step)
                        + ",\"total\":3},\"timestamp\":" + ts + "}\n\n";
        expected += "event: app-event\ndata: {\"event\":\"done\",\"data\":{\"result\":\"Complete!\"},\"timestamp\":" + ts + "}\n\n";
        QCOMPARE(stream.body(), expected);
    }

    void backendWatchdogKeepsTheServerFree()
    {
        qputenv("KINBOT_BACKEND_TIMEOUT_MS", "700");
        fx = std::make_unique<KinFixture>();
        qunsetenv("KINBOT_BACKEND_TIMEOUT_MS");
        kinId = fx->addKin(QStringLiteral("Builder"), QString()).value(QStringLiteral("id")).toString();
        const QString looping = createApp(QStringLiteral("looping")).value(QStringLiteral("id")).toString();
        const QString fine = createApp(QStringLiteral("fine")).value(QStringLiteral("id")).toString();
        QCOMPARE(rawPut(base(looping) + "/files/_server.js",
                        "let n = 0; export default (ctx) => { const app = new ctx.Hono(); app.get('/spin', c => { while (true) {} }); "
                        "app.get('/n', c => c.json({n: ++n})); app.get('/boom', c => { throw new Error('kaput'); }); return app }",
                        "application/javascript").status,
                 200);
        QCOMPARE(rawPut(base(fine) + "/files/_server.js", "export default (ctx) => { const app = new ctx.Hono(); app.get('/', c => c.text('ok')); return app }",
                        "application/javascript").status,
                 200);
        QCOMPARE(fx->api->get(base(looping) + "/api/n").json().value(QStringLiteral("n")).toInt(), 1);
        // Both engines are loaded first, so that what is timed below is serving, not a first load on a busy machine.
        QCOMPARE(fx->api->get(base(fine) + "/api").body, QByteArray("ok"));
        // An infinite loop: 504 after the limit, while the API and another app answer meanwhile.
        HttpClient other = fx->server.clientFor(fx->admin);
        QElapsedTimer t;
        t.start();
        // While the spinning request is pending (its client waits in a nested loop), another app and the API answer.
        QByteArray fineBody;
        int healthStatus = 0;
        qint64 othersAnsweredAt = -1;
        QTimer::singleShot(100, [&] {
            fineBody = other.get(base(fine) + "/api").body;
            healthStatus = other.get("/api/health").status;
            othersAnsweredAt = t.elapsed();
        });
        const HttpResponse spin = fx->api->get(base(looping) + "/api/spin");
        const qint64 spinAnsweredAt = t.elapsed();
        QCOMPARE(fineBody, QByteArray("ok"));
        QCOMPARE(healthStatus, 200);
        QVERIFY(othersAnsweredAt >= 0 && othersAnsweredAt < spinAnsweredAt);
        QCOMPARE(spin.status, 504);
        QCOMPARE(spin.json().value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toString(), QStringLiteral("BACKEND_TIMEOUT"));
        QVERIFY(spinAnsweredAt < 5000);
        // The interrupted backend serves again, its state kept; an exception in a route is Hono's 500.
        QCOMPARE(fx->api->get(base(looping) + "/api/n").json().value(QStringLiteral("n")).toInt(), 2);
        QCOMPARE(fx->api->get(base(looping) + "/api/boom").status, 500);
        // App A cannot reach app B's backend state: each app has its own engine.
        QCOMPARE(fx->api->get(base(fine) + "/api/n").status, 404);
    }

    void sdkAssetsAndJsx()
    {
        HttpResponse r = fx->api->get("/api/mini-apps/sdk/kinbot-sdk.js");
        QCOMPARE(r.status, 200);
        QVERIFY(r.header("content-type").startsWith("application/javascript"));
        QCOMPARE(r.header("cache-control"), QByteArray("public, max-age=3600"));
        QVERIFY(r.body.contains("window.KinBot") || r.body.contains("KinBot"));
        QVERIFY(r.body.contains("1.16.0"));
        QVERIFY(fx->api->get("/api/mini-apps/sdk/kinbot-sdk.css").header("content-type").startsWith("text/css"));
        QCOMPARE(fx->api->get("/api/mini-apps/sdk/kinbot-react.d.ts").header("content-type"), QByteArray("application/typescript"));
        QCOMPARE(fx->api->get("/api/mini-apps/sdk/nope.js").status, 404);
        r = fx->api->get("/api/mini-apps/sdk/vendor/react.js");
        QCOMPARE(r.status, 200);
        QVERIFY(r.body.contains("export"));
        QVERIFY(fx->api->get("/api/mini-apps/sdk/vendor/react-dom-client.js").status == 200);

        const QString id = createApp(QStringLiteral("jsx")).value(QStringLiteral("id")).toString();
        QCOMPARE(putFile(id, "index.html", QStringLiteral("<head></head><body><script type=\"text/jsx\">const el = <b>x</b>;</script></body>")).status, 200);
        r = fx->api->get(base(id) + "/serve");
        QVERIFY(!r.body.contains("text/jsx"));
        QVERIFY2(r.body.contains("React.createElement(\"b\""), r.body.constData());
        QVERIFY(r.body.contains("from \"react\"") || r.body.contains("from 'react'"));
        QCOMPARE(putFile(id, "comp/app.jsx", QStringLiteral("export const App = () => <div className=\"a\">hi</div>;")).status, 200);
        r = fx->api->get(base(id) + "/static/comp/app.jsx");
        QCOMPARE(r.status, 200);
        QVERIFY(r.header("content-type").startsWith("application/javascript"));
        QVERIFY(r.body.contains("React.createElement(\"div\""));
        QCOMPARE(fx->api->get(base(id) + "/static/comp/app.jsx", {{"If-None-Match", r.header("etag")}}).status, 304);
        QCOMPARE(putFile(id, "comp/bad.jsx", QStringLiteral("export const X = () => <div>;")).status, 200);
        r = fx->api->get(base(id) + "/static/comp/bad.jsx");
        QCOMPARE(r.status, 500);
        QVERIFY(r.body.contains("console.error"));
        QVERIFY(r.body.contains("bad.jsx"));
    }

    void templatesAndDocsForTheKin()
    {
        const QJsonObject list = fx->runTool(QStringLiteral("get_mini_app_templates"), kinId, {});
        const QJsonArray templates = list.value(QStringLiteral("templates")).toArray();
        QVERIFY2(templates.size() >= 10, QJsonDocument(list).toJson().constData());
        QStringList ids;
        for (const QJsonValue &t : templates)
            ids.append(t.toObject().value(QStringLiteral("id")).toString());
        QVERIFY(ids.contains(QStringLiteral("form")));
        const QJsonObject form = fx->runTool(QStringLiteral("get_mini_app_templates"), kinId, {{QStringLiteral("template_id"), QStringLiteral("form")}})
                                     .value(QStringLiteral("template")).toObject();
        QVERIFY(form.value(QStringLiteral("files")).toObject().value(QStringLiteral("index.html")).toString().contains(QStringLiteral("text/jsx")));
        QVERIFY(fx->runTool(QStringLiteral("get_mini_app_templates"), kinId, {{QStringLiteral("template_id"), QStringLiteral("nope")}}).contains(QStringLiteral("error")));
        for (const QString &section : {QStringLiteral("overview"), QStringLiteral("backend"), QStringLiteral("hooks"), QStringLiteral("all")})
            QVERIFY2(fx->runTool(QStringLiteral("get_mini_app_docs"), kinId, {{QStringLiteral("section"), section}}).value(QStringLiteral("docs")).toString().size() > 200,
                     qPrintable(section));
        QVERIFY(fx->runTool(QStringLiteral("get_mini_app_docs"), kinId, {}).value(QStringLiteral("docs")).toString().contains(QStringLiteral("ctx.storage")));

        // Every template becomes an app whose page is served, and whose backend (when it has one) loads.
        for (const QString &t : ids) {
            const QJsonObject r = fx->runTool(QStringLiteral("create_mini_app"), kinId,
                                              {{QStringLiteral("name"), t}, {QStringLiteral("slug"), t}, {QStringLiteral("template"), t}});
            const QString id = r.value(QStringLiteral("appId")).toString();
            QVERIFY2(!id.isEmpty(), QJsonDocument(r).toJson().constData());
            const HttpResponse page = fx->api->get(base(id) + "/serve");
            QCOMPARE(page.status, 200);
            QVERIFY2(!page.body.contains("text/jsx") && !page.body.contains("transpilation failed"), qPrintable(t));
            const QJsonObject app = fx->api->get(base(id)).json().value(QStringLiteral("app")).toObject();
            if (app.value(QStringLiteral("hasBackend")).toBool()) {
                // A route the template does not have: Hono's 404 proves the backend loaded (a load failure is a 500).
                const HttpResponse probe = fx->api->get(base(id) + "/api/__probe__");
                QVERIFY2(probe.status == 404, qPrintable(t + QStringLiteral(": ") + QString::fromUtf8(probe.body)));
            }
        }
    }

    void servingUnits()
    {
        // The JSX paths without a transpiler: inline blocks become module scripts that report the failure.
        const QByteArray html = "<head></head><script type=\"text/jsx\">const a = <b/>;</script><script type=\"text/jsx\" src=\"x.jsx\"></script>";
        QVERIFY(miniapp::hasInlineJsx(html));
        int calls = 0;
        const QByteArray out = miniapp::renderEntry(html, QStringLiteral("A"), {}, [&](const QByteArray &src, const QString &) -> Result<QByteArray> {
            ++calls;
            if (src.contains("<b/>"))
                return QByteArray("import React from 'react';\nconst a = React.createElement(\"b\", null); // </script>");
            return ApiError::badRequest(QStringLiteral("X"), QStringLiteral("nope"));
        });
        QCOMPARE(calls, 1);
        QVERIFY(!out.contains("text/jsx"));
        QVERIFY(out.contains("<script type=\"module\">import React from 'react';"));
        QVERIFY(out.contains("<\\/script>"));
        QVERIFY(out.contains("<script type=\"module\" src=\"x.jsx\">"));
        const QByteArray failed = miniapp::renderEntry("<script type='text/jsx'>bad</script>", QStringLiteral("A"), {},
                                                       [](const QByteArray &, const QString &) -> Result<QByteArray> {
                                                           return ApiError::badRequest(QStringLiteral("X"), QStringLiteral("Unexpected token"));
                                                       });
        QVERIFY(failed.contains("console.error("));
        QVERIFY(failed.contains("JSX transpilation failed"));
        // Import map from an explicit importmap object; invalid app.json gives the defaults.
        QVERIFY(miniapp::importMap("{\"importmap\":{\"imports\":{\"x\":\"/x.js\"},\"scopes\":{}}}").contains("\"scopes\":{}"));
        QVERIFY(miniapp::importMap("{broken").contains("\"react\":\"/api/mini-apps/sdk/vendor/react.js\""));
    }
};

QTEST_GUILESS_MAIN(TestMiniApps)
#include "tst_miniapps.moc"
