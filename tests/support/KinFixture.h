#pragma once

#include "FakeLlmServer.h"
#include "SseClient.h"
#include "TestServer.h"

#include "engine/MessageStore.h"
#include "engine/ToolRegistry.h"
#include "llm/LlmTypes.h"
#include "providers/ProviderService.h"

#include <QtTest>

namespace kinbot::test {

// A running server with an admin, a fake LLM provider and helpers to make Kins and follow their SSE stream.
struct KinFixture
{
    explicit KinFixture(const std::function<void(ServerConfig &)> &configure = {}) : server(configure)
    {
        QVERIFY2(server.ok(), qPrintable(server.error()));
        QVERIFY(fake.listen());
        admin = server.onboard(QStringLiteral("ada@example.test"), QStringLiteral("ada"));
        api = std::make_unique<HttpClient>(server.clientFor(admin));
    }

    // Short retry/timeout limits so fault tests stay fast.
    void fastLimits(int maxRetries = 1, int timeoutMs = 2000)
    {
        kinbot::llm::ClientLimits l;
        l.maxRetries = maxRetries;
        l.initialBackoffMs = 10;
        l.maxBackoffMs = 50;
        l.firstByteTimeoutMs = timeoutMs;
        l.idleTimeoutMs = timeoutMs;
        server.platform().providers().setClientLimits(l);
    }

    QString addProvider(const QString &name = QStringLiteral("Fake OpenAI"))
    {
        const HttpResponse r = api->postJson("/api/providers",
                                             {{QStringLiteral("name"), name},
                                              {QStringLiteral("type"), QStringLiteral("openai")},
                                              {QStringLiteral("config"), QJsonObject{{QStringLiteral("apiKey"), QStringLiteral("sk-test-1234567890")},
                                                                                     {QStringLiteral("baseUrl"), fake.baseUrl()}}}});
        if (r.status != 201)
            qWarning() << "provider create:" << r.status << r.body;
        return r.json().value(QStringLiteral("provider")).toObject().value(QStringLiteral("id")).toString();
    }

    QJsonObject addKin(const QString &name, const QString &providerId, const QJsonObject &extra = {})
    {
        QJsonObject body{{QStringLiteral("name"), name},
                         {QStringLiteral("role"), QStringLiteral("a test assistant")},
                         {QStringLiteral("character"), QStringLiteral("Calm and precise.")},
                         {QStringLiteral("expertise"), QStringLiteral("Testing.")},
                         {QStringLiteral("model"), QStringLiteral("gpt-4o")}};
        if (!providerId.isEmpty())
            body.insert(QStringLiteral("providerId"), providerId);
        for (auto it = extra.begin(); it != extra.end(); ++it)
            body.insert(it.key(), it.value());
        const HttpResponse r = api->postJson("/api/kins", body);
        if (r.status != 201)
            qWarning() << "kin create:" << r.status << r.body;
        return r.json().value(QStringLiteral("kin")).toObject();
    }

    // A second, non-admin user (invited by the admin).
    TestUser addMember(const QString &pseudonym)
    {
        const HttpResponse inv = api->postJson("/api/invitations", {{QStringLiteral("label"), pseudonym}});
        const QString token = inv.json().value(QStringLiteral("invitation")).toObject().value(QStringLiteral("token")).toString();
        return server.onboard(pseudonym + QStringLiteral("@example.test"), pseudonym, token);
    }

    std::unique_ptr<SseClient> openSse()
    {
        auto sse = std::make_unique<SseClient>(server.port(), admin.cookie);
        if (!sse->connectAndWait())
            qWarning() << "SSE did not connect";
        return sse;
    }

    HttpResponse send(const QString &kinId, const QString &content)
    {
        return api->postJson("/api/kins/" + kinId.toUtf8() + "/messages", {{QStringLiteral("content"), content}});
    }

    // Runs a native tool of the registry as the Kin would, and waits for its answer (10 s at most).
    QJsonObject runTool(const QString &name, const QString &kinId, const QJsonObject &args)
    {
        const ToolDefinition *tool = server.platform().tools().find(name);
        if (!tool)
            return {{QStringLiteral("error"), QStringLiteral("no such tool ") + name}};
        ToolContext ctx;
        ctx.kinId = kinId;
        std::optional<QJsonValue> result;
        tool->execute(ctx, args, [&](const QJsonValue &v) { result = v; });
        QElapsedTimer t;
        t.start();
        while (!result && t.elapsed() < 10000)
            QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
        return result ? result->toObject() : QJsonObject{{QStringLiteral("error"), QStringLiteral("tool timed out in the test")}};
    }

    TestServer server;
    FakeLlmServer fake;
    TestUser admin;
    std::unique_ptr<HttpClient> api;
};

// The application events (type "message" frames) of one Kin, as {type, ...} objects.
// The Kin's main conversation rows, oldest first.
inline QJsonArray messagesOf(HttpClient &api, const QString &kinId)
{
    return api.get("/api/kins/" + kinId.toUtf8() + "/messages").json().value(QStringLiteral("messages")).toArray();
}

inline QList<QJsonObject> kinEvents(const SseClient &sse, const QString &kinId)
{
    QList<QJsonObject> out;
    for (const SseFrame &f : sse.frames())
        if (f.event == "message" && f.data.value(QStringLiteral("kinId")).toString() == kinId)
            out.append(f.data);
    return out;
}

inline bool isEvent(const SseFrame &f, const QString &type, const QString &kinId = {})
{
    return f.event == "message" && f.data.value(QStringLiteral("type")).toString() == type
           && (kinId.isEmpty() || f.data.value(QStringLiteral("kinId")).toString() == kinId);
}

} // namespace kinbot::test
