// bench_memory_search: hybrid memory search (vector index + FTS5, fused and boosted) on the real server's MemoryService,
// over N memories of D dimensions in its SQLite database. Prints, never asserts.
//
// Usage: bench_memory_search [--rows N,…] [--dims D,…] [--queries Q]   (default rows 10000,100000; dims 384,1536; 200)
// Memories are sentences of 12 words from a 5000-word vocabulary with random unit vectors (clustered: 64 centres), all
// of one Kin; each query is 3 vocabulary words plus a vector near a random centre. Measured: the search from the call
// to the answer on the main loop (vector scan + FTS5 query + fusion + boosts + rows loaded), p50/p99 over the
// queries; insert time; index memory; the process RSS.
#include "FakeLlmServer.h"
#include "HttpClient.h"
#include "TestServer.h"

#include "memory/MemoryService.h"
#include "memory/VectorBlob.h"
#include "storage/Database.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QRandomGenerator>

#include <algorithm>
#include <cmath>
#include <cstdio>

using namespace kinbot;
using namespace kinbot::test;

static QList<int> intList(const QString &s)
{
    QList<int> out;
    for (const QString &p : s.split(QLatin1Char(','), Qt::SkipEmptyParts))
        out << p.toInt();
    return out;
}

static double rssMiB()
{
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly))
        return 0;
    for (const QByteArray &line : f.readAll().split('\n'))
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').first().toDouble() / 1024.0;
    return 0;
}

static QList<float> unit(QList<float> v)
{
    double n = 0;
    for (float x : v)
        n += double(x) * x;
    n = std::sqrt(n);
    for (float &x : v)
        x = float(x / n);
    return v;
}

static QList<float> gaussianNear(const QList<float> &centre, double spread, QRandomGenerator &rng)
{
    QList<float> v(centre.size());
    for (qsizetype i = 0; i < v.size(); ++i) {
        const double u1 = std::max(1e-12, rng.generateDouble()), u2 = rng.generateDouble();
        v[i] = float(centre[i] + spread * std::sqrt(-2 * std::log(u1)) * std::cos(2 * M_PI * u2));
    }
    return unit(v);
}

static void runCase(int rows, int dims, int queries)
{
    FakeLlmServer fake;
    fake.listen();
    TestServer server;
    const TestUser admin = server.onboard(QStringLiteral("bench@example.test"), QStringLiteral("bench"));
    HttpClient api = server.clientFor(admin);
    const QString providerId = api.postJson("/api/providers", {{"name", "fake"}, {"type", "openai"},
                                                               {"config", QJsonObject{{"apiKey", "sk-bench-123456"}, {"baseUrl", fake.baseUrl()}}}})
                                   .json().value("provider").toObject().value("id").toString();
    const QString kinId = api.postJson("/api/kins", {{"name", "Bench"}, {"role", "bench"}, {"model", "gpt-4o"}, {"providerId", providerId}})
                              .json().value("kin").toObject().value("id").toString();
    memory::MemoryService &memories = server.platform().memories();
    const QString key = server.platform().embeddings().target()->key();

    QRandomGenerator rng(42);
    QStringList vocabulary;
    for (int i = 0; i < 5000; ++i) {
        QString w;
        const int len = 4 + int(rng.bounded(6));
        for (int c = 0; c < len; ++c)
            w += QChar(u'a' + int(rng.bounded(26)));
        vocabulary << w;
    }
    QList<QList<float>> centres;
    for (int c = 0; c < 64; ++c) {
        QList<float> v(dims);
        for (float &x : v)
            x = float(rng.generateDouble() * 2 - 1);
        centres << unit(v);
    }
    const QStringList categories{QStringLiteral("fact"), QStringLiteral("preference"), QStringLiteral("decision"), QStringLiteral("knowledge")};

    QElapsedTimer t;
    t.start();
    const Database &db = server.platform().database();
    (void)db.run(QStringLiteral("BEGIN"));
    for (int i = 0; i < rows; ++i) {
        memory::MemoryRecord m;
        m.kinId = kinId;
        QStringList words;
        for (int w = 0; w < 12; ++w)
            words << vocabulary[int(rng.bounded(vocabulary.size()))];
        m.content = words.join(QLatin1Char(' '));
        m.category = categories[i % 4];
        m.importance = 1 + int(rng.bounded(10));
        auto stored = memories.store().insert(m);
        if (stored)
            (void)memories.store().setEmbedding(stored->id, memory::packVector(gaussianNear(centres[i % 64], 0.05, rng)), key);
    }
    (void)db.run(QStringLiteral("COMMIT"));
    const double insertMs = t.elapsed();
    t.restart();
    (void)memories.loadIndex();
    const double loadMs = t.elapsed();

    QList<double> lat;
    int found = 0;
    for (int q = 0; q < queries; ++q) {
        const QString text = QStringList{vocabulary[int(rng.bounded(5000))], vocabulary[int(rng.bounded(5000))],
                                         vocabulary[int(rng.bounded(5000))]}.join(QLatin1Char(' '));
        const QList<float> vector = gaussianNear(centres[int(rng.bounded(64))], 0.05, rng);
        QEventLoop loop;
        QElapsedTimer one;
        one.start();
        memories.searchWithVector(kinId, text, vector, {}, &loop, [&](Result<QList<memory::ScoredMemory>> r) {
            found += r ? int(r->size()) : 0;
            loop.quit();
        });
        loop.exec();
        lat << one.nsecsElapsed() / 1e6;
    }
    std::sort(lat.begin(), lat.end());
    std::printf("%7d x %4d | insert %7.0f ms | index load %6.0f ms, %6.1f MiB | hybrid search p50 %6.2f ms  p99 %6.2f ms | "
                "%.1f results/query | RSS %6.0f MiB\n",
                rows, dims, insertMs, loadMs, memories.index().memoryBytes() / 1048576.0, lat[lat.size() / 2],
                lat[std::min<qsizetype>(lat.size() - 1, qsizetype(lat.size() * 0.99))], double(found) / queries, rssMiB());
    std::fflush(stdout);
}

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QList<int> rows{10000, 100000}, dims{384, 1536};
    int queries = 200;
    const QStringList args = app.arguments();
    for (int i = 1; i + 1 < args.size(); i += 2) {
        if (args[i] == QLatin1String("--rows"))
            rows = intList(args[i + 1]);
        else if (args[i] == QLatin1String("--dims"))
            dims = intList(args[i + 1]);
        else if (args[i] == QLatin1String("--queries"))
            queries = args[i + 1].toInt();
    }
    for (int d : dims)
        for (int n : rows)
            runCase(n, d, queries);
    return 0;
}
