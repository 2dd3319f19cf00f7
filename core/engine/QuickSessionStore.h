#pragma once

#include "util/Result.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <optional>

namespace kinbot {

class Clock;
class Database;

struct QuickSession
{
    QString id;
    QString kinId;
    QString createdBy;
    QString title;
    QString status = QStringLiteral("active"); // active | closed
    qint64 createdAt = 0;
    qint64 closedAt = 0;
    qint64 expiresAt = 0;

    bool isActive() const { return status == QLatin1String("active"); }
    bool isExpired(qint64 nowMs) const { return expiresAt > 0 && nowMs >= expiresAt; }
};

// Ephemeral side conversations with a Kin (engine.md §8.4): rows, limits, expiry. Main thread.
class QuickSessionStore final
{
public:
    static constexpr int kMaxTitle = 200;
    static constexpr int kMaxActivePerUserKin = 1;
    static constexpr qint64 kLifetimeMs = 24LL * 3600 * 1000;
    static constexpr qint64 kRetentionMs = 7LL * 24 * 3600 * 1000;

    QuickSessionStore(const Database &db, const Clock &clock);

    // 400 TITLE_TOO_LONG, 409 MAX_QUICK_SESSIONS.
    Result<QuickSession> create(const QString &kinId, const QString &userId, const QString &title);
    Result<std::optional<QuickSession>> find(const QString &id) const;
    struct Page
    {
        QList<QuickSession> sessions;
        bool hasMore = false;
    };
    // status: active | closed | all.
    Result<Page> list(const QString &kinId, const QString &userId, const QString &status, int limit, int offset) const;
    // → true when it was active (and is closed now); closing twice is fine.
    Result<bool> close(const QString &id);
    // Closes every active session past its expiry → their ids; deletes closed ones past the retention.
    Result<QStringList> sweep();
    int messageCount(const QString &id) const;

    // The wire summary (ms timestamps, as the reference); messageCount only when given (closed sessions).
    static QJsonObject toJson(const QuickSession &s, int messageCount = -1);

private:
    const Database &m_db;
    const Clock &m_clock;
};

} // namespace kinbot
