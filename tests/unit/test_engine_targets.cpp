// make_plans across several targets, on libvirt's real in-process test
// driver: the targets' inventories are read at once, not one after another,
// and a target that fails is the plan's error.
#include <doctest/doctest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <set>

#include "hvctl/engine.hpp"
#include "hvctl/spec_io.hpp"

using namespace hvctl;

namespace {

// Counts the list() calls under way. Each waits (bounded) until `expected`
// are under way at once, and records whether they were.
struct Rendezvous {
  std::mutex m;
  std::condition_variable cv;
  int expected = 0;
  int arrived = 0;
  int met = 0;  // list() calls that saw all of them under way

  void arrive() {
    std::unique_lock lock(m);
    ++arrived;
    cv.notify_all();
    if (cv.wait_for(lock, std::chrono::seconds(10), [&] { return arrived >= expected; })) ++met;
  }
};

// A real backend whose list() meets the others' first; `fail` makes it throw.
class MeetingBackend final : public Backend {
public:
  MeetingBackend(std::unique_ptr<Backend> inner, Rendezvous& r, bool fail)
      : inner_(std::move(inner)), rendezvous_(r), fail_(fail) {}
  const Capabilities& capabilities() const override { return inner_->capabilities(); }
  TargetInfo probe() override { return inner_->probe(); }
  std::vector<VmState> list() override {
    rendezvous_.arrive();
    if (fail_) throw BackendError("list VMs: the target went away");
    return inner_->list();
  }
  std::vector<HostInfo> hosts() override { return inner_->hosts(); }
  std::vector<NetworkInfo> networks() override { return inner_->networks(); }
  std::vector<StorageInfo> storage() override { return inner_->storage(); }
  std::optional<VmState> lookup(const std::string& name) override { return inner_->lookup(name); }
  void create(const VmSpec& spec) override { inner_->create(spec); }
  void reconfigure(const VmSpec& spec, const VmState& actual) override { inner_->reconfigure(spec, actual); }
  void power(const std::string& name, const PowerRequest& r) override { inner_->power(name, r); }
  void destroy(const std::string& name) override { inner_->destroy(name); }

private:
  std::unique_ptr<Backend> inner_;
  Rendezvous& rendezvous_;
  bool fail_;
};

// Targets t0..t(n-1), each libvirt's test driver; those named in `failing` fail their list().
Session meeting_session(int n, Rendezvous& r, std::set<std::string> failing = {}) {
  Config config;
  for (int i = 0; i < n; ++i) {
    const auto name = "t" + std::to_string(i);
    config.targets[name] = Target{name, "libvirt", "test:///default"};
  }
  r.expected = n;
  return Session(config, std::nullopt, [&r, failing](const Target& t, Diagnostics& d) -> std::unique_ptr<Backend> {
    return std::make_unique<MeetingBackend>(make_backend(t, d), r, failing.count(t.name) > 0);
  });
}

std::vector<VmSpec> one_vm_per_target(int n) {
  std::string text;
  for (int i = 0; i < n; ++i)
    text += "---\napiVersion: hvctl/v1\nkind: VirtualMachine\nmetadata: {name: many-" + std::to_string(i) +
            "}\nspec: {target: t" + std::to_string(i) +
            ", cpu: {count: 1}, memory: {size: 64MiB}, libvirt: {domainType: test}}\n";
  std::vector<Problem> problems;
  auto specs = parse_specs(text, "many.yaml", problems);
  REQUIRE(problems.empty());
  return specs;
}

}  // namespace

TEST_CASE("a plan of several targets reads their inventories at once, and keeps spec order") {
  Rendezvous r;
  auto session = meeting_session(4, r);
  const auto plans = make_plans(one_vm_per_target(4), session);
  CHECK(r.met == 4);  // read one after another, each would have waited for the others in vain
  REQUIRE(plans.size() == 4);
  for (int i = 0; i < 4; ++i) {
    CHECK(plans[i].vm == "many-" + std::to_string(i));
    CHECK(plans[i].target == "t" + std::to_string(i));
    CHECK(plans[i].action() == PlanAction::create);
  }
}

TEST_CASE("a target that fails its read fails the plan, the first in spec order named") {
  Rendezvous r;
  auto session = meeting_session(3, r, {"t1", "t2"});
  try {
    make_plans(one_vm_per_target(3), session);
    FAIL("make_plans did not throw");
  } catch (const LocatedError& e) {
    CHECK(e.target() == "t1");
    CHECK(std::string(e.what()).find("the target went away") != std::string::npos);
    CHECK(e.code() == ExitCode::backend_failure);
  }
  CHECK(r.met == 3);  // the targets that worked were read alongside those that failed
}
