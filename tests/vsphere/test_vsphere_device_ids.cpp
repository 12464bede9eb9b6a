// Device identity (vm_model.hpp): NICs keep their ids by MAC and disks by
// controller address when other devices come and go. First the read mapping
// and the specs that record it (pure), then against vcsim: a VM made through
// the backend loses its middle NIC and its middle disk to a ReconfigVM_Task
// sent as govc would send it, and the others read back under the same ids.
#include <doctest/doctest.h>

#include <algorithm>

#include "inventory.hpp"
#include "tasks.hpp"
#include "translate.hpp"
#include "vcsim_env.hpp"
#include "vsphere_backend.hpp"

using namespace hvctl;
using namespace hvctl::vsphere;
using namespace hvctl::vsphere::test;

namespace {

Nic nic(int key, int unit, const std::string& mac) {
  Nic n;
  n.key = key;
  n.unit = unit;
  n.mac = mac;
  n.type = "VirtualVmxnet3";
  n.model = "vmxnet3";
  return n;
}

const char* const kMac0 = "00:50:56:aa:00:00";
const char* const kMac1 = "00:50:56:aa:00:01";
const char* const kMac2 = "00:50:56:aa:00:02";

// Three NICs on units 7, 8, 9, and what hvctl.nics says of them.
VmConfig three_nics(const std::string& entries) {
  VmConfig vm;
  vm.name = "ids";
  vm.nics = {nic(4000, 7, kMac0), nic(4001, 8, kMac1), nic(4002, 9, kMac2)};
  if (!entries.empty()) vm.extra_config[kNicsKey] = entries;
  return vm;
}

std::vector<std::string> ids_of(const std::vector<NicId>& nics) {
  std::vector<std::string> out;
  for (const auto& n : nics) out.push_back(n.id);
  return out;
}

std::vector<std::string> nic_spec_ids(const VmConfig& vm) {
  std::vector<std::string> out;
  for (const auto& n : to_vm_state(vm).spec.nics) out.push_back(n.id);
  return out;
}

void remove_nic(VmConfig& vm, int key) {
  vm.nics.erase(std::remove_if(vm.nics.begin(), vm.nics.end(), [&](const Nic& n) { return n.key == key; }),
                vm.nics.end());
}

using Ids = std::vector<std::string>;
const std::string kPinned = std::string("eth0=") + kMac0 + ",eth1=" + kMac1 + ",eth2=" + kMac2;

}  // namespace

TEST_SUITE("vsphere") {

TEST_CASE("device ids: a NIC keeps its id by MAC when another goes") {
  VmConfig vm = three_nics(kPinned);
  CHECK(nic_spec_ids(vm) == Ids{"eth0", "eth1", "eth2"});
  remove_nic(vm, 4001);
  CHECK(nic_spec_ids(vm) == Ids{"eth0", "eth2"});
  const auto ids = nic_ids(vm);
  CHECK(ids[1].nic->mac == kMac2);
  CHECK(ids[1].by == NicId::By::mac);

  SUBCASE("the order of the entries and of the units does not matter") {
    vm.extra_config[kNicsKey] = std::string("eth2=") + kMac2 + ",eth0=" + kMac0;
    vm.nics[0].unit = 12;  // eth0 now after eth2 on the PCI bus
    CHECK(ids_of(nic_ids(vm)) == Ids{"eth2", "eth0"});
  }
  SUBCASE("MACs compare without case") {
    vm.extra_config[kNicsKey] = "eth0=00:50:56:AA:00:00,eth2=00:50:56:AA:00:02";
    CHECK(nic_spec_ids(vm) == Ids{"eth0", "eth2"});
  }
  SUBCASE("the removed NIC's id is not handed to a NIC made outside hvctl") {
    vm.nics.push_back(nic(4003, 10, "00:0c:29:00:00:09"));
    CHECK(nic_spec_ids(vm) == Ids{"eth0", "eth2", "nic0"});
  }
}

TEST_CASE("device ids: entries without a MAC keep today's rule, by position") {
  SUBCASE("a list hvctl wrote before MACs were recorded reads as it did") {
    VmConfig vm = three_nics("eth0,eth1,eth2");
    CHECK(nic_spec_ids(vm) == Ids{"eth0", "eth1", "eth2"});
    for (const auto& n : nic_ids(vm)) CHECK(n.by == NicId::By::position);
    remove_nic(vm, 4001);
    CHECK(nic_spec_ids(vm) == Ids{"eth0", "eth1"});  // the reason MACs are recorded
  }
  SUBCASE("a NIC just added takes the entry without a MAC, whatever its unit") {
    VmConfig vm = three_nics(std::string("eth0=") + kMac0 + ",eth2=" + kMac2 + ",eth3");
    vm.nics[1].unit = 1;  // vcsim gives every new NIC unit 1: it sorts first
    vm.nics[1].mac = "00:0c:29:00:00:01";
    const auto ids = nic_ids(vm);
    CHECK(ids_of(ids) == Ids{"eth3", "eth0", "eth2"});
    CHECK(ids[0].by == NicId::By::position);
  }
  SUBCASE("NICs no entry names: nic<N> in unit order, avoiding the ids in use") {
    VmConfig vm = three_nics("");
    CHECK(nic_spec_ids(vm) == Ids{"nic0", "nic1", "nic2"});
    vm.extra_config[kNicsKey] = std::string("nic1=") + kMac2;
    CHECK(nic_spec_ids(vm) == Ids{"nic0", "nic2", "nic1"});
    for (const auto& n : nic_ids(three_nics(""))) CHECK(n.by == NicId::By::fresh);
  }
}

TEST_CASE("device ids: hvctl's own keys stay out of the spec's vsphere.extraConfig") {
  VmConfig vm = three_nics(kPinned);
  vm.extra_config[kDisksKey] = "root=scsi0:0";
  vm.extra_config["disk.EnableUUID"] = "TRUE";
  const VmSpec s = to_vm_state(vm).spec;
  REQUIRE(s.vsphere);
  CHECK(s.vsphere->extra_config == std::map<std::string, std::string>{{"disk.EnableUUID", "TRUE"}});
}

TEST_CASE("device ids: a disk keeps its id by controller address when another goes") {
  VmConfig vm;
  vm.controllers = {{1000, "ParaVirtualSCSIController", "scsi", 0}};
  for (int unit = 0; unit < 3; ++unit) {
    Disk d;
    d.key = 2000 + unit;
    d.controller_key = 1000;
    d.unit = unit;
    d.address = "scsi0:" + std::to_string(unit);
    d.capacity_kb = 1024 * 1024;
    vm.disks.push_back(d);
  }
  vm.extra_config[kDisksKey] = "root=scsi0:0,data=scsi0:1,logs=scsi0:2";
  vm.disks.erase(vm.disks.begin() + 1);
  const auto disks = to_vm_state(vm).spec.disks;
  REQUIRE(disks.size() == 2);
  CHECK(disks[0].id == "root");
  CHECK(disks[1].id == "logs");
}

TEST_CASE("device ids: the specs record MACs") {
  SUBCASE("create: a MAC the spec sets at once, a generated one later") {
    VmSpec spec;
    spec.name = "ids";
    spec.nics = {{"eth0", {}, {}, {}}, {"eth1", {}, std::string(kMac1), {}}};
    CreateContext ctx{"LocalDS_0", {{"VM Network", {}}}};
    const auto xml = create_spec_document(spec, ctx);
    CHECK(xml.find(std::string("<value xsi:type=\"xsd:string\">eth0,eth1=") + kMac1 + "</value>") !=
          std::string::npos);
  }
  SUBCASE("after the task: write_nic_pins records what the NICs got, once") {
    VmConfig vm = three_nics("eth0,eth1,eth2");
    vm.change_version = "2026-12-01T00:00:00Z";
    auto doc = xml::Builder::standalone("spec");
    REQUIRE(write_nic_pins(doc.top(), vm));
    const auto xml = doc.str(true);
    CHECK(xml.find("<changeVersion>2026-12-01T00:00:00Z</changeVersion>") != std::string::npos);
    CHECK(xml.find("<key>hvctl.nics</key>") != std::string::npos);
    CHECK(xml.find(kPinned) != std::string::npos);
    auto again = xml::Builder::standalone("spec");
    CHECK_FALSE(write_nic_pins(again.top(), three_nics(kPinned)));
    CHECK_FALSE(write_nic_pins(again.top(), three_nics("")));  // nothing hvctl named
  }
  SUBCASE("reconfigure: an added NIC joins the list; a changed MAC follows") {
    const VmConfig vm = three_nics(kPinned);
    VmSpec want;
    want.name = "ids";
    want.nics = {{"eth3", {}, {}, {}}};
    CHECK(reconfig_spec_document(want, vm, {}).find(kPinned + ",eth3<") != std::string::npos);
    want.nics = {{"eth1", {}, std::string("00:50:56:aa:00:09"), {}}};
    const auto xml = reconfig_spec_document(want, vm, {});
    CHECK(xml.find(std::string("eth0=") + kMac0 + ",eth1=00:50:56:aa:00:09,eth2=" + kMac2) != std::string::npos);
    want.nics = {{"eth1", std::string("VM Network"), {}, {}}};  // only the network: the ids stay
    CHECK(reconfig_spec_document(want, vm, {}).find("hvctl.nics") == std::string::npos);
  }
}

}  // TEST_SUITE

namespace {

VmSpec vcsim_spec() {
  VmSpec spec;
  spec.name = "vc-device-ids";
  spec.memory.size_mib = 64;
  spec.disks = {{"root", 64, {}, {}, {}, {}}, {"data", 64, {}, {}, {}, {}}, {"logs", 64, {}, {}, {}, {}}};
  spec.nics = {{"eth0", std::string("VM Network"), {}, {}},
               {"eth1", std::string("VM Network"), {}, {}},
               {"eth2", std::string("VM Network"), {}, {}}};
  return spec;
}

std::vector<std::string> spec_ids(const std::vector<NicSpec>& nics) {
  std::vector<std::string> out;
  for (const auto& n : nics) out.push_back(n.id);
  return out;
}

std::vector<std::string> spec_ids(const std::vector<DiskSpec>& disks) {
  std::vector<std::string> out;
  for (const auto& d : disks) out.push_back(d.id);
  return out;
}

// One device removed the way `govc device.remove` does it: a ReconfigVM_Task
// with a "remove" deviceChange naming the device by key (a disk's file destroyed).
void remove_device(VimSession& s, const VmConfig& vm, const std::string& type, int key, bool disk) {
  run_task(s, [&] {
    auto req = xml::Builder::soap("ReconfigVM_Task");
    req.top().add_moref("_this", vm.ref.type, vm.ref.value);
    auto change = req.top().add("spec").add("deviceChange");
    change.add("operation", "remove");
    if (disk) change.add("fileOperation", "destroy");
    auto dev = change.add("device");
    dev.typed(type);
    dev.add("key", static_cast<long long>(key));
    return read_moref(s.call(req, "ReconfigVM_Task").returnval());
  });
}

VmConfig read_vm(VimSession& s, const std::string& name) {
  Inventory inv(s);
  auto vms = inv.named(name);
  REQUIRE(vms.size() == 1);
  return vms.front();
}

ClientOptions insecure_options(const std::string& url) {
  ClientOptions o;
  o.url = url;
  o.tls.insecure = true;
  return o;
}

}  // namespace

TEST_SUITE("vsphere-vcsim" * doctest::skip(no_vcsim())) {

TEST_CASE("vcsim: removing the middle NIC or disk leaves the others' ids") {
  const std::string url = env("HVCTL_VCSIM_URL");
  auto b = make_vsphere_backend(vcsim_target(url));
  VimSession s(vcsim_target(url), insecure_options(url));
  const VmSpec spec = vcsim_spec();
  b->destroy(spec.name);
  b->create(spec);

  // The create recorded every generated MAC (a second ReconfigVM_Task). vcsim
  // appends a key set again rather than replacing it; the last value wins.
  VmConfig vm = read_vm(s, spec.name);
  REQUIRE(vm.nics.size() == 3);
  for (const auto& n : nic_ids(vm)) CHECK(n.by == NicId::By::mac);
  auto st = b->lookup(spec.name);
  REQUIRE(st);
  CHECK(spec_ids(st->spec.nics) == Ids{"eth0", "eth1", "eth2"});
  CHECK(spec_ids(st->spec.disks) == Ids{"root", "data", "logs"});
  std::map<std::string, std::string> macs;  // id -> MAC, as created
  for (const auto& n : st->spec.nics) macs[n.id] = n.mac.value_or("");

  const auto ids = nic_ids(vm);
  const auto middle = std::find_if(ids.begin(), ids.end(), [](const NicId& n) { return n.id == "eth1"; });
  REQUIRE(middle != ids.end());
  remove_device(s, vm, middle->nic->type, middle->nic->key, false);
  st = b->lookup(spec.name);
  REQUIRE(st);
  REQUIRE(spec_ids(st->spec.nics) == Ids{"eth0", "eth2"});
  CHECK(st->spec.nics[0].mac == macs["eth0"]);
  CHECK(st->spec.nics[1].mac == macs["eth2"]);

  vm = read_vm(s, spec.name);
  const auto data = std::find_if(vm.disks.begin(), vm.disks.end(), [](const Disk& d) { return d.address == "scsi0:1"; });
  REQUIRE(data != vm.disks.end());
  remove_device(s, vm, "VirtualDisk", data->key, true);
  st = b->lookup(spec.name);
  REQUIRE(st);
  CHECK(spec_ids(st->spec.disks) == Ids{"root", "logs"});
  CHECK(spec_ids(st->spec.nics) == Ids{"eth0", "eth2"});

  // A NIC added on reconfigure gets its MAC recorded too, and the others stay.
  VmSpec more = spec;
  more.disks.clear();
  more.nics = {{"eth3", std::string("VM Network"), {}, {}}};
  b->reconfigure(more, *st);
  st = b->lookup(spec.name);
  REQUIRE(st);
  // Listed in unit order, and the new NIC may take the slot eth1 left (vcsim does).
  auto now = spec_ids(st->spec.nics);
  std::sort(now.begin(), now.end());
  CHECK(now == Ids{"eth0", "eth2", "eth3"});
  for (const auto& n : st->spec.nics)
    if (n.id != "eth3") CHECK(n.mac == macs[n.id]);
  for (const auto& n : nic_ids(read_vm(s, spec.name))) CHECK(n.by == NicId::By::mac);
  b->destroy(spec.name);
}

}  // TEST_SUITE
