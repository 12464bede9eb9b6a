// hvctl version
#include "command_table.hpp"

namespace hvctl {

void setup_version(CLI::App& app, RunFn& run) {
  run = [](Context& ctx) {
    Result r{"Version"};
    r.data = {{"version", HVCTL_VERSION}, {"backends", compiled_backends()}};
    if (ctx.out().tabular()) {
      std::string backends;
      for (const auto& b : compiled_backends()) backends += (backends.empty() ? "" : ", ") + b;
      ctx.out().raw(std::string("hvctl ") + HVCTL_VERSION + " (backends: " + backends + ")\n");
    } else {
      ctx.out().render(r);
    }
    return 0;
  };
}

}  // namespace hvctl
