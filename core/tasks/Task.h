#pragma once

#include <QJsonObject>
#include <QString>

namespace kinbot {

// A row of tasks (engine.md §7). Times in epoch ms; 0 = none. Empty strings are NULL in the database.
struct TaskRecord
{
    QString id;
    QString parentKinId;
    QString sourceKinId;  // the executing Kin for spawn_kin / cron targets; "" = the parent itself
    QString spawnType = QStringLiteral("self"); // self | other
    QString mode = QStringLiteral("await");     // await | async
    QString model;
    QString providerId;
    QString title;
    QString description;
    QString status = QStringLiteral("pending");
    QString result;
    QString error;
    int depth = 1;
    QString parentTaskId;
    QString cronId;
    int requestInputCount = 0;
    int interKinRequestCount = 0;
    QString pendingRequestId;
    QString channelOriginId;
    QString webhookId;
    bool allowHumanPrompt = true;
    QString concurrencyGroup;
    int concurrencyMax = 0; // 0 = none
    qint64 queuedAt = 0;
    qint64 createdAt = 0;
    qint64 updatedAt = 0;

    // The Kin whose identity, model and tools run the task.
    QString executingKinId() const { return sourceKinId.isEmpty() ? parentKinId : sourceKinId; }
    bool isFinished() const;  // completed | failed | cancelled
    bool isActive() const;    // pending | in_progress | awaiting_*
    static bool isStatus(const QString &status);
};

// Task statuses as the wire spells them.
namespace taskstatus {
inline const QString Queued = QStringLiteral("queued");
inline const QString Pending = QStringLiteral("pending");
inline const QString InProgress = QStringLiteral("in_progress");
inline const QString AwaitingHuman = QStringLiteral("awaiting_human_input");
inline const QString AwaitingKin = QStringLiteral("awaiting_kin_response");
inline const QString Completed = QStringLiteral("completed");
inline const QString Failed = QStringLiteral("failed");
inline const QString Cancelled = QStringLiteral("cancelled");
} // namespace taskstatus

} // namespace kinbot
