// /api/crons and the cron tools: CRUD, approval of Kin-created crons, cron:* events, scheduled runs on a manual
// clock (through a fake task spawner: real runs spawn tasks, which do not exist yet), every route's failure paths,
// and the missed-run policy across a restart.
#include "KinFixture.h"

#include "scheduling/CronService.h"
#include "scheduling/Scheduler.h"
#include "storage/Database.h"

using namespace kinbot;
using namespace kinbot::test;

namespace {

qint64 utcMs(const char *iso)
{
    QDateTime t = QDateTime::fromString(QString::fromLatin1(iso), Qt::ISODate);
    t.setTimeSpec(Qt::UTC);
    return t.toMSecsSinceEpoch();
}

// Stands in for the tasks work: records each spawn and answers a task id.
struct FakeSpawner final : CronTaskSpawner
{
    struct Call
    {
        QString cronId;
        bool manual;
    };
    QList<Call> calls;
    bool fail = false;
    Result<QString> spawnCronTask(const CronRecord &cron, bool manual) override
    {
        if (fail)
            return ApiError::conflict(QStringLiteral("TASK_LIMIT"), QStringLiteral("Too many tasks"));
        calls.append({cron.id, manual});
        return QStringLiteral("task-%1").arg(calls.size());
    }
};

QJsonObject cronBody(const QString &kinId, const QString &schedule, const QString &name = QStringLiteral("Morning report"))
{
    return {{"kinId", kinId}, {"name", name}, {"schedule", schedule}, {"taskDescription", "Summarise the news"}};
}

QJsonObject cronOf(const HttpResponse &r)
{
    return r.json().value(QStringLiteral("cron")).toObject();
}

} // namespace

class TstApiCrons final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void crudWithEvents()
    {
        KinFixture f;
        f.server.platform().crons().setTimeZone(QTimeZone("UTC"));
        f.server.clock().setNowMs(utcMs("2026-11-22T08:30:00"));
        const QString provider = f.addProvider();
        const QJsonObject kin = f.addKin(QStringLiteral("Reporter"), provider);
        const QString kinId = kin.value("id").toString();
        const QString other = f.addKin(QStringLiteral("Helper"), provider).value("id").toString();
        auto sse = f.openSse();

        HttpResponse r = f.api->postJson("/api/crons", cronBody(kinId, QStringLiteral("0 9 * * *")));
        QCOMPARE(r.status, 201);
        QJsonObject c = cronOf(r);
        const QString id = c.value("id").toString();
        QVERIFY(!id.isEmpty());
        QCOMPARE(c.value("kinId").toString(), kinId);
        QCOMPARE(c.value("kinName").toString(), QStringLiteral("Reporter"));
        QCOMPARE(c.value("name").toString(), QStringLiteral("Morning report"));
        QCOMPARE(c.value("schedule").toString(), QStringLiteral("0 9 * * *"));
        QCOMPARE(c.value("taskDescription").toString(), QStringLiteral("Summarise the news"));
        QVERIFY(c.value("targetKinId").isNull());
        QCOMPARE(c.value("isActive").toBool(), true);
        QCOMPARE(c.value("requiresApproval").toBool(), false);
        QCOMPARE(c.value("runOnce").toBool(), false);
        QCOMPARE(c.value("createdBy").toString(), QStringLiteral("user"));
        QVERIFY(c.value("lastTriggeredAt").isNull());
        QCOMPARE(c.value("createdAt").toDouble(), double(f.server.clock().nowMs()));
        QCOMPARE(c.value("nextRunAt").toDouble(), double(utcMs("2026-11-22T09:00:00")));
        auto created = sse->waitFor([&](const SseFrame &fr) { return isEvent(fr, "cron:created"); });
        QVERIFY(created.has_value());
        QCOMPARE(created->data.value("cronId").toString(), id);
        QCOMPARE(created->data.value("kinId").toString(), kinId);

        // Listing: all, by Kin id or slug, an unknown Kin gives none.
        QCOMPARE(f.api->get("/api/crons").json().value("crons").toArray().size(), 1);
        QCOMPARE(f.api->get("/api/crons?kinId=reporter").json().value("crons").toArray().size(), 1);
        QCOMPARE(f.api->get("/api/crons?kinId=" + other.toUtf8()).json().value("crons").toArray().size(), 0);
        QCOMPARE(f.api->get("/api/crons?kinId=nobody").json().value("crons").toArray().size(), 0);

        // PATCH reschedules and sets a target; null clears it again.
        r = f.api->patchJson("/api/crons/" + id.toUtf8(), {{"schedule", "30 10 * * *"}, {"targetKinId", "helper"}, {"runOnce", true}});
        QCOMPARE(r.status, 200);
        c = cronOf(r);
        QCOMPARE(c.value("schedule").toString(), QStringLiteral("30 10 * * *"));
        QCOMPARE(c.value("nextRunAt").toDouble(), double(utcMs("2026-11-22T10:30:00")));
        QCOMPARE(c.value("targetKinId").toString(), other);
        QCOMPARE(c.value("targetKinName").toString(), QStringLiteral("Helper"));
        QCOMPARE(c.value("runOnce").toBool(), true);
        QVERIFY(f.server.platform().scheduler().dueAt("cron:" + id) == std::optional<qint64>(utcMs("2026-11-22T10:30:00")));
        auto updated = sse->waitFor([&](const SseFrame &fr) { return isEvent(fr, "cron:updated"); });
        QVERIFY(updated.has_value());
        QCOMPARE(updated->data.value("targetKinId").toString(), other);
        r = f.api->patchJson("/api/crons/" + id.toUtf8(), {{"targetKinId", QJsonValue()}, {"isActive", false}});
        QCOMPARE(r.status, 200);
        QVERIFY(cronOf(r).value("targetKinId").isNull());
        QCOMPARE(cronOf(r).value("isActive").toBool(), false);
        QVERIFY(cronOf(r).value("nextRunAt").isNull());
        QVERIFY(!f.server.platform().scheduler().contains("cron:" + id)); // paused: not armed
        r = f.api->patchJson("/api/crons/" + id.toUtf8(), {{"isActive", true}});
        QVERIFY(f.server.platform().scheduler().contains("cron:" + id));

        // DELETE
        QCOMPARE(f.api->del("/api/crons/" + id.toUtf8()).json().value("success").toBool(), true);
        auto deleted = sse->waitFor([&](const SseFrame &fr) { return isEvent(fr, "cron:deleted"); });
        QVERIFY(deleted.has_value());
        QCOMPARE(deleted->data.value("cronId").toString(), id);
        QVERIFY(!f.server.platform().scheduler().contains("cron:" + id));
        QCOMPARE(f.api->get("/api/crons").json().value("crons").toArray().size(), 0);
    }

    void everyRouteRefusesBadInput()
    {
        KinFixture f;
        const QString kinId = f.addKin(QStringLiteral("Strict"), f.addProvider()).value("id").toString();
        const auto post = [&](const QJsonObject &body) { return f.api->postJson("/api/crons", body); };
        const auto expect = [](const HttpResponse &r, int status, const char *code, const char *mention = nullptr) {
            QCOMPARE(r.status, status);
            QCOMPARE(r.errorCode(), QString::fromLatin1(code));
            if (mention)
                QVERIFY2(r.json().value("error").toObject().value("message").toString().contains(QString::fromUtf8(mention)), r.body.constData());
        };
        expect(f.api->request("POST", "/api/crons", "not json", {{"Content-Type", "application/json"}}), 400, "INVALID_JSON");
        expect(post({}), 400, "VALIDATION_ERROR");
        QJsonObject b = cronBody(kinId, "0 9 * * *");
        for (const char *field : {"kinId", "name", "schedule", "taskDescription"}) {
            QJsonObject missing = b;
            missing.remove(QString::fromLatin1(field));
            expect(post(missing), 400, "VALIDATION_ERROR", field);
            QJsonObject blank = b;
            blank.insert(QString::fromLatin1(field), QStringLiteral("  "));
            expect(post(blank), 400, "VALIDATION_ERROR", field);
        }
        QJsonObject wrongType = b;
        wrongType.insert("name", 12);
        expect(post(wrongType), 400, "VALIDATION_ERROR", "name must be a string");
        wrongType = b;
        wrongType.insert("runOnce", "yes");
        expect(post(wrongType), 400, "VALIDATION_ERROR", "runOnce must be a boolean");
        wrongType = b;
        wrongType.insert("isActive", false);
        expect(post(wrongType), 400, "VALIDATION_ERROR", "isActive");
        expect(post(cronBody("nobody", "0 9 * * *")), 404, "KIN_NOT_FOUND");
        QJsonObject badTarget = b;
        badTarget.insert("targetKinId", "nobody");
        expect(post(badTarget), 404, "KIN_NOT_FOUND");
        expect(post(cronBody(kinId, "0 25 * * *")), 400, "CRON_CREATE_ERROR", "hour field");
        expect(post(cronBody(kinId, "every morning")), 400, "CRON_CREATE_ERROR", "Invalid schedule");
        expect(post(cronBody(kinId, "0 0 30 2 *")), 400, "CRON_CREATE_ERROR", "never matches");
        expect(post(cronBody(kinId, "2020-01-01T09:00:00Z")), 400, "CRON_CREATE_ERROR", "in the future");
        expect(post(cronBody(kinId, "2026-13-45T09:00")), 400, "CRON_CREATE_ERROR", "ISO date-time");
        QJsonObject longName = b;
        longName.insert("name", QString(201, QLatin1Char('n')));
        expect(post(longName), 400, "VALIDATION_ERROR", "at most 200");
        QCOMPARE(f.server.platform().database().selectOne("SELECT count(*) FROM crons").value()->value(0).toInt(), 0);

        const QString id = cronOf(post(b)).value("id").toString();
        QVERIFY(!id.isEmpty());
        const QByteArray path = "/api/crons/" + id.toUtf8();
        expect(f.api->patchJson("/api/crons/nope", {{"name", "x"}}), 404, "CRON_NOT_FOUND");
        expect(f.api->patchJson(path, {{"schedule", "61 * * * *"}}), 400, "CRON_UPDATE_ERROR", "minute field");
        expect(f.api->patchJson(path, {{"kinId", kinId}}), 400, "VALIDATION_ERROR", "kinId");
        expect(f.api->patchJson(path, {{"name", ""}}), 400, "VALIDATION_ERROR", "name");
        expect(f.api->patchJson(path, {{"isActive", "no"}}), 400, "VALIDATION_ERROR", "isActive");
        expect(f.api->patchJson(path, {{"targetKinId", "nobody"}}), 404, "KIN_NOT_FOUND");
        expect(f.api->request("PATCH", path, "[1]", {{"Content-Type", "application/json"}}), 400, "INVALID_JSON");
        expect(f.api->del("/api/crons/nope"), 404, "CRON_NOT_FOUND");
        expect(f.api->postJson("/api/crons/nope/approve", {}), 404, "CRON_NOT_FOUND");
        expect(f.api->postJson("/api/crons/nope/trigger", {}), 404, "CRON_NOT_FOUND");
        expect(f.api->postJson(path + "/approve", {}), 409, "ALREADY_APPROVED");
        // A manual run spawns the cron's task now (an async task of the cron, in its group).
        QVERIFY(cronOf(f.api->patchJson(path, {{"name", "same"}})).value("lastTriggeredAt").isNull());
        const HttpResponse triggered = f.api->postJson(path + "/trigger", {});
        QCOMPARE(triggered.status, 200);
        const QString taskId = triggered.json().value("taskId").toString();
        const QJsonObject task = f.api->get("/api/tasks/" + taskId.toUtf8()).json().value("task").toObject();
        QCOMPARE(task.value("cronId").toString(), id);
        QCOMPARE(task.value("mode").toString(), QStringLiteral("async"));
        QCOMPARE(task.value("concurrencyGroup").toString(), "cron:" + id);
        QVERIFY(!cronOf(f.api->patchJson(path, {{"name", "same"}})).value("lastTriggeredAt").isNull());
        // No session, no crons.
        QCOMPARE(f.server.client().get("/api/crons").status, 401);
        QCOMPARE(f.server.client().postJson("/api/crons", b).status, 401);
    }

    void atMostFiftyActive()
    {
        KinFixture f;
        const QString kinId = f.addKin(QStringLiteral("Busy"), f.addProvider()).value("id").toString();
        QString last;
        for (int i = 0; i < CronService::kMaxActive; ++i) {
            const HttpResponse r = f.api->postJson("/api/crons", cronBody(kinId, QStringLiteral("%1 * * * *").arg(i % 60)));
            QCOMPARE(r.status, 201);
            last = cronOf(r).value("id").toString();
        }
        const HttpResponse refused = f.api->postJson("/api/crons", cronBody(kinId, "0 * * * *"));
        QCOMPARE(refused.status, 400);
        QCOMPARE(refused.errorCode(), QStringLiteral("CRON_CREATE_ERROR"));
        // Pausing one frees a place; re-activating it past the limit is refused.
        QCOMPARE(f.api->patchJson("/api/crons/" + last.toUtf8(), {{"isActive", false}}).status, 200);
        QCOMPARE(f.api->postJson("/api/crons", cronBody(kinId, "0 * * * *")).status, 201);
        QCOMPARE(f.api->patchJson("/api/crons/" + last.toUtf8(), {{"isActive", true}}).errorCode(), QStringLiteral("CRON_UPDATE_ERROR"));
    }

    void kinCreatedCronsWaitForApproval()
    {
        KinFixture f;
        f.server.platform().crons().setTimeZone(QTimeZone("UTC"));
        f.server.clock().setNowMs(utcMs("2026-11-22T08:30:00"));
        const QString kinId = f.addKin(QStringLiteral("Planner"), f.addProvider()).value("id").toString();
        auto sse = f.openSse();
        QVERIFY(f.runTool("create_cron", kinId, {{"name", "x"}}).value("error").toString().contains("schedule is required"));
        QVERIFY(f.runTool("create_cron", kinId, {{"name", "x"}, {"schedule", "nope"}, {"task_description", "t"}})
                    .value("error").toString().contains("Invalid schedule"));
        const QJsonObject made = f.runTool("create_cron", kinId, {{"name", "Digest"}, {"schedule", "0 18 * * *"}, {"task_description", "Send a digest"}});
        const QString id = made.value("cron_id").toString();
        QVERIFY2(!id.isEmpty(), QJsonDocument(made).toJson().constData());
        QCOMPARE(made.value("requires_approval").toBool(), true);
        QCOMPARE(made.value("is_active").toBool(), false);
        QVERIFY(sse->waitFor([&](const SseFrame &fr) { return isEvent(fr, "cron:created"); }).has_value());
        auto note = f.server.platform().database().selectOne("SELECT type, related_id, related_type FROM notifications WHERE type = 'cron:pending-approval'");
        QVERIFY(note.value().has_value());
        QCOMPARE(note.value()->value(1).toString(), id);
        QCOMPARE(note.value()->value(2).toString(), QStringLiteral("cron"));

        const QByteArray path = "/api/crons/" + id.toUtf8();
        QJsonObject c = f.api->get("/api/crons").json().value("crons").toArray().first().toObject();
        QCOMPARE(c.value("createdBy").toString(), QStringLiteral("kin"));
        QCOMPARE(c.value("requiresApproval").toBool(), true);
        QVERIFY(c.value("nextRunAt").isNull());
        QVERIFY(!f.server.platform().scheduler().contains("cron:" + id));
        // Not runnable, not activatable, until approved.
        QCOMPARE(f.api->postJson(path + "/trigger", {}).errorCode(), QStringLiteral("CRON_TRIGGER_ERROR"));
        QCOMPARE(f.api->postJson(path + "/trigger", {}).status, 400);
        QVERIFY(f.runTool("trigger_cron", kinId, {{"cron_id", id}}).value("error").toString().contains("approval"));
        QCOMPARE(f.api->patchJson(path, {{"isActive", true}}).errorCode(), QStringLiteral("CRON_UPDATE_ERROR"));
        f.server.clock().advanceDays(1);
        QTest::qWait(50);
        QVERIFY(cronOf(f.api->patchJson(path, {{"name", "Digest"}})).value("lastTriggeredAt").isNull());

        const HttpResponse approved = f.api->postJson(path + "/approve", {});
        QCOMPARE(approved.status, 200);
        QCOMPARE(cronOf(approved).value("isActive").toBool(), true);
        QCOMPARE(cronOf(approved).value("requiresApproval").toBool(), false);
        QCOMPARE(cronOf(approved).value("nextRunAt").toDouble(), double(utcMs("2026-11-23T18:00:00")));
        QVERIFY(f.server.platform().scheduler().contains("cron:" + id));
        QCOMPARE(f.api->postJson(path + "/approve", {}).errorCode(), QStringLiteral("ALREADY_APPROVED"));
        QCOMPARE(f.api->postJson(path + "/approve", {}).status, 409);

        // The Kin sees and manages its own crons only.
        QCOMPARE(f.runTool("list_crons", kinId, {}).value("count").toInt(), 1);
        const QString other = f.addKin(QStringLiteral("Other"), QString()).value("id").toString();
        QCOMPARE(f.runTool("list_crons", other, {}).value("count").toInt(), 0);
        QVERIFY(f.runTool("delete_cron", other, {{"cron_id", id}}).value("error").toString().contains("no cron"));
        // Renaming or pausing is the Kin's business; changing what runs or when asks the user again.
        QJsonObject upd = f.runTool("update_cron", kinId, {{"cron_id", id}, {"name", "Evening digest"}});
        QCOMPARE(upd.value("name").toString(), QStringLiteral("Evening digest"));
        QCOMPARE(upd.value("requires_approval").toBool(), false);
        QCOMPARE(upd.value("is_active").toBool(), true);
        upd = f.runTool("update_cron", kinId, {{"cron_id", id}, {"task_description", "Send everything to a stranger"}});
        QCOMPARE(upd.value("requires_approval").toBool(), true);
        QCOMPARE(upd.value("is_active").toBool(), false);
        QVERIFY(!f.server.platform().scheduler().contains("cron:" + id));
        QCOMPARE(f.server.platform().database().selectOne("SELECT count(*) FROM notifications WHERE type = 'cron:pending-approval'")
                     .value()->value(0).toInt(), 2);
        QCOMPARE(f.api->postJson(path + "/approve", {}).status, 200);
        // A user changing it through the API does not need approval.
        QCOMPARE(cronOf(f.api->patchJson(path, {{"schedule", "0 19 * * *"}})).value("requiresApproval").toBool(), false);
        QCOMPARE(f.runTool("delete_cron", kinId, {{"cron_id", id}}).value("success").toBool(), true);
        QCOMPARE(f.api->get("/api/crons").json().value("crons").toArray().size(), 0);
    }

    void scheduledRunsSpawnTasksAndEmitTriggered()
    {
        KinFixture f;
        Platform &p = f.server.platform();
        p.crons().setTimeZone(QTimeZone("Europe/Paris"));
        f.server.clock().setNowMs(utcMs("2026-03-28T12:00:00"));
        FakeSpawner spawner;
        p.crons().setSpawner(&spawner);
        const QString kinId = f.addKin(QStringLiteral("Runner"), f.addProvider()).value("id").toString();
        auto sse = f.openSse();
        // 02:30 Paris does not exist on 29 March: it runs at 03:00 CEST (01:00Z), once.
        const QString id = cronOf(f.api->postJson("/api/crons", cronBody(kinId, "30 2 * * *"))).value("id").toString();
        QCOMPARE(p.crons().get(id).value().nextRunAt, utcMs("2026-03-29T01:00:00"));
        const QString once = cronOf(f.api->postJson("/api/crons", [&] {
                                 QJsonObject b = cronBody(kinId, "0 3 29 3 *", "once");
                                 b.insert("runOnce", true);
                                 return b;
                             }())).value("id").toString();

        f.server.clock().setNowMs(utcMs("2026-03-29T00:59:59"));
        QTest::qWait(50);
        QCOMPARE(spawner.calls.size(), 0);
        f.server.clock().setNowMs(utcMs("2026-03-29T01:00:00"));
        QTRY_COMPARE(spawner.calls.size(), 2);
        QCOMPARE(spawner.calls[0].manual, false);
        auto triggered = sse->waitFor([&](const SseFrame &fr) { return isEvent(fr, "cron:triggered", kinId); });
        QVERIFY(triggered.has_value());
        QVERIFY(triggered->data.value("taskId").toString().startsWith("task-"));
        const CronRecord daily = p.crons().get(id).value();
        QCOMPARE(daily.lastTriggeredAt, utcMs("2026-03-29T01:00:00"));
        QCOMPARE(daily.nextRunAt, utcMs("2026-03-30T00:30:00")); // 02:30 CEST the next day
        QCOMPARE(daily.isActive, true);
        const CronRecord onceAfter = p.crons().get(once).value();
        QCOMPARE(onceAfter.isActive, false); // run_once
        QCOMPARE(onceAfter.nextRunAt, 0);

        // A manual run: no schedule change, manual flag, the task id as the answer.
        const HttpResponse r = f.api->postJson("/api/crons/" + id.toUtf8() + "/trigger", {});
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json().value("taskId").toString(), QStringLiteral("task-3"));
        QCOMPARE(spawner.calls.last().manual, true);
        QCOMPARE(p.crons().get(id).value().nextRunAt, utcMs("2026-03-30T00:30:00"));
        // A spawner refusal surfaces as CRON_TRIGGER_ERROR.
        spawner.fail = true;
        QCOMPARE(f.api->postJson("/api/crons/" + id.toUtf8() + "/trigger", {}).errorCode(), QStringLiteral("CRON_TRIGGER_ERROR"));
        // A refused scheduled run keeps the schedule going and records no trigger.
        f.server.clock().setNowMs(utcMs("2026-03-30T00:30:00"));
        QTRY_COMPARE(p.crons().get(id).value().nextRunAt, utcMs("2026-03-31T00:30:00"));
        QCOMPARE(p.crons().get(id).value().lastTriggeredAt, utcMs("2026-03-29T01:00:00")); // the manual run's, not this one
        p.crons().setSpawner(nullptr);
    }

    void withoutTasksScheduledRunsAreSkippedNotFaked()
    {
        KinFixture f;
        Platform &p = f.server.platform();
        p.crons().setSpawner(nullptr); // a CronService with nothing to run tasks (the platform installs TaskService)
        p.crons().setTimeZone(QTimeZone("UTC"));
        f.server.clock().setNowMs(utcMs("2026-11-22T08:30:00"));
        const QString kinId = f.addKin(QStringLiteral("Idle"), f.addProvider()).value("id").toString();
        const QString id = cronOf(f.api->postJson("/api/crons", cronBody(kinId, "0 9 * * *"))).value("id").toString();
        QSignalSpy fired(&p.crons(), &CronService::cronFired);
        f.server.clock().setNowMs(utcMs("2026-11-22T09:00:00"));
        QTRY_COMPARE(fired.size(), 1);
        QCOMPARE(fired.first().at(1).toBool(), false); // not spawned
        QCOMPARE(p.crons().get(id).value().lastTriggeredAt, 0);
        QCOMPARE(p.crons().get(id).value().nextRunAt, utcMs("2026-11-23T09:00:00"));
    }

    void deletingAKinStopsItsCronsAndClearsTargets()
    {
        KinFixture f;
        const QString provider = f.addProvider();
        const QString owner = f.addKin(QStringLiteral("Owner"), provider).value("id").toString();
        const QString keeper = f.addKin(QStringLiteral("Keeper"), provider).value("id").toString();
        const QString owned = cronOf(f.api->postJson("/api/crons", cronBody(owner, "0 9 * * *"))).value("id").toString();
        QJsonObject b = cronBody(keeper, "0 10 * * *");
        b.insert("targetKinId", owner);
        const QString targeting = cronOf(f.api->postJson("/api/crons", b)).value("id").toString();
        QVERIFY(!owned.isEmpty() && !targeting.isEmpty());
        auto sse = f.openSse();
        QCOMPARE(f.api->del("/api/kins/" + owner.toUtf8()).status, 200);
        auto deleted = sse->waitFor([&](const SseFrame &fr) { return isEvent(fr, "cron:deleted"); });
        QVERIFY(deleted.has_value());
        QCOMPARE(deleted->data.value("cronId").toString(), owned);
        auto updated = sse->waitFor([&](const SseFrame &fr) { return isEvent(fr, "cron:updated"); });
        QVERIFY(updated.has_value());
        QCOMPARE(updated->data.value("cronId").toString(), targeting);
        QVERIFY(!f.server.platform().scheduler().contains("cron:" + owned));
        const QJsonArray left = f.api->get("/api/crons").json().value("crons").toArray();
        QCOMPARE(left.size(), 1);
        QVERIFY(left[0].toObject().value("targetKinId").isNull());
    }

    void theTimeZoneComesFromTheConfiguration()
    {
        QProcessEnvironment env;
        env.insert(QStringLiteral("KINBOT_TIMEZONE"), QStringLiteral("Mars/Olympus"));
        auto bad = parseServerConfig({QStringLiteral("kinbot-server")}, env);
        QVERIFY(!bad.ok());
        QVERIFY(bad.error().message.contains(QStringLiteral("KINBOT_TIMEZONE")));
        env.insert(QStringLiteral("KINBOT_TIMEZONE"), QStringLiteral("Asia/Tokyo"));
        auto good = parseServerConfig({QStringLiteral("kinbot-server")}, env);
        QVERIFY(good.ok());
        QCOMPARE(good->config.timeZone, QStringLiteral("Asia/Tokyo"));

        KinFixture f([](ServerConfig &c) { c.timeZone = QStringLiteral("Asia/Tokyo"); });
        QCOMPARE(f.server.platform().crons().timeZone().id(), QByteArray("Asia/Tokyo"));
        f.server.clock().setNowMs(utcMs("2026-11-22T08:30:00"));
        const QString kinId = f.addKin(QStringLiteral("Tokyoite"), f.addProvider()).value("id").toString();
        // 09:00 in Tokyo is 00:00 UTC: the next one is tomorrow's.
        const QJsonObject c = cronOf(f.api->postJson("/api/crons", cronBody(kinId, "0 9 * * *")));
        QCOMPARE(c.value("nextRunAt").toDouble(), double(utcMs("2026-11-23T00:00:00")));
    }

    void missedRunsAfterARestartRunOnce()
    {
        QTemporaryDir dir;
        const auto sameDir = [&](ServerConfig &c) { c.dataDir = dir.path(); };
        const qint64 t0 = utcMs("2026-11-22T08:30:00");
        QString hourly, oneOff, later, paused;
        {
            TestServer s(sameDir, t0);
            QVERIFY2(s.ok(), qPrintable(s.error()));
            s.platform().crons().setTimeZone(QTimeZone("UTC"));
            TestUser admin = s.onboard(QStringLiteral("ada@example.test"), QStringLiteral("ada"));
            HttpClient api = s.clientFor(admin);
            const QString kinId = api.postJson("/api/kins", {{"name", "Phoenix"}, {"role", "r"}, {"character", ""}, {"expertise", ""},
                                                             {"model", "gpt-4o"}})
                                      .json().value("kin").toObject().value("id").toString();
            QVERIFY(!kinId.isEmpty());
            hourly = cronOf(api.postJson("/api/crons", cronBody(kinId, "0 * * * *", "hourly"))).value("id").toString();
            oneOff = cronOf(api.postJson("/api/crons", cronBody(kinId, "2026-11-22T10:00:00Z", "one-off"))).value("id").toString();
            later = cronOf(api.postJson("/api/crons", cronBody(kinId, "0 12 * * *", "noon"))).value("id").toString();
            paused = cronOf(api.postJson("/api/crons", cronBody(kinId, "0 9 * * *", "paused"))).value("id").toString();
            QCOMPARE(api.patchJson("/api/crons/" + paused.toUtf8(), {{"isActive", false}}).status, 200);
            QVERIFY(!hourly.isEmpty() && !oneOff.isEmpty() && !later.isEmpty());
        }
        // Reopened at 11:45: the hourly cron missed 09:00, 10:00 and 11:00; the one-off missed 10:00; noon is ahead.
        FakeSpawner spawner;
        TestServer s2(sameDir, utcMs("2026-11-22T11:45:00"));
        QVERIFY2(s2.ok(), qPrintable(s2.error()));
        CronService &crons = s2.platform().crons();
        crons.setSpawner(&spawner); // before the event loop turns: the missed runs fire on its first turns
        crons.setTimeZone(QTimeZone("UTC"));
        QSignalSpy fired(&crons, &CronService::cronFired);
        QTRY_COMPARE(spawner.calls.size(), 2);
        QTest::qWait(100);
        QCOMPARE(spawner.calls.size(), 2); // once each: no catch-up burst
        QStringList ran{spawner.calls[0].cronId, spawner.calls[1].cronId};
        ran.sort();
        QStringList expected{hourly, oneOff};
        expected.sort();
        QCOMPARE(ran, expected);
        for (const QList<QVariant> &args : fired)
            QCOMPARE(args.at(2).toBool(), true); // late
        QCOMPARE(crons.get(hourly).value().nextRunAt, utcMs("2026-11-22T12:00:00")); // from now on, on schedule
        QCOMPARE(crons.get(hourly).value().lastTriggeredAt, utcMs("2026-11-22T11:45:00"));
        QCOMPARE(crons.get(oneOff).value().isActive, false);
        QCOMPARE(crons.get(later).value().nextRunAt, utcMs("2026-11-22T12:00:00"));
        QCOMPARE(crons.get(paused).value().lastTriggeredAt, 0);
        s2.clock().setNowMs(utcMs("2026-11-22T12:00:00"));
        QTRY_COMPARE(spawner.calls.size(), 4); // hourly and noon, on time
        crons.setSpawner(nullptr);
    }
};

QTEST_GUILESS_MAIN(TstApiCrons)
#include "tst_api_crons.moc"
