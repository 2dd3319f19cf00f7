#pragma once

#include "memory/Embeddings.h"
#include "util/Result.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>

// The four embeddings wire formats as pure functions (no network): request URL + body, answer → vectors.
namespace kinbot::memory {

enum class EmbeddingStyle {
    None,   // the provider type has no embeddings API
    OpenAi, // POST {base}/embeddings {model, input:[…]} → data[i].embedding
    Ollama, // POST {root}/api/embed {model, input:[…]} → embeddings[i]
    Gemini, // POST {root}/v1beta/models/{model}:batchEmbedContents → embeddings[i].values
    Cohere, // POST {root}/v2/embed {model, texts, input_type, embedding_types:["float"]} → embeddings.float[i]
};

// The wire of a provider type: OpenAI-style for openai, openrouter, together, fireworks, mistral, deepseek, xai,
// voyage, jina, nomic, lmstudio; native for ollama, gemini, cohere; None for the rest (anthropic, groq, …).
EmbeddingStyle embeddingStyle(const QString &providerType);

// The base URL the style's paths are appended to: the configured (or default) base without the API suffixes a
// user may have pasted ("…/v1" for Ollama, "…/v1beta" for Gemini, "…/compatibility/v1" or "…/v2" for Cohere).
QString embeddingRoot(EmbeddingStyle style, const QString &baseUrl);

struct WireRequest
{
    QString url;
    QJsonObject body;
};

// The request for one batch (`texts` already within the batch limit). `root` as returned by embeddingRoot().
WireRequest buildEmbeddingRequest(EmbeddingStyle style, const QString &root, const QString &providerType, const QString &model,
                                  const QStringList &texts, EmbeddingPurpose purpose, int dimensions);

// The vectors of one answer. Errors (code PROVIDER_BAD_RESPONSE): not JSON, missing/odd fields, a count different
// from `expectedCount`, an empty or non-numeric vector, vectors of different lengths.
Result<Embeddings> parseEmbeddingAnswer(EmbeddingStyle style, const QByteArray &body, int expectedCount);

} // namespace kinbot::memory
