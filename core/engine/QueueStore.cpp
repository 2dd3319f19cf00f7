#include "engine/QueueStore.h"

#include "storage/Database.h"
#include "util/Clock.h"
#include "util/Ids.h"
#include "util/Json.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace kinbot {

namespace {

const QString kColumns = QStringLiteral("id, kin_id, message_type, content, source_type, source_id, priority, request_id, in_reply_to, task_id, "
                                        "session_id, channel_origin_id, file_ids, status, created_message_id, created_at, started_at");

QueueItem fromRow(const Database::Row &r)
{
    QueueItem q;
    q.id = r.at(0).toString();
    q.kinId = r.at(1).toString();
    q.messageType = r.at(2).toString();
    q.content = r.at(3).toString();
    q.sourceType = r.at(4).toString();
    q.sourceId = r.at(5).toString();
    q.priority = r.at(6).toInt();
    q.requestId = r.at(7).toString();
    q.inReplyTo = r.at(8).toString();
    q.taskId = r.at(9).toString();
    q.sessionId = r.at(10).toString();
    q.channelOriginId = r.at(11).toString();
    for (const QJsonValue &v : QJsonDocument::fromJson(r.at(12).toByteArray()).array())
        q.fileIds.append(v.toString());
    q.status = r.at(13).toString();
    q.createdMessageId = r.at(14).toString();
    q.createdAt = r.at(15).toLongLong();
    q.startedAt = r.at(16).toLongLong();
    return q;
}

QVariant nullIfEmpty(const QString &s) { return s.isEmpty() ? QVariant() : QVariant(s); }

} // namespace

QJsonObject QueueItem::toJson() const
{
    return {{QStringLiteral("id"), id},
            {QStringLiteral("kinId"), kinId},
            {QStringLiteral("messageType"), messageType},
            {QStringLiteral("content"), content},
            {QStringLiteral("sourceType"), sourceType},
            {QStringLiteral("sourceId"), sourceId.isEmpty() ? QJsonValue() : QJsonValue(sourceId)},
            {QStringLiteral("priority"), priority},
            {QStringLiteral("createdAt"), json::isoMs(createdAt)}};
}

QueueStore::QueueStore(const Database &db, const Clock &clock) : m_db(db), m_clock(clock) {}

Result<QueueItem> QueueStore::enqueue(QueueItem item)
{
    if (item.id.isEmpty())
        item.id = ids::uuid();
    item.createdAt = m_clock.nowMs();
    item.status = QStringLiteral("pending");
    auto ins = m_db.run(QStringLiteral("INSERT INTO queue_items(id, kin_id, message_type, content, source_type, source_id, priority, request_id, "
                                       "in_reply_to, task_id, session_id, channel_origin_id, file_ids, status, created_at) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"),
                        {item.id, item.kinId, item.messageType, item.content, item.sourceType, nullIfEmpty(item.sourceId), item.priority,
                         nullIfEmpty(item.requestId), nullIfEmpty(item.inReplyTo), nullIfEmpty(item.taskId), nullIfEmpty(item.sessionId),
                         nullIfEmpty(item.channelOriginId),
                         item.fileIds.isEmpty() ? QVariant() : QVariant(QString::fromUtf8(json::compact(QJsonArray::fromStringList(item.fileIds)))),
                         item.status, item.createdAt});
    if (!ins)
        return ins.error();
    return item;
}

Result<std::optional<QueueItem>> QueueStore::claimNext(const QString &kinId, bool quickSlot)
{
    // One statement: the pick and the claim cannot interleave with another claim.
    const QString slot = quickSlot ? QStringLiteral("session_id IS NOT NULL") : QStringLiteral("session_id IS NULL");
    return mapRow(m_db.selectOne(QStringLiteral("UPDATE queue_items SET status = 'processing', started_at = ? WHERE id = ("
                                                "SELECT id FROM queue_items WHERE kin_id = ? AND status = 'pending' AND ") + slot
                                     + QStringLiteral(" ORDER BY priority DESC, created_at ASC, rowid ASC LIMIT 1) RETURNING ") + kColumns,
                                 {m_clock.nowMs(), kinId}), fromRow);
}

Status QueueStore::setCreatedMessage(const QString &itemId, const QString &messageId)
{
    auto up = m_db.run(QStringLiteral("UPDATE queue_items SET created_message_id = ? WHERE id = ?"), {messageId, itemId});
    return up ? Status() : Status(up.error());
}

Status QueueStore::markDone(const QString &itemId)
{
    auto up = m_db.run(QStringLiteral("UPDATE queue_items SET status = 'done', processed_at = ? WHERE id = ?"), {m_clock.nowMs(), itemId});
    return up ? Status() : Status(up.error());
}

int QueueStore::pendingCount(const QString &kinId) const
{
    auto row = m_db.selectOne(QStringLiteral("SELECT COUNT(*) FROM queue_items WHERE kin_id = ? AND status = 'pending'"), {kinId});
    return row && row.value() ? row.value()->at(0).toInt() : 0;
}

std::optional<QueueItem> QueueStore::processing(const QString &kinId, bool quickSlot) const
{
    const QString slot = quickSlot ? QStringLiteral("session_id IS NOT NULL") : QStringLiteral("session_id IS NULL");
    auto row = m_db.selectOne(QStringLiteral("SELECT ") + kColumns + QStringLiteral(" FROM queue_items WHERE kin_id = ? AND status = 'processing' AND ")
                                  + slot + QStringLiteral(" LIMIT 1"),
                              {kinId});
    if (!row || !row.value())
        return std::nullopt;
    return fromRow(*row.value());
}

Result<QList<QueueItem>> QueueStore::pending(const QString &kinId) const
{
    return mapRows(m_db.selectAll(QStringLiteral("SELECT ") + kColumns
                                      + QStringLiteral(" FROM queue_items WHERE kin_id = ? AND status = 'pending' ORDER BY priority DESC, created_at ASC, rowid ASC"),
                                  {kinId}), fromRow);
}

Result<bool> QueueStore::removePending(const QString &kinId, const QString &itemId)
{
    auto del = m_db.run(QStringLiteral("DELETE FROM queue_items WHERE id = ? AND kin_id = ? AND status = 'pending'"), {itemId, kinId});
    if (!del)
        return del.error();
    return del.value() > 0;
}

Result<int> QueueStore::recoverInterrupted()
{
    auto up = m_db.run(QStringLiteral("UPDATE queue_items SET status = 'pending', started_at = NULL WHERE status = 'processing'"));
    if (!up)
        return up.error();
    return up.value();
}

Result<QStringList> QueueStore::kinsWithPending() const
{
    auto rows = m_db.selectAll(QStringLiteral("SELECT DISTINCT kin_id FROM queue_items WHERE status = 'pending'"));
    if (!rows)
        return rows.error();
    QStringList out;
    for (const Database::Row &r : rows.value())
        out.append(r.at(0).toString());
    return out;
}

} // namespace kinbot
