// Channels over Matrix and Discord, each against a fake platform on loopback (tests/support): creation rules (Matrix's
// homeserverUrl), activation with a rejected token → status error without the token in it, the /sync loop (initial
// history not replayed, own messages ignored, invites joined, retry after failures, stop on deactivation), the inbound
// pipeline for an unknown sender (pending mapping + "pending" reply) and a known contact (the Kin's turn on the fake LLM,
// its reply sent back as a reply to the inbound event), the allowlist.
#include "FakeMatrixServer.h"
#include "KinFixture.h"

#include "channels/ChannelService.h"
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

QByteArray channelPath(const QString &id, const char *tail = "")
{
    return "/api/channels/" + id.toUtf8() + tail;
}

QJsonObject channelOf(const HttpResponse &r)
{
    return r.json().value(QStringLiteral("channel")).toObject();
}

void expectError(const HttpResponse &r, int status, const char *code)
{
    QVERIFY2(r.status == status, qPrintable(QStringLiteral("status %1, expected %2: %3").arg(r.status).arg(status).arg(QString::fromUtf8(r.body))));
    QCOMPARE(r.errorCode(), QString::fromLatin1(code));
}

int rowCount(Database &db, const QString &sql, const QVariantList &values = {})
{
    auto r = db.selectOne(sql, values);
    return r && r.value() ? r.value()->value(0).toInt() : -1;
}

QString nextOutcome(QSignalSpy &spy, int before)
{
    if (!QTest::qWaitFor([&] { return spy.size() > before; }, 10000))
        return QStringLiteral("<none>");
    return spy.at(before).at(1).toString();
}

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
};

QTEST_MAIN(TestChannelsMatrixDiscord)
#include "tst_channels_matrix_discord.moc"
