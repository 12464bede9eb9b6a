// A decorator that logs every call a command makes on a backend, with its
// duration and outcome, at -v ("target 'lab': lookup web-01: 2.1 ms").
// Session wraps each backend in it when -v is on; the backend underneath
// is unchanged, so the log shows exactly the calls the command made.
#pragma once

#include <memory>
#include <string>

#include "hvctl/backend.hpp"

namespace hvctl {

std::unique_ptr<Backend> with_call_log(std::unique_ptr<Backend> backend, std::string target, Diagnostics& diagnostics);

}  // namespace hvctl
