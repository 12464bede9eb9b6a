#include "export_common.hpp"

#include <fmt/format.h>

namespace hvctl::formats {

void note_spec_only_fields(const VmSpec& spec, const std::string& format, LossLog& log) {
  if (!spec.labels.empty()) log.add("labels", fmt::format("metadata.labels are not carried over ({} has no labels)", format));
  if (spec.target) log.add("target", fmt::format("spec.target '{}' is not carried over", *spec.target));
  if (spec.power) log.add("power", fmt::format("spec.power {} is not carried over ({} has no power state)", to_string(*spec.power), format));
  if (spec.ensure == Ensure::absent) log.add("ensure", "spec.ensure absent is not carried over");
  note_lifecycle_fields(spec, format, log);
}

void note_lifecycle_fields(const VmSpec& spec, const std::string& format, LossLog& log) {
  const auto lost = [&](const char* field, const char* what) {
    log.add(field, fmt::format("spec.{} is not carried over ({} has no {})", field, format, what));
  };
  if (!spec.source.empty()) lost("source", "clone source");
  if (spec.is_template) lost("template", "template flag");
  if (spec.prune) lost("prune", "pruning");
  if (!spec.ready.empty()) lost("ready", "readiness condition");
  if (!spec.init.empty()) lost("init", "first-boot identity");
  if (spec.boot.loader) lost("boot.loader", "boot loader setting");  // (hvctl's Xen backend: pvgrub2's image as kernel)
}

void note_block(const VmSpec& spec, const std::string& block, const std::string& format, LossLog& log) {
  bool set = false;
  if (block == "xen" && spec.xen) set = !(*spec.xen == XenBlock{});
  if (block == "vsphere" && spec.vsphere) set = !(*spec.vsphere == VsphereBlock{});
  if (block == "libvirt" && spec.libvirt) set = !(*spec.libvirt == LibvirtBlock{});
  if (set) log.add(block, fmt::format("spec.{} is not carried over ({} has no {} settings)", block, format, block));
}

}  // namespace hvctl::formats
