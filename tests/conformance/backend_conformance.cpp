#include "backend_conformance.hpp"

#include <algorithm>

#include <doctest/doctest.h>

#include "hvctl/spec_io.hpp"

namespace hvctl::conformance {
namespace {

std::vector<VmResult> apply(Session& session, const VmSpec& spec) {
  ApplyOptions options;
  options.force_stop = true;  // test guests need not honour ACPI
  auto results = apply_plans(make_plans({spec}, session), session, options);
  for (const auto& r : results) CHECK_MESSAGE(r.ok, r.error);
  return results;
}

// What a plan for `spec` would do, "no changes" when in sync (shown on failure).
std::string pending(Session& session, const VmSpec& spec) { return make_plans({spec}, session).at(0).describe(); }

void check_power(Backend& b, const std::string& name, PowerState want) {
  auto vm = b.lookup(name);
  REQUIRE(vm);
  CHECK(to_string(vm->power) == std::string(to_string(want)));
}

void power_cycle(Backend& b, const std::string& name) {
  b.power(name, {PowerOp::stop, true});
  check_power(b, name, PowerState::stopped);
  b.power(name, {PowerOp::stop, true});  // idempotent
  b.power(name, {PowerOp::start});
  check_power(b, name, PowerState::running);
  b.power(name, {PowerOp::start});
  if (b.capabilities().pause) {
    b.power(name, {PowerOp::pause});
    check_power(b, name, PowerState::paused);
    b.power(name, {PowerOp::resume});
    check_power(b, name, PowerState::running);
  }
  b.power(name, {PowerOp::reboot, true});
  check_power(b, name, PowerState::running);
}

const SnapshotInfo* named(const std::vector<SnapshotInfo>& list, const std::string& name) {
  const auto it = std::find_if(list.begin(), list.end(), [&](const SnapshotInfo& s) { return s.name == name; });
  return it == list.end() ? nullptr : &*it;
}

// Two snapshots, the second made while the first is current, so a child of
// it; a duplicate name is refused and changes nothing; revert and remove.
void snapshots(Backend& b, const std::string& name) {
  using Op = SnapshotRequest::Op;
  if (!b.capabilities().snapshots) {
    CHECK_THROWS_AS(b.snapshot(name, {Op::list, ""}), UnsupportedError);
    return;
  }
  CHECK(b.snapshot(name, {Op::list, ""}).empty());
  CHECK(b.snapshot(name, {Op::create, "before"}).empty());
  b.snapshot(name, {Op::create, "after"});
  const auto list = b.snapshot(name, {Op::list, ""});
  REQUIRE(list.size() == 2);
  const SnapshotInfo* before = named(list, "before");
  const SnapshotInfo* after = named(list, "after");
  REQUIRE(before);
  REQUIRE(after);
  CHECK(list[0].name == "before");  // parents first
  CHECK_FALSE(before->id.empty());
  CHECK(before->parent.empty());
  CHECK(after->parent == before->id);
  CHECK(after->current);
  CHECK_FALSE(before->current);
  CHECK(before->created);
  CHECK(after->created);
  if (before->created && after->created) CHECK(*before->created <= *after->created);

  CHECK_THROWS_AS(b.snapshot(name, {Op::create, "before"}), InputError);
  try {
    b.snapshot(name, {Op::create, "before"});
  } catch (const InputError& e) {
    CHECK(std::string(e.what()).find("'before'") != std::string::npos);
    CHECK(std::string(e.what()).find(name) != std::string::npos);
  }
  CHECK(b.snapshot(name, {Op::list, ""}) == list);  // nothing made

  b.snapshot(name, {Op::revert, "before"});
  const auto reverted = b.snapshot(name, {Op::list, ""});
  REQUIRE(named(reverted, "before"));
  CHECK(named(reverted, "before")->current);
  b.snapshot(name, {Op::remove, "after"});
  b.snapshot(name, {Op::remove, "before"});
  CHECK(b.snapshot(name, {Op::list, ""}).empty());
  CHECK_THROWS_AS(b.snapshot(name, {Op::revert, "no-such-snapshot"}), BackendError);
}

void export_reapplies(Session& session, Backend& b, const std::string& name) {
  auto vm = b.lookup(name);
  REQUIRE(vm);
  VmSpec exported = vm->spec;
  exported.name = vm->name;
  exported.power = vm->power;
  std::vector<Problem> problems;
  auto back = parse_specs(spec_to_yaml(exported), "export.yaml", problems);
  REQUIRE(problems.empty());
  REQUIRE(back.size() == 1);
  CHECK(pending(session, back[0]) == "no changes");
}

}  // namespace

void run_backend_conformance(Session& session, const VmSpec& base) {
  Backend& b = session.backend(session.target_for(base.target));
  const auto& name = base.name;
  REQUIRE_FALSE(b.lookup(name));

  VmSpec spec = base;
  spec.power = PowerState::running;
  auto results = apply(session, spec);
  CHECK(results.at(0).done == std::vector<std::string>{"created", "started"});
  check_power(b, name, PowerState::running);
  CHECK(diff_spec(spec, b.lookup(name)->spec, b.capabilities()).empty());
  CHECK(pending(session, spec) == "no changes");       // a second apply is a no-op
  CHECK(apply(session, spec).at(0).done.empty());

  CHECK_THROWS_AS(b.create(spec), BackendError);        // the name exists
  try {
    b.create(spec);
  } catch (const BackendError& e) {
    CHECK(std::string(e.what()).find(name) != std::string::npos);
  }

  spec.cpu.count = spec.cpu.count.value_or(1) + 1;      // reconfigure (needs a restart)
  spec.labels["conformance"] = "changed";
  CHECK(pending(session, spec) != "no changes");
  apply(session, spec);
  CHECK(pending(session, spec) == "no changes");
  check_power(b, name, PowerState::running);

  power_cycle(b, name);
  snapshots(b, name);
  export_reapplies(session, b, name);

  spec.power = PowerState::stopped;                     // power is part of the spec
  apply(session, spec);
  check_power(b, name, PowerState::stopped);
  CHECK(pending(session, spec) == "no changes");

  b.destroy(name);
  CHECK_FALSE(b.lookup(name));
  b.destroy(name);                                      // absent: nothing to do
  CHECK_THROWS_AS(b.power(name, {PowerOp::start}), BackendError);
}

}  // namespace hvctl::conformance
