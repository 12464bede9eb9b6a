// Against vcsim's default inventory (vcsim -> DC0 with the standalone host
// DC0_H0, cluster DC0_C0 of three hosts, "VM Network", DVS0 with DC0_DVPG0,
// LocalDS_0): hvctl hosts / networks / storage through the backend, each in a
// constant number of calls. Skipped unless HVCTL_VCSIM_URL is set.
#include <doctest/doctest.h>

#include <algorithm>

#include "properties.hpp"
#include "target_inventory.hpp"
#include "vcsim_env.hpp"
#include "vsphere_backend.hpp"

using namespace hvctl;
using namespace hvctl::vsphere;
using namespace hvctl::vsphere::test;

namespace {

template <typename T>
const T& named(const std::vector<T>& items, const std::string& name) {
  auto it = std::find_if(items.begin(), items.end(), [&](const T& i) { return i.name == name; });
  REQUIRE_MESSAGE(it != items.end(), "no " << name);
  return *it;
}

ClientOptions insecure_options(const std::string& url) {
  ClientOptions o;
  o.url = url;
  o.tls.insecure = true;
  return o;
}

// Paths that vcsim does not know come back per object in missingSet
// (InvalidProperty); a real vCenter fails the whole call on them.
std::vector<std::string> unknown_paths(VimSession& s, const PropSets& sets) {
  std::vector<std::string> types;
  for (const auto& [type, paths] : sets) types.push_back(type);
  PropertyQuery q;
  q.prop_sets = sets;
  q.view = create_container_view(s, s.content().root_folder, types);
  std::vector<std::string> out;
  retrieve(s, q, [&](const ObjectContent& o) {
    for (const auto& [path, fault] : o.missing) out.push_back(o.obj.type + "." + path + ": " + fault);
  });
  return out;
}

}  // namespace

TEST_SUITE("vsphere-vcsim" * doctest::skip(no_vcsim())) {

TEST_CASE("vcsim: hosts, networks and datastores of the default inventory, two calls each") {
  auto b = make_vsphere_backend(vcsim_target(env("HVCTL_VCSIM_URL")));
  b->probe();
  auto calls = vsphere_soap_calls(*b);

  const auto hosts = b->hosts();
  // CreateContainerView, RetrievePropertiesEx (vcsim never pages)
  CHECK(vsphere_soap_calls(*b) == calls + 2);
  calls = vsphere_soap_calls(*b);
  CHECK(hosts.size() >= 4);
  const HostInfo& h = named(hosts, "DC0_C0_H0");
  CHECK(h.cluster == "DC0_C0");
  CHECK(h.connection == "connected");
  CHECK(h.power == "poweredOn");
  CHECK(h.product.find("VMware ESXi") == 0);
  CHECK(h.cpus > 0);
  REQUIRE(h.memory_mib.has_value());
  CHECK(*h.memory_mib > 0);
  REQUIRE(h.memory_free_mib.has_value());
  CHECK(*h.memory_free_mib <= *h.memory_mib);
  CHECK(h.vms.has_value());  // how many: vcsim places cluster VMs on a random host
  const HostInfo& standalone = named(hosts, "DC0_H0");
  CHECK(standalone.cluster == "");
  REQUIRE(standalone.vms.has_value());
  CHECK(*standalone.vms >= 2);  // DC0_H0_VM0 and DC0_H0_VM1

  const auto nets = b->networks();
  CHECK(vsphere_soap_calls(*b) == calls + 2);
  calls = vsphere_soap_calls(*b);
  const NetworkInfo& vm_network = named(nets, "VM Network");
  CHECK(vm_network.type == "portgroup");
  CHECK(vm_network.vlan == 0);
  CHECK(vm_network.detail == "vSwitch0");
  const NetworkInfo& dvpg = named(nets, "DC0_DVPG0");
  CHECK(dvpg.type == "dvportgroup");
  CHECK(dvpg.detail == "DVS0");
  CHECK(dvpg.vlan == 0);

  const auto stores = b->storage();
  CHECK(vsphere_soap_calls(*b) == calls + 2);
  const StorageInfo& ds = named(stores, "LocalDS_0");
  REQUIRE(ds.capacity_mib.has_value());
  REQUIRE(ds.free_mib.has_value());
  CHECK(*ds.capacity_mib > 0);
  CHECK(*ds.free_mib <= *ds.capacity_mib);
  CHECK(ds.accessible == true);
  CHECK(!ds.location.empty());
}

TEST_CASE("vcsim: every property path the lists ask for is one vSphere knows") {
  const std::string url = env("HVCTL_VCSIM_URL");
  VimSession s(vcsim_target(url), insecure_options(url));
  CHECK(unknown_paths(s, HostList::prop_sets()).empty());
  CHECK(unknown_paths(s, NetworkList::prop_sets()).empty());
  CHECK(unknown_paths(s, StorageList::prop_sets()).empty());
  // and the check can see one
  CHECK(unknown_paths(s, {{"Datastore", {"summary.capacityy"}}}).size() >= 1);
}

TEST_CASE("vcsim: a list after the server forgot the session logs in again once") {
  const std::string url = env("HVCTL_VCSIM_URL");
  VimSession s(vcsim_target(url), insecure_options(url));
  REQUIRE(!read_storage(s).empty());
  const int generation = s.generation();
  auto logout = xml::Builder::soap("Logout");
  logout.top().add_moref("_this", s.content().session_manager.type, s.content().session_manager.value);
  s.client().call(logout, "Logout");  // the server ends the session; the client keeps its cookie
  CHECK(named(read_hosts(s), "DC0_C0_H0").cluster == "DC0_C0");
  CHECK(s.generation() == generation + 1);
}

}  // TEST_SUITE
