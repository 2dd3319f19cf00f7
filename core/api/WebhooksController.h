#pragma once

#include "http/Route.h"

namespace kinbot {

class KinService;
class WebhookService;

// /api/webhooks (rest.md §3.14) and the public POST /api/webhooks/incoming/:webhookId. Wire shapes and codes follow
// the reference, except (docs/webhooks.md):
// - an invalid advanced filter expression is refused with 400 VALIDATION_ERROR when saved (the reference saves it
//   and then lets every payload through);
// - an oversized incoming body is refused from its Content-Length before it is read, so 413 comes before the
//   other checks; a task-mode webhook answers 503 TASKS_UNAVAILABLE until tasks exist;
// - a malformed JSON body is 400 INVALID_JSON (the reference answers 500);
// - GET /:id/logs clamps limit into 1–200 and refuses one that is not a number (400 VALIDATION_ERROR).
class WebhooksController final
{
public:
    static constexpr int kDefaultLogLimit = 50;
    static constexpr int kMaxLogLimit = 200;

    WebhooksController(WebhookService &webhooks, KinService &kins);

    void list(const ExchangePtr &ex);
    void create(const ExchangePtr &ex);
    void update(const ExchangePtr &ex);
    void remove(const ExchangePtr &ex);
    void logs(const ExchangePtr &ex);
    void regenerateToken(const ExchangePtr &ex);
    void testFilter(const ExchangePtr &ex);
    void suggestFields(const ExchangePtr &ex);
    // Public: the token is the credential (Authorization: Bearer <token>, or ?token=).
    void incoming(const ExchangePtr &ex);

private:
    WebhookService &m_webhooks;
    KinService &m_kins;
};

} // namespace kinbot
