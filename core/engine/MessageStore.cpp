#include "engine/MessageStore.h"

#include "engine/Redaction.h"

#include "storage/Database.h"
#include "util/Clock.h"
#include "util/Ids.h"
#include "util/Json.h"

#include <QJsonDocument>

namespace kinbot {

namespace {

const QString kColumns = QStringLiteral("id, kin_id, task_id, session_id, role, content, source_type, source_id, tool_calls, request_id, "
                                        "in_reply_to, channel_origin_id, is_redacted, metadata, created_at");

MessageRecord fromRow(const Database::Row &r)
{
    MessageRecord m;
    m.id = r.at(0).toString();
    m.kinId = r.at(1).toString();
    m.taskId = r.at(2).toString();
    m.sessionId = r.at(3).toString();
    m.role = r.at(4).toString();
    m.content = r.at(5).toString();
    m.sourceType = r.at(6).toString();
    m.sourceId = r.at(7).toString();
    m.toolCalls = QJsonDocument::fromJson(r.at(8).toByteArray()).array();
    m.requestId = r.at(9).toString();
    m.inReplyTo = r.at(10).toString();
    m.channelOriginId = r.at(11).toString();
    m.isRedacted = r.at(12).toLongLong() != 0;
    m.metadata = QJsonDocument::fromJson(r.at(13).toByteArray()).object();
    m.createdAt = r.at(14).toLongLong();
    return m;
}

QVariant nullIfEmpty(const QString &s) { return s.isEmpty() ? QVariant() : QVariant(s); }

} // namespace

MessageStore::MessageStore(const Database &db, const Clock &clock) : m_db(db), m_clock(clock) {}

Result<MessageRecord> MessageStore::insert(MessageRecord m)
{
    if (m.id.isEmpty())
        m.id = ids::uuid();
    if (m.createdAt == 0)
        m.createdAt = m_clock.nowMs();
    auto ins = m_db.run(QStringLiteral("INSERT INTO messages(id, kin_id, task_id, session_id, role, content, source_type, source_id, tool_calls, "
                                       "request_id, in_reply_to, channel_origin_id, is_redacted, metadata, created_at) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"),
                        {m.id, m.kinId, nullIfEmpty(m.taskId), nullIfEmpty(m.sessionId), m.role, m.content, m.sourceType, nullIfEmpty(m.sourceId),
                         m.toolCalls.isEmpty() ? QVariant() : QVariant(QString::fromUtf8(json::compact(m.toolCalls))),
                         nullIfEmpty(m.requestId), nullIfEmpty(m.inReplyTo), nullIfEmpty(m.channelOriginId), m.isRedacted ? 1 : 0,
                         m.metadata.isEmpty() ? QVariant() : QVariant(QString::fromUtf8(json::compact(m.metadata))), m.createdAt});
    if (!ins)
        return ins.error();
    return m;
}

Result<std::optional<MessageRecord>> MessageStore::find(const QString &kinId, const QString &messageId) const
{
    return mapRow(m_db.selectOne(QStringLiteral("SELECT ") + kColumns + QStringLiteral(" FROM messages WHERE id = ? AND kin_id = ?"), {messageId, kinId}), fromRow);
}

Result<std::optional<MessageRecord>> MessageStore::byChannelOrigin(const QString &kinId, const QString &channelOriginId) const
{
    return mapRow(m_db.selectOne(QStringLiteral("SELECT ") + kColumns
                                     + QStringLiteral(" FROM messages WHERE kin_id = ? AND channel_origin_id = ? AND role = 'user' "
                                                      "AND source_type = 'channel' ORDER BY created_at, rowid LIMIT 1"),
                                 {kinId, channelOriginId}),
                  fromRow);
}

Result<MessagePage> MessageStore::page(const QString &kinId, const QString &before, int limit) const
{
    limit = qBound(1, limit, kMaxPage);
    // The reference compares random UUID strings (`id < before`), which pages at random. Here `before` names a message
    // and the page holds the rows created before it, ordered by (created_at, rowid).
    Result<QList<Database::Row>> rows = QList<Database::Row>();
    const QString main = QStringLiteral(" FROM messages WHERE kin_id = ? AND task_id IS NULL AND session_id IS NULL");
    if (before.isEmpty()) {
        rows = m_db.selectAll(QStringLiteral("SELECT ") + kColumns + main + QStringLiteral(" ORDER BY created_at DESC, rowid DESC LIMIT ?"),
                              {kinId, limit + 1});
    } else {
        auto anchor = m_db.selectOne(QStringLiteral("SELECT created_at, rowid FROM messages WHERE id = ? AND kin_id = ?"), {before, kinId});
        if (!anchor)
            return anchor.error();
        if (!anchor.value())
            return ApiError::badRequest(QStringLiteral("INVALID_CURSOR"), QStringLiteral("before does not name a message of this Kin"));
        rows = m_db.selectAll(QStringLiteral("SELECT ") + kColumns + main
                                  + QStringLiteral(" AND (created_at < ? OR (created_at = ? AND rowid < ?)) ORDER BY created_at DESC, rowid DESC LIMIT ?"),
                              {kinId, anchor.value()->at(0), anchor.value()->at(0), anchor.value()->at(1), limit + 1});
    }
    if (!rows)
        return rows.error();
    MessagePage page;
    page.hasMore = rows.value().size() > limit;
    for (int i = int(std::min<qsizetype>(rows.value().size(), limit)) - 1; i >= 0; --i)
        page.messages.append(fromRow(rows.value().at(i)));
    return page;
}

Result<QList<MessageRecord>> MessageStore::recentMain(const QString &kinId, int limit) const
{
    // Rows up to the end of the newest in-context summary are folded into it (compacting, engine.md §1.6): they stay
    // stored and listed but are no longer sent. The cut is a message position (created_at, rowid), so rows sharing a
    // millisecond with the summary's last message fall on the right side.
    auto rows = m_db.selectAll(QStringLiteral("WITH cut AS (SELECT m.created_at AS at, m.rowid AS rid FROM compacting_summaries s "
                                              "JOIN messages m ON m.id = s.last_message_id WHERE s.kin_id = ? AND s.is_in_context = 1 "
                                              "ORDER BY m.created_at DESC, m.rowid DESC LIMIT 1) "
                                              "SELECT ") + kColumns
                                   + QStringLiteral(" FROM messages WHERE kin_id = ? AND task_id IS NULL AND session_id IS NULL AND source_type != 'compacting' "
                                                    "AND NOT EXISTS (SELECT 1 FROM cut WHERE messages.created_at < cut.at "
                                                    "OR (messages.created_at = cut.at AND messages.rowid <= cut.rid)) "
                                                    "ORDER BY created_at DESC, rowid DESC LIMIT ?"),
                               {kinId, kinId, limit});
    if (!rows)
        return rows.error();
    QList<MessageRecord> out;
    for (auto it = rows.value().crbegin(); it != rows.value().crend(); ++it)
        out.append(fromRow(*it));
    return out;
}

Result<QList<MessageRecord>> MessageStore::ofSession(const QString &sessionId) const
{
    return mapRows(m_db.selectAll(QStringLiteral("SELECT ") + kColumns + QStringLiteral(" FROM messages WHERE session_id = ? ORDER BY created_at, rowid"),
                                  {sessionId}), fromRow);
}

Result<QList<MessageRecord>> MessageStore::ofTask(const QString &taskId) const
{
    return mapRows(m_db.selectAll(QStringLiteral("SELECT ") + kColumns + QStringLiteral(" FROM messages WHERE task_id = ? ORDER BY created_at, rowid"),
                                  {taskId}), fromRow);
}

Status MessageStore::clearMain(const QString &kinId)
{
    // The compacting summaries and legacy snapshots describe the conversation being cleared: they go first.
    return m_db.transaction([&]() -> Status {
        for (const char *sql : {"DELETE FROM compacting_summaries WHERE kin_id = ?", "DELETE FROM compacting_snapshots WHERE kin_id = ?",
                                "DELETE FROM messages WHERE kin_id = ? AND task_id IS NULL AND session_id IS NULL"})
            if (auto del = m_db.run(QString::fromLatin1(sql), {kinId}); !del)
                return del.error();
        return {};
    });
}

Result<std::optional<QString>> MessageStore::findContaining(const QString &kinId, const QString &snippet) const
{
    if (snippet.isEmpty())
        return std::optional<QString>();
    auto row = m_db.selectOne(QStringLiteral("SELECT id FROM messages WHERE kin_id = ? AND instr(content, ?) > 0 "
                                             "ORDER BY created_at DESC, rowid DESC LIMIT 1"),
                              {kinId, snippet});
    if (!row)
        return row.error();
    if (!row.value())
        return std::optional<QString>();
    return std::optional<QString>(row.value()->at(0).toString());
}

namespace {

// With secure_delete on (Database), the rewritten row's old bytes are zeroed in its page; the WAL still holds the old
// page images until a checkpoint copies the new ones over and truncates it.
void purgeOldVersions(const Database &db)
{
    auto q = db.exec(QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)"));
    Q_UNUSED(q);
}

} // namespace

Result<std::optional<QString>> MessageStore::redact(const QString &kinId, const QString &messageId, const QString &match,
                                                    const QString &replacement)
{
    auto row = m_db.selectOne(QStringLiteral("SELECT content FROM messages WHERE id = ? AND kin_id = ?"), {messageId, kinId});
    if (!row)
        return row.error();
    if (!row.value())
        return std::optional<QString>();
    const QString before = row.value()->at(0).toString();
    if (!match.isEmpty() && !before.contains(match))
        return std::optional<QString>();
    QString after = before;
    if (match.isEmpty())
        after = replacement;
    else
        after.replace(match, replacement);
    Status st = m_db.transaction([&]() -> Status {
        auto up = m_db.run(QStringLiteral("UPDATE messages SET content = ?, is_redacted = 1 WHERE id = ?"), {after, messageId});
        if (!up)
            return up.error();
        auto items = m_db.selectAll(QStringLiteral("SELECT id, content FROM queue_items WHERE created_message_id = ?"), {messageId});
        if (!items)
            return items.error();
        for (const Database::Row &item : items.value()) {
            QString content = item.at(1).toString();
            if (match.isEmpty())
                content = replacement;
            else
                content.replace(match, replacement);
            auto q = m_db.run(QStringLiteral("UPDATE queue_items SET content = ? WHERE id = ?"), {content, item.at(0)});
            if (!q)
                return q.error();
        }
        return {};
    });
    if (!st)
        return st.error();
    purgeOldVersions(m_db);
    return std::optional<QString>(before);
}

Status MessageStore::scrub(const QString &messageId, const TurnRedactions &redactions)
{
    if (messageId.isEmpty() || redactions.isEmpty())
        return {};
    auto row = m_db.selectOne(QStringLiteral("SELECT content FROM messages WHERE id = ?"), {messageId});
    if (!row)
        return row.error();
    if (!row.value())
        return {};
    const QString before = row.value()->at(0).toString();
    const QString after = redactions.apply(before);
    if (after == before)
        return {};
    Status st = m_db.transaction([&]() -> Status {
        auto up = m_db.run(QStringLiteral("UPDATE messages SET content = ?, is_redacted = 1 WHERE id = ?"), {after, messageId});
        if (!up)
            return up.error();
        auto items = m_db.selectAll(QStringLiteral("SELECT id, content FROM queue_items WHERE created_message_id = ?"), {messageId});
        if (!items)
            return items.error();
        for (const Database::Row &item : items.value()) {
            auto q = m_db.run(QStringLiteral("UPDATE queue_items SET content = ? WHERE id = ?"), {redactions.apply(item.at(1).toString()), item.at(0)});
            if (!q)
                return q.error();
        }
        return {};
    });
    if (!st)
        return st;
    purgeOldVersions(m_db);
    return {};
}

bool MessageStore::isAllowedEmoji(const QString &emoji)
{
    for (const char *e : kEmojis)
        if (emoji == QString::fromUtf8(e))
            return true;
    return false;
}

Result<QJsonArray> MessageStore::reactions(const QString &messageId) const
{
    auto rows = m_db.selectAll(QStringLiteral("SELECT id, message_id, user_id, emoji, created_at FROM message_reactions WHERE message_id = ? "
                                              "ORDER BY created_at, rowid"),
                               {messageId});
    if (!rows)
        return rows.error();
    QJsonArray out;
    for (const Database::Row &r : rows.value())
        out.append(QJsonObject{{QStringLiteral("id"), r.at(0).toString()},
                               {QStringLiteral("messageId"), r.at(1).toString()},
                               {QStringLiteral("userId"), r.at(2).toString()},
                               {QStringLiteral("emoji"), r.at(3).toString()},
                               {QStringLiteral("createdAt"), json::isoMs(r.at(4).toLongLong())}});
    return out;
}

Result<MessageStore::Toggle> MessageStore::toggleReaction(const QString &messageId, const QString &userId, const QString &emoji)
{
    Toggle t;
    Status st = m_db.transaction([&]() -> Status {
        auto existing = m_db.selectOne(QStringLiteral("SELECT id FROM message_reactions WHERE message_id = ? AND user_id = ? AND emoji = ?"),
                                       {messageId, userId, emoji});
        if (!existing)
            return existing.error();
        if (existing.value()) {
            t.reactionId = existing.value()->at(0).toString();
            auto del = m_db.run(QStringLiteral("DELETE FROM message_reactions WHERE id = ?"), {t.reactionId});
            return del ? Status() : Status(del.error());
        }
        t.added = true;
        t.reactionId = ids::uuid();
        auto ins = m_db.run(QStringLiteral("INSERT INTO message_reactions(id, message_id, user_id, emoji, created_at) VALUES(?,?,?,?,?)"),
                            {t.reactionId, messageId, userId, emoji, m_clock.nowMs()});
        return ins ? Status() : Status(ins.error());
    });
    if (!st)
        return st.error();
    return t;
}

QJsonObject MessageStore::toJson(const MessageRecord &m, const QString &sourceName, const QString &sourceAvatarUrl) const
{
    auto reacts = reactions(m.id);
    QJsonArray reactionItems;
    if (reacts)
        for (const QJsonValue &v : reacts.value()) {
            QJsonObject o = v.toObject();
            o.remove(QStringLiteral("messageId"));
            reactionItems.append(o);
        }
    const QJsonValue resolvedTask = m.metadata.contains(QStringLiteral("resolvedTaskId")) ? m.metadata.value(QStringLiteral("resolvedTaskId"))
                                                                                          : m.metadata.value(QStringLiteral("relatedTaskId"));
    return {{QStringLiteral("id"), m.id},
            {QStringLiteral("role"), m.role},
            {QStringLiteral("content"), m.content},
            {QStringLiteral("sourceType"), m.sourceType},
            {QStringLiteral("sourceId"), m.sourceId.isEmpty() ? QJsonValue() : QJsonValue(m.sourceId)},
            {QStringLiteral("sourceName"), sourceName.isEmpty() ? QJsonValue() : QJsonValue(sourceName)},
            {QStringLiteral("sourceAvatarUrl"), sourceAvatarUrl.isEmpty() ? QJsonValue() : QJsonValue(sourceAvatarUrl)},
            {QStringLiteral("isRedacted"), m.isRedacted},
            {QStringLiteral("toolCalls"), m.toolCalls.isEmpty() ? QJsonValue() : QJsonValue(m.toolCalls)},
            {QStringLiteral("resolvedTaskId"), resolvedTask.isUndefined() ? QJsonValue() : resolvedTask},
            {QStringLiteral("injectedMemories"), m.metadata.value(QStringLiteral("injectedMemories")).isUndefined()
                                                     ? QJsonValue() : m.metadata.value(QStringLiteral("injectedMemories"))},
            {QStringLiteral("memoriesExtracted"), m.metadata.value(QStringLiteral("memoriesExtracted")).isUndefined()
                                                      ? QJsonValue() : m.metadata.value(QStringLiteral("memoriesExtracted"))},
            {QStringLiteral("compactingError"), m.metadata.value(QStringLiteral("error")).isUndefined() ? QJsonValue() : m.metadata.value(QStringLiteral("error"))},
            {QStringLiteral("stepLimitReached"), m.metadata.value(QStringLiteral("stepLimitReached")).toBool()},
            {QStringLiteral("files"), QJsonArray()},
            {QStringLiteral("reactions"), reactionItems},
            {QStringLiteral("createdAt"), json::isoMs(m.createdAt)}};
}

} // namespace kinbot
