// VmOps for spec.source, spec.template and spec.vsphere.customization:
// CloneVM_Task, MarkAsTemplate / MarkAsVirtualMachine, CustomizeVM_Task.
#include <stdexcept>

#include <fmt/format.h>

#include "customization.hpp"
#include "vm_clone.hpp"
#include "vm_ops.hpp"

namespace hvctl::vsphere {
namespace {

// A *_Task request, run to its end.
TaskInfo run(VimSession& s, const xml::Builder& req, const char* method) {
  return run_task(s, [&] { return read_moref(s.call(req, method).returnval()); });
}

bool wants_customization(const VmSpec& spec) {
  return spec.vsphere && !spec.vsphere->customization.empty() && !spec.is_template.value_or(false);
}

}  // namespace

Placement VmOps::placement_near(const VmConfig& vm, const VmSpec& spec) {
  const Infra& infra = inv_.infra();
  VsphereBlock block = spec.vsphere.value_or(VsphereBlock{});
  const auto vmx = parse_datastore_path(vm.vm_path);
  if (!block.datacenter && vmx)
    if (const InfraObject* dc = infra.find(datacenter_of_datastore(vmx->datastore, {}))) block.datacenter = dc->name;
  return resolve_placement(infra, block);
}

std::optional<Moref> VmOps::current_snapshot(const Moref& vm) {
  for (const auto& s : snapshots(vm))
    if (s.current) return Moref{"VirtualMachineSnapshot", s.id};
  return std::nullopt;
}

Moref VmOps::clone(const VmSpec& spec, const Moref& source) {
  const VmConfig from = inv_.vm(source);
  const Placement p = placement_near(from, spec);
  CloneTarget target{p.folder, p.pool, p.host, std::nullopt, std::nullopt};
  if (spec.vsphere && spec.vsphere->datastore)
    for (const auto* ds : inv_.infra().in(p.datacenter, "Datastore"))
      if (ds->name == *spec.vsphere->datastore) target.datastore = ds->ref;
  if (spec.source.linked.value_or(false)) {
    target.snapshot = current_snapshot(source);
    if (!target.snapshot)  // check_on_target says so before the plan; another client may have removed it since
      throw std::invalid_argument(fmt::format("a linked clone needs a snapshot on '{}', which has none", from.name));
  }
  const TaskInfo info = run(s_, clone_request(spec, from, target), "CloneVM_Task");
  if (!info.result) throw std::runtime_error("CloneVM_Task returned no VM");
  try {
    VmSpec settings = spec;
    settings.is_template.reset();        // marked by provision(), after the reconfigure
    if (settings.vsphere) settings.vsphere->customization = {};  // customized by provision()
    change(*info.result, inv_.vm(*info.result), settings);
    record_macs(*info.result);  // the clone's NICs have new MACs: hvctl.nics names them by position until then
  } catch (...) {
    try {
      task("Destroy_Task", *info.result);
    } catch (const std::exception&) {  // the failure that led here is the one to report
    }
    throw;
  }
  provision(*info.result, spec);
  return *info.result;
}

void VmOps::provision(const Moref& vm, const VmSpec& spec) {
  try {
    if (wants_customization(spec)) customize(vm, spec);
    if (spec.is_template.value_or(false)) mark_as_template(vm);
  } catch (...) {
    try {
      task("Destroy_Task", vm);
    } catch (const std::exception&) {  // the failure that led here is the one to report
    }
    throw;
  }
}

// A clone a real vCenter customized from the clone spec has it pending;
// vcsim ignores the clone spec's, so CustomizeVM_Task then.
void VmOps::customize(const Moref& vm, const VmSpec& spec) {
  PropertyQuery q;
  q.prop_sets = {{"VirtualMachine", {"config.tools.pendingCustomization", "config.hardware.device"}}};
  q.objects = {vm};
  std::string pending;
  std::size_t nics = 0;
  retrieve(s_, q, [&](const ObjectContent& o) {
    pending = o.text("config.tools.pendingCustomization");
    VmConfig devices;
    read_devices(o.prop("config.hardware.device"), devices);
    nics = devices.nics.size();
  });
  if (pending.empty()) run(s_, customize_request(vm, spec, nics), "CustomizeVM_Task");
  record_customization(vm, spec);
}

void VmOps::record_customization(const Moref& vm, const VmSpec& spec) {
  const std::string record = customization_record(spec.vsphere->customization);
  task("ReconfigVM_Task", vm, [&](xml::Element top) {
    auto option = top.add("spec").add("extraConfig");
    option.add("key", kCustomizationKey);
    option.add("value", record).typed("xsd:string");
  });
}

void VmOps::mark_as_template(const Moref& vm) { s_.call(mark_as_template_request(vm), "MarkAsTemplate"); }

void VmOps::mark_as_vm(const Moref& vm, const VmConfig& actual, const VmSpec& desired) {
  const Placement p = placement_near(actual, desired);
  s_.call(mark_as_vm_request(vm, p.pool, p.host), "MarkAsVirtualMachine");
}

}  // namespace hvctl::vsphere
