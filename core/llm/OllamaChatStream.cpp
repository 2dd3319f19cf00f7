#include "llm/OllamaChatStream.h"

#include "llm/LlmErrors.h"
#include "llm/ToolCallArgs.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace kinbot::llm {

namespace {

QJsonObject messageJson(const ChatMessage &m)
{
    switch (m.role) {
    case ChatMessage::Role::User: {
        QJsonObject o{{QStringLiteral("role"), QStringLiteral("user")}, {QStringLiteral("content"), m.content}};
        if (!m.images.isEmpty()) {
            QJsonArray images;
            for (const ImagePart &img : m.images)
                images.append(QString::fromLatin1(img.data.toBase64()));
            o.insert(QStringLiteral("images"), images);
        }
        return o;
    }
    case ChatMessage::Role::Assistant: {
        QJsonObject o{{QStringLiteral("role"), QStringLiteral("assistant")}, {QStringLiteral("content"), m.content}};
        if (!m.toolCalls.isEmpty()) {
            QJsonArray calls;
            for (const ToolCall &c : m.toolCalls)
                calls.append(QJsonObject{{QStringLiteral("function"), QJsonObject{{QStringLiteral("name"), c.name},
                                                                                  {QStringLiteral("arguments"), c.args}}}});
            o.insert(QStringLiteral("tool_calls"), calls);
        }
        return o;
    }
    case ChatMessage::Role::Tool: {
        QJsonObject o{{QStringLiteral("role"), QStringLiteral("tool")}, {QStringLiteral("content"), m.content}};
        if (!m.toolName.isEmpty())
            o.insert(QStringLiteral("tool_name"), m.toolName);
        return o;
    }
    }
    return {};
}

LlmError inStreamError(const QString &message)
{
    LlmError e;
    e.message = message;
    e.kind = looksLikeContextOverflow(message) ? LlmError::Kind::ContextTooLong : LlmError::Kind::Server;
    return e;
}

} // namespace

OllamaChatStream::OllamaChatStream(QNetworkAccessManager &network, const ClientSettings &settings,
                                   const ChatRequest &request, QObject *parent)
    : HttpChatStream(network, settings.limits, parent)
{
    QNetworkRequest req(QUrl(settings.baseUrl + QStringLiteral("/api/chat")));
    req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    req.setRawHeader("Accept", "application/x-ndjson");
    if (!settings.apiKey.isEmpty()) // Ollama behind an authenticating proxy, or ollama.com
        req.setRawHeader("Authorization", "Bearer " + settings.apiKey.toUtf8());
    setHttpRequest(req, QJsonDocument(requestBody(request)).toJson(QJsonDocument::Compact));
}

QJsonObject OllamaChatStream::requestBody(const ChatRequest &request)
{
    QJsonArray messages;
    if (!request.system.isEmpty())
        messages.append(QJsonObject{{QStringLiteral("role"), QStringLiteral("system")}, {QStringLiteral("content"), request.system}});
    for (const ChatMessage &m : request.messages)
        messages.append(messageJson(m));
    QJsonObject body{{QStringLiteral("model"), request.model},
                     {QStringLiteral("messages"), messages},
                     {QStringLiteral("stream"), true}};
    if (!request.tools.isEmpty()) {
        QJsonArray tools;
        for (const ToolSpec &t : request.tools) {
            QJsonObject params = t.parameters;
            if (params.isEmpty())
                params = {{QStringLiteral("type"), QStringLiteral("object")}, {QStringLiteral("properties"), QJsonObject()}};
            tools.append(QJsonObject{{QStringLiteral("type"), QStringLiteral("function")},
                                     {QStringLiteral("function"), QJsonObject{{QStringLiteral("name"), t.name},
                                                                              {QStringLiteral("description"), t.description},
                                                                              {QStringLiteral("parameters"), params}}}});
        }
        body.insert(QStringLiteral("tools"), tools);
    }
    QJsonObject options;
    if (request.maxOutputTokens > 0)
        options.insert(QStringLiteral("num_predict"), request.maxOutputTokens);
    if (request.temperature >= 0)
        options.insert(QStringLiteral("temperature"), request.temperature);
    if (!options.isEmpty())
        body.insert(QStringLiteral("options"), options);
    return body;
}

void OllamaChatStream::beginAttempt() { m_lines.clear(); }

void OllamaChatStream::consume(const QByteArray &bytes)
{
    m_lines.feed(bytes);
    QByteArray line;
    while (!isDone() && m_lines.nextLine(line))
        handleLine(line);
}

void OllamaChatStream::handleLine(const QByteArray &raw)
{
    const QByteArray line = raw.trimmed();
    if (line.isEmpty())
        return;
    const QJsonDocument doc = QJsonDocument::fromJson(line);
    if (!doc.isObject()) {
        LlmError e;
        e.kind = LlmError::Kind::Protocol;
        e.message = QStringLiteral("Malformed stream line from Ollama: %1").arg(QString::fromUtf8(line.left(200)));
        fail(e);
        return;
    }
    const QJsonObject o = doc.object();
    if (o.contains(QStringLiteral("error"))) {
        const QJsonValue err = o.value(QStringLiteral("error"));
        failOrRetry(inStreamError(err.isString() ? err.toString() : err.toObject().value(QStringLiteral("message")).toString()));
        return;
    }
    const QJsonObject message = o.value(QStringLiteral("message")).toObject();
    deliverText(message.value(QStringLiteral("content")).toString());
    for (const QJsonValue &v : message.value(QStringLiteral("tool_calls")).toArray()) {
        if (isDone())
            return;
        const QJsonObject tc = v.toObject();
        const QJsonObject fn = tc.value(QStringLiteral("function")).toObject();
        ToolCall call;
        call.id = tc.value(QStringLiteral("id")).toString();
        if (call.id.isEmpty())
            call.id = newToolCallId();
        call.name = fn.value(QStringLiteral("name")).toString();
        const QJsonValue args = fn.value(QStringLiteral("arguments"));
        setToolArgs(call, args.isObject() ? QJsonDocument(args.toObject()).toJson(QJsonDocument::Compact)
                                          : args.toString().toUtf8());
        deliverToolStarted(call.id, call.name);
        deliverToolReady(call);
    }
    if (isDone() || !o.value(QStringLiteral("done")).toBool())
        return;
    result().usage.inputTokens = o.value(QStringLiteral("prompt_eval_count")).toInteger();
    result().usage.outputTokens = o.value(QStringLiteral("eval_count")).toInteger();
    const QString reason = o.value(QStringLiteral("done_reason")).toString();
    if (!result().toolCalls.isEmpty())
        result().finishReason = QStringLiteral("tool_calls"); // Ollama says "stop" for a step that called tools
    else if (reason == QLatin1String("length"))
        result().finishReason = QStringLiteral("length");
    else if (reason.isEmpty() || reason == QLatin1String("stop"))
        result().finishReason = QStringLiteral("stop");
    else
        result().finishReason = QStringLiteral("other");
    succeed();
}

void OllamaChatStream::endOfBody()
{
    const QByteArray rest = m_lines.takeRest();
    if (!rest.trimmed().isEmpty())
        handleLine(rest);
    if (!isDone())
        failTruncated();
}

} // namespace kinbot::llm
