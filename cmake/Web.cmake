# The browser seat (web/): TypeScript bundled with esbuild, its protobuf code
# generated from proto/ at build time by protoc-gen-es (never checked in, so
# it follows the .proto files), into BUILD/web/ — the folder forumd finds as
# its default web root beside build/server/forumd (server/web.h FindWebRoot).
#
#   BUILD/web-npm/   web/package.json + package-lock.json and `npm ci`'s node_modules
#   BUILD/web-npm/gen/ forum_pb.ts, game_pb.ts (protoc + protoc-gen-es)
#   BUILD/web/       index.html, assets/app-HASH.js|css and their .gz (web/build.mjs)
#
# `cmake --install` puts BUILD/web/ into share/migration-forum/web/.
# The sanitizer and fuzzing builds leave it out (nothing there runs a browser).
if(MF_SANITIZE OR MF_FUZZ)
  set(MF_WEB_DEFAULT OFF)
else()
  set(MF_WEB_DEFAULT ON)
endif()
option(MF_WEB "Build the web client (web/, needs node and npm)" ${MF_WEB_DEFAULT})
if(NOT MF_WEB)
  return()
endif()

find_program(MF_NODE NAMES node nodejs)
find_program(MF_NPM npm)
if(NOT MF_NODE OR NOT MF_NPM)
  message(FATAL_ERROR "the web client needs node and npm: run tools/setup.sh "
                      "(Debian packages nodejs, npm), or configure with -DMF_WEB=OFF")
endif()

set(MF_WEB_SRC ${PROJECT_SOURCE_DIR}/web)
set(MF_WEB_NPM ${PROJECT_BINARY_DIR}/web-npm)
set(MF_WEB_GEN ${MF_WEB_NPM}/gen)
set(MF_WEB_OUT ${PROJECT_BINARY_DIR}/web)
set(MF_WEB_MODULES ${MF_WEB_NPM}/node_modules)

# npm ci from the lockfile, again whenever it changes.
add_custom_command(
  OUTPUT ${MF_WEB_NPM}/installed.stamp
  COMMAND ${CMAKE_COMMAND} -E make_directory ${MF_WEB_NPM}
  COMMAND ${CMAKE_COMMAND} -E copy ${MF_WEB_SRC}/package.json ${MF_WEB_SRC}/package-lock.json
          ${MF_WEB_NPM}/
  COMMAND ${MF_NPM} ci --no-audit --no-fund --loglevel=error --prefix ${MF_WEB_NPM}
  COMMAND ${CMAKE_COMMAND} -E touch ${MF_WEB_NPM}/installed.stamp
  DEPENDS ${MF_WEB_SRC}/package.json ${MF_WEB_SRC}/package-lock.json
  COMMENT "npm ci (web/package-lock.json)"
  VERBATIM)

set(MF_WEB_PROTOS ${PROJECT_SOURCE_DIR}/proto/forum.proto ${PROJECT_SOURCE_DIR}/proto/game.proto)
set(MF_WEB_GENERATED ${MF_WEB_GEN}/forum_pb.ts ${MF_WEB_GEN}/game_pb.ts)
add_custom_command(
  OUTPUT ${MF_WEB_GENERATED}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${MF_WEB_GEN}
  COMMAND protobuf::protoc --plugin=protoc-gen-es=${MF_WEB_MODULES}/.bin/protoc-gen-es
          --es_out=${MF_WEB_GEN} --es_opt=target=ts -I ${PROJECT_SOURCE_DIR}/proto
          ${MF_WEB_PROTOS}
  DEPENDS ${MF_WEB_PROTOS} ${MF_WEB_NPM}/installed.stamp
  COMMENT "protoc-gen-es: proto/ to TypeScript"
  VERBATIM)

file(GLOB_RECURSE MF_WEB_SOURCES CONFIGURE_DEPENDS ${MF_WEB_SRC}/src/*)
add_custom_command(
  OUTPUT ${MF_WEB_OUT}/index.html ${MF_WEB_OUT}/bundle.json
  COMMAND ${MF_NODE} ${MF_WEB_SRC}/build.mjs --out ${MF_WEB_OUT} --gen ${MF_WEB_GEN}
          --modules ${MF_WEB_MODULES}
  DEPENDS ${MF_WEB_SOURCES} ${MF_WEB_SRC}/build.mjs ${MF_WEB_GENERATED}
  COMMENT "esbuild: the web client into ${MF_WEB_OUT}"
  VERBATIM)
add_custom_target(web ALL DEPENDS ${MF_WEB_OUT}/index.html)

install(DIRECTORY ${MF_WEB_OUT}/ DESTINATION ${CMAKE_INSTALL_DATADIR}/migration-forum/web
        COMPONENT server)

# The type check (ctest web_typecheck) runs on a copy of web/src in
# BUILD/web-npm/src, below this build's node_modules, with this tsconfig.
file(WRITE ${MF_WEB_NPM}/tsconfig.json "{
  \"extends\": \"${MF_WEB_SRC}/tsconfig.json\",
  \"compilerOptions\": { \"baseUrl\": \".\", \"paths\": { \"@gen/*\": [\"gen/*\"] } },
  \"include\": [\"src\"]
}
")
