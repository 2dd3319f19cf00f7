#include "compacting/CompactingStore.h"

#include "storage/Database.h"
#include "util/Clock.h"
#include "util/Ids.h"
#include "util/Json.h"

#include <QJsonDocument>
#include <QSet>

namespace kinbot {

namespace {

// Summary columns plus the positions (created_at, rowid) of the first and last messages of the range. A vanished
// first message falls back to its time with rowid 0 (the start of that millisecond).
const QString kSelect = QStringLiteral(
    "SELECT s.id, s.kin_id, s.summary, s.first_message_at, s.last_message_at, s.first_message_id, s.last_message_id, "
    "s.message_count, s.token_estimate, s.is_in_context, s.depth, s.source_summary_ids, s.created_at, "
    "COALESCE(mf.rowid, 0), COALESCE(ml.rowid, 0), s.rowid "
    "FROM compacting_summaries s LEFT JOIN messages mf ON mf.id = s.first_message_id "
    "LEFT JOIN messages ml ON ml.id = s.last_message_id ");

struct Positioned
{
    SummaryRecord s;
    qint64 firstRowid = 0;
    qint64 lastRowid = 0;
    qint64 rowid = 0;
};

Positioned fromRow(const Database::Row &r)
{
    Positioned p;
    SummaryRecord &s = p.s;
    s.id = r.at(0).toString();
    s.kinId = r.at(1).toString();
    s.summary = r.at(2).toString();
    s.firstMessageAt = r.at(3).toLongLong();
    s.lastMessageAt = r.at(4).toLongLong();
    s.firstMessageId = r.at(5).toString();
    s.lastMessageId = r.at(6).toString();
    s.messageCount = r.at(7).toInt();
    s.tokenEstimate = r.at(8).toInt();
    s.isInContext = r.at(9).toLongLong() != 0;
    s.depth = r.at(10).toInt();
    for (const QJsonValue &v : QJsonDocument::fromJson(r.at(11).toByteArray()).array())
        s.sourceSummaryIds.append(v.toString());
    s.createdAt = r.at(12).toLongLong();
    p.firstRowid = r.at(13).toLongLong();
    p.lastRowid = r.at(14).toLongLong();
    p.rowid = r.at(15).toLongLong();
    return p;
}

Result<QList<Positioned>> selectPositioned(const Database &db, const QString &where, const QVariantList &values)
{
    return mapRows(db.selectAll(kSelect + where, values), fromRow);
}

QList<SummaryRecord> records(const QList<Positioned> &in)
{
    QList<SummaryRecord> out;
    for (const Positioned &p : in)
        out.append(p.s);
    return out;
}

Status insertRow(const Database &db, const SummaryRecord &s)
{
    auto ins = db.run(QStringLiteral("INSERT INTO compacting_summaries(id, kin_id, summary, first_message_at, last_message_at, first_message_id, "
                                     "last_message_id, message_count, token_estimate, is_in_context, depth, source_summary_ids, created_at) "
                                     "VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?)"),
                      {s.id, s.kinId, s.summary, s.firstMessageAt, s.lastMessageAt,
                       s.firstMessageId.isEmpty() ? QVariant() : QVariant(s.firstMessageId), s.lastMessageId, s.messageCount,
                       s.tokenEstimate, s.isInContext ? 1 : 0, s.depth,
                       s.sourceSummaryIds.isEmpty() ? QVariant()
                                                    : QVariant(QString::fromUtf8(json::compact(QJsonArray::fromStringList(s.sourceSummaryIds)))),
                       s.createdAt});
    return ins ? Status() : Status(ins.error());
}

} // namespace

QJsonObject SummaryRecord::toJson() const
{
    return {{QStringLiteral("id"), id},
            {QStringLiteral("firstMessageAt"), json::isoMs(firstMessageAt)},
            {QStringLiteral("lastMessageAt"), json::isoMs(lastMessageAt)},
            {QStringLiteral("lastMessageId"), lastMessageId},
            {QStringLiteral("messageCount"), messageCount},
            {QStringLiteral("tokenEstimate"), tokenEstimate},
            {QStringLiteral("isInContext"), isInContext},
            {QStringLiteral("depth"), depth},
            {QStringLiteral("createdAt"), json::isoMs(createdAt)}};
}

CompactingStore::CompactingStore(const Database &db, const Clock &clock) : m_db(db), m_clock(clock) {}

Result<QList<SummaryRecord>> CompactingStore::active(const QString &kinId) const
{
    auto rows = selectPositioned(m_db, QStringLiteral("WHERE s.kin_id = ? AND s.is_in_context = 1 ORDER BY s.last_message_at, COALESCE(ml.rowid, 0), s.rowid"),
                                 {kinId});
    if (!rows)
        return rows.error();
    return records(rows.value());
}

Result<QList<SummaryRecord>> CompactingStore::all(const QString &kinId) const
{
    auto rows = selectPositioned(m_db, QStringLiteral("WHERE s.kin_id = ? ORDER BY s.created_at DESC, s.rowid DESC"), {kinId});
    if (!rows)
        return rows.error();
    return records(rows.value());
}

Result<std::optional<SummaryRecord>> CompactingStore::find(const QString &kinId, const QString &summaryId) const
{
    auto rows = selectPositioned(m_db, QStringLiteral("WHERE s.kin_id = ? AND s.id = ?"), {kinId, summaryId});
    if (!rows)
        return rows.error();
    if (rows->isEmpty())
        return std::optional<SummaryRecord>();
    return std::optional<SummaryRecord>(rows->first().s);
}

Result<SummaryRecord> CompactingStore::insert(SummaryRecord s)
{
    if (s.id.isEmpty())
        s.id = ids::uuid();
    if (s.createdAt == 0)
        s.createdAt = m_clock.nowMs();
    if (Status st = insertRow(m_db, s); !st)
        return st.error();
    return s;
}

Result<SummaryRecord> CompactingStore::insertMerged(SummaryRecord merged)
{
    if (merged.id.isEmpty())
        merged.id = ids::uuid();
    if (merged.createdAt == 0)
        merged.createdAt = m_clock.nowMs();
    Status st = m_db.transaction([&]() -> Status {
        if (Status ins = insertRow(m_db, merged); !ins)
            return ins;
        for (const QString &id : std::as_const(merged.sourceSummaryIds))
            if (auto upd = m_db.run(QStringLiteral("UPDATE compacting_summaries SET is_in_context = 0 WHERE id = ? AND kin_id = ?"), {id, merged.kinId});
                !upd)
                return upd.error();
        return {};
    });
    if (!st)
        return st.error();
    return merged;
}

Result<int> CompactingStore::purge(const QString &kinId)
{
    return m_db.run(QStringLiteral("UPDATE compacting_summaries SET is_in_context = 0 WHERE kin_id = ? AND is_in_context = 1"), {kinId});
}

Result<std::optional<int>> CompactingStore::rollback(const QString &kinId, const QString &summaryId)
{
    // Creation order; everything up to the target is what existed when it was made.
    auto rows = selectPositioned(m_db, QStringLiteral("WHERE s.kin_id = ? ORDER BY s.created_at, s.rowid"), {kinId});
    if (!rows)
        return rows.error();
    const QList<Positioned> &all = rows.value();
    qsizetype target = -1;
    for (qsizetype i = 0; i < all.size(); ++i)
        if (all[i].s.id == summaryId)
            target = i;
    if (target < 0)
        return std::optional<int>();

    // The set in context right after the target was made: the target, then walking back, each older summary that no
    // summary made by then had merged and whose range ends before the earliest range already kept.
    QSet<QString> merged;
    for (qsizetype i = 0; i <= target; ++i)
        for (const QString &src : all[i].s.sourceSummaryIds)
            merged.insert(src);
    QSet<QString> keep{all[target].s.id};
    auto before = [](qint64 at, qint64 rid, qint64 otherAt, qint64 otherRid) { return at < otherAt || (at == otherAt && rid < otherRid); };
    qint64 floorAt = all[target].s.firstMessageAt, floorRid = all[target].firstRowid;
    for (qsizetype i = target - 1; i >= 0; --i) {
        const Positioned &p = all[i];
        if (merged.contains(p.s.id) || !before(p.s.lastMessageAt, p.lastRowid, floorAt, floorRid))
            continue;
        keep.insert(p.s.id);
        floorAt = p.s.firstMessageAt;
        floorRid = p.firstRowid;
    }

    int archived = 0;
    Status st = m_db.transaction([&]() -> Status {
        for (const Positioned &p : all) {
            const bool in = keep.contains(p.s.id);
            if (in == p.s.isInContext)
                continue;
            if (auto upd = m_db.run(QStringLiteral("UPDATE compacting_summaries SET is_in_context = ? WHERE id = ?"), {in ? 1 : 0, p.s.id}); !upd)
                return upd.error();
            archived += in ? 0 : 1;
        }
        return {};
    });
    if (!st)
        return st.error();
    return std::optional<int>(archived);
}

Status CompactingStore::retain(const QString &kinId, int keep)
{
    auto del = m_db.run(QStringLiteral("DELETE FROM compacting_summaries WHERE kin_id = ? AND is_in_context = 0 AND id NOT IN "
                                       "(SELECT id FROM compacting_summaries WHERE kin_id = ? ORDER BY created_at DESC, rowid DESC LIMIT ?)"),
                        {kinId, kinId, keep});
    return del ? Status() : Status(del.error());
}

Result<QList<MessageRecord>> CompactingStore::uncompacted(const QString &kinId, const MessageStore &messages) const
{
    // recentMain already starts after the newest in-context summary; no row limit here.
    return messages.recentMain(kinId, std::numeric_limits<int>::max());
}

Result<int> CompactingStore::compactedCount(const QString &kinId) const
{
    auto row = m_db.selectOne(
        QStringLiteral("WITH cut AS (SELECT m.created_at AS at, m.rowid AS rid FROM compacting_summaries s JOIN messages m ON m.id = s.last_message_id "
                       "WHERE s.kin_id = ? AND s.is_in_context = 1 ORDER BY m.created_at DESC, m.rowid DESC LIMIT 1) "
                       "SELECT COUNT(*) FROM messages, cut WHERE messages.kin_id = ? AND messages.task_id IS NULL AND messages.session_id IS NULL "
                       "AND messages.source_type != 'compacting' "
                       "AND (messages.created_at < cut.at OR (messages.created_at = cut.at AND messages.rowid <= cut.rid))"),
        {kinId, kinId});
    if (!row)
        return row.error();
    return row.value() ? int(row.value()->at(0).toLongLong()) : 0;
}

Result<QJsonArray> CompactingStore::snapshots(const QString &kinId) const
{
    auto rows = m_db.selectAll(QStringLiteral("SELECT id, messages_up_to_id, is_active, created_at FROM compacting_snapshots WHERE kin_id = ? "
                                              "ORDER BY created_at DESC, rowid DESC"),
                               {kinId});
    if (!rows)
        return rows.error();
    QJsonArray out;
    for (const Database::Row &r : rows.value())
        out.append(QJsonObject{{QStringLiteral("id"), r.at(0).toString()},
                               {QStringLiteral("messagesUpToId"), r.at(1).toString()},
                               {QStringLiteral("isActive"), r.at(2).toLongLong() != 0},
                               {QStringLiteral("createdAt"), json::isoMs(r.at(3).toLongLong())}});
    return out;
}

Result<std::optional<int>> CompactingStore::activateSnapshot(const QString &kinId, const QString &snapshotId)
{
    auto found = m_db.selectOne(QStringLiteral("SELECT id FROM compacting_snapshots WHERE id = ? AND kin_id = ?"), {snapshotId, kinId});
    if (!found)
        return found.error();
    if (!found.value())
        return std::optional<int>();
    int archived = 0;
    Status st = m_db.transaction([&]() -> Status {
        auto off = m_db.run(QStringLiteral("UPDATE compacting_snapshots SET is_active = 0 WHERE kin_id = ? AND id != ? AND is_active = 1"),
                            {kinId, snapshotId});
        if (!off)
            return off.error();
        archived = off.value();
        auto on = m_db.run(QStringLiteral("UPDATE compacting_snapshots SET is_active = 1 WHERE id = ?"), {snapshotId});
        return on ? Status() : Status(on.error());
    });
    if (!st)
        return st.error();
    return std::optional<int>(archived);
}

} // namespace kinbot
