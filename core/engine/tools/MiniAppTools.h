#pragma once

namespace kinbot {

class MiniAppService;
class ProviderService;
class ToolRegistry;

// The mini-app tools of miniapps.md §6 (main Kins): create, update, delete and list apps, their files, storage,
// snapshots, icon, console, the templates, the SDK docs and the gallery. A Kin acts only on its own apps.
void registerMiniAppTools(ToolRegistry &registry, MiniAppService &apps, ProviderService &providers);

} // namespace kinbot
