// Golden tests of the pure translation VmSpec -> VirtualMachineConfigSpec:
// tests/golden/vsphere/<case>.yaml against <case>.xml. After an intended
// change, regenerate with HVCTL_UPDATE_GOLDEN=1 and review the diff.
// Also reconfigure specs against a VM read from a captured vcsim answer.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>

#include "hvctl/spec_io.hpp"
#include "translate.hpp"
#include "vsphere_checks.hpp"
#include "vsphere_fixture.hpp"

namespace fs = std::filesystem;
using namespace hvctl;
using namespace hvctl::vsphere;
using namespace hvctl::vsphere::test;

namespace {

const fs::path kGoldenDir = test::source_path("tests/golden/vsphere");

VmSpec load_one(const fs::path& yaml) {
  std::vector<Problem> problems;
  auto specs = parse_specs(read_file(yaml), yaml.string(), problems);
  REQUIRE_MESSAGE(problems.empty(), (problems.empty() ? "" : problems.front().str()));
  REQUIRE(specs.size() == 1);
  return specs.front();
}

CreateContext golden_context(const VmSpec& spec) {
  CreateContext ctx;
  ctx.datastore = spec.vsphere && spec.vsphere->datastore ? *spec.vsphere->datastore : "LocalDS_0";
  ctx.networks["VM Network"] = {};
  ctx.networks["DC0_DVPG0"] = {true, "dvportgroup-13", "fea97929-4b2d-5972-b146-930c6d0b4014"};
  return ctx;
}

// A VM of a captured vcsim answer, read the way list() reads it.
// The elements of VirtualMachineConfigSpec that hvctl writes, in the order of
// the vim25 WSDL's sequence (govmomi vim25/types.VirtualMachineConfigSpec).
const std::vector<std::string> kConfigSpecOrder = {
    "changeVersion", "name",     "guestId",      "annotation",    "files",       "numCPUs",
    "numCoresPerSocket", "memoryMB", "deviceChange", "cpuAllocation", "extraConfig", "firmware"};

// The top-level elements of a spec document, repeats folded ("deviceChange" once).
std::vector<std::string> top_elements(const std::string& doc) {
  const auto tree = xml::parse(doc);
  std::vector<std::string> out;
  for (const xmlNode* n : xml::children(xmlDocGetRootElement(tree.get())))
    if (out.empty() || out.back() != xml::local_name(n)) out.push_back(xml::local_name(n));
  return out;
}

// Where each element sits in the WSDL sequence; -1 for one it does not list.
std::vector<long> wsdl_positions(const std::vector<std::string>& names) {
  std::vector<long> out;
  for (const auto& n : names) {
    const auto it = std::find(kConfigSpecOrder.begin(), kConfigSpecOrder.end(), n);
    out.push_back(it == kConfigSpecOrder.end() ? -1 : it - kConfigSpecOrder.begin());
  }
  return out;
}

VmSpec topology_spec() {
  VmSpec spec;
  spec.name = "topology-vm";
  spec.description = "Notes <a> & \"b\".\nSecond line.";
  spec.cpu.count = 4;
  spec.cpu.cores_per_socket = 2;
  spec.memory.size_mib = 128;
  return spec;
}

}  // namespace

TEST_SUITE("vsphere") {

TEST_CASE("golden: VmSpec -> CreateVM_Task config") {
  const bool update = std::getenv("HVCTL_UPDATE_GOLDEN") && std::string(std::getenv("HVCTL_UPDATE_GOLDEN")) == "1";
  int cases = 0;
  for (const auto& entry : fs::directory_iterator(kGoldenDir)) {
    if (entry.path().extension() != ".yaml") continue;
    ++cases;
    const VmSpec spec = load_one(entry.path());
    const std::string xml = create_spec_document(spec, golden_context(spec));
    auto xml_path = entry.path();
    xml_path.replace_extension(".xml");
    CAPTURE(xml_path);
    if (update) {
      std::ofstream(xml_path, std::ios::binary) << xml;
      continue;
    }
    REQUIRE_MESSAGE(fs::exists(xml_path), "missing golden file; run with HVCTL_UPDATE_GOLDEN=1");
    CHECK(xml == read_file(xml_path));
  }
  CHECK(cases >= 3);
}

TEST_CASE("translation reads back: a created VM equals its spec") {
  const VmState st = to_vm_state(fixture_vm("fixture-vm"));
  const VmSpec& s = st.spec;
  CHECK(st.power == PowerState::running);
  CHECK(s.cpu.count == 2);
  CHECK(s.cpu.weight == 1500);
  CHECK(s.memory.size_mib == 256u);
  CHECK(s.firmware == Firmware::uefi);
  CHECK(s.labels == std::map<std::string, std::string>{{"owner", "team-a"}, {"tier", "web"}});
  REQUIRE(s.disks.size() == 2);
  CHECK(s.disks[0].id == "root");
  CHECK(s.disks[0].size_mib == 2048u);
  CHECK(s.disks[0].bus == "scsi");
  CHECK(s.disks[1].id == "data");
  CHECK(s.disks[1].bus == "sata");
  REQUIRE(s.nics.size() == 2);
  CHECK(s.nics[0].id == "eth0");
  CHECK(s.nics[0].network == "VM Network");
  CHECK(s.nics[0].model == "vmxnet3");
  CHECK(s.nics[1].id == "eth1");
  CHECK(s.nics[1].network == "DC0_DVPG0");
  CHECK(s.nics[1].mac == "00:50:56:01:02:03");
  REQUIRE(s.vsphere);
  CHECK(s.vsphere->guest_id == "otherLinux64Guest");
  CHECK(s.vsphere->datastore == "LocalDS_0");
  CHECK(s.vsphere->extra_config.at("disk.EnableUUID") == "TRUE");
  CHECK(s.vsphere->extra_config.count("hvctl.disks") == 0);
}

TEST_CASE("translation reads back: a VM hvctl did not create gets generated ids") {
  const VmState st = to_vm_state(fixture_vm("DC0_H0_VM0"));
  REQUIRE(st.spec.disks.size() == 1);
  CHECK(st.spec.disks[0].id == "disk0");
  REQUIRE(st.spec.nics.size() == 1);
  CHECK(st.spec.nics[0].id == "nic0");
  CHECK(st.spec.nics[0].network == "DC0_DVPG0");  // a distributed port group, by name
  CHECK(st.spec.labels.empty());
}

TEST_CASE("reconfigure spec: only what differs, nothing when equal") {
  const VmConfig actual = fixture_vm("fixture-vm");
  const NetworkMap nets = golden_context({}).networks;
  VmSpec same = to_vm_state(actual).spec;
  auto doc = xml::Builder::standalone("spec");
  CHECK_FALSE(write_reconfig_spec(doc.top(), same, actual, nets));

  VmSpec want;
  want.name = "fixture-vm";
  want.cpu.count = 4;
  want.labels = {{"tier", "db"}};
  want.disks = {{"data", 4096, {}, {}, {}, {}}, {"extra", 512, {}, std::string("sata"), {}, {}}};
  want.nics = {{"eth2", std::string("VM Network"), {}, {}}};
  const std::string xml = reconfig_spec_document(want, actual, nets);
  CHECK(xml.find("<numCPUs>4</numCPUs>") != std::string::npos);
  CHECK(xml.find("<memoryMB>") == std::string::npos);
  CHECK(xml.find("<operation>edit</operation>") != std::string::npos);
  CHECK(xml.find("<capacityInKB>4194304</capacityInKB>") != std::string::npos);
  CHECK(xml.find("<unitNumber>1</unitNumber>") != std::string::npos);  // next free SATA unit
  CHECK(xml.find("<key>hvctl.label.owner</key>") != std::string::npos);  // removed: value ""
  CHECK(xml.find("root=scsi0:0,data=sata0:0,extra=sata0:1") != std::string::npos);
  CHECK(xml.find("eth0=00:0c:29:5c:66:61,eth1=00:50:56:01:02:03,eth2") != std::string::npos);  // by MAC
}

TEST_CASE("reconfigure spec: carries the changeVersion it was computed from, first") {
  VmConfig actual = fixture_vm("fixture-vm");
  VmSpec want = to_vm_state(actual).spec;
  want.cpu.count = 8;
  CHECK(reconfig_spec_document(want, actual, {}).find("<changeVersion>") == std::string::npos);  // vcsim has none
  actual.change_version = "2026-11-24T03:00:00.123456Z";
  const std::string xml = reconfig_spec_document(want, actual, {});
  const auto at = xml.find("<changeVersion>2026-11-24T03:00:00.123456Z</changeVersion>");
  REQUIRE(at != std::string::npos);
  CHECK(at < xml.find("<numCPUs>8</numCPUs>"));  // VirtualMachineConfigSpec's first field
  auto doc = xml::Builder::standalone("spec");
  CHECK_FALSE(write_reconfig_spec(doc.top(), to_vm_state(actual).spec, actual, {}));  // alone it changes nothing
}

TEST_CASE("create spec: annotation and numCoresPerSocket in the WSDL's sequence") {
  VmSpec spec = topology_spec();
  spec.cpu.weight = 100;
  spec.firmware = Firmware::bios;
  spec.labels = {{"k", "v"}};
  spec.disks = {{"root", 1024, {}, {}, {}, {}}};
  const auto names = top_elements(create_spec_document(spec, golden_context(spec)));
  CHECK(std::count(names.begin(), names.end(), "annotation") == 1);
  CHECK(std::count(names.begin(), names.end(), "numCoresPerSocket") == 1);
  const auto at = wsdl_positions(names);
  CHECK(std::find(at.begin(), at.end(), -1) == at.end());
  CHECK(std::is_sorted(at.begin(), at.end()));
  const auto xml = create_spec_document(spec, golden_context(spec));
  CHECK(xml.find("<annotation>Notes &lt;a&gt; &amp; \"b\".\nSecond line.</annotation>") != std::string::npos);
  CHECK(xml.find("<numCoresPerSocket>2</numCoresPerSocket>") != std::string::npos);

  VmSpec plain = spec;  // unset: not written
  plain.description.reset();
  plain.cpu.cores_per_socket.reset();
  const auto none = top_elements(create_spec_document(plain, golden_context(plain)));
  CHECK(std::count(none.begin(), none.end(), "annotation") == 0);
  CHECK(std::count(none.begin(), none.end(), "numCoresPerSocket") == 0);

  spec.cpu.count = 3;  // not a multiple: vSphere would refuse it
  CHECK_THROWS_WITH_AS(create_spec_document(spec, golden_context(spec)),
                       doctest::Contains("cpu.count 3 is not a multiple of cpu.coresPerSocket 2"),
                       std::invalid_argument);
}

TEST_CASE("read back: config.annotation and config.hardware.numCoresPerSocket as vcsim answers them") {
  const VmConfig vm = fixture_vm("topology-vm", "vm-topology.response.xml");
  CHECK(vm.annotation == "Notes <a> & \"b\".\nSecond line.");
  CHECK(vm.cores_per_socket == 2);
  const VmSpec s = to_vm_state(vm).spec;
  CHECK(s.description == topology_spec().description);
  CHECK(s.cpu.count == 4);
  CHECK(s.cpu.cores_per_socket == 2);

  // vcsim's own VM: no annotation property at all, numCoresPerSocket 1.
  const VmSpec other = to_vm_state(fixture_vm("DC0_H0_VM0", "vm-topology.response.xml")).spec;
  CHECK_FALSE(other.description);
  CHECK(other.cpu.cores_per_socket == 1);

  VmConfig cleared = vm;  // what read_vm_config makes of "" and 0
  cleared.annotation.clear();
  cleared.cores_per_socket.reset();
  CHECK_FALSE(to_vm_state(cleared).spec.description);
  CHECK_FALSE(to_vm_state(cleared).spec.cpu.cores_per_socket);
  CHECK_FALSE(fixture_vm("fixture-vm").cores_per_socket);  // the older capture did not ask for it
}

TEST_CASE("reconfigure spec: annotation and numCoresPerSocket only when they differ, in sequence") {
  VmConfig actual = fixture_vm("topology-vm", "vm-topology.response.xml");
  actual.change_version = "2026-12-01T00:00:00Z";
  auto doc = xml::Builder::standalone("spec");
  CHECK_FALSE(write_reconfig_spec(doc.top(), topology_spec(), actual, {}));

  VmSpec want;
  want.name = "topology-vm";
  want.description = "new notes";
  want.cpu.count = 8;
  want.cpu.cores_per_socket = 4;
  want.memory.size_mib = 256;
  const auto xml = reconfig_spec_document(want, actual, {});
  CHECK(xml.find("<annotation>new notes</annotation>") != std::string::npos);
  CHECK(xml.find("<numCoresPerSocket>4</numCoresPerSocket>") != std::string::npos);
  const auto at = wsdl_positions(top_elements(xml));
  CHECK(at.size() == 5);  // changeVersion, annotation, numCPUs, numCoresPerSocket, memoryMB
  CHECK(std::find(at.begin(), at.end(), -1) == at.end());
  CHECK(std::is_sorted(at.begin(), at.end()));

  VmSpec clear;  // "" clears the note on vSphere
  clear.description = "";
  CHECK(reconfig_spec_document(clear, actual, {}).find("<annotation></annotation>") != std::string::npos);

  SUBCASE("a count that the VM's cores per socket does not divide is refused") {
    VmSpec count;
    count.cpu.count = 6;  // 6 = 3 sockets of 2: fine
    CHECK(reconfig_spec_document(count, actual, {}).find("<numCPUs>6</numCPUs>") != std::string::npos);
    count.cpu.count = 5;
    CHECK_THROWS_WITH_AS(reconfig_spec_document(count, actual, {}), doctest::Contains("not a multiple"),
                         std::invalid_argument);
    VmSpec cores;
    cores.cpu.cores_per_socket = 3;  // of 4 vCPUs
    CHECK_THROWS_AS(reconfig_spec_document(cores, actual, {}), std::invalid_argument);
  }
}

TEST_CASE("reconfigure spec: what vSphere cannot change is refused") {
  const VmConfig actual = fixture_vm("fixture-vm");
  VmSpec shrink;
  shrink.disks = {{"root", 1024, {}, {}, {}, {}}};
  CHECK_THROWS_WITH_AS(reconfig_spec_document(shrink, actual, {}), doctest::Contains("cannot shrink"),
                       std::invalid_argument);
  VmSpec model;
  model.nics = {{"eth0", {}, {}, std::string("e1000")}};
  CHECK_THROWS_AS(reconfig_spec_document(model, actual, {}), std::invalid_argument);
}

TEST_CASE("the plan's transition check refuses what the reconfigure would, at the spec's marks, with no I/O") {
  const VmSpec now = to_vm_state(fixture_vm("fixture-vm")).spec;
  REQUIRE(now.disks.at(0).size_mib);
  std::vector<Problem> problems;
  const auto root = *now.disks[0].size_mib;
  auto specs = parse_specs("apiVersion: hvctl/v1\nkind: VirtualMachine\nmetadata: {name: fixture-vm}\nspec:\n"
                           "  cpu: {count: 8}\n"
                           "  disks:\n    - {id: " + now.disks[0].id + ", size: " + std::to_string(root / 2) + "MiB}\n"
                           "  nics: [{id: " + now.nics.at(0).id + ", model: e1000}]\n",
                           "t.yaml", problems);
  REQUIRE(problems.empty());
  const auto refused = vsphere_transition(specs.at(0), now);
  REQUIRE(refused.size() == 2);
  CHECK(refused[0].str().rfind("t.yaml:7:", 0) == 0);  // at the disk's size
  CHECK(refused[0].message.find("vSphere cannot shrink a disk") != std::string::npos);
  CHECK(refused[1].str().rfind("t.yaml:8:", 0) == 0);  // at the NIC's model
  CHECK(refused[1].message.find("cannot change a NIC's model in place") != std::string::npos);
  specs[0].disks[0].size_mib = root * 2;  // growing is fine
  specs[0].nics.clear();
  CHECK(vsphere_transition(specs[0], now).empty());
}

}  // TEST_SUITE
