#include "disk_move.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "vm_model.hpp"

namespace hvctl::vsphere {
namespace {

long long to_ll(const std::string& s) {
  try {
    return s.empty() ? 0 : std::stoll(s);
  } catch (const std::exception&) {
    return 0;
  }
}

bool is_flat(const std::string& backing) {
  return backing == "VirtualDiskFlatVer2BackingInfo" || backing == "VirtualDiskFlatVer1BackingInfo";
}

// Why a disk of this backing type cannot be streamed; "" when it can.
std::string backing_blocker(const MoveDisk& d, const std::string& id) {
  const std::string& t = d.backing_type;
  if (is_flat(t)) return "";
  if (t == "VirtualDiskRawDiskMappingVer1BackingInfo")
    return fmt::format("disk '{}' is a raw device mapping (RDM{}): its data is on the LUN, not in a datastore "
                       "file; migrate it to a virtual disk (Storage vMotion with a disk format) or detach it first",
                       id, d.device_name.empty() ? "" : " of " + d.device_name);
  if (t == "VirtualDiskRawDiskVer2BackingInfo" || t == "VirtualDiskPartitionedRawDiskVer2BackingInfo")
    return fmt::format("disk '{}' is a raw host disk ({}): it is no datastore file; detach it first", id, t);
  if (t == "VirtualDiskSparseVer1BackingInfo" || t == "VirtualDiskSparseVer2BackingInfo" ||
      t == "VirtualDiskSeSparseBackingInfo")
    return fmt::format("disk '{}' is a {} disk ({}), not a flat one: hvctl streams only flat extents; convert it "
                       "to a flat disk first (vmkfstools -i SOURCE.vmdk -d thin DEST.vmdk on the host, or a "
                       "Storage vMotion)",
                       id, t == "VirtualDiskSeSparseBackingInfo" ? "seSparse" : "sparse", t);
  return fmt::format("disk '{}' has a {} backing, which hvctl cannot stream; only flat disks move", id,
                     t.empty() ? "missing" : t);
}

// The files of one link of a disk's chain.
struct Link {
  std::vector<std::string> descriptors, extents;
};

Link link_files(const VmLayout& layout, const std::vector<int>& keys) {
  Link l;
  for (int k : keys) {
    const auto f = layout.files.find(k);
    if (f == layout.files.end()) continue;
    if (f->second.type == "diskDescriptor") l.descriptors.push_back(f->second.name);
    if (f->second.type == "diskExtent") l.extents.push_back(f->second.name);
  }
  return l;
}

// The disk's files, or a blocker.
std::string find_files(const MoveDisk& d, const VmLayout& layout, DiskFiles& out) {
  const auto chain = layout.chains.find(d.key);
  if (chain == layout.chains.end() || chain->second.empty())
    return fmt::format("disk '{}': vSphere lists no files for it (layoutEx); is the VM's storage accessible?", out.id);
  if (chain->second.size() > 1)
    return fmt::format("disk '{}' is a chain of {} disks (snapshots, or a linked clone's parent): a cold move copies "
                       "one flat disk; consolidate or delete the VM's snapshots first (a linked clone: make a full "
                       "clone)",
                       out.id, chain->second.size());
  const Link l = link_files(layout, chain->second.front());
  if (l.extents.size() != 1)
    return l.extents.empty()
               ? fmt::format("disk '{}' has no flat extent file in layoutEx, only its descriptor {}", out.id, d.file)
               : fmt::format("disk '{}' is split over {} extent files (twoGbMaxExtentFlat): hvctl streams one; "
                             "convert it to a single extent first (vmkfstools -i)",
                             out.id, l.extents.size());
  const auto extent = parse_datastore_path(l.extents.front());
  const auto descriptor = parse_datastore_path(l.descriptors.empty() ? d.file : l.descriptors.front());
  if (!extent || !descriptor) return fmt::format("disk '{}': '{}' is no datastore path", out.id, l.extents.front());
  out.extent = *extent;
  out.descriptor = *descriptor;
  return "";
}

std::string datastore_blocker(const DiskFiles& f, const std::map<std::string, std::string>& types) {
  const auto t = types.find(f.extent.datastore);
  if (t == types.end()) return "";
  std::string type = t->second;
  std::transform(type.begin(), type.end(), type.begin(), [](unsigned char c) { return std::tolower(c); });
  if (type != "vsan" && type != "vvol") return "";
  return fmt::format("disk '{}' is on {} datastore '{}', which keeps no flat extent file to download: Storage "
                     "vMotion the VM to a VMFS or NFS datastore first",
                     f.id, type == "vsan" ? "vSAN" : "vVol", f.extent.datastore);
}

}  // namespace

PropertyQuery move_query(const Moref& vm) {
  std::vector<std::string> paths = vm_property_paths();
  paths.insert(paths.end(), {"layoutEx", "snapshot", "datastore"});
  PropertyQuery q;
  q.prop_sets = {{"VirtualMachine", paths}};
  q.objects = {vm};
  return q;
}

std::vector<MoveDisk> read_move_disks(const xmlNode* devices) {
  std::vector<MoveDisk> out;
  for (const xmlNode* d : xml::children(devices)) {
    if (xml::xsi_type(d) != "VirtualDisk") continue;
    MoveDisk m;
    m.key = static_cast<int>(to_ll(xml::child_text(d, "key")));
    const long long bytes = to_ll(xml::child_text(d, "capacityInBytes"));
    const long long kb = to_ll(xml::child_text(d, "capacityInKB"));
    m.capacity = bytes > 0 ? static_cast<std::uint64_t>(bytes) : kb > 0 ? static_cast<std::uint64_t>(kb) * 1024 : 0;
    const xmlNode* backing = xml::child(d, "backing");
    m.backing_type = xml::xsi_type(backing);
    m.file = xml::child_text(backing, "fileName");
    m.key_id = xml::child_text(xml::child(backing, "keyId"), "keyId");
    m.device_name = xml::child_text(backing, "deviceName");
    m.has_parent = xml::child(backing, "parent") != nullptr;
    m.datastore = read_moref(xml::child(backing, "datastore"));
    out.push_back(std::move(m));
  }
  return out;
}

VmLayout read_layout(const xmlNode* layout_ex) {
  VmLayout out;
  for (const xmlNode* f : xml::children(layout_ex, "file"))
    out.files[static_cast<int>(to_ll(xml::child_text(f, "key")))] = {xml::child_text(f, "name"), xml::child_text(f, "type")};
  for (const xmlNode* d : xml::children(layout_ex, "disk")) {
    auto& chain = out.chains[static_cast<int>(to_ll(xml::child_text(d, "key")))];
    for (const xmlNode* unit : xml::children(d, "chain")) {
      std::vector<int> keys;
      for (const xmlNode* k : xml::children(unit, "fileKey")) keys.push_back(static_cast<int>(to_ll(xml::text(k))));
      chain.push_back(std::move(keys));
    }
  }
  return out;
}

MovePlan plan_move(const std::vector<MoveDisk>& disks, const std::map<int, std::string>& ids, const VmLayout& layout,
                   bool has_snapshots, const std::map<std::string, std::string>& datastore_types) {
  MovePlan plan;
  bool chain_said = false;
  for (const MoveDisk& d : disks) {
    DiskFiles f;
    const auto id = ids.find(d.key);
    f.id = id != ids.end() ? id->second : fmt::format("key {}", d.key);
    f.capacity = d.capacity;
    f.datastore = d.datastore;
    std::string why = backing_blocker(d, f.id);
    if (why.empty() && !d.key_id.empty())
      why = fmt::format("disk '{}' is encrypted (key {}): its extent holds ciphertext only the host can read; "
                        "decrypt it first (a storage policy without VM encryption)",
                        f.id, d.key_id);
    const auto chain = layout.chains.find(d.key);
    const bool chained = d.has_parent || (chain != layout.chains.end() && chain->second.size() > 1);
    const bool before_files = !why.empty();
    if (why.empty()) why = find_files(d, layout, f);
    if (why.empty() && d.has_parent)
      why = fmt::format("disk '{}' is a delta disk on a parent (snapshots, or a linked clone): consolidate or "
                        "delete the VM's snapshots first", f.id);
    // A chain on a VM with snapshots is theirs (deleting them merges it);
    // one without is a linked clone's, which only a full clone undoes.
    const bool snapshots_cause = !before_files && !why.empty() && chained && has_snapshots;
    if (why.empty()) why = datastore_blocker(f, datastore_types);
    if (chained) chain_said = true;
    if (why.empty())
      plan.disks.push_back(std::move(f));
    else
      (snapshots_cause ? plan.consolidable : plan.blockers).push_back(std::move(why));
  }
  if (has_snapshots && !chain_said)
    plan.consolidable.push_back("the VM has snapshots, which a cold move cannot carry: consolidate or delete the "
                                "VM's snapshots first (hvctl snapshot list shows them)");
  return plan;
}

DatastorePath flat_extent_path(const DatastorePath& descriptor) {
  DatastorePath out = descriptor;
  if (out.path.size() > 5 && out.path.ends_with(".vmdk")) out.path.resize(out.path.size() - 5);
  out.path += "-flat.vmdk";
  return out;
}

std::string flat_descriptor(const std::string& flat_name, std::uint64_t capacity) {
  const std::uint64_t sectors = flat_bytes(capacity) / 512;
  const std::uint64_t cylinders = std::max<std::uint64_t>(1, sectors / (255 * 63));
  return fmt::format(
      "# Disk DescriptorFile\n"
      "version=1\n"
      "encoding=\"UTF-8\"\n"
      "CID=fffffffe\n"
      "parentCID=ffffffff\n"
      "createType=\"vmfs\"\n"
      "\n"
      "# Extent description\n"
      "RW {} VMFS \"{}\"\n"
      "\n"
      "# The Disk Data Base\n"
      "#DDB\n"
      "\n"
      "ddb.adapterType = \"lsilogic\"\n"
      "ddb.geometry.cylinders = \"{}\"\n"
      "ddb.geometry.heads = \"255\"\n"
      "ddb.geometry.sectors = \"63\"\n"
      "ddb.virtualHWVersion = \"13\"\n",
      sectors, flat_name, cylinders);
}

void write_make_directory(xml::Element top, const std::string& path, const Moref& dc) {
  top.add("name", path);
  top.add_moref("datacenter", dc.type, dc.value);
  top.add("createParentDirectories", true);
}

void write_delete_file(xml::Element top, const std::string& path, const Moref& dc) {
  top.add("name", path);
  top.add_moref("datacenter", dc.type, dc.value);
}

}  // namespace hvctl::vsphere
