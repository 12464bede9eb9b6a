// hvctl migrate VM... --to-host HOST [--live]: move VMs to another host of
// their target. hvctl drain HOST [--shutdown]: move every VM off a host.
#include <algorithm>
#include <map>
#include <mutex>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "command_table.hpp"
#include "vm_verbs.hpp"

namespace hvctl {
namespace {

// vMotions at once in a drain: what one host takes on 1 GbE (VMware's
// "Limits on Simultaneous Migrations"; 8 on 10 GbE).
constexpr int kDrainAtOnce = 4;

struct MigrateOptions {
  std::vector<std::string> names;
  std::string host;
  bool live = false;
};

std::string moved(const std::string& from, const std::string& to) {
  if (from == to) return fmt::format("already on {}", to);
  return from.empty() ? fmt::format("migrated to {}", to) : fmt::format("migrated from {} to {}", from, to);
}

// A backend's "target 'T': migrate VM 'N': why" as "why": a drain names
// the VM once, and the reasons of several hosts follow each other.
std::string without_prefix(const std::string& message, const std::string& vm) {
  const std::string mark = fmt::format("migrate VM '{}': ", vm);
  const auto at = message.find(mark);
  return at == std::string::npos ? message : message.substr(at + mark.size());
}

const HostInfo& host_named(const std::vector<HostInfo>& hosts, const std::string& name, const std::string& target) {
  for (const auto& h : hosts)
    if (h.name == name) return h;
  std::vector<std::string> names;
  for (const auto& h : hosts) names.push_back(h.name);
  throw InputError(fmt::format("target '{}': no host named '{}' (there are: {})", target, name,
                               names.empty() ? "none" : fmt::format("{}", fmt::join(names, ", "))));
}

// Where a drain sends VMs: the host's cluster peers first, then any other
// connected host; among them the one given the fewest VMs so far (counting
// those it had), so the VMs spread.
class DrainPlaces {
public:
  DrainPlaces(const std::vector<HostInfo>& hosts, const HostInfo& from) {
    for (const auto& h : hosts)
      if (h.name != from.name && (h.connection.empty() || h.connection == "connected"))
        places_.push_back({h.name, !from.cluster.empty() && h.cluster == from.cluster, h.vms.value_or(0)});
  }
  // The candidates, best first.
  std::vector<std::string> order() {
    std::lock_guard lock(mutex_);
    auto v = places_;
    std::stable_sort(v.begin(), v.end(), [](const Place& a, const Place& b) {
      return a.peer != b.peer ? a.peer : a.load < b.load;
    });
    std::vector<std::string> out;
    for (const auto& p : v) out.push_back(p.host);
    return out;
  }
  void took(const std::string& host) {
    std::lock_guard lock(mutex_);
    for (auto& p : places_)
      if (p.host == host) ++p.load;
  }

private:
  struct Place {
    std::string host;
    bool peer;
    int load;
  };
  std::mutex mutex_;
  std::vector<Place> places_;
};

struct DrainOptions {
  std::string host;
  bool shutdown = false;
  int timeout = 120;
};

// One VM of a drain: to the first host that takes it, else (--shutdown)
// shut down where it is; what became of it.
std::string drain_vm(Backend& b, const VmState& vm, DrainPlaces& places, const DrainOptions& o) {
  std::vector<std::string> refused;
  for (const auto& to : places.order()) {
    try {
      const auto was = b.migrate(vm.name, {to, true});
      places.took(to);
      return moved(was, to);
    } catch (const InputError& e) {  // checked before anything moved: try the next host
      refused.push_back(without_prefix(e.what(), vm.name));
    } catch (const UnsupportedError& e) {  // this target cannot migrate at all
      refused.push_back(e.what());
      break;
    }
  }
  const std::string why = refused.empty() ? "no other connected host" : fmt::format("{}", fmt::join(refused, "; "));
  if (!o.shutdown) throw InputError(fmt::format("no host can take it ({}); drain --shutdown shuts such VMs down", why));
  if (vm.power == PowerState::running) b.power(vm.name, {PowerOp::stop, false, std::chrono::seconds(o.timeout)});
  return fmt::format("shut down, left on {} (no host could take it)", o.host);
}

}  // namespace

void setup_migrate(CLI::App& app, RunFn& run) {
  auto o = std::make_shared<MigrateOptions>();
  app.add_option("names", o->names, "VM names")->required()->type_name("VM");
  app.add_option("--to-host", o->host, "The host to move them to, as hvctl hosts names it")->required()
      ->type_name("HOST");
  app.add_flag("--live", o->live, "Move running VMs without stopping them (vMotion); without it a running VM is refused");
  run = [o](Context& ctx) {
    return for_each_vm(ctx, o->names, "migrate", [&](Backend& b, const VmState& vm) {
      return moved(b.migrate(vm.name, {o->host, o->live}), o->host);
    });
  };
}

void setup_drain(CLI::App& app, RunFn& run) {
  auto o = std::make_shared<DrainOptions>();
  app.add_option("host", o->host, "The host to empty, as hvctl hosts names it")->required()->type_name("HOST");
  app.add_flag("--shutdown", o->shutdown, "Shut down the VMs no other host can take, instead of failing them");
  app.add_option("--timeout", o->timeout, "Seconds to wait for each guest to shut down (--shutdown)")
      ->check(CLI::Range(1, 86400))->capture_default_str();
  run = [o](Context& ctx) {
    const Target target = ctx.session().target_for(std::nullopt);
    Backend& b = located(target.name, "", [&]() -> Backend& { return ctx.session().backend(target); });
    const auto hosts = located(target.name, "", [&] { return b.hosts(); });
    const HostInfo& from = host_named(hosts, o->host, target.name);
    std::vector<std::string> names;
    for (const auto& vm : located(target.name, "", [&] { return b.list(); }))
      if (vm.runtime.host == from.name) names.push_back(vm.name);
    std::sort(names.begin(), names.end());
    if (names.empty()) {
      ctx.out().info(fmt::format("host '{}' runs no VMs: nothing to do", from.name));
      return 0;
    }
    auto places = std::make_shared<DrainPlaces>(hosts, from);
    return for_each_vm(ctx, names, "drain",
                       [places, o](Backend& b, const VmState& vm) { return drain_vm(b, vm, *places, *o); }, kDrainAtOnce);
  };
}

}  // namespace hvctl
