#pragma once

#include "engine/TurnContext.h"
#include "memory/EmbeddingService.h"
#include "memory/MemoryRanking.h"
#include "memory/MemoryStore.h"
#include "memory/VectorIndex.h"

#include <QObject>

#include <memory>

class QThreadPool;

namespace kinbot {
class Clock;
class EventBus;
}

namespace kinbot::memory {

struct MemorySearchOptions
{
    int limit = 10;
    double similarityThreshold = 0.3; // cosine; vector hits below it are dropped (the reference's 0.7 was an L2 figure)
    double ftsBoost = 0.5;
    int rrfK = 60;
    bool adaptiveK = true;
    RankingParams ranking;
};

// Memories of the Kins (engine.md §4): rows in SQLite (MemoryStore), their vectors in one in-memory int8 index of the
// current embeddings space, hybrid search (vector + FTS5 fused by reciprocal rank, then the reference's boosts), the
// "## Memories" prompt block and re-embedding. Mutations and events on the main thread; searches on the pool.
class MemoryService final : public QObject
{
    Q_OBJECT
public:
    MemoryService(MemoryStore &store, EmbeddingService &embeddings, EventBus &bus, const Clock &clock, QThreadPool &pool,
                  QObject *parent = nullptr);
    ~MemoryService() override;

    // Loads the vectors of the current embeddings space into the index (startup, and when the space changes).
    Status loadIndex();

    // Validated create: content (≤ 10000 chars), category, scope; the vector follows asynchronously.
    Result<MemoryRecord> create(MemoryRecord m);
    // kinId non-empty: the memory must belong to that Kin (404 otherwise).
    Result<MemoryRecord> update(const QString &id, const QString &kinId, const MemoryChange &change);
    Status remove(const QString &id, const QString &kinId);
    Result<QList<MemoryRecord>> list(const MemoryFilter &filter) const { return m_store.list(filter); }
    MemoryStore &store() { return m_store; }
    qint64 nowMs() const;

    // Hybrid search over the Kin's own and everyone's shared memories, best first. The query is embedded when an
    // embeddings provider exists; without one (or when it fails) the search is full-text only.
    using SearchDone = std::function<void(Result<QList<ScoredMemory>>)>;
    void search(const QString &kinId, const QString &query, const MemorySearchOptions &options, QObject *context, SearchDone done);
    // The same with the query's vector already known (nullopt = full text only); the bench measures this part.
    void searchWithVector(const QString &kinId, const QString &query, std::optional<QList<float>> vector,
                          const MemorySearchOptions &options, QObject *context, SearchDone done);

    // For each text: does the Kin already remember it (own or shared memory with cosine ≥ minCosine; the same text,
    // case-insensitively, when nothing can embed)?
    void knownAlready(const QString &kinId, const QStringList &texts, double minCosine, QObject *context,
                      std::function<void(QList<bool>)> done);

    // The engine's context provider: the memory block for the message being answered.
    void provideContext(const TurnContextRequest &request, QObject *context, std::function<void(TurnContextPart)> done);
    void setPromptLimits(int maxRelevant, int tokenBudget)
    {
        m_maxRelevant = maxRelevant;
        m_tokenBudget = tokenBudget;
    }

    // Re-embeds the memories of a Kin (or all) in batches, with memory:reembed-progress events; done gets the counts.
    struct ReembedReport
    {
        int total = 0;
        int success = 0;
        int failed = 0;
    };
    void reembed(const QString &kinId, QObject *context, std::function<void(Result<ReembedReport>)> done);

    const VectorIndex &index() const { return *m_index; }

Q_SIGNALS:
    // A memory got (or lost) its vector; tests wait on it.
    void embedded(const QString &memoryId, bool ok);

private:
    void embedOne(const MemoryRecord &m);
    void storeVector(const QString &id, const QList<float> &vector, const EmbeddingService::Target &target);

    MemoryStore &m_store;
    EmbeddingService &m_embeddings;
    EventBus &m_bus;
    const Clock &m_clock;
    QThreadPool &m_pool;
    std::shared_ptr<VectorIndex> m_index; // replaced whole when the embeddings space changes; searches hold their copy
    QString m_indexKey; // the embeddings space the index holds
    int m_maxRelevant = 10;
    int m_tokenBudget = 0;
};

} // namespace kinbot::memory
