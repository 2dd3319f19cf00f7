// Onboarding, invitations, roles, /api/me, avatars and uploads, users — over real HTTP.
#include "TestServer.h"

#include <QtTest>

using namespace kinbot::test;

static QJsonObject profile(const QString &pseudo)
{
    return {{QStringLiteral("firstName"), QStringLiteral("Ada")}, {QStringLiteral("lastName"), QStringLiteral("Admin")},
            {QStringLiteral("pseudonym"), pseudo}, {QStringLiteral("language"), QStringLiteral("en")}};
}

class TstApiAccounts final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void firstUserBecomesAdmin()
    {
        TestServer s;
        HttpResponse st = s.client().get("/api/onboarding/status");
        QCOMPARE(st.status, 200);
        QCOMPARE(st.body, QByteArray(R"({"completed":false,"hasAdmin":false,"hasEmbedding":false,"hasLlm":false})"));
        TestUser u = s.signUp(QStringLiteral("ada@example.test"));
        HttpClient c = s.clientFor(u);
        HttpResponse r = c.postJson("/api/onboarding/profile", profile(QStringLiteral("ada")));
        QCOMPARE(r.status, 201);
        QCOMPARE(r.json().value(QStringLiteral("role")).toString(), QStringLiteral("admin"));
        QCOMPARE(r.json().value(QStringLiteral("userId")).toString(), u.id);
        QCOMPARE(c.postJson("/api/onboarding/profile", profile(QStringLiteral("ada"))).errorCode(), QStringLiteral("PROFILE_EXISTS"));
        QCOMPARE(s.client().get("/api/onboarding/status").json().value(QStringLiteral("hasAdmin")).toBool(), true);
        r = c.get("/api/me");
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json().value(QStringLiteral("role")).toString(), QStringLiteral("admin"));
        QVERIFY(r.json().value(QStringLiteral("kinOrder")).isNull());
        QVERIFY(r.json().value(QStringLiteral("createdAt")).isDouble());
        // The user's name follows the profile.
        QCOMPARE(c.get("/api/auth/get-session").json().value(QStringLiteral("user")).toObject().value(QStringLiteral("name")).toString(),
                 QStringLiteral("Ada Admin"));
        // Unauthenticated profile creation: 401.
        QCOMPARE(s.client().postJson("/api/onboarding/profile", profile(QStringLiteral("x1"))).status, 401);
    }

    void profileValidation_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("code");
        QTest::newRow("short pseudonym") << QByteArray(R"({"firstName":"A","lastName":"B","pseudonym":"a"})") << "VALIDATION_ERROR";
        QTest::newRow("bad chars") << QByteArray(R"({"firstName":"A","lastName":"B","pseudonym":"a b!"})") << "VALIDATION_ERROR";
        QTest::newRow("missing names") << QByteArray(R"({"pseudonym":"abc"})") << "VALIDATION_ERROR";
        QTest::newRow("language") << QByteArray(R"({"firstName":"A","lastName":"B","pseudonym":"abc","language":"xx"})") << "VALIDATION_ERROR";
        QTest::newRow("types") << QByteArray(R"({"firstName":1,"lastName":"B","pseudonym":"abc"})") << "VALIDATION_ERROR";
        QTest::newRow("malformed") << QByteArray(R"({"firstName")") << "INVALID_JSON";
    }
    void profileValidation()
    {
        QFETCH(QByteArray, body);
        QFETCH(QString, code);
        TestServer s;
        TestUser u = s.signUp(QStringLiteral("v@example.test"));
        const HttpResponse r = s.clientFor(u).postRaw("/api/onboarding/profile", body);
        QCOMPARE(r.status, 400);
        QCOMPARE(r.errorCode(), code);
        QCOMPARE(s.clientFor(u).get("/api/me").status, 403); // nothing was stored
    }

    void laterUsersNeedAnInvitation()
    {
        TestServer s;
        TestUser admin = s.onboard(QStringLiteral("admin@example.test"), QStringLiteral("admin"));
        HttpClient a = s.clientFor(admin);
        TestUser bob = s.signUp(QStringLiteral("bob@example.test"));
        HttpClient b = s.clientFor(bob);
        QCOMPARE(b.postJson("/api/onboarding/profile", profile(QStringLiteral("bob"))).errorCode(), QStringLiteral("INVITATION_REQUIRED"));
        QJsonObject withBad = profile(QStringLiteral("bob"));
        withBad.insert(QStringLiteral("invitationToken"), QStringLiteral("nope"));
        HttpResponse r = b.postJson("/api/onboarding/profile", withBad);
        QCOMPARE(r.status, 400);
        QCOMPARE(r.errorCode(), QStringLiteral("INVALID_INVITATION"));

        r = a.postJson("/api/invitations", {{QStringLiteral("label"), QStringLiteral("bob")}});
        QCOMPARE(r.status, 201);
        const QJsonObject inv = r.json().value(QStringLiteral("invitation")).toObject();
        const QString token = inv.value(QStringLiteral("token")).toString();
        QCOMPARE(token.size(), 64);
        QVERIFY(inv.value(QStringLiteral("url")).toString().endsWith(QStringLiteral("/invite/") + token));
        const qint64 expires = qint64(inv.value(QStringLiteral("expiresAt")).toDouble());
        QCOMPARE(expires, s.clock().nowMs() + 7LL * 24 * 3600 * 1000);

        r = s.client().get("/api/invitations/" + token.toLatin1() + "/validate");
        QCOMPARE(r.body, QByteArray(R"({"label":"bob","valid":true})"));
        QJsonObject withGood = profile(QStringLiteral("bob"));
        withGood.insert(QStringLiteral("invitationToken"), token);
        r = b.postJson("/api/onboarding/profile", withGood);
        QCOMPARE(r.status, 201);
        QCOMPARE(r.json().value(QStringLiteral("role")).toString(), QStringLiteral("member"));
        r = s.client().get("/api/invitations/" + token.toLatin1() + "/validate");
        QCOMPARE(r.json().value(QStringLiteral("reason")).toString(), QStringLiteral("ALREADY_USED"));
        // A used invitation cannot be consumed twice nor deleted.
        TestUser carl = s.signUp(QStringLiteral("carl@example.test"));
        QCOMPARE(s.clientFor(carl).postJson("/api/onboarding/profile", withGood).errorCode(), QStringLiteral("INVALID_INVITATION"));
        const QString id = inv.value(QStringLiteral("id")).toString();
        QCOMPARE(a.del("/api/invitations/" + id.toLatin1()).errorCode(), QStringLiteral("ALREADY_USED"));
        QCOMPARE(a.del("/api/invitations/00000000-0000-4000-8000-000000000000").status, 404);

        // List: token shortened, used fields filled.
        r = a.get("/api/invitations");
        QCOMPARE(r.status, 200);
        const QJsonObject listed = r.json().value(QStringLiteral("invitations")).toArray().first().toObject();
        QCOMPARE(listed.value(QStringLiteral("token")).toString(), token.left(8) + QStringLiteral("..."));
        QCOMPARE(listed.value(QStringLiteral("usedBy")).toString(), bob.id);
        QVERIFY(listed.value(QStringLiteral("url")).isNull());

        // Expired invitations are refused.
        r = a.postJson("/api/invitations", {{QStringLiteral("expiresInDays"), 1}});
        const QString t2 = r.json().value(QStringLiteral("invitation")).toObject().value(QStringLiteral("token")).toString();
        s.clock().advanceDays(2);
        QCOMPARE(s.client().get("/api/invitations/" + t2.toLatin1() + "/validate").json().value(QStringLiteral("reason")).toString(),
                 QStringLiteral("EXPIRED"));
        QCOMPARE(s.client().get("/api/invitations/unknown/validate").json().value(QStringLiteral("reason")).toString(), QStringLiteral("NOT_FOUND"));
        QCOMPARE(a.postJson("/api/invitations", {{QStringLiteral("expiresInDays"), 0}}).errorCode(), QStringLiteral("VALIDATION_ERROR"));
        QCOMPARE(a.postJson("/api/invitations", {{QStringLiteral("role"), QStringLiteral("root")}}).errorCode(), QStringLiteral("VALIDATION_ERROR"));
    }

    void rolesAreEnforced()
    {
        TestServer s;
        TestUser admin = s.onboard(QStringLiteral("admin@example.test"), QStringLiteral("admin"));
        HttpClient a = s.clientFor(admin);
        const QString token = a.postJson("/api/invitations", {}).json().value(QStringLiteral("invitation")).toObject().value(QStringLiteral("token")).toString();
        TestUser member = s.onboard(QStringLiteral("m@example.test"), QStringLiteral("member"), token);
        QVERIFY(!member.id.isEmpty());
        HttpClient m = s.clientFor(member);
        for (const QByteArray &path : {QByteArray("/api/settings/global-prompt"), QByteArray("/api/invitations"), QByteArray("/api/logs")}) {
            const HttpResponse r = m.get(path);
            QCOMPARE(r.status, 403);
            QCOMPARE(r.errorCode(), QStringLiteral("FORBIDDEN"));
        }
        QCOMPARE(m.del("/api/users/" + admin.id.toLatin1()).status, 403);
        QCOMPARE(m.postJson("/api/invitations", {}).status, 403);
        QCOMPARE(m.get("/api/users").status, 200);
        const QByteArray memberKey = s.apiKey(member, QStringLiteral("script"));
        QCOMPARE(s.client().get("/api/me", {{"X-API-Key", memberKey}}).status, 200); // resolved and cached

        // Admin deletes the member: sessions and keys go with it, cached credentials included.
        QCOMPARE(a.del("/api/users/" + admin.id.toLatin1()).errorCode(), QStringLiteral("CANNOT_DELETE_SELF"));
        QCOMPARE(a.del("/api/users/nobody").status, 404);
        QCOMPARE(a.del("/api/users/" + member.id.toLatin1()).status, 200);
        QCOMPARE(m.get("/api/me").status, 401);
        QCOMPARE(s.client().get("/api/me", {{"X-API-Key", memberKey}}).status, 401);
        const QJsonArray users = a.get("/api/users").json().value(QStringLiteral("users")).toArray();
        QCOMPARE(users.size(), 1);
        QCOMPARE(users.first().toObject().value(QStringLiteral("id")).toString(), admin.id);
    }

    void patchMeValidatesAndStores()
    {
        TestServer s;
        TestUser u = s.onboard(QStringLiteral("p@example.test"), QStringLiteral("pat"));
        HttpClient c = s.clientFor(u);
        HttpResponse r = c.patchJson("/api/me", {{QStringLiteral("firstName"), QStringLiteral("  Patricia ")},
                                                 {QStringLiteral("language"), QStringLiteral("fr")},
                                                 {QStringLiteral("kinOrder"), QJsonArray{QStringLiteral("k1"), QStringLiteral("k2")}}});
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json().value(QStringLiteral("firstName")).toString(), QStringLiteral("Patricia"));
        QCOMPARE(r.json().value(QStringLiteral("language")).toString(), QStringLiteral("fr"));
        QCOMPARE(r.json().value(QStringLiteral("kinOrder")).toString(), QStringLiteral(R"(["k1","k2"])"));
        QCOMPARE(c.patchJson("/api/me", {{QStringLiteral("language"), QStringLiteral("xx")}}).errorCode(), QStringLiteral("VALIDATION_ERROR"));
        QCOMPARE(c.patchJson("/api/me", {{QStringLiteral("kinOrder"), QStringLiteral("k1")}}).errorCode(), QStringLiteral("VALIDATION_ERROR"));
        QCOMPARE(c.patchJson("/api/me", {{QStringLiteral("pseudonym"), QStringLiteral("x")}}).errorCode(), QStringLiteral("VALIDATION_ERROR"));
        // Nothing partial was stored by the failures.
        QCOMPARE(c.get("/api/me").json().value(QStringLiteral("language")).toString(), QStringLiteral("fr"));
        QCOMPARE(c.get("/api/users/mentionables").json().value(QStringLiteral("users")).toArray().first().toObject()
                     .value(QStringLiteral("pseudonym")).toString(), QStringLiteral("pat"));
    }

    void avatarUploadAndServing()
    {
        TestServer s;
        TestUser u = s.onboard(QStringLiteral("q@example.test"), QStringLiteral("quinn"));
        HttpClient c = s.clientFor(u);
        const QByteArray png = QByteArray("\x89PNG\r\n\x1a\n", 8) + QByteArray(100, 'p');
        auto multipart = [](const QByteArray &data, const QByteArray &field = "file") {
            return "--BOUND\r\nContent-Disposition: form-data; name=\"" + field + "\"; filename=\"me.png\"\r\nContent-Type: image/png\r\n\r\n" + data
                   + "\r\n--BOUND--\r\n";
        };
        const QByteArray ct = "multipart/form-data; boundary=BOUND";
        HttpResponse r = c.postRaw("/api/me/avatar", multipart(png), ct);
        QCOMPARE(r.status, 200);
        const QString url = r.json().value(QStringLiteral("avatarUrl")).toString();
        QVERIFY(url.startsWith(QStringLiteral("/api/uploads/avatars/") + u.id + QStringLiteral(".png?v=")));
        QCOMPARE(c.get("/api/me").json().value(QStringLiteral("avatarUrl")).toString(), url);
        r = c.get(url.toLatin1());
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body, png);
        QCOMPARE(r.header("Content-Type"), QByteArray("image/png"));
        QCOMPARE(s.client().get(url.toLatin1()).status, 401); // uploads need a session

        QCOMPARE(c.postRaw("/api/me/avatar", multipart("just text"), ct).errorCode(), QStringLiteral("INVALID_FILE_TYPE"));
        QCOMPARE(c.postRaw("/api/me/avatar", multipart(png, "other"), ct).errorCode(), QStringLiteral("INVALID_FILE"));
        QCOMPARE(c.postRaw("/api/me/avatar", multipart(png + QByteArray(2 * 1024 * 1024, 'x')), ct).errorCode(), QStringLiteral("FILE_TOO_LARGE"));
        QCOMPARE(c.postRaw("/api/me/avatar", "--BOUND\r\nbroken", ct).errorCode(), QStringLiteral("INVALID_MULTIPART"));
        QCOMPARE(c.postRaw("/api/me/avatar", multipart(png), "application/json").errorCode(), QStringLiteral("INVALID_MULTIPART"));
    }

    void uploadsCannotEscapeTheirFolder()
    {
        TestServer s;
        TestUser u = s.onboard(QStringLiteral("t@example.test"), QStringLiteral("trav"));
        HttpClient c = s.clientFor(u);
        for (const QByteArray &path : {QByteArray("/api/uploads/../kinbot.db"), QByteArray("/api/uploads/..%2Fkinbot.db"),
                                       QByteArray("/api/uploads/%2e%2e/.encryption-key"), QByteArray("/api/uploads/avatars/..%2F..%2F.encryption-key")}) {
            const HttpResponse r = c.get(path);
            QVERIFY2(r.status == 400 || r.status == 404, path.constData());
            QVERIFY(!r.body.contains("SQLite"));
        }
        QCOMPARE(c.get("/api/uploads/avatars/missing.png").status, 404);
        QCOMPARE(c.del("/api/users/..%2F..%2Fetc%2Fpasswd").errorCode(), QStringLiteral("INVALID_PATH"));
        QCOMPARE(c.del("/api/me/api-keys/%2e%2e").errorCode(), QStringLiteral("INVALID_PATH"));
    }
};

QTEST_GUILESS_MAIN(TstApiAccounts)
#include "tst_api_accounts.moc"
