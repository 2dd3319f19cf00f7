#pragma once

namespace kinbot {

class PromptService;
class ToolRegistry;

// prompt_human (engine.md §8.5): ask the users a confirm / select / multi_select question; the answer comes back
// later as a new message. One per turn.
void registerPromptTools(ToolRegistry &registry, PromptService &prompts);

} // namespace kinbot
