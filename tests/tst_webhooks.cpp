// Webhooks: /api/webhooks CRUD with webhook:* events, every management route's failure paths and 401; the public
// POST /api/webhooks/incoming/:id with its checks in order (rate limit on the manual clock, unknown, token by Bearer
// and ?token=, inactive, oversized body, 405); filters (simple, regex, non-JSON) with logs, the filtered flag and
// filteredCount; test-filter and suggest-fields; the payload reaching the Kin as a queued message and the Kin taking
// a turn on the fake LLM; task mode through a fake spawner (503 without one) and its templates; log retention on the
// clock; the webhook tools; and the payload helpers (dot paths, JavaScript strings, regex translation, templates).
#include "ApiAssertions.h"
#include "KinFixture.h"

#include "crypto/Crypto.h"
#include "scheduling/Scheduler.h"
#include "storage/Database.h"
#include "util/Ids.h"
#include "webhooks/PayloadFilter.h"
#include "webhooks/PayloadPaths.h"
#include "webhooks/TaskTemplate.h"
#include "webhooks/WebhookService.h"

#include <QRegularExpression>
#include <QSqlQuery>

using namespace kinbot;
using namespace kinbot::test;

namespace {

QJsonObject webhookOf(const HttpResponse &r)
{
    return r.json().value(QStringLiteral("webhook")).toObject();
}

QByteArray hookPath(const QString &id, const char *tail = "")
{
    return "/api/webhooks/" + id.toUtf8() + tail;
}

QByteArray incomingPath(const QString &id)
{
    return "/api/webhooks/incoming/" + id.toUtf8();
}

// A webhook made over the API → its object (with the token).
QJsonObject createHook(KinFixture &f, const QString &kinId, const QString &name = QStringLiteral("GitHub"), const QJsonObject &extra = {})
{
    QJsonObject body{{"kinId", kinId}, {"name", name}};
    for (auto it = extra.begin(); it != extra.end(); ++it)
        body.insert(it.key(), it.value());
    const HttpResponse r = f.api->postJson("/api/webhooks", body);
    if (r.status != 201)
        qWarning() << "webhook create:" << r.status << r.body;
    return webhookOf(r);
}

// Posts a payload as an outside service would: no session, the token as a Bearer header.
HttpResponse deliver(KinFixture &f, const QString &id, const QString &token, const QByteArray &body)
{
    return f.server.client().postRaw(incomingPath(id), body, "application/json", {{"Authorization", "Bearer " + token.toUtf8()}});
}

// Stands in for the tasks work: records each spawn and answers a task id.
struct FakeSpawner final : WebhookTaskSpawner
{
    struct Call
    {
        QString webhookId;
        QString group;
        int maxConcurrent;
        QString title;
        QString description;
    };
    QList<Call> calls;
    bool queueThem = false;
    Result<WebhookTaskSpawn> spawnWebhookTask(const WebhookRecord &w, const QString &title, const QString &description) override
    {
        calls.append({w.id, w.taskGroup(), w.maxConcurrentTasks, title, description});
        return WebhookTaskSpawn{QStringLiteral("task-%1").arg(calls.size()), queueThem};
    }
};

} // namespace

class TstWebhooks final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void crudWithEvents()
    {
        KinFixture f;
        const QString provider = f.addProvider();
        const QString kinId = f.addKin(QStringLiteral("Watcher"), provider).value("id").toString();
        const QString other = f.addKin(QStringLiteral("Other"), provider).value("id").toString();
        auto sse = f.openSse();

        HttpResponse r = f.api->postJson("/api/webhooks", {{"kinId", "watcher"}, {"name", "  GitHub  "}, {"description", "Pushes"}});
        QCOMPARE(r.status, 201);
        QJsonObject w = webhookOf(r);
        const QString id = w.value("id").toString();
        const QString token = w.value("token").toString();
        QVERIFY(ids::isUuid(id));
        QVERIFY2(QRegularExpression("^[0-9a-f]{64}$").match(token).hasMatch(), qPrintable(token));
        QCOMPARE(w.value("url").toString(), f.server.platform().config().effectivePublicUrl(f.server.port()) + "/api/webhooks/incoming/" + id);
        QCOMPARE(w.value("kinId").toString(), kinId);
        QCOMPARE(w.value("kinName").toString(), QStringLiteral("Watcher"));
        QCOMPARE(w.value("name").toString(), QStringLiteral("GitHub"));
        QCOMPARE(w.value("description").toString(), QStringLiteral("Pushes"));
        QCOMPARE(w.value("isActive").toBool(), true);
        QCOMPARE(w.value("triggerCount").toInt(), 0);
        QVERIFY(w.value("lastTriggeredAt").isNull());
        QVERIFY(w.value("filterMode").isNull());
        QVERIFY(w.value("filterAllowedValues").isNull());
        QCOMPARE(w.value("filteredCount").toInt(), 0);
        QCOMPARE(w.value("dispatchMode").toString(), QStringLiteral("conversation"));
        QCOMPARE(w.value("maxConcurrentTasks").toInt(), 1);
        QCOMPARE(w.value("createdBy").toString(), QStringLiteral("user"));
        QCOMPARE(w.value("createdAt").toDouble(), double(f.server.clock().nowMs()));
        auto created = sse->waitFor([&](const SseFrame &fr) { return isEvent(fr, "webhook:created"); });
        QVERIFY(created.has_value());
        QCOMPARE(created->data.value("webhookId").toString(), id);
        QCOMPARE(created->data.value("kinId").toString(), kinId);

        // Only the token's SHA-256 is stored.
        auto row = f.server.platform().database().selectOne("SELECT token_hash FROM webhooks WHERE id = ?", {id});
        QVERIFY(row && row.value());
        QCOMPARE(row.value()->value(0).toString(), crypto::sha256Hex(token.toUtf8()));
        QCOMPARE(rowCount(f.server.platform().database(), "SELECT count(*) FROM webhooks WHERE token_hash = ?", {token}), 0);

        // Lists: never a token; by Kin id or slug; an unknown Kin has none.
        QJsonArray all = f.api->get("/api/webhooks").json().value("webhooks").toArray();
        QCOMPARE(all.size(), 1);
        QVERIFY(!all.first().toObject().contains("token"));
        QCOMPARE(all.first().toObject().value("url").toString(), w.value("url").toString());
        QCOMPARE(f.api->get("/api/webhooks?kinId=watcher").json().value("webhooks").toArray().size(), 1);
        QCOMPARE(f.api->get("/api/webhooks?kinId=" + other.toUtf8()).json().value("webhooks").toArray().size(), 0);
        QCOMPARE(f.api->get("/api/webhooks?kinId=nobody").json().value("webhooks").toArray().size(), 0);

        // PATCH: fields, a simple filter, task mode with its settings.
        r = f.api->patchJson(hookPath(id), {{"name", "GH"}, {"isActive", false}, {"filterMode", "simple"}, {"filterField", "action"},
                                            {"filterAllowedValues", QJsonArray{"opened", "closed"}}, {"dispatchMode", "task"},
                                            {"taskTitleTemplate", "PR {{number}}"}, {"maxConcurrentTasks", 3}});
        QCOMPARE(r.status, 200);
        w = webhookOf(r);
        QVERIFY(!w.contains("token"));
        QCOMPARE(w.value("name").toString(), QStringLiteral("GH"));
        QCOMPARE(w.value("isActive").toBool(), false);
        QCOMPARE(w.value("filterMode").toString(), QStringLiteral("simple"));
        QCOMPARE(w.value("filterField").toString(), QStringLiteral("action"));
        QCOMPARE(w.value("filterAllowedValues").toArray(), (QJsonArray{"opened", "closed"}));
        QCOMPARE(w.value("dispatchMode").toString(), QStringLiteral("task"));
        QCOMPARE(w.value("taskTitleTemplate").toString(), QStringLiteral("PR {{number}}"));
        QCOMPARE(w.value("maxConcurrentTasks").toInt(), 3);
        auto updated = sse->waitFor([&](const SseFrame &fr) { return isEvent(fr, "webhook:updated"); });
        QVERIFY(updated.has_value());
        QCOMPARE(updated->data.value("webhookId").toString(), id);

        // An advanced filter replaces the simple one; back to conversation mode drops the task settings; null clears.
        w = webhookOf(f.api->patchJson(hookPath(id), {{"filterMode", "advanced"}, {"filterExpression", "\"ref\":\\s*\"main\""},
                                                      {"dispatchMode", "conversation"}}));
        QCOMPARE(w.value("filterMode").toString(), QStringLiteral("advanced"));
        QCOMPARE(w.value("filterExpression").toString(), QStringLiteral("\"ref\":\\s*\"main\""));
        QVERIFY(w.value("filterField").isNull());
        QVERIFY(w.value("filterAllowedValues").isNull());
        QCOMPARE(w.value("dispatchMode").toString(), QStringLiteral("conversation"));
        QVERIFY(w.value("taskTitleTemplate").isNull());
        QCOMPARE(w.value("maxConcurrentTasks").toInt(), 1);
        w = webhookOf(f.api->patchJson(hookPath(id), {{"filterMode", QJsonValue()}, {"description", QJsonValue()}}));
        QVERIFY(w.value("filterMode").isNull());
        QVERIFY(w.value("filterExpression").isNull());
        QVERIFY(w.value("description").isNull());

        // Regenerating the token: a new one, shown once; the stored hash follows.
        r = f.api->postJson(hookPath(id, "/regenerate-token"), {});
        QCOMPARE(r.status, 200);
        const QString fresh = r.json().value("token").toString();
        QVERIFY(QRegularExpression("^[0-9a-f]{64}$").match(fresh).hasMatch());
        QVERIFY(fresh != token);
        QCOMPARE(f.server.platform().database().selectOne("SELECT token_hash FROM webhooks WHERE id = ?", {id}).value()->value(0).toString(),
                 crypto::sha256Hex(fresh.toUtf8()));

        // DELETE
        QCOMPARE(f.api->del(hookPath(id)).json().value("success").toBool(), true);
        auto deleted = sse->waitFor([&](const SseFrame &fr) { return isEvent(fr, "webhook:deleted"); });
        QVERIFY(deleted.has_value());
        QCOMPARE(deleted->data.value("webhookId").toString(), id);
        QCOMPARE(f.api->get("/api/webhooks").json().value("webhooks").toArray().size(), 0);
    }

    void everyRouteRefusesBadInput()
    {
        KinFixture f;
        const QString kinId = f.addKin(QStringLiteral("Strict"), f.addProvider()).value("id").toString();
        const auto post = [&](const QJsonObject &body) { return f.api->postJson("/api/webhooks", body); };
        const QJsonObject b{{"kinId", kinId}, {"name", "hook"}};
        const auto with = [&](const char *key, const QJsonValue &v) {
            QJsonObject o = b;
            o.insert(QString::fromLatin1(key), v);
            return o;
        };
        expectError(f.api->request("POST", "/api/webhooks", "{bad", {{"Content-Type", "application/json"}}), 400, "INVALID_JSON");
        expectError(post({}), 400, "VALIDATION_ERROR", "kinId");
        expectError(post({{"kinId", kinId}}), 400, "VALIDATION_ERROR", "name");
        expectError(post(with("name", "   ")), 400, "VALIDATION_ERROR", "name");
        expectError(post(with("name", QString(201, QLatin1Char('n')))), 400, "VALIDATION_ERROR", "at most 200");
        expectError(post(with("name", 5)), 400, "VALIDATION_ERROR", "name must be a string");
        expectError(post(with("description", QString(1001, QLatin1Char('d')))), 400, "VALIDATION_ERROR", "at most 1000");
        expectError(post(with("dispatchMode", "email")), 400, "VALIDATION_ERROR", "dispatchMode");
        expectError(post(with("maxConcurrentTasks", -1)), 400, "VALIDATION_ERROR", "maxConcurrentTasks");
        expectError(post(with("maxConcurrentTasks", 1.5)), 400, "VALIDATION_ERROR", "maxConcurrentTasks");
        expectError(post(with("maxConcurrentTasks", "2")), 400, "VALIDATION_ERROR", "maxConcurrentTasks");
        expectError(post(with("isActive", "yes")), 400, "VALIDATION_ERROR", "isActive");
        expectError(post({{"kinId", "nobody"}, {"name", "hook"}}), 404, "KIN_NOT_FOUND");
        QCOMPARE(rowCount(f.server.platform().database(), "SELECT count(*) FROM webhooks"), 0);

        const QJsonObject made = createHook(f, kinId);
        const QString id = made.value("id").toString();
        QVERIFY(!id.isEmpty());
        const QByteArray path = hookPath(id);
        // Filters are checked when saved: an invalid regex never reaches a payload.
        expectError(f.api->patchJson(path, {{"filterMode", "advanced"}, {"filterExpression", "(unclosed"}}), 400, "VALIDATION_ERROR",
                    "Invalid regular expression");
        expectError(f.api->patchJson(path, {{"filterMode", "advanced"}, {"filterExpression", "a[z"}}), 400, "VALIDATION_ERROR", "regular expression");
        expectError(f.api->patchJson(path, {{"filterMode", "advanced"}, {"filterExpression", QString(501, QLatin1Char('a'))}}), 400,
                    "VALIDATION_ERROR", "500");
        expectError(f.api->patchJson(path, {{"filterMode", "advanced"}}), 400, "VALIDATION_ERROR", "filterExpression");
        expectError(f.api->patchJson(path, {{"filterMode", "simple"}, {"filterAllowedValues", QJsonArray{"a"}}}), 400, "VALIDATION_ERROR",
                    "filterField");
        expectError(f.api->patchJson(path, {{"filterMode", "fuzzy"}}), 400, "VALIDATION_ERROR", "filterMode");
        expectError(f.api->patchJson(path, {{"filterAllowedValues", QJsonArray{1, 2}}}), 400, "VALIDATION_ERROR", "filterAllowedValues");
        expectError(f.api->patchJson(path, {{"filterAllowedValues", "opened"}}), 400, "VALIDATION_ERROR", "filterAllowedValues");
        expectError(f.api->patchJson(path, {{"kinId", kinId}}), 400, "VALIDATION_ERROR", "kinId");
        expectError(f.api->patchJson(path, {{"name", ""}}), 400, "VALIDATION_ERROR", "name");
        expectError(f.api->request("PATCH", path, "[1]", {{"Content-Type", "application/json"}}), 400, "INVALID_JSON");
        QVERIFY(webhookOf(f.api->patchJson(path, {{"name", "same"}})).value("filterMode").isNull()); // nothing half-saved

        // Unknown webhooks, on every route.
        const QByteArray nope = hookPath(QStringLiteral("00000000-0000-4000-8000-000000000000"));
        expectError(f.api->patchJson(nope, {{"name", "x"}}), 404, "WEBHOOK_NOT_FOUND");
        expectError(f.api->del(nope), 404, "WEBHOOK_NOT_FOUND");
        expectError(f.api->get(nope + "/logs"), 404, "WEBHOOK_NOT_FOUND");
        expectError(f.api->postJson(nope + "/regenerate-token", {}), 404, "WEBHOOK_NOT_FOUND");
        expectError(f.api->postJson(nope + "/test-filter", {{"payload", "{}"}}), 404, "WEBHOOK_NOT_FOUND");
        expectError(f.api->postJson(nope + "/suggest-fields", {}), 404, "WEBHOOK_NOT_FOUND");
        // Bad route input.
        expectError(f.api->get(path + "/logs?limit=many"), 400, "VALIDATION_ERROR", "limit");
        expectError(f.api->postJson(path + "/test-filter", {}), 400, "VALIDATION_ERROR", "payload");
        expectError(f.api->postJson(path + "/test-filter", {{"payload", QJsonObject{{"a", 1}}}}), 400, "VALIDATION_ERROR", "payload");
        expectError(f.api->postJson(path + "/test-filter", {{"payload", "{}"}, {"filterMode", 3}}), 400, "VALIDATION_ERROR", "filterMode");
        expectError(f.api->request("POST", path + "/test-filter", "nope", {{"Content-Type", "application/json"}}), 400, "INVALID_JSON");

        // No session, no management.
        HttpClient anon = f.server.client();
        QCOMPARE(anon.get("/api/webhooks").status, 401);
        QCOMPARE(anon.postJson("/api/webhooks", b).status, 401);
        QCOMPARE(anon.patchJson(path, {{"name", "x"}}).status, 401);
        QCOMPARE(anon.del(path).status, 401);
        QCOMPARE(anon.get(path + "/logs").status, 401);
        QCOMPARE(anon.postJson(path + "/regenerate-token", {}).status, 401);
        QCOMPARE(anon.postJson(path + "/test-filter", {{"payload", "{}"}}).status, 401);
        QCOMPARE(anon.postJson(path + "/suggest-fields", {}).status, 401);
        QCOMPARE(rowCount(f.server.platform().database(), "SELECT count(*) FROM webhooks"), 1);
    }

    void atMostTwentyPerKin()
    {
        KinFixture f;
        const QString provider = f.addProvider();
        const QString kinId = f.addKin(QStringLiteral("Busy"), provider).value("id").toString();
        const QString other = f.addKin(QStringLiteral("Calm"), provider).value("id").toString();
        for (int i = 0; i < WebhookService::kMaxPerKin; ++i)
            QVERIFY(!createHook(f, kinId, QStringLiteral("hook %1").arg(i)).isEmpty());
        expectError(f.api->postJson("/api/webhooks", {{"kinId", kinId}, {"name", "one more"}}), 400, "WEBHOOK_CREATE_ERROR", "20");
        QVERIFY(!createHook(f, other).isEmpty()); // per Kin
        const QString first = f.api->get("/api/webhooks?kinId=busy").json().value("webhooks").toArray().first().toObject().value("id").toString();
        QCOMPARE(f.api->del(hookPath(first)).status, 200);
        QVERIFY(!createHook(f, kinId, QStringLiteral("again")).isEmpty());
    }

    void incomingChecksInOrder()
    {
        KinFixture f;
        const QString kinId = f.addKin(QStringLiteral("Door"), f.addProvider()).value("id").toString();
        const QJsonObject w = createHook(f, kinId);
        const QString id = w.value("id").toString();
        const QString token = w.value("token").toString();
        HttpClient anon = f.server.client();
        const QByteArray body = "{\"action\":\"opened\"}";

        expectError(anon.postRaw(incomingPath(id), body), 401, "UNAUTHORIZED");
        expectError(anon.postRaw(incomingPath(id), body, "application/json", {{"Authorization", "Bearer " + QByteArray(64, 'a')}}), 403, "FORBIDDEN");
        expectError(anon.postRaw(incomingPath(id) + "?token=" + QByteArray(64, 'b'), body), 403, "FORBIDDEN");
        expectError(anon.postRaw(incomingPath(id), body, "application/json", {{"Authorization", "Bearer "}}), 401, "UNAUTHORIZED");
        // A session cookie is no substitute for the token.
        expectError(f.api->postRaw(incomingPath(id), body), 401, "UNAUTHORIZED");
        QCOMPARE(rowCount(f.server.platform().database(), "SELECT count(*) FROM webhook_logs"), 0);

        HttpResponse r = deliver(f, id, token, body);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json(), (QJsonObject{{"success", true}}));
        r = anon.postRaw(incomingPath(id) + "?token=" + token.toUtf8(), "plain text is fine too", "text/plain");
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json(), (QJsonObject{{"success", true}}));
        QCOMPARE(rowCount(f.server.platform().database(), "SELECT count(*) FROM webhook_logs WHERE webhook_id = ?", {id}), 2);
        const QJsonObject listed = f.api->get("/api/webhooks").json().value("webhooks").toArray().first().toObject();
        QCOMPARE(listed.value("triggerCount").toInt(), 2);
        QCOMPARE(listed.value("lastTriggeredAt").toDouble(), double(f.server.clock().nowMs()));

        // Other methods: 405 with Allow: POST. Unknown webhook: 404.
        r = anon.get(incomingPath(id));
        expectError(r, 405, "METHOD_NOT_ALLOWED");
        QCOMPARE(r.header("allow"), QByteArray("POST"));
        QCOMPARE(anon.request("PUT", incomingPath(id), body).header("allow"), QByteArray("POST"));
        expectError(deliver(f, QStringLiteral("00000000-0000-4000-8000-000000000000"), token, body), 404, "WEBHOOK_NOT_FOUND");

        // Over 1 MiB: 413 before the body is read; nothing is logged. Exactly 1 MiB is accepted.
        QByteArray big(WebhookService::kMaxPayloadBytes + 1, 'x');
        expectError(deliver(f, id, token, big), 413, "PAYLOAD_TOO_LARGE");
        QCOMPARE(rowCount(f.server.platform().database(), "SELECT count(*) FROM webhook_logs WHERE webhook_id = ?", {id}), 2);
        big.chop(1);
        QCOMPARE(f.api->patchJson(hookPath(id), {{"filterMode", "advanced"}, {"filterExpression", "^never$"}}).status, 200); // no 1 MiB turn
        QCOMPARE(deliver(f, id, token, big).json(), (QJsonObject{{"success", true}, {"filtered", true}}));
        QCOMPARE(f.api->patchJson(hookPath(id), {{"filterMode", QJsonValue()}}).status, 200);
        // The log keeps 512 KiB of it.
        QCOMPARE(rowCount(f.server.platform().database(), "SELECT max(length(payload)) FROM webhook_logs WHERE webhook_id = ?", {id}),
                 WebhookService::kMaxLoggedPayloadBytes);

        // Inactive: 409 — after the token check (a wrong token still gets 403).
        QCOMPARE(f.api->patchJson(hookPath(id), {{"isActive", false}}).status, 200);
        expectError(deliver(f, id, token, body), 409, "WEBHOOK_INACTIVE");
        expectError(deliver(f, id, QString(64, QLatin1Char('c')), body), 403, "FORBIDDEN");
        QCOMPARE(f.api->patchJson(hookPath(id), {{"isActive", true}}).status, 200);

        // A regenerated token replaces the old one at once.
        const QString fresh = f.api->postJson(hookPath(id, "/regenerate-token"), {}).json().value("token").toString();
        expectError(deliver(f, id, token, body), 403, "FORBIDDEN");
        QCOMPARE(deliver(f, id, fresh, body).status, 200);

        // Deleted: gone.
        QCOMPARE(f.api->del(hookPath(id)).status, 200);
        expectError(deliver(f, id, fresh, body), 404, "WEBHOOK_NOT_FOUND");
    }

    void rateLimitPerWebhookOnTheClock()
    {
        KinFixture f;
        const QString kinId = f.addKin(QStringLiteral("Flood"), f.addProvider()).value("id").toString();
        const QJsonObject w = createHook(f, kinId);
        const QString id = w.value("id").toString();
        const QString token = w.value("token").toString();
        const QJsonObject calm = createHook(f, kinId, QStringLiteral("calm"));
        const QString wrong(64, QLatin1Char('0'));
        // Payloads are filtered out here: the Kin need not take 60 turns.
        for (const QJsonObject &hook : {w, calm})
            QCOMPARE(f.api->patchJson(hookPath(hook.value("id").toString()), {{"filterMode", "advanced"}, {"filterExpression", "^never$"}}).status, 200);
        // Every call counts, refused ones too (a token cannot be guessed at more than 60 a minute).
        for (int i = 0; i < WebhookService::kRatePerMinute; ++i) {
            f.server.clock().advanceMs(500); // 60 calls over 30 s
            const HttpResponse r = deliver(f, id, i % 2 ? token : wrong, "{}");
            QCOMPARE(r.status, i % 2 ? 200 : 403);
        }
        HttpResponse r = deliver(f, id, token, "{}");
        expectError(r, 429, "RATE_LIMITED");
        QVERIFY(r.header("retry-after").toInt() >= 1);
        // The limit is checked first: a wrong token gets 429 now too.
        expectError(deliver(f, id, wrong, "{}"), 429, "RATE_LIMITED");
        // Another webhook is not affected; unknown ids are 404 whatever the rate.
        QCOMPARE(deliver(f, calm.value("id").toString(), calm.value("token").toString(), "{}").status, 200);
        // The window slides: 30.5 s later the first calls left it.
        f.server.clock().advanceMs(30 * 1000 + 500);
        QCOMPARE(deliver(f, id, token, "{}").status, 200);
        // After a full minute with no calls everything passes again.
        f.server.clock().advanceMs(61 * 1000);
        for (int i = 0; i < 5; ++i)
            QCOMPARE(deliver(f, id, token, "{}").status, 200);
    }

    void filtersLogsAndSuggestions()
    {
        KinFixture f;
        const QString kinId = f.addKin(QStringLiteral("Sieve"), f.addProvider()).value("id").toString();
        const QJsonObject w = createHook(f, kinId);
        const QString id = w.value("id").toString();
        const QString token = w.value("token").toString();
        QCOMPARE(f.api->patchJson(hookPath(id), {{"filterMode", "simple"}, {"filterField", "action"}, {"filterAllowedValues", QJsonArray{"opened"}}})
                     .status,
                 200);

        HttpResponse r = deliver(f, id, token, "{\"action\":\"OPENED\",\"number\":7}");
        QCOMPARE(r.json(), (QJsonObject{{"success", true}}));
        r = deliver(f, id, token, "{\"action\":\"closed\"}");
        QCOMPARE(r.json(), (QJsonObject{{"success", true}, {"filtered", true}}));
        r = deliver(f, id, token, "not json at all");
        QCOMPARE(r.json(), (QJsonObject{{"success", true}, {"filtered", true}}));
        r = deliver(f, id, token, "{\"other\":1}");
        QCOMPARE(r.json(), (QJsonObject{{"success", true}, {"filtered", true}}));

        // Logs: newest first, filtered flags, source IP; counts on the summary.
        QJsonArray logs = f.api->get(hookPath(id, "/logs")).json().value("logs").toArray();
        QCOMPARE(logs.size(), 4);
        QCOMPARE(logs.at(3).toObject().value("payload").toString(), QStringLiteral("{\"action\":\"OPENED\",\"number\":7}"));
        QCOMPARE(logs.at(3).toObject().value("filtered").toBool(), false);
        QCOMPARE(logs.at(2).toObject().value("filtered").toBool(), true);
        QCOMPARE(logs.at(1).toObject().value("payload").toString(), QStringLiteral("not json at all"));
        QCOMPARE(logs.at(0).toObject().value("webhookId").toString(), id);
        QCOMPARE(logs.at(0).toObject().value("sourceIp").toString(), QStringLiteral("127.0.0.1"));
        QCOMPARE(logs.at(0).toObject().value("createdAt").toDouble(), double(f.server.clock().nowMs()));
        QCOMPARE(f.api->get(hookPath(id, "/logs?limit=2")).json().value("logs").toArray().size(), 2);
        QCOMPARE(f.api->get(hookPath(id, "/logs?limit=0")).json().value("logs").toArray().size(), 1);   // clamped to 1
        QCOMPARE(f.api->get(hookPath(id, "/logs?limit=999")).json().value("logs").toArray().size(), 4); // clamped to 200
        QJsonObject listed = f.api->get("/api/webhooks").json().value("webhooks").toArray().first().toObject();
        QCOMPARE(listed.value("filteredCount").toInt(), 3);
        QCOMPARE(listed.value("triggerCount").toInt(), 4); // filtered payloads count as triggers
        QCOMPARE(webhookOf(f.api->patchJson(hookPath(id), {{"name", "GitHub"}})).value("filteredCount").toInt(), 3);

        // A forwarding proxy on this machine: its X-Forwarded-For is the source.
        f.server.client().postRaw(incomingPath(id), "{\"action\":\"opened\"}", "application/json",
                                  {{"Authorization", "Bearer " + token.toUtf8()}, {"X-Forwarded-For", "203.0.113.9, 10.0.0.1"}});
        QCOMPARE(f.api->get(hookPath(id, "/logs?limit=1")).json().value("logs").toArray().first().toObject().value("sourceIp").toString(),
                 QStringLiteral("203.0.113.9"));

        // Advanced: a regex on the raw body.
        QCOMPARE(f.api->patchJson(hookPath(id), {{"filterMode", "advanced"}, {"filterExpression", "\"ref\":\\s*\"refs/heads/main\""}}).status, 200);
        QCOMPARE(deliver(f, id, token, "{\"ref\": \"refs/heads/main\"}").json(), (QJsonObject{{"success", true}}));
        QCOMPARE(deliver(f, id, token, "{\"ref\": \"refs/heads/dev\"}").json(), (QJsonObject{{"success", true}, {"filtered", true}}));
        QCOMPARE(deliver(f, id, token, "ref=main").json(), (QJsonObject{{"success", true}, {"filtered", true}}));

        // test-filter: the saved filter, or overrides; extracted value and errors.
        const QByteArray test = hookPath(id, "/test-filter");
        r = f.api->postJson(test, {{"payload", "{\"ref\":\"refs/heads/main\"}"}});
        QCOMPARE(r.json(), (QJsonObject{{"passed", true}}));
        r = f.api->postJson(test, {{"payload", "{\"ref\":\"x\"}"}});
        QCOMPARE(r.json(), (QJsonObject{{"passed", false}}));
        r = f.api->postJson(test, {{"payload", "{\"pull_request\":{\"state\":\"Open\",\"number\":12}}"},
                                   {"filterMode", "simple"}, {"filterField", "pull_request.number"}, {"filterAllowedValues", QJsonArray{"12"}}});
        QCOMPARE(r.json(), (QJsonObject{{"passed", true}, {"extractedValue", "12"}}));
        r = f.api->postJson(test, {{"payload", "{\"state\":\"draft\"}"}, {"filterMode", "simple"}, {"filterField", "state"},
                                   {"filterAllowedValues", QJsonArray{"open"}}});
        QCOMPARE(r.json(), (QJsonObject{{"passed", false}, {"extractedValue", "draft"}}));
        r = f.api->postJson(test, {{"payload", "{\"state\":\"open\"}"}, {"filterMode", "simple"}, {"filterField", "state"},
                                   {"filterAllowedValues", QJsonArray()}});
        QCOMPARE(r.json().value("passed").toBool(), false); // an empty list lets nothing through
        r = f.api->postJson(test, {{"payload", "<xml/>"}, {"filterMode", "simple"}, {"filterField", "state"}, {"filterAllowedValues", QJsonArray{"a"}}});
        QCOMPARE(r.json(), (QJsonObject{{"passed", false}, {"error", "non-json"}}));
        r = f.api->postJson(test, {{"payload", "abc"}, {"filterExpression", "(oops"}});
        QCOMPARE(r.json().value("passed").toBool(), false); // an invalid expression fails closed
        QVERIFY(r.json().value("error").toString().contains("Invalid regular expression"));
        r = f.api->postJson(test, {{"payload", "anything"}, {"filterMode", QJsonValue()}});
        QCOMPARE(r.json(), (QJsonObject{{"passed", true}}));
        // The saved filter was not touched by the overrides.
        QCOMPARE(f.api->get("/api/webhooks").json().value("webhooks").toArray().first().toObject().value("filterMode").toString(),
                 QStringLiteral("advanced"));

        // suggest-fields: the newest logged payload's dot paths.
        QCOMPARE(deliver(f, id, token, "{\"ref\":\"refs/heads/main\",\"repository\":{\"name\":\"kb\",\"owner\":{\"login\":\"ada\"}},"
                                       "\"commits\":[{\"id\":1}]}")
                     .status,
                 200);
        r = f.api->postJson(hookPath(id, "/suggest-fields"), {});
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json().value("fields").toArray(),
                 (QJsonArray{"commits", "ref", "repository", "repository.name", "repository.owner", "repository.owner.login"}));
        QVERIFY(r.json().value("lastPayload").toString().startsWith("{\"ref\":\"refs/heads/main\""));
        const QString fresh = createHook(f, kinId, QStringLiteral("fresh")).value("id").toString();
        r = f.api->postJson(hookPath(fresh, "/suggest-fields"), {});
        QCOMPARE(r.json().value("fields").toArray().size(), 0);
        QVERIFY(r.json().value("lastPayload").isNull());
    }

    void payloadReachesTheKin()
    {
        KinFixture f;
        const QString kinId = f.addKin(QStringLiteral("Listener"), f.addProvider()).value("id").toString();
        const QJsonObject w = createHook(f, kinId, QStringLiteral("Deploys"));
        const QString id = w.value("id").toString();
        auto sse = f.openSse();
        f.fake.enqueue(FakeReply::text({"Deploy ", "noted."}));

        const QByteArray body = "{\"service\":\"api\",\"status\":\"ok\"}";
        QCOMPARE(deliver(f, id, w.value("token").toString(), body).status, 200);
        auto triggered = sse->waitFor([&](const SseFrame &fr) { return isEvent(fr, "webhook:triggered", kinId); });
        QVERIFY(triggered.has_value());
        QCOMPARE(triggered->data.value("webhookId").toString(), id);
        const QString queueItemId = triggered->data.value("queueItemId").toString();
        QVERIFY(!queueItemId.isEmpty());

        // The queue item, as the reference writes it.
        auto item = f.server.platform().database().selectOne(
            "SELECT message_type, source_type, source_id, priority, content FROM queue_items WHERE id = ?", {queueItemId});
        QVERIFY(item && item.value());
        QCOMPARE(item.value()->value(0).toString(), QStringLiteral("webhook"));
        QCOMPARE(item.value()->value(1).toString(), QStringLiteral("webhook"));
        QCOMPARE(item.value()->value(2).toString(), id);
        QCOMPARE(item.value()->value(3).toInt(), 50);
        const QString expected = QStringLiteral("[Webhook: Deploys]\n") + QString::fromUtf8(body);
        QCOMPARE(item.value()->value(4).toString(), expected);

        // The Kin takes a turn: the model sees the payload, and answers.
        QVERIFY(f.fake.waitForChatRequests(1));
        QVERIFY(QJsonDocument(f.fake.chatRequests().first().json).toJson().contains("[Webhook: Deploys]\\n{\\\"service\\\":\\\"api\\\""));
        auto done = sse->waitFor([&](const SseFrame &fr) { return isEvent(fr, "chat:done", kinId); }, 10000);
        QVERIFY(done.has_value());
        const QJsonArray messages = messagesOf(*f.api, kinId);
        QCOMPARE(messages.size(), 2);
        QCOMPARE(messages.at(0).toObject().value("content").toString(), expected);
        QCOMPARE(messages.at(0).toObject().value("sourceType").toString(), QStringLiteral("webhook"));
        QCOMPARE(messages.at(0).toObject().value("sourceId").toString(), id);
        QCOMPARE(messages.at(1).toObject().value("role").toString(), QStringLiteral("assistant"));
        QCOMPARE(messages.at(1).toObject().value("content").toString(), QStringLiteral("Deploy noted."));

        // A filtered payload never reaches the Kin.
        QCOMPARE(f.api->patchJson(hookPath(id), {{"filterMode", "advanced"}, {"filterExpression", "^never$"}}).status, 200);
        QCOMPARE(deliver(f, id, w.value("token").toString(), "{}").json().value("filtered").toBool(), true);
        QCOMPARE(rowCount(f.server.platform().database(), "SELECT count(*) FROM queue_items WHERE source_id = ?", {id}), 1);
    }

    void taskModeSpawnsTasks()
    {
        KinFixture f;
        const QString kinId = f.addKin(QStringLiteral("Worker"), f.addProvider()).value("id").toString();
        const QJsonObject w = createHook(f, kinId, QStringLiteral("Issues"),
                                         {{"dispatchMode", "task"}, {"taskTitleTemplate", "Issue #{{issue.number}}: {{ issue.title }}"},
                                          {"taskPromptTemplate", "Triage {{issue}} from {{sender.login}}{{missing.path}}; raw={{__payload__}}"},
                                          {"maxConcurrentTasks", 2}});
        const QString id = w.value("id").toString();
        const QString token = w.value("token").toString();
        QCOMPARE(w.value("dispatchMode").toString(), QStringLiteral("task"));
        QCOMPARE(w.value("maxConcurrentTasks").toInt(), 2);
        const QByteArray body = "{\"issue\":{\"number\":42,\"title\":\"Crash\"},\"sender\":{\"login\":\"ada\"}}";

        // A real task: async, for the webhook's Kin, in the webhook's group with its limit, the rendered title.
        HttpResponse real = deliver(f, id, token, body);
        QCOMPARE(real.status, 200);
        QCOMPARE(real.json().value("queued").toBool(), false);
        const QString taskId = real.json().value("taskId").toString();
        QVERIFY(!taskId.isEmpty());
        QSqlQuery q(f.server.platform().database().connection());
        q.prepare(QStringLiteral("SELECT webhook_id, mode, parent_kin_id, concurrency_group, concurrency_max, title FROM tasks WHERE id = ?"));
        q.addBindValue(taskId);
        QVERIFY(q.exec() && q.next());
        QCOMPARE(q.value(0).toString(), id);
        QCOMPARE(q.value(1).toString(), QStringLiteral("async"));
        QCOMPARE(q.value(2).toString(), kinId);
        QCOMPARE(q.value(3).toString(), "webhook:" + id);
        QCOMPARE(q.value(4).toInt(), 2);
        QCOMPARE(q.value(5).toString(), QStringLiteral("Issue #42: Crash"));
        q.finish();
        QCOMPARE(rowCount(f.server.platform().database(), "SELECT count(*) FROM webhook_logs"), 1);

        // No task runner: said plainly, nothing counted, logged or faked.
        f.server.platform().webhooks().setSpawner(nullptr);
        expectError(deliver(f, id, token, body), 503, "TASKS_UNAVAILABLE");
        QCOMPARE(rowCount(f.server.platform().database(), "SELECT count(*) FROM webhook_logs"), 1);
        QCOMPARE(f.api->get("/api/webhooks").json().value("webhooks").toArray().first().toObject().value("triggerCount").toInt(), 1);

        FakeSpawner spawner;
        f.server.platform().webhooks().setSpawner(&spawner);
        auto sse = f.openSse();
        HttpResponse r = deliver(f, id, token, body);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json(), (QJsonObject{{"success", true}, {"taskId", "task-1"}, {"queued", false}}));
        QCOMPARE(spawner.calls.size(), 1);
        QCOMPARE(spawner.calls[0].webhookId, id);
        QCOMPARE(spawner.calls[0].group, "webhook:" + id);
        QCOMPARE(spawner.calls[0].maxConcurrent, 2);
        QCOMPARE(spawner.calls[0].title, QStringLiteral("Issue #42: Crash"));
        QCOMPARE(spawner.calls[0].description,
                 QStringLiteral("Triage {\"number\":42,\"title\":\"Crash\"} from ada; raw=") + QString::fromUtf8(body));
        auto triggered = sse->waitFor([&](const SseFrame &fr) { return isEvent(fr, "webhook:triggered", kinId); });
        QVERIFY(triggered.has_value());
        QCOMPARE(triggered->data.value("taskId").toString(), QStringLiteral("task-1"));
        QCOMPARE(triggered->data.value("queued").toBool(), false);
        QCOMPARE(rowCount(f.server.platform().database(), "SELECT count(*) FROM queue_items"), 0); // no conversation message

        // Without templates: "Webhook: <name>" and the raw payload; a queued task says so.
        QCOMPARE(f.api->patchJson(hookPath(id), {{"taskTitleTemplate", QJsonValue()}, {"taskPromptTemplate", QJsonValue()}}).status, 200);
        spawner.queueThem = true;
        r = deliver(f, id, token, "plain");
        QCOMPARE(r.json(), (QJsonObject{{"success", true}, {"taskId", "task-2"}, {"queued", true}}));
        QCOMPARE(spawner.calls[1].title, QStringLiteral("Webhook: Issues"));
        QCOMPARE(spawner.calls[1].description, QStringLiteral("plain"));
        f.server.platform().webhooks().setSpawner(nullptr);
    }

    void logRetentionOnTheClock()
    {
        KinFixture f;
        const QString kinId = f.addKin(QStringLiteral("Keeper"), f.addProvider()).value("id").toString();
        const QString a = createHook(f, kinId, QStringLiteral("a")).value("id").toString();
        const QString b = createHook(f, kinId, QStringLiteral("b")).value("id").toString();
        Database &db = f.server.platform().database();
        const qint64 now = f.server.clock().nowMs();
        const qint64 day = 24LL * 3600 * 1000;
        // a: 520 recent logs; b: 3 recent and 2 older than 30 days.
        QVERIFY(db.transaction([&]() -> Status {
            for (int i = 0; i < 520; ++i)
                if (auto r = db.run("INSERT INTO webhook_logs (id, webhook_id, payload, filtered, created_at) VALUES (?, ?, ?, 0, ?)",
                                    {ids::uuid(), a, QString::number(i), now - 520 + i});
                    !r)
                    return r.error();
            for (qint64 at : {now - 31 * day, now - 30 * day - 1, now - 29 * day, now - day, now})
                if (auto r = db.run("INSERT INTO webhook_logs (id, webhook_id, payload, filtered, created_at) VALUES (?, ?, 'x', 0, ?)",
                                    {ids::uuid(), b, at});
                    !r)
                    return r.error();
            return {};
        }));
        // The first prune runs a minute after start, on the clock.
        Scheduler &scheduler = f.server.platform().scheduler();
        QVERIFY(scheduler.contains("webhooks:log-retention"));
        QVERIFY(scheduler.dueAt("webhooks:log-retention").value() <= now + WebhookService::kFirstPruneAfterMs);
        f.server.clock().advanceMs(WebhookService::kFirstPruneAfterMs + 1);
        QTRY_COMPARE(rowCount(db, "SELECT count(*) FROM webhook_logs WHERE webhook_id = ?", {a}), WebhookService::kMaxLogsPerWebhook);
        QCOMPARE(rowCount(db, "SELECT count(*) FROM webhook_logs WHERE webhook_id = ?", {b}), 3);
        // The newest were kept.
        QCOMPARE(rowCount(db, "SELECT min(CAST(payload AS INTEGER)) FROM webhook_logs WHERE webhook_id = ?", {a}), 20);
        // Then every 6 hours: logs that turn 30 days old go.
        const qint64 next = scheduler.dueAt("webhooks:log-retention").value();
        QCOMPARE(next, f.server.clock().nowMs() + WebhookService::kPruneEveryMs);
        QVERIFY(db.run("UPDATE webhook_logs SET created_at = ? WHERE webhook_id = ? AND payload = 'x'", {next - 31 * day, b}).ok());
        f.server.clock().setNowMs(next);
        QTRY_COMPARE(rowCount(db, "SELECT count(*) FROM webhook_logs WHERE webhook_id = ?", {b}), 0);
        QCOMPARE(rowCount(db, "SELECT count(*) FROM webhook_logs WHERE webhook_id = ?", {a}), WebhookService::kMaxLogsPerWebhook);
    }

    void logsCappedAsTheyArrive()
    {
        KinFixture f;
        const QString kinId = f.addKin(QStringLiteral("Capped"), f.addProvider()).value("id").toString();
        const QJsonObject w = createHook(f, kinId);
        const QString id = w.value("id").toString();
        Database &db = f.server.platform().database();
        const qint64 now = f.server.clock().nowMs();
        for (int i = 0; i < WebhookService::kMaxLogsPerWebhook; ++i)
            QVERIFY(db.run("INSERT INTO webhook_logs (id, webhook_id, payload, filtered, created_at) VALUES (?, ?, 'old', 0, ?)",
                           {ids::uuid(), id, now - 1000 + i})
                        .ok());
        QCOMPARE(f.api->patchJson(hookPath(id), {{"filterMode", "advanced"}, {"filterExpression", "^never$"}}).status, 200);
        QCOMPARE(deliver(f, id, w.value("token").toString(), "new").status, 200);
        QCOMPARE(rowCount(db, "SELECT count(*) FROM webhook_logs WHERE webhook_id = ?", {id}), WebhookService::kMaxLogsPerWebhook);
        QCOMPARE(f.api->get(hookPath(id, "/logs?limit=1")).json().value("logs").toArray().first().toObject().value("payload").toString(),
                 QStringLiteral("new"));
    }

    void deletingTheKinTakesItsWebhooks()
    {
        KinFixture f;
        const QString provider = f.addProvider();
        const QString kinId = f.addKin(QStringLiteral("Leaving"), provider).value("id").toString();
        const QString stays = f.addKin(QStringLiteral("Staying"), provider).value("id").toString();
        const QJsonObject w = createHook(f, kinId);
        const QString kept = createHook(f, stays).value("id").toString();
        QCOMPARE(deliver(f, w.value("id").toString(), w.value("token").toString(), "{}").status, 200);
        auto sse = f.openSse();
        QCOMPARE(f.api->del("/api/kins/" + kinId.toUtf8()).status, 200);
        auto deleted = sse->waitFor([&](const SseFrame &fr) { return isEvent(fr, "webhook:deleted"); });
        QVERIFY(deleted.has_value());
        QCOMPARE(deleted->data.value("webhookId").toString(), w.value("id").toString());
        QCOMPARE(rowCount(f.server.platform().database(), "SELECT count(*) FROM webhooks"), 1);
        QCOMPARE(rowCount(f.server.platform().database(), "SELECT count(*) FROM webhook_logs"), 0);
        expectError(deliver(f, w.value("id").toString(), w.value("token").toString(), "{}"), 404, "WEBHOOK_NOT_FOUND");
        QCOMPARE(f.api->get("/api/webhooks").json().value("webhooks").toArray().first().toObject().value("id").toString(), kept);
    }

    void webhookTools()
    {
        KinFixture f;
        const QString provider = f.addProvider();
        const QString kinId = f.addKin(QStringLiteral("Builder"), provider).value("id").toString();
        const QString other = f.addKin(QStringLiteral("Nosy"), provider).value("id").toString();
        for (const char *name : {"create_webhook", "update_webhook", "delete_webhook", "list_webhooks"}) {
            const ToolDefinition *tool = f.server.platform().tools().find(QString::fromLatin1(name));
            QVERIFY2(tool, name);
            QCOMPARE(tool->availability, ToolDefinition::MainOnly);
        }

        QJsonObject r = f.runTool("create_webhook", kinId, {{"name", "Alerts"}, {"filter_mode", "simple"}, {"filter_field", "level"},
                                                            {"filter_allowed_values", QJsonArray{"error", "critical"}}});
        QVERIFY2(!r.contains("error"), qPrintable(r.value("error").toString()));
        const QString id = r.value("webhook_id").toString();
        const QString token = r.value("token").toString();
        QVERIFY(QRegularExpression("^[0-9a-f]{64}$").match(token).hasMatch());
        QVERIFY(r.value("url").toString().endsWith("/api/webhooks/incoming/" + id));
        QCOMPARE(r.value("filter_mode").toString(), QStringLiteral("simple"));
        const QJsonObject listed = f.api->get("/api/webhooks").json().value("webhooks").toArray().first().toObject();
        QCOMPARE(listed.value("createdBy").toString(), QStringLiteral("kin"));
        QCOMPARE(listed.value("kinId").toString(), kinId);
        // The token the Kin got works.
        QCOMPARE(deliver(f, id, token, "{\"level\":\"ERROR\"}").json(), (QJsonObject{{"success", true}}));

        r = f.runTool("list_webhooks", kinId, {});
        QCOMPARE(r.value("count").toInt(), 1);
        QCOMPARE(r.value("webhooks").toArray().first().toObject().value("trigger_count").toInt(), 1);
        QVERIFY(!r.value("webhooks").toArray().first().toObject().contains("token"));
        QCOMPARE(f.runTool("list_webhooks", other, {}).value("count").toInt(), 0);

        r = f.runTool("update_webhook", kinId, {{"webhook_id", id}, {"filter_mode", "advanced"}, {"filter_expression", "(bad"}});
        QVERIFY(r.value("error").toString().contains("Invalid regular expression"));
        r = f.runTool("update_webhook", kinId, {{"webhook_id", id}, {"is_active", false}, {"filter_mode", "none"}});
        QCOMPARE(r.value("is_active").toBool(), false);
        QCOMPARE(r.value("filter_mode").toString(), QStringLiteral("none"));
        // Another Kin cannot touch it.
        QVERIFY(f.runTool("update_webhook", other, {{"webhook_id", id}, {"name", "mine"}}).value("error").toString().contains("no webhook"));
        QVERIFY(f.runTool("delete_webhook", other, {{"webhook_id", id}}).value("error").toString().contains("no webhook"));
        QVERIFY(f.runTool("create_webhook", kinId, {}).value("error").toString().contains("name"));
        QCOMPARE(f.runTool("delete_webhook", kinId, {{"webhook_id", id}}).value("success").toBool(), true);
        QCOMPARE(f.api->get("/api/webhooks").json().value("webhooks").toArray().size(), 0);
    }

    void payloadHelpers()
    {
        using namespace kinbot::payload;
        const QJsonValue doc = parseJson("{\"a\":{\"b\":[10,{\"c\":true}],\"n\":1.5,\"big\":12345678901,\"z\":null},\"s\":\"x\"}").value();
        QCOMPARE(jsString(valueAt(doc, "a.b.0").value()), QStringLiteral("10"));
        QCOMPARE(jsString(valueAt(doc, "a.b.1.c").value()), QStringLiteral("true"));
        QCOMPARE(jsString(valueAt(doc, "a.n").value()), QStringLiteral("1.5"));
        QCOMPARE(jsString(valueAt(doc, "a.big").value()), QStringLiteral("12345678901"));
        QCOMPARE(jsString(valueAt(doc, "a.z").value()), QStringLiteral("null"));
        QCOMPARE(jsString(valueAt(doc, "a").value()), QStringLiteral("[object Object]"));
        QCOMPARE(jsString(valueAt(doc, "a.b").value()), QStringLiteral("10,[object Object]"));
        QVERIFY(!valueAt(doc, "a.b.2"));
        QVERIFY(!valueAt(doc, "a.b.01"));
        QVERIFY(!valueAt(doc, "s.length"));
        QVERIFY(!valueAt(doc, ""));
        QVERIFY(!parseJson("nope"));
        QVERIFY(!parseJson("{\"a\":1"));

        // Field paths stop at depth 5 and at 100 fields.
        QCOMPARE(fieldPaths(parseJson("{\"l1\":{\"l2\":{\"l3\":{\"l4\":{\"l5\":{\"l6\":1}}}}}}").value()),
                 (QStringList{"l1", "l1.l2", "l1.l2.l3", "l1.l2.l3.l4", "l1.l2.l3.l4.l5"}));
        QJsonObject wide;
        for (int i = 0; i < 150; ++i)
            wide.insert(QStringLiteral("k%1").arg(i, 3, 10, QLatin1Char('0')), i);
        QCOMPARE(fieldPaths(wide).size(), kMaxFields);

        // Templates.
        const QByteArray body = "{\"pr\":{\"number\":5,\"labels\":[\"bug\"]},\"who\":null}";
        QCOMPARE(renderTemplate("#{{pr.number}} {{pr.labels}} {{who}}|{{nope}}|{{ pr.number }}", body), QStringLiteral("#5 [\"bug\"] ||5"));
        QCOMPARE(renderTemplate("{{__payload__}}", "raw text"), QStringLiteral("raw text"));
        QCOMPARE(renderTemplate("{{a}} and {single} {{", "not json"), QStringLiteral(" and {single} {{"));
        QCOMPARE(taskTitle({}, "Hook", body), QStringLiteral("Webhook: Hook"));
        QCOMPARE(taskDescription({}, body), QString::fromUtf8(body));

        // JavaScript regex spellings are translated; everything else is PCRE2.
        QVERIFY(compileExpression("\\u0041B").value().match("xAB").hasMatch());
        QVERIFY(compileExpression("\\u{1F600}").value().match(QString::fromUtf8("\xF0\x9F\x98\x80")).hasMatch());
        QVERIFY(compileExpression("a[^]b").value().match("a\nb").hasMatch());
        QVERIFY(compileExpression("(?<word>\\w+)@").value().match("me@").hasMatch());
        QVERIFY(!compileExpression("(?<=a").ok());
        WebhookFilter f;
        f.mode = WebhookFilterMode::Advanced;
        f.expression = QString(501, QLatin1Char('a'));
        QVERIFY(!validate(f).ok());
        QVERIFY(!evaluate(f, "aaa").passed);
    }
};

QTEST_GUILESS_MAIN(TstWebhooks)
#include "tst_webhooks.moc"
