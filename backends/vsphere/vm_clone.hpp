// The requests for spec.source, spec.template and spec.vsphere.customization:
// CloneVM_Task, MarkAsTemplate, MarkAsVirtualMachine, CustomizeVM_Task.
// Pure; their SOAP bodies are golden-tested.
//
// A clone goes where the spec places it: the folder (CloneVM_Task's folder),
// the pool and, when the spec names them, the host and datastore
// (VirtualMachineRelocateSpec; a template has no pool, so one is always
// sent). Linked: diskMoveType createNewChildDiskBacking and the source's
// current snapshot, whose disks the clone's delta disks read. The clone spec
// carries the spec's scalar settings and extraConfig (write_clone_config)
// and its guest customization, powerOn false (the engine powers on) and
// template false (MarkAsTemplate follows the reconfigure that makes the
// clone the spec's: vSphere reconfigures no template).
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "hvctl/spec.hpp"
#include "properties.hpp"
#include "vm_model.hpp"
#include "xml_tree.hpp"

namespace hvctl::vsphere {

struct CloneTarget {
  Moref folder, pool;
  std::optional<Moref> host, datastore;
  std::optional<Moref> snapshot;  // the source's current snapshot: set for a linked clone
};

// CloneVM_Task of `source` (`from` is its configuration) for `spec`.
xml::Builder clone_request(const VmSpec& spec, const VmConfig& from, const CloneTarget& target);
xml::Builder mark_as_template_request(const Moref& vm);
// Into `pool` (required: a template has none) and, when set, onto `host`.
xml::Builder mark_as_vm_request(const Moref& vm, const Moref& pool, const std::optional<Moref>& host);
// The VM's customization (write_customization) with `nics` adapters.
xml::Builder customize_request(const Moref& vm, const VmSpec& spec, std::size_t nics);

}  // namespace hvctl::vsphere
