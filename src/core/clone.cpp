// Clones, as every backend sees them. vSphere clones on the server
// (CloneVM_Task); libvirt and Xen make the clone's disks from the source's
// images themselves, which is why their source must be stopped: a disk copied
// while its guest writes is torn. A linked clone's overlays read the source's
// images for as long as the clone lives, so there the source must be a
// template, which hvctl never starts.
#include "hvctl/clone.hpp"

#include <fmt/format.h>

#include "hvctl/spec_overlay.hpp"

namespace hvctl {

std::vector<Problem> source_problems(const VmSpec& desired, const std::map<std::string, VmState>& inventory,
                                     const Capabilities& caps) {
  const auto& source = desired.source;
  const auto& name = source.name();
  if (!name) return {};
  const SourceMark at = desired.mark_of(source.vm ? "source.vm" : "source.template");
  const char* noun = source.vm ? "VM" : "template";
  const auto it = inventory.find(*name);
  if (it == inventory.end())
    return {{at, fmt::format("VM '{}': source {} '{}' does not exist on this target; nothing was made", desired.name,
                             noun, *name)}};
  const VmState& found = it->second;
  const bool is_template = found.spec.is_template.value_or(false);
  if (source.template_name && !is_template)
    return {{at, fmt::format("VM '{}': source template '{}' is a VM, not a template (spec.template: true); clone it "
                             "with source.vm", desired.name, *name)}};
  if (source.vm && is_template)
    return {{at, fmt::format("VM '{}': source VM '{}' is a template; clone it with source.template", desired.name,
                             *name)}};
  std::vector<Problem> out;
  if (!caps.clone_running && found.power != PowerState::stopped)
    out.push_back({at, fmt::format("VM '{}': source VM '{}' is {}: a {} target copies a source's disks itself, so the "
                                   "source must be stopped (hvctl never stops it for a clone)", desired.name, *name,
                                   to_string(found.power), caps.backend)});
  if (source.linked.value_or(false) && !is_template && !caps.clone_running)
    out.push_back({desired.mark_of("source.linked"),
                   fmt::format("VM '{}': a linked clone's overlays read VM '{}''s disks for as long as the clone "
                               "lives, and a VM's disks change when it runs: link to a template, or make full copies "
                               "(leave source.linked out)", desired.name, *name)});
  return out;
}

namespace {

// The source's settings without its identity: what every clone starts as.
VmSpec settings_of(const VmSpec& source, bool linked) {
  VmSpec base = source;
  base.labels.clear();
  base.description.reset();
  base.is_template.reset();
  base.autostart = {};  // a clone starts with its host only when its own spec says so
  base.init = {};
  base.source = {};
  base.power.reset();
  base.ready = {};
  base.prune.reset();
  base.field_marks.clear();
  if (base.vsphere) base.vsphere->customization = {};
  for (auto& nic : base.nics) nic.mac.reset();
  for (auto& disk : base.disks) {
    if (disk.readonly.value_or(false) || !disk.path) continue;  // shared as it is
    DiskSpec made;
    made.id = disk.id;
    made.bus = disk.bus;
    made.controller = disk.controller;
    made.from = disk.path;
    made.copy_from = !linked;
    if (!linked) made.format = disk.format;  // an overlay's format is the backend's (qcow2)
    disk = std::move(made);
  }
  return base;
}

}  // namespace

VmSpec clone_spec(const VmState& source, const VmSpec& desired) {
  VmSpec base = settings_of(source.spec, desired.source.linked.value_or(false));
  // A disk the spec gives an image of its own (path or from) is the spec's, not the source's.
  for (const auto& want : desired.disks)
    if (want.path || want.from)
      std::erase_if(base.disks, [&](const DiskSpec& d) { return d.id == want.id; });
  VmSpec out = overlay_spec(base, desired);  // identity fields: base has none, so they are desired's
  out.reinit = desired.reinit;
  out.delete_images = desired.delete_images;
  return out;
}

std::string describe_source(const SourceSpec& source) {
  const auto& name = source.name();
  if (!name) return "";
  return fmt::format("clone of {}{}", *name, source.linked.value_or(false) ? ", linked" : "");
}

}  // namespace hvctl
