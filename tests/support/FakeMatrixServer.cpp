#include "FakeMatrixServer.h"

#include <QHttpServer>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QJsonArray>
#include <QJsonDocument>
#include <QPointer>
#include <QTcpSocket>
#include <QTest>
#include <QTimer>
#include <QUrlQuery>

namespace kinbot::test {

struct FakeMatrixServer::Held
{
    explicit Held(QHttpServerResponder &&r) : responder(std::move(r)), socket(responder.socket()) {}
    QHttpServerResponder responder;
    QPointer<QTcpSocket> socket;
    bool answered = false;
};

namespace {

void answer(QHttpServerResponder &r, int status, const QJsonObject &body)
{
    const QByteArray bytes = QJsonDocument(body).toJson(QJsonDocument::Compact);
    r.writeStatusLine(QHttpServerResponder::StatusCode(status));
    r.writeHeader("Content-Type", "application/json");
    r.writeHeader("Content-Length", QByteArray::number(bytes.size()));
    r.writeBody(bytes);
}

} // namespace

FakeMatrixServer::FakeMatrixServer(QString validToken, QString botUserId, QObject *parent)
    : QObject(parent), m_server(new QHttpServer(this)), m_validToken(std::move(validToken)), m_botUserId(std::move(botUserId))
{
    m_server->setMissingHandler([this](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
        QString verb;
        switch (request.method()) {
        case QHttpServerRequest::Method::Get: verb = QStringLiteral("GET"); break;
        case QHttpServerRequest::Method::Put: verb = QStringLiteral("PUT"); break;
        case QHttpServerRequest::Method::Post: verb = QStringLiteral("POST"); break;
        default: verb = QStringLiteral("OTHER"); break;
        }
        const QString path = request.url().path();
        Call call{verb, path, request.url().query(QUrl::FullyDecoded), QJsonDocument::fromJson(request.body()).object()};
        m_calls.append(call);
        if (request.value("Authorization") != "Bearer " + m_validToken.toUtf8())
            return answer(responder, 401, {{"errcode", "M_UNKNOWN_TOKEN"}, {"error", "Invalid access token passed."}});
        if (path.endsWith(QLatin1String("/account/whoami")))
            return answer(responder, 200, {{"user_id", m_botUserId}, {"device_id", "KINBOTDEV"}});
        if (path.endsWith(QLatin1String("/sync"))) {
            if (failSync)
                return answer(responder, 502, {});
            const QUrlQuery query(request.url());
            if (!query.hasQueryItem(QStringLiteral("since")) || !m_pending.isEmpty() || !m_invites.isEmpty())
                return answer(responder, 200, takeSync());
            auto held = std::make_shared<Held>(std::move(responder));
            m_held.append(held);
            QTimer::singleShot(holdMs, this, [this, held] {
                if (held->answered || !held->socket)
                    return;
                held->answered = true;
                answer(held->responder, 200, {{"next_batch", QStringLiteral("b%1").arg(m_batch)}});
            });
            return;
        }
        if (verb == QLatin1String("PUT") && path.contains(QLatin1String("/send/m.room.message/")))
            return answer(responder, 200, {{"event_id", QStringLiteral("$sent%1").arg(m_nextEvent++)}});
        if (path.contains(QLatin1String("/join/")))
            return answer(responder, 200, {{"room_id", path.section(QLatin1Char('/'), -1)}});
        if (path.contains(QLatin1String("/typing/")))
            return answer(responder, 200, {});
        return answer(responder, 404, {{"errcode", "M_UNRECOGNIZED"}, {"error", "Unrecognized request"}});
    });
}

FakeMatrixServer::~FakeMatrixServer() = default;

bool FakeMatrixServer::listen()
{
    m_port = m_server->listen(QHostAddress::LocalHost, 0);
    return m_port != 0;
}

QString FakeMatrixServer::baseUrl() const
{
    return QStringLiteral("http://127.0.0.1:%1").arg(m_port);
}

QString FakeMatrixServer::pushMessage(const QString &roomId, const QString &sender, const QString &body, const QString &displayName,
                                      const QString &msgtype)
{
    const QString eventId = QStringLiteral("$in%1").arg(m_nextEvent++);
    m_pending.append({roomId,
                      QJsonObject{{"type", "m.room.message"},
                                  {"event_id", eventId},
                                  {"sender", sender},
                                  {"origin_server_ts", QJsonValue(qint64(1700000000000))},
                                  {"content", QJsonObject{{"msgtype", msgtype}, {"body", body}}}},
                      displayName});
    answerHeld();
    return eventId;
}

void FakeMatrixServer::pushInvite(const QString &roomId)
{
    m_invites.append(roomId);
    answerHeld();
}

QJsonObject FakeMatrixServer::takeSync()
{
    QJsonObject join;
    for (const Pending &p : std::as_const(m_pending)) {
        QJsonObject room = join.value(p.roomId).toObject();
        QJsonObject timeline = room.value("timeline").toObject();
        QJsonArray events = timeline.value("events").toArray();
        events.append(p.event);
        timeline.insert("events", events);
        room.insert("timeline", timeline);
        if (!p.displayName.isEmpty()) {
            QJsonObject state = room.value("state").toObject();
            QJsonArray stateEvents = state.value("events").toArray();
            stateEvents.append(QJsonObject{{"type", "m.room.member"},
                                           {"state_key", p.event.value("sender")},
                                           {"sender", p.event.value("sender")},
                                           {"content", QJsonObject{{"membership", "join"}, {"displayname", p.displayName}}}});
            state.insert("events", stateEvents);
            room.insert("state", state);
        }
        join.insert(p.roomId, room);
    }
    QJsonObject invite;
    for (const QString &roomId : std::as_const(m_invites))
        invite.insert(roomId, QJsonObject{{"invite_state", QJsonObject{{"events", QJsonArray()}}}});
    m_pending.clear();
    m_invites.clear();
    return {{"next_batch", QStringLiteral("b%1").arg(++m_batch)}, {"rooms", QJsonObject{{"join", join}, {"invite", invite}}}};
}

void FakeMatrixServer::answerHeld()
{
    while (!m_held.isEmpty() && (!m_pending.isEmpty() || !m_invites.isEmpty())) {
        auto held = m_held.takeFirst();
        if (held->answered || !held->socket)
            continue;
        held->answered = true;
        answer(held->responder, 200, takeSync());
    }
    m_held.removeIf([](const std::shared_ptr<Held> &h) { return h->answered || !h->socket; });
}

QList<FakeMatrixServer::Call> FakeMatrixServer::calls(const QString &pathPart) const
{
    QList<Call> out;
    for (const Call &c : m_calls)
        if (pathPart.isEmpty() || c.path.contains(pathPart))
            out.append(c);
    return out;
}

bool FakeMatrixServer::waitForCalls(const QString &pathPart, int count, int timeoutMs) const
{
    return QTest::qWaitFor([&] { return calls(pathPart).size() >= count; }, timeoutMs);
}

} // namespace kinbot::test
