#include "llm/GeminiChatStream.h"

#include "llm/LlmErrors.h"
#include "llm/ToolCallArgs.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>

namespace kinbot::llm {

namespace {

QJsonObject textPart(const QString &text) { return {{QStringLiteral("text"), text}}; }

QJsonArray messageParts(const ChatMessage &m, const QHash<QString, QString> &toolNames)
{
    QJsonArray parts;
    switch (m.role) {
    case ChatMessage::Role::User:
        for (const ImagePart &img : m.images)
            parts.append(QJsonObject{{QStringLiteral("inlineData"), QJsonObject{{QStringLiteral("mimeType"), img.mimeType},
                                                                                {QStringLiteral("data"), QString::fromLatin1(img.data.toBase64())}}}});
        if (!m.content.isEmpty() || parts.isEmpty())
            parts.append(textPart(m.content));
        break;
    case ChatMessage::Role::Assistant:
        if (!m.content.isEmpty() || m.toolCalls.isEmpty())
            parts.append(textPart(m.content));
        for (const ToolCall &c : m.toolCalls)
            parts.append(QJsonObject{{QStringLiteral("functionCall"), QJsonObject{{QStringLiteral("name"), c.name},
                                                                                  {QStringLiteral("args"), c.args}}}});
        break;
    case ChatMessage::Role::Tool: {
        // functionResponse.response must be an object: a JSON object result as is, anything else wrapped.
        const QJsonDocument doc = QJsonDocument::fromJson(m.content.toUtf8());
        const QJsonObject response = doc.isObject() ? doc.object() : QJsonObject{{QStringLiteral("result"), m.content}};
        const QString name = m.toolName.isEmpty() ? toolNames.value(m.toolCallId) : m.toolName;
        parts.append(QJsonObject{{QStringLiteral("functionResponse"), QJsonObject{{QStringLiteral("name"), name},
                                                                                  {QStringLiteral("response"), response}}}});
        break;
    }
    }
    return parts;
}

QString normaliseFinish(const QString &reason)
{
    if (reason == QLatin1String("STOP"))
        return QStringLiteral("stop");
    if (reason == QLatin1String("MAX_TOKENS"))
        return QStringLiteral("length");
    if (reason == QLatin1String("SAFETY") || reason == QLatin1String("RECITATION") || reason == QLatin1String("BLOCKLIST")
        || reason == QLatin1String("PROHIBITED_CONTENT") || reason == QLatin1String("SPII")
        || reason == QLatin1String("IMAGE_SAFETY"))
        return QStringLiteral("content_filter");
    return QStringLiteral("other");
}

LlmError inStreamError(const QJsonObject &err)
{
    LlmError e;
    const int code = err.value(QStringLiteral("code")).toInt();
    const QString status = err.value(QStringLiteral("status")).toString();
    const QString message = err.value(QStringLiteral("message")).toString();
    e.httpStatus = code;
    e.message = message.isEmpty() ? QStringLiteral("Gemini reported %1 mid-stream").arg(status) : message;
    if (code == 429 || status == QLatin1String("RESOURCE_EXHAUSTED"))
        e.kind = LlmError::Kind::RateLimited;
    else if (code == 401 || code == 403 || status == QLatin1String("UNAUTHENTICATED") || status == QLatin1String("PERMISSION_DENIED"))
        e.kind = LlmError::Kind::Auth;
    else if (code >= 400 && code < 500)
        e.kind = looksLikeContextOverflow(message) ? LlmError::Kind::ContextTooLong : LlmError::Kind::BadRequest;
    else
        e.kind = LlmError::Kind::Server;
    return e;
}

} // namespace

GeminiChatStream::GeminiChatStream(QNetworkAccessManager &network, const ClientSettings &settings,
                                   const ChatRequest &request, QObject *parent)
    : HttpChatStream(network, settings.limits, parent)
{
    QString model = request.model;
    if (model.startsWith(QLatin1String("models/")))
        model = model.mid(7);
    QNetworkRequest req(QUrl(settings.baseUrl + QStringLiteral("/v1beta/models/") + model
                             + QStringLiteral(":streamGenerateContent?alt=sse")));
    req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    req.setRawHeader("Accept", "text/event-stream");
    if (!settings.apiKey.isEmpty())
        req.setRawHeader("x-goog-api-key", settings.apiKey.toUtf8());
    setHttpRequest(req, QJsonDocument(requestBody(request)).toJson(QJsonDocument::Compact));
}

QJsonObject GeminiChatStream::geminiSchema(const QJsonObject &schema)
{
    // Gemini's Schema is an OpenAPI 3 subset: keywords it does not know make the whole request fail.
    static const QStringList dropped{QStringLiteral("$schema"), QStringLiteral("$id"), QStringLiteral("$ref"),
                                     QStringLiteral("$defs"), QStringLiteral("definitions"), QStringLiteral("$comment"),
                                     QStringLiteral("additionalProperties"), QStringLiteral("patternProperties"),
                                     QStringLiteral("unevaluatedProperties"), QStringLiteral("examples"),
                                     QStringLiteral("const"), QStringLiteral("not"), QStringLiteral("if"),
                                     QStringLiteral("then"), QStringLiteral("else"), QStringLiteral("dependentRequired"),
                                     QStringLiteral("exclusiveMinimum"), QStringLiteral("exclusiveMaximum"),
                                     QStringLiteral("multipleOf"), QStringLiteral("contentEncoding"),
                                     QStringLiteral("contentMediaType"), QStringLiteral("readOnly"), QStringLiteral("writeOnly")};
    QJsonObject out;
    for (auto it = schema.begin(); it != schema.end(); ++it) {
        const QString key = it.key();
        if (dropped.contains(key))
            continue;
        const QJsonValue v = it.value();
        if (key == QLatin1String("properties") && v.isObject()) {
            QJsonObject props;
            const QJsonObject in = v.toObject();
            for (auto p = in.begin(); p != in.end(); ++p)
                props.insert(p.key(), p.value().isObject() ? QJsonValue(geminiSchema(p.value().toObject())) : p.value());
            out.insert(key, props);
        } else if (key == QLatin1String("items") && v.isObject()) {
            out.insert(key, geminiSchema(v.toObject()));
        } else if ((key == QLatin1String("anyOf") || key == QLatin1String("oneOf") || key == QLatin1String("allOf")) && v.isArray()) {
            QJsonArray variants;
            for (const QJsonValue &x : v.toArray())
                variants.append(x.isObject() ? QJsonValue(geminiSchema(x.toObject())) : x);
            out.insert(QStringLiteral("anyOf"), variants); // the only combinator Gemini accepts
        } else if (key == QLatin1String("type") && v.isArray()) {
            // ["string","null"] → "string" + nullable
            QString type;
            for (const QJsonValue &t : v.toArray()) {
                if (t.toString() == QLatin1String("null"))
                    out.insert(QStringLiteral("nullable"), true);
                else if (type.isEmpty())
                    type = t.toString();
            }
            if (!type.isEmpty())
                out.insert(key, type);
        } else {
            out.insert(key, v);
        }
    }
    return out;
}

QJsonObject GeminiChatStream::requestBody(const ChatRequest &request)
{
    QHash<QString, QString> toolNames; // tool call id → name, for results that carry only the id
    QJsonArray contents;
    for (const ChatMessage &m : request.messages) {
        for (const ToolCall &c : m.toolCalls)
            toolNames.insert(c.id, c.name);
        const QString role = m.role == ChatMessage::Role::Assistant ? QStringLiteral("model") : QStringLiteral("user");
        const QJsonArray parts = messageParts(m, toolNames);
        // One turn per role change: the responses to parallel calls share one turn, as Gemini expects.
        if (!contents.isEmpty() && contents.last().toObject().value(QStringLiteral("role")).toString() == role) {
            QJsonObject last = contents.last().toObject();
            QJsonArray merged = last.value(QStringLiteral("parts")).toArray();
            for (const QJsonValue &p : parts)
                merged.append(p);
            last.insert(QStringLiteral("parts"), merged);
            contents.replace(contents.size() - 1, last);
        } else {
            contents.append(QJsonObject{{QStringLiteral("role"), role}, {QStringLiteral("parts"), parts}});
        }
    }

    QJsonObject body{{QStringLiteral("contents"), contents}};
    if (!request.system.isEmpty())
        body.insert(QStringLiteral("systemInstruction"), QJsonObject{{QStringLiteral("parts"), QJsonArray{textPart(request.system)}}});
    if (!request.tools.isEmpty()) {
        QJsonArray declarations;
        for (const ToolSpec &t : request.tools) {
            QJsonObject decl{{QStringLiteral("name"), t.name}, {QStringLiteral("description"), t.description}};
            // An object schema without properties is rejected: such a tool is declared without parameters.
            if (!t.parameters.value(QStringLiteral("properties")).toObject().isEmpty())
                decl.insert(QStringLiteral("parameters"), geminiSchema(t.parameters));
            declarations.append(decl);
        }
        body.insert(QStringLiteral("tools"), QJsonArray{QJsonObject{{QStringLiteral("functionDeclarations"), declarations}}});
    }
    QJsonObject generation;
    if (request.maxOutputTokens > 0)
        generation.insert(QStringLiteral("maxOutputTokens"), request.maxOutputTokens);
    if (request.temperature >= 0)
        generation.insert(QStringLiteral("temperature"), request.temperature);
    if (!generation.isEmpty())
        body.insert(QStringLiteral("generationConfig"), generation);
    return body;
}

void GeminiChatStream::beginAttempt()
{
    m_sse.clear();
    m_finishReason.clear();
}

void GeminiChatStream::consume(const QByteArray &bytes)
{
    m_sse.feed(bytes);
    SseEvent ev;
    while (!isDone() && m_sse.next(ev))
        handleEvent(ev);
}

void GeminiChatStream::handleEvent(const SseEvent &ev)
{
    const QJsonDocument doc = QJsonDocument::fromJson(ev.data);
    if (!doc.isObject()) {
        LlmError e;
        e.kind = LlmError::Kind::Protocol;
        e.message = QStringLiteral("Malformed stream chunk from Gemini: %1").arg(QString::fromUtf8(ev.data.left(200)));
        fail(e);
        return;
    }
    const QJsonObject o = doc.object();
    if (o.value(QStringLiteral("error")).isObject()) {
        failOrRetry(inStreamError(o.value(QStringLiteral("error")).toObject()));
        return;
    }
    const QJsonObject usage = o.value(QStringLiteral("usageMetadata")).toObject();
    if (!usage.isEmpty()) {
        result().usage.inputTokens = usage.value(QStringLiteral("promptTokenCount")).toInteger();
        result().usage.outputTokens = usage.value(QStringLiteral("candidatesTokenCount")).toInteger()
                                      + usage.value(QStringLiteral("thoughtsTokenCount")).toInteger();
    }
    const QString blocked = o.value(QStringLiteral("promptFeedback")).toObject().value(QStringLiteral("blockReason")).toString();
    if (!blocked.isEmpty())
        m_finishReason = QStringLiteral("content_filter");

    const QJsonArray candidates = o.value(QStringLiteral("candidates")).toArray();
    if (candidates.isEmpty())
        return;
    const QJsonObject candidate = candidates.first().toObject();
    const QJsonArray parts = candidate.value(QStringLiteral("content")).toObject().value(QStringLiteral("parts")).toArray();
    for (const QJsonValue &pv : parts) {
        if (isDone())
            return;
        const QJsonObject part = pv.toObject();
        if (part.value(QStringLiteral("functionCall")).isObject()) {
            const QJsonObject fc = part.value(QStringLiteral("functionCall")).toObject();
            ToolCall call;
            call.id = fc.value(QStringLiteral("id")).toString();
            if (call.id.isEmpty())
                call.id = newToolCallId();
            call.name = fc.value(QStringLiteral("name")).toString();
            const QJsonValue args = fc.value(QStringLiteral("args"));
            setToolArgs(call, args.isObject() ? QJsonDocument(args.toObject()).toJson(QJsonDocument::Compact)
                                              : args.toString().toUtf8());
            deliverToolStarted(call.id, call.name);
            deliverToolReady(call);
        } else if (part.value(QStringLiteral("text")).isString() && !part.value(QStringLiteral("thought")).toBool()) {
            deliverText(part.value(QStringLiteral("text")).toString());
        }
    }
    const QString finish = candidate.value(QStringLiteral("finishReason")).toString();
    if (!finish.isEmpty() && finish != QLatin1String("FINISH_REASON_UNSPECIFIED"))
        m_finishReason = normaliseFinish(finish);
}

void GeminiChatStream::finish()
{
    result().finishReason = m_finishReason;
    succeed();
}

void GeminiChatStream::endOfBody()
{
    SseEvent ev;
    if (m_sse.takePending(ev))
        handleEvent(ev);
    if (isDone())
        return;
    // No [DONE] in this wire: the body is complete when a candidate (or the prompt feedback) gave a finish reason.
    if (!m_finishReason.isEmpty())
        finish();
    else
        failTruncated();
}

} // namespace kinbot::llm
