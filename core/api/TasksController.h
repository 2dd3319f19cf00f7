#pragma once

#include "http/Route.h"

#include <QObject>

namespace kinbot {

class KinService;
class MessageStore;
class TaskService;

// /api/tasks (rest.md §3.8): the tasks of every Kin, one task with its transcript, cancel and force-promote.
class TasksController final : public QObject
{
    Q_OBJECT
public:
    TasksController(TaskService &tasks, KinService &kins, MessageStore &messages, QObject *parent = nullptr);

    // GET /api/tasks?status&kinId&cronId&search&limit(1–100, 20)&offset → {tasks, total, hasMore}
    void list(const ExchangePtr &ex);
    // GET /api/tasks/:id → {task, messages}
    void get(const ExchangePtr &ex);
    // POST /api/tasks/:id/cancel → {success:true} | 409 TASK_NOT_CANCELLABLE
    void cancel(const ExchangePtr &ex);
    // POST /api/tasks/:id/force-promote → {success:true} | 409 TASK_NOT_QUEUED
    void forcePromote(const ExchangePtr &ex);

private:
    TaskService &m_tasks;
    KinService &m_kins;
    MessageStore &m_messages;
};

} // namespace kinbot
