#include "auth/ApiKeyService.h"

#include "crypto/Crypto.h"
#include "storage/Database.h"
#include "util/Clock.h"
#include "util/Ids.h"
#include "util/Json.h"

#include <limits>

namespace kinbot {

ApiKeyService::ApiKeyService(const Database &db, const Clock &clock) : m_db(db), m_clock(clock), m_cache(db, clock) {}

static QJsonObject keyJson(const QString &id, const QString &name, const QString &prefix, qint64 createdAt,
                           const QVariant &lastUsedAt, const QVariant &expiresAt)
{
    return {{QStringLiteral("id"), id},
            {QStringLiteral("name"), name},
            {QStringLiteral("prefix"), prefix},
            {QStringLiteral("createdAt"), createdAt},
            {QStringLiteral("lastUsedAt"), json::msOrNull(lastUsedAt)},
            {QStringLiteral("expiresAt"), json::msOrNull(expiresAt)}};
}

Result<CreatedApiKey> ApiKeyService::create(const QString &userId, const QString &name, std::optional<int> expiresInDays)
{
    const QString trimmed = name.trimmed();
    if (trimmed.isEmpty() || trimmed.size() > 100)
        return ApiError::validation(QStringLiteral("name is required (1-100 characters)"));
    if (expiresInDays && (*expiresInDays < 1 || *expiresInDays > 3650))
        return ApiError::validation(QStringLiteral("expiresInDays must be between 1 and 3650"));
    auto count = m_db.exec(QStringLiteral("SELECT COUNT(*) FROM api_keys WHERE user_id = ?"), {userId});
    if (!count)
        return count.error();
    count.value().next();
    if (count.value().value(0).toInt() >= kMaxKeysPerUser)
        return ApiError::badRequest(QStringLiteral("API_KEY_LIMIT"), QStringLiteral("At most %1 API keys per user").arg(kMaxKeysPerUser));

    const QString secret = QStringLiteral("kb_") + ids::alphanumeric(40);
    const QString prefix = secret.left(11);
    const QString id = ids::uuid();
    const qint64 now = m_clock.nowMs();
    const QVariant expiresAt = expiresInDays ? QVariant(now + qint64(*expiresInDays) * 24 * 3600 * 1000) : QVariant();
    auto q = m_db.exec(QStringLiteral("INSERT INTO api_keys(id, user_id, name, prefix, key_hash, created_at, expires_at) VALUES(?,?,?,?,?,?,?)"),
                       {id, userId, trimmed, prefix, crypto::sha256Hex(secret.toLatin1()), now, expiresAt});
    if (!q)
        return q.error();
    return CreatedApiKey{keyJson(id, trimmed, prefix, now, QVariant(), expiresAt), secret};
}

Result<QJsonArray> ApiKeyService::list(const QString &userId) const
{
    auto q = m_db.exec(QStringLiteral("SELECT id, name, prefix, created_at, last_used_at, expires_at FROM api_keys "
                                      "WHERE user_id = ? ORDER BY created_at DESC"),
                       {userId});
    if (!q)
        return q.error();
    QJsonArray out;
    while (q.value().next()) {
        const QSqlQuery &r = q.value();
        out.append(keyJson(r.value(0).toString(), r.value(1).toString(), r.value(2).toString(), r.value(3).toLongLong(),
                           r.value(4), r.value(5)));
    }
    return out;
}

Status ApiKeyService::revoke(const QString &userId, const QString &keyId)
{
    auto q = m_db.exec(QStringLiteral("DELETE FROM api_keys WHERE id = ? AND user_id = ?"), {keyId, userId});
    if (!q)
        return q.error();
    if (q.value().numRowsAffected() == 0)
        return ApiError::notFound(QStringLiteral("API_KEY_NOT_FOUND"), QStringLiteral("API key not found"));
    m_lastUseWritten.remove(keyId);
    return {};
}

Principal ApiKeyService::resolve(const QByteArray &secret)
{
    Principal p;
    if (!secret.startsWith("kb_") || secret.size() > 200)
        return p;
    if (auto cached = m_cache.find(secret))
        return *cached;
    auto q = m_db.selectOne(QStringLiteral("SELECT k.id, k.user_id, k.expires_at, u.email, u.name, pr.role, pr.user_id "
                                           "FROM api_keys k JOIN user u ON u.id = k.user_id "
                                           "LEFT JOIN user_profiles pr ON pr.user_id = k.user_id WHERE k.key_hash = ?"),
                            {crypto::sha256Hex(secret)});
    if (!q || !q.value())
        return p;
    const Database::Row &r = *q.value();
    const qint64 now = m_clock.nowMs();
    if (!r.at(2).isNull() && r.at(2).toLongLong() <= now)
        return p;
    p.method = AuthMethod::ApiKey;
    p.apiKeyId = r.at(0).toString();
    p.userId = r.at(1).toString();
    p.email = r.at(3).toString();
    p.name = r.at(4).toString();
    p.role = r.at(5).toString();
    p.hasProfile = !r.at(6).isNull();
    auto it = m_lastUseWritten.find(p.apiKeyId);
    if (it == m_lastUseWritten.end() || now - it.value() >= kLastUseIntervalMs) {
        if (m_db.run(QStringLiteral("UPDATE api_keys SET last_used_at = ? WHERE id = ?"), {now, p.apiKeyId}))
            it = m_lastUseWritten.insert(p.apiKeyId, now);
    }
    // Cached until the key expires or its last-used time is due to be written again.
    qint64 validUntil = std::numeric_limits<qint64>::max();
    if (!r.at(2).isNull())
        validUntil = r.at(2).toLongLong();
    if (it != m_lastUseWritten.end())
        validUntil = std::min(validUntil, it.value() + kLastUseIntervalMs);
    else
        validUntil = now; // the write failed: do not cache, retry next time
    m_cache.insert(secret, p, validUntil);
    return p;
}

} // namespace kinbot
