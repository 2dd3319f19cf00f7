// The conversation engine end to end: POST a message → queue → KinRunner → fake LLM → SSE + stored rows.
#include "KinFixture.h"

#include "engine/ConversationEngine.h"
#include "engine/ToolRegistry.h"
#include "llm/LlmClient.h"

using namespace kinbot::test;

static int countOf(const SseClient &sse, const QString &kinId, const QString &type)
{
    int n = 0;
    for (const QJsonObject &e : kinEvents(sse, kinId))
        n += e.value(QStringLiteral("type")).toString() == type;
    return n;
}

static QStringList typesOf(const QList<QJsonObject> &events)
{
    QStringList out;
    for (const QJsonObject &e : events)
        out << e.value(QStringLiteral("type")).toString();
    return out;
}

static QJsonArray messagesOf(HttpClient &api, const QString &kinId)
{
    return api.get("/api/kins/" + kinId.toUtf8() + "/messages").json().value(QStringLiteral("messages")).toArray();
}

class TstEngine final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void messageProducesTheExactSseSequence()
    {
        KinFixture f;
        const QString kinId = f.addKin(QStringLiteral("Echo"), f.addProvider()).value(QStringLiteral("id")).toString();
        auto sse = f.openSse();
        f.fake.enqueue(FakeReply::text({QStringLiteral("Hel"), QStringLiteral("lo")}));

        const HttpResponse r = f.send(kinId, QStringLiteral("hi there"));
        QCOMPARE(r.status, 202);
        const QString queueItemId = r.json().value(QStringLiteral("messageId")).toString();
        QVERIFY(!queueItemId.isEmpty());
        QCOMPARE(r.json().value(QStringLiteral("queuePosition")).toInt(), 1);

        QTRY_COMPARE_WITH_TIMEOUT(countOf(*sse, kinId, QStringLiteral("queue:update")), 4, 5000);
        const QList<QJsonObject> events = kinEvents(*sse, kinId);
        QCOMPARE(typesOf(events), QStringList({"queue:update", "queue:update", "queue:update", "chat:token", "chat:token", "chat:done",
                                               "queue:update"}));
        // enqueue: pending 1, idle
        QCOMPARE(events[0].value("queueSize").toInt(), 1);
        QCOMPARE(events[0].value("isProcessing").toBool(), false);
        // start: processing with its start time
        QCOMPARE(events[1].value("isProcessing").toBool(), true);
        QVERIFY(events[1].value("processingStartedAt").isDouble());
        // second start event: the context estimate
        QCOMPARE(events[2].value("queueSize").toInt(), 0);
        QVERIFY(events[2].value("contextTokens").toInt() > 0);
        QCOMPARE(events[2].value("contextWindow").toInt(), 128000);
        QVERIFY(events[2].value("contextBreakdown").toObject().contains("systemPrompt"));
        QVERIFY(events[2].value("pipelineStatus").isObject());
        // tokens: the first one carries the source fields, the next does not
        const QString messageId = events[3].value("messageId").toString();
        QVERIFY(!messageId.isEmpty());
        QCOMPARE(events[3].value("token").toString(), QStringLiteral("Hel"));
        QCOMPARE(events[3].value("sourceType").toString(), QStringLiteral("kin"));
        QCOMPARE(events[3].value("sourceId").toString(), kinId);
        QCOMPARE(events[3].value("sourceName").toString(), QStringLiteral("Echo"));
        QVERIFY(events[3].value("sourceAvatarUrl").isNull());
        QCOMPARE(events[4].value("token").toString(), QStringLiteral("lo"));
        QVERIFY(!events[4].contains("sourceType"));
        QCOMPARE(events[4].value("messageId").toString(), messageId);
        QCOMPARE(events[5].value("messageId").toString(), messageId);
        QCOMPARE(events[5].value("content").toString(), QStringLiteral("Hello"));
        QCOMPARE(events[5].value("sourceName").toString(), QStringLiteral("Echo"));
        QCOMPARE(events[6].value("isProcessing").toBool(), false);
        QCOMPARE(events[6].value("queueSize").toInt(), 0);

        // Stored: the user row then the reply, whose id is the streamed messageId.
        const QJsonArray rows = messagesOf(*f.api, kinId);
        QCOMPARE(rows.size(), 2);
        QCOMPARE(rows[0].toObject().value("role").toString(), QStringLiteral("user"));
        QCOMPARE(rows[0].toObject().value("content").toString(), QStringLiteral("hi there"));
        QCOMPARE(rows[0].toObject().value("sourceId").toString(), f.admin.id);
        QCOMPARE(rows[1].toObject().value("id").toString(), messageId);
        QCOMPARE(rows[1].toObject().value("content").toString(), QStringLiteral("Hello"));
        QCOMPARE(rows[1].toObject().value("sourceName").toString(), QStringLiteral("Echo"));

        // What the model got: the system prompt first, then the speaker-prefixed user message.
        const QList<FakeRequest> chats = f.fake.chatRequests();
        QCOMPARE(chats.size(), 1);
        const QJsonObject body = chats[0].json;
        QCOMPARE(body.value("model").toString(), QStringLiteral("gpt-4o"));
        QVERIFY(body.value("stream").toBool());
        const QJsonArray msgs = body.value("messages").toArray();
        QCOMPARE(msgs.first().toObject().value("role").toString(), QStringLiteral("system"));
        const QString system = msgs.first().toObject().value("content").toString();
        QVERIFY(system.contains(QStringLiteral("You are Echo")));
        QVERIFY(system.contains(QStringLiteral("## Personality\nCalm and precise.")));
        QVERIFY(system.contains(QStringLiteral("## Context")));
        QCOMPARE(msgs.last().toObject().value("content").toString(), QStringLiteral("[ada] hi there"));
        QVERIFY(body.value("tools").toArray().size() >= 4); // the core tools are offered
    }

    void globalPromptReachesTheModel()
    {
        KinFixture f;
        const QString kinId = f.addKin(QStringLiteral("Echo"), f.addProvider()).value(QStringLiteral("id")).toString();
        QCOMPARE(f.api->putJson("/api/settings/global-prompt", {{"globalPrompt", "Always answer in haiku."}}).status, 200);
        QCOMPARE(f.send(kinId, QStringLiteral("hello")).status, 202);
        QVERIFY(f.fake.waitForChatRequests(1));
        const QString system = f.fake.chatRequests()[0].json.value("messages").toArray()[0].toObject().value("content").toString();
        QVERIFY(system.contains(QStringLiteral("## Platform directives\nAlways answer in haiku.")));
    }

    void contextProvidersFeedThePromptBeforeTheTurn()
    {
        KinFixture f;
        const QString kinId = f.addKin(QStringLiteral("Echo"), f.addProvider()).value(QStringLiteral("id")).toString();
        QList<kinbot::TurnContextRequest> asked;
        // One provider answers later (as an embeddings call would), one at once; both blocks reach the prompt.
        f.server.platform().engine().addContextProvider([&asked](const kinbot::TurnContextRequest &r, QObject *ctx, auto done) {
            asked.append(r);
            QTimer::singleShot(50, ctx, [done] {
                kinbot::TurnContextPart part;
                part.memoryBlock = QStringLiteral("## Memories\n- [fact] The user keeps bees");
                part.injectedMemoryIds = {QStringLiteral("mem-1")};
                done(part);
            });
        });
        f.server.platform().engine().addContextProvider([](const kinbot::TurnContextRequest &, QObject *, auto done) {
            kinbot::TurnContextPart part;
            part.knowledgeBlock = QStringLiteral("## Relevant knowledge\n[1] Bees need water");
            part.summariesBlock = QStringLiteral("## Conversation history summaries\n### Summary (Jan 1 → Jan 2, 2026)\nEarlier talk.");
            part.compactedMessages = 12;
            done(part);
        });
        QCOMPARE(f.send(kinId, QStringLiteral("what about my bees?")).status, 202);
        QVERIFY(f.fake.waitForChatRequests(1));
        QCOMPARE(asked.size(), 1);
        QCOMPARE(asked[0].kinId, kinId);
        QCOMPARE(asked[0].query, QStringLiteral("what about my bees?"));
        QVERIFY(!asked[0].messageId.isEmpty());
        QVERIFY(!asked[0].quick);
        const QString system = f.fake.chatRequests()[0].json.value("messages").toArray()[0].toObject().value("content").toString();
        const qsizetype memories = system.indexOf(QStringLiteral("## Memories\n- [fact] The user keeps bees"));
        const qsizetype knowledge = system.indexOf(QStringLiteral("## Relevant knowledge\n[1] Bees need water"));
        const qsizetype instructions = system.indexOf(QStringLiteral("## Internal instructions"));
        const qsizetype summaries = system.indexOf(QStringLiteral("### Summary (Jan 1"));
        QVERIFY(memories > 0 && knowledge > memories && instructions > knowledge && summaries > instructions);
        QVERIFY(system.contains(QStringLiteral("12 older message(s) were summarized")));
        // The memories shown are recorded on the reply.
        QTRY_COMPARE(messagesOf(*f.api, kinId).size(), 2);
        const QJsonObject reply = messagesOf(*f.api, kinId)[1].toObject();
        QCOMPARE(reply.value("injectedMemories").toArray(), QJsonArray({"mem-1"}));
    }

    void stopWhileTheContextIsGatheredEndsTheTurnBeforeTheModel()
    {
        KinFixture f;
        const QString kinId = f.addKin(QStringLiteral("Echo"), f.addProvider()).value(QStringLiteral("id")).toString();
        f.server.platform().engine().addContextProvider([](const kinbot::TurnContextRequest &, QObject *ctx, auto done) {
            QTimer::singleShot(300, ctx, [done] { done({}); });
        });
        auto sse = f.openSse();
        QCOMPARE(f.send(kinId, QStringLiteral("never mind")).status, 202);
        QTRY_VERIFY(f.server.platform().engine().isBusy(kinId));
        const QByteArray path = "/api/kins/" + kinId.toUtf8() + "/messages/stop";
        QCOMPARE(f.api->postJson(path, {}).status, 200);
        QTRY_COMPARE_WITH_TIMEOUT(countOf(*sse, kinId, QStringLiteral("chat:done")), 1, 5000);
        QTRY_VERIFY(!f.server.platform().engine().isBusy(kinId));
        QCOMPARE(f.fake.chatRequests().size(), 0);
        // The next message runs normally.
        QCOMPARE(f.send(kinId, QStringLiteral("hello again")).status, 202);
        QVERIFY(f.fake.waitForChatRequests(1));
    }

    void toolCallTurnIsStoredAndReplayed()
    {
        KinFixture f;
        const QString kinId = f.addKin(QStringLiteral("Planner"), f.addProvider()).value(QStringLiteral("id")).toString();
        auto sse = f.openSse();
        f.fake.enqueue(FakeReply::toolCalls({{QStringLiteral("call_1"), QStringLiteral("think"), R"({"thought":"plan the answer"})"}},
                                            {QStringLiteral("Let me think. ")}));
        f.fake.enqueue(FakeReply::text({QStringLiteral("Done.")}));
        QCOMPARE(f.send(kinId, QStringLiteral("solve it")).status, 202);
        QTRY_COMPARE_WITH_TIMEOUT(countOf(*sse, kinId, QStringLiteral("chat:done")), 1, 5000);

        const QStringList types = typesOf(kinEvents(*sse, kinId));
        const QStringList chat = types.filter(QStringLiteral("chat:"));
        QCOMPARE(chat, QStringList({"chat:token", "chat:tool-call-start", "chat:tool-call", "chat:tool-result", "chat:token", "chat:done"}));
        QJsonObject call, result;
        for (const QJsonObject &e : kinEvents(*sse, kinId)) {
            if (e.value("type") == QStringLiteral("chat:tool-call"))
                call = e;
            if (e.value("type") == QStringLiteral("chat:tool-result"))
                result = e;
        }
        QCOMPARE(call.value("toolCallId").toString(), QStringLiteral("call_1"));
        QCOMPARE(call.value("toolName").toString(), QStringLiteral("think"));
        QCOMPARE(call.value("args").toObject().value("thought").toString(), QStringLiteral("plan the answer"));
        QCOMPARE(call.value("contentOffset").toInt(), QStringLiteral("Let me think. ").size());
        QCOMPARE(result.value("toolCallId").toString(), QStringLiteral("call_1"));
        QVERIFY(!result.value("result").isUndefined());

        // The second model step got the assistant's tool call and its result.
        QVERIFY(f.fake.waitForChatRequests(2));
        const QJsonArray step2 = f.fake.chatRequests()[1].json.value("messages").toArray();
        const QJsonObject asst = step2[step2.size() - 2].toObject();
        const QJsonObject tool = step2.last().toObject();
        QCOMPARE(asst.value("role").toString(), QStringLiteral("assistant"));
        QCOMPARE(asst.value("tool_calls").toArray()[0].toObject().value("id").toString(), QStringLiteral("call_1"));
        QCOMPARE(tool.value("role").toString(), QStringLiteral("tool"));
        QCOMPARE(tool.value("tool_call_id").toString(), QStringLiteral("call_1"));

        // Stored as the reference stores it: one assistant row, tool calls inline with result and offset.
        const QJsonArray rows = messagesOf(*f.api, kinId);
        QCOMPARE(rows.size(), 2);
        const QJsonObject reply = rows[1].toObject();
        QCOMPARE(reply.value("content").toString(), QStringLiteral("Let me think. Done."));
        const QJsonArray tcs = reply.value("toolCalls").toArray();
        QCOMPARE(tcs.size(), 1);
        QCOMPARE(tcs[0].toObject().value("id").toString(), QStringLiteral("call_1"));
        QCOMPARE(tcs[0].toObject().value("name").toString(), QStringLiteral("think"));
        QCOMPARE(tcs[0].toObject().value("offset").toInt(), QStringLiteral("Let me think. ").size());
        QCOMPARE(tcs[0].toObject().value("result"), result.value("result"));

        // Next turn: the history replays the call and its result before the new question.
        f.fake.enqueue(FakeReply::text({QStringLiteral("Sure.")}));
        QCOMPARE(f.send(kinId, QStringLiteral("again")).status, 202);
        QVERIFY(f.fake.waitForChatRequests(3));
        const QJsonArray replay = f.fake.chatRequests()[2].json.value("messages").toArray();
        QStringList roles;
        for (const QJsonValue &m : replay)
            roles << m.toObject().value("role").toString();
        QCOMPARE(roles, QStringList({"system", "user", "assistant", "tool", "user"}));
        QCOMPARE(replay[2].toObject().value("tool_calls").toArray()[0].toObject().value("function").toObject().value("name").toString(),
                 QStringLiteral("think"));
        QCOMPARE(replay[3].toObject().value("tool_call_id").toString(), QStringLiteral("call_1"));
    }

    void unknownToolAndBadArgumentsBecomeErrorResults()
    {
        KinFixture f;
        const QString kinId = f.addKin(QStringLiteral("Tools"), f.addProvider()).value(QStringLiteral("id")).toString();
        auto sse = f.openSse();
        f.fake.enqueue(FakeReply::toolCalls({{QStringLiteral("c1"), QStringLiteral("no_such_tool"), "{}"},
                                             {QStringLiteral("c2"), QStringLiteral("think"), "{not json"}}));
        f.fake.enqueue(FakeReply::text({QStringLiteral("ok")}));
        QCOMPARE(f.send(kinId, QStringLiteral("go")).status, 202);
        QTRY_COMPARE_WITH_TIMEOUT(countOf(*sse, kinId, QStringLiteral("chat:done")), 1, 5000);
        const QJsonArray tcs = messagesOf(*f.api, kinId)[1].toObject().value("toolCalls").toArray();
        QCOMPARE(tcs.size(), 2);
        QVERIFY(tcs[0].toObject().value("result").toObject().value("error").toString().contains("no_such_tool"));
        QVERIFY(tcs[1].toObject().value("result").toObject().value("error").toString().contains("Invalid tool arguments"));
    }

    void stepLimitEndsTheTurnWithANotice()
    {
        KinFixture f([](kinbot::ServerConfig &c) { c.toolsMaxSteps = 2; });
        const QString kinId = f.addKin(QStringLiteral("Loop"), f.addProvider()).value(QStringLiteral("id")).toString();
        auto sse = f.openSse();
        f.fake.setDefaultReply(FakeReply::toolCalls({{QStringLiteral("t"), QStringLiteral("think"), R"({"thought":"again"})"}}));
        QCOMPARE(f.send(kinId, QStringLiteral("loop forever")).status, 202);
        QTRY_COMPARE_WITH_TIMEOUT(countOf(*sse, kinId, QStringLiteral("chat:done")), 1, 5000);
        QCOMPARE(f.fake.chatRequests().size(), 2);
        QJsonObject done;
        for (const QJsonObject &e : kinEvents(*sse, kinId))
            if (e.value("type") == QStringLiteral("chat:done"))
                done = e;
        QCOMPARE(done.value("stepLimitReached").toBool(), true);
        const QJsonObject reply = messagesOf(*f.api, kinId)[1].toObject();
        QCOMPARE(reply.value("stepLimitReached").toBool(), true);
        QVERIFY(reply.value("content").toString().contains(QStringLiteral("step limit")));
        QCOMPARE(reply.value("toolCalls").toArray().size(), 2);
    }

    void stopAbortsAndKeepsThePartialReply()
    {
        KinFixture f;
        const QString kinId = f.addKin(QStringLiteral("Slow"), f.addProvider()).value(QStringLiteral("id")).toString();
        auto sse = f.openSse();
        QStringList many;
        for (int i = 0; i < 50; ++i)
            many << QStringLiteral("w%1 ").arg(i);
        f.fake.enqueue(FakeReply::text(many).chunkDelayMs(100));
        const QByteArray path = "/api/kins/" + kinId.toUtf8() + "/messages/stop";
        QCOMPARE(f.api->postJson(path, {}).errorCode(), QStringLiteral("NOT_STREAMING"));
        QCOMPARE(f.send(kinId, QStringLiteral("talk")).status, 202);
        QVERIFY(sse->waitFor([&](const SseFrame &fr) { return isEvent(fr, QStringLiteral("chat:token"), kinId); }));
        const HttpResponse stop = f.api->postJson(path, {});
        QCOMPARE(stop.status, 200);
        QCOMPARE(stop.json().value("ok").toBool(), true);
        QTRY_COMPARE_WITH_TIMEOUT(countOf(*sse, kinId, QStringLiteral("chat:done")), 1, 5000);
        QTRY_COMPARE_WITH_TIMEOUT(f.fake.openStreams(), 0, 5000); // the HTTP stream to the model was aborted
        QString done;
        for (const QJsonObject &e : kinEvents(*sse, kinId))
            if (e.value("type") == QStringLiteral("chat:done"))
                done = e.value("content").toString();
        QVERIFY(done.startsWith(QStringLiteral("w0 ")));
        QVERIFY(!done.contains(QStringLiteral("w49")));
        const QJsonArray rows = messagesOf(*f.api, kinId);
        QCOMPARE(rows.size(), 2);
        QCOMPARE(rows[1].toObject().value("content").toString(), done);
        QTRY_COMPARE(f.api->postJson(path, {}).errorCode(), QStringLiteral("NOT_STREAMING"));
    }

    void providerFaultGivesKinErrorAndTheNextMessageRuns()
    {
        KinFixture f;
        f.fastLimits(1);
        const QString kinId = f.addKin(QStringLiteral("Faulty"), f.addProvider()).value(QStringLiteral("id")).toString();
        auto sse = f.openSse();
        f.fake.enqueue(FakeReply::httpError(500));
        f.fake.enqueue(FakeReply::httpError(500)); // the one retry fails too
        f.fake.enqueue(FakeReply::text({QStringLiteral("recovered")}));
        QCOMPARE(f.send(kinId, QStringLiteral("first")).status, 202);
        QCOMPARE(f.send(kinId, QStringLiteral("second")).status, 202);
        QTRY_COMPARE_WITH_TIMEOUT(countOf(*sse, kinId, QStringLiteral("chat:done")), 2, 5000);
        QCOMPARE(countOf(*sse, kinId, QStringLiteral("kin:error")), 1);
        QJsonObject errorRow;
        for (const QJsonObject &e : kinEvents(*sse, kinId))
            if (e.value("type") == QStringLiteral("chat:message"))
                errorRow = e;
        QCOMPARE(errorRow.value("sourceType").toString(), QStringLiteral("system"));
        QVERIFY(errorRow.value("content").toString().startsWith(QStringLiteral("⚠️ ")));
        QCOMPARE(f.fake.chatRequests().size(), 3);

        const QJsonArray rows = messagesOf(*f.api, kinId);
        QStringList contents;
        for (const QJsonValue &v : rows)
            contents << v.toObject().value("content").toString().left(8);
        QCOMPARE(contents.size(), 4);
        QCOMPARE(contents[0], QStringLiteral("first"));
        QVERIFY(contents[1].startsWith(QStringLiteral("⚠️")));
        QCOMPARE(contents[2], QStringLiteral("second"));
        QCOMPARE(contents[3], QStringLiteral("recovere"));

        // The failure was also a notification row for the admin.
        auto n = f.server.platform().database().selectOne(QStringLiteral("SELECT count(*) FROM notifications WHERE type = 'kin:error'"));
        QVERIFY(n && n.value());
        QCOMPARE(n.value()->at(0).toInt(), 1);
    }

    void rateLimitIsRetriedThenSucceeds()
    {
        KinFixture f;
        f.fastLimits(2);
        const QString kinId = f.addKin(QStringLiteral("Busy"), f.addProvider()).value(QStringLiteral("id")).toString();
        auto sse = f.openSse();
        f.fake.enqueue(FakeReply::httpError(429, {}, 0));
        f.fake.enqueue(FakeReply::text({QStringLiteral("fine")}));
        QCOMPARE(f.send(kinId, QStringLiteral("q")).status, 202);
        QTRY_COMPARE_WITH_TIMEOUT(countOf(*sse, kinId, QStringLiteral("chat:done")), 1, 5000);
        QCOMPARE(countOf(*sse, kinId, QStringLiteral("kin:error")), 0);
        QCOMPARE(f.fake.chatRequests().size(), 2);
        QCOMPARE(messagesOf(*f.api, kinId)[1].toObject().value("content").toString(), QStringLiteral("fine"));
    }

    void streamCutKeepsWhatArrivedAndReportsTheError()
    {
        KinFixture f;
        f.fastLimits(1);
        const QString kinId = f.addKin(QStringLiteral("Cut"), f.addProvider()).value(QStringLiteral("id")).toString();
        auto sse = f.openSse();
        f.fake.enqueue(FakeReply::text({QStringLiteral("part "), QStringLiteral("two "), QStringLiteral("three")}).cutAfter(1));
        QCOMPARE(f.send(kinId, QStringLiteral("q")).status, 202);
        QTRY_COMPARE_WITH_TIMEOUT(countOf(*sse, kinId, QStringLiteral("kin:error")), 1, 5000);
        QCOMPARE(f.fake.chatRequests().size(), 1); // not retried once text was delivered
        const QJsonArray rows = messagesOf(*f.api, kinId);
        QCOMPARE(rows.size(), 3);
        QCOMPARE(rows[1].toObject().value("content").toString(), QStringLiteral("part "));
        QCOMPARE(rows[2].toObject().value("sourceType").toString(), QStringLiteral("system"));
    }

    void hangingProviderTimesOut()
    {
        KinFixture f;
        f.fastLimits(0, 300);
        const QString kinId = f.addKin(QStringLiteral("Hang"), f.addProvider()).value(QStringLiteral("id")).toString();
        auto sse = f.openSse();
        f.fake.enqueue(FakeReply::text({QStringLiteral("never")}).hang());
        QCOMPARE(f.send(kinId, QStringLiteral("q")).status, 202);
        auto err = sse->waitFor([&](const SseFrame &fr) { return isEvent(fr, QStringLiteral("kin:error"), kinId); }, 5000);
        QVERIFY(err);
        QVERIFY2(err->data.value("error").toString().contains(QStringLiteral("in time")), qPrintable(err->data.value("error").toString()));
        QTRY_COMPARE_WITH_TIMEOUT(countOf(*sse, kinId, QStringLiteral("queue:update")), 4, 5000);
    }

    void noProviderLeavesAVisibleError()
    {
        KinFixture f;
        const QString kinId = f.addKin(QStringLiteral("Orphan"), QString()).value(QStringLiteral("id")).toString();
        auto sse = f.openSse();
        QCOMPARE(f.send(kinId, QStringLiteral("anyone?")).status, 202);
        auto err = sse->waitFor([&](const SseFrame &fr) { return isEvent(fr, QStringLiteral("kin:error"), kinId); });
        QVERIFY(err);
        QCOMPARE(err->data.value("error").toString(), QStringLiteral("No LLM provider available for this model"));
        // Unlike the reference, the queue is announced idle again.
        QTRY_VERIFY(!kinEvents(*sse, kinId).isEmpty() && kinEvents(*sse, kinId).last().value("type") == QStringLiteral("queue:update")
                    && !kinEvents(*sse, kinId).last().value("isProcessing").toBool());
    }

    void twoKinsRunConcurrently()
    {
        KinFixture f;
        const QString provider = f.addProvider();
        const QString a = f.addKin(QStringLiteral("Alpha"), provider).value(QStringLiteral("id")).toString();
        const QString b = f.addKin(QStringLiteral("Beta"), provider).value(QStringLiteral("id")).toString();
        auto sse = f.openSse();
        f.fake.setDefaultReply(FakeReply::text({QStringLiteral("x"), QStringLiteral("y"), QStringLiteral("z")}).chunkDelayMs(300));
        QCOMPARE(f.send(a, QStringLiteral("to alpha")).status, 202);
        QCOMPARE(f.send(b, QStringLiteral("to beta")).status, 202);
        // Both model calls are in flight before either turn is done.
        QVERIFY(f.fake.waitForChatRequests(2, 3000));
        QCOMPARE(countOf(*sse, a, QStringLiteral("chat:done")) + countOf(*sse, b, QStringLiteral("chat:done")), 0);
        QTRY_COMPARE_WITH_TIMEOUT(countOf(*sse, a, QStringLiteral("chat:done")), 1, 5000);
        QTRY_COMPARE_WITH_TIMEOUT(countOf(*sse, b, QStringLiteral("chat:done")), 1, 5000);
        QCOMPARE(messagesOf(*f.api, a)[1].toObject().value("content").toString(), QStringLiteral("xyz"));
        QCOMPARE(messagesOf(*f.api, b)[1].toObject().value("content").toString(), QStringLiteral("xyz"));
    }

    void oneKinProcessesItsQueueInOrder()
    {
        KinFixture f;
        const QString kinId = f.addKin(QStringLiteral("Fifo"), f.addProvider()).value(QStringLiteral("id")).toString();
        auto sse = f.openSse();
        f.fake.setDefaultReply(FakeReply::text({QStringLiteral("ack")}).chunkDelayMs(50));
        for (int i = 1; i <= 3; ++i) {
            const HttpResponse r = f.send(kinId, QStringLiteral("m%1").arg(i));
            QCOMPARE(r.status, 202);
        }
        // While the first runs, the others wait in the queue.
        const QJsonArray queued = f.api->get("/api/kins/" + kinId.toUtf8() + "/messages/queue").json().value("items").toArray();
        QVERIFY(queued.size() >= 1);
        QTRY_COMPARE_WITH_TIMEOUT(countOf(*sse, kinId, QStringLiteral("chat:done")), 3, 5000);
        const QJsonArray rows = messagesOf(*f.api, kinId);
        QCOMPARE(rows.size(), 6);
        for (int i = 0; i < 3; ++i)
            QCOMPARE(rows[i * 2].toObject().value("content").toString(), QStringLiteral("m%1").arg(i + 1));
        // One model call at a time for one Kin: each request saw the previous answer.
        QCOMPARE(f.fake.chatRequests()[2].json.value("messages").toArray().size(), 1 + 5);
    }

    void everyProviderStyleRunsAToolTurn_data()
    {
        QTest::addColumn<QString>("type");
        QTest::addColumn<QString>("model");
        QTest::newRow("anthropic") << "anthropic" << "claude-sonnet-4";
        QTest::newRow("gemini") << "gemini" << "gemini-2.0-flash";
        QTest::newRow("ollama") << "ollama" << "llama3.2";
        QTest::newRow("groq (openai-compatible)") << "groq" << "llama-3.3-70b";
    }
    void everyProviderStyleRunsAToolTurn()
    {
        QFETCH(QString, type);
        QFETCH(QString, model);
        KinFixture f;
        const kinbot::llm::ProviderType *t = kinbot::llm::findProviderType(type);
        QVERIFY(t);
        const HttpResponse p = f.api->postJson("/api/providers", {{"name", type}, {"type", type},
                                                                  {"config", QJsonObject{{"apiKey", "key-123456789012"},
                                                                                         {"baseUrl", f.fake.baseUrl(t->apiStyle)}}}});
        QCOMPARE(p.status, 201);
        QCOMPARE(p.json().value("provider").toObject().value("isValid").toBool(), true);
        const QString kinId = f.addKin(QStringLiteral("Multi"), p.json().value("provider").toObject().value("id").toString(),
                                       {{"model", model}}).value("id").toString();
        auto sse = f.openSse();
        f.fake.enqueue(FakeReply::toolCalls({{QStringLiteral("call_9"), QStringLiteral("think"), R"({"thought":"ok"})"}}));
        f.fake.enqueue(FakeReply::text({QStringLiteral("All "), QStringLiteral("good")}));
        QCOMPARE(f.send(kinId, QStringLiteral("go")).status, 202);
        QTRY_COMPARE_WITH_TIMEOUT(countOf(*sse, kinId, QStringLiteral("chat:done")), 1, 5000);
        QCOMPARE(countOf(*sse, kinId, QStringLiteral("kin:error")), 0);
        const QList<FakeRequest> chats = f.fake.chatRequests();
        QCOMPARE(chats.size(), 2);
        QCOMPARE(chats[0].style, t->apiStyle);
        QCOMPARE(chats[0].model, model);
        const QJsonObject reply = messagesOf(*f.api, kinId)[1].toObject();
        QCOMPARE(reply.value("content").toString(), QStringLiteral("All good"));
        QCOMPARE(reply.value("toolCalls").toArray().size(), 1);
        QCOMPARE(reply.value("toolCalls").toArray()[0].toObject().value("name").toString(), QStringLiteral("think"));
        // The tool result went back to the model in the second step.
        QVERIFY(chats[1].body.contains("call_9") || type == QLatin1String("gemini") || type == QLatin1String("ollama"));
        QVERIFY(chats[1].body.contains("think"));
    }

    void kinsTalkToEachOther()
    {
        KinFixture f;
        const QString provider = f.addProvider();
        const QJsonObject a = f.addKin(QStringLiteral("Asker"), provider);
        const QJsonObject b = f.addKin(QStringLiteral("Expert"), provider);
        const QString aId = a.value("id").toString(), bId = b.value("id").toString();
        auto sse = f.openSse();
        // A asks B; everything else the model says is "ok".
        f.fake.enqueue(FakeReply::toolCalls({{QStringLiteral("s1"), QStringLiteral("send_message"),
                                              R"({"slug":"expert","message":"What is 6x7?","type":"request"})"}}));
        QCOMPARE(f.send(aId, QStringLiteral("ask the expert")).status, 202);
        auto result = sse->waitFor([&](const SseFrame &fr) { return isEvent(fr, QStringLiteral("chat:tool-result"), aId); });
        QVERIFY(result);
        const QString requestId = result->data.value("result").toObject().value("requestId").toString();
        QVERIFY(!requestId.isEmpty());
        // B runs a turn on the request, prefixed so it knows whom and how to answer.
        QTRY_COMPARE_WITH_TIMEOUT(countOf(*sse, bId, QStringLiteral("chat:done")), 1, 5000);
        const QJsonArray bRows = messagesOf(*f.api, bId);
        QCOMPARE(bRows[0].toObject().value("sourceType").toString(), QStringLiteral("kin"));
        QCOMPARE(bRows[0].toObject().value("sourceName").toString(), QStringLiteral("Asker"));
        QString bPrompt;
        for (const FakeRequest &r : f.fake.chatRequests()) {
            const QJsonObject lastMessage = r.json.value("messages").toArray().last().toObject();
            if (lastMessage.value("role") == QStringLiteral("user") && lastMessage.value("content").toString().contains("What is 6x7?"))
                bPrompt = lastMessage.value("content").toString();
        }
        QVERIFY2(bPrompt.startsWith(QStringLiteral("[Message from Kin \"Asker\"] (Inter-kin request — reply with request_id=\"%1\")").arg(requestId)),
                 qPrintable(bPrompt));

        // B replies (the tool, as B's model would call it) → A runs a kin_reply turn without inter-Kin tools.
        const kinbot::ToolDefinition *reply = f.server.platform().tools().find(QStringLiteral("reply"));
        QVERIFY(reply);
        QJsonValue replyResult;
        kinbot::ToolContext ctx;
        ctx.kinId = bId;
        reply->execute(ctx, {{"request_id", requestId}, {"message", "42"}}, [&](const QJsonValue &v) { replyResult = v; });
        QCOMPARE(replyResult.toObject().value("success").toBool(), true);
        QTRY_COMPARE_WITH_TIMEOUT(countOf(*sse, aId, QStringLiteral("chat:done")), 2, 5000);
        const FakeRequest last = f.fake.chatRequests().last();
        QStringList offered;
        for (const QJsonValue &tool : last.json.value("tools").toArray())
            offered << tool.toObject().value("function").toObject().value("name").toString();
        QVERIFY(!offered.isEmpty());
        QVERIFY(!offered.contains(QStringLiteral("send_message")));
        QVERIFY(!offered.contains(QStringLiteral("reply")));
        QVERIFY(!offered.contains(QStringLiteral("list_kins")));
        QVERIFY(last.json.value("messages").toArray().last().toObject().value("content").toString()
                    .startsWith(QStringLiteral("[Reply from Kin \"Expert\"]\n42")));
        // Only the addressee may answer a request; unknown ids are errors.
        ctx.kinId = aId;
        reply->execute(ctx, {{"request_id", requestId}, {"message", "spoof"}}, [&](const QJsonValue &v) { replyResult = v; });
        QVERIFY(replyResult.toObject().contains("error"));

        // inform: no turn, a row in B's conversation; the 21st message within a minute is refused.
        const kinbot::ToolDefinition *send = f.server.platform().tools().find(QStringLiteral("send_message"));
        const int bTurns = countOf(*sse, bId, QStringLiteral("chat:done"));
        QJsonValue last20, last21;
        for (int i = 0; i < 20; ++i) // one request already counted above
            send->execute(ctx, {{"slug", "expert"}, {"message", QStringLiteral("fyi %1").arg(i)}, {"type", "inform"}},
                          [&](const QJsonValue &v) { i == 18 ? last20 = v : last21 = v; });
        QCOMPARE(last20.toObject().value("success").toBool(), true);
        QVERIFY(last21.toObject().value("error").toString().contains(QStringLiteral("Rate limit")));
        QTest::qWait(100);
        QCOMPARE(countOf(*sse, bId, QStringLiteral("chat:done")), bTurns);
        QTRY_VERIFY(countOf(*sse, bId, QStringLiteral("chat:message")) >= 19);
        // The minute passes (the limiter follows the injected clock).
        f.server.clock().advanceMs(61 * 1000);
        send->execute(ctx, {{"slug", "expert"}, {"message", "later"}, {"type", "inform"}}, [&](const QJsonValue &v) { last21 = v; });
        QCOMPARE(last21.toObject().value("success").toBool(), true);
    }

    void deletingAKinMidTurnIsClean()
    {
        KinFixture f;
        const QString provider = f.addProvider();
        const QString doomed = f.addKin(QStringLiteral("Doomed"), provider).value("id").toString();
        const QString other = f.addKin(QStringLiteral("Other"), provider).value("id").toString();
        auto sse = f.openSse();
        QStringList many;
        for (int i = 0; i < 40; ++i)
            many << QStringLiteral("t%1 ").arg(i);
        f.fake.enqueue(FakeReply::text(many).chunkDelayMs(50));
        QCOMPARE(f.send(doomed, QStringLiteral("long story")).status, 202);
        QCOMPARE(f.send(doomed, QStringLiteral("queued behind")).status, 202);
        QVERIFY(sse->waitFor([&](const SseFrame &fr) { return isEvent(fr, QStringLiteral("chat:token"), doomed); }));
        QCOMPARE(f.api->del("/api/kins/" + doomed.toUtf8()).status, 200);
        QTRY_COMPARE_WITH_TIMEOUT(f.fake.openStreams(), 0, 5000); // its model stream was cancelled
        // Nothing of it remains, and nothing more runs for it; other Kins carry on.
        auto left = f.server.platform().database().selectOne(
            QStringLiteral("SELECT (SELECT count(*) FROM messages WHERE kin_id = ?) + (SELECT count(*) FROM queue_items WHERE kin_id = ?)"),
            {doomed, doomed});
        QCOMPARE(left.value()->at(0).toInt(), 0);
        f.fake.enqueue(FakeReply::text({QStringLiteral("still here")}));
        QCOMPARE(f.send(other, QStringLiteral("you ok?")).status, 202);
        QTRY_COMPARE_WITH_TIMEOUT(countOf(*sse, other, QStringLiteral("chat:done")), 1, 5000);
        QCOMPARE(f.fake.chatRequests().size(), 2);
        QCOMPARE(countOf(*sse, doomed, QStringLiteral("chat:done")), 0);
    }

    void closingAQuickSessionStopsItsTurn()
    {
        KinFixture f;
        const QString kinId = f.addKin(QStringLiteral("Side"), f.addProvider()).value("id").toString();
        auto sse = f.openSse();
        const QByteArray sid = f.api->postJson("/api/kins/" + kinId.toUtf8() + "/quick-sessions", {}).json().value("id").toString().toUtf8();
        QStringList many;
        for (int i = 0; i < 40; ++i)
            many << QStringLiteral("q%1 ").arg(i);
        f.fake.enqueue(FakeReply::text(many).chunkDelayMs(50));
        QCOMPARE(f.api->postJson("/api/quick-sessions/" + sid + "/messages", {{"content", "tell me"}}).status, 202);
        QVERIFY(sse->waitFor([&](const SseFrame &fr) { return isEvent(fr, QStringLiteral("chat:token"), kinId); }));
        // Meanwhile the main conversation is free: the quick slot runs beside it.
        f.fake.enqueue(FakeReply::text({QStringLiteral("main answer")}));
        QCOMPARE(f.send(kinId, QStringLiteral("main question")).status, 202);
        auto mainDone = sse->waitFor([&](const SseFrame &fr) {
            return isEvent(fr, QStringLiteral("chat:done"), kinId) && !fr.data.contains("sessionId");
        });
        QVERIFY(mainDone);
        QCOMPARE(mainDone->data.value("content").toString(), QStringLiteral("main answer"));
        QCOMPARE(f.api->postJson("/api/quick-sessions/" + sid + "/close", {}).status, 200);
        auto quickDone = sse->waitFor([&](const SseFrame &fr) {
            return isEvent(fr, QStringLiteral("chat:done"), kinId) && fr.data.value("sessionId").toString() == QString::fromUtf8(sid);
        });
        QVERIFY(quickDone);
        QVERIFY(!quickDone->data.value("content").toString().contains(QStringLiteral("q39")));
        QTRY_COMPARE(f.api->postJson("/api/quick-sessions/" + sid + "/messages/stop", {}).errorCode(), QStringLiteral("NOT_STREAMING"));
    }

    void attachmentsReachTheModelAndTheHistory()
    {
        KinFixture f;
        const QString kinId = f.addKin(QStringLiteral("Reader"), f.addProvider()).value("id").toString();
        auto upload = [&](const QByteArray &name, const QByteArray &data, const QString &kin) {
            const QByteArray b = "Bnd42";
            const QByteArray body = "--" + b + "\r\nContent-Disposition: form-data; name=\"kinId\"\r\n\r\n" + kin.toUtf8() + "\r\n--" + b
                                    + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + name
                                    + "\"\r\nContent-Type: application/octet-stream\r\n\r\n" + data + "\r\n--" + b + "--\r\n";
            return f.api->postRaw("/api/files/upload", body, "multipart/form-data; boundary=" + b);
        };
        const QByteArray png = QByteArray::fromBase64(
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==");
        HttpResponse img = upload("pixel.png", png, kinId);
        QCOMPARE(img.status, 201);
        const QJsonObject imgFile = img.json().value("file").toObject();
        QCOMPARE(imgFile.value("mimeType").toString(), QStringLiteral("image/png"));
        QVERIFY(imgFile.value("url").toString().startsWith(QStringLiteral("/api/uploads/messages/") + kinId + "/"));
        const QJsonObject txtFile = upload("notes.txt", "line one\nline two", kinId).json().value("file").toObject();
        QCOMPARE(upload("empty.txt", "", kinId).errorCode(), QStringLiteral("UPLOAD_ERROR"));
        QCOMPARE(upload("a.txt", "x", QStringLiteral("ghost")).errorCode(), QStringLiteral("KIN_NOT_FOUND"));
        QCOMPARE(f.api->postRaw("/api/files/upload", "--x--\r\n", "multipart/form-data; boundary=x").status, 400);

        const QByteArray base = "/api/kins/" + kinId.toUtf8() + "/messages";
        QCOMPARE(f.api->postJson(base, {{"content", "x"}, {"fileIds", QJsonArray{"00000000-0000-4000-8000-000000000000"}}}).errorCode(),
                 QStringLiteral("INVALID_FILE_ID"));
        auto sse = f.openSse();
        QCOMPARE(f.api->postJson(base, {{"content", "look"}, {"fileIds", QJsonArray{imgFile.value("id"), txtFile.value("id")}}}).status, 202);
        QTRY_COMPARE_WITH_TIMEOUT(countOf(*sse, kinId, QStringLiteral("chat:done")), 1, 5000);
        // Attached once: the same upload cannot ride on another message.
        QCOMPARE(f.api->postJson(base, {{"content", "again"}, {"fileIds", QJsonArray{imgFile.value("id")}}}).errorCode(),
                 QStringLiteral("INVALID_FILE_ID"));

        // The model saw the image as an image part and the text file inline.
        const QJsonArray content = f.fake.chatRequests()[0].json.value("messages").toArray().last().toObject().value("content").toArray();
        QString text;
        QString imageUrl;
        for (const QJsonValue &part : content) {
            if (part.toObject().value("type") == QStringLiteral("text"))
                text += part.toObject().value("text").toString();
            if (part.toObject().value("type") == QStringLiteral("image_url"))
                imageUrl = part.toObject().value("image_url").toObject().value("url").toString();
        }
        QVERIFY(text.startsWith(QStringLiteral("[ada] look")));
        QVERIFY(text.contains(QStringLiteral("[Attached file: notes.txt (text/plain)]\nline one\nline two")));
        QCOMPARE(imageUrl, QStringLiteral("data:image/png;base64,") + QString::fromLatin1(png.toBase64()));

        // The history lists the files; their URLs serve the bytes, sandboxed.
        const QJsonArray files = messagesOf(*f.api, kinId)[0].toObject().value("files").toArray();
        QCOMPARE(files.size(), 2);
        const HttpResponse served = f.api->get(files[0].toObject().value("url").toString().toUtf8());
        QCOMPARE(served.body, png);
        QVERIFY(served.header("content-security-policy").contains("sandbox"));
        // Clearing the conversation removes the files too.
        const QString onDisk = f.server.dataDir() + "/data/uploads/messages/" + kinId;
        QVERIFY(!QDir(onDisk).isEmpty());
        QCOMPARE(f.api->del(base).status, 200);
        QVERIFY(QDir(onDisk).entryList(QDir::Files).isEmpty());
        QCOMPARE(f.api->get(files[0].toObject().value("url").toString().toUtf8()).status, 404);
    }

    void restartResumesPendingWork()
    {
        QTemporaryDir dir;
        const auto sameDir = [&](kinbot::ServerConfig &c) { c.dataDir = dir.path(); };
        QString kinId;
        FakeLlmServer fake;
        QVERIFY(fake.listen());
        {
            TestServer s(sameDir);
            QVERIFY(s.ok());
            TestUser admin = s.onboard(QStringLiteral("ada@example.test"), QStringLiteral("ada"));
            HttpClient api = s.clientFor(admin);
            const QString provider = api.postJson("/api/providers", {{"name", "p"}, {"type", "openai"},
                                                                     {"config", QJsonObject{{"apiKey", "sk-x"}, {"baseUrl", fake.baseUrl()}}}})
                                         .json().value("provider").toObject().value("id").toString();
            kinId = api.postJson("/api/kins", {{"name", "Phoenix"}, {"role", "r"}, {"character", ""}, {"expertise", ""},
                                                {"model", "gpt-4o"}, {"providerId", provider}})
                        .json().value("kin").toObject().value("id").toString();
            QVERIFY(!kinId.isEmpty());
            fake.enqueue(FakeReply::text({QStringLiteral("lost")}).hangBeforeHeaders());
            QCOMPARE(api.postJson("/api/kins/" + kinId.toUtf8() + "/messages", {{"content", "one"}}).status, 202);
            QCOMPARE(api.postJson("/api/kins/" + kinId.toUtf8() + "/messages", {{"content", "two"}}).status, 202);
            QVERIFY(fake.waitForChatRequests(1));
            // The process "dies" here: one item processing, one pending.
        }
        fake.enqueue(FakeReply::text({QStringLiteral("answer one")}));
        fake.enqueue(FakeReply::text({QStringLiteral("answer two")}));
        TestServer s2(sameDir);
        QVERIFY(s2.ok());
        QVERIFY(fake.waitForChatRequests(3, 5000));
        kinbot::MessageStore &messages = s2.platform().messages();
        QTRY_COMPARE_WITH_TIMEOUT(messages.recentMain(kinId, 10).value().size(), 4, 5000);
        const auto rows = messages.recentMain(kinId, 10).value();
        QCOMPARE(rows[0].content, QStringLiteral("one")); // not inserted twice on replay
        QCOMPARE(rows[1].content, QStringLiteral("answer one"));
        QCOMPARE(rows[2].content, QStringLiteral("two"));
        QCOMPARE(rows[3].content, QStringLiteral("answer two"));
        // The replayed request still carries the user message exactly once.
        const QJsonArray replay = fake.chatRequests()[1].json.value("messages").toArray();
        QCOMPARE(replay.size(), 2);
    }
};

QTEST_GUILESS_MAIN(TstEngine)
#include "tst_engine.moc"
