#pragma once

#include "tasks/Task.h"
#include "util/Result.h"

#include <QList>
#include <QString>

#include <optional>

namespace kinbot {

class Database;

// Filters of GET /api/tasks (all optional).
struct TaskFilter
{
    QString status;
    QString kinId;   // parent or source
    QString cronId;
    QString search;  // LIKE on title and description
    int limit = 20;
    int offset = 0;
};

// The rows of tasks; no policy here.
class TaskStore final
{
public:
    explicit TaskStore(const Database &db) : m_db(db) {}

    Status insert(const TaskRecord &t);
    // Writes the columns that change over a task's life: not id, parent_kin_id, source_kin_id, spawn_type, mode, depth,
    // parent_task_id, cron_id (those last three may be nulled by their foreign keys meanwhile) nor created_at.
    Status update(const TaskRecord &t);
    Result<std::optional<TaskRecord>> find(const QString &id) const;
    // Newest first, with the total before limit/offset.
    Result<QList<TaskRecord>> list(const TaskFilter &f, int *total) const;
    // Tasks spawned by a Kin or executed by it (list_tasks); newest first.
    Result<QList<TaskRecord>> ofKin(const QString &kinId, int limit) const;
    // pending + in_progress over every Kin (TASKS_MAX_CONCURRENT).
    Result<int> runningCount() const;
    // pending, in_progress and awaiting_* of a concurrency group.
    Result<int> activeInGroup(const QString &group) const;
    Result<int> queuedInGroup(const QString &group) const;
    // The oldest queued task of a group (queued_at, then creation).
    Result<std::optional<TaskRecord>> oldestQueued(const QString &group) const;
    // Queued tasks of a group, oldest first (queue positions).
    Result<QList<TaskRecord>> queuedOf(const QString &group) const;
    // Groups with at least one active or queued task.
    Result<QStringList> busyGroups() const;
    // The newest finished (completed/failed) runs of a cron.
    Result<QList<TaskRecord>> finishedRunsOfCron(const QString &cronId, int limit) const;
    // Tasks in these statuses (restart recovery, Kin deletion).
    Result<QList<TaskRecord>> inStatuses(const QStringList &statuses) const;
    Result<QList<TaskRecord>> ofParentKin(const QString &kinId) const;

private:
    const Database &m_db;
};

} // namespace kinbot
