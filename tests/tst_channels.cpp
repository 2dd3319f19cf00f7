// Channels: /api/channels CRUD with channel:* events, every route's failure paths and 401; the Telegram adapter against
// a fake Bot API on loopback — getMe (test, activation errors), webhook mode (setWebhook with a secret token; the public
// route refuses a missing or wrong X-Telegram-Bot-Api-Secret-Token), long polling (getUpdates delivering an update,
// stopping on deactivation), sendMessage chunks with reply_parameters; and the inbound pipeline: unknown sender →
// pending mapping + event + notification + "pending" reply with nothing queued; approval (create / link) → contact
// platform id + event + "approved" DM; /start welcome; a known sender's message → queued as the reference writes it →
// the Kin's turn on the fake LLM → its reply sent back to the same chat (not after the 5-minute origin TTL on the
// manual clock); allowlist and inactive channels drop; boot restart; the channel tools; Slack (signature window, threads).
#include "ApiAssertions.h"
#include "FakeTelegramServer.h"
#include "KinFixture.h"

#include "channels/ChannelService.h"
#include "channels/MessageChunks.h"
#include "channels/SlackAdapter.h"
#include "channels/TelegramAdapter.h"
#include "contacts/ContactService.h"
#include "kins/KinService.h"
#include "storage/Database.h"
#include "vault/VaultService.h"

#include <QHttpServer>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QUrlQuery>
#include <QDir>
#include <QFile>

using namespace kinbot;
using namespace kinbot::test;

namespace {

const QString kToken = QStringLiteral("123456:valid-token");

QJsonObject createChannel(KinFixture &f, const QString &kinId, const QString &token = kToken, const QJsonObject &extra = {})
{
    QJsonObject body{{"kinId", kinId}, {"name", "Family chat"}, {"platform", "telegram"}, {"botToken", token}};
    for (auto it = extra.begin(); it != extra.end(); ++it)
        body.insert(it.key(), it.value());
    const HttpResponse r = f.api->postJson("/api/channels", body);
    if (r.status != 201)
        qWarning() << "channel create:" << r.status << r.body;
    return channelOf(r);
}

// A Telegram Update carrying a text message from a user in a chat.
QJsonObject update(qint64 userId, qint64 chatId, qint64 messageId, const QString &text, const QString &firstName = QStringLiteral("Bob"))
{
    return {{"message", QJsonObject{{"message_id", messageId},
                                    {"from", QJsonObject{{"id", userId}, {"is_bot", false}, {"first_name", firstName}, {"username", "bobby"}}},
                                    {"chat", QJsonObject{{"id", chatId}, {"type", chatId > 0 ? "private" : "group"}}},
                                    {"date", 1700000000},
                                    {"text", text}}}};
}

HttpResponse postUpdate(KinFixture &f, const QString &channelId, const QByteArray &secret, const QJsonObject &u)
{
    Headers h;
    if (!secret.isNull())
        h.append({"X-Telegram-Bot-Api-Secret-Token", secret});
    return f.server.client().postRaw("/api/channels/telegram/" + channelId.toUtf8(), QJsonDocument(u).toJson(QJsonDocument::Compact),
                                     "application/json", h);
}

int countEvents(const SseClient &sse, const char *type)
{
    int n = 0;
    for (const SseFrame &fr : sse.frames())
        if (isEvent(fr, QString::fromLatin1(type)))
            ++n;
    return n;
}

// A known sender: a contact with a Telegram id → the contact's id ("" on failure).
QString addKnownSender(KinFixture &f, const QString &name, const QString &telegramId)
{
    ContactDraft draft;
    draft.name = name;
    draft.type = QStringLiteral("human");
    auto contact = f.server.platform().contacts().create(draft);
    if (!contact || !f.server.platform().contacts().addPlatformId(contact->id, "telegram", telegramId))
        return {};
    return contact->id;
}

// A Kin "Relay" with an active Telegram channel in webhook mode over the fake Bot API, and a known sender: Cleo,
// Telegram user 66.
struct ActiveTelegram
{
    FakeTelegramServer tg{kToken};
    std::unique_ptr<KinFixture> fixture;
    QString providerId, kinId, channelId, contactId;
    QByteArray secret; // what the webhook route wants

    bool start()
    {
        if (!tg.listen())
            return false;
        fixture = std::make_unique<KinFixture>([this](ServerConfig &c) {
            c.telegramApiUrl = tg.baseUrl();
            c.publicUrl = QStringLiteral("https://kinbot.example.test");
        });
        KinFixture &f = *fixture;
        providerId = f.addProvider();
        kinId = f.addKin(QStringLiteral("Relay"), providerId).value("id").toString();
        channelId = createChannel(f, kinId).value("id").toString();
        if (channelOf(f.api->postJson(channelPath(channelId, "/activate"), {})).value("status").toString() != QLatin1String("active"))
            return false;
        secret = tg.calls("setWebhook").first().body.value("secret_token").toString().toLatin1();
        contactId = addKnownSender(f, QStringLiteral("Cleo"), QStringLiteral("66"));
        return !contactId.isEmpty();
    }
};

// A Slack Web API on loopback: auth.test accepts one bearer token (the bot is user UBOT), chat.postMessage answers
// a new ts. Records the calls.
struct FakeSlack
{
    struct Call
    {
        QString method;
        QJsonObject body;
    };
    FakeSlack()
    {
        server.setMissingHandler([this](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
            const QString method = request.url().path().mid(1);
            calls.append({method, QJsonDocument::fromJson(request.body()).object()});
            if (method.startsWith(QLatin1String("upload/"))) { // an external upload URL: no token, the bytes
                uploads.insert(method.mid(7), request.body());
                return responder.write("OK", "text/plain");
            }
            if (method.startsWith(QLatin1String("files/"))) { // url_private_download: the bot's bearer token only
                if (request.value("Authorization") != "Bearer xoxb-valid")
                    return responder.write(QHttpServerResponder::StatusCode::Forbidden);
                return responder.write("name,qty\ntea,3\n", "text/csv");
            }
            QJsonObject answer{{"ok", false}, {"error", "invalid_auth"}};
            if (request.value("Authorization") == "Bearer xoxb-valid") {
                if (method == QLatin1String("auth.test"))
                    answer = {{"ok", true}, {"user", "kinbot"}, {"user_id", "UBOT"}, {"team", "Test"}};
                else if (method == QLatin1String("chat.postMessage"))
                    answer = {{"ok", true}, {"ts", QStringLiteral("1700000000.%1").arg(++nextTs)}};
                else if (method == QLatin1String("files.getUploadURLExternal")) {
                    const QUrlQuery form(QString::fromUtf8(request.body()));
                    calls.last().body = {{"filename", form.queryItemValue("filename")}, {"length", form.queryItemValue("length")}};
                    const QString id = QStringLiteral("F%1").arg(++nextTs);
                    answer = {{"ok", true}, {"file_id", id}, {"upload_url", baseUrl() + "upload/" + id}};
                } else if (method == QLatin1String("files.completeUploadExternal"))
                    answer = {{"ok", true}, {"files", request.body().isEmpty() ? QJsonArray() : QJsonDocument::fromJson(request.body()).object().value("files").toArray()}};
                else
                    answer = {{"ok", false}, {"error", "unknown_method"}};
            }
            responder.write(QJsonDocument(answer), QHttpServerResponder::StatusCode::Ok);
        });
    }
    bool listen() { return (port = server.listen(QHostAddress::LocalHost, 0)) != 0; }
    QString baseUrl() const { return QStringLiteral("http://127.0.0.1:%1/").arg(port); }
    QList<Call> of(const QString &method) const
    {
        QList<Call> out;
        for (const Call &c : calls)
            if (c.method == method)
                out.append(c);
        return out;
    }

    QHttpServer server;
    quint16 port = 0;
    QList<Call> calls;
    QHash<QString, QByteArray> uploads; // file id → bytes received on its upload URL
    int nextTs = 0;
};

// An Events API delivery signed as Slack signs it (or with the given signature).
HttpResponse postSlack(KinFixture &f, const QString &channelId, const QByteArray &secret, const QJsonObject &payload, qint64 tsSeconds,
                       const QByteArray &forcedSignature = {})
{
    const QByteArray body = QJsonDocument(payload).toJson(QJsonDocument::Compact);
    const QByteArray ts = QByteArray::number(tsSeconds);
    const QByteArray sig = forcedSignature.isNull() ? SlackAdapter::signature(secret, ts, body) : forcedSignature;
    Headers h;
    if (!sig.isEmpty())
        h.append({"X-Slack-Signature", sig});
    h.append({"X-Slack-Request-Timestamp", ts});
    return f.server.client().postRaw("/api/channels/slack/webhook/" + channelId.toUtf8(), body, "application/json", h);
}

QJsonObject slackMessage(const QString &user, const QString &channel, const QString &ts, const QString &text)
{
    return {{"type", "event_callback"},
            {"event", QJsonObject{{"type", "message"}, {"user", user}, {"channel", channel}, {"ts", ts}, {"text", text}}}};
}

} // namespace

class TestChannels : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void chunking()
    {
        using channels::chunkMessage;
        QCOMPARE(chunkMessage(QStringLiteral("short"), 10), QStringList{QStringLiteral("short")});
        QVERIFY(chunkMessage(QStringLiteral("   "), 10).isEmpty());
        // Paragraph breaks first, then lines, then sentences, then spaces, then hard cuts.
        QCOMPARE(chunkMessage(QStringLiteral("aaaa bbbb\n\ncccc"), 12), (QStringList{QStringLiteral("aaaa bbbb"), QStringLiteral("cccc")}));
        QCOMPARE(chunkMessage(QStringLiteral("one two\nthree"), 10), (QStringList{QStringLiteral("one two"), QStringLiteral("three")}));
        QCOMPARE(chunkMessage(QStringLiteral("Hi there. Next one"), 12), (QStringList{QStringLiteral("Hi there."), QStringLiteral("Next one")}));
        QCOMPARE(chunkMessage(QStringLiteral("abcdefghij"), 4), (QStringList{QStringLiteral("abcd"), QStringLiteral("efgh"), QStringLiteral("ij")}));
        QString longText;
        for (int i = 0; i < 900; ++i)
            longText += QStringLiteral("Sentence %1 is here. ").arg(i);
        const QStringList pieces = chunkMessage(longText, TelegramAdapter::kMaxMessageChars);
        QVERIFY(pieces.size() >= 4);
        for (const QString &p : pieces)
            QVERIFY(p.size() <= TelegramAdapter::kMaxMessageChars);
        QCOMPARE(pieces.join(QLatin1Char(' ')), longText.trimmed());
    }

    void parseUpdates()
    {
        auto m = TelegramAdapter::parseUpdate(update(7, -100, 3, QStringLiteral("hey")));
        QVERIFY(m.has_value());
        QCOMPARE(m->platformUserId, QStringLiteral("7"));
        QCOMPARE(m->platformChatId, QStringLiteral("-100"));
        QCOMPARE(m->platformMessageId, QStringLiteral("3"));
        QCOMPARE(m->platformUsername, QStringLiteral("bobby"));
        QCOMPARE(m->platformDisplayName, QStringLiteral("Bob"));
        QCOMPARE(m->content, QStringLiteral("hey"));
        // Edited messages and captions count; bots, empty texts and other updates do not.
        QJsonObject edited{{"edited_message", update(7, 7, 4, QStringLiteral("fixed")).value("message")}};
        QCOMPARE(TelegramAdapter::parseUpdate(edited)->content, QStringLiteral("fixed"));
        QJsonObject photo = update(7, 7, 5, {}).value("message").toObject();
        photo.remove("text");
        photo.insert("caption", "look");
        QCOMPARE(TelegramAdapter::parseUpdate({{"message", photo}})->content, QStringLiteral("look"));
        QJsonObject bot = update(7, 7, 6, QStringLiteral("beep")).value("message").toObject();
        bot.insert("from", QJsonObject{{"id", 9}, {"is_bot", true}});
        QVERIFY(!TelegramAdapter::parseUpdate({{"message", bot}}));
        QVERIFY(!TelegramAdapter::parseUpdate(update(7, 7, 7, {})));
        QVERIFY(!TelegramAdapter::parseUpdate({{"callback_query", QJsonObject{{"id", "1"}}}}));
        // Files: the largest photo size, documents with their name and type; a file alone is a message too.
        photo.remove("caption");
        photo.insert("photo", QJsonArray{QJsonObject{{"file_id", "small"}, {"file_size", 100}}, QJsonObject{{"file_id", "large"}, {"file_size", 900}}});
        photo.insert("document", QJsonObject{{"file_id", "doc"}, {"file_name", "a.pdf"}, {"mime_type", "application/pdf"}, {"file_size", 5}});
        auto withFiles = TelegramAdapter::parseUpdate({{"message", photo}});
        QVERIFY(withFiles.has_value());
        QCOMPARE(withFiles->content, QString());
        QCOMPARE(withFiles->attachments.size(), 2);
        QCOMPARE(withFiles->attachments.at(0).platformFileId, QStringLiteral("large"));
        QCOMPARE(withFiles->attachments.at(0).fileSize, 900);
        QCOMPARE(withFiles->attachments.at(0).fileName, QStringLiteral("photo_5.jpg"));
        QCOMPARE(withFiles->attachments.at(1).fileName, QStringLiteral("a.pdf"));
        QCOMPARE(withFiles->attachments.at(1).mimeType, QStringLiteral("application/pdf"));
        // Slack: file_share messages carry files; other subtypes do not count.
        QJsonObject share = slackMessage("U1", "C1", "1.1", "");
        QJsonObject event = share.value("event").toObject();
        event.insert("subtype", "file_share");
        event.insert("files", QJsonArray{QJsonObject{{"id", "F1"}, {"name", "x.csv"}, {"mimetype", "text/csv"}, {"size", 12},
                                                     {"url_private_download", "https://files.slack.test/F1"}}});
        share.insert("event", event);
        auto slackFiles = SlackAdapter::parseEvent(share, "UBOT");
        QVERIFY(slackFiles.has_value());
        QCOMPARE(slackFiles->attachments.size(), 1);
        QCOMPARE(slackFiles->attachments.at(0).url, QStringLiteral("https://files.slack.test/F1"));
        event.insert("subtype", "message_changed");
        share.insert("event", event);
        QVERIFY(!SlackAdapter::parseEvent(share, "UBOT"));
    }

    // Files both ways on Telegram: a message's files are fetched into the Kin's uploads and reach the model (text
    // inlined), failures become [System: …] notes; attach_file sends a workspace file with the answer as its caption.
    void filesBothWays()
    {
        ActiveTelegram t;
        QVERIFY(t.start());
        KinFixture &f = *t.fixture;
        FakeTelegramServer &tg = t.tg;
        const QString kinId = t.kinId, id = t.channelId;
        const QByteArray secret = t.secret;
        Database &db = f.server.platform().database();
        const QString workspace = f.server.platform().kins().resolve(kinId)->workspacePath;
        QVERIFY(QDir().mkpath(workspace));
        QFile report(workspace + "/report.txt");
        QVERIFY(report.open(QIODevice::WriteOnly));
        report.write("The quarterly report.");
        report.close();

        // attach_file outside a channel turn, or outside the allowed places: refused.
        QVERIFY(f.runTool("attach_file", kinId, {{"path", "report.txt"}}).value("error").toString().contains("does not answer a channel message"));
        QVERIFY(f.runTool("attach_file", kinId, {{"path", "../../../../etc/hostname"}}).contains("error"));
        QVERIFY(f.runTool("attach_file", kinId, {{"path", "missing.txt"}}).value("error").toString().contains("No file"));

        tg.addFile("doc-1", "hello from the file");
        QJsonObject msg = update(66, 66, 9, {}).value("message").toObject();
        msg.remove("text");
        msg.insert("caption", "see attached");
        msg.insert("document", QJsonObject{{"file_id", "doc-1"}, {"file_name", "notes.txt"}, {"mime_type", "text/plain"}});
        msg.insert("photo", QJsonArray{QJsonObject{{"file_id", "gone"}, {"file_size", 10}}});
        msg.insert("audio", QJsonObject{{"file_id", "huge"}, {"file_name", "long.mp3"}, {"file_size", 30 * 1024 * 1024}});
        f.fake.enqueue(FakeReply::toolCalls({{QStringLiteral("a1"), QStringLiteral("attach_file"), R"({"path":"report.txt"})"}}));
        f.fake.enqueue(FakeReply::text({"Here it is."}));
        QCOMPARE(postUpdate(f, id, secret, {{"message", msg}}).status, 200);
        QVERIFY(tg.waitForCalls("sendDocument", 1));
        const FakeTelegramServer::Call sent = tg.calls("sendDocument").first();
        QCOMPARE(sent.body.value("caption").toString(), QStringLiteral("Here it is."));
        QCOMPARE(sent.body.value("chat_id").toString(), QStringLiteral("66"));
        QCOMPARE(sent.body.value("reply_parameters").toObject().value("message_id").toInt(), 9);
        QCOMPARE(sent.fileName, QStringLiteral("report.txt"));
        QCOMPARE(sent.fileBytes, QByteArray("The quarterly report."));
        QCOMPARE(sent.fileType, QStringLiteral("text/plain"));
        QTest::qWait(200);
        QCOMPARE(tg.calls("sendMessage").size(), 0); // the text went as the caption
        QCOMPARE(channelOf(f.api->get(channelPath(id))).value("messagesSent").toInt(), 1);

        // What the model saw: the file inlined, a note for each file that could not be fetched.
        const QByteArray request = QJsonDocument(f.fake.chatRequests().first().json).toJson();
        QVERIFY2(request.contains("[telegram:Cleo] see attached"), request.constData());
        QVERIFY(request.contains("notes.txt"));
        QVERIFY(request.contains("hello from the file"));
        QVERIFY(request.contains("[System: the file \\\"photo_9.jpg\\\" could not be fetched: Telegram getFile failed: Bad Request: invalid file_id]"));
        QVERIFY(request.contains("[System: the file \\\"long.mp3\\\" could not be fetched: The file is larger than 20 MB]"));
        QCOMPARE(rowCount(db, "SELECT count(*) FROM files WHERE kin_id = ? AND original_name = 'notes.txt' AND uploaded_by IS NULL "
                              "AND message_id IS NOT NULL", {kinId}),
                 1);
        QVERIFY(!tg.calls("<download>").isEmpty());
        QCOMPARE(tg.calls("<download>").first().token, kToken);
    }

    void sendsInChunksReplyingWithTheFirst()
    {
        FakeTelegramServer tg(kToken);
        QVERIFY(tg.listen());
        QNetworkAccessManager network;
        TelegramAdapter adapter(network, tg.baseUrl());
        ChannelConnection conn;
        conn.channelId = QStringLiteral("c1");
        conn.botToken = kToken;
        std::optional<Result<QString>> sent;
        adapter.send(conn, {QStringLiteral("42"), QString(5000, QLatin1Char('x')), QStringLiteral("17")}, [&](Result<QString> r) { sent = r; });
        QVERIFY(QTest::qWaitFor([&] { return sent.has_value(); }, 10000));
        QVERIFY(sent->ok());
        const auto calls = tg.calls(QStringLiteral("sendMessage"));
        QCOMPARE(calls.size(), 2);
        QCOMPARE(calls.at(0).body.value("text").toString().size(), TelegramAdapter::kMaxMessageChars);
        QCOMPARE(calls.at(1).body.value("text").toString().size(), 5000 - TelegramAdapter::kMaxMessageChars);
        QCOMPARE(calls.at(0).body.value("chat_id").toString(), QStringLiteral("42"));
        QCOMPARE(calls.at(0).body.value("reply_parameters").toObject().value("message_id").toInt(), 17);
        QVERIFY(!calls.at(1).body.contains("reply_parameters"));
        QCOMPARE(sent->value(), QStringLiteral("501")); // the first message's id

        // A refused token is an error naming Telegram's reason.
        conn.botToken = QStringLiteral("nope");
        std::optional<Result<ChannelBotInfo>> info;
        adapter.botInfo(conn, [&](Result<ChannelBotInfo> r) { info = r; });
        QVERIFY(QTest::qWaitFor([&] { return info.has_value(); }, 10000));
        QVERIFY(!info->ok());
        QVERIFY(info->error().message.contains(QStringLiteral("Unauthorized")));
        // An answer without JSON (a proxy's 502): the error never quotes the token, though Qt's message holds the URL.
        conn.botToken = QStringLiteral("502:secret-token-value");
        info.reset();
        adapter.botInfo(conn, [&](Result<ChannelBotInfo> r) { info = r; });
        QVERIFY(QTest::qWaitFor([&] { return info.has_value(); }, 10000));
        QVERIFY(!info->ok());
        QVERIFY2(!info->error().message.contains(QStringLiteral("secret-token-value")), qPrintable(info->error().message));
        QVERIFY(info->error().message.startsWith(QStringLiteral("Telegram getMe failed: ")));
    }

    void crudAndFailures()
    {
        FakeTelegramServer tg(kToken);
        QVERIFY(tg.listen());
        KinFixture f([&](ServerConfig &c) { c.telegramApiUrl = tg.baseUrl(); });
        const QString kinId = f.addKin(QStringLiteral("Relay"), f.addProvider()).value("id").toString();
        auto sse = f.openSse();

        // No session: 401 on every management route.
        HttpClient anon = f.server.client();
        for (const auto &[method, path] : QList<QPair<QByteArray, QByteArray>>{{"GET", "/api/channels"}, {"POST", "/api/channels"},
                                                                             {"GET", "/api/channels/platforms"},
                                                                             {"GET", "/api/channels/pending-count"},
                                                                             {"GET", "/api/channels/x"}, {"PATCH", "/api/channels/x"},
                                                                             {"DELETE", "/api/channels/x"}, {"POST", "/api/channels/x/activate"},
                                                                             {"POST", "/api/channels/x/deactivate"}, {"POST", "/api/channels/x/test"},
                                                                             {"GET", "/api/channels/x/user-mappings"},
                                                                             {"POST", "/api/channels/x/user-mappings/y/approve"}})
            QCOMPARE(anon.request(method, path, "{}", {{"Content-Type", "application/json"}}).status, 401);

        const QJsonArray platforms = f.api->get("/api/channels/platforms").json().value("platforms").toArray();
        // The built adapters, by name (more platforms join as their adapters are built).
        QStringList names;
        for (const QJsonValue &p : platforms)
            names.append(p.toObject().value("platform").toString());
        QVERIFY2(names.contains("slack") && names.contains("telegram"), qPrintable(names.join(',')));
        QStringList sorted = names;
        sorted.sort();
        QCOMPARE(names, sorted);
        const QJsonObject telegram = platforms.at(names.indexOf("telegram")).toObject();
        QCOMPARE(telegram.value("displayName").toString(), QStringLiteral("Telegram"));
        QCOMPARE(telegram.value("isPlugin").toBool(), false);

        // Create: every failure path.
        expectError(f.api->postJson("/api/channels", {{"name", "x"}, {"platform", "telegram"}, {"botToken", "t"}}), 400, "VALIDATION_ERROR");
        expectError(f.api->postJson("/api/channels", {{"kinId", kinId}, {"platform", "telegram"}, {"botToken", "t"}}), 400, "VALIDATION_ERROR");
        expectError(f.api->postJson("/api/channels", {{"kinId", kinId}, {"name", "x"}, {"platform", "telegram"}}), 400, "VALIDATION_ERROR");
        expectError(f.api->postJson("/api/channels", {{"kinId", kinId}, {"name", "x"}, {"platform", "icq"}, {"botToken", "t"}}), 400,
                    "VALIDATION_ERROR");
        expectError(f.api->postJson("/api/channels", {{"kinId", kinId}, {"name", 5}, {"platform", "telegram"}, {"botToken", "t"}}), 400,
                    "VALIDATION_ERROR");
        expectError(f.api->postJson("/api/channels", {{"kinId", kinId}, {"name", "x"}, {"platform", "telegram"}, {"botToken", "t"},
                                                      {"allowedChatIds", "all"}}),
                    400, "VALIDATION_ERROR");
        expectError(f.api->postJson("/api/channels", {{"kinId", "no-such-kin"}, {"name", "x"}, {"platform", "telegram"}, {"botToken", "t"}}),
                    404, "KIN_NOT_FOUND");
        expectError(f.api->postRaw("/api/channels", "{not json"), 400, "INVALID_JSON");
        QCOMPARE(rowCount(f.server.platform().database(), "SELECT count(*) FROM channels"), 0);

        const QJsonObject c = createChannel(f, kinId, kToken, {{"allowedChatIds", QJsonArray{"77", 88}}});
        const QString id = c.value("id").toString();
        QVERIFY(!id.isEmpty());
        QCOMPARE(c.value("kinId").toString(), kinId);
        QCOMPARE(c.value("kinName").toString(), QStringLiteral("Relay"));
        QCOMPARE(c.value("name").toString(), QStringLiteral("Family chat"));
        QCOMPARE(c.value("platform").toString(), QStringLiteral("telegram"));
        QCOMPARE(c.value("status").toString(), QStringLiteral("inactive"));
        QVERIFY(c.value("statusMessage").isNull());
        QCOMPARE(c.value("autoCreateContacts").toBool(), false);
        QCOMPARE(c.value("messagesReceived").toInt(), 0);
        QCOMPARE(c.value("messagesSent").toInt(), 0);
        QVERIFY(c.value("lastActivityAt").isNull());
        QCOMPARE(c.value("createdBy").toString(), QStringLiteral("user"));
        QCOMPARE(c.value("createdAt").toDouble(), double(f.server.clock().nowMs()));
        QCOMPARE(c.value("pendingApprovalCount").toInt(), 0);
        QVERIFY(!c.contains("botToken"));
        auto created = sse->waitFor([&](const SseFrame &fr) { return isEvent(fr, "channel:created"); });
        QVERIFY(created.has_value());
        QCOMPARE(created->data.value("channelId").toString(), id);
        QCOMPARE(created->data.value("kinId").toString(), kinId);
        QCOMPARE(created->data.value("platform").toString(), QStringLiteral("telegram"));

        // The token is in the vault under the reference's key; the row holds only the key's name and the allowlist.
        const QString vaultKey = QStringLiteral("channel_telegram_") + id;
        auto entry = f.server.platform().vault().findByKey(vaultKey);
        QVERIFY(entry && entry.value());
        QCOMPARE(f.server.platform().vault().entryValue(entry.value()->id)->value.toString(), kToken);
        auto row = f.server.platform().database().selectOne("SELECT platform_config FROM channels WHERE id = ?", {id});
        QVERIFY(row && row.value());
        const QJsonObject config = QJsonDocument::fromJson(row.value()->value(0).toString().toUtf8()).object();
        QCOMPARE(config.value("botTokenVaultKey").toString(), vaultKey);
        QCOMPARE(config.value("allowedChatIds").toArray(), (QJsonArray{"77", "88"}));
        QVERIFY(!row.value()->value(0).toString().contains(kToken));

        // Get, list.
        QCOMPARE(channelOf(f.api->get(channelPath(id))).value("id").toString(), id);
        expectError(f.api->get(channelPath("nope")), 404, "CHANNEL_NOT_FOUND");
        QCOMPARE(f.api->get("/api/channels").json().value("channels").toArray().size(), 1);
        QCOMPARE(f.api->get("/api/channels?kinId=" + kinId.toUtf8()).json().value("channels").toArray().size(), 1);
        QCOMPARE(f.api->get("/api/channels?kinId=other").json().value("channels").toArray().size(), 0);

        // Patch.
        const HttpResponse patched = f.api->patchJson(channelPath(id), {{"name", "  Renamed "}, {"allowedChatIds", QJsonValue()},
                                                                        {"autoCreateContacts", true}});
        QCOMPARE(patched.status, 200);
        QCOMPARE(channelOf(patched).value("name").toString(), QStringLiteral("Renamed"));
        QCOMPARE(channelOf(patched).value("autoCreateContacts").toBool(), true);
        row = f.server.platform().database().selectOne("SELECT platform_config FROM channels WHERE id = ?", {id});
        QVERIFY(!QJsonDocument::fromJson(row.value()->value(0).toString().toUtf8()).object().contains("allowedChatIds"));
        QVERIFY(sse->waitFor([&](const SseFrame &fr) { return isEvent(fr, "channel:updated"); }).has_value());
        expectError(f.api->patchJson(channelPath(id), {{"name", ""}}), 400, "VALIDATION_ERROR");
        expectError(f.api->patchJson(channelPath(id), {{"platform", "slack"}}), 400, "VALIDATION_ERROR");
        expectError(f.api->patchJson(channelPath(id), {{"kinId", "nobody"}}), 404, "KIN_NOT_FOUND");
        expectError(f.api->patchJson(channelPath("nope"), {{"name", "x"}}), 404, "CHANNEL_NOT_FOUND");

        // Test: the bot behind the token (always 200).
        HttpResponse tested = f.api->postJson(channelPath(id, "/test"), {});
        QCOMPARE(tested.status, 200);
        QCOMPARE(tested.json().value("valid").toBool(), true);
        QCOMPARE(tested.json().value("botInfo").toObject().value("name").toString(), QStringLiteral("Test Bot"));
        QCOMPARE(tested.json().value("botInfo").toObject().value("username").toString(), QStringLiteral("test_bot"));
        const QString badId = createChannel(f, kinId, QStringLiteral("999:revoked")).value("id").toString();
        tested = f.api->postJson(channelPath(badId, "/test"), {});
        QCOMPARE(tested.status, 200);
        QCOMPARE(tested.json().value("valid").toBool(), false);
        QVERIFY(tested.json().value("error").toString().contains("Unauthorized"));
        expectError(f.api->postJson(channelPath("nope", "/test"), {}), 404, "CHANNEL_NOT_FOUND");

        // Activation with a refused token: status error with the reason.
        const HttpResponse failed = f.api->postJson(channelPath(badId, "/activate"), {});
        QCOMPARE(failed.status, 200);
        QCOMPARE(channelOf(failed).value("status").toString(), QStringLiteral("error"));
        QVERIFY(channelOf(failed).value("statusMessage").toString().contains("Unauthorized"));
        expectError(f.api->postJson(channelPath("nope", "/activate"), {}), 404, "CHANNEL_NOT_FOUND");
        expectError(f.api->postJson(channelPath("nope", "/deactivate"), {}), 404, "CHANNEL_NOT_FOUND");

        // Mappings and approvals of unknown things.
        QCOMPARE(f.api->get("/api/channels/pending-count").json().value("count").toInt(), 0);
        QCOMPARE(f.api->get(channelPath(id, "/user-mappings")).json().value("mappings").toArray().size(), 0);
        expectError(f.api->get(channelPath("nope", "/user-mappings")), 404, "CHANNEL_NOT_FOUND");
        expectError(f.api->postJson(channelPath(id, "/user-mappings/nope/approve"), {{"action", "create"}}), 404, "MAPPING_NOT_FOUND");
        expectError(f.api->postJson(channelPath("nope", "/user-mappings/nope/approve"), {{"action", "create"}}), 404, "CHANNEL_NOT_FOUND");

        // At most 5 per Kin.
        for (int i = 0; i < 3; ++i)
            QVERIFY(!createChannel(f, kinId).value("id").toString().isEmpty());
        expectError(f.api->postJson("/api/channels", {{"kinId", kinId}, {"name", "x"}, {"platform", "telegram"}, {"botToken", "t"}}), 400,
                    "CHANNEL_CREATE_ERROR");

        // Delete: the row, the vault token, an event.
        QCOMPARE(f.api->del(channelPath(id)).json().value("success").toBool(), true);
        expectError(f.api->get(channelPath(id)), 404, "CHANNEL_NOT_FOUND");
        QVERIFY(!f.server.platform().vault().findByKey(vaultKey).value().has_value());
        auto deleted = sse->waitFor([&](const SseFrame &fr) { return isEvent(fr, "channel:deleted"); });
        QVERIFY(deleted.has_value());
        QCOMPARE(deleted->data.value("channelId").toString(), id);
        expectError(f.api->del(channelPath(id)), 404, "CHANNEL_NOT_FOUND");

        // Deleting the Kin takes its channels and their tokens along.
        QCOMPARE(f.api->del("/api/kins/" + kinId.toUtf8()).status, 200);
        QCOMPARE(rowCount(f.server.platform().database(), "SELECT count(*) FROM channels"), 0);
        QVERIFY(!f.server.platform().vault().findByKey(QStringLiteral("channel_telegram_") + badId).value().has_value());
    }

    void webhookPipeline()
    {
        FakeTelegramServer tg(kToken);
        QVERIFY(tg.listen());
        KinFixture f([&](ServerConfig &c) {
            c.telegramApiUrl = tg.baseUrl();
            c.publicUrl = QStringLiteral("https://kinbot.example.test");
        });
        const QString kinId = f.addKin(QStringLiteral("Relay"), f.addProvider()).value("id").toString();
        const QString id = createChannel(f, kinId).value("id").toString();
        Database &db = f.server.platform().database();
        QSignalSpy inbound(&f.server.platform().channels(), &ChannelService::inboundHandled);
        auto sse = f.openSse();

        // Activation over https: a webhook with a secret token.
        const HttpResponse activated = f.api->postJson(channelPath(id, "/activate"), {});
        QCOMPARE(channelOf(activated).value("status").toString(), QStringLiteral("active"));
        auto updated = sse->waitFor([&](const SseFrame &fr) { return isEvent(fr, "channel:updated") && fr.data.value("status") == "active"; });
        QVERIFY(updated.has_value());
        QCOMPARE(tg.calls("setWebhook").size(), 1);
        const QJsonObject hook = tg.calls("setWebhook").first().body;
        QCOMPARE(hook.value("url").toString(), QStringLiteral("https://kinbot.example.test/api/channels/telegram/") + id);
        const QByteArray secret = hook.value("secret_token").toString().toLatin1();
        QVERIFY(secret.size() >= 32);
        QVERIFY(!f.server.platform().channels().adapter("telegram") || !static_cast<TelegramAdapter *>(
                                                                             f.server.platform().channels().adapter("telegram"))->isPolling(id));

        // The public route: no secret → 401, a wrong one → 403, nothing handled; unknown channel → 404.
        expectError(postUpdate(f, id, QByteArray(), update(77, 77, 1, "hi")), 401, "UNAUTHORIZED");
        expectError(postUpdate(f, id, "wrong-secret", update(77, 77, 1, "hi")), 403, "FORBIDDEN");
        expectError(postUpdate(f, "no-such-channel", secret, update(77, 77, 1, "hi")), 404, "CHANNEL_NOT_FOUND");
        expectError(f.server.client().postRaw("/api/channels/telegram/" + id.toUtf8(), "{oops", "application/json",
                                              {{"X-Telegram-Bot-Api-Secret-Token", secret}}),
                    400, "INVALID_JSON");
        QCOMPARE(inbound.size(), 0);
        QCOMPARE(rowCount(db, "SELECT count(*) FROM channel_user_mappings"), 0);

        // An unknown sender: a pending mapping, an event, a notification, a "pending" reply; nothing queued.
        const int sentBefore = tg.calls("sendMessage").size();
        QCOMPARE(postUpdate(f, id, secret, update(77, 77, 10, "hello?")).json().value("ok").toBool(), true);
        QCOMPARE(nextOutcome(inbound, 0), QStringLiteral("pending"));
        auto pending = sse->waitFor([&](const SseFrame &fr) { return isEvent(fr, "channel:user-pending"); });
        QVERIFY(pending.has_value());
        QCOMPARE(pending->data.value("channelId").toString(), id);
        QCOMPARE(pending->data.value("platform").toString(), QStringLiteral("telegram"));
        QCOMPARE(pending->data.value("platformUsername").toString(), QStringLiteral("bobby"));
        QCOMPARE(pending->data.value("platformDisplayName").toString(), QStringLiteral("Bob"));
        const QString mappingId = pending->data.value("mappingId").toString();
        QVERIFY(tg.waitForCalls("sendMessage", sentBefore + 1));
        QJsonObject sent = tg.calls("sendMessage").last().body;
        QCOMPARE(sent.value("chat_id").toString(), QStringLiteral("77"));
        QCOMPARE(sent.value("text").toString(), ChannelService::pendingText());
        QCOMPARE(sent.value("reply_parameters").toObject().value("message_id").toInt(), 10);
        QCOMPARE(rowCount(db, "SELECT count(*) FROM queue_items WHERE kin_id = ?", {kinId}), 0);
        QCOMPARE(rowCount(db, "SELECT count(*) FROM notifications WHERE type = 'channel:user-pending' AND related_id = ?", {id}), 1);
        // Writing again: still one mapping, no second event or notification, but the reminder again.
        QCOMPARE(postUpdate(f, id, secret, update(77, 77, 11, "hello??")).status, 200);
        QCOMPARE(nextOutcome(inbound, 1), QStringLiteral("pending"));
        QVERIFY(tg.waitForCalls("sendMessage", sentBefore + 2));
        QCOMPARE(rowCount(db, "SELECT count(*) FROM channel_user_mappings"), 1);
        QCOMPARE(rowCount(db, "SELECT count(*) FROM notifications WHERE type = 'channel:user-pending'"), 1);
        QCOMPARE(countEvents(*sse, "channel:user-pending"), 1);

        const QJsonArray mappings = f.api->get(channelPath(id, "/user-mappings")).json().value("mappings").toArray();
        QCOMPARE(mappings.size(), 1);
        QCOMPARE(mappings.at(0).toObject().value("id").toString(), mappingId);
        QCOMPARE(mappings.at(0).toObject().value("platformUserId").toString(), QStringLiteral("77"));
        QCOMPARE(mappings.at(0).toObject().value("platformUsername").toString(), QStringLiteral("bobby"));
        QCOMPARE(f.api->get("/api/channels/pending-count").json().value("count").toInt(), 1);
        QCOMPARE(channelOf(f.api->get(channelPath(id))).value("pendingApprovalCount").toInt(), 1);

        // Approve: a bad action, then create → a contact with the platform id, an event, the "approved" DM.
        expectError(f.api->postJson(channelPath(id, "/user-mappings/" + mappingId.toUtf8() + "/approve"), {{"action", "adopt"}}), 400,
                    "VALIDATION_ERROR");
        expectError(f.api->postJson(channelPath(id, "/user-mappings/" + mappingId.toUtf8() + "/approve"), {{"action", "link"}, {"contactId", "nope"}}),
                    404, "CONTACT_NOT_FOUND");
        const int beforeApproval = tg.calls("sendMessage").size();
        const HttpResponse approved =
            f.api->postJson(channelPath(id, "/user-mappings/" + mappingId.toUtf8() + "/approve"), {{"action", "create"}, {"name", "Bob Martin"}});
        QCOMPARE(approved.status, 200);
        QCOMPARE(approved.json().value("success").toBool(), true);
        const QString contactId = approved.json().value("contactId").toString();
        const QJsonObject contact = f.api->get("/api/contacts/" + contactId.toUtf8()).json().value("contact").toObject();
        QCOMPARE(contact.value("name").toString(), QStringLiteral("Bob Martin"));
        auto platformIds = f.server.platform().contacts().byPlatformId("telegram", "77");
        QVERIFY(platformIds && platformIds.value());
        QCOMPARE(platformIds.value()->id, contactId);
        auto approvedEvent = sse->waitFor([&](const SseFrame &fr) { return isEvent(fr, "channel:user-approved"); });
        QVERIFY(approvedEvent.has_value());
        QCOMPARE(approvedEvent->data.value("mappingId").toString(), mappingId);
        QCOMPARE(f.api->get("/api/channels/pending-count").json().value("count").toInt(), 0);
        QVERIFY(tg.waitForCalls("sendMessage", beforeApproval + 1));
        QCOMPARE(tg.calls("sendMessage").last().body.value("chat_id").toString(), QStringLiteral("77"));
        QCOMPARE(tg.calls("sendMessage").last().body.value("text").toString(), ChannelService::approvedText());
        expectError(f.api->postJson(channelPath(id, "/user-mappings/" + mappingId.toUtf8() + "/approve"), {{"action", "create"}}), 404,
                    "MAPPING_NOT_FOUND");

        // /start: the welcome, not queued.
        const int beforeStart = tg.calls("sendMessage").size();
        QCOMPARE(postUpdate(f, id, secret, update(77, 77, 12, "/start@test_bot hello")).status, 200);
        QCOMPARE(nextOutcome(inbound, 2), QStringLiteral("welcome"));
        QVERIFY(tg.waitForCalls("sendMessage", beforeStart + 1));
        QCOMPARE(tg.calls("sendMessage").last().body.value("text").toString(),
                 QStringLiteral("Hi! I'm Relay — a test assistant. Send me a message and I will answer here."));
        QCOMPARE(rowCount(db, "SELECT count(*) FROM queue_items WHERE kin_id = ?", {kinId}), 0);

        // A known sender's message: queued as the reference writes it; the Kin answers; the reply goes to the same chat.
        f.fake.enqueue(FakeReply::text({"Hi ", "Bob!"}));
        const int beforeTurn = tg.calls("sendMessage").size();
        QCOMPARE(postUpdate(f, id, secret, update(77, 77, 13, "How are you?")).status, 200);
        QCOMPARE(nextOutcome(inbound, 3), QStringLiteral("queued"));
        auto item = db.selectOne("SELECT id, message_type, source_type, source_id, priority, content, channel_origin_id FROM queue_items "
                                 "WHERE kin_id = ?",
                                 {kinId});
        QVERIFY(item && item.value());
        const QString itemId = item.value()->value(0).toString();
        QCOMPARE(item.value()->value(1).toString(), QStringLiteral("channel"));
        QCOMPARE(item.value()->value(2).toString(), QStringLiteral("channel"));
        QCOMPARE(item.value()->value(3).toString(), id);
        QCOMPARE(item.value()->value(4).toInt(), 100);
        QCOMPARE(item.value()->value(5).toString(), QStringLiteral("[telegram:Bob Martin] How are you?"));
        QCOMPARE(item.value()->value(6).toString(), itemId);
        auto received = sse->waitFor([&](const SseFrame &fr) { return isEvent(fr, "channel:message-received", kinId); });
        QVERIFY(received.has_value());
        QCOMPARE(received->data.value("sender").toString(), QStringLiteral("Bob Martin"));
        QVERIFY(tg.waitForCalls("sendChatAction", 1));
        QCOMPARE(tg.calls("sendChatAction").last().body.value("action").toString(), QStringLiteral("typing"));

        QVERIFY(f.fake.waitForChatRequests(1));
        const QByteArray request = QJsonDocument(f.fake.chatRequests().first().json).toJson();
        QVERIFY(request.contains("[telegram:Bob Martin] How are you?"));
        // The speaker is the contact, an outsider, over the channel.
        QVERIFY2(request.contains("- Name: Bob Martin\\n- Role: external"), request.constData());
        QVERIFY(request.contains("Current message from: **channel** (sender: Bob Martin)"));
        QVERIFY(tg.waitForCalls("sendMessage", beforeTurn + 1));
        sent = tg.calls("sendMessage").last().body;
        QCOMPARE(sent.value("chat_id").toString(), QStringLiteral("77"));
        QCOMPARE(sent.value("text").toString(), QStringLiteral("Hi Bob!"));
        QCOMPARE(sent.value("reply_parameters").toObject().value("message_id").toInt(), 13);
        auto sentEvent = sse->waitFor([&](const SseFrame &fr) { return isEvent(fr, "channel:message-sent", kinId); }, 10000);
        QVERIFY(sentEvent.has_value());
        QCOMPARE(sentEvent->data.value("channelId").toString(), id);
        const QJsonObject counters = channelOf(f.api->get(channelPath(id)));
        QCOMPARE(counters.value("messagesReceived").toInt(), 1);
        QCOMPARE(counters.value("messagesSent").toInt(), 1);
        QCOMPARE(counters.value("lastActivityAt").toDouble(), double(f.server.clock().nowMs()));
        auto links = f.server.platform().channels().links(id);
        QVERIFY(links);
        QCOMPARE(links->size(), 2);
        QCOMPARE(links->at(0).direction, QStringLiteral("inbound"));
        QCOMPARE(links->at(0).messageId, itemId);
        QCOMPARE(links->at(0).platformMessageId, QStringLiteral("13"));
        QCOMPARE(links->at(1).direction, QStringLiteral("outbound"));
        QCOMPARE(links->at(1).messageId, sentEvent->data.value("messageId").toString());
        QCOMPARE(links->at(1).platformChatId, QStringLiteral("77"));

        // Link approval: a second sender joins an existing contact.
        QCOMPARE(postUpdate(f, id, secret, update(88, 88, 20, "me too", QStringLiteral("Rob"))).status, 200);
        QCOMPARE(nextOutcome(inbound, 4), QStringLiteral("pending"));
        const QString second = f.api->get(channelPath(id, "/user-mappings")).json().value("mappings").toArray().at(0).toObject().value("id").toString();
        const HttpResponse linked =
            f.api->postJson(channelPath(id, "/user-mappings/" + second.toUtf8() + "/approve"), {{"action", "link"}, {"contactId", contactId}});
        QCOMPARE(linked.json().value("contactId").toString(), contactId);
        QCOMPARE(f.server.platform().contacts().byPlatformId("telegram", "88").value()->id, contactId);

        // Allowlist: a chat not listed is dropped.
        QCOMPARE(f.api->patchJson(channelPath(id), {{"allowedChatIds", QJsonArray{"-100"}}}).status, 200);
        const int beforeDrop = tg.calls("sendMessage").size();
        QCOMPARE(postUpdate(f, id, secret, update(77, 77, 30, "blocked?")).status, 200);
        QCOMPARE(nextOutcome(inbound, 5), QStringLiteral("dropped"));
        QCOMPARE(postUpdate(f, id, secret, update(77, -100, 31, "from the group")).status, 200);
        QCOMPARE(nextOutcome(inbound, 6), QStringLiteral("queued"));
        QCOMPARE(rowCount(db, "SELECT count(*) FROM queue_items WHERE content = '[telegram:Bob Martin] blocked?'"), 0);

        // Inactive: accepted (200) and dropped.
        QVERIFY(f.fake.waitForChatRequests(2));
        QCOMPARE(tg.calls("deleteWebhook").size(), 0);
        QCOMPARE(channelOf(f.api->postJson(channelPath(id, "/deactivate"), {})).value("status").toString(), QStringLiteral("inactive"));
        // Deactivation takes the webhook off Telegram (the bot can then be polled or used elsewhere).
        QVERIFY(tg.waitForCalls("deleteWebhook", 1));
        QCOMPARE(tg.calls("deleteWebhook").first().token, kToken);
        QCOMPARE(postUpdate(f, id, secret, update(77, -100, 32, "anyone?")).status, 200);
        QCOMPARE(nextOutcome(inbound, 7), QStringLiteral("dropped"));
        QVERIFY(tg.calls("sendMessage").size() >= beforeDrop);
        QCOMPARE(rowCount(db, "SELECT count(*) FROM queue_items WHERE content LIKE '%anyone?%'"), 0);
    }

    void longPolling()
    {
        FakeTelegramServer tg(kToken);
        QVERIFY(tg.listen());
        KinFixture f([&](ServerConfig &c) { c.telegramApiUrl = tg.baseUrl(); }); // public URL http://localhost:… → polling
        const QString kinId = f.addKin(QStringLiteral("Relay"), f.addProvider()).value("id").toString();
        const QString id = createChannel(f, kinId).value("id").toString();
        QSignalSpy inbound(&f.server.platform().channels(), &ChannelService::inboundHandled);
        auto *adapter = static_cast<TelegramAdapter *>(f.server.platform().channels().adapter("telegram"));

        QCOMPARE(channelOf(f.api->postJson(channelPath(id, "/activate"), {})).value("status").toString(), QStringLiteral("active"));
        QCOMPARE(tg.calls("setWebhook").size(), 0);
        QCOMPARE(tg.calls("deleteWebhook").size(), 1);
        QVERIFY(adapter->isPolling(id));
        QVERIFY(tg.waitForCalls("getUpdates", 1));
        QCOMPARE(tg.calls("getUpdates").first().body.value("timeout").toInt(), TelegramAdapter::kPollTimeoutSeconds);

        // The public webhook route is not how this channel hears; an update comes through getUpdates.
        tg.pushUpdate(update(55, 55, 5, "anyone there?"));
        QCOMPARE(nextOutcome(inbound, 0), QStringLiteral("pending"));
        QCOMPARE(rowCount(f.server.platform().database(), "SELECT count(*) FROM channel_user_mappings WHERE platform_user_id = '55'"), 1);
        QVERIFY(tg.waitForCalls("sendMessage", 1));
        QCOMPARE(tg.calls("sendMessage").last().body.value("text").toString(), ChannelService::pendingText());
        // The next poll asks for the updates after that one.
        QVERIFY(QTest::qWaitFor([&] { return tg.calls("getUpdates").last().body.value("offset").toInteger() == 1002; }, 5000));

        // Deactivated: polling stops.
        QCOMPARE(channelOf(f.api->postJson(channelPath(id, "/deactivate"), {})).value("status").toString(), QStringLiteral("inactive"));
        QVERIFY(!adapter->isPolling(id));
        const int polls = tg.calls("getUpdates").size();
        QTest::qWait(1000);
        QCOMPARE(tg.calls("getUpdates").size(), polls);
    }
    void activeChannelsRestartAtBoot()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        FakeTelegramServer tg(kToken);
        QVERIFY(tg.listen());
        const auto sameDir = [&](const QString &apiUrl) {
            return [&, apiUrl](ServerConfig &c) {
                c.dataDir = dir.path();
                c.telegramApiUrl = apiUrl;
            };
        };
        QString id;
        {
            KinFixture f(sameDir(tg.baseUrl()));
            const QString kinId = f.addKin(QStringLiteral("Relay"), f.addProvider()).value("id").toString();
            id = createChannel(f, kinId).value("id").toString();
            QCOMPARE(channelOf(f.api->postJson(channelPath(id, "/activate"), {})).value("status").toString(), QStringLiteral("active"));
        }
        const int deletes = tg.calls("deleteWebhook").size();
        {
            // Same data dir: the channel is active again, polling, without anyone asking.
            TestServer s(sameDir(tg.baseUrl()));
            QVERIFY(s.ok());
            QVERIFY(tg.waitForCalls("deleteWebhook", deletes + 1));
            auto *adapter = static_cast<TelegramAdapter *>(s.platform().channels().adapter("telegram"));
            QVERIFY(QTest::qWaitFor([&] { return adapter->isPolling(id); }, 5000));
            QCOMPARE(s.platform().channels().get(id)->status, QStringLiteral("active"));
        }
        {
            // The platform now refuses the token: the channel turns to error, with the reason.
            FakeTelegramServer revoked(QStringLiteral("another-token"));
            QVERIFY(revoked.listen());
            TestServer s(sameDir(revoked.baseUrl()));
            QVERIFY(s.ok());
            QVERIFY(QTest::qWaitFor([&] { return s.platform().channels().get(id)->status == QLatin1String("error"); }, 10000));
            QVERIFY(s.platform().channels().get(id)->statusMessage.contains(QStringLiteral("Unauthorized")));
        }
    }

    void tools()
    {
        FakeTelegramServer tg(kToken);
        QVERIFY(tg.listen());
        KinFixture f([&](ServerConfig &c) { c.telegramApiUrl = tg.baseUrl(); });
        const QString providerId = f.addProvider();
        const QString kinId = f.addKin(QStringLiteral("Relay"), providerId).value("id").toString();
        const QString otherKin = f.addKin(QStringLiteral("Other"), providerId).value("id").toString();
        const QString id = createChannel(f, kinId).value("id").toString();
        const QString othersChannel = createChannel(f, otherKin).value("id").toString();

        QJsonObject listed = f.runTool("list_channels", kinId, {});
        QCOMPARE(listed.value("count").toInt(), 1);
        QCOMPARE(listed.value("channels").toArray().at(0).toObject().value("channel_id").toString(), id);
        QCOMPARE(listed.value("channels").toArray().at(0).toObject().value("status").toString(), QStringLiteral("inactive"));

        // Another Kin's channel is not the Kin's to drive; an inactive one cannot send.
        QVERIFY(f.runTool("activate_channel", kinId, {{"channel_id", othersChannel}}).value("error").toString().contains("no channel"));
        QVERIFY(f.runTool("send_channel_message", kinId, {{"channel_id", id}, {"chat_id", "42"}, {"message", "hi"}})
                    .value("error").toString().contains("not active"));

        QCOMPARE(f.runTool("activate_channel", kinId, {{"channel_id", id}}).value("status").toString(), QStringLiteral("active"));
        const QJsonObject sent = f.runTool("send_channel_message", kinId, {{"channel_id", id}, {"chat_id", 42}, {"message", "Reminder: tea at 5."}});
        QCOMPARE(sent.value("success").toBool(), true);
        QCOMPARE(sent.value("platform_message_id").toString(), QStringLiteral("501"));
        QCOMPARE(tg.calls("sendMessage").last().body.value("text").toString(), QStringLiteral("Reminder: tea at 5."));
        QCOMPARE(tg.calls("sendMessage").last().body.value("chat_id").toString(), QStringLiteral("42"));
        QVERIFY(!tg.calls("sendMessage").last().body.contains("reply_parameters"));
        QCOMPARE(channelOf(f.api->get(channelPath(id))).value("messagesSent").toInt(), 1);
        QVERIFY(f.runTool("send_channel_message", kinId, {{"channel_id", id}, {"chat_id", "42"}, {"message", "  "}}).contains("error"));

        QCOMPARE(f.runTool("deactivate_channel", kinId, {{"channel_id", id}}).value("status").toString(), QStringLiteral("inactive"));
        QVERIFY(f.runTool("deactivate_channel", kinId, {}).value("error").toString().contains("channel_id"));
    }

    void replyOriginExpires()
    {
        ActiveTelegram t;
        QVERIFY(t.start());
        KinFixture &f = *t.fixture;
        FakeTelegramServer &tg = t.tg;
        const QString kinId = t.kinId, id = t.channelId;
        const QByteArray secret = t.secret;

        // The Kin takes longer than CHANNEL_PENDING_ORIGIN_TTL (on the clock): its answer is kept, not sent.
        f.fake.enqueue(FakeReply::text({"Too ", "late."}).chunkDelayMs(400));
        const int before = tg.calls("sendMessage").size();
        QCOMPARE(postUpdate(f, id, secret, update(66, 66, 9, "slow question")).status, 200);
        QVERIFY(f.fake.waitForChatRequests(1));
        f.server.clock().advanceMs(ChannelService::kOriginTtlMs + 1000);
        QVERIFY(QTest::qWaitFor([&] {
            const QJsonArray rows = messagesOf(*f.api, kinId);
            return rows.size() == 2 && rows.at(1).toObject().value("content").toString() == QLatin1String("Too late.");
        }, 10000));
        QTest::qWait(300);
        QCOMPARE(tg.calls("sendMessage").size(), before);
        QCOMPARE(channelOf(f.api->get(channelPath(id))).value("messagesSent").toInt(), 0);

        // In time, the same path sends.
        f.fake.enqueue(FakeReply::text({"On ", "time."}));
        QCOMPARE(postUpdate(f, id, secret, update(66, 66, 10, "quick question")).status, 200);
        QVERIFY(tg.waitForCalls("sendMessage", before + 1));
        QCOMPARE(tg.calls("sendMessage").last().body.value("text").toString(), QStringLiteral("On time."));
    }

    // A channel turn asks another Kin; the answer comes back in a kin_reply turn that carries the channel origin, and
    // that turn's answer goes to the chat too (the other Kin's own words do not). The prompts: "## External channels",
    // "## Known contacts", the speaker's notes, and "## Channel origin context" on the follow-up.
    void followUpsReachTheChatAndPromptBlocks()
    {
        ActiveTelegram t;
        QVERIFY(t.start());
        KinFixture &f = *t.fixture;
        FakeTelegramServer &tg = t.tg;
        const QString kinId = t.kinId, id = t.channelId;
        const QByteArray secret = t.secret;
        const QString expertId = f.addKin(QStringLiteral("Expert"), t.providerId).value("id").toString();
        const auto contact = f.server.platform().contacts().get(t.contactId);
        QVERIFY(f.server.platform().contacts().setNote(contact->id, expertId, "global", "Loves green tea"));
        QVERIFY(f.server.platform().contacts().setNote(contact->id, expertId, "private", "Expert's secret opinion"));
        auto sse = f.openSse();

        // Relay asks Expert, then says it is checking; Expert's own turn answers "Checking my notes.".
        f.fake.enqueueFor("(Inter-kin request", FakeReply::text({"Checking my notes."}));
        f.fake.enqueue(FakeReply::toolCalls({{QStringLiteral("s1"), QStringLiteral("send_message"),
                                              R"({"slug":"expert","message":"When is the meeting?","type":"request"})"}}));
        f.fake.enqueue(FakeReply::text({"Let me check."}));
        const int before = tg.calls("sendMessage").size();
        QCOMPARE(postUpdate(f, id, secret, update(66, 66, 9, "When is the meeting?")).status, 200);
        auto result = sse->waitFor([&](const SseFrame &fr) { return isEvent(fr, QStringLiteral("chat:tool-result"), kinId); });
        QVERIFY(result);
        const QString requestId = result->data.value("result").toObject().value("requestId").toString();
        QVERIFY(!requestId.isEmpty());
        QVERIFY(tg.waitForCalls("sendMessage", before + 1));
        QCOMPARE(tg.calls("sendMessage").last().body.value("text").toString(), QStringLiteral("Let me check."));

        // The channel turn's prompt.
        QByteArray channelPrompt;
        for (const FakeRequest &r : f.fake.chatRequests())
            if (r.body.contains("[telegram:Cleo] When is the meeting?") && channelPrompt.isEmpty())
                channelPrompt = QJsonDocument(r.json).toJson();
        QVERIFY(!channelPrompt.isEmpty());
        QVERIFY2(channelPrompt.contains("## External channels"), channelPrompt.constData());
        QVERIFY(channelPrompt.contains("- telegram: \\\"Family chat\\\" (channel_id: " + id.toUtf8() + ")"));
        QVERIFY(channelPrompt.contains("- telegram: moderate Markdown"));
        QVERIFY(channelPrompt.contains("## Known contacts"));
        QVERIFY(channelPrompt.contains("- Cleo — human; telegram id: 66 [id: " + contact->id.toUtf8() + "]"));
        QVERIFY(channelPrompt.contains("- Name: Cleo\\n- Role: external\\n- Contact id: " + contact->id.toUtf8()));
        QVERIFY(channelPrompt.contains("- Shared notes: Loves green tea"));
        QVERIFY(!channelPrompt.contains("Expert's secret opinion")); // another Kin's private note
        QVERIFY(!channelPrompt.contains("PRIORITY"));
        QVERIFY(!channelPrompt.contains("## Channel origin context")); // the channel turn itself
        // The blocks sit where engine.md §1.4 puts them.
        QVERIFY(channelPrompt.indexOf("## Known contacts") < channelPrompt.indexOf("## Internal instructions"));
        QVERIFY(channelPrompt.indexOf("## Internal instructions") < channelPrompt.indexOf("## External channels"));
        QVERIFY(channelPrompt.indexOf("## External channels") < channelPrompt.indexOf("## Current speaker"));

        // Expert's turn on the request: its words are not for the chat.
        QTRY_COMPARE_WITH_TIMEOUT(countEvents(*sse, "chat:done") >= 2, true, 5000);
        QVERIFY(QTest::qWaitFor([&] { return messagesOf(*f.api, expertId).size() == 2; }, 5000));
        QCOMPARE(messagesOf(*f.api, expertId).at(1).toObject().value("content").toString(), QStringLiteral("Checking my notes."));

        // Expert replies → Relay's kin_reply turn → its answer goes to Cleo's chat, replying to her message.
        f.fake.enqueue(FakeReply::text({"The meeting is at 5pm."}));
        const ToolDefinition *reply = f.server.platform().tools().find(QStringLiteral("reply"));
        QVERIFY(reply);
        QJsonValue replyResult;
        ToolContext ctx;
        ctx.kinId = expertId;
        reply->execute(ctx, {{"request_id", requestId}, {"message", "5pm"}}, [&](const QJsonValue &v) { replyResult = v; });
        QCOMPARE(replyResult.toObject().value("success").toBool(), true);
        QVERIFY(tg.waitForCalls("sendMessage", before + 2));
        const QJsonObject followUp = tg.calls("sendMessage").last().body;
        QCOMPARE(followUp.value("text").toString(), QStringLiteral("The meeting is at 5pm."));
        QCOMPARE(followUp.value("chat_id").toString(), QStringLiteral("66"));
        QCOMPARE(followUp.value("reply_parameters").toObject().value("message_id").toInt(), 9);
        const QByteArray followUpPrompt = QJsonDocument(f.fake.chatRequests().last().json).toJson();
        QVERIFY2(followUpPrompt.contains("## Channel origin context"), followUpPrompt.constData());
        QVERIFY(followUpPrompt.contains("came from telegram (channel \\\"Family chat\\\")"));
        QTest::qWait(300);
        QCOMPARE(tg.calls("sendMessage").size(), before + 2); // "Checking my notes." never went out
        QCOMPARE(channelOf(f.api->get(channelPath(id))).value("messagesSent").toInt(), 2);

        // After the origin's TTL a follow-up stays in the conversation.
        QString secondRequest;
        f.fake.enqueueFor("(Inter-kin request", FakeReply::text({"Looking."}));
        f.fake.enqueue(FakeReply::toolCalls({{QStringLiteral("s2"), QStringLiteral("send_message"),
                                              R"({"slug":"expert","message":"And tomorrow?","type":"request"})"}}));
        f.fake.enqueue(FakeReply::text({"Asking again."}));
        const int beforeSecond = tg.calls("sendMessage").size();
        QCOMPARE(postUpdate(f, id, secret, update(66, 66, 10, "And tomorrow?")).status, 200);
        auto second = sse->waitFor([&](const SseFrame &fr) {
            return isEvent(fr, QStringLiteral("chat:tool-result"), kinId) && fr.data.value("result").toObject().value("requestId").toString() != requestId;
        });
        QVERIFY(second);
        secondRequest = second->data.value("result").toObject().value("requestId").toString();
        QVERIFY(tg.waitForCalls("sendMessage", beforeSecond + 1));
        QVERIFY(QTest::qWaitFor([&] { return messagesOf(*f.api, expertId).size() == 4; }, 5000));
        f.server.clock().advanceMs(ChannelService::kOriginTtlMs + 1000);
        f.fake.enqueue(FakeReply::text({"Tomorrow is free."}));
        ctx.kinId = expertId;
        reply->execute(ctx, {{"request_id", secondRequest}, {"message", "free"}}, [&](const QJsonValue &v) { replyResult = v; });
        QVERIFY(QTest::qWaitFor([&] {
            const QJsonArray rows = messagesOf(*f.api, kinId);
            return !rows.isEmpty() && rows.last().toObject().value("content").toString() == QLatin1String("Tomorrow is free.");
        }, 10000));
        QTest::qWait(300);
        QCOMPARE(tg.calls("sendMessage").size(), beforeSecond + 1);
        QVERIFY(!QJsonDocument(f.fake.chatRequests().last().json).toJson().contains("## Channel origin context"));
    }

    // A channel turn that spawns a task hands its origin to the task: the task's result turn answers the chat.
    void taskSpawnedFromAChannelTurnCarriesItsOrigin()
    {
        ActiveTelegram t;
        QVERIFY(t.start());
        KinFixture &f = *t.fixture;
        const QString kinId = t.kinId, id = t.channelId;
        const QByteArray secret = t.secret;
        auto sse = f.openSse();

        // The channel turn spawns an await task; a contact without shared notes brings the PRIORITY instruction.
        f.fake.enqueue(FakeReply::toolCalls({{QStringLiteral("t1"), QStringLiteral("spawn_self"),
                                              R"({"title":"Look it up","task_description":"Find the date","mode":"await"})"}}));
        f.fake.enqueue(FakeReply::text({"On it."}));
        QCOMPARE(postUpdate(f, id, secret, update(66, 66, 9, "When is the fair?")).status, 200);
        auto spawned = sse->waitFor([&](const SseFrame &fr) { return isEvent(fr, QStringLiteral("chat:tool-result"), kinId); });
        QVERIFY(spawned);
        const QString taskId = spawned->data.value("result").toObject().value("taskId").toString();
        QVERIFY2(!taskId.isEmpty(), qPrintable(QJsonDocument(spawned->data).toJson()));
        const QByteArray channelPrompt = QJsonDocument(f.fake.chatRequests().first().json).toJson();
        QVERIFY(channelPrompt.contains("PRIORITY: nothing is noted about this person yet"));
        auto stored = f.server.platform().database().selectOne("SELECT channel_origin_id FROM tasks WHERE id = ?", {taskId});
        QVERIFY(stored && stored.value());
        QVERIFY(!stored.value()->value(0).toString().isEmpty());
    }

    // list_channel_conversations, and the opt-in create/update/delete_channel tools.
    void managementTools()
    {
        FakeTelegramServer tg(kToken);
        QVERIFY(tg.listen());
        KinFixture f([&](ServerConfig &c) {
            c.telegramApiUrl = tg.baseUrl();
            c.publicUrl = QStringLiteral("https://kinbot.example.test");
        });
        const QString providerId = f.addProvider();
        const QString kinId = f.addKin(QStringLiteral("Relay"), providerId).value("id").toString();
        const QString otherKin = f.addKin(QStringLiteral("Other"), providerId).value("id").toString();

        // Opt-in: listed as defaultDisabled, not offered until enabled.
        const QJsonArray domains = f.api->get("/api/kins/" + kinId.toUtf8() + "/tools").json().value("nativeTools").toArray();
        QMap<QString, QJsonObject> listed;
        for (const QJsonValue &d : domains)
            for (const QJsonValue &t : d.toObject().value("tools").toArray())
                listed.insert(t.toObject().value("name").toString(), t.toObject());
        for (const char *name : {"create_channel", "update_channel", "delete_channel"}) {
            QVERIFY2(listed.contains(QString::fromLatin1(name)), name);
            QCOMPARE(listed.value(QString::fromLatin1(name)).value("defaultDisabled").toBool(), true);
            QCOMPARE(listed.value(QString::fromLatin1(name)).value("enabled").toBool(), false);
        }
        QCOMPARE(listed.value("list_channel_conversations").value("enabled").toBool(), true);

        // create_channel: stored for the calling Kin, created by "kin", activated; the token is a sensitive argument.
        const ToolDefinition *create = f.server.platform().tools().find(QStringLiteral("create_channel"));
        QVERIFY(create && create->sensitiveArgs.contains(QStringLiteral("bot_token")));
        QVERIFY(f.runTool("create_channel", kinId, {{"name", "Bot"}, {"platform", "telegram"}}).value("error").toString().contains("botToken"));
        QVERIFY(f.runTool("create_channel", kinId, {{"name", "Bot"}, {"platform", "fax"}, {"bot_token", "x"}}).value("error").toString().contains("fax"));
        const QJsonObject made = f.runTool("create_channel", kinId, {{"name", "Bot"}, {"platform", "Telegram"}, {"bot_token", kToken},
                                                                     {"allowed_chat_ids", QJsonArray{66, "-100"}}});
        QCOMPARE(made.value("status").toString(), QStringLiteral("active"));
        const QString id = made.value("channel_id").toString();
        auto record = f.server.platform().channels().get(id);
        QVERIFY(record);
        QCOMPARE(record->kinId, kinId);
        QCOMPARE(record->createdBy, QStringLiteral("kin"));
        QCOMPARE(record->allowedChatIds(), QStringList({"66", "-100"}));
        const QJsonObject inactive = f.runTool("create_channel", kinId, {{"name", "Later"}, {"platform", "telegram"}, {"bot_token", kToken}, {"activate", false}});
        QCOMPARE(inactive.value("status").toString(), QStringLiteral("inactive"));

        // update_channel / delete_channel: only the Kin's own.
        QVERIFY(f.runTool("update_channel", otherKin, {{"channel_id", id}, {"name", "Mine now"}}).value("error").toString().contains("no channel"));
        QCOMPARE(f.runTool("update_channel", kinId, {{"channel_id", id}, {"name", "Renamed"}, {"allowed_chat_ids", QJsonArray()}}).value("name").toString(),
                 QStringLiteral("Renamed"));
        QVERIFY(f.server.platform().channels().get(id)->allowedChatIds().isEmpty());
        QVERIFY(f.runTool("update_channel", kinId, {{"channel_id", id}, {"name", "  "}}).contains("error"));

        // list_channel_conversations: the chats from the message links, most recent first, with the last sender.
        const QByteArray secret = ChannelService::webhookSecretFor(kToken, id).toLatin1();
        QVERIFY(!addKnownSender(f, QStringLiteral("Cleo"), QStringLiteral("66")).isEmpty());
        f.fake.setDefaultReply(FakeReply::text({"ok"}));
        QCOMPARE(postUpdate(f, id, secret, update(66, 66, 1, "hello")).status, 200);
        QVERIFY(QTest::qWaitFor([&] { return channelOf(f.api->get(channelPath(id))).value("messagesSent").toInt() == 1; }, 10000));
        f.server.clock().advanceMs(1000);
        QCOMPARE(f.runTool("send_channel_message", kinId, {{"channel_id", id}, {"chat_id", "-100"}, {"message", "Hi group"}}).value("success").toBool(), true);
        QVERIFY(f.runTool("list_channel_conversations", otherKin, {{"channel_id", id}}).value("error").toString().contains("no channel"));
        const QJsonObject chats = f.runTool("list_channel_conversations", kinId, {{"channel_id", id}});
        QCOMPARE(chats.value("count").toInt(), 2);
        const QJsonObject newest = chats.value("conversations").toArray().at(0).toObject();
        QCOMPARE(newest.value("chatId").toString(), QStringLiteral("-100"));
        QCOMPARE(newest.value("sent").toInt(), 1);
        QCOMPARE(newest.value("received").toInt(), 0);
        QVERIFY(newest.value("lastSender").isNull());
        const QJsonObject cleo = chats.value("conversations").toArray().at(1).toObject();
        QCOMPARE(cleo.value("chatId").toString(), QStringLiteral("66"));
        QCOMPARE(cleo.value("received").toInt(), 1);
        QCOMPARE(cleo.value("sent").toInt(), 1);
        QCOMPARE(cleo.value("lastSender").toString(), QStringLiteral("Cleo"));
        QCOMPARE(f.runTool("list_channel_conversations", kinId, {{"channel_id", id}, {"limit", 1}}).value("count").toInt(), 1);

        QVERIFY(f.runTool("delete_channel", otherKin, {{"channel_id", id}}).value("error").toString().contains("no channel"));
        QCOMPARE(f.runTool("delete_channel", kinId, {{"channel_id", id}}).value("success").toBool(), true);
        QVERIFY(!f.server.platform().channels().get(id));
        QVERIFY(tg.waitForCalls("deleteWebhook", 1)); // the webhook left Telegram with it
        QVERIFY(!f.server.platform().vault().findByKey(QStringLiteral("channel_telegram_") + id).value().has_value());
    }

    // Deactivating (or deleting) while an activation is still under way: the later word stands.
    void deactivationDuringActivationWins()
    {
        FakeTelegramServer tg(kToken);
        QVERIFY(tg.listen());
        KinFixture f([&](ServerConfig &c) { c.telegramApiUrl = tg.baseUrl(); }); // polling
        const QString kinId = f.addKin(QStringLiteral("Relay"), f.addProvider()).value("id").toString();
        const QString id = createChannel(f, kinId).value("id").toString();
        ChannelService &channels = f.server.platform().channels();
        auto *adapter = static_cast<TelegramAdapter *>(channels.adapter("telegram"));

        std::optional<Result<ChannelRecord>> activated;
        channels.activate(id, [&](Result<ChannelRecord> r) { activated = std::move(r); });
        QVERIFY(!activated.has_value()); // getMe is on its way
        QCOMPARE(channels.deactivate(id)->status, QStringLiteral("inactive"));
        QVERIFY(QTest::qWaitFor([&] { return activated.has_value(); }, 10000));
        QVERIFY(bool(*activated));
        QCOMPARE(activated->value().status, QStringLiteral("inactive"));
        QTest::qWait(200);
        QCOMPARE(channels.get(id)->status, QStringLiteral("inactive"));
        QVERIFY(!adapter->isPolling(id));

        // Activate twice in a row: the channel ends active, polling once.
        int done = 0;
        channels.activate(id, [&](Result<ChannelRecord>) { ++done; });
        channels.activate(id, [&](Result<ChannelRecord>) { ++done; });
        QVERIFY(QTest::qWaitFor([&] { return done == 2; }, 10000));
        QCOMPARE(channels.get(id)->status, QStringLiteral("active"));
        QVERIFY(adapter->isPolling(id));
    }

    void slack()
    {
        FakeSlack sl;
        QVERIFY(sl.listen());
        KinFixture f([&](ServerConfig &c) { c.slackApiUrl = sl.baseUrl(); });
        const QString kinId = f.addKin(QStringLiteral("Relay"), f.addProvider()).value("id").toString();
        QSignalSpy inbound(&f.server.platform().channels(), &ChannelService::inboundHandled);
        const QByteArray secret = "slack-signing-secret";

        // The signing secret is required for Slack, and goes to the vault next to the token.
        expectError(f.api->postJson("/api/channels", {{"kinId", kinId}, {"name", "Team"}, {"platform", "slack"}, {"botToken", "xoxb-valid"}}),
                    400, "VALIDATION_ERROR");
        const HttpResponse made = f.api->postJson("/api/channels", {{"kinId", kinId}, {"name", "Team"}, {"platform", "slack"},
                                                                    {"botToken", "xoxb-valid"}, {"signingSecret", QString::fromLatin1(secret)}});
        QCOMPARE(made.status, 201);
        const QString id = channelOf(made).value("id").toString();
        VaultService &vault = f.server.platform().vault();
        const QString signingKey = QStringLiteral("channel_slack_%1_signing_secret").arg(id);
        QVERIFY(vault.findByKey(signingKey).value().has_value());
        QCOMPARE(vault.entryValue(vault.findByKey(signingKey).value()->id)->value.toString(), QString::fromLatin1(secret));

        HttpResponse tested = f.api->postJson(channelPath(id, "/test"), {});
        QCOMPARE(tested.json().value("valid").toBool(), true);
        QCOMPARE(tested.json().value("botInfo").toObject().value("name").toString(), QStringLiteral("kinbot"));
        QCOMPARE(channelOf(f.api->postJson(channelPath(id, "/activate"), {})).value("status").toString(), QStringLiteral("active"));

        const qint64 now = f.server.clock().nowMs() / 1000;
        // Signature checks: none → 401; wrong, or a timestamp outside the 300 s window → 403; unknown channel → 404.
        expectError(postSlack(f, id, secret, slackMessage("U1", "C1", "1.1", "hi"), now, ""), 401, "UNAUTHORIZED");
        expectError(postSlack(f, id, secret, slackMessage("U1", "C1", "1.1", "hi"), now, "v0=deadbeef"), 403, "FORBIDDEN");
        expectError(postSlack(f, id, "other-secret", slackMessage("U1", "C1", "1.1", "hi"), now), 403, "FORBIDDEN");
        expectError(postSlack(f, id, secret, slackMessage("U1", "C1", "1.1", "hi"), now - 301), 403, "FORBIDDEN");
        expectError(postSlack(f, "nope", secret, slackMessage("U1", "C1", "1.1", "hi"), now), 404, "CHANNEL_NOT_FOUND");
        QCOMPARE(inbound.size(), 0);
        // Within the window on the manual clock: 299 s old is fine.
        const HttpResponse challenge = postSlack(f, id, secret, {{"type", "url_verification"}, {"challenge", "abc123"}}, now - 299);
        QCOMPARE(challenge.status, 200);
        QCOMPARE(challenge.json().value("challenge").toString(), QStringLiteral("abc123"));

        // An unknown sender: pending, told so in a thread under the message.
        QCOMPARE(postSlack(f, id, secret, slackMessage("U1", "C1", "1700.0001", "hello"), now).json().value("ok").toBool(), true);
        QCOMPARE(nextOutcome(inbound, 0), QStringLiteral("pending"));
        QVERIFY(QTest::qWaitFor([&] { return sl.of("chat.postMessage").size() == 1; }, 10000));
        QCOMPARE(sl.of("chat.postMessage").last().body.value("channel").toString(), QStringLiteral("C1"));
        QCOMPARE(sl.of("chat.postMessage").last().body.value("thread_ts").toString(), QStringLiteral("1700.0001"));
        QCOMPARE(sl.of("chat.postMessage").last().body.value("text").toString(), ChannelService::pendingText());
        // The bot's own messages and bot or edited messages are not messages for the Kin.
        QCOMPARE(postSlack(f, id, secret, slackMessage("UBOT", "C1", "1700.0002", "echo"), now).status, 200);
        QJsonObject edited = slackMessage("U1", "C1", "1700.0003", "edit");
        QJsonObject e = edited.value("event").toObject();
        e.insert("subtype", "message_changed");
        edited.insert("event", e);
        QCOMPARE(postSlack(f, id, secret, edited, now).status, 200);
        QCOMPARE(inbound.size(), 1);

        // Approved, the sender's message reaches the Kin and its reply goes back in the thread.
        const QString mappingId =
            f.api->get(channelPath(id, "/user-mappings")).json().value("mappings").toArray().at(0).toObject().value("id").toString();
        QCOMPARE(f.api->postJson(channelPath(id, "/user-mappings/" + mappingId.toUtf8() + "/approve"), {{"action", "create"}, {"name", "Una"}})
                     .status,
                 200);
        QCOMPARE(f.server.platform().contacts().byPlatformId("slack", "U1").value()->name, QStringLiteral("Una"));
        f.fake.enqueue(FakeReply::text({"Hello ", "Una."}));
        QCOMPARE(postSlack(f, id, secret, slackMessage("U1", "C1", "1700.0004", "question"), now).status, 200);
        QCOMPARE(nextOutcome(inbound, 1), QStringLiteral("queued"));
        QVERIFY(QTest::qWaitFor([&] { return !sl.of("chat.postMessage").isEmpty() && sl.of("chat.postMessage").last().body.value("text") == "Hello Una."; },
                                10000));
        QCOMPARE(sl.of("chat.postMessage").last().body.value("thread_ts").toString(), QStringLiteral("1700.0004"));
        QCOMPARE(rowCount(f.server.platform().database(), "SELECT count(*) FROM queue_items WHERE content = '[slack:Una] question'"), 1);

        // A shared file is fetched with the bot token and reaches the model.
        QJsonObject share = slackMessage("U1", "C1", "1700.0005", "stock list");
        QJsonObject shareEvent = share.value("event").toObject();
        shareEvent.insert("subtype", "file_share");
        shareEvent.insert("files", QJsonArray{QJsonObject{{"id", "F1"}, {"name", "stock.csv"}, {"mimetype", "text/csv"}, {"size", 15},
                                                          {"url_private_download", sl.baseUrl() + "files/F1"}}});
        share.insert("event", shareEvent);
        f.fake.enqueue(FakeReply::text({"Three teas."}));
        const int requestsBefore = int(f.fake.chatRequests().size());
        QCOMPARE(postSlack(f, id, secret, share, now).status, 200);
        QCOMPARE(nextOutcome(inbound, 2), QStringLiteral("queued"));
        QVERIFY(f.fake.waitForChatRequests(requestsBefore + 1));
        const QByteArray withFile = QJsonDocument(f.fake.chatRequests().last().json).toJson();
        QVERIFY2(withFile.contains("stock.csv") && withFile.contains("tea,3"), withFile.constData());
        QVERIFY(QTest::qWaitFor([&] { return sl.of("chat.postMessage").last().body.value("text") == "Three teas."; }, 10000));

        // attach_file on Slack: the external upload, shared in the thread with the answer as its comment.
        const QString workspace = f.server.platform().kins().resolve(kinId)->workspacePath;
        QVERIFY(QDir().mkpath(workspace));
        QFile chart(workspace + "/chart.csv");
        QVERIFY(chart.open(QIODevice::WriteOnly));
        chart.write("month,teas\njan,3\n");
        chart.close();
        f.fake.enqueue(FakeReply::toolCalls({{QStringLiteral("a1"), QStringLiteral("attach_file"), R"({"path":"chart.csv"})"}}));
        f.fake.enqueue(FakeReply::text({"Here is the chart."}));
        const int postsBefore = int(sl.of("chat.postMessage").size());
        QCOMPARE(postSlack(f, id, secret, slackMessage("U1", "C1", "1700.0006", "chart please"), now).status, 200);
        QVERIFY(QTest::qWaitFor([&] { return !sl.of("files.completeUploadExternal").isEmpty(); }, 10000));
        const QJsonObject asked = sl.of("files.getUploadURLExternal").first().body;
        QCOMPARE(asked.value("filename").toString(), QStringLiteral("chart.csv"));
        QCOMPARE(asked.value("length").toString(), QStringLiteral("17"));
        const QJsonObject shared = sl.of("files.completeUploadExternal").first().body;
        const QString fileId = shared.value("files").toArray().at(0).toObject().value("id").toString();
        QCOMPARE(sl.uploads.value(fileId), QByteArray("month,teas\njan,3\n"));
        QCOMPARE(shared.value("files").toArray().at(0).toObject().value("title").toString(), QStringLiteral("chart.csv"));
        QCOMPARE(shared.value("channel_id").toString(), QStringLiteral("C1"));
        QCOMPARE(shared.value("thread_ts").toString(), QStringLiteral("1700.0006"));
        QCOMPARE(shared.value("initial_comment").toString(), QStringLiteral("Here is the chart."));
        QTest::qWait(200);
        QCOMPARE(int(sl.of("chat.postMessage").size()), postsBefore); // the text went as the comment

        // Delete: both secrets leave the vault.
        QCOMPARE(f.api->del(channelPath(id)).status, 200);
        QVERIFY(!vault.findByKey(signingKey).value().has_value());
        QVERIFY(!vault.findByKey(QStringLiteral("channel_slack_") + id).value().has_value());
    }
};

QTEST_GUILESS_MAIN(TestChannels)
#include "tst_channels.moc"
