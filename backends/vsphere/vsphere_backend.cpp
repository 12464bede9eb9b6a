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
//   port group names, and folders, datacenters and hosts: list()'s first
//   read takes every VM's parent, the folder tree and every host's name
//   with the names, so each VM's inventory path and host (VmRuntime) cost
//   no call more. A verb on a name no list() has seen costs two reads
//   whatever the inventory's size: every VM's name over the same view, then
//   the full properties of the VM of that name; lookup() adds a third, the
//   VM's and its host's ancestors (parent traversal), for its path and host.
//   vSphere names are unique only per folder: two VMs of one name are an
//   error naming both inventory paths (read through the same traversal),
//   never a guess. (The SearchIndex finds by path or by folder, not by a
//   bare name anywhere.)
// * VmRuntime: addresses are guest.net[].ipAddress (else guest.ipAddress),
//   the agent is guest.toolsRunningStatus, the boot time runtime.bootTime.
//   vcsim 0.24.2 sets only summary.runtime.bootTime (the same value on
//   vSphere), which is read when runtime.bootTime is absent; its VMs have
//   no Tools (guestToolsNotRunning) and no address unless one is set
//   through its SET.guest.ipAddress extraConfig hook or a customization.
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
//   The cookie is kept between runs, as govc does (session_cache.hpp): a run
//   that finds it alive (SessionManager.currentSession) sends no Login and,
//   at its end, no Logout, only DestroyView for the views it made.
//   vcsim returns NotAuthenticated per property after a logout instead of a
//   fault; both trigger one re-login.
// * Destroy_Task deletes the VM's disks, so disks attached by path are
//   detached first (they are the user's). A disk made from a base image
//   (disks[].from) is a copy hvctl made in the VM's folder: it goes with the VM.
// * Devices change on a running VM: a disk or NIC is added, grown (a device
//   edit of capacityInKB/capacityInBytes) and, with prune, removed by device
//   key (a disk without fileOperation: its VMDK stays) in one
//   ReconfigVM_Task; vSphere refuses it when the guest or bus cannot (IDE).
//   vcsim reads an attached existing disk's size as 0 and has no
//   ExtendVirtualDisk_Task; through vCenter, CopyVirtualDisk_Task takes no
//   destSpec (base_disks.hpp).
// * CD-ROM drives (device_writer.hpp): a drive's ISO is changed or ejected
//   live by a device edit; a drive is added or removed with the VM off,
//   since vSphere cannot hot-add IDE devices (the default bus; SATA could,
//   but the table's one column for the list cannot tell buses apart, so
//   the plan says restart for both). An ISO is looked for on its datastore
//   (a ranged GET of the file) before the VM is made or changed.
// * Controllers: spec.controllers become ParaVirtualSCSIController,
//   VirtualLsiLogicController, VirtualLsiLogicSASController,
//   VirtualBusLogicController, VirtualAHCIController or
//   VirtualNVMEController on the next free bus number. The model is the
//   device's type, which vSphere cannot edit; replacing the controller would
//   move every disk on it, so a model change is refused (impossible), not
//   planned as a restart.
// * Clones (vm_clone.hpp): CloneVM_Task is vCenter's; a standalone host has
//   none, which check_on_target says before anything is made, as it does a
//   linked clone of a source without a snapshot. vcsim 0.24.2 ignores the
//   clone spec's config, powerOn, customization and diskMoveType (the clone's
//   disk has no parent) and copies none of the source's extraConfig, so after
//   the clone hvctl reconfigures it to the spec (as govc does), then runs
//   CustomizeVM_Task unless a customization is pending (a real vCenter took
//   the clone spec's), then marks it a template if the spec says so.
//   Templates are listed with the VMs (spec.template: true). MarkAsTemplate
//   needs the VM off; MarkAsVirtualMachine needs a pool, as a template has none.
// * hvctl move (vm_move.hpp, disk_move.hpp): a disk leaves as its flat
//   extent, named by layoutEx and streamed by the datastore file access
//   (/folder/...; Range resumes a read), and arrives as a PUT of the -flat
//   file plus a descriptor, attached by path. vcsim serves GET, HEAD, PUT and
//   POST there on a real directory, without checking the session, has no
//   DELETE (FileManager deletes), reads attached disks' capacity as 0 (the
//   descriptor or the extent's length tells it) and makes no delta disk for
//   a snapshot (the VM's snapshot property says there are some).
// * spec.init is cloud-init's VMware guestinfo keys (guestinfo.hpp). vcsim's
//   CustomizeVM_Task wants the VM off and one nicSettingMap entry per
//   guest.net entry, and sets guest.hostName and guest.ipAddress at the next
//   power-on; vSphere keeps no readable copy of a customization, so hvctl
//   records it (hvctl.customization) for plans to compare.
#include "vsphere_backend.hpp"

#include <map>
#include <mutex>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "inventory.hpp"
#include "session_cache.hpp"
#include "target_inventory.hpp"
#include "vm_guest.hpp"
#include "vm_migrate.hpp"
#include "vm_move.hpp"
#include "vm_ops.hpp"
#include "vsphere_checks.hpp"

namespace hvctl {
namespace {

using namespace hvctl::vsphere;

ClientOptions client_options(const Target& t, Diagnostics& diagnostics) {
  ClientOptions o;
  o.target = t.name;
  o.diagnostics = &diagnostics;
  o.url = t.uri;
  o.tls.insecure = t.option("insecure") == "true";
  o.tls.ca_file = t.option("ca_file");
  o.tls.thumbprint = t.option("thumbprint");
  o.max_connections = t.parallel.value_or(kDefaultParallel);
  if (const auto timeout = t.option("timeout"); !timeout.empty()) o.timeout_seconds = std::stol(timeout);
  return o;
}

class VsphereBackend final : public Backend {
public:
  VsphereBackend(const Target& t, Diagnostics& diagnostics)
      : session_(t, client_options(t, diagnostics), SessionCache::for_target(t)),
        inventory_(session_),
        ops_(session_, inventory_),
        move_(session_, inventory_) {}

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
    std::set<std::string> ambiguous;
    for (const auto& c : configs) {
      if (!refs.emplace(c.name, c.ref).second) ambiguous.insert(c.name);
      out.push_back(to_vm_state(c));
    }
    for (const auto& name : ambiguous) refs.erase(name);
    std::lock_guard lock(mutex_);
    refs_ = std::move(refs);
    ambiguous_ = std::move(ambiguous);
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

  // One VM, with its path and host's name: one read more than find().
  std::optional<VmState> lookup(const std::string& name) override {
    auto config = named(name, "look up");
    if (!config) return std::nullopt;
    with_context(target(), verb("look up", name), [&] { inventory_.locate(*config); });
    return to_vm_state(*config);
  }

  // Reads only: a clone this target cannot make (a standalone host; a
  // linked clone of a source without a snapshot) is refused before the plan
  // runs. The source's existence and kind are the engine's (source_problems).
  std::vector<Problem> check_on_target(const VmSpec& desired, const VmState* actual) override {
    const auto& source = desired.source.name();
    if (actual || !source) return {};
    const SourceMark at = desired.mark_of(desired.source.vm ? "source.vm" : "source.template");
    const bool host_agent = with_context(target(), verb("check the clone source of", desired.name),
                                         [&] { return session_.content().api_type == "HostAgent"; });
    if (host_agent)
      return {{at, fmt::format("VM '{}': target '{}' is a standalone ESXi host, which cannot clone (CloneVM_Task "
                               "is vCenter's); clone through the vCenter that manages it", desired.name, target().name)}};
    if (!desired.source.linked.value_or(false)) return {};
    const auto ref = find(*source);
    if (!ref) return {};  // source_problems says so
    const auto snapshot = with_context(target(), verb("read the snapshots of", *source), [&] { return ops_.current_snapshot(*ref); });
    if (snapshot) return {};
    return {{desired.mark_of("source.linked"),
             fmt::format("VM '{}': a linked clone shares the disks of '{}' as they are in its current snapshot, and "
                         "it has none; hvctl never changes the source to make a clone possible: take one (hvctl "
                         "snapshot create {} NAME), or make full copies (leave source.linked out)",
                         desired.name, *source, *source)}};
  }

  void create(const VmSpec& spec) override {
    if (find(spec.name, Listing::reuse)) throw BackendError(fmt::format("target '{}': VM '{}' already exists", target().name, spec.name));
    const Moref ref = with_context(target(), verb("create", spec.name), [&] {
      const auto& source = spec.source.name();
      if (!source) return ops_.create(spec);
      const auto from = find(*source);
      if (!from) throw std::invalid_argument(fmt::format("source '{}' does not exist", *source));
      return ops_.clone(spec, *from);
    });
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

  // vSphere lets a VM have several snapshots of one name (vcsim 0.24.2 too),
  // but hvctl names snapshots by name alone: revert and remove would have to
  // guess. So create refuses a name the VM has already, reading the tree
  // first (another client may still make the same name in between).
  std::vector<SnapshotInfo> snapshot(const std::string& name, const SnapshotRequest& r) override {
    static const char* const kVerbs[] = {"create a snapshot of", "list snapshots of", "revert", "remove a snapshot of"};
    std::vector<SnapshotInfo> out;
    on_vm(name, kVerbs[static_cast<int>(r.op)], [&](const Moref& vm) {
      if (r.op == SnapshotRequest::Op::create)
        for (const auto& s : ops_.snapshot(vm, {SnapshotRequest::Op::list, ""}))
          if (s.name == r.name)
            throw InputError(fmt::format("target '{}': VM '{}' already has a snapshot named '{}': choose another "
                                         "name, or remove that one first (hvctl snapshot remove {} {})",
                                         target().name, name, r.name, name, r.name));
      out = ops_.snapshot(vm, r);
    });
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

  // vm_migrate.hpp: checked against one read of every host, then RelocateVM_Task.
  std::string migrate(const std::string& name, const MigrateRequest& r) override {
    const auto config = named(name, "migrate");
    if (!config) throw NotFoundError(target().name, name);
    const auto hosts = with_context(target(), verb("migrate", name), [&] { return read_host_places(session_); });
    const auto check = check_migration(*config, hosts, r.host, r.live);
    if (!check.to) throw InputError(fmt::format("target '{}': migrate VM '{}': {}", target().name, name, check.why));
    const HostPlace* from = nullptr;
    for (const auto& h : hosts)
      if (h.ref == config->host) from = &h;
    if (check.to != from)
      on_vm(name, "migrate", [&](const Moref& vm) { relocate(session_, vm, *check.to, from ? from->compute : Moref{}); });
    return from ? from->name : "";
  }

  // hvctl move (vm_move.hpp): flat extents streamed over the datastore file access.
  DiskInventory disks_for_move(const VmState& vm) override {
    DiskInventory out;
    on_vm(vm.name, "read the disks to move of", [&](const Moref& ref) { out = move_.disks(ref); });
    return out;
  }
  std::unique_ptr<DiskReader> read_disk(const VmState& vm, const DiskSource& disk, std::uint64_t offset) override {
    return move_.read(vm, disk, offset);
  }
  DiskPlacement place_disk(const VmSpec& spec, const DiskSpec& disk, std::uint64_t capacity,
                           const std::string& storage) override {
    return with_context(target(), fmt::format("place disk '{}' of VM '{}'", disk.id, spec.name),
                        [&] { return move_.place(spec, disk, capacity, storage); });
  }
  std::unique_ptr<DiskWriter> write_disk(const DiskPlacement& placement) override {
    return with_context(target(), fmt::format("write disk '{}' to {}", placement.disk_id, placement.path),
                        [&] { return move_.write(placement); });
  }
  std::unique_ptr<DiskReader> read_placed(const DiskPlacement& placement) override {
    return with_context(target(), fmt::format("read back disk '{}' at {}", placement.disk_id, placement.path),
                        [&] { return move_.read_placed(placement); });
  }

  std::uint64_t soap_calls() const { return session_.client().calls(); }
  VsphereStats stats() const { return {session_.logins(), inventory_.configs_read()}; }

private:
  const Target& target() const { return session_.target(); }
  static std::string verb(const std::string& what, const std::string& vm) {
    return fmt::format("{} VM '{}'", what, vm);
  }

  // How find() treats a name the last list() did not have: look it up
  // (another client may have made it since), or take the listing as the
  // answer (create: the plan listed just before; looking up each new VM
  // made creating N VMs cost N more reads); refresh: look up even a known name.
  enum class Listing { again_when_unknown, reuse, refresh };

  // The VM's moref, from the last list() or lookup, else looked up by name.
  // Throws BackendError when several VMs have the name.
  std::optional<Moref> find(const std::string& name, Listing listing = Listing::again_when_unknown) {
    {
      std::lock_guard lock(mutex_);
      if (listing != Listing::refresh) {
        auto it = refs_.find(name);
        if (it != refs_.end()) return it->second;
        if (listed_ && listing == Listing::reuse && !ambiguous_.contains(name)) return std::nullopt;
      }
    }
    auto config = named(name, "find");
    return config ? std::optional<Moref>(config->ref) : std::nullopt;
  }

  // The one VM named `name` (nullopt: none), read without reading the
  // others' configurations; remembers its moref for find(). Several VMs of
  // that name (in different folders) are an error naming their paths.
  std::optional<VmConfig> named(const std::string& name, const char* what) {
    auto found = with_context(target(), verb(what, name), [&] { return inventory_.named(name); });
    if (found.size() > 1) {
      std::vector<Moref> refs;
      for (const auto& vm : found) refs.push_back(vm.ref);
      const auto paths = with_context(target(), verb(what, name), [&] { return inventory_.paths(refs); });
      {
        std::lock_guard lock(mutex_);
        refs_.erase(name);
        ambiguous_.insert(name);
      }
      throw BackendError(fmt::format("target '{}': {} VM '{}': {} VMs have that name ({}); vSphere names are "
                                     "unique only per folder: rename one",
                                     target().name, what, name, found.size(), fmt::join(paths, ", ")));
    }
    std::lock_guard lock(mutex_);
    ambiguous_.erase(name);
    if (found.empty()) {
      refs_.erase(name);
      return std::nullopt;
    }
    refs_[name] = found.front().ref;
    return std::move(found.front());
  }

  // Runs `fn` on the VM; when its moref went stale, looks it up again and retries once.
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
  VmMove move_;
  std::mutex mutex_;
  std::map<std::string, Moref> refs_;
  std::set<std::string> ambiguous_;  // names several VMs have
  bool listed_ = false;
};

}  // namespace

std::unique_ptr<Backend> make_vsphere_backend(const Target& t, Diagnostics& diagnostics) {
  vsphere_global_init();
  return std::make_unique<VsphereBackend>(t, diagnostics);
}

std::uint64_t vsphere_soap_calls(const Backend& b) {
  const auto* v = dynamic_cast<const VsphereBackend*>(&b);
  return v ? v->soap_calls() : 0;
}

VsphereStats vsphere_stats(const Backend& b) {
  const auto* v = dynamic_cast<const VsphereBackend*>(&b);
  return v ? v->stats() : VsphereStats{};
}

}  // namespace hvctl
