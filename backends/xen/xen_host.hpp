// The local Xen host through libxl: one context per object (never a global
// as in xl.h), libxl's log captured per thread for error messages, and
// domain inventory as plain structs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "hvctl/diagnostics.hpp"
#include "hvctl/spec.hpp"
#include "xen_c.hpp"

namespace hvctl::xen {

inline constexpr std::uint32_t kInvalidDomid = static_cast<std::uint32_t>(INVALID_DOMID);

inline constexpr const char* kNoXen =
    "no Xen hypervisor here: run on a dom0 as root, or use a libvirt xen+ssh:// target";

// Why this machine cannot run libxl ("" when /proc/xen/capabilities says
// control_d, i.e. we are in dom0). `proc_xen` is the xenfs mount point.
std::string dom0_problem(const std::string& proc_xen = "/proc/xen");

// One domain as libxl_domain_info reports it.
struct DomainInfo {
  std::uint32_t domid = 0;
  std::string name;
  std::string uuid;
  PowerState power = PowerState::running;  // shut down / dying count as stopped
  bool shut_down = false;                  // finished, waiting for the toolstack to act
  libxl_shutdown_reason reason = LIBXL_SHUTDOWN_REASON_UNKNOWN;
  std::uint64_t memory_kib = 0;
  std::uint64_t max_memory_kib = 0;
  int vcpus = 0;      // online
  int max_vcpus = 0;  // the ceiling it booted with
  libxl_domain_type type = LIBXL_DOMAIN_TYPE_INVALID;
};

std::string uuid_string(const libxl_uuid& uuid);
std::string new_uuid();  // random, as libxl makes them

// An open libxl context. Thread-safe (libxl_ctx is); not copyable.
class Libxl {
public:
  // Opens the context. Throws BackendError(kNoXen...) off dom0 or without root.
  // libxl's own log lines (detail and up) go to `diagnostics` at -vv.
  explicit Libxl(Diagnostics& diagnostics);
  ~Libxl();
  Libxl(const Libxl&) = delete;
  Libxl& operator=(const Libxl&) = delete;

  libxl_ctx* get() const { return ctx_; }

  // libxl's error lines logged on this thread since the last call ("" if none).
  static std::string take_log();

  // Throws BackendError "<what>: <libxl error>: <libxl's log>" for a failed call.
  [[noreturn]] static void fail(const std::string& what, int rc);

  // Every domain but dom0. Throws BackendError when libxl cannot list.
  std::vector<DomainInfo> domains() const;
  // The domain called `name`, or nullopt.
  std::optional<DomainInfo> find(const std::string& name) const;
  // The domain `domid`, or nullopt when it is gone.
  std::optional<DomainInfo> info(std::uint32_t domid) const;

  struct Logger;  // defined in xen_host.cpp

private:
  libxl_ctx* ctx_ = nullptr;
  Logger* logger_ = nullptr;
};

}  // namespace hvctl::xen
