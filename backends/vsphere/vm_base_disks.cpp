// VmOps' part for disks made from a base image (disks[].from): read each
// image's size from its descriptor, copy it into the VM's folder, delete
// copies a failure leaves behind. base_disks.hpp says what vSphere needs.
// Also the other datastore files a spec names before anything is made: the
// ISOs of CD-ROM drives (check_isos), through the same ranged GET.
#include <algorithm>

#include <fmt/format.h>

#include "base_disks.hpp"
#include "hvctl/error.hpp"
#include "hvctl/units.hpp"
#include "vm_ops.hpp"

namespace hvctl::vsphere {
namespace {

constexpr std::size_t kDescriptorBytes = 64 * 1024;  // a descriptor is a few hundred bytes

bool has_disk(const VmConfig* vm, const std::string& id) {
  if (!vm) return false;
  const auto disks = to_vm_state(*vm).spec.disks;
  return std::any_of(disks.begin(), disks.end(), [&](const DiskSpec& d) { return d.id == id; });
}

}  // namespace

[[noreturn]] void VmOps::refuse_at(const VmSpec& spec, const char* list, std::size_t i, const std::string& id,
                                   const char* field, const std::string& why) {
  const SourceMark mark = spec.mark_of(fmt::format("{}[{}].{}", list, i, field));
  const std::string at = mark.file.empty() ? "" : mark.str() + ": ";
  throw InputError(fmt::format("{}target '{}': VM '{}': {}[{}]: {}", at, s_.target().name, spec.name, list, id, why));
}

[[noreturn]] void VmOps::refuse_disk(const VmSpec& spec, std::size_t i, const char* field, const std::string& why) {
  refuse_at(spec, "disks", i, spec.disks[i].id, field, why);
}

void VmOps::check_isos(const VmSpec& spec, const VmConfig* vm, const Moref& vm_dc) {
  const auto now = vm ? to_vm_state(*vm).spec.cdroms : std::vector<CdromSpec>{};
  for (std::size_t i = 0; i < spec.cdroms.size(); ++i) {
    const CdromSpec& cd = spec.cdroms[i];
    const auto have = std::find_if(now.begin(), now.end(), [&](const CdromSpec& c) { return c.id == cd.id; });
    if (have == now.end() && cd.bus && *cd.bus != "ide" && *cd.bus != "sata")  // vsphere_transition, for a new VM
      refuse_at(spec, "cdroms", i, cd.id, "bus", fmt::format("vSphere adds CD-ROM drives on ide or sata, not {}", *cd.bus));
    if (!cd.image || cd.image->empty()) continue;
    if (have != now.end() && have->image == cd.image) continue;  // in the drive already
    const auto iso = parse_datastore_path(*cd.image);
    if (!iso) refuse_at(spec, "cdroms", i, cd.id, "image", fmt::format("'{}' is no datastore path like '[datastore] iso/x.iso'", *cd.image));
    Moref dc;
    try {
      dc = datacenter_of_datastore(iso->datastore, vm_dc);
    } catch (const std::invalid_argument& e) {
      refuse_at(spec, "cdroms", i, cd.id, "image", fmt::format("ISO {}: {}", *cd.image, e.what()));
    }
    const auto answer = read_datastore_file(*iso, dc, 1);
    if (answer.status == 404)
      refuse_at(spec, "cdroms", i, cd.id, "image", fmt::format("ISO {} does not exist on datastore {}", *cd.image, iso->datastore));
    if (answer.status != 200 && answer.status != 206)
      throw std::runtime_error(fmt::format("cdroms[{}]: cannot read ISO {}: HTTP {}", cd.id, *cd.image, answer.status));
  }
}

Moref VmOps::datacenter_of_datastore(const std::string& datastore, const Moref& prefer) {
  const Infra& infra = inv_.infra();
  std::optional<Moref> found;
  for (const auto& o : infra.objects) {
    if (o.ref.type != "Datastore" || o.name != datastore) continue;
    const InfraObject* dc = infra.datacenter_of(o);
    if (!dc) continue;
    if (dc->ref == prefer) return dc->ref;
    if (!found) found = dc->ref;
  }
  if (!found) throw std::invalid_argument(fmt::format("no datastore named '{}'", datastore));
  return *found;
}

SoapClient::FileAnswer VmOps::read_datastore_file(const DatastorePath& p, const Moref& dc, std::size_t max_bytes) {
  s_.content();  // logged in: the GET carries the session's cookie
  return s_.client().get(datastore_file_url(s_.client().options().url, inv_.infra().path_of(dc), p), max_bytes);
}

std::vector<BaseCopy> VmOps::base_copies(const VmSpec& spec, const VmConfig* vm, const Moref& vm_dc) {
  std::vector<BaseCopy> out;
  for (std::size_t i = 0; i < spec.disks.size(); ++i) {
    const DiskSpec& d = spec.disks[i];
    if (!d.from || d.path || has_disk(vm, d.id)) continue;
    const auto source = parse_datastore_path(*d.from);
    if (!source) refuse_disk(spec, i, "from", fmt::format("'{}' is no datastore path like '[datastore] dir/base.vmdk'", *d.from));
    BaseCopy c{d.id, *source, {}, {}, vm_dc, 0};
    try {
      c.source_dc = datacenter_of_datastore(source->datastore, vm_dc);
    } catch (const std::invalid_argument& e) {
      refuse_disk(spec, i, "from", fmt::format("base image {}: {}", *d.from, e.what()));
    }
    const auto answer = read_datastore_file(*source, c.source_dc, kDescriptorBytes);
    if (answer.status == 404)
      refuse_disk(spec, i, "from", fmt::format("base image {} does not exist on datastore {}", *d.from, source->datastore));
    if (answer.status != 200 && answer.status != 206)
      throw std::runtime_error(fmt::format("disks[{}]: cannot read base image {}: HTTP {}", d.id, *d.from, answer.status));
    const auto bytes = vmdk_virtual_bytes(answer.body);
    if (!bytes)
      refuse_disk(spec, i, "from", fmt::format("base image {} is no VMDK descriptor (name the .vmdk, not its -flat.vmdk)", *d.from));
    c.image_bytes = *bytes;
    const std::uint64_t image_mib = (*bytes + (1 << 20) - 1) >> 20;
    if (d.size_mib && *d.size_mib < image_mib)
      refuse_disk(spec, i, "size", fmt::format("size {} is below the base image's virtual size of {} ({}); a disk never shrinks",
                                                format_size_mib(*d.size_mib), format_size_mib(image_mib), *d.from));
    out.push_back(std::move(c));
  }
  return out;
}

void VmOps::refuse_existing(BaseCopy& c) {
  c.dest_dc = datacenter_of_datastore(c.dest.datastore, c.source_dc);
  const auto there = read_datastore_file(c.dest, c.dest_dc, 1);
  if (there.status != 404)
    throw std::runtime_error(fmt::format("disks[{}]: {} exists already (HTTP {}); hvctl never overwrites a file: "
                                         "move it away or attach it with disks[].path",
                                         c.disk_id, c.dest.str(), there.status));
}

void VmOps::copy_bases(std::vector<BaseCopy>& copies, const VmConfig& vm, VmSpec& want, std::vector<BaseCopy>& made) {
  const Moref& vdm = s_.content().virtual_disk_manager;
  const bool host = s_.content().api_type == "HostAgent";
  for (auto& c : copies) {
    c.dest = copy_destination(vm.vm_path, vm.name, c.disk_id);
    refuse_existing(c);
    Diagnostics& diagnostics = *s_.client().options().diagnostics;
    diagnostics.log(LogLevel::verbose, fmt::format("target '{}': VM '{}': disks[{}]: copying {} ({}) to {}", s_.target().name,
                                                   vm.name, c.disk_id, c.source.str(),
                                                   format_size_mib((c.image_bytes + (1 << 20) - 1) >> 20), c.dest.str()));
    ProgressTask progress(diagnostics, fmt::format("target '{}': VM '{}': copying disk '{}'", s_.target().name, vm.name, c.disk_id));
    task("CopyVirtualDisk_Task", vdm, [&](xml::Element top) { write_copy_request(top, c, host); },
         [&](unsigned percent) { progress.update(percent); });
    made.push_back(c);
    for (auto& d : want.disks)
      if (d.id == c.disk_id) d.path = c.dest.str();
  }
}

void VmOps::delete_copies(const std::vector<BaseCopy>& made) noexcept {
  for (const auto& c : made) {
    try {
      task("DeleteVirtualDisk_Task", s_.content().virtual_disk_manager, [&](xml::Element top) {
        top.add("name", c.dest.str());
        top.add_moref("datacenter", c.dest_dc.type, c.dest_dc.value);
      });
    } catch (const std::exception&) {  // the failure that led here is the one to report
    }
  }
}

// A copy is attached at the image's size; a larger disks[].size grows it,
// once vSphere reads the attached copy (vcsim reads it as 0: it grows too).
void VmOps::grow_copies(const Moref& vm, const VmSpec& want, const std::vector<BaseCopy>& copies) {
  VmSpec grow;
  grow.name = want.name;
  for (const auto& d : want.disks)
    if (d.size_mib && std::any_of(copies.begin(), copies.end(), [&](const BaseCopy& c) { return c.disk_id == d.id; }))
      grow.disks.push_back(d);
  if (!grow.disks.empty()) send_reconfig(vm, inv_.vm(vm), grow);
}

}  // namespace hvctl::vsphere
