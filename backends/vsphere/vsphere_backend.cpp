// The vSphere backend: hvctl::Backend over the vim25 SOAP API (vCenter or a
// single ESXi host), with libcurl for HTTPS and libxml2 for XML.
//
// Things about vSphere and its simulator (vcsim) worth knowing first:
//
// * Reads go through the PropertyCollector. list() asks for every VM's name,
//   power state, hardware, extraConfig and devices in ONE
//   RetrievePropertiesEx over a ContainerView, so a plan costs the same few
//   calls for 20 or 2000 VMs: RetrieveServiceContent, Login,
//   CreateContainerView, RetrievePropertiesEx (+ one per page on a real
//   vCenter, which pages at maxObjects; vcsim never pages), Logout. The VM
//   view also holds distributed port groups, so NIC backings read back as
//   port group names.
// * vcsim's ContainerView matches types exactly (Network does not include
//   DistributedVirtualPortgroup, ComputeResource not the cluster), so every
//   type is listed; real vCenter also matches subtypes, which is harmless.
// * XML: xsi:type is matched by namespace URI. vcsim writes it with a prefix
//   literally named "XMLSchema-instance" declared on each <val>, faults use
//   the Envelope's "xsi:", items of non-polymorphic arrays carry no type at
//   all, and unknown properties are skipped. Moref types must be exact
//   (_this type="ManagedEntity" for a VM is ManagedObjectNotFound).
// * A failed task is HTTP 200 with info.state=error; vcsim's
//   localizedMessage is a Go type name ("*types.InvalidPowerState"), so
//   errors show the fault type and its fields instead.
// * Power: operations are made idempotent by reading runtime.powerState
//   first, because vSphere answers InvalidPowerState to a no-op request.
//   Graceful stop is ShutdownGuest plus polling until poweredOff, or
//   TimeoutError after the request's timeout; a real host refuses it without
//   VMware Tools (ToolsUnavailable: use --force), vcsim powers off at once.
//   Graceful reboot is RebootGuest; vcsim has none (MethodNotFound), so it
//   falls back to ShutdownGuest, wait, PowerOnVM_Task. Pause is
//   SuspendVM_Task and resume PowerOnVM_Task.
// * What vSphere has no field for (labels, disk and NIC ids, disks attached
//   by path) lives in extraConfig under hvctl.* keys; see vm_model.hpp. vcsim
//   appends extraConfig entries instead of replacing them, and keeps empty
//   values that vSphere deletes: the reader lets the last value win and
//   treats "" as absent.
// * cpu.cap cannot be expressed (vSphere's CPU limit is in MHz, not percent
//   of a core), nor direct kernel boot or read-only disks. Only labels,
//   extraConfig and the description (annotation) change on a running VM;
//   CPU/memory hot-add is not used, and numCoresPerSocket needs it off.
// * The description is config.annotation: an empty one reads as unset, and
//   "" clears it on vSphere, but vcsim ignores an empty annotation (as it
//   does an empty extraConfig value). numCoresPerSocket reads back as vSphere
//   reports it (1 on a VM nobody set it on; 0, from old hosts, as unset);
//   vcsim applies any value without checking that numCPUs is a multiple.
// * Sessions: one vmware_soap_session cookie in a curl share used by every
//   handle; up to `parallel` (default 8) concurrent requests per target.
//   vcsim returns NotAuthenticated per property after a logout instead of a
//   fault; both trigger one re-login.
// * Destroy_Task deletes the VM's disks, so disks attached by path are
//   detached first (they are the user's).
#include "vsphere_backend.hpp"

#include <iostream>
#include <map>
#include <mutex>

#include <fmt/format.h>

#include "inventory.hpp"
#include "target_inventory.hpp"
#include "vm_guest.hpp"
#include "vm_ops.hpp"
#include "vsphere_checks.hpp"

namespace hvctl {
namespace {

using namespace hvctl::vsphere;

ClientOptions client_options(const Target& t) {
  ClientOptions o;
  o.url = t.uri;
  o.tls.insecure = t.option("insecure") == "true";
  o.tls.ca_file = t.option("ca_file");
  o.tls.thumbprint = t.option("thumbprint");
  o.max_connections = t.parallel.value_or(kDefaultParallel);
  if (const auto timeout = t.option("timeout"); !timeout.empty()) o.timeout_seconds = std::stol(timeout);
  const char* trace = std::getenv("HVCTL_SOAP_TRACE");
  o.trace = trace && *trace && std::string(trace) != "0" ? 1 : 0;
  return o;
}

class VsphereBackend final : public Backend {
public:
  explicit VsphereBackend(const Target& t)
      : session_(t, client_options(t)), inventory_(session_), ops_(session_, inventory_) {
    if (client_options(t).tls.insecure)
      std::cerr << fmt::format("warning: target '{}': TLS verification is off (insecure: true)\n", t.name);
  }

  const Capabilities& capabilities() const override { return vsphere_capabilities(); }
  std::vector<Problem> check(const VmSpec& spec) const override { return vsphere_check(spec); }
  std::vector<Problem> check_transition(const VmSpec& desired, const VmState& actual) const override {
    return vsphere_transition(desired, actual.spec);
  }

  TargetInfo probe() override {
    const auto& sc = session_.content();
    return {"vsphere", sc.full_name, session_.target().uri};
  }

  std::vector<VmState> list() override {
    auto configs = with_context(target(), "list VMs", [&] { return inventory_.vms(); });
    std::vector<VmState> out;
    std::map<std::string, Moref> refs;
    for (const auto& c : configs) {
      refs[c.name] = c.ref;
      out.push_back(to_vm_state(c));
    }
    std::lock_guard lock(mutex_);
    refs_ = std::move(refs);
    listed_ = true;
    return out;
  }

  std::vector<HostInfo> hosts() override {
    return with_context(target(), "list hosts", [&] { return read_hosts(session_); });
  }

  std::vector<NetworkInfo> networks() override {
    return with_context(target(), "list networks", [&] { return read_networks(session_); });
  }

  std::vector<StorageInfo> storage() override {
    return with_context(target(), "list datastores", [&] { return read_storage(session_); });
  }

  std::optional<VmState> lookup(const std::string& name) override {
    for (auto& vm : list())
      if (vm.name == name) return vm;
    return std::nullopt;
  }

  void create(const VmSpec& spec) override {
    if (find(spec.name, Listing::reuse)) throw BackendError(fmt::format("target '{}': VM '{}' already exists", target().name, spec.name));
    const Moref ref = with_context(target(), verb("create", spec.name), [&] { return ops_.create(spec); });
    std::lock_guard lock(mutex_);
    refs_[spec.name] = ref;
  }

  void reconfigure(const VmSpec& spec, const VmState&) override {
    on_vm(spec.name, "reconfigure", [&](const Moref& vm) { ops_.reconfigure(vm, spec); });
  }

  void power(const std::string& name, const PowerRequest& request) override {
    on_vm(name, to_string(request.op), [&](const Moref& vm) { ops_.power(vm, request); });
  }

  void destroy(const std::string& name) override {
    if (!find(name)) return;
    on_vm(name, "destroy", [&](const Moref& vm) { ops_.destroy(vm); });
    std::lock_guard lock(mutex_);
    refs_.erase(name);
  }

  std::vector<std::string> snapshot(const std::string& name, const SnapshotRequest& r) override {
    static const char* const kVerbs[] = {"create a snapshot of", "list snapshots of", "revert", "remove a snapshot of"};
    std::vector<std::string> out;
    on_vm(name, kVerbs[static_cast<int>(r.op)], [&](const Moref& vm) { out = ops_.snapshot(vm, r); });
    return out;
  }

  Readiness readiness(const VmSpec& spec) override {
    Readiness r{false, "no such VM"};
    if (!find(spec.name)) return r;
    on_vm(spec.name, "check readiness of", [&](const Moref& vm) { r = judge_readiness(read_guest_signals(session_, vm), spec.ready); });
    return r;
  }

  ConsoleAccess console(const std::string& name) override {
    ConsoleAccess access;
    on_vm(name, "open the web console of", [&](const Moref& vm) { access.url = web_console_url(session_, vm); });
    return access;
  }

  std::uint64_t soap_calls() const { return session_.client().calls(); }

private:
  const Target& target() const { return session_.target(); }
  static std::string verb(const std::string& what, const std::string& vm) {
    return fmt::format("{} VM '{}'", what, vm);
  }

  // How find() treats a name the last list() did not have: list again
  // (another client may have made it since), or take the listing as the
  // answer (create: the plan listed just before; listing the whole inventory
  // again for each new VM made creating N VMs cost N full reads).
  enum class Listing { again_when_unknown, reuse, refresh };

  // The VM's moref from the last list(), listing when unknown.
  std::optional<Moref> find(const std::string& name, Listing listing = Listing::again_when_unknown) {
    {
      std::lock_guard lock(mutex_);
      if (listed_ && listing != Listing::refresh) {
        auto it = refs_.find(name);
        if (it != refs_.end()) return it->second;
        if (listing == Listing::reuse) return std::nullopt;
      }
    }
    list();
    std::lock_guard lock(mutex_);
    auto it = refs_.find(name);
    return it == refs_.end() ? std::nullopt : std::optional<Moref>(it->second);
  }

  // Runs `fn` on the VM; when its moref went stale, lists again and retries once.
  void on_vm(const std::string& name, const std::string& what, const std::function<void(const Moref&)>& fn) {
    with_context(target(), verb(what, name), [&] {
      auto ref = find(name);
      if (!ref) throw std::invalid_argument("no such VM");
      try {
        fn(*ref);
        return;
      } catch (const SoapFault& f) {
        if (f.type() != "ManagedObjectNotFound") throw;
      }
      ref = find(name, Listing::refresh);
      if (!ref) throw std::invalid_argument("no such VM");
      fn(*ref);
    });
  }

  mutable VimSession session_;
  Inventory inventory_;
  VmOps ops_;
  std::mutex mutex_;
  std::map<std::string, Moref> refs_;
  bool listed_ = false;
};

}  // namespace

std::unique_ptr<Backend> make_vsphere_backend(const Target& t) {
  vsphere_global_init();
  return std::make_unique<VsphereBackend>(t);
}

std::uint64_t vsphere_soap_calls(const Backend& b) {
  const auto* v = dynamic_cast<const VsphereBackend*>(&b);
  return v ? v->soap_calls() : 0;
}

}  // namespace hvctl
