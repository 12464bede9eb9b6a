add_library(hvctl_warnings INTERFACE)
target_compile_options(hvctl_warnings INTERFACE -Wall -Wextra -Wpedantic -Wno-unused-parameter)
