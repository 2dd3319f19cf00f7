#include "FakeEmbeddings.h"

#include "FakeWireFormats.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSet>

#include <cmath>

namespace kinbot::test::fakeembed {

namespace {

QByteArray compact(const QJsonObject &o) { return QJsonDocument(o).toJson(QJsonDocument::Compact); }

QJsonArray toJson(const QList<float> &v)
{
    QJsonArray a;
    for (float f : v)
        a.append(double(f));
    return a;
}

QString stem(QString w)
{
    struct Rule { const char *suffix; int minLength; };
    static const Rule rules[] = {{"ing", 6}, {"ed", 5}, {"es", 5}, {"ly", 5}, {"s", 4}};
    for (const Rule &r : rules) {
        const QLatin1String suffix(r.suffix);
        if (w.size() >= r.minLength && w.endsWith(suffix) && !(suffix == QLatin1String("s") && w.endsWith(QLatin1String("ss")))) {
            w.chop(suffix.size());
            break;
        }
    }
    return w;
}

quint32 fnv1a(const QByteArray &bytes)
{
    quint32 h = 2166136261u;
    for (char c : bytes) {
        h ^= quint8(c);
        h *= 16777619u;
    }
    return h;
}

QStringList stringOrArray(const QJsonValue &v)
{
    if (v.isString())
        return {v.toString()};
    QStringList out;
    for (const QJsonValue &e : v.toArray())
        out.append(e.toString());
    return out;
}

} // namespace

QStringList stems(const QString &text)
{
    static const QSet<QString> stopWords = {
        QStringLiteral("a"),    QStringLiteral("an"),   QStringLiteral("the"),  QStringLiteral("and"),  QStringLiteral("or"),
        QStringLiteral("of"),   QStringLiteral("to"),   QStringLiteral("in"),   QStringLiteral("on"),   QStringLiteral("at"),
        QStringLiteral("for"),  QStringLiteral("with"), QStringLiteral("is"),   QStringLiteral("are"),  QStringLiteral("was"),
        QStringLiteral("be"),   QStringLiteral("it"),   QStringLiteral("this"), QStringLiteral("that"), QStringLiteral("i"),
        QStringLiteral("my"),   QStringLiteral("me"),   QStringLiteral("you"),  QStringLiteral("your"), QStringLiteral("do"),
        QStringLiteral("does"), QStringLiteral("what"), QStringLiteral("who"),  QStringLiteral("has"),  QStringLiteral("have"),
    };
    static const QRegularExpression split(QStringLiteral("[^\\p{L}\\p{N}]+"));
    QStringList out;
    for (const QString &word : text.toLower().split(split, Qt::SkipEmptyParts))
        if (!stopWords.contains(word))
            out.append(stem(word));
    return out;
}

QList<float> embedding(const QString &text, int dimensions)
{
    dimensions = qMax(1, dimensions);
    QList<float> v(dimensions, 0.0f);
    for (const QString &s : stems(text)) {
        const quint32 h = fnv1a(s.toUtf8());
        v[int(h % quint32(dimensions))] += (h >> 31) ? -1.0f : 1.0f;
    }
    double norm = 0;
    for (float f : v)
        norm += double(f) * f;
    if (norm <= 0) {
        v[0] = 1.0f;
        return v;
    }
    const double inv = 1.0 / std::sqrt(norm);
    for (float &f : v)
        f = float(f * inv);
    return v;
}

QString styleOf(const QString &method, const QString &path, QString *model)
{
    if (method != QLatin1String("POST"))
        return {};
    static const QRegularExpression gemini(QStringLiteral("^/v1beta/models/([^:]+):batchEmbedContents$"));
    const QRegularExpressionMatch m = gemini.match(path);
    if (m.hasMatch()) {
        if (model)
            *model = m.captured(1);
        return QStringLiteral("gemini");
    }
    if (path == QLatin1String("/api/embed"))
        return QStringLiteral("ollama");
    if (path == QLatin1String("/v2/embed"))
        return QStringLiteral("cohere");
    if (path.endsWith(QLatin1String("/embeddings")))
        return QStringLiteral("openai");
    return {};
}

QStringList inputs(const QString &style, const QJsonObject &body)
{
    if (style == QLatin1String("gemini")) {
        QStringList out;
        for (const QJsonValue &r : body.value(QStringLiteral("requests")).toArray()) {
            QStringList parts;
            for (const QJsonValue &p : r.toObject().value(QStringLiteral("content")).toObject().value(QStringLiteral("parts")).toArray())
                parts.append(p.toObject().value(QStringLiteral("text")).toString());
            out.append(parts.join(QLatin1Char(' ')));
        }
        return out;
    }
    if (style == QLatin1String("cohere"))
        return stringOrArray(body.value(QStringLiteral("texts")));
    return stringOrArray(body.value(QStringLiteral("input")));
}

int requestedDimensions(const QString &style, const QJsonObject &body)
{
    if (style == QLatin1String("gemini")) {
        const QJsonArray requests = body.value(QStringLiteral("requests")).toArray();
        return requests.isEmpty() ? 0 : requests.first().toObject().value(QStringLiteral("outputDimensionality")).toInt();
    }
    if (style == QLatin1String("cohere"))
        return body.value(QStringLiteral("output_dimension")).toInt();
    return body.value(QStringLiteral("dimensions")).toInt();
}

QByteArray answer(const QString &style, const QList<QList<float>> &vectors, const QString &model, const QStringList &texts)
{
    if (style == QLatin1String("gemini")) {
        QJsonArray embeddings;
        for (const QList<float> &v : vectors)
            embeddings.append(QJsonObject{{QStringLiteral("values"), toJson(v)}});
        return compact({{QStringLiteral("embeddings"), embeddings}});
    }
    QJsonArray plain;
    for (const QList<float> &v : vectors)
        plain.append(toJson(v));
    int tokens = 0;
    for (const QString &t : texts)
        tokens += int(stems(t).size()) + 1;
    if (style == QLatin1String("ollama"))
        return compact({{QStringLiteral("model"), model}, {QStringLiteral("embeddings"), plain},
                        {QStringLiteral("prompt_eval_count"), tokens}});
    if (style == QLatin1String("cohere"))
        return compact({{QStringLiteral("id"), QStringLiteral("fake-embed")},
                        {QStringLiteral("embeddings"), QJsonObject{{QStringLiteral("float"), plain}}},
                        {QStringLiteral("texts"), QJsonArray::fromStringList(texts)},
                        {QStringLiteral("meta"), QJsonObject{{QStringLiteral("billed_units"),
                                                              QJsonObject{{QStringLiteral("input_tokens"), tokens}}}}}});
    QJsonArray data;
    for (qsizetype i = 0; i < vectors.size(); ++i)
        data.append(QJsonObject{{QStringLiteral("object"), QStringLiteral("embedding")},
                                {QStringLiteral("index"), int(i)},
                                {QStringLiteral("embedding"), plain.at(i)}});
    return compact({{QStringLiteral("object"), QStringLiteral("list")},
                    {QStringLiteral("data"), data},
                    {QStringLiteral("model"), model},
                    {QStringLiteral("usage"), QJsonObject{{QStringLiteral("prompt_tokens"), tokens},
                                                          {QStringLiteral("total_tokens"), tokens}}}});
}

QByteArray errorBody(const QString &style, int status)
{
    if (style == QLatin1String("cohere"))
        return compact({{QStringLiteral("message"), QStringLiteral("Fake provider error %1").arg(status)}});
    return fakewire::errorBody(style, status);
}

} // namespace kinbot::test::fakeembed
