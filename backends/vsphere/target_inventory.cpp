// Hosts, networks and datastores, each read in bulk over a ContainerView.
//
// Where vcsim 0.24.2 answers differently from a real vCenter (measured):
// * quickStats are constants of its ESXi template (overallCpuUsage 67 MHz,
//   overallMemoryUsage 1404 MB) whatever runs on the host; a real host
//   reports live values, and none at all while disconnected.
// * A Datastore's summary.type is "OTHER" and summary.url a local directory
//   (real: VMFS, NFS, NFS41, vsan, vvol and ds:///vmfs/volumes/<uuid>/);
//   capacity and free space are those of the file system under its TMPDIR.
// * Network.host is empty for "VM Network" (a real vCenter lists its hosts),
//   so a standard port group's hosts are found from HostSystem.network,
//   which both fill. A port group added with AddPortGroup becomes a Network
//   that no host's network nor config.network.portgroup shows (vcsim keeps
//   the host's network configuration twice), so it reads with no VLAN and
//   no vSwitch; a real host reports both.
// * Its distributed switch is a plain DistributedVirtualSwitch, a real
//   vCenter's a VmwareDistributedVirtualSwitch: the view asks for both (vcsim
//   matches view types exactly, vCenter also matches subtypes).
// * A property path it does not know is reported in missingSet
//   (InvalidProperty) per object, where vCenter fails the whole call, so
//   only long-standing paths are asked for. DVPortgroupConfigInfo.uplink is
//   not one (a later API's, and vcsim leaves it unset): a distributed
//   switch's uplink port group is listed like any other, as govc does.
#include "target_inventory.hpp"
#include "vm_migrate.hpp"

#include <algorithm>
#include <charconv>
#include <set>

namespace hvctl::vsphere {
namespace {

constexpr std::uint64_t kMiB = 1024 * 1024;

template <typename T>
std::optional<T> number(const xmlNode* n) {
  if (!n) return std::nullopt;
  const std::string s = xml::text(n);
  T v{};
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

std::optional<bool> boolean(const xmlNode* n) {  // nullopt when not reported
  const std::string s = xml::text(n);
  if (s == "true" || s == "1") return true;
  if (s == "false" || s == "0") return false;
  return std::nullopt;
}

std::optional<std::uint64_t> mib(const xmlNode* bytes) {
  const auto b = number<std::uint64_t>(bytes);
  return b ? std::optional(*b / kMiB) : std::nullopt;
}

template <typename T>
void sort_by_name(std::vector<T>& v) {
  std::stable_sort(v.begin(), v.end(), [](const T& a, const T& b) { return a.name < b.name; });
}

// A standard port group's VLAN: 0 is untagged; 4095 passes every VLAN to
// the guest, which is not one VLAN id.
std::optional<int> standard_vlan(const xmlNode* spec) {
  const auto id = number<int>(xml::child(spec, "vlanId"));
  return id && *id != 4095 ? id : std::nullopt;
}

// A distributed port group's VLAN from config.defaultPortConfig (a
// VMwareDVSPortSetting): only a VlanIdSpec is one VLAN id; a TrunkVlanSpec
// (ranges) and a PvlanSpec (a private VLAN) are not.
std::optional<int> distributed_vlan(const xmlNode* port_config) {
  const xmlNode* vlan = xml::child(port_config, "vlan");
  if (xml::xsi_type(vlan) != "VmwareDistributedVirtualSwitchVlanIdSpec") return std::nullopt;
  return number<int>(xml::child(vlan, "vlanId"));
}

std::string join(const std::set<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
  return out;
}

// Reads every object of List's types under the root folder. A view made in
// a session the server then forgot dies with it (ManagedObjectNotFound, or
// NotAuthenticated after the session's one re-login): log in again and read
// once more over a new view, with a fresh collector. The view is left to the
// session, which ends it with the session (Logout) or destroys it at its end
// (a session kept for the next run), as it does the VM view.
template <typename List>
auto read_list(VimSession& s) {
  const PropSets sets = List::prop_sets();
  std::vector<std::string> types;
  for (const auto& [type, paths] : sets) types.push_back(type);
  for (int attempt = 0;; ++attempt) {
    const int generation = s.generation();
    try {
      PropertyQuery q;
      q.prop_sets = sets;
      q.view = create_container_view(s, s.content().root_folder, types);
      List list;
      retrieve(s, q, [&](const ObjectContent& o) { list.add(o); });
      return list.result();
    } catch (const SoapFault& f) {
      if (attempt > 0 || (f.type() != "ManagedObjectNotFound" && f.type() != "NotAuthenticated")) throw;
      s.renew(generation);
    }
  }
}

}  // namespace

PropSets HostList::prop_sets() {
  return {{"HostSystem",
           {"name", "parent", "runtime.connectionState", "runtime.powerState", "summary.config.product.fullName",
            "summary.hardware.numCpuThreads", "summary.hardware.numCpuCores", "summary.hardware.cpuMhz",
            "summary.hardware.memorySize", "summary.quickStats.overallCpuUsage",
            "summary.quickStats.overallMemoryUsage", "vm"}},
          {"ClusterComputeResource", {"name"}}};
}

void HostList::add(const ObjectContent& o) {
  if (o.obj.type == "ClusterComputeResource") {
    clusters_[o.obj] = o.text("name");
    return;
  }
  if (o.obj.type != "HostSystem") return;
  Host h{{}, read_moref(o.prop("parent"))};
  HostInfo& i = h.info;
  i.name = o.text("name");
  i.connection = o.text("runtime.connectionState");
  i.power = o.text("runtime.powerState");
  i.product = o.text("summary.config.product.fullName");
  i.cpus = number<int>(o.prop("summary.hardware.numCpuThreads")).value_or(0);
  const auto mhz = number<std::uint64_t>(o.prop("summary.hardware.cpuMhz"));
  const auto cores = number<std::uint64_t>(o.prop("summary.hardware.numCpuCores"));
  if (mhz && cores) i.cpu_mhz = *mhz * *cores;
  i.cpu_used_mhz = number<std::uint64_t>(o.prop("summary.quickStats.overallCpuUsage"));
  i.memory_mib = mib(o.prop("summary.hardware.memorySize"));
  const auto used = number<std::uint64_t>(o.prop("summary.quickStats.overallMemoryUsage"));  // MB
  if (i.memory_mib && used) i.memory_free_mib = *i.memory_mib - std::min(*used, *i.memory_mib);
  if (const xmlNode* vms = o.prop("vm")) i.vms = static_cast<int>(xml::children(vms, "ManagedObjectReference").size());
  hosts_.push_back(std::move(h));
}

std::vector<HostInfo> HostList::result() const {
  std::vector<HostInfo> out;
  for (const auto& h : hosts_) {
    out.push_back(h.info);
    // A standalone host's parent is a ComputeResource of its own.
    if (auto it = clusters_.find(h.parent); it != clusters_.end()) out.back().cluster = it->second;
  }
  sort_by_name(out);
  return out;
}

PropSets NetworkList::prop_sets() {
  return {{"Network", {"name", "summary.accessible"}},
          {"DistributedVirtualPortgroup",
           {"name", "summary.accessible", "config.distributedVirtualSwitch", "config.defaultPortConfig"}},
          {"DistributedVirtualSwitch", {"name"}},
          {"VmwareDistributedVirtualSwitch", {"name"}},
          {"HostSystem", {"network", "config.network.portgroup"}}};
}

void NetworkList::add(const ObjectContent& o) {
  const std::string& type = o.obj.type;
  if (type == "HostSystem") {
    Host h;
    for (const xmlNode* n : xml::children(o.prop("network"), "ManagedObjectReference")) h.networks.push_back(read_moref(n));
    for (const xmlNode* pg : xml::children(o.prop("config.network.portgroup"), "HostPortGroup")) {
      const xmlNode* spec = xml::child(pg, "spec");
      h.portgroups.push_back({xml::child_text(spec, "name"), xml::child_text(spec, "vswitchName"), standard_vlan(spec)});
    }
    hosts_.push_back(std::move(h));
  } else if (type == "Network" || type == "DistributedVirtualPortgroup") {
    Network n;
    n.ref = o.obj;
    n.info.name = o.text("name");
    n.info.active = boolean(o.prop("summary.accessible"));
    if (type == "Network") {
      n.info.type = "portgroup";
    } else {
      n.info.type = "dvportgroup";
      n.info.vlan = distributed_vlan(o.prop("config.defaultPortConfig"));
      n.dvs = read_moref(o.prop("config.distributedVirtualSwitch"));
    }
    networks_.push_back(std::move(n));
  } else if (type.ends_with("DistributedVirtualSwitch")) {
    switches_[o.obj] = o.text("name");
  }
  // OpaqueNetwork (an NSX-T segment), which a real vCenter's view of Network
  // holds too, is left out: its VLAN and switch are NSX's to tell.
}

std::vector<NetworkInfo> NetworkList::result() const {
  std::vector<NetworkInfo> out;
  for (const auto& n : networks_) {
    NetworkInfo info = n.info;
    if (info.type == "dvportgroup") {
      if (auto it = switches_.find(n.dvs); it != switches_.end()) info.detail = it->second;
    } else {
      // The port group of that name on each host attached to the network;
      // hosts may disagree, and then there is no one VLAN to show.
      std::set<std::optional<int>> vlans;
      std::set<std::string> vswitches;
      for (const auto& h : hosts_) {
        if (std::find(h.networks.begin(), h.networks.end(), n.ref) == h.networks.end()) continue;
        for (const auto& pg : h.portgroups) {
          if (pg.name != info.name) continue;
          vlans.insert(pg.vlan);
          vswitches.insert(pg.vswitch);
        }
      }
      if (vlans.size() == 1) info.vlan = *vlans.begin();
      info.detail = join(vswitches);
    }
    out.push_back(std::move(info));
  }
  sort_by_name(out);
  return out;
}

PropSets StorageList::prop_sets() {
  return {{"Datastore",
           {"summary.name", "summary.type", "summary.capacity", "summary.freeSpace", "summary.url",
            "summary.accessible"}}};
}

void StorageList::add(const ObjectContent& o) {
  if (o.obj.type != "Datastore") return;
  StorageInfo s;
  s.name = o.text("summary.name");
  s.type = o.text("summary.type");
  s.capacity_mib = mib(o.prop("summary.capacity"));
  s.free_mib = mib(o.prop("summary.freeSpace"));
  s.location = o.text("summary.url");
  s.accessible = boolean(o.prop("summary.accessible"));
  stores_.push_back(std::move(s));
}

std::vector<StorageInfo> StorageList::result() const {
  std::vector<StorageInfo> out = stores_;
  sort_by_name(out);
  return out;
}

std::vector<HostInfo> read_hosts(VimSession& session) { return read_list<HostList>(session); }
std::vector<NetworkInfo> read_networks(VimSession& session) { return read_list<NetworkList>(session); }
std::vector<StorageInfo> read_storage(VimSession& session) { return read_list<StorageList>(session); }
std::vector<HostPlace> read_host_places(VimSession& session) { return read_list<HostPlaces>(session); }

}  // namespace hvctl::vsphere
