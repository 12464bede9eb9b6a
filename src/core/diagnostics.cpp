#include "hvctl/diagnostics.hpp"

namespace hvctl {
namespace {

class Silent final : public Diagnostics {
public:
  bool shows(LogLevel) const override { return false; }
  void log(LogLevel, const std::string&) override {}
  void warn_once(const std::string&, const std::string&) override {}
};

}  // namespace

Diagnostics& no_diagnostics() {
  static Silent silent;
  return silent;
}

}  // namespace hvctl
