#pragma once

#include "engine/MessageStore.h"
#include "util/Result.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace kinbot {

class Clock;
class Database;

// One row of compacting_summaries (engine.md §6).
struct SummaryRecord
{
    QString id;
    QString kinId;
    QString summary;
    qint64 firstMessageAt = 0;
    qint64 lastMessageAt = 0;
    QString firstMessageId;
    QString lastMessageId;
    int messageCount = 0;
    int tokenEstimate = 0;
    bool isInContext = true;
    int depth = 0;
    QStringList sourceSummaryIds;
    qint64 createdAt = 0;

    // GET …/compacting/summaries item: {id, firstMessageAt, lastMessageAt, lastMessageId, messageCount, tokenEstimate,
    // isInContext, depth, createdAt} with ISO timestamps (rest.md §0.4).
    QJsonObject toJson() const;
};

// The SQL of compacting: summaries, the legacy snapshots, and which messages summaries already cover. Main thread.
// "Position" of a message = (created_at, rowid), the order of the conversation (rows may share a millisecond).
class CompactingStore final
{
public:
    CompactingStore(const Database &db, const Clock &clock);

    // In-context summaries in conversation order (by the position of their last message), oldest first.
    Result<QList<SummaryRecord>> active(const QString &kinId) const;
    // Every summary of the Kin, newest first (by creation).
    Result<QList<SummaryRecord>> all(const QString &kinId) const;
    Result<std::optional<SummaryRecord>> find(const QString &kinId, const QString &summaryId) const;

    // Assigns id (when empty) and createdAt (when 0).
    Result<SummaryRecord> insert(SummaryRecord s);
    // The merged summary is stored and its sources archived, atomically.
    Result<SummaryRecord> insertMerged(SummaryRecord merged);
    // Archives every in-context summary → how many.
    Result<int> purge(const QString &kinId);
    // Brings back the set of summaries that was in context right after `summaryId` was made: it, and the older ones
    // neither merged by then nor overlapping it; every other summary is archived. → how many in-context ones were
    // archived. nullopt: no such summary.
    Result<std::optional<int>> rollback(const QString &kinId, const QString &summaryId);
    // Keeps the `keep` newest rows; only archived rows beyond them are deleted.
    Status retain(const QString &kinId, int keep);

    // Main-conversation rows not folded into an in-context summary (compacting rows excluded), oldest first.
    Result<QList<MessageRecord>> uncompacted(const QString &kinId, const MessageStore &messages) const;
    // Main-conversation rows (compacting rows excluded) up to the end of the newest in-context summary.
    Result<int> compactedCount(const QString &kinId) const;

    // Legacy snapshots: {id, messagesUpToId, isActive, createdAt}, newest first.
    Result<QJsonArray> snapshots(const QString &kinId) const;
    // Makes the snapshot the active one → how many other snapshots were deactivated; nullopt: no such snapshot.
    Result<std::optional<int>> activateSnapshot(const QString &kinId, const QString &snapshotId);

private:
    const Database &m_db;
    const Clock &m_clock;
};

} // namespace kinbot
