// One VM by name without reading the inventory: the requests a lookup sends
// (goldens in tests/vsphere/fixtures/, regenerated with HVCTL_UPDATE_GOLDEN=1),
// inventory paths from a parent traversal, and against vcsim: a lookup reads
// one VM's configuration, and a name two folders share is an error naming both.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "hvctl/error.hpp"
#include "inventory.hpp"
#include "properties.hpp"
#include "tasks.hpp"
#include "vcsim_env.hpp"
#include "vim_session.hpp"
#include "vsphere_backend.hpp"
#include "vsphere_test_util.hpp"

using namespace hvctl;
using namespace hvctl::vsphere;
using namespace hvctl::vsphere::test;

namespace {

const Moref kCollector{"PropertyCollector", "propertyCollector"};

std::string request_xml(const PropertyQuery& q) {
  auto req = xml::Builder::soap("RetrievePropertiesEx");
  write_retrieve_request(req.top(), kCollector, q, 1000);
  return req.str(true);
}

void check_golden(const std::string& name, const std::string& actual) {
  const auto path = source_path("tests/vsphere/fixtures/" + name);
  const char* update = std::getenv("HVCTL_UPDATE_GOLDEN");
  if (update && std::string(update) == "1") std::ofstream(path, std::ios::binary) << actual;
  REQUIRE_MESSAGE(std::filesystem::exists(path), "missing golden file; run with HVCTL_UPDATE_GOLDEN=1");
  CHECK(read_file(path) == actual);
}

int count(const std::string& text, const std::string& what) {
  int n = 0;
  for (auto pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + 1)) ++n;
  return n;
}

}  // namespace

TEST_SUITE("vsphere") {

TEST_CASE("lookup: every VM's name over the view, then one VM's properties") {
  const std::string names = request_xml(vm_names_query({"ContainerView", "session[k]v1"}));
  check_golden("lookup-names.request.xml", names);
  // Independent of the golden: the only VirtualMachine path is name.
  CHECK(count(names, "<pathSet>") == 3);  // VM name; port group name, key
  CHECK(names.find("<pathSet>name</pathSet>") != std::string::npos);
  CHECK(names.find("config.") == std::string::npos);

  const std::string one = request_xml(vm_configs_query({{"VirtualMachine", "vm-57"}}));
  check_golden("lookup-config.request.xml", one);
  CHECK(count(one, "<objectSet>") == 1);
  CHECK(one.find("ContainerView") == std::string::npos);
  CHECK(count(one, "<pathSet>") == static_cast<int>(vm_property_paths().size()));
}

TEST_CASE("lookup: one VM's path and host name in one read of their ancestors") {
  const std::string where = request_xml(vm_location_query({"VirtualMachine", "vm-57"}, {"HostSystem", "host-21"}));
  check_golden("lookup-location.request.xml", where);
  CHECK(count(where, "<objectSet>") == 2);
  CHECK(where.find(R"(<obj type="VirtualMachine">vm-57</obj>)") != std::string::npos);
  CHECK(where.find(R"(<obj type="HostSystem">host-21</obj>)") != std::string::npos);
  CHECK(count(where, "<path>parent</path>") == 2);
  CHECK(where.find("<reportMissingObjectsInResults>true</reportMissingObjectsInResults>") != std::string::npos);
  CHECK(count(request_xml(vm_location_query({"VirtualMachine", "vm-57"}, {})), "<objectSet>") == 1);  // no host
}

TEST_CASE("list: the first read over the view adds parents, folders, datacenters and host names") {
  const std::string names = request_xml(vm_names_query({"ContainerView", "session[k]v1"}));
  const std::string listed = request_xml(vm_list_query({"ContainerView", "session[k]v1"}));
  CHECK(count(listed, "<objectSet>") == 1);
  CHECK(count(listed, "<type>HostSystem</type>") == 1);
  CHECK(count(listed, "<type>Folder</type>") == 1);
  CHECK(count(listed, "<type>Datacenter</type>") == 1);
  CHECK(count(listed, "<pathSet>parent</pathSet>") == 3);  // VM, Folder, Datacenter
  CHECK(count(listed, "<pathSet>") == count(names, "<pathSet>") + 6);
  CHECK(listed.find("config.") == std::string::npos);
  CHECK(listed.find("runtime.") == std::string::npos);
}

TEST_CASE("lookup: the paths of VMs that share a name, as govc writes them") {
  PropertyQuery q;
  q.prop_sets = {{"ManagedEntity", {"name", "parent"}}};
  q.objects = {{"VirtualMachine", "vm-1"}, {"VirtualMachine", "vm-2"}};
  q.ancestors = true;
  check_golden("lookup-ancestors.request.xml", request_xml(q));

  auto obj = [](std::string type, std::string value, std::string name, Moref parent) {
    InfraObject o;
    o.ref = {std::move(type), std::move(value)};
    o.name = std::move(name);
    o.parent = std::move(parent);
    return o;
  };
  const std::vector<InfraObject> objects = {
      obj("Folder", "group-d1", "Datacenters", {}),  // the root folder: not in paths
      obj("Datacenter", "dc-2", "DC0", {"Folder", "group-d1"}),
      obj("Folder", "group-v3", "vm", {"Datacenter", "dc-2"}),
      obj("Folder", "f-a", "a", {"Folder", "group-v3"}),
      obj("Folder", "f-b", "b", {"Folder", "group-v3"}),
      obj("VirtualMachine", "vm-1", "web", {"Folder", "f-a"}),
      obj("VirtualMachine", "vm-2", "web", {"Folder", "f-b"}),
      obj("VirtualMachine", "vm-3", "top", {"Folder", "group-v3"})};
  CHECK(inventory_paths({{"VirtualMachine", "vm-1"}, {"VirtualMachine", "vm-2"}, {"VirtualMachine", "vm-3"}},
                        objects) == std::vector<std::string>{"/DC0/vm/a/web", "/DC0/vm/b/web", "/DC0/vm/top"});
  CHECK(inventory_paths({{"VirtualMachine", "vm-9"}}, objects) == std::vector<std::string>{"vm-9"});
}

}  // TEST_SUITE

namespace {


VmSpec small_vm(const std::string& name, const std::string& folder) {
  VmSpec s;
  s.name = name;
  s.cpu.count = 1;
  s.memory.size_mib = 32;
  s.power = PowerState::stopped;
  s.vsphere = VsphereBlock{};
  s.vsphere->folder = folder;
  return s;
}

Moref create_folder(VimSession& s, const Moref& parent, const std::string& name) {
  auto req = xml::Builder::soap("CreateFolder");
  req.top().add_moref("_this", parent.type, parent.value);
  req.top().add("name", name);
  return read_moref(s.call(req, "CreateFolder").returnval());
}

void rename(VimSession& s, const Moref& vm, const std::string& name) {
  run_task(s, [&] {
    auto req = xml::Builder::soap("Rename_Task");
    req.top().add_moref("_this", vm.type, vm.value);
    req.top().add("newName", name);
    return read_moref(s.call(req, "Rename_Task").returnval());
  });
}

std::string error_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const BackendError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_SUITE("vsphere-vcsim" * doctest::skip(no_vcsim())) {

TEST_CASE("vcsim: a lookup reads one VM's configuration, whatever the inventory's size") {
  const ScopedEnv no_cache("HVCTL_NO_SESSION_CACHE", "1");  // the counts include the login
  const Target t = vcsim_target(env("HVCTL_VCSIM_URL"));
  auto b = make_vsphere_backend(t);
  const auto all = make_vsphere_backend(t)->list();
  REQUIRE(all.size() >= 4);

  const auto vm = b->lookup(all.back().name);
  REQUIRE(vm);
  CHECK(vm->uuid == all.back().uuid);
  CHECK(vsphere_stats(*b).vm_configs_read == 1);
  CHECK(vm->runtime.path == "/DC0/vm/" + all.back().name);
  // RetrieveServiceContent, Login, CreateContainerView, the names, the one VM,
  // its and its host's ancestors (path and host name)
  CHECK(vsphere_soap_calls(*b) == 6);

  SUBCASE("a verb on the VM then uses the moref the lookup found") {
    PowerRequest r;
    r.op = all.back().power == PowerState::running ? PowerOp::start : PowerOp::stop;  // a no-op
    b->power(all.back().name, r);
    CHECK(vsphere_stats(*b).vm_configs_read == 1);
  }
  SUBCASE("an unknown name reads names only") {
    CHECK_FALSE(b->lookup("no-such-vm-anywhere"));
    CHECK(vsphere_stats(*b).vm_configs_read == 1);
    CHECK(vsphere_soap_calls(*b) == 7);
  }
}

TEST_CASE("vcsim: two VMs of one name in different folders are an error naming both paths") {
  const ScopedEnv no_cache("HVCTL_NO_SESSION_CACHE", "1");
  const Target t = vcsim_target(env("HVCTL_VCSIM_URL"));
  VimSession s(t, vcsim_client(t.uri));
  Inventory inv(s);
  Moref vm_folder;
  for (const auto& o : inv.infra().objects)
    if (o.ref.type == "Datacenter" && o.name == "DC0") vm_folder = o.vm_folder;
  REQUIRE_FALSE(vm_folder.empty());
  create_folder(s, vm_folder, "dup-a");
  create_folder(s, vm_folder, "dup-b");

  auto b = make_vsphere_backend(t);  // reads the folders when it first places a VM
  b->create(small_vm("dup-web", "dup-a"));
  b->create(small_vm("dup-web-b", "dup-b"));
  const Moref second = inv.named("dup-web-b").at(0).ref;
  rename(s, second, "dup-web");

  const std::string both = "2 VMs have that name (/DC0/vm/dup-a/dup-web, /DC0/vm/dup-b/dup-web)";
  auto fresh = make_vsphere_backend(t);
  CHECK(error_of([&] { fresh->lookup("dup-web"); }) ==
        "target 'vc': look up VM 'dup-web': " + both + "; vSphere names are unique only per folder: rename one");
  CHECK(error_of([&] { fresh->power("dup-web", {}); }).find("find VM 'dup-web': " + both) != std::string::npos);
  // After a list() too: the engine's reuse of the listing does not pick one.
  auto listed = make_vsphere_backend(t);
  CHECK(listed->list().size() >= 6);
  CHECK(error_of([&] { listed->create(small_vm("dup-web", "dup-a")); }).find(both) != std::string::npos);

  rename(s, second, "dup-web-b");  // one name each again: both can go
  CHECK(fresh->lookup("dup-web"));
  fresh->destroy("dup-web");
  fresh->destroy("dup-web-b");
  CHECK_FALSE(fresh->lookup("dup-web-b"));
}

}  // TEST_SUITE
