#include "memory/MemoryService.h"

#include "events/EventBus.h"
#include "memory/HybridSearch.h"
#include "memory/VectorBlob.h"
#include "util/Async.h"
#include "util/Clock.h"

#include <QJsonArray>
#include <QSet>
#include <QTimer>

#include <algorithm>

namespace kinbot::memory {

static constexpr int kMaxContentChars = 10000;
static constexpr int kReembedBatch = 32;

MemoryService::MemoryService(MemoryStore &store, EmbeddingService &embeddings, EventBus &bus, const Clock &clock, QThreadPool &pool,
                             QObject *parent)
    : QObject(parent), m_store(store), m_embeddings(embeddings), m_bus(bus), m_clock(clock), m_pool(pool),
      m_index(std::make_shared<VectorIndex>())
{
    // Another embeddings model: the index holds only vectors of the new space (none until re-embedded); search falls
    // back to full text for the others meanwhile.
    connect(&m_embeddings, &EmbeddingService::targetMayHaveChanged, this, [this] {
        auto t = m_embeddings.target();
        if ((t ? t->key() : QString()) != m_indexKey)
            (void)loadIndex();
    });
}

MemoryService::~MemoryService() = default;

qint64 MemoryService::nowMs() const
{
    return m_clock.nowMs();
}

Status MemoryService::loadIndex()
{
    auto t = m_embeddings.target();
    m_indexKey = t ? t->key() : QString();
    auto index = std::make_shared<VectorIndex>();
    if (!m_indexKey.isEmpty()) {
        Status st = m_store.forEachVector([&](const MemoryStore::VectorRow &row) {
            if (row.key != m_indexKey)
                return;
            if (auto v = unpackVector(row.blob))
                (void)index->upsert(row.id, row.kinId, v.value(), row.shared);
        });
        if (!st)
            return st;
    }
    m_index = std::move(index);
    return {};
}

static Status validate(const MemoryRecord &m)
{
    if (m.content.trimmed().isEmpty())
        return ApiError::badRequest(QStringLiteral("INVALID_INPUT"), QStringLiteral("content is required"));
    if (m.content.size() > kMaxContentChars)
        return ApiError::badRequest(QStringLiteral("INVALID_INPUT"), QStringLiteral("content is limited to %1 characters").arg(kMaxContentChars));
    if (!MemoryRecord::isCategory(m.category))
        return ApiError::badRequest(QStringLiteral("INVALID_INPUT"), QStringLiteral("category must be fact, preference, decision or knowledge"));
    if (!MemoryRecord::isScope(m.scope))
        return ApiError::badRequest(QStringLiteral("INVALID_INPUT"), QStringLiteral("scope must be private or shared"));
    if (m.importance && (*m.importance < 1 || *m.importance > 10))
        return ApiError::badRequest(QStringLiteral("INVALID_INPUT"), QStringLiteral("importance must be between 1 and 10"));
    return {};
}

Result<MemoryRecord> MemoryService::create(MemoryRecord m)
{
    m.content = m.content.trimmed();
    m.subject = m.subject.trimmed();
    if (Status st = validate(m); !st)
        return st.error();
    auto stored = m_store.insert(m);
    if (!stored)
        return stored;
    m_bus.toKin(stored->kinId, QStringLiteral("memory:created"),
                {{QStringLiteral("memoryId"), stored->id}, {QStringLiteral("kinId"), stored->kinId},
                 {QStringLiteral("category"), stored->category}, {QStringLiteral("content"), stored->content},
                 {QStringLiteral("subject"), stored->subject.isEmpty() ? QJsonValue() : QJsonValue(stored->subject)},
                 {QStringLiteral("scope"), stored->scope}});
    embedOne(stored.value());
    return stored;
}

Result<MemoryRecord> MemoryService::update(const QString &id, const QString &kinId, const MemoryChange &change)
{
    auto current = m_store.find(id);
    if (!current)
        return current.error();
    if (!current.value() || (!kinId.isEmpty() && current.value()->kinId != kinId))
        return ApiError::notFound(QStringLiteral("MEMORY_NOT_FOUND"), QStringLiteral("Memory not found"));
    MemoryRecord next = **current;
    if (change.content)
        next.content = change.content->trimmed();
    if (change.category)
        next.category = *change.category;
    if (change.scope)
        next.scope = *change.scope;
    if (change.importance)
        next.importance = change.importance;
    if (Status st = validate(next); !st)
        return st.error();
    MemoryChange normalized = change;
    if (change.content)
        normalized.content = next.content;
    if (change.subject)
        normalized.subject = change.subject->trimmed();
    auto updated = m_store.update(id, normalized);
    if (!updated)
        return updated;
    QJsonObject event{{QStringLiteral("memoryId"), id}, {QStringLiteral("kinId"), updated->kinId}};
    if (change.content)
        event.insert(QStringLiteral("content"), updated->content);
    if (change.category)
        event.insert(QStringLiteral("category"), updated->category);
    if (change.subject)
        event.insert(QStringLiteral("subject"), updated->subject.isEmpty() ? QJsonValue() : QJsonValue(updated->subject));
    if (change.scope)
        event.insert(QStringLiteral("scope"), updated->scope);
    m_bus.toKin(updated->kinId, QStringLiteral("memory:updated"), event);
    if (change.scope)
        m_index->setOwner(id, updated->kinId, updated->scope == QLatin1String("shared"));
    if (change.content && updated->content != current.value()->content)
        embedOne(updated.value());
    return updated;
}

Status MemoryService::remove(const QString &id, const QString &kinId)
{
    auto current = m_store.find(id);
    if (!current)
        return current.error();
    if (!current.value() || (!kinId.isEmpty() && current.value()->kinId != kinId))
        return ApiError::notFound(QStringLiteral("MEMORY_NOT_FOUND"), QStringLiteral("Memory not found"));
    if (Status st = m_store.remove(id); !st)
        return st;
    m_index->remove(id);
    m_bus.toKin(current.value()->kinId, QStringLiteral("memory:deleted"),
                {{QStringLiteral("memoryId"), id}, {QStringLiteral("kinId"), current.value()->kinId}});
    return {};
}

void MemoryService::embedOne(const MemoryRecord &m)
{
    const QString id = m.id;
    m_embeddings.embed({m.content}, EmbeddingPurpose::Document, this,
                       [this, id](Result<Embeddings> r, EmbeddingService::Target target) {
                           if (!r || r->vectors.isEmpty()) {
                               // Kept without a vector (found by full text; re-embed later). The old vector, if any,
                               // described other content: drop it.
                               (void)m_store.clearEmbedding(id);
                               m_index->remove(id);
                               Q_EMIT embedded(id, false);
                               return;
                           }
                           storeVector(id, r->vectors.first(), target);
                       });
}

void MemoryService::storeVector(const QString &id, const QList<float> &vector, const EmbeddingService::Target &target)
{
    auto current = m_store.find(id);
    if (!current || !current.value()) // deleted while its vector was computed
        return;
    if (Status st = m_store.setEmbedding(id, packVector(vector), target.key()); !st) {
        Q_EMIT embedded(id, false);
        return;
    }
    if (target.key() != m_indexKey) {
        (void)loadIndex(); // the embeddings space changed: rebuild from the stored vectors of the new one
    } else if (Status st = m_index->upsert(id, current.value()->kinId, vector, current.value()->scope == QLatin1String("shared")); !st) {
        (void)loadIndex(); // e.g. another dimension under the same key (a provider changed its model): start over
    }
    Q_EMIT embedded(id, true);
}

namespace {

// Runs on a pool thread: vector + full-text candidates fused by reciprocal rank, then the boosts and the cut.
QList<ScoredMemory> rankMemories(const MemoryStore &store, const std::shared_ptr<VectorIndex> &index, const QString &kinId,
                                 const QString &query, const std::optional<QList<float>> &vector, const MemorySearchOptions &o,
                                 qint64 nowMs)
{
    const int limit = qBound(1, o.limit, 100);
    QList<RankedList> lists;
    if (vector && index->size() > 0 && index->dimensions() == vector->size()) {
        VectorQuery q;
        q.k = 2 * limit;
        q.minScore = float(o.similarityThreshold);
        q.owners = QSet<QString>{kinId};
        q.includeShared = true;
        if (auto hits = index->search(*vector, q)) {
            RankedList l;
            for (const VectorHit &h : hits.value())
                l.ids << h.id;
            lists << l;
        }
    }
    auto fts = store.fullText(kinId, ftsMatchExpression(query), 2 * limit);
    if (fts && fts->isEmpty())
        fts = store.fullText(kinId, ftsMatchExpression(query, true), 2 * limit);
    if (fts)
        lists << RankedList{fts.value(), o.ftsBoost};
    const QHash<QString, double> fused = fuseRanks(lists, o.rrfK);
    auto records = store.byIds(fused.keys());
    if (!records)
        return {};
    const QString lower = query.toLower();
    const Intent intent = detectIntent(query);
    QHash<QString, QString> kinNames;
    QList<ScoredMemory> scored;
    for (const MemoryRecord &m : records.value()) {
        ScoredMemory s{m, fused.value(m.id) * boostFactor(m, lower, intent, nowMs, o.ranking), {}};
        if (m.kinId != kinId) {
            if (!kinNames.contains(m.kinId))
                kinNames.insert(m.kinId, store.kinName(m.kinId));
            s.authorKinName = kinNames.value(m.kinId);
        }
        scored << s;
    }
    std::sort(scored.begin(), scored.end(), [](const ScoredMemory &a, const ScoredMemory &b) {
        return a.score != b.score ? a.score > b.score : a.memory.id < b.memory.id;
    });
    if (scored.size() > limit)
        scored.resize(limit);
    return o.adaptiveK ? adaptiveCut(scored) : scored;
}

} // namespace

void MemoryService::search(const QString &kinId, const QString &query, const MemorySearchOptions &options, QObject *context, SearchDone done)
{
    if (query.trimmed().isEmpty())
        return done(ApiError::badRequest(QStringLiteral("INVALID_INPUT"), QStringLiteral("query is required")));
    if (!m_embeddings.target() || m_index->size() == 0)
        return searchWithVector(kinId, query, std::nullopt, options, context, std::move(done));
    QPointer<QObject> guard(context);
    m_embeddings.embed({query}, EmbeddingPurpose::Query, this,
                       [this, kinId, query, options, guard, done](Result<Embeddings> r, EmbeddingService::Target) {
                           if (!guard)
                               return;
                           std::optional<QList<float>> vector;
                           if (r && !r->vectors.isEmpty())
                               vector = r->vectors.first();
                           searchWithVector(kinId, query, vector, options, guard, done);
                       });
}

void MemoryService::searchWithVector(const QString &kinId, const QString &query, std::optional<QList<float>> vector,
                                     const MemorySearchOptions &options, QObject *context, SearchDone done)
{
    const MemoryStore &store = m_store;
    runOffThread(m_pool, context,
                 [&store, index = m_index, kinId, query, vector, options, now = m_clock.nowMs()] {
                     return rankMemories(store, index, kinId, query, vector, options, now);
                 },
                 [done](QList<ScoredMemory> found) { done(found); });
}

void MemoryService::knownAlready(const QString &kinId, const QStringList &texts, double minCosine, QObject *context,
                                 std::function<void(QList<bool>)> done)
{
    QSet<QString> existing;
    if (auto visible = m_store.visibleTo(kinId, 5000))
        for (const MemoryRecord &m : visible.value())
            existing.insert(m.content.trimmed().toLower());
    QList<bool> known;
    for (const QString &t : texts)
        known << existing.contains(t.trimmed().toLower());
    if (!m_embeddings.target() || m_index->size() == 0 || texts.isEmpty()) {
        QTimer::singleShot(0, context, [done, known] { done(known); });
        return;
    }
    QPointer<QObject> guard(context);
    m_embeddings.embed(texts, EmbeddingPurpose::Document, this, [this, kinId, minCosine, guard, done, known](Result<Embeddings> r, EmbeddingService::Target) mutable {
        if (!guard)
            return;
        if (r && r->vectors.size() == known.size()) {
            VectorQuery q;
            q.k = 1;
            q.minScore = float(minCosine);
            q.owners = QSet<QString>{kinId};
            q.includeShared = true;
            for (qsizetype i = 0; i < known.size(); ++i)
                if (auto hits = m_index->search(r->vectors[i], q); hits && !hits->isEmpty())
                    known[i] = true;
        }
        done(known);
    });
}

void MemoryService::provideContext(const TurnContextRequest &request, QObject *context, std::function<void(TurnContextPart)> done)
{
    MemorySearchOptions o;
    o.limit = m_maxRelevant;
    if (request.query.trimmed().isEmpty())
        return done({});
    search(request.kinId, request.query, o, context, [this, done](Result<QList<ScoredMemory>> found) {
        TurnContextPart part;
        if (found && !found->isEmpty()) {
            part.memoryBlock = renderMemoryBlock(found.value(), m_clock.nowMs(), m_tokenBudget);
            for (const ScoredMemory &s : found.value())
                part.injectedMemoryIds << s.memory.id;
            m_store.noteRetrieved(part.injectedMemoryIds);
        }
        done(part);
    });
}

void MemoryService::reembed(const QString &kinId, QObject *context, std::function<void(Result<ReembedReport>)> done)
{
    auto target = m_embeddings.target();
    if (!target)
        return done(target.error());
    auto ids = m_store.allIds(kinId);
    if (!ids)
        return done(ids.error());
    if (target->key() != m_indexKey)
        (void)loadIndex();
    struct Run
    {
        QStringList ids;
        ReembedReport report;
        qsizetype next = 0;
        std::function<void()> step;
    };
    auto run = std::make_shared<Run>();
    run->ids = ids.value();
    run->report.total = int(run->ids.size());
    QPointer<QObject> guard(context);
    run->step = [this, run, guard, kinId, done] {
        if (!guard) {
            run->step = nullptr;
            return;
        }
        if (run->next >= run->ids.size()) {
            m_bus.toAdmins(QStringLiteral("memory:reembed-progress"),
                           {{QStringLiteral("kinId"), kinId.isEmpty() ? QJsonValue() : QJsonValue(kinId)},
                            {QStringLiteral("total"), run->report.total}, {QStringLiteral("done"), run->report.total},
                            {QStringLiteral("failed"), run->report.failed}, {QStringLiteral("finished"), true}});
            const ReembedReport report = run->report;
            auto finished = done;  // the captures die with step below
            run->step = nullptr;   // breaks the run ↔ step cycle
            return finished(report);
        }
        auto batch = m_store.byIds(run->ids.mid(run->next, kReembedBatch));
        run->next += kReembedBatch;
        if (!batch || batch->isEmpty())
            return run->step();
        QStringList texts, batchIds;
        for (const MemoryRecord &m : batch.value()) {
            texts << m.content;
            batchIds << m.id;
        }
        m_embeddings.embed(texts, EmbeddingPurpose::Document, this,
                           [this, run, batchIds, kinId](Result<Embeddings> r, EmbeddingService::Target t) {
                               for (qsizetype i = 0; i < batchIds.size(); ++i) {
                                   if (r && i < r->vectors.size()) {
                                       storeVector(batchIds[i], r->vectors[i], t);
                                       ++run->report.success;
                                   } else {
                                       ++run->report.failed;
                                   }
                               }
                               m_bus.toAdmins(QStringLiteral("memory:reembed-progress"),
                                              {{QStringLiteral("kinId"), kinId.isEmpty() ? QJsonValue() : QJsonValue(kinId)},
                                               {QStringLiteral("total"), run->report.total},
                                               {QStringLiteral("done"), run->report.success + run->report.failed},
                                               {QStringLiteral("failed"), run->report.failed}, {QStringLiteral("finished"), false}});
                               if (run->step)
                                   run->step();
                           });
    };
    run->step();
}

} // namespace kinbot::memory
