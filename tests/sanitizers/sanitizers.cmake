# Included last by tests/CMakeLists.txt when HVCTL_SANITIZE is on: every test
# (and every hvctl it starts) runs with sanitizer options that make a report
# fatal and write it under ${HVCTL_SANITIZER_LOGS}. The fixture's cleanup test
# `sanitizer_reports` runs after all of them and fails when any report was
# written, so a report fails CI even where a script only expected "non-zero".
set(HVCTL_SANITIZER_LOGS ${CMAKE_BINARY_DIR}/sanitizer-logs)
set(_supp ${CMAKE_CURRENT_LIST_DIR})
set(_common "halt_on_error=1:abort_on_error=1:print_stacktrace=1")
set(HVCTL_SANITIZER_ENV
  "ASAN_OPTIONS=${_common}:detect_leaks=1:check_initialization_order=1:log_path=${HVCTL_SANITIZER_LOGS}/asan"
  "UBSAN_OPTIONS=${_common}:log_path=${HVCTL_SANITIZER_LOGS}/ubsan:suppressions=${_supp}/ubsan.supp"
  "LSAN_OPTIONS=suppressions=${_supp}/lsan.supp:print_suppressions=0")

get_property(_tests DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR} PROPERTY TESTS)
add_test(NAME sanitizer_logs_clear COMMAND ${CMAKE_COMMAND} -E rm -rf ${HVCTL_SANITIZER_LOGS})
add_test(NAME sanitizer_reports COMMAND ${_supp}/check-reports.sh ${HVCTL_SANITIZER_LOGS})
set_tests_properties(sanitizer_logs_clear PROPERTIES FIXTURES_SETUP sanitizer_logs)
set_tests_properties(sanitizer_reports PROPERTIES FIXTURES_CLEANUP sanitizer_logs)
foreach(_t IN LISTS _tests)
  set_property(TEST ${_t} APPEND PROPERTY ENVIRONMENT ${HVCTL_SANITIZER_ENV})
  set_property(TEST ${_t} APPEND PROPERTY FIXTURES_REQUIRED sanitizer_logs)
endforeach()
