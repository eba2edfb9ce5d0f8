# Installing Migration Forum: `cmake --install` and the Debian packages.
#
# Components:
#   server  forumd, forumctl, the scenarios as text, their man pages; in the
#           package also /etc/migration-forum/forumd.conf and forumd.service
#   client  forum-client, its icons, the desktop entry and icon, its man page
#   fonts   DejaVu Sans copied next to the icons (a plain `cmake --install`
#           only: the Debian package depends on fonts-dejavu-core instead)
#
# `cmake --install build [--prefix P]` installs the programs to P/bin and the
# assets and scenarios to P/share/migration-forum. The files that only make
# sense in a system package (the configuration in /etc, the systemd unit, the
# Debian copyright and changelog) are EXCLUDE_FROM_ALL: CPack installs them per
# component, `cmake --install` leaves them out.
#
# `cpack --config build/CPackConfig.cmake -B OUT` builds
# migration-forum-server_VERSION_ARCH.deb and migration-forum-client_..., their
# library dependencies found by dpkg-shlibdeps from the binaries themselves
# (tests/package_test.sh builds, lints, installs, runs and purges them).
include(GNUInstallDirs)

set(MF_SHARE_DIR ${CMAKE_INSTALL_DATADIR}/migration-forum)
set(MF_PKG ${PROJECT_BINARY_DIR}/packaging)
set(MF_PACKAGE_MAINTAINER
    "Migration Forum maintainers <maintainers@users.noreply.r-seed-0b127c78.example>"
    CACHE STRING "Maintainer field of the Debian packages")
set(MF_SYSTEMD_UNIT_DIR /lib/systemd/system CACHE PATH
    "Where the package puts forumd.service (Debian 12: /lib/systemd/system)")
# Generated files (man pages, the configuration, the icons) run the programs
# at build time: not in the sanitizer and fuzzing builds, which never package.
if(MF_SANITIZE OR MF_FUZZ)
  set(MF_PACKAGING_DEFAULT OFF)
else()
  set(MF_PACKAGING_DEFAULT ON)
endif()
option(MF_PACKAGING "Generate man pages, the configuration and icons; CPack packages"
       ${MF_PACKAGING_DEFAULT})

# --- What `cmake --install` installs ----------------------------------------------
install(TARGETS forumd forumctl RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT server)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/rules/scenarios/ DESTINATION ${MF_SHARE_DIR}/scenarios
        COMPONENT server FILES_MATCHING PATTERN "*.textproto")
if(TARGET forum-client)
  install(TARGETS forum-client RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT client)
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/assets/icons/ DESTINATION ${MF_SHARE_DIR}/assets/icons
          COMPONENT client FILES_MATCHING PATTERN "*.png")
  install(FILES ${PROJECT_SOURCE_DIR}/packaging/migration-forum.desktop
          DESTINATION ${CMAKE_INSTALL_DATADIR}/applications COMPONENT client)
  # The fonts the build copied from the system (client/CMakeLists.txt), with
  # the licences of the fonts and of the icons.
  install(DIRECTORY ${PROJECT_BINARY_DIR}/client/assets/fonts/
          DESTINATION ${MF_SHARE_DIR}/assets/fonts COMPONENT fonts)
  install(FILES ${PROJECT_SOURCE_DIR}/assets/LICENSE.md DESTINATION ${MF_SHARE_DIR}/assets
          COMPONENT fonts)
endif()

if(NOT MF_PACKAGING)
  return()
endif()

# The packaged programs resolve every symbol at start (with relro, the GOT is
# then read-only: Debian's hardening "bindnow").
foreach(program forumd forumctl forum-client)
  if(TARGET ${program})
    target_link_options(${program} PRIVATE -Wl,-z,relro,-z,now)
  endif()
endforeach()

# --- Generated: man pages, the shipped configuration, the desktop icons ----------
set(MF_GENERATED)
find_program(MF_HELP2MAN help2man)
if(MF_HELP2MAN)
  set(MF_MAN_NAME_forumd "the Migration Forum server")
  set(MF_MAN_NAME_forumctl "the Migration Forum command line")
  set(MF_MAN_NAME_forum-client "the Migration Forum desktop client")
  foreach(program forumd forumctl forum-client)
    if(NOT TARGET ${program})
      continue()
    endif()
    set(page ${MF_PKG}/man/${program}.1)
    add_custom_command(OUTPUT ${page}.gz
      COMMAND ${CMAKE_COMMAND} -E make_directory ${MF_PKG}/man
      COMMAND ${MF_HELP2MAN} --no-info --section=1 "--name=${MF_MAN_NAME_${program}}"
              --include=${PROJECT_SOURCE_DIR}/packaging/man/${program}.h2m
              --output=${page} $<TARGET_FILE:${program}>
      COMMAND gzip -9nf ${page}
      DEPENDS ${program} ${PROJECT_SOURCE_DIR}/packaging/man/${program}.h2m
      COMMENT "Man page of ${program} (help2man)" VERBATIM)
    list(APPEND MF_GENERATED ${page}.gz)
    if(program STREQUAL "forum-client")
      install(FILES ${page}.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 COMPONENT client)
    else()
      install(FILES ${page}.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 COMPONENT server)
    endif()
  endforeach()
else()
  message(STATUS "help2man not found: no man pages (tools/setup.sh installs it)")
endif()

# The configuration file is forumd's own --print-config over the service's
# settings, so it names every key with its help and default.
add_custom_command(OUTPUT ${MF_PKG}/forumd.conf
  COMMAND sh -c "{ cat \"$1\" && \"$2\" --listen 0.0.0.0:50051 --data /var/lib/migration-forum --print-config; } > \"$3\""
          sh ${PROJECT_SOURCE_DIR}/packaging/forumd.conf.head $<TARGET_FILE:forumd>
          ${MF_PKG}/forumd.conf
  DEPENDS forumd ${PROJECT_SOURCE_DIR}/packaging/forumd.conf.head
  COMMENT "forumd.conf (forumd --print-config)" VERBATIM)
list(APPEND MF_GENERATED ${MF_PKG}/forumd.conf)

# forumctl's bash completion, written by forumctl from its own command line
# declarations (tools/cli.h), so it offers exactly the commands and options
# that --help lists.
add_custom_command(OUTPUT ${MF_PKG}/completion/forumctl
  COMMAND ${CMAKE_COMMAND} -E make_directory ${MF_PKG}/completion
  COMMAND sh -c "\"$1\" --bash-completion > \"$2\"" sh $<TARGET_FILE:forumctl>
          ${MF_PKG}/completion/forumctl
  DEPENDS forumctl
  COMMENT "bash completion of forumctl (forumctl --bash-completion)" VERBATIM)
list(APPEND MF_GENERATED ${MF_PKG}/completion/forumctl)
install(FILES ${MF_PKG}/completion/forumctl
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions COMPONENT server)

# The desktop icon, drawn at each size by the program that draws assets/icons.
if(TARGET forum-client-icons)
  foreach(size 48 64 128 256)
    set(icon ${MF_PKG}/icons/${size}x${size}/migration-forum.png)
    add_custom_command(OUTPUT ${icon}
      COMMAND ${CMAKE_COMMAND} -E make_directory ${MF_PKG}/icons/${size}x${size}
      COMMAND forum-client-icons --app-icon ${size} ${icon}
      DEPENDS forum-client-icons VERBATIM)
    list(APPEND MF_GENERATED ${icon})
    install(FILES ${icon} DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/${size}x${size}/apps
            COMPONENT client)
  endforeach()
endif()

# The Debian changelog and copyright, one copy per package.
string(TIMESTAMP MF_CHANGELOG_DATE "%a, %d %b %Y %H:%M:%S +0000" UTC)  # SOURCE_DATE_EPOCH wins.
configure_file(${PROJECT_SOURCE_DIR}/packaging/changelog.in ${MF_PKG}/changelog @ONLY)
add_custom_command(OUTPUT ${MF_PKG}/changelog.gz
  COMMAND sh -c "gzip -9nc \"$1\" > \"$1.gz\"" sh ${MF_PKG}/changelog
  DEPENDS ${MF_PKG}/changelog VERBATIM)
list(APPEND MF_GENERATED ${MF_PKG}/changelog.gz)
add_custom_target(mf-package-files ALL DEPENDS ${MF_GENERATED})

# --- Only in the packages ------------------------------------------------------------
install(FILES ${MF_PKG}/forumd.conf DESTINATION /etc/migration-forum COMPONENT server
        EXCLUDE_FROM_ALL)
install(FILES ${PROJECT_SOURCE_DIR}/packaging/forumd.service DESTINATION ${MF_SYSTEMD_UNIT_DIR}
        COMPONENT server EXCLUDE_FROM_ALL)
foreach(component server client)
  install(FILES ${PROJECT_SOURCE_DIR}/packaging/copyright ${MF_PKG}/changelog.gz
          DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/migration-forum-${component}
          COMPONENT ${component} EXCLUDE_FROM_ALL)
endforeach()
file(WRITE ${MF_PKG}/deb/conffiles "/etc/migration-forum/forumd.conf\n")

# --- CPack: the Debian packages ------------------------------------------------------
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME migration-forum)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "${MF_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL server client)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SOURCE migration-forum)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
# Depends: the libraries the binaries link, as dpkg-shlibdeps finds them,
# plus what they use at run time without linking it.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)

set(CPACK_DEBIAN_SERVER_PACKAGE_NAME migration-forum-server)
set(CPACK_DEBIAN_SERVER_PACKAGE_SECTION net)
# adduser for the system user; fonts-dejavu-core for the text of forumctl's charts (Cairo).
set(CPACK_DEBIAN_SERVER_PACKAGE_DEPENDS "adduser, fonts-dejavu-core")
set(CPACK_DEBIAN_SERVER_DESCRIPTION
    "server of the Migration Forum negotiation game
Migration Forum is a multiplayer negotiation game about the global
governance of international migration: players represent source, transit
and destination states at a forum modelled on the GFMD.

This package holds forumd, the gRPC server that runs the sessions (phase
clocks, bots in empty seats, SQLite storage), as a systemd service with its
own system user, configured in /etc/migration-forum/forumd.conf; and
forumctl, the command line that creates sessions, plays bots and writes
debrief reports.")
set(CPACK_DEBIAN_SERVER_PACKAGE_CONTROL_EXTRA
    ${PROJECT_SOURCE_DIR}/packaging/deb/server/postinst
    ${PROJECT_SOURCE_DIR}/packaging/deb/server/prerm
    ${PROJECT_SOURCE_DIR}/packaging/deb/server/postrm
    ${MF_PKG}/deb/conffiles)

set(CPACK_DEBIAN_CLIENT_PACKAGE_NAME migration-forum-client)
set(CPACK_DEBIAN_CLIENT_PACKAGE_SECTION education)  # "games" would mean /usr/games.
set(CPACK_DEBIAN_CLIENT_PACKAGE_DEPENDS "fonts-dejavu-core")
set(CPACK_DEBIAN_CLIENT_DESCRIPTION
    "desktop client of the Migration Forum negotiation game
Migration Forum is a multiplayer negotiation game about the global
governance of international migration: players represent source, transit
and destination states at a forum modelled on the GFMD.

This package holds forum-client, the desktop client (SFML) for players, the
facilitator and the classroom projector: it plays on a forumd server,
offline against bots, or replays a finished session.")

include(CPack)
