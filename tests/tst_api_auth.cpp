// Auth over real HTTP: Better-Auth-compatible sign-up/in/out, sessions (expiry, sliding refresh), password change,
// brute-force limit, and API keys.
#include "TestServer.h"

#include <QRegularExpression>
#include <QtTest>

using namespace kinbot::test;

static QJsonObject creds(const QString &email, const QString &password, const QString &name = QStringLiteral("Ada Admin"))
{
    return {{QStringLiteral("name"), name}, {QStringLiteral("email"), email}, {QStringLiteral("password"), password}};
}

class TstApiAuth final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void signUpSetsTheSessionCookie()
    {
        TestServer s;
        QVERIFY2(s.ok(), qPrintable(s.error()));
        HttpClient c = s.client();
        const HttpResponse r = c.postJson("/api/auth/sign-up/email", creds(QStringLiteral("Admin@Example.test"), QStringLiteral("correct-horse-42")));
        QCOMPARE(r.status, 200);
        const QJsonObject user = r.json().value(QStringLiteral("user")).toObject();
        QCOMPARE(user.value(QStringLiteral("email")).toString(), QStringLiteral("admin@example.test"));
        QCOMPARE(user.value(QStringLiteral("emailVerified")).toBool(true), false);
        QVERIFY(user.value(QStringLiteral("image")).isNull());
        QVERIFY(QRegularExpression(QStringLiteral("^[A-Za-z0-9]{32}$")).match(user.value(QStringLiteral("id")).toString()).hasMatch());
        QVERIFY(QRegularExpression(QStringLiteral("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z$"))
                    .match(user.value(QStringLiteral("createdAt")).toString()).hasMatch());
        const QString token = r.json().value(QStringLiteral("token")).toString();
        QCOMPARE(token.size(), 32);
        const QByteArray setCookie = r.header("Set-Cookie");
        QVERIFY2(setCookie.startsWith("better-auth.session_token=" + token.toLatin1() + "."), setCookie.constData());
        QVERIFY(setCookie.contains("; Max-Age=604800; Path=/; HttpOnly; SameSite=Lax"));

        // The session works, and get-session reports it.
        const HttpResponse session = c.get("/api/auth/get-session");
        QCOMPARE(session.status, 200);
        QCOMPARE(session.json().value(QStringLiteral("session")).toObject().value(QStringLiteral("token")).toString(), token);
        QCOMPARE(session.json().value(QStringLiteral("user")).toObject().value(QStringLiteral("id")), user.value(QStringLiteral("id")));
        // No profile yet: member routes answer 403 PROFILE_REQUIRED.
        const HttpResponse me = c.get("/api/me");
        QCOMPARE(me.status, 403);
        QCOMPARE(me.errorCode(), QStringLiteral("PROFILE_REQUIRED"));
        // Without the cookie: 401, and get-session is JSON null.
        QCOMPARE(s.client().get("/api/me").status, 401);
        QCOMPARE(s.client().get("/api/me").json().value(QStringLiteral("error")).toObject().value(QStringLiteral("message")).toString(),
                 QStringLiteral("Authentication required"));
        QCOMPARE(s.client().get("/api/auth/get-session").body, QByteArray("null"));
    }

    void signUpValidates_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("code");
        QTest::newRow("short password") << QByteArray(R"({"name":"A","email":"a@b.test","password":"short"})") << 400 << "PASSWORD_TOO_SHORT";
        QTest::newRow("long password") << (QByteArray(R"({"name":"A","email":"a@b.test","password":")") + QByteArray(129, 'x') + "\"}") << 400 << "PASSWORD_TOO_LONG";
        QTest::newRow("bad email") << QByteArray(R"({"name":"A","email":"nope","password":"long-enough-1"})") << 400 << "INVALID_EMAIL";
        QTest::newRow("missing name") << QByteArray(R"({"email":"a@b.test","password":"long-enough-1"})") << 400 << "VALIDATION_ERROR";
        QTest::newRow("wrong types") << QByteArray(R"({"name":1,"email":["a"],"password":true})") << 400 << "VALIDATION_ERROR";
        QTest::newRow("malformed json") << QByteArray(R"({"name":)") << 400 << "INVALID_JSON";
        QTest::newRow("array body") << QByteArray(R"([1,2])") << 400 << "INVALID_JSON";
        QTest::newRow("empty body") << QByteArray() << 400 << "INVALID_JSON";
    }
    void signUpValidates()
    {
        QFETCH(QByteArray, body);
        QFETCH(int, status);
        QFETCH(QString, code);
        TestServer s;
        const HttpResponse r = s.client().postRaw("/api/auth/sign-up/email", body);
        QCOMPARE(r.status, status);
        // Auth routes use Better Auth's flat error shape.
        QCOMPARE(r.json().value(QStringLiteral("code")).toString(), code);
        QVERIFY(!r.json().value(QStringLiteral("message")).toString().isEmpty());
        QVERIFY(r.header("Set-Cookie").isEmpty());
    }

    void duplicateEmailIsRefused()
    {
        TestServer s;
        QVERIFY(!s.signUp(QStringLiteral("dup@example.test")).id.isEmpty());
        const HttpResponse r = s.client().postJson("/api/auth/sign-up/email", creds(QStringLiteral("DUP@example.test"), QStringLiteral("other-password-1")));
        QCOMPARE(r.status, 422);
        QCOMPARE(r.errorCode(), QStringLiteral("USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL"));
    }

    void signInWithRightAndWrongPasswords()
    {
        TestServer s;
        QVERIFY(!s.signUp(QStringLiteral("bob@example.test"), QStringLiteral("bob-password-1")).id.isEmpty());
        HttpClient c = s.client();
        HttpResponse r = c.postJson("/api/auth/sign-in/email", {{QStringLiteral("email"), QStringLiteral("bob@example.test")},
                                                                {QStringLiteral("password"), QStringLiteral("wrong-password")}});
        QCOMPARE(r.status, 401);
        QCOMPARE(r.json().value(QStringLiteral("code")).toString(), QStringLiteral("INVALID_EMAIL_OR_PASSWORD"));
        QVERIFY(!r.json().contains(QStringLiteral("error")));
        r = c.postJson("/api/auth/sign-in/email", {{QStringLiteral("email"), QStringLiteral("nobody@example.test")},
                                                   {QStringLiteral("password"), QStringLiteral("whatever-1")}});
        QCOMPARE(r.status, 401);
        QCOMPARE(r.errorCode(), QStringLiteral("INVALID_EMAIL_OR_PASSWORD"));
        r = c.postJson("/api/auth/sign-in/email", {{QStringLiteral("email"), QStringLiteral("BOB@example.test")},
                                                   {QStringLiteral("password"), QStringLiteral("bob-password-1")}});
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json().value(QStringLiteral("redirect")).toBool(true), false);
        QCOMPARE(r.json().value(QStringLiteral("token")).toString().size(), 32);
        QVERIFY(c.cookies().contains("better-auth.session_token"));
        QCOMPARE(c.get("/api/auth/get-session").status, 200);
    }

    void repeatedFailuresAreRateLimited()
    {
        TestServer s;
        QVERIFY(!s.signUp(QStringLiteral("carol@example.test"), QStringLiteral("carol-password-1")).id.isEmpty());
        HttpClient c = s.client();
        const QJsonObject wrong{{QStringLiteral("email"), QStringLiteral("carol@example.test")}, {QStringLiteral("password"), QStringLiteral("nope-nope-nope")}};
        for (int i = 0; i < 10; ++i)
            QCOMPARE(c.postJson("/api/auth/sign-in/email", wrong).status, 401);
        HttpResponse r = c.postJson("/api/auth/sign-in/email", wrong);
        QCOMPARE(r.status, 429);
        QCOMPARE(r.errorCode(), QStringLiteral("RATE_LIMITED"));
        QVERIFY(r.header("Retry-After").toInt() > 0);
        // Even the right password waits until the window has passed.
        const QJsonObject right{{QStringLiteral("email"), QStringLiteral("carol@example.test")}, {QStringLiteral("password"), QStringLiteral("carol-password-1")}};
        QCOMPARE(c.postJson("/api/auth/sign-in/email", right).status, 429);
        s.clock().advanceMs(5 * 60 * 1000 + 1);
        QCOMPARE(c.postJson("/api/auth/sign-in/email", right).status, 200);
    }

    void sessionsExpireAndSlide()
    {
        TestServer s;
        TestUser u = s.onboard(QStringLiteral("dave@example.test"), QStringLiteral("dave"));
        QVERIFY(!u.id.isEmpty());
        HttpClient c = s.clientFor(u);
        QCOMPARE(c.get("/api/me").status, 200);
        // After 2 days of use the session is pushed 7 days ahead and the cookie re-sent.
        s.clock().advanceDays(2);
        HttpResponse r = c.get("/api/me");
        QCOMPARE(r.status, 200);
        QVERIFY(r.header("Set-Cookie").startsWith("better-auth.session_token="));
        // 6 more days: past the original 7-day expiry, but inside the extended one.
        s.clock().advanceDays(6);
        QCOMPARE(c.get("/api/me").status, 200);
        // Unused for 8 days: expired.
        s.clock().advanceDays(8);
        r = c.get("/api/me");
        QCOMPARE(r.status, 401);
        QCOMPARE(r.errorCode(), QStringLiteral("UNAUTHORIZED"));
    }

    void forgedOrTamperedCookiesAreRejected()
    {
        TestServer s;
        TestUser u = s.onboard(QStringLiteral("erin@example.test"), QStringLiteral("erin"));
        const QByteArray value = u.cookie.mid(u.cookie.indexOf('=') + 1);
        const QByteArray token = QByteArray::fromPercentEncoding(value).split('.').first();
        HttpClient c = s.client();
        // Token without signature, with a wrong signature, and garbage.
        for (const QByteArray &cookie : {QByteArray("better-auth.session_token=") + token,
                                         QByteArray("better-auth.session_token=") + token + ".AAAA",
                                         QByteArray("better-auth.session_token=%%%"), QByteArray("other=1")}) {
            const HttpResponse r = c.get("/api/me", {{"Cookie", cookie}});
            QCOMPARE(r.status, 401);
        }
    }

    void signOutEndsTheSession()
    {
        TestServer s;
        TestUser u = s.onboard(QStringLiteral("fay@example.test"), QStringLiteral("fay"));
        HttpClient c = s.clientFor(u);
        QCOMPARE(c.get("/api/me").status, 200);
        const HttpResponse r = c.postRaw("/api/auth/sign-out", QByteArray());
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json().value(QStringLiteral("success")).toBool(), true);
        QVERIFY(r.header("Set-Cookie").contains("Max-Age=0"));
        QCOMPARE(s.clientFor(u).get("/api/me").status, 401); // the old cookie is dead server-side too
    }

    void changePasswordVerifiesAndCanRevokeOthers()
    {
        TestServer s;
        TestUser u = s.onboard(QStringLiteral("gus@example.test"), QStringLiteral("gus"));
        // A second session (e.g. another browser).
        HttpClient other = s.client();
        QCOMPARE(other.postJson("/api/auth/sign-in/email", {{QStringLiteral("email"), u.email}, {QStringLiteral("password"), u.password}}).status, 200);
        QCOMPARE(other.get("/api/me").status, 200); // its credential is now resolved and cached
        HttpClient c = s.clientFor(u);
        HttpResponse r = c.postJson("/api/auth/change-password", {{QStringLiteral("currentPassword"), QStringLiteral("not-it-at-all")},
                                                                  {QStringLiteral("newPassword"), QStringLiteral("new-password-1")}});
        QCOMPARE(r.status, 400);
        QCOMPARE(r.errorCode(), QStringLiteral("INVALID_PASSWORD"));
        r = c.postJson("/api/auth/change-password", {{QStringLiteral("currentPassword"), u.password}, {QStringLiteral("newPassword"), QStringLiteral("short")}});
        QCOMPARE(r.status, 400);
        QCOMPARE(r.errorCode(), QStringLiteral("PASSWORD_TOO_SHORT"));
        r = c.postJson("/api/auth/change-password", {{QStringLiteral("currentPassword"), u.password},
                                                     {QStringLiteral("newPassword"), QStringLiteral("new-password-1")},
                                                     {QStringLiteral("revokeOtherSessions"), true}});
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json().value(QStringLiteral("user")).toObject().value(QStringLiteral("id")).toString(), u.id);
        QCOMPARE(c.get("/api/me").status, 200);     // this session survives
        QCOMPARE(other.get("/api/me").status, 401); // the other one was revoked
        HttpClient fresh = s.client();
        QCOMPARE(fresh.postJson("/api/auth/sign-in/email", {{QStringLiteral("email"), u.email}, {QStringLiteral("password"), u.password}}).status, 401);
        QCOMPARE(fresh.postJson("/api/auth/sign-in/email", {{QStringLiteral("email"), u.email}, {QStringLiteral("password"), QStringLiteral("new-password-1")}}).status, 200);
        // Unauthenticated change-password: 401.
        QCOMPARE(s.client().postJson("/api/auth/change-password", {{QStringLiteral("currentPassword"), QStringLiteral("a")}}).status, 401);
    }

    void apiKeysAuthenticateScripts()
    {
        TestServer s;
        TestUser u = s.onboard(QStringLiteral("hal@example.test"), QStringLiteral("hal"));
        HttpClient c = s.clientFor(u);
        HttpResponse r = c.postJson("/api/me/api-keys", {{QStringLiteral("name"), QStringLiteral("backup script")}, {QStringLiteral("expiresInDays"), 30}});
        QCOMPARE(r.status, 201);
        const QByteArray key = r.json().value(QStringLiteral("key")).toString().toLatin1();
        const QJsonObject info = r.json().value(QStringLiteral("apiKey")).toObject();
        QVERIFY(key.startsWith("kb_") && key.size() == 43);
        QCOMPARE(info.value(QStringLiteral("prefix")).toString(), QString::fromLatin1(key.left(11)));
        QVERIFY(info.value(QStringLiteral("expiresAt")).toDouble() > 0);

        // The key works on protected routes, by X-API-Key and by Bearer, with no cookie and no Origin.
        HttpClient script = s.client();
        r = script.get("/api/me", {{"X-API-Key", key}});
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json().value(QStringLiteral("id")).toString(), u.id);
        QCOMPARE(script.get("/api/me", {{"Authorization", "Bearer " + key}}).status, 200);
        QCOMPARE(script.patchJson("/api/me", {{QStringLiteral("language"), QStringLiteral("fr")}}, {{"X-API-Key", key}}).status, 200);

        // The list never shows the secret; it shows lastUsedAt now.
        r = c.get("/api/me/api-keys");
        QCOMPARE(r.status, 200);
        const QJsonArray keys = r.json().value(QStringLiteral("apiKeys")).toArray();
        QCOMPARE(keys.size(), 1);
        QVERIFY(!r.body.contains(key));
        QVERIFY(keys.first().toObject().value(QStringLiteral("lastUsedAt")).toDouble() > 0);
        // The database holds only a hash.
        auto q = s.platform().database().exec(QStringLiteral("SELECT key_hash FROM api_keys"));
        QVERIFY(q.value().next());
        QVERIFY(q.value().value(0).toString() != QString::fromLatin1(key));

        // Wrong key: 401 INVALID_API_KEY; an expired key stops working; a revoked key too.
        r = script.get("/api/me", {{"X-API-Key", "kb_nottherightkeyatall0000000000000000000000"}});
        QCOMPARE(r.status, 401);
        QCOMPARE(r.errorCode(), QStringLiteral("INVALID_API_KEY"));
        const QByteArray second = s.apiKey(u, QStringLiteral("second")); // no expiry
        s.clock().advanceDays(31);
        QCOMPARE(script.get("/api/me", {{"X-API-Key", key}}).status, 401);
        QCOMPARE(script.get("/api/me", {{"X-API-Key", second}}).status, 200);

        // A key can manage the user's keys (the cookie session has expired by now), including revoking itself.
        const Headers viaKey{{"X-API-Key", second}};
        r = script.get("/api/me/api-keys", viaKey);
        QCOMPARE(r.status, 200);
        QString secondId;
        for (const QJsonValue &v : r.json().value(QStringLiteral("apiKeys")).toArray())
            if (v.toObject().value(QStringLiteral("name")).toString() == QStringLiteral("second"))
                secondId = v.toObject().value(QStringLiteral("id")).toString();
        QVERIFY(!secondId.isEmpty());
        QCOMPARE(script.del("/api/me/api-keys/" + secondId.toLatin1(), viaKey).status, 200);
        QCOMPARE(script.get("/api/me", viaKey).status, 401);
    }

    void apiKeyValidation_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("code");
        QTest::newRow("no name") << QByteArray("{}") << "VALIDATION_ERROR";
        QTest::newRow("blank name") << QByteArray(R"({"name":"   "})") << "VALIDATION_ERROR";
        QTest::newRow("name not string") << QByteArray(R"({"name":5})") << "VALIDATION_ERROR";
        QTest::newRow("bad expiry") << QByteArray(R"({"name":"a","expiresInDays":0})") << "VALIDATION_ERROR";
        QTest::newRow("fractional expiry") << QByteArray(R"({"name":"a","expiresInDays":1.5})") << "VALIDATION_ERROR";
        QTest::newRow("malformed") << QByteArray(R"({"name")") << "INVALID_JSON";
    }
    void apiKeyValidation()
    {
        QFETCH(QByteArray, body);
        QFETCH(QString, code);
        TestServer s;
        TestUser u = s.onboard(QStringLiteral("jo@example.test"), QStringLiteral("jo"));
        const HttpResponse r = s.clientFor(u).postRaw("/api/me/api-keys", body);
        QCOMPARE(r.status, 400);
        QCOMPARE(r.errorCode(), code);
    }
};

QTEST_GUILESS_MAIN(TstApiAuth)
#include "tst_api_auth.moc"
