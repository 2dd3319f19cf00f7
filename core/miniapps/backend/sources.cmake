# Sources of the mini-app backend runtime (core/miniapps/backend) and the esbuild runner; relative to core/.
set(KINBOT_MINIAPP_BACKEND_SOURCES
  miniapps/JsTranspiler.cpp miniapps/JsTranspiler.h
  miniapps/backend/BackendFetch.cpp miniapps/backend/BackendFetch.h
  miniapps/backend/BackendHost.cpp miniapps/backend/BackendHost.h
  miniapps/backend/BackendServices.h
  miniapps/backend/BackendTypes.h
  miniapps/backend/BackendWorker.cpp miniapps/backend/BackendWorker.h
  miniapps/backend/JsRuntimeResources.cpp miniapps/backend/JsRuntimeResources.h
)
