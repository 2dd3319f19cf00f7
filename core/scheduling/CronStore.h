#pragma once

#include "util/Result.h"

#include <QList>
#include <QString>

#include <optional>

namespace kinbot {

class Database;

// A row of crons (rest.md §3.13). Times in epoch ms; 0 = none.
struct CronRecord
{
    QString id;
    QString kinId;
    QString name;
    QString schedule;
    QString taskDescription;
    QString targetKinId;
    QString model;
    QString providerId;
    bool isActive = true;
    bool requiresApproval = false;
    bool runOnce = false;
    qint64 lastTriggeredAt = 0;
    qint64 nextRunAt = 0;
    QString createdBy = QStringLiteral("user"); // user | kin
    qint64 createdAt = 0;
    qint64 updatedAt = 0;
};

// The rows of crons; no policy here.
class CronStore final
{
public:
    explicit CronStore(const Database &db) : m_db(db) {}

    Status insert(const CronRecord &c);
    // Writes every column but id, kin_id, created_by and created_at.
    Status update(const CronRecord &c);
    Result<bool> remove(const QString &id);
    Result<std::optional<CronRecord>> find(const QString &id) const;
    // All, or those of one Kin; oldest first.
    Result<QList<CronRecord>> list(const QString &kinId = {}) const;
    Result<int> activeCount() const;
    Status setNextRun(const QString &id, qint64 nextRunAt);

private:
    const Database &m_db;
};

} // namespace kinbot
