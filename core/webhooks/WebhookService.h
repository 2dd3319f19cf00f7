#pragma once

#include "util/RateLimiter.h"
#include "util/Result.h"
#include "webhooks/PayloadFilter.h"
#include "webhooks/WebhookStore.h"

#include <QJsonObject>
#include <QObject>

#include <functional>
#include <optional>

namespace kinbot {

class Clock;
class Database;
class EventBus;
class KinService;
class Logger;
class Scheduler;
struct QueueItem;

// What a task-mode webhook's delivery spawned.
struct WebhookTaskSpawn
{
    QString taskId;
    bool queued = false; // waiting for a place in its concurrency group
};

// What a task-mode delivery does (engine.md §8.3): an async self task for webhook.kinId, with webhook_id =
// webhook.id, the given title and description (templates already rendered), in concurrency group webhook.taskGroup()
// ("webhook:<id>") limited to webhook.maxConcurrentTasks (0 = unlimited). Implemented by TaskService; with no
// spawner installed a task-mode webhook answers 503 TASKS_UNAVAILABLE — no task is ever faked.
class WebhookTaskSpawner
{
public:
    virtual ~WebhookTaskSpawner() = default;
    virtual Result<WebhookTaskSpawn> spawnWebhookTask(const WebhookRecord &webhook, const QString &title, const QString &description) = 0;
};

// Fields of POST /api/webhooks and PATCH /api/webhooks/:id; unset = not given.
struct WebhookDraft
{
    std::optional<QString> kinId; // create only
    std::optional<QString> name;
    std::optional<QString> description; // "" clears
    std::optional<bool> isActive;
    std::optional<QString> dispatchMode;
    std::optional<QString> taskTitleTemplate;  // "" clears
    std::optional<QString> taskPromptTemplate; // "" clears
    std::optional<int> maxConcurrentTasks;
    // Filter: filterMode given as None (null on the wire) clears the whole filter.
    std::optional<WebhookFilterMode> filterMode;
    std::optional<QString> filterField;
    std::optional<QStringList> filterAllowedValues;
    std::optional<QString> filterExpression;
};

// A payload arriving at POST /api/webhooks/incoming/:webhookId.
struct WebhookDelivery
{
    QString webhookId;
    std::optional<QString> token; // nullopt: none was given
    QByteArray body;
    QString sourceIp;
};

// What became of a delivery.
struct WebhookDeliveryOutcome
{
    bool filtered = false;
    QString queueItemId; // conversation mode
    std::optional<WebhookTaskSpawn> task; // task mode
};

// Webhooks (engine.md §8.3, rest.md §3.14): rows, tokens, filters, logs, deliveries, log retention.
//
// The token (32 random bytes, 64 hex) is returned once, at creation or regeneration. Only its SHA-256 is stored,
// and a presented token is hashed and compared in constant time (the reference stores it in clear).
class WebhookService final : public QObject
{
    Q_OBJECT
public:
    static constexpr int kMaxPerKin = 20;                     // WEBHOOKS_MAX_PER_KIN
    static constexpr qint64 kMaxPayloadBytes = 1024 * 1024;   // WEBHOOKS_MAX_PAYLOAD_BYTES
    static constexpr int kMaxLoggedPayloadBytes = 512 * 1024; // payload kept in a log
    static constexpr int kLogRetentionDays = 30;              // WEBHOOKS_LOG_RETENTION_DAYS
    static constexpr int kMaxLogsPerWebhook = 500;            // WEBHOOKS_MAX_LOGS_PER_WEBHOOK
    static constexpr int kRatePerMinute = 60;                 // WEBHOOKS_RATE_LIMIT_PER_MINUTE
    static constexpr qint64 kFirstPruneAfterMs = 60 * 1000;
    static constexpr qint64 kPruneEveryMs = 6 * 60 * 60 * 1000;
    static constexpr int kMaxName = 200;
    static constexpr int kMaxDescription = 1000;
    static constexpr int kMaxTemplate = 10000;
    static constexpr int kPriority = 50;

    using Enqueue = std::function<Result<QueueItem>(QueueItem)>;

    struct Deps
    {
        const Database &db;
        const Clock &clock;
        Scheduler &scheduler;
        KinService &kins;
        EventBus &bus;
        Logger &logger;
        Enqueue enqueue;
    };

    explicit WebhookService(Deps deps, QObject *parent = nullptr);
    ~WebhookService() override;

    void setSpawner(WebhookTaskSpawner *spawner) { m_spawner = spawner; }
    bool hasSpawner() const { return m_spawner != nullptr; }
    // The server's public URL (ServerConfig::effectivePublicUrl), for each webhook's url.
    void setPublicUrl(const QString &url) { m_publicUrl = url; }
    QString urlOf(const QString &webhookId) const;

    // Log retention: the first prune kFirstPruneAfterMs after start, then every kPruneEveryMs, on the Clock.
    void start();
    // Drops logs older than kLogRetentionDays and each webhook's beyond kMaxLogsPerWebhook → how many went.
    Result<int> pruneLogs();

    struct Created
    {
        WebhookRecord webhook;
        QString token;
    };
    // VALIDATION_ERROR, KIN_NOT_FOUND, WEBHOOK_CREATE_ERROR (the Kin has kMaxPerKin). createdBy: user | kin.
    Result<Created> create(const WebhookDraft &draft, const QString &createdBy);
    // WEBHOOK_NOT_FOUND, VALIDATION_ERROR (an invalid filter expression included). Switching to conversation mode
    // clears the task settings.
    Result<WebhookRecord> update(const QString &id, const WebhookDraft &patch);
    Status remove(const QString &id);
    Result<WebhookRecord> get(const QString &id) const;
    Result<QList<WebhookRecord>> list(const QString &kinId = {}) const;
    // A new token; the old one stops working at once.
    Result<QString> regenerateToken(const QString &id);
    Result<QList<WebhookLog>> logs(const QString &id, int limit) const;
    // The saved filter with the overrides applied, tried on payload.
    Result<payload::FilterOutcome> testFilter(const QString &id, const QByteArray &payload, const WebhookDraft &overrides) const;
    struct Suggestion
    {
        QStringList fields;
        std::optional<QString> lastPayload;
    };
    // The dot paths of the newest logged payload.
    Result<Suggestion> suggestFields(const QString &id) const;

    // The public endpoint, its checks in the reference's order: RATE_LIMITED (429, kRatePerMinute per webhook, sliding
    // window on the Clock) → WEBHOOK_NOT_FOUND (404) → UNAUTHORIZED (401, no token) / FORBIDDEN (403, wrong token) →
    // WEBHOOK_INACTIVE (409) → PAYLOAD_TOO_LARGE (413) → TASKS_UNAVAILABLE (503, task mode without a spawner; nothing
    // is counted or logged) → counted and logged, filtered or delivered.
    Result<WebhookDeliveryOutcome> receive(const WebhookDelivery &delivery);
    // Milliseconds until the webhook's rate window lets one more through (Retry-After).
    qint64 retryAfterMs(const QString &webhookId) const { return m_rate.retryAfterMs(webhookId); }

    // The Kin is about to be deleted (its webhooks cascade): announces webhook:deleted for each.
    void forgetKin(const QString &kinId);

    // The WebhookSummary of rest.md §3.14 (no token). filteredCount: pass it when known (lists), else it is counted.
    QJsonObject toJson(const WebhookRecord &w, std::optional<int> filteredCount = std::nullopt) const;
    QJsonObject logToJson(const WebhookLog &log) const;
    Result<QHash<QString, int>> filteredCounts() const { return m_store.filteredCounts(); }

Q_SIGNALS:
    // After a delivery was dealt with (tests).
    void delivered(const QString &webhookId, bool filtered);

private:
    Status checkDraft(const WebhookDraft &d, bool creating) const;
    static WebhookFilter applyFilter(WebhookFilter f, const WebhookDraft &d);
    void announce(const QString &type, const WebhookRecord &w);
    void pruneAndReschedule();

    Deps m_d;
    WebhookStore m_store;
    RateLimiter m_rate;
    WebhookTaskSpawner *m_spawner = nullptr;
    QString m_publicUrl;
};

} // namespace kinbot
