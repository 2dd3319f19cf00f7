#pragma once

namespace kinbot {

class Clock;
class ConversationEngine;
class Database;
class EventBus;
class KinService;
class MessageStore;
class ToolRegistry;

struct InterKinToolDeps
{
    KinService &kins;
    ConversationEngine &engine;
    MessageStore &messages;
    const Database &db;
    EventBus &bus;
    const Clock &clock;
    int ratePerMinute = 20; // per sender → target pair, sliding window (engine.md §7)
};

// send_message (request | inform) and reply: Kins talking to each other through their queues.
void registerInterKinTools(ToolRegistry &registry, const InterKinToolDeps &deps);

} // namespace kinbot
