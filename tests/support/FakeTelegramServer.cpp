#include "FakeTelegramServer.h"

#include <QHttpServer>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QJsonArray>
#include <QJsonDocument>
#include <QPointer>
#include <QTcpSocket>
#include <QTest>
#include <QTimer>

namespace kinbot::test {

struct FakeTelegramServer::Held
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

QJsonObject ok(const QJsonValue &result)
{
    return {{QStringLiteral("ok"), true}, {QStringLiteral("result"), result}};
}

} // namespace

FakeTelegramServer::FakeTelegramServer(QString validToken, QObject *parent)
    : QObject(parent), m_server(new QHttpServer(this)), m_validToken(std::move(validToken))
{
    m_server->setMissingHandler([this](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
        const QString path = request.url().path(); // /bot<token>/<method>
        const QStringList parts = path.split(QLatin1Char('/'), Qt::SkipEmptyParts);
        if (parts.size() != 2 || !parts.at(0).startsWith(QLatin1String("bot")))
            return answer(responder, 404, {{QStringLiteral("ok"), false}, {QStringLiteral("description"), QStringLiteral("Not Found")}});
        Call call{parts.at(0).mid(3), parts.at(1), QJsonDocument::fromJson(request.body()).object()};
        m_calls.append(call);
        if (call.token.startsWith(QLatin1String("502:"))) { // a proxy in the way: no JSON at all
            responder.writeStatusLine(QHttpServerResponder::StatusCode::BadGateway);
            responder.writeHeader("Content-Type", "text/plain");
            responder.writeHeader("Content-Length", "11");
            responder.writeBody("Bad Gateway");
            return;
        }
        if (call.token != m_validToken)
            return answer(responder, 401, {{QStringLiteral("ok"), false}, {QStringLiteral("error_code"), 401},
                                           {QStringLiteral("description"), QStringLiteral("Unauthorized")}});
        if (call.method == QLatin1String("getMe"))
            return answer(responder, 200, ok(QJsonObject{{QStringLiteral("id"), 4242}, {QStringLiteral("is_bot"), true},
                                                         {QStringLiteral("first_name"), QStringLiteral("Test Bot")},
                                                         {QStringLiteral("username"), QStringLiteral("test_bot")}}));
        if (call.method == QLatin1String("sendMessage"))
            return answer(responder, 200, ok(QJsonObject{{QStringLiteral("message_id"), ++m_nextMessageId},
                                                         {QStringLiteral("text"), call.body.value(QStringLiteral("text"))}}));
        if (call.method == QLatin1String("getUpdates")) {
            if (!m_updates.isEmpty()) {
                QJsonArray all;
                while (!m_updates.isEmpty())
                    all.append(m_updates.dequeue());
                return answer(responder, 200, ok(all));
            }
            auto held = std::make_shared<Held>(std::move(responder));
            m_held.append(held);
            QTimer::singleShot(holdMs, this, [held] {
                if (held->answered || !held->socket)
                    return;
                held->answered = true;
                answer(held->responder, 200, ok(QJsonArray()));
            });
            return;
        }
        return answer(responder, 200, ok(true)); // setWebhook, deleteWebhook, sendChatAction
    });
}

FakeTelegramServer::~FakeTelegramServer() = default;

bool FakeTelegramServer::listen()
{
    m_port = m_server->listen(QHostAddress::LocalHost, 0);
    return m_port != 0;
}

QString FakeTelegramServer::baseUrl() const
{
    return QStringLiteral("http://127.0.0.1:%1").arg(m_port);
}

void FakeTelegramServer::pushUpdate(const QJsonObject &update)
{
    QJsonObject u = update;
    u.insert(QStringLiteral("update_id"), ++m_nextUpdateId);
    m_updates.enqueue(u);
    answerHeld();
}

void FakeTelegramServer::answerHeld()
{
    while (!m_held.isEmpty() && !m_updates.isEmpty()) {
        auto held = m_held.takeFirst();
        if (held->answered || !held->socket)
            continue;
        held->answered = true;
        QJsonArray all;
        while (!m_updates.isEmpty())
            all.append(m_updates.dequeue());
        answer(held->responder, 200, ok(all));
    }
    m_held.removeIf([](const std::shared_ptr<Held> &h) { return h->answered || !h->socket; });
}

QList<FakeTelegramServer::Call> FakeTelegramServer::calls(const QString &method) const
{
    QList<Call> out;
    for (const Call &c : m_calls)
        if (method.isEmpty() || c.method == method)
            out.append(c);
    return out;
}

bool FakeTelegramServer::waitForCalls(const QString &method, int count, int timeoutMs) const
{
    return QTest::qWaitFor([&] { return calls(method).size() >= count; }, timeoutMs);
}

} // namespace kinbot::test
