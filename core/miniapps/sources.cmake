# Sources of mini-apps (core/miniapps + their routes): rows, files, storage, snapshots, serving, the HTTP proxy;
# relative to core/.
set(KINBOT_MINIAPP_SOURCES
  miniapps/MiniApp.h
  miniapps/MiniAppConsole.h
  miniapps/MiniAppFiles.cpp miniapps/MiniAppFiles.h
  miniapps/MiniAppHttpProxy.cpp miniapps/MiniAppHttpProxy.h
  miniapps/MiniAppService.cpp miniapps/MiniAppService.h
  miniapps/MiniAppServing.cpp miniapps/MiniAppServing.h
  miniapps/MiniAppStorage.cpp miniapps/MiniAppStorage.h
  miniapps/MiniAppStore.cpp miniapps/MiniAppStore.h
  miniapps/MiniAppTemplates.cpp miniapps/MiniAppTemplates.h
  engine/tools/MiniAppTools.cpp engine/tools/MiniAppTools.h
  api/MiniAppBackendController.cpp api/MiniAppBackendController.h
  api/MiniAppEventStreams.cpp api/MiniAppEventStreams.h
  api/MiniAppsController.cpp api/MiniAppsController.h
  ${PROJECT_SOURCE_DIR}/sdk/sdk.qrc
  ${PROJECT_SOURCE_DIR}/sdk/templates.qrc
)
