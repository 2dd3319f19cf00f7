// Providers, Kins, message history/queue/reactions and quick sessions over real HTTP (no model turn needed).
#include "KinFixture.h"

#include "engine/MessageStore.h"
#include "notifications/Mentions.h"
#include "util/ZipArchive.h"

#include <QFile>
#include <QTcpServer>

using namespace kinbot::test;

static QByteArray multipartImage(const QByteArray &boundary, const QByteArray &data, const QByteArray &filename)
{
    return "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + filename
           + "\"\r\nContent-Type: application/octet-stream\r\n\r\n" + data + "\r\n--" + boundary + "--\r\n";
}

static const QByteArray kPng = QByteArray::fromBase64(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==");

class TstApiKins final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void providersAreStoredEncryptedAndNeverEchoTheKey()
    {
        KinFixture f;
        auto sse = f.openSse();
        const QString id = f.addProvider();
        QVERIFY(!id.isEmpty());
        QVERIFY(sse->waitFor([](const SseFrame &fr) { return isEvent(fr, QStringLiteral("provider:created")); }));

        const HttpResponse list = f.api->get("/api/providers");
        QCOMPARE(list.status, 200);
        const QJsonObject p = list.json().value("providers").toArray()[0].toObject();
        QCOMPARE(p.value("id").toString(), id);
        QCOMPARE(p.value("isValid").toBool(), true);
        QVERIFY(p.value("capabilities").toArray().contains(QStringLiteral("llm")));
        QCOMPARE(p.value("apiKeyHint").toString(), QStringLiteral("…7890"));
        QVERIFY(!list.body.contains("sk-test-1234567890"));
        // At rest: the config is sealed, the key is not in the database file in clear.
        auto row = f.server.platform().database().selectOne(QStringLiteral("SELECT config_sealed FROM providers WHERE id = ?"), {id});
        QVERIFY(row && row.value());
        QVERIFY(!row.value()->at(0).toString().contains(QStringLiteral("sk-test")));
        QFile db(f.server.dataDir() + "/data/kinbot.db");
        QVERIFY(db.open(QIODevice::ReadOnly));
        QVERIFY(!db.readAll().contains("sk-test-1234567890"));

        QCOMPARE(f.api->get("/api/providers/capabilities").json().value("capabilities").toObject().value("llm").toBool(), true);
        const QJsonArray models = f.api->get("/api/providers/models").json().value("models").toArray();
        QVERIFY(!models.isEmpty());
        QCOMPARE(models[0].toObject().value("providerId").toString(), id);

        // Re-test a saved provider; a rename keeps the key.
        const HttpResponse test = f.api->postJson("/api/providers/" + id.toUtf8() + "/test", {});
        QCOMPARE(test.status, 200);
        QCOMPARE(test.json().value("valid").toBool(), true);
        const HttpResponse renamed = f.api->patchJson("/api/providers/" + id.toUtf8(), {{"name", "Renamed"}});
        QCOMPARE(renamed.status, 200);
        QCOMPARE(f.api->get("/api/providers").json().value("providers").toArray()[0].toObject().value("apiKeyHint").toString(),
                 QStringLiteral("…7890"));
    }

    void providerValidationAndRoles()
    {
        KinFixture f;
        QCOMPARE(f.api->postJson("/api/providers", {{"name", "x"}, {"type", "nope"}, {"config", QJsonObject{{"apiKey", "k"}}}}).errorCode(),
                 QStringLiteral("INVALID_TYPE"));
        QCOMPARE(f.api->postJson("/api/providers", {{"name", ""}, {"type", "openai"}, {"config", QJsonObject{{"apiKey", "k"}}}}).errorCode(),
                 QStringLiteral("INVALID_NAME"));
        QCOMPARE(f.api->postJson("/api/providers", {{"name", "x"}, {"type", "openai"}, {"config", "k"}}).errorCode(),
                 QStringLiteral("INVALID_CONFIG"));
        QCOMPARE(f.api->postJson("/api/providers", {{"name", "x"}, {"type", "openai"},
                                                    {"config", QJsonObject{{"apiKey", "k"}, {"baseUrl", "file:///etc/passwd"}}}})
                     .errorCode(),
                 QStringLiteral("INVALID_CONFIG"));
        QCOMPARE(f.api->patchJson("/api/providers/00000000-0000-4000-8000-000000000000", {{"name", "y"}}).status, 404);
        const QJsonArray types = f.api->get("/api/providers/types").json().value("types").toArray();
        QStringList names;
        for (const QJsonValue &t : types)
            names << t.toObject().value("type").toString();
        for (const char *t : {"openai", "anthropic", "gemini", "ollama", "openrouter", "groq", "mistral", "deepseek", "xai"})
            QVERIFY2(names.contains(QString::fromLatin1(t)), t);

        // Members can read but not change providers (the reference lets anyone replace keys).
        const QString id = f.addProvider();
        TestUser bob = f.addMember(QStringLiteral("bob"));
        HttpClient b = f.server.clientFor(bob);
        QCOMPARE(b.get("/api/providers").status, 200);
        QCOMPARE(b.postJson("/api/providers", {{"name", "x"}, {"type", "openai"}, {"config", QJsonObject{{"apiKey", "k"}}}}).status, 403);
        QCOMPARE(b.del("/api/providers/" + id.toUtf8()).status, 403);
    }

    void deletingTheLastLlmProviderIsRefusedAndKinsAreDetached()
    {
        KinFixture f;
        const QString first = f.addProvider(QStringLiteral("one"));
        QCOMPARE(f.api->del("/api/providers/" + first.toUtf8()).errorCode(), QStringLiteral("PROVIDER_REQUIRED"));
        const QString second = f.addProvider(QStringLiteral("two"));
        const QString kinId = f.addKin(QStringLiteral("Attached"), first).value("id").toString();
        auto sse = f.openSse();
        QCOMPARE(f.api->del("/api/providers/" + first.toUtf8()).status, 200);
        QVERIFY(sse->waitFor([](const SseFrame &fr) { return isEvent(fr, QStringLiteral("provider:deleted")); }));
        QVERIFY(f.api->get("/api/kins/" + kinId.toUtf8()).json().value("providerId").isNull());
        QCOMPARE(f.api->get("/api/providers").json().value("providers").toArray().size(), 1);
        Q_UNUSED(second);
    }

    void localModelServersAreDetected()
    {
        KinFixture f;
        QTcpServer closed; // a port nobody answers on
        QVERIFY(closed.listen(QHostAddress::LocalHost));
        const quint16 deadPort = closed.serverPort();
        closed.close();
        f.server.platform().providers().setLocalProbeTargets(
            {{QStringLiteral("ollama"), f.fake.baseUrl(QStringLiteral("ollama"))},
             {QStringLiteral("lmstudio"), QStringLiteral("http://127.0.0.1:%1/v1").arg(deadPort)}});
        const HttpResponse r = f.api->get("/api/providers/detect");
        QCOMPARE(r.status, 200);
        const QJsonArray found = r.json().value("detected").toArray();
        QCOMPARE(found.size(), 2);
        QCOMPARE(found[0].toObject().value("type").toString(), QStringLiteral("ollama"));
        QCOMPARE(found[0].toObject().value("reachable").toBool(), true);
        QVERIFY(found[0].toObject().value("models").toArray().contains(QStringLiteral("llama3.2")));
        QCOMPARE(found[0].toObject().value("configured").toBool(), false);
        QCOMPARE(found[1].toObject().value("type").toString(), QStringLiteral("lmstudio"));
        QCOMPARE(found[1].toObject().value("reachable").toBool(), false);
        // Offered → added as a keyless provider → reported as configured.
        const HttpResponse added = f.api->postJson("/api/providers", {{"name", "Local Ollama"}, {"type", "ollama"},
                                                                     {"config", QJsonObject{{"baseUrl", found[0].toObject().value("baseUrl")}}}});
        QCOMPARE(added.status, 201);
        QCOMPARE(added.json().value("provider").toObject().value("isValid").toBool(), true);
        QCOMPARE(f.api->get("/api/providers/detect").json().value("detected").toArray()[0].toObject().value("configured").toBool(), true);
    }

    void generateConfigDraftsAKinWithTheLlm()
    {
        KinFixture f;
        const QByteArray path = "/api/kins/generate-config";
        QCOMPARE(f.api->postJson(path, {{"description", "a gardener"}}).errorCode(), QStringLiteral("NO_LLM_PROVIDER"));
        f.addProvider();
        QCOMPARE(f.api->postJson(path, {}).errorCode(), QStringLiteral("INVALID_REQUEST"));
        QCOMPARE(f.api->postJson(path, {{"description", "x"}, {"currentConfig", "nope"}}).errorCode(), QStringLiteral("INVALID_REQUEST"));
        f.fake.enqueue(FakeReply::text({QStringLiteral("Here you go:\n```json\n{\"name\": \"Flora\", \"role\": \"Garden helper\", "),
                                        QStringLiteral("\"character\": \"Patient.\", \"expertise\": \"Plants {and} soil.\", \"suggestedModel\": null, "
                                                       "\"disableToolDomains\": [\"inter-kin\", \"made-up\"], \"enableOptInToolDomains\": []}\n```")}));
        HttpResponse r = f.api->postJson(path, {{"description", "a gardener who knows soil"}, {"language", "en"}});
        QCOMPARE(r.status, 200);
        const QJsonObject config = r.json().value("config").toObject();
        QCOMPARE(config.value("name").toString(), QStringLiteral("Flora"));
        QCOMPARE(config.value("role").toString(), QStringLiteral("Garden helper"));
        QCOMPARE(config.value("expertise").toString(), QStringLiteral("Plants {and} soil."));
        QVERIFY(config.value("suggestedModel").isNull());
        QCOMPARE(config.value("disableToolDomains").toArray(), QJsonArray{"inter-kin"}); // unknown domains dropped
        const FakeRequest asked = f.fake.chatRequests().last();
        QCOMPARE(asked.json.value("model").toString(), QStringLiteral("gpt-4o-mini"));
        QVERIFY(asked.body.contains("a gardener who knows soil"));
        // A model that answers prose, or fails, is a 502.
        f.fake.enqueue(FakeReply::text({QStringLiteral("I would rather not.")}));
        QCOMPARE(f.api->postJson(path, {{"description", "x"}}).errorCode(), QStringLiteral("GENERATION_FAILED"));
        f.server.platform().providers().setClientLimits({0, 10, 10, 2000, 2000});
        f.fake.enqueue(FakeReply::httpError(500));
        r = f.api->postJson(path, {{"description", "x"}});
        QCOMPARE(r.status, 502);
        QCOMPARE(r.errorCode(), QStringLiteral("GENERATION_FAILED"));
    }

    void avatarGenerationUsesTheImageProvider()
    {
        KinFixture f;
        const QString kinId = f.addKin(QStringLiteral("Painter"), QString(), {{"character", "Cheerful."}}).value("id").toString();
        const QByteArray generate = "/api/kins/" + kinId.toUtf8() + "/avatar/generate";
        // No image provider: a clear 400.
        QCOMPARE(f.api->postJson(generate, {}).errorCode(), QStringLiteral("NO_IMAGE_PROVIDER"));
        QCOMPARE(f.api->postJson("/api/kins/avatar/preview", {{"name", "N"}, {"role", "R"}}).errorCode(), QStringLiteral("NO_IMAGE_PROVIDER"));
        f.addProvider(); // openai: has the image capability

        HttpResponse r = f.api->postJson(generate, {{"mode", "auto"}});
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json().value("mediaType").toString(), QStringLiteral("image/png"));
        QCOMPARE(QByteArray::fromBase64(r.json().value("base64").toString().toLatin1()), kPng);
        const FakeRequest asked = f.fake.requests().last();
        QVERIFY(asked.path.endsWith(QStringLiteral("/images/generations")));
        QCOMPARE(asked.json.value("model").toString(), QStringLiteral("gpt-image-1"));
        QVERIFY(asked.json.value("prompt").toString().contains(QStringLiteral("Painter")));
        QCOMPARE(asked.headers.value("authorization"), QByteArray("Bearer sk-test-1234567890"));

        r = f.api->postJson(generate, {{"mode", "prompt"}, {"prompt", "a red fox"}, {"imageModel", "dall-e-3"}});
        QCOMPARE(r.status, 200);
        QCOMPARE(f.fake.requests().last().json.value("prompt").toString(), QStringLiteral("a red fox"));
        QCOMPARE(f.fake.requests().last().json.value("response_format").toString(), QStringLiteral("b64_json"));
        QCOMPARE(f.api->postJson(generate, {{"mode", "prompt"}}).errorCode(), QStringLiteral("INVALID_PROMPT"));
        QCOMPARE(f.api->postJson(generate, {{"mode", "weird"}}).errorCode(), QStringLiteral("INVALID_REQUEST"));
        QCOMPARE(f.api->postJson(generate, {{"imageProviderId", "nope"}}).errorCode(), QStringLiteral("NO_IMAGE_PROVIDER"));

        QCOMPARE(f.api->postJson("/api/kins/avatar/preview", {{"name", "N"}}).errorCode(), QStringLiteral("INVALID_REQUEST"));
        r = f.api->postJson("/api/kins/avatar/preview", {{"name", "Nova"}, {"role", "astronomer"}});
        QCOMPARE(r.status, 200);
        QVERIFY(f.fake.requests().last().json.value("prompt").toString().contains(QStringLiteral("astronomer")));

        // Provider failures and non-images are 502s; the Kin's avatar is untouched (preview only).
        f.fake.setImage({});
        r = f.api->postJson(generate, {});
        QCOMPARE(r.status, 502);
        QCOMPARE(r.errorCode(), QStringLiteral("IMAGE_GENERATION_FAILED"));
        f.fake.setImage("not an image");
        QCOMPARE(f.api->postJson("/api/kins/avatar/preview", {{"name", "N"}, {"role", "R"}}).errorCode(), QStringLiteral("AVATAR_GENERATION_FAILED"));
        QVERIFY(f.api->get("/api/kins/" + kinId.toUtf8()).json().value("avatarUrl").isNull());
    }

    void kinCrudWithSlugs()
    {
        KinFixture f;
        auto sse = f.openSse();
        const QJsonObject kin = f.addKin(QStringLiteral("Éloïse Bot"), QString());
        const QString id = kin.value("id").toString();
        QCOMPARE(kin.value("slug").toString(), QStringLiteral("eloise-bot"));
        QCOMPARE(kin.value("queueSize").toInt(), 0);
        QVERIFY(QFileInfo(kin.value("workspacePath").toString() + "/tools").isDir());
        QVERIFY(sse->waitFor([&](const SseFrame &fr) { return isEvent(fr, QStringLiteral("kin:created")) && fr.data.value("kinId") == id; }));
        // Same name → uniquified slug.
        QCOMPARE(f.addKin(QStringLiteral("Éloïse Bot"), QString()).value("slug").toString(), QStringLiteral("eloise-bot-2"));
        // By slug or by id.
        QCOMPARE(f.api->get("/api/kins/eloise-bot").json().value("id").toString(), id);
        QCOMPARE(f.api->get("/api/kins/" + id.toUtf8()).json().value("slug").toString(), QStringLiteral("eloise-bot"));
        QCOMPARE(f.api->get("/api/kins/nobody").errorCode(), QStringLiteral("KIN_NOT_FOUND"));
        QCOMPARE(f.api->get("/api/kins").json().value("kins").toArray().size(), 2);

        // Updates and their validation.
        HttpResponse r = f.api->patchJson("/api/kins/" + id.toUtf8(), {{"role", "the new role"}, {"toolConfig", QJsonObject{{"disabledNativeTools", QJsonArray{"notify"}}}}});
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json().value("kin").toObject().value("role").toString(), QStringLiteral("the new role"));
        QCOMPARE(f.api->patchJson("/api/kins/" + id.toUtf8(), {{"slug", "eloise-bot-2"}}).errorCode(), QStringLiteral("SLUG_TAKEN"));
        QCOMPARE(f.api->patchJson("/api/kins/" + id.toUtf8(), {{"slug", "Bad Slug!"}}).errorCode(), QStringLiteral("INVALID_SLUG"));
        QCOMPARE(f.api->patchJson("/api/kins/" + id.toUtf8(), {{"name", ""}}).errorCode(), QStringLiteral("INVALID_NAME"));
        QCOMPARE(f.api->postJson("/api/kins", {{"name", "x"}}).errorCode(), QStringLiteral("INVALID_ROLE"));
        QCOMPARE(f.api->postJson("/api/kins", {{"name", "x"}, {"role", "r"}, {"model", "m"}, {"providerId", "nope"}}).errorCode(),
                 QStringLiteral("INVALID_PROVIDER"));

        // Tools grouped by domain, with the Kin's toolConfig applied.
        const QJsonArray domains = f.api->get("/api/kins/" + id.toUtf8() + "/tools").json().value("nativeTools").toArray();
        QVERIFY(!domains.isEmpty());
        bool sawNotify = false;
        for (const QJsonValue &d : domains)
            for (const QJsonValue &t : d.toObject().value("tools").toArray())
                if (t.toObject().value("name") == QStringLiteral("notify")) {
                    sawNotify = true;
                    QCOMPARE(t.toObject().value("enabled").toBool(), false);
                }
        QVERIFY(sawNotify);
        const HttpResponse usage = f.api->get("/api/kins/" + id.toUtf8() + "/context-usage");
        QCOMPARE(usage.status, 200);
        QVERIFY(usage.json().value("contextTokens").toInt() > 0);

        // Delete: gone, workspace removed, event sent.
        const QString workspace = kin.value("workspacePath").toString();
        QCOMPARE(f.api->del("/api/kins/" + id.toUtf8()).status, 200);
        QCOMPARE(f.api->get("/api/kins/" + id.toUtf8()).status, 404);
        QVERIFY(!QFileInfo::exists(workspace));
        QVERIFY(sse->waitFor([&](const SseFrame &fr) { return isEvent(fr, QStringLiteral("kin:deleted")) && fr.data.value("kinId") == id; }));
    }

    void avatarUploadAndServing()
    {
        KinFixture f;
        const QString id = f.addKin(QStringLiteral("Pic"), QString()).value("id").toString();
        const QByteArray boundary = "XyZ123";
        HttpResponse r = f.api->postRaw("/api/kins/" + id.toUtf8() + "/avatar", multipartImage(boundary, kPng, "a.png"),
                                        "multipart/form-data; boundary=" + boundary);
        QCOMPARE(r.status, 200);
        const QString url = r.json().value("avatarUrl").toString();
        QVERIFY(url.startsWith(QStringLiteral("/api/uploads/kins/") + id + "/avatar.png"));
        const HttpResponse img = f.api->get(url.toUtf8());
        QCOMPARE(img.status, 200);
        QCOMPARE(img.body, kPng);
        QCOMPARE(f.api->get("/api/kins/" + id.toUtf8()).json().value("avatarUrl").toString(), url);
        // Not an image → refused, nothing replaced.
        r = f.api->postRaw("/api/kins/" + id.toUtf8() + "/avatar", multipartImage(boundary, "#!/bin/sh\necho hi", "evil.png"),
                           "multipart/form-data; boundary=" + boundary);
        QCOMPARE(r.status, 400);
        QCOMPARE(f.api->get(url.toUtf8()).body, kPng);
    }

    void exportImportRoundTrip()
    {
        KinFixture f;
        const QString provider = f.addProvider();
        const QJsonObject original = f.addKin(QStringLiteral("Porter"), provider, {{"character", "Exports well."}, {"expertise", "Zip files."}});
        const QByteArray id = original.value("id").toString().toUtf8();
        QCOMPARE(f.api->patchJson("/api/kins/" + id, {{"toolConfig", QJsonObject{{"disabledNativeTools", QJsonArray{"http_request"}}}}}).status, 200);
        const QByteArray boundary = "B0und";
        QCOMPARE(f.api->postRaw("/api/kins/" + id + "/avatar", multipartImage(boundary, kPng, "a.png"),
                                "multipart/form-data; boundary=" + boundary).status, 200);

        const HttpResponse exported = f.api->get("/api/kins/" + id + "/export");
        QCOMPARE(exported.status, 200);
        QCOMPARE(exported.header("content-type"), QByteArray("application/zip"));
        QVERIFY(exported.header("content-disposition").contains("porter.kinbot.zip"));
        auto entries = kinbot::ziparchive::read(exported.body);
        QVERIFY(entries);
        QStringList names;
        for (const auto &e : entries.value())
            names << e.name;
        QCOMPARE(names, QStringList({"kin.json", "avatar.png"}));
        QVERIFY(!exported.body.contains("sk-test")); // no provider secrets travel with a Kin

        const HttpResponse imported = f.api->postRaw("/api/kins/import", exported.body, "application/zip");
        QCOMPARE(imported.status, 201);
        const QJsonObject copy = imported.json().value("kin").toObject();
        QVERIFY(copy.value("id").toString() != original.value("id").toString());
        QCOMPARE(copy.value("slug").toString(), QStringLiteral("porter-2"));
        for (const char *field : {"name", "role", "character", "expertise", "model"})
            QCOMPARE(copy.value(field), original.value(field));
        QVERIFY(copy.value("providerId").isNull());
        QCOMPARE(copy.value("toolConfig").toObject().value("disabledNativeTools").toArray(), QJsonArray{"http_request"});
        QCOMPARE(f.api->get(copy.value("avatarUrl").toString().toUtf8()).body, kPng);
        QVERIFY(!imported.json().contains("warnings")); // gpt-4o is served by the fake provider

        // The reference's bare JSON export is accepted too; an unknown model is a warning, not an error.
        const HttpResponse bare = f.api->postJson("/api/kins/import", {{"_kinbot", QJsonObject{{"version", 1}}}, {"name", "Bare"}, {"role", "r"},
                                                                      {"character", ""}, {"expertise", ""}, {"model", "claude-unknown"}});
        QCOMPARE(bare.status, 201);
        QCOMPARE(bare.json().value("warnings").toArray().size(), 1);

        // Bad input never creates a Kin.
        const int before = f.api->get("/api/kins").json().value("kins").toArray().size();
        QCOMPARE(f.api->postJson("/api/kins/import", {{"name", "x"}}).errorCode(), QStringLiteral("INVALID_IMPORT"));
        QCOMPARE(f.api->postRaw("/api/kins/import", "garbage", "application/octet-stream").errorCode(), QStringLiteral("INVALID_IMPORT"));
        QCOMPARE(f.api->postRaw("/api/kins/import", QByteArray("PK\x03\x04" "broken"), "application/zip").errorCode(), QStringLiteral("INVALID_ARCHIVE"));
        auto evil = kinbot::ziparchive::write({{"kin.json", R"({"name":"E","role":"r","character":"","expertise":"","model":"m"})"},
                                               {"../escape.txt", "x"}});
        QVERIFY(evil);
        QCOMPARE(f.api->postRaw("/api/kins/import", evil.value(), "application/zip").errorCode(), QStringLiteral("INVALID_ARCHIVE"));
        auto fakeAvatar = kinbot::ziparchive::write({{"kin.json", R"({"name":"E","role":"r","character":"","expertise":"","model":"m"})"},
                                                     {"avatar.png", "#!/bin/sh"}});
        QCOMPARE(f.api->postRaw("/api/kins/import", fakeAvatar.value(), "application/zip").errorCode(), QStringLiteral("INVALID_IMPORT"));
        QCOMPARE(f.api->get("/api/kins").json().value("kins").toArray().size(), before);
    }

    void messageValidationPaginationAndReactions()
    {
        KinFixture f;
        const QString id = f.addKin(QStringLiteral("Hist"), QString()).value("id").toString();
        const QByteArray base = "/api/kins/" + id.toUtf8() + "/messages";
        QCOMPARE(f.api->postJson(base, {{"content", "   "}}).errorCode(), QStringLiteral("EMPTY_MESSAGE"));
        QCOMPARE(f.api->postJson(base, {{"content", QString(32001, QLatin1Char('x'))}}).errorCode(), QStringLiteral("MESSAGE_TOO_LONG"));
        QCOMPARE(f.api->postJson(base, {{"content", 5}}).errorCode(), QStringLiteral("INVALID_CONTENT"));
        QCOMPARE(f.api->postJson(base, {{"content", "x"}, {"fileIds", QJsonArray{"../etc"}}}).errorCode(), QStringLiteral("INVALID_FILE_ID"));
        QCOMPARE(f.api->postRaw(base, "{\"content\":").errorCode(), QStringLiteral("INVALID_JSON"));
        QCOMPARE(f.api->postJson("/api/kins/ghost/messages", {{"content", "x"}}).errorCode(), QStringLiteral("KIN_NOT_FOUND"));

        // Pagination by time: 7 rows across distinct instants, pages of 3 walking backwards.
        kinbot::MessageStore &store = f.server.platform().messages();
        QStringList ids;
        for (int i = 0; i < 7; ++i) {
            kinbot::MessageRecord m;
            m.kinId = id;
            m.role = QStringLiteral("user");
            m.sourceType = QStringLiteral("user");
            m.sourceId = f.admin.id;
            m.content = QStringLiteral("m%1").arg(i);
            m.createdAt = 1700000000000 + i * 1000;
            ids << store.insert(m).value().id;
        }
        HttpResponse page = f.api->get(base + "?limit=3");
        QJsonArray items = page.json().value("messages").toArray();
        QCOMPARE(items.size(), 3);
        QCOMPARE(items[0].toObject().value("content").toString(), QStringLiteral("m4"));
        QCOMPARE(items[2].toObject().value("content").toString(), QStringLiteral("m6"));
        QCOMPARE(page.json().value("hasMore").toBool(), true);
        page = f.api->get(base + "?limit=3&before=" + items[0].toObject().value("id").toString().toUtf8());
        items = page.json().value("messages").toArray();
        QCOMPARE(items[0].toObject().value("content").toString(), QStringLiteral("m1"));
        QCOMPARE(items[2].toObject().value("content").toString(), QStringLiteral("m3"));
        page = f.api->get(base + "?limit=3&before=" + items[0].toObject().value("id").toString().toUtf8());
        QCOMPARE(page.json().value("messages").toArray().size(), 1);
        QCOMPARE(page.json().value("hasMore").toBool(), false);
        QCOMPARE(f.api->get(base + "?before=00000000-0000-4000-8000-000000000000").errorCode(), QStringLiteral("INVALID_CURSOR"));
        QCOMPARE(f.api->get(base + "?limit=500").json().value("messages").toArray().size(), 7);

        // Reactions toggle.
        auto sse = f.openSse();
        const QByteArray reactions = base + "/" + ids[0].toUtf8() + "/reactions";
        HttpResponse r = f.api->postJson(reactions, {{"emoji", "👍"}});
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json().value("action").toString(), QStringLiteral("added"));
        const QString reactionId = r.json().value("reactionId").toString();
        QVERIFY(sse->waitFor([](const SseFrame &fr) { return isEvent(fr, QStringLiteral("reaction:added")); }));
        QCOMPARE(f.api->get(reactions).json().value("reactions").toArray().size(), 1);
        QCOMPARE(f.api->get(base).json().value("messages").toArray()[2].toObject().value("reactions").toArray().size(), 0);
        r = f.api->postJson(reactions, {{"emoji", "👍"}});
        QCOMPARE(r.json().value("action").toString(), QStringLiteral("removed"));
        QCOMPARE(r.json().value("reactionId").toString(), reactionId);
        QCOMPARE(f.api->postJson(reactions, {{"emoji", "🔥"}}).errorCode(), QStringLiteral("INVALID_EMOJI"));
        QCOMPARE(f.api->postJson(base + "/nope/reactions", {{"emoji", "👍"}}).errorCode(), QStringLiteral("MESSAGE_NOT_FOUND"));

        // Clear.
        QCOMPARE(f.api->del(base).status, 200);
        QVERIFY(sse->waitFor([&](const SseFrame &fr) { return isEvent(fr, QStringLiteral("chat:cleared"), id); }));
        QCOMPARE(f.api->get(base).json().value("messages").toArray().size(), 0);
    }

    void mentionsNotifyTheMentionedUsers()
    {
        KinFixture f;
        const QString kinId = f.addKin(QStringLiteral("Room"), QString()).value("id").toString();
        TestUser bob = f.addMember(QStringLiteral("bob"));
        SseClient bobSse(f.server.port(), bob.cookie);
        QVERIFY(bobSse.connectAndWait());
        QCOMPARE(kinbot::Mentions::parse(QStringLiteral("hi @Bob, @bob and @carol_2; mail a@b.c")), QStringList({"bob", "carol_2"}));
        QCOMPARE(f.send(kinId, QStringLiteral("@BOB can you look? cc @ada @nobody")).status, 202);
        auto ev = bobSse.waitFor([](const SseFrame &fr) { return isEvent(fr, QStringLiteral("notification:new")); });
        QVERIFY(ev);
        const QJsonObject n = ev->data.value("notification").toObject();
        QCOMPARE(n.value("type").toString(), QStringLiteral("mention"));
        QCOMPARE(n.value("title").toString(), QStringLiteral("ada mentioned you"));
        // Only bob: the sender mentioning themself and unknown names notify nobody.
        auto rows = f.server.platform().database().selectOne(QStringLiteral("SELECT count(*) FROM notifications WHERE type = 'mention'"));
        QCOMPARE(rows.value()->at(0).toInt(), 1);
    }

    void queueListingAndRemoval()
    {
        KinFixture f;
        const QString id = f.addKin(QStringLiteral("Q"), f.addProvider()).value("id").toString();
        f.fake.setDefaultReply(FakeReply::text({QStringLiteral("zzz")}).hangBeforeHeaders());
        const QByteArray base = "/api/kins/" + id.toUtf8() + "/messages";
        QCOMPARE(f.api->postJson(base, {{"content", "busy"}}).status, 202);
        QVERIFY(f.fake.waitForChatRequests(1));
        const HttpResponse queued = f.api->postJson(base, {{"content", "waiting"}});
        QCOMPARE(queued.json().value("queuePosition").toInt(), 1);
        const QJsonArray items = f.api->get(base + "/queue").json().value("items").toArray();
        QCOMPARE(items.size(), 1);
        QCOMPARE(items[0].toObject().value("content").toString(), QStringLiteral("waiting"));
        QCOMPARE(items[0].toObject().value("priority").toInt(), 100);
        const QByteArray itemId = items[0].toObject().value("id").toString().toUtf8();
        QCOMPARE(f.api->del(base + "/queue/" + itemId).status, 200);
        QCOMPARE(f.api->del(base + "/queue/" + itemId).errorCode(), QStringLiteral("QUEUE_ITEM_NOT_FOUND"));
        QCOMPARE(f.api->get(base + "/queue").json().value("items").toArray().size(), 0);
        const QJsonObject kin = f.api->get("/api/kins/" + id.toUtf8()).json();
        QCOMPARE(kin.value("isProcessing").toBool(), true);
        // Clearing while a reply runs is refused instead of racing with it.
        QCOMPARE(f.api->del(base).errorCode(), QStringLiteral("KIN_BUSY"));
        QCOMPARE(f.api->postJson(base + "/stop", {}).status, 200);
    }

    void quickSessionLifecycle()
    {
        KinFixture f;
        const QString kinId = f.addKin(QStringLiteral("Side"), f.addProvider()).value("id").toString();
        auto sse = f.openSse();
        const QByteArray create = "/api/kins/" + kinId.toUtf8() + "/quick-sessions";
        QCOMPARE(f.api->postJson(create, {{"title", QString(201, QLatin1Char('t'))}}).errorCode(), QStringLiteral("TITLE_TOO_LONG"));
        HttpResponse r = f.api->postJson(create, {});
        QCOMPARE(r.status, 201);
        const QJsonObject session = r.json();
        const QByteArray sid = session.value("id").toString().toUtf8();
        QCOMPARE(session.value("status").toString(), QStringLiteral("active"));
        QVERIFY(session.value("title").isNull());
        QCOMPARE(qint64(session.value("expiresAt").toDouble()) - qint64(session.value("createdAt").toDouble()), 24LL * 3600 * 1000);
        QCOMPARE(f.api->postJson(create, {}).errorCode(), QStringLiteral("MAX_QUICK_SESSIONS"));

        // A turn in the quick slot: events carry sessionId, no source fields, no queue:update start/end.
        f.fake.enqueue(FakeReply::text({QStringLiteral("quick "), QStringLiteral("answer")}));
        r = f.api->postJson("/api/quick-sessions/" + sid + "/messages", {{"content", "side question"}});
        QCOMPARE(r.status, 202);
        auto done = sse->waitFor([&](const SseFrame &fr) { return isEvent(fr, QStringLiteral("chat:done"), kinId); });
        QVERIFY(done);
        QCOMPARE(done->data.value("sessionId").toString(), QString::fromUtf8(sid));
        QCOMPARE(done->data.value("content").toString(), QStringLiteral("quick answer"));
        for (const QJsonObject &e : kinEvents(*sse, kinId))
            if (e.value("type") == QStringLiteral("chat:token")) {
                QCOMPARE(e.value("sessionId").toString(), QString::fromUtf8(sid));
                QVERIFY(!e.contains("sourceType"));
            }
        const QJsonObject got = f.api->get("/api/quick-sessions/" + sid).json();
        QCOMPARE(got.value("session").toObject().value("id").toString(), QString::fromUtf8(sid));
        QCOMPARE(got.value("messages").toArray().size(), 2);
        // The main conversation did not see it, and the quick prompt is the reduced one.
        QCOMPARE(f.api->get("/api/kins/" + kinId.toUtf8() + "/messages").json().value("messages").toArray().size(), 0);
        const QString system = f.fake.chatRequests()[0].json.value("messages").toArray()[0].toObject().value("content").toString();
        QVERIFY(system.contains(QStringLiteral("## Quick session")));

        // Someone else's session.
        TestUser bob = f.addMember(QStringLiteral("bob"));
        QCOMPARE(f.server.clientFor(bob).get("/api/quick-sessions/" + sid).errorCode(), QStringLiteral("FORBIDDEN"));
        QCOMPARE(f.api->get("/api/quick-sessions/nope").errorCode(), QStringLiteral("SESSION_NOT_FOUND"));

        // Close: summary rules, idempotent, then sending is refused.
        QCOMPARE(f.api->postJson("/api/quick-sessions/" + sid + "/close", {{"saveMemory", true}}).errorCode(), QStringLiteral("SUMMARY_REQUIRED"));
        QCOMPARE(f.api->postJson("/api/quick-sessions/" + sid + "/close", {{"memorySummary", QString(5001, QLatin1Char('s'))}}).errorCode(),
                 QStringLiteral("SUMMARY_TOO_LONG"));
        QCOMPARE(f.api->postJson("/api/quick-sessions/" + sid + "/close", {}).status, 200);
        QVERIFY(sse->waitFor([&](const SseFrame &fr) { return isEvent(fr, QStringLiteral("quick-session:closed")); }));
        QCOMPARE(f.api->postJson("/api/quick-sessions/" + sid + "/close", {}).status, 200);
        QCOMPARE(f.api->postJson("/api/quick-sessions/" + sid + "/messages", {{"content", "x"}}).errorCode(), QStringLiteral("SESSION_CLOSED"));
        const QJsonArray closed = f.api->get(create + "?status=closed").json().value("sessions").toArray();
        QCOMPARE(closed.size(), 1);
        QCOMPARE(closed[0].toObject().value("messageCount").toInt(), 2);

        // Expiry follows the clock.
        r = f.api->postJson(create, {{"title", "later"}});
        QCOMPARE(r.status, 201);
        const QByteArray sid2 = r.json().value("id").toString().toUtf8();
        f.server.clock().advanceMs(25LL * 3600 * 1000);
        QCOMPARE(f.api->postJson("/api/quick-sessions/" + sid2 + "/messages", {{"content", "x"}}).errorCode(), QStringLiteral("SESSION_EXPIRED"));
    }
};

QTEST_GUILESS_MAIN(TstApiKins)
#include "tst_api_kins.moc"
