// Scheduling: the cron parser and next() across time zones and DST, the Scheduler on a manual clock, and wake-ups end
// to end (tool → row → clock advance → wakeup message queued → a Kin turn), including the missed-run policy at restart.
#include "KinFixture.h"

#include "scheduling/CronExpression.h"
#include "scheduling/Scheduler.h"
#include "scheduling/WakeupService.h"
#include "storage/Database.h"
#include "util/Json.h"

using namespace kinbot;
using namespace kinbot::test;

namespace {

qint64 utcMs(const char *iso)
{
    QDateTime t = QDateTime::fromString(QString::fromLatin1(iso), Qt::ISODateWithMs);
    t.setTimeSpec(Qt::UTC);
    return t.toMSecsSinceEpoch();
}

QString utcIso(std::optional<qint64> ms)
{
    return ms ? QDateTime::fromMSecsSinceEpoch(*ms, Qt::UTC).toString(Qt::ISODate) : QStringLiteral("none");
}

// next() of an expression from an instant, in a zone, as an ISO UTC string ("none" when it never fires).
QString nextUtc(const char *expr, const char *afterUtc, const char *zone = "UTC")
{
    auto c = CronExpression::parse(QString::fromLatin1(expr));
    if (!c)
        return QStringLiteral("parse error: ") + c.error().message;
    return utcIso(c->nextMs(utcMs(afterUtc), QTimeZone(QByteArray(zone))));
}

// The wake-up queue items of a Kin, oldest first: {content, priority, sourceType}.
QList<QVariantList> wakeupItems(Platform &p, const QString &kinId)
{
    auto rows = p.database().selectAll(QStringLiteral("SELECT content, priority, source_type FROM queue_items WHERE kin_id = ? AND "
                                                      "message_type = 'wakeup' ORDER BY created_at, rowid"),
                                       {kinId});
    return rows ? rows.value() : QList<QVariantList>{};
}

QVariantList wakeupRow(Platform &p, const QString &id)
{
    auto row = p.database().selectOne(QStringLiteral("SELECT status, fire_at, interval_seconds, expires_at, caller_kin_id, target_kin_id "
                                                     "FROM scheduled_wakeups WHERE id = ?"),
                                      {id});
    return row && row.value() ? *row.value() : QVariantList{};
}

void spin(int ms)
{
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < ms)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 10);
}

} // namespace

class TstScheduling final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    // ---- the parser ----------------------------------------------------------------------------------------------

    void parsesStandardForms_data()
    {
        QTest::addColumn<QString>("expr");
        QTest::addColumn<QString>("after");
        QTest::addColumn<QString>("expected");
        // Sunday 2026-11-22 is the reference day.
        QTest::newRow("every minute") << "* * * * *" << "2026-11-22T10:15:30Z" << "2026-11-22T10:16:00Z";
        QTest::newRow("strictly after") << "15 10 * * *" << "2026-11-22T10:15:00Z" << "2026-11-23T10:15:00Z";
        QTest::newRow("step */5") << "*/5 * * * *" << "2026-11-22T10:16:00Z" << "2026-11-22T10:20:00Z";
        QTest::newRow("range step 1-10/2") << "1-10/2 * * * *" << "2026-11-22T10:09:00Z" << "2026-11-22T11:01:00Z";
        QTest::newRow("start/step 50/5") << "50/5 * * * *" << "2026-11-22T10:56:00Z" << "2026-11-22T11:50:00Z";
        QTest::newRow("list") << "0 8,12,18 * * *" << "2026-11-22T12:00:00Z" << "2026-11-22T18:00:00Z";
        QTest::newRow("list of ranges") << "0 1-2,22-23 * * *" << "2026-11-22T03:00:00Z" << "2026-11-22T22:00:00Z";
        QTest::newRow("month names") << "0 0 1 MAR-may *" << "2026-11-22T00:00:00Z" << "2027-03-01T00:00:00Z";
        QTest::newRow("day names") << "0 9 * * MON-FRI" << "2026-11-21T10:00:00Z" << "2026-11-23T09:00:00Z";
        QTest::newRow("7 is Sunday") << "0 9 * * 7" << "2026-11-23T00:00:00Z" << "2026-11-29T09:00:00Z";
        QTest::newRow("0 is Sunday") << "0 9 * * 0" << "2026-11-23T00:00:00Z" << "2026-11-29T09:00:00Z";
        QTest::newRow("range up to 7") << "0 9 * * 6-7" << "2026-11-23T00:00:00Z" << "2026-11-28T09:00:00Z";
        QTest::newRow("dom or dow (both restricted)") << "0 0 13 * FRI" << "2026-11-01T00:00:00Z" << "2026-11-06T00:00:00Z";
        QTest::newRow("dom or dow, dom side") << "0 0 2 * FRI" << "2026-11-01T00:00:00Z" << "2026-11-02T00:00:00Z";
        QTest::newRow("dom and dow (dom starts with *)") << "0 0 */10 * 1" << "2026-11-23T00:00:00Z" << "2026-12-21T00:00:00Z";
        QTest::newRow("question mark") << "0 0 ? * 1" << "2026-11-22T00:00:00Z" << "2026-11-23T00:00:00Z";
        QTest::newRow("@hourly") << "@hourly" << "2026-11-22T10:15:00Z" << "2026-11-22T11:00:00Z";
        QTest::newRow("@daily") << "@daily" << "2026-11-22T10:15:00Z" << "2026-11-23T00:00:00Z";
        QTest::newRow("@weekly") << "@weekly" << "2026-11-23T10:15:00Z" << "2026-11-29T00:00:00Z";
        QTest::newRow("@monthly") << "@monthly" << "2026-11-22T10:15:00Z" << "2026-12-01T00:00:00Z";
        QTest::newRow("@yearly") << "@YEARLY" << "2026-11-22T10:15:00Z" << "2027-01-01T00:00:00Z";
        QTest::newRow("31st skips short months") << "0 0 31 * *" << "2026-11-01T00:00:00Z" << "2026-12-31T00:00:00Z";
        QTest::newRow("year rollover") << "59 23 31 12 *" << "2026-12-31T23:59:00Z" << "2027-12-31T23:59:00Z";
        QTest::newRow("leap day") << "0 0 29 2 *" << "2026-01-01T00:00:00Z" << "2028-02-29T00:00:00Z";
        QTest::newRow("leap day after one") << "0 0 29 2 *" << "2028-02-29T00:00:00Z" << "2032-02-29T00:00:00Z";
        QTest::newRow("2100 is not leap") << "0 0 29 2 *" << "2096-03-01T00:00:00Z" << "2104-02-29T00:00:00Z";
        QTest::newRow("6 fields: every 10 s") << "*/10 * * * * *" << "2026-11-22T12:00:05.500Z" << "2026-11-22T12:00:10Z";
        QTest::newRow("6 fields: fixed second") << "30 0 12 * * *" << "2026-11-22T12:00:30Z" << "2026-11-23T12:00:30Z";
        QTest::newRow("6 fields: seconds list") << "5,45 * * * * *" << "2026-11-22T12:00:05Z" << "2026-11-22T12:00:45Z";
        QTest::newRow("extra spaces") << "  0   12  * *  * " << "2026-11-22T10:00:00Z" << "2026-11-22T12:00:00Z";
        QTest::newRow("impossible 30 FEB") << "0 0 30 2 *" << "2026-01-01T00:00:00Z" << "none";
        QTest::newRow("impossible 31 APR") << "0 0 31 4 *" << "2026-01-01T00:00:00Z" << "none";
    }

    void parsesStandardForms()
    {
        QFETCH(QString, expr);
        QFETCH(QString, after);
        QFETCH(QString, expected);
        QCOMPARE(nextUtc(expr.toLatin1().constData(), after.toLatin1().constData()), expected);
    }

    void reportsClearErrors_data()
    {
        QTest::addColumn<QString>("expr");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("empty") << "" << "empty expression";
        QTest::newRow("too few") << "* * * *" << "got 4";
        QTest::newRow("too many") << "* * * * * * *" << "got 7";
        QTest::newRow("minute 60") << "60 * * * *" << "minute field \"60\": 60 is out of range 0-59";
        QTest::newRow("hour 24") << "0 24 * * *" << "hour field \"24\"";
        QTest::newRow("dom 0") << "0 0 0 * *" << "day-of-month field \"0\": 0 is out of range 1-31";
        QTest::newRow("dom 32") << "0 0 32 * *" << "day-of-month field";
        QTest::newRow("month 13") << "0 0 1 13 *" << "month field \"13\"";
        QTest::newRow("dow 8") << "0 0 * * 8" << "day-of-week field \"8\": 8 is out of range 0-7";
        QTest::newRow("bad name") << "0 0 * * FUNDAY" << "\"FUNDAY\" is not a valid value";
        QTest::newRow("month name in hour") << "0 JAN * * *" << "hour field \"JAN\"";
        QTest::newRow("backwards range") << "0 10-5 * * *" << "range 10-5 goes backwards";
        QTest::newRow("step 0") << "*/0 * * * *" << "step \"0\" must be a positive number";
        QTest::newRow("step text") << "*/x * * * *" << "step \"x\"";
        QTest::newRow("negative step") << "*/-2 * * * *" << "step \"-2\"";
        QTest::newRow("two slashes") << "1/2/3 * * * *" << "more than one '/'";
        QTest::newRow("empty list item") << "1,,2 * * * *" << "empty list item";
        QTest::newRow("question mark outside days") << "? * * * *" << "minute field \"?\"";
        QTest::newRow("seconds 60") << "60 * * * * *" << "second field \"60\"";
        QTest::newRow("unknown macro") << "@fortnightly" << "unknown macro";
        QTest::newRow("garbage") << "every day" << "got 2";
        QTest::newRow("decimal") << "1.5 * * * *" << "\"1.5\" is not a valid value";
    }

    void reportsClearErrors()
    {
        QFETCH(QString, expr);
        QFETCH(QString, mentions);
        auto c = CronExpression::parse(expr);
        QVERIFY2(!c.ok(), qPrintable(expr));
        QCOMPARE(c.error().code, QStringLiteral("INVALID_CRON"));
        QVERIFY2(c.error().message.contains(mentions), qPrintable(c.error().message));
    }

    void impossibleExpressionsAnswerFast()
    {
        auto c = CronExpression::parse(QStringLiteral("*/5 * 30 2 *"));
        QVERIFY(c.ok());
        QElapsedTimer t;
        t.start();
        QVERIFY(!c->nextMs(utcMs("2026-01-01T00:00:00Z"), QTimeZone("Europe/Paris")).has_value());
        QVERIFY2(t.elapsed() < 500, qPrintable(QString::number(t.elapsed())));
        // A far but possible one is found too: the next Friday 13 February after 2026 is in 2037? Check it is one.
        auto f13 = CronExpression::parse(QStringLiteral("0 0 */13 2 FRI")); // dom starts with *: 13th AND Friday... and 1st, 27th
        QVERIFY(f13.ok());
        const auto when = f13->next(QDateTime::fromMSecsSinceEpoch(utcMs("2026-01-01T00:00:00Z"), Qt::UTC), QTimeZone("UTC"));
        QVERIFY(when.has_value());
        QCOMPARE(when->date().month(), 2);
        QCOMPARE(when->date().dayOfWeek(), 5);
        QVERIFY(QList<int>({1, 14, 27}).contains(when->date().day()));
    }

    // ---- time zones and DST ------------------------------------------------------------------------------------

    void followsTheZoneAcrossDst_data()
    {
        QTest::addColumn<QString>("expr");
        QTest::addColumn<QString>("zone");
        QTest::addColumn<QString>("after");
        QTest::addColumn<QString>("expected");
        // Paris: 2026-03-29 02:00 CET → 03:00 CEST (01:00Z); 2026-10-25 03:00 CEST → 02:00 CET (01:00Z).
        QTest::newRow("paris winter 09:00") << "0 9 * * *" << "Europe/Paris" << "2026-01-10T00:00:00Z" << "2026-01-10T08:00:00Z";
        QTest::newRow("paris summer 09:00") << "0 9 * * *" << "Europe/Paris" << "2026-07-10T00:00:00Z" << "2026-07-10T07:00:00Z";
        QTest::newRow("paris gap: 02:30 fires at 03:00 CEST") << "30 2 * * *" << "Europe/Paris" << "2026-03-28T12:00:00Z"
                                                                 << "2026-03-29T01:00:00Z";
        QTest::newRow("paris gap: then the next day") << "30 2 * * *" << "Europe/Paris" << "2026-03-29T01:00:00Z"
                                                       << "2026-03-30T00:30:00Z";
        QTest::newRow("paris gap: many times in it fire once") << "*/15 2 * * *" << "Europe/Paris" << "2026-03-29T00:50:00Z"
                                                                << "2026-03-29T01:00:00Z";
        QTest::newRow("paris gap: once, then tomorrow") << "*/15 2 * * *" << "Europe/Paris" << "2026-03-29T01:00:00Z"
                                                         << "2026-03-30T00:00:00Z";
        QTest::newRow("paris gap: 03:00 itself once") << "0 2,3 * * *" << "Europe/Paris" << "2026-03-29T01:00:00Z"
                                                       << "2026-03-30T00:00:00Z";
        QTest::newRow("paris every 30 min over the gap") << "*/30 * * * *" << "Europe/Paris" << "2026-03-29T00:30:00Z"
                                                          << "2026-03-29T01:00:00Z";
        QTest::newRow("paris overlap: first occurrence") << "30 2 * * *" << "Europe/Paris" << "2026-10-24T12:00:00Z"
                                                          << "2026-10-25T00:30:00Z";
        QTest::newRow("paris overlap: not twice") << "30 2 * * *" << "Europe/Paris" << "2026-10-25T00:30:00Z"
                                                   << "2026-10-26T01:30:00Z";
        QTest::newRow("paris overlap: 03:00 after it") << "0 3 * * *" << "Europe/Paris" << "2026-10-24T12:00:00Z"
                                                        << "2026-10-25T02:00:00Z";
        // New York: 2026-03-08 02:00 EST → 03:00 EDT (07:00Z); 2026-11-01 02:00 EDT → 01:00 EST (06:00Z).
        QTest::newRow("ny gap: 02:30 fires at 03:00 EDT") << "30 2 * * *" << "America/New_York" << "2026-03-07T12:00:00Z"
                                                           << "2026-03-08T07:00:00Z";
        QTest::newRow("ny gap: then the next day") << "30 2 * * *" << "America/New_York" << "2026-03-08T07:00:00Z"
                                                    << "2026-03-09T06:30:00Z";
        QTest::newRow("ny overlap: 01:30 first occurrence") << "30 1 * * *" << "America/New_York" << "2026-10-31T12:00:00Z"
                                                             << "2026-11-01T05:30:00Z";
        QTest::newRow("ny overlap: 01:30 not twice") << "30 1 * * *" << "America/New_York" << "2026-11-01T05:30:00Z"
                                                      << "2026-11-02T06:30:00Z";
        QTest::newRow("ny overlap: wildcard hour skips the repeat") << "*/30 * * * *" << "America/New_York" << "2026-11-01T05:40:00Z"
                                                                    << "2026-11-01T07:00:00Z";
        QTest::newRow("ny overlap: created during the repeat") << "*/30 * * * *" << "America/New_York" << "2026-11-01T06:10:00Z"
                                                               << "2026-11-01T06:30:00Z";
        QTest::newRow("ny 6 fields over the gap") << "0 30 2 * * *" << "America/New_York" << "2026-03-08T06:00:00Z"
                                                   << "2026-03-08T07:00:00Z";
        // No DST: Tokyo (UTC+9) is plain all year.
        QTest::newRow("tokyo 09:00") << "0 9 * * *" << "Asia/Tokyo" << "2026-03-07T12:00:00Z" << "2026-03-08T00:00:00Z";
        QTest::newRow("tokyo 02:30 in March") << "30 2 * * *" << "Asia/Tokyo" << "2026-03-28T12:00:00Z" << "2026-03-28T17:30:00Z";
        QTest::newRow("tokyo dow at local midnight") << "0 0 * * MON" << "Asia/Tokyo" << "2026-11-22T00:00:00Z"
                                                      << "2026-11-22T15:00:00Z";
    }

    void followsTheZoneAcrossDst()
    {
        QFETCH(QString, expr);
        QFETCH(QString, zone);
        QFETCH(QString, after);
        QFETCH(QString, expected);
        QVERIFY(QTimeZone(zone.toLatin1()).isValid());
        QCOMPARE(nextUtc(expr.toLatin1().constData(), after.toLatin1().constData(), zone.toLatin1().constData()), expected);
    }

    void aYearOfDailyFiresInParisHasNoGapsOrDoubles()
    {
        // 02:30 every day through 2026 in Paris: one fire per calendar day, 365 of them, the gap day included.
        auto c = CronExpression::parse(QStringLiteral("30 2 * * *"));
        QVERIFY(c.ok());
        const QTimeZone paris("Europe/Paris");
        qint64 t = utcMs("2025-12-31T12:00:00Z");
        QSet<QDate> days;
        int fires = 0;
        while (true) {
            auto n = c->nextMs(t, paris);
            QVERIFY(n.has_value());
            QVERIFY(*n > t);
            if (*n >= utcMs("2026-12-31T23:00:00Z"))
                break;
            days.insert(QDateTime::fromMSecsSinceEpoch(*n, paris).date());
            ++fires;
            t = *n;
        }
        QCOMPARE(fires, 365);
        QCOMPARE(days.size(), 365);
    }

    void nextReturnsTheZone()
    {
        auto c = CronExpression::parse(QStringLiteral("0 9 * * *"));
        const QTimeZone ny("America/New_York");
        const auto n = c->next(QDateTime(QDate(2026, 7, 1), QTime(0, 0), Qt::UTC), ny);
        QVERIFY(n.has_value());
        QCOMPARE(n->timeZone(), ny);
        QCOMPARE(n->time(), QTime(9, 0));
        QCOMPARE(n->toUTC(), QDateTime(QDate(2026, 7, 1), QTime(13, 0), Qt::UTC));
    }

    // ---- the scheduler ---------------------------------------------------------------------------------------------

    void schedulerFiresInOrderOnClockAdvance()
    {
        ManualClock clock(utcMs("2026-11-22T10:00:00Z"));
        Scheduler s(clock);
        const qint64 t0 = clock.nowMs();
        QStringList order;
        QList<qint64> dues;
        for (auto [id, at] : {std::pair{"b", 20}, std::pair{"a", 10}, std::pair{"c", 30}, std::pair{"later", 3600}})
            s.schedule(QString::fromLatin1(id), t0 + at * 1000, [&order, &dues, id = QString::fromLatin1(id)](qint64 due) {
                order << id;
                dues << due;
            });
        QCOMPARE(s.size(), 4);
        spin(50);
        QVERIFY(order.isEmpty()); // nothing is due yet
        clock.advanceMs(25 * 1000);
        QVERIFY(order.isEmpty()); // not inside advanceMs(): on the next event-loop turn
        QTRY_COMPARE(order, QStringList({"a", "b"}));
        QCOMPARE(dues, QList<qint64>({t0 + 10000, t0 + 20000}));
        clock.advanceMs(10 * 1000);
        QTRY_COMPARE(order, QStringList({"a", "b", "c"}));
        QCOMPARE(s.size(), 1);
        QVERIFY(s.contains(QStringLiteral("later")));
    }

    void schedulerCancelsMovesAndRearmsFromCallbacks()
    {
        ManualClock clock(utcMs("2026-11-22T10:00:00Z"));
        Scheduler s(clock);
        const qint64 t0 = clock.nowMs();
        int ticks = 0;
        int cancelled = 0;
        std::function<void(qint64)> tick = [&](qint64 due) {
            ++ticks;
            s.schedule(QStringLiteral("tick"), due + 60000, tick); // re-arm itself
        };
        s.schedule(QStringLiteral("tick"), t0 + 60000, tick);
        s.schedule(QStringLiteral("gone"), t0 + 30000, [&](qint64) { ++cancelled; });
        QVERIFY(s.cancel(QStringLiteral("gone")));
        QVERIFY(!s.cancel(QStringLiteral("gone")));
        s.schedule(QStringLiteral("moved"), t0 + 10000, [&](qint64) { ++cancelled; });
        s.schedule(QStringLiteral("moved"), t0 + 500000, [&](qint64) { ++cancelled; }); // same id: moved
        QCOMPARE(s.dueAt(QStringLiteral("moved")), std::optional<qint64>(t0 + 500000));
        clock.advanceMs(60000);
        QTRY_COMPARE(ticks, 1);
        QCOMPARE(s.dueAt(QStringLiteral("tick")), std::optional<qint64>(t0 + 120000));
        clock.advanceMs(60000);
        QTRY_COMPARE(ticks, 2);
        spin(30);
        QCOMPARE(cancelled, 0);
    }

    void schedulerSurvivesClockJumps()
    {
        ManualClock clock(utcMs("2026-11-22T10:00:00Z"));
        Scheduler s(clock);
        const qint64 t0 = clock.nowMs();
        QStringList fired;
        s.schedule(QStringLiteral("tomorrow"), t0 + 86400000, [&](qint64) { fired << QStringLiteral("tomorrow"); });
        s.schedule(QStringLiteral("next week"), t0 + 7 * 86400000LL, [&](qint64) { fired << QStringLiteral("next week"); });
        // The timer is never armed far ahead: a jump it cannot see is caught within kMaxArmMs.
        QVERIFY(s.armedForMs().has_value());
        QVERIFY(*s.armedForMs() <= t0 + Scheduler::kMaxArmMs + 50);
        // "Sleep" for three days: everything due fires once on wake, the rest stays.
        clock.advanceDays(3);
        QTRY_COMPARE(fired, QStringList({"tomorrow"}));
        // Backwards jump: nothing fires early.
        clock.advanceDays(-2);
        spin(50);
        QCOMPARE(fired, QStringList({"tomorrow"}));
        clock.setNowMs(t0 + 8 * 86400000LL);
        QTRY_COMPARE(fired, QStringList({"tomorrow", "next week"}));
        QCOMPARE(s.size(), 0);
        QVERIFY(!s.armedForMs().has_value());
    }

    void schedulerFiresOnItsOwnTimerWithTheSystemClock()
    {
        SystemClock clock;
        Scheduler s(clock);
        bool fired = false;
        s.schedule(QStringLiteral("soon"), clock.nowMs() + 150, [&](qint64) { fired = true; });
        spin(20);
        QVERIFY(!fired);
        QTRY_VERIFY_WITH_TIMEOUT(fired, 2000);
    }

    void schedulerFiresJobsAddedInThePastOnTheNextTurn()
    {
        ManualClock clock(utcMs("2026-11-22T10:00:00Z"));
        Scheduler s(clock);
        int n = 0;
        s.schedule(QStringLiteral("overdue"), clock.nowMs() - 3600000, [&](qint64 due) { n += due < clock.nowMs(); });
        QCOMPARE(n, 0);
        QTRY_COMPARE(n, 1);
    }

    // ---- wake-ups --------------------------------------------------------------------------------------------------

    void wakeMeInQueuesAWakeupAndTheKinTakesATurn()
    {
        KinFixture f;
        const QString provider = f.addProvider();
        const QString kinId = f.addKin(QStringLiteral("Sleeper"), provider).value(QStringLiteral("id")).toString();
        Platform &p = f.server.platform();
        f.fake.enqueue(FakeReply::text({QStringLiteral("Checking the oven now.")}));

        const QJsonObject r = f.runTool(QStringLiteral("wake_me_in"), kinId,
                                        {{QStringLiteral("seconds"), 120}, {QStringLiteral("reason"), QStringLiteral("check the oven")}});
        const QString id = r.value(QStringLiteral("wakeup_id")).toString();
        QVERIFY2(!id.isEmpty(), QJsonDocument(r).toJson().constData());
        QCOMPARE(r.value(QStringLiteral("target")).toString(), QStringLiteral("sleeper"));
        QCOMPARE(r.value(QStringLiteral("fire_at")).toString(), json::isoMs(f.server.clock().nowMs() + 120000));
        QVERIFY(r.value(QStringLiteral("message")).toString().contains(QStringLiteral("2 minute")));
        QVariantList row = wakeupRow(p, id);
        QCOMPARE(row.value(0).toString(), QStringLiteral("pending"));
        QCOMPARE(row.value(1).toLongLong(), f.server.clock().nowMs() + 120000);
        QVERIFY(row.value(2).isNull());

        // Not before its time.
        f.server.clock().advanceMs(119000);
        spin(100);
        QCOMPARE(wakeupItems(p, kinId).size(), 0);
        QCOMPARE(f.fake.chatRequests().size(), 0);

        f.server.clock().advanceMs(1000);
        QTRY_COMPARE(wakeupItems(p, kinId).size(), 1);
        const QVariantList item = wakeupItems(p, kinId).first();
        const QString content = item.value(0).toString();
        QVERIFY2(content.startsWith(QStringLiteral("⏰ [Scheduled wake-up]")), qPrintable(content));
        QVERIFY(content.contains(QStringLiteral("Reason: check the oven")));
        QVERIFY(content.contains(QStringLiteral("Please proceed")));
        QVERIFY(!content.contains(QStringLiteral("late")));
        QCOMPARE(item.value(1).toInt(), 50);
        QCOMPARE(item.value(2).toString(), QStringLiteral("system"));
        QCOMPARE(wakeupRow(p, id).value(0).toString(), QStringLiteral("fired"));

        // The Kin takes a turn: the model sees the wake-up and its answer is stored.
        QVERIFY(f.fake.waitForChatRequests(1));
        const QJsonArray sent = f.fake.chatRequests().first().json.value(QStringLiteral("messages")).toArray();
        QVERIFY(QJsonDocument(sent).toJson().contains("check the oven"));
        QTRY_COMPARE_WITH_TIMEOUT(messagesOf(*f.api, kinId).size(), 2, 5000);
        const QJsonArray rows = messagesOf(*f.api, kinId);
        QCOMPARE(rows[0].toObject().value(QStringLiteral("sourceType")).toString(), QStringLiteral("system"));
        QCOMPARE(rows[1].toObject().value(QStringLiteral("content")).toString(), QStringLiteral("Checking the oven now."));

        // A fired one is done: listing is empty, cancelling says so.
        QCOMPARE(f.runTool(QStringLiteral("list_wakeups"), kinId, {}).value(QStringLiteral("count")).toInt(), 0);
        QVERIFY(f.runTool(QStringLiteral("cancel_wakeup"), kinId, {{QStringLiteral("wakeup_id"), id}})
                    .value(QStringLiteral("error")).toString().contains(QStringLiteral("already fired")));
    }

    void wakeMeEveryRepeatsUntilItExpires()
    {
        KinFixture f;
        const QString kinId = f.addKin(QStringLiteral("Ticker"), f.addProvider()).value(QStringLiteral("id")).toString();
        Platform &p = f.server.platform();
        const qint64 t0 = f.server.clock().nowMs();
        const QJsonObject r = f.runTool(QStringLiteral("wake_me_every"), kinId,
                                        {{QStringLiteral("interval_seconds"), 60},
                                         {QStringLiteral("reason"), QStringLiteral("poll the build")},
                                         {QStringLiteral("expires_in_seconds"), 150}});
        const QString id = r.value(QStringLiteral("wakeup_id")).toString();
        QVERIFY2(!id.isEmpty(), QJsonDocument(r).toJson().constData());
        QCOMPARE(r.value(QStringLiteral("interval_seconds")).toInt(), 60);
        QCOMPARE(r.value(QStringLiteral("expires_at")).toString(), json::isoMs(t0 + 150000));

        f.server.clock().advanceMs(60000);
        QTRY_COMPARE(wakeupItems(p, kinId).size(), 1);
        QVERIFY(wakeupItems(p, kinId)[0].value(0).toString().startsWith(QStringLiteral("🔁 [Recurring wake-up]")));
        QCOMPARE(wakeupRow(p, id).value(0).toString(), QStringLiteral("pending"));
        QCOMPARE(wakeupRow(p, id).value(1).toLongLong(), t0 + 120000); // on cadence
        QCOMPARE(f.runTool(QStringLiteral("list_wakeups"), kinId, {}).value(QStringLiteral("count")).toInt(), 1);

        // The second fire is the last: the next one (t0+180 s) would pass the expiry (t0+150 s).
        f.server.clock().advanceMs(60000);
        QTRY_COMPARE(wakeupItems(p, kinId).size(), 2);
        const QString last = wakeupItems(p, kinId)[1].value(0).toString();
        QVERIFY2(last.contains(QStringLiteral("expired")), qPrintable(last));
        QVERIFY(!wakeupItems(p, kinId)[0].value(0).toString().contains(QStringLiteral("expired")));
        QCOMPARE(wakeupRow(p, id).value(0).toString(), QStringLiteral("fired"));
        f.server.clock().advanceMs(600000);
        spin(100);
        QCOMPARE(wakeupItems(p, kinId).size(), 2);
        QVERIFY(f.fake.waitForChatRequests(2));
    }

    void wakeupsCanTargetAnotherKinButOnlyTheCallerCancels()
    {
        KinFixture f;
        const QString provider = f.addProvider();
        const QString a = f.addKin(QStringLiteral("Alice"), provider).value(QStringLiteral("id")).toString();
        const QString b = f.addKin(QStringLiteral("Bob"), provider).value(QStringLiteral("id")).toString();
        Platform &p = f.server.platform();

        const QJsonObject forBob = f.runTool(QStringLiteral("wake_me_in"), a,
                                             {{QStringLiteral("seconds"), 30}, {QStringLiteral("target_kin_slug"), QStringLiteral("bob")}});
        const QString id = forBob.value(QStringLiteral("wakeup_id")).toString();
        QVERIFY(!id.isEmpty());
        QCOMPARE(forBob.value(QStringLiteral("target")).toString(), QStringLiteral("bob"));
        QCOMPARE(wakeupRow(p, id).value(5).toString(), b);

        // Bob (the target) cannot cancel it, nor can a Kin that does not know it; Alice lists it.
        const QString refused = f.runTool(QStringLiteral("cancel_wakeup"), b, {{QStringLiteral("wakeup_id"), id}}).value("error").toString();
        QVERIFY2(refused.contains(QStringLiteral("Only the Kin that scheduled")), qPrintable(refused));
        QCOMPARE(wakeupRow(p, id).value(0).toString(), QStringLiteral("pending"));
        QCOMPARE(f.runTool(QStringLiteral("list_wakeups"), b, {}).value(QStringLiteral("count")).toInt(), 0);
        const QJsonArray listed = f.runTool(QStringLiteral("list_wakeups"), a, {}).value(QStringLiteral("wakeups")).toArray();
        QCOMPARE(listed.size(), 1);
        QCOMPARE(listed[0].toObject().value(QStringLiteral("target")).toString(), QStringLiteral("bob"));
        QVERIFY(f.runTool(QStringLiteral("cancel_wakeup"), a, {{QStringLiteral("wakeup_id"), QStringLiteral("nope")}})
                    .value(QStringLiteral("error")).toString().contains(QStringLiteral("No wake-up")));

        // It fires into Bob's queue and says who set it.
        f.server.clock().advanceMs(30000);
        QTRY_COMPARE(wakeupItems(p, b).size(), 1);
        QVERIFY(wakeupItems(p, b)[0].value(0).toString().contains(QStringLiteral("scheduled for you by Alice")));
        QCOMPARE(wakeupItems(p, a).size(), 0);

        // Alice cancels hers: it never fires.
        const QString second = f.runTool(QStringLiteral("wake_me_every"), a, {{QStringLiteral("interval_seconds"), 60}})
                                   .value(QStringLiteral("wakeup_id")).toString();
        QVERIFY(!second.isEmpty());
        QCOMPARE(f.runTool(QStringLiteral("cancel_wakeup"), a, {{QStringLiteral("wakeup_id"), second}}).value("success").toBool(), true);
        QCOMPARE(wakeupRow(p, second).value(0).toString(), QStringLiteral("cancelled"));
        QVERIFY(!p.scheduler().contains(QStringLiteral("wakeup:") + second));
        f.server.clock().advanceMs(120000);
        spin(100);
        QCOMPARE(wakeupItems(p, a).size(), 0);
    }

    void wakeupToolsCheckTheirArguments()
    {
        KinFixture f;
        const QString kinId = f.addKin(QStringLiteral("Strict"), f.addProvider()).value(QStringLiteral("id")).toString();
        const auto err = [&](const char *tool, const QJsonObject &args) {
            return f.runTool(QString::fromLatin1(tool), kinId, args).value(QStringLiteral("error")).toString();
        };
        QVERIFY(err("wake_me_in", {}).contains(QStringLiteral("seconds is required")));
        QVERIFY(err("wake_me_in", {{"seconds", 9}}).contains(QStringLiteral("between 10 and 2592000")));
        QVERIFY(err("wake_me_in", {{"seconds", 2592001}}).contains(QStringLiteral("between 10 and 2592000")));
        QVERIFY(err("wake_me_in", {{"seconds", 12.5}}).contains(QStringLiteral("whole number")));
        QVERIFY(err("wake_me_in", {{"seconds", "soon"}}).contains(QStringLiteral("whole number")));
        QVERIFY(err("wake_me_in", {{"seconds", 60}, {"target_kin_slug", "nobody"}}).contains(QStringLiteral("No Kin \"nobody\"")));
        QVERIFY(err("wake_me_in", {{"seconds", 60}, {"reason", QString(2001, QLatin1Char('x'))}}).contains(QStringLiteral("at most 2000")));
        QVERIFY(err("wake_me_every", {}).contains(QStringLiteral("interval_seconds is required")));
        QVERIFY(err("wake_me_every", {{"interval_seconds", 5}}).contains(QStringLiteral("between 10 and 86400")));
        QVERIFY(err("wake_me_every", {{"interval_seconds", 86401}}).contains(QStringLiteral("between 10 and 86400")));
        QVERIFY(err("wake_me_every", {{"interval_seconds", 60}, {"expires_in_seconds", 59}}).contains(QStringLiteral("between 60 and 2592000")));
        QVERIFY(err("wake_me_every", {{"interval_seconds", 3600}, {"expires_in_seconds", 600}}).contains(QStringLiteral("never fire")));
        QVERIFY(err("cancel_wakeup", {}).contains(QStringLiteral("wakeup_id is required")));
        // A numeric string is a number.
        QVERIFY(!f.runTool(QStringLiteral("wake_me_in"), kinId, {{"seconds", "30"}}).value(QStringLiteral("wakeup_id")).toString().isEmpty());
        QCOMPARE(f.server.platform().database().selectOne(QStringLiteral("SELECT count(*) FROM scheduled_wakeups")).value()->value(0).toInt(), 1);
        // Registered as main-only tools of the crons domain, not offered in quick sessions.
        for (const char *name : {"wake_me_in", "wake_me_every", "cancel_wakeup", "list_wakeups"}) {
            const ToolDefinition *t = f.server.platform().tools().find(QString::fromLatin1(name));
            QVERIFY2(t, name);
            QCOMPARE(t->domain, QStringLiteral("crons"));
            QCOMPARE(t->availability, ToolDefinition::MainOnly);
            QVERIFY(!t->quickSession);
        }
    }

    void atMostTwentyPendingPerKin()
    {
        KinFixture f;
        const QString provider = f.addProvider();
        const QString kinId = f.addKin(QStringLiteral("Busy"), provider).value(QStringLiteral("id")).toString();
        const QString other = f.addKin(QStringLiteral("Calm"), provider).value(QStringLiteral("id")).toString();
        QStringList ids;
        for (int i = 0; i < WakeupService::kMaxPendingPerKin; ++i) {
            const QJsonObject r = f.runTool(i % 2 ? QStringLiteral("wake_me_in") : QStringLiteral("wake_me_every"), kinId,
                                            i % 2 ? QJsonObject{{"seconds", 3600 + i}} : QJsonObject{{"interval_seconds", 3600}});
            ids << r.value(QStringLiteral("wakeup_id")).toString();
            QVERIFY2(!ids.last().isEmpty(), QJsonDocument(r).toJson().constData());
        }
        const QString refused = f.runTool(QStringLiteral("wake_me_in"), kinId, {{"seconds", 60}}).value(QStringLiteral("error")).toString();
        QVERIFY2(refused.contains(QStringLiteral("At most 20 pending")), qPrintable(refused));
        // The limit is per caller: another Kin still can; cancelling one frees a place.
        QVERIFY(!f.runTool(QStringLiteral("wake_me_in"), other, {{"seconds", 60}}).value(QStringLiteral("wakeup_id")).toString().isEmpty());
        QCOMPARE(f.runTool(QStringLiteral("cancel_wakeup"), kinId, {{"wakeup_id", ids.first()}}).value("success").toBool(), true);
        QVERIFY(!f.runTool(QStringLiteral("wake_me_in"), kinId, {{"seconds", 60}}).value(QStringLiteral("wakeup_id")).toString().isEmpty());
        QCOMPARE(f.runTool(QStringLiteral("list_wakeups"), kinId, {}).value(QStringLiteral("count")).toInt(), 20);
    }

    void deletingAKinTakesItsWakeupsAlong()
    {
        KinFixture f;
        const QString provider = f.addProvider();
        const QString a = f.addKin(QStringLiteral("Leaver"), provider).value(QStringLiteral("id")).toString();
        const QString b = f.addKin(QStringLiteral("Stayer"), provider).value(QStringLiteral("id")).toString();
        const QString id = f.runTool(QStringLiteral("wake_me_in"), a, {{"seconds", 60}, {"target_kin_slug", "stayer"}})
                               .value(QStringLiteral("wakeup_id")).toString();
        QVERIFY(!id.isEmpty());
        QVERIFY(f.server.platform().scheduler().contains(QStringLiteral("wakeup:") + id));
        QCOMPARE(f.api->del("/api/kins/" + a.toUtf8()).status, 200);
        QVERIFY(wakeupRow(f.server.platform(), id).isEmpty());
        QVERIFY(!f.server.platform().scheduler().contains(QStringLiteral("wakeup:") + id));
        f.server.clock().advanceMs(61000);
        spin(100);
        QCOMPARE(wakeupItems(f.server.platform(), b).size(), 0);
    }

    void missedRunsAfterARestartFireOnceAndLate()
    {
        QTemporaryDir dir;
        const auto sameDir = [&](ServerConfig &c) { c.dataDir = dir.path(); };
        FakeLlmServer fake;
        QVERIFY(fake.listen());
        const qint64 t0 = utcMs("2026-11-22T08:00:00Z");
        QString kinId, oneShot, recurring, expired, future, slow;
        {
            TestServer s(sameDir, t0);
            QVERIFY2(s.ok(), qPrintable(s.error()));
            TestUser admin = s.onboard(QStringLiteral("ada@example.test"), QStringLiteral("ada"));
            HttpClient api = s.clientFor(admin);
            const QString provider = api.postJson("/api/providers", {{"name", "p"}, {"type", "openai"},
                                                                     {"config", QJsonObject{{"apiKey", "sk-x"}, {"baseUrl", fake.baseUrl()}}}})
                                         .json().value("provider").toObject().value("id").toString();
            kinId = api.postJson("/api/kins", {{"name", "Phoenix"}, {"role", "r"}, {"character", ""}, {"expertise", ""},
                                                {"model", "gpt-4o"}, {"providerId", provider}})
                        .json().value("kin").toObject().value("id").toString();
            QVERIFY(!kinId.isEmpty());
            WakeupService &w = s.platform().wakeups();
            oneShot = w.wakeIn(kinId, 600, QStringLiteral("water the plants")).value().id;
            recurring = w.wakeEvery(kinId, 300, QStringLiteral("check the inbox"), std::nullopt).value().id;
            expired = w.wakeEvery(kinId, 600, QStringLiteral("short watch"), 1800).value().id;
            future = w.wakeIn(kinId, 86400, QStringLiteral("tomorrow")).value().id;
            slow = w.wakeEvery(kinId, 7200, QStringLiteral("slow cadence"), std::nullopt).value().id;
            // The app is closed here, before anything was due.
        }
        // Reopened three hours later: 36 intervals of the recurring one were missed, the one-shot is 2 h 50 late,
        // the short watch expired meanwhile, tomorrow's is not due.
        const qint64 t1 = t0 + 3 * 3600 * 1000;
        TestServer s2(sameDir, t1);
        QVERIFY2(s2.ok(), qPrintable(s2.error()));
        Platform &p = s2.platform();
        QTRY_COMPARE(wakeupItems(p, kinId).size(), 4);
        spin(200);
        const QList<QVariantList> items = wakeupItems(p, kinId);
        QCOMPARE(items.size(), 4); // once each, no catch-up burst
        QString plants, inbox, watch, slowOne;
        for (const QVariantList &i : items) {
            const QString c = i.value(0).toString();
            QVERIFY2(c.contains(QStringLiteral("late")), qPrintable(c));
            (c.contains(QStringLiteral("water the plants")) ? plants
             : c.contains(QStringLiteral("check the inbox")) ? inbox
             : c.contains(QStringLiteral("slow cadence"))   ? slowOne
                                                             : watch) = c;
        }
        QVERIFY(!slowOne.isEmpty());
        QVERIFY(plants.startsWith(QStringLiteral("⏰")));
        QVERIFY(plants.contains(QStringLiteral("2026-11-22 08:10")));
        QVERIFY(inbox.startsWith(QStringLiteral("🔁")));
        QVERIFY(watch.contains(QStringLiteral("short watch")) && watch.contains(QStringLiteral("expired")));
        QCOMPARE(wakeupRow(p, oneShot).value(0).toString(), QStringLiteral("fired"));
        QCOMPARE(wakeupRow(p, expired).value(0).toString(), QStringLiteral("fired"));
        // The recurring one re-arms from now, not on the old cadence.
        QCOMPARE(wakeupRow(p, recurring).value(0).toString(), QStringLiteral("pending"));
        QCOMPARE(wakeupRow(p, recurring).value(1).toLongLong(), t1 + 300000);
        // Even when its old cadence would come sooner (due 10:00, ran late at 11:00, old cadence 12:00): from now.
        QCOMPARE(wakeupRow(p, slow).value(1).toLongLong(), t1 + 7200000);
        QCOMPARE(wakeupRow(p, future).value(0).toString(), QStringLiteral("pending"));
        QCOMPARE(wakeupRow(p, future).value(1).toLongLong(), t0 + 86400000);
        // The Kin takes its turns.
        QVERIFY(fake.waitForChatRequests(1, 5000));
        // And the recurring one carries on, on time now.
        s2.clock().advanceMs(300000);
        QTRY_COMPARE(wakeupItems(p, kinId).size(), 5);
        QVERIFY(!wakeupItems(p, kinId)[4].value(0).toString().contains(QStringLiteral("late")));
    }
};

QTEST_GUILESS_MAIN(TstScheduling)
#include "tst_scheduling.moc"
