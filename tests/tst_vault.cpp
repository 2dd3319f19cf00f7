// The Vault: /api/vault routes over real HTTP, encryption at rest (round trip, tamper, wrong key), attachments,
// secrets kept out of the data dir, logs and SSE, the Kin vault tools, and redaction in the prompt path.
#include "KinFixture.h"

#include "crypto/SecretBox.h"
#include "engine/ConversationEngine.h"
#include "engine/MessageStore.h"
#include "engine/ToolRegistry.h"
#include "util/Ids.h"
#include "vault/VaultService.h"

#include <QDirIterator>
#include <QTcpServer>
#include <QTcpSocket>
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

// A loopback HTTP server that answers every request with the request itself (head and body) as its body.
class EchoHttp : public QTcpServer
{
public:
    QList<QByteArray> received;
    EchoHttp()
    {
        listen(QHostAddress::LocalHost);
        connect(this, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *s = nextPendingConnection()) {
                auto buffer = std::make_shared<QByteArray>();
                connect(s, &QTcpSocket::readyRead, s, [this, s, buffer] {
                    *buffer += s->readAll();
                    const qsizetype end = buffer->indexOf("\r\n\r\n");
                    if (end < 0)
                        return;
                    qsizetype length = 0;
                    for (const QByteArray &line : buffer->left(end).split('\n'))
                        if (line.toLower().startsWith("content-length:"))
                            length = line.mid(15).trimmed().toLongLong();
                    if (buffer->size() < end + 4 + length)
                        return;
                    received.append(*buffer);
                    s->write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + QByteArray::number(buffer->size())
                             + "\r\nConnection: close\r\n\r\n" + *buffer);
                    s->disconnectFromHost();
                });
            }
        });
    }
    QString url() const { return QStringLiteral("http://127.0.0.1:%1/echo").arg(serverPort()); }
};

int chatDones(const SseClient &sse, const QString &kinId)
{
    int n = 0;
    for (const SseFrame &fr : sse.frames())
        n += isEvent(fr, QStringLiteral("chat:done"), kinId);
    return n;
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
            // A Kin gets the same refusal, not a placeholder that would never expand.
            const kinbot::ToolDefinition *tool = s.platform().tools().find(QStringLiteral("get_secret"));
            std::optional<QJsonValue> result;
            tool->execute({}, {{"key", "FIRST"}}, [&](const QJsonValue &v) { result = v; });
            QVERIFY(result && result->toObject().value("error").toString().contains("cannot be decrypted"));
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
        big.clear();
        // A body announced beyond the route's limit is refused from its headers, before it is read.
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, f.server.port());
        QVERIFY(socket.waitForConnected(3000));
        socket.write("POST /api/vault/entries/" + id.toUtf8() + "/attachments HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: " + f.admin.cookie
                     + "\r\nOrigin: " + api.origin() + "\r\nContent-Type: multipart/form-data; boundary=XbX\r\nContent-Length: "
                     + QByteArray::number(kinbot::VaultService::kMaxAttachmentBytes + 80 * 1024) + "\r\n\r\n");
        const QByteArray chunk(1024 * 1024, 'z');
        for (int i = 0; i < 8 && socket.state() == QAbstractSocket::ConnectedState; ++i) {
            socket.write(chunk);
            QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
        }
        QByteArray answer;
        QTRY_VERIFY_WITH_TIMEOUT((answer += socket.readAll()).contains("\r\n\r\n{"), 5000);
        QVERIFY2(answer.startsWith("HTTP/1.1 413"), answer.left(80).constData());
        QVERIFY(answer.contains("PAYLOAD_TOO_LARGE"));
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

    void kinToolsThroughTheRegistry()
    {
        KinFixture f([](kinbot::ServerConfig &c) { c.allowPrivateNetwork = true; });
        HttpClient &api = *f.api;
        const QString kin = f.addKin(QStringLiteral("Keeper"), QString()).value("id").toString();
        const QString other = f.addKin(QStringLiteral("Other"), QString()).value("id").toString();
        const QString token = QStringLiteral("ghp_ToolValue_1234567890");

        // Registered in the vault domain, main agents only.
        for (const char *name : {"get_secret", "redact_message", "create_secret", "update_secret", "delete_secret", "search_secrets",
                                 "get_vault_entry", "create_vault_entry", "create_vault_type", "get_vault_attachment"}) {
            const kinbot::ToolDefinition *t = f.server.platform().tools().find(QLatin1String(name));
            QVERIFY2(t, name);
            QCOMPARE(t->domain, QStringLiteral("vault"));
            QCOMPARE(t->availability, kinbot::ToolDefinition::MainOnly);
        }
        QCOMPARE(f.server.platform().tools().find(QStringLiteral("create_secret"))->sensitiveArgs, QStringList{QStringLiteral("value")});
        const QJsonObject listing = api.get("/api/kins/" + path(kin) + "/tools").json();
        QVERIFY(compact(listing).contains("\"domain\":\"vault\""));

        QJsonObject r = f.runTool("create_secret", kin, {{"key", "GH_TOKEN"}, {"value", token}, {"description", "GitHub API"}});
        QVERIFY2(!r.contains("error"), compact(r).constData());
        QCOMPARE(r.value("key").toString(), QStringLiteral("GH_TOKEN"));
        QCOMPARE(r.value("placeholder").toString(), QStringLiteral("{{secret:GH_TOKEN}}"));
        QVERIFY(f.runTool("create_secret", kin, {{"key", "GH_TOKEN"}, {"value", "x"}}).value("error").toString().contains("already exists"));
        QVERIFY(f.runTool("create_secret", kin, {{"key", "NOVALUE"}}).contains("error"));
        const QJsonArray entries = api.get("/api/vault/entries").json().value("entries").toArray();
        QCOMPARE(entries[0].toObject().value("createdByKinId").toString(), kin);

        r = f.runTool("search_secrets", kin, {{"query", "github"}});
        QCOMPARE(r.value("secrets").toArray().size(), 1);
        QCOMPARE(r.value("secrets").toArray()[0].toObject().value("key").toString(), QStringLiteral("GH_TOKEN"));
        QCOMPARE(f.runTool("search_secrets", kin, {{"query", "gh_"}}).value("secrets").toArray().size(), 1);
        QCOMPARE(f.runTool("search_secrets", kin, {{"query", "zzz"}}).value("secrets").toArray().size(), 0);

        // The model gets a placeholder, never the value.
        r = f.runTool("get_secret", kin, {{"key", "GH_TOKEN"}});
        QCOMPARE(r.value("placeholder").toString(), QStringLiteral("{{secret:GH_TOKEN}}"));
        QVERIFY(!compact(r).contains(token.toUtf8()));
        QCOMPARE(f.runTool("get_secret", kin, {{"key", "NOPE"}}).value("error").toString(), QStringLiteral("Secret not found"));

        const QString rotated = QStringLiteral("ghp_Rotated_0987654321");
        QCOMPARE(f.runTool("update_secret", kin, {{"key", "GH_TOKEN"}, {"value", rotated}}).value("key").toString(), QStringLiteral("GH_TOKEN"));
        QVERIFY(f.runTool("update_secret", kin, {{"key", "NOPE"}, {"value", "v"}}).value("error").toString().contains("not found"));
        QCOMPARE(api.get("/api/vault/entries/" + path(entries[0].toObject().value("id").toString())).json().value("value").toString(), rotated);

        // Typed entries and custom types.
        r = f.runTool("create_vault_type", kin, {{"name", "WiFi"}, {"slug", "wifi"},
                                                  {"fields", QJsonArray{QJsonObject{{"name", "ssid"}, {"label", "SSID"}, {"type", "text"}, {"required", true}},
                                                                        QJsonObject{{"name", "password"}, {"label", "Password"}, {"type", "password"}}}}});
        QCOMPARE(r.value("slug").toString(), QStringLiteral("wifi"));
        QVERIFY(f.runTool("create_vault_type", kin, {{"name", "Card2"}, {"slug", "card"}, {"fields", QJsonArray{}}}).contains("error"));
        const QString wifiPassword = QStringLiteral("wifi-pass-xyz-31337");
        r = f.runTool("create_vault_entry", kin, {{"key", "HOME_WIFI"}, {"entry_type", "wifi"}, {"value", QJsonObject{{"ssid", "MyNet"}, {"password", wifiPassword}}}});
        QCOMPARE(r.value("entryType").toString(), QStringLiteral("wifi"));
        QVERIFY(f.runTool("create_vault_entry", kin, {{"key", "W2"}, {"entry_type", "wifi"}, {"value", QJsonObject{{"password", "p"}}}}).contains("error"));
        QVERIFY(f.runTool("update_secret", kin, {{"key", "HOME_WIFI"}, {"value", "v"}}).value("error").toString().contains("wifi entry"));
        const QString wifiId = api.get("/api/vault/entries?type=wifi").json().value("entries").toArray()[0].toObject().value("id").toString();
        QByteArray fileBytes = "-----BEGIN CERT-----\nFILE-SECRET-abcdef\n-----END CERT-----\n";
        const QString attId = upload(api, wifiId, QStringLiteral("cert.pem"), "application/x-pem-file", fileBytes).json()
                                  .value("attachment").toObject().value("id").toString();

        r = f.runTool("get_vault_entry", kin, {{"key", "HOME_WIFI"}});
        QCOMPARE(r.value("entryType").toString(), QStringLiteral("wifi"));
        QCOMPARE(r.value("fields").toObject().value("password").toString(), QStringLiteral("{{secret:HOME_WIFI.password}}"));
        QCOMPARE(r.value("fields").toObject().value("ssid").toString(), QStringLiteral("{{secret:HOME_WIFI.ssid}}"));
        QCOMPARE(r.value("attachments").toArray()[0].toObject().value("id").toString(), attId);
        QVERIFY(!compact(r).contains(wifiPassword.toUtf8()));
        QCOMPARE(f.runTool("get_vault_entry", kin, {{"key", "NOPE"}}).value("error").toString(), QStringLiteral("Entry not found"));

        r = f.runTool("get_vault_attachment", kin, {{"attachment_id", attId}});
        QCOMPARE(r.value("name").toString(), QStringLiteral("cert.pem"));
        QCOMPARE(r.value("size").toInt(), fileBytes.size());
        QCOMPARE(r.value("placeholder").toString(), "{{secret-file:" + attId + "}}");
        QVERIFY(!compact(r).contains("FILE-SECRET"));
        QVERIFY(f.runTool("get_vault_attachment", kin, {{"attachment_id", "../../kinbot.db"}}).contains("error"));

        // http_request expands placeholders just before sending; its result goes back without the values even when
        // the server echoes them.
        EchoHttp echo;
        r = f.runTool("http_request", kin, {{"url", echo.url() + "?ssid={{secret:HOME_WIFI.ssid}}"},
                                             {"method", "POST"},
                                             {"headers", QJsonObject{{"Authorization", "Bearer {{secret:GH_TOKEN}}"}}},
                                             {"body", "pw={{secret:HOME_WIFI.password}}&cert={{ secret-file:" + attId + " }}"}});
        QVERIFY2(!r.contains("error"), compact(r).constData());
        QCOMPARE(echo.received.size(), 1);
        const QByteArray sent = echo.received[0];
        QVERIFY(sent.contains("Authorization: Bearer " + rotated.toUtf8()));
        QVERIFY(sent.contains("ssid=MyNet"));
        QVERIFY(sent.contains("pw=" + wifiPassword.toUtf8()));
        QVERIFY(sent.contains("cert=" + fileBytes.toBase64()));
        const QByteArray result = compact(r);
        QVERIFY(!result.contains(rotated.toUtf8()));
        QVERIFY(!result.contains(wifiPassword.toUtf8()));
        QVERIFY(!result.contains(fileBytes.toBase64()));
        QVERIFY(result.contains("{{secret:GH_TOKEN}}"));
        QVERIFY(f.runTool("http_request", kin, {{"url", echo.url()}, {"headers", QJsonObject{{"X", "{{secret:MISSING}}"}}}})
                    .value("error").toString().contains("MISSING"));
        QVERIFY(f.runTool("http_request", kin, {{"url", echo.url()}, {"body", "{{secret:HOME_WIFI}}"}}).value("error").toString().contains("field"));
        QCOMPARE(echo.received.size(), 1);

        // Deleting: only what this Kin created.
        QVERIFY(f.runTool("delete_secret", other, {{"key", "GH_TOKEN"}}).value("error").toString().contains("not created by this Kin"));
        api.postJson("/api/vault", {{"key", "ADMIN_MADE"}, {"value", "admin-made-value"}});
        QVERIFY(f.runTool("delete_secret", kin, {{"key", "ADMIN_MADE"}}).contains("error"));
        QCOMPARE(f.runTool("delete_secret", kin, {{"key", "GH_TOKEN"}}).value("success").toBool(), true);
        QVERIFY(f.runTool("delete_secret", kin, {{"key", "GH_TOKEN"}}).value("error").toString().contains("not found"));

        // redact_message on a stored message of the Kin.
        kinbot::MessageRecord m;
        m.kinId = kin;
        m.role = QStringLiteral("user");
        m.content = QStringLiteral("my password is hunter2-hunter2, keep it");
        m.sourceType = QStringLiteral("user");
        auto stored = f.server.platform().messages().insert(m);
        QVERIFY(stored);
        QVERIFY(f.runTool("redact_message", kin, {}).contains("error"));
        QVERIFY(f.runTool("redact_message", other, {{"content_match", "hunter2-hunter2"}}).contains("error"));
        QVERIFY(f.runTool("redact_message", kin, {{"content_match", "hunter2"}, {"redacted_text", "x hunter2 x"}}).contains("error"));
        r = f.runTool("redact_message", kin, {{"content_match", "hunter2-hunter2"}, {"redacted_text", "[SECRET: PW]"}});
        QCOMPARE(r.value("success").toBool(), true);
        QCOMPARE(r.value("messageId").toString(), stored->id);
        auto after = f.server.platform().messages().find(kin, stored->id);
        QCOMPARE(after.value()->content, QStringLiteral("my password is [SECRET: PW], keep it"));
        QVERIFY(after.value()->isRedacted);
        QCOMPARE(f.runTool("redact_message", kin, {{"message_id", stored->id}}).value("success").toBool(), true);
        QCOMPARE(f.server.platform().messages().find(kin, stored->id).value()->content, QStringLiteral("[REDACTED]"));
        QVERIFY(f.runTool("redact_message", kin, {{"message_id", "nope"}}).contains("error"));
    }

    // A user types a secret; the Kin stores it and redacts the message: the model never sees it again, and neither
    // the data dir nor the SSE stream keeps it.
    void redactionKeepsTheSecretOutOfTheNextRequests()
    {
        KinFixture f;
        const QString kinId = f.addKin(QStringLiteral("Keeper"), f.addProvider()).value("id").toString();
        auto sse = f.openSse();
        const QString secret = QStringLiteral("sk-live-REDACT-me-0123456789");
        f.fake.enqueue(FakeReply::toolCalls(
            {{QStringLiteral("c1"), QStringLiteral("create_secret"),
              compact({{"key", "OPENAI_KEY"}, {"value", secret}, {"description", "the user key"}})},
             {QStringLiteral("c2"), QStringLiteral("redact_message"), compact({{"content_match", secret}, {"redacted_text", "[SECRET: OPENAI_KEY]"}})}},
            {QStringLiteral("Storing it. ")}));
        f.fake.enqueue(FakeReply::text({QStringLiteral("Stored as OPENAI_KEY and removed from the chat.")}));
        QCOMPARE(f.send(kinId, QStringLiteral("Here is my key ") + secret + QStringLiteral(" please keep it")).status, 202);
        QVERIFY(sse->waitFor([&](const SseFrame &fr) { return isEvent(fr, QStringLiteral("chat:done"), kinId); }, 10000));

        QVERIFY(f.fake.waitForChatRequests(2));
        QVERIFY(f.fake.chatRequests()[0].body.contains(secret.toUtf8())); // the model had to read it once
        const QByteArray step2 = f.fake.chatRequests()[1].body;
        QVERIFY2(!step2.contains(secret.toUtf8()), "the second step of the turn still carries the secret");
        QVERIFY(step2.contains("Here is my key [SECRET: OPENAI_KEY] please keep it"));

        // Stored: the vault has it; the conversation does not.
        const QString entryId = f.api->get("/api/vault/entries").json().value("entries").toArray()[0].toObject().value("id").toString();
        QCOMPARE(f.api->get("/api/vault/entries/" + path(entryId)).json().value("value").toString(), secret);
        const HttpResponse list = f.api->get("/api/kins/" + path(kinId) + "/messages");
        QVERIFY(!list.body.contains(secret.toUtf8()));
        const QJsonArray rows = list.json().value("messages").toArray();
        QCOMPARE(rows.size(), 2);
        QCOMPARE(rows[0].toObject().value("content").toString(), QStringLiteral("Here is my key [SECRET: OPENAI_KEY] please keep it"));
        QCOMPARE(rows[0].toObject().value("isRedacted").toBool(), true);
        const QJsonArray calls = rows[1].toObject().value("toolCalls").toArray();
        QCOMPARE(calls.size(), 2);
        QCOMPARE(calls[0].toObject().value("args").toObject().value("value").toString(), QStringLiteral("[REDACTED]"));
        QCOMPARE(calls[0].toObject().value("args").toObject().value("key").toString(), QStringLiteral("OPENAI_KEY"));
        QCOMPARE(calls[1].toObject().value("args").toObject().value("content_match").toString(), QStringLiteral("[REDACTED]"));
        QCOMPARE(calls[1].toObject().value("result").toObject().value("success").toBool(), true);

        // The next turn is built from the stored rows: still nothing.
        f.fake.enqueue(FakeReply::text({QStringLiteral("You are welcome.")}));
        QCOMPARE(f.send(kinId, QStringLiteral("thanks")).status, 202);
        QVERIFY(f.fake.waitForChatRequests(3));
        QTRY_COMPARE_WITH_TIMEOUT(chatDones(*sse, kinId), 2, 5000);
        const QByteArray turn2 = f.fake.chatRequests()[2].body;
        QVERIFY(!turn2.contains(secret.toUtf8()));
        QVERIFY(turn2.contains("[SECRET: OPENAI_KEY]"));
        QVERIFY(turn2.contains("create_secret"));

        // Nor did any SSE frame, log line or file of the data dir keep it.
        QVERIFY(!sseText(*sse).contains(secret.toUtf8()));
        QVERIFY(!f.api->get("/api/logs?limit=200").body.contains(secret.toUtf8()));
        QStringList files;
        const QByteArray disk = allFileBytes(f.server.dataDir(), &files);
        QVERIFY2(!disk.contains(secret.toUtf8()), qPrintable(files.join(',')));
        QVERIFY(!disk.contains("REDACT-me"));
    }

    // Without an explicit redact_message, a value the Kin stores still leaves the message it came from.
    void storingASecretScrubsTheIncomingMessage()
    {
        KinFixture f;
        const QString kinId = f.addKin(QStringLiteral("Keeper"), f.addProvider()).value("id").toString();
        auto sse = f.openSse();
        const QString secret = QStringLiteral("tok_AUTO_scrub_55555");
        f.fake.enqueue(FakeReply::toolCalls({{QStringLiteral("c1"), QStringLiteral("create_secret"), compact({{"key", "AUTO"}, {"value", secret}})}}));
        f.fake.enqueue(FakeReply::text({QStringLiteral("Done, I kept "), secret, QStringLiteral(" safe.")}));
        QCOMPARE(f.send(kinId, QStringLiteral("store ") + secret).status, 202);
        QVERIFY(sse->waitFor([&](const SseFrame &fr) { return isEvent(fr, QStringLiteral("chat:done"), kinId); }, 10000));
        QVERIFY(f.fake.waitForChatRequests(2));
        QVERIFY(!f.fake.chatRequests()[1].body.contains(secret.toUtf8()));

        const QJsonArray rows = f.api->get("/api/kins/" + path(kinId) + "/messages").json().value("messages").toArray();
        QCOMPARE(rows[0].toObject().value("content").toString(), QStringLiteral("store [REDACTED]"));
        QCOMPARE(rows[0].toObject().value("isRedacted").toBool(), true);
        // The reply that echoed it is stored (and announced by chat:done) without it; only the live tokens carried it.
        QCOMPARE(rows[1].toObject().value("content").toString(), QStringLiteral("Done, I kept [REDACTED] safe."));
        auto done = sse->waitFor([&](const SseFrame &fr) { return isEvent(fr, QStringLiteral("chat:done"), kinId); });
        QVERIFY(!compact(done->data).contains(secret.toUtf8()));
        // The tool-call event showed the masked argument.
        auto call = sse->waitFor([&](const SseFrame &fr) { return isEvent(fr, QStringLiteral("chat:tool-call"), kinId); });
        QCOMPARE(call->data.value("args").toObject().value("value").toString(), QStringLiteral("[REDACTED]"));

        f.fake.enqueue(FakeReply::text({QStringLiteral("ok")}));
        QCOMPARE(f.send(kinId, QStringLiteral("next")).status, 202);
        QVERIFY(f.fake.waitForChatRequests(3));
        QVERIFY(!f.fake.chatRequests()[2].body.contains(secret.toUtf8()));
    }
};

QTEST_GUILESS_MAIN(TstVault)
#include "tst_vault.moc"
