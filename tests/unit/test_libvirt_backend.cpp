// The libvirt backend against libvirt's in-process test driver
// (test:///default: a running domain "test", network "default", pool
// "default-pool"). The driver's state is shared by every connection in the
// process and reset when the last one closes, so each test makes its own
// backend and uses VM names no other test uses.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <libvirt/libvirt.h>

#include "hvctl/plan.hpp"
#include "hvctl/spec_io.hpp"
#include "libvirt_backend.hpp"
#include "libvirt_test_util.hpp"
#include "hvctl/spec_overlay.hpp"
#include "source_dir.hpp"

namespace hvctl {
namespace {

using test::spec_from;
using test::test_target;
using test::web_spec;

std::string drift(const Backend& b, const VmSpec& want, const VmSpec& have) {
  std::string out;
  for (const auto& c : diff_spec(want, have, b.capabilities()))
    out += c.field + ": '" + c.from + "' -> '" + c.to + "'\n";
  return out;
}

DiskSpec new_disk(const std::string& id, std::uint64_t size_mib) {
  DiskSpec d;
  d.id = id;
  d.size_mib = size_mib;
  return d;
}

PowerRequest op(PowerOp o, bool force = false) {
  PowerRequest r;
  r.op = o;
  r.force = force;
  r.timeout = std::chrono::seconds(5);
  return r;
}

PowerState power_of(Backend& b, const std::string& name) {
  auto vm = b.lookup(name);
  REQUIRE(vm);
  return vm->power;
}

// What the hypervisor runs with right now (the backend reads the persistent config).
unsigned long live_memory_kib(const std::string& name) {
  virConnectPtr c = virConnectOpen("test:///default");
  REQUIRE(c);
  virDomainPtr d = virDomainLookupByName(c, name.c_str());
  REQUIRE(d);
  virDomainInfo info{};
  virDomainGetInfo(d, &info);
  virDomainFree(d);
  virConnectClose(c);
  return info.memory;
}

// The running domain's hvctl metadata as libvirt keeps it live.
std::string live_metadata(const std::string& name) {
  virConnectPtr c = virConnectOpen("test:///default");
  REQUIRE(c);
  virDomainPtr d = virDomainLookupByName(c, name.c_str());
  REQUIRE(d);
  char* xml =
      virDomainGetMetadata(d, VIR_DOMAIN_METADATA_ELEMENT, "https://hvctl.dev/xmlns/libvirt/1", VIR_DOMAIN_AFFECT_LIVE);
  std::string out = xml ? xml : "";
  free(xml);
  virDomainFree(d);
  virConnectClose(c);
  return out;
}

// The running domain's description as libvirt keeps it live ("" when none).
std::string live_description(const std::string& name) {
  virConnectPtr c = virConnectOpen("test:///default");
  REQUIRE(c);
  virDomainPtr d = virDomainLookupByName(c, name.c_str());
  REQUIRE(d);
  char* text = virDomainGetMetadata(d, VIR_DOMAIN_METADATA_DESCRIPTION, nullptr, VIR_DOMAIN_AFFECT_LIVE);
  std::string out = text ? text : "";
  free(text);
  virDomainFree(d);
  virConnectClose(c);
  return out;
}

std::vector<VmSpec> golden_specs() {
  std::vector<std::filesystem::path> files;
  for (const auto& e :
       std::filesystem::directory_iterator(std::filesystem::path(::hvctl::test_source_dir()) / "tests/golden/libvirt"))
    if (e.path().extension() == ".yaml") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  std::vector<VmSpec> specs;
  for (const auto& f : files) {
    std::ifstream in(f);
    std::ostringstream text;
    text << in.rdbuf();
    specs.push_back(spec_from(text.str()));
  }
  return specs;
}

}  // namespace

TEST_CASE("libvirt backend: every golden spec survives libvirt's rewriting") {
  // The test driver takes any domain type and rewrites the XML as libvirt
  // does (defaults, controllers, "xen" -> "linux"...); lookup must still
  // report every field each spec sets.
  auto b = make_libvirt_backend(test_target());
  const auto specs = golden_specs();
  REQUIRE(specs.size() >= 7);
  for (const auto& spec : specs) {
    INFO("spec: ", spec.name);
    if (!spec.init.empty()) {  // the test driver cannot hold a seed: refused before anything is made
      const auto problems = b->check(spec);
      REQUIRE(problems.size() == 1);
      CHECK(problems[0].message.find("the test driver keeps no file contents") != std::string::npos);
      continue;
    }
    b->create(spec);
    const auto vm = b->lookup(spec.name);
    REQUIRE(vm);
    CHECK(drift(*b, spec, vm->spec) == "");
    if (spec.libvirt && spec.libvirt->domain_type) CHECK(vm->spec.libvirt->domain_type == spec.libvirt->domain_type);
    b->destroy(spec.name);
  }
}

TEST_CASE("libvirt backend: capabilities and checks need no connection") {
  auto b = make_libvirt_backend(test_target());
  const auto& caps = b->capabilities();
  CHECK(caps.backend == "libvirt");
  CHECK(caps.pause);
  CHECK(caps.graceful_stop);
  CHECK(caps.snapshots);
  CHECK(caps.default_parallel == 4);
  CHECK(caps.hot_fields == std::set<std::string>{"labels", "description", "memory.size", "cpu.count", "cpu.weight", "cdroms.image", "autostart.enabled"});
  for (const char* f : {"cpu.cap", "boot.kernel", "disks.size", "nics.mac", "labels", "firmware"})
    CHECK(caps.fields.count(f));
  auto spec = spec_from(
      "apiVersion: hvctl/v1\nkind: VirtualMachine\nmetadata: {name: chk}\nspec:\n"
      "  cpu: {count: 2, cap: 50}\n"
      "  disks: [{id: a, path: /x, bus: nvme}, {id: b, path: /y, format: vhd}]\n"
      "  xen: {onReboot: coredump-restart, tscMode: native}\n  libvirt: {domainType: xen}\n");
  const auto problems = problems_on(spec, *b);  // the backend's checks, then the table's refusals
  REQUIRE(problems.size() == 5);
  CHECK(problems[4].str().find("test.yaml:7:") == 0);  // at xen.tscMode: spec.libvirt.domainType xen reads xen:
  CHECK(problems[4].message.find("xen.tscMode cannot be expressed on a libvirt target: hvctl does not pass") != std::string::npos);
  CHECK(problems[0].str().find("test.yaml:6:") == 0);  // at disks[0].bus
  CHECK(problems[0].message.find("nvme") != std::string::npos);
  CHECK(b->check(web_spec("fine")).empty());
}

TEST_CASE("libvirt backend: probe, list and lookup on the test driver") {
  auto b = make_libvirt_backend(test_target());
  const auto info = b->probe();
  CHECK(info.backend == "libvirt");
  CHECK(info.product.rfind("TEST ", 0) == 0);
  CHECK(info.uri == "test:///default");
  const auto vms = b->list();
  auto it = std::find_if(vms.begin(), vms.end(), [](const VmState& s) { return s.name == "test"; });
  REQUIRE(it != vms.end());
  CHECK(it->power == PowerState::running);
  CHECK(it->spec.libvirt->domain_type == "test");
  CHECK(it->spec.disks.size() == 1);
  CHECK(it->spec.disks[0].id == "disk0");
  CHECK_FALSE(b->lookup("no-such-vm"));
}

TEST_CASE("libvirt backend: create, lookup, list, destroy") {
  auto b = make_libvirt_backend(test_target());
  const auto spec = web_spec("web-create");
  b->create(spec);
  auto vm = b->lookup("web-create");
  REQUIRE(vm);
  CHECK(vm->power == PowerState::stopped);
  CHECK_FALSE(vm->uuid.empty());
  CHECK(drift(*b, spec, vm->spec) == "");
  CHECK(vm->spec.libvirt->domain_type == "test");  // detected from the driver
  REQUIRE(vm->spec.disks.size() == 2);
  CHECK(vm->spec.disks[1].path == "/default-pool/web-create-data.img");
  CHECK(vm->spec.disks[1].size_mib == 64u);  // from the volume
  CHECK(vm->spec.disks[1].format == "qcow2");

  const auto all = b->list();
  CHECK(std::count_if(all.begin(), all.end(), [](const VmState& s) { return s.name == "web-create"; }) == 1);

  SUBCASE("a second create with the name fails naming the VM") {
    CHECK_THROWS_WITH_AS(b->create(spec), doctest::Contains("target 'lab': cannot create VM 'web-create'"),
                         BackendError);
  }
  SUBCASE("destroy removes the VM and the volume it created, and is idempotent") {
    b->power("web-create", op(PowerOp::start));
    b->destroy("web-create");
    CHECK_FALSE(b->lookup("web-create"));
    auto again = web_spec("web-create");
    again.disks.pop_back();
    again.disks.push_back(new_disk("data", 32));
    b->create(again);  // the volume name is free again
    CHECK(b->lookup("web-create")->spec.disks[1].size_mib == 32u);
    b->destroy("web-create");
    CHECK_NOTHROW(b->destroy("web-create"));
  }
}

TEST_CASE("libvirt backend: list reads every VM's autostart flag in one call, as lookup reads one VM's") {
  auto b = make_libvirt_backend(test_target());
  auto on = web_spec("web-auto-on");
  on.autostart.enabled = true;
  b->create(on);
  b->create(web_spec("web-auto-off"));
  const auto all = b->list();
  const auto in_list = [&](const std::string& name) {
    const auto it = std::find_if(all.begin(), all.end(), [&](const VmState& s) { return s.name == name; });
    REQUIRE(it != all.end());
    return it->spec.autostart.enabled;
  };
  CHECK(in_list("web-auto-on") == true);
  CHECK(in_list("web-auto-off") == false);
  CHECK(b->lookup("web-auto-on")->spec.autostart.enabled == true);
  CHECK(b->lookup("web-auto-off")->spec.autostart.enabled == false);
  b->destroy("web-auto-on");
  b->destroy("web-auto-off");
}

TEST_CASE("libvirt backend: create fails cleanly without a storage pool") {
  auto b = make_libvirt_backend(test_target({{"pool", "no-such-pool"}}));
  CHECK_THROWS_WITH_AS(b->create(web_spec("web-nopool")), doctest::Contains("storage pool 'no-such-pool'"),
                       BackendError);
  CHECK_FALSE(b->lookup("web-nopool"));
}

TEST_CASE("libvirt backend: power operations are idempotent") {
  auto b = make_libvirt_backend(test_target());
  b->create(web_spec("web-power"));
  const std::string vm = "web-power";

  CHECK_THROWS_WITH_AS(b->power(vm, op(PowerOp::pause)), doctest::Contains("it is not running"), BackendError);
  CHECK_THROWS_AS(b->power(vm, op(PowerOp::reboot)), BackendError);
  CHECK_NOTHROW(b->power(vm, op(PowerOp::stop)));  // already stopped
  b->power(vm, op(PowerOp::start));
  CHECK(power_of(*b, vm) == PowerState::running);
  b->power(vm, op(PowerOp::start));
  CHECK(power_of(*b, vm) == PowerState::running);
  b->power(vm, op(PowerOp::pause));
  b->power(vm, op(PowerOp::pause));
  CHECK(power_of(*b, vm) == PowerState::paused);
  b->power(vm, op(PowerOp::resume));
  b->power(vm, op(PowerOp::resume));
  CHECK(power_of(*b, vm) == PowerState::running);
  b->power(vm, op(PowerOp::reboot));
  CHECK(power_of(*b, vm) == PowerState::running);
  b->power(vm, op(PowerOp::reboot, true));
  b->power(vm, op(PowerOp::stop, true));
  CHECK(power_of(*b, vm) == PowerState::stopped);

  SUBCASE("start resumes a paused VM") {
    b->power(vm, op(PowerOp::start));
    b->power(vm, op(PowerOp::pause));
    b->power(vm, op(PowerOp::start));
    CHECK(power_of(*b, vm) == PowerState::running);
  }
  SUBCASE("graceful stop: the test driver shuts down at once, even from paused") {
    b->power(vm, op(PowerOp::start));
    b->power(vm, op(PowerOp::stop));
    CHECK(power_of(*b, vm) == PowerState::stopped);
    b->power(vm, op(PowerOp::start));
    b->power(vm, op(PowerOp::pause));
    b->power(vm, op(PowerOp::stop));
    CHECK(power_of(*b, vm) == PowerState::stopped);
  }
  SUBCASE("an absent VM") {
    CHECK_THROWS_WITH_AS(b->power("nobody", op(PowerOp::start)), doctest::Contains("VM 'nobody': no such VM"),
                         BackendError);
  }
  b->destroy(vm);
}

TEST_CASE("libvirt backend: reconfigure a stopped VM") {
  auto b = make_libvirt_backend(test_target());
  b->create(web_spec("web-reconf"));
  const auto before = *b->lookup("web-reconf");
  auto desired = spec_from(
      "apiVersion: hvctl/v1\nkind: VirtualMachine\nmetadata: {name: web-reconf, labels: {tier: db}}\nspec:\n"
      "  cpu: {count: 4, weight: 300}\n  memory: {size: 1GiB}\n"
      "  disks: [{id: data, size: 64MiB, readonly: true}, {id: logs, size: 16MiB, format: raw}]\n"
      "  nics: [{id: eth1, network: default}]\n");
  CHECK(drift(*b, desired, before.spec) != "");
  b->reconfigure(desired, before);
  const auto after = *b->lookup("web-reconf");
  CHECK(drift(*b, desired, after.spec) == "");
  CHECK(after.uuid == before.uuid);
  CHECK(after.spec.memory.max_mib == 1024u);  // raised with the size: max was not asked for
  CHECK(after.spec.cpu.cap == 150);           // not mentioned: kept
  CHECK(after.spec.boot.kernel == "/boot/vmlinuz");
  REQUIRE(after.spec.disks.size() == 3);
  CHECK(after.spec.disks[2].path == "/default-pool/web-reconf-logs.img");
  CHECK(after.spec.disks[2].size_mib == 16u);
  REQUIRE(after.spec.nics.size() == 2);
  CHECK(after.spec.nics[0].mac == "52:54:00:aa:bb:01");

  SUBCASE("reconfigure is idempotent") {
    b->reconfigure(desired, after);
    CHECK(drift(*b, desired, b->lookup("web-reconf")->spec) == "");
  }
  SUBCASE("disks never shrink") {
    auto shrink = spec_from(
        "apiVersion: hvctl/v1\nkind: VirtualMachine\nmetadata: {name: web-reconf}\nspec:\n"
        "  disks: [{id: data, size: 32MiB}]\n");
    CHECK_THROWS_WITH_AS(b->reconfigure(shrink, after), doctest::Contains("never shrinks"), BackendError);
  }
  SUBCASE("growing a disk needs virStorageVolResize, which the test driver lacks") {
    auto grow = spec_from(
        "apiVersion: hvctl/v1\nkind: VirtualMachine\nmetadata: {name: web-reconf}\nspec:\n"
        "  disks: [{id: data, size: 128MiB}]\n");
    CHECK_THROWS_WITH_AS(b->reconfigure(grow, after),
                         doctest::Contains("cannot grow '/default-pool/web-reconf-data.img' of VM 'web-reconf'"),
                         BackendError);
  }
  b->destroy("web-reconf");
}

TEST_CASE("libvirt backend: hot changes on a running VM") {
  auto b = make_libvirt_backend(test_target());
  b->create(web_spec("web-hot"));
  b->power("web-hot", op(PowerOp::start));
  const auto before = *b->lookup("web-hot");
  auto desired = spec_from(
      "apiVersion: hvctl/v1\nkind: VirtualMachine\nmetadata: {name: web-hot, labels: {tier: cache}}\n"
      "spec:\n  cpu: {weight: 500}\n  memory: {size: 384MiB}\n");
  for (const auto& c : diff_spec(desired, before.spec, b->capabilities())) CHECK_MESSAGE(c.hot, c.field);
  b->reconfigure(desired, before);
  const auto after = *b->lookup("web-hot");
  CHECK(after.power == PowerState::running);
  CHECK(drift(*b, desired, after.spec) == "");
  CHECK(live_memory_kib("web-hot") == 384u * 1024);
  CHECK(live_metadata("web-hot").find("value=\"cache\"") != std::string::npos);

  SUBCASE("memory above the running maximum is refused before anything changes") {
    auto big = spec_from(
        "apiVersion: hvctl/v1\nkind: VirtualMachine\nmetadata: {name: web-hot}\nspec:\n  memory: {size: 1GiB}\n");
    CHECK_THROWS_WITH_AS(b->reconfigure(big, after), doctest::Contains("above its running maximum"), BackendError);
    CHECK(b->lookup("web-hot")->spec.memory.size_mib == 384u);
  }
  b->destroy("web-hot");
}

TEST_CASE("libvirt backend: description and CPU topology, created, read back, changed") {
  auto b = make_libvirt_backend(test_target());
  auto spec = web_spec("web-topo");
  spec.description = "Front end <web> & \"friends\"";
  spec.cpu.count = 4;
  spec.cpu.cores_per_socket = 2;
  b->create(spec);
  const auto vm = *b->lookup("web-topo");
  CHECK(vm.spec.description == "Front end <web> & \"friends\"");
  CHECK(vm.spec.cpu.count == 4);
  CHECK(vm.spec.cpu.cores_per_socket == 2);

  SUBCASE("the description changes on the running VM, live and persistent") {
    b->power("web-topo", op(PowerOp::start));
    VmSpec desired;
    desired.name = "web-topo";
    desired.description = "on call: team b";
    b->reconfigure(desired, *b->lookup("web-topo"));
    const auto after = *b->lookup("web-topo");
    CHECK(after.power == PowerState::running);
    CHECK(after.spec.description == "on call: team b");
    CHECK(live_description("web-topo") == "on call: team b");
    CHECK(after.spec.cpu.cores_per_socket == 2);  // not mentioned: kept
  }
  SUBCASE("the topology changes on the stopped VM") {
    VmSpec desired;
    desired.name = "web-topo";
    desired.cpu.count = 6;
    desired.cpu.cores_per_socket = 3;
    b->reconfigure(desired, vm);
    const auto after = *b->lookup("web-topo");
    CHECK(after.spec.cpu.count == 6);
    CHECK(after.spec.cpu.cores_per_socket == 3);
    CHECK(after.spec.description == spec.description);  // not mentioned: kept
  }
  b->destroy("web-topo");
}

TEST_CASE("libvirt backend: snapshots") {
  auto b = make_libvirt_backend(test_target());
  b->create(web_spec("web-snap"));
  using Op = SnapshotRequest::Op;
  auto snap = [&](Op o, std::string name = "") { return b->snapshot("web-snap", SnapshotRequest{o, std::move(name)}); };
  auto names = [&] {
    std::vector<std::string> out;
    for (const auto& s : snap(Op::list)) out.push_back(s.name + (s.parent.empty() ? "" : " <- " + s.parent));
    return out;
  };
  CHECK(snap(Op::list).empty());
  snap(Op::create, "s2");
  snap(Op::create, "s1");  // a child of s2, the current one
  CHECK(names() == std::vector<std::string>{"s2", "s1 <- s2"});
  CHECK(snap(Op::list).at(1).current);
  CHECK_THROWS_WITH_AS(snap(Op::create, "s1"),
                       "target 'lab': VM 'web-snap' already has a snapshot named 's1': choose another name, or remove "
                       "that one first (hvctl snapshot remove web-snap s1)",
                       InputError);
  CHECK(names() == std::vector<std::string>{"s2", "s1 <- s2"});
  CHECK_NOTHROW(snap(Op::revert, "s2"));
  CHECK(snap(Op::list).at(0).current);
  CHECK_FALSE(snap(Op::list).at(1).current);
  snap(Op::create, "s3");  // a second child of s2, made later than s1
  CHECK(names() == std::vector<std::string>{"s2", "s1 <- s2", "s3 <- s2"});
  CHECK_THROWS_WITH_AS(snap(Op::revert, "nope"), doctest::Contains("cannot find snapshot 'nope'"), BackendError);
  snap(Op::remove, "s1");
  CHECK_NOTHROW(snap(Op::remove, "s1"));
  CHECK(names() == std::vector<std::string>{"s2", "s3 <- s2"});
  b->destroy("web-snap");  // with its snapshot metadata
  CHECK_FALSE(b->lookup("web-snap"));
  CHECK_THROWS_WITH_AS(b->snapshot("web-snap", {Op::list, ""}), doctest::Contains("no such VM"), BackendError);
}

TEST_CASE("libvirt backend: one backend used from several threads") {
  auto b = make_libvirt_backend(test_target());
  std::vector<std::string> errors(4);
  std::vector<std::thread> workers;
  for (std::size_t i = 0; i < errors.size(); ++i) {
    workers.emplace_back([&, i] {
      try {
        const auto name = "web-thread-" + std::to_string(i);
        b->create(web_spec(name));
        b->power(name, op(PowerOp::start));
        b->list();
        b->destroy(name);
      } catch (const std::exception& e) {
        errors[i] = e.what();
      }
    });
  }
  for (auto& w : workers) w.join();
  for (const auto& e : errors) CHECK(e == "");
}

TEST_CASE("libvirt backend: an unreachable target is named in the error") {
  Target t = test_target();
  t.name = "broken";
  t.uri = "nosuchdriver:///nowhere";
  auto b = make_libvirt_backend(t);
  CHECK_THROWS_WITH_AS(b->list(), doctest::Contains("target 'broken': cannot connect to nosuchdriver:///nowhere"),
                       BackendError);
  CHECK_THROWS_AS(b->probe(), BackendError);
}

TEST_CASE("libvirt backend: domain type from the target option") {
  auto b = make_libvirt_backend(test_target({{"pool", "default-pool"}, {"domain_type", "qemu"}}));
  b->create(web_spec("web-qemu"));  // the test driver takes any domain type
  CHECK(b->lookup("web-qemu")->spec.libvirt->domain_type == "qemu");
  b->destroy("web-qemu");
}

TEST_CASE("libvirt spec overlay") {
  auto actual = web_spec("ov");
  actual.disks[1].path = "/p/ov-data.img";
  actual.memory = {256, 256};
  VmSpec desired;
  desired.name = "ov";
  desired.memory.size_mib = 512;
  desired.disks.push_back(new_disk("data", 128));
  desired.disks.push_back(new_disk("new", 8));
  desired.libvirt.emplace().machine = "q35";
  const auto m = overlay_spec(actual, desired);
  CHECK(m.memory.size_mib == 512u);
  CHECK(m.memory.max_mib == 512u);   // rises with the size
  CHECK(m.labels == actual.labels);  // desired has none
  CHECK(m.cpu == actual.cpu);
  REQUIRE(m.disks.size() == 3);
  CHECK(m.disks[1].path == "/p/ov-data.img");
  CHECK(m.disks[1].size_mib == 128u);
  CHECK(m.disks[2].id == "new");
  CHECK(m.libvirt->machine == "q35");

  VmSpec lower;
  lower.name = "ov";
  lower.memory.max_mib = 128;
  CHECK(overlay_spec(actual, lower).memory.size_mib == 128u);  // size gives way to the max asked for
  lower.labels = {{"only", "this"}};
  CHECK(overlay_spec(actual, lower).labels == lower.labels);
}


}  // namespace hvctl
