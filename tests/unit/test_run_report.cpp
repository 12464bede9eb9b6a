#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli_run.hpp"
#include "hvctl/error.hpp"
#include "run_report.hpp"

using namespace hvctl;
namespace fs = std::filesystem;

namespace {

Json apply_item(const std::string& target, const std::string& vm, bool ok, int code = 4) {
  Json i = {{"vm", vm}, {"target", target}, {"action", "create"}, {"ok", ok}, {"done", Json::array()},
            {"error", ok ? "" : "boom"}, {"result", ok ? "created" : "FAILED: boom"}};
  if (!ok) i["exitCode"] = code;
  return i;
}

Json shard_report(const std::string& command, unsigned index, unsigned count, int code, const std::string& result,
                  Json items, Json errors = Json::array()) {
  RunFacts facts;
  facts.command = command;
  facts.shard = {index, count};
  Json doc = {{"formatVersion", 1}, {"kind", result}, {"items", std::move(items)}};
  if (!errors.empty()) doc["errors"] = std::move(errors);
  return make_run_report(facts, doc, code);
}

int merged_exit(const std::vector<Json>& shards) {
  std::vector<std::pair<std::string, Json>> in;
  for (std::size_t i = 0; i < shards.size(); ++i) in.emplace_back("s" + std::to_string(i), shards[i]);
  return merge_reports(in)["exitCode"].get<int>();
}

using test::Run;
using test::run;

Json read_json(const fs::path& p) {
  std::ifstream f(p);
  return Json::parse(f);
}

}  // namespace

TEST_CASE("a run report: versioned, the run's items with their seconds, each target's errors") {
  RunFacts facts;
  facts.command = "apply";
  facts.shard = {2, 3};
  facts.targets = {{"vc1", "https://vc1/sdk", 2}};
  facts.seconds["vc1\nweb"] = 1.5;
  const Json doc = {{"formatVersion", 1},
                    {"kind", "ApplyResult"},
                    {"items", Json::array({apply_item("vc1", "web", true), apply_item("vc1", "db", false)})},
                    {"errors", Json::array({{{"message", "boom"}, {"target", "vc1"}, {"vm", "db"}},
                                            {{"message", "elsewhere"}, {"target", "vc9"}}})}};
  const Json r = make_run_report(facts, doc, 5);
  CHECK(r["formatVersion"] == kRunReportVersion);
  CHECK(r["kind"] == "RunReport");
  CHECK(r["command"] == "apply");
  CHECK(r["shard"] == Json{{"index", 2}, {"count", 3}});
  CHECK(r["exitCode"] == 5);
  CHECK(r["result"] == "ApplyResult");
  REQUIRE(r["items"].size() == 2);
  CHECK(r["items"][0]["seconds"] == 1.5);
  CHECK_FALSE(r["items"][1].contains("seconds"));
  REQUIRE(r["targets"].size() == 1);
  CHECK(r["targets"][0]["vms"] == 2);
  CHECK(r["targets"][0]["shard"] == shard_of("https://vc1/sdk", 3));
  REQUIRE(r["targets"][0]["errors"].size() == 1);
  CHECK(r["targets"][0]["errors"][0]["vm"] == "db");
  CHECK(r["errors"].size() == 2);
}

TEST_CASE("merge: items and errors of all shards sorted by target and VM; incomplete sets are refused") {
  const Json a = shard_report("apply", 1, 2, 0, "ApplyResult", Json::array({apply_item("vc2", "b", true)}));
  const Json b = shard_report("apply", 2, 2, 0, "ApplyResult",
                              Json::array({apply_item("vc1", "z", true), apply_item("vc1", "a", true)}));
  const Json m = merge_reports({{"a.json", a}, {"b.json", b}});
  REQUIRE(m["items"].size() == 3);
  CHECK(m["items"][0]["vm"] == "a");
  CHECK(m["items"][1]["vm"] == "z");
  CHECK(m["items"][2]["target"] == "vc2");
  CHECK(m["exitCode"] == 0);
  CHECK(m["shard"]["merged"] == 2);

  CHECK_THROWS_WITH_AS(merge_reports({{"a.json", a}}), doctest::Contains("shard 2/2 missing"), InputError);
  CHECK_THROWS_WITH_AS(merge_reports({{"a.json", a}, {"a2.json", a}}), doctest::Contains("a2.json: shard 1/2 again (also in a.json)"),
                       InputError);
  const Json plan = shard_report("plan", 2, 2, 0, "Plan", Json::array());
  CHECK_THROWS_WITH_AS(merge_reports({{"a.json", a}, {"p.json", plan}}), doctest::Contains("p.json: a report of 'plan'"),
                       InputError);
  const Json three = shard_report("apply", 2, 3, 0, "ApplyResult", Json::array());
  CHECK_THROWS_WITH_AS(merge_reports({{"a.json", a}, {"t.json", three}}), doctest::Contains("the others are of 2 shards"),
                       InputError);
  Json old = a;
  old["formatVersion"] = 99;
  CHECK_THROWS_WITH_AS(merge_reports({{"old.json", old}}), doctest::Contains("old.json: run report version 99"), InputError);
  CHECK_THROWS_WITH_AS(merge_reports({{"x.json", Json{{"kind", "ApplyResult"}}}}), doctest::Contains("not an hvctl run report"),
                       InputError);
}

TEST_CASE("merge: the exit code is the one a single unsharded run would have had") {
  const auto ok = [](unsigned i, unsigned n) {
    return shard_report("apply", i, n, 0, "ApplyResult", Json::array({apply_item("t" + std::to_string(i), "v", true)}));
  };
  const auto failed = [](unsigned i, unsigned n, int code) {
    return shard_report("apply", i, n, code, "ApplyResult",
                        Json::array({apply_item("t" + std::to_string(i), "v", false, code)}));
  };
  const auto empty = [](unsigned i, unsigned n) { return shard_report("apply", i, n, 0, "ApplyResult", Json::array()); };
  CHECK(merged_exit({ok(1, 2), ok(2, 2)}) == 0);
  CHECK(merged_exit({ok(1, 2), failed(2, 2, 4)}) == 5);         // some done, some failed: partial
  CHECK(merged_exit({failed(1, 2, 4), failed(2, 2, 4)}) == 4);  // all failed
  CHECK(merged_exit({failed(1, 2, 8), empty(2, 2)}) == 8);      // an empty shard changes nothing
  CHECK(merged_exit({ok(1, 2), failed(2, 2, 7)}) == 7);         // only impossible ones failed, the rest was done
  // A target that failed as a whole: the shard's Error document has no items.
  const Json down = shard_report("apply", 2, 2, 4, "Error", Json::array(),
                                 Json::array({{{"message", "cannot connect"}, {"target", "t2"}}}));
  CHECK(merged_exit({ok(1, 2), down}) == 5);
  CHECK(merged_exit({empty(1, 2), down}) == 4);

  const auto plan = [](unsigned i, int code, Json items) { return shard_report("plan", i, 3, code, "Plan", std::move(items)); };
  const Json none = Json::array({{{"vm", "a"}, {"target", "t"}, {"action", "none"}}});
  const Json create = Json::array({{{"vm", "b"}, {"target", "t"}, {"action", "create"}}});
  const Json impossible = Json::array({{{"vm", "c"}, {"target", "t"}, {"action", "update"}, {"impossible", Json::array()}}});
  CHECK(merged_exit({plan(1, 0, none), plan(2, 2, create), plan(3, 0, none)}) == 2);  // --detailed-exitcode
  CHECK(merged_exit({plan(1, 0, none), plan(2, 0, create), plan(3, 0, none)}) == 0);  // without it
  CHECK(merged_exit({plan(1, 0, none), plan(2, 2, create), plan(3, 7, impossible)}) == 7);
  const Json plan_down = shard_report("plan", 3, 3, 4, "Error", Json::array(), Json::array({{{"message", "x"}}}));
  CHECK(merged_exit({plan(1, 0, none), plan(2, 2, create), plan_down}) == 4);
  CHECK(merged_exit({plan(1, 130, none), plan(2, 2, create), plan_down}) == 130);
}

TEST_CASE("plan --shard --report over real targets, then report merge: the same as one unsharded plan") {
  const fs::path dir = fs::temp_directory_path() / "hvctl-test-run-report";
  fs::remove_all(dir);
  fs::create_directories(dir);
  const auto config = (dir / "config.yaml").string();
  // Two names for one endpoint (one shard between them) and one target that does not answer.
  std::ofstream(config) << "targets:\n  a: {type: libvirt, uri: \"test:///default\"}\n"
                           "  b: {type: libvirt, uri: \"test:///default\"}\n"
                           "  dead: {type: libvirt, uri: \"test:///nonexistent.xml\"}\n";
  const auto specs = (dir / "specs.yaml").string();
  std::ofstream(specs) << "apiVersion: hvctl/v1\nkind: VirtualMachine\nmetadata: {name: test}\nspec: {target: a}\n---\n"
                          "apiVersion: hvctl/v1\nkind: VirtualMachine\nmetadata: {name: new-1}\nspec: {target: b, cpu: {count: 1}}\n";
  const std::string ab = normalized_uri("test:///default");

  const auto all = (dir / "all.json").string();
  auto whole = run({"plan", "-f", specs.c_str(), "--config", config.c_str(), "--report", all.c_str(), "--detailed-exitcode"});
  CHECK(whole.code == 2);
  std::vector<std::string> shard_files;
  for (int i = 1; i <= 3; ++i) {
    shard_files.push_back((dir / ("s" + std::to_string(i) + ".json")).string());
    const std::string shard = std::to_string(i) + "/3";
    auto r = run({"plan", "-f", specs.c_str(), "--config", config.c_str(), "--shard", shard.c_str(), "--report",
                  shard_files.back().c_str(), "--detailed-exitcode"});
    const bool mine = shard_of(ab, 3) == static_cast<unsigned>(i);
    CHECK(r.code == (mine ? 2 : 0));
    CHECK(r.err.find("shard " + shard + ": " + (mine ? "2 of 1 target" : "0 of 1 target")) != std::string::npos);
    const Json rep = read_json(shard_files.back());
    CHECK(rep["items"].size() == (mine ? 2u : 0u));
    CHECK(rep["targets"].size() == (mine ? 2u : 0u));  // a and b, both in this shard
  }
  auto merged = run({"report", "merge", shard_files[0].c_str(), shard_files[1].c_str(), shard_files[2].c_str(), "-o", "json"});
  auto single = run({"report", "merge", all.c_str(), "-o", "json"});
  CHECK(merged.code == 2);
  CHECK(single.code == 2);
  const Json m = Json::parse(merged.out), s = Json::parse(single.out);
  CHECK(m["items"] == s["items"]);
  CHECK(m["errors"] == s["errors"]);
  CHECK(m["items"].size() == 2);
  auto table = run({"report", "merge", shard_files[0].c_str(), shard_files[1].c_str(), shard_files[2].c_str()});
  CHECK(table.out.find("new-1") != std::string::npos);
  CHECK(table.out.find("3 shards of 'plan': 2 VMs on 2 targets, 0 failed, 0 errors; exit code 2.") != std::string::npos);

  // A target that does not answer: its shard's report carries the target's error.
  std::ofstream(specs, std::ios::app) << "---\napiVersion: hvctl/v1\nkind: VirtualMachine\nmetadata: {name: lost}\nspec: {target: dead}\n";
  const auto dead_shard = shard_of(normalized_uri("test:///nonexistent.xml"), 1);
  const auto one = (dir / "one.json").string();
  auto r = run({"plan", "-f", specs.c_str(), "--config", config.c_str(), "--shard", "1/1", "--report", one.c_str()});
  CHECK(dead_shard == 1);
  CHECK(r.code == 4);
  const Json rep = read_json(one);
  CHECK(rep["exitCode"] == 4);
  CHECK(rep["result"] == "Error");
  bool dead_has_error = false;
  for (const auto& t : rep["targets"])
    if (t["target"] == "dead") dead_has_error = !t["errors"].empty();
  CHECK(dead_has_error);
  auto merged_dead = run({"report", "merge", one.c_str()});
  CHECK(merged_dead.code == 4);
  CHECK(merged_dead.out.find("error: dead: ") != std::string::npos);

  // A report that cannot be written: refused before anything is contacted.
  auto nowhere = run({"plan", "-f", specs.c_str(), "--config", config.c_str(), "--report", "/nonexistent/dir/r.json"});
  CHECK(nowhere.code == 3);
  CHECK(nowhere.err.find("--report /nonexistent/dir/r.json: cannot write there") != std::string::npos);
  auto bad_shard = run({"plan", "-f", specs.c_str(), "--config", config.c_str(), "--shard", "4/3"});
  CHECK(bad_shard.code == 3);
  fs::remove_all(dir);
}

TEST_CASE("merge: unsharded runs over different targets join (one report per target); one target twice does not") {
  RunFacts facts;
  facts.command = "apply";
  const Json doc = {{"formatVersion", 1}, {"kind", "ApplyResult"}, {"items", Json::array()}};
  facts.targets = {{"vc1", "https://vc1/sdk", 0}};
  const Json one = make_run_report(facts, doc, 0);
  facts.targets = {{"vc2", "https://vc2/sdk", 0}};
  const Json two = make_run_report(facts, doc, 0);
  CHECK(merge_reports({{"vc1.json", one}, {"vc2.json", two}})["targets"].size() == 2);
  CHECK_THROWS_WITH_AS(merge_reports({{"vc1.json", one}, {"again.json", one}}),
                       doctest::Contains("again.json: target 'vc1' is in vc1.json too"), InputError);
}
