// CD-ROM drives and disk controllers on vSphere, as pure translations:
// * tests/golden/vsphere/reconfig-cd/<case>.yaml laid over fixture-vm (the
//   captured vcsim answer, vm-list.response.xml) with two drives added here
//   as vSphere reports them: cd0 with an ISO at ide1:0, cd1 empty at ide1:1
//   (the captured fixture-vm has none), against <case>.xml;
// * the create goldens (devices.yaml) run with the other create goldens;
// * reading back drives and controllers, with recorded and derived ids;
// * what vSphere refuses (a controller's model, a drive's bus), at plan time.
// vcsim carries these out too: e2e-devices.sh checks them with govc.
// HVCTL_UPDATE_GOLDEN=1 regenerates the goldens; review the diff.
#include <doctest/doctest.h>

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

// fixture-vm with cd0 ([LocalDS_0] iso/a.iso, ide1:0) and cd1 (empty, ide1:1).
VmConfig with_drives() {
  VmConfig vm = fixture_vm();
  vm.cdroms.push_back({3000, 201, 0, "VirtualCdromIsoBackingInfo", "[LocalDS_0] iso/a.iso", "ide1:0", "CD/DVD drive 1", "ISO"});
  vm.cdroms.push_back({3001, 201, 1, "VirtualCdromAtapiBackingInfo", "", "ide1:1", "CD/DVD drive 2", "Remote"});
  vm.slots.insert({{201, 0}, {201, 1}});
  vm.extra_config[kCdromsKey] = "cd0=ide1:0,cd1=ide1:1";
  return vm;
}

const NetworkMap kNets = {{"VM Network", {}}};
const char* const kHead = "apiVersion: hvctl/v1\nkind: VirtualMachine\nmetadata: {name: fixture-vm}\nspec:\n";

std::string problems_text(const std::vector<Problem>& problems) {
  std::string out;
  for (const auto& p : problems) out += p.str() + "\n";
  return out;
}

}  // namespace

TEST_SUITE("vsphere") {

TEST_CASE("golden: ReconfigVM_Task specs that insert, change, eject, add and prune CD-ROM drives") {
  const VmConfig vm = with_drives();
  int cases = 0;
  for (const auto& entry : fs::directory_iterator(test::source_path("tests/golden/vsphere/reconfig-cd"))) {
    if (entry.path().extension() != ".yaml") continue;
    ++cases;
    auto xml_path = entry.path();
    check_golden(xml_path.replace_extension(".xml"),
                 reconfig_spec_document(parse_one(read_file(entry.path()), entry.path().string()), vm, kNets));
  }
  CHECK(cases >= 5);
}

TEST_CASE("cdroms read back with their ids, media and buses") {
  const VmSpec s = to_vm_state(with_drives()).spec;
  REQUIRE(s.cdroms.size() == 2);
  CHECK(s.cdroms[0] == CdromSpec{"cd0", "[LocalDS_0] iso/a.iso", "ide"});
  CHECK(s.cdroms[1] == CdromSpec{"cd1", "", "ide"});
  CHECK(s.vsphere->extra_config.count(kCdromsKey) == 0);
  // The same spec changes nothing: no edit, no extraConfig.
  auto doc = xml::Builder::standalone("spec");
  CHECK_FALSE(write_reconfig_spec(doc.top(), parse_one(std::string(kHead) + "  cdroms: [{id: cd0, image: \"[LocalDS_0] iso/a.iso\"}, {id: cd1, image: \"\"}]\n"),
                                  with_drives(), kNets));

  SUBCASE("a drive hvctl did not make (vcsim's own VM: on its SCSI controller, a host device) is empty, cdrom0") {
    Response r = parse_response(read_file(test::source_path("tests/vsphere/fixtures/vm-list.response.xml")), 200);
    for (const auto& o : parse_retrieve_result(r.returnval()).objects) {
      if (o.text("name") != "DC0_H0_VM0") continue;
      const VmSpec other = to_vm_state(read_vm_config(o, {})).spec;
      REQUIRE(other.cdroms.size() == 1);
      CHECK(other.cdroms[0] == CdromSpec{"cdrom0", "", "scsi"});
    }
  }
}

TEST_CASE("controllers read back: every one but IDE, by recorded id or kind and bus; disks name theirs") {
  const VmSpec s = to_vm_state(fixture_vm()).spec;
  REQUIRE(s.controllers.size() == 2);
  CHECK(s.controllers[0] == ControllerSpec{"scsi0", "scsi", "pvscsi"});
  CHECK(s.controllers[1] == ControllerSpec{"sata0", "sata", std::nullopt});
  CHECK(s.disks.at(0).controller == "scsi0");
  CHECK(s.disks.at(1).controller == "sata0");

  VmConfig vm = fixture_vm();  // an lsilogic controller on bus 1 that hvctl recorded as "fast"
  vm.controllers.push_back({210, "VirtualLsiLogicController", "scsi", 1});
  vm.disks.push_back({211, 210, 0, 1024, "[LocalDS_0] fixture-vm/db.vmdk", "VirtualDiskFlatVer2BackingInfo", "persistent", "scsi1:0", "", ""});
  vm.extra_config[kControllersKey] = "scsi0=scsi0,sata0=sata0,fast=scsi1";
  vm.extra_config[kDisksKey] += ",db=scsi1:0";
  const VmSpec r = to_vm_state(vm).spec;
  REQUIRE(r.controllers.size() == 3);
  CHECK(r.controllers[2] == ControllerSpec{"fast", "scsi", "lsilogic"});
  CHECK(r.disks.at(2).id == "db");
  CHECK(r.disks.at(2).controller == "fast");
  CHECK(r.vsphere->extra_config.count(kControllersKey) == 0);
}

TEST_CASE("create: controllers in list order on buses 0-3 per type, disks on the ones they name, drives on IDE then SATA") {
  std::vector<Problem> problems;
  const auto path = test::source_path("tests/golden/vsphere/devices.yaml");
  const VmSpec spec = parse_specs(read_file(path), path.string(), problems).at(0);
  REQUIRE(problems.empty());
  CHECK(vsphere_check(spec).empty());
  const auto xml = create_spec_document(spec, {"LocalDS_0", kNets});
  CHECK(xml.find("root=scsi0:0,data=scsi1:0,old=scsi2:0,quick=nvme0:0,logs=scsi0:1") != std::string::npos);
  CHECK(xml.find("scsi0=scsi0,fast=scsi1,legacy=scsi2,nvme0=nvme0") != std::string::npos);
  CHECK(xml.find("cd0=ide0:0,cd1=ide0:1,cd2=sata0:0") != std::string::npos);
  CHECK(xml.find("ParaVirtualSCSIController") == std::string::npos);  // every SCSI disk has a listed controller
  CHECK(xml.find("<deviceName>cdrom-200-1</deviceName>") != std::string::npos);  // cd1: govc's empty backing
}

TEST_CASE("what vSphere cannot do with drives and controllers is refused at plan time, at the spec's lines") {
  const VmState actual = to_vm_state(with_drives());
  const auto refused = [&](const std::string& body) {
    return problems_text(vsphere_transition(parse_one(std::string(kHead) + body), actual.spec));
  };
  CHECK(refused("  controllers: [{id: scsi0, type: scsi, model: lsilogic}]\n")
            .find("t.yaml:5:") != std::string::npos);
  CHECK(refused("  controllers: [{id: scsi0, type: scsi, model: lsilogic}]\n")
            .find("controllers[scsi0]: vSphere cannot change a controller's model in place (pvscsi -> lsilogic)") != std::string::npos);
  CHECK(refused("  controllers: [{id: sata0, type: nvme}]\n").find("cannot turn a sata controller into a nvme one") != std::string::npos);
  CHECK(refused("  cdroms: [{id: cd0, bus: sata}]\n").find("cdroms[cd0]: vSphere cannot move a CD-ROM drive") != std::string::npos);
  CHECK(refused("  cdroms: [{id: cd9, bus: scsi}]\n").find("cdroms[cd9]: vSphere adds CD-ROM drives on ide or sata, not scsi") != std::string::npos);
  CHECK(refused("  disks: [{id: data, size: 1GiB, controller: scsi0}]\n  controllers: [{id: scsi0, type: scsi}]\n")
            .find("disks[data]: vSphere cannot move a disk") != std::string::npos);
  CHECK(refused("  prune: true\n  controllers: [{id: scsi0, type: scsi}]\n")
            .find("controllers[sata0] is pruned, but disk data stays on it") != std::string::npos);
  CHECK(refused("  prune: true\n  controllers: [{id: scsi0, type: scsi}]\n  disks: [{id: root, size: 2GiB}]\n").empty());
  CHECK(refused("  cdroms: [{id: cd0, image: \"\"}, {id: cd2, bus: sata}]\n  controllers: [{id: scsi0, model: pvscsi, type: scsi}]\n").empty());
  // The reconfigure refuses the same, should a caller skip the plan.
  CHECK_THROWS_WITH_AS(reconfig_spec_document(parse_one(std::string(kHead) + "  controllers: [{id: scsi0, type: scsi, model: lsisas}]\n"),
                                              with_drives(), kNets),
                       doctest::Contains("cannot change a controller's model"), std::invalid_argument);
}

TEST_CASE("prune: a controller goes after the devices on it, and only when none stays") {
  const auto xml = reconfig_spec_document(
      parse_one(std::string(kHead) + "  prune: true\n  controllers: [{id: scsi0, type: scsi}]\n  disks: [{id: root, size: 2GiB}]\n"),
      fixture_vm(), kNets);
  const auto disk = xml.find("<key>205</key>"), controller = xml.find("<device xsi:type=\"VirtualAHCIController\">");
  REQUIRE(disk != std::string::npos);
  REQUIRE(controller != std::string::npos);
  CHECK(disk < controller);
  CHECK(xml.find("<key>204</key>", controller) != std::string::npos);
  CHECK(xml.find("<value xsi:type=\"xsd:string\">scsi0=scsi0</value>") != std::string::npos);
  CHECK_THROWS_WITH_AS(
      reconfig_spec_document(parse_one(std::string(kHead) + "  prune: true\n  controllers: [{id: scsi0, type: scsi}]\n"), fixture_vm(), kNets),
      doctest::Contains("controllers[sata0]: cannot be pruned while devices the spec keeps sit on it"), std::invalid_argument);
}

TEST_CASE("offline checks: an ISO that is no datastore path, IDE controllers, virtio, a fifth controller") {
  const VmSpec spec = parse_one(std::string(kHead) +
                                "  cdroms: [{id: cd0, image: /isos/netinst.iso}, {id: cd1, image: \"\"}]\n"
                                "  controllers:\n    - {id: ide0, type: ide}\n    - {id: v, type: scsi, model: virtio}\n"
                                "    - {id: a, type: sata}\n    - {id: b, type: sata}\n    - {id: c, type: sata}\n"
                                "    - {id: d, type: sata}\n    - {id: e, type: sata}\n");
  const auto text = problems_text(vsphere_check(spec));
  CHECK(text.find("t.yaml:5:") != std::string::npos);
  CHECK(text.find("VM 'fixture-vm': cdroms[cd0].image must be a datastore path like '[datastore] iso/x.iso'") != std::string::npos);
  CHECK(text.find("cd1") == std::string::npos);  // "" is an empty drive
  CHECK(text.find("controllers[ide0]: a vSphere VM has two built-in IDE controllers") != std::string::npos);
  CHECK(text.find("controllers[v].model virtio does not exist on vSphere") != std::string::npos);
  CHECK(text.find("controllers[e]: a vSphere VM has at most 4 sata controllers") != std::string::npos);
  CHECK(text.find("controllers[d]") == std::string::npos);
}

TEST_CASE("capabilities: a drive's medium changes live; drives come and go with the VM off") {
  const auto& hot = vsphere_capabilities().hot_fields;
  CHECK(hot.count("cdroms.image") == 1);
  CHECK(hot.count("cdroms.add") == 0);
  CHECK(hot.count("cdroms.remove") == 0);
  CHECK(hot.count("disks.add") == 1);
  CHECK(vsphere_capabilities().fields.count("controllers.model") == 1);
}

}  // TEST_SUITE
