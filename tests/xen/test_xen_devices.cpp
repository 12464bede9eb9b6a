// The Xen backend's device rules without a hypervisor: what dom0 must have
// (read from a sysfs tree made here), generated MACs, and how the planner
// sees hot-plug and removal on PV and HVM guests.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "hvctl/plan.hpp"
#include "hvctl/spec_io.hpp"
#include "xen_backend.hpp"
#include "xen_backend_impl.hpp"
#include "xen_devices.hpp"

using namespace hvctl;
using namespace hvctl::xen;

namespace {

namespace fs = std::filesystem;

VmSpec vm(const std::string& body) {
  std::vector<Problem> problems;
  auto specs = parse_specs("apiVersion: hvctl/v1\nkind: VirtualMachine\nmetadata: {name: vm1}\nspec: " + body + "\n",
                           "t.yaml", problems);
  for (const auto& p : problems) INFO(p.str());
  REQUIRE(problems.empty());
  return specs.at(0);
}

// What the backend reports for a VM whose record holds `body`.
VmState running(const std::string& body) {
  VmState st;
  st.name = "vm1";
  st.power = PowerState::running;
  st.spec = effective_spec(vm(body));
  st.spec.power = st.power;
  st.cold_fields = cold_fields(st.spec);
  return st;
}

const Capabilities& xen_caps() {
  static const auto backend = [] {
    Target t;
    t.name = "x";
    t.type = "xen";
    t.uri = "libxl:local";
    return make_xen_backend(t);
  }();
  return backend->capabilities();
}

std::string restarts(const VmPlan& p) {
  std::string out;
  for (const auto& c : p.changes) out += c.field + (p.restarts_for(c) ? ":restart " : ":hot ");
  return out;
}

const char* kPv = "{boot: {kernel: /k}, xen: {type: pv}, disks: [{id: root, path: /a}], nics: [{id: eth0, network: br0}]";
const char* kHvm = "{xen: {type: hvm}, disks: [{id: root, path: /a}], nics: [{id: eth0, network: br0}]";

}  // namespace

TEST_CASE("dom0 must have each NIC's bridge and each disk's image") {
  const fs::path tmp = fs::temp_directory_path() / ("hvctl-xen-devices-" + std::to_string(getpid()));
  fs::remove_all(tmp);
  fs::create_directories(tmp / "net" / "xenbr0" / "bridge");
  fs::create_directories(tmp / "net" / "eth0");  // a NIC, not a bridge
  std::ofstream(tmp / "a.img") << "x";
  const auto spec = vm("{disks: [{id: root, path: " + (tmp / "a.img").string() + "}, {id: data, path: " +
                       (tmp / "none.img").string() + "}], nics: [{id: n0, network: xenbr0}, {id: n1, network: eth0}, "
                       "{id: n2, network: nobr}, {id: n3}]}");
  const auto problems = host_problems(spec, (tmp / "grub").string(), (tmp / "net").string());
  fs::remove_all(tmp);
  REQUIRE(problems.size() == 3);
  CHECK(problems[0].message == "VM 'vm1': NIC 'n1': dom0 has no bridge 'eth0' (no " + (tmp / "net").string() + "/eth0/bridge)");
  CHECK(problems[0].mark.line == 4);
  CHECK(problems[1].message.find("VM 'vm1': NIC 'n2': dom0 has no bridge 'nobr'") == 0);
  CHECK(problems[2].message == "VM 'vm1': disk 'data': " + (tmp / "none.img").string() + " does not exist in dom0");
}

TEST_CASE("a NIC without a MAC gets one in Xen's OUI, once") {
  VmSpec spec = vm("{nics: [{id: a, mac: '00:16:3e:00:00:01'}, {id: b}, {id: c}]}");
  assign_macs(spec);
  CHECK(spec.nics[0].mac == "00:16:3e:00:00:01");
  REQUIRE(spec.nics[1].mac);
  CHECK(spec.nics[1].mac->rfind("00:16:3e:", 0) == 0);
  CHECK(spec.nics[1].mac->size() == 17);
  CHECK(spec.nics[1].mac != spec.nics[2].mac);
  const auto kept = spec.nics[1].mac;
  assign_macs(spec);
  CHECK(spec.nics[1].mac == kept);
  VmSpec later = vm("{nics: [{id: old}, {id: new}]}");
  assign_macs(later, vm("{nics: [{id: old}]}"));  // a NIC the record had without one: libxl's, left alone
  CHECK_FALSE(later.nics[0].mac);
  CHECK(later.nics[1].mac);
}

TEST_CASE("the xen column makes disks and NICs hot-pluggable and prunable") {
  CHECK(xen_caps().hot_fields.count("disks.add"));
  CHECK(xen_caps().hot_fields.count("disks.remove"));
  CHECK(xen_caps().hot_fields.count("nics.add"));
  CHECK(xen_caps().hot_fields.count("nics.remove"));
  CHECK(xen_caps().fields.count("prune"));
}

TEST_CASE("a PV guest takes a new disk and NIC live; an HVM guest restarts for them") {
  const auto add = ", {id: data, path: /b}], nics: [{id: eth0, network: br0}, {id: eth1, network: br0}]}";
  auto grow = [&](const char* base) {
    std::string s = base;
    return vm(s.substr(0, s.find("}], nics")) + "}" + add);
  };
  const auto pv = plan_vm(grow(kPv), running(std::string(kPv) + "}"), "x", xen_caps());
  CHECK(restarts(pv) == "disks[data]:hot nics[eth1]:hot ");
  CHECK_FALSE(pv.needs_restart);
  const auto hvm = plan_vm(grow(kHvm), running(std::string(kHvm) + "}"), "x", xen_caps());
  CHECK(restarts(hvm) == "disks[data]:restart nics[eth1]:restart ");
  CHECK(hvm.needs_restart);
}

TEST_CASE("pruning is hot on PV and a restart on HVM") {
  VmSpec want_pv = vm("{boot: {kernel: /k}, xen: {type: pv}, disks: [{id: root, path: /a}], nics: []}");
  want_pv.prune = true;
  const auto pv = plan_vm(want_pv, running(std::string(kPv) + "}"), "x", xen_caps());
  CHECK(restarts(pv) == "nics[eth0]:hot ");
  VmSpec want_hvm = vm("{xen: {type: hvm}, disks: [{id: root, path: /a}], nics: []}");
  want_hvm.prune = true;
  CHECK(restarts(plan_vm(want_hvm, running(std::string(kHvm) + "}"), "x", xen_caps())) == "nics[eth0]:restart ");
}

TEST_CASE("a removal that would rename a device the running domain keeps is refused; the last one is not") {
  const auto actual = vm("{boot: {kernel: /k}, xen: {type: pv}, disks: [{id: a, path: /a}, {id: b, path: /b}], "
                         "nics: [{id: n0, network: br0}, {id: n1, network: br0}]}");
  VmSpec first = vm("{disks: [{id: b, path: /b}], nics: [{id: n1, network: br0}]}");
  first.prune = true;
  const auto renames = live_renames(first, actual, PowerState::running);
  REQUIRE(renames.size() == 2);
  CHECK(renames[0].message.find("VM 'vm1': disk 'b' is xvdb in the running domain and would become xvda") == 0);
  CHECK(renames[1].message.find("VM 'vm1': NIC 'n1' is vif 1 in the running domain and would become vif 0") == 0);
  CHECK(live_renames(first, actual, PowerState::stopped).empty());
  VmSpec last = vm("{disks: [{id: a, path: /a}], nics: [{id: n0, network: br0}]}");
  last.prune = true;
  CHECK(live_renames(last, actual, PowerState::running).empty());
  CHECK(live_renames(vm("{disks: [{id: b, path: /b}]}"), actual, PowerState::running).empty());  // (not pruned: kept)
}

TEST_CASE("devices_differ counts added and removed devices, not changed ones") {
  const auto a = vm("{disks: [{id: a, path: /a}], nics: [{id: n0}]}");
  CHECK_FALSE(devices_differ(a, vm("{disks: [{id: a, path: /other}], nics: [{id: n0, mac: '00:16:3e:00:00:01'}]}")));
  CHECK(devices_differ(a, vm("{disks: [{id: a, path: /a}, {id: b, path: /b}], nics: [{id: n0}]}")));
  CHECK(devices_differ(a, vm("{disks: [{id: a, path: /a}], nics: [{id: n1}]}")));
}
