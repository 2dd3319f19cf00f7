#include "memory/MemoryStore.h"

#include "storage/Database.h"
#include "util/Clock.h"
#include "util/Ids.h"
#include "util/Json.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace kinbot::memory {

static const QString kColumns = QStringLiteral(
    "id, kin_id, content, category, subject, source_message_id, source_channel, source_context, importance, retrieval_count, "
    "last_retrieved_at, consolidation_generation, consolidated_from_ids, scope, embedding_key, created_at, updated_at");

static QVariant nullIfEmpty(const QString &s)
{
    return s.isEmpty() ? QVariant() : QVariant(s);
}

static MemoryRecord fromRow(const Database::Row &r)
{
    MemoryRecord m;
    m.id = r.value(0).toString();
    m.kinId = r.value(1).toString();
    m.content = r.value(2).toString();
    m.category = r.value(3).toString();
    m.subject = r.value(4).toString();
    m.sourceMessageId = r.value(5).toString();
    m.sourceChannel = r.value(6).toString();
    m.sourceContext = r.value(7).toString();
    if (!r.value(8).isNull())
        m.importance = r.value(8).toDouble();
    m.retrievalCount = r.value(9).toInt();
    m.lastRetrievedAt = r.value(10).toLongLong();
    m.consolidationGeneration = r.value(11).toInt();
    for (const QJsonValue &v : QJsonDocument::fromJson(r.value(12).toByteArray()).array())
        m.consolidatedFromIds.append(v.toString());
    m.scope = r.value(13).toString();
    m.embeddingKey = r.value(14).toString();
    m.createdAt = r.value(15).toLongLong();
    m.updatedAt = r.value(16).toLongLong();
    return m;
}

// The first column of every row, as strings (id lists).
static Result<QStringList> firstColumn(const Result<QList<Database::Row>> &rows)
{
    if (!rows)
        return rows.error();
    QStringList out;
    for (const auto &r : rows.value())
        out << r.value(0).toString();
    return out;
}

Result<MemoryRecord> MemoryStore::insert(MemoryRecord m)
{
    if (m.id.isEmpty())
        m.id = ids::uuid();
    m.createdAt = m.updatedAt = m_clock.nowMs();
    auto ins = m_db.run(
        QStringLiteral("INSERT INTO memories (id, kin_id, content, category, subject, source_message_id, source_channel, source_context, "
                       "importance, consolidation_generation, consolidated_from_ids, scope, created_at, updated_at) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
        {m.id, m.kinId, m.content, m.category, nullIfEmpty(m.subject), nullIfEmpty(m.sourceMessageId), m.sourceChannel,
         nullIfEmpty(m.sourceContext), m.importance ? QVariant(*m.importance) : QVariant(), m.consolidationGeneration,
         m.consolidatedFromIds.isEmpty() ? QVariant() : QVariant(QString::fromUtf8(json::compact(QJsonArray::fromStringList(m.consolidatedFromIds)))),
         m.scope, m.createdAt, m.updatedAt});
    if (!ins)
        return ins.error();
    return m;
}

Result<std::optional<MemoryRecord>> MemoryStore::find(const QString &id) const
{
    return mapRow(m_db.selectOne(QStringLiteral("SELECT %1 FROM memories WHERE id = ?").arg(kColumns), {id}), fromRow);
}

Result<MemoryRecord> MemoryStore::update(const QString &id, const MemoryChange &c)
{
    QStringList sets;
    QVariantList values;
    const auto set = [&](const char *column, const QVariant &value) {
        sets << QStringLiteral("%1 = ?").arg(QLatin1String(column));
        values << value;
    };
    if (c.content)
        set("content", *c.content);
    if (c.category)
        set("category", *c.category);
    if (c.subject)
        set("subject", nullIfEmpty(*c.subject));
    if (c.scope)
        set("scope", *c.scope);
    if (c.importance)
        set("importance", *c.importance);
    set("updated_at", m_clock.nowMs());
    values << id;
    auto n = m_db.run(QStringLiteral("UPDATE memories SET %1 WHERE id = ?").arg(sets.join(QStringLiteral(", "))), values);
    if (!n)
        return n.error();
    if (n.value() == 0)
        return ApiError::notFound(QStringLiteral("MEMORY_NOT_FOUND"), QStringLiteral("Memory not found"));
    auto found = find(id);
    if (!found)
        return found.error();
    return **found;
}

Status MemoryStore::remove(const QString &id)
{
    auto n = m_db.run(QStringLiteral("DELETE FROM memories WHERE id = ?"), {id});
    if (!n)
        return n.error();
    if (n.value() == 0)
        return ApiError::notFound(QStringLiteral("MEMORY_NOT_FOUND"), QStringLiteral("Memory not found"));
    return {};
}

Result<QList<MemoryRecord>> MemoryStore::list(const MemoryFilter &f) const
{
    QStringList where{QStringLiteral("1 = 1")};
    QVariantList values;
    if (!f.kinId.isEmpty()) {
        where << QStringLiteral("kin_id = ?");
        values << f.kinId;
    }
    if (!f.category.isEmpty()) {
        where << QStringLiteral("category = ?");
        values << f.category;
    }
    if (!f.subject.isEmpty()) {
        where << QStringLiteral("lower(subject) = lower(?)");
        values << f.subject;
    }
    if (!f.scope.isEmpty()) {
        where << QStringLiteral("scope = ?");
        values << f.scope;
    }
    values << qBound(1, f.limit, 1000);
    return mapRows(m_db.selectAll(QStringLiteral("SELECT %1 FROM memories WHERE %2 ORDER BY updated_at DESC, rowid DESC LIMIT ?")
                                         .arg(kColumns, where.join(QStringLiteral(" AND "))),
                                     values), fromRow);
}

Result<QList<MemoryRecord>> MemoryStore::visibleTo(const QString &kinId, int limit) const
{
    return mapRows(m_db.selectAll(QStringLiteral("SELECT %1 FROM memories WHERE kin_id = ? OR scope = 'shared' "
                                                    "ORDER BY updated_at DESC, rowid DESC LIMIT ?").arg(kColumns),
                                     {kinId, limit}), fromRow);
}

Result<QList<MemoryRecord>> MemoryStore::byIds(const QStringList &ids) const
{
    if (ids.isEmpty())
        return QList<MemoryRecord>();
    QVariantList values;
    for (const QString &id : ids)
        values << id;
    QStringList marks(ids.size(), QStringLiteral("?"));
    return mapRows(m_db.selectAll(QStringLiteral("SELECT %1 FROM memories WHERE id IN (%2)").arg(kColumns, marks.join(QLatin1Char(','))), values), fromRow);
}

Status MemoryStore::setEmbedding(const QString &id, const QByteArray &blob, const QString &key)
{
    auto n = m_db.run(QStringLiteral("UPDATE memories SET embedding = ?, embedding_key = ? WHERE id = ?"), {blob, key, id});
    if (!n)
        return n.error();
    return {};
}

Status MemoryStore::clearEmbedding(const QString &id)
{
    auto n = m_db.run(QStringLiteral("UPDATE memories SET embedding = NULL, embedding_key = NULL WHERE id = ?"), {id});
    if (!n)
        return n.error();
    return {};
}

Status MemoryStore::forEachVector(const std::function<void(const VectorRow &)> &visit) const
{
    auto q = m_db.exec(QStringLiteral("SELECT id, kin_id, scope, embedding, embedding_key FROM memories WHERE embedding IS NOT NULL"));
    if (!q)
        return q.error();
    QSqlQuery query = std::move(q.value());
    while (query.next())
        visit({query.value(0).toString(), query.value(1).toString(), query.value(2).toString() == QLatin1String("shared"),
               query.value(3).toByteArray(), query.value(4).toString()});
    return {};
}

Result<QStringList> MemoryStore::allIds(const QString &kinId) const
{
    return firstColumn(m_db.selectAll(QStringLiteral("SELECT id FROM memories WHERE ? = '' OR kin_id = ? ORDER BY created_at"), {kinId, kinId}));
}

Result<QStringList> MemoryStore::staleIds(const QString &currentKey, const QString &kinId) const
{
    return firstColumn(m_db.selectAll(QStringLiteral("SELECT id FROM memories WHERE (embedding IS NULL OR embedding_key IS NOT ?) "
                                              "AND (? = '' OR kin_id = ?) ORDER BY created_at"),
                               {currentKey, kinId, kinId}));
}

Result<QStringList> MemoryStore::fullText(const QString &kinId, const QString &expr, int limit) const
{
    if (expr.isEmpty())
        return QStringList();
    return firstColumn(m_db.selectAll(QStringLiteral("SELECT m.id FROM memories_fts f JOIN memories m ON m.rowid = f.rowid "
                                              "WHERE memories_fts MATCH ? AND (m.kin_id = ? OR m.scope = 'shared') "
                                              "ORDER BY f.rank LIMIT ?"),
                               {expr, kinId, limit}));
}

void MemoryStore::noteRetrieved(const QStringList &ids)
{
    const qint64 now = m_clock.nowMs();
    for (const QString &id : ids)
        (void)m_db.run(QStringLiteral("UPDATE memories SET retrieval_count = retrieval_count + 1, last_retrieved_at = ? WHERE id = ?"), {now, id});
}

Result<QList<MemoryStore::MessageHit>> MemoryStore::searchMessages(const QString &kinId, const QString &expr, int limit) const
{
    QList<MessageHit> out;
    if (expr.isEmpty())
        return out;
    auto rows = m_db.selectAll(QStringLiteral("SELECT m.id, m.role, m.content, m.created_at FROM messages_fts f "
                                              "JOIN messages m ON m.rowid = f.rowid "
                                              "WHERE messages_fts MATCH ? AND m.kin_id = ? AND m.session_id IS NULL "
                                              "AND m.role IN ('user', 'assistant') ORDER BY f.rank LIMIT ?"),
                               {expr, kinId, limit});
    if (!rows)
        return rows.error();
    for (const auto &r : rows.value())
        out.append({r.value(0).toString(), r.value(1).toString(), r.value(2).toString(), r.value(3).toLongLong()});
    return out;
}

QString MemoryStore::kinName(const QString &kinId) const
{
    auto row = m_db.selectOne(QStringLiteral("SELECT name FROM kins WHERE id = ?"), {kinId});
    return row && row.value() ? row.value()->value(0).toString() : QString();
}

} // namespace kinbot::memory
