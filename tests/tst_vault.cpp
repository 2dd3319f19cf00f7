// The Vault: /api/vault routes over real HTTP, encryption at rest (round trip, tamper, wrong key), attachments,
// secrets kept out of the data dir, logs and SSE.
#include "KinFixture.h"

#include "crypto/SecretBox.h"
#include "util/Ids.h"
#include "vault/VaultService.h"

#include <QDirIterator>
#include <QTemporaryDir>

using namespace kinbot::test;

namespace {

QByteArray path(const QString &p)
{
    return p.toUtf8();
}

QByteArray multipart(const QByteArray &boundary, const QString &fileName, const QByteArray &mime, const QByteArray &data,
                     const QByteArray &field = "file")
{
    QByteArray body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + field + "\"";
    if (!fileName.isNull())
        body += "; filename=\"" + fileName.toUtf8() + "\"";
    body += "\r\n";
    if (!mime.isEmpty())
        body += "Content-Type: " + mime + "\r\n";
    body += "\r\n" + data + "\r\n--" + boundary + "--\r\n";
    return body;
}

HttpResponse upload(HttpClient &api, const QString &entryId, const QString &fileName, const QByteArray &mime, const QByteArray &data)
{
    const QByteArray boundary = "----kinbotVaultBoundary7MA4YWxk";
    return api.postRaw("/api/vault/entries/" + entryId.toUtf8() + "/attachments", multipart(boundary, fileName, mime, data),
                       "multipart/form-data; boundary=" + boundary);
}

// Every byte of every file under dir (the SQLite file, its WAL and SHM, attachment files, the key file).
QByteArray allFileBytes(const QString &dir, QStringList *names = nullptr)
{
    QByteArray all;
    QDirIterator it(dir, QDir::Files | QDir::Hidden | QDir::System, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString file = it.next();
        QFile f(file);
        if (f.open(QIODevice::ReadOnly))
            all += f.readAll();
        if (names)
            names->append(QDir(dir).relativeFilePath(file));
    }
    return all;
}

QByteArray sseText(const SseClient &sse)
{
    QByteArray out;
    for (const SseFrame &f : sse.frames())
        out += f.event + ' ' + QJsonDocument(f.data).toJson(QJsonDocument::Compact) + '\n';
    return out;
}

QByteArray compact(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

QString createEntry(HttpClient &api, const QString &key, const QString &type, const QJsonValue &value)
{
    const HttpResponse r = api.postJson("/api/vault/entries", {{"key", key}, {"entryType", type}, {"value", value}});
    if (r.status != 201)
        qWarning() << "entry create:" << r.status << r.body;
    return r.json().value("entry").toObject().value("id").toString();
}

const QString kKey1 = QString(64, QLatin1Char('a'));
const QString kKey2 = QStringLiteral("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");

} // namespace

class TstVault final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void secretBoxForms()
    {
        const kinbot::SecretBox box(QByteArray(32, '\x42'));
        const kinbot::SecretBox other(QByteArray(32, '\x43'));
        // Raw: nonce(12) ‖ ciphertext ‖ tag(16), a fresh nonce each time, bound to its context.
        const QByteArray plain = "a value";
        const QByteArray a = box.sealRaw(plain, "vault:1");
        const QByteArray b = box.sealRaw(plain, "vault:1");
        QCOMPARE(a.size(), 12 + plain.size() + 16);
        QVERIFY(a != b);
        QCOMPARE(box.openRaw(a, "vault:1").value(), plain);
        QVERIFY(!box.openRaw(a, "vault:2"));
        QVERIFY(!box.openRaw(a));
        QVERIFY(!other.openRaw(a, "vault:1"));
        QVERIFY(!box.openRaw(a.left(27), "vault:1"));
        for (int i = 0; i < a.size(); ++i) {
            QByteArray flipped = a;
            flipped[i] = char(flipped[i] ^ 0x04);
            QVERIFY2(!box.openRaw(flipped, "vault:1"), qPrintable(QString::number(i)));
        }
        QCOMPARE(box.openRaw(box.sealRaw(QByteArray(), "c"), "c").value(), QByteArray());
        // Versioned base64 form (provider configs) unchanged: version byte 1 first.
        const QString sealed = box.seal(plain, "provider:x");
        const QByteArray decoded = QByteArray::fromBase64(sealed.toLatin1());
        QCOMPARE(decoded.size(), 1 + 12 + plain.size() + 16);
        QCOMPARE(decoded.at(0), char(1));
        QCOMPARE(box.open(sealed, "provider:x").value(), plain);
        QCOMPARE(box.openRaw(decoded.mid(1), "provider:x").value(), plain);
        QVERIFY(!box.open(QString::fromLatin1(decoded.mid(1).toBase64()), "provider:x"));
        QVERIFY(!box.open(QStringLiteral("%%%"), "provider:x"));
    }

    void legacySecretRoutes()
    {
        KinFixture f;
        HttpClient &api = *f.api;
        QCOMPARE(api.get("/api/vault").json().value("secrets").toArray().size(), 0);

        HttpResponse r = api.postJson("/api/vault", {{"key", "GITHUB_TOKEN"}, {"value", "ghp_legacyValue123"}, {"description", "CI token"}});
        QCOMPARE(r.status, 201);
        const QJsonObject secret = r.json().value("secret").toObject();
        const QString id = secret.value("id").toString();
        QVERIFY(kinbot::ids::isUuid(id));
        QCOMPARE(secret.value("key").toString(), QStringLiteral("GITHUB_TOKEN"));
        QVERIFY(secret.value("createdAt").toString().endsWith('Z'));
        QVERIFY(!r.body.contains("ghp_legacyValue123"));

        QCOMPARE(api.postJson("/api/vault", {{"key", "GITHUB_TOKEN"}, {"value", "x"}}).errorCode(), QStringLiteral("DUPLICATE_KEY"));
        r = api.postJson("/api/vault", {{"key", "NO_VALUE"}});
        QCOMPARE(r.status, 400);
        QCOMPARE(r.errorCode(), QStringLiteral("INVALID_INPUT"));
        QCOMPARE(api.postJson("/api/vault", {{"key", ""}, {"value", "v"}}).status, 400);
        QCOMPARE(api.postJson("/api/vault", {{"key", "K"}, {"value", 42}}).status, 400);
        QCOMPARE(api.postJson("/api/vault", {{"key", "A{{B}}"}, {"value", "v"}}).errorCode(), QStringLiteral("INVALID_INPUT"));
        QCOMPARE(api.postJson("/api/vault", {{"key", QString(201, QLatin1Char('k'))}, {"value", "v"}}).status, 400);
        r = api.postRaw("/api/vault", "{bad");
        QCOMPARE(r.status, 400);
        QCOMPARE(r.errorCode(), QStringLiteral("INVALID_JSON"));

        // The list never holds values.
        r = api.get("/api/vault");
        const QJsonArray list = r.json().value("secrets").toArray();
        QCOMPARE(list.size(), 1);
        const QJsonObject item = list[0].toObject();
        QCOMPARE(item.value("key").toString(), QStringLiteral("GITHUB_TOKEN"));
        QCOMPARE(item.value("description").toString(), QStringLiteral("CI token"));
        QCOMPARE(item.value("entryType").toString(), QStringLiteral("text"));
        QCOMPARE(item.value("isFavorite").toBool(), false);
        QVERIFY(item.value("createdByKinId").isNull());
        QVERIFY(!item.contains("value"));
        QVERIFY(!r.body.contains("ghp_legacyValue123"));

        r = api.patchJson("/api/vault/" + path(id), {{"key", "GH_TOKEN"}, {"value", "ghp_rotated456"}, {"description", QJsonValue()}});
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json().value("secret").toObject().value("key").toString(), QStringLiteral("GH_TOKEN"));
        QVERIFY(r.json().value("secret").toObject().contains("updatedAt"));
        r = api.get("/api/vault/entries/" + path(id));
        QCOMPARE(r.json().value("value").toString(), QStringLiteral("ghp_rotated456"));
        QVERIFY(api.get("/api/vault").json().value("secrets").toArray()[0].toObject().value("description").isNull());

        api.postJson("/api/vault", {{"key", "OTHER"}, {"value", "o"}});
        QCOMPARE(api.patchJson("/api/vault/" + path(id), {{"key", "OTHER"}}).errorCode(), QStringLiteral("DUPLICATE_KEY"));
        QCOMPARE(api.patchJson("/api/vault/" + path(id), {{"value", ""}}).status, 400);
        QCOMPARE(api.patchJson("/api/vault/" + path(id), {{"description", 5}}).status, 400);
        r = api.patchJson("/api/vault/nope", {{"value", "v"}});
        QCOMPARE(r.status, 404);
        QCOMPARE(r.errorCode(), QStringLiteral("SECRET_NOT_FOUND"));

        QCOMPARE(api.del("/api/vault/" + path(id)).json().value("success").toBool(), true);
        QCOMPARE(api.del("/api/vault/" + path(id)).errorCode(), QStringLiteral("SECRET_NOT_FOUND"));
        QCOMPARE(api.get("/api/vault").json().value("secrets").toArray().size(), 1);

        // Members only.
        QCOMPARE(f.server.client().get("/api/vault").status, 401);
        QCOMPARE(f.server.client().get("/api/vault/entries").status, 401);
        TestUser stranger = f.server.signUp(QStringLiteral("stranger@example.test"));
        QCOMPARE(f.server.clientFor(stranger).get("/api/vault/entries").errorCode(), QStringLiteral("PROFILE_REQUIRED"));
    }

    // rest.md acceptance check 18, then the rest of the entry routes.
    void typedEntriesRoundTrip()
    {
        KinFixture f;
        HttpClient &api = *f.api;
        const QJsonObject credential{{"username", "u"}, {"password", "p"}};
        HttpResponse r = api.postJson("/api/vault/entries", {{"key", "gh"}, {"entryType", "credential"}, {"value", credential}});
        QCOMPARE(r.status, 201);
        const QJsonObject entry = r.json().value("entry").toObject();
        const QString id = entry.value("id").toString();
        QCOMPARE(entry.value("key").toString(), QStringLiteral("gh"));
        QCOMPARE(entry.value("entryType").toString(), QStringLiteral("credential"));
        QVERIFY(entry.value("createdAt").toString().endsWith('Z'));
        QCOMPARE(api.postJson("/api/vault/entries", {{"key", "gh"}, {"entryType", "credential"}, {"value", credential}}).errorCode(),
                 QStringLiteral("DUPLICATE_KEY"));

        r = api.get("/api/vault/entries");
        const QJsonObject item = r.json().value("entries").toArray()[0].toObject();
        QCOMPARE(item.value("attachmentCount").toInt(), 0);
        QVERIFY(!item.contains("value"));
        QVERIFY(!r.body.contains("\"password\""));

        r = api.get("/api/vault/entries/" + path(id));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json().value("entryType").toString(), QStringLiteral("credential"));
        QCOMPARE(r.json().value("value").toObject(), credential);
        QCOMPARE(r.header("Cache-Control"), QByteArray("no-store"));

        // The column holds base64(nonce ‖ ciphertext ‖ tag): 12 + plaintext + 16 bytes.
        auto row = f.server.platform().database().selectOne(QStringLiteral("SELECT encrypted_value FROM vault_secrets WHERE id = ?"), {id});
        QVERIFY(row && row.value());
        const QByteArray raw = QByteArray::fromBase64(row.value()->at(0).toString().toLatin1(), QByteArray::AbortOnBase64DecodingErrors);
        QCOMPARE(raw.size(), 12 + compact(credential).size() + 16);
        QVERIFY(!raw.contains("\"u\""));

        // The same value sealed twice never gives the same bytes (fresh nonce per value).
        const QString id2 = createEntry(api, "gh2", "credential", credential);
        auto row2 = f.server.platform().database().selectOne(QStringLiteral("SELECT encrypted_value FROM vault_secrets WHERE id = ?"), {id2});
        QVERIFY(row2.value()->at(0).toString() != row.value()->at(0).toString());
        QVERIFY(QByteArray::fromBase64(row2.value()->at(0).toString().toLatin1()).left(12) != raw.left(12));

        // Text entries round-trip any Unicode as a string.
        const QString text = QStringLiteral("pässwörd ✓ \"quoted\" \\ back\nline");
        const QString textId = createEntry(api, "TEXT_ONE", "text", text);
        r = api.get("/api/vault/entries/" + path(textId));
        QCOMPARE(r.json().value("entryType").toString(), QStringLiteral("text"));
        QCOMPARE(r.json().value("value").toString(), text);

        // Validation.
        QCOMPARE(api.postJson("/api/vault/entries", {{"key", "x"}, {"entryType", "credential"}}).errorCode(), QStringLiteral("INVALID_INPUT"));
        QCOMPARE(api.postJson("/api/vault/entries", {{"key", "x"}, {"value", "v"}}).status, 400);
        QCOMPARE(api.postJson("/api/vault/entries", {{"entryType", "text"}, {"value", "v"}}).status, 400);
        QCOMPARE(api.postJson("/api/vault/entries", {{"key", "x"}, {"entryType", "spaceship"}, {"value", "v"}}).errorCode(),
                 QStringLiteral("INVALID_INPUT"));
        QCOMPARE(api.postJson("/api/vault/entries", {{"key", "x"}, {"entryType", "text"}, {"value", QJsonObject{{"a", "b"}}}}).status, 400);
        QCOMPARE(api.postJson("/api/vault/entries", {{"key", "x"}, {"entryType", "credential"}, {"value", "just text"}}).status, 400);
        r = api.postJson("/api/vault/entries", {{"key", "x"}, {"entryType", "credential"}, {"value", QJsonObject{{"username", "u"}}}});
        QCOMPARE(r.status, 400);
        QVERIFY(r.json().value("error").toObject().value("message").toString().contains("password"));
        QCOMPARE(api.postJson("/api/vault/entries", {{"key", "x"}, {"entryType", "note"}, {"value", QJsonObject{{"content", QJsonArray{1}}}}}).status, 400);
        QCOMPARE(api.postJson("/api/vault/entries", {{"key", "x"}, {"entryType", "text"}, {"value", "v"}, {"isFavorite", "yes"}}).status, 400);
        QCOMPARE(api.postJson("/api/vault/entries", {{"key", "x"}, {"entryType", "text"}, {"value", QString(70000, QLatin1Char('v'))}}).status, 400);
        QCOMPARE(api.postJson("/api/vault/entries", QJsonObject{{"key", QJsonArray{}}, {"entryType", "text"}, {"value", "v"}}).status, 400);

        // PATCH: value, favourite, key, type; filters.
        r = api.patchJson("/api/vault/entries/" + path(id), {{"value", QJsonObject{{"username", "u2"}, {"password", "p2"}, {"url", "https://x"}}},
                                                             {"isFavorite", true},
                                                             {"description", "work"}});
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json().value("entry").toObject().value("entryType").toString(), QStringLiteral("credential"));
        QCOMPARE(api.get("/api/vault/entries/" + path(id)).json().value("value").toObject().value("password").toString(), QStringLiteral("p2"));
        QCOMPARE(api.patchJson("/api/vault/entries/" + path(id), {{"value", QJsonObject{{"username", "u3"}}}}).status, 400);
        QCOMPARE(api.patchJson("/api/vault/entries/" + path(id), {{"isFavorite", 1}}).status, 400);
        QCOMPARE(api.patchJson("/api/vault/entries/" + path(id), {{"key", "gh2"}}).errorCode(), QStringLiteral("DUPLICATE_KEY"));
        QCOMPARE(api.patchJson("/api/vault/entries/" + path(id), {{"entryType", "nope"}}).status, 400);
        QCOMPARE(api.patchJson("/api/vault/entries/nope", {{"isFavorite", true}}).errorCode(), QStringLiteral("ENTRY_NOT_FOUND"));

        QCOMPARE(api.get("/api/vault/entries?favorite=true").json().value("entries").toArray().size(), 1);
        QCOMPARE(api.get("/api/vault/entries?favorite=false").json().value("entries").toArray().size(), 2);
        QCOMPARE(api.get("/api/vault/entries?type=text").json().value("entries").toArray().size(), 1);
        QCOMPARE(api.get("/api/vault/entries?type=credential&favorite=true").json().value("entries").toArray().size(), 1);

        QCOMPARE(api.get("/api/vault/entries/nope").errorCode(), QStringLiteral("ENTRY_NOT_FOUND"));
        QCOMPARE(api.get("/api/vault/entries/nope").status, 404);
        QCOMPARE(api.del("/api/vault/entries/" + path(id)).json().value("success").toBool(), true);
        QCOMPARE(api.del("/api/vault/entries/" + path(id)).status, 404);
        QCOMPARE(api.get("/api/vault/entries").json().value("entries").toArray().size(), 2);
    }

    void tamperedCiphertextIsAClearError()
    {
        KinFixture f;
        HttpClient &api = *f.api;
        auto &db = f.server.platform().database();
        const QString a = createEntry(api, "A", "text", QStringLiteral("alpha-secret-value"));
        const QString b = createEntry(api, "B", "text", QStringLiteral("bravo-secret-value"));
        const QString c = createEntry(api, "C", "text", QStringLiteral("charlie-secret-value"));

        // One flipped bit in the ciphertext.
        auto row = db.selectOne(QStringLiteral("SELECT encrypted_value FROM vault_secrets WHERE id = ?"), {a});
        QByteArray raw = QByteArray::fromBase64(row.value()->at(0).toString().toLatin1());
        raw[14] = char(raw[14] ^ 0x01);
        QVERIFY(db.run(QStringLiteral("UPDATE vault_secrets SET encrypted_value = ? WHERE id = ?"), {QString::fromLatin1(raw.toBase64()), a}));
        HttpResponse r = api.get("/api/vault/entries/" + path(a));
        QCOMPARE(r.status, 500);
        QCOMPARE(r.errorCode(), QStringLiteral("DECRYPTION_FAILED"));
        QVERIFY(!r.json().contains("value"));
        QVERIFY(!r.body.contains("secret-value"));

        // A ciphertext moved to another row does not open there (bound to its row).
        auto rowB = db.selectOne(QStringLiteral("SELECT encrypted_value FROM vault_secrets WHERE id = ?"), {b});
        QVERIFY(db.run(QStringLiteral("UPDATE vault_secrets SET encrypted_value = ? WHERE id = ?"), {rowB.value()->at(0), c}));
        QCOMPARE(api.get("/api/vault/entries/" + path(c)).errorCode(), QStringLiteral("DECRYPTION_FAILED"));
        QCOMPARE(api.get("/api/vault/entries/" + path(b)).json().value("value").toString(), QStringLiteral("bravo-secret-value"));

        // Garbage and truncated values too.
        QVERIFY(db.run(QStringLiteral("UPDATE vault_secrets SET encrypted_value = 'not base64 !!' WHERE id = ?"), {c}));
        QCOMPARE(api.get("/api/vault/entries/" + path(c)).errorCode(), QStringLiteral("DECRYPTION_FAILED"));
        QVERIFY(db.run(QStringLiteral("UPDATE vault_secrets SET encrypted_value = ? WHERE id = ?"), {QString::fromLatin1(raw.left(20).toBase64()), c}));
        QCOMPARE(api.get("/api/vault/entries/" + path(c)).errorCode(), QStringLiteral("DECRYPTION_FAILED"));

        // An attachment file with one flipped byte.
        const QByteArray content = "attachment plaintext for the tamper test";
        r = upload(api, b, QStringLiteral("t.txt"), "text/plain", content);
        QCOMPARE(r.status, 201);
        const QString attId = r.json().value("attachment").toObject().value("id").toString();
        const QString file = f.server.dataDir() + QStringLiteral("/data/vault/") + b + QLatin1Char('/') + attId + QStringLiteral(".enc");
        QFile enc(file);
        QVERIFY(enc.open(QIODevice::ReadWrite));
        QByteArray bytes = enc.readAll();
        QCOMPARE(bytes.size(), 12 + content.size() + 16);
        QVERIFY(!bytes.contains("plaintext"));
        bytes[bytes.size() - 3] = char(bytes[bytes.size() - 3] ^ 0x80);
        enc.seek(0);
        enc.write(bytes);
        enc.close();
        r = api.get("/api/vault/attachments/" + path(attId));
        QCOMPARE(r.status, 500);
        QCOMPARE(r.errorCode(), QStringLiteral("DECRYPTION_FAILED"));
        QVERIFY(!r.body.contains("plaintext"));
        // Each failure is logged with ids only.
        const QByteArray logs = api.get("/api/logs?limit=200").body;
        QVERIFY(logs.contains("failed to decrypt"));
        QVERIFY(!logs.contains("secret-value"));
    }

    void wrongKeyAfterRestartIsRefusedClearly()
    {
        QTemporaryDir dir;
        const QString dataDir = dir.path() + QStringLiteral("/data");
        auto withKey = [&](const QString &key) {
            return [dataDir, key](kinbot::ServerConfig &c) {
                c.dataDir = dataDir;
                c.encryptionKeyHex = key;
                c.authSecret = QStringLiteral("a fixed auth secret, so sessions survive the key change");
            };
        };
        TestUser admin;
        QString textId, credId, attId;
        const QByteArray fileContent = "file sealed under the first key";
        {
            TestServer s(withKey(kKey1));
            QVERIFY2(s.ok(), qPrintable(s.error()));
            admin = s.onboard(QStringLiteral("ada@example.test"), QStringLiteral("ada"));
            HttpClient api = s.clientFor(admin);
            textId = createEntry(api, "FIRST", "text", QStringLiteral("first-key-secret"));
            credId = createEntry(api, "CRED", "credential", QJsonObject{{"username", "u"}, {"password", "first-key-password"}});
            const HttpResponse up = upload(api, credId, QStringLiteral("a.bin"), "application/octet-stream", fileContent);
            QCOMPARE(up.status, 201);
            attId = up.json().value("attachment").toObject().value("id").toString();
        }
        {
            TestServer s(withKey(kKey2));
            QVERIFY2(s.ok(), qPrintable(s.error()));
            HttpClient api = s.clientFor(admin);
            // Metadata stays readable; values and files refuse with one clear error, never garbage.
            QCOMPARE(api.get("/api/vault/entries").json().value("entries").toArray().size(), 2);
            HttpResponse r = api.get("/api/vault/entries/" + path(textId));
            QCOMPARE(r.status, 500);
            QCOMPARE(r.errorCode(), QStringLiteral("DECRYPTION_FAILED"));
            QVERIFY(r.json().value("error").toObject().value("message").toString().contains("encryption key"));
            QCOMPARE(api.get("/api/vault/entries/" + path(credId)).errorCode(), QStringLiteral("DECRYPTION_FAILED"));
            r = api.get("/api/vault/attachments/" + path(attId));
            QCOMPARE(r.status, 500);
            QCOMPARE(r.errorCode(), QStringLiteral("DECRYPTION_FAILED"));
            QVERIFY(!r.body.contains("sealed"));
            // The start logged why.
            const QByteArray logs = api.get("/api/logs?limit=200").body;
            QVERIFY(logs.contains("The encryption key does not open the stored vault values"));
            QVERIFY(!logs.contains(kKey1.toLatin1()) && !logs.contains(kKey2.toLatin1()));
        }
        {
            // Nothing was damaged: the original key opens everything again.
            TestServer s(withKey(kKey1));
            QVERIFY2(s.ok(), qPrintable(s.error()));
            HttpClient api = s.clientFor(admin);
            QCOMPARE(api.get("/api/vault/entries/" + path(textId)).json().value("value").toString(), QStringLiteral("first-key-secret"));
            QCOMPARE(api.get("/api/vault/attachments/" + path(attId)).body, fileContent);
        }
    }

    void attachmentsRoundTripAndLimits()
    {
        KinFixture f;
        HttpClient &api = *f.api;
        const QString id = createEntry(api, "DOCS", "note", QJsonObject{{"title", "t"}, {"content", "c"}});
        QCOMPARE(api.get("/api/vault/entries/" + path(id) + "/attachments").json().value("attachments").toArray().size(), 0);

        QByteArray content;
        for (int i = 0; i < 3000; ++i)
            content += char(i * 7 % 256);
        HttpResponse r = upload(api, id, QStringLiteral("my cert (1).pem"), "application/x-pem-file", content);
        QCOMPARE(r.status, 201);
        const QJsonObject att = r.json().value("attachment").toObject();
        const QString attId = att.value("id").toString();
        QCOMPARE(att.value("name").toString(), QStringLiteral("my cert (1).pem"));
        QCOMPARE(att.value("mimeType").toString(), QStringLiteral("application/x-pem-file"));
        QCOMPARE(att.value("size").toInt(), content.size());

        // Stored encrypted under vault/<entryId>/<attachmentId>.enc, owner-only.
        const QString file = f.server.dataDir() + QStringLiteral("/data/vault/") + id + QLatin1Char('/') + attId + QStringLiteral(".enc");
        QVERIFY(QFile::exists(file));
        QCOMPARE(QFileInfo(file).size(), qint64(12 + content.size() + 16));
        QVERIFY(!(QFile::permissions(file) & (QFileDevice::ReadGroup | QFileDevice::ReadOther | QFileDevice::WriteOther)));

        const QJsonArray list = api.get("/api/vault/entries/" + path(id) + "/attachments").json().value("attachments").toArray();
        QCOMPARE(list.size(), 1);
        QCOMPARE(list[0].toObject().value("id").toString(), attId);
        QVERIFY(list[0].toObject().value("createdAt").toString().endsWith('Z'));
        QCOMPARE(api.get("/api/vault/entries").json().value("entries").toArray()[0].toObject().value("attachmentCount").toInt(), 1);

        r = api.get("/api/vault/attachments/" + path(attId));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body, content);
        QCOMPARE(r.header("Content-Type"), QByteArray("application/x-pem-file"));
        QCOMPARE(r.header("Content-Disposition"), QByteArray("attachment; filename=\"my%20cert%20%281%29.pem\""));
        QCOMPARE(r.header("Content-Length"), QByteArray::number(content.size()));

        // Hostile names and types are neutralised.
        r = upload(api, id, QStringLiteral("../../etc/passwd"), "text/html; charset=utf-8", "x");
        QCOMPARE(r.status, 201);
        QCOMPARE(r.json().value("attachment").toObject().value("name").toString(), QStringLiteral("passwd"));
        QCOMPARE(r.json().value("attachment").toObject().value("mimeType").toString(), QStringLiteral("text/html"));
        r = upload(api, id, QStringLiteral("weird"), "not a mime type\r\nX-Evil: 1", "x");
        QCOMPARE(r.json().value("attachment").toObject().value("mimeType").toString(), QStringLiteral("application/octet-stream"));

        // Failures.
        r = upload(api, id, QStringLiteral("empty.txt"), "text/plain", QByteArray());
        QCOMPARE(r.status, 400);
        QCOMPARE(r.errorCode(), QStringLiteral("UPLOAD_FAILED"));
        r = upload(api, QStringLiteral("00000000-0000-4000-8000-000000000000"), QStringLiteral("a.txt"), "text/plain", "x");
        QCOMPARE(r.status, 400);
        QCOMPARE(r.errorCode(), QStringLiteral("UPLOAD_FAILED"));
        r = api.postRaw("/api/vault/entries/" + path(id) + "/attachments", multipart("b0undary", QString(), QByteArray(), "not a file", "file"),
                        "multipart/form-data; boundary=b0undary");
        QCOMPARE(r.errorCode(), QStringLiteral("INVALID_INPUT"));
        r = api.postRaw("/api/vault/entries/" + path(id) + "/attachments", multipart("b0undary", QStringLiteral("a.txt"), "text/plain", "x", "other"),
                        "multipart/form-data; boundary=b0undary");
        QCOMPARE(r.errorCode(), QStringLiteral("INVALID_INPUT"));
        r = api.postRaw("/api/vault/entries/" + path(id) + "/attachments", "{}", "application/json");
        QCOMPARE(r.status, 400);
        QCOMPARE(r.errorCode(), QStringLiteral("INVALID_MULTIPART"));

        // At most 10 per entry.
        for (int i = 3; i < 10; ++i)
            QCOMPARE(upload(api, id, QStringLiteral("f%1.txt").arg(i), "text/plain", "data").status, 201);
        r = upload(api, id, QStringLiteral("eleven.txt"), "text/plain", "data");
        QCOMPARE(r.status, 400);
        QCOMPARE(r.errorCode(), QStringLiteral("UPLOAD_FAILED"));
        QVERIFY(r.json().value("error").toObject().value("message").toString().contains("10"));
        QCOMPARE(QDir(f.server.dataDir() + QStringLiteral("/data/vault/") + id).entryList(QDir::Files).size(), 10);

        // Delete one, then the entry (its files go too).
        QCOMPARE(api.del("/api/vault/attachments/" + path(attId)).json().value("success").toBool(), true);
        QVERIFY(!QFile::exists(file));
        QCOMPARE(api.del("/api/vault/attachments/" + path(attId)).errorCode(), QStringLiteral("ATTACHMENT_NOT_FOUND"));
        QCOMPARE(api.get("/api/vault/attachments/" + path(attId)).status, 404);
        QCOMPARE(api.del("/api/vault/entries/" + path(id)).status, 200);
        QVERIFY(!QDir(f.server.dataDir() + QStringLiteral("/data/vault/") + id).exists());
        auto rows = f.server.platform().database().selectOne(QStringLiteral("SELECT count(*) FROM vault_attachments"));
        QCOMPARE(rows.value()->at(0).toInt(), 0);
    }

    void downloadsAreByIdOnly()
    {
        KinFixture f;
        HttpClient &api = *f.api;
        const QString id = createEntry(api, "K", "text", QStringLiteral("v-v-v-v"));
        const QString attId = upload(api, id, QStringLiteral("a.txt"), "text/plain", "hello").json().value("attachment").toObject().value("id").toString();
        QVERIFY(!attId.isEmpty());
        const QList<QByteArray> hostile{
            "..%2F..%2Fkinbot.db",
            "..%2f..%2f.encryption-key",
            "%2e%2e",
            "%2E%2E%2F%2E%2E%2Fkinbot.db",
            "..%5C..%5Ckinbot.db",
            "%252e%252e%252fkinbot.db",
            "kinbot.db",
            ".encryption-key",
            path(id) + "%2F" + path(attId),
            path(id) + "%2F" + path(attId) + ".enc",
            path(attId) + "%00",
            path(attId) + ".enc",
        };
        for (const QByteArray &h : hostile) {
            const HttpResponse r = api.get("/api/vault/attachments/" + h);
            QVERIFY2(r.status == 400 || r.status == 404, h.constData());
            QVERIFY2(!r.body.startsWith("SQLite format"), h.constData());
            QVERIFY2(!r.body.contains("hello"), h.constData());
            QVERIFY2(!r.json().value("error").toObject().value("code").toString().isEmpty(), h.constData());
        }
        // Plain ../ in the raw path never reaches a file either.
        for (const QByteArray &raw : {QByteArray("/api/vault/attachments/../../kinbot.db"), QByteArray("/api/vault/../vault/attachments/x")}) {
            const HttpResponse r = api.get(raw);
            QVERIFY2(r.status >= 400 && r.status < 500, raw.constData());
            QVERIFY(!r.body.startsWith("SQLite format"));
        }
        QCOMPARE(api.get("/api/vault/attachments/" + path(attId)).body, QByteArray("hello"));
    }

    void attachmentSizeCap()
    {
        KinFixture f;
        HttpClient &api = *f.api;
        api.timeoutMs = 120000;
        const QString id = createEntry(api, "BIG", "text", QStringLiteral("big-entry"));
        // One byte over the 50 MB cap: the route accepts the body, the vault refuses the file.
        QByteArray big(kinbot::VaultService::kMaxAttachmentBytes + 1, 'z');
        HttpResponse r = upload(api, id, QStringLiteral("big.bin"), "application/octet-stream", big);
        QCOMPARE(r.status, 400);
        QCOMPARE(r.errorCode(), QStringLiteral("UPLOAD_FAILED"));
        QVERIFY(r.json().value("error").toObject().value("message").toString().contains("50 MB"));
        // A body beyond the route's limit is refused by the server.
        big.append(QByteArray(80 * 1024, 'z'));
        r = upload(api, id, QStringLiteral("bigger.bin"), "application/octet-stream", big);
        QCOMPARE(r.status, 413);
        QCOMPARE(r.errorCode(), QStringLiteral("PAYLOAD_TOO_LARGE"));
        big.clear();
        QCOMPARE(api.get("/api/vault/entries/" + path(id) + "/attachments").json().value("attachments").toArray().size(), 0);
        QCOMPARE(QDir(f.server.dataDir() + QStringLiteral("/data/vault/") + id).entryList(QDir::Files).size(), 0);
    }

    void customTypes()
    {
        KinFixture f;
        HttpClient &api = *f.api;
        QCOMPARE(api.get("/api/vault/types").json().value("types").toArray().size(), 0);
        const QJsonArray fields{QJsonObject{{"name", "ssid"}, {"label", "Network"}, {"type", "text"}, {"required", true}},
                                QJsonObject{{"name", "password"}, {"label", "Password"}, {"type", "password"}, {"placeholder", "secret"}}};
        HttpResponse r = api.postJson("/api/vault/types", {{"name", "WiFi"}, {"slug", "wifi"}, {"icon", "Wifi"}, {"fields", fields}});
        QCOMPARE(r.status, 201);
        const QJsonObject type = r.json().value("type").toObject();
        const QString typeId = type.value("id").toString();
        QCOMPARE(type.value("slug").toString(), QStringLiteral("wifi"));
        QCOMPARE(type.value("fields").toArray(), fields);
        QVERIFY(type.value("createdAt").toString().endsWith('Z'));

        QCOMPARE(api.postJson("/api/vault/types", {{"name", "X"}, {"slug", "credential"}, {"fields", fields}}).errorCode(), QStringLiteral("RESERVED_SLUG"));
        QCOMPARE(api.postJson("/api/vault/types", {{"name", "X"}, {"slug", "credential"}, {"fields", fields}}).status, 409);
        QCOMPARE(api.postJson("/api/vault/types", {{"name", "X"}, {"slug", "wifi"}, {"fields", fields}}).errorCode(), QStringLiteral("SLUG_TAKEN"));
        QCOMPARE(api.postJson("/api/vault/types", {{"name", "X"}, {"slug", "x"}}).errorCode(), QStringLiteral("INVALID_INPUT"));
        QCOMPARE(api.postJson("/api/vault/types", {{"name", "X"}, {"slug", "x"}, {"fields", QJsonArray()}}).status, 400);
        QCOMPARE(api.postJson("/api/vault/types", {{"name", "X"}, {"slug", "Bad Slug"}, {"fields", fields}}).status, 400);
        QCOMPARE(api.postJson("/api/vault/types", {{"name", "X"}, {"slug", "x"}, {"fields", QJsonArray{QJsonObject{{"name", "a"}, {"label", "A"}, {"type", "blob"}}}}})
                     .status,
                 400);
        QCOMPARE(api.postJson("/api/vault/types", {{"name", "X"}, {"slug", "x"}, {"fields", QJsonArray{QJsonObject{{"name", "a"}, {"label", "A"}, {"type", "text"}},
                                                                                                        QJsonObject{{"name", "a"}, {"label", "B"}, {"type", "text"}}}}})
                     .status,
                 400);
        QCOMPARE(api.postJson("/api/vault/types", {{"name", "X"}, {"slug", "x"}, {"fields", QJsonArray{"ssid"}}}).status, 400);

        const QJsonArray list = api.get("/api/vault/types").json().value("types").toArray();
        QCOMPARE(list.size(), 1);
        const QJsonObject listed = list[0].toObject();
        for (const char *k : {"id", "slug", "name", "icon", "fields", "isBuiltIn", "createdByKinId", "createdAt", "updatedAt"})
            QVERIFY2(listed.contains(QLatin1String(k)), k);
        QCOMPARE(listed.value("isBuiltIn").toBool(), false);

        // Entries of the custom type are validated against its fields and keep it alive.
        QCOMPARE(api.postJson("/api/vault/entries", {{"key", "HOME"}, {"entryType", "wifi"}, {"value", QJsonObject{{"password", "p"}}}}).status, 400);
        const QString entryId = createEntry(api, "HOME", "wifi", QJsonObject{{"ssid", "MyNet"}, {"password", "p"}});
        QVERIFY(!entryId.isEmpty());
        r = api.del("/api/vault/types/" + path(typeId));
        QCOMPARE(r.status, 400);
        QCOMPARE(r.errorCode(), QStringLiteral("DELETE_FAILED"));

        r = api.patchJson("/api/vault/types/" + path(typeId), {{"name", "Wi-Fi"}, {"icon", QJsonValue()}});
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json().value("type").toObject().value("name").toString(), QStringLiteral("Wi-Fi"));
        QVERIFY(r.json().value("type").toObject().value("icon").isNull());
        QCOMPARE(r.json().value("type").toObject().value("slug").toString(), QStringLiteral("wifi"));
        QCOMPARE(api.patchJson("/api/vault/types/" + path(typeId), {{"fields", QJsonArray()}}).status, 400);
        QCOMPARE(api.patchJson("/api/vault/types/" + path(typeId), {{"name", 3}}).status, 400);
        QCOMPARE(api.patchJson("/api/vault/types/nope", {{"name", "n"}}).errorCode(), QStringLiteral("TYPE_NOT_FOUND"));

        QCOMPARE(api.del("/api/vault/entries/" + path(entryId)).status, 200);
        QCOMPARE(api.del("/api/vault/types/" + path(typeId)).json().value("success").toBool(), true);
        QCOMPARE(api.del("/api/vault/types/" + path(typeId)).errorCode(), QStringLiteral("TYPE_NOT_FOUND"));
        QCOMPARE(api.get("/api/vault/types").json().value("types").toArray().size(), 0);
    }

    // Values never reach the disk in clear, nor the logs, nor any SSE frame.
    void secretsStayOutOfFilesLogsAndSse()
    {
        KinFixture f;
        HttpClient &api = *f.api;
        auto sse = f.openSse();
        const QString textValue = QStringLiteral("S3cr3t-Text-Value-91f2");
        const QString oldValue = QStringLiteral("Old-Rotated-Value-2bb1");
        const QString newValue = QStringLiteral("New-Rotated-Value-8cc3");
        const QString password = QStringLiteral("Cr3d-Pass-Value-77ab");
        const QString legacy = QStringLiteral("Legacy-Route-Value-4dd9");
        const QByteArray fileContent = QByteArray("Attach-Plain-Content-55cd ").repeated(200);

        const QString t = createEntry(api, "T", "text", textValue);
        const QString c = createEntry(api, "C", "credential", QJsonObject{{"username", "someone"}, {"password", password}});
        const QString r1 = createEntry(api, "R", "text", oldValue);
        QCOMPARE(api.patchJson("/api/vault/entries/" + path(r1), {{"value", newValue}}).status, 200);
        QCOMPARE(api.postJson("/api/vault", {{"key", "L"}, {"value", legacy}}).status, 201);
        QCOMPARE(upload(api, c, QStringLiteral("f.txt"), "text/plain", fileContent).status, 201);
        // Failed attempts carrying values (duplicate key, bad key) do not leak them either.
        QCOMPARE(api.postJson("/api/vault/entries", {{"key", "T"}, {"entryType", "text"}, {"value", textValue}}).status, 409);
        QCOMPARE(api.postJson("/api/vault/entries", {{"key", "{bad}"}, {"entryType", "text"}, {"value", textValue}}).status, 400);

        // Round trip first, so reads happened too.
        QCOMPARE(api.get("/api/vault/entries/" + path(t)).json().value("value").toString(), textValue);
        QCOMPARE(api.get("/api/vault/entries/" + path(c)).json().value("value").toObject().value("password").toString(), password);
        QCOMPARE(api.get("/api/vault/entries/" + path(r1)).json().value("value").toString(), newValue);

        QStringList files;
        const QByteArray disk = allFileBytes(f.server.dataDir(), &files);
        QVERIFY2(files.contains(QStringLiteral("data/kinbot.db")), qPrintable(files.join(',')));
        QVERIFY2(files.contains(QStringLiteral("data/kinbot.db-wal")), qPrintable(files.join(',')));
        QVERIFY(disk.size() > 10000);
        const QByteArray logs = api.get("/api/logs?limit=200").body;
        QVERIFY(logs.contains("Vault entry created"));
        const QByteArray frames = sseText(*sse);
        for (const QString &secret : {textValue, oldValue, newValue, password, legacy}) {
            QVERIFY2(!disk.contains(secret.toUtf8()), qPrintable(secret));
            QVERIFY2(!disk.contains(secret.toUtf8().toBase64()), qPrintable(secret));
            QVERIFY2(!logs.contains(secret.toUtf8()), qPrintable(secret));
            QVERIFY2(!frames.contains(secret.toUtf8()), qPrintable(secret));
        }
        QVERIFY(!disk.contains("Attach-Plain-Content"));
        QVERIFY(!frames.contains("Attach-Plain-Content"));
        // No vault event at all (as in the reference).
        for (const SseFrame &fr : sse->frames())
            QVERIFY(!fr.data.value("type").toString().startsWith(QLatin1String("vault")));
    }
};

QTEST_GUILESS_MAIN(TstVault)
#include "tst_vault.moc"
