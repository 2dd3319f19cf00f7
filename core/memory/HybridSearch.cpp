#include "memory/HybridSearch.h"

#include <QRegularExpression>

#include <algorithm>

namespace kinbot::memory {

QString ftsMatchExpression(const QString &text, bool any)
{
    static const QRegularExpression separators(QStringLiteral("[^\\p{L}\\p{N}_]+"));
    QStringList terms;
    for (const QString &word : text.toLower().split(separators, Qt::SkipEmptyParts)) {
        if (word.size() < 3 || terms.contains(word))
            continue;
        terms.append(QLatin1Char('"') + word + QStringLiteral("\"*"));
        if (terms.size() >= 32)
            break;
    }
    return terms.join(any ? QStringLiteral(" OR ") : QStringLiteral(" AND "));
}

QHash<QString, double> fuseRanks(const QList<RankedList> &lists, int k)
{
    QHash<QString, double> scores;
    for (const RankedList &list : lists)
        for (qsizetype r = 0; r < list.ids.size(); ++r)
            scores[list.ids.at(r)] += list.weight / double(k + r + 1);
    return scores;
}

QStringList rankedIds(const QHash<QString, double> &scores)
{
    QStringList ids = scores.keys();
    std::sort(ids.begin(), ids.end(), [&](const QString &a, const QString &b) {
        const double sa = scores.value(a), sb = scores.value(b);
        return sa != sb ? sa > sb : a < b;
    });
    return ids;
}

} // namespace kinbot::memory
