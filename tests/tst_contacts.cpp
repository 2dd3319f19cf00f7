// /api/contacts and the contact tools: the user's own contact made at onboarding and unlinked when the user goes,
// contact CRUD with contact:* events, identifiers, platform ids, notes (one per Kin and scope), every route's failure
// paths and 401, and the tools with their note privacy (a Kin never reads another Kin's private notes).
#include "ApiAssertions.h"
#include "KinFixture.h"

#include "contacts/ContactService.h"
#include "storage/Database.h"

using namespace kinbot;
using namespace kinbot::test;

namespace {

QJsonObject contactOf(const HttpResponse &r)
{
    return r.json().value(QStringLiteral("contact")).toObject();
}

QByteArray path(const QString &contactId, const char *tail = "")
{
    return "/api/contacts/" + contactId.toUtf8() + tail;
}

QJsonArray idents(std::initializer_list<std::pair<const char *, const char *>> pairs)
{
    QJsonArray out;
    for (auto [l, v] : pairs)
        out.append(QJsonObject{{"label", l}, {"value", v}});
    return out;
}

QString createContact(HttpClient &api, const QString &name, const QJsonArray &identifiers = {})
{
    const HttpResponse r = api.postJson("/api/contacts", {{"name", name}, {"type", "human"}, {"identifiers", identifiers}});
    if (r.status != 201)
        qWarning() << "contact create:" << r.status << r.body;
    return contactOf(r).value("id").toString();
}

QStringList noteContents(const QJsonObject &toolContact)
{
    QStringList out;
    for (const QJsonValue &n : toolContact.value("notes").toArray())
        out << n.toObject().value("content").toString();
    out.sort();
    return out;
}

} // namespace

class TstContacts final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void onboardingCreatesTheUsersContact()
    {
        KinFixture f;
        HttpResponse r = f.api->get("/api/contacts");
        QCOMPARE(r.status, 200);
        QJsonArray all = r.json().value("contacts").toArray();
        QCOMPARE(all.size(), 1);
        const QJsonObject mine = all.at(0).toObject();
        QCOMPARE(mine.value("name").toString(), QStringLiteral("ada Tester"));
        QCOMPARE(mine.value("type").toString(), QStringLiteral("human"));
        QCOMPARE(mine.value("linkedUserId").toString(), f.admin.id);
        QCOMPARE(mine.value("linkedUserName").toString(), QStringLiteral("ada Tester"));
        QVERIFY(mine.value("linkedKinId").isNull());
        const QJsonArray ids = mine.value("identifiers").toArray();
        QCOMPARE(ids.size(), 1);
        QCOMPARE(ids.at(0).toObject().value("label").toString(), QStringLiteral("email"));
        QCOMPARE(ids.at(0).toObject().value("value").toString(), QStringLiteral("ada@example.test"));
        QVERIFY(mine.value("createdAt").isString()); // ISO on this route
        QVERIFY(QDateTime::fromString(mine.value("createdAt").toString(), Qt::ISODateWithMs).isValid());

        // An invited member gets one too; members may use the routes.
        const TestUser bob = f.addMember(QStringLiteral("bob"));
        HttpClient bobApi = f.server.clientFor(bob);
        all = bobApi.get("/api/contacts").json().value("contacts").toArray();
        QCOMPARE(all.size(), 2);
        QString bobContact;
        for (const QJsonValue &c : all)
            if (c.toObject().value("linkedUserId").toString() == bob.id)
                bobContact = c.toObject().value("id").toString();
        QVERIFY(!bobContact.isEmpty());

        // The longest profile names (100 + 1 + 100) still give a contact, its name cut to 200.
        const HttpResponse inv = f.api->postJson("/api/invitations", {{"label", "long"}});
        const QString token = inv.json().value("invitation").toObject().value("token").toString();
        const TestUser longUser = f.server.signUp(QStringLiteral("long@example.test"));
        HttpClient longApi = f.server.clientFor(longUser);
        HttpResponse prof = longApi.postJson("/api/onboarding/profile", {{"firstName", QString(100, QLatin1Char('f'))},
                                                                         {"lastName", QString(100, QLatin1Char('l'))},
                                                                         {"pseudonym", "longname"},
                                                                         {"invitationToken", token}});
        QCOMPARE(prof.status, 201);
        bool longFound = false;
        for (const QJsonValue &c : f.api->get("/api/contacts").json().value("contacts").toArray())
            if (c.toObject().value("linkedUserId").toString() == longUser.id) {
                longFound = true;
                QCOMPARE(c.toObject().value("name").toString(), QString(100, QLatin1Char('f')) + QLatin1Char(' ') + QString(99, QLatin1Char('l')));
            }
        QVERIFY(longFound);

        // Deleting the user keeps the contact, unlinked.
        QCOMPARE(f.api->del("/api/users/" + bob.id.toLatin1()).status, 200);
        r = f.api->get(path(bobContact));
        QCOMPARE(r.status, 200);
        QVERIFY(contactOf(r).value("linkedUserId").isNull());
        QVERIFY(contactOf(r).value("linkedUserName").isNull());
        QCOMPARE(contactOf(r).value("name").toString(), QStringLiteral("bob Tester"));

        // Startup backfill: a profiled user without a contact gets one again.
        const QString adaContact = mine.value("id").toString();
        QCOMPARE(f.api->del(path(adaContact)).status, 200);
        auto made = f.server.platform().contacts().backfillUserContacts();
        QVERIFY(made.ok());
        QCOMPARE(made.value(), 1);
        bool relinked = false;
        for (const QJsonValue &c : f.api->get("/api/contacts").json().value("contacts").toArray())
            relinked = relinked || c.toObject().value("linkedUserId").toString() == f.admin.id;
        QVERIFY(relinked);
        QCOMPARE(f.server.platform().contacts().backfillUserContacts().value(), 0);
    }

    void crudWithEvents()
    {
        KinFixture f;
        auto sse = f.openSse();
        HttpResponse r = f.api->postJson("/api/contacts", {{"name", "  Grace Hopper  "}, {"type", "human"},
                                                           {"identifiers", idents({{"email", "grace@navy.test"}, {"phone", "+1 555"}})}});
        QCOMPARE(r.status, 201);
        QJsonObject c = contactOf(r);
        const QString id = c.value("id").toString();
        QVERIFY(!id.isEmpty());
        QCOMPARE(c.value("name").toString(), QStringLiteral("Grace Hopper")); // trimmed
        QCOMPARE(c.value("type").toString(), QStringLiteral("human"));
        QCOMPARE(c.value("identifiers").toArray().size(), 2);
        QCOMPARE(c.value("identifiers").toArray().at(1).toObject().value("value").toString(), QStringLiteral("+1 555"));
        QCOMPARE(c.value("platformIds").toArray().size(), 0);
        QCOMPARE(c.value("notes").toArray().size(), 0);
        auto created = sse->waitFor([&](const SseFrame &fr) { return isEvent(fr, "contact:created"); });
        QVERIFY(created.has_value());
        QCOMPARE(created->data.value("contactId").toString(), id);
        QCOMPARE(created->data.value("name").toString(), QStringLiteral("Grace Hopper"));
        QCOMPARE(created->data.value("contactType").toString(), QStringLiteral("human"));

        r = f.api->get(path(id));
        QCOMPARE(r.status, 200);
        QCOMPARE(contactOf(r).value("name").toString(), QStringLiteral("Grace Hopper"));

        f.server.clock().advanceMs(5000);
        r = f.api->patchJson(path(id), {{"name", "Rear Admiral Hopper"}, {"type", "kin"}});
        QCOMPARE(r.status, 200);
        QCOMPARE(contactOf(r).value("name").toString(), QStringLiteral("Rear Admiral Hopper"));
        QCOMPARE(contactOf(r).value("type").toString(), QStringLiteral("kin"));
        QVERIFY(contactOf(r).value("updatedAt").toString() > contactOf(r).value("createdAt").toString());
        auto updated = sse->waitFor([&](const SseFrame &fr) { return isEvent(fr, "contact:updated"); });
        QVERIFY(updated.has_value());
        QCOMPARE(updated->data.value("contactId").toString(), id);
        QCOMPARE(updated->data.value("contactType").toString(), QStringLiteral("kin"));

        // Linking a Kin, then clearing the link with null.
        const QString provider = f.addProvider();
        const QString kinId = f.addKin(QStringLiteral("Linked"), provider).value("id").toString();
        r = f.api->patchJson(path(id), {{"linkedKinId", kinId}});
        QCOMPARE(r.status, 200);
        QCOMPARE(contactOf(r).value("linkedKinId").toString(), kinId);
        r = f.api->patchJson(path(id), {{"linkedKinId", QJsonValue::Null}});
        QCOMPARE(r.status, 200);
        QVERIFY(contactOf(r).value("linkedKinId").isNull());

        // List is by name; both the admin's own contact and this one.
        QCOMPARE(f.api->get("/api/contacts").json().value("contacts").toArray().size(), 2);

        r = f.api->del(path(id));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json().value("success").toBool(), true);
        auto deleted = sse->waitFor([&](const SseFrame &fr) { return isEvent(fr, "contact:deleted"); });
        QVERIFY(deleted.has_value());
        QCOMPARE(deleted->data.value("contactId").toString(), id);
        QCOMPARE(f.api->get(path(id)).errorCode(), QStringLiteral("CONTACT_NOT_FOUND"));
        QCOMPARE(f.server.platform().database().selectOne(QStringLiteral("SELECT count(*) FROM contact_identifiers WHERE contact_id = ?"), {id})
                     .value()->value(0).toInt(),
                 0);
    }

    void contactFailurePaths()
    {
        KinFixture f;
        auto bad = [&](const QJsonObject &body) { return f.api->postJson("/api/contacts", body); };
        for (const QJsonObject &body : {QJsonObject{{"type", "human"}}, QJsonObject{{"name", "   "}, {"type", "human"}},
                                        QJsonObject{{"name", QString(201, QLatin1Char('x'))}, {"type", "human"}},
                                        QJsonObject{{"name", "A"}, {"type", "robot"}}, QJsonObject{{"name", "A"}},
                                        QJsonObject{{"name", 7}, {"type", "human"}},
                                        QJsonObject{{"name", "A"}, {"type", "human"}, {"identifiers", "email"}},
                                        QJsonObject{{"name", "A"}, {"type", "human"}, {"identifiers", idents({{"", "x"}})}},
                                        QJsonObject{{"name", "A"}, {"type", "human"}, {"identifiers", idents({{"email", "  "}})}},
                                        QJsonObject{{"name", "A"}, {"type", "human"},
                                                    {"identifiers", QJsonArray{QJsonObject{{"label", "email"}, {"value", QString(501, QLatin1Char('v'))}}}}},
                                        QJsonObject{{"name", "A"}, {"type", "human"}, {"identifiers", QJsonArray{42}}},
                                        QJsonObject{{"name", "A"}, {"type", "human"}, {"linkedUserId", "no-such-user"}},
                                        QJsonObject{{"name", "A"}, {"type", "human"}, {"linkedKinId", "no-such-kin"}},
                                        QJsonObject{{"name", "A"}, {"type", "human"}, {"linkedKinId", 3}}}) {
            const HttpResponse r = bad(body);
            QVERIFY2(r.status == 400, r.body.constData());
            QCOMPARE(r.errorCode(), QStringLiteral("INVALID_INPUT"));
            QVERIFY(!r.json().value("error").toObject().value("message").toString().isEmpty());
        }
        // Nothing was stored by the failures (only the admin's own contact).
        QCOMPARE(f.api->get("/api/contacts").json().value("contacts").toArray().size(), 1);

        // Malformed JSON: a 400, never a crash.
        HttpResponse r = f.api->postRaw("/api/contacts", "{\"name\": ");
        QCOMPARE(r.status, 400);
        QVERIFY(!r.errorCode().isEmpty());

        // The admin's user already has its contact.
        r = bad({{"name", "Ada again"}, {"type", "human"}, {"linkedUserId", f.admin.id}});
        QCOMPARE(r.status, 409);
        QCOMPARE(r.errorCode(), QStringLiteral("USER_ALREADY_LINKED"));
        const QString other = createContact(*f.api, QStringLiteral("Other"));
        r = f.api->patchJson(path(other), {{"linkedUserId", f.admin.id}});
        QCOMPARE(r.status, 409);
        QCOMPARE(r.errorCode(), QStringLiteral("USER_ALREADY_LINKED"));

        // PATCH validation.
        for (const QJsonObject &body : {QJsonObject{{"name", ""}}, QJsonObject{{"type", "alien"}}, QJsonObject{{"name", 1}},
                                        QJsonObject{{"linkedUserId", 42}}, QJsonObject{{"linkedUserId", "ghost"}}}) {
            r = f.api->patchJson(path(other), body);
            QCOMPARE(r.status, 400);
            QCOMPARE(r.errorCode(), QStringLiteral("INVALID_INPUT"));
        }
        QCOMPARE(contactOf(f.api->get(path(other))).value("name").toString(), QStringLiteral("Other"));

        // Unknown contact on every contact route.
        const QByteArray ghost = path(QStringLiteral("00000000-0000-4000-8000-000000000000"));
        QCOMPARE(f.api->get(ghost).status, 404);
        QCOMPARE(f.api->get(ghost).errorCode(), QStringLiteral("CONTACT_NOT_FOUND"));
        QCOMPARE(f.api->patchJson(ghost, {{"name", "X"}}).errorCode(), QStringLiteral("CONTACT_NOT_FOUND"));
        QCOMPARE(f.api->del(ghost).errorCode(), QStringLiteral("CONTACT_NOT_FOUND"));
        QCOMPARE(f.api->putJson(ghost + "/identifiers", {{"identifiers", QJsonArray()}}).errorCode(), QStringLiteral("CONTACT_NOT_FOUND"));
        QCOMPARE(f.api->postJson(ghost + "/identifiers", {{"label", "a"}, {"value", "b"}}).errorCode(), QStringLiteral("CONTACT_NOT_FOUND"));
        QCOMPARE(f.api->patchJson(ghost + "/identifiers/x", {{"label", "a"}}).errorCode(), QStringLiteral("CONTACT_NOT_FOUND"));
        QCOMPARE(f.api->del(ghost + "/identifiers/x").errorCode(), QStringLiteral("CONTACT_NOT_FOUND"));
        QCOMPARE(f.api->get(ghost + "/platform-ids").errorCode(), QStringLiteral("CONTACT_NOT_FOUND"));
        QCOMPARE(f.api->postJson(ghost + "/platform-ids", {{"platform", "telegram"}, {"platformId", "1"}}).errorCode(),
                 QStringLiteral("CONTACT_NOT_FOUND"));
        QCOMPARE(f.api->del(ghost + "/platform-ids/x").errorCode(), QStringLiteral("CONTACT_NOT_FOUND"));
        QCOMPARE(f.api->patchJson(ghost + "/notes/x", {{"content", "c"}}).errorCode(), QStringLiteral("CONTACT_NOT_FOUND"));
        QCOMPARE(f.api->del(ghost + "/notes/x").errorCode(), QStringLiteral("CONTACT_NOT_FOUND"));
    }

    void unauthenticatedIs401()
    {
        KinFixture f;
        const QString id = createContact(*f.api, QStringLiteral("Someone"));
        HttpClient anon = f.server.client();
        const QJsonObject b{{"name", "X"}, {"type", "human"}};
        QList<HttpResponse> answers{anon.get("/api/contacts"),
                                    anon.postJson("/api/contacts", b),
                                    anon.get(path(id)),
                                    anon.patchJson(path(id), b),
                                    anon.del(path(id)),
                                    anon.putJson(path(id, "/identifiers"), {{"identifiers", QJsonArray()}}),
                                    anon.postJson(path(id, "/identifiers"), {{"label", "a"}, {"value", "b"}}),
                                    anon.patchJson(path(id, "/identifiers/x"), {{"label", "a"}}),
                                    anon.del(path(id, "/identifiers/x")),
                                    anon.get(path(id, "/platform-ids")),
                                    anon.postJson(path(id, "/platform-ids"), {{"platform", "p"}, {"platformId", "1"}}),
                                    anon.del(path(id, "/platform-ids/x")),
                                    anon.postJson(path(id, "/notes"), {{"kinId", "k"}, {"scope", "global"}, {"content", "c"}}),
                                    anon.patchJson(path(id, "/notes/x"), {{"content", "c"}}),
                                    anon.del(path(id, "/notes/x"))};
        for (const HttpResponse &r : answers) {
            QCOMPARE(r.status, 401);
            QCOMPARE(r.errorCode(), QStringLiteral("UNAUTHORIZED"));
        }
        QCOMPARE(f.api->get(path(id)).status, 200); // untouched
    }

    void identifiers()
    {
        KinFixture f;
        const QString id = createContact(*f.api, QStringLiteral("Linus"), idents({{"email", "linus@old.test"}}));
        const QString other = createContact(*f.api, QStringLiteral("Other"), idents({{"email", "other@x.test"}}));
        auto sse = f.openSse();

        HttpResponse r = f.api->postJson(path(id, "/identifiers"), {{"label", " phone "}, {"value", " +358 1 "}});
        QCOMPARE(r.status, 201);
        QJsonObject ident = r.json().value("identifier").toObject();
        const QString identId = ident.value("id").toString();
        QCOMPARE(ident.value("label").toString(), QStringLiteral("phone"));
        QCOMPARE(ident.value("value").toString(), QStringLiteral("+358 1"));
        QVERIFY(sse->waitFor([&](const SseFrame &fr) { return isEvent(fr, "contact:updated") && fr.data.value("contactId").toString() == id; }));
        QCOMPARE(contactOf(f.api->get(path(id))).value("identifiers").toArray().size(), 2);

        r = f.api->patchJson(path(id, "/identifiers/") + identId.toUtf8(), {{"value", "+358 2"}});
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json().value("identifier").toObject().value("value").toString(), QStringLiteral("+358 2"));
        QCOMPARE(r.json().value("identifier").toObject().value("label").toString(), QStringLiteral("phone"));

        // Failure paths.
        QCOMPARE(f.api->postJson(path(id, "/identifiers"), {{"label", "email"}}).status, 400);
        QCOMPARE(f.api->postJson(path(id, "/identifiers"), {{"label", QString(101, QLatin1Char('l'))}, {"value", "v"}}).errorCode(),
                 QStringLiteral("INVALID_INPUT"));
        QCOMPARE(f.api->patchJson(path(id, "/identifiers/") + identId.toUtf8(), {{"value", "  "}}).status, 400);
        QCOMPARE(f.api->patchJson(path(id, "/identifiers/") + identId.toUtf8(), {{"label", 5}}).status, 400);
        r = f.api->patchJson(path(id, "/identifiers/nope"), {{"value", "x"}});
        QCOMPARE(r.status, 404);
        QCOMPARE(r.errorCode(), QStringLiteral("IDENTIFIER_NOT_FOUND"));
        // Another contact's identifier is not reachable through this contact.
        const QString otherIdent = contactOf(f.api->get(path(other))).value("identifiers").toArray().at(0).toObject().value("id").toString();
        QCOMPARE(f.api->patchJson(path(id, "/identifiers/") + otherIdent.toUtf8(), {{"value", "x"}}).errorCode(), QStringLiteral("IDENTIFIER_NOT_FOUND"));
        QCOMPARE(f.api->del(path(id, "/identifiers/") + otherIdent.toUtf8()).errorCode(), QStringLiteral("IDENTIFIER_NOT_FOUND"));

        // PUT replaces all atomically; a bad item changes nothing.
        r = f.api->putJson(path(id, "/identifiers"), {{"identifiers", idents({{"email", "linus@new.test"}, {"bad", ""}})}});
        QCOMPARE(r.status, 400);
        QCOMPARE(contactOf(f.api->get(path(id))).value("identifiers").toArray().size(), 2);
        QCOMPARE(f.api->putJson(path(id, "/identifiers"), {{"identifiers", "x"}}).status, 400);
        QCOMPARE(f.api->putJson(path(id, "/identifiers"), {}).status, 400);
        r = f.api->putJson(path(id, "/identifiers"), {{"identifiers", idents({{"email", "linus@new.test"}, {"git", "torvalds"}})}});
        QCOMPARE(r.status, 200);
        QJsonArray list = r.json().value("identifiers").toArray();
        QCOMPARE(list.size(), 2);
        QCOMPARE(list.at(0).toObject().value("value").toString(), QStringLiteral("linus@new.test"));
        QCOMPARE(list.at(1).toObject().value("value").toString(), QStringLiteral("torvalds"));
        list = contactOf(f.api->get(path(id))).value("identifiers").toArray();
        QCOMPARE(list.size(), 2);
        QCOMPARE(f.api->patchJson(path(id, "/identifiers/") + identId.toUtf8(), {{"value", "x"}}).status, 404); // replaced away

        const QString gitId = list.at(1).toObject().value("id").toString();
        r = f.api->del(path(id, "/identifiers/") + gitId.toUtf8());
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json().value("success").toBool(), true);
        QCOMPARE(f.api->del(path(id, "/identifiers/") + gitId.toUtf8()).errorCode(), QStringLiteral("IDENTIFIER_NOT_FOUND"));
        QCOMPARE(contactOf(f.api->get(path(id))).value("identifiers").toArray().size(), 1);
        // The other contact was never touched.
        QCOMPARE(contactOf(f.api->get(path(other))).value("identifiers").toArray().size(), 1);
    }

    void platformIds()
    {
        KinFixture f;
        const QString a = createContact(*f.api, QStringLiteral("A"));
        const QString b = createContact(*f.api, QStringLiteral("B"));
        HttpResponse r = f.api->get(path(a, "/platform-ids"));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json().value("platformIds").toArray().size(), 0);

        const qint64 at = f.server.clock().nowMs() + 1234;
        f.server.clock().setNowMs(at);
        r = f.api->postJson(path(a, "/platform-ids"), {{"platform", "telegram"}, {"platformId", "12345"}});
        QCOMPARE(r.status, 201);
        const QJsonObject pid = r.json().value("platformId").toObject();
        QCOMPARE(pid.value("contactId").toString(), a);
        QCOMPARE(pid.value("platform").toString(), QStringLiteral("telegram"));
        QCOMPARE(pid.value("platformId").toString(), QStringLiteral("12345"));
        QCOMPARE(qint64(pid.value("createdAt").toDouble()), at); // ms number on this route
        QCOMPARE(f.api->get(path(a, "/platform-ids")).json().value("platformIds").toArray().size(), 1);
        QCOMPARE(contactOf(f.api->get(path(a))).value("platformIds").toArray().size(), 1);

        // (platform, platformId) belongs to one contact, across contacts.
        r = f.api->postJson(path(b, "/platform-ids"), {{"platform", "telegram"}, {"platformId", "12345"}});
        QCOMPARE(r.status, 409);
        QCOMPARE(r.errorCode(), QStringLiteral("DUPLICATE_PLATFORM_ID"));
        QCOMPARE(f.api->postJson(path(a, "/platform-ids"), {{"platform", "telegram"}, {"platformId", "12345"}}).status, 409);
        QCOMPARE(f.api->postJson(path(b, "/platform-ids"), {{"platform", "signal"}, {"platformId", "12345"}}).status, 201);
        QCOMPARE(f.api->postJson(path(b, "/platform-ids"), {{"platform", "telegram"}}).status, 400);
        QCOMPARE(f.api->postJson(path(b, "/platform-ids"), {{"platform", " "}, {"platformId", "1"}}).errorCode(), QStringLiteral("INVALID_INPUT"));
        QCOMPARE(f.api->postJson(path(b, "/platform-ids"), {{"platform", "x"}, {"platformId", 5}}).status, 400);

        // The channel lookup finds the sender's contact.
        auto found = f.server.platform().contacts().byPlatformId(QStringLiteral("telegram"), QStringLiteral("12345"));
        QVERIFY(found.ok() && found.value().has_value());
        QCOMPARE(found.value()->id, a);
        QVERIFY(!f.server.platform().contacts().byPlatformId(QStringLiteral("telegram"), QStringLiteral("999")).value().has_value());

        const QByteArray pidPath = path(a, "/platform-ids/") + pid.value("id").toString().toUtf8();
        QCOMPARE(f.api->del(path(b, "/platform-ids/") + pid.value("id").toString().toUtf8()).errorCode(), QStringLiteral("PLATFORM_ID_NOT_FOUND"));
        r = f.api->del(pidPath);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json().value("success").toBool(), true);
        QCOMPARE(f.api->del(pidPath).status, 404);
        // Freed: another contact may take it now.
        QCOMPARE(f.api->postJson(path(b, "/platform-ids"), {{"platform", "telegram"}, {"platformId", "12345"}}).status, 201);
        // Deleting the contact takes its platform ids along.
        QCOMPARE(f.api->del(path(b)).status, 200);
        QCOMPARE(rowCount(f.server.platform().database(), QStringLiteral("SELECT count(*) FROM contact_platform_ids WHERE contact_id = ?"), {b}), 0);
    }

    void notes()
    {
        KinFixture f;
        const QString provider = f.addProvider();
        const QJsonObject kin = f.addKin(QStringLiteral("Scribe"), provider);
        const QString kinId = kin.value("id").toString();
        const QString id = createContact(*f.api, QStringLiteral("Noted"));
        auto sse = f.openSse();

        HttpResponse r = f.api->postJson(path(id, "/notes"), {{"kinId", kinId}, {"scope", "private"}, {"content", "Likes tea"}});
        QCOMPARE(r.status, 201);
        QJsonObject note = r.json().value("note").toObject();
        const QString noteId = note.value("id").toString();
        QCOMPARE(note.value("kinId").toString(), kinId);
        QCOMPARE(note.value("scope").toString(), QStringLiteral("private"));
        QCOMPARE(note.value("content").toString(), QStringLiteral("Likes tea"));
        QVERIFY(note.value("createdAt").isString());
        QVERIFY(sse->waitFor([&](const SseFrame &fr) { return isEvent(fr, "contact:updated") && fr.data.value("contactId").toString() == id; }));

        // Upsert: the same (contact, Kin, scope) keeps one note; by slug works too.
        r = f.api->postJson(path(id, "/notes"), {{"kinId", kin.value("slug").toString()}, {"scope", "private"}, {"content", "Likes coffee"}});
        QCOMPARE(r.status, 201);
        QCOMPARE(r.json().value("note").toObject().value("id").toString(), noteId);
        r = f.api->postJson(path(id, "/notes"), {{"kinId", kinId}, {"scope", "global"}, {"content", "Works nights"}});
        QCOMPARE(r.status, 201);
        const QString globalId = r.json().value("note").toObject().value("id").toString();
        QVERIFY(globalId != noteId);
        QJsonArray notes = contactOf(f.api->get(path(id))).value("notes").toArray();
        QCOMPARE(notes.size(), 2);
        QStringList contents{notes.at(0).toObject().value("content").toString(), notes.at(1).toObject().value("content").toString()};
        contents.sort();
        QCOMPARE(contents, (QStringList{QStringLiteral("Likes coffee"), QStringLiteral("Works nights")}));

        r = f.api->patchJson(path(id, "/notes/") + noteId.toUtf8(), {{"content", "Likes mate"}});
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json().value("note").toObject().value("content").toString(), QStringLiteral("Likes mate"));

        // Failure paths.
        QCOMPARE(f.api->postJson(path(id, "/notes"), {{"kinId", kinId}, {"scope", "team"}, {"content", "x"}}).errorCode(), QStringLiteral("INVALID_INPUT"));
        QCOMPARE(f.api->postJson(path(id, "/notes"), {{"kinId", kinId}, {"content", "x"}}).status, 400);
        QCOMPARE(f.api->postJson(path(id, "/notes"), {{"scope", "global"}, {"content", "x"}}).status, 400);
        QCOMPARE(f.api->postJson(path(id, "/notes"), {{"kinId", kinId}, {"scope", "global"}}).status, 400);
        QCOMPARE(f.api->postJson(path(id, "/notes"), {{"kinId", kinId}, {"scope", "global"}, {"content", "   "}}).status, 400);
        r = f.api->postJson(path(id, "/notes"), {{"kinId", kinId}, {"scope", "global"}, {"content", QString(10001, QLatin1Char('n'))}});
        QCOMPARE(r.status, 400);
        QCOMPARE(r.errorCode(), QStringLiteral("INVALID_INPUT"));
        QCOMPARE(f.api->postJson(path(id, "/notes"), {{"kinId", kinId}, {"scope", "global"}, {"content", QString(10000, QLatin1Char('n'))}}).status, 201);
        r = f.api->postJson(path(id, "/notes"), {{"kinId", "no-such-kin"}, {"scope", "global"}, {"content", "x"}});
        QCOMPARE(r.status, 404);
        QCOMPARE(r.errorCode(), QStringLiteral("KIN_NOT_FOUND"));
        QCOMPARE(f.api->postJson(path(QStringLiteral("ghost"), "/notes"), {{"kinId", kinId}, {"scope", "global"}, {"content", "x"}}).errorCode(),
                 QStringLiteral("CONTACT_NOT_FOUND"));
        QCOMPARE(f.api->patchJson(path(id, "/notes/") + noteId.toUtf8(), {{"content", ""}}).status, 400);
        QCOMPARE(f.api->patchJson(path(id, "/notes/") + noteId.toUtf8(), {}).status, 400);
        r = f.api->patchJson(path(id, "/notes/nope"), {{"content", "x"}});
        QCOMPARE(r.status, 404);
        QCOMPARE(r.errorCode(), QStringLiteral("NOTE_NOT_FOUND"));

        r = f.api->del(path(id, "/notes/") + noteId.toUtf8());
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json().value("success").toBool(), true);
        QCOMPARE(f.api->del(path(id, "/notes/") + noteId.toUtf8()).errorCode(), QStringLiteral("NOTE_NOT_FOUND"));
        QCOMPARE(contactOf(f.api->get(path(id))).value("notes").toArray().size(), 1);

        // The Kin going away takes its notes and unlinks the contacts linked to it.
        QCOMPARE(f.api->patchJson(path(id), {{"linkedKinId", kinId}}).status, 200);
        QCOMPARE(f.api->del("/api/kins/" + kinId.toUtf8()).status, 200);
        QCOMPARE(contactOf(f.api->get(path(id))).value("notes").toArray().size(), 0);
        QVERIFY(contactOf(f.api->get(path(id))).value("linkedKinId").isNull());
        QCOMPARE(f.api->postJson(path(id, "/notes"), {{"kinId", kinId}, {"scope", "global"}, {"content", "x"}}).status, 404);
    }

    // The prompt: "## Known contacts" lists everyone but the Kin itself, and "## Current speaker" says what the Kin
    // knows of the web user speaking — the PRIORITY to get to know them while nothing is shared, their notes after.
    void promptKnowsContactsAndTheSpeaker()
    {
        KinFixture f;
        const QString providerId = f.addProvider();
        const QString kinId = f.addKin(QStringLiteral("Scribe"), providerId).value("id").toString();
        const QString otherId = f.addKin(QStringLiteral("Other"), providerId).value("id").toString();
        const QString self = contactOf(f.api->postJson("/api/contacts", {{"name", "Scribe itself"}, {"type", "kin"}, {"linkedKinId", kinId}})).value("id").toString();
        const QString other = contactOf(f.api->postJson("/api/contacts", {{"name", "Other Kin"}, {"type", "kin"}, {"linkedKinId", otherId}})).value("id").toString();
        QVERIFY(!self.isEmpty() && !other.isEmpty());
        QString adaContact;
        for (const QJsonValue &c : f.api->get("/api/contacts").json().value("contacts").toArray())
            if (c.toObject().value("linkedUserId").toString() == f.admin.id)
                adaContact = c.toObject().value("id").toString();
        QVERIFY(!adaContact.isEmpty());

        f.fake.setDefaultReply(FakeReply::text({"ok"}));
        QCOMPARE(f.send(kinId, QStringLiteral("hello")).status, 202);
        QVERIFY(f.fake.waitForChatRequests(1));
        QByteArray prompt = QJsonDocument(f.fake.chatRequests().last().json).toJson();
        QVERIFY2(prompt.contains("## Known contacts"), prompt.constData());
        QVERIFY(prompt.contains("- ada Tester — human, platform user ada Tester; email: ada@example.test [id: " + adaContact.toUtf8() + "]"));
        QVERIFY(prompt.contains("- Other Kin (Kin: other) — kin [id: " + other.toUtf8() + "]"));
        QVERIFY(!prompt.contains("Scribe itself"));
        QVERIFY(prompt.contains("- Contact id: " + adaContact.toUtf8()));
        QVERIFY(prompt.contains("PRIORITY: nothing is noted about this person yet"));

        // With a shared note (by any Kin) and a private one of this Kin: both shown, no PRIORITY.
        QVERIFY(f.server.platform().contacts().setNote(adaContact, otherId, "global", "Runs the bakery"));
        QVERIFY(f.server.platform().contacts().setNote(adaContact, kinId, "private", "Prefers short answers"));
        QVERIFY(f.server.platform().contacts().setNote(adaContact, otherId, "private", "Other's private thought"));
        QVERIFY(QTest::qWaitFor([&] { return messagesOf(*f.api, kinId).size() == 2; }, 5000));
        QCOMPARE(f.send(kinId, QStringLiteral("again")).status, 202);
        QVERIFY(f.fake.waitForChatRequests(2));
        prompt = QJsonDocument(f.fake.chatRequests().last().json).toJson();
        QVERIFY(prompt.contains("- Shared notes: Runs the bakery"));
        QVERIFY(prompt.contains("- Your private notes: Prefers short answers"));
        QVERIFY(!prompt.contains("Other's private thought"));
        QVERIFY(!prompt.contains("PRIORITY"));
        QVERIFY(prompt.contains("enrich these notes with set_contact_note"));
    }

    void tools()
    {
        KinFixture f;
        const QString provider = f.addProvider();
        const QJsonObject alpha = f.addKin(QStringLiteral("Alpha"), provider);
        const QJsonObject beta = f.addKin(QStringLiteral("Beta"), provider);
        const QString a = alpha.value("id").toString();
        const QString b = beta.value("id").toString();
        for (const char *name : {"get_contact", "search_contacts", "create_contact", "update_contact", "delete_contact", "set_contact_note",
                                 "find_contact_by_identifier"}) {
            const ToolDefinition *t = f.server.platform().tools().find(QString::fromLatin1(name));
            QVERIFY2(t, name);
            QCOMPARE(t->domain, QStringLiteral("contacts"));
            QCOMPARE(t->availability, ToolDefinition::MainOnly);
        }
        auto sse = f.openSse();

        QJsonObject r = f.runTool("create_contact", a, {{"name", "Marie Curie"}, {"identifiers", idents({{"email", "Marie@Radium.test"}})}});
        QVERIFY2(!r.contains("error"), qPrintable(r.value("error").toString()));
        const QString id = r.value("contact_id").toString();
        QCOMPARE(r.value("type").toString(), QStringLiteral("human"));
        QVERIFY(sse->waitFor([&](const SseFrame &fr) { return isEvent(fr, "contact:created") && fr.data.value("contactId").toString() == id; }));
        QCOMPARE(contactOf(f.api->get(path(id))).value("name").toString(), QStringLiteral("Marie Curie"));
        QVERIFY(f.runTool("create_contact", a, {{"type", "human"}}).contains("error"));
        QVERIFY(f.runTool("create_contact", a, {{"name", "X"}, {"type", "robot"}}).contains("error"));
        QVERIFY(f.runTool("create_contact", a, {{"name", "X"}, {"linked_kin_slug", "nobody"}}).contains("error"));
        r = f.runTool("create_contact", a, {{"name", "Beta's card"}, {"type", "kin"}, {"linked_kin_slug", beta.value("slug").toString()}});
        QCOMPARE(r.value("linked_kin_slug").toString(), beta.value("slug").toString());

        // Notes: one private and one global per Kin; another Kin's private note stays invisible.
        r = f.runTool("set_contact_note", a, {{"contact_id", id}, {"content", "Alpha private"}});
        QCOMPARE(r.value("scope").toString(), QStringLiteral("private"));
        QCOMPARE(r.value("created").toBool(), true);
        const QString alphaPrivate = r.value("note_id").toString();
        r = f.runTool("set_contact_note", a, {{"contact_id", id}, {"content", "Alpha private v2"}, {"scope", "private"}});
        QCOMPARE(r.value("created").toBool(), false);
        QCOMPARE(r.value("note_id").toString(), alphaPrivate);
        QCOMPARE(f.runTool("set_contact_note", a, {{"contact_id", id}, {"content", "Shared by Alpha"}, {"scope", "global"}}).value("created").toBool(), true);
        QCOMPARE(f.runTool("set_contact_note", b, {{"contact_id", id}, {"content", "Beta private"}, {"scope", "private"}}).value("created").toBool(), true);
        QVERIFY(f.runTool("set_contact_note", b, {{"contact_id", id}, {"content", "x"}, {"scope", "team"}}).contains("error"));
        QVERIFY(f.runTool("set_contact_note", b, {{"contact_id", "ghost"}, {"content", "x"}}).contains("error"));
        QVERIFY(f.runTool("set_contact_note", b, {{"contact_id", id}, {"content", ""}}).contains("error"));

        const QJsonObject seenByA = f.runTool("get_contact", a, {{"contact_id", id}});
        QCOMPARE(noteContents(seenByA), (QStringList{QStringLiteral("Alpha private v2"), QStringLiteral("Shared by Alpha")}));
        const QJsonObject seenByB = f.runTool("get_contact", b, {{"contact_id", id}});
        QCOMPARE(noteContents(seenByB), (QStringList{QStringLiteral("Beta private"), QStringLiteral("Shared by Alpha")}));
        for (const QJsonValue &n : seenByB.value("notes").toArray())
            if (n.toObject().value("content").toString() == QStringLiteral("Shared by Alpha")) {
                QCOMPARE(n.toObject().value("by_you").toBool(), false);
                QCOMPARE(n.toObject().value("kin_slug").toString(), alpha.value("slug").toString());
            }
        // Search results carry no notes at all.
        r = f.runTool("search_contacts", b, {{"query", "curie"}});
        QCOMPARE(r.value("count").toInt(), 1);
        QVERIFY(!r.value("contacts").toArray().at(0).toObject().contains("notes"));
        QVERIFY(!QJsonDocument(r).toJson().contains("Alpha private"));
        // By identifier value too; "%" is literal.
        QCOMPARE(f.runTool("search_contacts", b, {{"query", "radium"}}).value("count").toInt(), 1);
        QCOMPARE(f.runTool("search_contacts", b, {{"query", "%"}}).value("count").toInt(), 0);
        QVERIFY(f.runTool("search_contacts", b, {{"query", " "}}).contains("error"));
        QVERIFY(f.runTool("get_contact", a, {{"contact_id", "ghost"}}).contains("error"));

        r = f.runTool("find_contact_by_identifier", b, {{"value", "marie@radium.test"}});
        QCOMPARE(r.value("count").toInt(), 1);
        QCOMPARE(r.value("contacts").toArray().at(0).toObject().value("contact_id").toString(), id);
        QCOMPARE(f.runTool("find_contact_by_identifier", b, {{"value", "marie@radium.test"}, {"label", "EMAIL"}}).value("count").toInt(), 1);
        QCOMPARE(f.runTool("find_contact_by_identifier", b, {{"value", "marie@radium.test"}, {"label", "phone"}}).value("count").toInt(), 0);
        QCOMPARE(f.runTool("find_contact_by_identifier", b, {{"value", "marie@radium"}}).value("count").toInt(), 0); // exact only
        QVERIFY(f.runTool("find_contact_by_identifier", b, {}).contains("error"));

        // update_contact: identifiers are added, never replaced.
        r = f.runTool("update_contact", a, {{"contact_id", id}, {"name", "Maria Skłodowska-Curie"}, {"identifiers", idents({{"phone", "+33 1"}})}});
        QVERIFY2(!r.contains("error"), qPrintable(r.value("error").toString()));
        QCOMPARE(r.value("name").toString(), QStringLiteral("Maria Skłodowska-Curie"));
        QCOMPARE(r.value("identifiers").toArray().size(), 2);
        QVERIFY(f.runTool("update_contact", a, {{"contact_id", id}, {"type", "robot"}}).contains("error"));
        QVERIFY(f.runTool("update_contact", a, {{"contact_id", "ghost"}, {"name", "x"}}).contains("error"));
        QVERIFY(f.runTool("update_contact", a, {{"contact_id", id}, {"identifiers", idents({{"phone", ""}})}}).contains("error"));
        QCOMPARE(contactOf(f.api->get(path(id))).value("identifiers").toArray().size(), 2);

        r = f.runTool("delete_contact", b, {{"contact_id", id}});
        QCOMPARE(r.value("success").toBool(), true);
        QVERIFY(sse->waitFor([&](const SseFrame &fr) { return isEvent(fr, "contact:deleted") && fr.data.value("contactId").toString() == id; }));
        QCOMPARE(f.api->get(path(id)).status, 404);
        QVERIFY(f.runTool("delete_contact", b, {{"contact_id", id}}).contains("error"));
        QCOMPARE(rowCount(f.server.platform().database(), QStringLiteral("SELECT count(*) FROM contact_notes WHERE contact_id = ?"), {id}), 0);
    }
};

QTEST_GUILESS_MAIN(TstContacts)
#include "tst_contacts.moc"
