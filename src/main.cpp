#include <unistd.h>

#include <iostream>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "cli.hpp"

int main(int argc, char** argv) {
#if defined(__GLIBC__)
  // Two malloc arenas, not glibc's 8 per core: hvctl's parallel reads (a
  // vCenter's inventory in slices, spec files on every core) are short-lived
  // threads whose freed answers another thread's arena never reuses. A no-op
  // plan of 5,000 VMs on vcsim: 168 -> 130 MB peak RSS, the same time.
  mallopt(M_ARENA_MAX, 2);
#endif
  const hvctl::Terminal terminal{::isatty(STDIN_FILENO) != 0, ::isatty(STDERR_FILENO) != 0};
  return hvctl::run_cli(argc, argv, std::cin, std::cout, std::cerr, terminal);
}
