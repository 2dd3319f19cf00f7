#pragma once

#include "memory/MemoryRecord.h"
#include "util/Result.h"

#include <QByteArray>
#include <QList>

#include <functional>

namespace kinbot {
class Clock;
class Database;
}

namespace kinbot::memory {

// Filters of the memory lists (REST and list_memories).
struct MemoryFilter
{
    QString kinId;    // "" = every Kin
    QString category;
    QString subject;  // case-insensitive exact match
    QString scope;
    int limit = 100;
};

// SQL over `memories` and the FTS tables. Any thread with its own connection (Database gives one per thread).
class MemoryStore final
{
public:
    MemoryStore(const Database &db, const Clock &clock) : m_db(db), m_clock(clock) {}

    Result<MemoryRecord> insert(MemoryRecord m);
    Result<std::optional<MemoryRecord>> find(const QString &id) const;
    Result<MemoryRecord> update(const QString &id, const MemoryChange &change);
    Status remove(const QString &id);
    Result<QList<MemoryRecord>> list(const MemoryFilter &filter) const;
    // The Kin's own memories and every Kin's shared ones, newest first (maintenance, extraction context).
    Result<QList<MemoryRecord>> visibleTo(const QString &kinId, int limit) const;
    Result<QList<MemoryRecord>> byIds(const QStringList &ids) const;

    Status setEmbedding(const QString &id, const QByteArray &blob, const QString &key);
    Status clearEmbedding(const QString &id);
    // Every stored vector, for loading the in-memory index: (id, kin id, shared, blob, key).
    struct VectorRow
    {
        QString id;
        QString kinId;
        bool shared = false;
        QByteArray blob;
        QString key;
    };
    Status forEachVector(const std::function<void(const VectorRow &)> &visit) const;
    Result<QStringList> allIds(const QString &kinId) const; // "" = every Kin
    // Memories whose vector is missing or from another vector space (kinId "" = all).
    Result<QStringList> staleIds(const QString &currentKey, const QString &kinId) const;

    // FTS5 BM25 ranking of the memories visible to the Kin (own + shared), best first.
    Result<QStringList> fullText(const QString &kinId, const QString &matchExpression, int limit) const;
    void noteRetrieved(const QStringList &ids);

    // search_history: main-conversation messages of the Kin matching the expression, best first.
    struct MessageHit
    {
        QString id;
        QString role;
        QString content;
        qint64 createdAt = 0;
    };
    Result<QList<MessageHit>> searchMessages(const QString &kinId, const QString &matchExpression, int limit) const;

    QString kinName(const QString &kinId) const;

private:
    const Database &m_db;
    const Clock &m_clock;
};

} // namespace kinbot::memory
