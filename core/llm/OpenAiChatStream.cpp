#include "llm/OpenAiChatStream.h"

#include "llm/LlmErrors.h"
#include "llm/ToolCallArgs.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace kinbot::llm {

namespace {

QJsonValue userContent(const ChatMessage &m)
{
    if (m.images.isEmpty())
        return m.content;
    QJsonArray parts;
    if (!m.content.isEmpty())
        parts.append(QJsonObject{{QStringLiteral("type"), QStringLiteral("text")}, {QStringLiteral("text"), m.content}});
    for (const ImagePart &img : m.images) {
        const QString url = QStringLiteral("data:%1;base64,%2").arg(img.mimeType, QString::fromLatin1(img.data.toBase64()));
        parts.append(QJsonObject{{QStringLiteral("type"), QStringLiteral("image_url")},
                                 {QStringLiteral("image_url"), QJsonObject{{QStringLiteral("url"), url}}}});
    }
    return parts;
}

QJsonObject messageJson(const ChatMessage &m)
{
    switch (m.role) {
    case ChatMessage::Role::User:
        return {{QStringLiteral("role"), QStringLiteral("user")}, {QStringLiteral("content"), userContent(m)}};
    case ChatMessage::Role::Assistant: {
        QJsonObject o{{QStringLiteral("role"), QStringLiteral("assistant")}};
        if (m.toolCalls.isEmpty()) {
            o.insert(QStringLiteral("content"), m.content);
            return o;
        }
        // content null (not "") next to tool_calls: some compatible servers reject an empty string there.
        o.insert(QStringLiteral("content"), m.content.isEmpty() ? QJsonValue() : QJsonValue(m.content));
        QJsonArray calls;
        for (const ToolCall &c : m.toolCalls) {
            const QString args = QString::fromUtf8(QJsonDocument(c.args).toJson(QJsonDocument::Compact));
            calls.append(QJsonObject{{QStringLiteral("id"), c.id},
                                     {QStringLiteral("type"), QStringLiteral("function")},
                                     {QStringLiteral("function"),
                                      QJsonObject{{QStringLiteral("name"), c.name}, {QStringLiteral("arguments"), args}}}});
        }
        o.insert(QStringLiteral("tool_calls"), calls);
        return o;
    }
    case ChatMessage::Role::Tool:
        return {{QStringLiteral("role"), QStringLiteral("tool")},
                {QStringLiteral("tool_call_id"), m.toolCallId},
                {QStringLiteral("content"), m.content}};
    }
    return {};
}

QString normaliseFinish(const QString &reason)
{
    if (reason == QLatin1String("stop") || reason == QLatin1String("end_turn") || reason == QLatin1String("eos"))
        return QStringLiteral("stop");
    if (reason == QLatin1String("tool_calls") || reason == QLatin1String("function_call"))
        return QStringLiteral("tool_calls");
    if (reason == QLatin1String("length") || reason == QLatin1String("max_tokens"))
        return QStringLiteral("length");
    if (reason == QLatin1String("content_filter"))
        return QStringLiteral("content_filter");
    return QStringLiteral("other");
}

LlmError inStreamError(const QJsonObject &err)
{
    LlmError e;
    const QString message = err.value(QStringLiteral("message")).toString();
    const QString code = err.value(QStringLiteral("code")).toVariant().toString() + QLatin1Char(' ')
                         + err.value(QStringLiteral("type")).toString();
    e.message = message.isEmpty() ? QStringLiteral("The provider reported an error mid-stream") : message;
    if (looksLikeContextOverflow(message) || looksLikeContextOverflow(code))
        e.kind = LlmError::Kind::ContextTooLong;
    else if (code.contains(QLatin1String("rate_limit")) || code.contains(QLatin1String("429")))
        e.kind = LlmError::Kind::RateLimited;
    else
        e.kind = LlmError::Kind::Server;
    return e;
}

} // namespace

OpenAiChatStream::OpenAiChatStream(QNetworkAccessManager &network, const ClientSettings &settings,
                                   const ChatRequest &request, QObject *parent)
    : HttpChatStream(network, settings.limits, parent)
{
    QNetworkRequest req(QUrl(settings.baseUrl + QStringLiteral("/chat/completions")));
    req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    req.setRawHeader("Accept", "text/event-stream");
    if (!settings.apiKey.isEmpty())
        req.setRawHeader("Authorization", "Bearer " + settings.apiKey.toUtf8());
    setHttpRequest(req, QJsonDocument(requestBody(request, settings)).toJson(QJsonDocument::Compact));
}

QJsonObject OpenAiChatStream::requestBody(const ChatRequest &request, const ClientSettings &settings)
{
    QJsonArray messages;
    if (!request.system.isEmpty())
        messages.append(QJsonObject{{QStringLiteral("role"), QStringLiteral("system")}, {QStringLiteral("content"), request.system}});
    for (const ChatMessage &m : request.messages)
        messages.append(messageJson(m));

    QJsonObject body{{QStringLiteral("model"), request.model},
                     {QStringLiteral("messages"), messages},
                     {QStringLiteral("stream"), true},
                     {QStringLiteral("stream_options"), QJsonObject{{QStringLiteral("include_usage"), true}}}};
    if (!request.tools.isEmpty()) {
        QJsonArray tools;
        for (const ToolSpec &t : request.tools) {
            QJsonObject params = t.parameters;
            if (params.isEmpty())
                params = {{QStringLiteral("type"), QStringLiteral("object")}, {QStringLiteral("properties"), QJsonObject()}};
            tools.append(QJsonObject{{QStringLiteral("type"), QStringLiteral("function")},
                                     {QStringLiteral("function"),
                                      QJsonObject{{QStringLiteral("name"), t.name},
                                                  {QStringLiteral("description"), t.description},
                                                  {QStringLiteral("parameters"), params}}}});
        }
        body.insert(QStringLiteral("tools"), tools);
    }
    if (request.maxOutputTokens > 0) {
        // OpenAI's reasoning models only accept max_completion_tokens; compatible servers mostly know max_tokens.
        const bool openAi = settings.type == QLatin1String("openai");
        body.insert(openAi ? QStringLiteral("max_completion_tokens") : QStringLiteral("max_tokens"), request.maxOutputTokens);
    }
    if (request.temperature >= 0)
        body.insert(QStringLiteral("temperature"), request.temperature);
    return body;
}

void OpenAiChatStream::beginAttempt()
{
    m_sse.clear();
    m_calls.clear();
    m_finishReason.clear();
}

void OpenAiChatStream::consume(const QByteArray &bytes)
{
    m_sse.feed(bytes);
    SseEvent ev;
    while (!isDone() && m_sse.next(ev))
        handleEvent(ev);
}

void OpenAiChatStream::handleEvent(const SseEvent &ev)
{
    const QByteArray data = ev.data.trimmed();
    if (data == "[DONE]") {
        finish();
        return;
    }
    const QJsonDocument doc = QJsonDocument::fromJson(data);
    if (!doc.isObject()) {
        LlmError e;
        e.kind = LlmError::Kind::Protocol;
        e.message = QStringLiteral("Malformed stream chunk from the provider: %1").arg(QString::fromUtf8(data.left(200)));
        fail(e);
        return;
    }
    handleChunk(doc.object());
}

void OpenAiChatStream::handleChunk(const QJsonObject &chunk)
{
    if (chunk.value(QStringLiteral("error")).isObject()) {
        failOrRetry(inStreamError(chunk.value(QStringLiteral("error")).toObject()));
        return;
    }
    const QJsonObject usage = chunk.value(QStringLiteral("usage")).toObject();
    if (!usage.isEmpty()) {
        result().usage.inputTokens = usage.value(QStringLiteral("prompt_tokens")).toInteger();
        result().usage.outputTokens = usage.value(QStringLiteral("completion_tokens")).toInteger();
    }
    const QJsonArray choices = chunk.value(QStringLiteral("choices")).toArray();
    if (choices.isEmpty())
        return;
    const QJsonObject choice = choices.first().toObject();
    const QJsonObject delta = choice.value(QStringLiteral("delta")).toObject();
    const QJsonValue content = delta.value(QStringLiteral("content"));
    if (content.isString()) {
        deliverText(content.toString());
    } else if (content.isArray()) {
        // Some compatible servers stream content as typed parts.
        for (const QJsonValue &p : content.toArray())
            if (p.toObject().value(QStringLiteral("type")).toString() == QLatin1String("text"))
                deliverText(p.toObject().value(QStringLiteral("text")).toString());
    }
    if (isDone())
        return;
    if (delta.value(QStringLiteral("tool_calls")).isArray())
        handleToolDelta(delta.value(QStringLiteral("tool_calls")).toArray());
    const QJsonValue finish = choice.value(QStringLiteral("finish_reason"));
    if (!isDone() && finish.isString() && !finish.toString().isEmpty()) {
        m_finishReason = normaliseFinish(finish.toString());
        flushToolCalls();
    }
}

void OpenAiChatStream::handleToolDelta(const QJsonArray &deltas)
{
    for (int i = 0; i < deltas.size() && !isDone(); ++i) {
        const QJsonObject d = deltas.at(i).toObject();
        const int index = d.value(QStringLiteral("index")).toInt(i);
        PendingCall &call = m_calls[index];
        const QString id = d.value(QStringLiteral("id")).toString();
        if (!id.isEmpty() && call.id.isEmpty())
            call.id = id;
        const QJsonObject fn = d.value(QStringLiteral("function")).toObject();
        const QString name = fn.value(QStringLiteral("name")).toString();
        if (!name.isEmpty() && call.name.isEmpty())
            call.name = name;
        const QJsonValue args = fn.value(QStringLiteral("arguments"));
        if (args.isString())
            call.args += args.toString().toUtf8();
        else if (args.isObject()) // a few servers send the arguments already parsed
            call.args = QJsonDocument(args.toObject()).toJson(QJsonDocument::Compact);
        if (!call.started && !call.name.isEmpty()) {
            if (call.id.isEmpty())
                call.id = newToolCallId();
            call.started = true;
            deliverToolStarted(call.id, call.name);
        }
    }
}

void OpenAiChatStream::flushToolCalls()
{
    for (auto it = m_calls.begin(); it != m_calls.end() && !isDone(); ++it) {
        PendingCall &p = it.value();
        if (p.ready || p.name.isEmpty())
            continue;
        p.ready = true;
        ToolCall call;
        call.id = p.id.isEmpty() ? newToolCallId() : p.id;
        call.name = p.name;
        setToolArgs(call, p.args);
        deliverToolReady(call);
    }
}

void OpenAiChatStream::finish()
{
    flushToolCalls();
    if (isDone())
        return;
    result().finishReason = m_finishReason;
    succeed();
}

void OpenAiChatStream::endOfBody()
{
    // Lenient on the marker: a body that ended cleanly after a finish_reason is complete even without [DONE]
    // (some compatible servers omit it). A cut connection never reaches here.
    SseEvent ev;
    if (m_sse.takePending(ev))
        handleEvent(ev);
    if (isDone())
        return;
    if (!m_finishReason.isEmpty())
        finish();
    else
        failTruncated();
}

} // namespace kinbot::llm
