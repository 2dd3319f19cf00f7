#include "memory/EmbeddingWire.h"

#include "llm/BaseUrl.h"
#include "llm/LlmErrors.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QUrl>

#include <algorithm>

namespace kinbot::memory {

namespace {

ApiError badAnswer(const QString &why)
{
    llm::LlmError e;
    e.kind = llm::LlmError::Kind::Protocol;
    e.httpStatus = 200;
    e.message = QStringLiteral("Unexpected embeddings answer: %1").arg(why);
    return llm::toApiError(e);
}

// One JSON array of numbers → floats; false when empty or any element is not a number.
bool toFloats(const QJsonValue &value, QList<float> &out)
{
    if (!value.isArray())
        return false;
    const QJsonArray a = value.toArray();
    if (a.isEmpty())
        return false;
    out.clear();
    out.reserve(a.size());
    for (const QJsonValue &v : a) {
        if (!v.isDouble())
            return false;
        out.append(float(v.toDouble()));
    }
    return true;
}

QJsonArray toJsonArray(const QStringList &texts)
{
    QJsonArray a;
    for (const QString &t : texts)
        a.append(t);
    return a;
}

} // namespace

EmbeddingStyle embeddingStyle(const QString &providerType)
{
    static const QStringList openAiStyle = {
        QStringLiteral("openai"),   QStringLiteral("openrouter"), QStringLiteral("together"), QStringLiteral("fireworks"),
        QStringLiteral("mistral"),  QStringLiteral("deepseek"),   QStringLiteral("xai"),      QStringLiteral("voyage"),
        QStringLiteral("jina"),     QStringLiteral("nomic"),      QStringLiteral("lmstudio"),
    };
    if (openAiStyle.contains(providerType))
        return EmbeddingStyle::OpenAi;
    if (providerType == QLatin1String("ollama"))
        return EmbeddingStyle::Ollama;
    if (providerType == QLatin1String("gemini"))
        return EmbeddingStyle::Gemini;
    if (providerType == QLatin1String("cohere"))
        return EmbeddingStyle::Cohere;
    return EmbeddingStyle::None;
}

QString embeddingRoot(EmbeddingStyle style, const QString &baseUrl)
{
    switch (style) {
    case EmbeddingStyle::Ollama:
        return llm::stripApiSuffix(baseUrl, {QStringLiteral("/v1"), QStringLiteral("/api")});
    case EmbeddingStyle::Gemini:
        return llm::stripApiSuffix(baseUrl, {QStringLiteral("/v1beta"), QStringLiteral("/v1")});
    case EmbeddingStyle::Cohere:
        return llm::stripApiSuffix(baseUrl, {QStringLiteral("/compatibility/v1"), QStringLiteral("/v2"), QStringLiteral("/v1")});
    case EmbeddingStyle::OpenAi:
    case EmbeddingStyle::None:
        break;
    }
    return llm::stripApiSuffix(baseUrl, {});
}

WireRequest buildEmbeddingRequest(EmbeddingStyle style, const QString &root, const QString &providerType, const QString &model,
                                  const QStringList &texts, EmbeddingPurpose purpose, int dimensions)
{
    const bool query = purpose == EmbeddingPurpose::Query;
    WireRequest r;
    switch (style) {
    case EmbeddingStyle::OpenAi:
        r.url = root + QStringLiteral("/embeddings");
        r.body = {{QStringLiteral("model"), model}, {QStringLiteral("input"), toJsonArray(texts)},
                  {QStringLiteral("encoding_format"), QStringLiteral("float")}};
        if (dimensions > 0)
            r.body.insert(QStringLiteral("dimensions"), dimensions);
        if (providerType == QLatin1String("voyage"))
            r.body.insert(QStringLiteral("input_type"), query ? QStringLiteral("query") : QStringLiteral("document"));
        break;
    case EmbeddingStyle::Ollama:
        r.url = root + QStringLiteral("/api/embed");
        r.body = {{QStringLiteral("model"), model}, {QStringLiteral("input"), toJsonArray(texts)}};
        if (dimensions > 0)
            r.body.insert(QStringLiteral("dimensions"), dimensions);
        break;
    case EmbeddingStyle::Gemini: {
        const QString bare = model.startsWith(QLatin1String("models/")) ? model.mid(7) : model;
        r.url = root + QStringLiteral("/v1beta/models/") + QString::fromLatin1(QUrl::toPercentEncoding(bare))
                + QStringLiteral(":batchEmbedContents");
        QJsonArray requests;
        for (const QString &t : texts) {
            QJsonObject one{{QStringLiteral("model"), QStringLiteral("models/") + bare},
                            {QStringLiteral("content"),
                             QJsonObject{{QStringLiteral("parts"), QJsonArray{QJsonObject{{QStringLiteral("text"), t}}}}}},
                            {QStringLiteral("taskType"), query ? QStringLiteral("RETRIEVAL_QUERY") : QStringLiteral("RETRIEVAL_DOCUMENT")}};
            if (dimensions > 0)
                one.insert(QStringLiteral("outputDimensionality"), dimensions);
            requests.append(one);
        }
        r.body = {{QStringLiteral("requests"), requests}};
        break;
    }
    case EmbeddingStyle::Cohere:
        r.url = root + QStringLiteral("/v2/embed");
        r.body = {{QStringLiteral("model"), model},
                  {QStringLiteral("texts"), toJsonArray(texts)},
                  {QStringLiteral("input_type"), query ? QStringLiteral("search_query") : QStringLiteral("search_document")},
                  {QStringLiteral("embedding_types"), QJsonArray{QStringLiteral("float")}}};
        if (dimensions > 0)
            r.body.insert(QStringLiteral("output_dimension"), dimensions);
        break;
    case EmbeddingStyle::None:
        break;
    }
    return r;
}

Result<Embeddings> parseEmbeddingAnswer(EmbeddingStyle style, const QByteArray &body, int expectedCount)
{
    QJsonParseError perr{};
    const QJsonDocument doc = QJsonDocument::fromJson(body, &perr);
    if (perr.error != QJsonParseError::NoError || !doc.isObject())
        return badAnswer(QStringLiteral("not a JSON object: %1").arg(QString::fromUtf8(body.left(120)).simplified()));
    const QJsonObject o = doc.object();

    Embeddings out;
    out.model = o.value(QStringLiteral("model")).toString();
    QJsonArray items; // one JSON array of numbers per input, in input order
    switch (style) {
    case EmbeddingStyle::OpenAi: {
        const QJsonValue data = o.value(QStringLiteral("data"));
        if (!data.isArray())
            return badAnswer(QStringLiteral("no data array"));
        // Entries carry their input index; some servers do not keep the order.
        QList<QJsonObject> entries;
        for (const QJsonValue &v : data.toArray())
            entries.append(v.toObject());
        const bool indexed = std::all_of(entries.cbegin(), entries.cend(),
                                         [](const QJsonObject &e) { return e.value(QStringLiteral("index")).isDouble(); });
        if (indexed)
            std::stable_sort(entries.begin(), entries.end(), [](const QJsonObject &a, const QJsonObject &b) {
                return a.value(QStringLiteral("index")).toInt() < b.value(QStringLiteral("index")).toInt();
            });
        for (const QJsonObject &e : entries)
            items.append(e.value(QStringLiteral("embedding")));
        out.inputTokens = o.value(QStringLiteral("usage")).toObject().value(QStringLiteral("prompt_tokens")).toInteger();
        break;
    }
    case EmbeddingStyle::Ollama:
        if (!o.value(QStringLiteral("embeddings")).isArray())
            return badAnswer(QStringLiteral("no embeddings array"));
        items = o.value(QStringLiteral("embeddings")).toArray();
        out.inputTokens = o.value(QStringLiteral("prompt_eval_count")).toInteger();
        break;
    case EmbeddingStyle::Gemini:
        if (!o.value(QStringLiteral("embeddings")).isArray())
            return badAnswer(QStringLiteral("no embeddings array"));
        for (const QJsonValue &v : o.value(QStringLiteral("embeddings")).toArray())
            items.append(v.toObject().value(QStringLiteral("values")));
        break;
    case EmbeddingStyle::Cohere: {
        const QJsonValue floats = o.value(QStringLiteral("embeddings")).toObject().value(QStringLiteral("float"));
        if (!floats.isArray())
            return badAnswer(QStringLiteral("no embeddings.float array"));
        items = floats.toArray();
        out.inputTokens = o.value(QStringLiteral("meta")).toObject().value(QStringLiteral("billed_units")).toObject()
                              .value(QStringLiteral("input_tokens")).toInteger();
        break;
    }
    case EmbeddingStyle::None:
        return badAnswer(QStringLiteral("no embeddings API"));
    }

    if (items.size() != expectedCount)
        return badAnswer(QStringLiteral("%1 vectors for %2 texts").arg(items.size()).arg(expectedCount));
    out.vectors.reserve(items.size());
    for (qsizetype i = 0; i < items.size(); ++i) {
        QList<float> v;
        if (!toFloats(items.at(i), v))
            return badAnswer(QStringLiteral("vector %1 is empty or not numeric").arg(i));
        if (out.dimensions == 0)
            out.dimensions = int(v.size());
        else if (v.size() != out.dimensions)
            return badAnswer(QStringLiteral("vector %1 has %2 dimensions, the first has %3").arg(i).arg(v.size()).arg(out.dimensions));
        out.vectors.append(std::move(v));
    }
    return out;
}

} // namespace kinbot::memory
