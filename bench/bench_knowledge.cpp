// Knowledge ingestion throughput (issue 5): what a document costs between "received" and "searchable", without the
// network. Prints:
//   1. extraction alone (HTML → text, Markdown → text) in MB/s of input;
//   2. chunking alone in MB/s of text and chunks/s;
//   3. end-to-end ingest through the real server (TestServer in-process, KnowledgeService: worker-thread parsing and
//      chunking, main-thread SQLite writes with the FTS5 triggers) with no embedding provider, so no network: MB/s and
//      chunks/s from POST to "ready";
//   4. the same with the fake embeddings server on loopback, for reference (the figure then includes HTTP + JSON).
// Run it from a Release build: build/release/bench/bench_knowledge [MB]
#include "FakeLlmServer.h"
#include "HttpClient.h"
#include "TestServer.h"

#include "knowledge/Chunker.h"
#include "knowledge/TextExtraction.h"
#include "storage/Database.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QRandomGenerator>
#include <QTest>

#include <cstdio>

using namespace kinbot;
using namespace kinbot::test;

namespace {

QByteArray corpus(qint64 bytes, quint32 seed)
{
    static const char *vocab[] = {"river", "mountain", "engine", "harvest", "signal", "copper", "lantern", "meadow", "quarry", "velvet",
                                  "orbit", "pepper", "timber", "canyon", "glacier", "saddle", "harbor", "falcon", "the", "of", "and",
                                  "a", "to", "is", "network", "protocol", "measurement", "theory", "observation", "chapter"};
    QRandomGenerator rng(seed);
    QByteArray out;
    out.reserve(bytes + 2048);
    while (out.size() < bytes) {
        const int n = 30 + int(rng.bounded(150));
        for (int i = 0; i < n; ++i) {
            out += vocab[rng.bounded(int(std::size(vocab)))];
            out += (i % 17 == 16) ? ". " : " ";
        }
        out += "\n\n";
    }
    return out;
}

double mb(qint64 bytes) { return double(bytes) / (1024.0 * 1024.0); }

QString ingest(TestServer &server, HttpClient &api, const QByteArray &kinPath, const QByteArray &text, int &chunks)
{
    const HttpResponse r = api.postJson(kinPath, {{"name", "bench"}, {"type", "text"}, {"content", QString::fromUtf8(text)}});
    const QString id = r.json().value("source").toObject().value("id").toString();
    while (true) {
        // The list, not GET /:sourceId: that one carries the whole text and every chunk, and serialising tens of MB
        // every few ms on the server's loop would be what gets measured.
        QJsonObject s;
        for (const QJsonValue &v : api.get(kinPath).json().value("sources").toArray())
            if (v.toObject().value("id").toString() == id)
                s = v.toObject();
        if (s.value("status") == "ready" || s.value("status") == "error") {
            chunks = s.value("chunkCount").toInt();
            return s.value("status").toString();
        }
        QTest::qWait(20);
    }
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const qint64 size = qint64((argc > 1 ? QByteArray(argv[1]).toDouble() : 20.0) * 1024 * 1024);
    const QByteArray text = corpus(size, 7);
    std::printf("bench_knowledge: %.1f MB of generated English-like text, %d paragraphs\n", mb(text.size()), int(text.count("\n\n")));

    // 1. extraction
    QByteArray html = "<html><head><style>p{margin:0}</style><script>var x = 1;</script></head><body>";
    for (const QByteArray &p : text.split('\n'))
        if (!p.isEmpty())
            html += "<p class=\"para\">" + p + " &amp; more&nbsp;text</p>\n";
    html += "</body></html>";
    {
        QElapsedTimer t;
        t.start();
        const auto out = knowledge::extractText(knowledge::DocKind::Html, html);
        const qint64 ms = qMax<qint64>(1, t.elapsed());
        std::printf("extract html:  %7.1f MB in %6lld ms = %6.1f MB/s (%.1f MB of text out)\n", mb(html.size()), ms,
                    mb(html.size()) * 1000.0 / ms, mb(out ? out->toUtf8().size() : 0));
        QByteArray md;
        for (const QByteArray &p : text.split('\n'))
            if (!p.isEmpty())
                md += "## Heading\n\nSome **bold** and a [link](http://x.test): " + p + "\n\n";
        t.restart();
        const auto mdOut = knowledge::extractText(knowledge::DocKind::Markdown, md);
        const qint64 mdMs = qMax<qint64>(1, t.elapsed());
        std::printf("extract md:    %7.1f MB in %6lld ms = %6.1f MB/s\n", mb(md.size()), mdMs, mb(md.size()) * 1000.0 / mdMs);
        Q_UNUSED(mdOut);
    }

    // 2. chunking
    {
        const QString s = QString::fromUtf8(text);
        QElapsedTimer t;
        t.start();
        const QList<knowledge::Chunk> chunks = knowledge::chunkText(s);
        const qint64 ms = qMax<qint64>(1, t.elapsed());
        std::printf("chunk:         %7.1f MB in %6lld ms = %6.1f MB/s, %d chunks = %.0f chunks/s\n", mb(text.size()), ms,
                    mb(text.size()) * 1000.0 / ms, int(chunks.size()), chunks.size() * 1000.0 / ms);
    }

    // 3./4. end to end
    FakeLlmServer fake;
    if (!fake.listen())
        return 1;
    TestServer server([](ServerConfig &c) { c.maxBodyBytes = 512LL * 1024 * 1024; });
    if (!server.ok()) {
        std::fprintf(stderr, "server: %s\n", qPrintable(server.error()));
        return 1;
    }
    const TestUser admin = server.onboard("bench@example.test", "bench");
    HttpClient api = server.clientFor(admin);
    const HttpResponse provider = api.postJson("/api/providers", {{"name", "fake"}, {"type", "openai"},
                                                                  {"config", QJsonObject{{"apiKey", "sk-bench-1234567890"}, {"baseUrl", fake.baseUrl()}}}});
    const QString providerId = provider.json().value("provider").toObject().value("id").toString();
    const HttpResponse kin = api.postJson("/api/kins", {{"name", "Bench"}, {"role", "r"}, {"model", "gpt-4o"}, {"providerId", providerId}});
    const QByteArray kinPath = "/api/kins/" + kin.json().value("kin").toObject().value("id").toString().toUtf8() + "/knowledge";
    // A JSON text source: up to ~50 MB per request by the route; cap the end-to-end corpus at 40 MB.
    const QByteArray e2e = text.left(qMin<qint64>(text.size(), 40LL * 1024 * 1024));

    for (bool withEmbeddings : {false, true}) {
        server.platform().database().run(withEmbeddings ? "UPDATE providers SET capabilities = '[\"llm\",\"embedding\",\"image\"]'"
                                                        : "UPDATE providers SET capabilities = '[\"llm\"]'").ok();
        int chunks = 0;
        QElapsedTimer t;
        t.start();
        const QString status = ingest(server, api, kinPath, e2e, chunks);
        const qint64 ms = qMax<qint64>(1, t.elapsed());
        std::printf("%s %7.1f MB in %6lld ms = %6.1f MB/s, %d chunks = %.0f chunks/s (%s)\n",
                    withEmbeddings ? "ingest+fake embeddings (loopback):" : "ingest, no network (FTS only):    ", mb(e2e.size()), ms,
                    mb(e2e.size()) * 1000.0 / ms, chunks, chunks * 1000.0 / ms, qPrintable(status));
    }
    return 0;
}
