// The Xen backend without a hypervisor: records, the state store, spec
// merging, capabilities, and the error a machine that is not a dom0 gets.
#include <doctest/doctest.h>

#include "hvctl/plan.hpp"

#include <filesystem>
#include <fstream>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include "hvctl/spec_io.hpp"
#include "xen_backend.hpp"
#include "xen_backend_impl.hpp"
#include "xen_host.hpp"
#include "hvctl/spec_overlay.hpp"
#include "xen_inventory.hpp"
#include "xen_state.hpp"

using namespace hvctl;
using namespace hvctl::xen;

namespace {

namespace fs = std::filesystem;

VmSpec spec_with(const std::string& name, const std::string& body) {
  std::vector<Problem> problems;
  auto specs = parse_specs("apiVersion: hvctl/v1\nkind: VirtualMachine\nmetadata: {name: " + name +
                               ", labels: {app: x}}\nspec: " + body + "\n",
                           "t.yaml", problems);
  REQUIRE(problems.empty());
  return specs.at(0);
}

struct TempDir {
  fs::path path = fs::temp_directory_path() / ("hvctl-xen-test-" + std::to_string(getpid()));
  TempDir() { fs::remove_all(path); }
  ~TempDir() { fs::remove_all(path); }
};

}  // namespace

TEST_CASE("a record survives JSON, without target and power") {
  VmSpec spec = spec_with("web", "{target: lab, power: running, cpu: {count: 2}, boot: {kernel: /k}, xen: {type: pv}}");
  spec.description = "the web tier";
  const VmRecord back = record_from_json(record_to_json({"11111111-2222-3333-4444-555555555555", spec}), "r.json");
  CHECK(back.uuid == "11111111-2222-3333-4444-555555555555");
  CHECK(back.spec.name == "web");
  CHECK(back.spec.labels.at("app") == "x");
  CHECK(back.spec.cpu.count == 2);
  CHECK(back.spec.xen->type == "pv");
  CHECK(back.spec.description == "the web tier");  // kept in the record: Xen has nowhere else to keep it
  CHECK_FALSE(back.spec.target);
  CHECK_FALSE(back.spec.power);
  CHECK_THROWS_AS(record_from_json("{\"uuid\": 1}", "r.json"), BackendError);
  CHECK_THROWS_AS(record_from_json("not json", "r.json"), BackendError);
}

TEST_CASE("the state store keeps one file per VM") {
  TempDir tmp;
  StateStore store((tmp.path / "state").string());
  CHECK(store.names().empty());
  CHECK_FALSE(store.load("a"));
  store.save({"u1", spec_with("b", "{boot: {kernel: /k}}")});
  store.save({"u2", spec_with("a", "{boot: {kernel: /k}}")});
  std::ofstream(tmp.path / "state" / "a.monitor.log") << "not a record";
  CHECK(store.names() == std::vector<std::string>{"a", "b"});
  CHECK(store.load("a")->uuid == "u2");
  store.remove("a");
  store.remove("a");  // absent is fine
  CHECK(store.names() == std::vector<std::string>{"b"});
}

TEST_CASE("the state store's lock excludes every other holder until it is released") {
  TempDir tmp;
  StateStore store((tmp.path / "fresh").string());  // created for the lock
  const int other = [&] {
    auto held = store.lock();
    const int fd = ::open((tmp.path / "fresh" / ".lock").c_str(), O_RDWR | O_CLOEXEC);
    REQUIRE(fd >= 0);
    CHECK(::flock(fd, LOCK_EX | LOCK_NB) == -1);  // another open file: as another process would be
    CHECK(errno == EWOULDBLOCK);
    CHECK(store.names().empty());  // the lock file is no record
    return fd;
  }();
  CHECK(::flock(other, LOCK_EX | LOCK_NB) == 0);
  ::close(other);
}

TEST_CASE("overlay_spec lays the desired fields over the stored definition") {
  const VmSpec base = spec_with("vm", "{cpu: {count: 1, weight: 256}, memory: {size: 512MiB, max: 1GiB}, "
                                      "disks: [{id: a, path: /a}], nics: [{id: n, network: br0}]}");
  const VmSpec want = spec_with("vm", "{memory: {size: 2GiB}, disks: [{id: a, path: /a, readonly: true}, {id: b, path: /b}], "
                                      "xen: {onReboot: destroy}}");
  const VmSpec out = overlay_spec(base, want);
  CHECK(out.cpu.count == 1);
  CHECK(out.cpu.weight == 256);
  CHECK(out.memory.size_mib == 2048);
  CHECK(out.memory.max_mib == 2048);  // raised to the new size
  REQUIRE(out.disks.size() == 2);
  CHECK(out.disks[0].path == "/a");
  CHECK(out.disks[0].readonly == true);
  CHECK(out.nics.size() == 1);
  CHECK(out.xen->on_reboot == "destroy");
}

TEST_CASE("effective_spec names the type and actions the domain runs with") {
  const VmSpec spec = effective_spec(spec_with("vm", "{boot: {kernel: /k}, xen: {onCrash: preserve}}"));
  CHECK(spec.xen->type == "pvh");
  CHECK(spec.xen->on_poweroff == "destroy");
  CHECK(spec.xen->on_reboot == "restart");
  CHECK(spec.xen->on_crash == "preserve");
}

TEST_CASE("dom0 detection reads xenfs' capabilities") {
  TempDir tmp;
  fs::create_directories(tmp.path);
  CHECK(dom0_problem(tmp.path.string()).find("no Xen hypervisor here") == 0);
  std::ofstream(tmp.path / "capabilities") << "";
  CHECK(dom0_problem(tmp.path.string()).find("not dom0") != std::string::npos);
  std::ofstream(tmp.path / "capabilities") << "control_d\n";
  CHECK(dom0_problem(tmp.path.string()).empty());
}

TEST_CASE("the xen backend describes itself and refuses clearly off a dom0") {
  Target t;
  t.name = "libxl:local";
  t.type = "xen";
  t.uri = "libxl:local";
  auto backend = make_xen_backend(t);
  const auto& caps = backend->capabilities();
  CHECK(caps.backend == "xen");
  CHECK(caps.fields.count("cpu.cap"));
  CHECK(caps.fields.count("disks.size"));  // (grows a disk made from a base image)
  CHECK(caps.fields.count("disks.from"));
  CHECK(caps.hot_fields.count("memory.size"));
  CHECK(backend->check(spec_with("vm", "{firmware: uefi, boot: {kernel: /k}}")).size() == 1);
  // From the field table: cpu.coresPerSocket is refused with its reason, description is kept (hot).
  CHECK_FALSE(caps.fields.count("cpu.coresPerSocket"));
  CHECK(caps.hot_fields.count("description"));
  const auto refused = problems_on(spec_with("vm", "{cpu: {count: 4, coresPerSocket: 2}}"), *backend);
  REQUIRE(refused.size() == 1);
  CHECK(refused[0].message.find("libxl has no guest CPU topology") != std::string::npos);
  if (!dom0_problem().empty()) {
    CHECK_THROWS_WITH_AS(backend->list(), doctest::Contains("no Xen hypervisor here: run on a dom0 as root"), BackendError);
    CHECK_THROWS_AS(backend->probe(), BackendError);
  }
}

TEST_CASE("the dom0's bridges, read from a sysfs tree: ports and whether each is up") {
  TempDir tmp;
  const auto net = tmp.path / "net";
  fs::create_directories(net / "xenbr0" / "bridge");
  fs::create_directories(net / "xenbr0" / "brif" / "eth0");
  fs::create_directories(net / "xenbr0" / "brif" / "vif3.0");
  std::ofstream(net / "xenbr0" / "flags") << "0x1003\n";
  fs::create_directories(net / "br-idle" / "bridge");
  std::ofstream(net / "br-idle" / "flags") << "0x1002\n";
  fs::create_directories(net / "eth0");  // a NIC, not a bridge
  const auto bridges = dom0_bridges(net.string());
  REQUIRE(bridges.size() == 2);
  CHECK(bridges[0].name == "br-idle");
  CHECK(bridges[0].active == false);
  CHECK(bridges[0].detail == "no ports");
  CHECK(bridges[1].name == "xenbr0");
  CHECK(bridges[1].type == "bridge");
  CHECK(bridges[1].active == true);
  CHECK(bridges[1].detail == "ports eth0, vif3.0");
  CHECK(dom0_bridges((tmp.path / "absent").string()).empty());
}

TEST_CASE("the state directory as storage: its file system's size, even before the backend made it") {
  TempDir tmp;
  fs::create_directories(tmp.path);
  const auto s = directory_storage("state_dir", (tmp.path / "not" / "yet").string());
  CHECK(s.type == "dir");
  CHECK(s.accessible == true);
  REQUIRE(s.capacity_mib);
  REQUIRE(s.free_mib);
  CHECK(*s.capacity_mib > 0);
  CHECK(*s.free_mib <= *s.capacity_mib);
}
