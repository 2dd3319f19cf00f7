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

// A multipart/form-data body: the text fields into call.body, the file part into call.file*.
void parseMultipart(const QByteArray &contentType, const QByteArray &body, FakeTelegramServer::Call &call)
{
    const int at = contentType.indexOf("boundary=");
    if (at < 0)
        return;
    QByteArray boundary = contentType.mid(at + 9);
    if (boundary.startsWith('"'))
        boundary = boundary.mid(1, boundary.indexOf('"', 1) - 1);
    const QByteArray delimiter = "--" + boundary;
    qsizetype pos = body.indexOf(delimiter);
    while (pos >= 0) {
        pos += delimiter.size();
        if (body.mid(pos, 2) == "--")
            break;
        const qsizetype next = body.indexOf(delimiter, pos);
        if (next < 0)
            break;
        QByteArray part = body.mid(pos, next - pos);
        if (part.startsWith("\r\n"))
            part = part.mid(2);
        if (part.endsWith("\r\n"))
            part.chop(2);
        const qsizetype split = part.indexOf("\r\n\r\n");
        const QByteArray head = part.left(split);
        const QByteArray content = part.mid(split + 4);
        QString name, fileName, type;
        for (const QByteArray &line : head.split('\n')) {
            const QByteArray l = line.trimmed();
            if (l.toLower().startsWith("content-type:"))
                type = QString::fromUtf8(l.mid(13).trimmed());
            const int n = l.indexOf("name=\"");
            if (l.toLower().startsWith("content-disposition:") && n >= 0) {
                name = QString::fromUtf8(l.mid(n + 6, l.indexOf('"', n + 6) - n - 6));
                const int f = l.indexOf("filename=\"");
                if (f >= 0)
                    fileName = QString::fromUtf8(l.mid(f + 10, l.indexOf('"', f + 10) - f - 10));
            }
        }
        if (!fileName.isEmpty()) {
            call.fileName = fileName;
            call.fileType = type;
            call.fileBytes = content;
            call.body.insert(name, QStringLiteral("<file>"));
        } else {
            const QJsonDocument json = QJsonDocument::fromJson(content);
            call.body.insert(name, json.isObject() ? QJsonValue(json.object()) : QJsonValue(QString::fromUtf8(content)));
        }
        pos = next;
    }
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
        // A file download: /file/bot<token>/documents/<file id>.
        if (parts.size() == 4 && parts.at(0) == QLatin1String("file")) {
            const QByteArray bytes = m_files.value(parts.at(3));
            m_calls.append({parts.at(1).mid(3), QStringLiteral("<download>"), {{QStringLiteral("fileId"), parts.at(3)}}, {}, {}, {}});
            if (parts.at(1).mid(3) != m_validToken || !m_files.contains(parts.at(3)))
                return answer(responder, 404, {{QStringLiteral("ok"), false}, {QStringLiteral("description"), QStringLiteral("Not Found")}});
            responder.writeStatusLine(QHttpServerResponder::StatusCode::Ok);
            responder.writeHeader("Content-Type", "application/octet-stream");
            responder.writeHeader("Content-Length", QByteArray::number(bytes.size()));
            responder.writeBody(bytes);
            return;
        }
        if (parts.size() != 2 || !parts.at(0).startsWith(QLatin1String("bot")))
            return answer(responder, 404, {{QStringLiteral("ok"), false}, {QStringLiteral("description"), QStringLiteral("Not Found")}});
        Call call{parts.at(0).mid(3), parts.at(1), QJsonDocument::fromJson(request.body()).object(), {}, {}, {}};
        if (request.value("Content-Type").startsWith("multipart/form-data"))
            parseMultipart(request.value("Content-Type"), request.body(), call);
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
        if (call.method == QLatin1String("sendPhoto") || call.method == QLatin1String("sendDocument"))
            return answer(responder, 200, ok(QJsonObject{{QStringLiteral("message_id"), ++m_nextMessageId}}));
        if (call.method == QLatin1String("getFile")) {
            const QString id = call.body.value(QStringLiteral("file_id")).toString();
            if (!m_files.contains(id))
                return answer(responder, 400, {{QStringLiteral("ok"), false}, {QStringLiteral("error_code"), 400},
                                               {QStringLiteral("description"), QStringLiteral("Bad Request: invalid file_id")}});
            return answer(responder, 200, ok(QJsonObject{{QStringLiteral("file_id"), id},
                                                         {QStringLiteral("file_size"), m_files.value(id).size()},
                                                         {QStringLiteral("file_path"), QStringLiteral("documents/") + id}}));
        }
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
