# systemd units for every handler (deploy/systemd/*.in), generated at configure time into
# ${CMAKE_BINARY_DIR}/systemd: textus-NAME.socket and textus-NAME.service.
foreach(NAME IN LISTS TEXTUS_HANDLERS)
  # Processes a handler runs unless its env file says otherwise (TEXTUS_PROCESSES). The webhook
  # takes Twilio's bursts, and each of its requests waits on PostgreSQL's commit and on nchan:
  # with two processes a third of two cores sat idle under load; four served 1.2-1.35x as many
  # texts (tests/bench/webhook-ingest, issue 26), eight fewer again. deploy/handler agrees
  # (tests/deploy/systemd.test checks).
  set(PROCESSES 2)
  if(NAME STREQUAL "webhook")
    set(PROCESSES 4)
  endif()
  foreach(unit socket service)
    configure_file(${CMAKE_CURRENT_SOURCE_DIR}/deploy/systemd/textus-handler.${unit}.in
                   ${CMAKE_BINARY_DIR}/systemd/textus-${NAME}.${unit} @ONLY)
  endforeach()
endforeach()
# The resident worker's service, for textus-common.
configure_file(${CMAKE_CURRENT_SOURCE_DIR}/deploy/systemd/textus-worker.service
               ${CMAKE_BINARY_DIR}/systemd/textus-worker.service COPYONLY)
