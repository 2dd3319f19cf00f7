#pragma once

namespace kinbot {

class ToolRegistry;
class WebhookService;

// create_webhook, update_webhook, delete_webhook, list_webhooks (engine.md §10.2), main conversations only. A Kin
// manages its own webhooks. create_webhook answers the URL and the token once — the Kin needs them to hand to the
// service that will call it (or to set that service up itself); list_webhooks never shows a token.
void registerWebhookTools(ToolRegistry &registry, WebhookService &webhooks);

} // namespace kinbot
