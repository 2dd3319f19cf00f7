#include "webhooks/Webhook.h"

namespace kinbot {

QString filterModeName(WebhookFilterMode mode)
{
    switch (mode) {
    case WebhookFilterMode::Simple: return QStringLiteral("simple");
    case WebhookFilterMode::Advanced: return QStringLiteral("advanced");
    case WebhookFilterMode::None: break;
    }
    return {};
}

std::optional<WebhookFilterMode> filterModeFromName(const QString &name)
{
    if (name.isEmpty())
        return WebhookFilterMode::None;
    if (name == QLatin1String("simple"))
        return WebhookFilterMode::Simple;
    if (name == QLatin1String("advanced"))
        return WebhookFilterMode::Advanced;
    return std::nullopt;
}

} // namespace kinbot
