#include "memory/MemoryRanking.h"

#include <QHash>
#include <QRegularExpression>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace kinbot::memory {

Intent detectIntent(const QString &query)
{
    static const QRegularExpression preference(QStringLiteral(
        "\\b(prefer\\w*|like[sd]?|love[sd]?|enjoy\\w*|favou?rite\\w*|taste\\w*|hate[sd]?|dislike\\w*|pr[ée]f[èe]r\\w*|aime\\w*|adore\\w*|"
        "favori\\w*|go[ûu]t\\w*|d[ée]teste\\w*)\\b"));
    static const QRegularExpression decision(QStringLiteral(
        "\\b(decide[sd]?|decision\\w*|chose|choice\\w*|chosen|plan(?:s|ned)?|agreed?|settled|d[ée]cid\\w*|choix|choisi\\w*|convenu\\w*|"
        "planifi\\w*)\\b"));
    static const QRegularExpression knowledge(QStringLiteral(
        "(\\bhow (?:to|do|does|can)\\b|\\bexplain\\w*|\\btutorial\\w*|\\bguide\\w*|\\bmethod\\w*|\\bsteps?\\b|comment faire|"
        "\\bexpliqu\\w*|\\btutoriel\\w*|\\bm[ée]thode\\w*)"));
    const QString q = query.toLower();
    if (preference.match(q).hasMatch())
        return Intent::Preference;
    if (decision.match(q).hasMatch())
        return Intent::Decision;
    if (knowledge.match(q).hasMatch())
        return Intent::Knowledge;
    return Intent::None;
}

static double categoryDecay(const QString &category)
{
    if (category == QLatin1String("fact") || category == QLatin1String("knowledge"))
        return 0.1;
    if (category == QLatin1String("preference"))
        return 0.5;
    if (category == QLatin1String("decision"))
        return 2.0;
    return 1.0;
}

static bool intentMatches(Intent intent, const QString &category)
{
    switch (intent) {
    case Intent::Preference: return category == QLatin1String("preference");
    case Intent::Decision: return category == QLatin1String("decision");
    case Intent::Knowledge: return category == QLatin1String("knowledge");
    case Intent::None: return false;
    }
    return false;
}

double boostFactor(const MemoryRecord &m, const QString &lowerQuery, Intent intent, qint64 nowMs, const RankingParams &p)
{
    const double importance = m.importanceOr5();
    const double days = std::max(0.0, double(nowMs - m.updatedAt) / 86400000.0);
    const double decay = std::max(p.decayFloor, std::exp(-p.decayLambda * categoryDecay(m.category) * (1.5 - importance / 10.0) * days));
    double f = decay * (0.5 + importance / 10.0) * (1.0 + 0.05 * std::log2(1.0 + m.retrievalCount));
    if (!m.subject.isEmpty() && lowerQuery.contains(m.subject.toLower()))
        f *= p.subjectBoost;
    if (intentMatches(intent, m.category))
        f *= p.categoryBoost;
    if (p.recencyBoost) {
        const double ageDays = std::max(0.0, double(nowMs - m.createdAt) / 86400000.0);
        f *= ageDays <= 1 ? 1.5 : ageDays <= 7 ? 1.25 : ageDays <= 30 ? 1.1 : 1.0;
    }
    return f;
}

QList<ScoredMemory> adaptiveCut(const QList<ScoredMemory> &sorted)
{
    if (sorted.size() <= 1)
        return sorted;
    // The gap is measured against the whole score range: measured against (top − current), as engine.md words it,
    // the first step would always count as a full gap and every search would stop at one result.
    const double top = sorted.first().score, range = top - sorted.last().score;
    qsizetype keep = sorted.size();
    for (qsizetype i = 1; i < sorted.size() && range > 0; ++i) {
        if ((sorted.at(i - 1).score - sorted.at(i).score) / range > 0.4) {
            keep = i;
            break;
        }
    }
    QList<ScoredMemory> out;
    for (qsizetype i = 0; i < keep; ++i)
        if (i == 0 || sorted.at(i).score >= 0.3 * top)
            out.append(sorted.at(i));
    return out;
}

QString ageText(qint64 thenMs, qint64 nowMs)
{
    const qint64 s = std::max<qint64>(0, (nowMs - thenMs) / 1000);
    if (s < 60)
        return QStringLiteral("just now");
    if (s < 3600)
        return QStringLiteral("%1m ago").arg(s / 60);
    if (s < 86400)
        return QStringLiteral("%1h ago").arg(s / 3600);
    if (s < 30 * 86400)
        return QStringLiteral("%1d ago").arg(s / 86400);
    if (s < 365 * 86400)
        return QStringLiteral("%1mo ago").arg(s / (30 * 86400));
    return QStringLiteral("%1y ago").arg(s / (365 * 86400));
}

namespace {

QString categoryTitle(const QString &category)
{
    if (category == QLatin1String("fact"))
        return QStringLiteral("Facts");
    if (category == QLatin1String("preference"))
        return QStringLiteral("Preferences");
    if (category == QLatin1String("decision"))
        return QStringLiteral("Decisions");
    return QStringLiteral("Knowledge");
}

QString line(const ScoredMemory &s, double top, qint64 nowMs, bool withSubject)
{
    const MemoryRecord &m = s.memory;
    const double rel = top > 0 ? s.score / top : 0;
    QString out = QStringLiteral("- ");
    if (m.importanceOr5() >= 7)
        out += QStringLiteral("★ ");
    out += rel >= 0.7 ? QStringLiteral("⬤ ") : rel >= 0.4 ? QStringLiteral("◉ ") : QStringLiteral("○ ");
    out += QStringLiteral("[%1] ").arg(m.category);
    if (!s.authorKinName.isEmpty())
        out += QStringLiteral("*[shared by %1]* ").arg(s.authorKinName);
    out += m.content;
    if (withSubject && !m.subject.isEmpty())
        out += QStringLiteral(" (subject: %1)").arg(m.subject);
    if (withSubject && !m.sourceContext.isEmpty())
        out += QStringLiteral(" [context: %1]").arg(m.sourceContext);
    out += QStringLiteral(" — ") + ageText(m.updatedAt, nowMs);
    return out;
}

} // namespace

QString renderMemoryBlock(const QList<ScoredMemory> &memories, qint64 nowMs, int tokenBudget)
{
    if (memories.isEmpty())
        return {};
    const double top = std::max_element(memories.begin(), memories.end(), [](const auto &a, const auto &b) { return a.score < b.score; })->score;
    // Budget: keep the best-scored lines until it is spent (at least one), in their original order.
    QList<ScoredMemory> kept = memories;
    if (tokenBudget > 0) {
        QList<qsizetype> order(memories.size());
        std::iota(order.begin(), order.end(), 0);
        std::stable_sort(order.begin(), order.end(), [&](qsizetype a, qsizetype b) { return memories[a].score > memories[b].score; });
        QList<bool> take(memories.size(), false);
        double used = 0;
        for (qsizetype i : order) {
            const double cost = line(memories[i], top, nowMs, true).size() / 3.5;
            if (used > 0 && used + cost > tokenBudget)
                continue;
            used += cost;
            take[i] = true;
        }
        kept.clear();
        for (qsizetype i = 0; i < memories.size(); ++i)
            if (take[i])
                kept.append(memories[i]);
    }

    QStringList out{QStringLiteral("## Memories"),
                    QStringLiteral("What you remember (★ important; ⬤ highly relevant, ◉ relevant, ○ loosely related). "
                                   "Use recall for more, and do not repeat these back unless asked.")};
    if (kept.size() <= 3) {
        for (const ScoredMemory &s : kept)
            out << line(s, top, nowMs, true);
        return out.join(QLatin1Char('\n'));
    }
    int withSubject = 0;
    for (const ScoredMemory &s : kept)
        withSubject += s.memory.subject.isEmpty() ? 0 : 1;
    const bool bySubject = withSubject * 10 >= int(kept.size()) * 6;
    QList<QString> groupOrder;
    QHash<QString, QList<ScoredMemory>> groups;
    for (const ScoredMemory &s : kept) {
        const QString g = bySubject ? (s.memory.subject.isEmpty() ? QStringLiteral("General") : s.memory.subject)
                                    : categoryTitle(s.memory.category);
        if (!groups.contains(g))
            groupOrder.append(g);
        groups[g].append(s);
    }
    if (bySubject) {
        std::stable_sort(groupOrder.begin(), groupOrder.end(), [&](const QString &a, const QString &b) {
            if ((a == QLatin1String("General")) != (b == QLatin1String("General")))
                return b == QLatin1String("General");
            return groups[a].size() > groups[b].size();
        });
    } else {
        const QStringList fixed{QStringLiteral("Facts"), QStringLiteral("Preferences"), QStringLiteral("Decisions"), QStringLiteral("Knowledge")};
        std::stable_sort(groupOrder.begin(), groupOrder.end(), [&](const QString &a, const QString &b) { return fixed.indexOf(a) < fixed.indexOf(b); });
    }
    for (const QString &g : std::as_const(groupOrder)) {
        QList<ScoredMemory> items = groups.value(g);
        if (bySubject)
            std::stable_sort(items.begin(), items.end(), [](const auto &a, const auto &b) { return a.memory.importanceOr5() > b.memory.importanceOr5(); });
        out << QString() << QStringLiteral("### ") + g;
        for (const ScoredMemory &s : items)
            out << line(s, top, nowMs, !bySubject);
    }
    return out.join(QLatin1Char('\n'));
}

} // namespace kinbot::memory
