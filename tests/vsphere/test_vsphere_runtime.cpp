// VmRuntime on vSphere: the pure readers (xsd:dateTime, guest.net, Tools
// state) on hand-written and captured vim25 values, and against vcsim what a
// list and a lookup report for vcsim's own VMs and for one made here.
#include <doctest/doctest.h>

#include <chrono>

#include "hvctl/backend.hpp"
#include "inventory.hpp"
#include "tasks.hpp"
#include "vcsim_env.hpp"
#include "vim_session.hpp"
#include "vm_model.hpp"
#include "vm_runtime.hpp"
#include "vsphere_backend.hpp"
#include "vsphere_test_util.hpp"

using namespace hvctl;
using namespace hvctl::vsphere;
using namespace hvctl::vsphere::test;

namespace {

// A RetrievePropertiesEx answer holding one VM with `props` (propSet elements).
std::string vm_answer(const std::string& props) {
  return R"(<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body><RetrievePropertiesExResponse xmlns="urn:vim25"><returnval><objects><obj type="VirtualMachine">vm-7</obj><propSet><name>name</name><val xsi:type="xsd:string">web-01</val></propSet>)" +
         props + "</objects></returnval></RetrievePropertiesExResponse></soapenv:Body></soapenv:Envelope>";
}

std::string prop(const std::string& name, const std::string& type, const std::string& body) {
  return "<propSet><name>" + name + "</name><val xsi:type=\"" + type + "\">" + body + "</val></propSet>";
}

// guest.net of two NICs, as vSphere writes it (items typed).
const char* const kGuestNet =
    R"(<GuestNicInfo xsi:type="GuestNicInfo"><network>VM Network</network><ipAddress>10.0.0.5</ipAddress>)"
    R"(<ipAddress>fe80::250:56ff:fe01:203</ipAddress><ipAddress>2001:db8::5</ipAddress>)"
    R"(<macAddress>00:50:56:01:02:03</macAddress><connected>true</connected></GuestNicInfo>)"
    R"(<GuestNicInfo xsi:type="GuestNicInfo"><ipAddress>192.168.1.9</ipAddress><ipAddress>127.0.0.1</ipAddress>)"
    R"(<ipAddress>::1</ipAddress><ipAddress>FE80::1</ipAddress><ipAddress>febf::2</ipAddress>)"
    R"(<ipAddress>10.0.0.5</ipAddress><ipAddress>fec0::3</ipAddress></GuestNicInfo>)";

VmConfig read_answer(const std::string& props, xml::DocPtr& keep) {
  Response r = parse_response(vm_answer(props), 200);
  keep = r.doc;
  const auto result = parse_retrieve_result(r.returnval());
  REQUIRE(result.objects.size() == 1);
  return read_vm_config(result.objects[0], {});
}

std::int64_t now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

TEST_SUITE("vsphere") {

TEST_CASE("runtime: xsd:dateTime as Unix seconds") {
  // Expectations from `date -u -d ... +%s`.
  CHECK(parse_xsd_datetime("2026-12-01T12:26:07.123456Z") == 1796127967);
  CHECK(parse_xsd_datetime("2026-12-01T12:26:07Z") == 1796127967);
  CHECK(parse_xsd_datetime("2026-12-01T12:26:07") == 1796127967);  // no zone: UTC
  CHECK(parse_xsd_datetime("2026-12-01T13:26:07.5+01:00") == 1796127967);
  CHECK(parse_xsd_datetime("1999-12-31T19:00:00-05:00") == 946684800);
  CHECK(parse_xsd_datetime("2024-02-29T23:59:59Z") == 1709251199);
  CHECK(parse_xsd_datetime("1970-01-01T00:00:00Z") == 0);
  CHECK(parse_xsd_datetime("2026-12-01T14:05:02.631192894Z") == 1796127967 + 5935);  // vcsim's nanoseconds

  SUBCASE("malformed or impossible: nullopt") {
    for (const char* bad : {"", "2026-12-01", "2026-12-01 12:26:07Z", "2026-13-01T00:00:00Z", "2026-02-29T00:00:00Z",
                            "2026-12-01T24:00:00Z", "2026-12-01T12:60:00Z", "2026-12-01T12:26:07.Z",
                            "2026-12-01T12:26:07+0100", "2026-12-01T12:26:07Zjunk", "2026-12-1T12:26:07Z",
                            "+026-12-01T12:26:07Z"})
      CHECK_MESSAGE(!parse_xsd_datetime(bad), bad);
  }
}

TEST_CASE("runtime: the guest's addresses from guest.net, else guest.ipAddress") {
  auto doc = xml::parse(std::string("<val xmlns=\"urn:vim25\" xmlns:xsi=\"") + xml::kXsiNs + "\">" + kGuestNet + "</val>");
  const xmlNode* net = xmlDocGetRootElement(doc.get());
  // In the guest's order, once each; no loopback, no fe80::/10 (fec0:: is not link-local).
  const std::vector<std::string> all = {"10.0.0.5", "2001:db8::5", "192.168.1.9", "fec0::3"};
  CHECK(guest_ips(net, "10.9.9.9") == all);  // guest.ipAddress only when guest.net has none
  CHECK(guest_ips(nullptr, "10.9.9.9") == std::vector<std::string>{"10.9.9.9"});
  CHECK(guest_ips(nullptr, "fe80::1").empty());
  CHECK(guest_ips(nullptr, "").empty());

  SUBCASE("vcsim's guest.net: a NIC without addresses") {
    Response r = parse_response(sample("08-RetrievePropertiesEx-VM-arrays.response.xml"), 200);
    const auto objects = parse_retrieve_result(r.returnval()).objects;
    REQUIRE(objects.size() == 1);
    REQUIRE(xml::children(objects[0].prop("guest.net")).size() == 1);
    CHECK(guest_ips(objects[0].prop("guest.net"), "").empty());
  }
}

TEST_CASE("runtime: VMware Tools' running status as the agent") {
  CHECK(tools_agent("guestToolsRunning") == "running");
  CHECK(tools_agent("guestToolsExecutingScripts") == "running");
  CHECK(tools_agent("guestToolsNotRunning") == "not running");
  CHECK(tools_agent("") == "");
  CHECK(tools_agent("guestToolsSomethingNew") == "");
}

TEST_CASE("runtime: read with the VM's configuration") {
  xml::DocPtr doc;
  const std::string host =
      R"(<propSet><name>runtime.host</name><val type="HostSystem" xsi:type="ManagedObjectReference">host-21</val></propSet>)";
  const std::string boot = prop("runtime.bootTime", "xsd:dateTime", "2026-12-01T12:26:07.123456Z");
  const std::string summary_boot = prop("summary.runtime.bootTime", "xsd:dateTime", "2026-12-01T12:30:00Z");
  const std::string tools = prop("guest.toolsRunningStatus", "xsd:string", "guestToolsRunning");
  const std::string ip = prop("guest.ipAddress", "xsd:string", "10.9.9.9");
  const std::string net = prop("guest.net", "ArrayOfGuestNicInfo", kGuestNet);

  VmConfig vm = read_answer(host + boot + summary_boot + tools + ip + net, doc);
  CHECK(vm.host == Moref{"HostSystem", "host-21"});
  vm.host_name = "esx-01";  // what the Inventory resolves
  vm.path = "/DC0/vm/web/web-01";
  VmRuntime expected;
  expected.host = "esx-01";
  expected.path = "/DC0/vm/web/web-01";
  expected.ips = {"10.0.0.5", "2001:db8::5", "192.168.1.9", "fec0::3"};
  expected.agent = "running";
  expected.booted_at = 1796127967;  // runtime.bootTime wins over the summary's copy
  CHECK(to_vm_state(vm).runtime == expected);

  SUBCASE("only summary.runtime.bootTime, as vcsim reports") {
    CHECK(to_vm_state(read_answer(summary_boot, doc)).runtime.booted_at == 1796127967 + 233);
  }
  SUBCASE("powered off: no boot time, Tools not running, no addresses") {
    const VmRuntime off = to_vm_state(read_answer(prop("guest.toolsRunningStatus", "xsd:string", "guestToolsNotRunning"), doc)).runtime;
    CHECK_FALSE(off.booted_at);
    CHECK(off.agent == "not running");
    CHECK(off.ips.empty());
    CHECK(off.host.empty());
  }
}

}  // TEST_SUITE

namespace {

// vcsim's own hook (simulator/virtual_machine.go, applyExtraConfig): a
// "SET.guest.ipAddress" extraConfig key sets guest.ipAddress and the first
// guest.net entry's ipAddress, as Tools would, and is not kept as a key.
void vcsim_set_guest_ip(VimSession& s, const Moref& vm, const std::string& ip) {
  run_task(s, [&] {
    auto req = xml::Builder::soap("ReconfigVM_Task");
    req.top().add_moref("_this", vm.type, vm.value);
    auto option = req.top().add("spec").add("extraConfig");
    option.add("key", "SET.guest.ipAddress");
    option.add("value", ip).typed("xsd:string");
    return read_moref(s.call(req, "ReconfigVM_Task").returnval());
  });
}

const VmState* named_in(const std::vector<VmState>& vms, const std::string& name) {
  for (const auto& vm : vms)
    if (vm.name == name) return &vm;
  return nullptr;
}

}  // namespace

TEST_SUITE("vsphere-vcsim" * doctest::skip(no_vcsim())) {

TEST_CASE("vcsim: a powered-on VM's host, path and boot time, by lookup and by list") {
  const ScopedEnv no_cache("HVCTL_NO_SESSION_CACHE", "1");
  auto b = make_vsphere_backend(vcsim_target(env("HVCTL_VCSIM_URL")));
  const auto vm = b->lookup("DC0_H0_VM0");  // vcsim powers its VMs on at start
  REQUIRE(vm);
  REQUIRE(vm->power == PowerState::running);
  const VmRuntime& r = vm->runtime;
  CHECK(r.host == "DC0_H0");
  CHECK(r.path.starts_with("/DC0/vm/"));
  CHECK(r.path == "/DC0/vm/DC0_H0_VM0");
  // vcsim sets summary.runtime.bootTime at power-on, never runtime.bootTime.
  REQUIRE(r.booted_at);
  CHECK(std::abs(*r.booted_at - now()) < 86400);
  // vcsim's VMs have no VMware Tools (guestToolsNotRunning) and report no
  // address: guest.net holds one NIC with no ipAddress, guest.ipAddress is unset.
  CHECK(r.agent == "not running");
  CHECK(r.ips.empty());

  // list() reads the same from its bulk read, in as many calls as before.
  const auto before = vsphere_soap_calls(*b);
  const auto all = b->list();
  const VmState* listed = named_in(all, "DC0_H0_VM0");
  REQUIRE(listed);
  CHECK(listed->runtime == r);
  // A cluster's VM: a host of the cluster.
  const VmState* in_cluster = named_in(all, "DC0_C0_RP0_VM0");
  REQUIRE(in_cluster);
  CHECK(in_cluster->runtime.host.starts_with("DC0_C0_H"));
  CHECK(in_cluster->runtime.path == "/DC0/vm/DC0_C0_RP0_VM0");
  const std::uint64_t slices = (all.size() + 199) / 200;
  CHECK(vsphere_soap_calls(*b) == before + 1 + slices);  // the view is reused: names, then the slices
}

TEST_CASE("vcsim: a VM made here, in a folder: its path, then an address and a boot time once it runs") {
  const ScopedEnv no_cache("HVCTL_NO_SESSION_CACHE", "1");
  const Target t = vcsim_target(env("HVCTL_VCSIM_URL"));
  VimSession s(t, vcsim_client(t.uri));
  Inventory inv(s);
  Moref vm_folder;
  for (const auto& o : inv.infra().objects)
    if (o.ref.type == "Datacenter" && o.name == "DC0") vm_folder = o.vm_folder;
  REQUIRE_FALSE(vm_folder.empty());
  {
    auto req = xml::Builder::soap("CreateFolder");
    req.top().add_moref("_this", vm_folder.type, vm_folder.value);
    req.top().add("name", "rt-folder");
    s.call(req, "CreateFolder");
  }

  auto b = make_vsphere_backend(t);
  b->destroy("rt-vm");  // left by an earlier run on this simulator
  VmSpec spec;
  spec.name = "rt-vm";
  spec.memory.size_mib = 32;
  spec.nics = {NicSpec{}};
  spec.nics[0].id = "eth0";
  spec.nics[0].network = "VM Network";
  spec.vsphere = VsphereBlock{};
  spec.vsphere->folder = "rt-folder";
  b->create(spec);

  auto off = b->lookup("rt-vm");
  REQUIRE(off);
  CHECK(off->runtime.path == "/DC0/vm/rt-folder/rt-vm");
  CHECK(off->runtime.host.starts_with("DC0_C0_H"));  // the first compute resource by name: cluster DC0_C0
  CHECK_FALSE(off->runtime.booted_at);
  CHECK(off->runtime.agent == "not running");
  CHECK(off->runtime.ips.empty());

  b->power("rt-vm", {});
  vcsim_set_guest_ip(s, inv.named("rt-vm").at(0).ref, "10.0.0.5");
  auto on = b->lookup("rt-vm");
  REQUIRE(on);
  CHECK(on->runtime.ips == std::vector<std::string>{"10.0.0.5"});
  REQUIRE(on->runtime.booted_at);
  CHECK(std::abs(*on->runtime.booted_at - now()) < 600);
  CHECK(on->runtime.host == off->runtime.host);
  const auto all = b->list();
  const VmState* listed = named_in(all, "rt-vm");
  REQUIRE(listed);
  CHECK(listed->runtime == on->runtime);

  b->destroy("rt-vm");
}

}  // TEST_SUITE
