#pragma once

#include <QList>
#include <QString>
#include <QStringView>

// Cutting a document into chunks for embedding and search (engine.md §5).
//
// Token estimate: words / 0.75, rounded up — the reference's rule, which is about right for English with OpenAI
// tokenizers (≈ 1.33 tokens per word) and needs no tokenizer; a "word" is a run of non-space characters.
//
// The text is split into paragraphs on blank lines; paragraphs are packed into a chunk until the next one would take
// it over maxTokens; the next chunk then starts with the last overlapTokens' worth of words of the previous one
// (⌈50 × 0.75⌉ = 38 words by default). A paragraph larger than a chunk on its own is cut into windows of words with
// the same overlap (the reference keeps it whole, making chunks of any size).
namespace kinbot::knowledge {

struct Chunk
{
    QString content;
    int tokenCount = 0;
};

struct ChunkerOptions
{
    int maxTokens = 512;
    int overlapTokens = 50;
};

int countWords(QStringView text);
int estimateTokens(int words);
inline int estimateTokens(QStringView text) { return estimateTokens(countWords(text)); }

QList<Chunk> chunkText(const QString &text, const ChunkerOptions &options = {});

} // namespace kinbot::knowledge
