// hvctl report merge FILE...: the run reports of a sharded apply, plan or
// delete (--shard I/N --report FILE) as one result, with the exit code one
// unsharded run would have had. See run_report.hpp.
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "command_table.hpp"
#include "hvctl/error.hpp"
#include "run_report.hpp"

namespace hvctl {
namespace {

struct ReportOptions {
  std::string action;
  std::vector<std::string> files;
};

Json read_report(const std::string& file) {
  std::ifstream in(file);
  if (!in) throw InputError(fmt::format("{}: cannot read it", file));
  std::ostringstream text;
  text << in.rdbuf();
  try {
    return Json::parse(text.str());
  } catch (const Json::parse_error& e) {
    throw InputError(fmt::format("{}: not JSON (byte {}): a shard that did not finish writes no report", file, e.byte));
  }
}

int run_report(const ReportOptions& o, Context& ctx) {
  std::vector<std::pair<std::string, Json>> reports;
  for (const auto& f : o.files) reports.emplace_back(f, read_report(f));
  const Json merged = merge_reports(reports);
  ctx.out().render(merged_report_result(merged));
  return merged.value("exitCode", 0);
}

}  // namespace

void setup_report(CLI::App& app, RunFn& run) {
  auto o = std::make_shared<ReportOptions>();
  app.add_option("action", o->action, "What to do with the reports")->required()->check(CLI::IsMember({"merge"}));
  app.add_option("files", o->files, "Run reports written by --report, one per shard")->required()->type_name("FILE");
  run = [o](Context& ctx) { return run_report(*o, ctx); };
}

}  // namespace hvctl
