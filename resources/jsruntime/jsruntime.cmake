# The mini-app JS runtime (issue 4), included from core/CMakeLists.txt. `npm ci` runs in the build tree (never in the
# source tree), build.mjs bundles Hono + polyfills + host glue for QJSEngine and the React vendor modules for mini-app
# pages, and rcc embeds them (prefixes /jsruntime/ and /miniapp-vendor/). Sets KINBOT_JSRUNTIME_SOURCES (the rcc output)
# for kinbot_core; the resource is initialised by kinbot::miniapps::initJsRuntimeResources().
find_program(KINBOT_NODE node REQUIRED)
find_program(KINBOT_NPM npm REQUIRED)
set(_jsrt_src ${PROJECT_SOURCE_DIR}/resources/jsruntime)
set(_jsrt_work ${CMAKE_BINARY_DIR}/jsruntime)
file(MAKE_DIRECTORY ${_jsrt_work})

add_custom_command(
  OUTPUT ${_jsrt_work}/node_modules/.kinbot-stamp
  COMMAND ${CMAKE_COMMAND} -E copy_if_different ${_jsrt_src}/package.json ${_jsrt_src}/package-lock.json ${_jsrt_work}
  COMMAND ${KINBOT_NPM} ci --no-audit --no-fund --loglevel=error
  COMMAND ${CMAKE_COMMAND} -E touch ${_jsrt_work}/node_modules/.kinbot-stamp
  WORKING_DIRECTORY ${_jsrt_work}
  DEPENDS ${_jsrt_src}/package.json ${_jsrt_src}/package-lock.json
  COMMENT "npm ci: Hono, polyfills, esbuild and React for the mini-app runtime"
  VERBATIM)

file(GLOB _jsrt_inputs CONFIGURE_DEPENDS ${_jsrt_src}/src/*.js)
add_custom_command(
  OUTPUT ${_jsrt_work}/jsruntime.qrc
  COMMAND ${KINBOT_NODE} ${_jsrt_src}/build.mjs ${_jsrt_work}
  WORKING_DIRECTORY ${_jsrt_work}
  DEPENDS ${_jsrt_work}/node_modules/.kinbot-stamp ${_jsrt_src}/build.mjs ${_jsrt_inputs}
  COMMENT "esbuild: mini-app backend runtime and React vendor modules"
  VERBATIM)

add_custom_command(
  OUTPUT ${_jsrt_work}/qrc_jsruntime.cpp
  COMMAND Qt6::rcc --name jsruntime --output ${_jsrt_work}/qrc_jsruntime.cpp ${_jsrt_work}/jsruntime.qrc
  WORKING_DIRECTORY ${_jsrt_work}
  DEPENDS ${_jsrt_work}/jsruntime.qrc
  VERBATIM)
set_source_files_properties(${_jsrt_work}/qrc_jsruntime.cpp PROPERTIES GENERATED ON SKIP_AUTOGEN ON SKIP_PRECOMPILE_HEADERS ON)
set(KINBOT_JSRUNTIME_SOURCES ${_jsrt_work}/qrc_jsruntime.cpp)
