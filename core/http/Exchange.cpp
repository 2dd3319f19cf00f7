#include "http/Exchange.h"

#include "http/ErrorMapping.h"

#include <QFile>
#include <QHttpServerRequest>
#include <QJsonDocument>
#include <QJsonParseError>

namespace kinbot {

static QByteArray methodName(QHttpServerRequest::Method m)
{
    switch (m) {
    case QHttpServerRequest::Method::Get: return QByteArrayLiteral("GET");
    case QHttpServerRequest::Method::Put: return QByteArrayLiteral("PUT");
    case QHttpServerRequest::Method::Delete: return QByteArrayLiteral("DELETE");
    case QHttpServerRequest::Method::Post: return QByteArrayLiteral("POST");
    case QHttpServerRequest::Method::Head: return QByteArrayLiteral("HEAD");
    case QHttpServerRequest::Method::Options: return QByteArrayLiteral("OPTIONS");
    case QHttpServerRequest::Method::Patch: return QByteArrayLiteral("PATCH");
    case QHttpServerRequest::Method::Connect: return QByteArrayLiteral("CONNECT");
    case QHttpServerRequest::Method::Trace: return QByteArrayLiteral("TRACE");
    default: return QByteArrayLiteral("UNKNOWN");
    }
}

Exchange::Exchange(const QHttpServerRequest &request, Responder &&responder, Decorator decorator)
    : m_method(methodName(request.method()))
    , m_rawPath(request.url().path(QUrl::FullyEncoded).toUtf8())
    , m_query(request.query())
    , m_body(request.body())
    , m_remote(request.remoteAddress())
    , m_responder(std::move(responder))
    , m_decorator(std::move(decorator))
{
    setHeaders(request.headers());
}

Exchange::Exchange(const RawRequest &request, Responder &&responder, Decorator decorator)
    : m_method(request.method)
    , m_remote(request.remote)
    , m_responder(std::move(responder))
    , m_decorator(std::move(decorator))
{
    const QUrl url = QUrl::fromEncoded(request.target);
    m_rawPath = url.path(QUrl::FullyEncoded).toUtf8();
    m_query = QUrlQuery(url);
    setHeaders(request.headers);
    m_closeAfter = true;
}

void Exchange::setSpooledBody(std::shared_ptr<QFile> file, QByteArray view)
{
    m_bodyFile = std::move(file);
    m_body = std::move(view);
}

void Exchange::setHeaders(const HeaderPairs &headers)
{
    m_headers.reserve(headers.size());
    for (const auto &h : headers) {
        const QByteArray name = h.first.toLower();
        auto it = m_headers.find(name);
        if (it == m_headers.end())
            m_headers.insert(name, h.second);
        else
            it.value() += (name == "cookie" ? QByteArrayLiteral("; ") : QByteArrayLiteral(", ")) + h.second;
    }
    m_closeAfter = m_closeAfter || m_headers.value("connection").toLower().contains("close");
}

Exchange::~Exchange()
{
    if (!m_responded && alive())
        send(errorReply(ApiError::internal(QStringLiteral("The request was dropped without an answer"))));
    finished();
}

void Exchange::finished()
{
    if (auto f = std::exchange(m_onFinished, nullptr))
        f();
}

Result<QJsonObject> Exchange::jsonObject(bool allowEmpty) const
{
    if (m_body.trimmed().isEmpty()) {
        if (allowEmpty)
            return QJsonObject();
        return ApiError::badRequest(QStringLiteral("INVALID_JSON"), QStringLiteral("A JSON object body is required"));
    }
    QJsonParseError err{};
    const QJsonDocument doc = QJsonDocument::fromJson(m_body, &err);
    if (err.error != QJsonParseError::NoError)
        return ApiError::badRequest(QStringLiteral("INVALID_JSON"),
                                    QStringLiteral("Malformed JSON body: %1 at offset %2").arg(err.errorString()).arg(err.offset));
    if (!doc.isObject())
        return ApiError::badRequest(QStringLiteral("INVALID_JSON"), QStringLiteral("The JSON body must be an object"));
    return doc.object();
}

HeaderPairs Exchange::commonHeaders() const
{
    Reply probe;
    if (m_decorator)
        m_decorator(*this, probe);
    HeaderPairs out = probe.headers;
    out.append(m_extraHeaders);
    return out;
}

void Exchange::send(Reply reply)
{
    if (m_responded || !m_responder)
        return;
    m_responded = true;
    if (m_decorator)
        m_decorator(*this, reply);
    if (!reply.contentType.isEmpty())
        reply.headers.prepend({QByteArrayLiteral("Content-Type"), reply.contentType});
    reply.headers.append(m_extraHeaders);
    m_responder->write(reply.status, reply.headers, reply.body, m_method == "HEAD");
    if (m_closeAfter)
        m_responder->closeAfterWrite();
    finished();
}

void Exchange::sendSuccess(const Status &status)
{
    if (!status)
        return fail(status.error());
    send(Reply::json(QJsonObject{{QStringLiteral("success"), true}}));
}

void Exchange::fail(const ApiError &error)
{
    send(errorReply(error, route ? route->errorStyle : ErrorStyle::Envelope));
}

Responder Exchange::takeResponder()
{
    m_responded = true;
    Responder r = std::move(*m_responder);
    m_responder.reset();
    finished();
    return r;
}

} // namespace kinbot
