#pragma once

#include "util/Result.h"

#include <QDateTime>
#include <QString>
#include <QTimeZone>

#include <bitset>
#include <optional>

namespace kinbot {

// A standard cron expression, parsed once, that answers "when next?" in a given time zone (engine.md §8.1).
//
// Syntax
// - 5 fields "minute hour day-of-month month day-of-week", or 6 fields with seconds first
//   "second minute hour day-of-month month day-of-week".
// - Each field: `*`, a value, a range `a-b`, a step `*/n`, `a/n` (from a to the field's end) or `a-b/n`, and comma lists
//   of these. Months accept JAN…DEC, weekdays SUN…SAT (case-insensitive, also inside ranges); weekday 0 and 7 are Sunday.
//   `?` is accepted as `*` in the day fields (Quartz habit).
// - Macros: @yearly (@annually), @monthly, @weekly, @daily (@midnight), @hourly.
// - Day of month and day of week: when both are restricted (neither starts with `*` or `?`), a day matches when
//   EITHER matches (the classic cron OR rule); when one starts with `*`, only the other restricts.
// - Errors name the field and the offending part: `hour field "25": 25 is out of range 0-23`.
//
// Time zones and daylight-saving changes (policy)
// - Fields are matched against the civil (wall-clock) time of the zone passed to next().
// - Spring forward: a matching local time that does not exist (it falls in the gap) fires ONCE, at the first instant
//   after the gap (e.g. 02:30 on the night Paris jumps from 02:00 to 03:00 fires at 03:00 CEST). Several matching times
//   inside the same gap still give that single fire.
// - Fall back: a local time that occurs twice fires once, at its first occurrence. This also holds for expressions
//   with a wildcard hour: `*/15 * * * *` does not fire again during the repeated hour.
// - Zones without daylight saving (UTC, Asia/Tokyo…) are plain.
//
// Cost: next() walks the calendar field by field (months, then matching days, hours, minutes, seconds), never minute
// by minute; it looks at most kSearchYears ahead and answers nullopt for expressions that never match (30 FEB).
class CronExpression final
{
public:
    static constexpr int kSearchYears = 100;

    static Result<CronExpression> parse(const QString &expression);

    // The first fire time strictly after `after` (any zone; compared as an instant), computed in `zone`.
    // The result is expressed in `zone`. nullopt when nothing matches within kSearchYears.
    std::optional<QDateTime> next(const QDateTime &after, const QTimeZone &zone) const;
    // The same on epoch milliseconds.
    std::optional<qint64> nextMs(qint64 afterMs, const QTimeZone &zone) const;

    const QString &text() const { return m_text; }
    bool hasSeconds() const { return m_hasSeconds; }

private:
    struct Civil
    {
        int year, month, day, hour, minute, second;
    };

    CronExpression() = default;
    bool dayMatches(int year, int month, int day) const;
    std::optional<Civil> nextCivil(const Civil &from) const;

    QString m_text;
    bool m_hasSeconds = false;
    std::bitset<60> m_seconds;
    std::bitset<60> m_minutes;
    std::bitset<24> m_hours;
    std::bitset<32> m_daysOfMonth; // 1–31
    std::bitset<13> m_months;      // 1–12
    std::bitset<7> m_daysOfWeek;   // 0 = Sunday
    bool m_domRestricted = false;
    bool m_dowRestricted = false;
};

} // namespace kinbot
