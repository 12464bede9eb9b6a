// hvctl's verdict on cloud-init files, in cloud_init_verdict.py's format:
// "<file> ok" or "<file> refused: <first problem>", for agreement.sh.
// Usage: hvctl_cloud_init_verdict user-data|network-config FILE...
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "hvctl/cloud_init_check.hpp"

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  const std::string kind = argv[1];
  for (int i = 2; i < argc; ++i) {
    std::ifstream in(argv[i], std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    const auto problems = kind == "user-data" ? hvctl::check_user_data(text.str(), argv[i])
                                              : hvctl::check_network_config(text.str(), argv[i]);
    std::cout << argv[i] << (problems.empty() ? " ok" : " refused: " + problems.front().str()) << "\n";
  }
  return 0;
}
