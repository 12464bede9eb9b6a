#include "xen_domain.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <thread>

#include <fmt/format.h>

#include "hvctl/error.hpp"
#include "xen_config.hpp"
#include "xen_images.hpp"

namespace hvctl::xen {

std::uint32_t start_domain(const Libxl& xl, const VmRecord& record, bool paused, const std::string& pvgrub_dir,
                           const std::string& who) {
  DomainConfig config;
  build_domain_config(domain_spec(record, pvgrub_dir), record.uuid, config);
  uint32_t domid = kInvalidDomid;
  int rc = libxl_domain_create_new(xl.get(), config.get(), &domid, nullptr, nullptr);
  if (rc) {
    const std::string log = Libxl::take_log();
    if (domid != kInvalidDomid) libxl_domain_destroy(xl.get(), domid, nullptr);
    Libxl::take_log();
    throw BackendError(fmt::format("{}: cannot create the Xen domain: {}{}{}", who,
                                   libxl_error_to_string(static_cast<libxl_error>(rc)), log.empty() ? "" : ": ", log));
  }
  try {
    store_userdata(xl, domid, kUserdataId, record_to_json(record), who);
    if (!paused && (rc = libxl_domain_unpause(xl.get(), domid, nullptr)))
      Libxl::fail(fmt::format("{}: cannot unpause domain {}", who, domid), rc);
  } catch (...) {
    libxl_domain_destroy(xl.get(), domid, nullptr);
    throw;
  }
  return domid;
}

void destroy_domain(const Libxl& xl, std::uint32_t domid, const std::string& who) {
  const int rc = libxl_domain_destroy(xl.get(), domid, nullptr);
  if (rc && rc != ERROR_DOMAIN_NOTFOUND && xl.info(domid))
    Libxl::fail(fmt::format("{}: cannot destroy domain {}", who, domid), rc);
  Libxl::take_log();
}

void shutdown_domain(const Libxl& xl, std::uint32_t domid, std::chrono::milliseconds timeout, const std::string& who) {
  store_userdata(xl, domid, kStopIntentId, "1", who);
  const int rc = libxl_domain_shutdown(xl.get(), domid, nullptr);
  if (rc == ERROR_NOPARAVIRT)
    throw BackendError(fmt::format("{}: the guest has no PV drivers to ask for a shutdown; use --force", who));
  if (rc && xl.info(domid)) Libxl::fail(fmt::format("{}: cannot ask domain {} to shut down", who, domid), rc);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    const auto info = xl.info(domid);
    if (!info) return;
    if (info->shut_down) return destroy_domain(xl, domid, who);
    if (std::chrono::steady_clock::now() >= deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  throw TimeoutError(fmt::format("{}: the guest did not shut down within {} s; stop it with --force",
                                 who, std::chrono::duration_cast<std::chrono::seconds>(timeout).count()));
}

void store_userdata(const Libxl& xl, std::uint32_t domid, const char* id, const std::string& text,
                    const std::string& who) {
  const int rc = libxl_userdata_store(xl.get(), domid, id, reinterpret_cast<const uint8_t*>(text.data()),
                                      static_cast<int>(text.size()));
  if (rc) Libxl::fail(fmt::format("{}: cannot store libxl userdata '{}' of domain {}", who, id, domid), rc);
}

std::optional<std::string> read_userdata(const Libxl& xl, std::uint32_t domid, const char* id) {
  uint8_t* data = nullptr;
  int length = 0;
  const int rc = libxl_userdata_retrieve(xl.get(), domid, id, &data, &length);
  Libxl::take_log();
  if (rc || !data) return std::nullopt;
  std::string text(reinterpret_cast<const char*>(data), static_cast<std::size_t>(length));
  std::free(data);
  return text;
}

namespace {

// In the forked child: only async-signal-safe calls until exec.
[[noreturn]] void exec_monitor(const char* const argv[], const char* log) {
  setsid();
  if (fork() != 0) _exit(0);  // the grandchild is adopted by init
  const int null = open("/dev/null", O_RDWR);
  const int err = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600);
  dup2(null, 0);
  dup2(null, 1);
  dup2(err >= 0 ? err : null, 2);
  close_range(3, ~0U, 0);
  execv(argv[0], const_cast<char* const*>(argv));
  _exit(127);
}

}  // namespace

void spawn_monitor(const std::string& monitor, const MonitorArgs& args, const std::string& who) {
  if (access(monitor.c_str(), X_OK) != 0)
    throw BackendError(fmt::format("{}: cannot run the domain monitor {}: {}", who, monitor, std::strerror(errno)));
  const std::string id = std::to_string(args.domid);
  const std::string log = args.state_dir + "/" + args.name + ".monitor.log";
  const char* const argv[] = {monitor.c_str(), "--state-dir", args.state_dir.c_str(), "--pvgrub-dir",
                              args.pvgrub_dir.c_str(), "--domid", id.c_str(), "--name", args.name.c_str(), nullptr};
  const pid_t child = fork();
  if (child < 0) throw BackendError(fmt::format("{}: cannot fork the domain monitor: {}", who, std::strerror(errno)));
  if (child == 0) exec_monitor(argv, log.c_str());
  int status = 0;
  while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
}

}  // namespace hvctl::xen
