#include "run_report.hpp"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "hvctl/error.hpp"
#include "views.hpp"

namespace hvctl {
namespace {

bool is_apply_kind(const std::string& result) { return result == "ApplyResult" || result == "DeleteResult"; }

std::string key_of(const Json& item) {
  return item.value("target", "") + "\n" + item.value("vm", "");
}

void sort_by_target_and_vm(Json& list) {
  std::stable_sort(list.begin(), list.end(), [](const Json& a, const Json& b) { return key_of(a) < key_of(b); });
}

// A report's apply items as the engine's results, for results_exit_code.
std::vector<VmResult> results_of(const Json& items) {
  std::vector<VmResult> out;
  for (const auto& item : items) {
    VmResult r;
    r.vm = item.value("vm", "");
    r.ok = item.value("ok", true);
    r.failure = static_cast<ExitCode>(item.value("exitCode", static_cast<int>(ExitCode::backend_failure)));
    if (item.contains("interruption")) r.interruption = Interruption::in_flight;
    out.push_back(std::move(r));
  }
  return out;
}

// The exit code the shard's items alone give: what a run of them would return.
int items_code(const std::string& command, const std::string& result, const Json& items, bool detailed) {
  if (is_apply_kind(result)) return results_exit_code(results_of(items));
  if (command == "plan" && result == "Plan") {
    bool pending = false;
    for (const auto& item : items) {
      if (item.contains("impossible")) return static_cast<int>(ExitCode::impossible);
      pending |= item.value("action", "none") != "none";
    }
    return pending && detailed ? static_cast<int>(ExitCode::changes_pending) : 0;
  }
  return -1;  // an Error document: nothing to derive
}

// What one unsharded run would have returned, from the shards' own codes and items.
int merged_code(const std::string& command, const std::vector<const Json*>& shards, const Json& all_items) {
  std::vector<int> extra;  // codes the items do not explain: a target that failed as a whole, a --wait timeout
  bool failed_whole = false;  // a shard whose run failed before it had results (an Error document)
  bool detailed = false;
  for (const Json* s : shards) {
    const int code = s->value("exitCode", 0);
    if (code == static_cast<int>(ExitCode::interrupted)) return code;
    detailed |= code == static_cast<int>(ExitCode::changes_pending);
  }
  for (const Json* s : shards) {
    const int code = s->value("exitCode", 0);
    const int derived = items_code(command, s->value("result", ""), s->value("items", Json::array()), detailed);
    if (code != derived && !(derived < 0 && code == 0)) extra.push_back(code);
    failed_whole |= derived < 0 && code != 0;
  }
  const std::string result_kind = command == "plan" ? "Plan" : "ApplyResult";
  const int from_items = items_code(command, result_kind, all_items, detailed);
  if (extra.empty()) return from_items;
  // A shard that failed as a whole next to shards that applied: partial, for
  // that is what happened (an unsharded run would have stopped before any change).
  const bool some_done = std::any_of(all_items.begin(), all_items.end(), [](const Json& i) { return i.value("ok", false); });
  if (command != "plan" && failed_whole && some_done) return static_cast<int>(ExitCode::partial);
  const bool one_code = std::all_of(extra.begin(), extra.end(), [&](int c) { return c == extra.front(); });
  return one_code ? extra.front() : static_cast<int>(ExitCode::backend_failure);
}

}  // namespace

Json make_run_report(const RunFacts& facts, const Json& document, int exit_code) {
  Json report = {{"formatVersion", kRunReportVersion},
                 {"kind", "RunReport"},
                 {"command", facts.command},
                 {"shard", {{"index", facts.shard.index}, {"count", facts.shard.count}}},
                 {"exitCode", exit_code},
                 {"started", facts.started},
                 {"seconds", facts.elapsed},
                 {"result", document.is_object() ? document.value("kind", "") : ""}};
  Json errors = document.is_object() && document.contains("errors") ? document["errors"] : Json::array();
  Json targets = Json::array();
  for (const auto& t : facts.targets) {
    Json own = Json::array();
    for (const auto& e : errors)
      if (e.value("target", "") == t.name) own.push_back(e);
    targets.push_back({{"target", t.name}, {"identity", t.identity}, {"shard", shard_of(t.identity, facts.shard.count)},
                       {"vms", t.vms}, {"errors", own}});
  }
  report["targets"] = std::move(targets);
  Json items = Json::array();
  if (document.is_object() && document.contains("items"))
    for (Json item : document["items"]) {
      if (const auto it = facts.seconds.find(key_of(item)); it != facts.seconds.end()) item["seconds"] = it->second;
      items.push_back(std::move(item));
    }
  report["items"] = std::move(items);
  report["errors"] = std::move(errors);
  return report;
}

Json merge_reports(const std::vector<std::pair<std::string, Json>>& reports) {
  if (reports.empty()) throw InputError("report merge needs at least one report file");
  std::string command;
  unsigned count = 0;
  std::map<unsigned, std::string> seen;   // shard index -> file
  std::map<std::string, std::string> owner;  // target identity -> file
  std::vector<const Json*> shards;
  for (const auto& [file, r] : reports) {
    if (!r.is_object() || r.value("kind", "") != "RunReport")
      throw InputError(fmt::format("{}: not an hvctl run report (kind RunReport); write one with --report", file));
    if (r.value("formatVersion", 0) != kRunReportVersion)
      throw InputError(fmt::format("{}: run report version {}; this hvctl reads version {}", file,
                                   r.value("formatVersion", 0), kRunReportVersion));
    const unsigned index = r["shard"].value("index", 0u), n = r["shard"].value("count", 0u);
    if (command.empty()) {
      command = r.value("command", "");
      count = n;
    }
    if (r.value("command", "") != command)
      throw InputError(fmt::format("{}: a report of '{}', the others are of '{}'", file, r.value("command", ""), command));
    if (n != count)
      throw InputError(fmt::format("{}: shard {}/{}, the others are of {} shards", file, index, n, count));
    if (const auto [it, fresh] = seen.emplace(index, file); !fresh && count > 1)
      throw InputError(fmt::format("{}: shard {}/{} again (also in {})", file, index, n, it->second));
    for (const auto& t : r["targets"])  // unsharded runs (1/1) over other targets join; one target twice does not
      if (const auto [it, fresh] = owner.emplace(t.value("identity", ""), file); !fresh && it->second != file)
        throw InputError(fmt::format("{}: target '{}' is in {} too: a target's VMs belong in one report", file,
                                     t.value("target", ""), it->second));
    shards.push_back(&r);
  }
  std::vector<std::string> missing;
  for (unsigned i = 1; i <= count; ++i)
    if (!seen.count(i)) missing.push_back(fmt::format("{}/{}", i, count));
  if (!missing.empty())
    throw InputError(fmt::format("shard{} {} missing: merge needs the reports of all {} shards",
                                 missing.size() == 1 ? "" : "s", fmt::join(missing, ", "), count));
  Json items = Json::array(), errors = Json::array(), targets = Json::array();
  double slowest = 0;
  std::string started;
  for (const Json* s : shards) {
    for (const auto& i : (*s)["items"]) items.push_back(i);
    for (const auto& e : (*s)["errors"]) errors.push_back(e);
    for (const auto& t : (*s)["targets"]) targets.push_back(t);
    slowest = std::max(slowest, s->value("seconds", 0.0));
    const std::string when = s->value("started", "");
    if (started.empty() || (!when.empty() && when < started)) started = when;
  }
  sort_by_target_and_vm(items);
  sort_by_target_and_vm(errors);
  std::stable_sort(targets.begin(), targets.end(),
                   [](const Json& a, const Json& b) { return a.value("target", "") < b.value("target", ""); });
  const int code = merged_code(command, shards, items);
  Json merged = {{"formatVersion", kRunReportVersion},
                 {"kind", "RunReport"},
                 {"command", command},
                 {"shard", {{"index", 0}, {"count", count}, {"merged", count}}},
                 {"exitCode", code},
                 {"started", started},
                 {"seconds", slowest},
                 {"result", command == "plan" ? "Plan" : command == "delete" ? "DeleteResult" : "ApplyResult"},
                 {"targets", targets},
                 {"items", items},
                 {"errors", errors}};
  return merged;
}

Result merged_report_result(const Json& merged) {
  Result r{"RunReport"};
  for (const auto& [key, value] : merged.items())
    if (key != "formatVersion" && key != "kind") r.data[key] = value;
  r.items_key = "items";
  const bool plan = merged.value("command", "") == "plan";
  r.columns = {{"VM", "/vm"}, {"TARGET", "/target"}, {"ACTION", "/action"}, {plan ? "DETAILS" : "RESULT", plan ? "/summary" : "/result"}};
  r.wide_columns = {{"SECONDS", "/seconds"}};
  const auto& items = merged["items"];
  const auto failed = std::count_if(items.begin(), items.end(), [](const Json& i) {
    return !i.value("ok", true) || i.contains("impossible");
  });
  r.footer.push_back(fmt::format("{} shard{} of '{}': {} VM{} on {} target{}, {} failed, {} error{}; exit code {}.",
                                 merged["shard"].value("count", 0), merged["shard"].value("count", 0) == 1 ? "" : "s",
                                 merged.value("command", ""), items.size(), items.size() == 1 ? "" : "s",
                                 merged["targets"].size(), merged["targets"].size() == 1 ? "" : "s", failed,
                                 merged["errors"].size(), merged["errors"].size() == 1 ? "" : "s",
                                 merged.value("exitCode", 0)));
  for (const auto& e : merged["errors"])
    if (!e.contains("vm"))
      r.footer.push_back(fmt::format("error: {}{}", e.contains("target") ? e.value("target", "") + ": " : "",
                                     e.value("message", "")));
  return r;
}

}  // namespace hvctl
