# vSphere backend tests, included from tests/CMakeLists.txt when HVCTL_WITH_VSPHERE.
# Unit and golden tests (no network) join hvctl_tests (suite "vsphere"); the
# cases in suite "vsphere-vcsim" are skipped unless HVCTL_VCSIM_URL is set,
# which run-vcsim-tests.sh does after starting simulators.
target_sources(hvctl_tests PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/test_vsphere_golden.cpp
  ${CMAKE_CURRENT_LIST_DIR}/test_vsphere_soap.cpp
  ${CMAKE_CURRENT_LIST_DIR}/test_vsphere_vcsim_errors.cpp
  ${CMAKE_CURRENT_LIST_DIR}/test_vsphere_vcsim_session.cpp
  ${CMAKE_CURRENT_LIST_DIR}/test_vsphere_transport.cpp
  ${CMAKE_CURRENT_LIST_DIR}/test_vsphere_paging.cpp
  ${CMAKE_CURRENT_LIST_DIR}/test_vsphere_vcsim_lifecycle.cpp
  ${CMAKE_CURRENT_LIST_DIR}/test_vsphere_conformance.cpp
  ${CMAKE_CURRENT_LIST_DIR}/test_vsphere_ready.cpp
  ${CMAKE_CURRENT_LIST_DIR}/test_vsphere_lookup.cpp
  ${CMAKE_CURRENT_LIST_DIR}/test_vsphere_runtime.cpp
  ${CMAKE_CURRENT_LIST_DIR}/test_vsphere_snapshots.cpp
  ${CMAKE_CURRENT_LIST_DIR}/test_vsphere_session_cache.cpp
  ${CMAKE_CURRENT_LIST_DIR}/test_vsphere_target_inventory.cpp
  ${CMAKE_CURRENT_LIST_DIR}/test_vsphere_vcsim_inventory.cpp
  ${CMAKE_CURRENT_LIST_DIR}/test_vsphere_device_ids.cpp
  ${CMAKE_CURRENT_LIST_DIR}/test_vsphere_devices.cpp
  ${CMAKE_CURRENT_LIST_DIR}/test_vsphere_cdroms.cpp
  ${CMAKE_CURRENT_LIST_DIR}/test_vsphere_provision.cpp
  ${CMAKE_CURRENT_LIST_DIR}/test_vsphere_move.cpp
  ${CMAKE_CURRENT_LIST_DIR}/test_vsphere_vcsim_move.cpp
  ${CMAKE_CURRENT_LIST_DIR}/test_vsphere_migrate.cpp
)
target_link_libraries(hvctl_tests PRIVATE hvctl_backend_vsphere)

# vcsim, built once into the test cache by the fixture vcsim_build (one
# build at a time: build.sh takes a lock), for every test that starts one.
add_test(NAME vcsim_build COMMAND ${PROJECT_SOURCE_DIR}/tests/vcsim/build.sh ${HVCTL_VCSIM_DIR})
set_tests_properties(vcsim_build PROPERTIES FIXTURES_SETUP vcsim TIMEOUT 900)

# The vcsim cases above, and the
# hvctl binary end to end including the 200-VM constant-call-count check.
add_test(NAME vsphere_vcsim
         COMMAND ${CMAKE_CURRENT_LIST_DIR}/run-vcsim-tests.sh $<TARGET_FILE:hvctl> $<TARGET_FILE:hvctl_tests>
                 ${PROJECT_SOURCE_DIR} ${HVCTL_VCSIM_DIR})
set_tests_properties(vsphere_vcsim PROPERTIES TIMEOUT 900 FIXTURES_REQUIRED vcsim)

# Faults (slow, frozen, killed server; expired session), concurrent applies
# and secrets in logs, against vcsim.
add_test(NAME vsphere_faults
         COMMAND ${CMAKE_CURRENT_LIST_DIR}/faults.sh $<TARGET_FILE:hvctl> ${PROJECT_SOURCE_DIR}
                 ${CMAKE_BINARY_DIR}/vsphere-faults ${HVCTL_VCSIM_DIR})
set_tests_properties(vsphere_faults PROPERTIES TIMEOUT 600 FIXTURES_REQUIRED vcsim)

# What reaches stderr: the live status line in a real terminal (tmux), the
# TLS warning once per run, -v and -vv logging, against vcsim.
add_test(NAME vsphere_terminal
         COMMAND ${CMAKE_CURRENT_LIST_DIR}/terminal.sh $<TARGET_FILE:hvctl> ${PROJECT_SOURCE_DIR}
                 ${CMAKE_BINARY_DIR}/vsphere-terminal ${HVCTL_VCSIM_DIR})
set_tests_properties(vsphere_terminal PROPERTIES TIMEOUT 300 FIXTURES_REQUIRED vcsim)
