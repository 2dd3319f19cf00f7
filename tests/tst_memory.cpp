// Memories over real HTTP: CRUD and events, hybrid recall (by meaning through the fake embeddings, by keyword through
// FTS5), re-embedding after a model change, the prompt block and the Kin tools.
#include "KinFixture.h"

#include "memory/MemoryExtraction.h"
#include "memory/MemoryMaintenance.h"
#include "memory/MemoryRanking.h"
#include "memory/MemoryService.h"

using namespace kinbot::test;

namespace {

struct MemoryFixture : KinFixture
{
    QString kinId;
    QByteArray base;
    explicit MemoryFixture(bool withProvider = true)
    {
        kinId = addKin(QStringLiteral("Keeper"), withProvider ? addProvider() : QString()).value("id").toString();
        base = "/api/kins/" + kinId.toUtf8() + "/memories";
    }
    QJsonObject remember(const QString &content, const QString &category = QStringLiteral("fact"), const QString &subject = {},
                         const QString &scope = QStringLiteral("private"))
    {
        QJsonObject body{{"content", content}, {"category", category}, {"scope", scope}};
        if (!subject.isEmpty())
            body.insert("subject", subject);
        const HttpResponse r = api->postJson(base, body);
        if (r.status != 201)
            qWarning() << r.status << r.body;
        return r.json().value("memory").toObject();
    }
    // Waits until every memory of the Kin has its vector.
    bool allEmbedded()
    {
        for (int i = 0; i < 200; ++i) {
            bool all = true;
            const QJsonArray list = api->get(base).json().value("memories").toArray();
            for (const QJsonValue &m : list)
                all = all && m.toObject().value("hasEmbedding").toBool();
            if (all && !list.isEmpty())
                return true;
            QTest::qWait(20);
        }
        return false;
    }
    QStringList search(const QString &q)
    {
        QStringList contents;
        const HttpResponse r = api->get(base + "/search?q=" + QUrl::toPercentEncoding(q));
        if (r.status != 200)
            qWarning() << r.status << r.body;
        for (const QJsonValue &m : r.json().value("memories").toArray())
            contents << m.toObject().value("content").toString();
        return contents;
    }
};

} // namespace

class TstMemory final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void crudWithEventsAndValidation()
    {
        MemoryFixture f;
        auto sse = f.openSse();
        const QJsonObject m = f.remember(QStringLiteral("The user keeps honeybees"), QStringLiteral("fact"), QStringLiteral("user"));
        QCOMPARE(m.value("category").toString(), QStringLiteral("fact"));
        QCOMPARE(m.value("sourceChannel").toString(), QStringLiteral("explicit"));
        const QString id = m.value("id").toString();
        QVERIFY(sse->waitFor([&](const SseFrame &fr) { return isEvent(fr, QStringLiteral("memory:created"), f.kinId); }));

        const HttpResponse patched = f.api->patchJson(f.base + "/" + id.toUtf8(), {{"content", "The user keeps three hives of honeybees"}, {"scope", "shared"}});
        QCOMPARE(patched.status, 200);
        QCOMPARE(patched.json().value("memory").toObject().value("scope").toString(), QStringLiteral("shared"));
        QVERIFY(sse->waitFor([&](const SseFrame &fr) { return isEvent(fr, QStringLiteral("memory:updated"), f.kinId); }));

        // Validation and ownership.
        QCOMPARE(f.api->postJson(f.base, {{"content", ""}, {"category", "fact"}}).errorCode(), QStringLiteral("INVALID_INPUT"));
        QCOMPARE(f.api->postJson(f.base, {{"content", "x"}, {"category", "gossip"}}).errorCode(), QStringLiteral("INVALID_INPUT"));
        QCOMPARE(f.api->postJson(f.base, {{"content", "x"}, {"category", "fact"}, {"importance", 11}}).status, 400);
        QCOMPARE(f.api->patchJson(f.base + "/nope", {{"content", "y"}}).errorCode(), QStringLiteral("MEMORY_NOT_FOUND"));
        const QString other = f.addKin(QStringLiteral("Other"), QString()).value("id").toString();
        QCOMPARE(f.api->del("/api/kins/" + other.toUtf8() + "/memories/" + id.toUtf8()).status, 404);
        QCOMPARE(f.api->get(f.base + "?category=gossip").status, 400);

        // Lists: per Kin and global, with filters.
        f.remember(QStringLiteral("Prefers tea over coffee"), QStringLiteral("preference"), QStringLiteral("user"));
        QCOMPARE(f.api->get(f.base).json().value("memories").toArray().size(), 2);
        QCOMPARE(f.api->get(f.base + "?category=preference").json().value("memories").toArray().size(), 1);
        QCOMPARE(f.api->get("/api/memories?scope=shared").json().value("memories").toArray().size(), 1);
        QCOMPARE(f.api->get("/api/memories?kinId=" + f.kinId.toUtf8() + "&limit=1").json().value("memories").toArray().size(), 1);

        QCOMPARE(f.api->del(f.base + "/" + id.toUtf8()).json().value("success").toBool(), true);
        QVERIFY(sse->waitFor([&](const SseFrame &fr) { return isEvent(fr, QStringLiteral("memory:deleted"), f.kinId); }));
        QCOMPARE(f.api->get(f.base).json().value("memories").toArray().size(), 1);
    }

    void recallByMeaningAndByKeyword()
    {
        MemoryFixture f;
        f.remember(QStringLiteral("The user loves the garden behind the house"), QStringLiteral("preference"), QStringLiteral("user"));
        f.remember(QStringLiteral("The server runs Debian twelve"), QStringLiteral("fact"), QStringLiteral("infra"));
        f.remember(QStringLiteral("We decided to paint the fence blue"), QStringLiteral("decision"));
        QVERIFY(f.allEmbedded());
        QVERIFY(f.server.platform().memories().index().size() == 3);
        // By meaning: "gardening" shares the garden stem in the embedding space, but no FTS term matches it.
        const QStringList byMeaning = f.search(QStringLiteral("gardening"));
        QVERIFY2(!byMeaning.isEmpty() && byMeaning.first().contains(QStringLiteral("garden")), qPrintable(byMeaning.join('|')));
        QVERIFY(!byMeaning.contains(QStringLiteral("The server runs Debian twelve")));
        // By keyword.
        const QStringList byKeyword = f.search(QStringLiteral("Debian"));
        QCOMPARE(byKeyword.value(0), QStringLiteral("The server runs Debian twelve"));
        QCOMPARE(f.api->get(f.base + "/search?q=").status, 400);
    }

    void withoutEmbeddingsSearchIsFullText()
    {
        MemoryFixture f(false);
        f.remember(QStringLiteral("The user loves the garden behind the house"), QStringLiteral("preference"));
        QTest::qWait(100);
        QCOMPARE(f.api->get(f.base).json().value("memories").toArray()[0].toObject().value("hasEmbedding").toBool(), false);
        QCOMPARE(f.search(QStringLiteral("garden")).size(), 1);
        QVERIFY(f.search(QStringLiteral("gardening")).isEmpty());
        QCOMPARE(f.api->postJson("/api/memories/reembed", {}).errorCode(), QStringLiteral("NO_EMBEDDING_PROVIDER"));
    }

    void reembedAfterAModelChange()
    {
        MemoryFixture f;
        for (int i = 0; i < 40; ++i)
            f.remember(QStringLiteral("Note number %1 about the garden").arg(i));
        QVERIFY(f.allEmbedded());
        QCOMPARE(f.server.platform().memories().index().size(), 40);
        // Another embeddings model: the old vectors are another space, so the index starts empty.
        QCOMPARE(f.api->putJson("/api/settings/embedding-model", {{"model", "fake-embed-large"}}).status, 200);
        QCOMPARE(f.server.platform().memories().index().size(), 0);
        auto sse = f.openSse();
        const HttpResponse r = f.api->postJson("/api/memories/reembed", {{"kinId", f.kinId}});
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json().value("total").toInt(), 40);
        QCOMPARE(r.json().value("success").toInt(), 40);
        QCOMPARE(r.json().value("failed").toInt(), 0);
        QCOMPARE(f.server.platform().memories().index().size(), 40);
        int progress = 0;
        for (const SseFrame &fr : sse->frames())
            progress += isEvent(fr, QStringLiteral("memory:reembed-progress")) ? 1 : 0;
        QVERIFY(progress >= 2); // per batch, and the end
        bool usedNewModel = false;
        for (const FakeRequest &req : f.fake.requests())
            usedNewModel = usedNewModel || (req.embedding && req.model == QStringLiteral("fake-embed-large"));
        QVERIFY(usedNewModel);
        QVERIFY(!f.search(QStringLiteral("gardening")).isEmpty());
    }

    void memoriesReachThePrompt()
    {
        MemoryFixture f;
        const QString id = f.remember(QStringLiteral("The user loves the garden behind the house"), QStringLiteral("preference"),
                                      QStringLiteral("user")).value("id").toString();
        f.remember(QStringLiteral("The server runs Debian twelve"), QStringLiteral("fact"), QStringLiteral("infra"));
        QVERIFY(f.allEmbedded());
        QCOMPARE(f.send(f.kinId, QStringLiteral("does the user love gardening?")).status, 202);
        QVERIFY(f.fake.waitForChatRequests(1));
        const QString system = f.fake.chatRequests()[0].json.value("messages").toArray()[0].toObject().value("content").toString();
        QVERIFY2(system.contains(QStringLiteral("## Memories")), qPrintable(system.left(300)));
        QVERIFY(system.contains(QStringLiteral("[preference] The user loves the garden behind the house")));
        QVERIFY(!system.contains(QStringLiteral("The server runs")));
        QTRY_COMPARE(messagesOf(*f.api, f.kinId).size(), 2);
        QCOMPARE(messagesOf(*f.api, f.kinId)[1].toObject().value("injectedMemories").toArray(), QJsonArray({id}));
        const QJsonArray all = f.api->get("/api/memories").json().value("memories").toArray();
        for (const QJsonValue &m : all)
            if (m.toObject().value("id").toString() == id)
                QCOMPARE(m.toObject().value("retrievalCount").toInt(), 1);
    }

    void theMemoryBlockHasATokenBudget()
    {
        KinFixture f([](kinbot::ServerConfig &c) { c.memoryTokenBudget = 30; });
        const QString kinId = f.addKin(QStringLiteral("Keeper"), f.addProvider()).value("id").toString();
        for (const char *text : {"The user loves the garden behind the house", "The user grows tomatoes in the garden",
                                 "The garden has a small pond"})
            QCOMPARE(f.api->postJson("/api/kins/" + kinId.toUtf8() + "/memories", {{"content", text}, {"category", "fact"}}).status, 201);
        QTRY_COMPARE(f.server.platform().memories().index().size(), 3);
        QCOMPARE(f.send(kinId, QStringLiteral("tell me about the garden")).status, 202);
        QVERIFY(f.fake.waitForChatRequests(1));
        const QString system = f.fake.chatRequests()[0].json.value("messages").toArray()[0].toObject().value("content").toString();
        QVERIFY(system.contains(QStringLiteral("## Memories")));
        QCOMPARE(system.count(QStringLiteral("[fact] ")), 1); // 30 tokens hold one line
    }

    void kinTools()
    {
        MemoryFixture f;
        auto sse = f.openSse();
        QJsonObject r = f.runTool(QStringLiteral("memorize"), f.kinId,
                                  {{"content", "The user's dog is called Pixel"}, {"category", "fact"}, {"subject", "user"}, {"importance", 8}});
        QVERIFY2(r.value("success").toBool(), qPrintable(QString::fromUtf8(QJsonDocument(r).toJson())));
        const QString id = r.value("memoryId").toString();
        QVERIFY(sse->waitFor([&](const SseFrame &fr) { return isEvent(fr, QStringLiteral("memory:created"), f.kinId); }));
        QVERIFY(f.runTool(QStringLiteral("memorize"), f.kinId, {{"content", "x"}, {"category", "rumour"}}).contains("error"));
        QVERIFY(f.allEmbedded());

        r = f.runTool(QStringLiteral("recall"), f.kinId, {{"query", "dog"}});
        QCOMPARE(r.value("memories").toArray().size(), 1);
        QCOMPARE(r.value("memories").toArray()[0].toObject().value("importance").toDouble(), 8.0);

        // Another Kin cannot change it, and sees it only once shared.
        const QString other = f.addKin(QStringLiteral("Other"), QString()).value("id").toString();
        QVERIFY(f.runTool(QStringLiteral("forget"), other, {{"memory_id", id}}).contains("error"));
        QCOMPARE(f.runTool(QStringLiteral("list_memories"), other, {{"scope", "shared"}}).value("count").toInt(), 0);
        QVERIFY(f.runTool(QStringLiteral("update_memory"), f.kinId, {{"memory_id", id}, {"scope", "shared"}}).value("success").toBool());
        QCOMPARE(f.runTool(QStringLiteral("list_memories"), other, {{"scope", "shared"}}).value("count").toInt(), 1);
        r = f.runTool(QStringLiteral("recall"), other, {{"query", "Pixel"}});
        QCOMPARE(r.value("memories").toArray().size(), 1);
        QCOMPARE(r.value("memories").toArray()[0].toObject().value("authorKinName").toString(), QStringLiteral("Keeper"));

        QVERIFY(f.runTool(QStringLiteral("forget"), f.kinId, {{"memory_id", id}}).value("success").toBool());
        QCOMPARE(f.runTool(QStringLiteral("list_memories"), f.kinId, {}).value("count").toInt(), 0);

        // search_history finds words of the conversation.
        QCOMPARE(f.send(f.kinId, QStringLiteral("the password for the shed is in the blue notebook")).status, 202);
        QVERIFY(f.fake.waitForChatRequests(1));
        QTRY_COMPARE(messagesOf(*f.api, f.kinId).size(), 2);
        r = f.runTool(QStringLiteral("search_history"), f.kinId, {{"query", "notebook"}});
        QCOMPARE(r.value("count").toInt(), 1);
        QVERIFY(r.value("results").toArray()[0].toObject().value("content").toString().contains(QStringLiteral("blue notebook")));
        // Quick sessions get read-only memory.
        const auto *memorize = f.server.platform().tools().find(QStringLiteral("memorize"));
        QVERIFY(memorize && !memorize->quickSession);
        QVERIFY(f.server.platform().tools().find(QStringLiteral("recall"))->quickSession);
    }

    void extractionAfterTurns()
    {
        MemoryFixture f;
        QCOMPARE(f.api->get("/api/settings/memory-extraction").json().value("memoryExtraction").toString(), QStringLiteral("compaction"));
        QCOMPARE(f.api->putJson("/api/settings/memory-extraction", {{"memoryExtraction", "sometimes"}}).status, 400);
        QCOMPARE(f.api->putJson("/api/settings/memory-extraction", {{"memoryExtraction", "turns"}}).status, 200);
        const QString existing = f.remember(QStringLiteral("The user lives in Lyon"), QStringLiteral("fact"), QStringLiteral("user")).value("id").toString();
        QVERIFY(f.allEmbedded());

        // The turn's answer, then the extractor's: one update of memory [0], one new memory, one already known.
        f.fake.enqueue(FakeReply::text({"Congratulations on the move!"}));
        f.fake.enqueue(FakeReply::text({"Here you go:\n```json\n[{\"action\":\"update\",\"updateIndex\":0,\"content\":\"The user lives in Paris since 2026\","
                                        "\"category\":\"fact\",\"subject\":\"user\",\"importance\":7},"
                                        "{\"action\":\"add\",\"content\":\"The user has a cat named Miso\",\"category\":\"fact\","
                                        "\"subject\":\"user\",\"importance\":6,\"sourceContext\":\"Said while talking about the move\"},"
                                        "{\"action\":\"add\",\"content\":\"The user lives in Paris since 2026\",\"category\":\"fact\"}]\n```"}));
        QSignalSpy extracted(&f.server.platform().memoryExtractor(), &kinbot::memory::MemoryExtractor::extracted);
        QCOMPARE(f.send(f.kinId, QStringLiteral("I moved to Paris with Miso my cat")).status, 202);
        QVERIFY(extracted.wait(5000));
        QCOMPARE(extracted.first().at(1).toInt(), 2);
        // The extractor saw the existing memories by index and the exchange.
        const QJsonObject req = f.fake.chatRequests().last().json;
        const QString prompt = QString::fromUtf8(QJsonDocument(req).toJson());
        QVERIFY(prompt.contains(QStringLiteral("[0] [fact] The user lives in Lyon (user)")));
        QVERIFY(prompt.contains(QStringLiteral("I moved to Paris with Miso my cat")));

        const QJsonArray list = f.api->get(f.base).json().value("memories").toArray();
        QCOMPARE(list.size(), 2);
        bool updated = false, added = false;
        for (const QJsonValue &v : list) {
            const QJsonObject m = v.toObject();
            if (m.value("id").toString() == existing)
                updated = m.value("content").toString() == QStringLiteral("The user lives in Paris since 2026") && m.value("importance").toDouble() == 7;
            else
                added = m.value("content").toString() == QStringLiteral("The user has a cat named Miso")
                        && m.value("sourceChannel").toString() == QStringLiteral("automatic")
                        && m.value("sourceContext").toString() == QStringLiteral("Said while talking about the move")
                        && !m.value("sourceMessageId").toString().isEmpty();
        }
        QVERIFY(updated);
        QVERIFY(added);

        // A reply that is not JSON changes nothing; the conversation goes on.
        QVERIFY(f.allEmbedded());
        f.fake.enqueue(FakeReply::text({"ok"}));
        f.fake.enqueue(FakeReply::text({"I cannot do that"}));
        QCOMPARE(f.send(f.kinId, QStringLiteral("thanks")).status, 202);
        QVERIFY(f.fake.waitForChatRequests(4));
        QTest::qWait(200);
        QCOMPARE(f.api->get(f.base).json().value("memories").toArray().size(), 2);
    }

    void maintenance()
    {
        MemoryFixture f;
        // Consolidation: two memories of the same meaning become one, of the next generation.
        const QString a = f.remember(QStringLiteral("The user likes green tea"), QStringLiteral("preference"), QStringLiteral("user")).value("id").toString();
        const QString b = f.remember(QStringLiteral("The user likes green tea a lot"), QStringLiteral("preference"), QStringLiteral("user")).value("id").toString();
        f.remember(QStringLiteral("The server runs Debian twelve"), QStringLiteral("fact"), QStringLiteral("infra"));
        QVERIFY(f.allEmbedded());
        QCOMPARE(f.api->postJson("/api/memories/consolidate", {}).errorCode(), QStringLiteral("INVALID_INPUT"));
        f.fake.enqueue(FakeReply::text({R"({"content":"The user loves green tea","category":"preference","subject":"user","importance":6})"}));
        const HttpResponse c = f.api->postJson("/api/memories/consolidate", {{"kinId", f.kinId}});
        QCOMPARE(c.status, 200);
        QCOMPARE(c.json().value("removed").toInt(), 2);
        const QJsonArray after = f.api->get(f.base).json().value("memories").toArray();
        QCOMPARE(after.size(), 2);
        QJsonObject merged;
        for (const QJsonValue &v : after)
            if (v.toObject().value("content").toString() == QStringLiteral("The user loves green tea"))
                merged = v.toObject();
        QCOMPARE(merged.value("consolidationGeneration").toInt(), 1);
        QCOMPARE(QSet<QString>({merged.value("consolidatedFromIds").toArray()[0].toString(), merged.value("consolidatedFromIds").toArray()[1].toString()}),
                 QSet<QString>({a, b}));
        QCOMPARE(f.fake.chatRequests().size(), 1); // the unrelated memory was never sent

        // Backfill: memories without importance get one from the model.
        f.fake.enqueue(FakeReply::text({R"([{"index":0,"importance":8}])"}));
        const HttpResponse bf = f.api->postJson("/api/memories/backfill-importance", {{"kinId", f.kinId}});
        QCOMPARE(bf.status, 200);
        QCOMPARE(bf.json().value("updated").toInt(), 1);
        QCOMPARE(bf.json().value("skipped").toInt(), 0);

        // review_memories returns the model's audit.
        f.fake.enqueue(FakeReply::text({R"({"issues":[{"type":"stale","memoryIds":["x"],"description":"old","suggestion":"delete"}],"summary":"one issue"})"}));
        const QJsonObject review = f.runTool(QStringLiteral("review_memories"), f.kinId, {});
        QCOMPARE(review.value("summary").toString(), QStringLiteral("one issue"));
        QCOMPARE(review.value("issues").toArray().size(), 1);

        // Recalibration and pruning with time: a never-used trivial memory goes, a much-used one gains importance.
        QJsonObject trivial = f.api->postJson(f.base, {{"content", "The user once had toast"}, {"category", "fact"}, {"importance", 2}}).json().value("memory").toObject();
        QJsonObject used = f.api->postJson(f.base, {{"content", "The user is a nurse"}, {"category", "fact"}, {"importance", 5}}).json().value("memory").toObject();
        for (int i = 0; i < 30; ++i)
            f.server.platform().memories().store().noteRetrieved({used.value("id").toString()});
        f.server.clock().advanceDays(10);
        auto upkeep = f.server.platform().memoryMaintenance().recalibrateAndPrune(f.kinId);
        QVERIFY(upkeep.ok());
        QCOMPARE(upkeep->pruned, 0);
        // (read from the store: ten days on, the test's session cookie has expired)
        auto &store = f.server.platform().memories().store();
        const double importance = store.find(used.value("id").toString()).value()->importance.value_or(0);
        QCOMPARE(importance, 5.5); // 30 retrievals in 10 days: far above the expected one per ten days
        f.server.clock().advanceDays(90);
        upkeep = f.server.platform().memoryMaintenance().recalibrateAndPrune(f.kinId);
        QCOMPARE(upkeep->pruned, 1);
        QVERIFY(!store.find(trivial.value("id").toString()).value().has_value());
        QVERIFY(store.find(used.value("id").toString()).value().has_value());
    }

    void embeddingOnlyProviderTypes()
    {
        MemoryFixture f(false);
        // Voyage (OpenAI-style embeddings): tested by embedding a word, then used for the memories.
        const HttpResponse r = f.api->postJson("/api/providers", {{"name", "Voyage"}, {"type", "voyage"},
                                                                  {"config", QJsonObject{{"apiKey", "pa-test-123456"}, {"baseUrl", f.fake.baseUrl()}}}});
        QCOMPARE(r.status, 201);
        const QJsonObject provider = r.json().value("provider").toObject();
        QCOMPARE(provider.value("isValid").toBool(), true);
        QCOMPARE(provider.value("capabilities").toArray(), QJsonArray({"embedding"}));
        QVERIFY(!f.fake.embeddingRequests().isEmpty());
        QCOMPARE(f.server.platform().embeddings().target()->model, QStringLiteral("voyage-3"));
        f.remember(QStringLiteral("The user loves the garden behind the house"), QStringLiteral("preference"));
        QVERIFY(f.allEmbedded());
        QCOMPARE(f.search(QStringLiteral("gardening")).size(), 1);
        // An embeddings-only type is no chat provider.
        QVERIFY(!f.server.platform().providers().resolveLlm(QStringLiteral("voyage-3"), provider.value("id").toString()).ok());
        // …so no Kin can be made to talk through it.
        const HttpResponse kin = f.api->postJson("/api/kins", {{"name", "Mute"}, {"role", "r"}, {"model", "voyage-3"},
                                                                {"providerId", provider.value("id").toString()}});
        QCOMPARE(kin.status, 400);
        QCOMPARE(kin.json().value("error").toObject().value("code").toString(), QStringLiteral("INVALID_PROVIDER"));
        QCOMPARE(f.api->patchJson("/api/kins/" + f.kinId.toUtf8(), {{"providerId", provider.value("id").toString()}}).status, 400);
    }

    void rankingRules()
    {
        using namespace kinbot::memory;
        QCOMPARE(detectIntent(QStringLiteral("What does Ada like to eat?")), Intent::Preference);
        QCOMPARE(detectIntent(QStringLiteral("qu'est-ce qu'on a décidé ?")), Intent::Decision);
        QCOMPARE(detectIntent(QStringLiteral("how to reset the router")), Intent::Knowledge);
        QCOMPARE(detectIntent(QStringLiteral("where is the car")), Intent::None);
        const qint64 now = 100LL * 86400000;
        MemoryRecord fresh;
        fresh.category = QStringLiteral("decision");
        fresh.createdAt = fresh.updatedAt = now - 3600000;
        MemoryRecord old = fresh;
        old.createdAt = old.updatedAt = now - 90LL * 86400000;
        QVERIFY(boostFactor(fresh, {}, Intent::None, now) > boostFactor(old, {}, Intent::None, now));
        MemoryRecord important = old;
        important.importance = 9;
        QVERIFY(boostFactor(important, {}, Intent::None, now) > boostFactor(old, {}, Intent::None, now));
        MemoryRecord about = old;
        about.subject = QStringLiteral("Ada");
        QCOMPARE(boostFactor(about, QStringLiteral("tell me about ada"), Intent::None, now), boostFactor(old, {}, Intent::None, now) * 1.3);
        QCOMPARE(boostFactor(old, {}, Intent::Decision, now), boostFactor(old, {}, Intent::None, now) * 1.25);
        // Adaptive K cuts at the big gap.
        QList<ScoredMemory> list;
        for (double s : {1.0, 0.95, 0.9, 0.2, 0.19})
            list.append({MemoryRecord{}, s, {}});
        QCOMPARE(adaptiveCut(list).size(), 3);
        // The block: flat for few, grouped by subject for many.
        QList<ScoredMemory> few{{MemoryRecord{}, 1.0, {}}};
        few[0].memory.content = QStringLiteral("Likes tea");
        few[0].memory.category = QStringLiteral("preference");
        few[0].memory.importance = 8;
        few[0].memory.updatedAt = now - 3 * 86400000LL;
        QVERIFY(renderMemoryBlock(few, now).contains(QStringLiteral("- ★ ⬤ [preference] Likes tea — 3d ago")));
        QList<ScoredMemory> many;
        for (int i = 0; i < 5; ++i) {
            ScoredMemory s{MemoryRecord{}, 1.0 - i * 0.1, {}};
            s.memory.content = QStringLiteral("Item %1").arg(i);
            s.memory.category = QStringLiteral("fact");
            s.memory.subject = i < 3 ? QStringLiteral("garden") : QStringLiteral("car");
            s.memory.updatedAt = now;
            many << s;
        }
        const QString block = renderMemoryBlock(many, now);
        QVERIFY(block.indexOf(QStringLiteral("### garden")) < block.indexOf(QStringLiteral("### car")));
        // A token budget keeps the best lines only (at least one).
        QVERIFY(renderMemoryBlock(many, now, 10).count(QStringLiteral("Item ")) == 1);
    }
};

QTEST_GUILESS_MAIN(TstMemory)
#include "tst_memory.moc"
