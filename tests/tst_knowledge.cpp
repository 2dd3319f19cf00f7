// The knowledge base over real HTTP: ingestion (text, uploads of txt/md/html/docx/pdf, URLs), progress events,
// hybrid search, deletion, reprocessing after an embedding model change, the tools and the prompt block.
#include "KinFixture.h"

#include "knowledge/Chunker.h"
#include "knowledge/KnowledgeService.h"
#include "knowledge/TextExtraction.h"
#include "settings/SettingsStore.h"
#include "storage/Database.h"
#include "util/ZipArchive.h"

#include <QHttpServer>
#include <QHttpServerResponse>
#include <QRandomGenerator>
#include <QTcpServer>

using namespace kinbot;
using namespace kinbot::test;

namespace {

QByteArray multipart(const QList<std::pair<QByteArray, QByteArray>> &fields, const QByteArray &fileName, const QByteArray &data,
                     const QByteArray &contentType = "application/octet-stream")
{
    QByteArray body;
    for (const auto &[name, value] : fields)
        body += "--XbX\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n";
    body += "--XbX\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + fileName + "\"\r\nContent-Type: " + contentType
            + "\r\n\r\n" + data + "\r\n";
    return body + "--XbX--\r\n";
}

// A one-page PDF showing `text` in Helvetica, xref offsets computed.
QByteArray tinyPdf(const QByteArray &text)
{
    const QByteArray stream = "BT /F1 18 Tf 72 720 Td (" + text + ") Tj ET";
    const QList<QByteArray> objects = {
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        "<< /Length " + QByteArray::number(stream.size()) + " >>\nstream\n" + stream + "\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    };
    QByteArray pdf = "%PDF-1.4\n";
    QList<qsizetype> offsets;
    for (int i = 0; i < objects.size(); ++i) {
        offsets.append(pdf.size());
        pdf += QByteArray::number(i + 1) + " 0 obj\n" + objects[i] + "\nendobj\n";
    }
    const qsizetype xref = pdf.size();
    pdf += "xref\n0 " + QByteArray::number(objects.size() + 1) + "\n0000000000 65535 f \n";
    for (qsizetype o : offsets)
        pdf += QByteArray::number(o).rightJustified(10, '0') + " 00000 n \n";
    pdf += "trailer\n<< /Size " + QByteArray::number(objects.size() + 1) + " /Root 1 0 R >>\nstartxref\n" + QByteArray::number(xref)
           + "\n%%EOF\n";
    return pdf;
}

QByteArray tinyDocx(const QStringList &paragraphs)
{
    QByteArray xml = "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>"
                     "<w:document xmlns:w='http://schemas.openxmlformats.org/wordprocessingml/2006/main'><w:body>";
    for (const QString &p : paragraphs)
        xml += "<w:p><w:r><w:t xml:space='preserve'>" + p.toHtmlEscaped().toUtf8() + "</w:t></w:r></w:p>";
    xml += "</w:body></w:document>";
    auto zip = ziparchive::write({{QStringLiteral("[Content_Types].xml"),
                                   "<?xml version='1.0'?><Types xmlns='http://schemas.openxmlformats.org/package/2006/content-types'/>"},
                                  {QStringLiteral("word/document.xml"), xml}});
    return zip ? zip.value() : QByteArray();
}

} // namespace

class TstKnowledge final : public QObject
{
    Q_OBJECT

    std::unique_ptr<KinFixture> f;
    QString kinId;
    QString kinSlug;

    QByteArray base() const { return "/api/kins/" + kinId.toUtf8() + "/knowledge"; }

    QJsonObject addText(const QString &name, const QString &content)
    {
        const HttpResponse r = f->api->postJson(base(), {{"name", name}, {"type", "text"}, {"content", content}});
        if (r.status != 201)
            qWarning() << r.status << r.body;
        return r.json().value("source").toObject();
    }

    QJsonObject upload(const QByteArray &fileName, const QByteArray &data, const QByteArray &contentType = "application/octet-stream",
                       int expected = 201)
    {
        const HttpResponse r = f->api->postRaw(base(), multipart({{"name", fileName}}, fileName, data, contentType),
                                               "multipart/form-data; boundary=XbX");
        if (r.status != expected)
            qWarning() << r.status << r.body.left(300);
        return r.status == expected ? r.json() : QJsonObject{{"status", r.status}};
    }

    // The source once it is ready or failed (timeoutMs at most).
    QJsonObject settled(const QString &sourceId, int timeoutMs = 20000)
    {
        QElapsedTimer t;
        t.start();
        QJsonObject last;
        while (t.elapsed() < timeoutMs) {
            const HttpResponse r = f->api->get(base() + "/" + sourceId.toUtf8());
            last = r.json();
            const QString status = last.value("source").toObject().value("status").toString();
            if (status == "ready" || status == "error")
                return last;
            QTest::qWait(50);
        }
        qWarning() << "source did not settle:" << last.value("source").toObject().value("status");
        return last;
    }

    QJsonArray search(const QString &q, int limit = 5, const QByteArray &kinRef = {})
    {
        const QByteArray path = "/api/kins/" + (kinRef.isEmpty() ? kinId.toUtf8() : kinRef) + "/knowledge/search?q="
                                + QUrl::toPercentEncoding(q) + "&limit=" + QByteArray::number(limit);
        const HttpResponse r = f->api->get(path);
        if (r.status != 200)
            qWarning() << r.status << r.body;
        return r.json().value("results").toArray();
    }

private Q_SLOTS:
    void init()
    {
        f = std::make_unique<KinFixture>([](ServerConfig &c) { c.allowPrivateNetwork = QByteArray(QTest::currentTestFunction()) == "urlSource"; });
        const QString provider = f->addProvider();
        const QJsonObject kin = f->addKin("Librarian", provider);
        kinId = kin.value("id").toString();
        kinSlug = kin.value("slug").toString();
        QVERIFY(!kinId.isEmpty());
    }

    void cleanup() { f.reset(); }

    void chunkerUnits()
    {
        using namespace kinbot::knowledge;
        QCOMPARE(countWords(u"  one two\tthree\n four "), 4);
        QCOMPARE(estimateTokens(3), 4); // ⌈3 / 0.75⌉
        // 1000 words in one paragraph: windows of 384 words, overlapping by 38.
        QStringList words;
        for (int i = 0; i < 1000; ++i)
            words.append(QStringLiteral("w%1").arg(i));
        const QList<Chunk> chunks = chunkText(words.join(' '));
        QCOMPARE(chunks.size(), 3);
        QCOMPARE(countWords(chunks[0].content), 384);
        QVERIFY(chunks[1].content.startsWith("w346 "));
        QVERIFY(chunks[2].content.endsWith("w999"));
        // Small paragraphs are packed together; the next chunk starts with the tail of the previous one.
        QStringList paras;
        for (int p = 0; p < 20; ++p) {
            QStringList pw;
            for (int i = 0; i < 50; ++i)
                pw.append(QStringLiteral("p%1x%2").arg(p).arg(i));
            paras.append(pw.join(' '));
        }
        const QList<Chunk> packed = chunkText(paras.join("\n\n"));
        QCOMPARE(packed.size(), 4); // 7 paragraphs, then 38 words of overlap + 6, + 6, + 1
        QVERIFY(packed[0].content.contains("p6x49") && !packed[0].content.contains("p7x0"));
        QVERIFY(packed[1].content.startsWith("p6x12 "));
        for (const Chunk &c : packed)
            QVERIFY(c.tokenCount <= 512);
    }

    void extractionUnits()
    {
        using namespace kinbot::knowledge;
        const QString html = QStringLiteral(
            "<html><head><title>T</title><style>body{color:red}</style><script>var secret = 1 < 2;</script></head>"
            "<body><!-- hidden --><h1>Caf&eacute; &amp; Th&#233; &#x263A;</h1><p>First&nbsp;para\n  spans lines.</p>"
            "<div>Second<br>line</div><ul><li>a</li><li>b</li></ul><p>x &lt; y &unknown; 5 < 6</p></body></html>");
        const QString text = htmlToText(html);
        QVERIFY2(text.contains(QStringLiteral("Café & Thé ☺")), qPrintable(text));
        QVERIFY(text.contains("First para spans lines."));
        QVERIFY(text.contains("Second\nline"));
        QVERIFY(text.contains("x < y &unknown; 5 < 6"));
        QVERIFY(!text.contains("secret") && !text.contains("color") && !text.contains("hidden"));
        QVERIFY(text.contains("\n\n")); // blocks are paragraphs
        const QString md = markdownToText("# Title\n\nSee [the docs](http://x.test) and ![logo](l.png) **now**.\n\n> quoted");
        QVERIFY2(md.contains("See the docs and logo now."), qPrintable(md));
        QVERIFY(md.startsWith("Title"));
        QCOMPARE(detectKind("a.PDF", {}, {}), DocKind::Pdf);
        QCOMPARE(detectKind("noext", "text/html; charset=utf-8", {}), DocKind::Html);
        QCOMPARE(detectKind("blob", "application/octet-stream", "%PDF-1.7"), DocKind::Pdf);
        QCOMPARE(detectKind("x.exe", "application/x-msdownload", QByteArray("MZ\0\0", 4)), DocKind::Unknown);
        auto pdf = extractText(DocKind::Pdf, tinyPdf("Hello zeppelin pilots"));
        QVERIFY2(pdf.ok(), pdf.ok() ? "" : qPrintable(pdf.error().message));
        QVERIFY2(pdf->contains("zeppelin"), qPrintable(pdf.value()));
        auto docx = extractText(DocKind::Docx, tinyDocx({"Alpha paragraph", "Beta & gamma"}));
        QVERIFY(docx.ok());
        QCOMPARE(docx.value(), QStringLiteral("Alpha paragraph\n\nBeta & gamma"));
        QVERIFY(!extractText(DocKind::Pdf, "not a pdf").ok());
        QVERIFY(!extractText(DocKind::Docx, "PK not a zip").ok());
        QVERIFY(!extractText(DocKind::Text, QByteArray("bin\0ary", 7)).ok());
    }

    void textSourceIngestsWithProgress()
    {
        auto sse = f->openSse();
        const QJsonObject source = addText("Notes", "The lighthouse keeper logs the weather every morning.\n\nShips pass at dawn.");
        QCOMPARE(source.value("status").toString(), QStringLiteral("pending"));
        QCOMPARE(source.value("type").toString(), QStringLiteral("text"));
        const QString id = source.value("id").toString();
        const QJsonObject done = settled(id);
        const QJsonObject s = done.value("source").toObject();
        QCOMPARE(s.value("status").toString(), QStringLiteral("ready"));
        QCOMPARE(s.value("chunkCount").toInt(), 1);
        QVERIFY(s.value("tokenCount").toInt() > 10);
        QCOMPARE(s.value("metadata").toObject().value("searchMode").toString(), QStringLiteral("hybrid"));
        const QJsonArray chunks = done.value("chunks").toArray();
        QCOMPARE(chunks.size(), 1);
        const QJsonObject c = chunks[0].toObject();
        QVERIFY(c.value("content").toString().contains("lighthouse keeper"));
        QVERIFY(c.value("hasEmbedding").toBool());
        QCOMPARE(c.value("embeddingDimensions").toInt(), 64);
        QVERIFY(!c.contains("embedding")); // no BLOB on the wire (deliberate fix)

        QVERIFY(sse->waitFor([&](const SseFrame &fr) { return isEvent(fr, "knowledge:source-updated", kinId) && fr.data.value("status") == "ready"; }));
        QList<int> progress;
        bool created = false;
        for (const QJsonObject &e : kinEvents(*sse, kinId)) {
            if (e.value("type") == "knowledge:source-created") {
                created = true;
                QCOMPARE(e.value("sourceId").toString(), id);
                QCOMPARE(e.value("name").toString(), QStringLiteral("Notes"));
                QCOMPARE(e.value("sourceType").toString(), QStringLiteral("text")); // not "type": it would mask the event's
            }
            if (e.value("type") == "knowledge:source-updated" && e.contains("progress"))
                progress.append(e.value("progress").toInt());
        }
        QVERIFY(created);
        QVERIFY(progress.size() >= 3);
        QCOMPARE(progress.first(), 0);
        QCOMPARE(progress.last(), 100);
        QVERIFY(std::is_sorted(progress.begin(), progress.end()));
        // Listed, newest first; by slug too.
        const HttpResponse list = f->api->get("/api/kins/" + kinSlug.toUtf8() + "/knowledge");
        QCOMPARE(list.status, 200);
        QCOMPARE(list.json().value("sources").toArray().size(), 1);
        QCOMPARE(list.json().value("sources").toArray()[0].toObject().value("rawContent").toString().left(15), QStringLiteral("The lighthouse "));
    }

    void searchByMeaningAndKeyword()
    {
        const QString a = addText("Garden", "The cat remembers gardens.").value("id").toString();
        const QString b = addText("Music", "An orchestra rehearsal included a xylophone solo, violins, cellos, trumpets, drums, "
                                           "flutes, oboes and a conductor waving energetically at everybody.")
                              .value("id")
                              .toString();
        QCOMPARE(settled(a).value("source").toObject().value("status").toString(), QStringLiteral("ready"));
        QCOMPARE(settled(b).value("source").toObject().value("status").toString(), QStringLiteral("ready"));

        // By meaning: no word of the query is a prefix of the chunk's words ("cats" vs "cat"), so FTS finds nothing;
        // the vectors (shared stems) do.
        const QJsonArray meaning = search("cats remembering");
        QVERIFY(!meaning.isEmpty());
        QCOMPARE(meaning[0].toObject().value("sourceId").toString(), a);
        QVERIFY(meaning[0].toObject().value("content").toString().contains("garden"));
        QVERIFY(meaning[0].toObject().value("score").toDouble() > 0);
        for (const char *key : {"id", "content", "sourceId", "position", "score"})
            QVERIFY(meaning[0].toObject().contains(key));

        // By keyword: one word among twenty is far from the chunk's vector (below the 0.7 threshold), FTS finds it.
        const QJsonArray keyword = search("xylophone", 5, kinSlug.toUtf8());
        QCOMPARE(keyword.size(), 1);
        QCOMPARE(keyword[0].toObject().value("sourceId").toString(), b);

        QCOMPARE(search("submarine periscope").size(), 0);
    }

    void bigDocumentWithProgress()
    {
        // ~5 MB of text in paragraphs, uploaded as a file; a marker word in the middle.
        static const char *vocab[] = {"river", "mountain", "engine", "harvest", "signal", "copper", "lantern", "meadow", "quarry",
                                      "velvet", "orbit", "pepper", "timber", "canyon", "glacier", "saddle", "harbor", "falcon"};
        QRandomGenerator rng(42);
        QByteArray doc;
        doc.reserve(5 * 1024 * 1024 + 4096);
        int paragraph = 0;
        while (doc.size() < 5 * 1024 * 1024) {
            const int n = 40 + int(rng.bounded(120));
            for (int i = 0; i < n; ++i) {
                doc += vocab[rng.bounded(int(std::size(vocab)))];
                doc += ' ';
            }
            if (++paragraph == 4000)
                doc += "quasarmarker ";
            doc += "\n\n";
        }
        auto sse = f->openSse();
        QElapsedTimer t;
        t.start();
        const QJsonObject created = upload("big.txt", doc, "text/plain");
        const QString id = created.value("source").toObject().value("id").toString();
        QVERIFY(!id.isEmpty());
        const QJsonObject done = settled(id, 240000);
        const QJsonObject s = done.value("source").toObject();
        QCOMPARE(s.value("status").toString(), QStringLiteral("ready"));
        const int chunks = s.value("chunkCount").toInt();
        QVERIFY2(chunks > 1500, qPrintable(QString::number(chunks)));
        qInfo("5 MB document: %d chunks in %lld ms (fake embeddings over loopback included)", chunks, t.elapsed());
        QCOMPARE(s.value("type").toString(), QStringLiteral("file"));
        QCOMPARE(s.value("originalFilename").toString(), QStringLiteral("big.txt"));
        QCOMPARE(s.value("metadata").toObject().value("embedding").toObject().value("embedded").toInt(), chunks);
        QVERIFY(s.value("rawContent").isNull());

        QVERIFY(sse->waitFor([&](const SseFrame &fr) { return isEvent(fr, "knowledge:source-updated", kinId) && fr.data.value("status") == "ready"; }));
        int progressEvents = 0;
        for (const QJsonObject &e : kinEvents(*sse, kinId))
            if (e.value("type") == "knowledge:source-updated" && e.value("status") == "processing")
                ++progressEvents;
        QVERIFY2(progressEvents >= 10, qPrintable(QString::number(progressEvents)));

        const QJsonArray hits = search("quasarmarker");
        QVERIFY(hits.size() == 1 || hits.size() == 2); // 2 when it fell in the overlap of two chunks
        QVERIFY(hits[0].toObject().value("content").toString().contains("quasarmarker"));
    }

    void documentFormats()
    {
        const QByteArray html = "<html><head><script>alert('nope')</script><style>p{}</style></head><body>"
                                "<h1>Volcano report</h1><p>Lava &amp; ash reached the village.</p></body></html>";
        const QString h = upload("page.html", html, "text/html").value("source").toObject().value("id").toString();
        const QString m = upload("notes.md", "# Recipe\n\nMix **flour** with [water](http://w.test).\n").value("source").toObject().value("id").toString();
        const QString d = upload("report.docx", tinyDocx({"Quarterly tundra survey", "Reindeer counted: 42"}))
                              .value("source").toObject().value("id").toString();
        const QString p = upload("scan.pdf", tinyPdf("Zeppelin hangar inventory"), "application/pdf").value("source").toObject().value("id").toString();

        const auto content = [&](const QString &id) {
            const QJsonObject done = settled(id);
            const QJsonObject s = done.value("source").toObject();
            if (s.value("status") != "ready")
                qWarning() << s;
            QString all;
            for (const QJsonValue &c : done.value("chunks").toArray())
                all += c.toObject().value("content").toString();
            return all;
        };
        const QString htmlText = content(h);
        QVERIFY2(htmlText.contains("Volcano report") && htmlText.contains("Lava & ash reached the village."), qPrintable(htmlText));
        QVERIFY(!htmlText.contains("alert"));
        QVERIFY2(content(m).contains("Mix flour with water."), qPrintable(content(m)));
        QVERIFY(content(d).contains("Reindeer counted: 42"));
        QVERIFY(content(p).contains("Zeppelin hangar inventory"));
        QCOMPARE(search("reindeer").size(), 1);

        // Unsupported type → 415; a broken PDF fails in processing.
        QCOMPARE(upload("tool.exe", QByteArray("MZ\x90\0\3\0\0\0", 8), "application/x-msdownload", 415).value("status").toInt(), 0);
        const QString broken = upload("broken.pdf", "%PDF-1.4 garbage", "application/pdf").value("source").toObject().value("id").toString();
        const QJsonObject s = settled(broken).value("source").toObject();
        QCOMPARE(s.value("status").toString(), QStringLiteral("error"));
        QVERIFY(!s.value("errorMessage").toString().isEmpty());
    }

    void urlSource()
    {
        // init() turned KINBOT_ALLOW_PRIVATE_NETWORK on for this test only.
        QHttpServer site;
        site.route("/page.html", [] {
            return QHttpServerResponse("text/html; charset=utf-8",
                                       "<html><body><h2>Tide tables</h2><p>High tide at the pier is at noon.</p><script>x()</script></body></html>");
        });
        site.route("/missing", [] { return QHttpServerResponse(QHttpServerResponse::StatusCode::NotFound); });
        const quint16 port = site.listen(QHostAddress::LocalHost);
        QVERIFY(port);
        const QString url = QStringLiteral("http://127.0.0.1:%1/page.html").arg(port);
        const HttpResponse r = f->api->postJson(base(), {{"name", "Tides"}, {"type", "url"}, {"sourceUrl", url}});
        QCOMPARE(r.status, 201);
        const QJsonObject done = settled(r.json().value("source").toObject().value("id").toString());
        const QJsonObject s = done.value("source").toObject();
        QCOMPARE(s.value("status").toString(), QStringLiteral("ready"));
        QCOMPARE(s.value("sourceUrl").toString(), url);
        const QString text = done.value("chunks").toArray()[0].toObject().value("content").toString();
        QVERIFY2(text.contains("High tide at the pier is at noon.") && !text.contains("x()"), qPrintable(text));

        const HttpResponse missing = f->api->postJson(base(), {{"name", "Gone"}, {"type", "url"},
                                                               {"sourceUrl", QStringLiteral("http://127.0.0.1:%1/missing").arg(port)}});
        const QJsonObject m = settled(missing.json().value("source").toObject().value("id").toString()).value("source").toObject();
        QCOMPARE(m.value("status").toString(), QStringLiteral("error"));
        QVERIFY(m.value("errorMessage").toString().contains("404"));
    }

    void urlSourceRefusesPrivateHosts()
    {
        // Default configuration: loopback and LAN are off limits (SSRF).
        QTcpServer listener;
        QVERIFY(listener.listen(QHostAddress::LocalHost));
        for (const QString &url : {QStringLiteral("http://127.0.0.1:%1/x").arg(listener.serverPort()), QStringLiteral("http://192.168.1.10/doc"),
                                   QStringLiteral("http://[::1]:%1/").arg(listener.serverPort())}) {
            const HttpResponse r = f->api->postJson(base(), {{"name", "LAN"}, {"type", "url"}, {"sourceUrl", url}});
            QCOMPARE(r.status, 201);
            const QJsonObject s = settled(r.json().value("source").toObject().value("id").toString()).value("source").toObject();
            QCOMPARE(s.value("status").toString(), QStringLiteral("error"));
            QVERIFY2(s.value("errorMessage").toString().contains("private"), qPrintable(s.value("errorMessage").toString()));
        }
        QVERIFY(!listener.hasPendingConnections());
        const HttpResponse ftp = f->api->postJson(base(), {{"name", "F"}, {"type", "url"}, {"sourceUrl", "ftp://example.test/x"}});
        QCOMPARE(ftp.status, 400);
    }

    void deleteCascades()
    {
        auto sse = f->openSse();
        const QString id = addText("Temp", "Penguins huddle together through the polar winter.").value("id").toString();
        QCOMPARE(settled(id).value("source").toObject().value("status").toString(), QStringLiteral("ready"));
        QCOMPARE(search("penguins").size(), 1);
        Database &db = f->server.platform().database();
        const auto count = [&](const QString &sql, const QVariantList &args) { return db.selectOne(sql, args).value()->at(0).toInt(); };
        QCOMPARE(count("SELECT count(*) FROM knowledge_chunks WHERE source_id = ?", {id}), 1);

        const HttpResponse del = f->api->del(base() + "/" + id.toUtf8());
        QCOMPARE(del.status, 200);
        QCOMPARE(del.json().value("success").toBool(), true);
        QCOMPARE(count("SELECT count(*) FROM knowledge_chunks WHERE source_id = ?", {id}), 0);
        QCOMPARE(count("SELECT count(*) FROM knowledge_chunks_fts WHERE knowledge_chunks_fts MATCH 'penguins'", {}), 0);
        QCOMPARE(search("penguins").size(), 0);
        QCOMPARE(f->api->get(base() + "/" + id.toUtf8()).status, 404);
        QCOMPARE(f->api->del(base() + "/" + id.toUtf8()).json().value("error").toObject().value("code").toString(), QStringLiteral("NOT_FOUND"));
        QVERIFY(sse->waitFor([&](const SseFrame &fr) { return isEvent(fr, "knowledge:source-deleted", kinId) && fr.data.value("sourceId") == id; }));

        // Deleting the Kin takes its sources, chunks, vectors and files.
        const QString file = upload("keep.txt", "Walruses bask on the ice floes.").value("source").toObject().value("id").toString();
        QCOMPARE(settled(file).value("source").toObject().value("status").toString(), QStringLiteral("ready"));
        const int vectorsBefore = f->server.platform().knowledge().indexedVectors();
        QCOMPARE(f->api->del("/api/kins/" + kinId.toUtf8()).status, 200);
        QCOMPARE(count("SELECT count(*) FROM knowledge_sources WHERE kin_id = ?", {kinId}), 0);
        QCOMPARE(count("SELECT count(*) FROM knowledge_chunks WHERE kin_id = ?", {kinId}), 0);
        QCOMPARE(count("SELECT count(*) FROM knowledge_chunks_fts WHERE knowledge_chunks_fts MATCH 'walruses'", {}), 0);
        QCOMPARE(f->server.platform().knowledge().indexedVectors(), vectorsBefore - 1);
        QVERIFY(!QDir(f->server.dataDir() + "/knowledge/" + kinId).exists());
    }

    void reprocessAfterModelChangeReembeds()
    {
        const QString id = addText("Atlas", "Mountains rise above the northern valley.\n\nRivers flow to the southern sea.").value("id").toString();
        const QJsonObject first = settled(id);
        const QString oldTarget = first.value("chunks").toArray()[0].toObject().value("embeddingTarget").toString();
        QVERIFY2(oldTarget.endsWith(":text-embedding-3-small"), qPrintable(oldTarget));

        // Same model: reprocessing reuses the vectors.
        int requests = int(f->fake.embeddingRequests().size());
        QCOMPARE(f->api->request("POST", base() + "/" + id.toUtf8() + "/reprocess").json().value("message").toString(),
                 QStringLiteral("Reprocessing started"));
        QTRY_COMPARE_WITH_TIMEOUT(f->api->get(base() + "/" + id.toUtf8()).json().value("source").toObject().value("metadata").toObject()
                                      .value("embedding").toObject().value("reused").toInt(), 1, 10000);
        QCOMPARE(int(f->fake.embeddingRequests().size()), requests);

        // Another model: the stale vectors are re-embedded with it, and search uses the new space.
        QVERIFY(f->server.platform().settings().set(Setting::EmbeddingModel, QStringLiteral("other-embed")).ok());
        f->fake.setEmbeddingDimensions(32);
        QCOMPARE(f->api->request("POST", base() + "/" + id.toUtf8() + "/reprocess").status, 200);
        QTRY_VERIFY_WITH_TIMEOUT(f->api->get(base() + "/" + id.toUtf8()).json().value("chunks").toArray()[0].toObject()
                                     .value("embeddingTarget").toString().endsWith(":other-embed"), 10000);
        const QJsonObject second = settled(id);
        QCOMPARE(second.value("chunks").toArray()[0].toObject().value("embeddingDimensions").toInt(), 32);
        bool sawModel = false;
        for (const FakeRequest &req : f->fake.embeddingRequests())
            sawModel = sawModel || req.model == "other-embed";
        QVERIFY(sawModel);
        QVERIFY(f->server.platform().knowledge().indexTarget().endsWith(":other-embed"));
        QCOMPARE(search("valleys mountain rising").size(), 1);
        QCOMPARE(f->api->request("POST", base() + "/nope/reprocess").status, 404);
    }

    void ftsOnlyWithoutEmbeddings()
    {
        // The provider can no longer embed: ingestion still succeeds, search runs on FTS alone.
        QVERIFY(f->server.platform().database().run("UPDATE providers SET capabilities = '[\"llm\"]'").ok());
        const QString id = addText("Plain", "Hedgehogs forage for beetles at dusk.").value("id").toString();
        const QJsonObject s = settled(id).value("source").toObject();
        QCOMPARE(s.value("status").toString(), QStringLiteral("ready"));
        const QJsonObject meta = s.value("metadata").toObject();
        QCOMPARE(meta.value("searchMode").toString(), QStringLiteral("fts"));
        QVERIFY(meta.value("embedding").toObject().value("note").toString().contains("embedding", Qt::CaseInsensitive));
        QCOMPARE(search("hedgehogs").size(), 1);
        QCOMPARE(f->fake.embeddingRequests().size(), 0);
    }

    void validation()
    {
        const auto code = [](const HttpResponse &r) { return r.json().value("error").toObject().value("code").toString(); };
        HttpResponse r = f->api->postJson(base(), {{"type", "text"}, {"content", "x"}});
        QCOMPARE(r.status, 400);
        QCOMPARE(code(r), QStringLiteral("INVALID_INPUT"));
        QCOMPARE(f->api->postJson(base(), {{"name", "n"}, {"type", "video"}}).status, 400);
        QCOMPARE(f->api->postJson(base(), {{"name", "n"}, {"type", "text"}}).status, 400);
        QCOMPARE(f->api->postJson(base(), {{"name", "n"}, {"type", "text"}, {"content", 5}}).status, 400);
        QCOMPARE(f->api->postJson(base(), {{"name", QString(201, 'x')}, {"type", "text"}, {"content", "x"}}).status, 400);
        QCOMPARE(f->api->postJson(base(), {{"name", "n"}, {"type", "url"}}).status, 400);
        QCOMPARE(f->api->postJson(base(), {{"name", "n"}, {"type", "url"}, {"sourceUrl", "not a url"}}).status, 400);
        QCOMPARE(f->api->postRaw(base(), "{bad json", "application/json").status, 400);
        QCOMPARE(f->api->postRaw(base(), "--XbX\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nx\r\n--XbX--\r\n",
                                 "multipart/form-data; boundary=XbX").status, 400);
        QCOMPARE(f->api->get(base() + "/search").status, 400);
        QCOMPARE(f->api->get(base() + "/search?q=x&limit=0").status, 400);
        QCOMPARE(f->api->get(base() + "/search?q=x&limit=abc").status, 400);
        r = f->api->get("/api/kins/no-such-kin/knowledge");
        QCOMPARE(r.status, 404);
        QCOMPARE(code(r), QStringLiteral("KIN_NOT_FOUND"));
        r = f->api->get(base() + "/00000000-0000-4000-8000-000000000000");
        QCOMPARE(r.status, 404);
        QCOMPARE(code(r), QStringLiteral("NOT_FOUND"));
        // A source of another Kin is not reachable through this one.
        const QString other = f->addKin("Other", f->addProvider("Second")).value("id").toString();
        const HttpResponse foreign = f->api->postJson("/api/kins/" + other.toUtf8() + "/knowledge", {{"name", "x"}, {"type", "text"}, {"content", "secret llamas"}});
        const QString foreignId = foreign.json().value("source").toObject().value("id").toString();
        QCOMPARE(f->api->get(base() + "/" + foreignId.toUtf8()).status, 404);
        QCOMPARE(f->api->del(base() + "/" + foreignId.toUtf8()).status, 404);
        QCOMPARE(f->server.client().get(base()).status, 401);
    }

    void tools()
    {
        const QString id = addText("Ops manual", "Restart the turbine by holding the green lever for ten seconds.").value("id").toString();
        QCOMPARE(settled(id).value("source").toObject().value("status").toString(), QStringLiteral("ready"));
        const QJsonObject listed = f->runTool("list_knowledge_sources", kinId, {});
        QCOMPARE(listed.value("sources").toArray().size(), 1);
        QCOMPARE(listed.value("sources").toArray()[0].toObject().value("name").toString(), QStringLiteral("Ops manual"));
        const QJsonObject found = f->runTool("search_knowledge", kinId, {{"query", "turbine lever"}});
        QCOMPARE(found.value("results").toArray().size(), 1);
        QVERIFY(found.value("results").toArray()[0].toObject().value("content").toString().contains("green lever"));
        QVERIFY(f->runTool("search_knowledge", kinId, {}).contains("error"));
        const QJsonObject tools = f->api->get("/api/kins/" + kinId.toUtf8() + "/tools").json();
        QVERIFY(QJsonDocument(tools).toJson().contains("search_knowledge"));
    }

    void promptCarriesRelevantKnowledge()
    {
        const QString id = addText("Handbook", "The office wifi password is printed under the blue router.\n\n"
                                               "Lunch is served at half past twelve.").value("id").toString();
        QCOMPARE(settled(id).value("source").toObject().value("status").toString(), QStringLiteral("ready"));
        QCOMPARE(f->send(kinId, "Where is the router wifi password?").status, 202);
        QVERIFY(f->fake.waitForChatRequests(1, 10000));
        const QJsonArray messages = f->fake.chatRequests().first().json.value("messages").toArray();
        const QString system = messages.first().toObject().value("content").toString();
        QVERIFY2(system.contains("## Relevant knowledge\n\n[1] The office wifi password is printed under the blue router."), qPrintable(system));

        // A Kin without sources gets no block.
        const QString plain = f->addKin("Plain", f->addProvider("P2")).value("id").toString();
        QCOMPARE(f->send(plain, "Where is the router wifi password?").status, 202);
        QVERIFY(f->fake.waitForChatRequests(2, 10000));
        QVERIFY(!f->fake.chatRequests().last().json.value("messages").toArray().first().toObject().value("content").toString()
                     .contains("Relevant knowledge"));
    }
};

QTEST_GUILESS_MAIN(TstKnowledge)
#include "tst_knowledge.moc"
