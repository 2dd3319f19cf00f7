// The LLM clients against FakeLlmServer on loopback: streaming, tool calls, request shapes, retries, time limits,
// cancellation and model lists, per wire (OpenAI-compatible, Anthropic, Gemini, Ollama).
#include "ChatStreamRecorder.h"
#include "FakeLlmServer.h"
#include "llm/ClientSettings.h"
#include "llm/LlmClient.h"
#include "llm/LlmErrors.h"
#include "llm/LocalProviderProbe.h"
#include "llm/OpenAiClient.h"

#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QTcpServer>
#include <QtTest>

using namespace kinbot;
using namespace kinbot::llm;
using namespace kinbot::test;

namespace {

ClientLimits fastLimits()
{
    ClientLimits l;
    l.maxRetries = 2;
    l.initialBackoffMs = 10;
    l.maxBackoffMs = 50;
    l.firstByteTimeoutMs = 5000;
    l.idleTimeoutMs = 5000;
    return l;
}

ChatRequest simpleRequest(const QString &model = QStringLiteral("gpt-4o"))
{
    ChatRequest r;
    r.model = model;
    r.system = QStringLiteral("You are a test.");
    ChatMessage m;
    m.content = QStringLiteral("Hello?");
    r.messages.append(m);
    return r;
}

// A conversation that already went through one tool round: user → assistant(tool call) → tool result.
ChatRequest toolRoundRequest(const QString &model)
{
    ChatRequest r = simpleRequest(model);
    r.messages.first().content = QStringLiteral("Weather in Paris?");
    ToolSpec spec;
    spec.name = QStringLiteral("get_weather");
    spec.description = QStringLiteral("Weather for a city");
    spec.parameters = QJsonDocument::fromJson(R"({"type":"object","properties":{"city":{"type":"string"}},"required":["city"]})").object();
    r.tools.append(spec);
    ChatMessage assistant;
    assistant.role = ChatMessage::Role::Assistant;
    assistant.content = QStringLiteral("Checking.");
    ToolCall call;
    call.id = QStringLiteral("call_abc");
    call.name = QStringLiteral("get_weather");
    call.args = QJsonObject{{QStringLiteral("city"), QStringLiteral("Paris")}};
    assistant.toolCalls.append(call);
    r.messages.append(assistant);
    ChatMessage result;
    result.role = ChatMessage::Role::Tool;
    result.toolCallId = QStringLiteral("call_abc");
    result.toolName = QStringLiteral("get_weather");
    result.content = QStringLiteral("{\"temp\":21}");
    r.messages.append(result);
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

} // namespace

class TstLlmClients final : public QObject
{
    Q_OBJECT

    std::unique_ptr<QNetworkAccessManager> m_nam;
    std::unique_ptr<FakeLlmServer> m_fake;

    std::unique_ptr<LlmClient> client(const QString &type, const ClientLimits &limits = fastLimits(),
                                      const QString &apiKey = QStringLiteral("sk-test"))
    {
        const ProviderType *t = findProviderType(type);
        if (!t)
            return nullptr;
        ProviderConfig cfg;
        cfg.type = type;
        cfg.apiKey = apiKey;
        cfg.baseUrl = m_fake->baseUrl(t->apiStyle);
        return makeClient(*m_nam, cfg, limits);
    }

    static QString modelFor(const QString &type)
    {
        if (type == QLatin1String("anthropic"))
            return QStringLiteral("claude-sonnet-4");
        if (type == QLatin1String("gemini"))
            return QStringLiteral("gemini-2.0-flash");
        if (type == QLatin1String("ollama"))
            return QStringLiteral("llama3.2");
        return QStringLiteral("gpt-4o");
    }

    // listModels, waited for; fails the test (empty list) on error.
    QList<ModelInfo> listOk(LlmClient &c)
    {
        QObject context;
        std::optional<Result<QList<ModelInfo>>> got;
        c.listModels(&context, [&](Result<QList<ModelInfo>> r) { got = std::move(r); });
        if (!QTest::qWaitFor([&] { return got.has_value(); }, 5000)) {
            qWarning("listModels did not answer");
            return {};
        }
        if (!got->ok()) {
            qWarning("listModels failed: %s", qPrintable(got->error().message));
            return {};
        }
        return got->value();
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

    // ---- provider table and factory ----------------------------------------------------------------------------

    void providerTypesTable()
    {
        const QStringList expected{"openai", "anthropic", "gemini", "ollama", "lmstudio", "openrouter", "deepseek", "groq",
                                   "together", "fireworks", "mistral", "xai", "perplexity", "cohere", "voyage", "jina", "nomic"};
        QStringList types;
        for (const ProviderType &t : providerTypes()) {
            types.append(t.type);
            QVERIFY2(!t.displayName.isEmpty(), qPrintable(t.type));
            // Every type chats, except the embeddings-only ones (which have no chat client).
            QVERIFY2(t.capabilities.contains(QStringLiteral("llm")) != (t.apiStyle == QLatin1String("embeddings")), qPrintable(t.type));
            QVERIFY2(t.capabilities.contains(QStringLiteral("llm")) == bool(makeClient(*m_nam, {t.type, QStringLiteral("k"), {}})),
                     qPrintable(t.type));
            QVERIFY2(t.defaultBaseUrl.startsWith(QLatin1String("http")), qPrintable(t.type));
            QVERIFY2(t.noApiKey || t.apiKeyUrl.startsWith(QLatin1String("https://")), qPrintable(t.type));
        }
        QCOMPARE(types, expected);

        const ProviderType *openai = findProviderType(QStringLiteral("openai"));
        QVERIFY(openai);
        QCOMPARE(openai->capabilities, (QStringList{"llm", "embedding", "image"}));
        QCOMPARE(openai->defaultBaseUrl, QStringLiteral("https://api.openai.com/v1"));
        QCOMPARE(openai->apiStyle, QStringLiteral("openai"));
        const ProviderType *ollama = findProviderType(QStringLiteral("ollama"));
        QVERIFY(ollama && ollama->noApiKey);
        QCOMPARE(ollama->apiStyle, QStringLiteral("ollama"));
        QCOMPARE(ollama->defaultBaseUrl, QStringLiteral("http://localhost:11434"));
        QCOMPARE(findProviderType(QStringLiteral("lmstudio"))->defaultBaseUrl, QStringLiteral("http://localhost:1234/v1"));
        QCOMPARE(findProviderType(QStringLiteral("anthropic"))->apiStyle, QStringLiteral("anthropic"));
        QCOMPARE(findProviderType(QStringLiteral("gemini"))->capabilities, (QStringList{"llm", "image", "embedding"}));
        QCOMPARE(findProviderType(QStringLiteral("perplexity"))->capabilities, (QStringList{"llm", "search"}));
        QCOMPARE(findProviderType(QStringLiteral("cohere"))->capabilities, (QStringList{"llm", "embedding", "rerank"}));
        QCOMPARE(findProviderType(QStringLiteral("cohere"))->defaultBaseUrl, QStringLiteral("https://api.cohere.ai/compatibility/v1"));
        QCOMPARE(findProviderType(QStringLiteral("groq"))->defaultBaseUrl, QStringLiteral("https://api.groq.com/openai/v1"));
        QVERIFY(!findProviderType(QStringLiteral("nope")));
    }

    void makeClientResolvesDefaults()
    {
        ProviderConfig cfg;
        cfg.type = QStringLiteral("groq");
        QVERIFY(makeClient(*m_nam, cfg) != nullptr);
        cfg.type = QStringLiteral("lmstudio");
        QVERIFY(makeClient(*m_nam, cfg) != nullptr);
        cfg.type = QStringLiteral("unknown-type");
        QVERIFY(makeClient(*m_nam, cfg) == nullptr);

        const ClientSettings s = resolveClientSettings(*findProviderType(QStringLiteral("deepseek")),
                                                       {QStringLiteral("deepseek"), QStringLiteral(" key "), QString()}, fastLimits());
        QCOMPARE(s.baseUrl, QStringLiteral("https://api.deepseek.com/v1"));
        QCOMPARE(s.apiKey, QStringLiteral("key"));
        QCOMPARE(s.type, QStringLiteral("deepseek"));

        // A custom base URL with a trailing slash is used as given, without the slash.
        m_fake->enqueue(FakeReply::text({QStringLiteral("hi")}));
        cfg.type = QStringLiteral("openai");
        cfg.baseUrl = m_fake->baseUrl() + QStringLiteral("/");
        auto c = makeClient(*m_nam, cfg, fastLimits());
        QVERIFY(c);
        QObject owner;
        ChatStreamRecorder rec(c->streamChat(simpleRequest(), &owner));
        QVERIFY(rec.wait());
        QCOMPARE(rec.finishedCount, 1);
        QCOMPARE(m_fake->chatRequests().first().path, QStringLiteral("/v1/chat/completions"));
    }

    // ---- OpenAI-compatible --------------------------------------------------------------------------------------

    void openAiStreamsTextInOrder()
    {
        m_fake->enqueue(FakeReply::text({QStringLiteral("Hel"), QStringLiteral("lo"), QStringLiteral(" wörld")}).usage(12, 3));
        auto c = client(QStringLiteral("openai"));
        QObject owner;
        ChatStreamRecorder rec(c->streamChat(simpleRequest(), &owner));
        QVERIFY(rec.wait());
        QCOMPARE(rec.failedCount, 0);
        QCOMPARE(rec.texts, (QStringList{"Hel", "lo", QStringLiteral(" wörld")}));
        QCOMPARE(rec.result->text, QStringLiteral("Hello wörld"));
        QCOMPARE(rec.result->finishReason, QStringLiteral("stop"));
        QCOMPARE(rec.result->usage.inputTokens, 12);
        QCOMPARE(rec.result->usage.outputTokens, 3);
        QVERIFY(rec.result->toolCalls.isEmpty());
        QCOMPARE(rec.events.last(), QStringLiteral("finished"));
        QTest::qWait(50);
        QCOMPARE(rec.finishedCount, 1); // exactly once
        QCOMPARE(m_fake->chatRequests().size(), 1);
    }

    void openAiToolCallsStreamedInFragments()
    {
        m_fake->enqueue(FakeReply::toolCalls({{QStringLiteral("call_1"), QStringLiteral("get_weather"), R"({"city":"Paris","days":3})"},
                                              {QStringLiteral("call_2"), QStringLiteral("get_time"), R"({"tz":"Europe/Paris"})"}},
                                             {QStringLiteral("Let me check.")}));
        auto c = client(QStringLiteral("openai"));
        QObject owner;
        ChatStreamRecorder rec(c->streamChat(toolRoundRequest(QStringLiteral("gpt-4o")), &owner));
        QVERIFY(rec.wait());
        QCOMPARE(rec.failedCount, 0);
        QCOMPARE(rec.started.size(), 2);
        QCOMPARE(rec.started.at(0), qMakePair(QStringLiteral("call_1"), QStringLiteral("get_weather")));
        QCOMPARE(rec.started.at(1), qMakePair(QStringLiteral("call_2"), QStringLiteral("get_time")));
        QCOMPARE(rec.ready.size(), 2);
        QCOMPARE(rec.ready.at(0).id, QStringLiteral("call_1"));
        QCOMPARE(rec.ready.at(0).args.value(QStringLiteral("city")).toString(), QStringLiteral("Paris"));
        QCOMPARE(rec.ready.at(0).args.value(QStringLiteral("days")).toInt(), 3);
        QVERIFY(rec.ready.at(0).argsError.isEmpty());
        QCOMPARE(rec.ready.at(1).args.value(QStringLiteral("tz")).toString(), QStringLiteral("Europe/Paris"));
        // started precedes ready for each call; text came first.
        QCOMPARE(rec.events.first(), QStringLiteral("text"));
        QVERIFY(rec.events.indexOf(QStringLiteral("started")) < rec.events.indexOf(QStringLiteral("ready")));
        QCOMPARE(rec.result->finishReason, QStringLiteral("tool_calls"));
        QCOMPARE(rec.result->text, QStringLiteral("Let me check."));
        QCOMPARE(rec.result->toolCalls.size(), 2);
    }

    void openAiRequestShape()
    {
        auto c = client(QStringLiteral("openai"));
        QObject owner;
        ChatRequest req = toolRoundRequest(QStringLiteral("gpt-4o-mini"));
        req.maxOutputTokens = 256;
        ChatStreamRecorder rec(c->streamChat(req, &owner));
        QVERIFY(rec.wait());
        QCOMPARE(rec.finishedCount, 1);
        const FakeRequest sent = m_fake->chatRequests().first();
        QCOMPARE(sent.path, QStringLiteral("/v1/chat/completions"));
        QCOMPARE(sent.headers.value("authorization"), QByteArray("Bearer sk-test"));
        const QJsonObject j = sent.json;
        QCOMPARE(j.value("model").toString(), QStringLiteral("gpt-4o-mini"));
        QCOMPARE(j.value("stream").toBool(), true);
        QCOMPARE(j.value("max_completion_tokens").toInt(), 256);
        const QJsonArray msgs = j.value("messages").toArray();
        QCOMPARE(msgs.size(), 4);
        QCOMPARE(msgs[0]["role"].toString(), QStringLiteral("system"));
        QCOMPARE(msgs[0]["content"].toString(), QStringLiteral("You are a test."));
        QCOMPARE(msgs[1]["role"].toString(), QStringLiteral("user"));
        QCOMPARE(msgs[1]["content"].toString(), QStringLiteral("Weather in Paris?"));
        QCOMPARE(msgs[2]["role"].toString(), QStringLiteral("assistant"));
        QCOMPARE(msgs[2]["content"].toString(), QStringLiteral("Checking."));
        const QJsonObject call = msgs[2]["tool_calls"].toArray().first().toObject();
        QCOMPARE(call["id"].toString(), QStringLiteral("call_abc"));
        QCOMPARE(call["type"].toString(), QStringLiteral("function"));
        QCOMPARE(call["function"]["name"].toString(), QStringLiteral("get_weather"));
        QCOMPARE(QJsonDocument::fromJson(call["function"]["arguments"].toString().toUtf8()).object().value("city").toString(),
                 QStringLiteral("Paris"));
        QCOMPARE(msgs[3]["role"].toString(), QStringLiteral("tool"));
        QCOMPARE(msgs[3]["tool_call_id"].toString(), QStringLiteral("call_abc"));
        QCOMPARE(msgs[3]["content"].toString(), QStringLiteral("{\"temp\":21}"));
        const QJsonArray tools = j.value("tools").toArray();
        QCOMPARE(tools.size(), 1);
        QCOMPARE(tools[0]["type"].toString(), QStringLiteral("function"));
        QCOMPARE(tools[0]["function"]["name"].toString(), QStringLiteral("get_weather"));
        QCOMPARE(tools[0]["function"]["parameters"]["required"].toArray().first().toString(), QStringLiteral("city"));
    }

    void openAiRetriesRateLimit_data()
    {
        QTest::addColumn<int>("retryAfter");
        QTest::newRow("retry-after 0") << 0;
        QTest::newRow("retry-after 1 (capped by maxBackoffMs)") << 1;
    }

    void openAiRetriesRateLimit()
    {
        QFETCH(int, retryAfter);
        m_fake->enqueue(FakeReply::httpError(429, {}, retryAfter));
        m_fake->enqueue(FakeReply::text({QStringLiteral("after retry")}));
        auto c = client(QStringLiteral("openai"));
        QObject owner;
        ChatStreamRecorder rec(c->streamChat(simpleRequest(), &owner));
        QVERIFY(rec.wait());
        QCOMPARE(rec.failedCount, 0);
        QCOMPARE(rec.result->text, QStringLiteral("after retry"));
        const QList<FakeRequest> reqs = m_fake->chatRequests();
        QCOMPARE(reqs.size(), 2);
        // Retry-After: 1 s is capped by maxBackoffMs (50 ms), so the retry came well before a second.
        QVERIFY((reqs[1].receivedAtNs - reqs[0].receivedAtNs) < 800000000);
        QCOMPARE(reqs[1].body, reqs[0].body);
    }

    void openAiServerErrorsExhaustRetries()
    {
        for (int i = 0; i < 3; ++i)
            m_fake->enqueue(FakeReply::httpError(500));
        m_fake->enqueue(FakeReply::text({QStringLiteral("never reached")}));
        auto c = client(QStringLiteral("openai"));
        QObject owner;
        ChatStreamRecorder rec(c->streamChat(simpleRequest(), &owner));
        QVERIFY(rec.wait());
        QCOMPARE(rec.finishedCount, 0);
        QCOMPARE(rec.error->kind, LlmError::Kind::Server);
        QCOMPARE(rec.error->httpStatus, 500);
        QVERIFY2(rec.error->message.contains(QLatin1String("Fake provider error 500")), qPrintable(rec.error->message));
        QTest::qWait(100);
        QCOMPARE(m_fake->chatRequests().size(), 3); // 1 + maxRetries
        QCOMPARE(rec.failedCount, 1);
    }

    void openAiAuthErrorNotRetried()
    {
        m_fake->enqueue(FakeReply::httpError(401));
        auto c = client(QStringLiteral("openai"));
        QObject owner;
        ChatStreamRecorder rec(c->streamChat(simpleRequest(), &owner));
        QVERIFY(rec.wait());
        QCOMPARE(rec.error->kind, LlmError::Kind::Auth);
        QCOMPARE(rec.error->httpStatus, 401);
        QVERIFY(rec.error->message.contains(QLatin1String("Fake provider error 401")));
        QTest::qWait(100);
        QCOMPARE(m_fake->chatRequests().size(), 1);
    }

    void openAiBadRequestAndContextOverflow()
    {
        m_fake->enqueue(FakeReply::httpError(400, R"({"error":{"message":"This model maximum context length is 128000 tokens.","code":"context_length_exceeded"}})"));
        m_fake->enqueue(FakeReply::httpError(400, R"({"error":{"message":"Unknown parameter: foo"}})"));
        auto c = client(QStringLiteral("openai"));
        QObject owner;
        ChatStreamRecorder a(c->streamChat(simpleRequest(), &owner));
        QVERIFY(a.wait());
        QCOMPARE(a.error->kind, LlmError::Kind::ContextTooLong);
        ChatStreamRecorder b(c->streamChat(simpleRequest(), &owner));
        QVERIFY(b.wait());
        QCOMPARE(b.error->kind, LlmError::Kind::BadRequest);
        QVERIFY(b.error->message.contains(QLatin1String("Unknown parameter: foo")));
        QCOMPARE(m_fake->chatRequests().size(), 2);
    }

    void openAiCutMidStreamIsProtocolAndNotRetried()
    {
        m_fake->enqueue(FakeReply::text({QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c")}).cutAfter(2));
        auto c = client(QStringLiteral("openai"));
        QObject owner;
        ChatStreamRecorder rec(c->streamChat(simpleRequest(), &owner));
        QVERIFY(rec.wait());
        QCOMPARE(rec.finishedCount, 0);
        QCOMPARE(rec.error->kind, LlmError::Kind::Protocol);
        QCOMPARE(rec.texts, (QStringList{"a", "b"}));
        QTest::qWait(150); // a retry would hit the default reply
        QCOMPARE(m_fake->chatRequests().size(), 1);
        QCOMPARE(rec.failedCount, 1);
    }

    void openAiCutBeforeAnyDeltaIsRetried()
    {
        m_fake->enqueue(FakeReply::text({QStringLiteral("lost")}).cutAfter(0));
        m_fake->enqueue(FakeReply::text({QStringLiteral("second try")}));
        auto c = client(QStringLiteral("openai"));
        QObject owner;
        ChatStreamRecorder rec(c->streamChat(simpleRequest(), &owner));
        QVERIFY(rec.wait());
        QCOMPARE(rec.failedCount, 0);
        QCOMPARE(rec.texts, (QStringList{"second try"}));
        QCOMPARE(m_fake->chatRequests().size(), 2);
    }

    void openAiTimeouts_data()
    {
        QTest::addColumn<bool>("beforeHeaders");
        QTest::newRow("idle after headers") << false;
        QTest::newRow("no first byte") << true;
    }

    void openAiTimeouts()
    {
        QFETCH(bool, beforeHeaders);
        FakeReply hanging = FakeReply::text({QStringLiteral("never")});
        if (beforeHeaders)
            hanging.hangBeforeHeaders();
        else
            hanging.hang();
        m_fake->enqueue(hanging);
        ClientLimits limits = fastLimits();
        limits.firstByteTimeoutMs = 300;
        limits.idleTimeoutMs = 300;
        auto c = client(QStringLiteral("openai"), limits);
        QObject owner;
        QElapsedTimer t;
        t.start();
        ChatStreamRecorder rec(c->streamChat(simpleRequest(), &owner));
        QVERIFY(rec.wait(5000));
        QCOMPARE(rec.finishedCount, 0);
        QCOMPARE(rec.error->kind, LlmError::Kind::Timeout);
        QVERIFY2(t.elapsed() >= 250 && t.elapsed() < 3000, qPrintable(QString::number(t.elapsed())));
        // Which watchdog fired tells whether the fake sent the headers.
        QVERIFY2(rec.error->message.contains(beforeHeaders ? QLatin1String("did not answer") : QLatin1String("stalled")),
                 qPrintable(rec.error->message));
        QCOMPARE(m_fake->chatRequests().size(), 1);
        // The client let go of the connection: the fake's hanging stream is gone.
        QTRY_COMPARE(m_fake->openStreams(), 0);
    }

    void openAiCancelIsQueued()
    {
        m_fake->enqueue(FakeReply::text({QStringLiteral("one"), QStringLiteral("two"), QStringLiteral("three")}).chunkDelayMs(300));
        auto c = client(QStringLiteral("openai"));
        QObject owner;
        ChatStreamRecorder rec(c->streamChat(simpleRequest(), &owner));
        QTRY_COMPARE(rec.texts.size(), 1);
        rec.stream->cancel();
        QCOMPARE(rec.failedCount, 0); // not emitted inside cancel()
        rec.stream->cancel();         // idempotent
        QVERIFY(rec.wait());
        QCOMPARE(rec.error->kind, LlmError::Kind::Cancelled);
        QTest::qWait(700);
        QCOMPARE(rec.failedCount, 1);
        QCOMPARE(rec.finishedCount, 0);
        QCOMPARE(rec.texts, (QStringList{"one"}));
    }

    void openAiCancelBeforeAnswer()
    {
        m_fake->enqueue(FakeReply::text({QStringLiteral("x")}).hangBeforeHeaders());
        auto c = client(QStringLiteral("openai"));
        QObject owner;
        ChatStreamRecorder rec(c->streamChat(simpleRequest(), &owner));
        QVERIFY(m_fake->waitForChatRequests(1));
        rec.stream->cancel();
        QCOMPARE(rec.failedCount, 0);
        QVERIFY(rec.wait());
        QCOMPARE(rec.error->kind, LlmError::Kind::Cancelled);
    }

    void openAiListModels()
    {
        m_fake->setModels({QStringLiteral("gpt-4o"), QStringLiteral("text-embedding-3-small"), QStringLiteral("dall-e-3"),
                           QStringLiteral("whisper-1")});
        auto c = client(QStringLiteral("openai"));
        QObject context;
        std::optional<Result<QList<ModelInfo>>> got;
        c->listModels(&context, [&](Result<QList<ModelInfo>> r) { got = std::move(r); });
        QTRY_VERIFY(got.has_value());
        QVERIFY(got->ok());
        const QList<ModelInfo> models = got->value();
        QCOMPARE(models.size(), 3); // whisper is of no use
        QCOMPARE(models[0].id, QStringLiteral("gpt-4o"));
        QCOMPARE(models[0].capability, QStringLiteral("llm"));
        QVERIFY(models[0].supportsImageInput);
        QCOMPARE(models[1].capability, QStringLiteral("embedding"));
        QCOMPARE(models[2].capability, QStringLiteral("image"));
        const FakeRequest sent = m_fake->requests().last();
        QCOMPARE(sent.path, QStringLiteral("/v1/models"));
        QCOMPARE(sent.headers.value("authorization"), QByteArray("Bearer sk-test"));
    }

    void openAiListModelsHttpError()
    {
        // A wrong base path answers 404: an error result, not an empty list.
        ProviderConfig cfg{QStringLiteral("openai"), QStringLiteral("k"), m_fake->baseUrl() + QStringLiteral("/nope")};
        auto bad = makeClient(*m_nam, cfg, fastLimits());
        QObject context;
        std::optional<Result<QList<ModelInfo>>> got;
        bad->listModels(&context, [&](Result<QList<ModelInfo>> r) { got = std::move(r); });
        QTRY_VERIFY(got.has_value());
        QVERIFY(!got->ok());
        QCOMPARE(got->error().code, QStringLiteral("PROVIDER_ERROR"));
    }

    void openAiConnectionRefusedIsNetwork()
    {
        const quint16 port = closedPort();
        QVERIFY(port != 0);
        ProviderConfig cfg{QStringLiteral("openai"), QStringLiteral("k"), QStringLiteral("http://127.0.0.1:%1/v1").arg(port)};
        auto c = makeClient(*m_nam, cfg, fastLimits());
        QObject owner;
        ChatStreamRecorder rec(c->streamChat(simpleRequest(), &owner));
        QVERIFY(rec.wait());
        QCOMPARE(rec.error->kind, LlmError::Kind::Network);
        QCOMPARE(rec.finishedCount, 0);

        QObject context;
        std::optional<Result<QList<ModelInfo>>> got;
        c->listModels(&context, [&](Result<QList<ModelInfo>> r) { got = std::move(r); });
        QTRY_VERIFY(got.has_value());
        QVERIFY(!got->ok());
        QCOMPARE(got->error().code, QStringLiteral("PROVIDER_UNREACHABLE"));
    }

    void openAiMalformedChunkIsProtocol()
    {
        m_fake->enqueue(FakeReply::raw(200, "data: {not json\n\n", "text/event-stream"));
        auto c = client(QStringLiteral("openai"));
        QObject owner;
        ChatStreamRecorder rec(c->streamChat(simpleRequest(), &owner));
        QVERIFY(rec.wait());
        QCOMPARE(rec.error->kind, LlmError::Kind::Protocol);
    }

    // ---- every wire: the shared ChatStream contract --------------------------------------------------------------

    void allStyles_data()
    {
        QTest::addColumn<QString>("type");
        QTest::newRow("openai") << QStringLiteral("openai");
        QTest::newRow("anthropic") << QStringLiteral("anthropic");
        QTest::newRow("gemini") << QStringLiteral("gemini");
        QTest::newRow("ollama") << QStringLiteral("ollama");
    }

    void streamsText_data() { allStyles_data(); }
    void streamsText()
    {
        QFETCH(QString, type);
        m_fake->enqueue(FakeReply::text({QStringLiteral("Bon"), QStringLiteral("jour"), QStringLiteral(" à tous")}).usage(42, 7));
        auto c = client(type);
        QVERIFY(c);
        QObject owner;
        ChatStreamRecorder rec(c->streamChat(simpleRequest(modelFor(type)), &owner));
        QVERIFY(rec.wait());
        QVERIFY2(rec.failedCount == 0, rec.error ? qPrintable(rec.error->message) : "");
        QCOMPARE(rec.texts, (QStringList{"Bon", "jour", QStringLiteral(" à tous")}));
        QCOMPARE(rec.result->text, QStringLiteral("Bonjour à tous"));
        QCOMPARE(rec.result->finishReason, QStringLiteral("stop"));
        QCOMPARE(rec.result->usage.inputTokens, 42);
        QCOMPARE(rec.result->usage.outputTokens, 7);
        const FakeRequest sent = m_fake->chatRequests().first();
        QCOMPARE(sent.style, findProviderType(type)->apiStyle);
        QCOMPARE(sent.model, modelFor(type));
        QTest::qWait(30);
        QCOMPARE(rec.finishedCount, 1);
    }

    void finishReasonLength_data() { allStyles_data(); }
    void finishReasonLength()
    {
        QFETCH(QString, type);
        m_fake->enqueue(FakeReply::text({QStringLiteral("trunc")}).finishReason(QStringLiteral("length")));
        auto c = client(type);
        QObject owner;
        ChatStreamRecorder rec(c->streamChat(simpleRequest(modelFor(type)), &owner));
        QVERIFY(rec.wait());
        QCOMPARE(rec.failedCount, 0);
        QCOMPARE(rec.result->finishReason, QStringLiteral("length"));
    }

    void cutMidStream_data() { allStyles_data(); }
    void cutMidStream()
    {
        QFETCH(QString, type);
        m_fake->enqueue(FakeReply::text({QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c")}).cutAfter(1));
        auto c = client(type);
        QObject owner;
        ChatStreamRecorder rec(c->streamChat(simpleRequest(modelFor(type)), &owner));
        QVERIFY(rec.wait());
        QCOMPARE(rec.finishedCount, 0);
        QCOMPARE(rec.error->kind, LlmError::Kind::Protocol);
        QCOMPARE(rec.texts, (QStringList{"a"}));
        QTest::qWait(150);
        QCOMPARE(m_fake->chatRequests().size(), 1); // not retried after a delta
    }

    void rateLimitRetried_data() { allStyles_data(); }
    void rateLimitRetried()
    {
        QFETCH(QString, type);
        m_fake->enqueue(FakeReply::httpError(429, {}, 0));
        m_fake->enqueue(FakeReply::text({QStringLiteral("fine")}));
        auto c = client(type);
        QObject owner;
        ChatStreamRecorder rec(c->streamChat(simpleRequest(modelFor(type)), &owner));
        QVERIFY(rec.wait());
        QCOMPARE(rec.failedCount, 0);
        QCOMPARE(rec.result->text, QStringLiteral("fine"));
        QCOMPARE(m_fake->chatRequests().size(), 2);
    }

    void idleTimeout_data() { allStyles_data(); }
    void idleTimeout()
    {
        QFETCH(QString, type);
        m_fake->enqueue(FakeReply::text({QStringLiteral("x")}).hang());
        ClientLimits limits = fastLimits();
        limits.firstByteTimeoutMs = 300;
        limits.idleTimeoutMs = 300;
        auto c = client(type, limits);
        QObject owner;
        ChatStreamRecorder rec(c->streamChat(simpleRequest(modelFor(type)), &owner));
        QVERIFY(rec.wait());
        QCOMPARE(rec.error->kind, LlmError::Kind::Timeout);
        QCOMPARE(m_fake->chatRequests().size(), 1);
    }

    void cancelQueued_data() { allStyles_data(); }
    void cancelQueued()
    {
        QFETCH(QString, type);
        m_fake->enqueue(FakeReply::text({QStringLiteral("1"), QStringLiteral("2")}).chunkDelayMs(400));
        auto c = client(type);
        QObject owner;
        ChatStreamRecorder rec(c->streamChat(simpleRequest(modelFor(type)), &owner));
        QTRY_COMPARE(rec.texts.size(), 1);
        rec.stream->cancel();
        QCOMPARE(rec.failedCount, 0);
        QVERIFY(rec.wait());
        QCOMPARE(rec.error->kind, LlmError::Kind::Cancelled);
        QTest::qWait(500);
        QCOMPARE(rec.texts.size(), 1);
        QCOMPARE(rec.finishedCount + rec.failedCount, 1);
    }

    // A full tool round: the model calls two tools in parallel, the results go back, the model answers.
    void toolRoundTrip_data() { allStyles_data(); }
    void toolRoundTrip()
    {
        QFETCH(QString, type);
        const QString style = findProviderType(type)->apiStyle;
        m_fake->enqueue(FakeReply::toolCalls({{QString(), QStringLiteral("get_weather"), R"({"city":"Paris","unit":"C"})"},
                                              {QString(), QStringLiteral("get_time"), R"({})"}},
                                             {QStringLiteral("Checking.")}));
        m_fake->enqueue(FakeReply::text({QStringLiteral("21 degrees, noon.")}));
        auto c = client(type);
        QObject owner;

        ChatRequest req = simpleRequest(modelFor(type));
        req.messages.first().content = QStringLiteral("Weather and time in Paris?");
        ToolSpec weather;
        weather.name = QStringLiteral("get_weather");
        weather.description = QStringLiteral("Weather for a city");
        weather.parameters = QJsonDocument::fromJson(
            R"({"type":"object","properties":{"city":{"type":"string"},"unit":{"type":["string","null"]}},"required":["city"],"additionalProperties":false})").object();
        ToolSpec time;
        time.name = QStringLiteral("get_time");
        time.description = QStringLiteral("Current time");
        req.tools = {weather, time};

        ChatStreamRecorder step1(c->streamChat(req, &owner));
        QVERIFY(step1.wait());
        QVERIFY2(step1.failedCount == 0, step1.error ? qPrintable(step1.error->message) : "");
        QCOMPARE(step1.result->finishReason, QStringLiteral("tool_calls"));
        QCOMPARE(step1.result->text, QStringLiteral("Checking."));
        QCOMPARE(step1.ready.size(), 2);
        QCOMPARE(step1.started.size(), 2);
        const ToolCall w = step1.ready.at(0);
        const ToolCall t = step1.ready.at(1);
        QCOMPARE(w.name, QStringLiteral("get_weather"));
        QCOMPARE(w.args.value("city").toString(), QStringLiteral("Paris"));
        QCOMPARE(w.args.value("unit").toString(), QStringLiteral("C"));
        QVERIFY(w.argsError.isEmpty());
        QCOMPARE(t.name, QStringLiteral("get_time"));
        QVERIFY(t.args.isEmpty());
        QVERIFY(!w.id.isEmpty());
        QVERIFY(w.id != t.id);
        QCOMPARE(step1.started.at(0).first, w.id);
        QCOMPARE(step1.result->toolCalls.size(), 2);
        QVERIFY(step1.events.indexOf(QStringLiteral("started")) < step1.events.indexOf(QStringLiteral("ready")));
        if (style == QLatin1String("gemini") || style == QLatin1String("ollama"))
            QVERIFY2(w.id.startsWith(QLatin1String("call_")), qPrintable(w.id)); // generated

        // Step 2: the assistant turn and both results go back.
        ChatMessage assistant;
        assistant.role = ChatMessage::Role::Assistant;
        assistant.content = step1.result->text;
        assistant.toolCalls = step1.result->toolCalls;
        req.messages.append(assistant);
        for (const ToolCall &call : step1.result->toolCalls) {
            ChatMessage result;
            result.role = ChatMessage::Role::Tool;
            result.toolCallId = call.id;
            result.toolName = call.name;
            result.content = call.name == QLatin1String("get_weather") ? QStringLiteral("{\"temp\":21}") : QStringLiteral("12:00");
            req.messages.append(result);
        }
        ChatStreamRecorder step2(c->streamChat(req, &owner));
        QVERIFY(step2.wait());
        QCOMPARE(step2.failedCount, 0);
        QCOMPARE(step2.result->text, QStringLiteral("21 degrees, noon."));
        QCOMPARE(step2.result->finishReason, QStringLiteral("stop"));

        const QJsonObject j = m_fake->chatRequests().at(1).json;
        if (style == QLatin1String("openai")) {
            const QJsonArray m = j["messages"].toArray();
            QCOMPARE(m.size(), 5);
            QCOMPARE(m[2]["tool_calls"].toArray().size(), 2);
            QCOMPARE(m[2]["tool_calls"][0]["id"].toString(), w.id);
            QCOMPARE(m[3]["role"].toString(), QStringLiteral("tool"));
            QCOMPARE(m[3]["tool_call_id"].toString(), w.id);
            QCOMPARE(m[4]["tool_call_id"].toString(), t.id);
            QCOMPARE(m[4]["content"].toString(), QStringLiteral("12:00"));
        } else if (style == QLatin1String("anthropic")) {
            const QJsonArray m = j["messages"].toArray();
            QCOMPARE(m.size(), 3); // user, assistant, user(both tool_results)
            QCOMPARE(m[1]["role"].toString(), QStringLiteral("assistant"));
            const QJsonArray blocks = m[1]["content"].toArray();
            QCOMPARE(blocks.size(), 3);
            QCOMPARE(blocks[0]["type"].toString(), QStringLiteral("text"));
            QCOMPARE(blocks[1]["type"].toString(), QStringLiteral("tool_use"));
            QCOMPARE(blocks[1]["id"].toString(), w.id);
            QCOMPARE(blocks[1]["input"]["city"].toString(), QStringLiteral("Paris"));
            QCOMPARE(m[2]["role"].toString(), QStringLiteral("user"));
            const QJsonArray results = m[2]["content"].toArray();
            QCOMPARE(results.size(), 2);
            QCOMPARE(results[0]["type"].toString(), QStringLiteral("tool_result"));
            QCOMPARE(results[0]["tool_use_id"].toString(), w.id);
            QCOMPARE(results[0]["content"].toString(), QStringLiteral("{\"temp\":21}"));
            QCOMPARE(results[1]["tool_use_id"].toString(), t.id);
            QCOMPARE(j["tools"][0]["input_schema"]["required"][0].toString(), QStringLiteral("city"));
        } else if (style == QLatin1String("gemini")) {
            const QJsonArray contents = j["contents"].toArray();
            QCOMPARE(contents.size(), 3);
            QCOMPARE(contents[1]["role"].toString(), QStringLiteral("model"));
            const QJsonArray parts = contents[1]["parts"].toArray();
            QCOMPARE(parts.size(), 3);
            QCOMPARE(parts[0]["text"].toString(), QStringLiteral("Checking."));
            QCOMPARE(parts[1]["functionCall"]["name"].toString(), QStringLiteral("get_weather"));
            QCOMPARE(parts[1]["functionCall"]["args"]["city"].toString(), QStringLiteral("Paris"));
            QCOMPARE(contents[2]["role"].toString(), QStringLiteral("user"));
            const QJsonArray responses = contents[2]["parts"].toArray();
            QCOMPARE(responses.size(), 2);
            QCOMPARE(responses[0]["functionResponse"]["name"].toString(), QStringLiteral("get_weather"));
            QCOMPARE(responses[0]["functionResponse"]["response"]["temp"].toInt(), 21);
            QCOMPARE(responses[1]["functionResponse"]["name"].toString(), QStringLiteral("get_time"));
            QCOMPARE(responses[1]["functionResponse"]["response"]["result"].toString(), QStringLiteral("12:00"));
            const QJsonArray decls = j["tools"][0]["functionDeclarations"].toArray();
            QCOMPARE(decls.size(), 2);
            const QJsonObject params = decls[0]["parameters"].toObject();
            QVERIFY(!params.contains("additionalProperties")); // Gemini rejects it
            QCOMPARE(params["properties"]["unit"]["type"].toString(), QStringLiteral("string"));
            QCOMPARE(params["properties"]["unit"]["nullable"].toBool(), true);
            QVERIFY(!decls[1].toObject().contains("parameters")); // no properties → no parameters
        } else {
            const QJsonArray m = j["messages"].toArray();
            QCOMPARE(m.size(), 5);
            QCOMPARE(m[2]["role"].toString(), QStringLiteral("assistant"));
            QVERIFY(m[2]["tool_calls"][0]["function"]["arguments"].isObject());
            QCOMPARE(m[2]["tool_calls"][0]["function"]["arguments"]["city"].toString(), QStringLiteral("Paris"));
            QCOMPARE(m[3]["role"].toString(), QStringLiteral("tool"));
            QCOMPARE(m[3]["tool_name"].toString(), QStringLiteral("get_weather"));
            QCOMPARE(m[3]["content"].toString(), QStringLiteral("{\"temp\":21}"));
            QCOMPARE(j["tools"][0]["function"]["name"].toString(), QStringLiteral("get_weather"));
        }
    }

    void errorMapping_data()
    {
        QTest::addColumn<QString>("type");
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("kind");
        QTest::addColumn<int>("requests");
        const int auth = int(LlmError::Kind::Auth), server = int(LlmError::Kind::Server), bad = int(LlmError::Kind::BadRequest),
                  rate = int(LlmError::Kind::RateLimited), context = int(LlmError::Kind::ContextTooLong);
        QTest::newRow("anthropic 401") << "anthropic" << 401 << QByteArray() << auth << 1;
        QTest::newRow("anthropic 529 overloaded, retried") << "anthropic" << 529 << QByteArray() << server << 3;
        QTest::newRow("anthropic prompt too long")
            << "anthropic" << 400
            << QByteArray(R"({"type":"error","error":{"type":"invalid_request_error","message":"prompt is too long: 210000 tokens > 200000 maximum"}})")
            << context << 1;
        QTest::newRow("gemini bad key (400)")
            << "gemini" << 400
            << QByteArray(R"({"error":{"code":400,"message":"API key not valid. Please pass a valid API key.","status":"INVALID_ARGUMENT","details":[{"reason":"API_KEY_INVALID"}]}})")
            << auth << 1;
        QTest::newRow("gemini 429, retried") << "gemini" << 429 << QByteArray() << rate << 3;
        QTest::newRow("gemini 400") << "gemini" << 400 << QByteArray() << bad << 1;
        QTest::newRow("ollama model missing (404)")
            << "ollama" << 404 << QByteArray("{\"error\":\"model nope not found, try pulling it first\"}") << bad << 1;
        QTest::newRow("ollama 500, retried") << "ollama" << 500 << QByteArray() << server << 3;
        QTest::newRow("openai 403") << "openai" << 403 << QByteArray() << auth << 1;
    }

    void errorMapping()
    {
        QFETCH(QString, type);
        QFETCH(int, status);
        QFETCH(QByteArray, body);
        QFETCH(int, kind);
        QFETCH(int, requests);
        m_fake->setDefaultReply(FakeReply::httpError(status, body));
        auto c = client(type);
        QObject owner;
        ChatStreamRecorder rec(c->streamChat(simpleRequest(modelFor(type)), &owner));
        QVERIFY(rec.wait());
        QCOMPARE(rec.finishedCount, 0);
        QVERIFY2(int(rec.error->kind) == kind, qPrintable(kindName(rec.error->kind) + QStringLiteral(": ") + rec.error->message));
        QCOMPARE(rec.error->httpStatus, status);
        QVERIFY(!rec.error->message.isEmpty());
        QTest::qWait(100);
        QCOMPARE(m_fake->chatRequests().size(), requests);
    }

    void inStreamErrorRetriedBeforeDelivery_data()
    {
        QTest::addColumn<QString>("type");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QByteArray>("contentType");
        QTest::newRow("anthropic overloaded event")
            << "anthropic"
            << QByteArray("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"m\",\"usage\":{\"input_tokens\":3}}}\n\n"
                          "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n")
            << QByteArray("text/event-stream");
        QTest::newRow("gemini error chunk")
            << "gemini" << QByteArray("data: {\"error\":{\"code\":503,\"message\":\"The model is overloaded.\",\"status\":\"UNAVAILABLE\"}}\r\n\r\n")
            << QByteArray("text/event-stream");
        QTest::newRow("ollama error line") << "ollama" << QByteArray("{\"error\":\"llama runner process has terminated\"}\n")
                                           << QByteArray("application/x-ndjson");
        QTest::newRow("openai error chunk")
            << "openai" << QByteArray("data: {\"error\":{\"message\":\"server overloaded\",\"type\":\"server_error\"}}\n\n")
            << QByteArray("text/event-stream");
    }

    void inStreamErrorRetriedBeforeDelivery()
    {
        QFETCH(QString, type);
        QFETCH(QByteArray, body);
        QFETCH(QByteArray, contentType);
        m_fake->enqueue(FakeReply::raw(200, body, contentType));
        m_fake->enqueue(FakeReply::text({QStringLiteral("recovered")}));
        auto c = client(type);
        QObject owner;
        ChatStreamRecorder rec(c->streamChat(simpleRequest(modelFor(type)), &owner));
        QVERIFY(rec.wait());
        QVERIFY2(rec.failedCount == 0, rec.error ? qPrintable(rec.error->message) : "");
        QCOMPARE(rec.result->text, QStringLiteral("recovered"));
        QCOMPARE(m_fake->chatRequests().size(), 2);
    }

    // ---- native request shapes ----------------------------------------------------------------------------------

    void anthropicRequestShape()
    {
        auto c = client(QStringLiteral("anthropic"), fastLimits(), QStringLiteral("sk-ant-test"));
        QObject owner;
        ChatRequest req = simpleRequest(QStringLiteral("claude-sonnet-4"));
        ImagePart img;
        img.mimeType = QStringLiteral("image/png");
        img.data = QByteArray("\x89PNG\r\n", 6);
        req.messages.first().images.append(img);
        ChatStreamRecorder rec(c->streamChat(req, &owner));
        QVERIFY(rec.wait());
        QCOMPARE(rec.finishedCount, 1);
        const FakeRequest sent = m_fake->chatRequests().first();
        QCOMPARE(sent.path, QStringLiteral("/v1/messages"));
        QCOMPARE(sent.headers.value("x-api-key"), QByteArray("sk-ant-test"));
        QCOMPARE(sent.headers.value("anthropic-version"), QByteArray("2023-06-01"));
        QVERIFY(!sent.headers.contains("authorization"));
        QCOMPARE(sent.json["system"].toString(), QStringLiteral("You are a test."));
        QCOMPARE(sent.json["max_tokens"].toInt(), 8192);
        QCOMPARE(sent.json["stream"].toBool(), true);
        const QJsonArray m = sent.json["messages"].toArray();
        QCOMPARE(m.size(), 1); // no system message in the list
        const QJsonArray blocks = m[0]["content"].toArray();
        QCOMPARE(blocks[0]["type"].toString(), QStringLiteral("image"));
        QCOMPARE(blocks[0]["source"]["type"].toString(), QStringLiteral("base64"));
        QCOMPARE(blocks[0]["source"]["media_type"].toString(), QStringLiteral("image/png"));
        QCOMPARE(QByteArray::fromBase64(blocks[0]["source"]["data"].toString().toLatin1()), img.data);
        QCOMPARE(blocks[1]["text"].toString(), QStringLiteral("Hello?"));

        req.maxOutputTokens = 100;
        ChatStreamRecorder again(c->streamChat(req, &owner));
        QVERIFY(again.wait());
        QCOMPARE(m_fake->chatRequests().at(1).json["max_tokens"].toInt(), 100);
    }

    void geminiRequestShape()
    {
        auto c = client(QStringLiteral("gemini"), fastLimits(), QStringLiteral("AIza-test"));
        QObject owner;
        ChatRequest req = simpleRequest(QStringLiteral("models/gemini-2.0-flash"));
        req.maxOutputTokens = 512;
        req.temperature = 0.2;
        ImagePart img;
        img.mimeType = QStringLiteral("image/jpeg");
        img.data = QByteArray("\xff\xd8\xff", 3);
        req.messages.first().images.append(img);
        ChatStreamRecorder rec(c->streamChat(req, &owner));
        QVERIFY(rec.wait());
        QCOMPARE(rec.finishedCount, 1);
        const FakeRequest sent = m_fake->chatRequests().first();
        QCOMPARE(sent.path, QStringLiteral("/v1beta/models/gemini-2.0-flash:streamGenerateContent"));
        QCOMPARE(sent.query, QStringLiteral("alt=sse"));
        QCOMPARE(sent.headers.value("x-goog-api-key"), QByteArray("AIza-test"));
        QCOMPARE(sent.json["systemInstruction"]["parts"][0]["text"].toString(), QStringLiteral("You are a test."));
        QCOMPARE(sent.json["generationConfig"]["maxOutputTokens"].toInt(), 512);
        QCOMPARE(sent.json["generationConfig"]["temperature"].toDouble(), 0.2);
        const QJsonArray parts = sent.json["contents"][0]["parts"].toArray();
        QCOMPARE(sent.json["contents"][0]["role"].toString(), QStringLiteral("user"));
        QCOMPARE(parts[0]["inlineData"]["mimeType"].toString(), QStringLiteral("image/jpeg"));
        QCOMPARE(QByteArray::fromBase64(parts[0]["inlineData"]["data"].toString().toLatin1()), img.data);
        QCOMPARE(parts[1]["text"].toString(), QStringLiteral("Hello?"));
    }

    void ollamaRequestShape()
    {
        // A base URL pasted with Ollama's OpenAI-compatible /v1 still reaches the native API.
        ProviderConfig cfg{QStringLiteral("ollama"), QString(), m_fake->baseUrl(QStringLiteral("ollama")) + QStringLiteral("/v1/")};
        auto c = makeClient(*m_nam, cfg, fastLimits());
        QVERIFY(c);
        QObject owner;
        ChatRequest req = simpleRequest(QStringLiteral("llava"));
        req.maxOutputTokens = 64;
        ImagePart img;
        img.mimeType = QStringLiteral("image/png");
        img.data = QByteArray("img-bytes");
        req.messages.first().images.append(img);
        ChatStreamRecorder rec(c->streamChat(req, &owner));
        QVERIFY(rec.wait());
        QCOMPARE(rec.finishedCount, 1);
        const FakeRequest sent = m_fake->chatRequests().first();
        QCOMPARE(sent.path, QStringLiteral("/api/chat"));
        QVERIFY(!sent.headers.contains("authorization"));
        QCOMPARE(sent.json["stream"].toBool(), true);
        QCOMPARE(sent.json["options"]["num_predict"].toInt(), 64);
        const QJsonArray m = sent.json["messages"].toArray();
        QCOMPARE(m[0]["role"].toString(), QStringLiteral("system"));
        QCOMPARE(m[1]["content"].toString(), QStringLiteral("Hello?"));
        QCOMPARE(QByteArray::fromBase64(m[1]["images"][0].toString().toLatin1()), img.data);
    }

    // ---- model lists --------------------------------------------------------------------------------------------

    void anthropicListModels()
    {
        m_fake->setModels({QStringLiteral("claude-sonnet-4-20250514"), QStringLiteral("claude-3-5-haiku-20241022")});
        auto c = client(QStringLiteral("anthropic"), fastLimits(), QStringLiteral("sk-ant"));
        const QList<ModelInfo> models = listOk(*c);
        QCOMPARE(models.size(), 2);
        QCOMPARE(models[0].id, QStringLiteral("claude-sonnet-4-20250514"));
        QCOMPARE(models[0].capability, QStringLiteral("llm"));
        QVERIFY(models[0].supportsImageInput);
        const FakeRequest sent = m_fake->requests().last();
        QCOMPARE(sent.path, QStringLiteral("/v1/models"));
        QCOMPARE(sent.style, QStringLiteral("anthropic"));
        QCOMPARE(sent.headers.value("x-api-key"), QByteArray("sk-ant"));
    }

    void geminiListModels()
    {
        m_fake->setModels({QStringLiteral("gemini-2.0-flash"), QStringLiteral("text-embedding-004"), QStringLiteral("imagen-3.0-generate-002")});
        auto c = client(QStringLiteral("gemini"), fastLimits(), QStringLiteral("AIza"));
        const QList<ModelInfo> models = listOk(*c);
        QCOMPARE(models.size(), 3);
        QCOMPARE(models[0].id, QStringLiteral("gemini-2.0-flash")); // "models/" stripped
        QCOMPARE(models[0].capability, QStringLiteral("llm"));
        QVERIFY(models[0].supportsImageInput);
        QCOMPARE(models[1].capability, QStringLiteral("embedding"));
        QCOMPARE(models[2].capability, QStringLiteral("image"));
        const FakeRequest sent = m_fake->requests().last();
        QCOMPARE(sent.path, QStringLiteral("/v1beta/models"));
        QCOMPARE(sent.headers.value("x-goog-api-key"), QByteArray("AIza"));
    }

    void ollamaListModels()
    {
        m_fake->setModels({QStringLiteral("llama3.2:latest"), QStringLiteral("nomic-embed-text:latest"), QStringLiteral("llava:7b")});
        auto c = client(QStringLiteral("ollama"));
        const QList<ModelInfo> models = listOk(*c);
        QCOMPARE(models.size(), 3);
        QCOMPARE(models[0].id, QStringLiteral("llama3.2:latest"));
        QCOMPARE(models[0].capability, QStringLiteral("llm"));
        QCOMPARE(models[1].capability, QStringLiteral("embedding"));
        QVERIFY(models[2].supportsImageInput);
        QCOMPARE(m_fake->requests().last().path, QStringLiteral("/api/tags"));
    }

    // ---- local provider discovery -------------------------------------------------------------------------------

    void localProbeFindsServers()
    {
        m_fake->setModels({QStringLiteral("llama3.2"), QStringLiteral("mxbai-embed-large")});
        // A server that accepts connections and never answers: the probe must give up on its own.
        QTcpServer silent;
        QVERIFY(silent.listen(QHostAddress::LocalHost, 0));
        const QList<LocalProbeTarget> targets{
            {QStringLiteral("ollama"), m_fake->baseUrl(QStringLiteral("ollama"))},
            {QStringLiteral("lmstudio"), m_fake->baseUrl(QStringLiteral("openai"))},
            {QStringLiteral("ollama"), QStringLiteral("http://127.0.0.1:%1").arg(closedPort())},
            {QStringLiteral("lmstudio"), QStringLiteral("http://127.0.0.1:%1/v1").arg(silent.serverPort())},
        };
        QObject context;
        std::optional<QList<LocalProviderStatus>> got;
        QElapsedTimer t;
        t.start();
        probeLocalProviders(*m_nam, &context, [&](QList<LocalProviderStatus> s) { got = s; }, targets, 400);
        QVERIFY(!got.has_value()); // never synchronous
        QTRY_VERIFY_WITH_TIMEOUT(got.has_value(), 5000);
        QVERIFY2(t.elapsed() < 3000, qPrintable(QString::number(t.elapsed())));
        QCOMPARE(got->size(), 4);
        const LocalProviderStatus &ollama = got->at(0);
        QCOMPARE(ollama.type, QStringLiteral("ollama"));
        QVERIFY(ollama.reachable);
        QCOMPARE(ollama.models.size(), 2);
        QCOMPARE(ollama.models[1].capability, QStringLiteral("embedding"));
        const LocalProviderStatus &lm = got->at(1);
        QVERIFY(lm.reachable);
        QCOMPARE(lm.baseUrl, m_fake->baseUrl(QStringLiteral("openai")));
        QCOMPARE(lm.models.size(), 2);
        QCOMPARE(lm.models[0].id, QStringLiteral("llama3.2"));
        QVERIFY(!got->at(2).reachable);
        QVERIFY(!got->at(2).error.isEmpty());
        QVERIFY(!got->at(3).reachable);
        QVERIFY2(got->at(3).error.contains(QLatin1String("400 ms")), qPrintable(got->at(3).error));
        QCOMPARE(m_fake->requests().size(), 2);
        QCOMPARE(m_fake->requests().at(0).path == QLatin1String("/api/tags") || m_fake->requests().at(1).path == QLatin1String("/api/tags"), true);
    }

    void localProbeDefaults()
    {
        const QList<LocalProbeTarget> d = defaultLocalProbeTargets();
        QCOMPARE(d.size(), 2);
        QCOMPARE(d[0].type, QStringLiteral("ollama"));
        QCOMPARE(d[0].baseUrl, QStringLiteral("http://127.0.0.1:11434"));
        QCOMPARE(d[1].type, QStringLiteral("lmstudio"));
        QCOMPARE(d[1].baseUrl, QStringLiteral("http://127.0.0.1:1234/v1"));
        // Empty target list: still answers, from the event loop.
        QObject context;
        std::optional<QList<LocalProviderStatus>> got;
        probeLocalProviders(*m_nam, &context, [&](QList<LocalProviderStatus> s) { got = s; }, {}, 100);
        QVERIFY(!got.has_value());
        QTRY_VERIFY(got.has_value());
        QVERIFY(got->isEmpty());
    }
};

QTEST_GUILESS_MAIN(TstLlmClients)
#include "tst_llm_clients.moc"
