#pragma once

#include "util/Result.h"

#include <QString>

#include <functional>
#include <memory>

namespace kinbot {

class Clock;
class ConversationEngine;
class Database;
class EventBus;
class KinService;
class MessageStore;
class ToolRegistry;

// What a task's sub-Kin needs from the tasks domain when it talks to other Kins (engine.md §7): a request suspends
// the task until the reply. Filled once the tasks service exists; unset members = no task handling.
struct InterKinTaskHooks
{
    // May this task send one more request? (3 per task)
    std::function<Status(const QString &taskId)> admit;
    // The request left: the task waits for it.
    std::function<void(const QString &taskId, const QString &requestId, const QString &targetName)> sent;
    // A reply: delivered to the task waiting for that request → true (no kin_reply turn then).
    std::function<bool(const QString &requestId, const QString &fromKinId, const QString &message)> replied;
};

struct InterKinToolDeps
{
    KinService &kins;
    ConversationEngine &engine;
    MessageStore &messages;
    const Database &db;
    EventBus &bus;
    const Clock &clock;
    int ratePerMinute = 20; // per sender → target pair, sliding window (engine.md §7)
    std::shared_ptr<InterKinTaskHooks> taskHooks = std::make_shared<InterKinTaskHooks>();
};

// send_message (request | inform) and reply: Kins talking to each other through their queues.
void registerInterKinTools(ToolRegistry &registry, const InterKinToolDeps &deps);

} // namespace kinbot
