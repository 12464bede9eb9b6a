#include "vm_ops.hpp"

#include <algorithm>
#include <stdexcept>
#include <thread>
#include <tuple>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "customization.hpp"
#include "hvctl/error.hpp"
#include "properties.hpp"
#include "vm_runtime.hpp"

namespace hvctl::vsphere {
namespace {

// Appends the VirtualMachineSnapshotTree elements `element` under `list_parent`,
// each followed by its childSnapshotList.
void walk_snapshots(const xmlNode* list_parent, const char* element, const std::string& parent_id,
                    const std::string& current, std::vector<SnapshotInfo>& out) {
  std::vector<std::pair<SnapshotInfo, const xmlNode*>> level;
  for (const xmlNode* tree : xml::children(list_parent, element)) {
    SnapshotInfo s;
    s.name = xml::child_text(tree, "name");
    s.id = read_moref(xml::child(tree, "snapshot")).value;
    s.parent = parent_id;
    s.created = parse_xsd_datetime(xml::child_text(tree, "createTime"));
    s.current = !s.id.empty() && s.id == current;
    level.emplace_back(std::move(s), tree);
  }
  std::stable_sort(level.begin(), level.end(), [](const auto& a, const auto& b) {
    return std::tie(a.first.created, a.first.name) < std::tie(b.first.created, b.first.name);
  });
  for (auto& [s, tree] : level) {
    const std::string id = s.id;
    out.push_back(std::move(s));
    walk_snapshots(tree, "childSnapshotList", id, current, out);
  }
}

}  // namespace

TaskInfo VmOps::task(const std::string& method, const Moref& self, const std::function<void(xml::Element)>& args,
                     const TaskProgress& progress) {
  return run_task(s_, [&] {
    auto req = xml::Builder::soap(method);
    req.top().add_moref("_this", self.type, self.value);
    if (args) args(req.top());
    return read_moref(s_.call(req, method).returnval());
  }, progress);
}

Moref VmOps::create(const VmSpec& spec) {
  const Moref vm = create_new(spec);
  provision(vm, spec);
  return vm;
}

Moref VmOps::create_new(const VmSpec& spec) {
  const Infra& infra = inv_.infra();
  const Placement p = resolve_placement(infra, spec.vsphere);
  CreateContext ctx{p.datastore, network_map(infra, p.datacenter)};
  for (const auto& nic : spec.nics)
    if (nic.network && !ctx.networks.count(*nic.network))
      throw std::invalid_argument(fmt::format("nics[{}]: network '{}' not found in the datacenter", nic.id, *nic.network));
  check_isos(spec, nullptr, p.datacenter);  // before anything is made
  auto copies = base_copies(spec, nullptr, p.datacenter);
  // Where vSphere will put the VM's files: a file there already is refused
  // now, as nothing of the VM exists yet (a rollback's Destroy_Task may
  // remove the VM's folder with whatever is in it; vcsim does).
  for (auto c : copies) {
    c.dest = copy_destination(fmt::format("[{}] {}/{}.vmx", p.datastore, spec.name, spec.name), spec.name, c.disk_id);
    refuse_existing(c);
  }
  const TaskInfo info = task("CreateVM_Task", p.folder, [&](xml::Element top) {
    write_create_spec(top.add("config"), spec, ctx);
    top.add_moref("pool", p.pool.type, p.pool.value);
    if (p.host) top.add_moref("host", p.host->type, p.host->value);
  });
  if (!info.result) throw std::runtime_error("CreateVM_Task returned no VM");
  if (!copies.empty()) {
    try {
      attach_bases(*info.result, inv_.vm(*info.result), spec, std::move(copies));
    } catch (...) {
      try {
        task("Destroy_Task", *info.result);  // with the copies attached to it
      } catch (const std::exception&) {  // the failure that led here is the one to report
      }
      throw;
    }
  }
  if (std::any_of(spec.nics.begin(), spec.nics.end(), [](const NicSpec& n) { return !n.mac; }))
    record_macs(*info.result);
  return *info.result;
}

void VmOps::record_macs(const Moref& vm) {
  const VmConfig now = inv_.vm(vm);
  auto probe = xml::Builder::standalone("spec");
  if (!write_nic_pins(probe.top(), now)) return;
  task("ReconfigVM_Task", vm, [&](xml::Element top) { write_nic_pins(top.add("spec"), now); });
}

void VmOps::reconfigure(const Moref& vm, const VmSpec& desired) {
  VmConfig actual = inv_.vm(vm);
  if (actual.is_template && desired.is_template == false) {
    mark_as_vm(vm, actual, desired);
    actual = inv_.vm(vm);
  }
  change(vm, actual, desired);
  const auto recorded = actual.extra_config.find(kCustomizationKey);
  const CustomizationSpec want = desired.vsphere ? desired.vsphere->customization : CustomizationSpec{};
  if (!want.empty() && !actual.is_template &&
      (recorded == actual.extra_config.end() || read_customization_record(recorded->second) != want))
    customize(vm, desired);
  if (!actual.is_template && desired.is_template == true) mark_as_template(vm);
}

void VmOps::change(const Moref& vm, const VmConfig& actual, const VmSpec& desired) {
  const auto vmx = parse_datastore_path(actual.vm_path);
  if (std::any_of(desired.cdroms.begin(), desired.cdroms.end(), [](const CdromSpec& c) { return c.image && !c.image->empty(); }))
    check_isos(desired, &actual, vmx ? datacenter_of_datastore(vmx->datastore, {}) : Moref{});
  auto copies = std::any_of(desired.disks.begin(), desired.disks.end(), [](const DiskSpec& d) { return d.from.has_value(); })
                    ? base_copies(desired, &actual, vmx ? datacenter_of_datastore(vmx->datastore, {}) : Moref{})
                    : std::vector<BaseCopy>{};
  if (copies.empty()) return send_reconfig(vm, actual, desired);
  attach_bases(vm, actual, desired, std::move(copies));
}

void VmOps::attach_bases(const Moref& vm, const VmConfig& actual, const VmSpec& desired, std::vector<BaseCopy> copies) {
  VmSpec want = desired;
  std::vector<BaseCopy> made;
  try {
    copy_bases(copies, actual, want, made);
    send_reconfig(vm, actual, want);  // copying changed nothing of the VM: `actual` holds
  } catch (...) {
    delete_copies(made);  // none is attached: a failed reconfigure changes no device
    throw;
  }
  grow_copies(vm, want, copies);
}

void VmOps::send_reconfig(const Moref& vm, const VmConfig& actual, const VmSpec& desired) {
  const Infra& infra = inv_.infra();
  NetworkMap nets;
  for (const auto* dc : infra.in({}, "Datacenter")) nets.merge(network_map(infra, dc->ref));
  auto probe = xml::Builder::standalone("spec");
  if (!write_reconfig_spec(probe.top(), desired, actual, nets)) return;
  try {
    task("ReconfigVM_Task", vm, [&](xml::Element top) { write_reconfig_spec(top.add("spec"), desired, actual, nets); });
  } catch (const SoapFault& f) {
    if (f.type() != "ConcurrentAccess") throw;
    throw std::runtime_error(
        "the VM's configuration changed while hvctl was changing it (ConcurrentAccess): nothing of this change was "
        "made; re-run to converge");
  }
  const auto ids = nic_ids(actual);
  const bool added = std::any_of(desired.nics.begin(), desired.nics.end(), [&](const NicSpec& n) {
    return !n.mac && std::none_of(ids.begin(), ids.end(), [&](const NicId& have) { return have.id == n.id; });
  });
  if (added) record_macs(vm);
}

void VmOps::shutdown_guest(const Moref& vm, std::chrono::seconds timeout) {
  auto req = xml::Builder::soap("ShutdownGuest");
  req.top().add_moref("_this", vm.type, vm.value);
  s_.call(req, "ShutdownGuest");
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  auto delay = std::chrono::milliseconds(50);
  while (inv_.power_state(vm) != "poweredOff") {
    if (std::chrono::steady_clock::now() >= deadline)
      throw TimeoutError(fmt::format("the guest did not shut down within {} s (use --force to power off)",
                                     timeout.count()));
    std::this_thread::sleep_for(delay);
    delay = std::min(delay * 2, std::chrono::milliseconds(1000));
  }
}

void VmOps::reboot(const Moref& vm, const PowerRequest& r) {
  if (r.force) {
    task("ResetVM_Task", vm);
    return;
  }
  try {
    auto req = xml::Builder::soap("RebootGuest");
    req.top().add_moref("_this", vm.type, vm.value);
    s_.call(req, "RebootGuest");
    return;
  } catch (const SoapFault& f) {
    if (f.type() != "MethodNotFound" && f.type() != "NotSupported") throw;
  }
  // No RebootGuest (vcsim): a guest shutdown, then power on.
  shutdown_guest(vm, r.timeout);
  task("PowerOnVM_Task", vm);
}

void VmOps::power(const Moref& vm, const PowerRequest& r) {
  const std::string state = inv_.power_state(vm);
  const bool on = state == "poweredOn", off = state == "poweredOff", suspended = state == "suspended";
  switch (r.op) {
    case PowerOp::start:
      if (!on) task("PowerOnVM_Task", vm);
      return;
    case PowerOp::resume:
      if (off) throw std::invalid_argument("cannot resume: the VM is stopped, not paused");
      if (suspended) task("PowerOnVM_Task", vm);
      return;
    case PowerOp::pause:
      if (off) throw std::invalid_argument("cannot pause: the VM is stopped");
      if (on) task("SuspendVM_Task", vm);
      return;
    case PowerOp::stop:
      if (off) return;
      if (r.force || suspended)  // a suspended guest cannot cooperate
        task("PowerOffVM_Task", vm);
      else
        shutdown_guest(vm, r.timeout);
      return;
    case PowerOp::reboot:
      if (!on) throw std::invalid_argument(fmt::format("cannot reboot: the VM is {}", state));
      reboot(vm, r);
      return;
  }
}

void VmOps::destroy(const Moref& vm) {
  if (inv_.power_state(vm) != "poweredOff") task("PowerOffVM_Task", vm);
  const VmConfig config = inv_.vm(vm);
  const auto it = config.extra_config.find(kAttachedKey);
  if (it != config.extra_config.end()) {
    const auto keep = split_list(it->second);
    auto detach = [&](xml::Element top) {
      auto spec = top.add("spec");
      for (const auto& d : config.disks) {
        if (std::find(keep.begin(), keep.end(), d.address) == keep.end()) continue;
        auto dev = spec.add("deviceChange");
        dev.add("operation", "remove");
        auto disk = dev.add("device");
        disk.typed("VirtualDisk");
        disk.add("key", static_cast<long long>(d.key));
        disk.add("controllerKey", static_cast<long long>(d.controller_key));
        disk.add("capacityInKB", d.capacity_kb);
      }
    };
    task("ReconfigVM_Task", vm, detach);
  }
  task("Destroy_Task", vm);
}

std::vector<SnapshotInfo> read_snapshot_info(const xmlNode* info) {
  std::vector<SnapshotInfo> out;
  walk_snapshots(info, "rootSnapshotList", "", read_moref(xml::child(info, "currentSnapshot")).value, out);
  return out;
}

std::vector<SnapshotInfo> VmOps::snapshots(const Moref& vm) {
  PropertyQuery q;
  q.prop_sets = {{"VirtualMachine", {"snapshot"}}};
  q.objects = {vm};
  std::vector<SnapshotInfo> out;
  retrieve(s_, q, [&](const ObjectContent& o) { out = read_snapshot_info(o.prop("snapshot")); });
  return out;
}

Moref VmOps::find_snapshot(const Moref& vm, const std::string& name) {
  std::vector<std::string> have, ids;
  for (const auto& s : snapshots(vm)) {
    have.push_back(s.name);
    if (s.name == name) ids.push_back(s.id);
  }
  if (ids.empty())
    throw std::runtime_error(fmt::format("no snapshot named '{}' (have: {})", name,
                                         have.empty() ? "none" : fmt::format("{}", fmt::join(have, ", "))));
  if (ids.size() > 1)  // made outside hvctl: vSphere allows it
    throw std::runtime_error(fmt::format(
        "{} snapshots are named '{}' ({}): vSphere allows that, hvctl does not guess; rename all but one in vSphere",
        ids.size(), name, fmt::join(ids, ", ")));
  return {"VirtualMachineSnapshot", ids.front()};
}

std::vector<SnapshotInfo> VmOps::snapshot(const Moref& vm, const SnapshotRequest& r) {
  switch (r.op) {
    case SnapshotRequest::Op::list:
      return snapshots(vm);
    case SnapshotRequest::Op::create:
      task("CreateSnapshot_Task", vm, [&](xml::Element top) {
        top.add("name", r.name);
        top.add("description", "created by hvctl");
        top.add("memory", false);
        top.add("quiesce", false);
      });
      break;
    case SnapshotRequest::Op::revert:
      task("RevertToSnapshot_Task", find_snapshot(vm, r.name));
      break;
    case SnapshotRequest::Op::remove:
      task("RemoveSnapshot_Task", find_snapshot(vm, r.name),
           [](xml::Element top) { top.add("removeChildren", false); });
      break;
  }
  return {};
}

}  // namespace hvctl::vsphere
