// Embeddings clients (four wire formats against FakeLlmServer: requests, answers, errors, retries, batching) and the
// vector index (cosine correctness vs a brute-force f32 reference, owner filter, update/remove, dimension checks, the
// AVX2 kernel against the portable one), plus the f32 BLOB helpers.
#include "FakeEmbeddings.h"
#include "FakeLlmServer.h"
#include "memory/EmbeddingClient.h"
#include "memory/EmbeddingWire.h"
#include "memory/VectorBlob.h"
#include "memory/VectorIndex.h"
#include "memory/VectorKernels.h"
#include "memory/VectorMath.h"

#include <QNetworkAccessManager>
#include <QRandomGenerator>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThreadPool>
#include <QtTest>

#include <algorithm>
#include <atomic>
#include <cmath>

using namespace kinbot;
using namespace kinbot::memory;
using namespace kinbot::test;

namespace {

EmbeddingLimits fastLimits()
{
    EmbeddingLimits l;
    l.timeoutMs = 5000;
    l.maxRetries = 2;
    l.initialBackoffMs = 10;
    l.maxBackoffMs = 40;
    return l;
}

Result<Embeddings> runEmbed(EmbeddingClient &client, const EmbeddingRequest &request, int waitMs = 10000)
{
    QObject context;
    std::optional<Result<Embeddings>> got;
    client.embed(request, &context, [&](Result<Embeddings> r) { got = std::move(r); });
    if (!QTest::qWaitFor([&] { return got.has_value(); }, waitMs))
        return ApiError::internal(QStringLiteral("embed() did not answer"));
    return *got;
}

EmbeddingRequest texts(const QStringList &t, EmbeddingPurpose purpose = EmbeddingPurpose::Document)
{
    EmbeddingRequest r;
    r.texts = t;
    r.purpose = purpose;
    return r;
}

quint16 closedPort()
{
    QTcpServer s;
    if (!s.listen(QHostAddress::LocalHost, 0))
        return 0;
    const quint16 port = s.serverPort();
    s.close();
    return port;
}

// Random data with structure: `clusters` random centres, each row = centre + noise (so neighbours are close but
// not trivially separated).
QList<QList<float>> clustered(int rows, int dims, int clusters, float noise, quint32 seed)
{
    QRandomGenerator rng(seed);
    auto gauss = [&] {
        const double u1 = qMax(1e-12, rng.generateDouble()), u2 = rng.generateDouble();
        return float(std::sqrt(-2 * std::log(u1)) * std::cos(2 * M_PI * u2));
    };
    QList<QList<float>> centres;
    for (int c = 0; c < clusters; ++c) {
        QList<float> v(dims);
        for (float &f : v)
            f = gauss();
        centres.append(v);
    }
    QList<QList<float>> out;
    for (int r = 0; r < rows; ++r) {
        QList<float> v = centres[r % clusters];
        for (float &f : v)
            f += noise * gauss();
        out.append(v);
    }
    return out;
}

// Exact top-k ids by f32 cosine.
QStringList bruteForce(const QList<QList<float>> &rows, const QList<float> &query, int k, const QSet<int> *allowed = nullptr)
{
    QList<std::pair<float, int>> scored;
    for (int i = 0; i < rows.size(); ++i)
        if (!allowed || allowed->contains(i))
            scored.append({cosine(rows[i], query), i});
    std::sort(scored.begin(), scored.end(), [](const auto &a, const auto &b) { return a.first > b.first; });
    QStringList ids;
    for (int i = 0; i < qMin(k, int(scored.size())); ++i)
        ids.append(QString::number(scored[i].second));
    return ids;
}

VectorQuery kBest(int k)
{
    VectorQuery q;
    q.k = k;
    return q;
}

QStringList idsOf(const QList<VectorHit> &hits)
{
    QStringList ids;
    for (const VectorHit &h : hits)
        ids.append(h.id);
    return ids;
}

} // namespace

class TstEmbeddings final : public QObject
{
    Q_OBJECT

    std::unique_ptr<QNetworkAccessManager> m_nam;
    std::unique_ptr<FakeLlmServer> m_fake;

    std::unique_ptr<EmbeddingClient> client(const QString &type, const QString &baseUrl, const QString &model = QStringLiteral("emb-model"),
                                            const EmbeddingLimits &limits = fastLimits())
    {
        llm::ProviderConfig cfg;
        cfg.type = type;
        cfg.apiKey = QStringLiteral("sk-test");
        cfg.baseUrl = baseUrl;
        return makeEmbeddingClient(*m_nam, cfg, model, limits);
    }

    void checkVectors(const Embeddings &e, const QStringList &inputs, int dims)
    {
        QCOMPARE(e.dimensions, dims);
        QCOMPARE(e.vectors.size(), inputs.size());
        for (int i = 0; i < inputs.size(); ++i) {
            const QList<float> expected = m_fake->embeddingFor(inputs[i], dims);
            QCOMPARE(e.vectors[i].size(), dims);
            for (int d = 0; d < dims; ++d)
                QVERIFY(std::fabs(e.vectors[i][d] - expected[d]) < 1e-6f);
        }
    }

private Q_SLOTS:
    void init()
    {
        m_nam = std::make_unique<QNetworkAccessManager>();
        m_fake = std::make_unique<FakeLlmServer>();
        QVERIFY(m_fake->listen());
    }

    void cleanup()
    {
        m_fake.reset();
        m_nam.reset();
    }

    // ---- wire formats ------------------------------------------------------------------------------------------

    void openAiStyle_data()
    {
        QTest::addColumn<QString>("type");
        for (const char *t : {"openai", "openrouter", "together", "fireworks", "mistral", "deepseek", "xai", "voyage", "jina",
                              "nomic", "lmstudio"})
            QTest::newRow(t) << QString::fromLatin1(t);
    }

    void openAiStyle()
    {
        QFETCH(QString, type);
        QVERIFY(supportsEmbeddings(type));
        auto c = client(type, m_fake->baseUrl(QStringLiteral("openai")) + QStringLiteral("/"));
        QVERIFY(c);
        QCOMPARE(c->model(), QStringLiteral("emb-model"));
        const QStringList inputs{QStringLiteral("The cat sat on the mat"), QStringLiteral("Dogs bark loudly")};
        const Result<Embeddings> r = runEmbed(*c, texts(inputs, EmbeddingPurpose::Query));
        QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error().message));
        checkVectors(r.value(), inputs, 64);
        QVERIFY(r->inputTokens > 0); // usage.prompt_tokens read

        const QList<FakeRequest> reqs = m_fake->embeddingRequests();
        QCOMPARE(reqs.size(), 1);
        const FakeRequest &req = reqs.first();
        QCOMPARE(req.method, QStringLiteral("POST"));
        QCOMPARE(req.path, QStringLiteral("/v1/embeddings"));
        QCOMPARE(req.style, QStringLiteral("openai"));
        QCOMPARE(req.headers.value("authorization"), QByteArray("Bearer sk-test"));
        QCOMPARE(req.json.value(QStringLiteral("model")).toString(), QStringLiteral("emb-model"));
        QCOMPARE(req.json.value(QStringLiteral("input")).toArray(), QJsonArray::fromStringList(inputs));
        QVERIFY(!req.json.contains(QStringLiteral("dimensions")));
        // Voyage distinguishes queries from documents; the others get no such field.
        if (type == QLatin1String("voyage"))
            QCOMPARE(req.json.value(QStringLiteral("input_type")).toString(), QStringLiteral("query"));
        else
            QVERIFY(!req.json.contains(QStringLiteral("input_type")));
        QVERIFY(req.embedding);
        QVERIFY(!req.chat);
        QVERIFY(m_fake->chatRequests().isEmpty());
        QCOMPARE(m_fake->requests().size(), 1);
    }

    void openAiOutOfOrderIndexes()
    {
        // A server that lists data entries out of order: the client follows `index`.
        m_fake->enqueueEmbeddingReply(FakeReply::raw(
            200, "{\"data\":[{\"index\":1,\"embedding\":[0,1]},{\"index\":0,\"embedding\":[1,0]}],\"model\":\"m\"}"));
        auto c = client(QStringLiteral("openai"), m_fake->baseUrl());
        const Result<Embeddings> r = runEmbed(*c, texts({QStringLiteral("a"), QStringLiteral("b")}));
        QVERIFY(r.ok());
        QCOMPARE(r->vectors[0], (QList<float>{1, 0}));
        QCOMPARE(r->vectors[1], (QList<float>{0, 1}));
        QCOMPARE(r->model, QStringLiteral("m"));
    }

    void ollamaNative()
    {
        // A base URL pasted with the OpenAI-compatible suffix still reaches the native endpoint.
        auto c = client(QStringLiteral("ollama"), m_fake->baseUrl(QStringLiteral("ollama")) + QStringLiteral("/v1"),
                        QStringLiteral("nomic-embed-text"));
        QVERIFY(c);
        m_fake->setEmbeddingDimensions(32);
        const QStringList inputs{QStringLiteral("remember the milk"), QStringLiteral("buy bread")};
        const Result<Embeddings> r = runEmbed(*c, texts(inputs));
        QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error().message));
        checkVectors(r.value(), inputs, 32);
        const FakeRequest req = m_fake->embeddingRequests().value(0);
        QCOMPARE(req.path, QStringLiteral("/api/embed"));
        QCOMPARE(req.style, QStringLiteral("ollama"));
        QCOMPARE(req.json.value(QStringLiteral("model")).toString(), QStringLiteral("nomic-embed-text"));
        QCOMPARE(req.json.value(QStringLiteral("input")).toArray(), QJsonArray::fromStringList(inputs));
        QCOMPARE(r->model, QStringLiteral("nomic-embed-text"));
    }

    void geminiBatch()
    {
        auto c = client(QStringLiteral("gemini"), m_fake->baseUrl(QStringLiteral("gemini")) + QStringLiteral("/v1beta"),
                        QStringLiteral("models/gemini-embedding-001"));
        QVERIFY(c);
        const QStringList inputs{QStringLiteral("alpha beta"), QStringLiteral("gamma delta"), QStringLiteral("alpha gamma")};
        const Result<Embeddings> r = runEmbed(*c, texts(inputs));
        QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error().message));
        checkVectors(r.value(), inputs, 64);
        const FakeRequest req = m_fake->embeddingRequests().value(0);
        QCOMPARE(req.path, QStringLiteral("/v1beta/models/gemini-embedding-001:batchEmbedContents"));
        QCOMPARE(req.model, QStringLiteral("gemini-embedding-001"));
        QCOMPARE(req.headers.value("x-goog-api-key"), QByteArray("sk-test"));
        QVERIFY(!req.headers.contains("authorization"));
        QVERIFY(!req.query.contains(QLatin1String("sk-test"))); // the key never goes into the URL
        const QJsonArray requests = req.json.value(QStringLiteral("requests")).toArray();
        QCOMPARE(requests.size(), 3);
        const QJsonObject first = requests.first().toObject();
        QCOMPARE(first.value(QStringLiteral("model")).toString(), QStringLiteral("models/gemini-embedding-001"));
        QCOMPARE(first.value(QStringLiteral("taskType")).toString(), QStringLiteral("RETRIEVAL_DOCUMENT"));
        QCOMPARE(req.inputs, inputs);
    }

    void cohereV2()
    {
        // The configured base of the cohere type is its OpenAI-compatible surface; embeddings use the native /v2/embed.
        auto c = client(QStringLiteral("cohere"), m_fake->baseUrl(QStringLiteral("cohere")) + QStringLiteral("/compatibility/v1"),
                        QStringLiteral("embed-v4.0"));
        QVERIFY(c);
        const QStringList inputs{QStringLiteral("what does Alice like")};
        const Result<Embeddings> r = runEmbed(*c, texts(inputs, EmbeddingPurpose::Query));
        QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error().message));
        checkVectors(r.value(), inputs, 64);
        QVERIFY(r->inputTokens > 0); // meta.billed_units.input_tokens
        const FakeRequest req = m_fake->embeddingRequests().value(0);
        QCOMPARE(req.path, QStringLiteral("/v2/embed"));
        QCOMPARE(req.headers.value("authorization"), QByteArray("Bearer sk-test"));
        QCOMPARE(req.json.value(QStringLiteral("model")).toString(), QStringLiteral("embed-v4.0"));
        QCOMPARE(req.json.value(QStringLiteral("texts")).toArray(), QJsonArray::fromStringList(inputs));
        QCOMPARE(req.json.value(QStringLiteral("input_type")).toString(), QStringLiteral("search_query"));
        QCOMPARE(req.json.value(QStringLiteral("embedding_types")).toArray(), QJsonArray{QStringLiteral("float")});
    }

    void requestedDimensions_data()
    {
        QTest::addColumn<QString>("type");
        QTest::addColumn<QString>("style");
        QTest::newRow("openai") << "openai" << "openai";
        QTest::newRow("gemini") << "gemini" << "gemini";
        QTest::newRow("cohere") << "cohere" << "cohere";
        QTest::newRow("ollama") << "ollama" << "ollama";
    }

    void requestedDimensions()
    {
        QFETCH(QString, type);
        QFETCH(QString, style);
        auto c = client(type, m_fake->baseUrl(style));
        EmbeddingRequest req = texts({QStringLiteral("short vectors please")});
        req.dimensions = 16;
        const Result<Embeddings> r = runEmbed(*c, req);
        QVERIFY(r.ok());
        QCOMPARE(r->dimensions, 16);
        QCOMPARE(fakeembed::requestedDimensions(style, m_fake->embeddingRequests().value(0).json), 16);
    }

    void factoryAndDefaults()
    {
        for (const char *t : {"anthropic", "groq", "perplexity", "nope"}) {
            QVERIFY2(!supportsEmbeddings(QString::fromLatin1(t)), t);
            QVERIFY2(!client(QString::fromLatin1(t), m_fake->baseUrl()), t);
        }
        QCOMPARE(defaultEmbeddingModel(QStringLiteral("openai")), QStringLiteral("text-embedding-3-small"));
        // No model configured: the type's default; no base URL: the type's default (embedding-only types included).
        llm::ProviderConfig cfg;
        cfg.type = QStringLiteral("voyage");
        auto c = makeEmbeddingClient(*m_nam, cfg);
        QVERIFY(c);
        QCOMPARE(c->model(), QStringLiteral("voyage-3"));
        QCOMPARE(c->providerType(), QStringLiteral("voyage"));
        QCOMPARE(embeddingRoot(EmbeddingStyle::Cohere, QStringLiteral("https://api.cohere.ai/compatibility/v1/")),
                 QStringLiteral("https://api.cohere.ai"));
        QCOMPARE(embeddingRoot(EmbeddingStyle::Gemini, QStringLiteral("https://x/v1beta")), QStringLiteral("https://x"));
        QCOMPARE(embeddingRoot(EmbeddingStyle::OpenAi, QStringLiteral("https://x/v1//")), QStringLiteral("https://x/v1"));
    }

    void batchesSplitInOrder()
    {
        EmbeddingLimits limits = fastLimits();
        limits.maxBatch = 2;
        auto c = client(QStringLiteral("openai"), m_fake->baseUrl(), QStringLiteral("m"), limits);
        QStringList inputs;
        for (int i = 0; i < 5; ++i)
            inputs.append(QStringLiteral("note number %1 about topic%1").arg(i));
        const Result<Embeddings> r = runEmbed(*c, texts(inputs));
        QVERIFY(r.ok());
        checkVectors(r.value(), inputs, 64);
        const QList<FakeRequest> reqs = m_fake->embeddingRequests();
        QCOMPARE(reqs.size(), 3);
        QCOMPARE(reqs[0].inputs, inputs.mid(0, 2));
        QCOMPARE(reqs[1].inputs, inputs.mid(2, 2));
        QCOMPARE(reqs[2].inputs, inputs.mid(4, 1));
    }

    void overrideAndMeaning()
    {
        m_fake->setEmbedding(QStringLiteral("pinned"), {0.5f, 0.5f, 0.5f, 0.5f});
        auto c = client(QStringLiteral("openai"), m_fake->baseUrl());
        const Result<Embeddings> pinned = runEmbed(*c, texts({QStringLiteral("pinned")}));
        QVERIFY(pinned.ok());
        QCOMPARE(pinned->vectors[0], (QList<float>{0.5f, 0.5f, 0.5f, 0.5f}));

        // Texts sharing words are closer than unrelated ones: later tests can recall by meaning.
        m_fake->setEmbeddingDimensions(256);
        const Result<Embeddings> r = runEmbed(*c, texts({QStringLiteral("Alice loves green tea in the morning"),
                                                         QStringLiteral("What tea does Alice love?"),
                                                         QStringLiteral("The quarterly budget review was postponed")}));
        QVERIFY(r.ok());
        const float related = cosine(r->vectors[0], r->vectors[1]);
        const float unrelated = cosine(r->vectors[0], r->vectors[2]);
        QVERIFY2(related > 0.5f, qPrintable(QString::number(related)));
        QVERIFY2(unrelated < 0.2f, qPrintable(QString::number(unrelated)));
        QCOMPARE(fakeembed::stems(QStringLiteral("Remembering the cats")), (QStringList{"remember", "cat"}));
        QCOMPARE(fakeembed::embedding(QStringLiteral("x y"), 8), fakeembed::embedding(QStringLiteral("x y"), 8));
    }

    // ---- errors ------------------------------------------------------------------------------------------------

    void authErrorNotRetried()
    {
        m_fake->enqueueEmbeddingReply(FakeReply::httpError(401));
        auto c = client(QStringLiteral("openai"), m_fake->baseUrl());
        const Result<Embeddings> r = runEmbed(*c, texts({QStringLiteral("x")}));
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, QStringLiteral("PROVIDER_AUTH_FAILED"));
        QVERIFY2(r.error().message.contains(QLatin1String("401")), qPrintable(r.error().message));
        QCOMPARE(m_fake->embeddingRequests().size(), 1);
    }

    void serverErrorRetriedThenFails()
    {
        for (int i = 0; i < 3; ++i)
            m_fake->enqueueEmbeddingReply(FakeReply::httpError(500));
        auto c = client(QStringLiteral("cohere"), m_fake->baseUrl(QStringLiteral("cohere")));
        const Result<Embeddings> r = runEmbed(*c, texts({QStringLiteral("x")}));
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, QStringLiteral("PROVIDER_ERROR"));
        QVERIFY2(r.error().message.contains(QLatin1String("Fake provider error 500")), qPrintable(r.error().message));
        QCOMPARE(m_fake->embeddingRequests().size(), 3); // 1 + maxRetries
    }

    void serverErrorThenSuccess()
    {
        m_fake->enqueueEmbeddingReply(FakeReply::httpError(503));
        m_fake->enqueueEmbeddingReply(FakeReply::httpError(429, {}, 0));
        auto c = client(QStringLiteral("gemini"), m_fake->baseUrl(QStringLiteral("gemini")));
        const Result<Embeddings> r = runEmbed(*c, texts({QStringLiteral("retry me")}));
        QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error().message));
        checkVectors(r.value(), {QStringLiteral("retry me")}, 64);
        QCOMPARE(m_fake->embeddingRequests().size(), 3);
    }

    void malformedAnswers_data()
    {
        QTest::addColumn<QString>("type");
        QTest::addColumn<QString>("style");
        QTest::addColumn<QByteArray>("body");
        QTest::newRow("openai not json") << "openai" << "openai" << QByteArray("<html>oops</html>");
        QTest::newRow("openai no data") << "openai" << "openai" << QByteArray("{\"object\":\"list\"}");
        QTest::newRow("openai count mismatch") << "openai" << "openai"
                                               << QByteArray("{\"data\":[{\"index\":0,\"embedding\":[1,2]}]}");
        QTest::newRow("openai ragged") << "openai" << "openai"
                                       << QByteArray("{\"data\":[{\"embedding\":[1,2]},{\"embedding\":[1,2,3]}]}");
        QTest::newRow("openai not numeric") << "openai" << "openai"
                                            << QByteArray("{\"data\":[{\"embedding\":[1,\"x\"]},{\"embedding\":[1,2]}]}");
        QTest::newRow("ollama count mismatch") << "ollama" << "ollama" << QByteArray("{\"embeddings\":[[1,2],[3,4],[5,6]]}");
        QTest::newRow("gemini empty values") << "gemini" << "gemini"
                                             << QByteArray("{\"embeddings\":[{\"values\":[]},{\"values\":[1]}]}");
        QTest::newRow("cohere wrong shape") << "cohere" << "cohere" << QByteArray("{\"embeddings\":[[1,2],[3,4]]}");
    }

    void malformedAnswers()
    {
        QFETCH(QString, type);
        QFETCH(QString, style);
        QFETCH(QByteArray, body);
        m_fake->enqueueEmbeddingReply(FakeReply::raw(200, body));
        auto c = client(type, m_fake->baseUrl(style));
        const Result<Embeddings> r = runEmbed(*c, texts({QStringLiteral("one"), QStringLiteral("two")}));
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, QStringLiteral("PROVIDER_BAD_RESPONSE"));
        QCOMPARE(m_fake->embeddingRequests().size(), 1); // a bad answer is not retried
    }

    void unreachableAndTimeout()
    {
        EmbeddingLimits limits = fastLimits();
        limits.maxRetries = 0;
        auto refused = client(QStringLiteral("openai"), QStringLiteral("http://127.0.0.1:%1/v1").arg(closedPort()), QStringLiteral("m"), limits);
        Result<Embeddings> r = runEmbed(*refused, texts({QStringLiteral("x")}));
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, QStringLiteral("PROVIDER_UNREACHABLE"));

        // A server that accepts the connection and never answers.
        QTcpServer silent;
        QVERIFY(silent.listen(QHostAddress::LocalHost, 0));
        limits.timeoutMs = 300;
        auto hanging = client(QStringLiteral("openai"), QStringLiteral("http://127.0.0.1:%1/v1").arg(silent.serverPort()),
                              QStringLiteral("m"), limits);
        QElapsedTimer t;
        t.start();
        r = runEmbed(*hanging, texts({QStringLiteral("x")}));
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, QStringLiteral("PROVIDER_TIMEOUT"));
        QVERIFY2(t.elapsed() < 3000, qPrintable(QString::number(t.elapsed())));
    }

    void emptyInputs()
    {
        auto c = client(QStringLiteral("openai"), m_fake->baseUrl());
        Result<Embeddings> r = runEmbed(*c, texts({}));
        QVERIFY(r.ok());
        QVERIFY(r->vectors.isEmpty());
        r = runEmbed(*c, texts({QStringLiteral("fine"), QStringLiteral("  ")}));
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, QStringLiteral("VALIDATION_ERROR"));
        QCOMPARE(m_fake->requests().size(), 0);
    }

    void contextGoneNoCallback()
    {
        auto c = client(QStringLiteral("openai"), m_fake->baseUrl());
        bool called = false;
        {
            QObject context;
            c->embed(texts({QStringLiteral("x")}), &context, [&](Result<Embeddings>) { called = true; });
            c.reset(); // the client may go away too
        }
        QTest::qWait(200);
        QVERIFY(!called);
    }

    // ---- BLOBs and math ----------------------------------------------------------------------------------------

    void blobRoundTrip()
    {
        const QList<float> v{1.0f, -2.5f, 0.0f, 3.25e-7f};
        const QByteArray blob = packVector(v);
        QCOMPARE(blob.size(), 16);
        QCOMPARE(blob.left(4), QByteArray::fromHex("0000803f")); // 1.0f little-endian
        const Result<QList<float>> back = unpackVector(blob, 4);
        QVERIFY(back.ok());
        QCOMPARE(back.value(), v);
        QCOMPARE(unpackVector(blob.left(7)).error().code, QStringLiteral("INVALID_VECTOR_BLOB"));
        QCOMPARE(unpackVector(QByteArray()).error().code, QStringLiteral("INVALID_VECTOR_BLOB"));
        QCOMPARE(unpackVector(blob, 3).error().code, QStringLiteral("INVALID_VECTOR_BLOB"));
    }

    void quantizationIsClose()
    {
        QList<float> a = clustered(1, 1536, 1, 0.0f, 7).first();
        QList<float> b = clustered(1, 1536, 1, 0.0f, 8).first();
        for (int i = 0; i < 768; ++i)
            b[i] = a[i]; // half shared: cosine ≈ 0.5
        normalize(a);
        normalize(b);
        std::vector<int8_t> qa(1536), qb(1536);
        const float sa = quantizeInt8(a.constData(), 1536, qa.data(), 1536);
        const float sb = quantizeInt8(b.constData(), 1536, qb.data(), 1536);
        int32_t d = 0;
        kernels::dotRowsPortable(qa.data(), 1, 1536, qb.data(), nullptr, &d);
        QVERIFY(std::fabs(d * sa * sb - cosine(a, b)) < 5e-3f);
        QVERIFY(*std::min_element(qa.begin(), qa.end()) >= -127);
    }

    // ---- vector index ------------------------------------------------------------------------------------------

    void recallAgainstBruteForce()
    {
        const int dims = 384, rows = 4000;
        const QList<QList<float>> data = clustered(rows, dims, 40, 0.6f, 1);
        VectorIndex index;
        for (int i = 0; i < rows; ++i)
            QVERIFY(index.upsert(QString::number(i), QStringLiteral("kin"), data[i]).ok());
        QCOMPARE(index.size(), rows);
        QCOMPARE(index.dimensions(), dims);

        const QList<QList<float>> queries = clustered(30, dims, 40, 0.7f, 2);
        int exactFound = 0, approxFound = 0, exactCalls = 0;
        for (const QList<float> &q : queries) {
            const QStringList truth = bruteForce(data, q, 10);
            VectorQuery params;
            params.exact = [&](const QStringList &ids) {
                ++exactCalls;
                QHash<QString, QList<float>> out;
                for (const QString &id : ids)
                    out.insert(id, data[id.toInt()]);
                return out;
            };
            const Result<QList<VectorHit>> reranked = index.search(q, params);
            QVERIFY(reranked.ok());
            QCOMPARE(reranked->size(), 10);
            for (const VectorHit &h : reranked.value()) {
                exactFound += truth.contains(h.id);
                QVERIFY(std::fabs(h.score - cosine(data[h.id.toInt()], q)) < 1e-5f); // exact cosine after re-rank
            }
            for (int i = 1; i < reranked->size(); ++i)
                QVERIFY(reranked->at(i - 1).score >= reranked->at(i).score);
            const Result<QList<VectorHit>> approx = index.search(q, VectorQuery{});
            QVERIFY(approx.ok());
            for (const VectorHit &h : approx.value()) {
                approxFound += truth.contains(h.id);
                QVERIFY(std::fabs(h.score - cosine(data[h.id.toInt()], q)) < 1e-2f); // int8 estimate
            }
        }
        QCOMPARE(exactCalls, queries.size());
        const double recall = exactFound / (10.0 * queries.size());
        const double recallApprox = approxFound / (10.0 * queries.size());
        qInfo("recall@10: %.3f with re-rank, %.3f from the int8 scan alone", recall, recallApprox);
        QVERIFY2(recall >= 0.95, qPrintable(QString::number(recall)));
        QVERIFY2(recallApprox >= 0.85, qPrintable(QString::number(recallApprox)));
    }

    void wellSeparatedExactIds()
    {
        // Orthogonal-ish rows; each query is a noisy copy of one row → that row first, with its true cosine.
        const int dims = 256;
        const QList<QList<float>> data = clustered(200, dims, 200, 0.0f, 3);
        VectorIndex index;
        for (int i = 0; i < data.size(); ++i)
            QVERIFY(index.upsert(QString::number(i), QStringLiteral("k"), data[i]).ok());
        const QList<QList<float>> noise = clustered(200, dims, 200, 0.0f, 4);
        for (int i = 0; i < data.size(); ++i) {
            QList<float> q = data[i];
            for (int d = 0; d < dims; ++d)
                q[d] = 3.0f * q[d] + 0.3f * noise[i][d]; // scaled: cosine ignores the length
            VectorQuery params;
            params.k = 3;
            const Result<QList<VectorHit>> hits = index.search(q, params);
            QVERIFY(hits.ok());
            QCOMPARE(hits->first().id, QString::number(i));
            QVERIFY(std::fabs(hits->first().score - cosine(data[i], q)) < 1e-2f);
            QVERIFY(hits->first().score > 0.9f);
            QVERIFY(hits->at(1).score < 0.3f);
        }
    }

    void minScoreAndK()
    {
        const QList<QList<float>> data = clustered(300, 64, 3, 0.3f, 5);
        VectorIndex index;
        for (int i = 0; i < data.size(); ++i)
            QVERIFY(index.upsert(QString::number(i), QStringLiteral("k"), data[i]).ok());
        VectorQuery params;
        params.k = 1000;
        params.minScore = 0.7f;
        const Result<QList<VectorHit>> hits = index.search(data[0], params);
        QVERIFY(hits.ok());
        QVERIFY(!hits->isEmpty());
        QVERIFY(hits->size() < 300);
        for (const VectorHit &h : hits.value())
            QVERIFY(h.score >= 0.7f);
        // Everything the brute force puts clearly above the threshold is there (candidates grow with k).
        int above = 0;
        for (const QList<float> &row : data)
            above += cosine(row, data[0]) >= 0.72f;
        QVERIFY2(hits->size() >= above, qPrintable(QStringLiteral("%1 < %2").arg(hits->size()).arg(above)));
        params.k = 0;
        QVERIFY(index.search(data[0], params)->isEmpty());
    }

    void ownerFilter()
    {
        const QList<QList<float>> data = clustered(90, 48, 1, 0.5f, 6);
        VectorIndex index;
        QSet<int> ofA, ofAOrShared;
        for (int i = 0; i < data.size(); ++i) {
            const QString owner = i % 3 == 0 ? QStringLiteral("A") : (i % 3 == 1 ? QStringLiteral("B") : QStringLiteral("C"));
            const bool shared = i % 3 == 1 && i % 2 == 0; // some of B's are shared
            QVERIFY(index.upsert(QString::number(i), owner, data[i], shared).ok());
            if (owner == QLatin1String("A"))
                ofA.insert(i);
            if (owner == QLatin1String("A") || shared)
                ofAOrShared.insert(i);
        }
        VectorQuery params;
        params.k = 100;
        params.owners = QSet<QString>{QStringLiteral("A")};
        QList<VectorHit> hits = index.search(data[1], params).value();
        QCOMPARE(hits.size(), ofA.size());
        for (const VectorHit &h : hits)
            QVERIFY(ofA.contains(h.id.toInt()));

        params.includeShared = true;
        params.k = 5;
        params.exact = [&](const QStringList &ids) { // exact scores: the ranking must equal the brute force's
            QHash<QString, QList<float>> out;
            for (const QString &id : ids)
                out.insert(id, data[id.toInt()]);
            return out;
        };
        hits = index.search(data[1], params).value();
        QCOMPARE(idsOf(hits), bruteForce(data, data[1], 5, &ofAOrShared));

        params.owners = QSet<QString>{QStringLiteral("nobody")};
        params.includeShared = false;
        QVERIFY(index.search(data[1], params)->isEmpty());
        params.owners = QSet<QString>{};
        QVERIFY(index.search(data[1], params)->isEmpty());

        // Scope changes without re-embedding.
        QVERIFY(index.setOwner(QStringLiteral("1"), QStringLiteral("A"), false));
        params.owners = QSet<QString>{QStringLiteral("A")};
        params.k = 1;
        QCOMPARE(index.search(data[1], params)->first().id, QStringLiteral("1"));
        QVERIFY(!index.setOwner(QStringLiteral("missing"), QStringLiteral("A"), false));
    }

    void updateAndRemove()
    {
        const QList<QList<float>> data = clustered(2500, 32, 2500, 0.0f, 9); // > 2 blocks
        VectorIndex index;
        for (int i = 0; i < data.size(); ++i)
            QVERIFY(index.upsert(QString::number(i), QStringLiteral("k"), data[i]).ok());
        VectorQuery one;
        one.k = 1;

        // Update: the id now answers to its new vector, and no longer to the old one.
        QVERIFY(index.upsert(QStringLiteral("7"), QStringLiteral("k"), data[8]).ok());
        QCOMPARE(index.size(), 2500);
        QCOMPARE(index.search(data[7], one)->first().id == QStringLiteral("7"), false);
        const QStringList twins = idsOf(index.search(data[8], kBest(2)).value());
        QCOMPARE(QSet<QString>(twins.cbegin(), twins.cend()), (QSet<QString>{"7", "8"}));

        // Remove from the middle and the end; every remaining row is still found by its own vector.
        QVERIFY(index.remove(QStringLiteral("100")));
        QVERIFY(index.remove(QStringLiteral("2499")));
        QVERIFY(!index.remove(QStringLiteral("100")));
        QCOMPARE(index.size(), 2498);
        QVERIFY(!index.contains(QStringLiteral("100")));
        for (int i = 0; i < data.size(); i += 7) {
            if (i == 7 || i == 8 || i == 100 || i == 2499)
                continue;
            QCOMPARE(index.search(data[i], one)->first().id, QString::number(i));
        }
        QVERIFY(index.search(data[100], one)->first().id != QStringLiteral("100"));
        for (int i = 1024; i < 2499; ++i)
            QVERIFY(index.remove(QString::number(i)));
        QCOMPARE(index.size(), 1023);
        QCOMPARE(index.search(data[1000], one)->first().id, QStringLiteral("1000"));
        QVERIFY(index.memoryBytes() > 1023 * 32);
    }

    void dimensionChecks()
    {
        VectorIndex index;
        QCOMPARE(index.dimensions(), 0);
        QVERIFY(index.search({1, 2, 3})->isEmpty()); // empty index: nothing, whatever the length
        QVERIFY(index.upsert(QStringLiteral("a"), QStringLiteral("k"), {1, 0, 0}).ok());
        QCOMPARE(index.dimensions(), 3);
        Status s = index.upsert(QStringLiteral("b"), QStringLiteral("k"), {1, 0});
        QVERIFY(!s.ok());
        QCOMPARE(s.error().code, QStringLiteral("EMBEDDING_DIMENSION_MISMATCH"));
        QCOMPARE(s.error().kind, ErrorKind::Unprocessable);
        const Result<QList<VectorHit>> r = index.search({1, 0, 0, 0});
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, QStringLiteral("EMBEDDING_DIMENSION_MISMATCH"));
        QCOMPARE(index.upsert(QStringLiteral("z"), QStringLiteral("k"), {0, 0, 0}).error().code, QStringLiteral("INVALID_VECTOR"));
        QCOMPARE(index.upsert(QStringLiteral("n"), QStringLiteral("k"), {NAN, 0, 1}).error().code, QStringLiteral("INVALID_VECTOR"));
        QCOMPARE(index.search({0, 0, 0}).error().code, QStringLiteral("INVALID_VECTOR"));
        QCOMPARE(index.upsert(QString(), QStringLiteral("k"), {1, 0, 0}).error().code, QStringLiteral("VALIDATION_ERROR"));
        QCOMPARE(index.size(), 1);
        // clear() forgets the dimension (a new embedding model), a fixed one stays.
        index.clear();
        QCOMPARE(index.size(), 0);
        QVERIFY(index.upsert(QStringLiteral("b"), QStringLiteral("k"), {1, 0}).ok());
        QCOMPARE(index.dimensions(), 2);
        VectorIndex fixed(VectorIndexOptions{4});
        QCOMPARE(fixed.upsert(QStringLiteral("a"), QStringLiteral("k"), {1, 0}).error().code, QStringLiteral("EMBEDDING_DIMENSION_MISMATCH"));
        fixed.clear();
        QCOMPARE(fixed.dimensions(), 4);
    }

    void simdAndPortableAgree()
    {
        VectorIndexOptions simdOptions;
        VectorIndexOptions portableOptions;
        portableOptions.allowSimd = false;
        VectorIndex simd(simdOptions), portable(portableOptions);
        QCOMPARE(portable.kernel(), QStringLiteral("portable"));
        if (kernels::avx2Available())
            QCOMPARE(simd.kernel(), QStringLiteral("avx2"));
        else
            qWarning("no AVX2 on this CPU: both indexes use the portable kernel");

        const int dims = 1000; // not a multiple of 32: the zero-padded tail is exercised
        const QList<QList<float>> data = clustered(3000, dims, 30, 0.8f, 10);
        for (int i = 0; i < data.size(); ++i) {
            const QString owner = i % 2 ? QStringLiteral("odd") : QStringLiteral("even");
            QVERIFY(simd.upsert(QString::number(i), owner, data[i]).ok());
            QVERIFY(portable.upsert(QString::number(i), owner, data[i]).ok());
        }
        const QList<QList<float>> queries = clustered(10, dims, 30, 0.8f, 11);
        for (const QList<float> &q : queries) {
            VectorQuery params;
            params.k = 20;
            for (int filtered = 0; filtered < 2; ++filtered) {
                if (filtered)
                    params.owners = QSet<QString>{QStringLiteral("odd")};
                const QList<VectorHit> a = simd.search(q, params).value();
                const QList<VectorHit> b = portable.search(q, params).value();
                QCOMPARE(idsOf(a), idsOf(b));
                for (int i = 0; i < a.size(); ++i)
                    QCOMPARE(a[i].score, b[i].score); // the same integer dot products
            }
        }
    }

    void parallelScanAgrees()
    {
        VectorIndexOptions one, two;
        one.threads = 1;
        two.threads = 2;
        two.parallelMinRows = 1;
        VectorIndex serial(one), parallel(two);
        const QList<QList<float>> data = clustered(5000, 128, 50, 0.7f, 12);
        for (int i = 0; i < data.size(); ++i) {
            QVERIFY(serial.upsert(QString::number(i), QStringLiteral("k"), data[i]).ok());
            QVERIFY(parallel.upsert(QString::number(i), QStringLiteral("k"), data[i]).ok());
        }
        for (const QList<float> &q : clustered(10, 128, 50, 0.7f, 13)) {
            VectorQuery params;
            params.k = 15;
            QCOMPARE(idsOf(parallel.search(q, params).value()), idsOf(serial.search(q, params).value()));
        }
    }

    void concurrentSearchesWhileWriting()
    {
        VectorIndex index;
        const QList<QList<float>> data = clustered(3000, 64, 3000, 0.0f, 14);
        for (int i = 0; i < 1500; ++i)
            QVERIFY(index.upsert(QString::number(i), QStringLiteral("k"), data[i]).ok());
        QThreadPool pool;
        pool.setMaxThreadCount(3);
        std::atomic<int> wrong{0}, done{0};
        for (int t = 0; t < 3; ++t) {
            pool.start([&, t] {
                for (int i = t; i < 1500; i += 3) {
                    VectorQuery params;
                    params.k = 1;
                    const Result<QList<VectorHit>> r = index.search(data[i], params);
                    if (!r.ok() || r->isEmpty() || r->first().id != QString::number(i))
                        ++wrong;
                }
                ++done;
            });
        }
        for (int i = 1500; i < 3000; ++i) // writes from this thread meanwhile (new rows only: earlier answers stay valid)
            QVERIFY(index.upsert(QString::number(i), QStringLiteral("k"), data[i]).ok());
        pool.waitForDone();
        QCOMPARE(done.load(), 3);
        QCOMPARE(wrong.load(), 0);
        QCOMPARE(index.size(), 3000);
    }
};

QTEST_GUILESS_MAIN(TstEmbeddings)
#include "tst_embeddings.moc"
