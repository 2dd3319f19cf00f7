#pragma once

#include <QList>
#include <QString>

// Provider-neutral types of the embeddings layer (memory and knowledge vectors, issue 5).
namespace kinbot::memory {

// What the text is embedded for. Providers that distinguish the two (Cohere input_type, Gemini taskType, Voyage
// input_type) get the matching value; the others ignore it.
enum class EmbeddingPurpose { Document, Query };

struct EmbeddingRequest
{
    QStringList texts;                                   // one vector per text, same order
    EmbeddingPurpose purpose = EmbeddingPurpose::Document;
    int dimensions = 0;                                  // > 0: ask for shortened vectors where the API can
};

struct Embeddings
{
    QList<QList<float>> vectors; // as returned by the provider (not normalised), one per input text
    int dimensions = 0;          // length of every vector
    QString model;
    qint64 inputTokens = 0;      // when the provider reports usage, else 0
};

// Time, retry and batch limits of one embeddings client.
struct EmbeddingLimits
{
    int timeoutMs = 30000;       // per HTTP request (one batch), from send to the whole answer
    int maxRetries = 2;          // on 429, 5xx and connection errors; honours Retry-After up to maxBackoffMs
    int initialBackoffMs = 500;  // doubled per retry
    int maxBackoffMs = 8000;
    int maxBatch = 96;           // texts per HTTP request (Cohere's limit; Gemini's is 100); larger inputs are split
};

} // namespace kinbot::memory
