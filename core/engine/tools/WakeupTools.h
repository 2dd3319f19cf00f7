#pragma once

namespace kinbot {

class Clock;
class KinService;
class ToolRegistry;
class WakeupService;

// wake_me_in, wake_me_every, cancel_wakeup, list_wakeups (engine.md §8.2), main conversations only.
void registerWakeupTools(ToolRegistry &registry, WakeupService &wakeups, KinService &kins, const Clock &clock);

} // namespace kinbot
