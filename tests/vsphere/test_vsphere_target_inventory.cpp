// The host, network and datastore lists read from captured vcsim answers
// (tests/vsphere/fixtures/inventory-*.response.xml, see its README) and from
// hand-written objects for what vcsim never answers (VLAN 4095, hosts that
// disagree, a disconnected host, an NSX segment). Expected values are read
// off the captures by hand, not computed by the code under test.
#include <doctest/doctest.h>

#include <algorithm>

#include "target_inventory.hpp"
#include "vsphere_test_util.hpp"

using namespace hvctl;
using namespace hvctl::vsphere;
using hvctl::vsphere::test::read_file;

namespace {

// Feeds every object of a RetrievePropertiesEx answer to a list, as retrieve() does.
template <typename List>
auto collect(const std::string& response) {
  const Response r = parse_response(response, 200);
  List list;
  for (const auto& o : parse_retrieve_result(r.returnval()).objects) list.add(o);
  return list.result();
}

template <typename List>
auto from_fixture(const std::string& file) {
  return collect<List>(read_file(test::source_path("tests/vsphere/fixtures/" + file)));
}

// A RetrievePropertiesEx answer in vcsim's shape from <objects> elements.
std::string answer(const std::string& objects) {
  return R"(<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body><RetrievePropertiesExResponse xmlns="urn:vim25"><returnval>)" +
         objects + "</returnval></RetrievePropertiesExResponse></soapenv:Body></soapenv:Envelope>";
}

std::string host_portgroups(const std::string& host, const std::vector<std::string>& networks,
                            const std::string& pg_name, int vlan, const std::string& vswitch) {
  std::string refs;
  for (const auto& n : networks) refs += "<ManagedObjectReference type=\"Network\">" + n + "</ManagedObjectReference>";
  return "<objects><obj type=\"HostSystem\">" + host + "</obj>"
         "<propSet><name>network</name><val xsi:type=\"ArrayOfManagedObjectReference\">" + refs + "</val></propSet>"
         "<propSet><name>config.network.portgroup</name><val xsi:type=\"ArrayOfHostPortGroup\"><HostPortGroup><spec>"
         "<name>" + pg_name + "</name><vlanId>" + std::to_string(vlan) + "</vlanId><vswitchName>" + vswitch +
         "</vswitchName></spec></HostPortGroup></val></propSet></objects>";
}

std::string network(const std::string& type, const std::string& ref, const std::string& name) {
  return "<objects><obj type=\"" + type + "\">" + ref + "</obj><propSet><name>name</name><val xsi:type=\"xsd:string\">" +
         name + "</val></propSet></objects>";
}

template <typename T>
const T& named(const std::vector<T>& items, const std::string& name) {
  auto it = std::find_if(items.begin(), items.end(), [&](const T& i) { return i.name == name; });
  REQUIRE_MESSAGE(it != items.end(), "no " << name);
  return *it;
}

}  // namespace

TEST_SUITE("vsphere") {

TEST_CASE("inventory: hosts from a captured vcsim answer, with their cluster, sorted by name") {
  const auto hosts = from_fixture<HostList>("inventory-hosts.response.xml");
  REQUIRE(hosts.size() == 2);
  CHECK(hosts[0].name == "DC0_C0_H0");
  CHECK(hosts[1].name == "DC0_H0");

  const HostInfo& h = hosts[0];
  CHECK(h.cluster == "DC0_C0");
  CHECK(h.connection == "connected");
  CHECK(h.power == "poweredOn");
  CHECK(h.product == "VMware ESXi 6.5.0 build-5969303");
  CHECK(h.cpus == 2);
  CHECK(h.cpu_mhz == 4588u);             // 2294 MHz x 2 cores
  CHECK(h.cpu_used_mhz == 67u);
  CHECK(h.memory_mib == 4095u);          // 4294430720 bytes
  CHECK(h.memory_free_mib == 2691u);     // minus overallMemoryUsage 1404 MB
  CHECK(h.vms == 1);

  CHECK(hosts[1].cluster == "");         // standalone: its parent is a ComputeResource
  CHECK(hosts[1].vms == 2);
}

TEST_CASE("inventory: networks from a captured vcsim answer: port groups, distributed ones, VLANs") {
  const auto nets = from_fixture<NetworkList>("inventory-networks.response.xml");
  std::vector<std::string> names;
  for (const auto& n : nets) names.push_back(n.name);
  CHECK(names == std::vector<std::string>{"DC0_DVPG0", "DC0_DVPG_TRUNK", "DC0_DVPG_V20", "DVS0-DVUplinks-9", "PG_V10",
                                          "VM Network"});

  const NetworkInfo& vm_network = named(nets, "VM Network");
  CHECK(vm_network.type == "portgroup");
  CHECK(vm_network.vlan == 0);
  CHECK(vm_network.detail == "vSwitch0");
  CHECK(vm_network.active == true);

  const NetworkInfo& dvpg = named(nets, "DC0_DVPG0");
  CHECK(dvpg.type == "dvportgroup");
  CHECK(dvpg.vlan == 0);
  CHECK(dvpg.detail == "DVS0");
  CHECK(dvpg.active == true);

  CHECK(named(nets, "DC0_DVPG_V20").vlan == 20);
  CHECK_FALSE(named(nets, "DC0_DVPG_TRUNK").vlan);    // 100-200: not one VLAN
  CHECK_FALSE(named(nets, "DVS0-DVUplinks-9").vlan);  // trunk 0-4094
  CHECK(named(nets, "DVS0-DVUplinks-9").detail == "DVS0");

  // Added with `govc host.portgroup.add -vlan 10`: vcsim shows it in no
  // host's configuration (a real host reports VLAN 10 on vSwitch0).
  const NetworkInfo& added = named(nets, "PG_V10");
  CHECK(added.type == "portgroup");
  CHECK_FALSE(added.vlan);
  CHECK(added.detail == "");
}

TEST_CASE("inventory: a standard port group's VLAN only when its hosts agree on one id") {
  const auto nets = collect<NetworkList>(answer(
      network("Network", "network-1", "agreed") + network("Network", "network-2", "split") +
      network("Network", "network-3", "trunk") + network("OpaqueNetwork", "network-o1", "nsx-segment") +
      host_portgroups("host-1", {"network-1", "network-2", "network-3"}, "agreed", 30, "vSwitch0") +
      host_portgroups("host-2", {"network-1"}, "agreed", 30, "vSwitch1") +
      // host-3 has a port group "agreed" of another datacenter's network: not counted
      host_portgroups("host-3", {"network-9"}, "agreed", 99, "vSwitch9") +
      host_portgroups("host-4", {"network-2"}, "split", 40, "vSwitch0") +
      host_portgroups("host-5", {"network-2"}, "split", 41, "vSwitch0") +
      host_portgroups("host-6", {"network-3"}, "trunk", 4095, "vSwitch0")));
  REQUIRE(nets.size() == 3);  // the NSX segment is left out
  CHECK(named(nets, "agreed").vlan == 30);
  CHECK(named(nets, "agreed").detail == "vSwitch0, vSwitch1");
  CHECK_FALSE(named(nets, "split").vlan);
  CHECK_FALSE(named(nets, "trunk").vlan);  // 4095: every VLAN
  CHECK_FALSE(named(nets, "agreed").active.has_value());  // summary.accessible not reported
}

TEST_CASE("inventory: a host that reports no hardware or stats has those fields unset") {
  const auto hosts = collect<HostList>(answer(
      R"(<objects><obj type="HostSystem">host-9</obj>)"
      R"(<propSet><name>name</name><val xsi:type="xsd:string">esx-down</val></propSet>)"
      R"(<propSet><name>runtime.connectionState</name><val xsi:type="HostSystemConnectionState">notResponding</val></propSet>)"
      R"(</objects>)"));
  REQUIRE(hosts.size() == 1);
  CHECK(hosts[0].connection == "notResponding");
  CHECK(hosts[0].cpus == 0);
  CHECK_FALSE(hosts[0].cpu_mhz);
  CHECK_FALSE(hosts[0].cpu_used_mhz);
  CHECK_FALSE(hosts[0].memory_mib);
  CHECK_FALSE(hosts[0].memory_free_mib);
  CHECK_FALSE(hosts[0].vms);
  CHECK(hosts[0].cluster == "");
}

TEST_CASE("inventory: datastores from a captured vcsim answer, bytes to MiB") {
  const auto stores = from_fixture<StorageList>("inventory-storage.response.xml");
  REQUIRE(stores.size() == 1);
  const StorageInfo& ds = stores[0];
  CHECK(ds.name == "LocalDS_0");
  CHECK(ds.type == "OTHER");                // vcsim's; VMFS, NFS, vsan... on vSphere
  CHECK(ds.capacity_mib == 258019u);        // 270553174016 bytes
  CHECK(ds.free_mib == 218225u);            // 228825554944 bytes
  CHECK(ds.location == "/tmp/v1-sim/tmp/govcsim-DC0-LocalDS_0-706477955");  // a directory on vcsim
  CHECK(ds.accessible == true);
}

TEST_CASE("inventory: a distributed port group on a vCenter's VmwareDistributedVirtualSwitch") {
  // vcsim's switch is a plain DistributedVirtualSwitch (the captures); a real
  // vCenter's is this subtype, and the view must ask for it by name on vcsim.
  const auto& sets = NetworkList::prop_sets();
  CHECK(std::count_if(sets.begin(), sets.end(), [](auto& s) { return s.first == "VmwareDistributedVirtualSwitch"; }) == 1);
  const auto nets = collect<NetworkList>(answer(
      network("VmwareDistributedVirtualSwitch", "dvs-21", "dvSwitch-prod") +
      R"(<objects><obj type="DistributedVirtualPortgroup">dvportgroup-22</obj>)"
      R"(<propSet><name>name</name><val xsi:type="xsd:string">prod-vlan120</val></propSet>)"
      R"(<propSet><name>summary.accessible</name><val xsi:type="xsd:boolean">false</val></propSet>)"
      R"(<propSet><name>config.distributedVirtualSwitch</name><val xsi:type="ManagedObjectReference" type="VmwareDistributedVirtualSwitch">dvs-21</val></propSet>)"
      R"(<propSet><name>config.defaultPortConfig</name><val xsi:type="VMwareDVSPortSetting"><vlan xsi:type="VmwareDistributedVirtualSwitchPvlanSpec"><inherited>false</inherited><pvlanId>121</pvlanId></vlan></val></propSet>)"
      R"(</objects>)"));
  REQUIRE(nets.size() == 1);
  CHECK(nets[0].type == "dvportgroup");
  CHECK(nets[0].detail == "dvSwitch-prod");
  CHECK_FALSE(nets[0].vlan);  // a private VLAN is not one VLAN id
  CHECK(nets[0].active == false);
}

}  // TEST_SUITE
