#include <unistd.h>

#include <iostream>

#include "cli.hpp"

int main(int argc, char** argv) {
  const bool interactive = ::isatty(STDIN_FILENO) && ::isatty(STDERR_FILENO);
  return hvctl::run_cli(argc, argv, std::cin, std::cout, std::cerr, interactive);
}
