#include <unistd.h>

#include <iostream>

#include "cli.hpp"

int main(int argc, char** argv) {
  const hvctl::Terminal terminal{::isatty(STDIN_FILENO) != 0, ::isatty(STDERR_FILENO) != 0};
  return hvctl::run_cli(argc, argv, std::cin, std::cout, std::cerr, terminal);
}
