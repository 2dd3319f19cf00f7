#include "http/HttpServer.h"

#include "auth/Principal.h"
#include "http/BodyLimitGuard.h"
#include "http/Exchange.h"
#include "log/Logger.h"

#include <QHostAddress>
#include <QHttpServerRequest>
#include <QTcpServer>
#include <QPointer>
#include <QTimer>

#include <exception>
#include <optional>

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
    SpoolHooks spool{m_options.spoolDir, m_options.spoolIdleMs,
                     [this](const RawRequest &request, QTcpSocket *socket) { return admitSpooled(request, socket); },
                     [this](const ExchangePtr &ex) { runSpooled(ex); }};
    auto *tcp = new GuardedTcpServer([this](const QByteArray &method, const QByteArray &path) { return bodyPolicyFor(method, path); },
                                     minLimit, std::move(spool), this);
    if (!tcp->listen(addr, port)) {
        const QString why = tcp->errorString();
        delete tcp;
        return ApiError::unavailable(QStringLiteral("LISTEN_FAILED"),
                                     QStringLiteral("Cannot listen on %1:%2: %3").arg(host).arg(port).arg(why));
    }
    bind(tcp);
    return tcp->serverPort();
}

BodyPolicy HttpServer::bodyPolicyFor(const QByteArray &method, const QByteArray &path) const
{
    const RouteMatch m = m_router.match(method, path);
    if (m.kind != RouteMatch::Kind::Found)
        return {m_options.maxBodyBytes, false};
    return {m.route->maxBodyBytes > 0 ? m.route->maxBodyBytes : m_options.maxBodyBytes, m.route->spoolBody};
}

void HttpServer::missingHandler(const QHttpServerRequest &, QTcpSocket *)
{
    // Never reached: handleRequest answers every request itself.
}

Exchange::Decorator HttpServer::decorator()
{
    return [this](const Exchange &e, Reply &reply) {
        m_policy.decorate(e, reply);
        if (reply.status >= 400)
            logOutcome(e, reply.status);
    };
}

template<typename F>
void HttpServer::guarded(const ExchangePtr &ex, F &&stage)
{
    try {
        stage();
    } catch (const std::exception &e) {
        m_logger.error(QStringLiteral("http"), QStringLiteral("Unhandled exception"),
                       {{QStringLiteral("path"), QString::fromUtf8(ex->rawPath())}, {QStringLiteral("what"), QString::fromUtf8(e.what())}});
        ex->fail(ApiError::internal());
    }
}

bool HttpServer::handleRequest(const QHttpServerRequest &request, QTcpSocket *socket)
{
    auto ex = std::make_shared<Exchange>(request, Responder(socket), decorator());
    guarded(ex, [&] {
        if (const Route *route = admit(ex))
            run(ex, *route);
    });
    return true;
}

ExchangePtr HttpServer::admitSpooled(const RawRequest &request, QTcpSocket *socket)
{
    auto ex = std::make_shared<Exchange>(request, Responder(socket), decorator());
    const Route *route = nullptr;
    guarded(ex, [&] { route = admit(ex); });
    return route && !ex->responded() ? ex : nullptr;
}

void HttpServer::runSpooled(const ExchangePtr &ex)
{
    guarded(ex, [&] { run(ex, *ex->route); });
}

// Why a caller may not use a route of that access level; nothing when it may.
static std::optional<ApiError> accessDenied(Access access, const Principal &p)
{
    if (access == Access::Public)
        return std::nullopt;
    if (!p.authenticated())
        return ApiError::unauthorized();
    if (access == Access::Authenticated)
        return std::nullopt;
    if (!p.hasProfile)
        return ApiError::forbidden(QStringLiteral("PROFILE_REQUIRED"), QStringLiteral("Account setup incomplete. Please complete onboarding."));
    if (access == Access::Admin && !p.isAdmin())
        return ApiError::forbidden(QStringLiteral("FORBIDDEN"), QStringLiteral("Admin access required"));
    return std::nullopt;
}

const Route *HttpServer::admit(const ExchangePtr &ex)
{
    if (!m_policy.isAllowedHost(ex->header("host"))) {
        ex->fail(ApiError::forbidden(QStringLiteral("INVALID_HOST"),
                                     QStringLiteral("Host header not allowed; set KINBOT_ALLOWED_HOSTS to serve other names")));
        return nullptr;
    }

    if (ex->method() == "OPTIONS") {
        if (!m_policy.isTrustedOrigin(ex->header("origin"))) {
            ex->fail(ApiError::forbidden(QStringLiteral("INVALID_ORIGIN"), QStringLiteral("Origin not allowed")));
            return nullptr;
        }
        Reply r = Reply::empty(204);
        r.header("Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, DELETE, OPTIONS")
            .header("Access-Control-Allow-Headers", "Content-Type, X-API-Key, Authorization")
            .header("Access-Control-Max-Age", "600");
        ex->send(r);
        return nullptr;
    }

    const RouteMatch m = m_router.match(ex->method(), ex->rawPath());
    switch (m.kind) {
    case RouteMatch::Kind::BadPath:
        ex->fail(ApiError::badRequest(QStringLiteral("INVALID_PATH"), QStringLiteral("Path segments may not be '.', '..' or hold '/', '\\' or NUL")));
        return nullptr;
    case RouteMatch::Kind::MethodNotAllowed: {
        ex->addResponseHeader("Allow", m.allowed.join(", "));
        ex->fail({ErrorKind::MethodNotAllowed, QStringLiteral("METHOD_NOT_ALLOWED"), QStringLiteral("Method not allowed")});
        return nullptr;
    }
    case RouteMatch::Kind::NotFound:
        if (m_fallback && (ex->method() == "GET" || ex->method() == "HEAD") && !ex->rawPath().startsWith("/api/")
            && ex->rawPath() != "/api") {
            m_fallback(ex);
            return nullptr;
        }
        ex->fail(ApiError::notFound(QStringLiteral("NOT_FOUND"), QStringLiteral("No such endpoint")));
        return nullptr;
    case RouteMatch::Kind::Found:
        break;
    }

    const Route &route = *m.route;
    ex->route = &route;
    ex->setParams(m.params);

    const qint64 limit = route.maxBodyBytes > 0 ? route.maxBodyBytes : m_options.maxBodyBytes;
    if (ex->body().size() > limit) {
        ex->fail(ApiError::tooLarge(QStringLiteral("Request body exceeds %1 bytes").arg(limit)));
        return nullptr;
    }

    if (m_authenticator) {
        Result<Principal> who = m_authenticator(*ex);
        if (!who.ok() && route.access != Access::Public) {
            ex->fail(who.error());
            return nullptr;
        }
        if (who.ok())
            ex->principal = who.value();
    }

    if (m_policy.failsOriginCheck(*ex)) {
        ex->fail(ApiError::forbidden(QStringLiteral("INVALID_ORIGIN"),
                                     QStringLiteral("Cross-origin request refused: missing or untrusted Origin")));
        return nullptr;
    }

    if (auto denied = accessDenied(route.access, ex->principal)) {
        ex->fail(*denied);
        return nullptr;
    }
    return &route;
}

void HttpServer::run(const ExchangePtr &ex, const Route &route)
{
    route.handler(ex);

    if (!ex->responded() && !route.streaming) {
        // One timer per pending request, gone as soon as the request is answered: a timer left to run out would keep
        // the exchange's memory (held by its weak_ptr) for the whole timeout — at thousands of requests a second,
        // tens of MB and a timer list that slows every event loop pass.
        auto *timer = new QTimer(this);
        timer->setSingleShot(true);
        std::weak_ptr<Exchange> weak = ex;
        connect(timer, &QTimer::timeout, this, [weak] {
            if (auto e = weak.lock(); e && !e->responded())
                e->fail({ErrorKind::GatewayTimeout, QStringLiteral("TIMEOUT"), QStringLiteral("The request timed out")});
        });
        // deleteLater, not stop(): the last reference to an exchange may go on a worker thread.
        ex->setOnFinished([guard = QPointer<QTimer>(timer)] {
            if (guard)
                guard->deleteLater();
        });
        timer->start(m_options.requestTimeoutMs);
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
