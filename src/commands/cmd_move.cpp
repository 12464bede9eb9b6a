// hvctl move VM --to TARGET: a cold migration to another target, of any
// backend. The plan (what is kept, lost, which device becomes which, what
// stops the move) comes first; --dry-run stops there. Then the disks are
// copied and verified, the VM defined on the destination and started, and
// its spec written to --output-file FILE or stdout (the plan then goes to stderr).
#include <fmt/format.h>

#include <chrono>

#include "cli_flags.hpp"
#include "command_table.hpp"
#include "file_write.hpp"
#include "hvctl/interrupt.hpp"
#include "hvctl/move.hpp"
#include "hvctl/spec_io.hpp"
#include "views.hpp"

namespace hvctl {
namespace {

struct MoveCmdOptions {
  MoveRequest request;
  std::vector<std::string> maps;
  std::string output_file;
  bool dry_run = false;
  bool no_start = false;
};

Json plan_json(const MovePlan& p) {
  Json disks = Json::array();
  for (const auto& d : p.disks)
    disks.push_back({{"id", d.source.disk_id}, {"from", d.source.location}, {"format", d.source.format},
                     {"capacityBytes", d.source.capacity}, {"to", d.placement.path},
                     {"toFormat", d.placement.format}, {"storage", d.placement.storage}, {"how", d.how}});
  Json consolidate = Json::array();
  for (const auto& snap : p.consolidate) consolidate.push_back({{"name", snap.name}, {"id", snap.id}});
  Json lost = Json::array();
  for (const auto& l : p.translation.lost) lost.push_back({{"field", l.field}, {"reason", l.reason}});
  return {{"vm", p.request.vm}, {"from", p.from.name}, {"to", p.to.name}, {"name", p.dest_name},
          {"sourcePower", to_string(p.source_power)}, {"disks", disks}, {"kept", p.translation.kept},
          {"lost", lost}, {"devices", p.translation.devices}, {"guest", p.translation.guest},
          {"resumes", p.resumes}, {"consolidate", consolidate}, {"problems", p.problems}};
}

std::string plan_text(const MovePlan& p) {
  std::string t = fmt::format("move {}: {} -> {} as {}\n", p.request.vm, p.from.name, p.to.name, p.dest_name);
  if (!p.consolidate.empty()) {
    std::string names;
    for (const auto& snap : p.consolidate) names += (names.empty() ? "" : ", ") + snap.name;
    t += fmt::format("  consolidate: delete its {} snapshot(s) first, children first: {} (their changes stay in "
                     "its disks; the disks are read and planned again after)\n", p.consolidate.size(), names);
  }
  for (const auto& d : p.disks)
    t += fmt::format("  disk {}: {} ({}, {} bytes) -> {} ({}): {}{}\n", d.source.disk_id, d.source.location,
                     d.source.format, d.source.capacity, d.placement.path, d.placement.format, d.how,
                     d.placement.exists ? "; an earlier run's copy is resumed" : "");
  for (const auto& line : p.translation.devices) t += "  " + line + "\n";
  if (!p.translation.kept.empty()) {
    std::string kept;
    for (const auto& k : p.translation.kept) kept += (kept.empty() ? "" : ", ") + k;
    t += "  kept: " + kept + "\n";
  }
  for (const auto& l : p.translation.lost) t += fmt::format("  lost: {}: {}\n", l.field, l.reason);
  for (const auto& g : p.translation.guest) t += "  guest: " + g + "\n";
  for (const auto& problem : p.problems) t += "  problem: " + problem + "\n";
  t += p.problems.empty() ? "  ready to move\n" : fmt::format("  cannot move: {} problem(s)\n", p.problems.size());
  return t;
}

std::string progress_text(const std::string& vm, const std::string& disk, std::uint64_t done, std::uint64_t total,
                          double rate) {
  const double mib = 1024.0 * 1024.0;
  std::string line = fmt::format("move {}: disk {} {:.0f}/{:.0f} MiB", vm, disk, done / mib, total / mib);
  if (rate > 0) {
    const auto eta = static_cast<long long>(static_cast<double>(total - done) / rate);
    line += fmt::format(", {:.1f} MiB/s, ETA {}:{:02}", rate / mib, eta / 60, eta % 60);
  }
  return line;
}

void write_spec(const MoveCmdOptions& o, Context& ctx, const VmSpec& spec) {
  const std::string text = "---\n" + spec_to_yaml(spec);
  if (o.output_file.empty()) {
    ctx.out().raw(text);
    return;
  }
  formats::write_file_atomically(o.output_file, text);
  ctx.out().info(fmt::format("wrote {}'s spec to {}", spec.name, o.output_file));
}

Result result_of(const MovePlan& p, const MoveResult* r) {
  Result res{r ? "MoveResult" : "MovePlan"};
  res.data["plan"] = plan_json(p);
  if (!r) return res;
  res.data["ok"] = r->ok;
  res.data["done"] = r->done;
  res.data["checksums"] = r->checksums;  // ("digests" held SHA-256 before; a new key, not a new meaning)
  if (!r->ok) res.data["error"] = r->error;
  if (r->ok) res.data["spec"] = spec_json(r->spec);
  return res;
}

int run_move_cmd(MoveCmdOptions& o, Context& ctx) {
  for (const auto& m : o.maps) {
    const auto eq = m.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == m.size())
      throw InputError(fmt::format("--map-network '{}': give SOURCE=DESTINATION", m));
    o.request.networks[m.substr(0, eq)] = m.substr(eq + 1);
  }
  o.request.start = !o.no_start;
  Output& out = ctx.out();
  const auto locks = o.dry_run ? std::vector<TargetLock>{} : ctx.lock_target(ctx.session().target_for(std::nullopt), "move");
  const MovePlan plan = plan_move(o.request, ctx.session());
  if (o.dry_run || !plan.problems.empty()) {
    if (out.tabular()) out.raw(plan_text(plan));
    else out.render(result_of(plan, nullptr));
    return plan.problems.empty() ? 0 : static_cast<int>(ExitCode::impossible);
  }
  const auto dest_locks = ctx.lock_target(plan.to, "move");
  if (out.tabular()) out.info(plan_text(plan));
  const InterruptScope interruptible;
  MoveHooks hooks;
  hooks.step = [&](const std::string& line) { out.info(fmt::format("{}: {}", o.request.vm, line)); };
  auto last = std::chrono::steady_clock::now();
  hooks.copying = [&](const std::string& disk, std::uint64_t done, std::uint64_t total, double rate) {
    const auto now = std::chrono::steady_clock::now();
    if (now - last < std::chrono::milliseconds(250) && done < total) return;
    last = now;
    out.set_status(progress_text(o.request.vm, disk, done, total, rate));
  };
  hooks.interrupts = [] { return interrupt_count(); };
  const MoveResult r = run_move(plan, ctx.session(), hooks);
  out.set_status("");
  if (!r.ok) {
    if (!out.tabular()) out.render(result_of(plan, &r));
    throw Error(r.failure, fmt::format("move {} to {}: {}", o.request.vm, plan.to.name, r.error));
  }
  if (out.tabular()) write_spec(o, ctx, r.spec);
  else out.render(result_of(plan, &r));
  return 0;
}

}  // namespace

void setup_move(CLI::App& app, RunFn& run) {
  auto o = std::make_shared<MoveCmdOptions>();
  app.add_option("vm", o->request.vm, "The VM to move, on --target (or the default target)")
      ->required()->type_name("VM");
  app.add_option("--to", o->request.to, "The destination target: a name from the config, or a URI")
      ->required()->type_name("TARGET");
  app.add_option("--as", o->request.as, "Guest type on a Xen destination (default: pvh for a Linux guest, else hvm)")
      ->check(CLI::IsMember({"pv", "pvh", "hvm"}))->type_name("pv|pvh|hvm");
  app.add_option("--name", o->request.name, "The VM's name on the destination (default: the same)")->type_name("NAME");
  app.add_option("--map-network", o->maps, "A source network's counterpart on the destination (repeatable); "
                                           "unmapped networks must exist there by the same name")
      ->type_name("SRC=DST");
  app.add_option("--storage", o->request.storage, "Datastore, pool or image directory on the destination "
                                                  "(default: the target's own)")->type_name("STORAGE");
  app.add_flag("--shutdown", o->request.shutdown, "Shut a running source down gracefully first (else it is refused)");
  app.add_flag("--consolidate", o->request.consolidate,
               "Delete the source's snapshots first, so a chain of disks becomes one to copy (their changes stay)");
  app.add_flag("--no-start", o->no_start, "Leave the copy powered off once it is defined");
  app.add_flag("--wait", o->request.wait, "Wait until the copy is ready");
  app.add_flag("--delete-source", o->request.delete_source,
               "Delete the source once the copy is ready (implies --wait; its disks go only if hvctl made them)");
  app.add_option("-O,--output-file", o->output_file, "Write the destination's spec here (atomically) instead of to stdout")
      ->type_name("FILE");
  app.add_flag("--dry-run", o->dry_run, "Print the plan and change nothing");
  run = [o](Context& ctx) { return run_move_cmd(*o, ctx); };
}

}  // namespace hvctl
