// MCP servers: /api/mcp-servers CRUD with every failure path and 401, env/headers sealed at rest and blanked on the
// wire, approval (REST and the Kin tools, with the mcp:pending-approval notification), the test and status routes, a
// Kin turn calling a server's tool, a server crashing mid-call (error, then restarted), a hung call (timeout), the
// process killed on delete, and the Streamable HTTP transport (JSON and SSE answers, Mcp-Session-Id, headers).
#include "FakeMcpHttpServer.h"
#include "KinFixture.h"

#include "kins/KinService.h"
#include "mcp/McpService.h"
#include "mcp/McpToolNames.h"
#include "storage/Database.h"

#include <QStandardPaths>

#include <csignal>

using namespace kinbot;
using namespace kinbot::test;

namespace {

const QString kServerScript = QStringLiteral(KINBOT_MCP_FIXTURES "/test-mcp-server.js");

QString node()
{
    return QStandardPaths::findExecutable(QStringLiteral("node"));
}

QJsonObject serverOf(const HttpResponse &r)
{
    return r.json().value(QStringLiteral("server")).toObject();
}

QByteArray path(const QString &id, const char *tail = "")
{
    return "/api/mcp-servers/" + id.toUtf8() + tail;
}

QJsonObject stdioBody(const QString &name, const QStringList &extraArgs = {})
{
    return {{"name", name}, {"command", node()}, {"args", QJsonArray::fromStringList(QStringList{kServerScript} + extraArgs)}};
}

QString createServer(HttpClient &api, const QJsonObject &body)
{
    const HttpResponse r = api.postJson("/api/mcp-servers", body);
    if (r.status != 201)
        qWarning() << "mcp server create:" << r.status << r.body;
    return serverOf(r).value("id").toString();
}

// A tools/call through the service, as a Kin's tool does; waits up to 20 s.
QJsonValue callMcp(Platform &p, const QString &serverId, const QString &tool, const QJsonObject &args = {})
{
    std::optional<QJsonValue> result;
    p.mcp().callTool(serverId, tool, args, [&](const QJsonValue &v) { result = v; });
    QElapsedTimer t;
    t.start();
    while (!result && t.elapsed() < 20000)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
    return result ? *result : QJsonValue(QStringLiteral("(no answer in the test)"));
}

QString errorOf(const QJsonValue &v)
{
    return v.toObject().value("error").toString();
}

bool processAlive(qint64 pid)
{
    return pid > 0 && ::kill(pid_t(pid), 0) == 0;
}

} // namespace

class TstMcp final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init()
    {
        if (node().isEmpty())
            QSKIP("node is not installed (scripts/deps.sh installs it)");
    }

    void toolKeys()
    {
        QCOMPARE(mcp::toolKey(QStringLiteral("Météo Serveur!"), QStringLiteral("getForecast")), QStringLiteral("mcp_meteo_serveur_getforecast"));
        QCOMPARE(mcp::sanitize(QStringLiteral("  GitHub--API  ")), QStringLiteral("github_api"));
        const QString odd = mcp::sanitize(QStringLiteral("日本"));
        QVERIFY(odd.startsWith(QLatin1Char('h')) && odd.size() == 9);
        QCOMPARE(mcp::sanitize(QStringLiteral("日本")), odd); // stable
        const QString longKey = mcp::toolKey(QString(80, QLatin1Char('s')), QStringLiteral("tool"));
        QCOMPARE(longKey.size(), 64);
        QVERIFY(longKey != mcp::toolKey(QString(81, QLatin1Char('s')), QStringLiteral("tool")));
    }

    void crudValidationAndEvents()
    {
        KinFixture f;
        auto sse = f.openSse();
        HttpClient anon = f.server.client();
        QCOMPARE(anon.get("/api/mcp-servers").status, 401);
        QCOMPARE(anon.postJson("/api/mcp-servers", stdioBody("x")).status, 401);
        QCOMPARE(anon.postJson("/api/mcp-servers/x/test", {}).status, 401);

        const auto bad = [&](const QJsonObject &body, const char *why) {
            const HttpResponse r = f.api->postJson("/api/mcp-servers", body);
            if (r.status != 400 || r.json().value("error").toObject().value("code").toString() != QStringLiteral("VALIDATION_ERROR"))
                qWarning() << why << r.status << r.body;
            return r.status == 400 && r.json().value("error").toObject().value("code").toString() == QStringLiteral("VALIDATION_ERROR");
        };
        QVERIFY(bad({{"command", "node"}}, "no name"));
        QVERIFY(bad({{"name", QString(201, 'n')}, {"command", "node"}}, "long name"));
        QVERIFY(bad({{"name", "x"}}, "no command nor url"));
        QVERIFY(bad({{"name", "x"}, {"command", QString(501, 'c')}}, "long command"));
        QVERIFY(bad({{"name", 5}, {"command", "node"}}, "name not a string"));
        QVERIFY(bad({{"name", "x"}, {"command", "node"}, {"transport", "carrier-pigeon"}}, "transport"));
        QJsonArray many;
        for (int i = 0; i < 51; ++i)
            many.append(QStringLiteral("a"));
        QVERIFY(bad({{"name", "x"}, {"command", "node"}, {"args", many}}, "51 args"));
        QVERIFY(bad({{"name", "x"}, {"command", "node"}, {"args", QJsonArray{QString(1001, 'a')}}}, "long arg"));
        QVERIFY(bad({{"name", "x"}, {"command", "node"}, {"args", QJsonArray{1}}}, "arg not a string"));
        QVERIFY(bad({{"name", "x"}, {"command", "node"}, {"args", "a b"}}, "args not an array"));
        QVERIFY(bad({{"name", "x"}, {"command", "node"}, {"env", QJsonObject{{"K", 1}}}}, "env value not a string"));
        QVERIFY(bad({{"name", "x"}, {"command", "node"}, {"env", QJsonObject{{QString(101, 'K'), "v"}}}}, "long env key"));
        QVERIFY(bad({{"name", "x"}, {"command", "node"}, {"env", QJsonObject{{"K", QString(10001, 'v')}}}}, "long env value"));
        QJsonObject manyEnv;
        for (int i = 0; i < 51; ++i)
            manyEnv.insert(QStringLiteral("K%1").arg(i), "v");
        QVERIFY(bad({{"name", "x"}, {"command", "node"}, {"env", manyEnv}}, "51 env keys"));
        QVERIFY(bad({{"name", "x"}, {"transport", "http"}, {"url", "ftp://example.org/mcp"}}, "url scheme"));
        QVERIFY(bad({{"name", "x"}, {"transport", "http"}}, "http without url"));
        QVERIFY(bad({{"name", "x"}, {"command", "node"}, {"status", "maybe"}}, "status"));
        QVERIFY(bad({{"name", "x"}, {"command", "node"}, {"createdByKinId", "no-such-kin"}}, "unknown kin"));
        QCOMPARE(f.api->postRaw("/api/mcp-servers", "not json").status, 400);
        QCOMPARE(f.api->get("/api/mcp-servers").json().value("servers").toArray().size(), 0);

        // Create: env values never come back, and are not in the database in clear.
        QJsonObject body = stdioBody("Test Tools");
        body.insert("env", QJsonObject{{"MCP_SECRET", "hunter2-secret-value"}, {"OTHER", "plain"}});
        HttpResponse r = f.api->postJson("/api/mcp-servers", body);
        QCOMPARE(r.status, 201);
        QJsonObject s = serverOf(r);
        const QString id = s.value("id").toString();
        QVERIFY(!id.isEmpty());
        QCOMPARE(s.value("name").toString(), QStringLiteral("Test Tools"));
        QCOMPARE(s.value("transport").toString(), QStringLiteral("stdio"));
        QCOMPARE(s.value("args").toArray().at(0).toString(), kServerScript);
        QCOMPARE(s.value("env").toObject(), (QJsonObject{{"MCP_SECRET", ""}, {"OTHER", ""}}));
        QVERIFY(s.value("hasEnv").toBool());
        QCOMPARE(s.value("status").toString(), QStringLiteral("active"));
        QVERIFY(s.value("createdByKinId").isNull());
        QVERIFY(s.value("createdAt").isDouble());
        QVERIFY(!r.body.contains("hunter2"));
        auto raw = f.server.platform().database().selectOne(QStringLiteral("SELECT env FROM mcp_servers WHERE id = ?"), {id});
        QVERIFY(raw && raw.value());
        QVERIFY(!raw.value()->value(0).toString().contains(QStringLiteral("hunter2")));
        QVERIFY(sse->waitFor([&](const SseFrame &fr) {
            return isEvent(fr, "mcp-server:created") && fr.data.value("serverId").toString() == id
                   && fr.data.value("server").toObject().value("name").toString() == QStringLiteral("Test Tools");
        }));
        r = f.api->get("/api/mcp-servers");
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json().value("servers").toArray().size(), 1);
        QVERIFY(!r.body.contains("hunter2"));

        // The server really gets its env (decrypted), and PATCH with an empty value keeps the stored secret.
        QCOMPARE(callMcp(f.server.platform(), id, "env", {{"name", "MCP_SECRET"}}).toString(), QStringLiteral("hunter2-secret-value"));
        r = f.api->patchJson(path(id), {{"name", "Renamed"}, {"env", QJsonObject{{"MCP_SECRET", ""}, {"NEW", "fresh"}}}});
        QCOMPARE(r.status, 200);
        QCOMPARE(serverOf(r).value("name").toString(), QStringLiteral("Renamed"));
        QCOMPARE(serverOf(r).value("env").toObject(), (QJsonObject{{"MCP_SECRET", ""}, {"NEW", ""}}));
        QVERIFY(sse->waitFor([&](const SseFrame &fr) { return isEvent(fr, "mcp-server:updated") && fr.data.value("serverId").toString() == id; }));
        // The configuration changed: the live server was dropped and the next call runs the new one.
        QCOMPARE(callMcp(f.server.platform(), id, "env", {{"name", "MCP_SECRET"}}).toString(), QStringLiteral("hunter2-secret-value"));
        QCOMPARE(callMcp(f.server.platform(), id, "env", {{"name", "NEW"}}).toString(), QStringLiteral("fresh"));
        QCOMPARE(callMcp(f.server.platform(), id, "env", {{"name", "OTHER"}}).toString(), QStringLiteral("(unset)"));

        QCOMPARE(f.api->patchJson(path(id), {{"args", QJsonArray::fromStringList(QStringList(51, "a"))}}).status, 400);
        QCOMPARE(f.api->patchJson(path(id), {{"command", ""}}).status, 400);
        QCOMPARE(f.api->patchJson(path("nope"), {{"name", "x"}}).json().value("error").toObject().value("code").toString(),
                 QStringLiteral("MCP_SERVER_NOT_FOUND"));
        QCOMPARE(f.api->patchJson(path("nope"), {{"name", "x"}}).status, 404);
        QCOMPARE(f.api->del(path("nope")).status, 404);
        QCOMPARE(f.api->get(path("nope", "/status")).status, 404);
        QCOMPARE(f.api->postJson(path("nope", "/test"), {}).status, 404);
        QCOMPARE(anon.patchJson(path(id), {{"name", "x"}}).status, 401);
        QCOMPARE(anon.del(path(id)).status, 401);
        QCOMPARE(anon.get(path(id, "/status")).status, 401);
        QCOMPARE(anon.postJson(path(id, "/approve"), {}).status, 401);

        // Delete: the server's process goes with it.
        const qint64 pid = callMcp(f.server.platform(), id, "pid").toString().toLongLong();
        QVERIFY(processAlive(pid));
        r = f.api->del(path(id));
        QCOMPARE(r.status, 200);
        QVERIFY(r.json().value("success").toBool());
        QVERIFY(sse->waitFor([&](const SseFrame &fr) { return isEvent(fr, "mcp-server:deleted") && fr.data.value("serverId").toString() == id; }));
        QTRY_VERIFY_WITH_TIMEOUT(!processAlive(pid), 5000);
        QCOMPARE(f.api->get("/api/mcp-servers").json().value("servers").toArray().size(), 0);
        QCOMPARE(errorOf(callMcp(f.server.platform(), id, "echo", {{"text", "x"}})), QStringLiteral("This MCP server no longer exists"));
    }

    void approveStatusAndTest()
    {
        KinFixture f;
        QJsonObject body = stdioBody("Pending");
        body.insert("status", "pending_approval");
        const QString id = createServer(*f.api, body);
        QCOMPARE(errorOf(callMcp(f.server.platform(), id, "echo", {{"text", "x"}})), QStringLiteral("This MCP server is waiting for approval"));
        HttpResponse r = f.api->postJson(path(id, "/approve"), {});
        QCOMPARE(r.status, 200);
        QCOMPARE(serverOf(r).value("status").toString(), QStringLiteral("active"));
        r = f.api->postJson(path(id, "/approve"), {});
        QCOMPARE(r.status, 409);
        QCOMPARE(r.json().value("error").toObject().value("code").toString(), QStringLiteral("ALREADY_ACTIVE"));
        QCOMPARE(f.api->postJson(path("nope", "/approve"), {}).status, 404);

        // Status: nothing connected yet; test: a fresh connection lists every page of tools.
        r = f.api->get(path(id, "/status"));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json().value("connected").toBool(), false);
        QCOMPARE(r.json().value("toolCount").toInt(), 0);
        r = f.api->postJson(path(id, "/test"), {});
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json().value("connected").toBool(), true);
        QCOMPARE(r.json().value("toolCount").toInt(), 7); // 4 pages of 2
        QCOMPARE(r.json().value("tools").toArray().last().toString(), QStringLiteral("pid"));
        QVERIFY(!r.json().contains("error"));
        QCOMPARE(f.api->get(path(id, "/status")).json().value("connected").toBool(), false); // the test left the pool alone
        QCOMPARE(callMcp(f.server.platform(), id, "add", {{"a", 2}, {"b", 40}}).toString(), QStringLiteral("42"));
        r = f.api->get(path(id, "/status"));
        QCOMPARE(r.json().value("connected").toBool(), true);
        QCOMPARE(r.json().value("toolCount").toInt(), 7);

        // A command that does not exist, and one that exits at once: connected false with the reason.
        const QString missing = createServer(*f.api, {{"name", "Missing"}, {"command", "kinbot-no-such-command-xyz"}});
        r = f.api->postJson(path(missing, "/test"), {});
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json().value("connected").toBool(), false);
        QCOMPARE(r.json().value("toolCount").toInt(), 0);
        QVERIFY2(r.json().value("error").toString().contains(QStringLiteral("not found")), qPrintable(r.json().value("error").toString()));
        const QString exits = createServer(*f.api, {{"name", "Exits"}, {"command", node()}, {"args", QJsonArray{"-e", "process.stderr.write('no config'); process.exit(2)"}}});
        r = f.api->postJson(path(exits, "/test"), {});
        QCOMPARE(r.json().value("connected").toBool(), false);
        QVERIFY2(r.json().value("error").toString().contains(QStringLiteral("code 2")), qPrintable(r.json().value("error").toString()));
        QVERIFY2(r.json().value("error").toString().contains(QStringLiteral("no config")), qPrintable(r.json().value("error").toString()));
        // A tool error of a dead server reaches the caller, and status reports it.
        QVERIFY(errorOf(callMcp(f.server.platform(), exits, "echo", {{"text", "x"}})).contains(QStringLiteral("code 2")));
        r = f.api->get(path(exits, "/status"));
        QCOMPARE(r.json().value("connected").toBool(), false);
        QVERIFY(r.json().value("error").toString().contains(QStringLiteral("code 2")));
    }

    void connectTimeout()
    {
        KinFixture f([](ServerConfig &c) { c.mcpConnectTimeoutMs = 400; });
        const QString id = createServer(*f.api, stdioBody("Mute", {"--hang-init"}));
        QElapsedTimer t;
        t.start();
        const HttpResponse r = f.api->postJson(path(id, "/test"), {});
        QCOMPARE(r.json().value("connected").toBool(), false);
        QVERIFY2(r.json().value("error").toString().contains(QStringLiteral("timed out")), qPrintable(r.body));
        QVERIFY(t.elapsed() < 5000);
    }

    void kinTurnCallsAnMcpTool()
    {
        KinFixture f;
        const QString serverId = createServer(*f.api, stdioBody("Test Tools"));
        const QString kinId = f.addKin(QStringLiteral("Mathy"), f.addProvider()).value("id").toString();
        // Only two of its tools for this Kin.
        HttpResponse r = f.api->patchJson("/api/kins/" + kinId.toUtf8(),
                                          {{"toolConfig", QJsonObject{{"mcpAccess", QJsonObject{{serverId, QJsonArray{"add", "fail"}}}}}}});
        QCOMPARE(r.status, 200);
        auto sse = f.openSse();
        f.fake.enqueue(FakeReply::toolCalls({{QStringLiteral("c1"), QStringLiteral("mcp_test_tools_add"), R"({"a": 19, "b": 23})"}}));
        f.fake.enqueue(FakeReply::toolCalls({{QStringLiteral("c2"), QStringLiteral("mcp_test_tools_fail"), "{}"}}));
        f.fake.enqueue(FakeReply::text({QStringLiteral("It is 42.")}));
        QCOMPARE(f.send(kinId, QStringLiteral("what is 19 + 23?")).status, 202);
        QVERIFY(sse->waitFor([&](const SseFrame &fr) { return isEvent(fr, "chat:done", kinId); }, 20000));

        const QList<FakeRequest> chats = f.fake.chatRequests();
        QCOMPARE(chats.size(), 3);
        QJsonObject addTool;
        QStringList names;
        for (const QJsonValue &t : chats[0].json.value("tools").toArray()) {
            const QJsonObject fn = t.toObject().value("function").toObject();
            names << fn.value("name").toString();
            if (fn.value("name").toString() == QStringLiteral("mcp_test_tools_add"))
                addTool = fn;
        }
        QVERIFY(names.contains("mcp_test_tools_fail"));
        QVERIFY(!names.contains("mcp_test_tools_echo")); // not in the access list
        QCOMPARE(addTool.value("description").toString(), QStringLiteral("[MCP: Test Tools] Adds two numbers"));
        QCOMPARE(addTool.value("parameters").toObject().value("properties").toObject().keys(), QStringList({"a", "b"}));
        // The prompt names the server and how many of its tools the Kin has.
        const QString system = chats[0].json.value("messages").toArray().first().toObject().value("content").toString();
        QVERIFY2(system.contains(QStringLiteral("## MCP Tools (external servers)")), qPrintable(system.right(2000)));
        QVERIFY(system.contains(QStringLiteral("- Test Tools: 2 tool(s)")));
        // The tool's text went back to the model; isError became an error result.
        const QJsonArray step2 = chats[1].json.value("messages").toArray();
        QCOMPARE(step2.last().toObject().value("role").toString(), QStringLiteral("tool"));
        QCOMPARE(step2.last().toObject().value("content").toString(), QStringLiteral("42"));
        const QJsonArray step3 = chats[2].json.value("messages").toArray();
        QVERIFY2(step3.last().toObject().value("content").toString().contains(QStringLiteral("something went wrong")),
                 qPrintable(step3.last().toObject().value("content").toString()));
        QVERIFY(step3.last().toObject().value("content").toString().contains(QStringLiteral("error")));
        // The stored row carries both calls and results.
        const QJsonArray rows = messagesOf(*f.api, kinId);
        QJsonArray calls = rows.last().toObject().value("toolCalls").toArray();
        QCOMPARE(calls.size(), 2);
        QCOMPARE(calls[0].toObject().value("result").toString(), QStringLiteral("42"));
        QCOMPARE(calls[1].toObject().value("result").toObject().value("error").toString(), QStringLiteral("something went wrong"));

        // A Kin with no access gets no MCP tools.
        const QString other = f.addKin(QStringLiteral("Plain"), f.addProvider(QStringLiteral("Second"))).value("id").toString();
        f.fake.enqueue(FakeReply::text({QStringLiteral("hi")}));
        QCOMPARE(f.send(other, QStringLiteral("hello")).status, 202);
        QVERIFY(sse->waitFor([&](const SseFrame &fr) { return isEvent(fr, "chat:done", other); }, 20000));
        for (const QJsonValue &t : f.fake.chatRequests().last().json.value("tools").toArray())
            QVERIFY(!t.toObject().value("function").toObject().value("name").toString().startsWith(QStringLiteral("mcp_")));
    }

    // A task's sub-Kin has the Kin's MCP tools too: the server is connected before the task's turn.
    void taskTurnCallsAnMcpTool()
    {
        KinFixture f;
        const QString serverId = createServer(*f.api, stdioBody("Test Tools"));
        const QString kinId = f.addKin(QStringLiteral("Mathy"), f.addProvider()).value("id").toString();
        QCOMPARE(f.api->patchJson("/api/kins/" + kinId.toUtf8(), {{"toolConfig", QJsonObject{{"mcpAccess", QJsonObject{{serverId, QJsonArray{"add"}}}}}}})
                     .status,
                 200);
        auto sse = f.openSse();
        f.fake.enqueue(FakeReply::toolCalls({{QStringLiteral("c1"), QStringLiteral("mcp_test_tools_add"), R"({"a": 2, "b": 3})"}}));
        f.fake.enqueue(FakeReply::toolCalls({{QStringLiteral("c2"), QStringLiteral("update_task_status"), R"({"status":"completed","result":"5"})"}}));
        f.fake.enqueue(FakeReply::text({QStringLiteral("Done.")}));
        const QJsonObject spawned = f.runTool("spawn_self", kinId, {{"title", "Sum"}, {"task_description", "Add 2 and 3"}, {"mode", "async"}});
        const QString taskId = spawned.value("taskId").toString();
        QVERIFY2(!taskId.isEmpty(), qPrintable(QJsonDocument(spawned).toJson()));
        auto done = sse->waitFor([&](const SseFrame &fr) { return isEvent(fr, "task:done") && fr.data.value("taskId") == taskId; }, 20000);
        QVERIFY(done);
        QCOMPARE(done->data.value("status").toString(), QStringLiteral("completed"));
        QCOMPARE(done->data.value("result").toString(), QStringLiteral("5"));
        const QList<FakeRequest> chats = f.fake.chatRequests();
        QVERIFY(chats.size() >= 2);
        QStringList names;
        for (const QJsonValue &t : chats[0].json.value("tools").toArray())
            names << t.toObject().value("function").toObject().value("name").toString();
        QVERIFY2(names.contains("mcp_test_tools_add"), qPrintable(names.join(',')));
        QVERIFY(names.contains("update_task_status"));
        QVERIFY(chats[0].json.value("messages").toArray().first().toObject().value("content").toString().contains("## Your mission"));
        QCOMPARE(chats[1].json.value("messages").toArray().last().toObject().value("content").toString(), QStringLiteral("5"));
    }

    void kinLinksAndToolListing()
    {
        KinFixture f;
        const QString serverId = createServer(*f.api, stdioBody("Linked"));
        const QString provider = f.addProvider();
        // Unknown server ids are refused before anything is saved.
        HttpResponse r = f.api->postJson("/api/kins", {{"name", "Nope"}, {"role", "r"}, {"character", "c"}, {"expertise", "e"},
                                                       {"model", "gpt-4o"}, {"providerId", provider}, {"mcpServerIds", QJsonArray{"nope"}}});
        QCOMPARE(r.status, 400);
        QCOMPARE(f.api->get("/api/kins").json().value("kins").toArray().size(), 0);
        const QJsonObject kin = f.addKin(QStringLiteral("Linker"), provider, {{"mcpServerIds", QJsonArray{serverId}}});
        const QString kinId = kin.value("id").toString();
        QCOMPARE(kin.value("mcpServers").toArray(), (QJsonArray{QJsonObject{{"id", serverId}, {"name", "Linked"}}}));
        QCOMPARE(f.api->get("/api/kins/" + kinId.toUtf8()).json().value("mcpServers").toArray().size(), 1);

        // Linked: every tool, listed once the server is connected.
        auto k = f.server.platform().kins().resolve(kinId);
        bool ready = false;
        f.server.platform().mcp().prepareKin(kinId, this, [&] { ready = true; });
        QTRY_VERIFY_WITH_TIMEOUT(ready, 15000);
        QCOMPARE(f.server.platform().mcp().toolsFor(k.value()).size(), 7);
        QJsonArray mcpTools = f.api->get("/api/kins/" + kinId.toUtf8() + "/tools").json().value("mcpTools").toArray();
        QCOMPARE(mcpTools.size(), 1);
        QCOMPARE(mcpTools[0].toObject().value("serverId").toString(), serverId);
        QCOMPARE(mcpTools[0].toObject().value("serverName").toString(), QStringLiteral("Linked"));
        QCOMPARE(mcpTools[0].toObject().value("autoEnabled").toBool(), false);
        QCOMPARE(mcpTools[0].toObject().value("tools").toArray().size(), 7);
        QVERIFY(mcpTools[0].toObject().value("tools").toArray()[0].toObject().value("enabled").toBool());

        // An access list narrows it; mcpServerIds [] unlinks (the access entry alone still grants its tools).
        r = f.api->patchJson("/api/kins/" + kinId.toUtf8(), {{"toolConfig", QJsonObject{{"mcpAccess", QJsonObject{{serverId, QJsonArray{"echo"}}}}}}});
        QCOMPARE(r.status, 200);
        k = f.server.platform().kins().resolve(kinId);
        QCOMPARE(f.server.platform().mcp().toolsFor(k.value()).size(), 1);
        r = f.api->patchJson("/api/kins/" + kinId.toUtf8(), {{"mcpServerIds", QJsonArray()}, {"toolConfig", QJsonObject()}});
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json().value("kin").toObject().value("mcpServers").toArray().size(), 0);
        k = f.server.platform().kins().resolve(kinId);
        QVERIFY(f.server.platform().mcp().toolsFor(k.value()).isEmpty());
        QCOMPARE(f.api->patchJson("/api/kins/" + kinId.toUtf8(), {{"mcpServerIds", "x"}}).status, 400);
        // Deleting the server unlinks it.
        QCOMPARE(f.api->patchJson("/api/kins/" + kinId.toUtf8(), {{"mcpServerIds", QJsonArray{serverId}}}).status, 200);
        QCOMPARE(f.api->del(path(serverId)).status, 200);
        QCOMPARE(f.api->get("/api/kins/" + kinId.toUtf8()).json().value("mcpServers").toArray().size(), 0);
    }

    void crashMidCallIsReportedThenRestarted()
    {
        KinFixture f;
        const QString id = createServer(*f.api, stdioBody("Crashy"));
        Platform &p = f.server.platform();
        const qint64 pid1 = callMcp(p, id, "pid").toString().toLongLong();
        QVERIFY(pid1 > 0);
        const QString err = errorOf(callMcp(p, id, "crash"));
        QVERIFY2(err.contains(QStringLiteral("exited with code 3")), qPrintable(err));
        QVERIFY2(err.contains(QStringLiteral("crashing on purpose")), qPrintable(err)); // its stderr explains
        QVERIFY(!processAlive(pid1));
        // The next call starts the server again.
        QCOMPARE(callMcp(p, id, "echo", {{"text", "back again"}}).toString(), QStringLiteral("back again"));
        const qint64 pid2 = callMcp(p, id, "pid").toString().toLongLong();
        QVERIFY(pid2 > 0 && pid2 != pid1);
        // An unknown tool is the server's own refusal (no restart).
        QVERIFY(errorOf(callMcp(p, id, "nope")).contains(QStringLiteral("Unknown tool")));
        QCOMPARE(callMcp(p, id, "pid").toString().toLongLong(), pid2);
    }

    void hungCallTimesOut()
    {
        KinFixture f([](ServerConfig &c) { c.mcpCallTimeoutMs = 500; });
        const QString id = createServer(*f.api, stdioBody("Sleepy"));
        Platform &p = f.server.platform();
        const qint64 pid1 = callMcp(p, id, "pid").toString().toLongLong();
        QCOMPARE(callMcp(p, id, "slow", {{"ms", 50}}).toString(), QStringLiteral("slept 50"));
        QElapsedTimer t;
        t.start();
        const QString err = errorOf(callMcp(p, id, "slow", {{"ms", 60000}}));
        QVERIFY2(err.contains(QStringLiteral("timed out after 500 ms")), qPrintable(err));
        QVERIFY(t.elapsed() >= 1000); // tried twice (one restart)
        QVERIFY(t.elapsed() < 10000);
        QVERIFY(!processAlive(pid1)); // the hung server was killed
        QCOMPARE(callMcp(p, id, "echo", {{"text", "awake"}}).toString(), QStringLiteral("awake"));
    }

    void hungServerNeverBlocksTheKin()
    {
        KinFixture f([](ServerConfig &c) { c.mcpCallTimeoutMs = 300; });
        const QString serverId = createServer(*f.api, stdioBody("Sleepy"));
        const QString kinId = f.addKin(QStringLiteral("Patient"), f.addProvider(), {{"mcpServerIds", QJsonArray{serverId}}}).value("id").toString();
        auto sse = f.openSse();
        f.fake.enqueue(FakeReply::toolCalls({{QStringLiteral("h1"), QStringLiteral("mcp_sleepy_slow"), R"({"ms": 60000})"}}));
        f.fake.enqueue(FakeReply::text({QStringLiteral("The server is stuck.")}));
        QElapsedTimer t;
        t.start();
        QCOMPARE(f.send(kinId, QStringLiteral("take your time")).status, 202);
        QVERIFY(sse->waitFor([&](const SseFrame &fr) { return isEvent(fr, "chat:done", kinId); }, 15000));
        QVERIFY(t.elapsed() < 15000);
        QJsonObject result;
        for (const QJsonObject &e : kinEvents(*sse, kinId))
            if (e.value("type") == QStringLiteral("chat:tool-result"))
                result = e;
        const QString err = result.value("result").toObject().value("error").toString();
        QVERIFY2(err.contains(QStringLiteral("Sleepy")) && err.contains(QStringLiteral("timed out")), qPrintable(err));
        QCOMPARE(f.fake.chatRequests().size(), 2); // the model got the error and answered
    }

    void shutdownKillsTheServers()
    {
        qint64 pid = 0;
        {
            KinFixture f;
            const QString id = createServer(*f.api, stdioBody("Short lived"));
            pid = callMcp(f.server.platform(), id, "pid").toString().toLongLong();
            QVERIFY(processAlive(pid));
        }
        QVERIFY(!processAlive(pid));
    }

    void kinToolsNeedApproval()
    {
        KinFixture f;
        const QString provider = f.addProvider();
        const QString kinId = f.addKin(QStringLiteral("Builder"), provider).value("id").toString();
        const QString otherKin = f.addKin(QStringLiteral("Other"), provider).value("id").toString();
        auto sse = f.openSse();
        QJsonObject out = f.runTool("add_mcp_server", kinId,
                                    {{"name", "Kin Tools"}, {"command", node()}, {"args", QJsonArray{kServerScript}}, {"env", QJsonObject{{"TOKEN", "t0k3n"}}}});
        QCOMPARE(out.value("status").toString(), QStringLiteral("pending_approval"));
        QVERIFY(!QJsonDocument(out).toJson().contains("t0k3n"));
        const QString id = out.value("mcp_server_id").toString();
        QVERIFY(!id.isEmpty());
        QVERIFY(sse->waitFor([&](const SseFrame &fr) {
            return isEvent(fr, "mcp-server:created") && fr.data.value("mcpServerId").toString() == id
                   && fr.data.value("status").toString() == QStringLiteral("pending_approval");
        }));
        const QJsonArray notes = f.api->get("/api/notifications").json().value("notifications").toArray();
        bool notified = false;
        for (const QJsonValue &n : notes)
            notified = notified || (n.toObject().value("type").toString() == QStringLiteral("mcp:pending-approval")
                                    && n.toObject().value("relatedId").toString() == id);
        QVERIFY2(notified, qPrintable(QJsonDocument(notes).toJson()));

        // While pending, its tools are nobody's; approved, they are its creator's (no access entry needed).
        auto kin = f.server.platform().kins().resolve(kinId);
        QVERIFY(kin.ok());
        bool ready = false;
        f.server.platform().mcp().prepareKin(kinId, this, [&] { ready = true; });
        QTRY_VERIFY(ready);
        QVERIFY(f.server.platform().mcp().toolsFor(kin.value()).isEmpty());
        QCOMPARE(f.api->postJson(path(id, "/approve"), {}).status, 200);
        ready = false;
        f.server.platform().mcp().prepareKin(kinId, this, [&] { ready = true; });
        QTRY_VERIFY_WITH_TIMEOUT(ready, 15000);
        const QList<McpKinTool> tools = f.server.platform().mcp().toolsFor(kin.value());
        QCOMPARE(tools.size(), 7);
        QCOMPARE(tools.first().key, QStringLiteral("mcp_kin_tools_echo"));
        auto other = f.server.platform().kins().resolve(otherKin);
        QVERIFY(f.server.platform().mcp().toolsFor(other.value()).isEmpty());

        // list_mcp_servers shows it (no env values); only its creator may change or remove it.
        out = f.runTool("list_mcp_servers", otherKin, {});
        QCOMPARE(out.value("servers").toArray().size(), 1);
        QCOMPARE(out.value("servers").toArray()[0].toObject().value("created_by_you").toBool(), false);
        QCOMPARE(out.value("servers").toArray()[0].toObject().value("env_keys").toArray(), QJsonArray{"TOKEN"});
        QVERIFY(!QJsonDocument(out).toJson().contains("t0k3n"));
        QVERIFY(f.runTool("remove_mcp_server", otherKin, {{"mcp_server_id", id}}).value("error").toString().contains(QStringLiteral("only")));
        QVERIFY(f.runTool("update_mcp_server", otherKin, {{"mcp_server_id", id}, {"name", "x"}}).contains("error"));
        QVERIFY(f.runTool("remove_mcp_server", kinId, {{"mcp_server_id", "nope"}}).contains("error"));
        // A changed command goes back to approval.
        out = f.runTool("update_mcp_server", kinId, {{"mcp_server_id", id}, {"args", QJsonArray{kServerScript, "--extra"}}});
        QCOMPARE(out.value("status").toString(), QStringLiteral("pending_approval"));
        out = f.runTool("remove_mcp_server", kinId, {{"mcp_server_id", id}});
        QVERIFY(out.value("success").toBool());
        QCOMPARE(f.api->get(path(id, "/status")).status, 404);
    }

    void kinAddsActiveServerWithoutApprovalWhenConfigured()
    {
        KinFixture f([](ServerConfig &c) { c.mcpRequireApproval = false; });
        const QString kinId = f.addKin(QStringLiteral("Trusted"), f.addProvider()).value("id").toString();
        const QJsonObject out = f.runTool("add_mcp_server", kinId, {{"name", "Direct"}, {"command", node()}, {"args", QJsonArray{kServerScript}}});
        QCOMPARE(out.value("status").toString(), QStringLiteral("active"));
        const QJsonArray notes = f.api->get("/api/notifications").json().value("notifications").toArray();
        for (const QJsonValue &n : notes)
            QVERIFY(n.toObject().value("type").toString() != QStringLiteral("mcp:pending-approval"));
    }

    void streamableHttpTransport()
    {
        KinFixture f;
        FakeMcpHttpServer http;
        QVERIFY(http.listen());
        HttpResponse r = f.api->postJson("/api/mcp-servers", {{"name", "Remote"}, {"url", http.url()},
                                                               {"headers", QJsonObject{{"Authorization", "Bearer s3cret-token"}}}});
        QCOMPARE(r.status, 201);
        const QJsonObject s = serverOf(r);
        QCOMPARE(s.value("transport").toString(), QStringLiteral("http"));
        QCOMPARE(s.value("url").toString(), http.url());
        QCOMPARE(s.value("headers").toObject(), (QJsonObject{{"Authorization", ""}}));
        QVERIFY(s.value("hasHeaders").toBool());
        QVERIFY(!r.body.contains("s3cret"));
        const QString id = s.value("id").toString();

        r = f.api->postJson(path(id, "/test"), {});
        QCOMPARE(r.json().value("connected").toBool(), true);
        QCOMPARE(r.json().value("toolCount").toInt(), 2); // tools/list came as an SSE stream after a ping request
        Platform &p = f.server.platform();
        QCOMPARE(callMcp(p, id, "echo", {{"text", "hi"}}).toString(), QStringLiteral("http:hi"));
        QCOMPARE(callMcp(p, id, "whoami").toString(), QStringLiteral("Bearer s3cret-token"));
        QVERIFY(errorOf(callMcp(p, id, "other")).contains(QStringLiteral("error")));

        // The wire: Accept both, the session id after initialize, the initialized notification, our ping answer.
        const QList<FakeMcpHttpServer::Request> reqs = http.requests();
        QVERIFY(reqs.size() >= 6);
        QCOMPARE(reqs[0].rpcMethod, QStringLiteral("initialize"));
        QCOMPARE(reqs[0].body.value("params").toObject().value("protocolVersion").toString(), QStringLiteral("2025-03-26"));
        QVERIFY(reqs[0].body.value("params").toObject().value("clientInfo").toObject().contains("name"));
        QVERIFY(reqs[0].headers.value("accept").contains("application/json"));
        QVERIFY(reqs[0].headers.value("accept").contains("text/event-stream"));
        QVERIFY(!reqs[0].headers.contains("mcp-session-id"));
        QStringList methods;
        for (const auto &q : reqs) {
            methods << (q.rpcMethod.isEmpty() ? QString::fromLatin1(q.httpMethod) + QStringLiteral(" result") : q.rpcMethod);
            if (q.rpcMethod != QLatin1String("initialize") && q.httpMethod == "POST") {
                QVERIFY(q.headers.value("mcp-session-id").startsWith("session-"));
                QCOMPARE(q.headers.value("mcp-protocol-version"), QByteArray("2025-03-26"));
            }
        }
        QVERIFY2(methods.contains(QStringLiteral("POST result")), qPrintable(methods.join(','))); // answered the server's ping
        QVERIFY(methods.contains(QStringLiteral("notifications/initialized")));
        QVERIFY(methods.contains(QStringLiteral("tools/list")));
        QCOMPARE(methods.count(QStringLiteral("tools/call")), 3);
        // The probe of /test ended its session with a DELETE.
        bool deleted = false;
        for (const auto &q : reqs)
            deleted = deleted || (q.httpMethod == "DELETE" && q.headers.value("mcp-session-id") == "session-1");
        QVERIFY(deleted);

        // A session the server forgot (404) is opened again and the call goes through.
        const QString before = http.sessionId();
        http.expireSessions();
        QCOMPARE(callMcp(p, id, "echo", {{"text", "renewed"}}).toString(), QStringLiteral("http:renewed"));
        QVERIFY(http.sessionId() != before);
        QCOMPARE(http.requests().last().headers.value("mcp-session-id"), http.sessionId().toLatin1());

        // HTTP failures reach the caller as errors (once retried), never a hang.
        http.failWith(500);
        QVERIFY2(errorOf(callMcp(p, id, "echo", {{"text", "x"}})).contains(QStringLiteral("500")), qPrintable(errorOf(callMcp(p, id, "echo", {{"text", "x"}}))));
        http.failWith(0);
        QCOMPARE(callMcp(p, id, "echo", {{"text", "again"}}).toString(), QStringLiteral("http:again"));
    }
};

QTEST_MAIN(TstMcp)
#include "tst_mcp.moc"
