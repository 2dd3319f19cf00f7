#include "plugins/Semver.h"

#include <QRegularExpression>
#include <QStringList>

#include <vector>

namespace kinbot::plugins {

namespace {

// A partial version of a range: missing or x/X/* parts are nullopt.
struct Partial
{
    std::optional<int> major, minor, patch;
    QString prerelease;
};

std::optional<Partial> parsePartial(QString text)
{
    text = text.trimmed();
    if (text.startsWith(QLatin1Char('v')) || text.startsWith(QLatin1Char('=')))
        text = text.mid(1);
    if (text.isEmpty())
        return Partial{};
    static const QRegularExpression re(QStringLiteral(
        R"(^(\d+|[xX*])(?:\.(\d+|[xX*])(?:\.(\d+|[xX*])(?:-([0-9A-Za-z.-]+))?)?)?(?:\+[0-9A-Za-z.-]+)?$)"));
    const auto m = re.match(text);
    if (!m.hasMatch())
        return std::nullopt;
    Partial p;
    auto part = [&](int i) -> std::optional<int> {
        const QString s = m.captured(i);
        if (s.isEmpty() || s == QLatin1String("x") || s == QLatin1String("X") || s == QLatin1String("*"))
            return std::nullopt;
        return s.toInt();
    };
    p.major = part(1);
    p.minor = p.major ? part(2) : std::nullopt;
    p.patch = p.minor ? part(3) : std::nullopt;
    p.prerelease = m.captured(4);
    return p;
}

Semver floor(const Partial &p)
{
    return {p.major.value_or(0), p.minor.value_or(0), p.patch.value_or(0), p.patch ? p.prerelease : QString()};
}

struct Comparator
{
    enum Op { Lt, Le, Gt, Ge, Eq } op;
    Semver v;
    bool test(const Semver &x) const
    {
        const int c = x.compare(v);
        switch (op) {
        case Lt: return c < 0;
        case Le: return c <= 0;
        case Gt: return c > 0;
        case Ge: return c >= 0;
        case Eq: return c == 0;
        }
        return false;
    }
};

// The comparators a partial version means with no operator ("1.2" = >=1.2.0 <1.3.0).
void addXRange(const Partial &p, std::vector<Comparator> &out)
{
    if (!p.major)
        return; // any
    if (!p.minor) {
        out.push_back({Comparator::Ge, floor(p)});
        out.push_back({Comparator::Lt, {*p.major + 1, 0, 0, {}}});
    } else if (!p.patch) {
        out.push_back({Comparator::Ge, floor(p)});
        out.push_back({Comparator::Lt, {*p.major, *p.minor + 1, 0, {}}});
    } else {
        out.push_back({Comparator::Eq, floor(p)});
    }
}

bool addToken(const QString &token, std::vector<Comparator> &out)
{
    QString t = token;
    if (t.startsWith(QLatin1Char('^')) || t.startsWith(QLatin1Char('~'))) {
        const bool caret = t.startsWith(QLatin1Char('^'));
        const auto p = parsePartial(t.mid(1));
        if (!p)
            return false;
        if (!p->major)
            return true;
        const Semver lo = floor(*p);
        Semver hi;
        if (!caret) // ~1.2.3 → <1.3.0; ~1 → <2.0.0
            hi = p->minor ? Semver{lo.major, lo.minor + 1, 0, {}} : Semver{lo.major + 1, 0, 0, {}};
        else if (lo.major > 0 || !p->minor)
            hi = {lo.major + 1, 0, 0, {}};
        else if (lo.minor > 0 || !p->patch)
            hi = {0, lo.minor + 1, 0, {}};
        else
            hi = {0, 0, lo.patch + 1, {}};
        out.push_back({Comparator::Ge, lo});
        out.push_back({Comparator::Lt, hi});
        return true;
    }
    for (auto [prefix, op] : {std::pair{">=", Comparator::Ge}, std::pair{"<=", Comparator::Le}, std::pair{">", Comparator::Gt},
                              std::pair{"<", Comparator::Lt}}) {
        if (!t.startsWith(QLatin1String(prefix)))
            continue;
        const auto p = parsePartial(t.mid(int(qstrlen(prefix))));
        if (!p)
            return false;
        if (!p->major) // ">=*" is any; "<*" nothing: keep it simple, treat as any
            return true;
        if (op == Comparator::Gt && !p->patch) { // >1.2 means >=1.3.0
            out.push_back({Comparator::Ge, p->minor ? Semver{*p->major, *p->minor + 1, 0, {}} : Semver{*p->major + 1, 0, 0, {}}});
            return true;
        }
        if (op == Comparator::Le && !p->patch) { // <=1.2 means <1.3.0
            out.push_back({Comparator::Lt, p->minor ? Semver{*p->major, *p->minor + 1, 0, {}} : Semver{*p->major + 1, 0, 0, {}}});
            return true;
        }
        out.push_back({op, floor(*p)});
        return true;
    }
    const auto p = parsePartial(t);
    if (!p)
        return false;
    addXRange(*p, out);
    return true;
}

std::optional<std::vector<std::vector<Comparator>>> parseRange(const QString &range)
{
    std::vector<std::vector<Comparator>> sets;
    for (const QString &alt : range.split(QStringLiteral("||"))) {
        // Operators may be separated from their version by spaces (">= 1.2").
        QString text = alt.trimmed();
        static const QRegularExpression opSpace(QStringLiteral(R"(([<>]=?|[~^=])\s+)"));
        text.replace(opSpace, QStringLiteral("\\1"));
        const QStringList tokens = text.split(QRegularExpression(QStringLiteral("\\s+")), Qt::SkipEmptyParts);
        std::vector<Comparator> set;
        if (tokens.size() == 3 && tokens[1] == QLatin1String("-")) { // hyphen range
            const auto lo = parsePartial(tokens[0]);
            const auto hi = parsePartial(tokens[2]);
            if (!lo || !hi)
                return std::nullopt;
            if (lo->major)
                set.push_back({Comparator::Ge, floor(*lo)});
            if (hi->major) {
                if (hi->patch)
                    set.push_back({Comparator::Le, floor(*hi)});
                else
                    set.push_back({Comparator::Lt, hi->minor ? Semver{*hi->major, *hi->minor + 1, 0, {}} : Semver{*hi->major + 1, 0, 0, {}}});
            }
        } else {
            for (const QString &token : tokens)
                if (!addToken(token, set))
                    return std::nullopt;
        }
        sets.push_back(std::move(set));
    }
    return sets;
}

int comparePrerelease(const QString &a, const QString &b)
{
    if (a == b)
        return 0;
    if (a.isEmpty())
        return 1;
    if (b.isEmpty())
        return -1;
    const QStringList pa = a.split(QLatin1Char('.')), pb = b.split(QLatin1Char('.'));
    for (int i = 0; i < qMin(pa.size(), pb.size()); ++i) {
        bool na = false, nb = false;
        const qlonglong ia = pa[i].toLongLong(&na), ib = pb[i].toLongLong(&nb);
        if (na && nb && ia != ib)
            return ia < ib ? -1 : 1;
        if (na != nb)
            return na ? -1 : 1;
        if (const int c = pa[i].compare(pb[i]); c != 0)
            return c < 0 ? -1 : 1;
    }
    return pa.size() == pb.size() ? 0 : (pa.size() < pb.size() ? -1 : 1);
}

} // namespace

std::optional<Semver> Semver::parse(const QString &text)
{
    static const QRegularExpression re(
        QStringLiteral(R"(^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+[0-9A-Za-z.-]+)?$)"));
    const auto m = re.match(text.trimmed());
    if (!m.hasMatch())
        return std::nullopt;
    return Semver{m.captured(1).toInt(), m.captured(2).toInt(), m.captured(3).toInt(), m.captured(4)};
}

int Semver::compare(const Semver &o) const
{
    for (auto [a, b] : {std::pair{major, o.major}, std::pair{minor, o.minor}, std::pair{patch, o.patch}})
        if (a != b)
            return a < b ? -1 : 1;
    return comparePrerelease(prerelease, o.prerelease);
}

QString Semver::toString() const
{
    QString s = QStringLiteral("%1.%2.%3").arg(major).arg(minor).arg(patch);
    if (!prerelease.isEmpty())
        s += QLatin1Char('-') + prerelease;
    return s;
}

std::optional<bool> semverSatisfies(const Semver &version, const QString &range)
{
    const auto sets = parseRange(range);
    if (!sets)
        return std::nullopt;
    for (const auto &set : *sets) {
        bool all = true;
        for (const Comparator &c : set)
            all = all && c.test(version);
        if (all)
            return true;
    }
    return false;
}

bool isValidSemverRange(const QString &range)
{
    return parseRange(range).has_value();
}

} // namespace kinbot::plugins
