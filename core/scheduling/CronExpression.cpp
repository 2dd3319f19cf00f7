#include "scheduling/CronExpression.h"

#include <QDate>
#include <QHash>
#include <QStringList>
#include <QTime>

#include <algorithm>
#include <vector>

namespace kinbot {

namespace {

struct FieldSpec
{
    const char *name;
    int min;
    int max;     // largest value accepted in the text (7 for weekdays: Sunday again)
    int starMax; // the end of `*` (6 for weekdays)
    const QHash<QString, int> *names;
};

const QHash<QString, int> kMonthNames{{QStringLiteral("JAN"), 1}, {QStringLiteral("FEB"), 2},  {QStringLiteral("MAR"), 3},
                                      {QStringLiteral("APR"), 4}, {QStringLiteral("MAY"), 5},  {QStringLiteral("JUN"), 6},
                                      {QStringLiteral("JUL"), 7}, {QStringLiteral("AUG"), 8},  {QStringLiteral("SEP"), 9},
                                      {QStringLiteral("OCT"), 10}, {QStringLiteral("NOV"), 11}, {QStringLiteral("DEC"), 12}};
const QHash<QString, int> kDayNames{{QStringLiteral("SUN"), 0}, {QStringLiteral("MON"), 1}, {QStringLiteral("TUE"), 2},
                                    {QStringLiteral("WED"), 3}, {QStringLiteral("THU"), 4}, {QStringLiteral("FRI"), 5},
                                    {QStringLiteral("SAT"), 6}};

const FieldSpec kSecond{"second", 0, 59, 59, nullptr};
const FieldSpec kMinute{"minute", 0, 59, 59, nullptr};
const FieldSpec kHour{"hour", 0, 23, 23, nullptr};
const FieldSpec kDayOfMonth{"day-of-month", 1, 31, 31, nullptr};
const FieldSpec kMonth{"month", 1, 12, 12, &kMonthNames};
const FieldSpec kDayOfWeek{"day-of-week", 0, 7, 6, &kDayNames};

ApiError cronError(const QString &expression, const QString &detail)
{
    return ApiError::badRequest(QStringLiteral("INVALID_CRON"), QStringLiteral("Invalid cron expression \"%1\": %2").arg(expression, detail));
}

// One value of a field: a number or, where the field has them, a name.
std::optional<int> parseValue(const QString &text, const FieldSpec &spec)
{
    bool ok = false;
    const int v = text.toInt(&ok);
    if (ok && !text.isEmpty() && text.at(0).isDigit())
        return v;
    if (spec.names) {
        auto it = spec.names->constFind(text.toUpper());
        if (it != spec.names->constEnd())
            return it.value();
    }
    return std::nullopt;
}

// The bit mask of one field, or a message naming what is wrong.
Result<quint64> parseField(const QString &expression, const QString &text, const FieldSpec &spec)
{
    const QString where = QStringLiteral("%1 field \"%2\": ").arg(QLatin1String(spec.name), text);
    const bool dayField = &spec == &kDayOfMonth || &spec == &kDayOfWeek;
    quint64 mask = 0;
    for (const QString &part : text.split(QLatin1Char(','))) {
        if (part.isEmpty())
            return cronError(expression, where + QStringLiteral("empty list item"));
        const QStringList stepSplit = part.split(QLatin1Char('/'));
        if (stepSplit.size() > 2)
            return cronError(expression, where + QStringLiteral("more than one '/' in \"%1\"").arg(part));
        const QString base = stepSplit.at(0);
        int step = 1;
        if (stepSplit.size() == 2) {
            bool ok = false;
            step = stepSplit.at(1).toInt(&ok);
            if (!ok || step <= 0 || !stepSplit.at(1).at(0).isDigit())
                return cronError(expression, where + QStringLiteral("step \"%1\" must be a positive number").arg(stepSplit.at(1)));
        }
        int from = 0;
        int to = 0;
        if (base == QLatin1String("*") || (base == QLatin1String("?") && dayField)) {
            from = spec.min;
            to = spec.starMax;
        } else if (base.isEmpty()) {
            return cronError(expression, where + QStringLiteral("missing value before '/'"));
        } else {
            const int dash = base.indexOf(QLatin1Char('-'), 1);
            const QString first = dash > 0 ? base.left(dash) : base;
            const auto a = parseValue(first, spec);
            if (!a)
                return cronError(expression, where + QStringLiteral("\"%1\" is not a valid value").arg(first));
            from = *a;
            if (dash > 0) {
                const QString last = base.mid(dash + 1);
                const auto b = parseValue(last, spec);
                if (!b)
                    return cronError(expression, where + QStringLiteral("\"%1\" is not a valid value").arg(last));
                to = *b;
            } else {
                to = stepSplit.size() == 2 ? spec.starMax : from; // "a/n": from a to the end of the field
            }
            for (int v : {from, to})
                if (v < spec.min || v > spec.max)
                    return cronError(expression, where + QStringLiteral("%1 is out of range %2-%3").arg(v).arg(spec.min).arg(spec.max));
            if (from > to)
                return cronError(expression, where + QStringLiteral("range %1-%2 goes backwards").arg(from).arg(to));
        }
        for (int v = from; v <= to; v += step)
            mask |= quint64(1) << v;
    }
    if (&spec == &kDayOfWeek && (mask & (quint64(1) << 7))) // 7 is Sunday too
        mask = (mask & ~(quint64(1) << 7)) | 1;
    return mask;
}

QString expandMacro(const QString &text)
{
    static const QHash<QString, QString> macros{{QStringLiteral("@yearly"), QStringLiteral("0 0 1 1 *")},
                                                {QStringLiteral("@annually"), QStringLiteral("0 0 1 1 *")},
                                                {QStringLiteral("@monthly"), QStringLiteral("0 0 1 * *")},
                                                {QStringLiteral("@weekly"), QStringLiteral("0 0 * * 0")},
                                                {QStringLiteral("@daily"), QStringLiteral("0 0 * * *")},
                                                {QStringLiteral("@midnight"), QStringLiteral("0 0 * * *")},
                                                {QStringLiteral("@hourly"), QStringLiteral("0 * * * *")}};
    return macros.value(text.toLower());
}

// Offsets and instants of the zone; an invalid zone is UTC.
int offsetAt(const QTimeZone &zone, qint64 ms)
{
    return zone.isValid() ? zone.offsetFromUtc(QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC)) : 0;
}

constexpr qint64 kWindowMs = 26LL * 3600 * 1000; // wider than any UTC offset: both sides of a transition

// The instants whose civil time in the zone is `localMs` (the civil time written as if it were UTC), ascending:
// none in a spring-forward gap, two in a fall-back overlap.
std::vector<qint64> instantsOf(qint64 localMs, const QTimeZone &zone)
{
    std::vector<qint64> out;
    for (int o : {offsetAt(zone, localMs - kWindowMs), offsetAt(zone, localMs), offsetAt(zone, localMs + kWindowMs)}) {
        const qint64 instant = localMs - qint64(o) * 1000;
        if (offsetAt(zone, instant) == o && std::find(out.begin(), out.end(), instant) == out.end())
            out.push_back(instant);
    }
    std::sort(out.begin(), out.end());
    return out;
}

// `localMs` fell in a gap: the first instant after it (the moment the offset changed).
qint64 gapEnd(qint64 localMs, const QTimeZone &zone)
{
    const int before = offsetAt(zone, localMs - kWindowMs);
    const int after = offsetAt(zone, localMs + kWindowMs);
    qint64 lo = localMs - qint64(std::max(before, after)) * 1000; // still the old offset
    qint64 hi = localMs - qint64(std::min(before, after)) * 1000; // already the new one
    const int newOffset = offsetAt(zone, hi);
    while (hi - lo > 1000) { // transitions fall on whole seconds
        const qint64 mid = lo + (hi - lo) / 2000 * 1000;
        if (offsetAt(zone, mid) == newOffset)
            hi = mid;
        else
            lo = mid;
    }
    return hi;
}

qint64 floorToSecond(qint64 ms)
{
    return ms >= 0 ? ms / 1000 * 1000 : -((-ms + 999) / 1000) * 1000;
}

} // namespace

Result<CronExpression> CronExpression::parse(const QString &expression)
{
    QString text = expression.simplified();
    if (text.isEmpty())
        return cronError(expression, QStringLiteral("empty expression"));
    if (text.startsWith(QLatin1Char('@'))) {
        const QString expanded = expandMacro(text);
        if (expanded.isEmpty())
            return cronError(expression, QStringLiteral("unknown macro %1 (use @yearly, @monthly, @weekly, @daily or @hourly)").arg(text));
        text = expanded;
    }
    const QStringList fields = text.split(QLatin1Char(' '));
    if (fields.size() != 5 && fields.size() != 6)
        return cronError(expression, QStringLiteral("expected 5 fields (minute hour day-of-month month day-of-week) or 6 (with seconds "
                                                    "first), got %1").arg(fields.size()));
    CronExpression c;
    c.m_text = expression.simplified();
    c.m_hasSeconds = fields.size() == 6;
    const int o = c.m_hasSeconds ? 1 : 0;
    const FieldSpec *specs[] = {&kMinute, &kHour, &kDayOfMonth, &kMonth, &kDayOfWeek};
    quint64 masks[5];
    for (int i = 0; i < 5; ++i) {
        auto m = parseField(expression, fields.at(i + o), *specs[i]);
        if (!m)
            return m.error();
        masks[i] = m.value();
    }
    if (c.m_hasSeconds) {
        auto s = parseField(expression, fields.at(0), kSecond);
        if (!s)
            return s.error();
        c.m_seconds = std::bitset<60>(s.value());
    } else {
        c.m_seconds.set(0);
    }
    c.m_minutes = std::bitset<60>(masks[0]);
    c.m_hours = std::bitset<24>(masks[1]);
    c.m_daysOfMonth = std::bitset<32>(masks[2]);
    c.m_months = std::bitset<13>(masks[3]);
    c.m_daysOfWeek = std::bitset<7>(masks[4]);
    const auto restricted = [](const QString &f) { return !f.startsWith(QLatin1Char('*')) && !f.startsWith(QLatin1Char('?')); };
    c.m_domRestricted = restricted(fields.at(2 + o));
    c.m_dowRestricted = restricted(fields.at(4 + o));
    return c;
}

bool CronExpression::dayMatches(int year, int month, int day) const
{
    const bool dom = m_daysOfMonth.test(day);
    const bool dow = m_daysOfWeek.test(QDate(year, month, day).dayOfWeek() % 7);
    if (m_domRestricted && m_dowRestricted)
        return dom || dow;
    return dom && dow;
}

std::optional<CronExpression::Civil> CronExpression::nextCivil(const Civil &from) const
{
    for (int y = from.year; y <= from.year + kSearchYears; ++y) {
        const bool sameYear = y == from.year;
        for (int mo = sameYear ? from.month : 1; mo <= 12; ++mo) {
            if (!m_months.test(mo))
                continue;
            const bool sameMonth = sameYear && mo == from.month;
            const int days = QDate(y, mo, 1).daysInMonth();
            for (int d = sameMonth ? from.day : 1; d <= days; ++d) {
                if (!dayMatches(y, mo, d))
                    continue;
                const bool sameDay = sameMonth && d == from.day;
                for (int h = sameDay ? from.hour : 0; h < 24; ++h) {
                    if (!m_hours.test(h))
                        continue;
                    const bool sameHour = sameDay && h == from.hour;
                    for (int mi = sameHour ? from.minute : 0; mi < 60; ++mi) {
                        if (!m_minutes.test(mi))
                            continue;
                        const bool sameMinute = sameHour && mi == from.minute;
                        for (int s = sameMinute ? from.second : 0; s < 60; ++s)
                            if (m_seconds.test(s))
                                return Civil{y, mo, d, h, mi, s};
                    }
                }
            }
        }
    }
    return std::nullopt;
}

std::optional<qint64> CronExpression::nextMs(qint64 afterMs, const QTimeZone &zone) const
{
    const auto civilOfLocal = [](qint64 localMs) {
        const QDateTime t = QDateTime::fromMSecsSinceEpoch(localMs, Qt::UTC);
        return Civil{t.date().year(), t.date().month(), t.date().day(), t.time().hour(), t.time().minute(), t.time().second()};
    };
    const auto localOf = [](const Civil &c) {
        return QDateTime(QDate(c.year, c.month, c.day), QTime(c.hour, c.minute, c.second), Qt::UTC).toMSecsSinceEpoch();
    };
    const qint64 start = floorToSecond(afterMs) + 1000;
    Civil from = civilOfLocal(start + qint64(offsetAt(zone, start)) * 1000);
    // Each round either answers or moves past one candidate; candidates that are all already past only happen around
    // a fall-back overlap, so a handful of rounds is the most this loop ever runs.
    for (int round = 0; round < 1000; ++round) {
        const auto candidate = nextCivil(from);
        if (!candidate)
            return std::nullopt;
        const qint64 local = localOf(*candidate);
        const std::vector<qint64> instants = instantsOf(local, zone);
        if (instants.empty()) {
            const qint64 end = gapEnd(local, zone);
            if (end > afterMs)
                return end;
        }
        for (qint64 instant : instants)
            if (instant > afterMs)
                return instant; // the first occurrence still ahead
        from = civilOfLocal(local + 1000);
    }
    return std::nullopt;
}

std::optional<QDateTime> CronExpression::next(const QDateTime &after, const QTimeZone &zone) const
{
    const auto ms = nextMs(after.toMSecsSinceEpoch(), zone);
    if (!ms)
        return std::nullopt;
    return zone.isValid() ? QDateTime::fromMSecsSinceEpoch(*ms, zone) : QDateTime::fromMSecsSinceEpoch(*ms, Qt::UTC);
}

} // namespace kinbot
