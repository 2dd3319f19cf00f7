#pragma once

#include <QJsonObject>
#include <QList>
#include <QMutex>
#include <QObject>
#include <QString>
#include <QStringList>

#include <deque>

namespace kinbot {

class Clock;
class EventBus;

enum class LogLevel { Debug = 0, Info = 1, Warn = 2, Error = 3 };
QString logLevelName(LogLevel level);
LogLevel logLevelFromName(const QString &name, LogLevel fallback = LogLevel::Info);

struct LogEntry
{
    qint64 id = 0;
    LogLevel level = LogLevel::Info;
    QString module;
    QString message;
    QJsonObject data;
    qint64 timestamp = 0;

    QJsonObject toJson() const; // {level, module, message, data?, timestamp}
};

struct LogQuery
{
    std::optional<LogLevel> minLevel;
    QString module;
    QString search;
    qint64 sinceMs = 0;
    int limit = 200;
};

// Platform log: a bounded ring buffer of entries at or above the threshold, each also published as SSE `log:entry` and,
// unless quiet, printed to stderr. Never log secrets: callers pass ids, not values. Thread-safe.
class Logger final : public QObject
{
    Q_OBJECT
public:
    Logger(EventBus &bus, const Clock &clock, int capacity, LogLevel threshold, bool echoToStderr);

    void log(LogLevel level, const QString &module, const QString &message, const QJsonObject &data = {});
    void debug(const QString &module, const QString &message, const QJsonObject &data = {}) { log(LogLevel::Debug, module, message, data); }
    void info(const QString &module, const QString &message, const QJsonObject &data = {}) { log(LogLevel::Info, module, message, data); }
    void warn(const QString &module, const QString &message, const QJsonObject &data = {}) { log(LogLevel::Warn, module, message, data); }
    void error(const QString &module, const QString &message, const QJsonObject &data = {}) { log(LogLevel::Error, module, message, data); }

    QList<LogEntry> entries(const LogQuery &query) const; // newest last
    QStringList modules() const;
    int capacity() const { return m_capacity; }
    LogLevel threshold() const { return m_threshold; }

private:
    EventBus &m_bus;
    const Clock &m_clock;
    const int m_capacity;
    const LogLevel m_threshold;
    const bool m_echo;
    mutable QMutex m_mutex;
    std::deque<LogEntry> m_ring;
    qint64 m_nextId = 1;
};

} // namespace kinbot
