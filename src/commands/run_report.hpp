// The run report (`--report FILE` of apply, plan and delete): a versioned
// JSON record of one run, or of one shard of a sharded run, that
// `hvctl report merge` joins into one result with one exit code.
//
//   {"formatVersion": 1, "kind": "RunReport", "command": "apply",
//    "shard": {"index": 2, "count": 4}, "exitCode": 5,
//    "started": "2026-12-02T18:30:00Z", "seconds": 12.5,
//    "result": "ApplyResult",               the kind of the run's own document
//    "targets": [{"target", "identity", "shard", "vms", "errors": [...]}],
//    "items": [{"vm", "target", "action", "result", "ok", "error", "exitCode", "seconds"}, ...],
//    "errors": [{"message", "target", "vm", ...}]}
//
// Pure: no files, no clock; cli.cpp writes a report, cmd_report.cpp reads them.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "hvctl/output.hpp"
#include "hvctl/shard.hpp"

namespace hvctl {

inline constexpr int kRunReportVersion = 1;

struct ReportTarget {
  std::string name;      // as the items say it
  std::string identity;  // normalized URI
  unsigned vms = 0;      // specs of this run that go to it
};

struct RunFacts {
  std::string command;  // apply | plan | delete
  Shard shard;          // 1/1 when not sharded
  std::vector<ReportTarget> targets;
  std::map<std::string, double> seconds;  // "target\nvm" -> how long its work took
  std::string started;                    // UTC, ISO 8601
  double elapsed = 0;                     // seconds, the whole run
};

// The report of one run from its document (Output::record(): the run's
// result, or an Error document) and its exit code.
Json make_run_report(const RunFacts& facts, const Json& document, int exit_code);

// One report for all shards of a run: items and errors of each, sorted by
// target and VM, and the exit code one unsharded run would have had.
// Reports of unsharded runs (1/1) over different targets (one per target,
// as an Ansible play writes them) merge too. `reports` are (file name,
// parsed JSON). InputError naming the file when one is not a report of this
// version, when they differ in command or shard count, when a shard is
// missing or given twice, or when a target is in two of them.
Json merge_reports(const std::vector<std::pair<std::string, Json>>& reports);

// The table of a merged report.
Result merged_report_result(const Json& merged);

}  // namespace hvctl
