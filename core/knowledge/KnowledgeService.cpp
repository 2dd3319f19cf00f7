#include "knowledge/KnowledgeService.h"

#include "events/EventBus.h"
#include "knowledge/TextExtraction.h"
#include "knowledge/UrlFetcher.h"
#include "log/Logger.h"
#include "memory/EmbeddingService.h"
#include "memory/HybridSearch.h"
#include "memory/VectorBlob.h"
#include "storage/Database.h"
#include "util/Async.h"
#include "util/Clock.h"
#include "util/Ids.h"
#include "util/Json.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QPointer>
#include <QSaveFile>
#include <QTimer>

namespace kinbot {

using memory::EmbeddingPurpose;
using memory::EmbeddingService;

namespace {

const QString kSourceColumns = QStringLiteral(
    "id, kin_id, name, type, status, error_message, original_filename, mime_type, stored_path, source_url, %1, "
    "length(raw_content), chunk_count, token_count, metadata, created_at, updated_at");

QString rawContentColumn(bool full)
{
    return full ? QStringLiteral("raw_content")
                : QStringLiteral("CASE WHEN length(raw_content) <= %1 THEN raw_content END").arg(KnowledgeService::kListRawContentMax);
}

KnowledgeSource sourceFromRow(const Database::Row &r)
{
    KnowledgeSource s;
    s.id = r.at(0).toString();
    s.kinId = r.at(1).toString();
    s.name = r.at(2).toString();
    s.type = r.at(3).toString();
    s.status = r.at(4).toString();
    s.errorMessage = r.at(5).toString();
    s.originalFilename = r.at(6).toString();
    s.mimeType = r.at(7).toString();
    s.storedPath = r.at(8).toString();
    s.sourceUrl = r.at(9).toString();
    s.rawContent = r.at(10).toString();
    s.rawContentSize = r.at(11).toLongLong();
    s.chunkCount = r.at(12).toInt();
    s.tokenCount = r.at(13).toInt();
    s.metadata = QJsonDocument::fromJson(r.at(14).toString().toUtf8()).object();
    s.createdAt = r.at(15).toLongLong();
    s.updatedAt = r.at(16).toLongLong();
    return s;
}

ApiError sourceNotFound()
{
    return ApiError::notFound(QStringLiteral("NOT_FOUND"), QStringLiteral("Knowledge source not found"));
}

QString extensionFor(knowledge::DocKind kind)
{
    switch (kind) {
    case knowledge::DocKind::Markdown: return QStringLiteral(".md");
    case knowledge::DocKind::Html: return QStringLiteral(".html");
    case knowledge::DocKind::Pdf: return QStringLiteral(".pdf");
    case knowledge::DocKind::Docx: return QStringLiteral(".docx");
    default: return QStringLiteral(".txt");
    }
}

// What the worker hands back: the chunks and a few facts for the metadata.
struct Parsed
{
    QList<knowledge::Chunk> chunks;
    qint64 textChars = 0;
    QString kind;
};

// Extraction + chunking of one document, on a worker thread.
Result<Parsed> parseDocument(knowledge::DocKind kind, const QByteArray &bytes, const knowledge::ChunkerOptions &options)
{
    auto text = knowledge::extractText(kind, bytes);
    if (!text)
        return text.error();
    Parsed p;
    p.textChars = text->size();
    p.chunks = knowledge::chunkText(text.value(), options);
    p.kind = knowledge::kindMime(kind);
    return p;
}

} // namespace

QJsonObject KnowledgeSource::toJson() const
{
    return {{QStringLiteral("id"), id},
            {QStringLiteral("kinId"), kinId},
            {QStringLiteral("name"), name},
            {QStringLiteral("type"), type},
            {QStringLiteral("status"), status},
            {QStringLiteral("errorMessage"), json::nonEmptyOrNull(errorMessage)},
            {QStringLiteral("originalFilename"), json::nonEmptyOrNull(originalFilename)},
            {QStringLiteral("mimeType"), json::nonEmptyOrNull(mimeType)},
            {QStringLiteral("storedPath"), json::nonEmptyOrNull(storedPath)},
            {QStringLiteral("sourceUrl"), json::nonEmptyOrNull(sourceUrl)},
            {QStringLiteral("rawContent"), rawContent.isNull() ? QJsonValue() : QJsonValue(rawContent)},
            {QStringLiteral("rawContentSize"), rawContentSize},
            {QStringLiteral("chunkCount"), chunkCount},
            {QStringLiteral("tokenCount"), tokenCount},
            {QStringLiteral("metadata"), metadata.isEmpty() ? QJsonValue() : QJsonValue(metadata)},
            {QStringLiteral("createdAt"), createdAt},
            {QStringLiteral("updatedAt"), updatedAt}};
}

QJsonObject KnowledgeChunk::toJson() const
{
    return {{QStringLiteral("id"), id},
            {QStringLiteral("sourceId"), sourceId},
            {QStringLiteral("kinId"), kinId},
            {QStringLiteral("content"), content},
            {QStringLiteral("position"), position},
            {QStringLiteral("tokenCount"), tokenCount},
            {QStringLiteral("hasEmbedding"), !embeddingTarget.isEmpty()},
            {QStringLiteral("embeddingTarget"), json::nonEmptyOrNull(embeddingTarget)},
            {QStringLiteral("embeddingDimensions"), embeddingTarget.isEmpty() ? QJsonValue() : QJsonValue(embeddingDimensions)},
            {QStringLiteral("metadata"), QJsonValue()},
            {QStringLiteral("createdAt"), createdAt}};
}

QJsonObject KnowledgeHit::toJson() const
{
    return {{QStringLiteral("id"), id},
            {QStringLiteral("content"), content},
            {QStringLiteral("sourceId"), sourceId},
            {QStringLiteral("sourceName"), sourceName},
            {QStringLiteral("position"), position},
            {QStringLiteral("score"), score}};
}

// One processing run of one source. A newer run (reprocess) or a deletion makes it stale: it then stops at its next
// step and writes nothing.
struct KnowledgeService::Job
{
    quint64 generation = 0;
    QString sourceId;
    QString kinId;
    QJsonObject metadata;
    QList<knowledge::Chunk> chunks;
    QList<QByteArray> vectors; // per chunk; empty = none
    QStringList targets;       // per chunk: the embedding target key of its vector
    QList<int> dims;
    QList<int> pending;        // chunks to embed, in order
    int pendingDone = 0;
    int reused = 0;
    int failed = 0;
    QString embeddingNote;
    int lastProgress = -1;
    QElapsedTimer timer;
};

KnowledgeService::KnowledgeService(Database &db, EventBus &bus, EmbeddingService &embeddings, QNetworkAccessManager &network,
                                   QThreadPool &pool, const Clock &clock, Logger &logger, KnowledgeOptions options, QObject *parent)
    : QObject(parent), m_db(db), m_bus(bus), m_embeddings(embeddings), m_network(network), m_pool(pool), m_clock(clock),
      m_logger(logger), m_options(std::move(options)), m_index(std::make_unique<memory::VectorIndex>())
{
    connect(&m_embeddings, &EmbeddingService::targetMayHaveChanged, this, [this] {
        if (auto t = m_embeddings.target())
            ensureIndexTarget(t->key());
    });
}

KnowledgeService::~KnowledgeService() = default;

Status KnowledgeService::start()
{
    if (auto t = m_embeddings.target())
        ensureIndexTarget(t->key());
    auto stuck = m_db.selectAll(QStringLiteral("SELECT id FROM knowledge_sources WHERE status IN ('pending', 'processing') ORDER BY created_at"));
    if (!stuck)
        return stuck.error();
    for (const Database::Row &r : stuck.value()) {
        const QString id = r.at(0).toString();
        QTimer::singleShot(0, this, [this, id] { process(id); });
    }
    return {};
}

// ---- index -----------------------------------------------------------------------------------------------------

void KnowledgeService::ensureIndexTarget(const QString &targetKey)
{
    if (targetKey.isEmpty() || targetKey == m_indexTarget)
        return;
    m_index->clear();
    m_kinChunks.clear();
    m_indexTarget = targetKey;
    if (Status st = loadIndex(targetKey); !st)
        m_logger.error(QStringLiteral("knowledge"), QStringLiteral("Loading the knowledge vectors failed"),
                       {{QStringLiteral("error"), st.error().message}});
}

Status KnowledgeService::loadIndex(const QString &targetKey)
{
    auto rows = m_db.exec(QStringLiteral("SELECT id, kin_id, embedding, embedding_dims FROM knowledge_chunks "
                                         "WHERE embedding_target = ? AND embedding IS NOT NULL"),
                          {targetKey});
    if (!rows)
        return rows.error();
    QSqlQuery q = std::move(rows).value();
    int loaded = 0, skipped = 0;
    while (q.next()) {
        auto v = memory::unpackVector(q.value(2).toByteArray(), q.value(3).toInt());
        if (!v || !m_index->upsert(q.value(0).toString(), q.value(1).toString(), v.value())) {
            ++skipped;
            continue;
        }
        m_kinChunks[q.value(1).toString()].insert(q.value(0).toString());
        ++loaded;
    }
    if (loaded || skipped)
        m_logger.info(QStringLiteral("knowledge"), QStringLiteral("Knowledge vectors loaded"),
                      {{QStringLiteral("target"), targetKey}, {QStringLiteral("vectors"), loaded}, {QStringLiteral("skipped"), skipped}});
    return {};
}

void KnowledgeService::forgetKin(const QString &kinId)
{
    for (const QString &id : m_kinChunks.take(kinId))
        m_index->remove(id);
    if (!m_options.filesDir.isEmpty() && !kinId.isEmpty())
        QDir(m_options.filesDir + QLatin1Char('/') + kinId).removeRecursively();
}

// ---- sources ---------------------------------------------------------------------------------------------------

Result<KnowledgeSource> KnowledgeService::insertSource(const KnowledgeSource &s)
{
    auto ins = m_db.run(QStringLiteral("INSERT INTO knowledge_sources(id, kin_id, name, type, status, original_filename, mime_type, "
                                       "stored_path, source_url, raw_content, metadata, created_at, updated_at) "
                                       "VALUES (?, ?, ?, ?, 'pending', ?, ?, ?, ?, ?, ?, ?, ?)"),
                        {s.id, s.kinId, s.name, s.type, s.originalFilename.isEmpty() ? QVariant() : QVariant(s.originalFilename),
                         s.mimeType.isEmpty() ? QVariant() : QVariant(s.mimeType), s.storedPath.isEmpty() ? QVariant() : QVariant(s.storedPath),
                         s.sourceUrl.isEmpty() ? QVariant() : QVariant(s.sourceUrl), s.rawContent.isNull() ? QVariant() : QVariant(s.rawContent),
                         QVariant(), s.createdAt, s.updatedAt});
    if (!ins)
        return ins.error();
    // The reference sends {sourceId, name, type}; on the flat SSE wire that `type` overwrites the event's own type, so
    // the frame arrives as type "text"/"file"/"url" and no client can tell it is knowledge:source-created. Deliberate
    // fix: the source's type travels as sourceType.
    m_bus.toKin(s.kinId, QStringLiteral("knowledge:source-created"),
                {{QStringLiteral("sourceId"), s.id}, {QStringLiteral("name"), s.name}, {QStringLiteral("sourceType"), s.type}});
    const QString id = s.id;
    QTimer::singleShot(0, this, [this, id] { process(id); });
    return find(s.kinId, s.id);
}

static KnowledgeSource newSource(const Clock &clock, const QString &kinId, const QString &name, const QString &type)
{
    KnowledgeSource s;
    s.id = ids::uuid();
    s.kinId = kinId;
    s.name = name;
    s.type = type;
    s.status = QStringLiteral("pending");
    s.createdAt = s.updatedAt = clock.nowMs();
    return s;
}

Result<KnowledgeSource> KnowledgeService::addText(const QString &kinId, const QString &name, const QString &content)
{
    KnowledgeSource s = newSource(m_clock, kinId, name, QStringLiteral("text"));
    s.rawContent = content;
    s.mimeType = QStringLiteral("text/plain");
    return insertSource(s);
}

Result<KnowledgeSource> KnowledgeService::addUrl(const QString &kinId, const QString &name, const QUrl &url, const QString &content)
{
    KnowledgeSource s = newSource(m_clock, kinId, name, QStringLiteral("url"));
    s.sourceUrl = url.toString(QUrl::FullyEncoded);
    if (!content.trimmed().isEmpty())
        s.rawContent = content;
    return insertSource(s);
}

Result<KnowledgeSource> KnowledgeService::addFile(const QString &kinId, const QString &name, const QString &fileName,
                                                  const QByteArray &mimeType, QByteArrayView data)
{
    const knowledge::DocKind kind = knowledge::detectKind(fileName, mimeType, data.first(qMin<qsizetype>(data.size(), 4096)).toByteArray());
    if (kind == knowledge::DocKind::Unknown)
        return ApiError{ErrorKind::UnsupportedMediaType, QStringLiteral("UNSUPPORTED_FILE_TYPE"),
                        QStringLiteral("Unsupported file type; send text, Markdown, HTML, PDF or DOCX")};
    KnowledgeSource s = newSource(m_clock, kinId, name, QStringLiteral("file"));
    s.originalFilename = fileName;
    s.mimeType = knowledge::kindMime(kind);
    s.storedPath = kinId + QLatin1Char('/') + s.id + extensionFor(kind);
    const QString path = m_options.filesDir + QLatin1Char('/') + s.storedPath;
    QDir().mkpath(QFileInfo(path).absolutePath());
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(data.data(), data.size()) != data.size() || !f.commit())
        return ApiError::internal(QStringLiteral("Cannot store the uploaded document"));
    auto created = insertSource(s);
    if (!created)
        QFile::remove(path);
    return created;
}

Result<QList<KnowledgeSource>> KnowledgeService::list(const QString &kinId) const
{
    return mapRows(m_db.selectAll(QStringLiteral("SELECT %1 FROM knowledge_sources WHERE kin_id = ? ORDER BY created_at DESC, id")
                                      .arg(kSourceColumns.arg(rawContentColumn(false))),
                                  {kinId}), sourceFromRow);
}

Result<KnowledgeSource> KnowledgeService::find(const QString &kinId, const QString &sourceId) const
{
    const QString columns = kSourceColumns.arg(rawContentColumn(true));
    auto row = kinId.isEmpty()
                   ? m_db.selectOne(QStringLiteral("SELECT %1 FROM knowledge_sources WHERE id = ?").arg(columns), {sourceId})
                   : m_db.selectOne(QStringLiteral("SELECT %1 FROM knowledge_sources WHERE id = ? AND kin_id = ?").arg(columns), {sourceId, kinId});
    if (!row)
        return row.error();
    if (!row.value())
        return sourceNotFound();
    return sourceFromRow(*row.value());
}

Result<QList<KnowledgeChunk>> KnowledgeService::chunks(const QString &sourceId) const
{
    auto rows = m_db.selectAll(QStringLiteral("SELECT id, source_id, kin_id, content, position, token_count, "
                                              "CASE WHEN embedding IS NULL THEN NULL ELSE embedding_target END, embedding_dims, created_at "
                                              "FROM knowledge_chunks WHERE source_id = ? ORDER BY position"),
                               {sourceId});
    if (!rows)
        return rows.error();
    QList<KnowledgeChunk> out;
    for (const Database::Row &r : rows.value())
        out.append({r.at(0).toString(), r.at(1).toString(), r.at(2).toString(), r.at(3).toString(), r.at(4).toInt(), r.at(5).toInt(),
                    r.at(6).toString(), r.at(7).toInt(), r.at(8).toLongLong()});
    return out;
}

bool KnowledgeService::hasSources(const QString &kinId) const
{
    auto row = m_db.selectOne(QStringLiteral("SELECT 1 FROM knowledge_sources WHERE kin_id = ? LIMIT 1"), {kinId});
    return row && row.value();
}

Status KnowledgeService::remove(const QString &kinId, const QString &sourceId)
{
    auto s = find(kinId, sourceId);
    if (!s)
        return s.error();
    auto ids = m_db.selectAll(QStringLiteral("SELECT id FROM knowledge_chunks WHERE source_id = ?"), {sourceId});
    if (!ids)
        return ids.error();
    auto del = m_db.run(QStringLiteral("DELETE FROM knowledge_sources WHERE id = ?"), {sourceId}); // chunks + FTS cascade
    if (!del)
        return del.error();
    QSet<QString> &indexed = m_kinChunks[s->kinId];
    for (const Database::Row &r : ids.value()) {
        m_index->remove(r.at(0).toString());
        indexed.remove(r.at(0).toString());
    }
    if (!s->storedPath.isEmpty())
        QFile::remove(m_options.filesDir + QLatin1Char('/') + s->storedPath);
    m_jobOf.remove(sourceId); // a running job becomes stale
    m_bus.toKin(s->kinId, QStringLiteral("knowledge:source-deleted"), {{QStringLiteral("sourceId"), sourceId}});
    return {};
}

Status KnowledgeService::reprocess(const QString &kinId, const QString &sourceId)
{
    auto s = find(kinId, sourceId);
    if (!s)
        return s.error();
    QTimer::singleShot(0, this, [this, sourceId] { process(sourceId); });
    return {};
}

// ---- processing ------------------------------------------------------------------------------------------------

bool KnowledgeService::current(const std::shared_ptr<Job> &job) const
{
    return m_jobOf.value(job->sourceId) == job->generation;
}

void KnowledgeService::setStatus(const QString &kinId, const QString &sourceId, const QString &status, const QJsonObject &extra)
{
    QJsonObject payload{{QStringLiteral("sourceId"), sourceId}, {QStringLiteral("status"), status}};
    for (auto it = extra.begin(); it != extra.end(); ++it)
        payload.insert(it.key(), it.value());
    m_bus.toKin(kinId, QStringLiteral("knowledge:source-updated"), payload);
}

void KnowledgeService::progress(const std::shared_ptr<Job> &job, int percent)
{
    percent = qBound(0, percent, 100);
    if (percent <= job->lastProgress)
        return;
    job->lastProgress = percent;
    setStatus(job->kinId, job->sourceId, QStringLiteral("processing"), {{QStringLiteral("progress"), percent}});
}

void KnowledgeService::fail(const std::shared_ptr<Job> &job, const QString &message)
{
    m_jobOf.remove(job->sourceId);
    auto up = m_db.run(QStringLiteral("UPDATE knowledge_sources SET status = 'error', error_message = ?, updated_at = ? WHERE id = ?"),
                       {message, m_clock.nowMs(), job->sourceId});
    if (!up || up.value() == 0)
        return;
    m_logger.warn(QStringLiteral("knowledge"), QStringLiteral("Knowledge source failed"),
                  {{QStringLiteral("sourceId"), job->sourceId}, {QStringLiteral("error"), message}});
    setStatus(job->kinId, job->sourceId, QStringLiteral("error"), {{QStringLiteral("errorMessage"), message}});
}

void KnowledgeService::process(const QString &sourceId)
{
    auto s = find({}, sourceId);
    if (!s)
        return; // deleted meanwhile
    auto job = std::make_shared<Job>();
    job->generation = ++m_generation;
    job->sourceId = sourceId;
    job->kinId = s->kinId;
    job->timer.start();
    m_jobOf.insert(sourceId, job->generation);
    auto up = m_db.run(QStringLiteral("UPDATE knowledge_sources SET status = 'processing', error_message = NULL, updated_at = ? WHERE id = ?"),
                       {m_clock.nowMs(), sourceId});
    if (!up)
        return fail(job, up.error().message);
    progress(job, 0);

    const knowledge::ChunkerOptions chunker = m_options.chunker;
    const auto parseOffThread = [this, job, chunker](knowledge::DocKind kind, QByteArray bytes) {
        runOffThread(m_pool, this, [kind, bytes, chunker] { return parseDocument(kind, bytes, chunker); },
                     [this, job](Result<Parsed> parsed) {
                         if (!current(job))
                             return;
                         if (!parsed)
                             return fail(job, parsed.error().message);
                         job->metadata.insert(QStringLiteral("extractedChars"), parsed->textChars);
                         job->metadata.insert(QStringLiteral("format"), parsed->kind);
                         job->chunks = parsed->chunks;
                         this->parsed(job, parsed->chunks);
                     });
    };

    if (s->type == QLatin1String("text") || (s->type == QLatin1String("url") && !s->rawContent.trimmed().isEmpty())) {
        // Raw text: chunked as written (the reference does the same); a Markdown/HTML paste stays as is.
        return parseOffThread(knowledge::DocKind::Text, s->rawContent.toUtf8());
    }
    if (s->type == QLatin1String("file")) {
        const QString path = m_options.filesDir + QLatin1Char('/') + s->storedPath;
        const QString fileName = s->originalFilename;
        const QByteArray mime = s->mimeType.toUtf8();
        runOffThread(m_pool, this,
                     [path, fileName, mime, chunker]() -> Result<Parsed> {
                         QFile f(path);
                         if (!f.open(QIODevice::ReadOnly))
                             return ApiError::internal(QStringLiteral("The stored document is missing"));
                         const QByteArray bytes = f.readAll();
                         return parseDocument(knowledge::detectKind(fileName, mime, bytes.left(4096)), bytes, chunker);
                     },
                     [this, job](Result<Parsed> parsed) {
                         if (!current(job))
                             return;
                         if (!parsed)
                             return fail(job, parsed.error().message);
                         job->metadata.insert(QStringLiteral("extractedChars"), parsed->textChars);
                         job->metadata.insert(QStringLiteral("format"), parsed->kind);
                         this->parsed(job, parsed->chunks);
                     });
        return;
    }
    // url
    knowledge::FetchOptions fetch;
    fetch.allowPrivate = m_options.allowPrivateNetwork;
    fetch.maxBytes = m_options.maxUrlBytes;
    const QUrl url(s->sourceUrl);
    knowledge::fetchUrl(m_network, url, fetch, this, [this, job, url, parseOffThread](Result<knowledge::FetchedDocument> doc) {
        if (!current(job))
            return;
        if (!doc)
            return fail(job, doc.error().message);
        job->metadata.insert(QStringLiteral("fetchedBytes"), qint64(doc->body.size()));
        job->metadata.insert(QStringLiteral("contentType"), QString::fromUtf8(doc->contentType));
        job->metadata.insert(QStringLiteral("finalUrl"), doc->finalUrl.toString());
        progress(job, 5);
        knowledge::DocKind kind = knowledge::detectKind(doc->finalUrl.path(), doc->contentType, doc->body.left(4096));
        if (kind == knowledge::DocKind::Unknown)
            return fail(job, QStringLiteral("Unsupported content type: ") + QString::fromUtf8(doc->contentType));
        parseOffThread(kind, doc->body);
    });
}

void KnowledgeService::parsed(const std::shared_ptr<Job> &job, Result<QList<knowledge::Chunk>> chunks)
{
    if (!chunks)
        return fail(job, chunks.error().message);
    if (chunks->isEmpty())
        return fail(job, QStringLiteral("No text could be extracted from this source"));
    job->chunks = chunks.value();
    const int n = int(job->chunks.size());
    job->vectors = QList<QByteArray>(n);
    job->targets = QStringList(n);
    job->dims = QList<int>(n, 0);
    progress(job, 10);

    auto target = m_embeddings.target();
    if (!target) {
        job->embeddingNote = target.error().message;
        return finish(job);
    }
    // Vectors of unchanged chunks made by the current target are kept; others (new text, or a stale target) are
    // (re-)embedded.
    QHash<QString, std::pair<QByteArray, int>> reusable;
    auto old = m_db.selectAll(QStringLiteral("SELECT content, embedding, embedding_dims FROM knowledge_chunks "
                                             "WHERE source_id = ? AND embedding_target = ? AND embedding IS NOT NULL"),
                              {job->sourceId, target->key()});
    if (old)
        for (const Database::Row &r : old.value())
            reusable.insert(r.at(0).toString(), {r.at(1).toByteArray(), r.at(2).toInt()});
    for (int i = 0; i < n; ++i) {
        auto it = reusable.constFind(job->chunks[i].content);
        if (it != reusable.constEnd()) {
            job->vectors[i] = it->first;
            job->dims[i] = it->second;
            job->targets[i] = target->key();
            ++job->reused;
        } else {
            job->pending.append(i);
        }
    }
    embedNext(job);
}

void KnowledgeService::embedNext(const std::shared_ptr<Job> &job)
{
    if (job->pendingDone >= job->pending.size())
        return finish(job);
    const int batch = qMax(1, m_options.embedBatch);
    const QList<int> indices = job->pending.mid(job->pendingDone, batch);
    QStringList texts;
    for (int i : indices)
        texts.append(job->chunks[i].content);
    m_embeddings.embed(texts, EmbeddingPurpose::Document, this,
                       [this, job, indices](Result<memory::Embeddings> r, EmbeddingService::Target target) {
                           if (!current(job))
                               return;
                           if (r && r->vectors.size() == indices.size()) {
                               for (int k = 0; k < indices.size(); ++k) {
                                   const int i = indices[k];
                                   job->vectors[i] = memory::packVector(r->vectors[k]);
                                   job->dims[i] = int(r->vectors[k].size());
                                   job->targets[i] = target.key();
                               }
                               job->pendingDone += int(indices.size());
                           } else {
                               // The client already retried: the rest of the document stays FTS-only rather than
                               // hammering a failing provider (the reference tolerates per-chunk failures too).
                               job->embeddingNote = r ? QStringLiteral("The provider returned a wrong number of vectors") : r.error().message;
                               job->failed += int(job->pending.size() - job->pendingDone);
                               job->pendingDone = int(job->pending.size());
                           }
                           progress(job, 10 + int(85.0 * job->pendingDone / qMax<qsizetype>(1, job->pending.size())));
                           embedNext(job);
                       });
}

void KnowledgeService::finish(const std::shared_ptr<Job> &job)
{
    const qint64 now = m_clock.nowMs();
    int tokens = 0, embedded = 0;
    QString key;
    int dims = 0;
    for (int i = 0; i < job->chunks.size(); ++i) {
        tokens += job->chunks[i].tokenCount;
        if (!job->vectors[i].isEmpty()) {
            ++embedded;
            key = job->targets[i];
            dims = job->dims[i];
        }
    }
    QJsonObject meta = job->metadata;
    QJsonObject embedding{{QStringLiteral("embedded"), embedded}, {QStringLiteral("reused"), job->reused},
                          {QStringLiteral("failed"), job->failed}};
    if (!key.isEmpty()) {
        embedding.insert(QStringLiteral("target"), key);
        embedding.insert(QStringLiteral("dimensions"), dims);
    }
    if (!job->embeddingNote.isEmpty())
        embedding.insert(QStringLiteral("note"), job->embeddingNote);
    meta.insert(QStringLiteral("embedding"), embedding);
    // "hybrid" when every chunk has a vector, "fts" when none has (no embedding provider), "partial" in between.
    meta.insert(QStringLiteral("searchMode"), embedded == job->chunks.size() ? QStringLiteral("hybrid")
                                              : embedded == 0                 ? QStringLiteral("fts")
                                                                              : QStringLiteral("partial"));
    meta.insert(QStringLiteral("processingMs"), job->timer.elapsed());

    QStringList oldIds;
    QList<std::pair<QString, int>> newIds; // id, chunk index
    Status st = m_db.transaction([&]() -> Status {
        auto up = m_db.run(QStringLiteral("UPDATE knowledge_sources SET status = 'ready', error_message = NULL, chunk_count = ?, "
                                          "token_count = ?, metadata = ?, updated_at = ? WHERE id = ?"),
                           {int(job->chunks.size()), tokens, QString::fromUtf8(json::compact(meta)), now, job->sourceId});
        if (!up)
            return up.error();
        if (up.value() == 0)
            return sourceNotFound();
        auto old = m_db.selectAll(QStringLiteral("SELECT id FROM knowledge_chunks WHERE source_id = ?"), {job->sourceId});
        if (!old)
            return old.error();
        for (const Database::Row &r : old.value())
            oldIds.append(r.at(0).toString());
        auto del = m_db.run(QStringLiteral("DELETE FROM knowledge_chunks WHERE source_id = ?"), {job->sourceId});
        if (!del)
            return del.error();
        for (int i = 0; i < job->chunks.size(); ++i) {
            const QString id = ids::uuid();
            const bool hasVector = !job->vectors[i].isEmpty();
            auto ins = m_db.run(QStringLiteral("INSERT INTO knowledge_chunks(id, source_id, kin_id, content, embedding, embedding_target, "
                                               "embedding_dims, position, token_count, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                                {id, job->sourceId, job->kinId, job->chunks[i].content, hasVector ? QVariant(job->vectors[i]) : QVariant(),
                                 hasVector ? QVariant(job->targets[i]) : QVariant(), hasVector ? QVariant(job->dims[i]) : QVariant(), i,
                                 job->chunks[i].tokenCount, now});
            if (!ins)
                return ins.error();
            newIds.append({id, i});
        }
        return {};
    });
    if (!st) {
        if (st.error().code == QLatin1String("NOT_FOUND")) {
            m_jobOf.remove(job->sourceId); // deleted while it was processed: nothing to write
            return;
        }
        return fail(job, st.error().message);
    }
    m_jobOf.remove(job->sourceId);

    for (const QString &id : oldIds) {
        m_index->remove(id);
        m_kinChunks[job->kinId].remove(id);
    }
    if (m_indexTarget.isEmpty() && !key.isEmpty())
        ensureIndexTarget(key); // first vectors ever: loads this source's rows (just written)
    QSet<QString> &indexed = m_kinChunks[job->kinId]; // after ensureIndexTarget, which may rebuild the map
    for (const auto &[id, i] : newIds) {
        if (job->vectors[i].isEmpty() || job->targets[i] != m_indexTarget || indexed.contains(id))
            continue;
        auto v = memory::unpackVector(job->vectors[i]);
        if (v && m_index->upsert(id, job->kinId, v.value()))
            indexed.insert(id);
    }
    setStatus(job->kinId, job->sourceId, QStringLiteral("ready"),
              {{QStringLiteral("chunkCount"), int(job->chunks.size())}, {QStringLiteral("tokenCount"), tokens},
               {QStringLiteral("progress"), 100}});
}

// ---- search ----------------------------------------------------------------------------------------------------

QStringList KnowledgeService::ftsSearch(const QString &kinId, const QString &query, int k) const
{
    const QString sql = QStringLiteral("SELECT c.id FROM knowledge_chunks_fts JOIN knowledge_chunks c ON c.rowid = knowledge_chunks_fts.rowid "
                                       "WHERE knowledge_chunks_fts MATCH ? AND c.kin_id = ? ORDER BY knowledge_chunks_fts.rank LIMIT ?");
    for (bool any : {false, true}) {
        const QString expr = memory::ftsMatchExpression(query, any);
        if (expr.isEmpty())
            return {};
        auto rows = m_db.selectAll(sql, {expr, kinId, k});
        if (!rows) {
            m_logger.warn(QStringLiteral("knowledge"), QStringLiteral("Full-text search failed"), {{QStringLiteral("error"), rows.error().message}});
            return {};
        }
        if (!rows->isEmpty()) {
            QStringList out;
            for (const Database::Row &r : rows.value())
                out.append(r.at(0).toString());
            return out;
        }
    }
    return {};
}

void KnowledgeService::search(const QString &kinId, const QString &query, int limit, QObject *context, SearchDone done)
{
    limit = qBound(1, limit, kMaxSearchLimit);
    const int k = 2 * limit;
    QPointer<QObject> guard(context);
    const QStringList fts = ftsSearch(kinId, query, k);
    auto complete = [this, kinId, limit, fts, guard, done](const QStringList &vector) {
        if (!guard)
            return;
        const QHash<QString, double> scores =
            memory::fuseRanks({{vector, 1.0}, {fts, m_options.ftsBoost}}, m_options.rrfK);
        const QStringList top = memory::rankedIds(scores).mid(0, limit);
        if (top.isEmpty())
            return done(QList<KnowledgeHit>{});
        QStringList marks(top.size(), QStringLiteral("?"));
        QVariantList args;
        for (const QString &id : top)
            args.append(id);
        auto rows = m_db.selectAll(QStringLiteral("SELECT c.id, c.content, c.source_id, c.position, s.name FROM knowledge_chunks c "
                                                  "JOIN knowledge_sources s ON s.id = c.source_id WHERE c.id IN (%1)")
                                       .arg(marks.join(QLatin1Char(','))),
                                   args);
        if (!rows)
            return done(rows.error());
        QHash<QString, KnowledgeHit> byId;
        for (const Database::Row &r : rows.value())
            byId.insert(r.at(0).toString(), {r.at(0).toString(), r.at(1).toString(), r.at(2).toString(), r.at(4).toString(),
                                             r.at(3).toInt(), scores.value(r.at(0).toString())});
        QList<KnowledgeHit> out;
        for (const QString &id : top)
            if (byId.contains(id))
                out.append(byId.value(id));
        done(out);
    };

    auto target = m_embeddings.target();
    if (!target || m_kinChunks.value(kinId).isEmpty() || query.trimmed().isEmpty())
        return complete({});
    m_embeddings.embed({query}, EmbeddingPurpose::Query, this,
                       [this, kinId, k, complete](Result<memory::Embeddings> r, EmbeddingService::Target t) {
                           if (!r || r->vectors.isEmpty())
                               return complete({}); // FTS only
                           ensureIndexTarget(t.key());
                           memory::VectorQuery q;
                           q.k = k;
                           q.minScore = m_options.minSimilarity;
                           q.owners = QSet<QString>{kinId};
                           auto hits = m_index->search(r->vectors.first(), q);
                           QStringList ids;
                           if (hits)
                               for (const memory::VectorHit &h : hits.value())
                                   ids.append(h.id);
                           complete(ids);
                       });
}

TurnContextProvider KnowledgeService::contextProvider()
{
    return [this](const TurnContextRequest &request, QObject *context, std::function<void(TurnContextPart)> done) {
        if (request.query.trimmed().isEmpty() || !hasSources(request.kinId))
            return done({});
        search(request.kinId, request.query, kDefaultSearchLimit, context, [done](Result<QList<KnowledgeHit>> hits) {
            TurnContextPart part;
            if (hits && !hits->isEmpty()) {
                QString block = QStringLiteral("## Relevant knowledge");
                for (int i = 0; i < hits->size(); ++i)
                    block += QStringLiteral("\n\n[%1] %2").arg(i + 1).arg(hits->at(i).content);
                part.knowledgeBlock = block;
            }
            done(part);
        });
    };
}

} // namespace kinbot
