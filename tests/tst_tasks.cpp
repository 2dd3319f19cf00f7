// Tasks / sub-Kins end to end over real loopback HTTP with a scripted LLM: spawn_self / spawn_kin in await and async
// modes, the sub-Kin session (its events carry taskId, its rows sit under the parent), update_task_status and the
// parent's task_result turn, the nudge turn then failure, the depth and global limits, concurrency groups with
// queueing, auto-promotion and force-promote, cancel, request_input / respond_to_task, prompt_human from a task,
// restart recovery, Kin deletion, a cron trigger that really spawns a task, and every /api/tasks failure path.
//
// The fake LLM serves the parent's turns from its FIFO and each task's turns from replies routed by the task's
// mission (its system prompt holds "## Your mission\n<description>"), since both run at the same time.
#include "KinFixture.h"

#include "engine/ToolRegistry.h"
#include "kins/KinService.h"
#include "scheduling/Scheduler.h"
#include "storage/Database.h"
#include "tasks/TaskService.h"

#include <QTemporaryDir>

using namespace kinbot;
using namespace kinbot::test;

namespace {

QByteArray compact(const QJsonObject &o) { return QJsonDocument(o).toJson(QJsonDocument::Compact); }

FakeToolCall call(const QString &id, const QString &name, const QJsonObject &args)
{
    return FakeToolCall{id, name, compact(args)};
}

// The raw-body marker of a task's requests: its mission opens the "## Your mission" block (JSON-escaped newline).
QByteArray mission(const QByteArray &description) { return "Your mission\\n" + description; }

const QByteArray kAnyTask = "## Your mission";

FakeReply hanging() { return FakeReply::text({QStringLiteral("working")}).hang(); }

QJsonObject spawnArgs(const QString &title, const QString &description, const QString &mode = QStringLiteral("await"))
{
    return {{"title", title}, {"task_description", description}, {"mode", mode}};
}

QStringList toolNames(const FakeRequest &r)
{
    QStringList out;
    for (const QJsonValue &t : r.json.value("tools").toArray())
        out << t.toObject().value("function").toObject().value("name").toString();
    return out;
}

QList<FakeRequest> requestsWith(const FakeLlmServer &fake, const QByteArray &marker, bool with = true)
{
    QList<FakeRequest> out;
    for (const FakeRequest &r : fake.chatRequests())
        if (r.body.contains(marker) == with)
            out.append(r);
    return out;
}

bool taskEvent(const SseFrame &f, const QString &type, const QString &taskId)
{
    return isEvent(f, type) && f.data.value("taskId").toString() == taskId;
}

QList<QJsonObject> eventsOf(const SseClient &sse, const QString &type, const QString &taskId = {})
{
    QList<QJsonObject> out;
    for (const SseFrame &f : sse.frames())
        if (isEvent(f, type) && (taskId.isEmpty() || f.data.value("taskId").toString() == taskId))
            out.append(f.data);
    return out;
}

void spin(int ms)
{
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < ms)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 10);
}

// Runs a tool as a Kin's turn — or, with taskId, as a task's sub-Kin — would.
QJsonObject runAs(KinFixture &f, const QString &name, const QString &kinId, const QString &taskId, const QJsonObject &args)
{
    const ToolDefinition *tool = f.server.platform().tools().find(name);
    if (!tool)
        return {{"error", "no such tool " + name}};
    ToolContext ctx;
    ctx.kinId = kinId;
    ctx.taskId = taskId;
    ctx.isSubKin = !taskId.isEmpty();
    std::optional<QJsonValue> result;
    tool->execute(ctx, args, [&](const QJsonValue &v) { result = v; });
    QElapsedTimer t;
    t.start();
    while (!result && t.elapsed() < 5000)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 10);
    return result ? result->toObject() : QJsonObject{{"error", "tool timed out in the test"}};
}

QJsonObject taskOf(HttpClient &api, const QString &taskId)
{
    return api.get("/api/tasks/" + taskId.toUtf8()).json().value("task").toObject();
}

QString statusOf(HttpClient &api, const QString &taskId) { return taskOf(api, taskId).value("status").toString(); }

void expectError(const HttpResponse &r, int status, const QString &code)
{
    QCOMPARE(r.status, status);
    QCOMPARE(r.errorCode(), code);
    QVERIFY(!r.json().value("error").toObject().value("message").toString().isEmpty());
}

SpawnRequest spawnRequest(const QString &kinId, const QString &title, const QString &description)
{
    SpawnRequest r;
    r.parentKinId = kinId;
    r.title = title;
    r.description = description;
    return r;
}

} // namespace

class TstTasks : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void awaitTaskRunsASubKinAndTheParentTakesATurnOnItsResult()
    {
        KinFixture f;
        f.fake.keepOffFifo(kAnyTask);
        const QString kinId = f.addKin(QStringLiteral("Boss"), f.addProvider()).value("id").toString();
        auto sse = f.openSse();
        f.fake.enqueue(FakeReply::toolCalls({call("c1", "spawn_self", spawnArgs("Research", "ALPHA find the answer"))}));
        f.fake.enqueue(FakeReply::text({QStringLiteral("Spawned.")}));
        f.fake.enqueue(FakeReply::text({QStringLiteral("Thanks, got it.")}));
        f.fake.enqueueFor(mission("ALPHA"), FakeReply::toolCalls({call("s1", "report_to_parent", {{"message", "halfway"}})}));
        f.fake.enqueueFor(mission("ALPHA"),
                          FakeReply::toolCalls({call("s2", "update_task_status", {{"status", "completed"}, {"result", "R42"}})}));
        f.fake.enqueueFor(mission("ALPHA"), FakeReply::text({QStringLiteral("Done.")}));
        QCOMPARE(f.send(kinId, QStringLiteral("please research")).status, 202);

        auto done = sse->waitFor([&](const SseFrame &fr) { return isEvent(fr, "task:done", kinId); }, 10000);
        QVERIFY(done.has_value());
        const QString taskId = done->data.value("taskId").toString();
        QVERIFY(!taskId.isEmpty());
        QCOMPARE(done->data.value("status").toString(), QStringLiteral("completed"));
        QCOMPARE(done->data.value("result").toString(), QStringLiteral("R42"));
        QCOMPARE(done->data.value("title").toString(), QStringLiteral("Research"));
        QCOMPARE(done->data.value("senderName").toString(), QStringLiteral("Boss"));

        // The parent's task_result turn: the incoming row, then its reply.
        auto incoming = sse->waitFor([&](const SseFrame &fr) {
            return isEvent(fr, "chat:message", kinId) && fr.data.value("sourceType").toString() == "task" && !fr.data.contains("taskId");
        }, 10000);
        QVERIFY(incoming.has_value());
        QCOMPARE(incoming->data.value("content").toString(), QStringLiteral("[Task: Research] Result: R42"));
        QCOMPARE(incoming->data.value("resolvedTaskId").toString(), taskId);
        QVERIFY(sse->waitFor([&](const SseFrame &fr) {
            return isEvent(fr, "chat:done", kinId) && fr.data.value("content").toString() == "Thanks, got it.";
        }, 10000).has_value());

        // The sub-Kin's last step ("Done.") may still be streaming after the task resolved.
        QVERIFY(sse->waitFor([&](const SseFrame &fr) { return taskEvent(fr, "chat:done", taskId); }, 10000).has_value());

        // Status events: pending, then in_progress, both to the parent, with the title.
        QStringList statuses;
        for (const QJsonObject &e : eventsOf(*sse, "task:status", taskId))
            statuses << e.value("status").toString();
        QCOMPARE(statuses.mid(0, 2), (QStringList{"pending", "in_progress"}));
        // The sub-Kin's chat events carry taskId and go to the parent Kin.
        const auto tokens = eventsOf(*sse, "chat:token", taskId);
        QVERIFY(!tokens.isEmpty());
        QCOMPARE(tokens.first().value("kinId").toString(), kinId);
        QVERIFY(!tokens.first().contains("sourceType"));
        bool sawStatusCall = false;
        for (const QJsonObject &e : eventsOf(*sse, "chat:tool-call", taskId))
            sawStatusCall = sawStatusCall || e.value("toolName").toString() == "update_task_status";
        QVERIFY(sawStatusCall);
        const auto taskDone = eventsOf(*sse, "chat:done", taskId);
        QCOMPARE(taskDone.size(), 1);
        QCOMPARE(taskDone.first().value("content").toString(), QStringLiteral("Done."));
        const auto missionRow = eventsOf(*sse, "chat:message", taskId);
        QVERIFY(!missionRow.isEmpty());
        QCOMPARE(missionRow.first().value("sourceType").toString(), QStringLiteral("system"));
        QCOMPARE(missionRow.first().value("content").toString(), QStringLiteral("ALPHA find the answer"));

        // What the models saw: the sub-Kin prompt and tool set; the parent's third request carries the result.
        const auto taskRequests = requestsWith(f.fake, mission("ALPHA"));
        QCOMPARE(taskRequests.size(), 3);
        const QString system = QString::fromUtf8(taskRequests.first().body);
        QVERIFY(system.contains("CRITICAL"));
        QVERIFY(system.contains("## Language\\nYou must respond in English."));
        const QStringList subTools = toolNames(taskRequests.first());
        for (const char *name : {"update_task_status", "report_to_parent", "request_input", "spawn_self", "spawn_kin", "list_tasks",
                                 "prompt_human", "memorize"})
            QVERIFY2(subTools.contains(QLatin1String(name)), name);
        for (const char *name : {"respond_to_task", "cancel_task", "create_cron", "reply"})
            QVERIFY2(!subTools.contains(QLatin1String(name)), name);
        const auto mainRequests = requestsWith(f.fake, kAnyTask, false);
        QCOMPARE(mainRequests.size(), 3);
        QVERIFY(mainRequests[2].body.contains("[Task: Research] Result: R42"));
        const QStringList mainTools = toolNames(mainRequests.first());
        QVERIFY(mainTools.contains("spawn_self") && mainTools.contains("respond_to_task") && mainTools.contains("cancel_task"));
        QVERIFY(!mainTools.contains("update_task_status") && !mainTools.contains("report_to_parent"));

        // Storage: the transcript is under the parent with task_id, not in its main conversation.
        QStringList mainContents;
        for (const QJsonValue &m : messagesOf(*f.api, kinId))
            mainContents << m.toObject().value("content").toString();
        QVERIFY(mainContents.contains("[Task: Research] Result: R42"));
        QVERIFY(!mainContents.contains("ALPHA find the answer"));
        QVERIFY(!mainContents.contains("Done."));
        const HttpResponse detail = f.api->get("/api/tasks/" + taskId.toUtf8());
        QCOMPARE(detail.status, 200);
        const QJsonObject task = detail.json().value("task").toObject();
        QCOMPARE(task.value("status").toString(), QStringLiteral("completed"));
        QCOMPARE(task.value("result").toString(), QStringLiteral("R42"));
        QCOMPARE(task.value("mode").toString(), QStringLiteral("await"));
        QCOMPARE(task.value("depth").toInt(), 1);
        QCOMPARE(task.value("model").toString(), QStringLiteral("gpt-4o")); // the effective model
        const QJsonArray rows = detail.json().value("messages").toArray();
        QVERIFY(rows.size() >= 3);
        QCOMPARE(rows.first().toObject().value("role").toString(), QStringLiteral("user"));
        QCOMPARE(rows.first().toObject().value("sourceType").toString(), QStringLiteral("system"));
        bool report = false, toolRow = false;
        for (const QJsonValue &v : rows) {
            const QJsonObject m = v.toObject();
            report = report || (m.value("content").toString() == "halfway" && m.value("sourceType").toString() == "task");
            toolRow = toolRow || (m.value("role").toString() == "assistant" && m.value("toolCalls").toArray().size() >= 1);
        }
        QVERIFY(report);
        QVERIFY(toolRow);
        const QJsonObject list = f.api->get("/api/tasks").json();
        QCOMPARE(list.value("total").toInt(), 1);
        QCOMPARE(list.value("hasMore").toBool(), false);
        const QJsonObject summary = list.value("tasks").toArray().first().toObject();
        QCOMPARE(summary.value("parentKinName").toString(), QStringLiteral("Boss"));
        QVERIFY(summary.value("queuePosition").isNull());
        QVERIFY(summary.value("sourceKinId").isNull());
    }

    void asyncTaskDepositsItsResultWithoutATurn()
    {
        KinFixture f;
        f.fake.keepOffFifo(kAnyTask);
        const QString kinId = f.addKin(QStringLiteral("Quiet"), f.addProvider()).value("id").toString();
        auto sse = f.openSse();
        f.fake.enqueue(FakeReply::toolCalls({call("c1", "spawn_self", spawnArgs("Digest", "ASYNC1 digest", "async"))}));
        f.fake.enqueue(FakeReply::text({QStringLiteral("Started.")}));
        f.fake.enqueueFor(mission("ASYNC1"),
                          FakeReply::toolCalls({call("s1", "update_task_status", {{"status", "completed"}, {"result", "R7"}})}));
        f.fake.enqueueFor(mission("ASYNC1"), FakeReply::text({QStringLiteral("fin")}));
        QCOMPARE(f.send(kinId, QStringLiteral("digest please")).status, 202);
        auto deposit = sse->waitFor([&](const SseFrame &fr) {
            return isEvent(fr, "chat:message", kinId) && fr.data.value("content").toString() == "[Task completed: Digest] R7";
        }, 10000);
        QVERIFY(deposit.has_value());
        QCOMPARE(deposit->data.value("sourceType").toString(), QStringLiteral("task"));
        QVERIFY(!deposit->data.value("resolvedTaskId").toString().isEmpty());
        spin(300);
        QCOMPARE(requestsWith(f.fake, kAnyTask, false).size(), 2); // no turn for the deposit
        bool stored = false;
        for (const QJsonValue &m : messagesOf(*f.api, kinId))
            stored = stored || m.toObject().value("content").toString() == "[Task completed: Digest] R7";
        QVERIFY(stored);
    }

    void aTaskThatNeverReportsGetsOneNudgeThenFails()
    {
        KinFixture f;
        f.fake.keepOffFifo(kAnyTask);
        const QString kinId = f.addKin(QStringLiteral("Nudger"), f.addProvider()).value("id").toString();
        auto sse = f.openSse();
        f.fake.enqueueFor(mission("BETA"), FakeReply::text({QStringLiteral("I think I am done")}));
        f.fake.enqueueFor(mission("BETA"), FakeReply::text({QStringLiteral("Really done")}));
        const QJsonObject spawned = runAs(f, "spawn_self", kinId, {}, spawnArgs("Beta", "BETA do it"));
        const QString taskId = spawned.value("taskId").toString();
        QCOMPARE(spawned.value("status").toString(), QStringLiteral("pending"));
        auto done = sse->waitFor([&](const SseFrame &fr) { return taskEvent(fr, "task:done", taskId); }, 10000);
        QVERIFY(done.has_value());
        QCOMPARE(done->data.value("status").toString(), QStringLiteral("failed"));
        QCOMPARE(done->data.value("error").toString(), QStringLiteral("Task did not explicitly report completion"));
        QCOMPARE(requestsWith(f.fake, mission("BETA")).size(), 2); // the run and exactly one nudge
        QVERIFY(requestsWith(f.fake, mission("BETA")).last().body.contains("update_task_status now"));
        const QJsonArray rows = f.api->get("/api/tasks/" + taskId.toUtf8()).json().value("messages").toArray();
        int nudges = 0;
        for (const QJsonValue &v : rows)
            nudges += v.toObject().value("content").toString().contains("You have not reported the outcome");
        QCOMPARE(nudges, 1);
        // Await mode: the failure is the parent's turn.
        QVERIFY(sse->waitFor([&](const SseFrame &fr) {
            return isEvent(fr, "chat:message", kinId)
                   && fr.data.value("content").toString() == "[Task failed: Beta] Error: Task did not explicitly report completion";
        }, 10000).has_value());

        // Answering the nudge is enough.
        f.fake.enqueueFor(mission("GAMMA"), FakeReply::text({QStringLiteral("done?")}));
        f.fake.enqueueFor(mission("GAMMA"),
                          FakeReply::toolCalls({call("g1", "update_task_status", {{"status", "completed"}, {"result", "late"}})}));
        f.fake.enqueueFor(mission("GAMMA"), FakeReply::text({QStringLiteral("ok")}));
        const QString gamma = runAs(f, "spawn_self", kinId, {}, spawnArgs("Gamma", "GAMMA work", "async")).value("taskId").toString();
        auto gammaDone = sse->waitFor([&](const SseFrame &fr) { return taskEvent(fr, "task:done", gamma); }, 10000);
        QVERIFY(gammaDone.has_value());
        QCOMPARE(gammaDone->data.value("status").toString(), QStringLiteral("completed"));
        QCOMPARE(gammaDone->data.value("result").toString(), QStringLiteral("late"));

        // An empty answer fails at once; a model error fails with its message.
        f.fake.enqueueFor(mission("DELTA"), FakeReply::text({}));
        const QString delta = runAs(f, "spawn_self", kinId, {}, spawnArgs("Delta", "DELTA nothing", "async")).value("taskId").toString();
        auto deltaDone = sse->waitFor([&](const SseFrame &fr) { return taskEvent(fr, "task:done", delta); }, 10000);
        QVERIFY(deltaDone.has_value());
        QCOMPARE(deltaDone->data.value("error").toString(), QStringLiteral("LLM returned empty response"));
        f.fastLimits(0);
        f.fake.enqueueFor(mission("EPS0"), FakeReply::httpError(400));
        const QString broken = runAs(f, "spawn_self", kinId, {}, spawnArgs("Broken", "EPS0 fail", "async")).value("taskId").toString();
        auto brokenDone = sse->waitFor([&](const SseFrame &fr) { return taskEvent(fr, "task:done", broken); }, 10000);
        QVERIFY(brokenDone.has_value());
        QCOMPARE(brokenDone->data.value("status").toString(), QStringLiteral("failed"));
        QVERIFY(!brokenDone->data.value("error").toString().isEmpty());
        QCOMPARE(requestsWith(f.fake, mission("EPS0")).size(), 1); // no nudge after a model error
    }

    void depthAndGlobalLimits()
    {
        KinFixture f;
        f.fake.keepOffFifo(kAnyTask);
        f.fake.setDefaultReply(hanging());
        Platform &p = f.server.platform();
        const QString kinId = f.addKin(QStringLiteral("Deep"), f.addProvider()).value("id").toString();

        SpawnRequest at2 = spawnRequest(kinId, QStringLiteral("Two"), QStringLiteral("DEEP2"));
        at2.depth = 2;
        auto two = p.tasks().spawn(at2);
        QVERIFY(two);
        const QJsonObject child = runAs(f, "spawn_self", kinId, two->id, spawnArgs("Child", "DEEP3 child"));
        QVERIFY2(child.contains("taskId"), qPrintable(compact(child)));
        auto childRow = p.tasks().get(child.value("taskId").toString());
        QCOMPARE(childRow->depth, 3);
        QCOMPARE(childRow->parentTaskId, two->id);
        QCOMPARE(childRow->parentKinId, kinId);
        const QJsonObject tooDeep = runAs(f, "spawn_self", kinId, childRow->id, spawnArgs("Grandchild", "DEEP4"));
        QVERIFY(tooDeep.value("error").toString().contains("depth"));
        SpawnRequest at4 = spawnRequest(kinId, QStringLiteral("Four"), QStringLiteral("DEEP4"));
        at4.depth = 4;
        QCOMPARE(p.tasks().spawn(at4).error().code, QStringLiteral("TASK_SPAWN_ERROR"));

        // Ten pending or running tasks at most over every Kin (queued ones do not count).
        for (int i = 0; i < TaskService::kMaxConcurrent - 2; ++i)
            QVERIFY(p.tasks().spawn(spawnRequest(kinId, QStringLiteral("Cap"), QStringLiteral("CAP %1").arg(i))));
        QTRY_COMPARE(p.tasks().store().runningCount().value(), TaskService::kMaxConcurrent);
        const QJsonObject eleventh = runAs(f, "spawn_self", kinId, {}, spawnArgs("Eleven", "CAP 11"));
        QVERIFY(eleventh.value("error").toString().contains("Too many tasks"));
        // Bad arguments are refused with a reason.
        QVERIFY(runAs(f, "spawn_self", kinId, {}, spawnArgs("", "x")).value("error").toString().contains("title"));
        QVERIFY(runAs(f, "spawn_self", kinId, {}, spawnArgs("t", " ")).value("error").toString().contains("task_description"));
        QVERIFY(runAs(f, "spawn_self", kinId, {}, spawnArgs("t", "x", "later")).value("error").toString().contains("mode"));
        QVERIFY(runAs(f, "spawn_kin", kinId, {}, QJsonObject{{"kin_slug", "nobody"}, {"title", "t"}, {"task_description", "x"}, {"mode", "await"}})
                    .value("error").toString().contains("nobody"));
        QVERIFY(runAs(f, "update_task_status", kinId, {}, {{"status", "completed"}}).value("error").toString().contains("inside a task"));

        // Cleanup: cancelling every running task frees the slots.
        auto running = p.tasks().store().inStatuses({QStringLiteral("pending"), QStringLiteral("in_progress")});
        for (const TaskRecord &t : running.value())
            QCOMPARE(f.api->postJson("/api/tasks/" + t.id.toUtf8() + "/cancel", {}).status, 200);
        QCOMPARE(p.tasks().store().runningCount().value(), 0);
    }

    void taskToolsRefuseBadCalls()
    {
        KinFixture f;
        f.fake.keepOffFifo(kAnyTask);
        f.fake.setDefaultReply(hanging());
        const QString provider = f.addProvider();
        const QString kinId = f.addKin(QStringLiteral("Strict"), provider).value("id").toString();
        const QString other = f.addKin(QStringLiteral("Nosy"), provider).value("id").toString();
        const QString taskId = runAs(f, "spawn_self", kinId, {}, spawnArgs("Work", "MU work")).value("taskId").toString();
        QTRY_COMPARE(statusOf(*f.api, taskId), QStringLiteral("in_progress"));

        const auto errorOf = [&](const QString &tool, const QString &asKin, const QString &inTask, const QJsonObject &args) {
            return runAs(f, tool, asKin, inTask, args).value("error").toString();
        };
        QVERIFY(errorOf("update_task_status", kinId, taskId, {{"status", "done"}}).contains("in_progress, completed or failed"));
        QVERIFY(errorOf("update_task_status", kinId, taskId, {{"status", "completed"}}).contains("result is required"));
        QVERIFY(errorOf("report_to_parent", kinId, taskId, {{"message", " "}}).contains("message is required"));
        QVERIFY(errorOf("request_input", kinId, taskId, {{"question", ""}}).contains("question is required"));
        for (int i = 1; i <= TaskService::kMaxRequestInput; ++i)
            QCOMPARE(runAs(f, "request_input", kinId, taskId, {{"question", QStringLiteral("Q%1?").arg(i)}}).value("requestsUsed").toInt(), i);
        QVERIFY(errorOf("request_input", kinId, taskId, {{"question", "Q4?"}}).contains("At most 3"));
        QVERIFY(errorOf("respond_to_task", kinId, {}, {{"task_id", "nope"}, {"answer", "x"}}).contains("not found"));
        QVERIFY(errorOf("respond_to_task", kinId, {}, {{"task_id", taskId}, {"answer", " "}}).contains("answer is required"));
        QVERIFY(errorOf("cancel_task", other, {}, {{"task_id", taskId}}).contains("not found")); // not its task
        QVERIFY(errorOf("get_task_detail", kinId, {}, {{"task_id", "nope"}}).contains("not found"));
        QJsonObject badMax = spawnArgs("Grouped", "MU grouped");
        badMax.insert("concurrency_group", "g");
        badMax.insert("concurrency_max", 51);
        QVERIFY(errorOf("spawn_self", kinId, {}, badMax).contains("concurrency_max"));
        QCOMPARE(statusOf(*f.api, taskId), QStringLiteral("in_progress")); // none of it touched the task
        // From inside the task, list_tasks sees the parent's tasks.
        QCOMPARE(runAs(f, "list_tasks", kinId, taskId, {}).value("tasks").toArray().size(), 1);
        QCOMPARE(f.api->postJson("/api/tasks/" + taskId.toUtf8() + "/cancel", {}).status, 200);
        QVERIFY(errorOf("update_task_status", kinId, taskId, {{"status", "completed"}, {"result", "late"}}).contains("already cancelled"));
    }

    void concurrencyGroupsQueuePromoteAndForcePromote()
    {
        KinFixture f;
        f.fake.keepOffFifo(kAnyTask);
        const QString kinId = f.addKin(QStringLiteral("Grouper"), f.addProvider()).value("id").toString();
        auto sse = f.openSse();
        f.fake.enqueueFor(mission("G1"), hanging());
        f.fake.enqueueFor(mission("G2"), hanging());
        f.fake.enqueueFor(mission("G3"), FakeReply::toolCalls({call("g3", "update_task_status", {{"status", "completed"}, {"result", "g3"}})}));
        f.fake.enqueueFor(mission("G3"), FakeReply::text({QStringLiteral("ok")}));
        const auto spawnInGroup = [&](const QString &title, const QString &description) {
            QJsonObject a = spawnArgs(title, description, "async");
            a.insert("concurrency_group", "g");
            a.insert("concurrency_max", 1);
            return runAs(f, "spawn_self", kinId, {}, a);
        };
        const QJsonObject r1 = spawnInGroup("One", "G1 first");
        const QJsonObject r2 = spawnInGroup("Two", "G2 second");
        const QJsonObject r3 = spawnInGroup("Three", "G3 third");
        QCOMPARE(r1.value("status").toString(), QStringLiteral("pending"));
        QCOMPARE(r2.value("status").toString(), QStringLiteral("queued"));
        QCOMPARE(r3.value("status").toString(), QStringLiteral("queued"));
        const QString t1 = r1.value("taskId").toString(), t2 = r2.value("taskId").toString(), t3 = r3.value("taskId").toString();
        QVERIFY(sse->waitFor([&](const SseFrame &fr) { return taskEvent(fr, "task:status", t2) && fr.data.value("status").toString() == "queued"; }).has_value());
        QCOMPARE(eventsOf(*sse, "task:status", t2).first().value("concurrencyGroup").toString(), QStringLiteral("g"));
        QTRY_COMPARE(statusOf(*f.api, t1), QStringLiteral("in_progress"));
        QCOMPARE(requestsWith(f.fake, mission("G2")).size(), 0); // queued tasks do not run

        const QJsonArray queues = runAs(f, "list_active_queues", kinId, {}, {}).value("queues").toArray();
        QCOMPARE(queues.size(), 1);
        const QJsonObject queue = queues.first().toObject();
        QCOMPARE(queue.value("group").toString(), QStringLiteral("g"));
        QCOMPARE(queue.value("active").toInt(), 1);
        QCOMPARE(queue.value("queued").toInt(), 2);
        QCOMPARE(queue.value("max").toInt(), 1);
        QHash<QString, QJsonValue> positions;
        for (const QJsonValue &v : runAs(f, "list_tasks", kinId, {}, {}).value("tasks").toArray())
            positions.insert(v.toObject().value("id").toString(), v.toObject().value("queuePosition"));
        QVERIFY(positions.value(t1).isNull());
        QCOMPARE(positions.value(t2).toInt(), 1);
        QCOMPARE(positions.value(t3).toInt(), 2);

        expectError(f.api->postJson("/api/tasks/" + t1.toUtf8() + "/force-promote", {}), 409, "TASK_NOT_QUEUED");
        // Cancelling the running one promotes the oldest queued.
        const HttpResponse cancelled = f.api->postJson("/api/tasks/" + t1.toUtf8() + "/cancel", {});
        QCOMPARE(cancelled.status, 200);
        QCOMPARE(cancelled.json().value("success").toBool(), true);
        QCOMPARE(statusOf(*f.api, t1), QStringLiteral("cancelled"));
        QVERIFY(sse->waitFor([&](const SseFrame &fr) { return taskEvent(fr, "task:status", t2) && fr.data.value("status").toString() == "pending"; }).has_value());
        QTRY_COMPARE(statusOf(*f.api, t2), QStringLiteral("in_progress"));
        QCOMPARE(statusOf(*f.api, t3), QStringLiteral("queued"));
        // The stopped turn still ends with its chat:done.
        QVERIFY(sse->waitFor([&](const SseFrame &fr) { return taskEvent(fr, "chat:done", t1); }).has_value());
        // Force-promote ignores the group limit.
        const HttpResponse promoted = f.api->postJson("/api/tasks/" + t3.toUtf8() + "/force-promote", {});
        QCOMPARE(promoted.status, 200);
        QCOMPARE(promoted.json().value("success").toBool(), true);
        auto done3 = sse->waitFor([&](const SseFrame &fr) { return taskEvent(fr, "task:done", t3); }, 10000);
        QVERIFY(done3.has_value());
        QCOMPARE(done3->data.value("status").toString(), QStringLiteral("completed"));
        QCOMPARE(statusOf(*f.api, t2), QStringLiteral("in_progress"));
        expectError(f.api->postJson("/api/tasks/" + t1.toUtf8() + "/cancel", {}), 409, "TASK_NOT_CANCELLABLE");
        expectError(f.api->postJson("/api/tasks/" + t3.toUtf8() + "/cancel", {}), 409, "TASK_NOT_CANCELLABLE");
        expectError(f.api->postJson("/api/tasks/" + t3.toUtf8() + "/force-promote", {}), 409, "TASK_NOT_QUEUED");
        QCOMPARE(runAs(f, "cancel_task", kinId, {}, {{"task_id", t2}}).value("success").toBool(), true);
        QCOMPARE(statusOf(*f.api, t2), QStringLiteral("cancelled"));
        QVERIFY(runAs(f, "cancel_task", kinId, {}, {{"task_id", t2}}).value("error").toString().contains("already"));
        QCOMPARE(runAs(f, "list_active_queues", kinId, {}, {}).value("queues").toArray().size(), 0);
    }

    void requestInputWaitsForTheParentsAnswer()
    {
        KinFixture f;
        f.fake.keepOffFifo(kAnyTask);
        const QString kinId = f.addKin(QStringLiteral("Asker"), f.addProvider()).value("id").toString();
        auto sse = f.openSse();
        f.fake.enqueueFor(mission("EPSILON"), FakeReply::toolCalls({call("q1", "request_input", {{"question", "Which colour?"}})}));
        f.fake.enqueueFor(mission("EPSILON"), FakeReply::text({QStringLiteral("waiting")}));
        const QString taskId = runAs(f, "spawn_self", kinId, {}, spawnArgs("Paint", "EPSILON paint the fence")).value("taskId").toString();
        auto asked = sse->waitFor([&](const SseFrame &fr) {
            return isEvent(fr, "chat:message", kinId) && fr.data.value("content").toString().contains("asks]: Which colour?");
        }, 10000);
        QVERIFY(asked.has_value());
        QCOMPARE(asked->data.value("sourceType").toString(), QStringLiteral("task"));
        QVERIFY(asked->data.value("content").toString().startsWith("[Task \"EPSILON paint the fence\" asks]"));
        spin(300);
        QCOMPARE(statusOf(*f.api, taskId), QStringLiteral("in_progress")); // waiting, not nudged
        QCOMPARE(requestsWith(f.fake, mission("EPSILON")).size(), 2);

        f.fake.enqueueFor(mission("EPSILON"),
                          FakeReply::toolCalls({call("q2", "update_task_status", {{"status", "completed"}, {"result", "Blue chosen"}})}));
        f.fake.enqueueFor(mission("EPSILON"), FakeReply::text({QStringLiteral("ok")}));
        QCOMPARE(runAs(f, "respond_to_task", kinId, {}, {{"task_id", taskId}, {"answer", "Blue"}}).value("success").toBool(), true);
        auto done = sse->waitFor([&](const SseFrame &fr) { return taskEvent(fr, "task:done", taskId); }, 10000);
        QVERIFY(done.has_value());
        QCOMPARE(done->data.value("result").toString(), QStringLiteral("Blue chosen"));
        QVERIFY(requestsWith(f.fake, mission("EPSILON"))[2].body.contains("[Parent response]: Blue"));
        QVERIFY(runAs(f, "respond_to_task", kinId, {}, {{"task_id", taskId}, {"answer", "Red"}}).value("error").toString().contains("not in_progress"));
        // Another Kin cannot see or answer it.
        const QString other = f.addKin(QStringLiteral("Stranger"), f.server.platform().kins().resolve(kinId)->providerId).value("id").toString();
        QVERIFY(runAs(f, "get_task_detail", other, {}, {{"task_id", taskId}}).value("error").toString().contains("not found"));
        const QJsonObject detail = runAs(f, "get_task_detail", kinId, {}, {{"task_id", taskId}});
        QCOMPARE(detail.value("status").toString(), QStringLiteral("completed"));
        QVERIFY(detail.value("messages").toArray().size() >= 3);
    }

    void humanPromptFromATaskPausesItAndCancelCancelsIt()
    {
        KinFixture f;
        f.fake.keepOffFifo(kAnyTask);
        const QString kinId = f.addKin(QStringLiteral("Chooser"), f.addProvider()).value("id").toString();
        auto sse = f.openSse();
        const QJsonArray options{QJsonObject{{"label", "A"}, {"value", "a"}}, QJsonObject{{"label", "B"}, {"value", "b"}}};
        const QJsonObject ask{{"prompt_type", "select"}, {"question", "Pick"}, {"options", options}};
        f.fake.enqueueFor(mission("ZETA"), FakeReply::toolCalls({call("h1", "prompt_human", ask)}));
        f.fake.enqueueFor(mission("ZETA"), FakeReply::text({QStringLiteral("asked")}));
        const QString taskId = runAs(f, "spawn_self", kinId, {}, spawnArgs("Choose", "ZETA choose")).value("taskId").toString();
        auto pending = sse->waitFor([&](const SseFrame &fr) { return isEvent(fr, "prompt:pending", kinId); }, 10000);
        QVERIFY(pending.has_value());
        QCOMPARE(pending->data.value("taskId").toString(), taskId);
        QVERIFY(sse->waitFor([&](const SseFrame &fr) {
            return taskEvent(fr, "task:status", taskId) && fr.data.value("status").toString() == "awaiting_human_input";
        }).has_value());
        QVERIFY(sse->waitFor([&](const SseFrame &fr) { return taskEvent(fr, "chat:done", taskId); }).has_value());
        spin(200);
        QCOMPARE(statusOf(*f.api, taskId), QStringLiteral("awaiting_human_input"));
        QCOMPARE(requestsWith(f.fake, mission("ZETA")).size(), 2); // no nudge while waiting for the human

        f.fake.enqueueFor(mission("ZETA"), FakeReply::toolCalls({call("h2", "update_task_status", {{"status", "completed"}, {"result", "picked B"}})}));
        f.fake.enqueueFor(mission("ZETA"), FakeReply::text({QStringLiteral("ok")}));
        const QString promptId = pending->data.value("promptId").toString();
        QCOMPARE(f.api->postJson("/api/prompts/" + promptId.toUtf8() + "/respond", {{"response", "b"}}).status, 200);
        auto done = sse->waitFor([&](const SseFrame &fr) { return taskEvent(fr, "task:done", taskId); }, 10000);
        QVERIFY(done.has_value());
        QCOMPARE(done->data.value("result").toString(), QStringLiteral("picked B"));
        QVERIFY(requestsWith(f.fake, mission("ZETA"))[2].body.contains("]: B"));
        // The answer went to the task, not to the parent's queue.
        for (const QJsonValue &m : messagesOf(*f.api, kinId))
            QVERIFY(!m.toObject().value("content").toString().startsWith("[Human response"));

        // Cancelling a task cancels its pending prompts.
        f.fake.enqueueFor(mission("ETA"), FakeReply::toolCalls({call("h3", "prompt_human", ask)}));
        f.fake.enqueueFor(mission("ETA"), FakeReply::text({QStringLiteral("asked")}));
        const QString eta = runAs(f, "spawn_self", kinId, {}, spawnArgs("Eta", "ETA choose")).value("taskId").toString();
        QTRY_COMPARE_WITH_TIMEOUT(statusOf(*f.api, eta), QStringLiteral("awaiting_human_input"), 10000);
        QCOMPARE(f.api->postJson("/api/tasks/" + eta.toUtf8() + "/cancel", {}).status, 200);
        auto cancelled = sse->waitFor([&](const SseFrame &fr) {
            return isEvent(fr, "prompt:answered", kinId) && fr.data.value("taskId").toString() == eta;
        });
        QVERIFY(cancelled.has_value());
        QCOMPARE(cancelled->data.value("cancelled").toBool(), true);
        QCOMPARE(f.api->get("/api/prompts/pending?kinId=" + kinId.toUtf8()).json().value("prompts").toArray().size(), 0);

        // A task spawned without permission cannot ask.
        f.fake.enqueueFor(mission("THETA"), FakeReply::toolCalls({call("h4", "prompt_human", ask)}));
        f.fake.enqueueFor(mission("THETA"), FakeReply::toolCalls({call("h5", "update_task_status", {{"status", "failed"}, {"error", "no human"}})}));
        f.fake.enqueueFor(mission("THETA"), FakeReply::text({QStringLiteral("ok")}));
        QJsonObject args = spawnArgs("Theta", "THETA choose", "async");
        args.insert("allow_human_prompt", false);
        const QString theta = runAs(f, "spawn_self", kinId, {}, args).value("taskId").toString();
        QVERIFY(sse->waitFor([&](const SseFrame &fr) { return taskEvent(fr, "task:done", theta); }, 10000).has_value());
        bool refused = false;
        for (const QJsonObject &e : eventsOf(*sse, "chat:tool-result", theta))
            refused = refused || (e.value("toolName").toString() == "prompt_human"
                                  && e.value("result").toObject().value("error").toString().contains("without permission"));
        QVERIFY(refused);
    }

    void aRequestToAnotherKinSuspendsTheTaskUntilTheReplyOrTheTimeout()
    {
        KinFixture f;
        f.fake.keepOffFifo(kAnyTask);
        const QString provider = f.addProvider();
        const QString a = f.addKin(QStringLiteral("Asker"), provider).value("id").toString();
        const QString b = f.addKin(QStringLiteral("Expert"), provider).value("id").toString();
        auto sse = f.openSse();
        const QJsonObject request{{"slug", "expert"}, {"message", "What is six times seven?"}, {"type", "request"}};
        f.fake.enqueueFor(mission("IOTA"), FakeReply::toolCalls({call("i1", "send_message", request)}));
        f.fake.enqueueFor(mission("IOTA"), FakeReply::text({QStringLiteral("waiting")}));
        const QString taskId = runAs(f, "spawn_self", a, {}, spawnArgs("Ask", "IOTA ask the expert")).value("taskId").toString();
        QVERIFY(sse->waitFor([&](const SseFrame &fr) {
            return taskEvent(fr, "task:status", taskId) && fr.data.value("status").toString() == "awaiting_kin_response";
        }, 10000).has_value());
        QString requestId;
        auto sent = sse->waitFor([&](const SseFrame &fr) { return taskEvent(fr, "chat:tool-result", taskId); });
        QVERIFY(sent.has_value());
        requestId = sent->data.value("result").toObject().value("requestId").toString();
        QVERIFY(!requestId.isEmpty());
        QVERIFY(sse->waitFor([&](const SseFrame &fr) { return taskEvent(fr, "chat:done", taskId); }).has_value());
        spin(200);
        QCOMPARE(statusOf(*f.api, taskId), QStringLiteral("awaiting_kin_response")); // waiting, not nudged
        QCOMPARE(requestsWith(f.fake, mission("IOTA")).size(), 2);

        f.fake.enqueueFor(mission("IOTA"), FakeReply::toolCalls({call("i2", "update_task_status", {{"status", "completed"}, {"result", "42 it is"}})}));
        f.fake.enqueueFor(mission("IOTA"), FakeReply::text({QStringLiteral("ok")}));
        QCOMPARE(runAs(f, "reply", b, {}, {{"request_id", requestId}, {"message", "42"}}).value("success").toBool(), true);
        auto done = sse->waitFor([&](const SseFrame &fr) { return taskEvent(fr, "task:done", taskId); }, 10000);
        QVERIFY(done.has_value());
        QCOMPARE(done->data.value("result").toString(), QStringLiteral("42 it is"));
        QVERIFY(requestsWith(f.fake, mission("IOTA"))[2].body.contains("[Inter-Kin response from Expert]: 42"));
        // The reply went to the task: no kin_reply turn for the asking Kin.
        QCOMPARE(f.server.platform().database().selectOne("SELECT count(*) FROM queue_items WHERE kin_id = ? AND message_type = 'kin_reply'", {a})
                     .value()->value(0).toInt(), 0);

        // No reply within 5 minutes: the task goes on without it.
        f.fake.enqueueFor(mission("KAPPA2"), FakeReply::toolCalls({call("k1", "send_message", request)}));
        f.fake.enqueueFor(mission("KAPPA2"), FakeReply::text({QStringLiteral("waiting")}));
        f.fake.enqueueFor(mission("KAPPA2"), FakeReply::toolCalls({call("k2", "update_task_status", {{"status", "failed"}, {"error", "no answer"}})}));
        f.fake.enqueueFor(mission("KAPPA2"), FakeReply::text({QStringLiteral("ok")}));
        const QString slow = runAs(f, "spawn_self", a, {}, spawnArgs("Slow", "KAPPA2 ask again", "async")).value("taskId").toString();
        QTRY_COMPARE_WITH_TIMEOUT(statusOf(*f.api, slow), QStringLiteral("awaiting_kin_response"), 10000);
        QVERIFY(sse->waitFor([&](const SseFrame &fr) { return taskEvent(fr, "chat:done", slow); }).has_value());
        f.server.clock().advanceMs(TaskService::kInterKinTimeoutMs - 1000);
        spin(200);
        QCOMPARE(statusOf(*f.api, slow), QStringLiteral("awaiting_kin_response"));
        f.server.clock().advanceMs(1000);
        auto slowDone = sse->waitFor([&](const SseFrame &fr) { return taskEvent(fr, "task:done", slow); }, 10000);
        QVERIFY(slowDone.has_value());
        QCOMPARE(slowDone->data.value("error").toString(), QStringLiteral("no answer"));
        QVERIFY(requestsWith(f.fake, mission("KAPPA2"))[2].body.contains("timed out after 5 minutes"));

        // Three requests per task at most.
        TaskService &tasks = f.server.platform().tasks();
        f.fake.setDefaultReply(hanging());
        const QString capped = tasks.spawn(spawnRequest(a, QStringLiteral("Cap"), QStringLiteral("LAMBDA"))).value().id;
        for (int i = 0; i < TaskService::kMaxInterKinRequests; ++i) {
            QVERIFY(tasks.admitKinRequest(capped));
            QVERIFY(tasks.awaitKin(capped, QStringLiteral("req-%1").arg(i), QStringLiteral("Expert")));
        }
        QCOMPARE(tasks.admitKinRequest(capped).error().code, QStringLiteral("TASK_REQUEST_LIMIT"));
        QCOMPARE(f.api->postJson("/api/tasks/" + capped.toUtf8() + "/cancel", {}).status, 200);
        QVERIFY(!f.server.platform().scheduler().contains("task-kin-timeout:" + capped)); // the cancel cleared its timer
    }

    void restartFailsInterruptedTasksButKeepsThoseWaitingForAHuman()
    {
        QTemporaryDir dir;
        const auto sameDir = [&](ServerConfig &c) { c.dataDir = dir.path(); };
        FakeLlmServer fake;
        QVERIFY(fake.listen());
        fake.setDefaultReply(hanging());
        QString running, queued, human, finished;
        {
            TestServer s(sameDir);
            QVERIFY2(s.ok(), qPrintable(s.error()));
            TestUser admin = s.onboard(QStringLiteral("ada@example.test"), QStringLiteral("ada"));
            HttpClient api = s.clientFor(admin);
            const QString provider = api.postJson("/api/providers", {{"name", "p"}, {"type", "openai"},
                                                                     {"config", QJsonObject{{"apiKey", "sk-x"}, {"baseUrl", fake.baseUrl()}}}})
                                         .json().value("provider").toObject().value("id").toString();
            const QString kinId = api.postJson("/api/kins", {{"name", "Phoenix"}, {"role", "r"}, {"character", ""}, {"expertise", ""},
                                                             {"model", "gpt-4o"}, {"providerId", provider}})
                                      .json().value("kin").toObject().value("id").toString();
            TaskService &tasks = s.platform().tasks();
            SpawnRequest grouped = spawnRequest(kinId, QStringLiteral("Run"), QStringLiteral("RESTART1"));
            grouped.concurrencyGroup = QStringLiteral("r");
            running = tasks.spawn(grouped).value().id;
            grouped.description = QStringLiteral("RESTART2");
            queued = tasks.spawn(grouped).value().id;
            human = tasks.spawn(spawnRequest(kinId, QStringLiteral("Ask"), QStringLiteral("RESTART3"))).value().id;
            finished = tasks.spawn(spawnRequest(kinId, QStringLiteral("Done"), QStringLiteral("RESTART4"))).value().id;
            QTRY_COMPARE(tasks.get(running)->status, QStringLiteral("in_progress"));
            QCOMPARE(tasks.get(queued)->status, QStringLiteral("queued"));
            QVERIFY(tasks.awaitHuman(human));
            tasks.resolve(finished, QStringLiteral("completed"), QStringLiteral("all good"), {});
        }
        TestServer s(sameDir);
        QVERIFY2(s.ok(), qPrintable(s.error()));
        TaskService &tasks = s.platform().tasks();
        for (const QString &id : {running, queued}) {
            QCOMPARE(tasks.get(id)->status, QStringLiteral("failed"));
            QCOMPARE(tasks.get(id)->error, QStringLiteral("Interrupted by server restart"));
        }
        QCOMPARE(tasks.get(human)->status, QStringLiteral("awaiting_human_input"));
        QCOMPARE(tasks.get(finished)->status, QStringLiteral("completed"));
        QCOMPARE(tasks.get(finished)->result, QStringLiteral("all good"));
    }

    void routesFiltersPagesAndFailurePaths()
    {
        KinFixture f;
        f.fake.keepOffFifo(kAnyTask);
        f.fake.setDefaultReply(hanging());
        Platform &p = f.server.platform();
        const QString provider = f.addProvider();
        const QString kinId = f.addKin(QStringLiteral("Lister"), provider).value("id").toString();
        const QString other = f.addKin(QStringLiteral("Other"), provider).value("id").toString();
        QStringList ids;
        for (const QString &title : {QStringLiteral("Apple pie"), QStringLiteral("Banana"), QStringLiteral("Cherry")})
            ids << p.tasks().spawn(spawnRequest(kinId, title, title + QStringLiteral(" recipe"))).value().id;
        ids << p.tasks().spawn(spawnRequest(other, QStringLiteral("Durian"), QStringLiteral("smelly 100% sure"))).value().id;
        QTRY_COMPARE(p.tasks().store().inStatuses({QStringLiteral("in_progress")}).value().size(), 4);

        const auto list = [&](const QByteArray &query) { return f.api->get("/api/tasks" + query).json(); };
        QCOMPARE(list("").value("total").toInt(), 4);
        QCOMPARE(list("?kinId=" + kinId.toUtf8()).value("total").toInt(), 3);
        QCOMPARE(list("?kinId=other").value("total").toInt(), 1); // slug accepted
        QCOMPARE(list("?status=in_progress").value("total").toInt(), 4);
        QCOMPARE(list("?status=queued").value("total").toInt(), 0);
        const QJsonObject apple = list("?search=apple");
        QCOMPARE(apple.value("total").toInt(), 1);
        QCOMPARE(apple.value("tasks").toArray().first().toObject().value("title").toString(), QStringLiteral("Apple pie"));
        QCOMPARE(list("?search=100%25").value("total").toInt(), 1); // % is literal
        QCOMPARE(list("?search=recipe").value("total").toInt(), 3);
        const QJsonObject page1 = list("?limit=3");
        QCOMPARE(page1.value("tasks").toArray().size(), 3);
        QCOMPARE(page1.value("hasMore").toBool(), true);
        QCOMPARE(page1.value("tasks").toArray().first().toObject().value("title").toString(), QStringLiteral("Durian")); // newest first
        const QJsonObject page2 = list("?limit=3&offset=3");
        QCOMPARE(page2.value("tasks").toArray().size(), 1);
        QCOMPARE(page2.value("hasMore").toBool(), false);
        QCOMPARE(page2.value("total").toInt(), 4);

        expectError(f.api->get("/api/tasks?limit=0"), 400, "VALIDATION_ERROR");
        expectError(f.api->get("/api/tasks?limit=101"), 400, "VALIDATION_ERROR");
        expectError(f.api->get("/api/tasks?limit=ten"), 400, "VALIDATION_ERROR");
        expectError(f.api->get("/api/tasks?offset=-1"), 400, "VALIDATION_ERROR");
        expectError(f.api->get("/api/tasks?status=sleeping"), 400, "VALIDATION_ERROR");
        expectError(f.api->get("/api/tasks?kinId=nobody"), 404, "KIN_NOT_FOUND");
        expectError(f.api->get("/api/tasks/nope"), 404, "TASK_NOT_FOUND");
        expectError(f.api->postJson("/api/tasks/nope/cancel", {}), 404, "TASK_NOT_FOUND");
        expectError(f.api->postJson("/api/tasks/nope/force-promote", {}), 404, "TASK_NOT_FOUND");
        HttpClient anonymous = f.server.client();
        const QByteArray one = "/api/tasks/" + ids.first().toUtf8();
        for (const HttpResponse &r : {anonymous.get("/api/tasks"), anonymous.get(one), anonymous.postJson(one + "/cancel", {}),
                                      anonymous.postJson(one + "/force-promote", {})})
            QCOMPARE(r.status, 401);
        QCOMPARE(statusOf(*f.api, ids.first()), QStringLiteral("in_progress")); // untouched by the refused calls

        for (const QString &id : std::as_const(ids))
            QCOMPARE(f.api->postJson("/api/tasks/" + id.toUtf8() + "/cancel", {}).status, 200);
        QCOMPARE(list("?status=cancelled").value("total").toInt(), 4);
    }

    void spawnKinRunsAsTheOtherKinAndLeavesItANote()
    {
        KinFixture f;
        f.fake.keepOffFifo(kAnyTask);
        const QString provider = f.addProvider();
        const QString boss = f.addKin(QStringLiteral("Boss"), provider).value("id").toString();
        const QString helper = f.addKin(QStringLiteral("Helper"), provider).value("id").toString();
        auto sse = f.openSse();
        f.fake.enqueueFor(mission("KAPPA"), FakeReply::toolCalls({call("k1", "update_task_status", {{"status", "completed"}, {"result", "K done"}})}));
        f.fake.enqueueFor(mission("KAPPA"), FakeReply::text({QStringLiteral("ok")}));
        const QJsonObject spawned = runAs(f, "spawn_kin", boss, {}, QJsonObject{{"kin_slug", "helper"}, {"title", "Help"}, {"task_description", "KAPPA help"}, {"mode", "async"}});
        const QString taskId = spawned.value("taskId").toString();
        QVERIFY2(!taskId.isEmpty(), qPrintable(compact(spawned)));
        auto done = sse->waitFor([&](const SseFrame &fr) { return taskEvent(fr, "task:done", taskId); }, 10000);
        QVERIFY(done.has_value());
        QCOMPARE(done->data.value("kinId").toString(), boss);
        QCOMPARE(done->data.value("senderName").toString(), QStringLiteral("Helper"));
        QVERIFY(requestsWith(f.fake, mission("KAPPA")).first().body.contains("You are Helper"));
        auto note = sse->waitFor([&](const SseFrame &fr) {
            return isEvent(fr, "chat:message", helper) && fr.data.value("content").toString() == "[Task completed: Help] K done";
        });
        QVERIFY(note.has_value());
        QCOMPARE(note->data.value("sourceName").toString(), QStringLiteral("Helper"));
        const QJsonObject summary = f.api->get("/api/tasks?kinId=helper").json().value("tasks").toArray().first().toObject();
        QCOMPARE(summary.value("sourceKinId").toString(), helper);
        QCOMPARE(summary.value("sourceKinName").toString(), QStringLiteral("Helper"));
        QCOMPARE(summary.value("parentKinId").toString(), boss);
    }

    void aCronTriggerSpawnsARealTask()
    {
        KinFixture f;
        f.fake.keepOffFifo(kAnyTask);
        const QString provider = f.addProvider();
        const QString kinId = f.addKin(QStringLiteral("Reporter"), provider).value("id").toString();
        const QString target = f.addKin(QStringLiteral("Writer"), provider).value("id").toString();
        auto sse = f.openSse();
        const QJsonObject ask{{"prompt_type", "confirm"}, {"question", "Ok?"},
                              {"options", QJsonArray{QJsonObject{{"label", "Yes"}, {"value", "y"}}, QJsonObject{{"label", "No"}, {"value", "n"}}}}};
        f.fake.enqueueFor(mission("OMEGA"), FakeReply::toolCalls({call("o1", "prompt_human", ask)}));
        f.fake.enqueueFor(mission("OMEGA"), FakeReply::toolCalls({call("o2", "update_task_status", {{"status", "completed"}, {"result", "daily summary"}})}));
        f.fake.enqueueFor(mission("OMEGA"), FakeReply::text({QStringLiteral("ok")}));
        const QJsonObject cron = f.api->postJson("/api/crons", {{"kinId", kinId}, {"name", "Morning"}, {"schedule", "0 9 * * *"},
                                                                {"taskDescription", "OMEGA report"}, {"targetKinId", target}})
                                     .json().value("cron").toObject();
        const QString cronId = cron.value("id").toString();
        const HttpResponse triggered = f.api->postJson("/api/crons/" + cronId.toUtf8() + "/trigger", {});
        QCOMPARE(triggered.status, 200);
        const QString taskId = triggered.json().value("taskId").toString();
        auto event = sse->waitFor([&](const SseFrame &fr) { return isEvent(fr, "cron:triggered", kinId); });
        QVERIFY(event.has_value());
        QCOMPARE(event->data.value("taskId").toString(), taskId);
        auto done = sse->waitFor([&](const SseFrame &fr) { return taskEvent(fr, "task:done", taskId); }, 10000);
        QVERIFY(done.has_value());
        QCOMPARE(done->data.value("result").toString(), QStringLiteral("daily summary"));
        // Cron tasks cannot ask the users.
        bool refused = false;
        for (const QJsonObject &e : eventsOf(*sse, "chat:tool-result", taskId))
            refused = refused || e.value("result").toObject().value("error").toString().contains("Cron tasks cannot");
        QVERIFY(refused);
        const QJsonObject listed = f.api->get("/api/tasks?cronId=" + cronId.toUtf8()).json();
        QCOMPARE(listed.value("total").toInt(), 1);
        const QJsonObject t = listed.value("tasks").toArray().first().toObject();
        QCOMPARE(t.value("cronId").toString(), cronId);
        QCOMPARE(t.value("mode").toString(), QStringLiteral("async"));
        QCOMPARE(t.value("sourceKinId").toString(), target);
        QCOMPARE(t.value("concurrencyGroup").toString(), "cron:" + cronId);
        QCOMPARE(t.value("concurrencyMax").toInt(), TaskService::kCronGroupMax);
        QVERIFY(requestsWith(f.fake, mission("OMEGA")).first().body.contains("recurring (cron) run"));
        // The result lands in the cron owner's conversation without a turn.
        QVERIFY(sse->waitFor([&](const SseFrame &fr) {
            return isEvent(fr, "chat:message", kinId) && fr.data.value("content").toString() == "[Task completed: Morning] daily summary";
        }).has_value());
        // The next run sees this one (once this one's last step is over).
        QVERIFY(sse->waitFor([&](const SseFrame &fr) { return taskEvent(fr, "chat:done", taskId); }, 10000).has_value());
        f.fake.enqueueFor(mission("OMEGA"), FakeReply::toolCalls({call("o3", "update_task_status", {{"status", "completed"}, {"result", "second"}})}));
        f.fake.enqueueFor(mission("OMEGA"), FakeReply::text({QStringLiteral("ok")}));
        const QString second = f.api->postJson("/api/crons/" + cronId.toUtf8() + "/trigger", {}).json().value("taskId").toString();
        QVERIFY(sse->waitFor([&](const SseFrame &fr) { return taskEvent(fr, "task:done", second); }, 10000).has_value());
        QVERIFY(sse->waitFor([&](const SseFrame &fr) { return taskEvent(fr, "chat:done", second); }, 10000).has_value());
        const QByteArray secondBody = requestsWith(f.fake, mission("OMEGA"))[3].body;
        QVERIFY(secondBody.contains("## Previous runs"));
        QVERIFY(secondBody.contains("daily summary"));
        // The journal tool lists the runs, newest first, to the cron's Kin only.
        const QJsonObject journal = runAs(f, "get_cron_journal", kinId, {}, {{"cron_id", cronId}});
        QCOMPARE(journal.value("total").toInt(), 2);
        QCOMPARE(journal.value("runs").toArray().first().toObject().value("result").toString(), QStringLiteral("second"));
        QCOMPARE(journal.value("runs").toArray().last().toObject().value("taskId").toString(), taskId);
        QVERIFY(runAs(f, "get_cron_journal", target, {}, {{"cron_id", cronId}}).value("error").toString().contains("not found"));
        // Deleting the cron while a run is under way leaves the task working (cron_id cleared), and it still ends.
        f.fake.enqueueFor(mission("OMEGA"), hanging());
        const QString third = f.api->postJson("/api/crons/" + cronId.toUtf8() + "/trigger", {}).json().value("taskId").toString();
        QTRY_COMPARE(statusOf(*f.api, third), QStringLiteral("in_progress"));
        QCOMPARE(f.api->del("/api/crons/" + cronId.toUtf8()).status, 200);
        QVERIFY(taskOf(*f.api, third).value("cronId").isNull());
        QCOMPARE(f.api->postJson("/api/tasks/" + third.toUtf8() + "/cancel", {}).status, 200);
        QCOMPARE(statusOf(*f.api, third), QStringLiteral("cancelled"));
    }

    void deletingAKinDeletesItsTasks()
    {
        KinFixture f;
        f.fake.keepOffFifo(kAnyTask);
        f.fake.setDefaultReply(hanging());
        const QString kinId = f.addKin(QStringLiteral("Gone"), f.addProvider()).value("id").toString();
        auto sse = f.openSse();
        const QString taskId = runAs(f, "spawn_self", kinId, {}, spawnArgs("Doomed", "DOOM run")).value("taskId").toString();
        QTRY_COMPARE(statusOf(*f.api, taskId), QStringLiteral("in_progress"));
        QCOMPARE(f.api->del("/api/kins/" + kinId.toUtf8()).status, 200);
        auto deleted = sse->waitFor([&](const SseFrame &fr) { return isEvent(fr, "task:deleted") && fr.data.value("taskId").toString() == taskId; });
        QVERIFY(deleted.has_value());
        QCOMPARE(deleted->data.value("kinId").toString(), kinId);
        expectError(f.api->get("/api/tasks/" + taskId.toUtf8()), 404, "TASK_NOT_FOUND");
        QCOMPARE(f.server.platform().tasks().store().runningCount().value(), 0);
    }
};

QTEST_GUILESS_MAIN(TstTasks)
#include "tst_tasks.moc"
