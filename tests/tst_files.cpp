// File storage and public share links (/api/file-storage, /s/:token) over real HTTP.
#include "KinFixture.h"

#include <QDirIterator>
#include <QTcpSocket>

#include <sys/stat.h>
#include <unistd.h>

#include "engine/ToolRegistry.h"

using namespace kinbot::test;

static QByteArray form(const QList<QPair<QByteArray, QByteArray>> &fields, const QByteArray &fileName, const QByteArray &data,
                       const QByteArray &boundary = "XbX")
{
    QByteArray body;
    for (const auto &[name, value] : fields)
        body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n";
    if (!fileName.isNull())
        body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + fileName
                + "\"\r\nContent-Type: application/octet-stream\r\n\r\n" + data + "\r\n";
    return body + "--" + boundary + "--\r\n";
}

struct FilesFixture : KinFixture
{
    QString kinId;
    explicit FilesFixture(const std::function<void(kinbot::ServerConfig &)> &configure = {}) : KinFixture(configure)
    {
        kinId = addKin(QStringLiteral("Keeper"), QString()).value("id").toString();
    }
    QString spoolDir() const { return server.dataDir() + QStringLiteral("/data/spool"); }
    // Spool files are unnamed (O_TMPFILE on Linux: nothing is left behind by a crash), so they are found through the
    // server's open descriptors — the server runs in this process.
    QList<qint64> spoolFileSizes() const
    {
        QList<qint64> sizes;
        const QString prefix = QDir::cleanPath(spoolDir()) + QLatin1Char('/');
        for (const QFileInfo &fd : QDir(QStringLiteral("/proc/self/fd")).entryInfoList(QDir::AllEntries | QDir::System | QDir::NoDotAndDotDot)) {
            char target[4096] = {};
            const ssize_t n = ::readlink(QFile::encodeName(fd.absoluteFilePath()).constData(), target, sizeof target - 1);
            if (n <= 0 || !QString::fromLocal8Bit(target, n).startsWith(prefix))
                continue;
            struct stat st {};
            if (::stat(QFile::encodeName(fd.absoluteFilePath()).constData(), &st) == 0)
                sizes.append(st.st_size);
        }
        return sizes;
    }
    qint64 spooledBytes() const
    {
        qint64 n = 0;
        for (qint64 size : spoolFileSizes())
            n += size;
        return n;
    }
    int spooledFiles() const { return int(spoolFileSizes().size() + QDir(spoolDir()).entryList(QDir::Files).size()); }
    // The head of a multipart upload to /api/file-storage, as this admin sends it.
    QByteArray uploadHead(qint64 length, const QByteArray &extra = {}) const
    {
        return "POST /api/file-storage HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: " + admin.cookie + "\r\nOrigin: " + api->origin()
               + "\r\nContent-Type: multipart/form-data; boundary=XbX\r\nContent-Length: " + QByteArray::number(length) + "\r\n"
               + extra + "\r\n";
    }
    HttpResponse upload(const QList<QPair<QByteArray, QByteArray>> &extra, const QByteArray &name = "a.txt",
                        const QByteArray &data = "hello file")
    {
        QList<QPair<QByteArray, QByteArray>> fields{{"kinId", kinId.toUtf8()}};
        fields += extra;
        return api->postRaw("/api/file-storage", form(fields, name, data), "multipart/form-data; boundary=XbX");
    }
    static QByteArray tokenPath(const QJsonObject &file)
    {
        const QString url = file.value("url").toString();
        return url.mid(url.indexOf(QStringLiteral("/s/"))).toUtf8();
    }
};

class TstFiles final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void passwordProtectedLinkWithExpiry()
    {
        FilesFixture f;
        HttpResponse r = f.upload({{"password", "pw"}, {"expiresIn", "60"}});
        QCOMPARE(r.status, 201);
        const QJsonObject file = r.json().value("file").toObject();
        QVERIFY(file.value("url").toString().startsWith(QStringLiteral("http://localhost:%1/s/").arg(f.server.port())));
        QCOMPARE(file.value("hasPassword").toBool(), true);
        QCOMPARE(qint64(file.value("expiresAt").toDouble()), f.server.clock().nowMs() + 3600000);
        QCOMPARE(file.value("name").toString(), QStringLiteral("a.txt"));
        QCOMPARE(file.value("mimeType").toString(), QStringLiteral("text/plain"));
        const QByteArray link = FilesFixture::tokenPath(file);

        HttpClient anon = f.server.client();
        QCOMPARE(anon.get(link).status, 401);
        QCOMPARE(anon.get(link).errorCode(), QStringLiteral("PASSWORD_REQUIRED"));
        r = anon.postJson(link, {{"password", "x"}});
        QCOMPARE(r.status, 401);
        QCOMPARE(r.errorCode(), QStringLiteral("INVALID_PASSWORD"));
        QCOMPARE(anon.postRaw(link, "pw", "text/plain").errorCode(), QStringLiteral("INVALID_BODY"));
        QCOMPARE(anon.postJson(link, {}).errorCode(), QStringLiteral("PASSWORD_REQUIRED"));
        r = anon.postJson(link, {{"password", "pw"}});
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body, QByteArray("hello file"));
        QCOMPARE(r.header("content-disposition"), QByteArray("attachment; filename=\"a.txt\""));
        QCOMPARE(r.header("cache-control"), QByteArray("no-store"));
        QCOMPARE(f.api->get("/api/file-storage/" + file.value("id").toString().toUtf8()).json().value("file").toObject().value("downloadCount").toInt(), 1);

        // Guessing is slowed down: after 5 wrong passwords the link answers 429 for a while.
        for (int i = 0; i < 5; ++i)
            QCOMPARE(anon.postJson(link, {{"password", "guess"}}).status, 401);
        r = anon.postJson(link, {{"password", "pw"}});
        QCOMPARE(r.status, 429);
        QVERIFY(r.header("retry-after").toInt() > 0);
        f.server.clock().advanceMs(16 * 60 * 1000);
        QCOMPARE(anon.postJson(link, {{"password", "pw"}}).status, 200);

        // Unknown links 404; after the expiry 410 and the bytes are gone.
        QCOMPARE(anon.get("/s/00000000-0000-4000-8000-000000000000").status, 404);
        f.server.clock().advanceMs(61 * 60 * 1000);
        r = anon.postJson(link, {{"password", "pw"}});
        QCOMPARE(r.status, 410);
        QCOMPARE(r.errorCode(), QStringLiteral("DOWNLOAD_ERROR"));
        QCOMPARE(anon.get(link).status, 404);
        QCOMPARE(f.api->get("/api/file-storage/" + file.value("id").toString().toUtf8()).status, 404);
        QVERIFY(QDir(f.server.dataDir() + "/data/storage/" + f.kinId).entryList(QDir::Files).isEmpty());
        // The password itself is nowhere in the data dir.
        QDirIterator it(f.server.dataDir(), QDir::Files, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            QFile file(it.next());
            QVERIFY(file.open(QIODevice::ReadOnly));
            QVERIFY2(!file.readAll().contains("\"pw\""), qPrintable(it.filePath()));
        }
    }

    void privateFilesNeedASignedInUser()
    {
        FilesFixture f;
        const QJsonObject file = f.upload({{"isPublic", "false"}}).json().value("file").toObject();
        QCOMPARE(file.value("isPublic").toBool(), false);
        const QByteArray link = FilesFixture::tokenPath(file);
        QCOMPARE(f.server.client().get(link).status, 404); // the reference serves it to anyone
        QCOMPARE(f.api->get(link).status, 200);
        QCOMPARE(f.api->patchJson("/api/file-storage/" + file.value("id").toString().toUtf8(), {{"isPublic", true}}).status, 200);
        QCOMPARE(f.server.client().get(link).status, 200);
    }

    void readAndBurn()
    {
        FilesFixture f;
        const QJsonObject file = f.upload({{"readAndBurn", "true"}}).json().value("file").toObject();
        const QByteArray link = FilesFixture::tokenPath(file);
        QCOMPARE(f.server.client().get(link).body, QByteArray("hello file"));
        QTRY_COMPARE_WITH_TIMEOUT(f.server.client().get(link).status, 404, 9000);
    }

    void kinsStoreAndShareTheirFiles()
    {
        FilesFixture f;
        const QJsonObject kin = f.api->get("/api/kins/" + f.kinId.toUtf8()).json();
        QFile report(kin.value("workspacePath").toString() + "/report.csv");
        QVERIFY(report.open(QIODevice::WriteOnly));
        report.write("a,b\n1,2\n");
        report.close();

        QJsonObject r = f.runTool("store_file", f.kinId, {{"path", "report.csv"}, {"description", "numbers"}, {"password", "s3cret"}});
        QVERIFY2(!r.contains("error"), qPrintable(r.value("error").toString()));
        const QJsonObject stored = r.value("file").toObject();
        QCOMPARE(stored.value("originalName").toString(), QStringLiteral("report.csv"));
        QCOMPARE(stored.value("hasPassword").toBool(), true);
        QCOMPARE(stored.value("createdByKinId").toString(), f.kinId);
        const QByteArray link = FilesFixture::tokenPath(stored);
        QCOMPARE(f.server.client().postJson(link, {{"password", "s3cret"}}).body, QByteArray("a,b\n1,2\n"));

        // Outside the workspace is refused, whatever the spelling.
        for (const char *path : {"../../kinbot.db", "/etc/passwd", "tools/../../../.encryption-key"})
            QVERIFY(f.runTool("store_file", f.kinId, {{"path", path}}).value("error").toString().contains("inside your workspace"));
        QVERIFY(f.runTool("store_file", f.kinId, {}).contains("error"));

        r = f.runTool("store_file", f.kinId, {{"content", "remember the milk"}, {"fileName", "todo.txt"}, {"expiresIn", 30}});
        QCOMPARE(r.value("file").toObject().value("name").toString(), QStringLiteral("todo.txt"));
        QCOMPARE(f.runTool("list_stored_files", f.kinId, {}).value("files").toArray().size(), 2);
        QCOMPARE(f.runTool("search_stored_files", f.kinId, {{"query", "NUMBERS"}}).value("files").toArray().size(), 1);
        const QString id = stored.value("id").toString();
        r = f.runTool("update_stored_file", f.kinId, {{"id", id}, {"password", ""}, {"name", "Q3 report"}});
        QCOMPARE(r.value("file").toObject().value("hasPassword").toBool(), false);
        QCOMPARE(f.server.client().get(link).status, 200);
        QCOMPARE(f.runTool("get_stored_file", f.kinId, {{"id", id}}).value("file").toObject().value("name").toString(), QStringLiteral("Q3 report"));

        // Another Kin cannot see or touch them.
        const QString other = f.addKin(QStringLiteral("Other"), QString()).value("id").toString();
        QVERIFY(f.runTool("get_stored_file", other, {{"id", id}}).contains("error"));
        QVERIFY(f.runTool("delete_stored_file", other, {{"id", id}}).contains("error"));
        QCOMPARE(f.runTool("list_stored_files", other, {}).value("files").toArray().size(), 0);
        QCOMPARE(f.runTool("delete_stored_file", f.kinId, {{"id", id}}).value("success").toBool(), true);
        QCOMPARE(f.server.client().get(link).status, 404);
    }

    void oversizedUploadsAreRefusedFromTheHeaders()
    {
        FilesFixture f;
        // 300 MB announced for a 101 MB route: answered 413 as soon as the headers are in, whatever follows.
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, f.server.port());
        QVERIFY(socket.waitForConnected(3000));
        socket.write("POST /api/file-storage HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: " + f.admin.cookie + "\r\nOrigin: "
                     + f.api->origin() + "\r\nContent-Type: multipart/form-data; boundary=XbX\r\nContent-Length: 314572800\r\n\r\n");
        const QByteArray chunk(1024 * 1024, 'z');
        for (int i = 0; i < 16 && socket.state() == QAbstractSocket::ConnectedState; ++i) {
            socket.write(chunk);
            QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
        }
        QByteArray answer;
        QTRY_VERIFY_WITH_TIMEOUT((answer += socket.readAll()).contains("\r\n\r\n{"), 5000);
        QVERIFY2(answer.startsWith("HTTP/1.1 413"), answer.left(80).constData());
        QVERIFY(answer.contains("PAYLOAD_TOO_LARGE"));
        QTRY_VERIFY_WITH_TIMEOUT(socket.state() == QAbstractSocket::UnconnectedState, 5000);
        QVERIFY(QDir(f.server.dataDir() + "/data/storage").entryList(QDir::AllEntries | QDir::NoDotAndDotDot).isEmpty());

        // A chunked body that grows past the route's limit (8 MiB by default) is cut off the same way.
        QTcpSocket chunked;
        chunked.connectToHost(QHostAddress::LocalHost, f.server.port());
        QVERIFY(chunked.waitForConnected(3000));
        chunked.write("PATCH /api/me HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: " + f.admin.cookie + "\r\nOrigin: " + f.api->origin()
                      + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
        answer.clear();
        for (int i = 0; i < 12 && !answer.contains("413"); ++i) {
            chunked.write(QByteArray::number(chunk.size(), 16) + "\r\n" + chunk + "\r\n");
            QTest::qWait(20);
            answer += chunked.readAll();
        }
        QTRY_VERIFY_WITH_TIMEOUT((answer += chunked.readAll()).contains("413"), 5000);
        // The server is fine afterwards.
        QCOMPARE(f.api->get("/api/me").status, 200);
    }

    void bigUploadsGoToDiskAsTheyArrive()
    {
        FilesFixture f;
        QByteArray payload(24 * 1024 * 1024, Qt::Uninitialized);
        for (qsizetype i = 0; i < payload.size(); ++i)
            payload[i] = char((i * 7 + i / 4096) & 0xff);
        const QByteArray body = form({{"kinId", f.kinId.toUtf8()}, {"isPublic", "true"}}, "big.bin", payload);

        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, f.server.port());
        QVERIFY(socket.waitForConnected(3000));
        socket.write(f.uploadHead(body.size(), "Expect: 100-continue\r\n"));
        QByteArray answer;
        QTRY_VERIFY_WITH_TIMEOUT((answer += socket.readAll()).contains("\r\n\r\n"), 5000);
        QCOMPARE(answer, QByteArray("HTTP/1.1 100 Continue\r\n\r\n"));
        answer.clear();

        // Half the body in: it is on disk already, while the request is still incomplete.
        const qsizetype half = body.size() / 2;
        socket.write(body.left(half));
        QTRY_VERIFY_WITH_TIMEOUT(f.spooledBytes() >= half, 10000);
        QCOMPARE(f.spooledFiles(), 1);
        QVERIFY(socket.readAll().isEmpty()); // no answer before the body is complete

        socket.write(body.mid(half));
        QTRY_VERIFY_WITH_TIMEOUT(socket.state() == QAbstractSocket::UnconnectedState
                                     || ((answer += socket.readAll()).contains("\r\n\r\n") && answer.endsWith("}}")),
                                 10000);
        answer += socket.readAll();
        QVERIFY2(answer.startsWith("HTTP/1.1 201"), answer.left(200).constData());
        QVERIFY(answer.toLower().contains("connection: close") || socket.state() != QAbstractSocket::ConnectedState);
        const QJsonObject file = QJsonDocument::fromJson(answer.mid(answer.indexOf("\r\n\r\n") + 4)).object().value("file").toObject();
        QCOMPARE(file.value("size").toInteger(), payload.size());
        QTRY_COMPARE_WITH_TIMEOUT(f.spooledFiles(), 0, 5000); // the spool file goes with the request

        // The stored bytes are the uploaded ones.
        const HttpResponse download = f.server.client().get(FilesFixture::tokenPath(file));
        QCOMPARE(download.status, 200);
        QVERIFY(download.body == payload);

        // Small uploads to the same route stay on the ordinary (keep-alive) path.
        QCOMPARE(f.upload({}, "small.txt", "tiny").status, 201);
        QCOMPARE(f.spooledFiles(), 0);
    }

    void refusedUploadsNeverReachTheDisk()
    {
        FilesFixture f;
        const QByteArray body = form({{"kinId", f.kinId.toUtf8()}}, "big.bin", QByteArray(3 * 1024 * 1024, 'x'));
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, f.server.port());
        QVERIFY(socket.waitForConnected(3000));
        // No credentials: 401 from the head alone; nothing is spooled.
        socket.write("POST /api/file-storage HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; boundary=XbX\r\n"
                     "Content-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body.left(1024 * 1024));
        QByteArray answer;
        QTRY_VERIFY_WITH_TIMEOUT((answer += socket.readAll()).contains("\r\n\r\n{"), 5000);
        QVERIFY2(answer.startsWith("HTTP/1.1 401"), answer.left(80).constData());
        QTRY_VERIFY_WITH_TIMEOUT(socket.state() == QAbstractSocket::UnconnectedState, 5000);
        QCOMPARE(f.spooledBytes(), 0);

        // A bad multipart body that was spooled gets the parser's 400, and its spool file is gone afterwards.
        const QByteArray junk(2 * 1024 * 1024, 'j');
        QTcpSocket bad;
        bad.connectToHost(QHostAddress::LocalHost, f.server.port());
        QVERIFY(bad.waitForConnected(3000));
        bad.write(f.uploadHead(junk.size()) + junk);
        answer.clear();
        QTRY_VERIFY_WITH_TIMEOUT((answer += bad.readAll()).contains("\r\n\r\n{"), 5000);
        QVERIFY2(answer.startsWith("HTTP/1.1 400"), answer.left(80).constData());
        QVERIFY(answer.contains("INVALID_MULTIPART"));
        QTRY_COMPARE_WITH_TIMEOUT(f.spooledFiles(), 0, 5000);
    }

    void stalledUploadsTimeOut()
    {
        FilesFixture f([](kinbot::ServerConfig &c) { c.uploadIdleMs = 300; });
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, f.server.port());
        QVERIFY(socket.waitForConnected(3000));
        socket.write(f.uploadHead(4 * 1024 * 1024) + QByteArray(1024 * 1024 + 10, 'a'));
        QTRY_VERIFY_WITH_TIMEOUT(f.spooledBytes() > 1024 * 1024, 5000);
        QByteArray answer;
        QTRY_VERIFY_WITH_TIMEOUT((answer += socket.readAll()).contains("\r\n\r\n{"), 5000);
        QVERIFY2(answer.startsWith("HTTP/1.1 408"), answer.left(80).constData());
        QVERIFY(answer.contains("REQUEST_TIMEOUT"));
        QTRY_VERIFY_WITH_TIMEOUT(socket.state() == QAbstractSocket::UnconnectedState, 5000);
        QTRY_COMPARE_WITH_TIMEOUT(f.spooledFiles(), 0, 5000);
        QCOMPARE(f.api->get("/api/file-storage").status, 200);
    }

    void headsArrivingInPiecesAreJudgedWhole()
    {
        FilesFixture f;
        const auto sendInPieces = [](QTcpSocket &socket, const QByteArray &bytes, const QList<qsizetype> &cuts) {
            qsizetype at = 0;
            for (qsizetype cut : cuts) {
                socket.write(bytes.mid(at, cut - at));
                socket.flush();
                QTest::qWait(60); // each piece reaches the server on its own
                at = cut;
            }
            socket.write(bytes.mid(at));
        };
        const auto readAnswer = [](QTcpSocket &socket) {
            QByteArray answer;
            [&] { QTRY_VERIFY_WITH_TIMEOUT((answer += socket.readAll()).contains("}"), 10000); }();
            return answer;
        };

        // An ordinary request whose head comes in three pieces, then a second one on the same connection.
        QTcpSocket plain;
        plain.connectToHost(QHostAddress::LocalHost, f.server.port());
        QVERIFY(plain.waitForConnected(3000));
        const QByteArray json = R"({"pseudonym":"ada2"})";
        const QByteArray patch = "PATCH /api/me HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: " + f.admin.cookie + "\r\nOrigin: " + f.api->origin()
                                 + "\r\nContent-Type: application/json\r\nContent-Length: " + QByteArray::number(json.size()) + "\r\n\r\n" + json;
        sendInPieces(plain, patch, {10, 40});
        QByteArray answer = readAnswer(plain);
        QVERIFY2(answer.startsWith("HTTP/1.1 200"), answer.left(80).constData());
        QVERIFY(answer.contains("ada2"));
        plain.write("GET /api/me HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: " + f.admin.cookie + "\r\n\r\n");
        answer = readAnswer(plain);
        QVERIFY2(answer.startsWith("HTTP/1.1 200"), answer.left(80).constData());

        // An oversized body announced by a head in pieces: still 413.
        QTcpSocket huge;
        huge.connectToHost(QHostAddress::LocalHost, f.server.port());
        QVERIFY(huge.waitForConnected(3000));
        sendInPieces(huge, f.uploadHead(300 * 1024 * 1024), {30, 90});
        answer = readAnswer(huge);
        QVERIFY2(answer.startsWith("HTTP/1.1 413"), answer.left(80).constData());

        // A big upload whose head comes in pieces is still spooled and stored.
        const QByteArray payload(2 * 1024 * 1024, 'p');
        const QByteArray body = form({{"kinId", f.kinId.toUtf8()}}, "pieces.bin", payload);
        QTcpSocket upload;
        upload.connectToHost(QHostAddress::LocalHost, f.server.port());
        QVERIFY(upload.waitForConnected(3000));
        const QByteArray head = f.uploadHead(body.size());
        sendInPieces(upload, head + body, {25, head.size() - 5});
        answer = readAnswer(upload);
        QVERIFY2(answer.startsWith("HTTP/1.1 201"), answer.left(200).constData());
        QVERIFY(answer.contains("pieces.bin"));
    }

    void crudAndValidation()
    {
        FilesFixture f;
        QCOMPARE(f.api->postRaw("/api/file-storage", form({}, "a.txt", "x"), "multipart/form-data; boundary=XbX").errorCode(),
                 QStringLiteral("VALIDATION_ERROR"));
        QCOMPARE(f.upload({}, "empty.txt", "").errorCode(), QStringLiteral("UPLOAD_ERROR"));
        QCOMPARE(f.api->postRaw("/api/file-storage", form({{"kinId", f.kinId.toUtf8()}}, QByteArray(), {}), "multipart/form-data; boundary=XbX")
                     .errorCode(),
                 QStringLiteral("UPLOAD_ERROR"));
        QCOMPARE(f.upload({{"expiresIn", "soon"}}).errorCode(), QStringLiteral("VALIDATION_ERROR"));
        QCOMPARE(f.api->postRaw("/api/file-storage", form({{"kinId", "ghost"}}, "a.txt", "x"), "multipart/form-data; boundary=XbX").errorCode(),
                 QStringLiteral("KIN_NOT_FOUND"));

        // A hostile file name never leaves the Kin's storage folder.
        const QJsonObject evil = f.upload({{"name", "Report"}, {"description", "Q3"}}, "../../../evil.sh", "#!/bin/sh").json().value("file").toObject();
        QCOMPARE(evil.value("originalName").toString(), QStringLiteral("evil.sh"));
        QCOMPARE(evil.value("name").toString(), QStringLiteral("Report"));
        QVERIFY(QFileInfo::exists(f.server.dataDir() + "/data/storage/" + f.kinId + "/" + evil.value("id").toString() + ".sh"));
        QCOMPARE(f.api->get("/s/..%2F..%2Fkinbot.db").status, 400);

        const QJsonObject second = f.upload({}, "b.txt", "bee").json().value("file").toObject();
        const QJsonArray list = f.api->get("/api/file-storage?kinId=" + f.kinId.toUtf8()).json().value("files").toArray();
        QCOMPARE(list.size(), 2);
        QCOMPARE(list[0].toObject().value("id"), second.value("id")); // newest first
        QCOMPARE(f.api->get("/api/file-storage?kinId=ghost").errorCode(), QStringLiteral("KIN_NOT_FOUND"));

        const QByteArray id = evil.value("id").toString().toUtf8();
        HttpResponse r = f.api->patchJson("/api/file-storage/" + id, {{"name", "Renamed"}, {"password", "secret"}, {"expiresIn", 5}});
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json().value("file").toObject().value("hasPassword").toBool(), true);
        QCOMPARE(qint64(r.json().value("file").toObject().value("expiresAt").toDouble()), f.server.clock().nowMs() + 5 * 60000);
        r = f.api->patchJson("/api/file-storage/" + id, {{"password", QJsonValue()}, {"expiresIn", QJsonValue()}});
        QCOMPARE(r.json().value("file").toObject().value("hasPassword").toBool(), false);
        QVERIFY(r.json().value("file").toObject().value("expiresAt").isNull());
        QCOMPARE(f.api->patchJson("/api/file-storage/" + id, {{"isPublic", "yes"}}).errorCode(), QStringLiteral("VALIDATION_ERROR"));
        QCOMPARE(f.api->patchJson("/api/file-storage/" + id, {{"name", ""}}).errorCode(), QStringLiteral("VALIDATION_ERROR"));
        QCOMPARE(f.api->del("/api/file-storage/" + id).status, 200);
        QCOMPARE(f.api->del("/api/file-storage/" + id).errorCode(), QStringLiteral("FILE_NOT_FOUND"));
        QCOMPARE(f.server.client().get("/api/file-storage").status, 401);

        // Deleting the Kin deletes its stored files.
        QCOMPARE(f.api->del("/api/kins/" + f.kinId.toUtf8()).status, 200);
        QVERIFY(!QFileInfo::exists(f.server.dataDir() + "/data/storage/" + f.kinId));
        QCOMPARE(f.server.client().get(FilesFixture::tokenPath(second)).status, 404);
    }
};

QTEST_GUILESS_MAIN(TstFiles)
#include "tst_files.moc"
