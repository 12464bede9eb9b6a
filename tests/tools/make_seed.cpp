// hvctl_make_seed OUTPUT HOSTNAME USER-DATA-FILE [INSTANCE-ID]
// Writes a NoCloud seed (meta-data for HOSTNAME, user-data from the file) with
// hvctl's own module, for the e2e guests. Mode 0644: the tests' QEMU runs as
// another user. Exit 0, or 1 with the error on stderr.
#include "hvctl/error.hpp"
#include "hvctl/nocloud_seed.hpp"

#include <fstream>
#include <iostream>
#include <sstream>

int main(int argc, char** argv) {
  if (argc < 4 || argc > 5) {
    std::cerr << "usage: hvctl_make_seed OUTPUT HOSTNAME USER-DATA-FILE [INSTANCE-ID]\n";
    return 2;
  }
  std::ifstream in(argv[3], std::ios::binary);
  if (!in) {
    std::cerr << "hvctl_make_seed: cannot read " << argv[3] << "\n";
    return 1;
  }
  std::ostringstream user_data;
  user_data << in.rdbuf();
  try {
    std::string id = argc == 5 ? argv[4] : std::string("iid-") + argv[2];
    hvctl::write_seed_iso(argv[1], {{"meta-data", hvctl::nocloud_meta_data(id, argv[2])}, {"user-data", user_data.str()}},
                          "cidata", 0644);
  } catch (const hvctl::Error& e) {
    std::cerr << "hvctl_make_seed: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
