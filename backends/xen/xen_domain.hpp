// Domain operations shared by the backend and the monitor process. Each takes
// `who` ("target 'x': VM 'y'") to start its error messages with.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "xen_host.hpp"
#include "xen_state.hpp"

namespace hvctl::xen {

// Builds the domain from `record` (domain_spec: a boot.loader boots the
// pvgrub2 image in `pvgrub_dir`), creates it, stores the record as its
// "hvctl" userdata and unpauses it unless `paused` (libxl leaves every new
// domain paused). A half-created domain is destroyed. Returns the domid.
std::uint32_t start_domain(const Libxl& xl, const VmRecord& record, bool paused, const std::string& pvgrub_dir,
                           const std::string& who);

// Hard power-off and removal of the domain; a domain already gone is fine.
void destroy_domain(const Libxl& xl, std::uint32_t domid, const std::string& who);

// Asks the guest to power off (marking the domain so the monitor does not
// apply on_poweroff), waits until the domain is gone or has shut down, then
// destroys what is left. Throws TimeoutError after `timeout`.
void shutdown_domain(const Libxl& xl, std::uint32_t domid, std::chrono::milliseconds timeout, const std::string& who);

// libxl userdata of a domain under `id`: write (empty text deletes) and read.
void store_userdata(const Libxl& xl, std::uint32_t domid, const char* id, const std::string& text, const std::string& who);
std::optional<std::string> read_userdata(const Libxl& xl, std::uint32_t domid, const char* id);

// Starts `monitor` (the hvctl-xen-monitor program) detached from this
// process, to act on the domain's shutdown as its on_* settings say (a
// restart boots a loader from `pvgrub_dir`, as start_domain). Its stderr
// goes to <state_dir>/<name>.monitor.log. Throws BackendError if it cannot
// be started.
struct MonitorArgs {
  std::string state_dir, pvgrub_dir, name;
  std::uint32_t domid;
};
void spawn_monitor(const std::string& monitor, const MonitorArgs& args, const std::string& who);

}  // namespace hvctl::xen
