#include "libvirt_domain_ops.hpp"

#include <algorithm>
#include <thread>

#include <fmt/format.h>

#include "libvirt_xml.hpp"

namespace hvctl::libvirt {
namespace {

constexpr auto kPollInterval = std::chrono::milliseconds(200);
// A guest still booting misses an ACPI button press (its handler is not up
// yet), so the request is repeated at this interval until the deadline.
constexpr auto kShutdownRepeat = std::chrono::seconds(5);

int raw_state(virDomainPtr dom, const Context& ctx) {
  int state = VIR_DOMAIN_NOSTATE, reason = 0;
  if (virDomainGetState(dom, &state, &reason, 0) < 0) ctx.fail("cannot read the state of");
  return state;
}

bool active(virDomainPtr dom, const Context& ctx) {
  const int a = virDomainIsActive(dom);
  if (a < 0) ctx.fail("cannot read the state of");
  return a == 1;
}

void check(int rc, const Context& ctx, const char* what) {
  if (rc < 0) ctx.fail(what);
}

// Wakes a paused or pm-suspended domain; running ones are left alone.
void wake(virDomainPtr dom, const Context& ctx) {
  const int s = raw_state(dom, ctx);
  if (s == VIR_DOMAIN_PAUSED) check(virDomainResume(dom), ctx, "cannot resume");
  if (s == VIR_DOMAIN_PMSUSPENDED) check(virDomainPMWakeup(dom, 0), ctx, "cannot wake up");
}

void start(virDomainPtr dom, const Context& ctx) {
  const int s = raw_state(dom, ctx);
  if (s == VIR_DOMAIN_PAUSED || s == VIR_DOMAIN_PMSUSPENDED) return wake(dom, ctx);
  if (!active(dom, ctx)) return check(virDomainCreate(dom), ctx, "cannot start");
  if (s == VIR_DOMAIN_CRASHED) {  // kept around by on_crash=preserve: start afresh
    check(virDomainDestroy(dom), ctx, "cannot clear the crashed");
    check(virDomainCreate(dom), ctx, "cannot start");
  }
}

void graceful_stop(virDomainPtr dom, std::chrono::seconds timeout, const Context& ctx) {
  wake(dom, ctx);  // a paused guest cannot hear the ACPI button
  check(virDomainShutdown(dom), ctx, "cannot shut down");
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  auto next_request = std::chrono::steady_clock::now() + kShutdownRepeat;
  while (active(dom, ctx)) {
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline)
      throw TimeoutError(fmt::format("target '{}': VM '{}' did not shut down within {}s; use --force", ctx.target,
                                     ctx.vm, timeout.count()));
    if (now >= next_request) {
      virDomainShutdown(dom);  // best effort: the domain may be going down already
      next_request = now + kShutdownRepeat;
    }
    std::this_thread::sleep_for(kPollInterval);
  }
}

void require_active(virDomainPtr dom, const Context& ctx, const char* what) {
  if (!active(dom, ctx)) ctx.fail(what, "it is not running");
}

std::vector<std::string> list_snapshots(virDomainPtr dom, const Context& ctx) {
  virDomainSnapshotPtr* snaps = nullptr;
  const int n = virDomainListAllSnapshots(dom, &snaps, 0);
  if (n < 0) ctx.fail("cannot list snapshots of");
  std::vector<std::string> names;
  for (int i = 0; i < n; ++i) {
    Snapshot snap(snaps[i]);
    names.emplace_back(virDomainSnapshotGetName(snap.get()));
  }
  free(snaps);
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace

PowerState power_state(virDomainPtr dom, const Context& ctx) {
  switch (raw_state(dom, ctx)) {
    case VIR_DOMAIN_RUNNING:
    case VIR_DOMAIN_BLOCKED:
    case VIR_DOMAIN_SHUTDOWN:
      return PowerState::running;
    case VIR_DOMAIN_PAUSED:
    case VIR_DOMAIN_PMSUSPENDED:
      return PowerState::paused;
    default:
      return PowerState::stopped;
  }
}

void change_power(virDomainPtr dom, const PowerRequest& r, const Context& ctx) {
  switch (r.op) {
    case PowerOp::start:
      return start(dom, ctx);
    case PowerOp::stop:
      if (!active(dom, ctx)) return;
      if (r.force) return check(virDomainDestroy(dom), ctx, "cannot power off");
      return graceful_stop(dom, r.timeout, ctx);
    case PowerOp::reboot:
      require_active(dom, ctx, "cannot reboot");
      if (r.force) return check(virDomainReset(dom, 0), ctx, "cannot reset");
      return check(virDomainReboot(dom, 0), ctx, "cannot reboot");
    case PowerOp::pause:
      require_active(dom, ctx, "cannot pause");
      if (power_state(dom, ctx) == PowerState::paused) return;
      return check(virDomainSuspend(dom), ctx, "cannot pause");
    case PowerOp::resume:
      require_active(dom, ctx, "cannot resume");
      return wake(dom, ctx);
  }
}

std::vector<std::string> run_snapshot(virDomainPtr dom, const SnapshotRequest& r, const Context& ctx) {
  using Op = SnapshotRequest::Op;
  if (r.op == Op::list) return list_snapshots(dom, ctx);
  if (r.op == Op::create) {
    Snapshot snap(virDomainSnapshotCreateXML(dom, snapshot_xml(r.name).c_str(), 0));
    if (!snap) ctx.fail(fmt::format("cannot create snapshot '{}' of", r.name));
    return {};
  }
  Snapshot snap(virDomainSnapshotLookupByName(dom, r.name.c_str(), 0));
  if (!snap && r.op == Op::remove && last_error_code() == VIR_ERR_NO_DOMAIN_SNAPSHOT) return {};
  if (!snap) ctx.fail(fmt::format("cannot find snapshot '{}' of", r.name));
  if (r.op == Op::revert && virDomainRevertToSnapshot(snap.get(), 0) < 0)
    ctx.fail(fmt::format("cannot revert to snapshot '{}' of", r.name));
  if (r.op == Op::remove && virDomainSnapshotDelete(snap.get(), 0) < 0)
    ctx.fail(fmt::format("cannot delete snapshot '{}' of", r.name));
  return {};
}

}  // namespace hvctl::libvirt
