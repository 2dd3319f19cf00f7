#pragma once

#include <QDateTime>
#include <QtGlobal>

#include <functional>
#include <map>

namespace kinbot {

// Every piece of code that schedules, expires or timestamps takes a Clock so tests can move time.
class Clock
{
public:
    virtual ~Clock() = default;
    virtual qint64 nowMs() const = 0;
    QDateTime now() const { return QDateTime::fromMSecsSinceEpoch(nowMs(), Qt::UTC); }

    // Told when the clock jumped (a ManualClock was moved). Schedulers re-arm their timers on it; the system clock
    // never calls it (a timer capped to a short interval notices real wall-clock jumps). Listeners run on the thread
    // that moved the clock, after the move; they must not add or remove listeners.
    using JumpListener = std::function<void()>;
    int addJumpListener(JumpListener listener) const
    {
        const int id = ++m_nextListener;
        m_listeners.emplace(id, std::move(listener));
        return id;
    }
    void removeJumpListener(int id) const { m_listeners.erase(id); }

protected:
    void notifyJumped() const
    {
        for (const auto &[id, listener] : m_listeners)
            listener();
    }

private:
    mutable std::map<int, JumpListener> m_listeners;
    mutable int m_nextListener = 0;
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
    void setNowMs(qint64 ms)
    {
        m_now = ms;
        notifyJumped();
    }
    void advanceMs(qint64 ms) { setNowMs(m_now + ms); }
    void advanceDays(int days) { setNowMs(m_now + qint64(days) * 24 * 3600 * 1000); }

private:
    qint64 m_now;
};

} // namespace kinbot
