#pragma once

#include "util/Result.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QString>

#include <optional>

namespace kinbot {

class Clock;
class Database;
class TurnRedactions;

// One row of `messages` (engine.md §1.7). toolCalls is the stored JSON [{id, name, args, result, offset}].
struct MessageRecord
{
    QString id;
    QString kinId;
    QString taskId;
    QString sessionId;
    QString role;        // user | assistant | system | tool
    QString content;
    QString sourceType;  // user | kin | task | cron | system | webhook | channel | compacting
    QString sourceId;
    QJsonArray toolCalls;
    QString requestId;
    QString inReplyTo;
    QString channelOriginId;
    bool isRedacted = false;
    QJsonObject metadata;
    qint64 createdAt = 0;
};

struct MessagePage
{
    QList<MessageRecord> messages; // oldest first
    bool hasMore = false;
};

// Messages of Kins: inserts, time-ordered pages, history for prompts, reactions. Main thread.
class MessageStore final
{
public:
    static constexpr int kMaxPage = 100;

    MessageStore(const Database &db, const Clock &clock);

    // Assigns id (when empty) and createdAt (when 0).
    Result<MessageRecord> insert(MessageRecord m);
    Result<std::optional<MessageRecord>> find(const QString &kinId, const QString &messageId) const;
    // The incoming (user) row a channel message became: channel_origin_id = the queued item's id.
    Result<std::optional<MessageRecord>> byChannelOrigin(const QString &kinId, const QString &channelOriginId) const;
    // Main-conversation rows (no task, no quick session) older than `before` (a message id; empty = newest), by time.
    Result<MessagePage> page(const QString &kinId, const QString &before, int limit) const;
    // The newest `limit` main-conversation rows after the newest in-context compacting summary, oldest first (prompt
    // history); compacting rows excluded.
    Result<QList<MessageRecord>> recentMain(const QString &kinId, int limit) const;
    Result<QList<MessageRecord>> ofSession(const QString &sessionId) const;
    // The transcript of a task (sub-Kin session), oldest first.
    Result<QList<MessageRecord>> ofTask(const QString &taskId) const;
    // Deletes the main conversation with its compacting summaries and snapshots.
    Status clearMain(const QString &kinId);

    // Redaction (the redact_message tool, engine.md §10.2). The newest message of the Kin whose content holds snippet.
    Result<std::optional<QString>> findContaining(const QString &kinId, const QString &snippet) const;
    // Rewrites a message of the Kin — each occurrence of match replaced, or the whole content when match is empty —
    // marks it is_redacted, rewrites the queue item it came from, and purges the old text from the database files
    // (secure_delete + a truncating WAL checkpoint). Returns the content before the change; nullopt: no such message,
    // or match is not in it.
    Result<std::optional<QString>> redact(const QString &kinId, const QString &messageId, const QString &match, const QString &replacement);
    // Applies a turn's redactions to one message (the one that started the turn); no-op when nothing matches.
    Status scrub(const QString &messageId, const TurnRedactions &redactions);

    static constexpr const char *kEmojis[] = {"👍", "❤️", "😂", "😮", "😢", "🎉"};
    static bool isAllowedEmoji(const QString &emoji);
    Result<QJsonArray> reactions(const QString &messageId) const;
    // Toggles the caller's reaction → {added, reactionId}.
    struct Toggle
    {
        bool added = false;
        QString reactionId;
    };
    Result<Toggle> toggleReaction(const QString &messageId, const QString &userId, const QString &emoji);

    // The wire shape of GET /messages items (sourceName/avatar filled by the caller for kin sources).
    QJsonObject toJson(const MessageRecord &m, const QString &sourceName = {}, const QString &sourceAvatarUrl = {}) const;

private:
    const Database &m_db;
    const Clock &m_clock;
};

} // namespace kinbot
