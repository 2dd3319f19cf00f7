#pragma once

#include "http/Route.h"

#include <QObject>

namespace kinbot {

class KinService;
class PromptService;

// /api/prompts (rest.md §3.19): the pending human prompts of a Kin and the users' answers.
class PromptsController final : public QObject
{
    Q_OBJECT
public:
    PromptsController(PromptService &prompts, KinService &kins, QObject *parent = nullptr);

    // GET /api/prompts/pending?kinId=(required, id or slug)&taskId= → {prompts}
    void pending(const ExchangePtr &ex);
    // POST /api/prompts/:id/respond {response} → {success:true}
    void respond(const ExchangePtr &ex);

private:
    PromptService &m_prompts;
    KinService &m_kins;
};

} // namespace kinbot
