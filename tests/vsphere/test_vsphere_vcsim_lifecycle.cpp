// Against vcsim, through the engine like `hvctl apply`: create, read back,
// no-op re-apply, reconfigure, export round trip, power, snapshots, destroy.
// Skipped unless HVCTL_VCSIM_URL is set (see vcsim_env.hpp).
#include <doctest/doctest.h>

#include <chrono>

#include "hvctl/engine.hpp"
#include "hvctl/error.hpp"
#include "hvctl/spec_io.hpp"
#include "vcsim_env.hpp"

using namespace hvctl;
using namespace hvctl::vsphere::test;

namespace {

const char* const kSpec = R"(apiVersion: hvctl/v1
kind: VirtualMachine
metadata:
  name: vc-life
  labels: {tier: web}
  description: "Lifecycle <test> & notes"
spec:
  cpu: {count: 2, coresPerSocket: 2, weight: 1200}
  memory: {size: 128MiB}
  firmware: uefi
  disks:
    - {id: root, size: 1GiB}
  nics:
    - {id: eth0, network: VM Network, mac: "00:50:56:00:10:01"}
  power: running
  vsphere: {guestId: otherLinux64Guest, extraConfig: {"hvctl-test.key": "v1"}}
)";

std::vector<VmSpec> parse(const std::string& yaml) {
  std::vector<Problem> problems;
  auto specs = parse_specs(yaml, "test.yaml", problems);
  REQUIRE(problems.empty());
  return specs;
}

// Plans and applies; every VM must succeed.
void apply_all(const std::vector<VmSpec>& specs, Session& session) {
  for (const auto& r : apply_plans(make_plans(specs, session), session, {}))
    REQUIRE_MESSAGE(r.ok, r.vm << ": " << r.error);
}

bool in_sync(const std::vector<VmSpec>& specs, Session& session) {
  for (const auto& p : make_plans(specs, session))
    if (p.has_changes()) return false;
  return true;
}

PowerState power_of(Backend& b, const std::string& name) { return b.lookup(name).value().power; }

void power(Backend& b, const std::string& name, PowerOp op, bool force = false) {
  PowerRequest r;
  r.op = op;
  r.force = force;
  r.timeout = std::chrono::seconds(10);
  b.power(name, r);
}

}  // namespace

TEST_SUITE("vsphere-vcsim" * doctest::skip(no_vcsim())) {

TEST_CASE("vcsim: create, read back, re-apply, reconfigure, export, destroy") {
  Session session(vcsim_config(), std::nullopt);
  Backend& b = session.backend(session.target_for(std::nullopt));
  b.destroy("vc-life");
  auto specs = parse(kSpec);
  apply_all(specs, session);

  auto vm = b.lookup("vc-life");
  REQUIRE(vm);
  CHECK(vm->power == PowerState::running);
  const VmSpec& s = vm->spec;
  CHECK(s.cpu.count == 2);
  CHECK(s.cpu.weight == 1200);
  CHECK(s.cpu.cores_per_socket == 2);
  CHECK(s.description == "Lifecycle <test> & notes");
  CHECK(s.memory.size_mib == 128u);
  CHECK(s.firmware == Firmware::uefi);
  CHECK(s.labels == specs[0].labels);
  REQUIRE(s.disks.size() == 1);
  CHECK(s.disks[0].id == "root");
  CHECK(s.disks[0].size_mib == 1024u);
  REQUIRE(s.nics.size() == 1);
  CHECK(s.nics[0].mac == "00:50:56:00:10:01");
  CHECK(s.nics[0].network == "VM Network");
  CHECK(s.vsphere->guest_id == "otherLinux64Guest");
  CHECK(in_sync(specs, session));

  SUBCASE("reconfigure, then in sync") {
    auto changed = parse(std::string(kSpec).replace(std::string(kSpec).find("count: 2"), 8, "count: 4"));
    changed[0].labels = {{"tier", "db"}, {"extra", "yes"}};
    changed[0].description = "reconfigured";
    changed[0].cpu.cores_per_socket = 1;
    changed[0].disks.push_back({"data", 2048, {}, std::string("sata"), {}, {}});
    apply_all(changed, session);
    CHECK(in_sync(changed, session));
    const auto after = b.lookup("vc-life").value();
    CHECK(after.spec.cpu.count == 4);
    CHECK(after.spec.cpu.cores_per_socket == 1);
    CHECK(after.spec.description == "reconfigured");
    CHECK(after.spec.labels.at("tier") == "db");
    CHECK(after.spec.disks.size() == 2);
    CHECK(after.power == PowerState::running);
  }
  SUBCASE("export: the VM as a spec is already in sync") {
    VmSpec exported = vm->spec;
    exported.name = vm->name;
    exported.power = vm->power;
    CHECK(in_sync(parse(spec_to_yaml(exported)), session));
  }
  b.destroy("vc-life");
  CHECK_FALSE(b.lookup("vc-life"));
  b.destroy("vc-life");  // absent: nothing
}

TEST_CASE("vcsim: power operations are idempotent; pause is suspend") {
  Session session(vcsim_config(), std::nullopt);
  Backend& b = session.backend(session.target_for(std::nullopt));
  b.destroy("vc-power");
  auto specs = parse(R"(apiVersion: hvctl/v1
kind: VirtualMachine
metadata: {name: vc-power}
spec: {cpu: {count: 1}, memory: {size: 64MiB}, power: stopped}
)");
  apply_all(specs, session);
  CHECK(power_of(b, "vc-power") == PowerState::stopped);
  power(b, "vc-power", PowerOp::stop);  // already stopped
  power(b, "vc-power", PowerOp::start);
  power(b, "vc-power", PowerOp::start);  // already running
  CHECK(power_of(b, "vc-power") == PowerState::running);
  power(b, "vc-power", PowerOp::pause);
  CHECK(power_of(b, "vc-power") == PowerState::paused);
  power(b, "vc-power", PowerOp::resume);
  power(b, "vc-power", PowerOp::reboot);        // RebootGuest is missing: shutdown + start
  power(b, "vc-power", PowerOp::reboot, true);  // ResetVM_Task
  CHECK(power_of(b, "vc-power") == PowerState::running);
  power(b, "vc-power", PowerOp::stop);  // ShutdownGuest: vcsim powers off at once
  CHECK(power_of(b, "vc-power") == PowerState::stopped);
  CHECK_THROWS_WITH_AS(power(b, "vc-power", PowerOp::reboot),
                       "target 'vc': reboot VM 'vc-power': cannot reboot: the VM is poweredOff", BackendError);
  CHECK_THROWS_WITH_AS(power(b, "vc-nosuch", PowerOp::start), "target 'vc': start VM 'vc-nosuch': no such VM",
                       BackendError);
  b.destroy("vc-power");
}

TEST_CASE("vcsim: snapshots") {
  Session session(vcsim_config(), std::nullopt);
  Backend& b = session.backend(session.target_for(std::nullopt));
  b.destroy("vc-snap");
  apply_all(parse("apiVersion: hvctl/v1\nkind: VirtualMachine\nmetadata: {name: vc-snap}\nspec: {power: stopped}\n"),
        session);
  using Op = SnapshotRequest::Op;
  b.snapshot("vc-snap", {Op::create, "one"});
  b.snapshot("vc-snap", {Op::create, "two"});  // a child of "one", the current snapshot
  auto list = b.snapshot("vc-snap", {Op::list, ""});
  REQUIRE(list.size() == 2);
  CHECK(list[0].name == "one");
  CHECK(list[0].id.rfind("snapshot-", 0) == 0);  // the moref
  CHECK(list[0].parent.empty());
  CHECK(list[1].name == "two");
  CHECK(list[1].parent == list[0].id);
  CHECK(list[1].current);
  CHECK_FALSE(list[0].current);
  REQUIRE(list[0].created);  // vcsim's createTime has nanoseconds
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch()).count();
  CHECK(*list[0].created <= now);
  CHECK(*list[0].created > now - 600);

  // vcsim, like vSphere, would make a second "one": hvctl refuses first.
  CHECK_THROWS_WITH_AS(b.snapshot("vc-snap", {Op::create, "one"}),
                       "target 'vc': VM 'vc-snap' already has a snapshot named 'one': choose another name, or remove "
                       "that one first (hvctl snapshot remove vc-snap one)",
                       InputError);
  CHECK(b.snapshot("vc-snap", {Op::list, ""}) == list);

  b.snapshot("vc-snap", {Op::revert, "one"});
  list = b.snapshot("vc-snap", {Op::list, ""});
  REQUIRE(list.size() == 2);
  CHECK(list[0].current);
  CHECK_FALSE(list[1].current);
  b.snapshot("vc-snap", {Op::remove, "two"});
  list = b.snapshot("vc-snap", {Op::list, ""});
  REQUIRE(list.size() == 1);
  CHECK(list[0].name == "one");
  CHECK_THROWS_WITH_AS(b.snapshot("vc-snap", {Op::revert, "nope"}),
                       "target 'vc': revert VM 'vc-snap': no snapshot named 'nope' (have: one)", BackendError);
  b.destroy("vc-snap");
}

TEST_CASE("vcsim: many VMs in parallel through the engine") {
  Session session(vcsim_config(), std::nullopt);
  std::string yaml;
  for (int i = 0; i < 16; ++i)
    yaml += "---\napiVersion: hvctl/v1\nkind: VirtualMachine\nmetadata: {name: vc-par-" + std::to_string(i) +
            "}\nspec: {cpu: {count: 1}, memory: {size: 32MiB}, power: running, disks: [{id: root, size: 16MiB}]}\n";
  auto specs = parse(yaml);
  apply_all(specs, session);
  CHECK(in_sync(specs, session));
  for (auto& s : specs) s.ensure = Ensure::absent;
  apply_all(specs, session);
  CHECK(in_sync(specs, session));
}

}  // TEST_SUITE
