#include "http/AuthGuard.h"

#include "auth/ApiKeyService.h"
#include "auth/SessionStore.h"
#include "http/Cookies.h"
#include "http/Exchange.h"

namespace kinbot {

Result<Principal> AuthGuard::authenticate(Exchange &ex) const
{
    QByteArray key = ex.header("x-api-key");
    if (key.isEmpty()) {
        const QByteArray authz = ex.header("authorization");
        if (authz.startsWith("Bearer kb_"))
            key = authz.mid(7).trimmed();
    }
    if (!key.isEmpty()) {
        Principal p = m_apiKeys.resolve(key.trimmed());
        if (!p.authenticated())
            return ApiError{ErrorKind::Unauthorized, QStringLiteral("INVALID_API_KEY"), QStringLiteral("Invalid, revoked or expired API key")};
        return p;
    }
    const QByteArray cookieHeader = ex.header("cookie");
    if (cookieHeader.isEmpty())
        return Principal{};
    const auto jar = cookies::parse(cookieHeader);
    const QByteArray value = jar.value(SessionStore::kCookieName);
    if (value.isEmpty())
        return Principal{};
    bool refreshed = false;
    Principal p = m_sessions.resolveCookie(value, &refreshed);
    if (refreshed)
        ex.addResponseHeader("Set-Cookie", m_sessions.setCookieHeader(p.sessionToken, SessionStore::kLifetimeMs / 1000));
    return p;
}

} // namespace kinbot
