#pragma once

#include "auth/Principal.h"
#include "http/Reply.h"
#include "http/Responder.h"
#include "http/Route.h"
#include "util/Result.h"

#include <QHash>
#include <QHostAddress>
#include <QJsonObject>
#include <QUrlQuery>

#include <functional>
#include <memory>
#include <optional>

class QFile;
class QHttpServerRequest;

namespace kinbot {

// A request Qt did not parse (a spooled upload, see BodySpooler): its parts as read off the wire.
struct RawRequest
{
    QByteArray method;
    QByteArray target; // path and query, as sent
    HeaderPairs headers;
    QHostAddress remote;
};

// One request and its pending answer. Handlers get it as a shared_ptr and may answer now or later (after a worker
// thread or a network call); an exchange dropped without an answer replies 500, so a client never hangs.
class Exchange final
{
public:
    using Decorator = std::function<void(const Exchange &, Reply &)>;

    Exchange(const QHttpServerRequest &request, Responder &&responder, Decorator decorator);
    // A spooled request: the body comes later through setSpooledBody(); the connection closes after the answer.
    Exchange(const RawRequest &request, Responder &&responder, Decorator decorator);
    ~Exchange();
    Q_DISABLE_COPY_MOVE(Exchange)

    // --- request ---
    const QByteArray &method() const { return m_method; }
    const QByteArray &rawPath() const { return m_rawPath; }
    const QUrlQuery &query() const { return m_query; }
    QString queryValue(const QString &key) const { return m_query.queryItemValue(key, QUrl::FullyDecoded); }
    bool hasQuery(const QString &key) const { return m_query.hasQueryItem(key); }
    // Header lookup by lower-case name.
    QByteArray header(const QByteArray &lowerName) const { return m_headers.value(lowerName); }
    bool hasHeader(const QByteArray &lowerName) const { return m_headers.contains(lowerName); }
    // Every request header, lower-case names (the last value of a repeated header).
    const QHash<QByteArray, QByteArray> &headers() const { return m_headers; }
    const QByteArray &body() const { return m_body; }
    // A spooled body is a read-only view of a mapped temporary file that lives as long as this exchange: data taken
    // from it without a deep copy (MultipartForm views) must not outlive the exchange.
    void setSpooledBody(std::shared_ptr<QFile> file, QByteArray view);
    bool bodyIsSpooled() const { return bool(m_bodyFile); }
    const QHostAddress &remoteAddress() const { return m_remote; }
    QString param(const QString &name) const { return m_params.value(name); }

    // The body as a JSON object: 400 INVALID_JSON when it is not JSON or not an object. An empty body is {} when
    // allowEmpty, else also INVALID_JSON.
    Result<QJsonObject> jsonObject(bool allowEmpty = false) const;

    // Set by the server before the handler runs.
    Principal principal;
    const Route *route = nullptr;
    void setParams(QHash<QString, QString> params) { m_params = std::move(params); }

    // --- response ---
    void send(Reply reply);
    void fail(const ApiError &error);
    // Sends value (through toReply) or the error.
    template<typename T, typename F>
    void sendResult(const Result<T> &result, F &&toReply)
    {
        if (!result.ok())
            fail(result.error());
        else
            send(toReply(result.value()));
    }
    // {"success": true} when the step went through, else its error.
    void sendSuccess(const Status &status);
    // Extra headers for whatever reply is sent (e.g. a refreshed session cookie).
    void addResponseHeader(const QByteArray &name, const QByteArray &value) { m_extraHeaders.append({name, value}); }

    bool responded() const { return m_responded; }
    // Called once, when the exchange is answered, handed over or destroyed (the server's timeout timer goes then).
    void setOnFinished(std::function<void()> f) { m_onFinished = std::move(f); }
    bool alive() const { return m_responder && m_responder->alive(); }
    // Hands the connection over (SSE). The exchange counts as answered afterwards.
    Responder takeResponder();
    // Headers the server adds to every answer (security, CORS, extra); used by streams too.
    HeaderPairs commonHeaders() const;

private:
    void setHeaders(const HeaderPairs &headers);
    void finished();

    QByteArray m_method;
    QByteArray m_rawPath;
    QUrlQuery m_query;
    QHash<QByteArray, QByteArray> m_headers;
    QByteArray m_body;
    std::shared_ptr<QFile> m_bodyFile;
    QHostAddress m_remote;
    QHash<QString, QString> m_params;
    std::optional<Responder> m_responder;
    Decorator m_decorator;
    HeaderPairs m_extraHeaders;
    std::function<void()> m_onFinished;
    bool m_responded = false;
    bool m_closeAfter = false;
};

} // namespace kinbot
