#pragma once

#include <QString>
#include <QStringList>

#include <optional>

namespace kinbot {

// How a webhook's payloads are screened (engine.md §8.3). None: all pass.
enum class WebhookFilterMode { None, Simple, Advanced };

QString filterModeName(WebhookFilterMode mode); // "" for None, "simple", "advanced"
std::optional<WebhookFilterMode> filterModeFromName(const QString &name); // "" → None; unknown → nullopt

// A webhook's filter settings (the saved ones, or the overrides of POST /:id/test-filter).
struct WebhookFilter
{
    WebhookFilterMode mode = WebhookFilterMode::None;
    QString field;             // simple: dot path into the JSON body
    QStringList allowedValues; // simple: compared case-insensitively
    QString expression;        // advanced: a regular expression tested on the raw body
};

// A row of webhooks (rest.md §3.14). Times in epoch ms; 0 = none. The token is not here: only its hash is stored.
struct WebhookRecord
{
    QString id;
    QString kinId;
    QString name;
    QString tokenHash; // SHA-256 hex of the token
    QString description;
    bool isActive = true;
    qint64 lastTriggeredAt = 0;
    int triggerCount = 0;
    WebhookFilter filter;
    QString dispatchMode = QStringLiteral("conversation"); // conversation | task
    QString taskTitleTemplate;
    QString taskPromptTemplate;
    int maxConcurrentTasks = 1; // 0 = unlimited
    QString createdBy = QStringLiteral("user"); // user | kin
    qint64 createdAt = 0;
    qint64 updatedAt = 0;

    bool taskMode() const { return dispatchMode == QLatin1String("task"); }
    // The concurrency group of its tasks: webhook:<id>.
    QString taskGroup() const { return QStringLiteral("webhook:") + id; }
};

// A row of webhook_logs: one received payload.
struct WebhookLog
{
    QString id;
    QString webhookId;
    QString payload; // at most kMaxLoggedPayloadBytes of UTF-8
    QString sourceIp;
    bool filtered = false;
    qint64 createdAt = 0;
};

} // namespace kinbot
