// Channels over WhatsApp Cloud and Signal, each against a fake platform on loopback (a Graph API; a signal-cli REST
// bridge): creation needs each platform's fields (400 without), secrets go to the vault; WhatsApp's public webhook —
// Meta's GET verification (ok / wrong token / missing params / unknown channel) and signed POSTs (no signature 401,
// a wrong one 403, bad JSON 400, nothing handled) → unknown sender pending + "pending" reply, approval, a known
// sender's message → the Kin's turn (fake LLM) → the reply to the same phone, as a reply (context.message_id);
// Signal's webhook registered on activation with a random secret (PUT settings, else POST /v1/webhook), the secret
// checked (query or X-Signal-Secret), envelopes (direct and group) → pipeline → /v2/send with quote_timestamp, the
// platform message id being the bridge's timestamp; long replies chunked (4096 / 2000); test → botInfo; activation
// failures → status error with a clear message that never quotes a token.
#include "ApiAssertions.h"
#include "KinFixture.h"

#include "channels/ChannelService.h"
#include "channels/SignalAdapter.h"
#include "channels/WhatsAppAdapter.h"
#include "contacts/ContactService.h"
#include "storage/Database.h"
#include "vault/VaultService.h"

#include <QHttpServer>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QUrlQuery>

using namespace kinbot;
using namespace kinbot::test;

namespace {

const QString kAccessToken = QStringLiteral("EAAG-valid-access-token");
const QString kPhoneId = QStringLiteral("1098765");
const QString kBotNumber = QStringLiteral("+15550001111");

// A platform's REST API on loopback: records every call; answer() decides the reply (default 404).
struct FakePlatform
{
    struct Call
    {
        QString verb;
        QString path;
        QString query;
        QByteArray authorization;
        QJsonDocument body;
        QJsonObject json() const { return body.object(); }
    };
    struct Answer
    {
        int status = 404;
        QJsonDocument body;
    };

    FakePlatform()
    {
        server.setMissingHandler([this](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
            Call c;
            switch (request.method()) {
            case QHttpServerRequest::Method::Get: c.verb = QStringLiteral("GET"); break;
            case QHttpServerRequest::Method::Put: c.verb = QStringLiteral("PUT"); break;
            case QHttpServerRequest::Method::Post: c.verb = QStringLiteral("POST"); break;
            default: c.verb = QStringLiteral("OTHER"); break;
            }
            c.path = request.url().path();
            c.query = request.url().query(QUrl::FullyDecoded);
            c.authorization = request.value("Authorization");
            c.body = QJsonDocument::fromJson(request.body());
            calls.append(c);
            Answer a = answer ? answer(c) : Answer{};
            if (a.body.isNull())
                a.body = QJsonDocument(QJsonObject{{"error", "not found"}});
            responder.write(a.body, QHttpServerResponder::StatusCode(a.status));
        });
    }
    bool listen() { return (port = server.listen(QHostAddress::LocalHost, 0)) != 0; }
    QString baseUrl() const { return QStringLiteral("http://127.0.0.1:%1").arg(port); }
    QList<Call> of(const QString &verb, const QString &path) const
    {
        QList<Call> out;
        for (const Call &c : calls)
            if (c.verb == verb && c.path == path)
                out.append(c);
        return out;
    }
    bool waitFor(const QString &verb, const QString &path, int count)
    {
        return QTest::qWaitFor([&] { return of(verb, path).size() >= count; }, 10000);
    }

    QHttpServer server;
    quint16 port = 0;
    QList<Call> calls;
    std::function<Answer(const Call &)> answer;
};

// Meta's Graph API: GET /{phoneId} and POST /{phoneId}/messages with the one valid bearer token; anything else 401
// with Meta's error shape (whose message quotes the token it got, as Meta's does).
void actAsGraph(FakePlatform &graph)
{
    graph.answer = [&graph](const FakePlatform::Call &c) -> FakePlatform::Answer {
        if (c.authorization != "Bearer " + kAccessToken.toUtf8())
            return {401, QJsonDocument(QJsonObject{
                             {"error", QJsonObject{{"message", QStringLiteral("Invalid OAuth access token: ") + QString::fromUtf8(c.authorization.mid(7))},
                                                   {"type", "OAuthException"},
                                                   {"code", 190}}}})};
        if (c.verb == QLatin1String("GET") && c.path == QLatin1String("/") + kPhoneId)
            return {200, QJsonDocument(QJsonObject{{"display_phone_number", "+1 555 000 2222"}, {"verified_name", "Relay Bot"}, {"id", kPhoneId}})};
        if (c.verb == QLatin1String("POST") && c.path == QLatin1String("/") + kPhoneId + QLatin1String("/messages"))
            return {200, QJsonDocument(QJsonObject{{"messaging_product", "whatsapp"},
                                                   {"messages", QJsonArray{QJsonObject{{"id", QStringLiteral("wamid.OUT%1").arg(graph.calls.size())}}}}})};
        return {};
    };
}

// The signal-cli REST bridge serving kBotNumber. settingsWebhook=false: an older bridge without the settings route.
void actAsBridge(FakePlatform &bridge, bool settingsWebhook = true)
{
    bridge.answer = [&bridge, settingsWebhook](const FakePlatform::Call &c) -> FakePlatform::Answer {
        if (c.verb == QLatin1String("GET") && c.path == QLatin1String("/v1/accounts"))
            return {200, QJsonDocument(QJsonArray{kBotNumber})};
        if (settingsWebhook && c.verb == QLatin1String("PUT") && c.path == QLatin1String("/v1/accounts/") + kBotNumber + QLatin1String("/settings"))
            return {200, QJsonDocument(QJsonObject{})};
        if (c.verb == QLatin1String("POST") && c.path == QLatin1String("/v1/webhook"))
            return {201, QJsonDocument(QJsonObject{})};
        if (c.verb == QLatin1String("PUT") && c.path.startsWith(QLatin1String("/v1/typing-indicator/")))
            return {200, QJsonDocument(QJsonObject{})};
        if (c.verb == QLatin1String("POST") && c.path == QLatin1String("/v2/send"))
            return {201, QJsonDocument(QJsonObject{{"timestamp", QString::number(1700000000000LL + bridge.calls.size())}})};
        return {};
    };
}

QJsonObject whatsappBody(const QString &kinId, const QString &token = kAccessToken)
{
    return {{"kinId", kinId},           {"name", "Family WhatsApp"}, {"platform", "whatsapp"},        {"botToken", token},
            {"phoneNumberId", kPhoneId}, {"verifyToken", "verify-me"}, {"appSecret", "meta-app-secret"}};
}

// A Cloud API delivery: one text message from a phone, with its profile name.
QJsonObject waDelivery(const QString &from, const QString &messageId, const QString &text, const QString &name = QStringLiteral("Bob"))
{
    const QJsonObject value{{"messaging_product", "whatsapp"},
                            {"metadata", QJsonObject{{"display_phone_number", "15550002222"}, {"phone_number_id", kPhoneId}}},
                            {"contacts", QJsonArray{QJsonObject{{"profile", QJsonObject{{"name", name}}}, {"wa_id", from}}}},
                            {"messages", QJsonArray{QJsonObject{{"from", from},
                                                                {"id", messageId},
                                                                {"timestamp", "1700000000"},
                                                                {"type", "text"},
                                                                {"text", QJsonObject{{"body", text}}}}}}};
    return {{"object", "whatsapp_business_account"},
            {"entry", QJsonArray{QJsonObject{{"id", "WABA"}, {"changes", QJsonArray{QJsonObject{{"field", "messages"}, {"value", value}}}}}}}};
}

// POSTs a delivery signed with the app secret (or with the given header value; empty = none).
HttpResponse postWhatsApp(KinFixture &f, const QString &channelId, const QByteArray &body, const QByteArray &appSecret = "meta-app-secret",
                          const QByteArray &forcedSignature = {})
{
    const QByteArray sig = forcedSignature.isNull() ? WhatsAppAdapter::signature(appSecret, body) : forcedSignature;
    Headers h;
    if (!sig.isEmpty())
        h.append({"X-Hub-Signature-256", sig});
    return f.server.client().postRaw("/api/channels/whatsapp/webhook/" + channelId.toUtf8(), body, "application/json", h);
}

QByteArray compact(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

QJsonObject signalEnvelope(const QString &from, qint64 timestamp, const QString &text, const QString &groupId = {})
{
    QJsonObject data{{"timestamp", timestamp}, {"message", text}};
    if (!groupId.isEmpty())
        data.insert("groupInfo", QJsonObject{{"groupId", groupId}, {"type", "DELIVER"}});
    return {{"envelope", QJsonObject{{"source", from},
                                     {"sourceNumber", from},
                                     {"sourceUuid", "0b5f7c1e-1111-2222-3333-444455556666"},
                                     {"sourceName", "Sam"},
                                     {"timestamp", timestamp},
                                     {"dataMessage", data}}},
            {"account", kBotNumber}};
}

HttpResponse postSignal(KinFixture &f, const QString &channelId, const QByteArray &secret, const QJsonObject &payload, bool asHeader = false)
{
    QByteArray path = "/api/channels/signal/webhook/" + channelId.toUtf8();
    Headers h;
    if (!secret.isEmpty() && asHeader)
        h.append({"X-Signal-Secret", secret});
    else if (!secret.isEmpty())
        path += "?secret=" + QUrl::toPercentEncoding(QString::fromUtf8(secret));
    return f.server.client().postRaw(path, compact(payload), "application/json", h);
}

QString approveFirstPending(KinFixture &f, const QString &channelId, const QString &name)
{
    const QString mappingId =
        f.api->get(channelPath(channelId, "/user-mappings")).json().value("mappings").toArray().at(0).toObject().value("id").toString();
    const HttpResponse r = f.api->postJson(channelPath(channelId, "/user-mappings/" + mappingId.toUtf8() + "/approve"), {{"action", "create"}, {"name", name}});
    return r.json().value("contactId").toString();
}

QString vaultValue(VaultService &vault, const QString &key)
{
    auto entry = vault.findByKey(key);
    if (!entry || !entry.value())
        return {};
    auto value = vault.entryValue(entry.value()->id);
    return value ? value->value.toString() : QString();
}

} // namespace

class TestChannelsWhatsAppSignal : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parsesWhatsAppDeliveries()
    {
        QJsonObject payload = waDelivery(QStringLiteral("15551234567"), QStringLiteral("wamid.A"), QStringLiteral("hello"));
        auto all = WhatsAppAdapter::parseWebhook(payload);
        QCOMPARE(all.size(), 1);
        QCOMPARE(all.at(0).platformUserId, QStringLiteral("15551234567"));
        QCOMPARE(all.at(0).platformChatId, QStringLiteral("15551234567"));
        QCOMPARE(all.at(0).platformDisplayName, QStringLiteral("Bob"));
        QCOMPARE(all.at(0).platformMessageId, QStringLiteral("wamid.A"));
        QCOMPARE(all.at(0).content, QStringLiteral("hello"));
        // A photo with a caption is its caption; a photo without one, a reaction and a status update carry no text.
        QJsonObject value = payload["entry"].toArray()[0].toObject()["changes"].toArray()[0].toObject()["value"].toObject();
        value["messages"] = QJsonArray{
            QJsonObject{{"from", "1555"}, {"id", "wamid.B"}, {"type", "image"}, {"image", QJsonObject{{"id", "m1"}, {"caption", "look"}}}},
            QJsonObject{{"from", "1555"}, {"id", "wamid.C"}, {"type", "image"}, {"image", QJsonObject{{"id", "m2"}}}},
            QJsonObject{{"from", "1555"}, {"id", "wamid.D"}, {"type", "reaction"}, {"reaction", QJsonObject{{"emoji", "x"}}}}};
        value["statuses"] = QJsonArray{QJsonObject{{"id", "wamid.OUT"}, {"status", "delivered"}}};
        payload = {{"entry", QJsonArray{QJsonObject{{"changes", QJsonArray{QJsonObject{{"value", value}}}}}}}};
        all = WhatsAppAdapter::parseWebhook(payload);
        QCOMPARE(all.size(), 1);
        QCOMPARE(all.at(0).content, QStringLiteral("look"));
        QCOMPARE(all.at(0).platformDisplayName, QString()); // 1555 is not among the contacts
        QVERIFY(WhatsAppAdapter::parseWebhook({}).isEmpty());
        QCOMPARE(WhatsAppAdapter::signature("k", "body"), QByteArray("sha256=c6d811ef3aeb02437cd423f1abe13209041864630bdc4e2c04def5c7b0031a23"));
    }

    void parsesSignalEnvelopes()
    {
        auto m = SignalAdapter::parseEnvelope(signalEnvelope(QStringLiteral("+15559998888"), 1700000000123LL, QStringLiteral("hi")), kBotNumber);
        QVERIFY(m.has_value());
        QCOMPARE(m->platformUserId, QStringLiteral("+15559998888"));
        QCOMPARE(m->platformChatId, QStringLiteral("+15559998888"));
        QCOMPARE(m->platformUsername, QStringLiteral("+15559998888"));
        QCOMPARE(m->platformDisplayName, QStringLiteral("Sam"));
        QCOMPARE(m->platformMessageId, QStringLiteral("1700000000123"));
        QCOMPARE(m->content, QStringLiteral("hi"));
        // In a group the chat is the group, named as the bridge names it for sending.
        m = SignalAdapter::parseEnvelope(signalEnvelope(QStringLiteral("+15559998888"), 5, QStringLiteral("all"), QStringLiteral("R3JvdXA=")), kBotNumber);
        QVERIFY(m.has_value());
        QCOMPARE(m->platformChatId, QStringLiteral("group.") + QString::fromLatin1(QByteArray("R3JvdXA=").toBase64()));
        QCOMPARE(m->platformUserId, QStringLiteral("+15559998888"));
        // JSON-RPC wrapping; a sender known only by uuid.
        QJsonObject env = signalEnvelope(QString(), 6, QStringLiteral("x")).value("envelope").toObject();
        env.remove("source");
        env.remove("sourceNumber");
        m = SignalAdapter::parseEnvelope({{"jsonrpc", "2.0"}, {"method", "receive"}, {"params", QJsonObject{{"envelope", env}}}}, kBotNumber);
        QVERIFY(m.has_value());
        QCOMPARE(m->platformUserId, QStringLiteral("0b5f7c1e-1111-2222-3333-444455556666"));
        // Our own number, a receipt (no dataMessage), an empty text: nothing.
        QVERIFY(!SignalAdapter::parseEnvelope(signalEnvelope(kBotNumber, 7, QStringLiteral("echo")), kBotNumber));
        QVERIFY(!SignalAdapter::parseEnvelope({{"envelope", QJsonObject{{"sourceNumber", "+1555"}, {"receiptMessage", QJsonObject{}}}}}, kBotNumber));
        QVERIFY(!SignalAdapter::parseEnvelope(signalEnvelope(QStringLiteral("+15559998888"), 8, QStringLiteral("  ")), kBotNumber));
    }

    void adaptersChunkLongReplies()
    {
        FakePlatform graph;
        actAsGraph(graph);
        QVERIFY(graph.listen());
        FakePlatform bridge;
        actAsBridge(bridge);
        QVERIFY(bridge.listen());
        QNetworkAccessManager network;

        WhatsAppAdapter wa(network, graph.baseUrl() + QStringLiteral("/"));
        ChannelConnection conn;
        conn.channelId = QStringLiteral("c1");
        conn.botToken = kAccessToken;
        conn.platformConfig.insert("phoneNumberId", kPhoneId);
        std::optional<Result<QString>> sent;
        wa.send(conn, {QStringLiteral("15551234567"), QString(5000, QLatin1Char('x')), QStringLiteral("wamid.IN")}, [&](Result<QString> r) { sent = r; });
        QVERIFY(QTest::qWaitFor([&] { return sent.has_value(); }, 10000));
        QVERIFY2(sent->ok(), sent->ok() ? "" : qPrintable(sent->error().message));
        auto calls = graph.of("POST", QLatin1String("/") + kPhoneId + QLatin1String("/messages"));
        QCOMPARE(calls.size(), 2);
        QCOMPARE(calls.at(0).json()["text"].toObject()["body"].toString().size(), WhatsAppAdapter::kMaxMessageChars);
        QCOMPARE(calls.at(1).json()["text"].toObject()["body"].toString().size(), 5000 - WhatsAppAdapter::kMaxMessageChars);
        QCOMPARE(calls.at(0).json()["to"].toString(), QStringLiteral("15551234567"));
        QCOMPARE(calls.at(0).json()["messaging_product"].toString(), QStringLiteral("whatsapp"));
        QCOMPARE(calls.at(0).json()["context"].toObject()["message_id"].toString(), QStringLiteral("wamid.IN"));
        QVERIFY(!calls.at(1).json().contains("context"));
        QCOMPARE(sent->value(), QStringLiteral("wamid.OUT1")); // the first message's id

        SignalAdapter signal(network);
        ChannelConnection sc;
        sc.channelId = QStringLiteral("c2");
        sc.secrets.insert("apiUrl", bridge.baseUrl());
        sc.platformConfig.insert("phoneNumber", kBotNumber);
        sent.reset();
        signal.send(sc, {QStringLiteral("+15559998888"), QString(4500, QLatin1Char('y')), QStringLiteral("1700000000123")}, [&](Result<QString> r) { sent = r; });
        QVERIFY(QTest::qWaitFor([&] { return sent.has_value(); }, 10000));
        QVERIFY2(sent->ok(), sent->ok() ? "" : qPrintable(sent->error().message));
        calls = bridge.of("POST", "/v2/send");
        QCOMPARE(calls.size(), 3);
        QCOMPARE(calls.at(0).json()["message"].toString().size(), SignalAdapter::kMaxMessageChars);
        QCOMPARE(calls.at(2).json()["message"].toString().size(), 500);
        QCOMPARE(calls.at(0).json()["number"].toString(), kBotNumber);
        QCOMPARE(calls.at(0).json()["recipients"].toArray(), QJsonArray{"+15559998888"});
        QCOMPARE(calls.at(0).json()["quote_timestamp"].toInteger(), 1700000000123LL);
        QCOMPARE(calls.at(0).json()["quote_author"].toString(), QStringLiteral("+15559998888"));
        QVERIFY(!calls.at(1).json().contains("quote_timestamp"));
        QCOMPARE(sent->value(), QStringLiteral("1700000000001")); // the bridge's timestamp of the first
    }

    void whatsapp()
    {
        FakePlatform graph;
        actAsGraph(graph);
        QVERIFY(graph.listen());
        KinFixture f([&](ServerConfig &c) { c.whatsappApiUrl = graph.baseUrl(); });
        const QString kinId = f.addKin(QStringLiteral("Relay"), f.addProvider()).value("id").toString();
        Database &db = f.server.platform().database();
        VaultService &vault = f.server.platform().vault();
        QSignalSpy inbound(&f.server.platform().channels(), &ChannelService::inboundHandled);

        // Both platforms are listed.
        QHash<QString, QString> listed;
        for (const QJsonValue &p : f.api->get("/api/channels/platforms").json().value("platforms").toArray())
            listed.insert(p.toObject().value("platform").toString(), p.toObject().value("displayName").toString());
        QCOMPARE(listed.value("whatsapp"), QStringLiteral("WhatsApp"));
        QCOMPARE(listed.value("signal"), QStringLiteral("Signal"));

        // Every WhatsApp field is required; the phone number id is numeric.
        for (const char *field : {"botToken", "phoneNumberId", "verifyToken", "appSecret"}) {
            QJsonObject body = whatsappBody(kinId);
            body.remove(QLatin1String(field));
            const HttpResponse r = f.api->postJson("/api/channels", body);
            expectError(r, 400, "VALIDATION_ERROR");
            QVERIFY2(r.json()["error"].toObject()["message"].toString().contains(QLatin1String(field)), r.body.constData());
        }
        QJsonObject bad = whatsappBody(kinId);
        bad["phoneNumberId"] = "12ab";
        expectError(f.api->postJson("/api/channels", bad), 400, "VALIDATION_ERROR");
        bad = whatsappBody(kinId);
        bad["appSecret"] = 42;
        expectError(f.api->postJson("/api/channels", bad), 400, "VALIDATION_ERROR");
        QCOMPARE(rowCount(db, "SELECT count(*) FROM channels"), 0);

        const HttpResponse made = f.api->postJson("/api/channels", whatsappBody(kinId));
        QCOMPARE(made.status, 201);
        const QString id = channelOf(made).value("id").toString();
        const QString base = QStringLiteral("channel_whatsapp_") + id;
        QCOMPARE(vaultValue(vault, base), kAccessToken);
        QCOMPARE(vaultValue(vault, base + "_verify_token"), QStringLiteral("verify-me"));
        QCOMPARE(vaultValue(vault, base + "_app_secret"), QStringLiteral("meta-app-secret"));
        const QJsonObject config = f.server.platform().channels().get(id).value().platformConfig;
        QCOMPARE(config.value("accessTokenVaultKey").toString(), base);
        QCOMPARE(config.value("botTokenVaultKey").toString(), base);
        QCOMPARE(config.value("phoneNumberId").toString(), kPhoneId);
        QCOMPARE(config.value("verifyTokenVaultKey").toString(), base + "_verify_token");
        QCOMPARE(config.value("appSecretVaultKey").toString(), base + "_app_secret");
        QVERIFY(!QJsonDocument(config).toJson().contains("meta-app-secret"));
        expectError(f.api->patchJson(channelPath(id), {{"appSecret", "other"}}), 400, "VALIDATION_ERROR");

        // Meta's verification GET: public; the challenge echoed as plain text only for the channel's verify token.
        const QByteArray hook = "/api/channels/whatsapp/webhook/" + id.toUtf8();
        HttpResponse v = f.server.client().get(hook + "?hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=1158201444");
        QCOMPARE(v.status, 200);
        QCOMPARE(v.body, QByteArray("1158201444"));
        QVERIFY(v.header("content-type").startsWith("text/plain"));
        expectError(f.server.client().get(hook + "?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1"), 403, "FORBIDDEN");
        expectError(f.server.client().get(hook + "?hub.mode=subscribe&hub.challenge=1"), 400, "VALIDATION_ERROR");
        expectError(f.server.client().get(hook + "?hub.verify_token=verify-me&hub.challenge=1"), 400, "VALIDATION_ERROR");
        expectError(f.server.client().get(hook + "?hub.mode=unsubscribe&hub.verify_token=verify-me&hub.challenge=1"), 400, "VALIDATION_ERROR");
        expectError(f.server.client().get("/api/channels/whatsapp/webhook/no-such?hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=1"),
                    404, "CHANNEL_NOT_FOUND");

        // test → the phone number's verified name; activation checks the token the same way (nothing to register).
        const HttpResponse tested = f.api->postJson(channelPath(id, "/test"), {});
        QCOMPARE(tested.json().value("valid").toBool(), true);
        QCOMPARE(tested.json()["botInfo"].toObject()["name"].toString(), QStringLiteral("Relay Bot"));
        QCOMPARE(tested.json()["botInfo"].toObject()["username"].toString(), QStringLiteral("+1 555 000 2222"));
        QCOMPARE(channelOf(f.api->postJson(channelPath(id, "/activate"), {})).value("status").toString(), QStringLiteral("active"));
        QCOMPARE(graph.of("GET", QLatin1String("/") + kPhoneId).last().authorization, "Bearer " + kAccessToken.toUtf8());

        // Deliveries without, or with a wrong, signature are refused before anything is read.
        const QByteArray hello = compact(waDelivery(QStringLiteral("15551234567"), QStringLiteral("wamid.IN1"), QStringLiteral("hello?")));
        expectError(postWhatsApp(f, id, hello, {}, ""), 401, "UNAUTHORIZED");
        expectError(postWhatsApp(f, id, hello, {}, "sha256=00ff"), 403, "FORBIDDEN");
        expectError(postWhatsApp(f, id, hello, "not-the-app-secret"), 403, "FORBIDDEN");
        expectError(postWhatsApp(f, id, hello + " ", "meta-app-secret", WhatsAppAdapter::signature("meta-app-secret", hello)), 403, "FORBIDDEN");
        expectError(postWhatsApp(f, "no-such-channel", hello), 404, "CHANNEL_NOT_FOUND");
        expectError(postWhatsApp(f, id, "{oops"), 400, "INVALID_JSON");
        QTest::qWait(50);
        QCOMPARE(inbound.size(), 0);
        QCOMPARE(rowCount(db, "SELECT count(*) FROM channel_user_mappings"), 0);
        QCOMPARE(rowCount(db, "SELECT count(*) FROM queue_items WHERE kin_id = ?", {kinId}), 0);

        // An unknown sender: pending, told so as a reply to the message.
        const QString messagesPath = QLatin1String("/") + kPhoneId + QLatin1String("/messages");
        const HttpResponse signedPost = postWhatsApp(f, id, hello);
        QCOMPARE(signedPost.status, 200);
        QCOMPARE(signedPost.json().value("ok").toBool(), true);
        QCOMPARE(nextOutcome(inbound, 0), QStringLiteral("pending"));
        QVERIFY(graph.waitFor("POST", messagesPath, 1));
        QJsonObject out = graph.of("POST", messagesPath).last().json();
        QCOMPARE(out["to"].toString(), QStringLiteral("15551234567"));
        QCOMPARE(out["text"].toObject()["body"].toString(), ChannelService::pendingText());
        QCOMPARE(out["context"].toObject()["message_id"].toString(), QStringLiteral("wamid.IN1"));
        const QJsonObject mapping = f.api->get(channelPath(id, "/user-mappings")).json()["mappings"].toArray().at(0).toObject();
        QCOMPARE(mapping["platformUserId"].toString(), QStringLiteral("15551234567"));
        QCOMPARE(mapping["platformDisplayName"].toString(), QStringLiteral("Bob"));
        QCOMPARE(rowCount(db, "SELECT count(*) FROM queue_items WHERE kin_id = ?", {kinId}), 0);

        // Approved: the "approved" DM, then a message reaches the Kin and its answer goes back as a reply.
        const QString contactId = approveFirstPending(f, id, QStringLiteral("Bob Martin"));
        QVERIFY(!contactId.isEmpty());
        QCOMPARE(f.server.platform().contacts().byPlatformId("whatsapp", "15551234567").value()->id, contactId);
        QVERIFY(graph.waitFor("POST", messagesPath, 2));
        QCOMPARE(graph.of("POST", messagesPath).last().json()["text"].toObject()["body"].toString(), ChannelService::approvedText());

        f.fake.enqueue(FakeReply::text({"Fine, ", "thanks!"}));
        QCOMPARE(postWhatsApp(f, id, compact(waDelivery(QStringLiteral("15551234567"), QStringLiteral("wamid.IN2"), QStringLiteral("How are you?"))))
                     .status,
                 200);
        QCOMPARE(nextOutcome(inbound, 1), QStringLiteral("queued"));
        QCOMPARE(rowCount(db, "SELECT count(*) FROM queue_items WHERE content = '[whatsapp:Bob Martin] How are you?'"), 1);
        QVERIFY(graph.waitFor("POST", messagesPath, 3));
        out = graph.of("POST", messagesPath).last().json();
        QCOMPARE(out["to"].toString(), QStringLiteral("15551234567"));
        QCOMPARE(out["text"].toObject()["body"].toString(), QStringLiteral("Fine, thanks!"));
        QCOMPARE(out["context"].toObject()["message_id"].toString(), QStringLiteral("wamid.IN2"));
        QVERIFY(QTest::qWaitFor([&] { return channelOf(f.api->get(channelPath(id))).value("messagesSent").toInt() == 1; }, 10000));
        auto links = f.server.platform().channels().links(id);
        QVERIFY(links && links->size() == 2);
        QCOMPARE(links->at(1).direction, QStringLiteral("outbound"));
        QVERIFY(links->at(1).platformMessageId.startsWith(QStringLiteral("wamid.OUT")));

        // A revoked token: activation fails with Meta's reason, without quoting the token; test says why too.
        const HttpResponse second = f.api->postJson("/api/channels", whatsappBody(kinId, QStringLiteral("EAAG-revoked-secret-token")));
        QCOMPARE(second.status, 201);
        const QString badId = channelOf(second).value("id").toString();
        const QJsonObject failed = channelOf(f.api->postJson(channelPath(badId, "/activate"), {}));
        QCOMPARE(failed.value("status").toString(), QStringLiteral("error"));
        const QString why = failed.value("statusMessage").toString();
        QVERIFY2(why.contains(QStringLiteral("401")) && why.contains(QStringLiteral("Invalid OAuth access token")), qPrintable(why));
        QVERIFY2(!why.contains(QStringLiteral("revoked-secret-token")), qPrintable(why));
        const HttpResponse badTest = f.api->postJson(channelPath(badId, "/test"), {});
        QCOMPARE(badTest.status, 200);
        QCOMPARE(badTest.json().value("valid").toBool(), false);
        QVERIFY(!badTest.body.contains("revoked-secret-token"));

        // Delete: every secret leaves the vault.
        QCOMPARE(f.api->del(channelPath(id)).status, 200);
        for (const QString &key : {base, base + "_verify_token", base + "_app_secret"})
            QVERIFY(!vault.findByKey(key).value().has_value());
    }

    void signal()
    {
        FakePlatform bridge;
        actAsBridge(bridge);
        QVERIFY(bridge.listen());
        KinFixture f([&](ServerConfig &c) { c.publicUrl = QStringLiteral("https://kinbot.example.test"); });
        const QString kinId = f.addKin(QStringLiteral("Relay"), f.addProvider()).value("id").toString();
        Database &db = f.server.platform().database();
        VaultService &vault = f.server.platform().vault();
        QSignalSpy inbound(&f.server.platform().channels(), &ChannelService::inboundHandled);
        const QJsonObject good{{"kinId", kinId}, {"name", "Signal"}, {"platform", "signal"}, {"apiUrl", bridge.baseUrl()}, {"phoneNumber", kBotNumber}};

        // apiUrl and phoneNumber are required (a URL, an E.164 number); a bot token is not.
        for (const char *field : {"apiUrl", "phoneNumber"}) {
            QJsonObject body = good;
            body.remove(QLatin1String(field));
            expectError(f.api->postJson("/api/channels", body), 400, "VALIDATION_ERROR");
        }
        for (auto [field, value] : {std::pair{"apiUrl", "ftp://bridge"}, std::pair{"apiUrl", "not a url"}, std::pair{"phoneNumber", "5550001111"},
                                    std::pair{"phoneNumber", "+0123"}}) {
            QJsonObject body = good;
            body.insert(QLatin1String(field), QLatin1String(value));
            expectError(f.api->postJson("/api/channels", body), 400, "VALIDATION_ERROR");
        }
        // Other platforms still need their token.
        expectError(f.api->postJson("/api/channels", {{"kinId", kinId}, {"name", "T"}, {"platform", "telegram"}}), 400, "VALIDATION_ERROR");
        QCOMPARE(rowCount(db, "SELECT count(*) FROM channels"), 0);

        const HttpResponse made = f.api->postJson("/api/channels", good);
        QCOMPARE(made.status, 201);
        const QString id = channelOf(made).value("id").toString();
        const QString base = QStringLiteral("channel_signal_") + id;
        QCOMPARE(vaultValue(vault, base + "_api_url"), bridge.baseUrl());
        const QString secret = vaultValue(vault, base + "_webhook_secret");
        QVERIFY(secret.size() >= 32);
        const QJsonObject config = f.server.platform().channels().get(id).value().platformConfig;
        QCOMPARE(config.value("phoneNumber").toString(), kBotNumber);
        QCOMPARE(config.value("apiUrlVaultKey").toString(), base + "_api_url");
        QVERIFY(!config.contains("botTokenVaultKey"));
        QVERIFY(!QJsonDocument(config).toJson().contains(secret.toUtf8()));

        const HttpResponse tested = f.api->postJson(channelPath(id, "/test"), {});
        QCOMPARE(tested.json().value("valid").toBool(), true);
        QCOMPARE(tested.json()["botInfo"].toObject()["username"].toString(), kBotNumber);

        // Activation registers our public route, with the secret, on the bridge.
        QCOMPARE(channelOf(f.api->postJson(channelPath(id, "/activate"), {})).value("status").toString(), QStringLiteral("active"));
        const auto settings = bridge.of("PUT", QStringLiteral("/v1/accounts/") + kBotNumber + QStringLiteral("/settings"));
        QCOMPARE(settings.size(), 1);
        const QUrl hookUrl(settings.first().json()["webhook_url"].toString());
        QCOMPARE(hookUrl.toString(QUrl::RemoveQuery), QStringLiteral("https://kinbot.example.test/api/channels/signal/webhook/") + id);
        QCOMPARE(QUrlQuery(hookUrl).queryItemValue("secret"), secret);
        QVERIFY(bridge.of("POST", "/v1/webhook").isEmpty());

        // The secret: missing 401, wrong 403, unknown channel 404, bad JSON 400; nothing handled.
        const QJsonObject hello = signalEnvelope(QStringLiteral("+15559998888"), 1700000000100LL, QStringLiteral("hello?"));
        expectError(postSignal(f, id, {}, hello), 401, "UNAUTHORIZED");
        expectError(postSignal(f, id, "guess", hello), 403, "FORBIDDEN");
        expectError(postSignal(f, id, secret.left(secret.size() - 1).toUtf8(), hello, true), 403, "FORBIDDEN");
        expectError(postSignal(f, "no-such-channel", secret.toUtf8(), hello), 404, "CHANNEL_NOT_FOUND");
        expectError(f.server.client().postRaw("/api/channels/signal/webhook/" + id.toUtf8() + "?secret=" + secret.toUtf8(), "[1,2", "application/json"),
                    400, "INVALID_JSON");
        QTest::qWait(50);
        QCOMPARE(inbound.size(), 0);
        QCOMPARE(rowCount(db, "SELECT count(*) FROM channel_user_mappings"), 0);

        // An unknown sender (secret in the URL, as the bridge sends it): pending, told so quoting the message.
        QCOMPARE(postSignal(f, id, secret.toUtf8(), hello).json().value("ok").toBool(), true);
        QCOMPARE(nextOutcome(inbound, 0), QStringLiteral("pending"));
        QVERIFY(bridge.waitFor("POST", "/v2/send", 1));
        QJsonObject out = bridge.of("POST", "/v2/send").last().json();
        QCOMPARE(out["message"].toString(), ChannelService::pendingText());
        QCOMPARE(out["number"].toString(), kBotNumber);
        QCOMPARE(out["recipients"].toArray(), QJsonArray{"+15559998888"});
        QCOMPARE(out["quote_timestamp"].toInteger(), 1700000000100LL);
        QCOMPARE(rowCount(db, "SELECT count(*) FROM queue_items WHERE kin_id = ?", {kinId}), 0);

        // Approved; a message (secret in the X-Signal-Secret header) → the Kin → the reply quoting it.
        QVERIFY(!approveFirstPending(f, id, QStringLiteral("Sam")).isEmpty());
        QVERIFY(bridge.waitFor("POST", "/v2/send", 2));
        QCOMPARE(bridge.of("POST", "/v2/send").last().json()["message"].toString(), ChannelService::approvedText());
        f.fake.enqueue(FakeReply::text({"Hello ", "Sam."}));
        QCOMPARE(postSignal(f, id, secret.toUtf8(), signalEnvelope(QStringLiteral("+15559998888"), 1700000000200LL, QStringLiteral("question")), true)
                     .status,
                 200);
        QCOMPARE(nextOutcome(inbound, 1), QStringLiteral("queued"));
        QCOMPARE(rowCount(db, "SELECT count(*) FROM queue_items WHERE content = '[signal:Sam] question'"), 1);
        QVERIFY(bridge.waitFor("POST", "/v2/send", 3));
        out = bridge.of("POST", "/v2/send").last().json();
        QCOMPARE(out["message"].toString(), QStringLiteral("Hello Sam."));
        QCOMPARE(out["recipients"].toArray(), QJsonArray{"+15559998888"});
        QCOMPARE(out["quote_timestamp"].toInteger(), 1700000000200LL);
        QVERIFY(QTest::qWaitFor([&] { return channelOf(f.api->get(channelPath(id))).value("messagesSent").toInt() == 1; }, 10000));
        auto links = f.server.platform().channels().links(id);
        QVERIFY(links && links->size() == 2);
        QCOMPARE(links->at(0).platformMessageId, QStringLiteral("1700000000200"));
        QVERIFY(links->at(1).platformMessageId.startsWith(QStringLiteral("17000000000"))); // the bridge's timestamp

        // A group message: the chat is the group; the reply goes to the group.
        f.fake.enqueue(FakeReply::text({"Hi all."}));
        QCOMPARE(postSignal(f, id, secret.toUtf8(),
                            signalEnvelope(QStringLiteral("+15559998888"), 1700000000300LL, QStringLiteral("group hello"), QStringLiteral("R3JvdXA=")))
                     .status,
                 200);
        QCOMPARE(nextOutcome(inbound, 2), QStringLiteral("queued"));
        QVERIFY(bridge.waitFor("POST", "/v2/send", 4));
        out = bridge.of("POST", "/v2/send").last().json();
        QCOMPARE(out["message"].toString(), QStringLiteral("Hi all."));
        QCOMPARE(out["recipients"].toArray(), QJsonArray{QStringLiteral("group.") + QString::fromLatin1(QByteArray("R3JvdXA=").toBase64())});
        QVERIFY(!out.contains("quote_author"));

        // Delete: the bridge URL and the webhook secret leave the vault.
        QCOMPARE(f.api->del(channelPath(id)).status, 200);
        QVERIFY(!vault.findByKey(base + "_api_url").value().has_value());
        QVERIFY(!vault.findByKey(base + "_webhook_secret").value().has_value());
    }

    void signalActivation()
    {
        // An older bridge without the settings route: the fallback POST /v1/webhook.
        FakePlatform bridge;
        actAsBridge(bridge, false);
        QVERIFY(bridge.listen());
        // A bridge refusing us (basic auth wrong): status error, the reason, not the credentials in the URL.
        FakePlatform locked;
        locked.answer = [](const FakePlatform::Call &) { return FakePlatform::Answer{401, QJsonDocument(QJsonObject{{"error", "Unauthorized"}})}; };
        QVERIFY(locked.listen());
        KinFixture f;
        const QString kinId = f.addKin(QStringLiteral("Relay"), f.addProvider()).value("id").toString();
        auto create = [&](const QString &apiUrl) {
            const HttpResponse r = f.api->postJson(
                "/api/channels", {{"kinId", kinId}, {"name", "Signal"}, {"platform", "signal"}, {"apiUrl", apiUrl}, {"phoneNumber", kBotNumber}});
            return channelOf(r).value("id").toString();
        };
        const QString id = create(bridge.baseUrl());
        QCOMPARE(channelOf(f.api->postJson(channelPath(id, "/activate"), {})).value("status").toString(), QStringLiteral("active"));
        QCOMPARE(bridge.of("PUT", QStringLiteral("/v1/accounts/") + kBotNumber + QStringLiteral("/settings")).size(), 1);
        const auto fallback = bridge.of("POST", "/v1/webhook");
        QCOMPARE(fallback.size(), 1);
        QCOMPARE(fallback.first().json()["number"].toString(), kBotNumber);
        QVERIFY(fallback.first().json()["url"].toString().contains(QStringLiteral("/api/channels/signal/webhook/") + id + QStringLiteral("?secret=")));

        const QString lockedUrl = QStringLiteral("http://kin:bridge-password@127.0.0.1:%1").arg(locked.port);
        const QString badId = create(lockedUrl);
        const QJsonObject failed = channelOf(f.api->postJson(channelPath(badId, "/activate"), {}));
        QCOMPARE(failed.value("status").toString(), QStringLiteral("error"));
        const QString why = failed.value("statusMessage").toString();
        QVERIFY2(why.startsWith(QStringLiteral("Signal bridge account lookup failed")) && why.contains(QStringLiteral("401")), qPrintable(why));
        QVERIFY2(!why.contains(QStringLiteral("bridge-password")), qPrintable(why));
        QVERIFY(locked.of("PUT", QStringLiteral("/v1/accounts/") + kBotNumber + QStringLiteral("/settings")).isEmpty());

        // A bridge that does not serve our number.
        FakePlatform other;
        other.answer = [](const FakePlatform::Call &c) {
            return c.path == QLatin1String("/v1/accounts") ? FakePlatform::Answer{200, QJsonDocument(QJsonArray{"+15550009999"})} : FakePlatform::Answer{};
        };
        QVERIFY(other.listen());
        const QJsonObject notServed = channelOf(f.api->postJson(channelPath(create(other.baseUrl()), "/activate"), {}));
        QCOMPARE(notServed.value("status").toString(), QStringLiteral("error"));
        QVERIFY(notServed.value("statusMessage").toString().contains(QStringLiteral("not registered")));
    }
};

QTEST_GUILESS_MAIN(TestChannelsWhatsAppSignal)
#include "tst_channels_whatsapp_signal.moc"
