// Vector search bench (issue 5): memory::VectorIndex on clustered random vectors, 10k and 100k rows × 384 and 1536
// dimensions. Prints build time, resident memory of the index, search p50/p99 (int8 scan alone and with the exact f32
// re-rank), recall@10 against an exact f32 cosine brute force, and a few variants at the largest size (1 thread,
// portable kernel, owner filter, plain f32 scan). Run a Release build; see bench/README.md.
#include "memory/VectorIndex.h"
#include "memory/VectorKernels.h"
#include "memory/VectorMath.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QStringList>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <vector>

#ifdef __GLIBC__
#include <malloc.h>
#endif

using namespace kinbot::memory;

namespace {

// xorshift64* and an approximate normal (sum of 4 uniforms): fast enough for 150 M numbers.
struct Rng
{
    quint64 s;
    explicit Rng(quint64 seed) : s(seed * 2685821657736338717ull + 1) {}
    quint64 next()
    {
        s ^= s >> 12;
        s ^= s << 25;
        s ^= s >> 27;
        return s * 2685821657736338717ull;
    }
    float uniform() { return float(next() >> 40) / float(1ull << 24); }
    float normal() { return (uniform() + uniform() + uniform() + uniform() - 2.0f) * 1.7320508f; }
};

struct Data
{
    int rows = 0, dims = 0;
    std::vector<float> values; // rows × dims, normalised
    const float *row(int i) const { return values.data() + size_t(i) * size_t(dims); }
    QList<float> rowList(int i) const { return QList<float>(row(i), row(i) + dims); }
};

// rows/100 cluster centres; each row (and each query) = centre + noise of the same scale, so rows of one cluster have
// a cosine of about 0.5 with each other and about 0 with the rest, like related / unrelated texts.
Data clustered(int rows, int dims, quint64 seed, int clusters)
{
    Rng rng(seed);
    Rng centreRng(777);
    std::vector<float> centres(size_t(clusters) * size_t(dims));
    for (float &f : centres)
        f = centreRng.normal();
    Data d;
    d.rows = rows;
    d.dims = dims;
    d.values.resize(size_t(rows) * size_t(dims));
    for (int r = 0; r < rows; ++r) {
        const float *c = centres.data() + size_t(rng.next() % quint64(clusters)) * size_t(dims);
        float *out = d.values.data() + size_t(r) * size_t(dims);
        for (int i = 0; i < dims; ++i)
            out[i] = c[i] + rng.normal();
        normalize(out, dims);
    }
    return d;
}

double rssMiB()
{
    QFile f(QStringLiteral("/proc/self/statm"));
    if (!f.open(QIODevice::ReadOnly))
        return 0;
    const QList<QByteArray> parts = f.readAll().split(' ');
    return parts.size() > 1 ? parts[1].toDouble() * 4096.0 / (1024.0 * 1024.0) : 0;
}

double percentile(std::vector<double> v, double p)
{
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, size_t(p * double(v.size())))];
}

std::vector<int> exactTop(const Data &data, const float *q, int k, const std::vector<uint8_t> *allowed = nullptr)
{
    std::vector<std::pair<float, int>> s;
    s.reserve(size_t(data.rows));
    for (int i = 0; i < data.rows; ++i)
        if (!allowed || (*allowed)[size_t(i)])
            s.push_back({dot(data.row(i), q, data.dims), i});
    const size_t kk = std::min(size_t(k), s.size());
    std::partial_sort(s.begin(), s.begin() + long(kk), s.end(), [](auto &a, auto &b) { return a.first > b.first; });
    std::vector<int> ids;
    for (size_t i = 0; i < kk; ++i)
        ids.push_back(s[i].second);
    return ids;
}

struct Timing
{
    double p50 = 0, p99 = 0, recall = 0;
};

Timing measure(const VectorIndex &index, const Data &data, const Data &queries, bool rerank, int nQueries, int nRecall)
{
    VectorQuery params;
    params.k = 10;
    if (rerank)
        params.exact = [&](const QStringList &ids) {
            // Stands in for reading the f32 BLOBs of the candidates from SQLite.
            QHash<QString, QList<float>> out;
            for (const QString &id : ids)
                out.insert(id, data.rowList(id.toInt()));
            return out;
        };
    for (int i = 0; i < 5; ++i) // warm-up
        (void)index.search(queries.rowList(i % queries.rows), params);
    std::vector<double> ms;
    QElapsedTimer t;
    for (int i = 0; i < nQueries; ++i) {
        const QList<float> q = queries.rowList(i % queries.rows);
        t.start();
        const auto r = index.search(q, params);
        ms.push_back(double(t.nsecsElapsed()) / 1e6);
        if (!r.ok())
            qFatal("search failed: %s", qPrintable(r.error().message));
    }
    Timing out;
    out.p50 = percentile(ms, 0.5);
    out.p99 = percentile(ms, 0.99);
    int found = 0, total = 0;
    for (int i = 0; i < nRecall; ++i) {
        const std::vector<int> truth = exactTop(data, queries.row(i), 10);
        const auto r = index.search(queries.rowList(i), params);
        for (const VectorHit &h : r.value())
            found += std::find(truth.begin(), truth.end(), h.id.toInt()) != truth.end();
        total += int(truth.size());
    }
    out.recall = total ? double(found) / total : 0;
    return out;
}

double plainF32ScanMs(const Data &data, const Data &queries, int n)
{
    std::vector<double> ms;
    volatile float sink = 0;
    QElapsedTimer t;
    for (int i = 0; i < n; ++i) {
        t.start();
        float best = -2;
        for (int r = 0; r < data.rows; ++r)
            best = std::max(best, dot(data.row(r), queries.row(i % queries.rows), data.dims));
        sink = best;
        ms.push_back(double(t.nsecsElapsed()) / 1e6);
    }
    (void)sink;
    return percentile(ms, 0.5);
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    const bool quick = args.contains(QStringLiteral("--quick"));
    const int nQueries = quick ? 30 : 200;
    const int nRecall = quick ? 10 : 50;

    std::printf("kernel: %s (AVX2 %s), queries per row: %d, recall over %d queries, k = 10, candidates = 42 (default)\n\n",
                kernels::kernelName(kernels::selectDotRows(true)), kernels::avx2Available() ? "available" : "absent",
                nQueries, nRecall);
    std::printf("| rows × dims | build | index RSS (memoryBytes) | int8 scan p50 / p99 | + f32 re-rank p50 / p99 | recall@10 scan / re-rank |\n");
    std::printf("|---|---|---|---|---|---|\n");

    struct Size { int rows, dims; };
    const Size sizes[] = {{10000, 384}, {10000, 1536}, {100000, 384}, {100000, 1536}};
    for (const Size &s : sizes) {
        const Data data = clustered(s.rows, s.dims, 1, s.rows / 100);
        const Data queries = clustered(std::max(nQueries, nRecall), s.dims, 2, s.rows / 100);
#ifdef __GLIBC__
        malloc_trim(0); // hand freed heap back, so the index's pages show up in the RSS difference
#endif
        const double before = rssMiB();
        VectorIndex index;
        QElapsedTimer t;
        t.start();
        for (int i = 0; i < s.rows; ++i)
            (void)index.upsert(QString::number(i), QStringLiteral("kin-%1").arg(i % 10), data.rowList(i), i % 50 == 0);
        const double buildMs = double(t.nsecsElapsed()) / 1e6;
        const double indexRss = rssMiB() - before;
        const Timing scan = measure(index, data, queries, false, nQueries, nRecall);
        const Timing rerank = measure(index, data, queries, true, nQueries, nRecall);
        std::printf("| %dk × %d | %.0f ms | %.1f MiB (%.1f MiB) | %.2f / %.2f ms | %.2f / %.2f ms | %.3f / %.3f |\n",
                    s.rows / 1000, s.dims, buildMs, indexRss, double(index.memoryBytes()) / (1024.0 * 1024.0), scan.p50, scan.p99,
                    rerank.p50, rerank.p99, scan.recall, rerank.recall);
        std::fflush(stdout);

        if (s.rows == 100000 && s.dims == 1536) {
            std::printf("\nVariants at 100k × 1536 (default: 1 thread, AVX2, with re-rank):\n\n| variant | p50 / p99 | recall@10 |\n|---|---|---|\n");
            // Owner filter: one Kin of ten plus the shared rows (2 %).
            std::vector<uint8_t> allowed(size_t(s.rows));
            for (int i = 0; i < s.rows; ++i)
                allowed[size_t(i)] = i % 10 == 3 || i % 50 == 0;
            const QSet<QString> owners{QStringLiteral("kin-3")};
            const Timing filtered = [&] {
                VectorQuery p;
                p.k = 10;
                p.owners = owners;
                p.includeShared = true;
                std::vector<double> ms;
                QElapsedTimer tt;
                for (int i = 0; i < nQueries; ++i) {
                    const QList<float> q = queries.rowList(i % queries.rows);
                    tt.start();
                    (void)index.search(q, p);
                    ms.push_back(double(tt.nsecsElapsed()) / 1e6);
                }
                int found = 0, total = 0;
                for (int i = 0; i < nRecall; ++i) {
                    const std::vector<int> truth = exactTop(data, queries.row(i), 10, &allowed);
                    const QList<VectorHit> hits = index.search(queries.rowList(i), p).value();
                    for (const VectorHit &h : hits)
                        found += std::find(truth.begin(), truth.end(), h.id.toInt()) != truth.end();
                    total += int(truth.size());
                }
                return Timing{percentile(ms, 0.5), percentile(ms, 0.99), double(found) / total};
            }();
            std::printf("| owner filter (1 Kin of 10 + shared), int8 scores | %.2f / %.2f ms | %.3f |\n", filtered.p50,
                        filtered.p99, filtered.recall);

            VectorIndexOptions twoThreads;
            twoThreads.threads = 2;
            VectorIndexOptions portable;
            portable.allowSimd = false;
            for (const auto &[name, options] : {std::pair{"2 threads, AVX2", twoThreads}, std::pair{"1 thread, portable kernel", portable}}) {
                VectorIndex other(options);
                for (int i = 0; i < s.rows; ++i)
                    (void)other.upsert(QString::number(i), QStringLiteral("kin"), data.rowList(i));
                const Timing v = measure(other, data, queries, true, nQueries / 2, 0);
                std::printf("| %s | %.2f / %.2f ms | — |\n", name, v.p50, v.p99);
            }
            std::printf("| plain f32 dot scan, 1 thread (no top-k) | %.2f ms | 1 |\n", plainF32ScanMs(data, queries, 20));
        }
    }
    return 0;
}
