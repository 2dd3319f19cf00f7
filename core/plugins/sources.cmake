# Sources of plugins (core/plugins): manifests and semver ranges, their state and storage, the service that runs them
# in the mini-app backend host, their REST routes and their tools; relative to core/.
set(KINBOT_PLUGINS_SOURCES
  api/PluginsController.cpp api/PluginsController.h
  engine/tools/PluginTools.cpp engine/tools/PluginTools.h
  plugins/PluginDependencies.cpp plugins/PluginDependencies.h
  plugins/PluginFiles.cpp plugins/PluginFiles.h
  plugins/PluginInstall.cpp
  plugins/PluginManifest.cpp plugins/PluginManifest.h
  plugins/PluginService.cpp plugins/PluginService.h
  plugins/PluginStore.cpp plugins/PluginStore.h
  plugins/Semver.cpp plugins/Semver.h
)
