#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

// The embeddings side of FakeLlmServer: deterministic vectors computed from the text, and the four wire formats.
namespace kinbot::test::fakeembed {

// A hashed bag of words: the text lower-cased, split into words, stop words dropped, crude English suffixes stripped
// ("remembering" → "remember", "cats" → "cat"), each stem adding ±1 to one of `dimensions` buckets (FNV-1a), then
// normalised. Texts sharing words are similar, unrelated texts are near 0; a text with no word gives a unit vector
// on bucket 0. The same text always gives the same vector.
QList<float> embedding(const QString &text, int dimensions);

// The stems embedding() counts, in order (for tests that reason about overlaps).
QStringList stems(const QString &text);

// The style of an embeddings endpoint ("openai" | "ollama" | "gemini" | "cohere"), "" for other paths; `model` gets the
// Gemini path's model.
QString styleOf(const QString &method, const QString &path, QString *model);

// The input texts of a request body in `style`.
QStringList inputs(const QString &style, const QJsonObject &body);

// The vector length a request asks for (dimensions / outputDimensionality / output_dimension), 0 when it does not.
int requestedDimensions(const QString &style, const QJsonObject &body);

// A successful answer in `style` carrying `vectors` in order.
QByteArray answer(const QString &style, const QList<QList<float>> &vectors, const QString &model, const QStringList &texts);

// The provider's error body for an HTTP status.
QByteArray errorBody(const QString &style, int status);

} // namespace kinbot::test::fakeembed
