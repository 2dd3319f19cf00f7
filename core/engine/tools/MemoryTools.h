#pragma once

namespace kinbot {

class ToolRegistry;

namespace memory {
class MemoryMaintenance;
class MemoryService;
}

// recall, memorize, update_memory, forget, list_memories, review_memories, search_history (engine.md §4.3). A Kin changes only its own
// memories; it reads its own and the shared ones. Quick sessions get read-only memory.
void registerMemoryTools(ToolRegistry &registry, memory::MemoryService &memories, memory::MemoryMaintenance &maintenance);

} // namespace kinbot
