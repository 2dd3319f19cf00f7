#pragma once

#include "engine/TurnContext.h"
#include "knowledge/Chunker.h"
#include "memory/VectorIndex.h"
#include "util/Result.h"

#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QSet>
#include <QUrl>

#include <functional>
#include <memory>

class QNetworkAccessManager;
class QThreadPool;

namespace kinbot {

class Clock;
class Database;
class EventBus;
class Logger;

namespace memory {
class EmbeddingService;
}

struct KnowledgeSource
{
    QString id;
    QString kinId;
    QString name;
    QString type;   // text | file | url
    QString status; // pending | processing | ready | error
    QString errorMessage;
    QString originalFilename;
    QString mimeType;
    QString storedPath; // relative to the knowledge dir
    QString sourceUrl;
    QString rawContent;
    qint64 rawContentSize = 0; // characters; list() leaves rawContent empty above kListRawContentMax
    int chunkCount = 0;
    int tokenCount = 0;
    QJsonObject metadata;
    qint64 createdAt = 0;
    qint64 updatedAt = 0;

    // The reference row, camelCase, timestamps in ms. metadata is an object (the reference stores a JSON string).
    QJsonObject toJson() const;
};

struct KnowledgeChunk
{
    QString id;
    QString sourceId;
    QString kinId;
    QString content;
    int position = 0;
    int tokenCount = 0;
    QString embeddingTarget; // "" = no vector (FTS only)
    int embeddingDimensions = 0;
    qint64 createdAt = 0;

    // Deliberately without the embedding BLOB, which the reference returns (as a byte array nobody can use): it
    // multiplied the size of GET /:sourceId by ~10 and leaked nothing useful. hasEmbedding / embeddingTarget /
    // embeddingDimensions say what a client needs to know.
    QJsonObject toJson() const;
};

struct KnowledgeHit
{
    QString id;
    QString content;
    QString sourceId;
    QString sourceName;
    int position = 0;
    double score = 0;
    QJsonObject toJson() const;
};

struct KnowledgeOptions
{
    QString filesDir;                     // uploaded documents: <filesDir>/<kinId>/<sourceId>.<ext>
    bool allowPrivateNetwork = false;     // URL sources on loopback/LAN hosts
    qint64 maxUrlBytes = 10 * 1024 * 1024;
    int embedBatch = 64;                  // texts per embeddings call (one progress step each)
    float minSimilarity = 0.7f;           // vector hits below this cosine are dropped (MEMORY_SIMILARITY_THRESHOLD)
    double ftsBoost = 0.5;                // weight of the full-text list in the fusion (MEMORY_FTS_BOOST)
    int rrfK = 60;
    knowledge::ChunkerOptions chunker;
};

// The knowledge base of the Kins (engine.md §5): sources (text, uploaded file, URL) → text → chunks → embeddings,
// searched by hybrid vector + FTS5 ranking.
//
// Threads: parsing and chunking run on the worker pool; network, embeddings calls, DB writes and events on the main
// thread (this object's). One VectorIndex holds the chunk vectors of every Kin (owner = kinId) for one embedding
// target; it is loaded from the database by start() and rebuilt when the target changes. Chunks whose vectors were
// made by another target are searched by FTS only until their source is reprocessed.
class KnowledgeService final : public QObject
{
    Q_OBJECT
public:
    static constexpr qint64 kListRawContentMax = 64 * 1024;
    static constexpr int kDefaultSearchLimit = 5;
    static constexpr int kMaxSearchLimit = 50;

    KnowledgeService(Database &db, EventBus &bus, memory::EmbeddingService &embeddings, QNetworkAccessManager &network,
                     QThreadPool &pool, const Clock &clock, Logger &logger, KnowledgeOptions options, QObject *parent = nullptr);
    ~KnowledgeService() override;

    // Loads the vector index and resumes sources a previous run left pending or processing.
    Status start();

    // New sources are stored as pending and processed in the background (knowledge:source-created, then
    // knowledge:source-updated with progress, then ready or error).
    Result<KnowledgeSource> addText(const QString &kinId, const QString &name, const QString &content);
    // content given: used as the URL's text instead of fetching it (the reference's only way).
    Result<KnowledgeSource> addUrl(const QString &kinId, const QString &name, const QUrl &url, const QString &content = {});
    // mimeType as sent (may be empty); 415 UNSUPPORTED_FILE_TYPE when the kind cannot be told or read.
    Result<KnowledgeSource> addFile(const QString &kinId, const QString &name, const QString &fileName, const QByteArray &mimeType,
                                    QByteArrayView data);

    Result<QList<KnowledgeSource>> list(const QString &kinId) const; // newest first
    Result<KnowledgeSource> find(const QString &kinId, const QString &sourceId) const;
    Result<QList<KnowledgeChunk>> chunks(const QString &sourceId) const;
    Status remove(const QString &kinId, const QString &sourceId);
    Status reprocess(const QString &kinId, const QString &sourceId);
    bool hasSources(const QString &kinId) const;

    // Hybrid search; done runs once on context's thread. Without an embedding provider (or when embedding the query
    // fails) the search is FTS only.
    using SearchDone = std::function<void(Result<QList<KnowledgeHit>>)>;
    void search(const QString &kinId, const QString &query, int limit, QObject *context, SearchDone done);

    // `## Relevant knowledge` with the top chunks for the message, for Kins that have sources.
    TurnContextProvider contextProvider();

    // The Kin's rows went with it (cascade); its vectors and files go here.
    void forgetKin(const QString &kinId);

    int indexedVectors() const { return m_index->size(); }
    QString indexTarget() const { return m_indexTarget; }

private:
    struct Job;
    Result<KnowledgeSource> insertSource(const KnowledgeSource &s);
    void process(const QString &sourceId);
    void parsed(const std::shared_ptr<Job> &job, Result<QList<knowledge::Chunk>> chunks);
    void embedNext(const std::shared_ptr<Job> &job);
    void finish(const std::shared_ptr<Job> &job);
    void fail(const std::shared_ptr<Job> &job, const QString &message);
    bool current(const std::shared_ptr<Job> &job) const;
    void setStatus(const QString &kinId, const QString &sourceId, const QString &status, const QJsonObject &extra = {});
    void progress(const std::shared_ptr<Job> &job, int percent);
    // Makes the index hold the vectors of `targetKey` (reloading from the database when it held another).
    void ensureIndexTarget(const QString &targetKey);
    Status loadIndex(const QString &targetKey);
    QStringList ftsSearch(const QString &kinId, const QString &query, int k) const;

    Database &m_db;
    EventBus &m_bus;
    memory::EmbeddingService &m_embeddings;
    QNetworkAccessManager &m_network;
    QThreadPool &m_pool;
    const Clock &m_clock;
    Logger &m_logger;
    KnowledgeOptions m_options;
    std::unique_ptr<memory::VectorIndex> m_index;
    QString m_indexTarget;
    QHash<QString, QSet<QString>> m_kinChunks; // indexed chunk ids per Kin
    QHash<QString, quint64> m_jobOf;           // source id → generation of its running job
    quint64 m_generation = 0;
};

} // namespace kinbot
