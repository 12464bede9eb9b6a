#include "libvirt_domain_ops.hpp"

#include <algorithm>
#include <charconv>
#include <set>
#include <thread>
#include <tuple>

#include <fmt/format.h>

#include "hvctl/error.hpp"
#include "libvirt_xml.hpp"
#include "xml_util.hpp"

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

// One call for the list, one per snapshot for its XML (libvirt has no bulk
// read of them), one for the current snapshot.
std::vector<SnapshotInfo> list_snapshots(virDomainPtr dom, const Context& ctx) {
  virDomainSnapshotPtr* snaps = nullptr;
  const int n = virDomainListAllSnapshots(dom, &snaps, 0);
  if (n < 0) ctx.fail("cannot list snapshots of");
  std::vector<Snapshot> owned(snaps, snaps + n);
  free(snaps);
  std::vector<SnapshotInfo> all;
  for (const auto& snap : owned) {
    CString text(virDomainSnapshotGetXMLDesc(snap.get(), 0));
    if (!text) ctx.fail(fmt::format("cannot read snapshot '{}' of", virDomainSnapshotGetName(snap.get())));
    all.push_back(read_snapshot_xml(text.get()));
  }
  Snapshot current(virDomainSnapshotCurrent(dom, 0));
  if (!current && last_error_code() != VIR_ERR_NO_DOMAIN_SNAPSHOT) ctx.fail("cannot read the current snapshot of");
  for (auto& s : all) s.current = current && s.id == virDomainSnapshotGetName(current.get());
  return snapshot_tree(std::move(all));
}

// libvirt refuses a duplicate itself, but only as a BackendError that reads
// like a failure of the target; this says it is the name, and the way out.
void refuse_existing(virDomainPtr dom, const std::string& name, const Context& ctx) {
  Snapshot existing(virDomainSnapshotLookupByName(dom, name.c_str(), 0));
  if (!existing && last_error_code() != VIR_ERR_NO_DOMAIN_SNAPSHOT)
    ctx.fail(fmt::format("cannot look up snapshot '{}' of", name));
  if (existing)
    throw InputError(fmt::format("target '{}': VM '{}' already has a snapshot named '{}': choose another name, or "
                                 "remove that one first (hvctl snapshot remove {} {})",
                                 ctx.target, ctx.vm, name, ctx.vm, name));
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

SnapshotInfo read_snapshot_xml(const std::string& text) {
  const auto doc = xml::parse(text, "domainsnapshot");
  const xmlNode* root = xmlDocGetRootElement(doc.get());
  SnapshotInfo s;
  s.name = xml::child_text(root, "name").value_or("");
  s.id = s.name;
  s.parent = xml::child_text(xml::child(root, "parent"), "name").value_or("");
  if (const auto t = xml::child_text(root, "creationTime")) {
    std::int64_t v = 0;
    const auto [end, ec] = std::from_chars(t->data(), t->data() + t->size(), v);
    if (ec == std::errc() && end == t->data() + t->size()) s.created = v;
  }
  return s;
}

std::vector<SnapshotInfo> snapshot_tree(std::vector<SnapshotInfo> all) {
  std::sort(all.begin(), all.end(), [](const SnapshotInfo& a, const SnapshotInfo& b) {
    return std::tie(a.created, a.name) < std::tie(b.created, b.name);
  });
  std::set<std::string> ids;
  for (const auto& s : all) ids.insert(s.id);
  std::vector<SnapshotInfo> out;
  std::set<std::string> placed;
  // Appends the children of `parent` ("" for the roots), each followed by its own.
  const auto place = [&](const auto& self, const std::string& parent) -> void {
    for (const auto& s : all) {
      const bool child = parent.empty() ? s.parent.empty() || !ids.count(s.parent) : s.parent == parent;
      if (!child || !placed.insert(s.id).second) continue;
      out.push_back(s);
      self(self, s.id);
    }
  };
  place(place, "");
  return out;
}

std::vector<SnapshotInfo> run_snapshot(virDomainPtr dom, const SnapshotRequest& r, const Context& ctx) {
  using Op = SnapshotRequest::Op;
  if (r.op == Op::list) return list_snapshots(dom, ctx);
  if (r.op == Op::create) {
    refuse_existing(dom, r.name, ctx);
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
