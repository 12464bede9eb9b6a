// hvctl move's translation (src/core/move_translate.cpp), pure: a source VM's
// spec made for each kind of destination, against golden files in
// tests/golden/move/ (<case>.out: the report and the destination's spec).
// After an intended change, regenerate with HVCTL_UPDATE_GOLDEN=1 and
// review the diff.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "hvctl/move.hpp"
#include "hvctl/spec_fields.hpp"
#include "hvctl/spec_io.hpp"
#include "source_dir.hpp"

using namespace hvctl;
namespace fs = std::filesystem;

namespace {

const fs::path kDir = fs::path(::hvctl::test_source_dir()) / "tests/golden/move";

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Capabilities caps(const std::string& backend, const std::string& hypervisor) {
  Capabilities c;
  c.backend = backend;
  c.hypervisor = hypervisor;
  c.fields = fields::accepted_keys(*fields::column_of(backend));
  return c;
}

struct Case {
  const char* name;     // golden: <name>.out
  const char* source;   // <source>.source.yaml
  Capabilities from, to;
  std::vector<std::string> networks;  // the destination's
  MoveRequest request;
};

std::string report(const MoveTranslation& t) {
  std::string out;
  for (const auto& k : t.kept) out += "kept: " + k + "\n";
  for (const auto& l : t.lost) out += "lost: " + l.field + ": " + l.reason + "\n";
  for (const auto& d : t.devices) out += "device: " + d + "\n";
  for (const auto& g : t.guest) out += "guest: " + g + "\n";
  for (const auto& p : t.problems) out += "problem: " + p + "\n";
  return out + spec_to_yaml(t.spec);
}

MoveTranslation translate(const Case& c) {
  const auto specs = load_specs({(kDir / (std::string(c.source) + ".source.yaml")).string()});
  REQUIRE(specs.size() == 1);
  MoveEnds ends{c.from, c.to, {}, "src/" + specs[0].name};
  for (const auto& n : c.networks) ends.networks.push_back({n, "bridge"});
  return translate_for_move(specs[0], c.request, ends);
}

std::vector<Case> cases() {
  const auto vsphere = caps("vsphere", "esxi"), xen = caps("xen", "xen"), kvm = caps("libvirt", "kvm");
  MoveRequest mapped;
  mapped.networks = {{"VM Network", "xenbr0"}};
  MoveRequest hvm = mapped;
  hvm.as = "hvm";
  MoveRequest renamed;
  renamed.name = "db-01-vmw";
  return {
      {"vsphere-to-xen-pvh", "vsphere-debian", vsphere, xen, {"xenbr0"}, mapped},
      {"vsphere-to-xen-hvm", "vsphere-debian", vsphere, xen, {"xenbr0"}, hvm},
      {"vsphere-to-kvm-unmapped", "vsphere-debian", vsphere, kvm, {"default"}, {}},
      {"kvm-to-vsphere", "libvirt-kvm", kvm, vsphere, {"default", "backend"}, renamed},
      {"xen-pvgrub-to-kvm", "xen-pvgrub", xen, kvm, {"xenbr0"}, {}},
  };
}

}  // namespace

TEST_CASE("move translation: golden report and destination spec per case") {
  const bool update = std::getenv("HVCTL_UPDATE_GOLDEN") && std::string(std::getenv("HVCTL_UPDATE_GOLDEN")) == "1";
  for (const auto& c : cases()) {
    INFO("case: ", c.name);
    const auto text = report(translate(c));
    const auto golden = kDir / (std::string(c.name) + ".out");
    if (update) {
      std::ofstream(golden, std::ios::binary) << text;
      continue;
    }
    REQUIRE_MESSAGE(fs::exists(golden), "missing golden file; run with HVCTL_UPDATE_GOLDEN=1");
    CHECK(text == read_file(golden));
  }
}

TEST_CASE("move translation: a Linux guest on Xen boots through pvgrub on xen disks, its networks mapped") {
  const auto t = translate(cases()[0]);
  CHECK(t.problems.empty());
  CHECK(t.spec.xen->type == "pvh");
  CHECK(t.spec.boot.loader == "pvgrub");
  CHECK(!t.spec.firmware);  // a PVH guest has no firmware to choose
  REQUIRE(t.spec.disks.size() == 2);
  CHECK(t.spec.disks[0].bus == "xen");
  CHECK(!t.spec.disks[0].controller);
  CHECK(t.spec.controllers.empty());
  CHECK(t.spec.cdroms.empty());
  REQUIRE(t.spec.nics.size() == 1);
  CHECK(t.spec.nics[0].network == "xenbr0");
  CHECK(t.spec.nics[0].mac == "00:50:56:01:02:03");  // any MAC does on Xen: DHCP reservations keep working
  CHECK(t.spec.labels.at(kMovedFromLabel) == "src/web-01");
  CHECK(!t.spec.vsphere);  // guest id, placement, extraConfig: all the source's own
  CHECK(t.spec.cpu.count == 2);
  CHECK(t.spec.memory.size_mib == 2048);
}

TEST_CASE("move translation: what stops a move is a problem, not a silent change") {
  const auto unmapped = translate(cases()[2]);
  REQUIRE(unmapped.problems.size() == 1);
  CHECK(unmapped.problems[0].find("'VM Network' has no match") != std::string::npos);
  CHECK(unmapped.problems[0].find("--map-network") != std::string::npos);
  auto c = cases()[2];
  c.request.as = "pvh";  // a KVM destination has no Xen guest type
  CHECK(translate(c).problems.size() == 2);
}

TEST_CASE("move translation: vSphere keeps only MACs in VMware's manual range; an HVM guest gets IDE disks") {
  const auto to_vsphere = translate(cases()[3]);
  CHECK(to_vsphere.spec.name == "db-01-vmw");
  CHECK(!to_vsphere.spec.nics[0].mac);
  CHECK(to_vsphere.spec.nics[0].model == "vmxnet3");
  CHECK(to_vsphere.spec.disks[0].bus == "scsi");
  const auto hvm = translate(cases()[1]);
  CHECK(hvm.spec.xen->type == "hvm");
  CHECK(!hvm.spec.boot.loader);
  CHECK(hvm.spec.disks[0].bus == "ide");
  CHECK(hvm.spec.firmware == Firmware::uefi);  // HVM keeps its firmware
}

TEST_CASE("move translation: the Xen-only fields and init leave with their reasons") {
  const auto t = translate(cases()[4]);
  CHECK(!t.spec.boot.loader);
  CHECK(!t.spec.xen);
  CHECK(t.spec.init.empty());
  std::string lost;
  for (const auto& l : t.lost) lost += l.field + ";";
  CHECK(lost.find("init;") != std::string::npos);
  CHECK(lost.find("boot.loader;") != std::string::npos);
  CHECK(lost.find("xen.onCrash;") != std::string::npos);
}

TEST_CASE("move --consolidate deletes snapshots children first, whatever order they are listed in") {
  const std::vector<SnapshotInfo> tree{{"b", "2", "1", std::nullopt, false},  {"root", "1", "", std::nullopt, false},
                                       {"c", "3", "2", std::nullopt, true},   {"side", "4", "1", std::nullopt, false},
                                       {"other", "5", "", std::nullopt, false}};
  std::vector<std::string> order;
  for (const auto& s : children_first(tree)) order.push_back(s.name);
  CHECK(order == std::vector<std::string>{"c", "b", "side", "root", "other"});
  CHECK(children_first({}).empty());
}
