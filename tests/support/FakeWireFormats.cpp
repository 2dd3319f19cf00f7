#include "FakeWireFormats.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace kinbot::test::fakewire {

namespace {

QByteArray compact(const QJsonObject &o) { return QJsonDocument(o).toJson(QJsonDocument::Compact); }

QByteArray sseData(const QJsonObject &o) { return "data: " + compact(o) + "\n\n"; }

QByteArray sseEvent(const char *event, const QJsonObject &o)
{
    return QByteArray("event: ") + event + "\ndata: " + compact(o) + "\n\n";
}

// The argument JSON in at least two pieces, as streaming providers send it.
QStringList argFragments(const QByteArray &json)
{
    const QString s = QString::fromUtf8(json);
    if (s.size() < 2)
        return {s, QString()};
    if (s.size() < 6)
        return {s.left(s.size() / 2), s.mid(s.size() / 2)};
    const qsizetype third = s.size() / 3;
    return {s.left(third), s.mid(third, third), s.mid(2 * third)};
}

QJsonObject argsObject(const QByteArray &json)
{
    return QJsonDocument::fromJson(json).object();
}

QString toolId(const FakeToolCall &call, const char *prefix, int sequence, int index)
{
    if (!call.id.isEmpty())
        return call.id;
    return QStringLiteral("%1fake_%2_%3").arg(QLatin1String(prefix)).arg(sequence).arg(index);
}

// ---- OpenAI Chat Completions ---------------------------------------------------------------------------------------

QJsonObject openAiChunk(const QString &id, const QString &model, const QJsonObject &delta, const QJsonValue &finish)
{
    QJsonObject choice{{QStringLiteral("index"), 0}, {QStringLiteral("delta"), delta}, {QStringLiteral("finish_reason"), finish}};
    return {{QStringLiteral("id"), id},
            {QStringLiteral("object"), QStringLiteral("chat.completion.chunk")},
            {QStringLiteral("created"), 1700000000},
            {QStringLiteral("model"), model},
            {QStringLiteral("choices"), QJsonArray{choice}}};
}

QJsonObject openAiUsage(const FakeReply &r)
{
    return {{QStringLiteral("prompt_tokens"), r.inputTokens()},
            {QStringLiteral("completion_tokens"), r.outputTokens()},
            {QStringLiteral("total_tokens"), r.inputTokens() + r.outputTokens()}};
}

Rendered renderOpenAi(const FakeReply &r, const QString &model, bool stream, const QJsonObject &request, int seq)
{
    const QString id = QStringLiteral("chatcmpl-fake%1").arg(seq);
    Rendered out;
    if (!stream) {
        QJsonObject message{{QStringLiteral("role"), QStringLiteral("assistant")},
                            {QStringLiteral("content"), r.textChunks().isEmpty() && !r.calls().isEmpty()
                                                            ? QJsonValue() : QJsonValue(r.textChunks().join(QString()))}};
        if (!r.calls().isEmpty()) {
            QJsonArray calls;
            for (int i = 0; i < r.calls().size(); ++i) {
                const FakeToolCall &c = r.calls().at(i);
                calls.append(QJsonObject{{QStringLiteral("id"), toolId(c, "call_", seq, i)},
                                         {QStringLiteral("type"), QStringLiteral("function")},
                                         {QStringLiteral("function"), QJsonObject{{QStringLiteral("name"), c.name},
                                                                                   {QStringLiteral("arguments"), QString::fromUtf8(c.argsJson)}}}});
            }
            message.insert(QStringLiteral("tool_calls"), calls);
        }
        const QJsonObject body{{QStringLiteral("id"), id},
                               {QStringLiteral("object"), QStringLiteral("chat.completion")},
                               {QStringLiteral("created"), 1700000000},
                               {QStringLiteral("model"), model},
                               {QStringLiteral("choices"), QJsonArray{QJsonObject{{QStringLiteral("index"), 0},
                                                                                  {QStringLiteral("message"), message},
                                                                                  {QStringLiteral("finish_reason"), r.finish()}}}},
                               {QStringLiteral("usage"), openAiUsage(r)}};
        out.contentType = "application/json";
        out.frames.append({compact(body), false});
        return out;
    }
    out.contentType = "text/event-stream";
    out.frames.append({sseData(openAiChunk(id, model, {{QStringLiteral("role"), QStringLiteral("assistant")}, {QStringLiteral("content"), QString()}}, QJsonValue())), false});
    for (const QString &chunk : r.textChunks())
        out.frames.append({sseData(openAiChunk(id, model, {{QStringLiteral("content"), chunk}}, QJsonValue())), true});
    for (int i = 0; i < r.calls().size(); ++i) {
        const FakeToolCall &c = r.calls().at(i);
        const QJsonObject first{{QStringLiteral("index"), i},
                                {QStringLiteral("id"), toolId(c, "call_", seq, i)},
                                {QStringLiteral("type"), QStringLiteral("function")},
                                {QStringLiteral("function"), QJsonObject{{QStringLiteral("name"), c.name}, {QStringLiteral("arguments"), QString()}}}};
        out.frames.append({sseData(openAiChunk(id, model, {{QStringLiteral("tool_calls"), QJsonArray{first}}}, QJsonValue())), true});
        for (const QString &piece : argFragments(c.argsJson)) {
            const QJsonObject frag{{QStringLiteral("index"), i},
                                   {QStringLiteral("function"), QJsonObject{{QStringLiteral("arguments"), piece}}}};
            out.frames.append({sseData(openAiChunk(id, model, {{QStringLiteral("tool_calls"), QJsonArray{frag}}}, QJsonValue())), true});
        }
    }
    out.frames.append({sseData(openAiChunk(id, model, {}, r.finish())), false});
    if (request.value(QStringLiteral("stream_options")).toObject().value(QStringLiteral("include_usage")).toBool()) {
        QJsonObject usage = openAiChunk(id, model, {}, QJsonValue());
        usage.insert(QStringLiteral("choices"), QJsonArray());
        usage.insert(QStringLiteral("usage"), openAiUsage(r));
        out.frames.append({sseData(usage), false});
    }
    out.frames.append({"data: [DONE]\n\n", false});
    return out;
}

// ---- Anthropic Messages --------------------------------------------------------------------------------------------

QString anthropicStop(const QString &finish)
{
    if (finish == QLatin1String("tool_calls"))
        return QStringLiteral("tool_use");
    if (finish == QLatin1String("length"))
        return QStringLiteral("max_tokens");
    if (finish == QLatin1String("content_filter"))
        return QStringLiteral("refusal");
    return QStringLiteral("end_turn");
}

Rendered renderAnthropic(const FakeReply &r, const QString &model, int seq)
{
    Rendered out;
    out.contentType = "text/event-stream";
    const QJsonObject message{{QStringLiteral("id"), QStringLiteral("msg_fake%1").arg(seq)},
                              {QStringLiteral("type"), QStringLiteral("message")},
                              {QStringLiteral("role"), QStringLiteral("assistant")},
                              {QStringLiteral("model"), model},
                              {QStringLiteral("content"), QJsonArray()},
                              {QStringLiteral("stop_reason"), QJsonValue()},
                              {QStringLiteral("stop_sequence"), QJsonValue()},
                              {QStringLiteral("usage"), QJsonObject{{QStringLiteral("input_tokens"), r.inputTokens()},
                                                                    {QStringLiteral("output_tokens"), 1}}}};
    out.frames.append({sseEvent("message_start", {{QStringLiteral("type"), QStringLiteral("message_start")}, {QStringLiteral("message"), message}}), false});
    out.frames.append({sseEvent("ping", {{QStringLiteral("type"), QStringLiteral("ping")}}), false});
    int index = 0;
    auto blockStop = [&out](int i) {
        out.frames.append({sseEvent("content_block_stop", {{QStringLiteral("type"), QStringLiteral("content_block_stop")}, {QStringLiteral("index"), i}}), false});
    };
    auto blockDelta = [](int i, const QJsonObject &delta) {
        return sseEvent("content_block_delta", {{QStringLiteral("type"), QStringLiteral("content_block_delta")},
                                                {QStringLiteral("index"), i},
                                                {QStringLiteral("delta"), delta}});
    };
    if (!r.textChunks().isEmpty()) {
        out.frames.append({sseEvent("content_block_start", {{QStringLiteral("type"), QStringLiteral("content_block_start")},
                                                            {QStringLiteral("index"), index},
                                                            {QStringLiteral("content_block"), QJsonObject{{QStringLiteral("type"), QStringLiteral("text")},
                                                                                                          {QStringLiteral("text"), QString()}}}}), false});
        for (const QString &chunk : r.textChunks())
            out.frames.append({blockDelta(index, {{QStringLiteral("type"), QStringLiteral("text_delta")}, {QStringLiteral("text"), chunk}}), true});
        blockStop(index);
        ++index;
    }
    for (int i = 0; i < r.calls().size(); ++i, ++index) {
        const FakeToolCall &c = r.calls().at(i);
        out.frames.append({sseEvent("content_block_start", {{QStringLiteral("type"), QStringLiteral("content_block_start")},
                                                            {QStringLiteral("index"), index},
                                                            {QStringLiteral("content_block"), QJsonObject{{QStringLiteral("type"), QStringLiteral("tool_use")},
                                                                                                          {QStringLiteral("id"), toolId(c, "toolu_", seq, i)},
                                                                                                          {QStringLiteral("name"), c.name},
                                                                                                          {QStringLiteral("input"), QJsonObject()}}}}), true});
        for (const QString &piece : argFragments(c.argsJson))
            out.frames.append({blockDelta(index, {{QStringLiteral("type"), QStringLiteral("input_json_delta")}, {QStringLiteral("partial_json"), piece}}), true});
        blockStop(index);
    }
    out.frames.append({sseEvent("message_delta", {{QStringLiteral("type"), QStringLiteral("message_delta")},
                                                  {QStringLiteral("delta"), QJsonObject{{QStringLiteral("stop_reason"), anthropicStop(r.finish())},
                                                                                        {QStringLiteral("stop_sequence"), QJsonValue()}}},
                                                  {QStringLiteral("usage"), QJsonObject{{QStringLiteral("output_tokens"), r.outputTokens()}}}}), false});
    out.frames.append({sseEvent("message_stop", {{QStringLiteral("type"), QStringLiteral("message_stop")}}), false});
    return out;
}

// ---- Gemini --------------------------------------------------------------------------------------------------------

QString geminiFinish(const QString &finish)
{
    if (finish == QLatin1String("length"))
        return QStringLiteral("MAX_TOKENS");
    if (finish == QLatin1String("content_filter"))
        return QStringLiteral("SAFETY");
    return QStringLiteral("STOP"); // Gemini says STOP for a step that called functions too
}

QJsonObject geminiChunk(const QJsonArray &parts, const QString &finish, const QJsonObject &usage, const QString &model)
{
    QJsonObject candidate{{QStringLiteral("content"), QJsonObject{{QStringLiteral("parts"), parts}, {QStringLiteral("role"), QStringLiteral("model")}}},
                          {QStringLiteral("index"), 0}};
    if (!finish.isEmpty())
        candidate.insert(QStringLiteral("finishReason"), finish);
    QJsonObject o{{QStringLiteral("candidates"), QJsonArray{candidate}}, {QStringLiteral("modelVersion"), model}};
    if (!usage.isEmpty())
        o.insert(QStringLiteral("usageMetadata"), usage);
    return o;
}

Rendered renderGemini(const FakeReply &r, const QString &model, bool sse)
{
    QList<std::pair<QJsonObject, bool>> objects;
    const QJsonObject promptOnly{{QStringLiteral("promptTokenCount"), r.inputTokens()}};
    for (const QString &chunk : r.textChunks())
        objects.append({geminiChunk(QJsonArray{QJsonObject{{QStringLiteral("text"), chunk}}}, {}, promptOnly, model), true});
    for (const FakeToolCall &c : r.calls()) {
        const QJsonObject call{{QStringLiteral("name"), c.name}, {QStringLiteral("args"), argsObject(c.argsJson)}};
        objects.append({geminiChunk(QJsonArray{QJsonObject{{QStringLiteral("functionCall"), call}}}, {}, promptOnly, model), true});
    }
    const QJsonObject usage{{QStringLiteral("promptTokenCount"), r.inputTokens()},
                            {QStringLiteral("candidatesTokenCount"), r.outputTokens()},
                            {QStringLiteral("totalTokenCount"), r.inputTokens() + r.outputTokens()}};
    objects.append({geminiChunk(QJsonArray{QJsonObject{{QStringLiteral("text"), QString()}}}, geminiFinish(r.finish()), usage, model), false});

    Rendered out;
    if (sse) {
        out.contentType = "text/event-stream";
        for (const auto &[o, content] : objects)
            out.frames.append({"data: " + compact(o) + "\r\n\r\n", content});
        return out;
    }
    // Without alt=sse, streamGenerateContent answers one JSON array, written element by element.
    out.contentType = "application/json";
    for (int i = 0; i < objects.size(); ++i)
        out.frames.append({(i == 0 ? "[" : ",\r\n") + compact(objects.at(i).first), objects.at(i).second});
    out.frames.append({"]", false});
    return out;
}

// ---- Ollama --------------------------------------------------------------------------------------------------------

QJsonObject ollamaLine(const QString &model, const QJsonObject &message, bool done)
{
    return {{QStringLiteral("model"), model},
            {QStringLiteral("created_at"), QStringLiteral("2025-01-01T00:00:00.000000Z")},
            {QStringLiteral("message"), message},
            {QStringLiteral("done"), done}};
}

QJsonObject ollamaMessage(const QString &content, const QJsonArray &toolCalls = {})
{
    QJsonObject m{{QStringLiteral("role"), QStringLiteral("assistant")}, {QStringLiteral("content"), content}};
    if (!toolCalls.isEmpty())
        m.insert(QStringLiteral("tool_calls"), toolCalls);
    return m;
}

QJsonObject ollamaCall(const FakeToolCall &c)
{
    return {{QStringLiteral("function"), QJsonObject{{QStringLiteral("name"), c.name}, {QStringLiteral("arguments"), argsObject(c.argsJson)}}}};
}

void addOllamaTotals(QJsonObject &line, const FakeReply &r)
{
    line.insert(QStringLiteral("done_reason"), r.finish() == QLatin1String("length") ? QStringLiteral("length") : QStringLiteral("stop"));
    line.insert(QStringLiteral("total_duration"), 1000000);
    line.insert(QStringLiteral("load_duration"), 1000);
    line.insert(QStringLiteral("prompt_eval_count"), r.inputTokens());
    line.insert(QStringLiteral("prompt_eval_duration"), 1000);
    line.insert(QStringLiteral("eval_count"), r.outputTokens());
    line.insert(QStringLiteral("eval_duration"), 1000);
}

Rendered renderOllama(const FakeReply &r, const QString &model, bool stream)
{
    Rendered out;
    if (!stream) {
        QJsonArray calls;
        for (const FakeToolCall &c : r.calls())
            calls.append(ollamaCall(c));
        QJsonObject line = ollamaLine(model, ollamaMessage(r.textChunks().join(QString()), calls), true);
        addOllamaTotals(line, r);
        out.contentType = "application/json";
        out.frames.append({compact(line), false});
        return out;
    }
    out.contentType = "application/x-ndjson";
    for (const QString &chunk : r.textChunks())
        out.frames.append({compact(ollamaLine(model, ollamaMessage(chunk), false)) + "\n", true});
    for (const FakeToolCall &c : r.calls())
        out.frames.append({compact(ollamaLine(model, ollamaMessage(QString(), QJsonArray{ollamaCall(c)}), false)) + "\n", true});
    QJsonObject last = ollamaLine(model, ollamaMessage(QString()), true);
    addOllamaTotals(last, r);
    out.frames.append({compact(last) + "\n", false});
    return out;
}

} // namespace

Rendered renderChat(const QString &style, const FakeReply &reply, const QString &model, bool stream,
                    const QJsonObject &request, int sequence)
{
    if (style == QLatin1String("anthropic"))
        return renderAnthropic(reply, model, sequence);
    if (style == QLatin1String("gemini"))
        return renderGemini(reply, model, stream);
    if (style == QLatin1String("ollama"))
        return renderOllama(reply, model, stream);
    return renderOpenAi(reply, model, stream, request, sequence);
}

QByteArray errorBody(const QString &style, int status)
{
    const QString message = QStringLiteral("Fake provider error %1").arg(status);
    if (style == QLatin1String("anthropic")) {
        QString type = QStringLiteral("invalid_request_error");
        if (status == 401)
            type = QStringLiteral("authentication_error");
        else if (status == 403)
            type = QStringLiteral("permission_error");
        else if (status == 404)
            type = QStringLiteral("not_found_error");
        else if (status == 429)
            type = QStringLiteral("rate_limit_error");
        else if (status == 529)
            type = QStringLiteral("overloaded_error");
        else if (status >= 500)
            type = QStringLiteral("api_error");
        return compact({{QStringLiteral("type"), QStringLiteral("error")},
                        {QStringLiteral("error"), QJsonObject{{QStringLiteral("type"), type}, {QStringLiteral("message"), message}}}});
    }
    if (style == QLatin1String("gemini")) {
        QString st = QStringLiteral("INVALID_ARGUMENT");
        if (status == 401)
            st = QStringLiteral("UNAUTHENTICATED");
        else if (status == 403)
            st = QStringLiteral("PERMISSION_DENIED");
        else if (status == 404)
            st = QStringLiteral("NOT_FOUND");
        else if (status == 429)
            st = QStringLiteral("RESOURCE_EXHAUSTED");
        else if (status == 503)
            st = QStringLiteral("UNAVAILABLE");
        else if (status >= 500)
            st = QStringLiteral("INTERNAL");
        return compact({{QStringLiteral("error"), QJsonObject{{QStringLiteral("code"), status},
                                                              {QStringLiteral("message"), message},
                                                              {QStringLiteral("status"), st}}}});
    }
    if (style == QLatin1String("ollama"))
        return compact({{QStringLiteral("error"), message}});
    QString type = QStringLiteral("invalid_request_error");
    QJsonValue code;
    if (status == 401) {
        code = QStringLiteral("invalid_api_key");
    } else if (status == 429) {
        type = QStringLiteral("requests");
        code = QStringLiteral("rate_limit_exceeded");
    } else if (status >= 500) {
        type = QStringLiteral("server_error");
    }
    return compact({{QStringLiteral("error"), QJsonObject{{QStringLiteral("message"), message},
                                                          {QStringLiteral("type"), type},
                                                          {QStringLiteral("param"), QJsonValue()},
                                                          {QStringLiteral("code"), code}}}});
}

QByteArray modelsBody(const QString &style, const QStringList &models)
{
    QJsonArray items;
    if (style == QLatin1String("anthropic")) {
        for (const QString &id : models)
            items.append(QJsonObject{{QStringLiteral("type"), QStringLiteral("model")},
                                     {QStringLiteral("id"), id},
                                     {QStringLiteral("display_name"), id},
                                     {QStringLiteral("created_at"), QStringLiteral("2025-01-01T00:00:00Z")}});
        return compact({{QStringLiteral("data"), items},
                        {QStringLiteral("has_more"), false},
                        {QStringLiteral("first_id"), models.isEmpty() ? QJsonValue() : QJsonValue(models.first())},
                        {QStringLiteral("last_id"), models.isEmpty() ? QJsonValue() : QJsonValue(models.last())}});
    }
    if (style == QLatin1String("gemini")) {
        for (const QString &id : models) {
            QJsonArray methods;
            if (id.contains(QLatin1String("embed")))
                methods = {QStringLiteral("embedContent"), QStringLiteral("batchEmbedContents")};
            else if (id.contains(QLatin1String("imagen")))
                methods = {QStringLiteral("predict")};
            else
                methods = {QStringLiteral("generateContent"), QStringLiteral("countTokens")};
            items.append(QJsonObject{{QStringLiteral("name"), QStringLiteral("models/") + id},
                                     {QStringLiteral("version"), QStringLiteral("001")},
                                     {QStringLiteral("displayName"), id},
                                     {QStringLiteral("inputTokenLimit"), 1048576},
                                     {QStringLiteral("outputTokenLimit"), 8192},
                                     {QStringLiteral("supportedGenerationMethods"), methods}});
        }
        return compact({{QStringLiteral("models"), items}});
    }
    if (style == QLatin1String("ollama")) {
        for (const QString &id : models)
            items.append(QJsonObject{{QStringLiteral("name"), id},
                                     {QStringLiteral("model"), id},
                                     {QStringLiteral("modified_at"), QStringLiteral("2025-01-01T00:00:00Z")},
                                     {QStringLiteral("size"), 2019393189},
                                     {QStringLiteral("digest"), QStringLiteral("a80c4f17acd55265feec403c7aef86be0c25983ab279d83f3bcd3abbcb5b8b72")},
                                     {QStringLiteral("details"), QJsonObject{{QStringLiteral("format"), QStringLiteral("gguf")},
                                                                             {QStringLiteral("family"), QStringLiteral("llama")},
                                                                             {QStringLiteral("parameter_size"), QStringLiteral("3.2B")},
                                                                             {QStringLiteral("quantization_level"), QStringLiteral("Q4_K_M")}}}});
        return compact({{QStringLiteral("models"), items}});
    }
    for (const QString &id : models)
        items.append(QJsonObject{{QStringLiteral("id"), id},
                                 {QStringLiteral("object"), QStringLiteral("model")},
                                 {QStringLiteral("created"), 1700000000},
                                 {QStringLiteral("owned_by"), QStringLiteral("fake")}});
    return compact({{QStringLiteral("object"), QStringLiteral("list")}, {QStringLiteral("data"), items}});
}

} // namespace kinbot::test::fakewire
