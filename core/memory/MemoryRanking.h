#pragma once

#include "memory/MemoryRecord.h"

#include <QList>
#include <QString>

// The scoring and presentation rules of memory search (engine.md §4.4–4.6), as pure functions.
namespace kinbot::memory {

enum class Intent { None, Preference, Decision, Knowledge };

// Zero-cost intent of a query (English and French cues). `fact` is never an intent.
Intent detectIntent(const QString &query);

struct RankingParams
{
    double decayLambda = 0.01;
    double decayFloor = 0.7;
    double subjectBoost = 1.3;
    double categoryBoost = 1.25;
    bool recencyBoost = true;
};

// The multiplier applied to a memory's fused rank score: temporal decay by category and importance, importance weight,
// retrieval boost, subject match, intent match and recency.
double boostFactor(const MemoryRecord &m, const QString &lowerQuery, Intent intent, qint64 nowMs, const RankingParams &p = {});

// Adaptive K on a list sorted best first: cut at the first gap wider than 0.4 of the score range, then below
// 0.3 × the top; ≥ 1 kept.
QList<ScoredMemory> adaptiveCut(const QList<ScoredMemory> &sorted);

// "just now", "5m ago", "3h ago", "3d ago", "2mo ago", "1y ago".
QString ageText(qint64 thenMs, qint64 nowMs);

// The "## Memories" block: legend, flat list for ≤3, else grouped by subject (when ≥60 % have one) or by category;
// lines kept by score until tokenBudget (≈ chars/3.5; 0 = no budget), at least one. "" when there is nothing.
QString renderMemoryBlock(const QList<ScoredMemory> &memories, qint64 nowMs, int tokenBudget = 0);

} // namespace kinbot::memory
