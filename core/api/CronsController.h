#pragma once

#include "http/Route.h"

namespace kinbot {

class CronService;
class KinService;

// /api/crons (rest.md §3.13). Wire shapes and codes follow the reference, except:
// - an unknown kinId/targetKinId is 404 KIN_NOT_FOUND and an unknown cron 404 CRON_NOT_FOUND;
// - a cron object also carries nextRunAt (ms or null): when the scheduler will run it next;
// - POST /:id/trigger answers 503 TASKS_UNAVAILABLE until tasks exist (a run spawns a task; none is faked).
class CronsController final
{
public:
    CronsController(CronService &crons, KinService &kins);

    void list(const ExchangePtr &ex);
    void create(const ExchangePtr &ex);
    void update(const ExchangePtr &ex);
    void remove(const ExchangePtr &ex);
    void trigger(const ExchangePtr &ex);
    void approve(const ExchangePtr &ex);

private:
    CronService &m_crons;
    KinService &m_kins;
};

} // namespace kinbot
