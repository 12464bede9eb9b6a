#include "views.hpp"

#include <ctime>

#include <fmt/format.h>

#include "hvctl/clone.hpp"
#include "hvctl/spec_io.hpp"
#include "hvctl/units.hpp"

namespace hvctl {

namespace {

// "2026-12-01T12:26:07Z"
std::string utc_time(std::int64_t unix_seconds) {
  const std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

Json runtime_json(const VmRuntime& r) {
  Json j = Json::object();
  if (!r.host.empty()) j["host"] = r.host;
  if (!r.path.empty()) j["path"] = r.path;
  if (!r.ips.empty()) j["ips"] = r.ips;
  if (!r.agent.empty()) j["agent"] = r.agent;
  if (r.booted_at) j["bootedAt"] = utc_time(*r.booted_at);
  return j;
}

}  // namespace

Json vm_json(const VmState& vm) {
  Json spec = spec_body_json(vm.spec);
  spec.erase("power");
  spec.erase("target");
  Json j = {{"name", vm.name}, {"target", vm.target}, {"uuid", vm.uuid}, {"power", to_string(vm.power)}};
  if (!vm.spec.labels.empty()) j["labels"] = vm.spec.labels;
  if (auto runtime = runtime_json(vm.runtime); !runtime.empty()) j["runtime"] = std::move(runtime);
  j["spec"] = spec;
  return j;
}

Result vm_list_result(const std::vector<VmState>& vms) {
  Result r{"VmList"};
  r.data["items"] = Json::array();
  for (const auto& vm : vms) r.data["items"].push_back(vm_json(vm));
  r.items_key = "items";
  r.columns = {{"NAME", "/name"}, {"POWER", "/power"}, {"CPUS", "/spec/cpu/count"},
               {"MEMORY", "/spec/memory/size"}, {"TARGET", "/target"}, {"LABELS", "/labels"}};
  r.wide_columns = {{"HOST", "/runtime/host"}, {"IP", "/runtime/ips/0"}};
  return r;
}

Result plan_result(const std::vector<VmPlan>& plans) {
  Result r{"Plan"};
  Json items = Json::array();
  std::map<std::string, int> counts;
  for (const auto& p : plans) {
    Json changes = Json::array();
    for (const auto& c : p.changes) {
      changes.push_back({{"field", c.field}, {"from", c.from}, {"to", c.to}, {"hot", c.hot},
                         {"needsRestart", p.restarts_for(c)}});
      if (!c.why.empty()) changes.back()["restartReason"] = c.why;
    }
    Json item = {{"vm", p.vm},        {"target", p.target},   {"action", to_string(p.action())},
                 {"changes", changes}, {"needsRestart", p.needs_restart}, {"summary", p.describe()}};
    if (!p.impossible.empty()) {
      item["impossible"] = Json::array();
      for (const auto& why : p.impossible) item["impossible"].push_back({{"at", why.mark.str()}, {"reason", why.message}});
    }
    if (!p.ignored_blocks.empty()) item["ignoredBlocks"] = p.ignored_blocks;
    if (!p.kept.empty()) item["kept"] = p.kept;
    if (!p.create_only.empty()) {
      item["ignoredCreateOnly"] = Json::array();
      for (const auto& c : p.create_only)
        item["ignoredCreateOnly"].push_back({{"field", c.field}, {"from", c.from}, {"to", c.to}});
    }
    if (auto source = describe_source(p.desired.source); !source.empty() && p.create) item["source"] = source;
    if (p.power_to) item["power"] = {{"from", to_string(*p.power_from)}, {"to", to_string(*p.power_to)}};
    items.push_back(std::move(item));
    ++counts[to_string(p.action())];
  }
  r.data["items"] = std::move(items);
  r.data["pending"] = plans.size() - static_cast<std::size_t>(counts["none"]);
  Json errors = Json::array();
  for (const auto& p : plans)
    for (const auto& why : p.impossible) {
      Json e = problem_json(why);
      e["target"] = p.target;
      e["vm"] = p.vm;
      errors.push_back(std::move(e));
    }
  if (!errors.empty()) r.data["errors"] = std::move(errors);
  r.items_key = "items";
  r.columns = {{"VM", "/vm"}, {"TARGET", "/target"}, {"ACTION", "/action"}, {"DETAILS", "/summary"}};
  if (r.data["pending"] == 0)
    r.footer.push_back(fmt::format("No changes: {} VM{} match their specs.", plans.size(), plans.size() == 1 ? "" : "s"));
  else
    r.footer.push_back(fmt::format("Plan: {} to create, {} to update, {} to change power, {} to delete{}.",
                                   counts["create"], counts["update"], counts["power"], counts["delete"],
                                   counts["impossible"] ? fmt::format(", {} impossible", counts["impossible"]) : ""));
  return r;
}

Result apply_result(const std::vector<VmResult>& results, bool changed_anything) {
  Result r{"ApplyResult"};
  Json items = Json::array();
  int failed = 0, changed = 0, not_started = 0;
  bool interrupted = false;
  for (const auto& res : results) {
    std::string done;
    for (const auto& d : res.done) done += (done.empty() ? "" : ", ") + d;
    std::string result = res.ok ? (done.empty() ? "unchanged" : done) : "FAILED: " + res.error;
    if (res.interruption == Interruption::not_started) result = "NOT STARTED (interrupted)";
    if (res.interruption == Interruption::abandoned) result = "INTERRUPTED: still in flight";
    if (res.interruption == Interruption::in_flight) result += " (under way at the interrupt)";
    items.push_back({{"vm", res.vm}, {"target", res.target}, {"action", res.action},
                     {"ok", res.ok}, {"done", res.done}, {"error", res.error}, {"result", result}});
    if (!res.ok) items.back()["exitCode"] = static_cast<int>(res.failure);  // what this VM alone would exit with
    if (res.interruption == Interruption::not_started || res.interruption == Interruption::abandoned)
      items.back()["interrupted"] = true;
    if (res.interruption != Interruption::none) items.back()["interruption"] = to_string(res.interruption);
    interrupted |= res.interruption != Interruption::none;
    failed += res.ok || res.interruption == Interruption::not_started ? 0 : 1;
    not_started += res.interruption == Interruption::not_started ? 1 : 0;
    changed += res.ok && !res.done.empty() ? 1 : 0;
  }
  r.data["items"] = std::move(items);
  r.data["changed"] = changed;
  r.data["failed"] = failed;
  if (interrupted) {
    r.data["interrupted"] = true;
    r.data["notStarted"] = not_started;
  }
  if (failed > 0) {
    Json errors = Json::array();
    for (const auto& res : results)
      if (!res.ok && res.interruption != Interruption::not_started)
        errors.push_back(error_json(res.error, res.target, res.vm));
    r.data["errors"] = std::move(errors);
  }
  r.items_key = "items";
  r.columns = {{"VM", "/vm"}, {"TARGET", "/target"}, {"ACTION", "/action"}, {"RESULT", "/result"}};
  if (interrupted)
    r.footer.push_back(fmt::format("Interrupted: {} changed, {} failed, {} not started, {} unchanged.", changed, failed,
                                   not_started, results.size() - changed - failed - not_started));
  else if (!changed_anything)
    r.footer.push_back(fmt::format("No changes: {} VM{} already match their specs.", results.size(),
                                   results.size() == 1 ? "" : "s"));
  else
    r.footer.push_back(fmt::format("Apply: {} changed, {} failed, {} unchanged.", changed, failed,
                                   results.size() - changed - failed));
  return r;
}

Result wait_result(const std::vector<WaitOutcome>& outcomes) {
  Result r{"WaitResult"};
  Json items = Json::array();
  for (const auto& o : outcomes)
    items.push_back({{"vm", o.vm}, {"target", o.target}, {"state", to_string(o.state)}, {"reached", o.reached},
                     {"detail", o.detail}, {"result", (o.reached ? "" : "NOT YET: ") + o.detail}});
  r.data["items"] = std::move(items);
  r.items_key = "items";
  r.columns = {{"VM", "/vm"}, {"TARGET", "/target"}, {"WAITED FOR", "/state"}, {"RESULT", "/result"}};
  return r;
}

void add_wait_outcomes(Result& applied, const std::vector<WaitOutcome>& outcomes) {
  for (auto& item : applied.data["items"])
    for (const auto& o : outcomes)
      if (o.vm == item["vm"] && o.target == item["target"]) {
        item["ready"] = o.reached;
        item["readyDetail"] = o.detail;
        item["readyText"] = fmt::format("{}{}", o.reached ? "" : "NOT YET: ", o.detail);
      }
  applied.columns.push_back({"READY", "/readyText"});
}

const char* to_string(Interruption i) {
  switch (i) {
    case Interruption::none: return "none";
    case Interruption::not_started: return "not started";
    case Interruption::in_flight: return "in flight";
    case Interruption::abandoned: return "abandoned";
  }
  return "none";
}

int results_exit_code(const std::vector<VmResult>& results) {
  for (const auto& r : results)
    if (r.interruption != Interruption::none) return static_cast<int>(ExitCode::interrupted);
  int failed = 0, succeeded = 0, impossible = 0, not_found = 0;
  for (const auto& r : results) {
    (r.ok ? succeeded : failed)++;
    impossible += !r.ok && r.failure == ExitCode::impossible;
    not_found += !r.ok && r.failure == ExitCode::not_found;
  }
  if (failed == 0) return 0;
  if (impossible == failed) return static_cast<int>(ExitCode::impossible);  // the rest was carried out
  if (succeeded > 0) return static_cast<int>(ExitCode::partial);
  if (not_found == failed) return static_cast<int>(ExitCode::not_found);
  return static_cast<int>(ExitCode::backend_failure);
}

Json error_json(const std::string& message, const std::string& target, const std::string& vm) {
  Json e = {{"message", message}};
  if (!target.empty()) e["target"] = target;
  if (!vm.empty()) e["vm"] = vm;
  return e;
}

Json problem_json(const Problem& p) {
  Json e = {{"message", p.message}};
  if (!p.mark.file.empty()) e["file"] = p.mark.file.str();
  if (p.mark.line > 0) e["line"] = p.mark.line;
  if (p.mark.column > 0) e["column"] = p.mark.column;
  return e;
}

Json error_entries(const std::exception& e) {
  Json entries = Json::array();
  if (const auto* v = dynamic_cast<const ValidationError*>(&e)) {
    for (const auto& p : v->problems()) entries.push_back(problem_json(p));
    if (!entries.empty()) return entries;
  }
  if (const auto* l = dynamic_cast<const LocatedError*>(&e)) entries.push_back(error_json(e.what(), l->target(), l->vm()));
  else entries.push_back(error_json(e.what()));
  return entries;
}

}  // namespace hvctl
