// Security checks, settings, version check, logs and the SSE stream — over real HTTP.
#include "SseClient.h"
#include "TestServer.h"
#include "events/EventBus.h"

#include <QHttpServer>
#include <QTcpServer>
#include <QtTest>

using namespace kinbot::test;

class TstApiPlatform final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void healthAndSecurityHeaders()
    {
        TestServer s;
        const HttpResponse r = s.client().get("/api/health");
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json().value(QStringLiteral("status")).toString(), QStringLiteral("ok"));
        QCOMPARE(qint64(r.json().value(QStringLiteral("timestamp")).toDouble()), s.clock().nowMs());
        QCOMPARE(r.header("X-Content-Type-Options"), QByteArray("nosniff"));
        QCOMPARE(r.header("X-Frame-Options"), QByteArray("SAMEORIGIN"));
        QVERIFY(r.header("Content-Security-Policy").contains("default-src 'none'"));
        QCOMPARE(r.header("Cache-Control"), QByteArray("no-store"));
        QCOMPARE(s.client().get("/api/nope").errorCode(), QStringLiteral("NOT_FOUND"));
        const HttpResponse m = s.client().request("PUT", "/api/health");
        QCOMPARE(m.status, 405);
        QCOMPARE(m.header("Allow"), QByteArray("GET"));
        QCOMPARE(s.client().get("/").status, 200); // the web UI shell
    }

    void hostHeaderIsChecked()
    {
        TestServer s;
        HttpResponse r = s.client().get("/api/health", {{"Host", "evil.example"}});
        QCOMPARE(r.status, 403);
        QCOMPARE(r.errorCode(), QStringLiteral("INVALID_HOST"));
        QCOMPARE(s.client().get("/api/health", {{"Host", "localhost:3000"}}).status, 200);
        QCOMPARE(s.client().get("/api/health", {{"Host", "[::1]:1"}}).status, 200);
        TestServer open([](kinbot::ServerConfig &c) { c.allowedHosts = {QStringLiteral("kinbot.lan")}; });
        QCOMPARE(open.client().get("/api/health", {{"Host", "kinbot.lan:8080"}}).status, 200);
    }

    void crossOriginCookieRequestsAreRefused()
    {
        TestServer s;
        TestUser u = s.onboard(QStringLiteral("o@example.test"), QStringLiteral("owner"));
        HttpClient c = s.clientFor(u);
        c.removeDefaultHeader("Origin");
        const QJsonObject body{{QStringLiteral("language"), QStringLiteral("fr")}};
        QCOMPARE(c.patchJson("/api/me", body, {{"Origin", "https://evil.example"}}).errorCode(), QStringLiteral("INVALID_ORIGIN"));
        QCOMPARE(c.patchJson("/api/me", body).errorCode(), QStringLiteral("INVALID_ORIGIN")); // no Origin at all
        QCOMPARE(c.get("/api/me").json().value(QStringLiteral("language")).toString(), QStringLiteral("en")); // unchanged
        QCOMPARE(c.patchJson("/api/me", body, {{"Referer", c.origin() + "/settings"}}).status, 200);
        QCOMPARE(c.patchJson("/api/me", body, {{"Origin", "http://localhost:" + QByteArray::number(s.port())}}).status, 200);
        // A cookie-less sign-in needs no Origin (scripts, curl).
        QCOMPARE(s.client().postJson("/api/auth/sign-in/email", {{QStringLiteral("email"), u.email}, {QStringLiteral("password"), u.password}}).status, 200);

        // CORS: trusted origins get the headers and a preflight; others do not.
        HttpResponse pre = s.client().request("OPTIONS", "/api/me", {}, {{"Origin", c.origin()}, {"Access-Control-Request-Method", "PATCH"}});
        QCOMPARE(pre.status, 204);
        QCOMPARE(pre.header("Access-Control-Allow-Origin"), c.origin());
        QCOMPARE(pre.header("Access-Control-Allow-Credentials"), QByteArray("true"));
        QCOMPARE(s.client().request("OPTIONS", "/api/me", {}, {{"Origin", "https://evil.example"}}).status, 403);
        QVERIFY(s.client().get("/api/health", {{"Origin", "https://evil.example"}}).header("Access-Control-Allow-Origin").isEmpty());
    }

    void malformedAndOversizedBodies()
    {
        TestServer s([](kinbot::ServerConfig &c) { c.maxBodyBytes = 64 * 1024; });
        TestUser u = s.onboard(QStringLiteral("b@example.test"), QStringLiteral("bodies"));
        HttpClient c = s.clientFor(u);
        HttpResponse r = c.request("PATCH", "/api/me", "{bad", {{"Content-Type", "application/json"}});
        QCOMPARE(r.status, 400);
        QCOMPARE(r.errorCode(), QStringLiteral("INVALID_JSON"));
        r = c.request("PATCH", "/api/me", QByteArray(70 * 1024, 'a'), {{"Content-Type", "application/json"}});
        QCOMPARE(r.status, 413);
        QCOMPARE(r.errorCode(), QStringLiteral("PAYLOAD_TOO_LARGE"));
        QCOMPARE(c.get("/api/me").status, 200); // still serving
    }

    void settingsRoundTripWithEvents()
    {
        TestServer s;
        TestUser u = s.onboard(QStringLiteral("s@example.test"), QStringLiteral("settings"));
        HttpClient c = s.clientFor(u);
        SseClient sse(s.port(), u.cookie);
        QVERIFY(sse.connectAndWait());

        QCOMPARE(c.get("/api/settings/global-prompt").json().value(QStringLiteral("globalPrompt")).toString(), QString());
        QCOMPARE(c.putJson("/api/settings/global-prompt", {{QStringLiteral("globalPrompt"), QStringLiteral("  Be brief. ")}})
                     .json().value(QStringLiteral("globalPrompt")).toString(), QStringLiteral("Be brief."));
        QCOMPARE(c.get("/api/settings/global-prompt").json().value(QStringLiteral("globalPrompt")).toString(), QStringLiteral("Be brief."));
        QCOMPARE(c.putJson("/api/settings/global-prompt", {{QStringLiteral("globalPrompt"), 3}}).errorCode(), QStringLiteral("INVALID_BODY"));
        QCOMPARE(c.putJson("/api/settings/global-prompt", {{QStringLiteral("globalPrompt"), QString(10001, QLatin1Char('x'))}}).status, 400);

        HttpResponse r = c.putJson("/api/settings/default-llm", {{QStringLiteral("model"), QStringLiteral("gpt-x")}, {QStringLiteral("providerId"), QStringLiteral("p1")}});
        QCOMPARE(r.body, QByteArray(R"({"defaultLlmModel":"gpt-x","defaultLlmProviderId":"p1"})"));
        r = c.putJson("/api/settings/embedding-model", {{QStringLiteral("model"), QStringLiteral("")}});
        QCOMPARE(r.errorCode(), QStringLiteral("INVALID_BODY"));
        QCOMPARE(c.putJson("/api/settings/embedding-model", {{QStringLiteral("model"), QStringLiteral("emb")}}).status, 200);
        r = c.get("/api/settings/default-models");
        QCOMPARE(r.json().value(QStringLiteral("defaultLlmModel")).toString(), QStringLiteral("gpt-x"));
        QCOMPARE(r.json().value(QStringLiteral("embeddingModel")).toString(), QStringLiteral("emb"));
        QVERIFY(r.json().value(QStringLiteral("embeddingProviderId")).isNull());
        QCOMPARE(c.get("/api/settings/models").json().value(QStringLiteral("embeddingModel")).toString(), QStringLiteral("emb"));
        QCOMPARE(c.putJson("/api/settings/default-llm", {{QStringLiteral("model"), QJsonValue()}}).body,
                 QByteArray(R"({"defaultLlmModel":null,"defaultLlmProviderId":null})"));
        QCOMPARE(c.putJson("/api/settings/search-provider", {{QStringLiteral("searchProviderId"), QStringLiteral("brave")}}).status, 200);
        QCOMPARE(c.get("/api/settings/search-provider").json().value(QStringLiteral("searchProviderId")).toString(), QStringLiteral("brave"));

        // Compacting threshold: 50-95 only, with its event.
        QCOMPARE(c.get("/api/settings/compacting-threshold").json().value(QStringLiteral("compactingThresholdPercent")).toInt(), 75);
        for (int bad : {49, 96})
            QCOMPARE(c.putJson("/api/settings/compacting-threshold", {{QStringLiteral("compactingThresholdPercent"), bad}}).status, 400);
        QCOMPARE(c.putJson("/api/settings/compacting-threshold", {{QStringLiteral("compactingThresholdPercent"), QStringLiteral("80")}}).status, 400);
        QCOMPARE(c.putJson("/api/settings/compacting-threshold", {{QStringLiteral("compactingThresholdPercent"), 80}}).status, 200);
        auto ev = sse.waitFor([](const SseFrame &f) { return f.data.value(QStringLiteral("type")) == QStringLiteral("settings:compacting-threshold-changed"); });
        QVERIFY(ev.has_value());
        QCOMPARE(ev->event, QByteArray("message"));
        QCOMPARE(ev->data.value(QStringLiteral("compactingThresholdPercent")).toInt(), 80);

        // Hub: no Kin exists yet, so any id is unknown; null clears and announces.
        QCOMPARE(c.putJson("/api/settings/hub", {{QStringLiteral("kinId"), QStringLiteral("nope")}}).errorCode(), QStringLiteral("KIN_NOT_FOUND"));
        QCOMPARE(c.putJson("/api/settings/hub", {{QStringLiteral("kinId"), QJsonValue()}}).status, 200);
        QVERIFY(sse.waitFor([](const SseFrame &f) { return f.data.value(QStringLiteral("type")) == QStringLiteral("settings:hub-changed"); }).has_value());
        QVERIFY(c.get("/api/settings/hub").json().value(QStringLiteral("hubKinId")).isNull());
        // Settings survive a restart of the platform on the same data dir (stored in SQLite).
        auto q = s.platform().database().exec(QStringLiteral("SELECT value FROM app_settings WHERE key = 'compacting_threshold_percent'"));
        QVERIFY(q.value().next());
        QCOMPARE(q.value().value(0).toString(), QStringLiteral("80"));
    }

    void versionCheck()
    {
        // A fake release feed on loopback.
        QHttpServer feed;
        feed.route(QStringLiteral("/latest"), [] {
            return QHttpServerResponse(QJsonObject{{QStringLiteral("tag_name"), QStringLiteral("v9.1.0")},
                                                   {QStringLiteral("html_url"), QStringLiteral("https://example.test/r/9.1.0")},
                                                   {QStringLiteral("body"), QStringLiteral("Notes")},
                                                   {QStringLiteral("published_at"), QStringLiteral("2026-11-01T10:00:00Z")}});
        });
        const quint16 feedPort = feed.listen(QHostAddress::LocalHost, 0);
        QVERIFY(feedPort > 0);

        TestServer off;
        TestUser a = off.onboard(QStringLiteral("v@example.test"), QStringLiteral("ver"));
        HttpResponse r = off.clientFor(a).get("/api/version-check");
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json().value(QStringLiteral("isUpdateAvailable")).toBool(true), false);
        QCOMPARE(off.clientFor(a).postJson("/api/version-check/check", {}).errorCode(), QStringLiteral("DISABLED"));
        QCOMPARE(off.clientFor(a).postJson("/api/version-check/update", {}).errorCode(), QStringLiteral("UPDATE_NOT_SUPPORTED"));

        TestServer on([feedPort](kinbot::ServerConfig &c) { c.versionCheckUrl = QStringLiteral("http://127.0.0.1:%1/latest").arg(feedPort); });
        TestUser b = on.onboard(QStringLiteral("w@example.test"), QStringLiteral("ver2"));
        SseClient sse(on.port(), b.cookie);
        QVERIFY(sse.connectAndWait());
        r = on.clientFor(b).postJson("/api/version-check/check", {});
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json().value(QStringLiteral("latestVersion")).toString(), QStringLiteral("9.1.0"));
        QCOMPARE(r.json().value(QStringLiteral("isUpdateAvailable")).toBool(), true);
        QCOMPARE(r.json().value(QStringLiteral("releaseUrl")).toString(), QStringLiteral("https://example.test/r/9.1.0"));
        QVERIFY(sse.waitFor([](const SseFrame &f) { return f.data.value(QStringLiteral("type")) == QStringLiteral("version:update-available"); }).has_value());
        QCOMPARE(on.clientFor(b).get("/api/version-check").json().value(QStringLiteral("latestVersion")).toString(), QStringLiteral("9.1.0"));
    }

    void logsAreBufferedAndStreamed()
    {
        TestServer s;
        TestUser u = s.onboard(QStringLiteral("l@example.test"), QStringLiteral("logs"));
        HttpClient c = s.clientFor(u);
        SseClient sse(s.port(), u.cookie);
        QVERIFY(sse.connectAndWait());
        QCOMPARE(c.get("/api/does-not-exist").status, 404);
        auto ev = sse.waitFor([](const SseFrame &f) {
            return f.data.value(QStringLiteral("type")) == QStringLiteral("log:entry") && f.data.value(QStringLiteral("message")) == QStringLiteral("Client error");
        });
        QVERIFY(ev.has_value());
        QCOMPARE(ev->data.value(QStringLiteral("data")).toObject().value(QStringLiteral("status")).toInt(), 404);
        HttpResponse r = c.get("/api/logs?level=warn&module=http");
        QCOMPARE(r.status, 200);
        QVERIFY(!r.json().value(QStringLiteral("logs")).toArray().isEmpty());
        for (const QJsonValue &v : r.json().value(QStringLiteral("logs")).toArray())
            QCOMPARE(v.toObject().value(QStringLiteral("module")).toString(), QStringLiteral("http"));
        QVERIFY(c.get("/api/logs/modules").json().value(QStringLiteral("modules")).toArray().contains(QStringLiteral("http")));
        // Logs are for admins: a member's stream never carries them (the reference sends them to everyone).
        const QString token = c.postJson("/api/invitations", {{QStringLiteral("label"), QStringLiteral("m")}})
                                  .json().value(QStringLiteral("invitation")).toObject().value(QStringLiteral("token")).toString();
        TestUser member = s.onboard(QStringLiteral("m@example.test"), QStringLiteral("member"), token);
        SseClient memberSse(s.port(), member.cookie);
        QVERIFY(memberSse.connectAndWait());
        QCOMPARE(s.clientFor(member).get("/api/nothing-here").status, 404);
        QVERIFY(sse.waitFor([](const SseFrame &f) {
            return f.data.value(QStringLiteral("type")) == QStringLiteral("log:entry")
                   && f.data.value(QStringLiteral("data")).toObject().value(QStringLiteral("path")).toString() == QStringLiteral("/api/nothing-here");
        }).has_value());
        QTest::qWait(100); // the member's stream had the same chance to receive it
        for (const SseFrame &f : memberSse.frames())
            QVERIFY(f.data.value(QStringLiteral("type")) != QStringLiteral("log:entry"));
        QCOMPARE(c.get("/api/logs?level=loud").status, 400);
        QCOMPARE(c.get("/api/logs?limit=-1").status, 400);
    }

    void sseStreamScopesAndCleansUp()
    {
        TestServer s([](kinbot::ServerConfig &c) { c.sseKeepAliveMs = 100; });
        TestUser a = s.onboard(QStringLiteral("a@example.test"), QStringLiteral("alice"));
        const QString token = s.clientFor(a).postJson("/api/invitations", {}).json().value(QStringLiteral("invitation")).toObject()
                                  .value(QStringLiteral("token")).toString();
        TestUser b = s.onboard(QStringLiteral("b@example.test"), QStringLiteral("bob"), token);

        // Unauthenticated and profile-less streams are refused.
        SseClient anon(s.port(), {});
        anon.connectAndWait(1000);
        QCOMPARE(anon.status(), 401);

        SseClient sa(s.port(), a.cookie), sb(s.port(), b.cookie);
        QVERIFY(sa.connectAndWait());
        QVERIFY(sb.connectAndWait());
        QCOMPARE(sa.status(), 200);
        QCOMPARE(sa.responseHeader("Content-Type"), QByteArray("text/event-stream"));
        const SseFrame first = sa.frames().first();
        QCOMPARE(first.event, QByteArray("connected"));
        QCOMPARE(first.data.value(QStringLiteral("type")).toString(), QStringLiteral("connected"));
        QCOMPARE(first.data.value(QStringLiteral("connectionId")).toString().size(), 36);
        QCOMPARE(s.platform().sse().connectionCount(), 2);

        // Pings at the keep-alive period.
        auto ping = sa.waitFor([](const SseFrame &f) { return f.event == "ping"; }, 2000);
        QVERIFY(ping.has_value());
        QCOMPARE(ping->data.value(QStringLiteral("type")).toString(), QStringLiteral("ping"));

        // Broadcast and Kin events reach everyone, flat; user events only their user.
        kinbot::EventBus &bus = s.platform().events();
        bus.toKin(QStringLiteral("kin-1"), QStringLiteral("kin:updated"), {{QStringLiteral("name"), QStringLiteral("Echo")}});
        bus.toUser(b.id, QStringLiteral("notification:new"), {{QStringLiteral("notification"), QJsonObject{{QStringLiteral("id"), QStringLiteral("n1")}}}});
        bus.broadcast(QStringLiteral("provider:deleted"), {{QStringLiteral("providerId"), QStringLiteral("p1")}});
        auto typed = [](const char *t) { return [t](const SseFrame &f) { return f.data.value(QStringLiteral("type")).toString() == QLatin1String(t); }; };
        auto kinEv = sa.waitFor(typed("kin:updated"));
        QVERIFY(kinEv.has_value());
        QCOMPARE(kinEv->data.value(QStringLiteral("kinId")).toString(), QStringLiteral("kin-1"));
        QCOMPARE(kinEv->data.value(QStringLiteral("name")).toString(), QStringLiteral("Echo"));
        QVERIFY(sb.waitFor(typed("notification:new")).has_value());
        QVERIFY(sa.waitFor(typed("provider:deleted")).has_value());
        QVERIFY(sb.waitFor(typed("provider:deleted")).has_value());
        for (const SseFrame &f : sa.frames())
            QVERIFY(f.data.value(QStringLiteral("type")).toString() != QStringLiteral("notification:new"));

        // A client that goes away is dropped; later events do not touch its socket.
        sb.close();
        QTRY_COMPARE_WITH_TIMEOUT(s.platform().sse().connectionCount(), 1, 3000);
        bus.broadcast(QStringLiteral("provider:deleted"), {{QStringLiteral("providerId"), QStringLiteral("p2")}});
        QVERIFY(sa.waitFor([](const SseFrame &f) { return f.data.value(QStringLiteral("providerId")) == QStringLiteral("p2"); }).has_value());

        // Signing out ends that session's stream.
        QCOMPARE(s.clientFor(a).postRaw("/api/auth/sign-out", QByteArray()).status, 200);
        QVERIFY(sa.waitClosed(3000));
        QTRY_COMPARE_WITH_TIMEOUT(s.platform().sse().connectionCount(), 0, 3000);
    }
};

QTEST_GUILESS_MAIN(TstApiPlatform)
#include "tst_api_platform.moc"
