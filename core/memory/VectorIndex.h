#pragma once

#include "memory/VectorKernels.h"
#include "util/Result.h"

#include <QHash>
#include <QList>
#include <QReadWriteLock>
#include <QSet>
#include <QString>
#include <QStringList>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace kinbot::memory {

// f32 vectors of the given ids (typically the BLOBs of SQLite rows, unpacked); ids it cannot supply may be left out.
// Called on the searching thread, without any lock of the index held.
using ExactVectorsFn = std::function<QHash<QString, QList<float>>(const QStringList &ids)>;

struct VectorHit
{
    QString id;
    float score = 0; // cosine similarity, in [-1, 1]
};

struct VectorQuery
{
    int k = 10;
    float minScore = -1.0f;                // keep hits whose cosine is >= minScore
    std::optional<QSet<QString>> owners;   // nullopt: every row; else the rows of these owners…
    bool includeShared = false;            // …plus the rows marked shared (a Kin's "own or shared" memories)
    int candidates = 0;                    // rows taken from the int8 scan into the re-rank; 0 = max(4·k, k + 32)
    ExactVectorsFn exact;                  // when set, candidates are re-scored with exact f32 cosine
};

struct VectorIndexOptions
{
    int dimensions = 0;         // 0: set by the first vector added (and again after clear())
    bool allowSimd = true;      // false forces the portable kernel (tests compare both)
    int threads = 1;            // threads of one large scan (the calling one included). 1 by default: the int8 scan
                                // is memory-bound, and on the 2-core target a second thread gained nothing
                                // (bench_vector_search: 100k × 1536 at 5.2 ms with 1 thread, 5.4 ms with 2)
    int parallelMinRows = 16384;// scans of fewer rows stay on the calling thread
};

// In-memory nearest-neighbour search by cosine similarity, for memories and knowledge chunks (issue 5).
//
// Vectors are normalised, then stored int8-quantised with one scale per row (1 byte per dimension: 100k × 1536 is
// 150 MiB where f32 would be 600 MiB), in blocks of contiguous rows. A search scans every row that passes the owner
// filter with an int8 dot-product kernel (AVX2 when the CPU has it), optionally split over `threads` threads for big indexes, keeps
// the best `candidates` rows and, when the query gives an ExactVectorsFn, re-scores them with exact f32 cosine before
// taking the top k. Without it, scores are the int8 estimates (error ≈ 1e-3).
//
// Thread-safe: searches take a read lock (any number run at once, on worker threads); writes take the write lock.
class VectorIndex
{
public:
    explicit VectorIndex(VectorIndexOptions options = {});
    ~VectorIndex();
    VectorIndex(const VectorIndex &) = delete;
    VectorIndex &operator=(const VectorIndex &) = delete;

    // Adds the vector under `id`, or replaces the vector, owner and shared flag stored under it.
    // Errors: EMBEDDING_DIMENSION_MISMATCH (422) when the length differs from dimensions(); INVALID_VECTOR (422) for
    // an empty, all-zero or non-finite vector; VALIDATION_ERROR for an empty id.
    Status upsert(const QString &id, const QString &owner, const QList<float> &vector, bool shared = false);
    // Changes the owner and shared flag of a row without touching its vector. False when the id is unknown.
    bool setOwner(const QString &id, const QString &owner, bool shared);
    // False when the id is unknown.
    bool remove(const QString &id);
    // Removes every row; the dimension returns to the one given in the options (0 = set by the next upsert).
    void clear();

    // The k best rows by cosine, best first, restricted by the query's filter and minScore. An empty index gives an
    // empty list. Errors: EMBEDDING_DIMENSION_MISMATCH, INVALID_VECTOR (as for upsert).
    Result<QList<VectorHit>> search(const QList<float> &query, const VectorQuery &params = {}) const;

    bool contains(const QString &id) const;
    int dimensions() const;
    int size() const;
    // Bytes held by the index: the quantised rows, per-row metadata and the id table (estimated for the strings).
    qint64 memoryBytes() const;
    // "avx2" or "portable": the kernel this index scans with.
    QString kernel() const;

private:
    struct Candidate;
    int ownerCode(const QString &owner);
    int8_t *rowData(int row) const;
    void scanRange(int firstBlock, int endBlock, const int8_t *q, float queryScale, const std::vector<uint8_t> *allowedOwners,
                   bool includeShared, float floor, int keep, std::vector<Candidate> &heap) const;

    static constexpr int kBlockRows = 1024;

    const VectorIndexOptions m_options;
    const kernels::DotRowsFn m_dot;
    mutable QReadWriteLock m_lock;
    int m_dims = 0;
    int m_stride = 0; // bytes per stored row: dims rounded up to 32
    std::vector<std::unique_ptr<int8_t[]>> m_blocks;
    std::vector<float> m_scales;   // per row
    std::vector<int32_t> m_owner;  // per row: index into m_ownerNames
    std::vector<uint8_t> m_shared; // per row
    QList<QString> m_ids;          // per row
    QHash<QString, int> m_rowOf;
    QHash<QString, int> m_ownerCodes;
    QStringList m_ownerNames;
};

} // namespace kinbot::memory
