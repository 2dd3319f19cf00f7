#pragma once

#include <QDateTime>
#include <QtGlobal>

namespace kinbot {

// Every piece of code that schedules, expires or timestamps takes a Clock so tests can move time.
class Clock
{
public:
    virtual ~Clock() = default;
    virtual qint64 nowMs() const = 0;
    QDateTime now() const { return QDateTime::fromMSecsSinceEpoch(nowMs(), Qt::UTC); }
};

class SystemClock final : public Clock
{
public:
    qint64 nowMs() const override { return QDateTime::currentMSecsSinceEpoch(); }
};

// A clock that only moves when told to; used by tests.
class ManualClock final : public Clock
{
public:
    explicit ManualClock(qint64 startMs = QDateTime::currentMSecsSinceEpoch()) : m_now(startMs) {}
    qint64 nowMs() const override { return m_now; }
    void setNowMs(qint64 ms) { m_now = ms; }
    void advanceMs(qint64 ms) { m_now += ms; }
    void advanceDays(int days) { m_now += qint64(days) * 24 * 3600 * 1000; }

private:
    qint64 m_now;
};

} // namespace kinbot
