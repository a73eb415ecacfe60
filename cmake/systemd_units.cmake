# systemd units for every handler (deploy/systemd/*.in), generated at configure time into
# ${CMAKE_BINARY_DIR}/systemd: textus-NAME.socket and textus-NAME.service.
foreach(NAME IN LISTS TEXTUS_HANDLERS)
  foreach(unit socket service)
    configure_file(${CMAKE_CURRENT_SOURCE_DIR}/deploy/systemd/textus-handler.${unit}.in
                   ${CMAKE_BINARY_DIR}/systemd/textus-${NAME}.${unit} @ONLY)
  endforeach()
endforeach()
# The resident worker's service, for textus-common.
configure_file(${CMAKE_CURRENT_SOURCE_DIR}/deploy/systemd/textus-worker.service
               ${CMAKE_BINARY_DIR}/systemd/textus-worker.service COPYONLY)
