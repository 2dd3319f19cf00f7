// Human-in-the-loop prompts (prompt_human, /api/prompts, prompt:pending/answered, the prompt:pending notification, the
// answer reaching the Kin as a turn) and the notifications REST side (/api/notifications, per-user notification:*
// events, retention), over real HTTP with two users, including every route's failure paths.
#include "KinFixture.h"

#include "notifications/NotificationRetention.h"
#include "notifications/NotificationService.h"
#include "prompts/PromptService.h"
#include "scheduling/Scheduler.h"
#include "storage/Database.h"

#include <QTimeZone>
#include <QUuid>

using namespace kinbot;
using namespace kinbot::test;

namespace {

QByteArray compact(const QJsonObject &o) { return QJsonDocument(o).toJson(QJsonDocument::Compact); }

QJsonArray opts(const QList<QPair<QString, QString>> &labelsValues)
{
    QJsonArray out;
    for (const auto &lv : labelsValues)
        out.append(QJsonObject{{QStringLiteral("label"), lv.first}, {QStringLiteral("value"), lv.second}});
    return out;
}

QJsonObject promptArgs(const QString &type, const QString &question, const QJsonArray &options)
{
    return {{QStringLiteral("prompt_type"), type}, {QStringLiteral("question"), question}, {QStringLiteral("options"), options}};
}

QString errorCode(const HttpResponse &r)
{
    return r.json().value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toString();
}

int countEvents(const SseClient &sse, const QString &type)
{
    int n = 0;
    for (const SseFrame &f : sse.frames())
        n += isEvent(f, type);
    return n;
}

void spin(int ms)
{
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < ms)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 10);
}

QByteArray respondPath(const QString &promptId) { return "/api/prompts/" + promptId.toUtf8() + "/respond"; }

int rowCount(Platform &p, const QString &sql, const QVariantList &values = {})
{
    auto r = p.database().selectOne(sql, values);
    return r && r.value() ? r.value()->at(0).toInt() : -1;
}

} // namespace

class TstPromptsNotifications final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    // ---- prompts ----------------------------------------------------------------------------------------------------

    // The reference's acceptance check 15, end to end: the model asks, a user answers, the Kin takes a turn.
    void promptFlowEndToEnd()
    {
        KinFixture f;
        const TestUser bob = f.addMember(QStringLiteral("bob"));
        HttpClient bobApi = f.server.clientFor(bob);
        const QString provider = f.addProvider();
        const QString kinId = f.addKin(QStringLiteral("Asker"), provider).value(QStringLiteral("id")).toString();
        auto sse = f.openSse();
        SseClient bobSse(f.server.port(), bob.cookie);
        QVERIFY(bobSse.connectAndWait());

        const QJsonObject args = promptArgs(QStringLiteral("select"), QStringLiteral("Pick"), opts({{"A", "a"}, {"B", "b"}}));
        // Two prompt_human calls in one step: the second is refused (one per turn).
        f.fake.enqueue(FakeReply::toolCalls({{QStringLiteral("c1"), QStringLiteral("prompt_human"), compact(args)},
                                             {QStringLiteral("c2"), QStringLiteral("prompt_human"), compact(args)}}));
        f.fake.enqueue(FakeReply::text({QStringLiteral("I asked you.")}));
        QCOMPARE(f.send(kinId, QStringLiteral("choose for me")).status, 202);
        QTRY_COMPARE_WITH_TIMEOUT(countEvents(*sse, QStringLiteral("chat:done")), 1, 5000);

        // The tool results: the first is pending, the second an error.
        QHash<QString, QJsonObject> results;
        for (const SseFrame &fr : sse->frames())
            if (isEvent(fr, QStringLiteral("chat:tool-result"), kinId))
                results.insert(fr.data.value(QStringLiteral("toolCallId")).toString(), fr.data.value(QStringLiteral("result")).toObject());
        QCOMPARE(results.size(), 2);
        const QString promptId = results.value(QStringLiteral("c1")).value(QStringLiteral("promptId")).toString();
        QVERIFY2(!promptId.isEmpty(), compact(results.value(QStringLiteral("c1"))).constData());
        QCOMPARE(results.value(QStringLiteral("c1")).value(QStringLiteral("status")).toString(), QStringLiteral("pending"));
        QVERIFY(results.value(QStringLiteral("c2")).value(QStringLiteral("error")).toString().contains(QStringLiteral("already")));
        QCOMPARE(rowCount(f.server.platform(), QStringLiteral("SELECT count(*) FROM human_prompts")), 1);

        // prompt:pending, once, flat, with the options.
        QCOMPARE(countEvents(*sse, QStringLiteral("prompt:pending")), 1);
        auto pendingEv = sse->waitFor([](const SseFrame &fr) { return isEvent(fr, QStringLiteral("prompt:pending")); });
        QVERIFY(pendingEv);
        QCOMPARE(pendingEv->data.value(QStringLiteral("promptId")).toString(), promptId);
        QCOMPARE(pendingEv->data.value(QStringLiteral("kinId")).toString(), kinId);
        QVERIFY(pendingEv->data.value(QStringLiteral("taskId")).isNull());
        QCOMPARE(pendingEv->data.value(QStringLiteral("promptType")).toString(), QStringLiteral("select"));
        QCOMPARE(pendingEv->data.value(QStringLiteral("question")).toString(), QStringLiteral("Pick"));
        QCOMPARE(pendingEv->data.value(QStringLiteral("options")).toArray(), opts({{"A", "a"}, {"B", "b"}}));

        // A prompt:pending notification for every user, each on their own stream.
        for (SseClient *s : {sse.get(), &bobSse}) {
            auto n = s->waitFor([](const SseFrame &fr) { return isEvent(fr, QStringLiteral("notification:new")); });
            QVERIFY(n);
            const QJsonObject item = n->data.value(QStringLiteral("notification")).toObject();
            QCOMPARE(item.value(QStringLiteral("type")).toString(), QStringLiteral("prompt:pending"));
            QCOMPARE(item.value(QStringLiteral("relatedId")).toString(), promptId);
            QCOMPARE(item.value(QStringLiteral("relatedType")).toString(), QStringLiteral("prompt"));
            QCOMPARE(item.value(QStringLiteral("kinName")).toString(), QStringLiteral("Asker"));
            QCOMPARE(countEvents(*s, QStringLiteral("notification:new")), 1);
        }
        QCOMPARE(bobApi.get("/api/notifications/unread-count").json().value(QStringLiteral("unreadCount")).toInt(), 1);

        // GET /pending (by id and by slug).
        const HttpResponse pending = bobApi.get("/api/prompts/pending?kinId=" + kinId.toUtf8());
        QCOMPARE(pending.status, 200);
        const QJsonArray list = pending.json().value(QStringLiteral("prompts")).toArray();
        QCOMPARE(list.size(), 1);
        const QJsonObject p = list.first().toObject();
        QCOMPARE(p.value(QStringLiteral("id")).toString(), promptId);
        QCOMPARE(p.value(QStringLiteral("kinId")).toString(), kinId);
        QCOMPARE(p.value(QStringLiteral("promptType")).toString(), QStringLiteral("select"));
        QCOMPARE(p.value(QStringLiteral("status")).toString(), QStringLiteral("pending"));
        QVERIFY(p.value(QStringLiteral("response")).isNull());
        QVERIFY(p.value(QStringLiteral("respondedAt")).isNull());
        QVERIFY(p.value(QStringLiteral("description")).isNull());
        QCOMPARE(p.value(QStringLiteral("createdAt")).toDouble(), double(f.server.clock().nowMs()));
        QCOMPARE(p.value(QStringLiteral("options")).toArray().size(), 2);
        QCOMPARE(bobApi.get("/api/prompts/pending?kinId=asker").json().value(QStringLiteral("prompts")).toArray().size(), 1);

        // Bad answers: nothing changes, no event, no turn.
        HttpResponse r = bobApi.postJson(respondPath(promptId), {{QStringLiteral("response"), QStringLiteral("z")}});
        QCOMPARE(r.status, 400);
        QCOMPARE(errorCode(r), QStringLiteral("PROMPT_ERROR"));
        r = bobApi.postJson(respondPath(promptId), {{QStringLiteral("response"), QJsonArray{QStringLiteral("b")}}});
        QCOMPARE(errorCode(r), QStringLiteral("PROMPT_ERROR"));
        r = bobApi.postJson(respondPath(promptId), {});
        QCOMPARE(r.status, 400);
        QCOMPARE(errorCode(r), QStringLiteral("VALIDATION_ERROR"));
        r = bobApi.postJson(respondPath(promptId), {{QStringLiteral("response"), QJsonValue()}});
        QCOMPARE(errorCode(r), QStringLiteral("VALIDATION_ERROR"));
        r = bobApi.postRaw(respondPath(promptId), "{not json");
        QCOMPARE(r.status, 400);
        QVERIFY(!errorCode(r).isEmpty());
        QCOMPARE(countEvents(*sse, QStringLiteral("prompt:answered")), 0);
        QCOMPARE(f.fake.chatRequests().size(), 2);

        // The answer.
        f.fake.enqueue(FakeReply::text({QStringLiteral("B it is.")}));
        r = bobApi.postJson(respondPath(promptId), {{QStringLiteral("response"), QStringLiteral("b")}});
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json(), QJsonObject({{QStringLiteral("success"), true}}));
        auto answered = sse->waitFor([](const SseFrame &fr) { return isEvent(fr, QStringLiteral("prompt:answered")); });
        QVERIFY(answered);
        QCOMPARE(answered->data.value(QStringLiteral("promptId")).toString(), promptId);
        QCOMPARE(answered->data.value(QStringLiteral("kinId")).toString(), kinId);
        QCOMPARE(answered->data.value(QStringLiteral("response")).toString(), QStringLiteral("b"));

        // The Kin takes a turn on the answer, sent as a user message from the responder.
        QVERIFY(f.fake.waitForChatRequests(3));
        const QJsonArray sent = f.fake.chatRequests().at(2).json.value(QStringLiteral("messages")).toArray();
        const QString lastUser = QString::fromUtf8(QJsonDocument(sent.last().toObject()).toJson());
        QVERIFY2(lastUser.contains(QStringLiteral("[Human response to \\\"Pick\\\"]: B")), qPrintable(lastUser));
        QTRY_COMPARE_WITH_TIMEOUT(countEvents(*sse, QStringLiteral("chat:done")), 2, 5000);
        auto queued = f.server.platform().database().selectOne(
            QStringLiteral("SELECT source_type, source_id, priority, content FROM queue_items WHERE content LIKE '[Human response%'"));
        QVERIFY(queued && queued.value());
        QCOMPARE(queued.value()->at(0).toString(), QStringLiteral("user"));
        QCOMPARE(queued.value()->at(1).toString(), bob.id);
        QCOMPARE(queued.value()->at(2).toInt(), 100);
        QCOMPARE(queued.value()->at(3).toString(), QStringLiteral("[Human response to \"Pick\"]: B"));
        const QJsonArray rows = messagesOf(*f.api, kinId);
        QCOMPARE(rows.last().toObject().value(QStringLiteral("content")).toString(), QStringLiteral("B it is."));

        // Stored as answered; a second answer is refused; nothing pending any more.
        auto stored = f.server.platform().prompts().find(promptId);
        QVERIFY(stored && stored.value());
        QCOMPARE(stored.value()->status, QStringLiteral("answered"));
        QCOMPARE(stored.value()->response.toString(), QStringLiteral("b"));
        QCOMPARE(stored.value()->respondedAt, f.server.clock().nowMs());
        r = f.api->postJson(respondPath(promptId), {{QStringLiteral("response"), QStringLiteral("a")}});
        QCOMPARE(r.status, 400);
        QCOMPARE(errorCode(r), QStringLiteral("PROMPT_ERROR"));
        QCOMPARE(countEvents(*sse, QStringLiteral("prompt:answered")), 1);
        QCOMPARE(bobApi.get("/api/prompts/pending?kinId=" + kinId.toUtf8()).json().value(QStringLiteral("prompts")).toArray().size(), 0);
        spin(100);
        QCOMPARE(f.fake.chatRequests().size(), 3);
    }

    void multiSelectAndConfirmAnswers()
    {
        KinFixture f;
        const QString provider = f.addProvider();
        const QString kinId = f.addKin(QStringLiteral("Picker"), provider).value(QStringLiteral("id")).toString();
        f.fake.setDefaultReply(FakeReply::text({QStringLiteral("Noted.")}));

        QJsonObject multi = promptArgs(QStringLiteral("multi_select"), QStringLiteral("Which days?"),
                                       opts({{"Monday", "mon"}, {"Tuesday", "tue"}, {"Wednesday", "wed"}}));
        multi.insert(QStringLiteral("description"), QStringLiteral("For the meeting"));
        const QString multiId = f.runTool(QStringLiteral("prompt_human"), kinId, multi).value(QStringLiteral("promptId")).toString();
        QVERIFY(!multiId.isEmpty());
        for (const QJsonValue &bad : {QJsonValue(QStringLiteral("mon")), QJsonValue(QJsonArray{}), QJsonValue(QJsonArray{QStringLiteral("mon"), QStringLiteral("sun")}),
                                      QJsonValue(QJsonArray{1, 2}), QJsonValue(true)}) {
            const HttpResponse r = f.api->postJson(respondPath(multiId), {{QStringLiteral("response"), bad}});
            QCOMPARE(r.status, 400);
            QCOMPARE(errorCode(r), QStringLiteral("PROMPT_ERROR"));
        }
        const HttpResponse ok = f.api->postJson(respondPath(multiId), {{QStringLiteral("response"), QJsonArray{QStringLiteral("wed"), QStringLiteral("mon")}}});
        QCOMPARE(ok.status, 200);
        QTRY_COMPARE_WITH_TIMEOUT(rowCount(f.server.platform(), QStringLiteral("SELECT count(*) FROM queue_items WHERE content = ?"),
                                           {QStringLiteral("[Human response to \"Which days?\"]: Wednesday, Monday")}),
                                  1, 5000);
        auto stored = f.server.platform().prompts().find(multiId);
        QCOMPARE(stored.value()->response.toArray(), QJsonArray({QStringLiteral("wed"), QStringLiteral("mon")}));
        QCOMPARE(stored.value()->description, QStringLiteral("For the meeting"));

        const QString confirmId = f.runTool(QStringLiteral("prompt_human"), kinId,
                                            promptArgs(QStringLiteral("confirm"), QStringLiteral("Deploy?"), opts({{"Yes", "yes"}, {"No", "no"}})))
                                      .value(QStringLiteral("promptId")).toString();
        QVERIFY(!confirmId.isEmpty());
        HttpResponse r = f.api->postJson(respondPath(confirmId), {{QStringLiteral("response"), QJsonArray{QStringLiteral("yes")}}});
        QCOMPARE(errorCode(r), QStringLiteral("PROMPT_ERROR"));
        r = f.api->postJson(respondPath(confirmId), {{QStringLiteral("response"), 1}});
        QCOMPARE(errorCode(r), QStringLiteral("PROMPT_ERROR"));
        QCOMPARE(f.api->postJson(respondPath(confirmId), {{QStringLiteral("response"), QStringLiteral("no")}}).status, 200);
        QTRY_COMPARE_WITH_TIMEOUT(rowCount(f.server.platform(), QStringLiteral("SELECT count(*) FROM queue_items WHERE content = ?"),
                                           {QStringLiteral("[Human response to \"Deploy?\"]: No")}),
                                  1, 5000);
    }

    void promptHumanRejectsBadArguments()
    {
        KinFixture f;
        const QString kinId = f.addKin(QStringLiteral("Strict"), f.addProvider()).value(QStringLiteral("id")).toString();
        const QJsonArray two = opts({{"A", "a"}, {"B", "b"}});
        QJsonArray eleven;
        for (int i = 0; i < 11; ++i)
            eleven.append(QJsonObject{{QStringLiteral("label"), QString::number(i)}, {QStringLiteral("value"), QString::number(i)}});
        QJsonObject withDescription = promptArgs(QStringLiteral("select"), QStringLiteral("Q"), two);
        withDescription.insert(QStringLiteral("description"), QString(1001, QLatin1Char('d')));
        const QList<QJsonObject> bad{
            promptArgs(QStringLiteral("rank"), QStringLiteral("Q"), two),
            promptArgs(QStringLiteral("select"), QString(), two),
            promptArgs(QStringLiteral("select"), QString(501, QLatin1Char('q')), two),
            promptArgs(QStringLiteral("select"), QStringLiteral("Q"), opts({{"A", "a"}})),
            promptArgs(QStringLiteral("select"), QStringLiteral("Q"), eleven),
            promptArgs(QStringLiteral("select"), QStringLiteral("Q"), opts({{"A", "a"}, {"Again", "a"}})),
            promptArgs(QStringLiteral("select"), QStringLiteral("Q"), opts({{"", "a"}, {"B", "b"}})),
            promptArgs(QStringLiteral("select"), QStringLiteral("Q"),
                       QJsonArray{QJsonObject{{"label", "A"}, {"value", "a"}, {"variant", "loud"}}, QJsonObject{{"label", "B"}, {"value", "b"}}}),
            withDescription,
        };
        for (const QJsonObject &args : bad) {
            const QJsonObject r = f.runTool(QStringLiteral("prompt_human"), kinId, args);
            QVERIFY2(r.contains(QStringLiteral("error")) && !r.contains(QStringLiteral("promptId")), compact(args).constData());
        }
        QCOMPARE(rowCount(f.server.platform(), QStringLiteral("SELECT count(*) FROM human_prompts")), 0);
        QCOMPARE(rowCount(f.server.platform(), QStringLiteral("SELECT count(*) FROM notifications")), 0);

        // Good ones at the limits: 10 options, a variant and descriptions kept.
        QJsonArray ten = eleven;
        ten.removeLast();
        QJsonObject first = ten.first().toObject();
        first.insert(QStringLiteral("variant"), QStringLiteral("destructive"));
        first.insert(QStringLiteral("description"), QStringLiteral("careful"));
        ten.replace(0, first);
        const QJsonObject r = f.runTool(QStringLiteral("prompt_human"), kinId, promptArgs(QStringLiteral("select"), QString(500, QLatin1Char('q')), ten));
        const QString id = r.value(QStringLiteral("promptId")).toString();
        QVERIFY2(!id.isEmpty(), compact(r).constData());
        auto stored = f.server.platform().prompts().find(id);
        QCOMPARE(stored.value()->options.size(), 10);
        QCOMPARE(stored.value()->options.first().toObject(), first);
    }

    void promptRoutesFailurePaths()
    {
        KinFixture f;
        const QString kinId = f.addKin(QStringLiteral("Routes"), f.addProvider()).value(QStringLiteral("id")).toString();
        HttpResponse r = f.api->get("/api/prompts/pending");
        QCOMPARE(r.status, 400);
        QCOMPARE(errorCode(r), QStringLiteral("VALIDATION_ERROR"));
        r = f.api->get("/api/prompts/pending?kinId=");
        QCOMPARE(errorCode(r), QStringLiteral("VALIDATION_ERROR"));
        r = f.api->get("/api/prompts/pending?kinId=no-such-kin");
        QCOMPARE(r.status, 404);
        QCOMPARE(errorCode(r), QStringLiteral("KIN_NOT_FOUND"));
        r = f.api->get("/api/prompts/pending?kinId=" + kinId.toUtf8() + "&taskId=some-task");
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json().value(QStringLiteral("prompts")).toArray().size(), 0);
        r = f.api->postJson("/api/prompts/00000000-0000-4000-8000-000000000000/respond", {{QStringLiteral("response"), QStringLiteral("a")}});
        QCOMPARE(r.status, 400);
        QCOMPARE(errorCode(r), QStringLiteral("PROMPT_ERROR"));

        // Unauthenticated.
        HttpClient anon = f.server.client();
        QCOMPARE(anon.get("/api/prompts/pending?kinId=" + kinId.toUtf8()).status, 401);
        r = anon.postJson("/api/prompts/x/respond", {{QStringLiteral("response"), QStringLiteral("a")}});
        QCOMPARE(r.status, 401);
        QCOMPARE(errorCode(r), QStringLiteral("UNAUTHORIZED"));

        // A Kin's prompts go with it.
        const QString id = f.runTool(QStringLiteral("prompt_human"), kinId, promptArgs(QStringLiteral("confirm"), QStringLiteral("Ok?"), opts({{"Yes", "y"}, {"No", "n"}})))
                               .value(QStringLiteral("promptId")).toString();
        QVERIFY(!id.isEmpty());
        QCOMPARE(f.api->del("/api/kins/" + kinId.toUtf8()).status, 200);
        QCOMPARE(rowCount(f.server.platform(), QStringLiteral("SELECT count(*) FROM human_prompts")), 0);
        QCOMPARE(errorCode(f.api->postJson(respondPath(id), {{QStringLiteral("response"), QStringLiteral("y")}})), QStringLiteral("PROMPT_ERROR"));
    }

    // ---- notifications ----------------------------------------------------------------------------------------------

    void notificationsArePerUser()
    {
        KinFixture f;
        const TestUser bob = f.addMember(QStringLiteral("bob"));
        HttpClient bobApi = f.server.clientFor(bob);
        const QString kinId = f.addKin(QStringLiteral("Herald"), f.addProvider()).value(QStringLiteral("id")).toString();
        auto adaSse = f.openSse();
        SseClient bobSse(f.server.port(), bob.cookie);
        QVERIFY(bobSse.connectAndWait());
        NotificationService &n = f.server.platform().notifications();

        // Three for everyone (a second apart, newest first in lists), one for bob only.
        for (int i = 1; i <= 3; ++i) {
            QVERIFY(n.notifyAll({QStringLiteral("kin:alert"), QStringLiteral("Alert %1").arg(i), QStringLiteral("body %1").arg(i), kinId, kinId,
                                 QStringLiteral("kin")}));
            f.server.clock().advanceMs(1000);
        }
        QVERIFY(n.notifyUser(bob.id, {QStringLiteral("mention"), QStringLiteral("Bob only"), {}, {}, {}, {}}));
        QTRY_COMPARE(countEvents(bobSse, QStringLiteral("notification:new")), 4);
        QTRY_COMPARE(countEvents(*adaSse, QStringLiteral("notification:new")), 3);

        // The list: newest first, the summary shape, paging.
        HttpResponse r = bobApi.get("/api/notifications");
        QCOMPARE(r.status, 200);
        QJsonObject page = r.json();
        QCOMPARE(page.value(QStringLiteral("total")).toInt(), 4);
        QCOMPARE(page.value(QStringLiteral("unreadCount")).toInt(), 4);
        QCOMPARE(page.value(QStringLiteral("hasMore")).toBool(), false);
        QJsonArray items = page.value(QStringLiteral("notifications")).toArray();
        QCOMPARE(items.size(), 4);
        const QJsonObject newest = items.at(0).toObject();
        QCOMPARE(newest.value(QStringLiteral("title")).toString(), QStringLiteral("Bob only"));
        QVERIFY(newest.value(QStringLiteral("body")).isNull());
        QVERIFY(newest.value(QStringLiteral("kinId")).isNull());
        QVERIFY(newest.value(QStringLiteral("relatedType")).isNull());
        const QJsonObject alert = items.at(1).toObject();
        QCOMPARE(alert.keys().size(), 12);
        QCOMPARE(alert.value(QStringLiteral("type")).toString(), QStringLiteral("kin:alert"));
        QCOMPARE(alert.value(QStringLiteral("title")).toString(), QStringLiteral("Alert 3"));
        QCOMPARE(alert.value(QStringLiteral("body")).toString(), QStringLiteral("body 3"));
        QCOMPARE(alert.value(QStringLiteral("kinId")).toString(), kinId);
        QCOMPARE(alert.value(QStringLiteral("kinName")).toString(), QStringLiteral("Herald"));
        QCOMPARE(alert.value(QStringLiteral("kinSlug")).toString(), QStringLiteral("herald"));
        QVERIFY(alert.contains(QStringLiteral("kinAvatarUrl")));
        QCOMPARE(alert.value(QStringLiteral("relatedId")).toString(), kinId);
        QCOMPARE(alert.value(QStringLiteral("relatedType")).toString(), QStringLiteral("kin"));
        QCOMPARE(alert.value(QStringLiteral("isRead")).toBool(), false);
        QCOMPARE(alert.value(QStringLiteral("createdAt")).toDouble(), double(f.server.clock().nowMs() - 1000));
        QCOMPARE(items.at(3).toObject().value(QStringLiteral("title")).toString(), QStringLiteral("Alert 1"));

        page = bobApi.get("/api/notifications?limit=2").json();
        QCOMPARE(page.value(QStringLiteral("notifications")).toArray().size(), 2);
        QCOMPARE(page.value(QStringLiteral("hasMore")).toBool(), true);
        QCOMPARE(page.value(QStringLiteral("total")).toInt(), 4);
        page = bobApi.get("/api/notifications?limit=2&offset=2").json();
        QCOMPARE(page.value(QStringLiteral("notifications")).toArray().at(0).toObject().value(QStringLiteral("title")).toString(), QStringLiteral("Alert 2"));
        QCOMPARE(page.value(QStringLiteral("hasMore")).toBool(), false);
        QCOMPARE(bobApi.get("/api/notifications?offset=9").json().value(QStringLiteral("notifications")).toArray().size(), 0);
        QCOMPARE(bobApi.get("/api/notifications?limit=500").status, 200); // capped at 100
        QCOMPARE(f.api->get("/api/notifications").json().value(QStringLiteral("total")).toInt(), 3);

        // Bob cannot mark or delete Ada's; Ada's stays unread and present.
        const QString adasId = f.api->get("/api/notifications").json().value(QStringLiteral("notifications")).toArray().at(0).toObject()
                                   .value(QStringLiteral("id")).toString();
        r = bobApi.patchJson("/api/notifications/" + adasId.toUtf8() + "/read", {});
        QCOMPARE(r.status, 404);
        QCOMPARE(errorCode(r), QStringLiteral("NOTIFICATION_NOT_FOUND"));
        QCOMPARE(bobApi.del("/api/notifications/" + adasId.toUtf8()).status, 200); // the reference answers success for unknown ids
        QCOMPARE(f.api->get("/api/notifications/unread-count").json().value(QStringLiteral("unreadCount")).toInt(), 3);
        QCOMPARE(f.api->get("/api/notifications").json().value(QStringLiteral("total")).toInt(), 3);
        QCOMPARE(countEvents(*adaSse, QStringLiteral("notification:read")), 0);

        // Bob reads one: his event only.
        const QString bobsId = items.at(1).toObject().value(QStringLiteral("id")).toString();
        r = bobApi.patchJson("/api/notifications/" + bobsId.toUtf8() + "/read", {});
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json(), QJsonObject({{QStringLiteral("success"), true}}));
        auto read = bobSse.waitFor([](const SseFrame &fr) { return isEvent(fr, QStringLiteral("notification:read")); });
        QVERIFY(read);
        QCOMPARE(read->data.value(QStringLiteral("notificationId")).toString(), bobsId);
        QCOMPARE(bobApi.get("/api/notifications/unread-count").json().value(QStringLiteral("unreadCount")).toInt(), 3);
        page = bobApi.get("/api/notifications?unreadOnly=true").json();
        QCOMPARE(page.value(QStringLiteral("total")).toInt(), 3);
        QCOMPARE(page.value(QStringLiteral("notifications")).toArray().size(), 3);
        for (const QJsonValue &v : page.value(QStringLiteral("notifications")).toArray())
            QVERIFY(v.toObject().value(QStringLiteral("id")).toString() != bobsId);
        QCOMPARE(bobApi.get("/api/notifications").json().value(QStringLiteral("notifications")).toArray().at(1).toObject()
                     .value(QStringLiteral("isRead")).toBool(), true);
        QCOMPARE(r.status, 200);
        QCOMPARE(bobApi.patchJson("/api/notifications/no-such-id/read", {}).status, 404);

        // Bob marks all read: Ada's are untouched and she hears nothing.
        r = bobApi.postJson("/api/notifications/mark-all-read", {});
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json(), QJsonObject({{QStringLiteral("success"), true}}));
        QVERIFY(bobSse.waitFor([](const SseFrame &fr) { return isEvent(fr, QStringLiteral("notification:read-all")); }));
        QCOMPARE(bobApi.get("/api/notifications/unread-count").json().value(QStringLiteral("unreadCount")).toInt(), 0);
        QCOMPARE(bobApi.get("/api/notifications?unreadOnly=true").json().value(QStringLiteral("total")).toInt(), 0);
        QCOMPARE(f.api->get("/api/notifications/unread-count").json().value(QStringLiteral("unreadCount")).toInt(), 3);
        spin(150);
        QCOMPARE(countEvents(*adaSse, QStringLiteral("notification:read")), 0);
        QCOMPARE(countEvents(*adaSse, QStringLiteral("notification:read-all")), 0);

        // Bob deletes his own.
        r = bobApi.del("/api/notifications/" + bobsId.toUtf8());
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json(), QJsonObject({{QStringLiteral("success"), true}}));
        QCOMPARE(bobApi.get("/api/notifications").json().value(QStringLiteral("total")).toInt(), 3);
        QCOMPARE(bobApi.del("/api/notifications/" + bobsId.toUtf8()).status, 200);
    }

    void notificationRoutesFailurePaths()
    {
        KinFixture f;
        for (const QByteArray &q : {QByteArray("limit=abc"), QByteArray("limit=0"), QByteArray("limit=-3"), QByteArray("offset=-1"), QByteArray("offset=x")}) {
            const HttpResponse r = f.api->get("/api/notifications?" + q);
            QVERIFY2(r.status == 400, q.constData());
            QCOMPARE(errorCode(r), QStringLiteral("VALIDATION_ERROR"));
        }
        HttpClient anon = f.server.client();
        const QList<HttpResponse> unauth{anon.get("/api/notifications"), anon.get("/api/notifications/unread-count"),
                                         anon.patchJson("/api/notifications/x/read", {}), anon.postJson("/api/notifications/mark-all-read", {}),
                                         anon.del("/api/notifications/x")};
        for (const HttpResponse &r : unauth) {
            QCOMPARE(r.status, 401);
            QCOMPARE(errorCode(r), QStringLiteral("UNAUTHORIZED"));
        }
        // An API key is a user too: it sees that user's notifications.
        QVERIFY(f.server.platform().notifications().notifyUser(f.admin.id, {QStringLiteral("kin:alert"), QStringLiteral("Keyed"), {}, {}, {}, {}}));
        HttpClient keyed = f.server.client();
        keyed.setDefaultHeader("X-API-Key", f.server.apiKey(f.admin));
        QCOMPARE(keyed.get("/api/notifications/unread-count").json().value(QStringLiteral("unreadCount")).toInt(), 1);
    }

    void retentionByAgeAndCount()
    {
        KinFixture f;
        const TestUser bob = f.addMember(QStringLiteral("bob"));
        Platform &p = f.server.platform();
        const qint64 now = f.server.clock().nowMs();
        const qint64 day = 24LL * 3600 * 1000;
        auto insert = [&](const QString &userId, qint64 at) {
            QVERIFY(p.database().run(QStringLiteral("INSERT INTO notifications(id, user_id, type, title, is_read, created_at) VALUES(?,?,?,?,0,?)"),
                                     {QUuid::createUuid().toString(QUuid::WithoutBraces), userId, QStringLiteral("kin:alert"), QStringLiteral("t"), at}));
        };
        // Bob: 505 recent ones; Ada: one 31 days old and one 29 days old.
        for (int i = 0; i < 505; ++i)
            insert(bob.id, now - 505 + i);
        insert(f.admin.id, now - 31 * day);
        insert(f.admin.id, now - 29 * day);
        auto pruned = p.notifications().prune();
        QVERIFY(pruned);
        QCOMPARE(pruned.value(), 6);
        QCOMPARE(rowCount(p, QStringLiteral("SELECT count(*) FROM notifications WHERE user_id = ?"), {bob.id}), 500);
        QCOMPARE(rowCount(p, QStringLiteral("SELECT min(created_at) - ? FROM notifications WHERE user_id = ?"), {now, bob.id}), -500);
        QCOMPARE(rowCount(p, QStringLiteral("SELECT count(*) FROM notifications WHERE user_id = ?"), {f.admin.id}), 1);

        // The daily run: armed for the next 03:00 on the clock; when the clock gets there, the 29-day-old one is 30 days
        // old or more only once enough days passed.
        const QTimeZone zone = p.config().timeZone.isEmpty() ? QTimeZone::systemTimeZone() : QTimeZone(p.config().timeZone.toUtf8());
        const qint64 due = NotificationRetention::nextRunAfter(now, zone);
        QCOMPARE(p.scheduler().dueAt(QStringLiteral("notifications:retention")).value_or(-1), due);
        QVERIFY(due > now && due <= now + day);
        QCOMPARE(QDateTime::fromMSecsSinceEpoch(due, zone).time(), QTime(3, 0));
        f.server.clock().setNowMs(due + 2 * day); // past the 29-day-old one's 30 days
        QTRY_COMPARE(rowCount(p, QStringLiteral("SELECT count(*) FROM notifications WHERE user_id = ?"), {f.admin.id}), 0);
        QTRY_VERIFY(p.scheduler().dueAt(QStringLiteral("notifications:retention")).value_or(0) > f.server.clock().nowMs());
    }

    void nextRunIsTheNextThreeOClock()
    {
        const QTimeZone utc("UTC");
        const auto at = [&](const char *iso) { return QDateTime::fromString(QString::fromLatin1(iso), Qt::ISODate).toMSecsSinceEpoch(); };
        QCOMPARE(NotificationRetention::nextRunAfter(at("2026-11-22T02:59:00Z"), utc), at("2026-11-22T03:00:00Z"));
        QCOMPARE(NotificationRetention::nextRunAfter(at("2026-11-22T03:00:00Z"), utc), at("2026-11-23T03:00:00Z"));
        QCOMPARE(NotificationRetention::nextRunAfter(at("2026-11-22T18:00:00Z"), utc), at("2026-11-23T03:00:00Z"));
        const QTimeZone paris("Europe/Paris");
        QCOMPARE(NotificationRetention::nextRunAfter(at("2026-11-22T12:00:00Z"), paris), at("2026-11-23T02:00:00Z"));
    }
};

QTEST_GUILESS_MAIN(TstPromptsNotifications)
#include "tst_prompts_notifications.moc"
