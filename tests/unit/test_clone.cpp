// Clones as every backend sees them (src/core/clone.cpp) and how plans show them.
#include <doctest/doctest.h>

#include "hvctl/clone.hpp"
#include "hvctl/plan.hpp"

using namespace hvctl;

namespace {

VmState template_vm(PowerState power = PowerState::stopped) {
  VmState st;
  st.name = st.spec.name = "tpl";
  st.power = power;
  st.spec.is_template = true;
  st.spec.cpu.count = 2;
  st.spec.memory.size_mib = 256;
  st.spec.labels = {{"role", "template"}};
  st.spec.description = "the base";
  st.spec.init.hostname = "tpl-host";
  st.spec.boot.kernel = "/boot/vmlinuz";
  st.spec.disks = {{.id = "root", .size_mib = 1024, .path = "/pool/tpl-root.img", .bus = "virtio", .format = "raw"},
                   {.id = "tools", .path = "/pool/tools.iso", .readonly = true}};
  st.spec.nics = {{.id = "eth0", .network = "default", .mac = "52:54:00:00:00:01", .model = "virtio"}};
  return st;
}

VmSpec clone(const char* name = "web") {
  VmSpec s;
  s.name = name;
  s.source.template_name = "tpl";
  return s;
}

std::map<std::string, VmState> inventory(std::vector<VmState> vms) {
  std::map<std::string, VmState> out;
  for (auto& vm : vms) out.emplace(vm.name, std::move(vm));
  return out;
}

Capabilities caps(bool clone_running) {
  Capabilities c;
  c.backend = clone_running ? "vsphere" : "libvirt";
  c.clone_running = clone_running;
  return c;
}

VmState plain_vm(const char* name, PowerState power) {
  VmState st;
  st.name = st.spec.name = name;
  st.power = power;
  return st;
}

std::string first_message(const std::vector<Problem>& problems) {
  return problems.empty() ? "" : problems.front().message;
}

}  // namespace

TEST_CASE("a clone's source must be there, of the kind the spec names") {
  const auto inv = inventory({template_vm(), plain_vm("db", PowerState::stopped)});
  CHECK(source_problems(clone(), inv, caps(false)).empty());

  auto missing = clone();
  missing.source.template_name = "tpl-gone";
  CHECK(first_message(source_problems(missing, inv, caps(false))).find("source template 'tpl-gone' does not exist") !=
        std::string::npos);

  auto vm_as_template = clone();
  vm_as_template.source.template_name = "db";
  CHECK(first_message(source_problems(vm_as_template, inv, caps(true))).find("is a VM, not a template") !=
        std::string::npos);

  VmSpec template_as_vm = clone();
  template_as_vm.source = {.vm = "tpl"};
  CHECK(first_message(source_problems(template_as_vm, inv, caps(true))).find("clone it with source.template") !=
        std::string::npos);

  CHECK(source_problems(VmSpec{.name = "plain"}, inv, caps(false)).empty());  // no source: nothing to check
}

TEST_CASE("a running source is refused where the backend copies disks itself, not on vSphere") {
  const auto inv = inventory({plain_vm("db", PowerState::running)});
  VmSpec s{.name = "db2"};
  s.source.vm = "db";
  CHECK(first_message(source_problems(s, inv, caps(false))).find("source VM 'db' is running") != std::string::npos);
  CHECK(source_problems(s, inv, caps(true)).empty());
}

TEST_CASE("a linked clone of a VM is refused where overlays would see its disks change") {
  const auto inv = inventory({plain_vm("db", PowerState::stopped), template_vm()});
  VmSpec s{.name = "db2"};
  s.source = {.vm = "db", .linked = true};
  CHECK(first_message(source_problems(s, inv, caps(false))).find("link to a template") != std::string::npos);
  CHECK(source_problems(s, inv, caps(true)).empty());  // vSphere links to a snapshot: its own check
  auto linked_template = clone();
  linked_template.source.linked = true;
  CHECK(source_problems(linked_template, inv, caps(false)).empty());
}

TEST_CASE("clone_spec: the source's settings, its disks made from its images, the clone's own identity") {
  auto want = clone();
  want.memory.size_mib = 512;
  want.labels = {{"tier", "web"}};
  want.init.hostname = "web-01";
  const VmSpec s = clone_spec(template_vm(), want);
  CHECK(s.name == "web");
  CHECK(s.cpu.count == 2);             // from the source
  CHECK(s.memory.size_mib == 512);     // the spec's
  CHECK(s.boot.kernel == "/boot/vmlinuz");
  CHECK(s.labels == std::map<std::string, std::string>{{"tier", "web"}});
  CHECK(!s.description);
  CHECK(!s.is_template);               // a template's clone is a VM
  CHECK(s.init.hostname == "web-01");
  REQUIRE(s.disks.size() == 2);
  CHECK(s.disks[0].id == "root");
  CHECK(!s.disks[0].path);
  CHECK(s.disks[0].from == "/pool/tpl-root.img");
  CHECK(s.disks[0].copy_from);
  CHECK(s.disks[0].format == "raw");
  CHECK(s.disks[0].bus == "virtio");
  CHECK(s.disks[1].path == "/pool/tools.iso");  // read-only: shared as it is
  CHECK(!s.disks[1].from);
  REQUIRE(s.nics.size() == 1);
  CHECK(s.nics[0].network == "default");
  CHECK(!s.nics[0].mac);  // a new MAC: two guests with one MAC break the network
}

TEST_CASE("clone_spec: linked disks are overlays, and a disk the spec gives its own image replaces the source's") {
  auto want = clone();
  want.source.linked = true;
  want.disks = {{.id = "tools", .path = "/pool/other.iso", .readonly = true}, {.id = "data", .size_mib = 2048}};
  const VmSpec s = clone_spec(template_vm(), want);
  REQUIRE(s.disks.size() == 3);
  CHECK(s.disks[0].from == "/pool/tpl-root.img");
  CHECK(!s.disks[0].copy_from);
  CHECK(!s.disks[0].format);  // the overlay's format is the backend's
  CHECK(s.disks[1].id == "tools");
  CHECK(s.disks[1].path == "/pool/other.iso");
  CHECK(s.disks[2].id == "data");
  CHECK(s.disks[2].size_mib == 2048);
}

TEST_CASE("plans say what a clone is made from, and that a changed source changes nothing") {
  Capabilities c;
  c.backend = "libvirt";
  c.fields = {"source.template", "source.linked", "cpu.count"};
  auto want = clone();
  want.source.linked = true;
  const auto create = plan_vm(want, std::nullopt, "t", c);
  CHECK(create.describe() == "create (clone of tpl, linked), start");

  VmState made = plain_vm("web", PowerState::running);
  made.spec.source.template_name = "tpl-old";
  want.source.linked.reset();
  const auto later = plan_vm(want, made, "t", c);
  CHECK(later.action() == PlanAction::none);
  REQUIRE(later.create_only.size() == 1);
  CHECK(later.create_only[0].field == "source.template");
  CHECK(later.describe() == "no changes; ignored (read at create only): source.template tpl-old -> tpl");
}

TEST_CASE("a template is never powered on by a plan") {
  Capabilities c;
  c.backend = "libvirt";
  c.fields = {"template"};
  VmSpec t{.name = "tpl"};
  t.is_template = true;
  CHECK(!plan_vm(t, std::nullopt, "t", c).power_to);  // made, and left off
  const auto marked = plan_vm(t, plain_vm("tpl", PowerState::running), "t", c);
  CHECK(marked.power_to == PowerState::stopped);
  CHECK(!marked.needs_restart);
  VmSpec off{.name = "tpl"};
  off.is_template = false;  // unreported: not a template, no change
  CHECK(plan_vm(off, plain_vm("tpl", PowerState::stopped), "t", c).action() == PlanAction::none);
}
