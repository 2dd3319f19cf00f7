#include "llm/AnthropicChatStream.h"

#include "llm/LlmErrors.h"
#include "llm/ToolCallArgs.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace kinbot::llm {

namespace {

QJsonArray asBlocks(const QJsonValue &content)
{
    if (content.isArray())
        return content.toArray();
    const QString text = content.toString();
    if (text.isEmpty())
        return {};
    return QJsonArray{QJsonObject{{QStringLiteral("type"), QStringLiteral("text")}, {QStringLiteral("text"), text}}};
}

QJsonObject textBlock(const QString &text)
{
    return {{QStringLiteral("type"), QStringLiteral("text")}, {QStringLiteral("text"), text}};
}

QJsonObject messageJson(const ChatMessage &m)
{
    switch (m.role) {
    case ChatMessage::Role::User: {
        if (m.images.isEmpty())
            return {{QStringLiteral("role"), QStringLiteral("user")}, {QStringLiteral("content"), m.content}};
        QJsonArray blocks;
        // Images before the text that refers to them, as Anthropic recommends.
        for (const ImagePart &img : m.images)
            blocks.append(QJsonObject{{QStringLiteral("type"), QStringLiteral("image")},
                                      {QStringLiteral("source"), QJsonObject{{QStringLiteral("type"), QStringLiteral("base64")},
                                                                             {QStringLiteral("media_type"), img.mimeType},
                                                                             {QStringLiteral("data"), QString::fromLatin1(img.data.toBase64())}}}});
        if (!m.content.isEmpty())
            blocks.append(textBlock(m.content));
        return {{QStringLiteral("role"), QStringLiteral("user")}, {QStringLiteral("content"), blocks}};
    }
    case ChatMessage::Role::Assistant: {
        if (m.toolCalls.isEmpty())
            return {{QStringLiteral("role"), QStringLiteral("assistant")}, {QStringLiteral("content"), m.content}};
        QJsonArray blocks;
        if (!m.content.isEmpty()) // Anthropic rejects empty text blocks
            blocks.append(textBlock(m.content));
        for (const ToolCall &c : m.toolCalls)
            blocks.append(QJsonObject{{QStringLiteral("type"), QStringLiteral("tool_use")},
                                      {QStringLiteral("id"), c.id},
                                      {QStringLiteral("name"), c.name},
                                      {QStringLiteral("input"), c.args}});
        return {{QStringLiteral("role"), QStringLiteral("assistant")}, {QStringLiteral("content"), blocks}};
    }
    case ChatMessage::Role::Tool:
        // Tool results travel in a user turn, as tool_result blocks answering the tool_use ids.
        return {{QStringLiteral("role"), QStringLiteral("user")},
                {QStringLiteral("content"), QJsonArray{QJsonObject{{QStringLiteral("type"), QStringLiteral("tool_result")},
                                                                   {QStringLiteral("tool_use_id"), m.toolCallId},
                                                                   {QStringLiteral("content"), m.content}}}}};
    }
    return {};
}

QString normaliseStop(const QString &reason)
{
    if (reason == QLatin1String("end_turn") || reason == QLatin1String("stop_sequence"))
        return QStringLiteral("stop");
    if (reason == QLatin1String("tool_use"))
        return QStringLiteral("tool_calls");
    if (reason == QLatin1String("max_tokens") || reason == QLatin1String("model_context_window_exceeded"))
        return QStringLiteral("length");
    if (reason == QLatin1String("refusal"))
        return QStringLiteral("content_filter");
    return QStringLiteral("other");
}

LlmError inStreamError(const QJsonObject &err)
{
    LlmError e;
    const QString type = err.value(QStringLiteral("type")).toString();
    const QString message = err.value(QStringLiteral("message")).toString();
    e.message = message.isEmpty() ? QStringLiteral("Anthropic reported %1 mid-stream").arg(type) : message;
    if (type == QLatin1String("rate_limit_error"))
        e.kind = LlmError::Kind::RateLimited;
    else if (type == QLatin1String("authentication_error") || type == QLatin1String("permission_error"))
        e.kind = LlmError::Kind::Auth;
    else if (type == QLatin1String("invalid_request_error"))
        e.kind = looksLikeContextOverflow(message) ? LlmError::Kind::ContextTooLong : LlmError::Kind::BadRequest;
    else
        e.kind = LlmError::Kind::Server; // overloaded_error, api_error
    return e;
}

} // namespace

AnthropicChatStream::AnthropicChatStream(QNetworkAccessManager &network, const ClientSettings &settings,
                                         const ChatRequest &request, QObject *parent)
    : HttpChatStream(network, settings.limits, parent)
{
    QNetworkRequest req(QUrl(settings.baseUrl + QStringLiteral("/v1/messages")));
    req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    req.setRawHeader("Accept", "text/event-stream");
    req.setRawHeader("anthropic-version", kApiVersion);
    if (!settings.apiKey.isEmpty())
        req.setRawHeader("x-api-key", settings.apiKey.toUtf8());
    setHttpRequest(req, QJsonDocument(requestBody(request)).toJson(QJsonDocument::Compact));
}

QJsonObject AnthropicChatStream::requestBody(const ChatRequest &request)
{
    // Consecutive turns of one role are merged: all tool_result blocks answering one assistant turn must share the
    // next user turn, and a user text following tool results joins them.
    QJsonArray messages;
    for (const ChatMessage &m : request.messages) {
        const QJsonObject o = messageJson(m);
        if (!messages.isEmpty()) {
            QJsonObject last = messages.last().toObject();
            if (last.value(QStringLiteral("role")) == o.value(QStringLiteral("role"))) {
                QJsonArray blocks = asBlocks(last.value(QStringLiteral("content")));
                for (const QJsonValue &b : asBlocks(o.value(QStringLiteral("content"))))
                    blocks.append(b);
                last.insert(QStringLiteral("content"), blocks);
                messages.replace(messages.size() - 1, last);
                continue;
            }
        }
        messages.append(o);
    }

    QJsonObject body{{QStringLiteral("model"), request.model},
                     {QStringLiteral("max_tokens"), request.maxOutputTokens > 0 ? request.maxOutputTokens : kDefaultMaxTokens},
                     {QStringLiteral("messages"), messages},
                     {QStringLiteral("stream"), true}};
    if (!request.system.isEmpty())
        body.insert(QStringLiteral("system"), request.system);
    if (!request.tools.isEmpty()) {
        QJsonArray tools;
        for (const ToolSpec &t : request.tools) {
            QJsonObject schema = t.parameters;
            if (schema.isEmpty())
                schema = {{QStringLiteral("type"), QStringLiteral("object")}, {QStringLiteral("properties"), QJsonObject()}};
            tools.append(QJsonObject{{QStringLiteral("name"), t.name},
                                     {QStringLiteral("description"), t.description},
                                     {QStringLiteral("input_schema"), schema}});
        }
        body.insert(QStringLiteral("tools"), tools);
    }
    if (request.temperature >= 0)
        body.insert(QStringLiteral("temperature"), request.temperature);
    return body;
}

void AnthropicChatStream::beginAttempt()
{
    m_sse.clear();
    m_blocks.clear();
    m_stopReason.clear();
}

void AnthropicChatStream::consume(const QByteArray &bytes)
{
    m_sse.feed(bytes);
    SseEvent ev;
    while (!isDone() && m_sse.next(ev))
        handleEvent(ev);
}

void AnthropicChatStream::handleEvent(const SseEvent &ev)
{
    const QJsonDocument doc = QJsonDocument::fromJson(ev.data);
    if (!doc.isObject()) {
        LlmError e;
        e.kind = LlmError::Kind::Protocol;
        e.message = QStringLiteral("Malformed stream event from Anthropic: %1").arg(QString::fromUtf8(ev.data.left(200)));
        fail(e);
        return;
    }
    const QJsonObject o = doc.object();
    const QString type = o.value(QStringLiteral("type")).toString(QString::fromUtf8(ev.event));

    if (type == QLatin1String("message_start")) {
        const QJsonObject usage = o.value(QStringLiteral("message")).toObject().value(QStringLiteral("usage")).toObject();
        // Cached prompt tokens are billed apart but are input all the same.
        result().usage.inputTokens = usage.value(QStringLiteral("input_tokens")).toInteger()
                                     + usage.value(QStringLiteral("cache_creation_input_tokens")).toInteger()
                                     + usage.value(QStringLiteral("cache_read_input_tokens")).toInteger();
        result().usage.outputTokens = usage.value(QStringLiteral("output_tokens")).toInteger();
    } else if (type == QLatin1String("content_block_start")) {
        const int index = o.value(QStringLiteral("index")).toInt();
        const QJsonObject cb = o.value(QStringLiteral("content_block")).toObject();
        Block &b = m_blocks[index];
        b.type = cb.value(QStringLiteral("type")).toString();
        if (b.type == QLatin1String("text")) {
            deliverText(cb.value(QStringLiteral("text")).toString());
        } else if (b.type == QLatin1String("tool_use")) {
            b.id = cb.value(QStringLiteral("id")).toString();
            if (b.id.isEmpty())
                b.id = newToolCallId();
            b.name = cb.value(QStringLiteral("name")).toString();
            const QJsonObject input = cb.value(QStringLiteral("input")).toObject();
            if (!input.isEmpty()) // normally {} with the JSON streamed after; keep a complete one
                b.json = QJsonDocument(input).toJson(QJsonDocument::Compact);
            deliverToolStarted(b.id, b.name);
        }
    } else if (type == QLatin1String("content_block_delta")) {
        const int index = o.value(QStringLiteral("index")).toInt();
        const QJsonObject delta = o.value(QStringLiteral("delta")).toObject();
        const QString dtype = delta.value(QStringLiteral("type")).toString();
        if (dtype == QLatin1String("text_delta")) {
            deliverText(delta.value(QStringLiteral("text")).toString());
        } else if (dtype == QLatin1String("input_json_delta")) {
            Block &b = m_blocks[index];
            if (!b.streamed) { // the streamed JSON replaces any input given at the start
                b.json.clear();
                b.streamed = true;
            }
            b.json += delta.value(QStringLiteral("partial_json")).toString().toUtf8();
        }
        // thinking_delta / signature_delta / citations_delta: not part of the answer text.
    } else if (type == QLatin1String("content_block_stop")) {
        const int index = o.value(QStringLiteral("index")).toInt();
        const auto it = m_blocks.constFind(index);
        if (it != m_blocks.cend() && it->type == QLatin1String("tool_use")) {
            ToolCall call;
            call.id = it->id;
            call.name = it->name;
            setToolArgs(call, it->json);
            deliverToolReady(call);
        }
    } else if (type == QLatin1String("message_delta")) {
        const QString reason = o.value(QStringLiteral("delta")).toObject().value(QStringLiteral("stop_reason")).toString();
        if (!reason.isEmpty())
            m_stopReason = normaliseStop(reason);
        const QJsonObject usage = o.value(QStringLiteral("usage")).toObject();
        if (usage.contains(QStringLiteral("output_tokens")))
            result().usage.outputTokens = usage.value(QStringLiteral("output_tokens")).toInteger();
    } else if (type == QLatin1String("message_stop")) {
        result().finishReason = m_stopReason;
        succeed();
    } else if (type == QLatin1String("error")) {
        failOrRetry(inStreamError(o.value(QStringLiteral("error")).toObject()));
    }
    // ping and unknown events: ignored.
}

void AnthropicChatStream::endOfBody()
{
    SseEvent ev;
    if (m_sse.takePending(ev))
        handleEvent(ev);
    if (!isDone())
        failTruncated();
}

} // namespace kinbot::llm
