#pragma once

#include "http/BodyLimitGuard.h"
#include "http/Exchange.h"
#include "http/HttpPolicy.h"
#include "http/Router.h"
#include "util/Result.h"

#include <QAbstractHttpServer>
#include <QElapsedTimer>

#include <functional>

namespace kinbot {

class Logger;
struct Principal;

struct HttpServerOptions
{
    qint64 maxBodyBytes = 8 * 1024 * 1024;
    // Where big bodies of spooling routes (uploads) are written while they arrive; empty = the system temp dir.
    QString spoolDir;
    int spoolIdleMs = 30000; // a spooled upload silent this long mid-body gets 408
    int requestTimeoutMs = 60000; // an async handler that never answers gets 504 after this
};

// The embedded HTTP server: QAbstractHttpServer driven by our own route table. Every request goes through the same
// stages: Host check → route match (404/405/400 bad path) → CORS preflight → body limit (413) → authentication →
// Origin check (cookie-authenticated state changes) → access rule (401/403) → handler.
class HttpServer final : public QAbstractHttpServer
{
    Q_OBJECT
public:
    // Resolves the caller from the request's credentials. An unauthenticated Principal when none are present; an error
    // when credentials are present but wrong in a way worth reporting (e.g. an unknown API key).
    using Authenticator = std::function<Result<Principal>(Exchange &)>;

    HttpServer(HttpServerOptions options, Logger &logger, QObject *parent = nullptr);

    void setAuthenticator(Authenticator authenticator) { m_authenticator = std::move(authenticator); }
    void addRoutes(const QList<Route> &routes) { m_router.addAll(routes); }
    // Serves GET requests outside /api/ that no route matched (the web UI).
    void setFallback(Handler fallback) { m_fallback = std::move(fallback); }
    HttpPolicy &policy() { return m_policy; }
    const Router &router() const { return m_router; }
    // How the body of a request will be taken in: the limit of the route it will reach (the default for unknown paths)
    // and whether that route spools big bodies to disk.
    BodyPolicy bodyPolicyFor(const QByteArray &method, const QByteArray &path) const;

    // Binds address:port (0 = ephemeral) and returns the port.
    Result<quint16> start(const QString &host, quint16 port);

protected:
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override;
    void missingHandler(const QHttpServerRequest &request, QTcpSocket *socket) override;

private:
    Exchange::Decorator decorator();
    template<typename F>
    void guarded(const ExchangePtr &ex, F &&stage);
    // Every check before the handler (host, route, CORS preflight, size, credentials, origin, access): the route to run,
    // or nullptr when the exchange was answered already.
    const Route *admit(const ExchangePtr &ex);
    void run(const ExchangePtr &ex, const Route &route);
    // A spooled upload: admitted from its head alone (so a refused caller never gets to fill the disk), run once its
    // body is on disk.
    ExchangePtr admitSpooled(const RawRequest &request, QTcpSocket *socket);
    void runSpooled(const ExchangePtr &ex);
    void logOutcome(const Exchange &ex, int status) const;

    HttpServerOptions m_options;
    Logger &m_logger;
    HttpPolicy m_policy;
    Router m_router;
    Authenticator m_authenticator;
    Handler m_fallback;
};

} // namespace kinbot
