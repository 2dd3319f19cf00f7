// Compacting end to end (engine.md §6): real HTTP, the real engine, a scripted fake LLM for turns and summaries.
#include "KinFixture.h"

#include "compacting/CompactingService.h"
#include "engine/ConversationEngine.h"

using namespace kinbot::test;

namespace {

int countOf(const SseClient &sse, const QString &kinId, const QString &type)
{
    int n = 0;
    for (const QJsonObject &e : kinEvents(sse, kinId))
        n += e.value(QStringLiteral("type")).toString() == type;
    return n;
}

QList<QJsonObject> eventsOf(const SseClient &sse, const QString &kinId, const QString &type)
{
    QList<QJsonObject> out;
    for (const QJsonObject &e : kinEvents(sse, kinId))
        if (e.value(QStringLiteral("type")).toString() == type)
            out << e;
    return out;
}

QString systemOf(const FakeRequest &r)
{
    return r.json.value("messages").toArray().first().toObject().value("content").toString();
}

// Everything the model got apart from the system prompt.
QString historyOf(const FakeRequest &r)
{
    QStringList parts;
    const QJsonArray msgs = r.json.value("messages").toArray();
    for (qsizetype i = 1; i < msgs.size(); ++i)
        parts << msgs[i].toObject().value("content").toString();
    return parts.join('\n');
}

QJsonObject cfg(int threshold, int keep, int maxSummaries = 10)
{
    return {{"thresholdPercent", threshold}, {"keepPercent", keep}, {"maxSummaries", maxSummaries}};
}

struct Setup
{
    explicit Setup(const QJsonObject &compacting, const std::function<void(kinbot::ServerConfig &)> &configure = {}) : f(configure)
    {
        f.fastLimits(0);
        // These cases script every model call; memory extraction (a call of its own) is tested in tst_memory.
        const HttpResponse off = f.api->putJson("/api/settings/memory-extraction", {{"memoryExtraction", "off"}});
        if (off.status != 200)
            qWarning() << "memory-extraction:" << off.status << off.body;
        const QJsonObject kin = f.addKin(QStringLiteral("Echo"), f.addProvider());
        kinId = kin.value("id").toString();
        slug = kin.value("slug").toString();
        // compactingConfig is set by PATCH (create does not take it, as in the reference).
        const HttpResponse r = f.api->patchJson(path(""), {{"compactingConfig", compacting}});
        if (r.status != 200)
            qWarning() << "compactingConfig:" << r.status << r.body;
        sse = f.openSse();
    }

    QByteArray path(const char *tail) const { return "/api/kins/" + kinId.toUtf8() + tail; }
    bool compacting() { return f.api->get(path("")).json().value("isCompacting").toBool(); }
    // Waits until n turns ended and no compaction holds the Kin.
    bool settle(int doneCount, int timeoutMs = 10000)
    {
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < timeoutMs) {
            if (countOf(*sse, kinId, "chat:done") >= doneCount && !f.server.platform().compacting().isCompacting(kinId)
                && !f.server.platform().engine().isBusy(kinId) && f.server.platform().engine().queueState(kinId).queueSize == 0)
                return true;
            QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
        }
        return false;
    }
    QJsonArray summaries() { return f.api->get(path("/compacting/summaries")).json().value("summaries").toArray(); }
    QJsonArray messages() { return f.api->get(path("/messages")).json().value("messages").toArray(); }

    KinFixture f;
    QString kinId;
    QString slug;
    std::unique_ptr<SseClient> sse;
};

} // namespace

class TstCompacting final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void pastTheThresholdTheConversationIsSummarisedAndReplacedInThePrompt()
    {
        Setup s(cfg(1, 0));
        s.f.fake.enqueue(FakeReply::text({"Hello ", "Ada"}));
        s.f.fake.enqueue(FakeReply::text({"SUMMARY-ONE: ", "Ada likes a colour."}));
        QCOMPARE(s.f.send(s.kinId, "my favourite colour is teal").status, 202);
        QVERIFY(s.sse->waitFor([&](const SseFrame &fr) { return isEvent(fr, "compacting:done", s.kinId); }, 10000));
        QVERIFY(s.settle(1));

        // start (cycle 1 of at most 5) then done; no second, fruitless start (reference quirk fixed).
        const auto starts = eventsOf(*s.sse, s.kinId, "compacting:start");
        QCOMPARE(starts.size(), 1);
        QCOMPARE(starts[0].value("cycle").toInt(), 1);
        QCOMPARE(starts[0].value("estimatedTotal").toInt(), 5);
        const QJsonObject done = eventsOf(*s.sse, s.kinId, "compacting:done").first();
        QCOMPARE(done.value("summary").toString(), QStringLiteral("SUMMARY-ONE: Ada likes a colour."));
        QCOMPARE(done.value("memoriesExtracted").toInt(), 0);
        QCOMPARE(countOf(*s.sse, s.kinId, "compacting:error"), 0);

        // The summariser saw the formatted transcript and the four sections.
        QCOMPARE(s.f.fake.chatRequests().size(), 2);
        const FakeRequest summariser = s.f.fake.chatRequests()[1];
        QVERIFY(systemOf(summariser).contains("## Open threads (critical)"));
        const QString transcript = historyOf(summariser);
        QVERIFY(transcript.contains("] ada: my favourite colour is teal"));
        QVERIFY(transcript.contains("] Echo: Hello Ada"));

        const QJsonArray sums = s.summaries();
        QCOMPARE(sums.size(), 1);
        QCOMPARE(sums[0].toObject().value("depth").toInt(), 0);
        QVERIFY(sums[0].toObject().value("isInContext").toBool());
        QCOMPARE(sums[0].toObject().value("messageCount").toInt(), 2);
        QVERIFY(sums[0].toObject().value("createdAt").isString());

        // Next turn: the summary is in the system prompt, the summarised messages are not in the history.
        s.f.fake.enqueue(FakeReply::text({"Sure"}));
        s.f.fake.enqueue(FakeReply::text({"SUMMARY-TWO"}));
        QCOMPARE(s.f.send(s.kinId, "what now?").status, 202);
        QVERIFY(s.settle(2));
        const FakeRequest next = s.f.fake.chatRequests()[2];
        const QString system = systemOf(next);
        QVERIFY(system.contains("## Conversation history summaries"));
        QVERIFY(system.contains("### Summary ("));
        QVERIFY(system.contains("SUMMARY-ONE: Ada likes a colour."));
        QVERIFY(system.contains("2 older message(s) were summarized"));
        QVERIFY(!system.contains("[compressed]"));
        QCOMPARE(next.json.value("messages").toArray().size(), 2);
        QCOMPARE(historyOf(next), QStringLiteral("[ada] what now?"));

        // The originals are still listed, with the compacting rows.
        const QJsonArray rows = s.messages();
        QStringList contents, types;
        for (const QJsonValue &v : rows) {
            contents << v.toObject().value("content").toString();
            types << v.toObject().value("sourceType").toString();
        }
        QVERIFY(contents.contains("my favourite colour is teal"));
        QVERIFY(contents.contains("Hello Ada"));
        QVERIFY(contents.contains("SUMMARY-ONE: Ada likes a colour."));
        QCOMPARE(types.count("compacting"), 2);

        // context-usage shows the summaries.
        const QJsonObject usage = s.f.api->get(s.path("/context-usage")).json();
        QCOMPARE(usage.value("summaryCount").toInt(), 2);
        QVERIFY(usage.value("summaryTokens").toInt() > 0);
        QCOMPARE(usage.value("maxSummaries").toInt(), 10);
        QCOMPARE(usage.value("keepPercent").toInt(), 0);
        QCOMPARE(usage.value("compactingThresholdPercent").toInt(), 1);
        QCOMPARE(usage.value("summaryBudgetTokens").toInt(), 128000 * 20 / 100);
        QCOMPARE(usage.value("contextBreakdown").toObject().value("summary").toInt(), usage.value("summaryTokens").toInt());

        // Clearing the conversation drops the summaries.
        QCOMPARE(s.f.api->del(s.path("/messages")).status, 200);
        QCOMPARE(s.summaries().size(), 0);
    }

    void forcedRunAndNothingToCompact()
    {
        Setup s(cfg(100, 0)); // never automatic
        HttpResponse r = s.f.api->postJson("/api/kins/" + s.slug.toUtf8() + "/compacting/run", QJsonObject{});
        QCOMPARE(r.status, 422);
        QCOMPARE(r.json().value("error").toObject().value("code").toString(), QStringLiteral("NOTHING_TO_COMPACT"));
        auto start = s.sse->waitFor([&](const SseFrame &fr) { return isEvent(fr, "compacting:start", s.kinId); }); // SSE may lag the reply
        QVERIFY(start);
        QCOMPARE(start->data.value("estimatedTotal").toInt(), 1);
        QVERIFY(s.sse->waitFor([&](const SseFrame &fr) { return isEvent(fr, "compacting:error", s.kinId); }));
        const QJsonArray rows = s.messages();
        QCOMPARE(rows.size(), 1);
        QCOMPARE(rows[0].toObject().value("sourceType").toString(), QStringLiteral("compacting"));
        QCOMPARE(rows[0].toObject().value("compactingError").toString(), QStringLiteral("NOTHING_TO_COMPACT"));

        s.f.fake.enqueue(FakeReply::text({"one"}));
        s.f.fake.enqueue(FakeReply::text({"two"}));
        QCOMPARE(s.f.send(s.kinId, "first").status, 202);
        QCOMPARE(s.f.send(s.kinId, "second").status, 202);
        QVERIFY(s.settle(2));
        QCOMPARE(countOf(*s.sse, s.kinId, "compacting:done"), 0);

        s.f.fake.enqueue(FakeReply::text({"FORCED SUMMARY"}));
        r = s.f.api->postJson(s.path("/compacting/run"), QJsonObject{});
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json().value("success").toBool(), true);
        QCOMPARE(r.json().value("summary").toString(), QStringLiteral("FORCED SUMMARY"));
        QCOMPARE(r.json().value("memoriesExtracted").toInt(), 0);
        QCOMPARE(s.summaries().size(), 1);
        QCOMPARE(s.summaries()[0].toObject().value("messageCount").toInt(), 4);
        // The summariser never saw the compacting row of the failed run.
        QVERIFY(!historyOf(s.f.fake.chatRequests().last()).contains("Nothing to compact"));

        // Unknown Kin.
        QCOMPARE(s.f.api->postJson("/api/kins/no-such-kin/compacting/run", QJsonObject{}).status, 404);
    }

    void extractionHookFeedsMemoriesExtracted()
    {
        Setup s(cfg(100, 0));
        QList<QString> seen;
        s.f.server.platform().compacting().setExtractionHook(
            [&](const QString &kinId, const QList<kinbot::MessageRecord> &batch, std::function<void(int)> done) {
                QCOMPARE(kinId, s.kinId);
                for (const auto &m : batch)
                    seen << m.content;
                done(3);
            });
        s.f.fake.enqueue(FakeReply::text({"pong"}));
        QCOMPARE(s.f.send(s.kinId, "ping").status, 202);
        QVERIFY(s.settle(1));
        s.f.fake.enqueue(FakeReply::text({"S"}));
        const HttpResponse r = s.f.api->postJson(s.path("/compacting/run"), QJsonObject{});
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json().value("memoriesExtracted").toInt(), 3);
        QCOMPARE(seen, QList<QString>({"ping", "pong"}));
        auto done = s.sse->waitFor([&](const SseFrame &fr) { return isEvent(fr, "compacting:done", s.kinId); }); // SSE may lag the reply
        QVERIFY(done);
        QCOMPARE(done->data.value("memoriesExtracted").toInt(), 3);
    }

    void theMemoryExtractorRunsAtCompaction()
    {
        Setup s(cfg(100, 0));
        QCOMPARE(s.f.api->putJson("/api/settings/memory-extraction", {{"memoryExtraction", "compaction"}}).status, 200);
        s.f.fake.enqueue(FakeReply::text({"Noted."}));
        QCOMPARE(s.f.send(s.kinId, "I am allergic to peanuts").status, 202);
        QVERIFY(s.settle(1));
        s.f.fake.enqueue(FakeReply::text({"Summary: the user shared an allergy."}));
        s.f.fake.enqueue(FakeReply::text({R"([{"action":"add","content":"The user is allergic to peanuts","category":"fact","subject":"user","importance":9}])"}));
        const HttpResponse r = s.f.api->postJson(s.path("/compacting/run"), QJsonObject{});
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json().value("memoriesExtracted").toInt(), 1);
        const QJsonArray memories = s.f.api->get(s.path("/memories")).json().value("memories").toArray();
        QCOMPARE(memories.size(), 1);
        QCOMPARE(memories[0].toObject().value("content").toString(), QStringLiteral("The user is allergic to peanuts"));
        QCOMPARE(memories[0].toObject().value("sourceChannel").toString(), QStringLiteral("automatic"));
        // The extractor read the summarised batch.
        QVERIFY(historyOf(s.f.fake.chatRequests().last()).contains(QStringLiteral("[user] I am allergic to peanuts")));
    }

    void summariserFailureIsReportedAndTheQueueGoesOn()
    {
        Setup s(cfg(1, 0));
        s.f.fake.enqueue(FakeReply::text({"fine"}));
        s.f.fake.enqueue(FakeReply::httpError(400));
        QCOMPARE(s.f.send(s.kinId, "hello").status, 202);
        QVERIFY(s.sse->waitFor([&](const SseFrame &fr) { return isEvent(fr, "compacting:error", s.kinId); }, 10000));
        QVERIFY(s.settle(1));
        QCOMPARE(countOf(*s.sse, s.kinId, "compacting:done"), 0);
        QCOMPARE(s.summaries().size(), 0);
        const QJsonArray rows = s.messages();
        const QJsonObject last = rows.last().toObject();
        QCOMPARE(last.value("sourceType").toString(), QStringLiteral("compacting"));
        QVERIFY(!last.value("compactingError").toString().isEmpty());
        QCOMPARE(last.value("compactingError").toString(), eventsOf(*s.sse, s.kinId, "compacting:error").first().value("error").toString());

        // Not held: the next message is answered (and its history still has everything).
        s.f.fake.enqueue(FakeReply::text({"again"}));
        s.f.fake.enqueue(FakeReply::text({"SUMMARY"}));
        QCOMPARE(s.f.send(s.kinId, "still there?").status, 202);
        QVERIFY(s.settle(2));
        QVERIFY(historyOf(s.f.fake.chatRequests()[2]).contains("[ada] hello"));

        // A forced run that fails answers 500.
        const HttpResponse r = s.f.api->postJson(s.path("/compacting/run"), QJsonObject{});
        QCOMPARE(r.status, 422); // the earlier exchange was summarised already: nothing left
        s.f.fake.enqueue(FakeReply::text({"more"}));
        s.f.fake.enqueue(FakeReply::httpError(400)); // its automatic round fails
        QCOMPARE(s.f.send(s.kinId, "more").status, 202);
        QVERIFY(s.settle(3));
        s.f.fake.enqueue(FakeReply::httpError(400));
        const HttpResponse failed = s.f.api->postJson(s.path("/compacting/run"), QJsonObject{});
        QCOMPARE(failed.status, 500);
        QCOMPARE(failed.json().value("error").toObject().value("code").toString(), QStringLiteral("COMPACTING_FAILED"));
    }

    void oldSummariesAreMergedTelescopically()
    {
        Setup s(cfg(1, 0, 2));
        // All queued at once: each compaction holds the next turn, so the model sees turn, summary, turn, summary…
        s.f.fake.enqueue(FakeReply::text({"r1"}));
        s.f.fake.enqueue(FakeReply::text({"S-ONE"}));
        s.f.fake.enqueue(FakeReply::text({"r2"}));
        s.f.fake.enqueue(FakeReply::text({"S-TWO"}));
        s.f.fake.enqueue(FakeReply::text({"r3"}));
        s.f.fake.enqueue(FakeReply::text({"S-THREE"}));
        s.f.fake.enqueue(FakeReply::text({"MERGED-ONE-TWO"}));
        for (const char *m : {"m1", "m2", "m3"})
            QCOMPARE(s.f.send(s.kinId, m).status, 202);
        QVERIFY(s.settle(3, 20000));
        const QList<FakeRequest> chats = s.f.fake.chatRequests();
        QCOMPARE(chats.size(), 7);
        QCOMPARE(historyOf(chats[2]), QStringLiteral("[ada] m2"));
        QCOMPARE(historyOf(chats[4]), QStringLiteral("[ada] m3"));
        const QString mergeInput = historyOf(chats[6]);
        QVERIFY(mergeInput.contains("S-ONE"));
        QVERIFY(mergeInput.contains("S-TWO"));
        QVERIFY(!mergeInput.contains("S-THREE"));

        const QJsonArray sums = s.summaries(); // newest first: merged, S3, S2, S1
        QCOMPARE(sums.size(), 4);
        int active = 0;
        for (const QJsonValue &v : sums) {
            const QJsonObject o = v.toObject();
            active += o.value("isInContext").toBool();
            if (o.value("depth").toInt() == 1) {
                QVERIFY(o.value("isInContext").toBool());
                QCOMPARE(o.value("messageCount").toInt(), 4);
            }
        }
        QCOMPARE(active, 2);

        s.f.fake.enqueue(FakeReply::text({"r4"}));
        QCOMPARE(s.f.send(s.kinId, "m4").status, 202);
        QVERIFY(s.f.fake.waitForChatRequests(8));
        const QString system = systemOf(s.f.fake.chatRequests()[7]);
        QVERIFY(system.contains("[compressed]\nMERGED-ONE-TWO"));
        QVERIFY(system.contains("S-THREE"));
        QVERIFY(!system.contains("S-ONE"));
        QVERIFY(system.indexOf("MERGED-ONE-TWO") < system.indexOf("S-THREE")); // oldest first
        QVERIFY(s.settle(4));
    }

    void purgeAndRollbackRestoreSummarySets()
    {
        Setup s(cfg(1, 0));
        s.f.fake.enqueue(FakeReply::text({"r1"}));
        s.f.fake.enqueue(FakeReply::text({"S-ONE"}));
        s.f.fake.enqueue(FakeReply::text({"r2"}));
        s.f.fake.enqueue(FakeReply::text({"S-TWO"}));
        QCOMPARE(s.f.send(s.kinId, "m1").status, 202);
        QCOMPARE(s.f.send(s.kinId, "m2").status, 202);
        QVERIFY(s.settle(2));
        // No more automatic rounds from here.
        QCOMPARE(s.f.api->patchJson(s.path(""), {{"compactingConfig", cfg(100, 0)}}).status, 200);
        const QJsonArray sums = s.summaries();
        QCOMPARE(sums.size(), 2);
        const QString two = sums[0].toObject().value("id").toString();
        const QString one = sums[1].toObject().value("id").toString();

        HttpResponse r = s.f.api->postJson(s.path("/compacting/purge"), QJsonObject{});
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json().value("success").toBool(), true);
        for (const QJsonValue &v : s.summaries())
            QVERIFY(!v.toObject().value("isInContext").toBool());
        s.f.fake.enqueue(FakeReply::text({"r3"}));
        QCOMPARE(s.f.send(s.kinId, "m3").status, 202);
        QVERIFY(s.settle(3));
        FakeRequest last = s.f.fake.chatRequests().last();
        QVERIFY(!systemOf(last).contains("## Conversation history summaries"));
        QVERIFY(historyOf(last).contains("[ada] m1")); // back to the raw messages

        // Rolling back to the newest brings back the whole set it was part of.
        r = s.f.api->postJson(s.path("/compacting/rollback"), {{"summaryId", two}});
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json().value("success").toBool(), true);
        QCOMPARE(r.json().value("archivedCount").toInt(), 0);
        for (const QJsonValue &v : s.summaries())
            QVERIFY(v.toObject().value("isInContext").toBool());

        // To the oldest: the newer one is archived, the history resumes after the oldest.
        r = s.f.api->postJson(s.path("/compacting/rollback"), {{"summaryId", one}});
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json().value("archivedCount").toInt(), 1);
        s.f.fake.enqueue(FakeReply::text({"r4"}));
        QCOMPARE(s.f.send(s.kinId, "m4").status, 202);
        QVERIFY(s.settle(4));
        last = s.f.fake.chatRequests().last();
        QVERIFY(systemOf(last).contains("S-ONE"));
        QVERIFY(!systemOf(last).contains("S-TWO"));
        QVERIFY(!historyOf(last).contains("[ada] m1"));
        QVERIFY(historyOf(last).contains("[ada] m2"));

        r = s.f.api->postJson(s.path("/compacting/rollback"), QJsonObject{});
        QCOMPARE(r.status, 400);
        QCOMPARE(r.json().value("error").toObject().value("code").toString(), QStringLiteral("MISSING_PARAM"));
        r = s.f.api->postJson(s.path("/compacting/rollback"), {{"summaryId", "00000000-0000-0000-0000-000000000000"}});
        QCOMPARE(r.status, 404);
        QCOMPARE(r.json().value("error").toObject().value("code").toString(), QStringLiteral("SUMMARY_NOT_FOUND"));
        r = s.f.api->get(s.path("/compacting/snapshots"));
        QCOMPARE(r.status, 200);
        QVERIFY(r.json().value("snapshots").isArray());
    }

    void vaultSecretsNeverReachTheSummariser()
    {
        Setup s(cfg(1, 0));
        const QString secret = QStringLiteral("tok-9f8e7d6c5b4a-very-secret");
        QCOMPARE(s.f.api->postJson("/api/vault", {{"key", "SERVICE_TOKEN"}, {"value", secret}}).status, 201);
        s.f.fake.enqueue(FakeReply::text({"noted"}));
        s.f.fake.enqueue(FakeReply::text({"SUMMARY with ", secret}));
        QCOMPARE(s.f.send(s.kinId, "the service token is " + secret + " keep it").status, 202);
        QVERIFY(s.settle(1));
        const FakeRequest summariser = s.f.fake.chatRequests()[1];
        QVERIFY(!summariser.body.contains(secret.toUtf8()));
        QVERIFY(historyOf(summariser).contains("the service token is {{secret:SERVICE_TOKEN}} keep it"));
        // Nor is it stored in the summary, whatever the model wrote. (The event may still be on its way to the
        // test's SSE client when the service is already idle.)
        auto done = s.sse->waitFor([&](const SseFrame &fr) { return isEvent(fr, "compacting:done", s.kinId); }, 10000);
        QVERIFY(done);
        QVERIFY(!done->data.value("summary").toString().contains(secret));
    }

    void theQueueWaitsWhileCompacting()
    {
        Setup s(cfg(1, 0));
        s.f.fake.enqueue(FakeReply::text({"first answer"}));
        s.f.fake.enqueue(FakeReply::text({"SLOW ", "SUM", "MARY"}).chunkDelayMs(300));
        s.f.fake.enqueue(FakeReply::text({"second answer"}));
        QCOMPARE(s.f.send(s.kinId, "first").status, 202);
        QVERIFY(s.sse->waitFor([&](const SseFrame &fr) { return isEvent(fr, "compacting:start", s.kinId); }, 10000));
        QVERIFY(s.compacting());
        QCOMPARE(s.f.send(s.kinId, "second").status, 202);
        // Held: the model is asked nothing beyond the turn and the summary while the summary streams.
        QTest::qWait(200);
        QCOMPARE(s.f.fake.chatRequests().size(), 2);
        QVERIFY(s.sse->waitFor([&](const SseFrame &fr) { return isEvent(fr, "compacting:done", s.kinId); }, 10000));
        QVERIFY(s.settle(2));
        const QList<FakeRequest> chats = s.f.fake.chatRequests();
        QVERIFY(chats.size() >= 3);
        QCOMPARE(historyOf(chats[2]), QStringLiteral("[ada] second"));
        QVERIFY(systemOf(chats[2]).contains("SLOW SUMMARY"));
        // The second turn started after compacting:done.
        const QList<QJsonObject> ev = kinEvents(*s.sse, s.kinId);
        int doneAt = -1, secondStart = -1, starts = 0;
        for (int i = 0; i < ev.size(); ++i) {
            const QString t = ev[i].value("type").toString();
            if (t == "compacting:done" && doneAt < 0)
                doneAt = i;
            if (t == "queue:update" && ev[i].value("isProcessing").toBool() && ev[i].contains("processingStartedAt")
                && !ev[i].contains("contextTokens") && ++starts == 2)
                secondStart = i;
        }
        QVERIFY(doneAt >= 0);
        QVERIFY(secondStart > doneAt);
        QVERIFY(!s.compacting());
    }

    void smallContextWindowKeepsTheNewestMessages()
    {
        // A 20 000-token window, keep 10 % (2 000 tokens): the newest exchange stays verbatim, the older one is summarised.
        Setup s(cfg(1, 10), [](kinbot::ServerConfig &c) { c.contextWindow = 20000; });
        const QString longText = QString(6000, QChar('x')); // 1 500 tokens
        s.f.fake.enqueue(FakeReply::text({QString(2000, QChar('y'))})); // 500 tokens: with the newest two, past 2 000
        s.f.fake.enqueue(FakeReply::text({"a2"}));
        s.f.fake.enqueue(FakeReply::text({"S"}));
        s.f.fake.setDefaultReply(FakeReply::text({"later"}));
        QCOMPARE(s.f.api->patchJson(s.path(""), {{"compactingConfig", cfg(100, 10)}}).status, 200);
        QCOMPARE(s.f.send(s.kinId, "old " + longText).status, 202);
        QVERIFY(s.settle(1));
        QCOMPARE(s.f.api->patchJson(s.path(""), {{"compactingConfig", cfg(1, 10)}}).status, 200);
        QCOMPARE(s.f.send(s.kinId, "new " + longText).status, 202);
        QVERIFY(s.settle(2));
        const QJsonArray sums = s.summaries();
        QCOMPARE(sums.size(), 1);
        QCOMPARE(sums[0].toObject().value("messageCount").toInt(), 2); // "old …" and its answer; "new …" and "a2" kept
        QCOMPARE(s.f.fake.chatRequests().size(), 3);
        const QString transcript = historyOf(s.f.fake.chatRequests()[2]); // the summariser's input
        QVERIFY(transcript.contains("] ada: old x"));
        QVERIFY(!transcript.contains("new x"));
        QCOMPARE(s.f.server.platform().engine().contextWindow(), 20000);
        const QJsonObject usage = s.f.api->get(s.path("/context-usage")).json();
        QCOMPARE(usage.value("contextWindow").toInt(), 20000);
    }
};

QTEST_GUILESS_MAIN(TstCompacting)
#include "tst_compacting.moc"
