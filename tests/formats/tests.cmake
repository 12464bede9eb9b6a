# Native formats: unit and round-trip tests in the doctest binary, and the
# end-to-end script that drives `hvctl convert` over the corpus.
target_sources(hvctl_tests PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/test_formats_detect.cpp
  ${CMAKE_CURRENT_LIST_DIR}/test_formats_xl.cpp
  ${CMAKE_CURRENT_LIST_DIR}/test_formats_vmx.cpp
  ${CMAKE_CURRENT_LIST_DIR}/test_formats_roundtrip.cpp
)
target_include_directories(hvctl_tests PRIVATE ${PROJECT_SOURCE_DIR}/src/formats ${PROJECT_SOURCE_DIR}/src/registry)
add_test(NAME formats_convert_cli
         COMMAND ${CMAKE_CURRENT_LIST_DIR}/convert_cli.sh $<TARGET_FILE:hvctl> ${CMAKE_CURRENT_LIST_DIR}/corpus)
