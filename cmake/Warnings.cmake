add_library(hvctl_warnings INTERFACE)
target_compile_options(hvctl_warnings INTERFACE -Wall -Wextra -Wpedantic -Wno-unused-parameter)

option(HVCTL_SANITIZE "Build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)
if(HVCTL_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()
