#include "hvctl/text.hpp"

#include <fmt/format.h>

namespace hvctl {

std::string excerpt(const std::string& text) {
  if (text.size() <= 40) return text;
  return fmt::format("{}... ({} characters)", text.substr(0, 32), text.size());
}

}  // namespace hvctl
