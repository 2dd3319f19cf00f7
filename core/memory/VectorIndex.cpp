#include "memory/VectorIndex.h"

#include "memory/VectorMath.h"

#include <QReadLocker>
#include <QWriteLocker>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <thread>

namespace kinbot::memory {

struct VectorIndex::Candidate
{
    float score;
    int row;
};

namespace {

ApiError dimensionMismatch(qsizetype got, int want)
{
    return ApiError::unprocessable(QStringLiteral("EMBEDDING_DIMENSION_MISMATCH"),
                                   QStringLiteral("The vector has %1 dimensions, the index holds %2").arg(got).arg(want));
}

ApiError invalidVector()
{
    return ApiError::unprocessable(QStringLiteral("INVALID_VECTOR"),
                                   QStringLiteral("The vector is empty, all zeros or not finite"));
}

int strideFor(int dims) { return (dims + 31) / 32 * 32; }

// Margin under minScore for the int8 scan: its estimates are within ~1e-2 of the exact cosine, so a row just under the
// threshold by estimate may still pass after the exact re-rank.
constexpr float kQuantMargin = 0.02f;

} // namespace

VectorIndex::VectorIndex(VectorIndexOptions options)
    : m_options(options), m_dot(kernels::selectDotRows(options.allowSimd))
{
    m_dims = qMax(0, options.dimensions);
    m_stride = strideFor(m_dims);
}

VectorIndex::~VectorIndex() = default;

int8_t *VectorIndex::rowData(int row) const
{
    return m_blocks[size_t(row / kBlockRows)].get() + size_t(row % kBlockRows) * size_t(m_stride);
}

int VectorIndex::ownerCode(const QString &owner)
{
    const auto it = m_ownerCodes.constFind(owner);
    if (it != m_ownerCodes.cend())
        return it.value();
    const int code = int(m_ownerNames.size());
    m_ownerNames.append(owner);
    m_ownerCodes.insert(owner, code);
    return code;
}

Status VectorIndex::upsert(const QString &id, const QString &owner, const QList<float> &vector, bool shared)
{
    if (id.isEmpty())
        return ApiError::validation(QStringLiteral("A vector needs an id"));
    QList<float> unit = vector;
    if (!normalize(unit))
        return invalidVector();

    QWriteLocker lock(&m_lock);
    if (m_dims == 0) {
        m_dims = int(unit.size());
        m_stride = strideFor(m_dims);
    }
    if (unit.size() != m_dims)
        return dimensionMismatch(unit.size(), m_dims);

    int row = m_rowOf.value(id, -1);
    if (row < 0) {
        row = int(m_ids.size());
        if (size_t(row / kBlockRows) >= m_blocks.size())
            m_blocks.push_back(std::make_unique<int8_t[]>(size_t(kBlockRows) * size_t(m_stride)));
        m_ids.append(id);
        m_scales.push_back(0);
        m_owner.push_back(0);
        m_shared.push_back(0);
        m_rowOf.insert(id, row);
    }
    m_scales[size_t(row)] = quantizeInt8(unit.constData(), m_dims, rowData(row), m_stride);
    m_owner[size_t(row)] = ownerCode(owner);
    m_shared[size_t(row)] = shared ? 1 : 0;
    return Status::success();
}

bool VectorIndex::setOwner(const QString &id, const QString &owner, bool shared)
{
    QWriteLocker lock(&m_lock);
    const int row = m_rowOf.value(id, -1);
    if (row < 0)
        return false;
    m_owner[size_t(row)] = ownerCode(owner);
    m_shared[size_t(row)] = shared ? 1 : 0;
    return true;
}

bool VectorIndex::remove(const QString &id)
{
    QWriteLocker lock(&m_lock);
    const int row = m_rowOf.value(id, -1);
    if (row < 0)
        return false;
    // The last row moves into the hole, so the rows stay contiguous.
    const int last = int(m_ids.size()) - 1;
    if (row != last) {
        std::memcpy(rowData(row), rowData(last), size_t(m_stride));
        m_scales[size_t(row)] = m_scales[size_t(last)];
        m_owner[size_t(row)] = m_owner[size_t(last)];
        m_shared[size_t(row)] = m_shared[size_t(last)];
        m_ids[row] = m_ids[last];
        m_rowOf.insert(m_ids[row], row);
    }
    m_rowOf.remove(id);
    m_ids.removeLast();
    m_scales.pop_back();
    m_owner.pop_back();
    m_shared.pop_back();
    if (m_blocks.size() > size_t((m_ids.size() + kBlockRows - 1) / kBlockRows))
        m_blocks.pop_back();
    return true;
}

void VectorIndex::clear()
{
    QWriteLocker lock(&m_lock);
    m_blocks.clear();
    m_scales.clear();
    m_owner.clear();
    m_shared.clear();
    m_ids.clear();
    m_rowOf.clear();
    m_ownerCodes.clear();
    m_ownerNames.clear();
    m_dims = qMax(0, m_options.dimensions);
    m_stride = strideFor(m_dims);
}

void VectorIndex::scanRange(int firstBlock, int endBlock, const int8_t *q, float queryScale,
                            const std::vector<uint8_t> *allowedOwners, bool includeShared, float floor, int keep,
                            std::vector<Candidate> &heap) const
{
    const int rows = int(m_ids.size());
    int32_t dots[kBlockRows];
    uint8_t mask[kBlockRows];
    // Min-heap order: the worst kept candidate on top.
    const auto worse = [](const Candidate &a, const Candidate &b) { return a.score > b.score; };
    heap.reserve(size_t(keep) + 1);
    for (int b = firstBlock; b < endBlock; ++b) {
        const int first = b * kBlockRows;
        const int count = qMin(kBlockRows, rows - first);
        const uint8_t *useMask = nullptr;
        if (allowedOwners) {
            bool any = false;
            for (int r = 0; r < count; ++r) {
                const size_t row = size_t(first + r);
                mask[r] = (*allowedOwners)[size_t(m_owner[row])] | (includeShared ? m_shared[row] : 0);
                any |= mask[r] != 0;
            }
            if (!any)
                continue;
            useMask = mask;
        }
        m_dot(m_blocks[size_t(b)].get(), count, m_stride, q, useMask, dots);
        for (int r = 0; r < count; ++r) {
            if (useMask && !useMask[r])
                continue;
            const float score = float(dots[r]) * m_scales[size_t(first + r)] * queryScale;
            if (score < floor)
                continue;
            if (int(heap.size()) < keep) {
                heap.push_back({score, first + r});
                std::push_heap(heap.begin(), heap.end(), worse);
            } else if (score > heap.front().score) {
                std::pop_heap(heap.begin(), heap.end(), worse);
                heap.back() = {score, first + r};
                std::push_heap(heap.begin(), heap.end(), worse);
            }
        }
    }
}

Result<QList<VectorHit>> VectorIndex::search(const QList<float> &query, const VectorQuery &params) const
{
    if (params.k <= 0)
        return QList<VectorHit>{};
    QList<float> unit = query;
    if (!normalize(unit))
        return invalidVector();

    const int keep = params.candidates > 0 ? qMax(params.candidates, params.k) : qMax(4 * params.k, params.k + 32);
    const float floor = params.minScore - kQuantMargin;
    std::vector<Candidate> merged;
    QList<VectorHit> hits;
    {
        QReadLocker lock(&m_lock);
        if (m_ids.isEmpty())
            return QList<VectorHit>{};
        if (unit.size() != m_dims)
            return dimensionMismatch(unit.size(), m_dims);

        std::vector<int8_t> q(static_cast<size_t>(m_stride));
        const float queryScale = quantizeInt8(unit.constData(), m_dims, q.data(), m_stride);

        std::vector<uint8_t> allowed;
        if (params.owners) {
            allowed.assign(size_t(m_ownerNames.size()), 0);
            for (const QString &owner : *params.owners) {
                const auto it = m_ownerCodes.constFind(owner);
                if (it != m_ownerCodes.cend())
                    allowed[size_t(it.value())] = 1;
            }
        }
        const std::vector<uint8_t> *allowedOwners = params.owners ? &allowed : nullptr;

        const int blocks = int(m_blocks.size());
        const int threads = m_ids.size() >= m_options.parallelMinRows ? qBound(1, m_options.threads, blocks) : 1;
        std::vector<std::vector<Candidate>> heaps(static_cast<size_t>(threads));
        std::vector<std::thread> workers;
        for (int t = 1; t < threads; ++t) {
            const int from = blocks * t / threads, to = blocks * (t + 1) / threads;
            workers.emplace_back([&, t, from, to] {
                scanRange(from, to, q.data(), queryScale, allowedOwners, params.includeShared, floor, keep, heaps[size_t(t)]);
            });
        }
        scanRange(0, blocks / threads, q.data(), queryScale, allowedOwners, params.includeShared, floor, keep, heaps[0]);
        for (std::thread &w : workers)
            w.join();

        for (const auto &h : heaps)
            merged.insert(merged.end(), h.begin(), h.end());
        std::sort(merged.begin(), merged.end(), [](const Candidate &a, const Candidate &b) {
            return a.score != b.score ? a.score > b.score : a.row < b.row;
        });
        if (int(merged.size()) > keep)
            merged.resize(size_t(keep));
        hits.reserve(qsizetype(merged.size()));
        for (const Candidate &c : merged)
            hits.append({m_ids[c.row], c.score});
    }

    if (params.exact && !hits.isEmpty()) {
        QStringList ids;
        ids.reserve(hits.size());
        for (const VectorHit &h : hits)
            ids.append(h.id);
        const QHash<QString, QList<float>> exact = params.exact(ids);
        for (VectorHit &h : hits) {
            const auto it = exact.constFind(h.id);
            if (it == exact.cend() || it->size() != unit.size())
                continue; // not supplied: keep the int8 estimate
            QList<float> v = it.value();
            if (normalize(v))
                h.score = dot(unit.constData(), v.constData(), int(v.size()));
        }
        std::stable_sort(hits.begin(), hits.end(), [](const VectorHit &a, const VectorHit &b) { return a.score > b.score; });
    }
    hits.removeIf([&](const VectorHit &h) { return h.score < params.minScore; });
    if (hits.size() > params.k)
        hits.resize(params.k);
    return hits;
}

bool VectorIndex::contains(const QString &id) const
{
    QReadLocker lock(&m_lock);
    return m_rowOf.contains(id);
}

int VectorIndex::dimensions() const
{
    QReadLocker lock(&m_lock);
    return m_dims;
}

int VectorIndex::size() const
{
    QReadLocker lock(&m_lock);
    return int(m_ids.size());
}

qint64 VectorIndex::memoryBytes() const
{
    QReadLocker lock(&m_lock);
    const qint64 rows = m_ids.size();
    qint64 bytes = qint64(m_blocks.size()) * kBlockRows * m_stride;
    bytes += qint64(m_scales.capacity() * sizeof(float) + m_owner.capacity() * sizeof(int32_t) + m_shared.capacity());
    bytes += qint64(m_ids.capacity()) * qint64(sizeof(QString));
    qint64 idChars = 0;
    for (const QString &id : m_ids)
        idChars += id.capacity();
    // Each id string: its UTF-16 data plus a ~16-byte header; each hash entry: key + value + ~16 bytes of span/node.
    bytes += idChars * 2 + rows * 16;
    bytes += rows * qint64(sizeof(QString) + sizeof(int) + 16);
    return bytes;
}

QString VectorIndex::kernel() const { return QString::fromLatin1(kernels::kernelName(m_dot)); }

} // namespace kinbot::memory
