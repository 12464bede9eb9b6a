#include <doctest/doctest.h>

#include <algorithm>
#include <map>

#include "hvctl/plan.hpp"

using namespace hvctl;

namespace {

Capabilities caps() {
  Capabilities c;
  c.backend = "test";
  c.fields = {"cpu.count", "memory.size", "labels", "disks.path", "nics.network"};
  c.hot_fields = {"labels", "memory.size"};
  return c;
}

VmSpec want() {
  VmSpec s;
  s.name = "vm1";
  s.cpu.count = 2;
  s.memory.size_mib = 512;
  return s;
}

VmState have(PowerState power) {
  VmState st;
  st.name = "vm1";
  st.power = power;
  st.spec.name = "vm1";
  st.spec.cpu = {2, 100, std::nullopt};  // weight set by the backend: not drift
  st.spec.memory = {512, 1024};
  st.spec.firmware = Firmware::bios;
  return st;
}

}  // namespace

TEST_CASE("a new VM is created and started unless the spec says stopped") {
  auto p = plan_vm(want(), std::nullopt, "t", caps());
  CHECK(p.action() == PlanAction::create);
  CHECK(p.power_to == PowerState::running);
  CHECK(p.describe() == "create (2 vCPU, 512MiB), start");
  auto s = want();
  s.power = PowerState::stopped;
  CHECK_FALSE(plan_vm(s, std::nullopt, "t", caps()).power_to.has_value());
}

TEST_CASE("only fields the spec sets are compared") {
  auto p = plan_vm(want(), have(PowerState::running), "t", caps());
  CHECK(p.action() == PlanAction::none);
  CHECK(p.describe() == "no changes");
}

TEST_CASE("a cold change on a running VM needs a restart; a hot one does not") {
  auto s = want();
  s.cpu.count = 4;
  auto p = plan_vm(s, have(PowerState::running), "t", caps());
  REQUIRE(p.changes.size() == 1);
  CHECK(p.changes[0].field == "cpu.count");
  CHECK(p.changes[0].from == "2");
  CHECK(p.changes[0].to == "4");
  CHECK(p.needs_restart);
  CHECK(p.describe() == "update cpu.count 2 -> 4 (needs restart)");

  s = want();
  s.memory.size_mib = 1024;  // up to the running maximum: hot
  p = plan_vm(s, have(PowerState::running), "t", caps());
  CHECK_FALSE(p.needs_restart);
  CHECK(p.changes.at(0).hot);

  s.memory.size_mib = 2048;  // above it: cold
  p = plan_vm(s, have(PowerState::running), "t", caps());
  CHECK(p.needs_restart);

  s = want();
  s.cpu.count = 4;
  CHECK_FALSE(plan_vm(s, have(PowerState::stopped), "t", caps()).needs_restart);
}

TEST_CASE("vCPUs and memory change hot within the ceiling the VM booted with; beyond it the plan says why") {
  auto c = caps();
  c.hot_fields.insert("cpu.count");
  auto running = have(PowerState::running);
  running.spec.cpu.max = 4;  // booted with 2 of 4 online
  auto s = want();
  s.cpu.count = 4;
  auto p = plan_vm(s, running, "t", c);
  REQUIRE(p.changes.size() == 1);
  CHECK(p.changes[0].hot);
  CHECK_FALSE(p.needs_restart);
  CHECK(p.describe() == "update cpu.count 2 -> 4");
  s.cpu.count = 1;  // fewer online: hot too
  CHECK(plan_vm(s, running, "t", c).changes.at(0).hot);

  s.cpu.count = 6;
  p = plan_vm(s, running, "t", c);
  CHECK(p.needs_restart);
  CHECK(p.changes.at(0).why == "above the 4 cpu.max it booted with");
  CHECK(p.describe() == "update cpu.count 2 -> 6 (needs restart: above the 4 cpu.max it booted with)");

  s.cpu.count = 3;  // within the old ceiling, but the ceiling itself changes
  s.cpu.max = 8;
  p = plan_vm(s, running, "t", c);
  CHECK(p.needs_restart);
  const auto count = std::find_if(p.changes.begin(), p.changes.end(), [](const FieldChange& f) { return f.field == "cpu.count"; });
  REQUIRE(count != p.changes.end());
  CHECK(count->why == "cpu.max changes, and the VM boots with its ceiling");

  s = want();
  s.memory.size_mib = 2048;  // above memory.max 1024
  p = plan_vm(s, have(PowerState::running), "t", c);
  CHECK(p.changes.at(0).why == "above the 1024MiB memory.max it booted with");

  // A VM without headroom (cpu.max unset: equal to its count) restarts for any rise.
  s = want();
  s.cpu.count = 3;
  p = plan_vm(s, have(PowerState::running), "t", c);
  CHECK(p.needs_restart);
  CHECK(p.changes.at(0).why == "above the 2 cpu.max it booted with");
}

TEST_CASE("power changes are planned both ways") {
  auto s = want();
  s.power = PowerState::stopped;
  auto p = plan_vm(s, have(PowerState::running), "t", caps());
  CHECK(p.action() == PlanAction::power);
  CHECK(p.describe() == "stop");
  s.power = PowerState::paused;
  CHECK(plan_vm(s, have(PowerState::running), "t", caps()).describe() == "pause");
  s.power = PowerState::running;
  CHECK(plan_vm(s, have(PowerState::paused), "t", caps()).describe() == "resume");
}

TEST_CASE("a VM declared absent is deleted only when it exists") {
  auto s = want();
  s.ensure = Ensure::absent;
  CHECK(plan_vm(s, have(PowerState::running), "t", caps()).action() == PlanAction::remove);
  CHECK(plan_vm(s, std::nullopt, "t", caps()).action() == PlanAction::none);
}

TEST_CASE("disks and nics are matched by id; unknown sizes are not drift") {
  auto s = want();
  s.disks = {{"root", 1024, "/a.img", std::nullopt, std::nullopt, std::nullopt}, {"data", 2048, std::nullopt, std::nullopt, std::nullopt, std::nullopt}};
  s.nics = {{"eth0", "br1", std::nullopt, std::nullopt}};
  auto h = have(PowerState::stopped);
  h.spec.disks = {{"root", std::nullopt, "/a.img", "virtio", "raw", false}};
  h.spec.nics = {{"eth0", "br0", "52:54:00:00:00:01", "virtio"}};
  auto p = plan_vm(s, h, "t", caps());
  REQUIRE(p.changes.size() == 2);
  CHECK(p.changes[0].field == "disks[data]");
  CHECK(p.changes[0].to == "add");
  CHECK(p.changes[1].field == "nics[eth0].network");
}

TEST_CASE("labels compare as a whole when set") {
  auto s = want();
  s.labels = {{"tier", "web"}};
  auto h = have(PowerState::running);
  h.spec.labels = {{"tier", "db"}};
  auto p = plan_vm(s, h, "t", caps());
  REQUIRE(p.changes.size() == 1);
  CHECK(p.changes[0].from == "tier=db");
  CHECK(p.changes[0].hot);
}

TEST_CASE("fields a backend cannot express are problems at their marks") {
  auto s = want();
  s.cpu.cap = 50;
  s.field_marks["cpu.cap"] = {"f.yaml", 7, 9};
  s.field_marks["disks[0].bus"] = {"f.yaml", 9, 3};
  s.field_marks["xen.type"] = {"f.yaml", 10, 3};  // backend blocks are each backend's own business
  auto problems = unsupported_fields(s, caps());
  REQUIRE(problems.size() == 2);
  CHECK(problems[0].str() == "f.yaml:7:9: VM 'vm1': cpu.cap cannot be expressed on a test target");
  CHECK(problems[1].message.find("disks.bus") != std::string::npos);
}

TEST_CASE("the plan says which change takes the restart, and only where the VM is up") {
  auto s = want();
  s.cpu.count = 4;
  s.memory.size_mib = 768;  // hot, within the maximum
  auto p = plan_vm(s, have(PowerState::running), "t", caps());
  CHECK(p.describe() == "update cpu.count 2 -> 4 (needs restart), memory.size 512MiB -> 768MiB");
  CHECK(p.restarts_for(p.changes[0]));
  CHECK_FALSE(p.restarts_for(p.changes[1]));
  p = plan_vm(s, have(PowerState::stopped), "t", caps());
  CHECK(p.describe() == "update cpu.count 2 -> 4, memory.size 512MiB -> 768MiB");
  CHECK_FALSE(p.restarts_for(p.changes[0]));
  CHECK_FALSE(p.needs_restart);
  s.power = PowerState::stopped;  // it is to stop anyway: nothing restarts
  p = plan_vm(s, have(PowerState::running), "t", caps());
  CHECK(p.describe() == "update cpu.count 2 -> 4, memory.size 512MiB -> 768MiB, stop");
}

TEST_CASE("a cpu.count the VM's cores per socket do not divide is impossible, whichever field changes") {
  VmSpec want;
  want.name = "vm1";
  want.cpu.count = 6;
  VmSpec have;
  have.name = "vm1";
  have.cpu.count = 4;
  have.cpu.cores_per_socket = 4;
  const auto problems = transition_problems(want, have);
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].message == "VM 'vm1': cpu.count 6 does not divide into sockets of 4 cores (cpu.coresPerSocket); set both");
  want.cpu.cores_per_socket = 2;
  CHECK(transition_problems(want, have).empty());
  VmSpec only_cores;
  only_cores.name = "vm1";
  only_cores.cpu.cores_per_socket = 3;
  CHECK(transition_problems(only_cores, have).size() == 1);
}

TEST_CASE("a changed spec.init is impossible on an existing VM unless apply --reinit") {
  VmSpec have;
  have.name = "vm1";
  have.init.hostname = "web-01";
  VmSpec want = have;
  CHECK(transition_problems(want, have).empty());  // the same identity: nothing to do
  want.init.hostname = "web-02";
  auto problems = transition_problems(want, have);
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].message.find("VM 'vm1': spec.init.hostname changes its first-boot identity") == 0);
  CHECK(problems[0].message.find("apply --reinit does it") != std::string::npos);
  VmSpec none;  // a VM that had no init gets one: a new instance as well
  none.name = "vm1";
  CHECK(transition_problems(want, none).size() == 1);
  want.reinit = true;
  CHECK(transition_problems(want, have).empty());
  Capabilities c;
  c.backend = "libvirt";
  c.fields = {"init.hostname"};
  VmState was;
  was.spec = have;
  const auto plan = plan_vm(want, was, "t", c);
  CHECK(plan.describe().find("init.hostname web-01 -> web-02") != std::string::npos);
  CHECK(plan.describe().find("the guest reads its new identity at its next boot, as a new instance") !=
        std::string::npos);  // when the guest reads it, as the plan must say
  VmSpec customized = have;
  customized.vsphere.emplace().customization.ipv4 = "10.0.0.9/24";
  was.spec.vsphere.emplace();
  c.fields = {"vsphere.customization.ipv4"};
  c.backend = "vsphere";
  CHECK(transition_problems(customized, was.spec).size() == 1);  // a customization is identity too
  VmSpec keys = have;
  keys.init.ssh_authorized_keys = {"ssh-ed25519 AAAA a@b"};
  CHECK(transition_problems(keys, have).size() == 1);
}

TEST_CASE("devices the VM has and a listed device class does not name are kept, and are no change") {
  auto s = want();
  s.nics = {{"eth0", "br0", std::nullopt, std::nullopt}};
  s.field_marks["nics"] = {};
  auto h = have(PowerState::running);
  h.spec.nics = {{"eth0", "br0", "52:54:00:00:00:01", "virtio"}, {"eth1", "br1", "52:54:00:00:00:02", "virtio"}};
  h.spec.disks = {{"root", std::nullopt, "/a.img", "virtio", "raw", false}};
  const auto p = plan_vm(s, h, "t", caps());
  CHECK(p.kept == std::vector<std::string>{"nics[eth1]"});  // disks: not listed, so not spoken of
  CHECK(p.action() == PlanAction::none);
  CHECK(p.describe() == "kept (not in spec): nics[eth1]");
}

TEST_CASE("with prune, devices a listed class does not name are changes: removals, a disk's image kept") {
  auto s = want();
  s.nics = {{"eth0", "br0", std::nullopt, std::nullopt}};
  s.disks = {{"root", std::nullopt, "/a.img", std::nullopt, std::nullopt, std::nullopt}};
  s.field_marks["nics"] = {};
  s.field_marks["disks"] = {};
  s.prune = true;
  auto h = have(PowerState::running);
  h.spec.nics = {{"eth0", "br0", "52:54:00:00:00:01", "virtio"}, {"eth1", "br1", "52:54:00:00:00:02", "virtio"}};
  h.spec.disks = {{"root", std::nullopt, "/a.img", "virtio", "raw", false}, {"data", 64, "/d.img", "virtio", "raw", false}};
  const auto p = plan_vm(s, h, "t", caps());
  CHECK(p.kept.empty());
  REQUIRE(p.changes.size() == 2);
  CHECK(p.changes[0].field == "disks[data]");
  CHECK(p.changes[0].to == "remove (image kept)");
  CHECK(p.changes[1].field == "nics[eth1]");
  CHECK(p.needs_restart);
  CHECK(p.action() == PlanAction::update);
}

TEST_CASE("with --delete-images, a pruned disk's image is deleted only when hvctl made it; cdroms prune too") {
  auto s = want();
  s.disks = {{"root", std::nullopt, "/a.img", std::nullopt, std::nullopt, std::nullopt}};
  s.cdroms = {};
  s.field_marks["disks"] = {};
  s.field_marks["cdroms"] = {};
  s.prune = true;
  s.delete_images = true;
  auto h = have(PowerState::stopped);
  h.spec.disks = {{"root", std::nullopt, "/a.img", "virtio", "raw", false},
                  {"made", 64, "/pool/made.qcow2", "virtio", "qcow2", false},
                  {"foreign", std::nullopt, "/srv/foreign.img", "virtio", "raw", false}};
  h.spec.cdroms = {{"cd0", "/iso/x.iso", "ide"}};
  h.owned_disks = {"made", "root"};
  const auto p = plan_vm(s, h, "t", caps());
  REQUIRE(p.changes.size() == 3);
  CHECK(p.changes[0].field == "disks[made]");
  CHECK(p.changes[0].to == "remove (image deleted)");
  CHECK(p.changes[1].field == "disks[foreign]");
  CHECK(p.changes[1].to == "remove (image kept: hvctl did not make it)");
  CHECK(p.changes[2].field == "cdroms[cd0]");
  CHECK(p.changes[2].to == "remove");
  s.delete_images = false;
  CHECK(plan_vm(s, h, "t", caps()).changes[0].to == "remove (image kept)");
}

TEST_CASE("adding and pruning devices is hot where the target hot-plugs them, but not on a bus it cannot") {
  auto c = caps();
  c.hot_fields.insert({"disks.add", "disks.remove", "nics.add", "nics.remove"});
  c.cold_disk_buses = {"ide", "sata"};
  auto s = want();
  s.disks = {{"root", std::nullopt, "/a.img", std::nullopt, std::nullopt, std::nullopt},
             {"data", 64, std::nullopt, std::nullopt, std::nullopt, std::nullopt},
             {"legacy", 64, std::nullopt, "sata", std::nullopt, std::nullopt}};
  s.nics = {{"eth1", "br0", std::nullopt, std::nullopt}};
  s.field_marks["nics"] = {};
  s.field_marks["disks"] = {};
  s.prune = true;
  auto h = have(PowerState::running);
  h.spec.nics = {{"eth0", "br0", "52:54:00:00:00:01", "virtio"}};
  h.spec.disks = {{"root", std::nullopt, "/a.img", "virtio", "raw", false}, {"old", 8, "/o.img", "ide", "raw", false}};
  const auto p = plan_vm(s, h, "t", c);
  std::map<std::string, bool> hot;
  for (const auto& change : p.changes) hot[change.field] = change.hot;
  CHECK(hot == std::map<std::string, bool>{{"disks[data]", true}, {"disks[legacy]", false}, {"disks[old]", false},
                                           {"nics[eth0]", true}, {"nics[eth1]", true}});
  CHECK(p.needs_restart);  // for the sata add and the ide removal
  CHECK(p.describe().find("disks[legacy] (unset) -> add (needs restart)") != std::string::npos);
  CHECK(p.describe().find("disks[data] (unset) -> add,") != std::string::npos);

  SUBCASE("without them, a running VM takes the rest with no restart") {
    s.disks.pop_back();
    h.spec.disks.pop_back();
    CHECK_FALSE(plan_vm(s, h, "t", c).needs_restart);
  }
  SUBCASE("a target whose device lists are not hot restarts for any of them") {
    s.disks.pop_back();
    h.spec.disks.pop_back();
    CHECK(plan_vm(s, h, "t", caps()).needs_restart);
  }
}

TEST_CASE("a paused VM's device removals are not hot: its guest cannot release them; additions still are") {
  auto c = caps();
  c.hot_fields.insert({"disks.add", "disks.remove", "nics.add", "nics.remove"});
  auto s = want();
  s.power = PowerState::paused;
  s.disks = {{"root", std::nullopt, "/a.img", std::nullopt, std::nullopt, std::nullopt},
             {"data", 64, std::nullopt, std::nullopt, std::nullopt, std::nullopt}};
  s.field_marks["disks"] = {};
  s.prune = true;
  auto h = have(PowerState::paused);
  h.spec.disks = {{"root", std::nullopt, "/a.img", "virtio", "raw", false}, {"old", 8, "/o.img", "virtio", "raw", false}};
  const auto p = plan_vm(s, h, "t", c);
  REQUIRE(p.changes.size() == 2);
  CHECK(p.changes[0].field == "disks[data]");
  CHECK(p.changes[0].hot);
  CHECK(p.changes[1].field == "disks[old]");
  CHECK_FALSE(p.changes[1].hot);
  CHECK(p.needs_restart);
  CHECK(p.describe().find("disks[old] present -> remove (image kept) (needs restart: the VM is paused: its guest "
                          "cannot release it)") != std::string::npos);
  s.power = PowerState::running;  // resumed by this apply, before the unplug
  CHECK_FALSE(plan_vm(s, h, "t", c).needs_restart);
  h.power = PowerState::running;
  CHECK_FALSE(plan_vm(s, h, "t", c).needs_restart);
}

TEST_CASE("a hot key the VM names cold is a restart for that VM only") {
  auto c = caps();
  c.hot_fields.insert({"nics.add", "nics.remove"});
  auto s = want();
  s.memory.size_mib = 768;  // hot for every VM (within the maximum)
  s.nics = {{"eth0", "br0", std::nullopt, std::nullopt}};
  s.field_marks["nics"] = {};
  s.prune = true;
  auto h = have(PowerState::running);
  h.spec.nics = {{"eth1", "br0", "52:54:00:00:00:02", std::nullopt}};
  const auto warm = plan_vm(s, h, "t", c);
  REQUIRE(warm.changes.size() == 3);
  CHECK_FALSE(warm.needs_restart);
  h.cold_fields = {"nics.add", "nics.remove"};
  const auto cold = plan_vm(s, h, "t", c);
  REQUIRE(cold.changes.size() == 3);
  CHECK(cold.changes[0].field == "memory.size");
  CHECK(cold.changes[0].hot);
  CHECK(cold.changes[1].field == "nics[eth0]");
  CHECK_FALSE(cold.changes[1].hot);
  CHECK(cold.changes[2].field == "nics[eth1]");
  CHECK_FALSE(cold.changes[2].hot);
  CHECK(cold.needs_restart);
}

TEST_CASE("vsphere.pinHost makes a VM on another host a hot change back to vsphere.host; without it the host is placement") {
  Capabilities vs = caps();
  vs.backend = "vsphere";
  VmSpec spec = want();
  spec.vsphere = VsphereBlock{};
  spec.vsphere->host = "esx-1";
  VmState st = have(PowerState::running);
  st.runtime.host = "esx-2";  // DRS moved it

  CHECK_FALSE(plan_vm(spec, st, "vc", vs).has_changes());  // placement at create only

  spec.vsphere->pin_host = true;
  auto p = plan_vm(spec, st, "vc", vs);
  REQUIRE(p.changes.size() == 1);
  CHECK(p.changes[0].field == kPinnedHostField);
  CHECK(p.changes[0].from == "esx-2");
  CHECK(p.changes[0].to == "esx-1");
  CHECK(p.changes[0].hot);
  CHECK_FALSE(p.needs_restart);

  st.runtime.host = "esx-1";
  CHECK_FALSE(plan_vm(spec, st, "vc", vs).has_changes());  // where it is pinned
  st.runtime.host = "esx-2";
  CHECK_FALSE(plan_vm(spec, st, "lab", caps()).has_changes());  // the block is vSphere's alone
}
