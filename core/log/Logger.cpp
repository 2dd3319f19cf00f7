#include "log/Logger.h"

#include "events/EventBus.h"
#include "util/Clock.h"
#include "util/Json.h"

#include <QSet>

#include <cstdio>

namespace kinbot {

QString logLevelName(LogLevel level)
{
    switch (level) {
    case LogLevel::Debug: return QStringLiteral("debug");
    case LogLevel::Info: return QStringLiteral("info");
    case LogLevel::Warn: return QStringLiteral("warn");
    case LogLevel::Error: return QStringLiteral("error");
    }
    return QStringLiteral("info");
}

LogLevel logLevelFromName(const QString &name, LogLevel fallback)
{
    if (name == QLatin1String("debug")) return LogLevel::Debug;
    if (name == QLatin1String("info")) return LogLevel::Info;
    if (name == QLatin1String("warn")) return LogLevel::Warn;
    if (name == QLatin1String("error")) return LogLevel::Error;
    return fallback;
}

QJsonObject LogEntry::toJson() const
{
    QJsonObject o{{QStringLiteral("level"), logLevelName(level)},
                  {QStringLiteral("module"), module},
                  {QStringLiteral("message"), message},
                  {QStringLiteral("timestamp"), timestamp}};
    if (!data.isEmpty())
        o.insert(QStringLiteral("data"), data);
    return o;
}

Logger::Logger(EventBus &bus, const Clock &clock, int capacity, LogLevel threshold, bool echoToStderr)
    : m_bus(bus), m_clock(clock), m_capacity(qMax(1, capacity)), m_threshold(threshold), m_echo(echoToStderr)
{
}

void Logger::log(LogLevel level, const QString &module, const QString &message, const QJsonObject &data)
{
    if (level < m_threshold)
        return;
    LogEntry e;
    e.level = level;
    e.module = module;
    e.message = message;
    e.data = data;
    e.timestamp = m_clock.nowMs();
    {
        QMutexLocker lock(&m_mutex);
        e.id = m_nextId++;
        m_ring.push_back(e);
        while (int(m_ring.size()) > m_capacity)
            m_ring.pop_front();
    }
    if (m_echo) {
        const QByteArray line = QByteArray("[") + logLevelName(level).toUpper().toLatin1() + "] " + module.toUtf8() + ": "
                                + message.toUtf8() + (data.isEmpty() ? QByteArray() : QByteArray(" ") + json::compact(data)) + '\n';
        std::fwrite(line.constData(), 1, size_t(line.size()), stderr);
    }
    m_bus.toAdmins(QStringLiteral("log:entry"), e.toJson());
}

QList<LogEntry> Logger::entries(const LogQuery &q) const
{
    QMutexLocker lock(&m_mutex);
    QList<LogEntry> out;
    for (auto it = m_ring.rbegin(); it != m_ring.rend() && out.size() < q.limit; ++it) {
        if (q.minLevel && it->level < *q.minLevel)
            continue;
        if (!q.module.isEmpty() && it->module != q.module)
            continue;
        if (q.sinceMs > 0 && it->timestamp < q.sinceMs)
            continue;
        if (!q.search.isEmpty() && !it->message.contains(q.search, Qt::CaseInsensitive))
            continue;
        out.prepend(*it);
    }
    return out;
}

QStringList Logger::modules() const
{
    QMutexLocker lock(&m_mutex);
    QSet<QString> set;
    for (const LogEntry &e : m_ring)
        set.insert(e.module);
    QStringList out(set.begin(), set.end());
    out.sort();
    return out;
}

} // namespace kinbot
