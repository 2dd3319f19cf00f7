#pragma once

#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QQueue>
#include <QString>
#include <QStringList>

#include <memory>

class QHttpServer;
class QHttpServerRequest;
class QHttpServerResponder;

namespace kinbot::test {

struct FakeToolCall
{
    QString id;          // ignored by the wires that carry no ids (Gemini, Ollama)
    QString name;
    QByteArray argsJson; // the arguments as the model would write them (streamed in ≥2 fragments where the wire streams)
};

// One scripted answer to one chat request. The same script is rendered in the wire format of whichever provider style
// asked (OpenAI Chat Completions, Anthropic Messages, Gemini, Ollama native).
class FakeReply
{
public:
    enum class Kind { Text, ToolCalls, HttpError, Raw };
    enum class Hang { None, AfterHeaders, BeforeHeaders };

    // Streamed text deltas, then a normal finish (stop).
    static FakeReply text(const QStringList &chunks);
    // Optional text deltas, then the tool calls; finish = tool_calls.
    static FakeReply toolCalls(const QList<FakeToolCall> &calls, const QStringList &textChunksBefore = {});
    // The status with the body (default: an error body in the requesting style's shape) and Retry-After when >= 0.
    static FakeReply httpError(int status, const QByteArray &jsonBody = {}, int retryAfterSeconds = -1);
    // Exactly this status, Content-Type and body, whatever the style (malformed streams, odd gateways).
    static FakeReply raw(int status, const QByteArray &body, const QByteArray &contentType = "application/json");

    // After N content chunks (text deltas / tool-call fragments), close the connection without the finish marker.
    FakeReply &cutAfter(int chunks);
    // Send the response headers and then nothing, ever (until the client gives up).
    FakeReply &hang();
    // Accept the request and never answer.
    FakeReply &hangBeforeHeaders();
    // Delay between two written chunks (default 0).
    FakeReply &chunkDelayMs(int ms);
    // Token counts reported at the end (default 10 in, 5 out).
    FakeReply &usage(int inputTokens, int outputTokens);
    // Overrides the normalised finish reason: "stop" | "tool_calls" | "length" | "content_filter" (rendered per wire).
    FakeReply &finishReason(const QString &normalised);

    Kind kind() const { return m_kind; }
    const QStringList &textChunks() const { return m_chunks; }
    const QList<FakeToolCall> &calls() const { return m_calls; }
    int status() const { return m_status; }
    const QByteArray &body() const { return m_body; }
    const QByteArray &contentType() const { return m_contentType; }
    int retryAfterSeconds() const { return m_retryAfter; }
    int cutAfterChunks() const { return m_cutAfter; }
    Hang hangMode() const { return m_hang; }
    int delayMs() const { return m_delayMs; }
    int inputTokens() const { return m_inputTokens; }
    int outputTokens() const { return m_outputTokens; }
    // The normalised finish reason this script ends with.
    QString finish() const;

private:
    Kind m_kind = Kind::Text;
    QStringList m_chunks;
    QList<FakeToolCall> m_calls;
    int m_status = 200;
    QByteArray m_body;
    QByteArray m_contentType;
    int m_retryAfter = -1;
    int m_cutAfter = -1;
    Hang m_hang = Hang::None;
    int m_delayMs = 0;
    int m_inputTokens = 10;
    int m_outputTokens = 5;
    QString m_finish;
};

struct FakeRequest
{
    QString method;
    QString path;
    QString query;                           // without '?'
    QHash<QByteArray, QByteArray> headers;   // lower-case names
    QByteArray body;
    QJsonObject json;                        // body parsed when it is a JSON object
    qint64 receivedAtNs = 0;                 // FakeLlmServer::nowNs() on arrival
    QString style;                           // "openai" | "anthropic" | "gemini" | "ollama" for the known endpoints
    bool chat = false;                       // a chat (completion) request, which consumed one scripted reply
    bool embedding = false;                  // an embeddings request (never a chat request)
    QStringList inputs;                      // embeddings requests: the texts to embed, in order
    QString model;                           // the requested model (body field, or the Gemini path segment)
};

// A scripted fake LLM server on loopback (QHttpServer, streaming through QHttpServerResponder + its socket).
// Endpoints: POST /v1/chat/completions, GET /v1/models (OpenAI; Anthropic's shape when anthropic-version is sent),
// POST /v1/messages (Anthropic), POST /v1beta/models/{model}:streamGenerateContent and GET /v1beta/models (Gemini),
// POST /api/chat and GET /api/tags (Ollama). Embeddings: POST …/embeddings (OpenAI style), POST /api/embed (Ollama),
// POST /v1beta/models/{model}:batchEmbedContents (Gemini), POST /v2/embed (Cohere), answered with deterministic
// vectors of the texts (see FakeEmbeddings.h). Anything else → 404.
class FakeLlmServer : public QObject
{
    Q_OBJECT
public:
    explicit FakeLlmServer(QObject *parent = nullptr);
    ~FakeLlmServer() override;

    // 127.0.0.1, ephemeral port.
    bool listen();
    quint16 port() const { return m_port; }
    // The base URL to configure for a provider of that style: openai → http://127.0.0.1:P/v1, others → http://127.0.0.1:P.
    QString baseUrl(const QString &style = QStringLiteral("openai")) const;

    // Chat replies are consumed in FIFO order by chat requests of any style.
    void enqueue(const FakeReply &reply);
    // A reply only for a chat request whose raw body contains `marker` (e.g. a task's mission in its system prompt),
    // taken before the FIFO; markers are matched in the order they were added. For concurrent conversations.
    void enqueueFor(const QByteArray &marker, const FakeReply &reply) { m_routed.append({marker, reply}); }
    // Requests whose body contains this never take from the FIFO (routed replies, else the default).
    void keepOffFifo(const QByteArray &marker) { m_offFifo.append(marker); }
    int pendingRoutedReplies() const { return int(m_routed.size()); }
    // Used when the queue is empty (default: text({"ok"})).
    void setDefaultReply(const FakeReply &reply);
    // What the model listing endpoints return.
    void setModels(const QStringList &modelIds);
    // What POST …/images/generations answers (b64_json); empty → HTTP 500. Default: a 1×1 PNG.
    void setImage(const QByteArray &image) { m_image = image; }
    int pendingReplies() const { return int(m_queue.size()); }

    // Length of the computed embedding vectors (default 64); a request asking for a length gets that one instead.
    void setEmbeddingDimensions(int dimensions) { m_embeddingDims = qMax(1, dimensions); }
    int embeddingDimensions() const { return m_embeddingDims; }
    // The vector returned for exactly this text, whatever the dimension asked.
    void setEmbedding(const QString &text, const QList<float> &vector) { m_embeddingOverrides.insert(text, vector); }
    // The vector the fake answers for `text` at `dimensions` (0 = embeddingDimensions()).
    QList<float> embeddingFor(const QString &text, int dimensions = 0) const;
    // The next embeddings requests get these instead of vectors, FIFO (httpError and raw scripts; others are ignored).
    void enqueueEmbeddingReply(const FakeReply &reply) { m_embeddingQueue.enqueue(reply); }
    QList<FakeRequest> embeddingRequests() const;

    QList<FakeRequest> requests() const { return m_requests; }
    QList<FakeRequest> chatRequests() const;
    // Spins the event loop until that many chat requests arrived (QTRY-style). False on timeout.
    bool waitForChatRequests(int count, int timeoutMs = 5000);
    // Open streams (answers being written or hanging).
    int openStreams() const;

    // Monotonic nanoseconds, the clock of FakeRequest::receivedAtNs.
    static qint64 nowNs();

Q_SIGNALS:
    void requestReceived(const kinbot::test::FakeRequest &request);

private:
    struct Stream;
    void handle(const QHttpServerRequest &request, QHttpServerResponder &&responder);
    void startStream(std::shared_ptr<Stream> stream);
    void writeNext(std::shared_ptr<Stream> stream); // by value: dropStream() may release the list's copy
    void dropStream(const Stream *stream);

    QHttpServer *m_server = nullptr;
    quint16 m_port = 0;
    QQueue<FakeReply> m_queue;
    QList<QPair<QByteArray, FakeReply>> m_routed;
    QList<QByteArray> m_offFifo;
    std::unique_ptr<FakeReply> m_default;
    QStringList m_models;
    QByteArray m_image = QByteArray::fromBase64(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==");
    QList<FakeRequest> m_requests;
    int m_embeddingDims = 64;
    QHash<QString, QList<float>> m_embeddingOverrides;
    QQueue<FakeReply> m_embeddingQueue;
    QList<std::shared_ptr<Stream>> m_streams;
    int m_sequence = 0;
};

} // namespace kinbot::test

Q_DECLARE_METATYPE(kinbot::test::FakeRequest)
