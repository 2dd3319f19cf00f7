#include "http/HttpServer.h"

#include "auth/Principal.h"
#include "http/BodyLimitGuard.h"
#include "http/Exchange.h"
#include "log/Logger.h"

#include <QHostAddress>
#include <QHttpServerRequest>
#include <QTcpServer>
#include <QTimer>

#include <exception>

namespace kinbot {

HttpServer::HttpServer(HttpServerOptions options, Logger &logger, QObject *parent)
    : QAbstractHttpServer(parent), m_options(options), m_logger(logger)
{
}

Result<quint16> HttpServer::start(const QString &host, quint16 port)
{
    QHostAddress addr;
    if (host == QLatin1String("localhost"))
        addr = QHostAddress(QHostAddress::LocalHost);
    else if (!addr.setAddress(host))
        return ApiError::badRequest(QStringLiteral("INVALID_HOST"), QStringLiteral("Cannot bind to '%1': not an IP address").arg(host));
    // Every route limit is at least the default (uploads raise theirs), so bodies up to it never need a route lookup.
    qint64 minLimit = m_options.maxBodyBytes;
    for (const Route &r : m_router.routes())
        if (r.maxBodyBytes > 0)
            minLimit = qMin(minLimit, r.maxBodyBytes);
    auto *tcp = new GuardedTcpServer([this](const QByteArray &method, const QByteArray &path) { return bodyLimitFor(method, path); },
                                     minLimit, this);
    if (!tcp->listen(addr, port)) {
        const QString why = tcp->errorString();
        delete tcp;
        return ApiError::unavailable(QStringLiteral("LISTEN_FAILED"),
                                     QStringLiteral("Cannot listen on %1:%2: %3").arg(host).arg(port).arg(why));
    }
    bind(tcp);
    return tcp->serverPort();
}

qint64 HttpServer::bodyLimitFor(const QByteArray &method, const QByteArray &path) const
{
    const RouteMatch m = m_router.match(method, path);
    if (m.kind == RouteMatch::Kind::Found && m.route->maxBodyBytes > 0)
        return m.route->maxBodyBytes;
    return m_options.maxBodyBytes;
}

void HttpServer::missingHandler(const QHttpServerRequest &, QTcpSocket *)
{
    // Never reached: handleRequest answers every request itself.
}

bool HttpServer::handleRequest(const QHttpServerRequest &request, QTcpSocket *socket)
{
    auto ex = std::make_shared<Exchange>(request, Responder(makeResponder(request, socket)),
                                         [this](const Exchange &e, Reply &reply) {
                                             m_policy.decorate(e, reply);
                                             if (reply.status >= 400)
                                                 logOutcome(e, reply.status);
                                         });
    try {
        dispatch(ex);
    } catch (const std::exception &e) {
        m_logger.error(QStringLiteral("http"), QStringLiteral("Unhandled exception"),
                       {{QStringLiteral("path"), QString::fromUtf8(ex->rawPath())}, {QStringLiteral("what"), QString::fromUtf8(e.what())}});
        ex->fail(ApiError::internal());
    }
    return true;
}

void HttpServer::dispatch(const ExchangePtr &ex)
{
    if (!m_policy.isAllowedHost(ex->header("host"))) {
        ex->fail(ApiError::forbidden(QStringLiteral("INVALID_HOST"),
                                     QStringLiteral("Host header not allowed; set KINBOT_ALLOWED_HOSTS to serve other names")));
        return;
    }

    if (ex->method() == "OPTIONS") {
        if (!m_policy.isTrustedOrigin(ex->header("origin"))) {
            ex->fail(ApiError::forbidden(QStringLiteral("INVALID_ORIGIN"), QStringLiteral("Origin not allowed")));
            return;
        }
        Reply r = Reply::empty(204);
        r.header("Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, DELETE, OPTIONS")
            .header("Access-Control-Allow-Headers", "Content-Type, X-API-Key, Authorization")
            .header("Access-Control-Max-Age", "600");
        ex->send(r);
        return;
    }

    const RouteMatch m = m_router.match(ex->method(), ex->rawPath());
    switch (m.kind) {
    case RouteMatch::Kind::BadPath:
        ex->fail(ApiError::badRequest(QStringLiteral("INVALID_PATH"), QStringLiteral("Path segments may not be '.', '..' or hold '/', '\\' or NUL")));
        return;
    case RouteMatch::Kind::MethodNotAllowed: {
        ex->addResponseHeader("Allow", m.allowed.join(", "));
        ex->fail({ErrorKind::MethodNotAllowed, QStringLiteral("METHOD_NOT_ALLOWED"), QStringLiteral("Method not allowed")});
        return;
    }
    case RouteMatch::Kind::NotFound:
        if (m_fallback && (ex->method() == "GET" || ex->method() == "HEAD") && !ex->rawPath().startsWith("/api/")
            && ex->rawPath() != "/api") {
            m_fallback(ex);
            return;
        }
        ex->fail(ApiError::notFound(QStringLiteral("NOT_FOUND"), QStringLiteral("No such endpoint")));
        return;
    case RouteMatch::Kind::Found:
        break;
    }

    const Route &route = *m.route;
    ex->route = &route;
    ex->setParams(m.params);

    const qint64 limit = route.maxBodyBytes > 0 ? route.maxBodyBytes : m_options.maxBodyBytes;
    if (ex->body().size() > limit) {
        ex->fail(ApiError::tooLarge(QStringLiteral("Request body exceeds %1 bytes").arg(limit)));
        return;
    }

    if (m_authenticator) {
        Result<Principal> who = m_authenticator(*ex);
        if (!who.ok() && route.access != Access::Public) {
            ex->fail(who.error());
            return;
        }
        if (who.ok())
            ex->principal = who.value();
    }

    if (m_policy.failsOriginCheck(*ex)) {
        ex->fail(ApiError::forbidden(QStringLiteral("INVALID_ORIGIN"),
                                     QStringLiteral("Cross-origin request refused: missing or untrusted Origin")));
        return;
    }

    const Principal &p = ex->principal;
    switch (route.access) {
    case Access::Public:
        break;
    case Access::Authenticated:
        if (!p.authenticated())
            return ex->fail(ApiError::unauthorized());
        break;
    case Access::Member:
    case Access::Admin:
        if (!p.authenticated())
            return ex->fail(ApiError::unauthorized());
        if (!p.hasProfile)
            return ex->fail(ApiError::forbidden(QStringLiteral("PROFILE_REQUIRED"),
                                                QStringLiteral("Account setup incomplete. Please complete onboarding.")));
        if (route.access == Access::Admin && !p.isAdmin())
            return ex->fail(ApiError::forbidden(QStringLiteral("FORBIDDEN"), QStringLiteral("Admin access required")));
        break;
    }

    route.handler(ex);

    if (!ex->responded() && !route.streaming) {
        std::weak_ptr<Exchange> weak = ex;
        QTimer::singleShot(m_options.requestTimeoutMs, this, [weak] {
            if (auto e = weak.lock(); e && !e->responded())
                e->fail({ErrorKind::GatewayTimeout, QStringLiteral("TIMEOUT"), QStringLiteral("The request timed out")});
        });
    }
}

void HttpServer::logOutcome(const Exchange &ex, int status) const
{
    const QJsonObject data{{QStringLiteral("method"), QString::fromLatin1(ex.method())},
                           {QStringLiteral("path"), QString::fromUtf8(ex.rawPath())},
                           {QStringLiteral("status"), status}};
    if (status >= 500)
        m_logger.error(QStringLiteral("http"), QStringLiteral("Server error"), data);
    else
        m_logger.warn(QStringLiteral("http"), QStringLiteral("Client error"), data);
}

} // namespace kinbot
