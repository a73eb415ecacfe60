# Debian packages, built with `cpack -G DEB` in a build directory once `programs` is built: one
# per handler (textus-NAME: its executable and its two systemd units) and textus-common (the
# admin CLI, nginx templates and render-nginx, static pages, sql/, the environment file), so a
# host installs only the handlers it runs (docs/decisions.md, Deploy; docs/operations.md).

# textus-common. An operator renders the templates with render-nginx into nginx's configuration.
install(TARGETS textus-admin DESTINATION bin COMPONENT common)
file(GLOB textus_nginx_templates CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/nginx/*.conf.in)
install(FILES ${textus_nginx_templates} DESTINATION share/textus/nginx COMPONENT common)
install(DIRECTORY nginx/www/ DESTINATION share/textus/www COMPONENT common)
# Beside ../nginx, as in the repository: render-nginx's defaults are this layout's paths.
install(PROGRAMS deploy/render-nginx deploy/smoke deploy/handlers DESTINATION share/textus/deploy
        COMPONENT common)
install(FILES ${CMAKE_BINARY_DIR}/handlers.list DESTINATION share/textus COMPONENT common)
# The resident worker: `systemctl enable --now textus-worker.service` (docs/operations.md).
install(FILES ${CMAKE_BINARY_DIR}/systemd/textus-worker.service
        DESTINATION /lib/systemd/system COMPONENT common)
install(DIRECTORY sql/ DESTINATION share/textus/sql COMPONENT common
        FILES_MATCHING PATTERN "*.sql")
# Secrets go in it: root only (systemd reads it before the handler drops privileges).
install(FILES deploy/textus.env.example DESTINATION /etc/textus RENAME textus.env
        PERMISSIONS OWNER_READ OWNER_WRITE COMPONENT common)
# dpkg keeps an operator's edits to it across upgrades only when it is listed as a conffile.
file(WRITE ${CMAKE_BINARY_DIR}/packaging/common/conffiles "/etc/textus/textus.env\n")

# Maintainer scripts of a handler package. Nothing starts on install: the operator enables
# the socket once /etc/textus/textus.env is filled in. An upgrade restarts a running service on
# the new executable while systemd, holding the socket, queues nginx's connections. Without
# systemd running (containers, CI) they do nothing.
foreach(name IN LISTS TEXTUS_HANDLERS)
  set(scripts ${CMAKE_BINARY_DIR}/packaging/${name})
  file(WRITE ${scripts}/postinst "#!/bin/sh
set -e
if [ \"$1\" = configure ] && [ -d /run/systemd/system ]; then
    systemctl daemon-reload
    if [ -n \"$2\" ]; then systemctl try-restart textus-${name}.service; fi
fi
")
  file(WRITE ${scripts}/prerm "#!/bin/sh
set -e
if [ \"$1\" = remove ] && [ -d /run/systemd/system ]; then
    systemctl disable --now textus-${name}.socket
    systemctl stop textus-${name}.service
fi
")
  file(WRITE ${scripts}/postrm "#!/bin/sh
set -e
if [ \"$1\" = remove ] && [ -d /run/systemd/system ]; then systemctl daemon-reload; fi
")

  string(TOUPPER ${name} component)
  install(TARGETS textus-${name} DESTINATION lib/textus COMPONENT ${name})
  # Made by cmake/systemd_units.cmake at configure time.
  install(FILES ${CMAKE_BINARY_DIR}/systemd/textus-${name}.socket
                ${CMAKE_BINARY_DIR}/systemd/textus-${name}.service
          DESTINATION /lib/systemd/system COMPONENT ${name})
  set(CPACK_COMPONENT_${component}_DESCRIPTION
      "textus handler textus-${name} (FastCGI, systemd socket activation)")
  # = its own version: the handler and textus-common are built from one source, and nothing
  # promises a stable interface between two builds. The service runs it under multiwatch.
  set(CPACK_DEBIAN_${component}_PACKAGE_DEPENDS
      "textus-common (= ${PROJECT_VERSION}), multiwatch")
  set(CPACK_DEBIAN_${component}_PACKAGE_CONTROL_EXTRA
      ${scripts}/postinst ${scripts}/prerm ${scripts}/postrm)
endforeach()

set(CPACK_COMPONENT_COMMON_DESCRIPTION
    "textus common files: textus-admin, nginx configuration, static pages, SQL migrations")
set(CPACK_DEBIAN_COMMON_PACKAGE_RECOMMENDS "nginx, libnginx-mod-nchan")
set(CPACK_DEBIAN_COMMON_PACKAGE_CONTROL_EXTRA ${CMAKE_BINARY_DIR}/packaging/common/conffiles)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME textus)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "textus maintainers <maintainers@users.noreply.b-seed-5d4e1b46.example>")
set(CPACK_DEB_COMPONENT_INSTALL ON)
# Only these: nothing else of the build (tests, fakes, benchmarks) has an install rule.
set(CPACK_COMPONENTS_ALL common ${TEXTUS_HANDLERS})
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
# Depends from the executables' shared libraries (dpkg-shlibdeps, in dpkg-dev): the static
# ones (docs/decisions.md, Runtime linking) need nothing installed.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_STRIP_FILES ON)
# cpack packages the programs as built, without building everything else (the tests) first.
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY ON)
include(CPack)
