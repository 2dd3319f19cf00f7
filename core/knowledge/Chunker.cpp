#include "knowledge/Chunker.h"

#include <QRegularExpression>

#include <cmath>

namespace kinbot::knowledge {

namespace {

struct Span
{
    qsizetype start;
    qsizetype end;
};

QList<Span> wordSpans(QStringView text)
{
    QList<Span> out;
    qsizetype start = -1;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const bool space = text[i].isSpace();
        if (!space && start < 0)
            start = i;
        else if (space && start >= 0) {
            out.append({start, i});
            start = -1;
        }
    }
    if (start >= 0)
        out.append({start, text.size()});
    return out;
}

// The last n words of text (with what separates them), "" for n <= 0.
QString tailWords(QStringView text, int n)
{
    if (n <= 0)
        return {};
    qsizetype i = text.size();
    int seen = 0;
    bool inWord = false;
    while (i > 0) {
        const bool space = text[i - 1].isSpace();
        if (!space && !inWord) {
            inWord = true;
            ++seen;
        } else if (space && inWord) {
            inWord = false;
            if (seen == n)
                break;
        }
        --i;
    }
    return text.mid(i).trimmed().toString();
}

} // namespace

int countWords(QStringView text)
{
    int words = 0;
    bool inWord = false;
    for (QChar c : text) {
        const bool space = c.isSpace();
        if (!space && !inWord)
            ++words;
        inWord = !space;
    }
    return words;
}

int estimateTokens(int words)
{
    return int(std::ceil(words / 0.75));
}

QList<Chunk> chunkText(const QString &text, const ChunkerOptions &options)
{
    const int maxWords = qMax(2, int(options.maxTokens * 0.75));
    const int overlapWords = qBound(0, int(std::ceil(options.overlapTokens * 0.75)), maxWords / 2);

    QList<Chunk> out;
    QString current;
    int curWords = 0;
    int seedWords = 0; // words of `current` carried over from the previous chunk
    const auto flush = [&] {
        if (curWords > seedWords)
            out.append({current, estimateTokens(curWords)});
    };
    const auto reseed = [&](QStringView from, int words) {
        current = tailWords(from, words);
        curWords = seedWords = countWords(current);
    };

    static const QRegularExpression blankLine(QStringLiteral("\\n[ \\t\\r\\f\\v]*\\n"));
    for (const QString &raw : text.split(blankLine, Qt::SkipEmptyParts)) {
        const QString para = raw.trimmed();
        const int words = countWords(para);
        if (words == 0)
            continue;
        if (words > maxWords) {
            // A paragraph bigger than a chunk: windows of maxWords words, overlapping like chunks do.
            flush();
            const QList<Span> spans = wordSpans(para);
            int start = 0;
            while (true) {
                const int end = qMin(start + maxWords, int(spans.size()));
                out.append({para.mid(spans[start].start, spans[end - 1].end - spans[start].start), estimateTokens(end - start)});
                if (end == spans.size())
                    break;
                start = end - overlapWords;
            }
            reseed(para, overlapWords);
            continue;
        }
        if (curWords + words > maxWords) {
            if (curWords > seedWords)
                flush();
            reseed(current, qMin(overlapWords, maxWords - words));
        }
        if (!current.isEmpty())
            current += QStringLiteral("\n\n");
        current += para;
        curWords += words;
    }
    flush();
    return out;
}

} // namespace kinbot::knowledge
