// Disks and NICs added, grown, removed (prune) and made from a base image on
// vSphere, as pure translations:
// * tests/golden/vsphere/reconfig/<case>.yaml is a desired spec laid over the
//   captured VM fixture-vm (vcsim's answer, vm-list.response.xml), against
//   <case>.xml, the ReconfigVM_Task spec hvctl sends;
// * tests/golden/vsphere/copy-{vcenter,esxi}.xml: CopyVirtualDisk_Task's
//   arguments. vcsim 0.24.2 cannot show what real vSphere does with these
//   (it reads an attached disk's size as 0, has no ExtendVirtualDisk_Task,
//   and answers NotImplemented to a destSpec in vCenter mode, as vCenter
//   does), so the requests are what is checked here; e2e-devices.sh checks
//   with govc what vcsim does carry out.
// HVCTL_UPDATE_GOLDEN=1 regenerates the goldens; review the diff.
#include <doctest/doctest.h>

#include <cstdlib>

#include "base_disks.hpp"
#include "hvctl/spec_io.hpp"
#include "translate.hpp"
#include "vsphere_checks.hpp"
#include "vsphere_fixture.hpp"

namespace fs = std::filesystem;
using namespace hvctl;
using namespace hvctl::vsphere;
using namespace hvctl::vsphere::test;

namespace {

// A disk with `from` is attached as its copy: the path VmOps gives it.
VmSpec with_copies(VmSpec spec, const VmConfig& vm) {
  for (auto& d : spec.disks)
    if (d.from) d.path = copy_destination(vm.vm_path, vm.name, d.id).str();
  return spec;
}

const NetworkMap kNets = {{"VM Network", {}}, {"DC0_DVPG0", {true, "dvportgroup-13", "fea97929-4b2d-5972-b146-930c6d0b4014"}}};

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

const char* const kHead = "apiVersion: hvctl/v1\nkind: VirtualMachine\nmetadata: {name: fixture-vm}\nspec:\n";

}  // namespace

TEST_SUITE("vsphere") {

TEST_CASE("golden: ReconfigVM_Task specs that add, grow, remove disks and NICs over fixture-vm") {
  const VmConfig vm = fixture_vm();
  int cases = 0;
  for (const auto& entry : fs::directory_iterator(test::source_path("tests/golden/vsphere/reconfig"))) {
    if (entry.path().extension() != ".yaml") continue;
    ++cases;
    const VmSpec spec = parse_one(read_file(entry.path()), entry.path().string());
    auto xml_path = entry.path();
    check_golden(xml_path.replace_extension(".xml"), reconfig_spec_document(with_copies(spec, vm), vm, kNets));
  }
  CHECK(cases >= 4);
}

TEST_CASE("prune: the unlisted disk and NIC go by device key, the VMDK stays, the ids follow") {
  const VmConfig vm = fixture_vm();  // root=scsi0:0 (key 203), data=sata0:0 (205); eth0 (206), eth1 (207)
  const auto xml = reconfig_spec_document(
      parse_one(std::string(kHead) + "  prune: true\n  disks: [{id: root, size: 2GiB}]\n  nics: [{id: eth1}]\n"), vm, kNets);
  CHECK(count(xml, "<operation>remove</operation>") == 2);
  CHECK(xml.find("fileOperation") == std::string::npos);  // removed, not destroyed
  CHECK(xml.find("<key>205</key>") != std::string::npos);
  CHECK(xml.find("<fileName>[LocalDS_0] fixture-vm/fixture-vm_1.vmdk</fileName>") != std::string::npos);
  CHECK(xml.find("<key>206</key>") != std::string::npos);
  CHECK(xml.find("<macAddress>00:0c:29:5c:66:61</macAddress>") != std::string::npos);
  CHECK(xml.find("<value xsi:type=\"xsd:string\">root=scsi0:0</value>") != std::string::npos);
  CHECK(xml.find("<value xsi:type=\"xsd:string\">eth1=00:50:56:01:02:03</value>") != std::string::npos);

  SUBCASE("only in the lists the spec has: without nics:, no NIC goes") {
    const auto disks_only =
        reconfig_spec_document(parse_one(std::string(kHead) + "  prune: true\n  disks: [{id: root, size: 2GiB}, {id: data, size: 1GiB}]\n"), vm, kNets);
    CHECK(disks_only.find("<operation>remove</operation>") == std::string::npos);
    const auto nics_only = reconfig_spec_document(parse_one(std::string(kHead) + "  prune: true\n  nics: [{id: eth0}]\n"), vm, kNets);
    CHECK(count(nics_only, "<operation>remove</operation>") == 1);
    CHECK(nics_only.find("<key>207</key>") != std::string::npos);
    CHECK(nics_only.find("VirtualDisk") == std::string::npos);
  }
  SUBCASE("without prune, nothing is removed") {
    const auto kept = reconfig_spec_document(parse_one(std::string(kHead) + "  disks: [{id: root, size: 2GiB}]\n  nics: [{id: eth1}]\n"), vm, kNets);
    CHECK(kept.find("<operation>remove</operation>") == std::string::npos);
  }
  SUBCASE("a pruned disk attached by path leaves hvctl.attached") {
    VmConfig attached = vm;
    attached.extra_config[kAttachedKey] = "sata0:0";
    const auto out = reconfig_spec_document(parse_one(std::string(kHead) + "  prune: true\n  disks: [{id: root, size: 2GiB}]\n"), attached, kNets);
    CHECK(out.find("<key>hvctl.attached</key>\n    <value xsi:type=\"xsd:string\"></value>") != std::string::npos);
  }
  SUBCASE("--delete-images destroys the VMDK of a disk hvctl made, never of one attached by path") {
    auto spec = parse_one(std::string(kHead) + "  prune: true\n  disks: [{id: root, size: 2GiB}]\n");
    spec.delete_images = true;
    CHECK(to_vm_state(vm).owned_disks == std::set<std::string>{"root", "data"});
    const auto made = reconfig_spec_document(spec, vm, kNets);
    CHECK(count(made, "<fileOperation>destroy</fileOperation>") == 1);
    VmConfig attached = vm;
    attached.extra_config[kAttachedKey] = "sata0:0";
    CHECK(to_vm_state(attached).owned_disks == std::set<std::string>{"root"});
    CHECK(reconfig_spec_document(spec, attached, kNets).find("fileOperation") == std::string::npos);
  }
}

TEST_CASE("grow: a larger size edits capacityInKB and capacityInBytes; the VMDK keeps its file") {
  const auto xml = reconfig_spec_document(parse_one(std::string(kHead) + "  disks: [{id: root, size: 3GiB}]\n"), fixture_vm(), kNets);
  CHECK(xml.find("<operation>edit</operation>") != std::string::npos);
  CHECK(xml.find("fileOperation") == std::string::npos);
  CHECK(xml.find("<capacityInKB>3145728</capacityInKB>") != std::string::npos);
  CHECK(xml.find("<capacityInBytes>3221225472</capacityInBytes>") != std::string::npos);
  CHECK(xml.find("<fileName>[LocalDS_0] fixture-vm/fixture-vm.vmdk</fileName>") != std::string::npos);
}

TEST_CASE("from: the copy is attached as the VM's own disk, at the copy's size") {
  const VmConfig vm = fixture_vm();
  const VmSpec spec = parse_one(std::string(kHead) + "  disks: [{id: os, from: \"[LocalDS_0] images/base.vmdk\", size: 4GiB}]\n");
  REQUIRE(spec.disks.at(0).from == "[LocalDS_0] images/base.vmdk");  // a datastore path is no host path
  CHECK_THROWS_WITH_AS(reconfig_spec_document(spec, vm, kNets), doctest::Contains("was not copied first"),
                       std::invalid_argument);
  const auto xml = reconfig_spec_document(with_copies(spec, vm), vm, kNets);
  CHECK(xml.find("<fileName>[LocalDS_0] fixture-vm/fixture-vm-os.vmdk</fileName>") != std::string::npos);
  CHECK(xml.find("fileOperation") == std::string::npos);  // an existing file: attached, not created
  CHECK(xml.find("<capacityInKB>") == std::string::npos);  // grown by a second reconfigure
  CHECK(xml.find("hvctl.attached") == std::string::npos);  // hvctl made it for this VM: destroyed with it
  CHECK(xml.find("os=scsi0:1") != std::string::npos);
  CreateContext ctx{"LocalDS_0", kNets};
  CHECK(create_spec_document(spec, ctx).find("VirtualDisk") == std::string::npos);  // attached after CreateVM_Task
}

TEST_CASE("from: a host file or a non-VMDK is refused offline, at the field's line") {
  const VmSpec spec = parse_one(std::string(kHead) + "  disks:\n    - {id: os, from: /var/lib/images/base.qcow2}\n"
                                "    - {id: ok, from: \"[LocalDS_0] images/base.vmdk\"}\n");
  const auto problems = vsphere_check(spec);
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].str().rfind("t.yaml:6:", 0) == 0);
  CHECK(problems[0].message.find("VM 'fixture-vm': disks[os].from must be a VMDK's datastore path") != std::string::npos);
}

TEST_CASE("golden: CopyVirtualDisk_Task, to vCenter (no destSpec) and to a host (thin)") {
  BaseCopy c{"os", {"LocalDS_0", "images/base.vmdk"}, copy_destination("[LocalDS_0] web/web.vmx", "web", "os"),
             {"Datacenter", "datacenter-2"}, {"Datacenter", "datacenter-2"}, 16 << 20};
  CHECK(c.dest.str() == "[LocalDS_0] web/web-os.vmdk");
  check_golden(test::source_path("tests/golden/vsphere/copy-vcenter.xml"), copy_request_document(c, false));
  check_golden(test::source_path("tests/golden/vsphere/copy-esxi.xml"), copy_request_document(c, true));
  CHECK(copy_request_document(c, false).find("destSpec") == std::string::npos);
  CHECK(copy_request_document(c, true).find("<diskType>thin</diskType>") != std::string::npos);
}

TEST_CASE("datastore paths, file URLs and VMDK descriptors") {
  const auto p = parse_datastore_path("[LocalDS_0] images/base disk.vmdk");
  REQUIRE(p);
  CHECK(p->datastore == "LocalDS_0");
  CHECK(p->path == "images/base disk.vmdk");
  CHECK(p->dir() == "images");
  CHECK_FALSE(parse_datastore_path("/var/lib/images/base.vmdk"));
  CHECK_FALSE(parse_datastore_path("[LocalDS_0] "));
  CHECK_FALSE(parse_datastore_path("[] x.vmdk"));
  CHECK(datastore_file_url("https://127.0.0.1:8989/sdk", "DC0", *p) ==
        "https://127.0.0.1:8989/folder/images/base%20disk.vmdk?dcPath=DC0&dsName=LocalDS_0");
  CHECK(copy_destination("[ds 1] a/a.vmx", "a", "root").str() == "[ds 1] a/a-root.vmdk");

  const std::string descriptor =
      "# Disk DescriptorFile\nversion=1\nCID=fffffffe\nparentCID=ffffffff\ncreateType=\"vmfs\"\n\n"
      "# Extent description\nRW 32768 VMFS \"base-flat.vmdk\"\nRDONLY 16 VMFS \"more-flat.vmdk\"\n\n"
      "# The Disk Data Base\nddb.virtualHWVersion = \"13\"\nddb.geometry.cylinders = \"2\"\n";
  CHECK(vmdk_virtual_bytes(descriptor) == (32768u + 16u) * 512u);
  CHECK_FALSE(vmdk_virtual_bytes("# Disk DescriptorFile\nversion=1\n"));  // no extent
  CHECK_FALSE(vmdk_virtual_bytes(std::string("\x00\x01RW 5 VMFS", 12)));   // raw data (a -flat.vmdk)
  std::string sparse(512, '\0');  // a sparse VMDK's header: magic, version, flags, capacity in sectors
  sparse.replace(0, 4, "KDMV");
  sparse[12] = 0x00, sparse[13] = 0x80;  // 0x8000 sectors
  CHECK(vmdk_virtual_bytes(sparse) == 0x8000u * 512u);
}

}  // TEST_SUITE
