# systemd units for every handler (deploy/systemd/*.in), generated at configure time into
# ${CMAKE_BINARY_DIR}/systemd: textus-NAME.socket and textus-NAME.service.
foreach(NAME IN LISTS TEXTUS_HANDLERS)
  foreach(unit socket service)
    configure_file(${CMAKE_CURRENT_SOURCE_DIR}/deploy/systemd/textus-handler.${unit}.in
                   ${CMAKE_BINARY_DIR}/systemd/textus-${NAME}.${unit} @ONLY)
  endforeach()
endforeach()
# The scheduled-send worker's timer and service, for textus-common.
foreach(unit service timer)
  configure_file(${CMAKE_CURRENT_SOURCE_DIR}/deploy/systemd/textus-run-due.${unit}
                 ${CMAKE_BINARY_DIR}/systemd/textus-run-due.${unit} COPYONLY)
endforeach()
