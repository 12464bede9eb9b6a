// Power operations of the Xen backend (see the essay in xen_backend.cpp).
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "xen_backend_impl.hpp"
#include "xen_devices.hpp"
#include "xen_domain.hpp"
#include "xen_images.hpp"

namespace hvctl::xen {

void XenBackend::power(const std::string& name, const PowerRequest& request) {
  switch (request.op) {
    case PowerOp::start: return start(name, false);
    case PowerOp::stop: return stop(name, request);
    case PowerOp::reboot: {
      auto dom = xl().find(name);
      if (!dom || dom->shut_down) throw BackendError(fmt::format("{}: cannot reboot: it is not running", who(name)));
      stop(name, request);
      return start(name, false);
    }
    case PowerOp::pause:
    case PowerOp::resume: break;
  }
  auto dom = xl().find(name);
  if (!dom || dom->shut_down)
    throw BackendError(fmt::format("{}: cannot {}: it is not running", who(name), to_string(request.op)));
  const bool pause = request.op == PowerOp::pause;
  if ((dom->power == PowerState::paused) == pause) return;
  const int rc = pause ? libxl_domain_pause(xl().get(), dom->domid, nullptr)
                       : libxl_domain_unpause(xl().get(), dom->domid, nullptr);
  if (rc) Libxl::fail(fmt::format("{}: cannot {} domain {}", who(name), to_string(request.op), dom->domid), rc);
}

void XenBackend::start(const std::string& name, bool paused) {
  if (const auto record = store_.load(name); record && record->spec.is_template.value_or(false))
    throw InputError(fmt::format("{} is a template: templates are never powered on; clone it with source.template",
                                 who(name)));
  auto dom = xl().find(name);
  if (dom && !dom->shut_down) return;
  if (dom) destroy_domain(xl(), dom->domid, who(name));  // left shut down: clear it first
  const VmRecord record = require_record(name, "start");
  if (const auto problems = host_problems(with_images(record), pvgrub_dir_); !problems.empty())  // (gone since)
    throw BackendError(fmt::format("{}: cannot start: {}", who(name), problems.front().message));
  if (!monitor_.empty() && access(monitor_.c_str(), X_OK) != 0)
    throw BackendError(fmt::format("{}: cannot start: the domain monitor {} is not executable: {} "
                                   "(target option monitor=PATH, or monitor=none)",
                                   who(name), monitor_, std::strerror(errno)));
  const std::uint32_t domid = start_domain(xl(), record, paused, pvgrub_dir_, who(name));
  if (monitor_.empty()) return;
  try {
    spawn_monitor(monitor_, {store_.dir(), pvgrub_dir_, name, domid}, who(name));
  } catch (...) {
    destroy_domain(xl(), domid, who(name));
    throw;
  }
}

void XenBackend::stop(const std::string& name, const PowerRequest& request) {
  auto dom = xl().find(name);
  if (!dom) return;
  if (dom->shut_down || request.force) return destroy_domain(xl(), dom->domid, who(name));
  if (dom->power == PowerState::paused) {
    if (int rc = libxl_domain_unpause(xl().get(), dom->domid, nullptr))
      Libxl::fail(fmt::format("{}: cannot unpause domain {} to shut it down", who(name), dom->domid), rc);
  }
  shutdown_domain(xl(), dom->domid, request.timeout, who(name));
}

}  // namespace hvctl::xen
