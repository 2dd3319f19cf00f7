#pragma once

namespace kinbot {

class CronService;
class KinService;
class MessageStore;
class TaskService;
class ToolRegistry;

// Tasks / sub-Kins (engine.md §7, §10.2): spawn_self, spawn_kin, respond_to_task, cancel_task, list_tasks,
// get_task_detail, list_active_queues, get_cron_journal, and inside a task report_to_parent, update_task_status,
// request_input.
void registerTaskTools(ToolRegistry &registry, TaskService &tasks, KinService &kins, MessageStore &messages, CronService &crons);

} // namespace kinbot
