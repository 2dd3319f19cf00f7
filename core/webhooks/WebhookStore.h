#pragma once

#include "util/Result.h"
#include "webhooks/Webhook.h"

#include <QHash>
#include <QList>
#include <QString>

#include <optional>

namespace kinbot {

class Database;

// The rows of webhooks and webhook_logs; no policy here.
class WebhookStore final
{
public:
    explicit WebhookStore(const Database &db) : m_db(db) {}

    Status insert(const WebhookRecord &w);
    // Writes every column but id, kin_id, token_hash, trigger counters, created_by and created_at.
    Status update(const WebhookRecord &w);
    Status setTokenHash(const QString &id, const QString &tokenHash, qint64 updatedAt);
    // trigger_count + 1, last_triggered_at = at.
    Status recordTrigger(const QString &id, qint64 at);
    Result<bool> remove(const QString &id);
    Result<std::optional<WebhookRecord>> find(const QString &id) const;
    // All, or those of one Kin; oldest first.
    Result<QList<WebhookRecord>> list(const QString &kinId = {}) const;
    Result<int> countForKin(const QString &kinId) const;

    // Adds the log, then drops the webhook's oldest beyond keepPerWebhook.
    Status addLog(const WebhookLog &log, int keepPerWebhook);
    // Newest first.
    Result<QList<WebhookLog>> logs(const QString &webhookId, int limit) const;
    Result<int> filteredCount(const QString &webhookId) const;
    // Filtered counts of every webhook that has some: webhook id → count.
    Result<QHash<QString, int>> filteredCounts() const;
    // Logs created before olderThanMs, and each webhook's logs beyond the newest keepPerWebhook → how many went.
    Result<int> pruneLogs(qint64 olderThanMs, int keepPerWebhook);

private:
    const Database &m_db;
};

} // namespace kinbot
