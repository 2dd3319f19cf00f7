#pragma once

#include "auth/Principal.h"
#include "auth/PrincipalCache.h"
#include "util/Result.h"

#include <QJsonObject>
#include <QString>

namespace kinbot {

class Clock;
class Database;

struct SessionRecord
{
    QString id;
    QString token; // only known right after creation or from the cookie
    QString userId;
    qint64 expiresAt = 0;
    qint64 createdAt = 0;
    qint64 updatedAt = 0;
    QString ipAddress;
    QString userAgent;

    QJsonObject toJson() const; // Better Auth's session object
};

// Sessions (7 days, extended when used more than a day after the last extension) and their signed cookie,
// wire-compatible with Better Auth: better-auth.session_token=<token>.<base64 HMAC-SHA256(secret, token)>, URL-encoded.
class SessionStore final
{
public:
    static constexpr qint64 kLifetimeMs = 7LL * 24 * 3600 * 1000;
    static constexpr qint64 kUpdateAgeMs = 24LL * 3600 * 1000;
    static constexpr const char *kCookieName = "better-auth.session_token";

    SessionStore(const Database &db, const Clock &clock, QByteArray secret);

    Result<SessionRecord> create(const QString &userId, const QString &ip, const QString &userAgent);
    // Resolves a cookie value to a principal; unauthenticated when missing, badly signed, unknown or expired.
    // Sets refreshed when the expiry was pushed (the caller re-sends the cookie).
    Principal resolveCookie(const QByteArray &cookieValue, bool *refreshed) const;
    Result<SessionRecord> find(const QString &sessionId) const;
    Status remove(const QString &sessionId);
    Status removeAllForUser(const QString &userId, const QString &exceptSessionId = {});

    QByteArray cookieValue(const QString &token) const;
    QByteArray setCookieHeader(const QString &token, qint64 maxAgeSeconds) const;
    QByteArray clearCookieHeader() const;
    QString tokenFromCookie(const QByteArray &cookieValue) const; // empty when the signature is wrong

private:
    const Database &m_db;
    const Clock &m_clock;
    QByteArray m_secret;
    mutable PrincipalCache m_cache;
};

} // namespace kinbot
