#pragma once

#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

// Pieces of the hybrid (vector + full-text) search shared by memories and knowledge (engine.md §4.4, §5).
namespace kinbot::memory {

// An FTS5 MATCH expression for free text: words of ≥3 characters (FTS syntax characters dropped), each as a quoted
// prefix term, joined with AND (or OR). Empty when no word qualifies.
QString ftsMatchExpression(const QString &text, bool any = false);

// Reciprocal-rank fusion: an id at 0-based rank r of a list adds weight/(k + r + 1). Lists are best first.
struct RankedList
{
    QStringList ids;
    double weight = 1.0;
};
QHash<QString, double> fuseRanks(const QList<RankedList> &lists, int k = 60);

// The ids of a fused map, best first (ties by id, so results are stable).
QStringList rankedIds(const QHash<QString, double> &scores);

} // namespace kinbot::memory
