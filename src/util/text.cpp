#include "hvctl/text.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "hvctl/error.hpp"

namespace hvctl {

std::string excerpt(const std::string& text) {
  if (text.size() <= 40) return text;
  return fmt::format("{}... ({} characters)", text.substr(0, 32), text.size());
}

std::string read_input_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(fmt::format("cannot read: {}", std::strerror(errno)));
  std::string text;
  char buffer[65536];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    text.append(buffer, static_cast<std::size_t>(in.gcount()));
    if (text.size() > kMaxInputFile)
      throw InputError(fmt::format("larger than {} MiB; hvctl reads no input file that large (is this a VM's "
                                   "configuration?)", kMaxInputFile >> 20));
  }
  if (in.bad()) throw InputError("cannot read");
  return text;
}

}  // namespace hvctl
