// Channels over Matrix and Discord, each against a fake platform on loopback (tests/support): creation rules (Matrix's
// homeserverUrl), activation with a rejected token → status error without the token in it, the /sync loop (initial
// history not replayed, own messages ignored, invites joined, retry after failures, stop on deactivation), the inbound
// pipeline for an unknown sender (pending mapping + "pending" reply) and a known contact (the Kin's turn on the fake LLM,
// its reply sent back as a reply to the inbound event), the allowlist. Discord: the REST part (users/@me, messages in
// 2000-character chunks with message_reference, typing), the Gateway (IDENTIFY with the intents, heartbeats with the
// last sequence, READY, MESSAGE_CREATE from people only, RESUME after the fake closes the socket or stops ACKing,
// re-IDENTIFY after INVALID_SESSION), and deactivation closing the socket.
#include "ApiAssertions.h"
#include "FakeDiscordServer.h"
#include "FakeMatrixServer.h"
#include "KinFixture.h"

#include "channels/ChannelService.h"
#include "channels/DiscordAdapter.h"
#include "channels/MatrixAdapter.h"
#include "contacts/ContactService.h"
#include "storage/Database.h"

#include <QElapsedTimer>
#include <QSignalSpy>

using namespace kinbot;
using namespace kinbot::test;

namespace {

const QString kMatrixToken = QStringLiteral("syt_valid_access_token");
const QString kBotUser = QStringLiteral("@kinbot:localhost");
const QString kRoom = QStringLiteral("!room1:localhost");

HttpResponse createMatrix(KinFixture &f, const QString &kinId, const QJsonValue &homeserverUrl, const QString &token = kMatrixToken,
                          const QJsonObject &extra = {})
{
    QJsonObject body{{"kinId", kinId}, {"name", "Matrix room"}, {"platform", "matrix"}, {"botToken", token}};
    if (!homeserverUrl.isUndefined())
        body.insert("homeserverUrl", homeserverUrl);
    for (auto it = extra.begin(); it != extra.end(); ++it)
        body.insert(it.key(), it.value());
    return f.api->postJson("/api/channels", body);
}

// The sync calls that carry a since token (the long-poll ones, after the first).
int longPolls(const FakeMatrixServer &mx)
{
    int n = 0;
    for (const auto &c : mx.calls("/sync"))
        if (c.query.contains(QLatin1String("since=")))
            ++n;
    return n;
}

MatrixAdapter *matrixOf(KinFixture &f)
{
    return static_cast<MatrixAdapter *>(f.server.platform().channels().adapter("matrix"));
}

void addContact(KinFixture &f, const QString &name, const QString &platform, const QString &platformId)
{
    ContactDraft draft;
    draft.name = name;
    draft.type = QStringLiteral("human");
    auto contact = f.server.platform().contacts().create(draft);
    QVERIFY(contact);
    QVERIFY(f.server.platform().contacts().addPlatformId(contact->id, platform, platformId));
}

const QString kDiscordToken = QStringLiteral("discord.bot.token-valid");

DiscordAdapter *discordOf(KinFixture &f)
{
    return static_cast<DiscordAdapter *>(f.server.platform().channels().adapter("discord"));
}

HttpResponse createDiscord(KinFixture &f, const QString &kinId, const QString &token = kDiscordToken)
{
    return f.api->postJson("/api/channels", {{"kinId", kinId}, {"name", "Guild"}, {"platform", "discord"}, {"botToken", token}});
}

} // namespace

class TestChannelsMatrixDiscord : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void matrixParseSync()
    {
        const QJsonObject sync{
            {"next_batch", "b2"},
            {"rooms",
             QJsonObject{{"join",
                          QJsonObject{{kRoom,
                                       QJsonObject{{"state", QJsonObject{{"events", QJsonArray{QJsonObject{{"type", "m.room.member"},
                                                                                                           {"state_key", "@ann:hs"},
                                                                                                           {"content", QJsonObject{{"displayname", "Ann"}}}}}}}},
                                                   {"timeline",
                                                    QJsonObject{{"events",
                                                                 QJsonArray{QJsonObject{{"type", "m.room.message"}, {"event_id", "$1"}, {"sender", "@ann:hs"},
                                                                                        {"content", QJsonObject{{"msgtype", "m.text"}, {"body", "hello"}}}},
                                                                            QJsonObject{{"type", "m.room.message"}, {"event_id", "$2"}, {"sender", kBotUser},
                                                                                        {"content", QJsonObject{{"msgtype", "m.text"}, {"body", "mine"}}}},
                                                                            QJsonObject{{"type", "m.room.message"}, {"event_id", "$3"}, {"sender", "@ann:hs"},
                                                                                        {"content", QJsonObject{{"msgtype", "m.notice"}, {"body", "bot"}}}},
                                                                            QJsonObject{{"type", "m.room.message"}, {"event_id", "$4"}, {"sender", "@ann:hs"},
                                                                                        {"content", QJsonObject{{"msgtype", "m.text"}, {"body", "* fixed"},
                                                                                                                {"m.relates_to", QJsonObject{{"rel_type", "m.replace"}}}}}},
                                                                            QJsonObject{{"type", "m.reaction"}, {"event_id", "$5"}, {"sender", "@ann:hs"}},
                                                                            QJsonObject{{"type", "m.room.message"}, {"event_id", "$6"}, {"sender", "@bob:hs"},
                                                                                        {"content", QJsonObject{{"msgtype", "m.text"}, {"body", "yo"}}}}}}}}}}}},
                          {"invite", QJsonObject{{"!inv:hs", QJsonObject()}}}}}};
        const QList<IncomingChannelMessage> ms = MatrixAdapter::parseSync(sync, kBotUser);
        QCOMPARE(ms.size(), 2);
        QCOMPARE(ms.at(0).platformUserId, QStringLiteral("@ann:hs"));
        QCOMPARE(ms.at(0).platformDisplayName, QStringLiteral("Ann"));
        QCOMPARE(ms.at(0).platformMessageId, QStringLiteral("$1"));
        QCOMPARE(ms.at(0).platformChatId, kRoom);
        QCOMPARE(ms.at(0).content, QStringLiteral("hello"));
        QCOMPARE(ms.at(1).platformUserId, QStringLiteral("@bob:hs"));
        QCOMPARE(ms.at(1).platformDisplayName, QString());
        QCOMPARE(MatrixAdapter::invitedRooms(sync), QStringList{QStringLiteral("!inv:hs")});
    }

    void matrixCreateRules()
    {
        FakeMatrixServer mx(kMatrixToken, kBotUser);
        QVERIFY(mx.listen());
        KinFixture f;
        const QString kinId = f.addKin(QStringLiteral("Relay"), f.addProvider()).value("id").toString();

        expectError(createMatrix(f, kinId, QJsonValue::Undefined), 400, "VALIDATION_ERROR");
        expectError(createMatrix(f, kinId, ""), 400, "VALIDATION_ERROR");
        expectError(createMatrix(f, kinId, "matrix.example.org"), 400, "VALIDATION_ERROR");
        expectError(createMatrix(f, kinId, "ftp://matrix.example.org"), 400, "VALIDATION_ERROR");
        expectError(createMatrix(f, kinId, "https://"), 400, "VALIDATION_ERROR");
        expectError(createMatrix(f, kinId, 42), 400, "VALIDATION_ERROR");
        QCOMPARE(rowCount(f.server.platform().database(), "SELECT count(*) FROM channels"), 0);

        const HttpResponse made = createMatrix(f, kinId, mx.baseUrl() + "/");
        QCOMPARE(made.status, 201);
        const QString id = channelOf(made).value("id").toString();
        QCOMPARE(channelOf(made).value("platform").toString(), QStringLiteral("matrix"));
        auto row = f.server.platform().channels().get(id);
        QVERIFY(row);
        QCOMPARE(row->platformConfig.value("homeserverUrl").toString(), mx.baseUrl()); // trailing slash dropped
        QCOMPARE(row->platformConfig.value("botTokenVaultKey").toString(), QStringLiteral("channel_matrix_") + id);
        expectError(f.api->patchJson(channelPath(id), {{"homeserverUrl", "https://other.example.org"}}), 400, "VALIDATION_ERROR");
        // The platform is listed.
        bool listed = false;
        for (const QJsonValue &p : f.api->get("/api/channels/platforms").json().value("platforms").toArray())
            listed = listed || p.toObject().value("platform") == QLatin1String("matrix");
        QVERIFY(listed);

        // The test route asks whoami.
        const HttpResponse tested = f.api->postJson(channelPath(id, "/test"), {});
        QCOMPARE(tested.json().value("valid").toBool(), true);
        QCOMPARE(tested.json().value("botInfo").toObject().value("username").toString(), kBotUser);
        QCOMPARE(tested.json().value("botInfo").toObject().value("name").toString(), QStringLiteral("kinbot"));

        // Sending: chunks of at most 4000 characters, only the first one a reply, each with its own transaction id.
        ChannelConnection conn;
        conn.channelId = id;
        conn.botToken = kMatrixToken;
        conn.platformConfig = row->platformConfig;
        QString text;
        for (int i = 0; i < 500; ++i)
            text += QStringLiteral("Sentence %1 of a long answer. ").arg(i);
        std::optional<Result<QString>> result;
        matrixOf(f)->send(conn, {kRoom, text, QStringLiteral("$orig")}, [&](Result<QString> r) { result = r; });
        QVERIFY(QTest::qWaitFor([&] { return result.has_value(); }, 10000));
        QVERIFY(result->ok());
        QVERIFY(result->value().startsWith(QLatin1String("$sent")));
        const auto puts = mx.calls("/send/m.room.message/");
        QVERIFY(puts.size() >= 4);
        QSet<QString> paths;
        QStringList pieces;
        for (int i = 0; i < puts.size(); ++i) {
            QVERIFY(puts.at(i).body.value("body").toString().size() <= MatrixAdapter::kMaxMessageChars);
            QCOMPARE(puts.at(i).body.contains("m.relates_to"), i == 0);
            paths.insert(puts.at(i).path);
            pieces.append(puts.at(i).body.value("body").toString());
        }
        QCOMPARE(paths.size(), puts.size());
        QCOMPARE(puts.first().body.value("m.relates_to").toObject().value("m.in_reply_to").toObject().value("event_id").toString(), QStringLiteral("$orig"));
        QCOMPARE(pieces.join(QLatin1Char(' ')), text.trimmed());
    }

    void matrixBadTokenIsAnError()
    {
        FakeMatrixServer mx(kMatrixToken, kBotUser);
        QVERIFY(mx.listen());
        KinFixture f;
        const QString kinId = f.addKin(QStringLiteral("Relay"), f.addProvider()).value("id").toString();
        const QString wrong = QStringLiteral("syt_wrong_secret_token");
        const QString id = channelOf(createMatrix(f, kinId, mx.baseUrl(), wrong)).value("id").toString();

        const QJsonObject c = channelOf(f.api->postJson(channelPath(id, "/activate"), {}));
        QCOMPARE(c.value("status").toString(), QStringLiteral("error"));
        const QString why = c.value("statusMessage").toString();
        QVERIFY2(why.contains(QLatin1String("rejected the access token")), qPrintable(why));
        QVERIFY(!why.contains(wrong));
        QCOMPARE(mx.calls("/whoami").size(), 1);
        QCOMPARE(mx.calls("/sync").size(), 0);
        QVERIFY(!matrixOf(f)->isPolling(id));
        const HttpResponse tested = f.api->postJson(channelPath(id, "/test"), {});
        QCOMPARE(tested.json().value("valid").toBool(), false);
        QVERIFY(!tested.json().value("error").toString().contains(wrong));
    }

    void matrixPipeline()
    {
        FakeMatrixServer mx(kMatrixToken, kBotUser);
        QVERIFY(mx.listen());
        KinFixture f;
        matrixOf(f)->setPollTimeoutMs(1000);
        const QString kinId = f.addKin(QStringLiteral("Relay"), f.addProvider()).value("id").toString();
        const QString id = channelOf(createMatrix(f, kinId, mx.baseUrl())).value("id").toString();
        Database &db = f.server.platform().database();
        QSignalSpy inbound(&f.server.platform().channels(), &ChannelService::inboundHandled);
        addContact(f, QStringLiteral("Cleo"), QStringLiteral("matrix"), QStringLiteral("@cleo:localhost"));

        // The room's past, there before activation: fetched by the first sync, never replayed.
        mx.pushMessage(kRoom, QStringLiteral("@cleo:localhost"), QStringLiteral("old news"), QStringLiteral("Cleo"));
        mx.pushMessage(kRoom, QStringLiteral("@stranger:localhost"), QStringLiteral("old hello"));
        mx.pushInvite(QStringLiteral("!dm:localhost"));
        QCOMPARE(channelOf(f.api->postJson(channelPath(id, "/activate"), {})).value("status").toString(), QStringLiteral("active"));
        QVERIFY(matrixOf(f)->isPolling(id));
        QVERIFY(QTest::qWaitFor([&] { return longPolls(mx) >= 1; }, 10000));
        const auto first = mx.calls("/sync").first();
        QVERIFY(!first.query.contains(QLatin1String("since=")));
        QVERIFY2(first.query.contains(QLatin1String("\"limit\":0")), qPrintable(first.query));
        QVERIFY2(first.query.contains(QLatin1String("timeout=0")), qPrintable(first.query));
        const auto second = mx.calls("/sync").at(1);
        QVERIFY2(second.query.contains(QLatin1String("since=b2")), qPrintable(second.query));
        QVERIFY2(second.query.contains(QLatin1String("timeout=1000")), qPrintable(second.query));
        // The invitation is accepted, so a direct message reaches the bot.
        QVERIFY(mx.waitForCalls("/join/", 1));
        QCOMPARE(mx.calls("/join/").first().path, QStringLiteral("/_matrix/client/v3/join/!dm:localhost"));
        QCOMPARE(mx.calls("/join/").first().verb, QStringLiteral("POST"));
        QTest::qWait(300);
        QCOMPARE(inbound.size(), 0);
        QCOMPARE(f.fake.chatRequests().size(), 0);
        QCOMPARE(mx.calls("/send/").size(), 0);

        // The bot's own message is not one for the Kin.
        mx.pushMessage(kRoom, kBotUser, QStringLiteral("echo"));
        const int polls = longPolls(mx);
        QVERIFY(QTest::qWaitFor([&] { return longPolls(mx) >= polls + 1; }, 10000));
        QTest::qWait(100);
        QCOMPARE(inbound.size(), 0);

        // An unknown sender: a pending mapping with the member display name, told so in reply to the message.
        const QString strangerEvent = mx.pushMessage(QStringLiteral("!dm:localhost"), QStringLiteral("@dana:localhost"), QStringLiteral("hi?"),
                                                     QStringLiteral("Dana"));
        QCOMPARE(nextOutcome(inbound, 0), QStringLiteral("pending"));
        QCOMPARE(rowCount(db, "SELECT count(*) FROM channel_user_mappings WHERE platform_user_id = '@dana:localhost' AND platform_display_name = 'Dana'"), 1);
        QVERIFY(mx.waitForCalls("/send/", 1));
        auto sent = mx.calls("/send/").last();
        QCOMPARE(sent.verb, QStringLiteral("PUT"));
        QVERIFY2(sent.path.startsWith(QLatin1String("/_matrix/client/v3/rooms/!dm:localhost/send/m.room.message/")), qPrintable(sent.path));
        QCOMPARE(sent.body.value("msgtype").toString(), QStringLiteral("m.text"));
        QCOMPARE(sent.body.value("body").toString(), ChannelService::pendingText());
        QCOMPARE(sent.body.value("m.relates_to").toObject().value("m.in_reply_to").toObject().value("event_id").toString(), strangerEvent);
        QCOMPARE(f.fake.chatRequests().size(), 0);

        // A known contact: the Kin takes a turn and its reply goes to the room, replying to the event.
        f.fake.enqueue(FakeReply::text({"Hello ", "Cleo."}));
        const QString event = mx.pushMessage(kRoom, QStringLiteral("@cleo:localhost"), QStringLiteral("How are you?"), QStringLiteral("Cleo"));
        QCOMPARE(nextOutcome(inbound, 1), QStringLiteral("queued"));
        QVERIFY(f.fake.waitForChatRequests(1));
        QVERIFY(QJsonDocument(f.fake.chatRequests().first().json).toJson().contains("[matrix:Cleo] How are you?"));
        QVERIFY(mx.waitForCalls("/typing/", 1));
        QCOMPARE(mx.calls("/typing/").last().path, QStringLiteral("/_matrix/client/v3/rooms/") + kRoom + QStringLiteral("/typing/") + kBotUser);
        QCOMPARE(mx.calls("/typing/").last().body.value("typing").toBool(), true);
        QVERIFY(mx.waitForCalls("/send/", 2));
        sent = mx.calls("/send/").last();
        QVERIFY(sent.path.startsWith(QStringLiteral("/_matrix/client/v3/rooms/") + kRoom + QStringLiteral("/send/m.room.message/")));
        QCOMPARE(sent.body.value("body").toString(), QStringLiteral("Hello Cleo."));
        QCOMPARE(sent.body.value("m.relates_to").toObject().value("m.in_reply_to").toObject().value("event_id").toString(), event);
        // Every send has its own transaction id.
        QVERIFY(mx.calls("/send/").at(0).path != mx.calls("/send/").at(1).path);
        QVERIFY(QTest::qWaitFor([&] { return channelOf(f.api->get(channelPath(id))).value("messagesSent").toInt() == 1; }, 5000));
        auto links = f.server.platform().channels().links(id);
        QVERIFY(links);
        QVERIFY(links->last().platformMessageId.startsWith(QLatin1String("$sent")));

        // The allowlist: a room not listed is dropped.
        QCOMPARE(f.api->patchJson(channelPath(id), {{"allowedChatIds", QJsonArray{kRoom}}}).status, 200);
        mx.pushMessage(QStringLiteral("!other:localhost"), QStringLiteral("@cleo:localhost"), QStringLiteral("elsewhere"));
        QCOMPARE(nextOutcome(inbound, 2), QStringLiteral("dropped"));

        // Deactivated: the loop stops, no more requests reach the homeserver.
        QCOMPARE(channelOf(f.api->postJson(channelPath(id, "/deactivate"), {})).value("status").toString(), QStringLiteral("inactive"));
        QVERIFY(!matrixOf(f)->isPolling(id));
        QTest::qWait(200); // a sync already written to the socket before the abort may still land
        const int calls = mx.calls().size();
        QTest::qWait(1500);
        QCOMPARE(mx.calls().size(), calls);
    }

    void matrixRetriesAfterFailures()
    {
        FakeMatrixServer mx(kMatrixToken, kBotUser);
        QVERIFY(mx.listen());
        mx.failSync = true;
        KinFixture f;
        matrixOf(f)->setPollTimeoutMs(1000);
        matrixOf(f)->setRetryMs(200);
        const QString kinId = f.addKin(QStringLiteral("Relay"), f.addProvider()).value("id").toString();
        const QString id = channelOf(createMatrix(f, kinId, mx.baseUrl())).value("id").toString();
        QSignalSpy inbound(&f.server.platform().channels(), &ChannelService::inboundHandled);

        QElapsedTimer timer;
        timer.start();
        QCOMPARE(channelOf(f.api->postJson(channelPath(id, "/activate"), {})).value("status").toString(), QStringLiteral("active"));
        // 200 ms, then 400 ms: three tries take at least 600 ms, and none of them moved on.
        QVERIFY(mx.waitForCalls("/sync", 3));
        QVERIFY(timer.elapsed() >= 600);
        QCOMPARE(longPolls(mx), 0);
        mx.failSync = false;
        QVERIFY(QTest::qWaitFor([&] { return longPolls(mx) >= 1; }, 10000));
        mx.pushMessage(kRoom, QStringLiteral("@eve:localhost"), QStringLiteral("after the outage"));
        QCOMPARE(nextOutcome(inbound, 0), QStringLiteral("pending"));
    }

    void discordParseMessage()
    {
        const QJsonObject d{{"id", "5"}, {"channel_id", "77"}, {"content", "hi"},
                            {"author", QJsonObject{{"id", "42"}, {"username", "ann"}, {"global_name", "Ann A."}}}};
        auto m = DiscordAdapter::parseMessage(d, "999");
        QVERIFY(m.has_value());
        QCOMPARE(m->platformUserId, QStringLiteral("42"));
        QCOMPARE(m->platformUsername, QStringLiteral("ann"));
        QCOMPARE(m->platformDisplayName, QStringLiteral("Ann A."));
        QCOMPARE(m->platformMessageId, QStringLiteral("5"));
        QCOMPARE(m->platformChatId, QStringLiteral("77"));
        QJsonObject bot = d;
        bot.insert("author", QJsonObject{{"id", "43"}, {"username", "other"}, {"bot", true}});
        QVERIFY(!DiscordAdapter::parseMessage(bot, "999"));
        QJsonObject self = d;
        self.insert("author", QJsonObject{{"id", "999"}, {"username", "kinbot"}});
        QVERIFY(!DiscordAdapter::parseMessage(self, "999"));
        QJsonObject hook = d;
        hook.insert("webhook_id", "1");
        QVERIFY(!DiscordAdapter::parseMessage(hook, "999"));
        QJsonObject empty = d;
        empty.insert("content", "");
        QVERIFY(!DiscordAdapter::parseMessage(empty, "999"));
        QVERIFY(DiscordAdapter::validGatewayUrl("wss://gateway.discord.gg"));
        QVERIFY(!DiscordAdapter::validGatewayUrl("https://gateway.discord.gg"));
        QVERIFY(!DiscordAdapter::validGatewayUrl("wss://user:pw@evil.example"));
        QVERIFY(!DiscordAdapter::validGatewayUrl(""));
    }

    void discordRest()
    {
        FakeDiscordServer dc(kDiscordToken);
        QVERIFY(dc.listen());
        KinFixture f([&](ServerConfig &c) { c.discordApiUrl = dc.restUrl(); });
        const QString kinId = f.addKin(QStringLiteral("Relay"), f.addProvider()).value("id").toString();
        const QString id = channelOf(createDiscord(f, kinId)).value("id").toString();
        QVERIFY(!id.isEmpty());

        const HttpResponse tested = f.api->postJson(channelPath(id, "/test"), {});
        QCOMPARE(tested.json().value("valid").toBool(), true);
        QCOMPARE(tested.json().value("botInfo").toObject().value("name").toString(), QStringLiteral("KinBot"));
        QCOMPARE(tested.json().value("botInfo").toObject().value("username").toString(), QStringLiteral("kinbot"));

        // A bad token: activation fails with status error, no token in the message, no Gateway.
        const QString wrong = QStringLiteral("discord.bot.token-wrong");
        const QString bad = channelOf(createDiscord(f, kinId, wrong)).value("id").toString();
        const QJsonObject c = channelOf(f.api->postJson(channelPath(bad, "/activate"), {}));
        QCOMPARE(c.value("status").toString(), QStringLiteral("error"));
        QVERIFY2(c.value("statusMessage").toString().contains(QLatin1String("rejected the bot token")), qPrintable(c.value("statusMessage").toString()));
        QVERIFY(!c.value("statusMessage").toString().contains(wrong));
        QCOMPARE(dc.calls("/gateway/bot").size(), 0);
        QCOMPARE(dc.connections(), 0);

        // Sending: 2000-character chunks, the first one a reply.
        ChannelConnection conn;
        conn.channelId = id;
        conn.botToken = kDiscordToken;
        QString text;
        for (int i = 0; i < 250; ++i)
            text += QStringLiteral("Line %1 of a long answer.\n").arg(i);
        std::optional<Result<QString>> result;
        discordOf(f)->send(conn, {QStringLiteral("77"), text, QStringLiteral("55")}, [&](Result<QString> r) { result = r; });
        QVERIFY(QTest::qWaitFor([&] { return result.has_value(); }, 10000));
        QVERIFY(result->ok());
        const auto posts = dc.calls("/channels/77/messages");
        QVERIFY(posts.size() >= 3);
        QCOMPARE(result->value(), QStringLiteral("101")); // the first message's id
        QCOMPARE(posts.first().body.value("message_reference").toObject().value("message_id").toString(), QStringLiteral("55"));
        QString joined;
        for (const auto &p : posts) {
            QVERIFY(p.body.value("content").toString().size() <= DiscordAdapter::kMaxMessageChars);
            if (&p != &posts.first())
                QVERIFY(!p.body.contains("message_reference"));
            joined += p.body.value("content").toString() + QLatin1Char('\n');
        }
        QCOMPARE(joined.simplified(), text.simplified());
        // Typing answers 204 with no body.
        discordOf(f)->typing(conn, QStringLiteral("77"));
        QVERIFY(dc.waitForCalls("/channels/77/typing", 1));
        QCOMPARE(dc.calls("/channels/77/typing").first().verb, QStringLiteral("POST"));
    }

    void discordGateway()
    {
        FakeDiscordServer dc(kDiscordToken);
        QVERIFY(dc.listen());
        KinFixture f([&](ServerConfig &c) { c.discordApiUrl = dc.restUrl(); });
        discordOf(f)->setReconnectMs(100);
        const QString kinId = f.addKin(QStringLiteral("Relay"), f.addProvider()).value("id").toString();
        const QString id = channelOf(createDiscord(f, kinId)).value("id").toString();
        QSignalSpy inbound(&f.server.platform().channels(), &ChannelService::inboundHandled);
        addContact(f, QStringLiteral("Finn"), QStringLiteral("discord"), QStringLiteral("4242"));

        QCOMPARE(channelOf(f.api->postJson(channelPath(id, "/activate"), {})).value("status").toString(), QStringLiteral("active"));
        QCOMPARE(dc.calls("/gateway/bot").size(), 1);
        QVERIFY(dc.waitForFrames(2, 1));
        QCOMPARE(dc.connectionQueries().first(), QStringLiteral("v=10&encoding=json"));
        const QJsonObject identify = dc.frames(2).first().payload.value("d").toObject();
        QCOMPARE(identify.value("token").toString(), kDiscordToken);
        QCOMPARE(identify.value("intents").toInt(), 1 | 512 | 4096 | 32768);
        // Heartbeats every 300 ms carry the last sequence number (READY was 1).
        QVERIFY(dc.waitForFrames(1, 2, 3000));
        QCOMPARE(dc.frames(1).last().payload.value("d").toInt(), 1);

        // People's messages reach the pipeline; bots' and the bot's own do not.
        dc.dispatchMessage("C1", "31", "botty", "beep", true);
        dc.dispatchMessage("C1", FakeDiscordServer::kBotUserId, "kinbot", "my own words");
        const QString strangerMsg = dc.dispatchMessage("C1", "30", "stranger", "hello?", false, "Stranger Danger");
        QCOMPARE(nextOutcome(inbound, 0), QStringLiteral("pending"));
        QTest::qWait(100);
        QCOMPARE(inbound.size(), 1);
        QCOMPARE(rowCount(f.server.platform().database(),
                          "SELECT count(*) FROM channel_user_mappings WHERE platform_user_id = '30' AND platform_display_name = 'Stranger Danger'"),
                 1);
        QVERIFY(dc.waitForCalls("/channels/C1/messages", 1));
        QCOMPARE(dc.calls("/channels/C1/messages").last().body.value("content").toString(), ChannelService::pendingText());
        QCOMPARE(dc.calls("/channels/C1/messages").last().body.value("message_reference").toObject().value("message_id").toString(), strangerMsg);

        // A known contact: the Kin's turn, its reply referencing the message.
        f.fake.enqueue(FakeReply::text({"Hi ", "Finn!"}));
        const QString finnMsg = dc.dispatchMessage("C2", "4242", "finn", "ping");
        QCOMPARE(nextOutcome(inbound, 1), QStringLiteral("queued"));
        QVERIFY(f.fake.waitForChatRequests(1));
        QVERIFY(QJsonDocument(f.fake.chatRequests().first().json).toJson().contains("[discord:Finn] ping"));
        QVERIFY(dc.waitForCalls("/channels/C2/typing", 1));
        QVERIFY(dc.waitForCalls("/channels/C2/messages", 1));
        QCOMPARE(dc.calls("/channels/C2/messages").last().body.value("content").toString(), QStringLiteral("Hi Finn!"));
        QCOMPARE(dc.calls("/channels/C2/messages").last().body.value("message_reference").toObject().value("message_id").toString(), finnMsg);

        // The Gateway closes the socket: a new connection RESUMEs the session from the last sequence, no new IDENTIFY.
        dc.closeCurrent(4000);
        QVERIFY(dc.waitForFrames(6, 1));
        QCOMPARE(dc.connections(), 2);
        const QJsonObject resume = dc.frames(6).first().payload.value("d").toObject();
        QCOMPARE(resume.value("session_id").toString(), QStringLiteral("sess-1"));
        QCOMPARE(resume.value("token").toString(), kDiscordToken);
        QCOMPARE(resume.value("seq").toInt(), 5); // READY (1) and four messages: the last dispatch the client saw
        QCOMPARE(dc.frames(2).size(), 1);
        QCOMPARE(dc.connectionQueries().last(), QStringLiteral("v=10&encoding=json"));
        // Messages flow on the resumed connection.
        dc.dispatchMessage("C2", "4242", "finn", "/start");
        QCOMPARE(nextOutcome(inbound, 2), QStringLiteral("welcome"));

        // Heartbeats that get no ACK: the connection is a zombie, the client reconnects and resumes.
        dc.ackHeartbeats = false;
        QVERIFY(QTest::qWaitFor([&] { return dc.connections() == 3; }, 5000));
        dc.ackHeartbeats = true;
        QVERIFY(dc.waitForFrames(6, 2));
        QCOMPARE(dc.frames(2).size(), 1);

        // INVALID_SESSION (not resumable): a new IDENTIFY after 1–5 s.
        QTest::qWait(200);
        const int connectionsBefore = dc.connections();
        QElapsedTimer timer;
        timer.start();
        dc.sendOp(9, false);
        QVERIFY(dc.waitForFrames(2, 2, 8000));
        QVERIFY(timer.elapsed() >= 900);
        QCOMPARE(dc.connections(), connectionsBefore + 1);

        // RECONNECT: a new connection at once, resuming.
        const int resumes = dc.frames(6).size();
        dc.sendOp(7, QJsonValue::Null);
        QVERIFY(dc.waitForFrames(6, resumes + 1, 3000));
        QCOMPARE(dc.connections(), connectionsBefore + 2);
        QCOMPARE(dc.frames(2).size(), 2);

        // Deactivated: the socket closes and nothing more reaches the fake.
        QCOMPARE(channelOf(f.api->postJson(channelPath(id, "/deactivate"), {})).value("status").toString(), QStringLiteral("inactive"));
        QVERIFY(!discordOf(f)->isConnected(id));
        QVERIFY(QTest::qWaitFor([&] { return dc.openConnections() == 0; }, 5000));
        QTest::qWait(200); // a request already on the wire before the stop may still land
        const int frames = dc.frames().size();
        const int calls = dc.calls().size();
        QTest::qWait(1000);
        QCOMPARE(dc.frames().size(), frames);
        QCOMPARE(dc.calls().size(), calls);
        QCOMPARE(dc.connections(), connectionsBefore + 2);
    }
};

QTEST_MAIN(TestChannelsMatrixDiscord)
#include "tst_channels_matrix_discord.moc"
