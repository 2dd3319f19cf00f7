#include "http/HttpPolicy.h"

#include "http/Exchange.h"

#include <QUrl>

namespace kinbot {

static QString normalizedOrigin(const QString &origin)
{
    const QUrl u(origin.trimmed());
    if (!u.isValid() || u.scheme().isEmpty() || u.host().isEmpty())
        return {};
    const int defPort = u.scheme() == QLatin1String("https") ? 443 : 80;
    const int port = u.port(defPort);
    QString host = u.host().toLower();
    if (host.contains(QLatin1Char(':')))
        host = QLatin1Char('[') + host + QLatin1Char(']');
    return u.scheme().toLower() + QStringLiteral("://") + host + (port == defPort ? QString() : QLatin1Char(':') + QString::number(port));
}

void HttpPolicy::configure(quint16 port, const QString &bindHost, const QString &publicUrl, const QStringList &extraOrigins,
                           const QStringList &extraHosts)
{
    m_hosts = {QStringLiteral("localhost"), QStringLiteral("127.0.0.1"), QStringLiteral("::1")};
    const QString bind = bindHost.toLower();
    if (!bind.isEmpty() && bind != QLatin1String("0.0.0.0") && bind != QLatin1String("::"))
        m_hosts.insert(bind);
    for (const QString &h : extraHosts)
        m_hosts.insert(h.toLower());

    m_origins.clear();
    for (const char *h : {"localhost", "127.0.0.1", "[::1]"})
        m_origins.insert(QStringLiteral("http://%1:%2").arg(QLatin1String(h)).arg(port));
    const QString pub = normalizedOrigin(publicUrl);
    if (!pub.isEmpty()) {
        m_origins.insert(pub);
        m_hosts.insert(QUrl(publicUrl).host().toLower());
    }
    for (const QString &o : extraOrigins) {
        const QString n = normalizedOrigin(o);
        if (!n.isEmpty())
            m_origins.insert(n);
    }
}

bool HttpPolicy::isAllowedHost(const QByteArray &hostHeader) const
{
    QString host = QString::fromLatin1(hostHeader).trimmed().toLower();
    if (host.isEmpty())
        return false;
    if (host.startsWith(QLatin1Char('['))) {
        const qsizetype end = host.indexOf(QLatin1Char(']'));
        if (end < 0)
            return false;
        host = host.mid(1, end - 1);
    } else {
        const qsizetype colon = host.lastIndexOf(QLatin1Char(':'));
        if (colon >= 0)
            host = host.left(colon);
    }
    if (host.endsWith(QLatin1Char('.')))
        host.chop(1);
    return m_hosts.contains(host) || host.endsWith(QLatin1String(".localhost"));
}

bool HttpPolicy::isTrustedOrigin(const QByteArray &origin) const
{
    const QString n = normalizedOrigin(QString::fromLatin1(origin));
    return !n.isEmpty() && m_origins.contains(n);
}

bool HttpPolicy::isStateChanging(const QByteArray &method)
{
    return method != "GET" && method != "HEAD" && method != "OPTIONS";
}

QByteArray HttpPolicy::originOf(const Exchange &ex)
{
    QByteArray origin = ex.header("origin");
    if (!origin.isEmpty() && origin != "null")
        return origin;
    const QByteArray referer = ex.header("referer");
    if (referer.isEmpty())
        return {};
    const QUrl u(QString::fromLatin1(referer));
    return u.adjusted(QUrl::RemovePath | QUrl::RemoveQuery | QUrl::RemoveFragment | QUrl::RemoveUserInfo).toString().toLatin1();
}

bool HttpPolicy::failsOriginCheck(const Exchange &ex) const
{
    if (!isStateChanging(ex.method()) || !ex.hasHeader("cookie"))
        return false;
    // An API key is not ambient authority: a foreign page cannot attach it without a CORS preflight we refuse.
    if (ex.hasHeader("x-api-key") || ex.header("authorization").startsWith("Bearer "))
        return false;
    return !isTrustedOrigin(originOf(ex));
}

void HttpPolicy::decorate(const Exchange &ex, Reply &reply) const
{
    auto has = [&](const char *name) {
        for (const auto &h : reply.headers)
            if (h.first.compare(name, Qt::CaseInsensitive) == 0)
                return true;
        return false;
    };
    const QByteArray origin = ex.header("origin");
    if (!origin.isEmpty() && isTrustedOrigin(origin)) {
        reply.headers.append({QByteArrayLiteral("Access-Control-Allow-Origin"), origin});
        reply.headers.append({QByteArrayLiteral("Access-Control-Allow-Credentials"), QByteArrayLiteral("true")});
    }
    reply.headers.append({QByteArrayLiteral("Vary"), QByteArrayLiteral("Origin")});
    reply.headers.append({QByteArrayLiteral("X-Content-Type-Options"), QByteArrayLiteral("nosniff")});
    reply.headers.append({QByteArrayLiteral("Referrer-Policy"), QByteArrayLiteral("strict-origin-when-cross-origin")});
    reply.headers.append({QByteArrayLiteral("Cross-Origin-Opener-Policy"), QByteArrayLiteral("same-origin")});
    if (!has("X-Frame-Options"))
        reply.headers.append({QByteArrayLiteral("X-Frame-Options"), QByteArrayLiteral("SAMEORIGIN")});
    if (!has("Content-Security-Policy") && !reply.contentType.startsWith("text/html"))
        reply.headers.append({QByteArrayLiteral("Content-Security-Policy"), QByteArrayLiteral("default-src 'none'; frame-ancestors 'none'")});
    if (!has("Cache-Control") && reply.contentType.startsWith("application/json"))
        reply.headers.append({QByteArrayLiteral("Cache-Control"), QByteArrayLiteral("no-store")});
}

} // namespace kinbot
