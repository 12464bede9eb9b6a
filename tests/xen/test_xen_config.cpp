// The spec -> libxl_domain_config translation: golden JSON (libxl's own
// dump, no hypervisor needed) and the checks for what Xen cannot express.
// HVCTL_UPDATE_GOLDEN=1 rewrites tests/golden/xen/*.json; review the diff.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include "hvctl/spec_io.hpp"
#include "xen_config.hpp"
#include "xen_test_util.hpp"
#include "unit/source_dir.hpp"

using namespace hvctl;
using namespace hvctl::xen;

namespace {

namespace fs = std::filesystem;

using xen::test::read_file;
using xen::test::parse_one;

VmSpec spec_with(const std::string& body) {
  return parse_one("apiVersion: hvctl/v1\nkind: VirtualMachine\nmetadata: {name: vm1}\nspec: " + body + "\n");
}

std::vector<std::string> messages(const VmSpec& spec) {
  std::vector<std::string> out;
  for (const auto& p : check_spec(spec)) out.push_back(p.message);
  return out;
}

bool any_contains(const std::vector<std::string>& texts, const std::string& part) {
  for (const auto& t : texts)
    if (t.find(part) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST_CASE("xen golden: spec -> libxl_domain_config JSON") {
  const fs::path dir = fs::path(::hvctl::test_source_dir()) / "tests" / "golden" / "xen";
  const bool update = std::getenv("HVCTL_UPDATE_GOLDEN") != nullptr;
  int cases = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() != ".yaml") continue;
    ++cases;
    const std::string name = entry.path().stem().string();
    CAPTURE(name);
    const VmSpec spec = parse_one(read_file(entry.path()), entry.path().string());
    CHECK(check_spec(spec).empty());
    DomainConfig config;
    build_domain_config(with_boot_loader(spec, kDefaultPvgrubDir), "", config);  // (as domain_spec does)
    const std::string json = config.json();
    const fs::path golden = dir / (name + ".json");
    if (update) std::ofstream(golden) << json;
    REQUIRE_MESSAGE(fs::exists(golden), "missing " << golden << " (run with HVCTL_UPDATE_GOLDEN=1)");
    CHECK(json == read_file(golden));
  }
  CHECK(cases >= 4);
}

TEST_CASE("the domain type follows xen.type, else boot.kernel") {
  CHECK(domain_type(spec_with("{boot: {kernel: /k}}")) == "pvh");
  CHECK(domain_type(spec_with("{memory: {size: 1GiB}}")) == "hvm");
  CHECK(domain_type(spec_with("{boot: {kernel: /k}, xen: {type: pv}}")) == "pv");
}

TEST_CASE("the UUID is the record's, and a bad one is refused") {
  DomainConfig config;
  build_domain_config(spec_with("{boot: {kernel: /k}}"), "6e8d2b5c-1f2a-4c3b-9d4e-5f6a7b8c9d0e", config);
  CHECK(config.json().find("6e8d2b5c-1f2a-4c3b-9d4e-5f6a7b8c9d0e") != std::string::npos);
  DomainConfig bad;
  CHECK_THROWS_AS(build_domain_config(spec_with("{boot: {kernel: /k}}"), "not-a-uuid", bad), InputError);
}

TEST_CASE("disks get xl disk strings with per-bus device names") {
  const auto spec = spec_with(
      "{xen: {type: hvm}, disks: [{id: a, path: /a}, {id: b, path: /b, bus: ide, format: qcow2}, "
      "{id: c, path: /c, readonly: true}, {id: d, path: /d, bus: scsi}]}");
  CHECK(disk_spec_string(spec, 0) == "format=raw,vdev=xvda,access=rw,target=/a");
  CHECK(disk_spec_string(spec, 1) == "format=qcow2,vdev=hda,access=rw,target=/b");
  CHECK(disk_spec_string(spec, 2) == "format=raw,vdev=xvdb,access=ro,target=/c");
  CHECK(disk_spec_string(spec, 3) == "format=raw,vdev=sda,access=rw,target=/d");
}

TEST_CASE("xl's disk syntax takes the path verbatim: target= comes last") {
  DomainConfig config;
  build_domain_config(spec_with("{boot: {kernel: /k}, disks: [{id: a, path: '/x,vdev=hdz'}]}"), "", config);
  REQUIRE(config.get()->num_disks == 1);
  CHECK(std::string(config.get()->disks[0].pdev_path) == "/x,vdev=hdz");
  CHECK(std::string(config.get()->disks[0].vdev) == "xvda");
}

TEST_CASE("a disk path libxlutil's disk lexer cannot take is refused before it sees it") {
  // 16,380 bytes in one token overflow the lexer's state buffer (xl dies too).
  const std::string path = "/" + std::string(16400, 'a');
  VmSpec spec = spec_with("{boot: {kernel: /k}, disks: [{id: a, path: /a}]}");
  spec.disks[0].path = path;
  const auto m = messages(spec);
  REQUIRE(m.size() == 1);
  INFO(m[0]);
  CHECK(m[0].find("disk 'a': its xl disk spec is 16439 bytes long; a disk spec may be at most 8192") != std::string::npos);
  DomainConfig config;
  CHECK_THROWS_WITH_AS(build_domain_config(spec, "", config), doctest::Contains("at most 8192"), InputError);
  spec.disks[0].path = "/" + std::string(8000, 'a');  // long, but well inside what libxlutil takes
  CHECK(messages(spec).empty());
  DomainConfig fine;
  build_domain_config(spec, "", fine);
  CHECK(std::string(fine.get()->disks[0].pdev_path) == *spec.disks[0].path);
}

TEST_CASE("a change that clashes with what the VM keeps is refused as a transition, not as a spec problem") {
  // The VM is an HVM guest with UEFI; the new spec asks for PV and says nothing of firmware.
  const VmSpec now = spec_with("{firmware: uefi, boot: {kernel: /k}, xen: {type: hvm}}");
  const VmSpec pv = parse_one("apiVersion: hvctl/v1\nkind: VirtualMachine\nmetadata: {name: vm1}\nspec:\n"
                              "  boot: {kernel: /k}\n  xen: {type: pv}\n", "new.yaml");
  CHECK(check_spec(pv).empty());  // alone it is a fine spec
  const auto refused = check_merged(pv, now);
  REQUIRE(refused.size() == 1);
  CHECK(refused[0].message == "VM 'vm1': firmware uefi needs xen.type hvm (this is a pv guest) (with the settings the VM keeps)");
  CHECK(refused[0].mark.file == "new.yaml");  // the firmware comes from the VM: the document's place
  CHECK(check_merged(spec_with("{xen: {type: hvm}, cpu: {count: 2}}"), now).empty());
}

TEST_CASE("shutdown actions map to libxl's") {
  CHECK(action_from_word("destroy") == LIBXL_ACTION_ON_SHUTDOWN_DESTROY);
  CHECK(action_from_word("rename-restart") == LIBXL_ACTION_ON_SHUTDOWN_RESTART_RENAME);
  CHECK(action_from_word("soft-reset") == LIBXL_ACTION_ON_SHUTDOWN_SOFT_RESET);
  CHECK_THROWS_AS(action_from_word("explode"), InputError);
}

TEST_CASE("check_spec reports what Xen cannot do, each at its field") {
  SUBCASE("uefi needs hvm") {
    auto spec = spec_with("{firmware: uefi, boot: {kernel: /k}, xen: {type: pv}}");
    auto problems = check_spec(spec);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].message.find("firmware uefi needs xen.type hvm") != std::string::npos);
    CHECK(problems[0].mark.line == spec.mark_of("firmware").line);
  }
  SUBCASE("pv and pvh need a kernel or a loader") {
    CHECK(messages(spec_with("{xen: {type: pvh}}")) ==
          std::vector<std::string>{"VM 'vm1': a pvh guest boots a kernel directly: set boot.kernel, or boot.loader pvgrub "
                                   "to boot the kernel on its disk (pygrub and PVH firmware are not supported)"});
    CHECK(any_contains(messages(spec_with("{xen: {type: pv}}")), "boots a kernel directly"));
    CHECK(messages(spec_with("{xen: {type: pv}, boot: {loader: pvgrub}}")).empty());
    CHECK(messages(spec_with("{xen: {type: hvm}}")).empty());
  }
  SUBCASE("disk buses, formats and images") {
    auto m = messages(spec_with(
        "{boot: {kernel: /k}, disks: [{id: a, path: /a, bus: virtio}, {id: b, path: /b, format: vmdk}, "
        "{id: c, path: /c, bus: ide}]}"));
    CHECK(any_contains(m, "bus virtio does not exist on Xen"));
    CHECK(any_contains(m, "format vmdk is not supported"));
    CHECK(any_contains(m, "bus ide needs xen.type hvm"));
    CHECK(m.size() == 3);
    auto spec = spec_with("{boot: {kernel: /k}}");
    spec.disks.push_back(DiskSpec{"d", std::nullopt, std::nullopt, std::nullopt, std::nullopt, std::nullopt});
    CHECK(any_contains(messages(spec), "makes disks only from a base image"));
  }
  SUBCASE("NIC models") {
    CHECK(any_contains(messages(spec_with("{boot: {kernel: /k}, nics: [{id: n, model: e1000}]}")), "only netfront"));
    CHECK(any_contains(messages(spec_with("{xen: {type: hvm}, nics: [{id: n, model: vmxnet3}]}")), "not emulated"));
    CHECK(messages(spec_with("{xen: {type: hvm}, nics: [{id: n, model: virtio}, {id: m, model: netfront}]}")).empty());
  }
  SUBCASE("drives: a PV or PVH one is a read-only disk with an ISO and no bus; HVM has no sata") {
    auto m = messages(spec_with("{boot: {kernel: /k}, xen: {type: pv}, cdroms: [{id: a, image: ''}, {id: b, image: /i.iso, bus: ide}]}"));
    CHECK(any_contains(m, "cdrom 'a': a pv guest's drive is a read-only disk and cannot be empty"));
    CHECK(any_contains(m, "cdrom 'b': a pv guest's drive is a read-only xen disk; leave bus out"));
    CHECK(m.size() == 2);
    m = messages(spec_with("{xen: {type: hvm}, cdroms: [{id: a, image: '', bus: sata}, {id: b, image: iso/x.iso}]}"));
    CHECK(any_contains(m, "cdrom 'a': Xen HVM guests have no sata"));
    CHECK(any_contains(m, "cdrom 'b': image 'iso/x.iso' must be an absolute path in dom0"));
    CHECK(messages(spec_with("{xen: {type: hvm}, cdroms: [{id: a, image: ''}, {id: b, image: /x.iso, bus: scsi}]}")).empty());
  }
}

namespace {
// libxl's JSON of one device, as libxl_domain_config_to_json writes it in the domain config.
template <typename T>
std::string device_json(char* (*to_json)(libxl_ctx*, T*), T& device) {
  std::unique_ptr<char, decltype(&std::free)> text(to_json(nullptr, &device), std::free);
  return text ? text.get() : "";
}
}  // namespace

TEST_CASE("a hot-plugged disk or NIC is the very device the domain config has") {
  const VmSpec spec = spec_with("{boot: {kernel: /k}, xen: {type: pv}, disks: [{id: root, path: /r.img}, "
                                "{id: cd, path: /s.iso, readonly: true}, {id: data, path: /d.qcow2, format: qcow2}], "
                                "nics: [{id: eth0, network: br0, mac: '00:16:3e:00:00:01'}, {id: eth1, network: br1}]}");
  DomainConfig config;
  build_domain_config(spec, "", config);
  REQUIRE(config.get()->num_disks == 3);
  REQUIRE(config.get()->num_nics == 2);
  for (std::size_t i = 0; i < 3; ++i) {
    CAPTURE(i);
    DiskDevice disk;
    fill_disk(spec, i, disk.get());
    CHECK(device_json(libxl_device_disk_to_json, disk.get()) == device_json(libxl_device_disk_to_json, config.get()->disks[i]));
  }
  CHECK(std::string(config.get()->disks[2].vdev) == "xvdc");
  CHECK(std::string(config.get()->disks[2].pdev_path) == "/d.qcow2");
  for (std::size_t i = 0; i < 2; ++i) {
    CAPTURE(i);
    NicDevice nic;
    fill_nic(spec, i, nic.get());
    CHECK(nic.get().devid == static_cast<libxl_devid>(i));
    CHECK(device_json(libxl_device_nic_to_json, nic.get()) == device_json(libxl_device_nic_to_json, config.get()->nics[i]));
  }
  CHECK(std::string(config.get()->nics[1].bridge) == "br1");
}

TEST_CASE("disks are named by their place among the disks of their bus") {
  const VmSpec spec = spec_with("{xen: {type: hvm}, disks: [{id: a, path: /a}, {id: b, path: /b, bus: ide}, "
                                "{id: c, path: /c}, {id: d, path: /d, bus: scsi}, {id: e, path: /e, bus: ide}]}");
  CHECK(disk_vdev(spec, 0) == "xvda");
  CHECK(disk_vdev(spec, 1) == "hda");
  CHECK(disk_vdev(spec, 2) == "xvdb");
  CHECK(disk_vdev(spec, 3) == "sda");
  CHECK(disk_vdev(spec, 4) == "hdb");
}
