// The engine (plan + apply) against libvirt's real in-process test driver.
#include <doctest/doctest.h>

#include <atomic>

#include "hvctl/engine.hpp"
#include "hvctl/spec_io.hpp"

using namespace hvctl;

namespace {

Session test_session() {
  Config config;
  config.targets["t"] = Target{"t", "libvirt", "test:///default"};
  config.default_target = "t";
  return Session(config, std::nullopt);
}

std::vector<VmSpec> fleet(const std::string& prefix, int n, const std::string& memory, const std::string& power) {
  std::string text;
  for (int i = 0; i < n; ++i)
    text += "---\napiVersion: hvctl/v1\nkind: VirtualMachine\nmetadata: {name: " + prefix + std::to_string(i) +
            ", labels: {fleet: " + prefix + "}}\nspec: {cpu: {count: 1}, memory: {size: " + memory +
            "}, power: " + power + ", libvirt: {domainType: test}}\n";
  std::vector<Problem> problems;
  auto specs = parse_specs(text, "fleet.yaml", problems);
  REQUIRE(problems.empty());
  return specs;
}

int pending(const std::vector<VmPlan>& plans) {
  int n = 0;
  for (const auto& p : plans) n += p.has_changes() ? 1 : 0;
  return n;
}

}  // namespace

TEST_CASE("apply converges a fleet in parallel and a second plan is empty") {
  auto session = test_session();
  const auto specs = fleet("eng-a", 12, "64MiB", "running");
  auto plans = make_plans(specs, session);
  CHECK(pending(plans) == 12);
  ApplyOptions options;
  options.parallel = 4;
  auto results = apply_plans(plans, session, options);
  for (const auto& r : results) {
    CHECK_MESSAGE(r.ok, r.error);
    CHECK(r.done == std::vector<std::string>{"created", "started"});
  }
  CHECK(pending(make_plans(specs, session)) == 0);

  // A change to some of them plans exactly that, and applies.
  auto changed = fleet("eng-a", 12, "96MiB", "running");
  plans = make_plans(changed, session);
  CHECK(pending(plans) == 12);
  CHECK(plans[3].changes.size() == 1);
  CHECK(plans[3].changes[0].field == "memory.size");
  CHECK_FALSE(plans[3].changes[0].hot);  // above the running maximum: needs a restart
  CHECK(plans[3].needs_restart);
  results = apply_plans(plans, session, options);
  for (const auto& r : results) CHECK_MESSAGE(r.ok, r.error);
  CHECK(pending(make_plans(changed, session)) == 0);

  // Within the maximum, memory changes live.
  auto shrunk = fleet("eng-a", 12, "80MiB", "running");
  plans = make_plans(shrunk, session);
  CHECK(plans[0].changes.at(0).hot);
  CHECK_FALSE(plans[0].needs_restart);
}

TEST_CASE("power states in the spec are reached and kept") {
  auto session = test_session();
  auto specs = fleet("eng-p", 3, "64MiB", "running");
  specs[1].power = PowerState::paused;
  specs[2].power = PowerState::stopped;
  apply_plans(make_plans(specs, session), session, {});
  auto& backend = session.backend(session.target_for(std::nullopt));
  CHECK(backend.lookup("eng-p0")->power == PowerState::running);
  CHECK(backend.lookup("eng-p1")->power == PowerState::paused);
  CHECK(backend.lookup("eng-p2")->power == PowerState::stopped);
  // Someone stops eng-p0 by hand: the next plan starts it again.
  backend.power("eng-p0", PowerRequest{PowerOp::stop, true});
  auto plans = make_plans(specs, session);
  CHECK(plans[0].describe() == "start");
  CHECK(pending(plans) == 1);
}

TEST_CASE("one VM's failure does not stop the others, and a re-run converges") {
  auto session = test_session();
  auto specs = fleet("eng-f", 3, "64MiB", "running");
  // A disk to create in a storage pool the target does not have: this VM fails.
  specs[1].disks.push_back(DiskSpec{"data", 64, std::nullopt, std::nullopt, std::nullopt, std::nullopt});
  auto broken = session.target_for(std::nullopt);
  auto results = apply_plans(make_plans(specs, session), session, {});
  CHECK(results[0].ok);
  CHECK_FALSE(results[1].ok);
  CHECK(results[1].error.find("eng-f1") != std::string::npos);
  CHECK(results[2].ok);
  specs[1].disks.clear();
  results = apply_plans(make_plans(specs, session), session, {});
  for (const auto& r : results) CHECK_MESSAGE(r.ok, r.error);
  CHECK(pending(make_plans(specs, session)) == 0);
}

TEST_CASE("ensure: absent deletes, and only then") {
  auto session = test_session();
  auto specs = fleet("eng-d", 2, "64MiB", "stopped");
  apply_plans(make_plans(specs, session), session, {});
  specs[0].ensure = Ensure::absent;
  auto plans = make_plans(specs, session);
  CHECK(plans[0].action() == PlanAction::remove);
  CHECK(plans[1].action() == PlanAction::none);
  apply_plans(plans, session, {});
  CHECK_FALSE(session.backend(session.target_for(std::nullopt)).lookup("eng-d0"));
  CHECK(pending(make_plans(specs, session)) == 0);
}

TEST_CASE("fields a target cannot express fail validation before anything is contacted") {
  Config config;
  config.targets["t"] = Target{"t", "libvirt", "test:///default"};
  Session session(config, std::string("t"));
  auto specs = fleet("eng-v", 1, "64MiB", "running");
  specs[0].disks.push_back(DiskSpec{"d", 64, std::nullopt, "nvme", std::nullopt, std::nullopt});
  CHECK_THROWS_AS(make_plans(specs, session), ValidationError);
}

namespace {
Session session_with_pool() {
  Config config;
  config.targets["t"] = Target{"t", "libvirt", "test:///default"};
  config.targets["t"].options["pool"] = "default-pool";
  config.default_target = "t";
  return Session(config, std::nullopt);
}
}  // namespace

TEST_CASE("a change the backend would refuse is planned impossible, and apply leaves that VM running and unchanged") {
  auto session = session_with_pool();
  auto specs = fleet("eng-i", 2, "64MiB", "running");
  for (auto& s : specs) s.disks.push_back(DiskSpec{"data", 64, std::nullopt, std::nullopt, std::nullopt, std::nullopt});
  for (const auto& r : apply_plans(make_plans(specs, session), session, {})) REQUIRE_MESSAGE(r.ok, r.error);

  auto changed = fleet("eng-i", 2, "64MiB", "running");
  for (auto& s : changed) s.cpu.count = 2;  // a cold change: it would take a restart
  changed[0].disks.push_back(DiskSpec{"data", 32, std::nullopt, std::nullopt, std::nullopt, std::nullopt});  // shrink
  changed[1].disks.push_back(DiskSpec{"data", 64, std::nullopt, std::nullopt, std::nullopt, std::nullopt});
  changed[0].power.reset();  // unset: leave it as it is
  const auto plans = make_plans(changed, session);
  REQUIRE(plans[0].action() == PlanAction::impossible);
  REQUIRE(plans[0].impossible.size() == 1);
  CHECK(plans[0].impossible[0].message == "VM 'eng-i0': disks[data]: hvctl never shrinks a disk (64MiB -> 32MiB): "
                                          "the guest's file system would lose its end");
  CHECK(plans[0].describe().rfind("impossible, left as it is: ", 0) == 0);
  CHECK(plans[1].action() == PlanAction::update);

  const auto results = apply_plans(plans, session, {});
  CHECK_FALSE(results[0].ok);
  CHECK(results[0].failure == ExitCode::impossible);
  CHECK(results[0].done.empty());
  CHECK_MESSAGE(results[1].ok, results[1].error);
  auto& backend = session.backend(session.target_for(std::nullopt));
  const auto untouched = backend.lookup("eng-i0");
  CHECK(untouched->power == PowerState::running);
  CHECK(untouched->spec.cpu.count == 1);
  CHECK(untouched->spec.disks.back().size_mib == 64u);
  CHECK(backend.lookup("eng-i1")->spec.cpu.count == 2);
}

TEST_CASE("a reconfigure that fails after the engine stopped the VM puts it back into its power state") {
  auto session = test_session();  // no storage pool: a disk to create cannot be made
  auto specs = fleet("eng-r", 2, "64MiB", "running");
  specs[1].power = PowerState::paused;
  for (const auto& r : apply_plans(make_plans(specs, session), session, {})) REQUIRE_MESSAGE(r.ok, r.error);
  for (auto& s : specs) {
    s.power.reset();
    s.cpu.count = 2;  // needs the restart
    s.disks.push_back(DiskSpec{"data", 64, std::nullopt, std::nullopt, std::nullopt, std::nullopt});
  }
  const auto plans = make_plans(specs, session);
  REQUIRE(plans[0].needs_restart);
  const auto results = apply_plans(plans, session, {});
  auto& backend = session.backend(session.target_for(std::nullopt));
  CHECK_FALSE(results[0].ok);
  CHECK(results[0].error.find("; restored to running") != std::string::npos);
  CHECK(backend.lookup("eng-r0")->power == PowerState::running);
  CHECK_FALSE(results[1].ok);
  CHECK(results[1].error.find("; restored to paused") != std::string::npos);
  CHECK(backend.lookup("eng-r1")->power == PowerState::paused);
}

TEST_CASE("a paused VM that apply resumes takes its hot changes after the resume, not while paused") {
  auto session = test_session();
  auto specs = fleet("eng-pr", 1, "64MiB", "paused");
  for (const auto& r : apply_plans(make_plans(specs, session), session, {})) REQUIRE_MESSAGE(r.ok, r.error);
  specs[0].power = PowerState::running;
  specs[0].memory.size_mib = 48;  // hot: below what it booted with
  const auto plans = make_plans(specs, session);
  REQUIRE(plans[0].has_changes());
  REQUIRE_FALSE(plans[0].needs_restart);
  const auto results = apply_plans(plans, session, {});
  REQUIRE_MESSAGE(results[0].ok, results[0].error);
  CHECK(results[0].done == std::vector<std::string>{"resumed", "reconfigured"});
  CHECK(session.backend(session.target_for(std::nullopt)).lookup("eng-pr0")->power == PowerState::running);
}

TEST_CASE("an interrupted apply finishes the VM under way, restart included, and starts no other") {
  auto session = test_session();
  const auto specs = fleet("eng-int", 6, "64MiB", "running");
  std::atomic<int> signals{0};
  ApplyOptions options;
  options.parallel = 1;
  options.interrupts = [&] { return signals.load(); };
  options.progress = [&](const std::string&, const std::string& what) {
    if (what == "create") signals = 1;  // Ctrl-C while the first create runs
  };
  auto results = apply_plans(make_plans(specs, session), session, options);
  int not_started = 0;
  for (const auto& r : results) {
    if (r.interruption == Interruption::not_started) {
      ++not_started;
      CHECK_FALSE(r.ok);
      CHECK(r.done.empty());
    } else {
      CHECK(r.interruption == Interruption::in_flight);
      CHECK_MESSAGE(r.ok, r.error);
      CHECK(r.done == std::vector<std::string>{"created", "started"});  // power came after the signal: still done
    }
  }
  CHECK(not_started == 5);

  // The next apply converges.
  options.progress = nullptr;
  signals = 0;
  for (const auto& r : apply_plans(make_plans(specs, session), session, options)) CHECK_MESSAGE(r.ok, r.error);
  CHECK(pending(make_plans(specs, session)) == 0);

  // A VM stopped for a cold change is started again even when the signal comes at the stop.
  {
    const auto bigger = fleet("eng-int", 1, "96MiB", "running");
    auto plans = make_plans(bigger, session);
    REQUIRE(plans[0].needs_restart);
    options.progress = [&](const std::string&, const std::string& what) {
      if (what == "stop") signals = 1;
    };
    results = apply_plans(plans, session, options);
    CHECK_MESSAGE(results[0].ok, results[0].error);
    CHECK(results[0].done == std::vector<std::string>{"stopped", "reconfigured", "started"});
    CHECK(session.backend(session.target_for(std::nullopt)).lookup("eng-int0")->power == PowerState::running);
  }
}

TEST_CASE("a NIC the spec leaves out is kept, and removed with prune: the VM restarted, its other NIC untouched") {
  auto session = test_session();
  auto parse = [](const std::string& nics, const std::string& extra) {
    std::vector<Problem> problems;
    auto specs = parse_specs("apiVersion: hvctl/v1\nkind: VirtualMachine\nmetadata: {name: eng-prune}\n"
                             "spec: {cpu: {count: 1}, memory: {size: 64MiB}, power: running, libvirt: {domainType: test}, "
                             "nics: " + nics + extra + "}\n",
                             "prune.yaml", problems);
    REQUIRE(problems.empty());
    return specs;
  };
  const auto both = parse("[{id: eth0, network: default, mac: '52:54:00:00:01:01'}, "
                          "{id: eth1, network: default, mac: '52:54:00:00:01:02'}]", "");
  for (const auto& r : apply_plans(make_plans(both, session), session, {})) REQUIRE_MESSAGE(r.ok, r.error);

  const auto one = parse("[{id: eth0, network: default, mac: '52:54:00:00:01:01'}]", "");
  auto plans = make_plans(one, session);
  CHECK(plans[0].kept == std::vector<std::string>{"nics[eth1]"});
  CHECK_FALSE(plans[0].has_changes());

  const auto pruned = parse("[{id: eth0, network: default, mac: '52:54:00:00:01:01'}]", ", prune: true");
  plans = make_plans(pruned, session);
  REQUIRE(plans[0].changes.size() == 1);
  CHECK(plans[0].changes[0].field == "nics[eth1]");
  CHECK(plans[0].changes[0].to == "remove");
  CHECK(plans[0].needs_restart);
  const auto results = apply_plans(plans, session, {});
  REQUIRE_MESSAGE(results[0].ok, results[0].error);
  CHECK(results[0].done == std::vector<std::string>{"stopped", "reconfigured", "started"});
  const auto vm = session.backend(session.target_for(std::nullopt)).lookup("eng-prune");
  REQUIRE(vm);
  REQUIRE(vm->spec.nics.size() == 1);
  CHECK(vm->spec.nics[0].id == "eth0");
  CHECK(vm->spec.nics[0].mac == "52:54:00:00:01:01");
  CHECK(vm->power == PowerState::running);
  CHECK_FALSE(make_plans(pruned, session)[0].has_changes());
  session.backend(session.target_for(std::nullopt)).destroy("eng-prune");
}

// Headroom: a VM booted with cpu.max 4 and 2 online takes 3 and then 1 live
// (the same running domain, the test driver's vCPU count follows), and a
// count above 4 restarts it with the ceiling raised.
TEST_CASE("vCPUs change live within cpu.max, and a count above it restarts the VM with the ceiling raised") {
  auto session = test_session();
  const auto spec_for = [](const std::string& cpu) {
    std::vector<Problem> problems;
    auto specs = parse_specs("apiVersion: hvctl/v1\nkind: VirtualMachine\nmetadata: {name: eng-hot}\nspec: {cpu: " +
                                 cpu + ", memory: {size: 64MiB}, power: running, libvirt: {domainType: test}}\n",
                             "hot.yaml", problems);
    REQUIRE(problems.empty());
    return specs;
  };
  const auto apply = [&](const std::vector<VmSpec>& specs) {
    auto plans = make_plans(specs, session);
    for (const auto& r : apply_plans(plans, session, {})) REQUIRE_MESSAGE(r.ok, r.error);
    return plans;
  };
  const auto vm = [&] { return *session.backend(session.target_for(std::nullopt)).lookup("eng-hot"); };
  apply(spec_for("{count: 2, max: 4}"));
  CHECK(vm().spec.cpu.count == 2);
  CHECK(vm().spec.cpu.max == 4);
  const auto uuid = vm().uuid;

  for (int count : {3, 1}) {
    auto plans = apply(spec_for("{count: " + std::to_string(count) + "}"));
    REQUIRE(plans.at(0).changes.size() == 1);
    CHECK(plans[0].changes[0].hot);
    CHECK_FALSE(plans[0].needs_restart);
    CHECK(vm().spec.cpu.count == count);
    CHECK(vm().power == PowerState::running);
  }
  CHECK(pending(make_plans(spec_for("{count: 1}"), session)) == 0);

  auto plans = apply(spec_for("{count: 6}"));
  CHECK(plans.at(0).needs_restart);
  CHECK(plans[0].changes.at(0).why == "above the 4 cpu.max it booted with");
  CHECK(vm().spec.cpu.count == 6);
  CHECK(vm().spec.cpu.max == 6);  // raised with the count: no cpu.max was asked for
  CHECK(vm().uuid == uuid);
  CHECK(vm().power == PowerState::running);
  session.backend(session.target_for(std::nullopt)).destroy("eng-hot");
}

TEST_CASE("autostart is the domain's autostart flag: set at create, changed on the running VM without a restart") {
  auto session = test_session();
  const auto spec_for = [](const std::string& autostart) {
    std::vector<Problem> problems;
    auto specs = parse_specs("apiVersion: hvctl/v1\nkind: VirtualMachine\nmetadata: {name: eng-auto}\nspec: "
                             "{autostart: " + autostart + ", memory: {size: 64MiB}, power: running, "
                             "libvirt: {domainType: test}}\n", "auto.yaml", problems);
    REQUIRE(problems.empty());
    return specs;
  };
  auto& backend = session.backend(session.target_for(std::nullopt));
  auto plans = make_plans(spec_for("true"), session);
  for (const auto& r : apply_plans(plans, session, {})) REQUIRE_MESSAGE(r.ok, r.error);
  CHECK(backend.lookup("eng-auto")->spec.autostart.enabled == true);
  CHECK(pending(make_plans(spec_for("true"), session)) == 0);

  plans = make_plans(spec_for("{enabled: false}"), session);
  REQUIRE(plans.at(0).changes.size() == 1);
  CHECK(plans[0].changes[0].field == "autostart.enabled");
  CHECK_FALSE(plans[0].needs_restart);
  for (const auto& r : apply_plans(plans, session, {})) REQUIRE_MESSAGE(r.ok, r.error);
  const auto after = *backend.lookup("eng-auto");
  CHECK(after.spec.autostart.enabled == false);
  CHECK(after.power == PowerState::running);

  // No order on libvirt: libvirtd starts its autostart domains all at once.
  auto problems = unsupported_fields(spec_for("{enabled: true, order: 1}").at(0), backend.capabilities());
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].message.find("in no order") != std::string::npos);
  backend.destroy("eng-auto");
}
