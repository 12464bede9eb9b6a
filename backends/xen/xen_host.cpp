#include "xen_host.hpp"

#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <utility>

#include <fmt/format.h>

#include "hvctl/error.hpp"

namespace hvctl::xen {
namespace {

thread_local std::string t_log;  // libxl logs on the calling thread

}  // namespace

// A xentoollog logger (its first member, so libxl's pointer is ours too)
// that keeps errors for the exception and shows the rest at -vv.
struct Libxl::Logger {
  xentoollog_logger base;
  Diagnostics* diagnostics;
};

namespace {

void capture(xentoollog_logger* self, xentoollog_level level, int, const char*, const char* format, va_list args) {
  Diagnostics& diagnostics = *reinterpret_cast<Libxl::Logger*>(self)->diagnostics;
  const bool shown = level >= XTL_DETAIL && diagnostics.shows(LogLevel::protocol);
  if (level < XTL_ERROR && !shown) return;
  char line[1024];
  std::vsnprintf(line, sizeof line, format, args);
  if (shown) diagnostics.log(LogLevel::protocol, fmt::format("libxl: {}", line));
  if (level < XTL_ERROR) return;
  if (t_log.size() > 2000) t_log.erase(0, t_log.size() - 1000);
  t_log += (t_log.empty() ? "" : "; ") + std::string(line);
}

void destroy_logger(xentoollog_logger* logger) { delete reinterpret_cast<Libxl::Logger*>(logger); }

// libxl reaps only the children it forked; the backend waits for its own.
const libxl_childproc_hooks kChildHooks = {libxl_sigchld_owner_libxl_always_selective_reap, nullptr, nullptr};

DomainInfo to_info(libxl_ctx* ctx, const libxl_dominfo& d) {
  DomainInfo info;
  info.domid = d.domid;
  std::unique_ptr<char, decltype(&std::free)> name(libxl_domid_to_name(ctx, d.domid), std::free);
  info.name = name ? name.get() : "";
  info.uuid = uuid_string(d.uuid);
  info.shut_down = d.shutdown || d.dying;
  info.reason = d.shutdown_reason;
  info.power = info.shut_down ? PowerState::stopped : d.paused ? PowerState::paused : PowerState::running;
  info.memory_kib = d.current_memkb;
  info.max_memory_kib = d.max_memkb;
  info.vcpus = static_cast<int>(d.vcpu_online);
  info.max_vcpus = static_cast<int>(d.vcpu_max_id) + 1;
  info.type = d.domain_type;
  return info;
}

}  // namespace

std::string dom0_problem(const std::string& proc_xen) {
  std::ifstream caps(proc_xen + "/capabilities");
  if (!caps) return fmt::format("{} ({}/capabilities is missing: not a Xen host, or xenfs not mounted)", kNoXen, proc_xen);
  std::ostringstream text;
  text << caps.rdbuf();
  if (text.str().find("control_d") == std::string::npos)
    return fmt::format("{} (this is a Xen guest, not dom0)", kNoXen);
  return "";
}

std::string uuid_string(const libxl_uuid& uuid) {
  const uint8_t* b = libxl_uuid_bytearray_const(&uuid);
  return fmt::format("{:02x}{:02x}{:02x}{:02x}-{:02x}{:02x}-{:02x}{:02x}-{:02x}{:02x}-{:02x}{:02x}{:02x}{:02x}{:02x}{:02x}",
                     b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
}

std::string new_uuid() {
  libxl_uuid uuid;
  libxl_uuid_generate(&uuid);
  return uuid_string(uuid);
}

Libxl::Libxl(Diagnostics& diagnostics) {
  if (auto problem = dom0_problem(); !problem.empty()) throw BackendError(problem);
  logger_ = new Logger{{capture, nullptr, destroy_logger}, &diagnostics};
  const int rc = libxl_ctx_alloc(&ctx_, LIBXL_VERSION, 0, &logger_->base);
  if (rc) {
    const std::string log = take_log();
    xtl_logger_destroy(&logger_->base);
    throw BackendError(fmt::format("{} (libxl_ctx_alloc: {}{}{})", kNoXen, libxl_error_to_string(static_cast<libxl_error>(rc)),
                                   log.empty() ? "" : ": ", log));
  }
  libxl_childproc_setmode(ctx_, &kChildHooks, nullptr);
}

Libxl::~Libxl() {
  libxl_ctx_free(ctx_);
  xtl_logger_destroy(&logger_->base);
}

std::string Libxl::take_log() { return std::exchange(t_log, {}); }

void Libxl::fail(const std::string& what, int rc) {
  const std::string log = take_log();
  const char* text = libxl_error_to_string(static_cast<libxl_error>(rc));
  throw BackendError(fmt::format("{}: {}{}{}", what, text ? text : fmt::format("libxl error {}", rc).c_str(),
                                 log.empty() ? "" : ": ", log));
}

std::vector<DomainInfo> Libxl::domains() const {
  int count = 0;
  libxl_dominfo* list = libxl_list_domain(ctx_, &count);
  if (!list) fail("cannot list Xen domains", ERROR_FAIL);
  std::vector<DomainInfo> out;
  for (int i = 0; i < count; ++i)
    if (list[i].domid != 0) out.push_back(to_info(ctx_, list[i]));
  libxl_dominfo_list_free(list, count);
  return out;
}

std::optional<DomainInfo> Libxl::find(const std::string& name) const {
  uint32_t domid = 0;
  if (libxl_name_to_domid(ctx_, name.c_str(), &domid) != 0) {
    take_log();
    return std::nullopt;
  }
  return info(domid);
}

std::optional<DomainInfo> Libxl::info(std::uint32_t domid) const {
  libxl_dominfo d;
  libxl_dominfo_init(&d);
  const int rc = libxl_domain_info(ctx_, &d, domid);
  std::optional<DomainInfo> out;
  if (rc == 0) out = to_info(ctx_, d);
  libxl_dominfo_dispose(&d);
  if (rc && rc != ERROR_DOMAIN_NOTFOUND) fail(fmt::format("cannot read Xen domain {}", domid), rc);
  take_log();
  return out;
}

}  // namespace hvctl::xen
