// A Xen guest's own channels as dom0 sees them: its PV console (the pty
// xenconsoled gives it) and its xenstore home (/local/domain/ID). Used for
// `hvctl console` and for readiness markers.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string_view>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "hvctl/backend.hpp"
#include "xen_host.hpp"

struct xs_handle;

namespace hvctl::xen {

// The guest's primary console (PV console, or the emulated serial for HVM)
// through xenconsoled's pty. Throws BackendError when there is none.
std::unique_ptr<ConsoleStream> open_guest_console(const Libxl& xl, std::uint32_t domid, const std::string& who);

// Whether a running guest is ready by `ready` (console text, xenstore key),
// remembering console output between calls. Running alone is ready when
// `ready` names nothing. Once the console text was seen it is recorded in
// the guest's xenstore home, so another hvctl process sees it too.
class ReadinessProbe {
public:
  ReadinessProbe() = default;
  ~ReadinessProbe();
  ReadinessProbe(const ReadinessProbe&) = delete;
  ReadinessProbe& operator=(const ReadinessProbe&) = delete;

  // With `first_boot` (spec.init set, `ready` empty), ready once the console
  // shows cloud-init's final message (first_boot.hpp).
  Readiness check(const Libxl& xl, const DomainInfo& dom, const ReadySpec& ready, bool first_boot,
                  const std::string& who);

  // What xenstore says of a running domain for operators: when it started
  // (/vm/UUID/start_time) and the addresses guest utilities publish
  // (attr/vif/N/ipv4/0, as xe-guest-utilities write them).
  void fill_runtime(const DomainInfo& dom, VmRuntime& runtime, const std::string& who);

private:
  struct Watch {
    std::uint32_t domid = 0;
    std::unique_ptr<ConsoleStream> console;
    std::string tail;  // the last output read, enough to find a line across reads
  };
  using Match = std::function<bool(std::string_view console)>;
  std::optional<std::string> xs_read(const std::string& path, const std::string& who);
  void xs_write(const std::string& path, const std::string& value, const std::string& who);
  // `label` names what `match` looks for in the xenstore record of it.
  bool console_shows(const Libxl& xl, const DomainInfo& dom, const std::string& label, const Match& match,
                     const std::string& who);

  std::mutex mutex_;
  xs_handle* xs_ = nullptr;
  std::map<std::string, Watch> watches_;  // by VM name
};

}  // namespace hvctl::xen
