#pragma once

#include "http/Route.h"

namespace kinbot {

class ChannelService;
class KinService;

// /api/channels (rest.md §3.6) and the public platform webhooks. Wire shapes and codes follow the reference, except
// (docs/channels.md): every webhook is verified — Telegram's X-Telegram-Bot-Api-Secret-Token, Slack's signature,
// WhatsApp's X-Hub-Signature-256, Signal's secret in the registered URL (401 missing, 403 wrong; the reference checks
// none but Slack's, and keeps WhatsApp/Signal behind session auth) — and answers 400 INVALID_JSON to a body that is
// not a JSON object; WhatsApp's verification errors are JSON envelopes; platforms lists only the adapters this build has.
class ChannelsController final
{
public:
    ChannelsController(ChannelService &channels, KinService &kins);

    void list(const ExchangePtr &ex);
    void platforms(const ExchangePtr &ex);
    void pendingCount(const ExchangePtr &ex);
    void create(const ExchangePtr &ex);
    void get(const ExchangePtr &ex);
    void update(const ExchangePtr &ex);
    void remove(const ExchangePtr &ex);
    void activate(const ExchangePtr &ex);
    void deactivate(const ExchangePtr &ex);
    void test(const ExchangePtr &ex);
    void userMappings(const ExchangePtr &ex);
    void approve(const ExchangePtr &ex);
    // Public: the secret token Telegram presents is the credential.
    void telegramWebhook(const ExchangePtr &ex);
    // Public: Slack's signature (X-Slack-Signature over the raw body and X-Slack-Request-Timestamp) is the credential.
    void slackWebhook(const ExchangePtr &ex);
    // Public: Meta's webhook verification (hub.verify_token, the channel's verify token) → the plain-text challenge.
    void whatsappVerify(const ExchangePtr &ex);
    // Public: X-Hub-Signature-256 (HMAC-SHA256 of the raw body with the app secret) is the credential.
    void whatsappWebhook(const ExchangePtr &ex);
    // Public: the random secret in the webhook URL we registered on the bridge (?secret=, or X-Signal-Secret).
    void signalWebhook(const ExchangePtr &ex);

private:
    ChannelService &m_channels;
    KinService &m_kins;
};

} // namespace kinbot
