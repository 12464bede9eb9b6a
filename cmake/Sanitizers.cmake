# HVCTL_SANITIZE: everything (libraries, hvctl, tests) with AddressSanitizer
# and UndefinedBehaviorSanitizer; any UB report aborts instead of carrying on.
# tests/CMakeLists.txt sets ASAN_OPTIONS/UBSAN_OPTIONS for every test so a
# report fails it (tests/sanitizers/).
#
# HVCTL_FUZZ (clang only): the libFuzzer harnesses in tests/fuzz/, with every
# library instrumented for coverage (-fsanitize=fuzzer-no-link) as well.
option(HVCTL_SANITIZE "Build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)
option(HVCTL_FUZZ "Build the libFuzzer harnesses in tests/fuzz (clang only; implies HVCTL_SANITIZE)" OFF)

set(HVCTL_SANITIZER_FLAGS -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)

if(HVCTL_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "HVCTL_FUZZ needs clang (libFuzzer): configure with -DCMAKE_CXX_COMPILER=clang++ "
                        "-DCMAKE_C_COMPILER=clang (Debian: apt-get install clang libclang-rt-14-dev)")
  endif()
  set(HVCTL_SANITIZE ON)
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()

if(HVCTL_SANITIZE)
  add_compile_options(${HVCTL_SANITIZER_FLAGS})
  add_link_options(${HVCTL_SANITIZER_FLAGS})
endif()
