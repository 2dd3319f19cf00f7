#include "auth/SessionStore.h"

#include "crypto/Crypto.h"
#include "http/Cookies.h"
#include "storage/Database.h"
#include "util/Clock.h"
#include "util/Ids.h"
#include "util/Json.h"

#include <QUrl>

namespace kinbot {

QJsonObject SessionRecord::toJson() const
{
    return {{QStringLiteral("id"), id},
            {QStringLiteral("token"), token},
            {QStringLiteral("userId"), userId},
            {QStringLiteral("expiresAt"), json::isoMs(expiresAt)},
            {QStringLiteral("createdAt"), json::isoMs(createdAt)},
            {QStringLiteral("updatedAt"), json::isoMs(updatedAt)},
            {QStringLiteral("ipAddress"), ipAddress},
            {QStringLiteral("userAgent"), userAgent}};
}

SessionStore::SessionStore(const Database &db, const Clock &clock, QByteArray secret)
    : m_db(db), m_clock(clock), m_secret(std::move(secret)), m_cache(db, clock)
{
}

Result<SessionRecord> SessionStore::create(const QString &userId, const QString &ip, const QString &userAgent)
{
    SessionRecord s;
    s.id = ids::alphanumeric(32);
    s.token = ids::alphanumeric(32);
    s.userId = userId;
    s.createdAt = s.updatedAt = m_clock.nowMs();
    s.expiresAt = s.createdAt + kLifetimeMs;
    s.ipAddress = ip;
    s.userAgent = userAgent;
    auto q = m_db.exec(QStringLiteral("INSERT INTO session(id, user_id, token_hash, expires_at, ip_address, user_agent, created_at, updated_at) "
                                      "VALUES(?,?,?,?,?,?,?,?)"),
                       {s.id, userId, crypto::sha256Hex(s.token.toLatin1()), s.expiresAt, ip, userAgent, s.createdAt, s.updatedAt});
    if (!q)
        return q.error();
    return s;
}

QString SessionStore::tokenFromCookie(const QByteArray &cookieValue) const
{
    const QByteArray decoded = QByteArray::fromPercentEncoding(cookieValue);
    const qsizetype dot = decoded.indexOf('.');
    if (dot <= 0)
        return {};
    const QByteArray token = decoded.left(dot);
    const QByteArray sig = QByteArray::fromBase64(decoded.mid(dot + 1));
    if (!crypto::constantTimeEquals(sig, crypto::hmacSha256(m_secret, token)))
        return {};
    return QString::fromLatin1(token);
}

Principal SessionStore::resolveCookie(const QByteArray &cookieValue, bool *refreshed) const
{
    if (refreshed)
        *refreshed = false;
    if (auto cached = m_cache.find(cookieValue))
        return *cached;
    Principal p;
    const QString token = tokenFromCookie(cookieValue);
    if (token.isEmpty())
        return p;
    auto q = m_db.selectOne(QStringLiteral("SELECT s.id, s.user_id, s.expires_at, s.updated_at, u.email, u.name, pr.role, pr.user_id "
                                           "FROM session s JOIN user u ON u.id = s.user_id "
                                           "LEFT JOIN user_profiles pr ON pr.user_id = s.user_id WHERE s.token_hash = ?"),
                            {crypto::sha256Hex(token.toLatin1())});
    if (!q || !q.value())
        return p;
    const Database::Row &r = *q.value();
    const qint64 now = m_clock.nowMs();
    qint64 expiresAt = r.at(2).toLongLong();
    if (expiresAt <= now)
        return p;
    p.method = AuthMethod::Cookie;
    p.sessionId = r.at(0).toString();
    p.userId = r.at(1).toString();
    p.email = r.at(4).toString();
    p.name = r.at(5).toString();
    p.role = r.at(6).toString();
    p.hasProfile = !r.at(7).isNull();
    p.sessionToken = token;
    qint64 updatedAt = r.at(3).toLongLong();
    if (now - updatedAt > kUpdateAgeMs) {
        expiresAt = now + kLifetimeMs;
        if (m_db.run(QStringLiteral("UPDATE session SET expires_at = ?, updated_at = ? WHERE id = ?"), {expiresAt, now, p.sessionId})) {
            updatedAt = now;
            if (refreshed)
                *refreshed = true;
        }
    }
    // Cached until it expires or is due for its next extension (then the slow path runs and extends it).
    m_cache.insert(cookieValue, p, std::min(expiresAt, updatedAt + kUpdateAgeMs + 1));
    p.sessionExpiresAt = expiresAt;
    return p;
}

Result<SessionRecord> SessionStore::find(const QString &sessionId) const
{
    auto q = m_db.exec(QStringLiteral("SELECT id, user_id, expires_at, created_at, updated_at, ip_address, user_agent FROM session WHERE id = ?"),
                       {sessionId});
    if (!q)
        return q.error();
    if (!q.value().next())
        return ApiError::notFound(QStringLiteral("SESSION_NOT_FOUND"), QStringLiteral("Session not found"));
    const QSqlQuery &r = q.value();
    SessionRecord s;
    s.id = r.value(0).toString();
    s.userId = r.value(1).toString();
    s.expiresAt = r.value(2).toLongLong();
    s.createdAt = r.value(3).toLongLong();
    s.updatedAt = r.value(4).toLongLong();
    s.ipAddress = r.value(5).toString();
    s.userAgent = r.value(6).toString();
    return s;
}

Status SessionStore::remove(const QString &sessionId)
{
    auto q = m_db.exec(QStringLiteral("DELETE FROM session WHERE id = ?"), {sessionId});
    return q ? Status() : Status(q.error());
}

Status SessionStore::removeAllForUser(const QString &userId, const QString &exceptSessionId)
{
    auto q = m_db.exec(QStringLiteral("DELETE FROM session WHERE user_id = ? AND id != ?"), {userId, exceptSessionId});
    return q ? Status() : Status(q.error());
}

QByteArray SessionStore::cookieValue(const QString &token) const
{
    const QByteArray t = token.toLatin1();
    return (t + '.' + crypto::hmacSha256(m_secret, t).toBase64()).toPercentEncoding();
}

QByteArray SessionStore::setCookieHeader(const QString &token, qint64 maxAgeSeconds) const
{
    return cookies::build({kCookieName, cookieValue(token), maxAgeSeconds});
}

QByteArray SessionStore::clearCookieHeader() const
{
    return cookies::build({kCookieName, QByteArray(), 0});
}

} // namespace kinbot
