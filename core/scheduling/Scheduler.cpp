#include "scheduling/Scheduler.h"

#include "util/Clock.h"

#include <QMetaObject>

#include <algorithm>
#include <limits>

namespace kinbot {

Scheduler::Scheduler(const Clock &clock, QObject *parent) : QObject(parent), m_clock(clock)
{
    m_timer.setSingleShot(true);
    m_timer.setTimerType(Qt::PreciseTimer);
    connect(&m_timer, &QTimer::timeout, this, &Scheduler::fireDue);
    // May be called from the thread that moved the clock: hop to ours.
    m_jumpListener = m_clock.addJumpListener([this] { QMetaObject::invokeMethod(this, &Scheduler::rearmSoon, Qt::QueuedConnection); });
}

Scheduler::~Scheduler()
{
    m_clock.removeJumpListener(m_jumpListener);
}

void Scheduler::schedule(const QString &id, qint64 atMs, Callback callback)
{
    m_jobs.insert(id, Job{atMs, ++m_order, std::move(callback)});
    if (!m_firing)
        rearm();
}

bool Scheduler::cancel(const QString &id)
{
    const bool removed = m_jobs.remove(id) > 0;
    if (removed && !m_firing)
        rearm();
    return removed;
}

std::optional<qint64> Scheduler::dueAt(const QString &id) const
{
    auto it = m_jobs.constFind(id);
    return it == m_jobs.constEnd() ? std::nullopt : std::optional<qint64>(it->atMs);
}

std::optional<qint64> Scheduler::armedForMs() const
{
    if (!m_timer.isActive())
        return std::nullopt;
    return m_clock.nowMs() + m_timer.remainingTime();
}

void Scheduler::fireDue()
{
    if (m_firing)
        return;
    m_firing = true;
    const qint64 now = m_clock.nowMs();
    // The jobs due now, in order; a job a callback adds or moves to "now" waits for the next pass (no endless loop).
    struct Due
    {
        QString id;
        qint64 atMs;
        quint64 order;
    };
    QList<Due> due;
    for (auto it = m_jobs.cbegin(); it != m_jobs.cend(); ++it)
        if (it->atMs <= now)
            due.append({it.key(), it->atMs, it->order});
    std::sort(due.begin(), due.end(), [](const Due &a, const Due &b) { return a.atMs != b.atMs ? a.atMs < b.atMs : a.order < b.order; });
    for (const Due &d : due) {
        auto it = m_jobs.find(d.id);
        if (it == m_jobs.end() || it->order != d.order) // cancelled or moved by an earlier callback
            continue;
        Callback callback = std::move(it->callback);
        m_jobs.erase(it);
        if (callback)
            callback(d.atMs);
        Q_EMIT fired(d.id, d.atMs);
    }
    m_firing = false;
    rearm();
}

void Scheduler::rearmSoon()
{
    m_timer.start(0);
}

void Scheduler::rearm()
{
    if (m_jobs.isEmpty()) {
        m_timer.stop();
        return;
    }
    qint64 earliest = std::numeric_limits<qint64>::max();
    for (const Job &j : std::as_const(m_jobs))
        earliest = std::min(earliest, j.atMs);
    const qint64 delay = std::clamp<qint64>(earliest - m_clock.nowMs(), 0, kMaxArmMs);
    m_timer.start(int(delay));
}

} // namespace kinbot
