#pragma once

#include "util/Result.h"

#include <QList>
#include <QString>

#include <optional>

namespace kinbot {

class Database;

// A row of scheduled_wakeups (engine.md §8.2). Times in epoch ms; 0 = none.
struct WakeupRecord
{
    QString id;
    QString callerKinId;
    QString targetKinId;
    QString reason;
    qint64 fireAt = 0;
    int intervalSeconds = 0; // 0: one-shot
    qint64 expiresAt = 0;    // recurring only; 0: never
    QString status = QStringLiteral("pending");
    qint64 createdAt = 0;

    bool recurring() const { return intervalSeconds > 0; }
};

// The rows of scheduled_wakeups; no policy here.
class WakeupStore final
{
public:
    explicit WakeupStore(const Database &db) : m_db(db) {}

    Status insert(const WakeupRecord &w);
    Result<std::optional<WakeupRecord>> find(const QString &id) const;
    // Pending ones, soonest first: of one caller, or all of them (startup).
    Result<QList<WakeupRecord>> pendingOf(const QString &callerKinId) const;
    Result<QList<WakeupRecord>> allPending() const;
    // Pending ones a Kin set or receives.
    Result<QStringList> pendingInvolving(const QString &kinId) const;
    Result<int> pendingCount(const QString &callerKinId) const;
    // Moves a pending recurring one to its next time.
    Status reschedule(const QString &id, qint64 fireAt);
    // pending → fired | cancelled; false when it was not pending.
    Result<bool> finish(const QString &id, const QString &status);

private:
    const Database &m_db;
};

} // namespace kinbot
