# The web UI (issue 8), included from core/CMakeLists.txt when KINBOT_BUILD_UI is ON. Same shape as
# resources/jsruntime/jsruntime.cmake: `npm ci` runs in the build tree (never in the source tree), the sources are copied
# next to node_modules, `vite build` writes dist/, make-qrc.mjs lists dist/ in web.qrc (prefix /web/) and rcc embeds it
# under the resource name "web" — the same name resources/web.qrc (the static page used when the option is OFF) has, so
# Platform's Q_INIT_RESOURCE(web) and SystemController::webUi serve whichever was built.
# Sets KINBOT_WEB_SOURCES (the rcc output) for kinbot_core; `npm test` (ctest ui_vitest) runs in the build-tree copy.
find_program(KINBOT_NODE node REQUIRED)
find_program(KINBOT_NPM npm REQUIRED)
set(_ui_src ${PROJECT_SOURCE_DIR}/ui)
set(_ui_work ${CMAKE_BINARY_DIR}/ui) # tests/CMakeLists.txt runs `npm test` here too
file(MAKE_DIRECTORY ${_ui_work})

add_custom_command(
  OUTPUT ${_ui_work}/node_modules/.kinbot-stamp
  COMMAND ${CMAKE_COMMAND} -E copy_if_different ${_ui_src}/package.json ${_ui_src}/package-lock.json ${_ui_work}
  COMMAND ${KINBOT_NPM} ci --no-audit --no-fund --loglevel=error
  COMMAND ${CMAKE_COMMAND} -E touch ${_ui_work}/node_modules/.kinbot-stamp
  WORKING_DIRECTORY ${_ui_work}
  DEPENDS ${_ui_src}/package.json ${_ui_src}/package-lock.json
  COMMENT "npm ci: React, Vite, TypeScript and Vitest for the web UI"
  VERBATIM)

file(GLOB_RECURSE _ui_inputs CONFIGURE_DEPENDS ${_ui_src}/src/*)
set(_ui_top index.html vite.config.ts tsconfig.json)
list(TRANSFORM _ui_top PREPEND ${_ui_src}/ OUTPUT_VARIABLE _ui_top_paths)
add_custom_command(
  OUTPUT ${_ui_work}/web.qrc
  COMMAND ${CMAKE_COMMAND} -E rm -rf ${_ui_work}/src
  COMMAND ${CMAKE_COMMAND} -E copy_directory ${_ui_src}/src ${_ui_work}/src
  COMMAND ${CMAKE_COMMAND} -E copy_if_different ${_ui_top_paths} ${_ui_work}
  COMMAND ${KINBOT_NODE} ${_ui_work}/node_modules/vite/bin/vite.js build --logLevel warn --outDir ${_ui_work}/dist
  COMMAND ${KINBOT_NODE} ${_ui_src}/make-qrc.mjs ${_ui_work}/dist ${_ui_work}/web.qrc
  WORKING_DIRECTORY ${_ui_work}
  DEPENDS ${_ui_work}/node_modules/.kinbot-stamp ${_ui_inputs} ${_ui_top_paths} ${_ui_src}/make-qrc.mjs
  COMMENT "vite build: the web UI"
  VERBATIM)

add_custom_command(
  OUTPUT ${_ui_work}/qrc_web.cpp
  COMMAND Qt6::rcc --name web --output ${_ui_work}/qrc_web.cpp ${_ui_work}/web.qrc
  WORKING_DIRECTORY ${_ui_work}
  DEPENDS ${_ui_work}/web.qrc
  VERBATIM)
set_source_files_properties(${_ui_work}/qrc_web.cpp PROPERTIES GENERATED ON SKIP_AUTOGEN ON SKIP_PRECOMPILE_HEADERS ON)
set(KINBOT_WEB_SOURCES ${_ui_work}/qrc_web.cpp)
