#pragma once

#include "auth/Principal.h"
#include "auth/PrincipalCache.h"
#include "util/Result.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonObject>

namespace kinbot {

class Clock;
class Database;

struct CreatedApiKey
{
    QJsonObject apiKey; // the public description
    QString secret;     // shown once
};

// API keys for scripts: "kb_" + 40 random alphanumerics, sent as X-API-Key (or Authorization: Bearer). Only the
// SHA-256 is stored. The reference documents X-API-Key but never implemented it.
class ApiKeyService final
{
public:
    static constexpr int kMaxKeysPerUser = 50;

    ApiKeyService(const Database &db, const Clock &clock);

    Result<CreatedApiKey> create(const QString &userId, const QString &name, std::optional<int> expiresInDays);
    Result<QJsonArray> list(const QString &userId) const;
    Status revoke(const QString &userId, const QString &keyId);
    // Unauthenticated principal when the key is unknown, revoked or expired.
    Principal resolve(const QByteArray &secret);

private:
    const Database &m_db;
    const Clock &m_clock;
    static constexpr qint64 kLastUseIntervalMs = 60000;
    PrincipalCache m_cache;
    QHash<QString, qint64> m_lastUseWritten; // key id → when last_used_at was last stored (written at most once a minute)
};

} // namespace kinbot
