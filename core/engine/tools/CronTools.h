#pragma once

namespace kinbot {

class CronService;
class KinService;
class ToolRegistry;

// create_cron, update_cron, delete_cron, list_crons, trigger_cron (engine.md §8.1), main conversations only. A Kin
// manages its own crons; the ones it creates wait for a user's approval. get_cron_journal comes with tasks (a cron's
// runs are tasks).
void registerCronTools(ToolRegistry &registry, CronService &crons, KinService &kins);

} // namespace kinbot
