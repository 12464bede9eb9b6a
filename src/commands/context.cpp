#include "context.hpp"

#include <iostream>
#include <sstream>

#include "hvctl/spec_io.hpp"

namespace hvctl {

Context::Context(const GlobalOptions& globals, Output& out, std::istream& in, bool interactive,
                 Session::Factory factory)
    : globals_(globals), out_(out), in_(in), interactive_(interactive), factory_(std::move(factory)) {}

Session& Context::session() {
  if (!session_) session_ = std::make_unique<Session>(load_config(globals_.config), globals_.target, factory_);
  return *session_;
}

std::vector<VmSpec> Context::load_specs(const std::vector<std::string>& paths) {
  std::string stdin_text;
  for (const auto& p : paths)
    if (p == "-") {
      std::ostringstream buf;
      buf << in_.rdbuf();
      stdin_text = buf.str();
      break;
    }
  return hvctl::load_specs(paths, stdin_text);
}

bool Context::confirm(const std::string& question) {
  out_.prompt(question + " [y/N] ");
  std::string answer;
  if (!std::getline(in_, answer)) return false;
  return answer == "y" || answer == "Y" || answer == "yes" || answer == "YES";
}

}  // namespace hvctl
