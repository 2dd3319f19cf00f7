// The LLM clients against FakeLlmServer on loopback: streaming, tool calls, request shapes, retries, time limits,
// cancellation and model lists, per wire (OpenAI-compatible, Anthropic, Gemini, Ollama).
#include "ChatStreamRecorder.h"
#include "FakeLlmServer.h"
#include "llm/ClientSettings.h"
#include "llm/LlmClient.h"
#include "llm/LlmErrors.h"
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
                                   "together", "fireworks", "mistral", "xai", "perplexity", "cohere"};
        QStringList types;
        for (const ProviderType &t : providerTypes()) {
            types.append(t.type);
            QVERIFY2(!t.displayName.isEmpty(), qPrintable(t.type));
            QVERIFY2(t.capabilities.contains(QStringLiteral("llm")), qPrintable(t.type));
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
};

QTEST_GUILESS_MAIN(TstLlmClients)
#include "tst_llm_clients.moc"
