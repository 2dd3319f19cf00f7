#pragma once

#include "util/Clock.h"

#include <QHash>
#include <QList>
#include <QString>

namespace kinbot {

// A sliding-window counter per key (e.g. failed sign-ins per IP+email). Not thread-safe: main loop only.
class RateLimiter final
{
public:
    RateLimiter(const Clock &clock, int maxEvents, qint64 windowMs) : m_clock(clock), m_max(maxEvents), m_window(windowMs) {}

    // True when key has reached the limit inside the window.
    bool limited(const QString &key)
    {
        prune(key);
        return m_events.value(key).size() >= m_max;
    }
    void record(const QString &key)
    {
        prune(key);
        m_events[key].append(m_clock.nowMs());
    }
    void reset(const QString &key) { m_events.remove(key); }
    // Milliseconds until the oldest event leaves the window.
    qint64 retryAfterMs(const QString &key) const
    {
        const auto list = m_events.value(key);
        return list.isEmpty() ? 0 : qMax<qint64>(0, list.first() + m_window - m_clock.nowMs());
    }

private:
    void prune(const QString &key)
    {
        auto it = m_events.find(key);
        if (it == m_events.end())
            return;
        const qint64 cutoff = m_clock.nowMs() - m_window;
        while (!it->isEmpty() && it->first() <= cutoff)
            it->removeFirst();
        if (it->isEmpty())
            m_events.erase(it);
    }
    const Clock &m_clock;
    const int m_max;
    const qint64 m_window;
    QHash<QString, QList<qint64>> m_events;
};

} // namespace kinbot
