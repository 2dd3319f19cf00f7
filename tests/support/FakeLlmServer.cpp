#include "FakeLlmServer.h"

#include <optional>

#include "FakeEmbeddings.h"
#include "FakeWireFormats.h"

#include <QElapsedTimer>
#include <QHttpServer>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QJsonArray>
#include <QJsonDocument>
#include <QPointer>
#include <QRegularExpression>
#include <QTcpSocket>
#include <QTimer>
#include <QtCore/qtestsupport_core.h>

namespace kinbot::test {

// ---- FakeReply -----------------------------------------------------------------------------------------------------

FakeReply FakeReply::text(const QStringList &chunks)
{
    FakeReply r;
    r.m_kind = Kind::Text;
    r.m_chunks = chunks;
    return r;
}

FakeReply FakeReply::toolCalls(const QList<FakeToolCall> &calls, const QStringList &textChunksBefore)
{
    FakeReply r;
    r.m_kind = Kind::ToolCalls;
    r.m_calls = calls;
    r.m_chunks = textChunksBefore;
    return r;
}

FakeReply FakeReply::httpError(int status, const QByteArray &jsonBody, int retryAfterSeconds)
{
    FakeReply r;
    r.m_kind = Kind::HttpError;
    r.m_status = status;
    r.m_body = jsonBody;
    r.m_contentType = "application/json";
    r.m_retryAfter = retryAfterSeconds;
    return r;
}

FakeReply FakeReply::raw(int status, const QByteArray &body, const QByteArray &contentType)
{
    FakeReply r;
    r.m_kind = Kind::Raw;
    r.m_status = status;
    r.m_body = body;
    r.m_contentType = contentType;
    return r;
}

FakeReply &FakeReply::cutAfter(int chunks)
{
    m_cutAfter = qMax(0, chunks);
    return *this;
}

FakeReply &FakeReply::hang()
{
    m_hang = Hang::AfterHeaders;
    return *this;
}

FakeReply &FakeReply::hangBeforeHeaders()
{
    m_hang = Hang::BeforeHeaders;
    return *this;
}

FakeReply &FakeReply::chunkDelayMs(int ms)
{
    m_delayMs = qMax(0, ms);
    return *this;
}

FakeReply &FakeReply::usage(int inputTokens, int outputTokens)
{
    m_inputTokens = inputTokens;
    m_outputTokens = outputTokens;
    return *this;
}

FakeReply &FakeReply::finishReason(const QString &normalised)
{
    m_finish = normalised;
    return *this;
}

QString FakeReply::finish() const
{
    if (!m_finish.isEmpty())
        return m_finish;
    return m_calls.isEmpty() ? QStringLiteral("stop") : QStringLiteral("tool_calls");
}

// ---- FakeLlmServer -------------------------------------------------------------------------------------------------

// One answer being written (or hanging). Holds the responder, as QHttpServer 6.4 needs for a deferred answer, and a
// QPointer to its socket: QHttpServer deleteLater()s the socket when the client goes away.
struct FakeLlmServer::Stream
{
    explicit Stream(QHttpServerResponder &&r) : responder(std::move(r)), socket(responder.socket()) {}
    bool alive() const { return socket && socket->state() == QAbstractSocket::ConnectedState; }

    QHttpServerResponder responder;
    QPointer<QTcpSocket> socket;
    QByteArray contentType;
    QList<fakewire::Frame> frames;
    int next = 0;
    int cutAt = -1;   // frame index before which the connection is closed; -1 = write everything
    int delayMs = 0;
    bool sendHeaders = true;
    bool writeFrames = true;
};

namespace {

QString methodName(QHttpServerRequest::Method m)
{
    switch (m) {
    case QHttpServerRequest::Method::Get: return QStringLiteral("GET");
    case QHttpServerRequest::Method::Put: return QStringLiteral("PUT");
    case QHttpServerRequest::Method::Delete: return QStringLiteral("DELETE");
    case QHttpServerRequest::Method::Post: return QStringLiteral("POST");
    case QHttpServerRequest::Method::Head: return QStringLiteral("HEAD");
    case QHttpServerRequest::Method::Options: return QStringLiteral("OPTIONS");
    case QHttpServerRequest::Method::Patch: return QStringLiteral("PATCH");
    default: return QStringLiteral("OTHER");
    }
}

void writeWhole(QHttpServerResponder &r, int status, const QByteArray &contentType, const QByteArray &body, int retryAfter = -1)
{
    r.writeStatusLine(QHttpServerResponder::StatusCode(status));
    r.writeHeader("Content-Type", contentType);
    r.writeHeader("Content-Length", QByteArray::number(body.size()));
    if (retryAfter >= 0)
        r.writeHeader("Retry-After", QByteArray::number(retryAfter));
    r.writeBody(body);
}

// Index of the frame before which the connection is cut so that exactly `chunks` content frames went out (and never
// the finish marker that follows them).
int cutIndex(const QList<fakewire::Frame> &frames, int chunks)
{
    int seen = 0;
    int afterLastContent = 0;
    for (int i = 0; i < frames.size(); ++i) {
        if (!frames.at(i).content)
            continue;
        if (seen == chunks)
            return i;
        ++seen;
        afterLastContent = i + 1;
    }
    return afterLastContent;
}

} // namespace

FakeLlmServer::FakeLlmServer(QObject *parent)
    : QObject(parent),
      m_server(new QHttpServer(this)),
      m_default(std::make_unique<FakeReply>(FakeReply::text({QStringLiteral("ok")}))),
      m_models({QStringLiteral("gpt-4o"), QStringLiteral("claude-sonnet-4"), QStringLiteral("gemini-2.0-flash"), QStringLiteral("llama3.2")})
{
    qRegisterMetaType<kinbot::test::FakeRequest>();
    nowNs(); // start the clock
    m_server->setMissingHandler([this](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
        handle(request, std::move(responder));
    });
}

FakeLlmServer::~FakeLlmServer() = default;

bool FakeLlmServer::listen()
{
    m_port = m_server->listen(QHostAddress::LocalHost, 0);
    return m_port != 0;
}

QString FakeLlmServer::baseUrl(const QString &style) const
{
    const QString root = QStringLiteral("http://127.0.0.1:%1").arg(m_port);
    return style == QLatin1String("openai") ? root + QStringLiteral("/v1") : root;
}

void FakeLlmServer::enqueue(const FakeReply &reply) { m_queue.enqueue(reply); }

void FakeLlmServer::setDefaultReply(const FakeReply &reply) { m_default = std::make_unique<FakeReply>(reply); }

void FakeLlmServer::setModels(const QStringList &modelIds) { m_models = modelIds; }

QList<FakeRequest> FakeLlmServer::chatRequests() const
{
    QList<FakeRequest> out;
    for (const FakeRequest &r : m_requests)
        if (r.chat)
            out.append(r);
    return out;
}

QList<FakeRequest> FakeLlmServer::embeddingRequests() const
{
    QList<FakeRequest> out;
    for (const FakeRequest &r : m_requests)
        if (r.embedding)
            out.append(r);
    return out;
}

QList<float> FakeLlmServer::embeddingFor(const QString &text, int dimensions) const
{
    const auto it = m_embeddingOverrides.constFind(text);
    if (it != m_embeddingOverrides.cend())
        return it.value();
    return fakeembed::embedding(text, dimensions > 0 ? dimensions : m_embeddingDims);
}

bool FakeLlmServer::waitForChatRequests(int count, int timeoutMs)
{
    return QTest::qWaitFor([&] { return chatRequests().size() >= count; }, timeoutMs);
}

int FakeLlmServer::openStreams() const { return int(m_streams.size()); }

qint64 FakeLlmServer::nowNs()
{
    static const QElapsedTimer clock = [] {
        QElapsedTimer t;
        t.start();
        return t;
    }();
    return clock.nsecsElapsed();
}

void FakeLlmServer::handle(const QHttpServerRequest &request, QHttpServerResponder &&responder)
{
    FakeRequest req;
    req.receivedAtNs = nowNs();
    req.method = methodName(request.method());
    req.path = request.url().path();
    req.query = request.url().query(QUrl::FullyEncoded);
    for (const auto &[name, value] : request.headers())
        req.headers.insert(name.toLower(), value);
    req.body = request.body();
    const QJsonDocument doc = QJsonDocument::fromJson(req.body);
    if (doc.isObject())
        req.json = doc.object();
    req.model = req.json.value(QStringLiteral("model")).toString();

    const bool post = req.method == QLatin1String("POST");
    const bool get = req.method == QLatin1String("GET");
    bool stream = true;
    static const QRegularExpression geminiChat(QStringLiteral("^/v1beta/models/([^:]+):streamGenerateContent$"));
    const QRegularExpressionMatch gemini = geminiChat.match(req.path);
    QString modelsStyle;
    QString embedModel;
    const QString embedStyle = fakeembed::styleOf(req.method, req.path, &embedModel);
    if (!embedStyle.isEmpty()) {
        req.style = embedStyle;
        req.embedding = true;
        req.inputs = fakeembed::inputs(embedStyle, req.json);
        if (!embedModel.isEmpty())
            req.model = embedModel;
    } else if (post && req.path.endsWith(QLatin1String("/chat/completions"))) {
        req.style = QStringLiteral("openai");
        req.chat = true;
        stream = req.json.value(QStringLiteral("stream")).toBool(false);
    } else if (post && req.path == QLatin1String("/v1/messages")) {
        req.style = QStringLiteral("anthropic");
        req.chat = true;
    } else if (post && gemini.hasMatch()) {
        req.style = QStringLiteral("gemini");
        req.chat = true;
        req.model = gemini.captured(1);
        stream = request.query().queryItemValue(QStringLiteral("alt")) == QLatin1String("sse");
    } else if (post && req.path == QLatin1String("/api/chat")) {
        req.style = QStringLiteral("ollama");
        req.chat = true;
        stream = req.json.value(QStringLiteral("stream")).toBool(true);
    } else if (get && req.path == QLatin1String("/v1/models")) {
        req.style = req.headers.contains("anthropic-version") ? QStringLiteral("anthropic") : QStringLiteral("openai");
        modelsStyle = req.style;
    } else if (post && req.path.endsWith(QLatin1String("/images/generations"))) {
        req.style = QStringLiteral("openai");
    } else if (get && req.path == QLatin1String("/v1beta/models")) {
        req.style = modelsStyle = QStringLiteral("gemini");
    } else if (get && req.path == QLatin1String("/api/tags")) {
        req.style = modelsStyle = QStringLiteral("ollama");
    }

    m_requests.append(req);
    Q_EMIT requestReceived(req);

    if (req.embedding) {
        if (!m_embeddingQueue.isEmpty()) {
            const FakeReply scripted = m_embeddingQueue.dequeue();
            if (scripted.kind() == FakeReply::Kind::HttpError || scripted.kind() == FakeReply::Kind::Raw) {
                const QByteArray body = scripted.body().isEmpty() && scripted.kind() == FakeReply::Kind::HttpError
                                            ? fakeembed::errorBody(req.style, scripted.status())
                                            : scripted.body();
                writeWhole(responder, scripted.status(), scripted.contentType(), body, scripted.retryAfterSeconds());
                return;
            }
        }
        const int dims = fakeembed::requestedDimensions(req.style, req.json);
        QList<QList<float>> vectors;
        for (const QString &text : req.inputs)
            vectors.append(embeddingFor(text, dims));
        writeWhole(responder, 200, "application/json", fakeembed::answer(req.style, vectors, req.model, req.inputs));
        return;
    }
    if (!modelsStyle.isEmpty()) {
        writeWhole(responder, 200, "application/json", fakewire::modelsBody(modelsStyle, m_models));
        return;
    }
    if (post && req.path.endsWith(QLatin1String("/images/generations"))) {
        if (m_image.isEmpty())
            writeWhole(responder, 500, "application/json", R"({"error":{"message":"image backend down","type":"server_error"}})");
        else
            writeWhole(responder, 200, "application/json",
                       QJsonDocument(QJsonObject{{QStringLiteral("created"), 0},
                                                 {QStringLiteral("data"), QJsonArray{QJsonObject{{QStringLiteral("b64_json"),
                                                                                                 QString::fromLatin1(m_image.toBase64())}}}}})
                           .toJson(QJsonDocument::Compact));
        return;
    }
    if (!req.chat) {
        writeWhole(responder, 404, "application/json", R"({"error":{"message":"Not found","type":"not_found"}})");
        return;
    }

    std::optional<FakeReply> routed;
    for (qsizetype i = 0; i < m_routed.size(); ++i)
        if (req.body.contains(m_routed[i].first)) {
            routed = m_routed.takeAt(i).second;
            break;
        }
    bool offFifo = false;
    for (const QByteArray &marker : std::as_const(m_offFifo))
        offFifo = offFifo || req.body.contains(marker);
    const FakeReply reply = routed ? *routed : (m_queue.isEmpty() || offFifo) ? *m_default : m_queue.dequeue();
    ++m_sequence;
    if (reply.kind() == FakeReply::Kind::HttpError || reply.kind() == FakeReply::Kind::Raw) {
        if (reply.hangMode() == FakeReply::Hang::None) {
            const QByteArray body = reply.body().isEmpty() && reply.kind() == FakeReply::Kind::HttpError
                                        ? fakewire::errorBody(req.style, reply.status())
                                        : reply.body();
            writeWhole(responder, reply.status(), reply.contentType(), body, reply.retryAfterSeconds());
            return;
        }
    }

    auto s = std::make_shared<Stream>(std::move(responder));
    s->delayMs = reply.delayMs();
    if (reply.hangMode() == FakeReply::Hang::BeforeHeaders) {
        s->sendHeaders = false;
        s->writeFrames = false;
    } else if (reply.hangMode() == FakeReply::Hang::AfterHeaders) {
        s->writeFrames = false;
        s->contentType = "text/event-stream";
    } else {
        fakewire::Rendered rendered = fakewire::renderChat(req.style, reply, req.model, stream, req.json, m_sequence);
        s->contentType = rendered.contentType;
        s->frames = std::move(rendered.frames);
        if (reply.cutAfterChunks() >= 0)
            s->cutAt = cutIndex(s->frames, reply.cutAfterChunks());
    }
    startStream(s);
}

void FakeLlmServer::startStream(std::shared_ptr<Stream> s)
{
    if (!s->socket)
        return;
    m_streams.append(s);
    const Stream *key = s.get();
    connect(s->socket, &QAbstractSocket::disconnected, this, [this, key] { dropStream(key); });
    connect(s->socket, &QObject::destroyed, this, [this, key] { dropStream(key); });
    // Written from the event loop, never inside QHttpServer's request handling.
    QTimer::singleShot(0, s->socket, [this, s] {
        if (!s->alive()) {
            dropStream(s.get());
            return;
        }
        if (!s->sendHeaders)
            return; // hangBeforeHeaders: the request stays unanswered
        s->responder.writeStatusLine(QHttpServerResponder::StatusCode::Ok);
        s->responder.writeHeader("Content-Type", s->contentType);
        s->responder.writeHeader("Cache-Control", "no-cache");
        s->responder.writeHeader("Transfer-Encoding", "chunked");
        s->responder.writeBody(QByteArray()); // ends the header block
        s->socket->flush();
        if (s->writeFrames)
            writeNext(s);
    });
}

void FakeLlmServer::writeNext(std::shared_ptr<Stream> s)
{
    if (!s->alive()) {
        dropStream(s.get());
        return;
    }
    while (s->next < s->frames.size()) {
        if (s->cutAt >= 0 && s->next >= s->cutAt) {
            s->socket->flush();
            s->socket->disconnectFromHost(); // no terminating chunk: the client sees the body break off
            dropStream(s.get());
            return;
        }
        const QByteArray &bytes = s->frames.at(s->next++).bytes;
        s->responder.writeBody(QByteArray::number(bytes.size(), 16) + "\r\n" + bytes + "\r\n");
        s->socket->flush();
        if (s->delayMs > 0 && s->next < s->frames.size()) {
            QTimer::singleShot(s->delayMs, s->socket, [this, s] { writeNext(s); });
            return;
        }
    }
    if (s->cutAt >= 0 && s->next >= s->cutAt) {
        s->socket->disconnectFromHost();
        dropStream(s.get());
        return;
    }
    s->responder.writeBody(QByteArrayLiteral("0\r\n\r\n"));
    s->socket->flush();
    dropStream(s.get());
}

void FakeLlmServer::dropStream(const Stream *stream)
{
    m_streams.removeIf([stream](const std::shared_ptr<Stream> &s) { return s.get() == stream; });
}

} // namespace kinbot::test
