#pragma once

#include "util/Result.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <optional>

namespace kinbot {

class Clock;
class Database;

// A unit of work for a Kin (engine.md §1.2). Persisted, so a restart resumes pending work.
struct QueueItem
{
    QString id;
    QString kinId;
    QString messageType = QStringLiteral("user"); // user | channel | kin_request | kin_reply | task_result | wakeup | webhook …
    QString content;
    QString sourceType = QStringLiteral("user");
    QString sourceId;
    int priority = 100;
    QString requestId;
    QString inReplyTo;
    QString taskId;
    QString sessionId;        // quick session: processed in the Kin's quick slot
    QString channelOriginId;
    QStringList fileIds;
    QString status = QStringLiteral("pending");
    QString createdMessageId; // the user row inserted for it (idempotent replay after a crash)
    qint64 createdAt = 0;
    qint64 startedAt = 0;

    QJsonObject toJson() const; // GET /messages/queue item
};

// The per-Kin queues: strict FIFO within a priority band, higher priority first, two slots per Kin (main, quick).
class QueueStore final
{
public:
    static constexpr int kPriorityUser = 100;
    static constexpr int kPriorityKin = 50;

    QueueStore(const Database &db, const Clock &clock);

    Result<QueueItem> enqueue(QueueItem item);
    // Atomically claims the next pending item of a slot (status → processing) or nullopt.
    Result<std::optional<QueueItem>> claimNext(const QString &kinId, bool quickSlot);
    Status setCreatedMessage(const QString &itemId, const QString &messageId);
    Status markDone(const QString &itemId);
    // Pending items of a Kin, both slots (the reference's queueSize counts quick items too).
    int pendingCount(const QString &kinId) const;
    std::optional<QueueItem> processing(const QString &kinId, bool quickSlot) const;
    Result<QList<QueueItem>> pending(const QString &kinId) const;
    // Removes a pending main-slot item; false when there is none with that id (missing or already processing).
    Result<bool> removePending(const QString &kinId, const QString &itemId);
    // Startup: items a crash left in 'processing' go back to 'pending' → how many.
    Result<int> recoverInterrupted();
    // Kins with pending work (startup resumption).
    Result<QStringList> kinsWithPending() const;

private:
    const Database &m_db;
    const Clock &m_clock;
};

} // namespace kinbot
