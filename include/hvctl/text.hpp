// Small text helpers for messages.
#pragma once

#include <string>

namespace hvctl {

// `text` for quoting in a message: as it is, or when longer than 40
// characters its first 32 and its length ("abc... (70000 characters)"), so
// a hostile input cannot turn one message into megabytes.
std::string excerpt(const std::string& text);

}  // namespace hvctl
