# Fuzz harnesses (tests/fuzz/fuzz_<name>.cpp, one LLVMFuzzerTestOneInput each).
# Every build gets a replay binary per harness (the harness plus replay_main.cpp)
# and the ctest `fuzz_regressions`, which replays the seed corpora and every
# input a fuzzer ever crashed on. HVCTL_FUZZ (clang) adds the libFuzzer
# binaries fuzz_<name> that tests/fuzz/run.sh runs.
set(HVCTL_FUZZ_HARNESSES spec vmx)
set(HVCTL_FUZZ_LIBS_spec hvctl_core)
set(HVCTL_FUZZ_LIBS_vmx hvctl_formats)
if(TARGET hvctl_formats_xl)
  list(APPEND HVCTL_FUZZ_HARNESSES xl_cfg)
  set(HVCTL_FUZZ_LIBS_xl_cfg hvctl_formats_xl)
endif()
if(HVCTL_WITH_VSPHERE)
  list(APPEND HVCTL_FUZZ_HARNESSES soap)
  set(HVCTL_FUZZ_LIBS_soap hvctl_backend_vsphere)
endif()

set(_replays)
foreach(h IN LISTS HVCTL_FUZZ_HARNESSES)
  add_executable(fuzz_replay_${h} ${CMAKE_CURRENT_LIST_DIR}/fuzz_${h}.cpp ${CMAKE_CURRENT_LIST_DIR}/replay_main.cpp)
  target_link_libraries(fuzz_replay_${h} PRIVATE ${HVCTL_FUZZ_LIBS_${h}} hvctl_warnings)
  list(APPEND _replays ${h}=$<TARGET_FILE:fuzz_replay_${h}>)
  if(HVCTL_FUZZ)
    add_executable(fuzz_${h} ${CMAKE_CURRENT_LIST_DIR}/fuzz_${h}.cpp)
    target_link_libraries(fuzz_${h} PRIVATE ${HVCTL_FUZZ_LIBS_${h}} hvctl_warnings)
    target_link_options(fuzz_${h} PRIVATE -fsanitize=fuzzer)
  endif()
endforeach()

add_test(NAME fuzz_regressions COMMAND ${CMAKE_CURRENT_LIST_DIR}/replay.sh ${CMAKE_CURRENT_LIST_DIR} ${_replays})
set_tests_properties(fuzz_regressions PROPERTIES TIMEOUT 300)
