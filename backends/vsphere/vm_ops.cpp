#include "vm_ops.hpp"

#include <algorithm>
#include <stdexcept>
#include <thread>

#include <fmt/format.h>

#include "hvctl/error.hpp"
#include "properties.hpp"

namespace hvctl::vsphere {
namespace {

void walk_snapshots(const xmlNode* list_parent, const char* element,
                    std::vector<std::pair<std::string, Moref>>& out) {
  for (const xmlNode* tree : xml::children(list_parent, element)) {
    out.emplace_back(xml::child_text(tree, "name"), read_moref(xml::child(tree, "snapshot")));
    walk_snapshots(tree, "childSnapshotList", out);
  }
}

}  // namespace

TaskInfo VmOps::task(const std::string& method, const Moref& self, const std::function<void(xml::Element)>& args) {
  return run_task(s_, [&] {
    auto req = xml::Builder::soap(method);
    req.top().add_moref("_this", self.type, self.value);
    if (args) args(req.top());
    return read_moref(s_.call(req, method).returnval());
  });
}

Moref VmOps::create(const VmSpec& spec) {
  const Infra& infra = inv_.infra();
  const Placement p = resolve_placement(infra, spec.vsphere);
  CreateContext ctx{p.datastore, network_map(infra, p.datacenter)};
  for (const auto& nic : spec.nics)
    if (nic.network && !ctx.networks.count(*nic.network))
      throw std::invalid_argument(fmt::format("nics[{}]: network '{}' not found in the datacenter", nic.id, *nic.network));
  const TaskInfo info = task("CreateVM_Task", p.folder, [&](xml::Element top) {
    write_create_spec(top.add("config"), spec, ctx);
    top.add_moref("pool", p.pool.type, p.pool.value);
    if (p.host) top.add_moref("host", p.host->type, p.host->value);
  });
  if (!info.result) throw std::runtime_error("CreateVM_Task returned no VM");
  return *info.result;
}

void VmOps::reconfigure(const Moref& vm, const VmSpec& desired) {
  const VmConfig actual = inv_.vm(vm);
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

Moref VmOps::find_snapshot(const Moref& vm, const std::string& name, std::vector<std::string>* all) {
  PropertyQuery q;
  q.prop_sets = {{"VirtualMachine", {"snapshot"}}};
  q.objects = {vm};
  std::vector<std::pair<std::string, Moref>> found;
  retrieve(s_, q, [&](const ObjectContent& o) { walk_snapshots(o.prop("snapshot"), "rootSnapshotList", found); });
  std::string have;
  for (const auto& [n, ref] : found) {
    if (all) all->push_back(n);
    have += (have.empty() ? "" : ", ") + n;
  }
  if (all) return {};
  for (const auto& [n, ref] : found)
    if (n == name) return ref;
  throw std::invalid_argument(fmt::format("no snapshot named '{}' (have: {})", name, have.empty() ? "none" : have));
}

std::vector<std::string> VmOps::snapshot(const Moref& vm, const SnapshotRequest& r) {
  std::vector<std::string> names;
  switch (r.op) {
    case SnapshotRequest::Op::list:
      find_snapshot(vm, "", &names);
      break;
    case SnapshotRequest::Op::create:
      task("CreateSnapshot_Task", vm, [&](xml::Element top) {
        top.add("name", r.name);
        top.add("description", "created by hvctl");
        top.add("memory", false);
        top.add("quiesce", false);
      });
      break;
    case SnapshotRequest::Op::revert:
      task("RevertToSnapshot_Task", find_snapshot(vm, r.name, nullptr));
      break;
    case SnapshotRequest::Op::remove:
      task("RemoveSnapshot_Task", find_snapshot(vm, r.name, nullptr),
           [](xml::Element top) { top.add("removeChildren", false); });
      break;
  }
  return names;
}

}  // namespace hvctl::vsphere
