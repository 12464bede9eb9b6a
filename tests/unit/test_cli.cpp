#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli_run.hpp"
#include "source_dir.hpp"

using namespace hvctl;

namespace {

using test::Run;
using test::run;

const char* kSpec = "apiVersion: hvctl/v1\nkind: VirtualMachine\nmetadata: {name: vm1}\nspec: {cpu: {count: 1}}\n";

}  // namespace

TEST_CASE("validate: good specs exit 0, bad ones exit 3 with every problem") {
  auto ok = run({"validate", "-f", "-", "--config", "/dev/null"}, kSpec);
  CHECK(ok.code == 0);
  CHECK(ok.out.find("1 spec valid.") != std::string::npos);

  auto bad = run({"validate", "-f", "-", "--config", "/dev/null"},
                 "apiVersion: hvctl/v1\nkind: VirtualMachine\nmetadata: {name: vm1}\nspec: {cpu: {count: 0}, colr: 1}\n");
  CHECK(bad.code == 3);
  CHECK(bad.out.empty());
  CHECK(bad.err.find("<stdin>:4:21: spec.cpu.count must be between 1 and 512") != std::string::npos);
  CHECK(bad.err.find("<stdin>:4:25: unknown key 'spec.colr'") != std::string::npos);
  CHECK(bad.err.find("2 problems found; nothing was changed") != std::string::npos);
}

TEST_CASE("validate -o json prints stable keys") {
  auto r = run({"validate", "-f", "-", "-o", "json", "--config", "/dev/null"}, kSpec);
  const auto j = Json::parse(r.out);
  CHECK(j["formatVersion"] == 1);
  CHECK(j["kind"] == "ValidationResult");
  CHECK(j["valid"][0]["name"] == "vm1");
}

TEST_CASE("usage errors exit 3; help exits 0 and lists exit codes") {
  CHECK(run({"frobnicate"}).code == 3);
  CHECK(run({"apply"}).code == 3);  // -f is required
  CHECK(run({"-o", "xml", "version"}).code == 3);
  auto help = run({"--help"});
  CHECK(help.code == 0);
  CHECK(help.out.find("5  partial") != std::string::npos);
  CHECK(run({"apply", "--help"}).out.find("Examples:") != std::string::npos);
}

TEST_CASE("destroy never runs silently") {
  auto r = run({"destroy", "vm1", "--target", "test:///default"});
  CHECK(r.code == 3);
  CHECK(r.err.find("refusing to destroy vm1 without --yes") != std::string::npos);
  auto cancelled = run({"destroy", "vm1", "--target", "test:///default"}, "n\n", true);
  CHECK(cancelled.code == 3);
  CHECK(cancelled.err.find("destroy cancelled") != std::string::npos);
}

TEST_CASE("no target anywhere is a clear input error") {
  auto r = run({"list", "--config", "/dev/null"});
  CHECK(r.code == 3);
  CHECK(r.err.find("no target") != std::string::npos);
}

TEST_CASE("every command in the table is reachable by name") {
  auto cli = build_cli();
  for (const auto& entry : command_table()) CHECK(cli->app->get_subcommand(entry.name) != nullptr);
}

TEST_CASE("wait: reached states exit 0, a timeout exits 6 naming the VM and its state") {
  // test:///default always has one running domain named "test".
  CHECK(run({"wait", "test", "--for", "running", "--target", "test:///default"}).code == 0);
  auto r = run({"wait", "test", "nosuchvm", "--for", "stopped", "--timeout", "1", "--target", "test:///default"});
  CHECK(r.code == 6);
  CHECK(r.err.find("not stopped after 1s: test (running), nosuchvm (no such VM)") != std::string::npos);
  CHECK(run({"wait", "nosuchvm", "--for", "deleted", "--target", "test:///default"}).code == 0);
}

// The scripting contract (README "Scripting"): -o json|yaml gives one
// document on stdout, failures included; usage errors name the nearest
// command or flag.
namespace {

const char* kTestTarget[] = {"--config", "/dev/null", "--target", "test:///default"};

Run run_on_test(std::vector<const char*> args) {
  args.insert(args.end(), std::begin(kTestTarget), std::end(kTestTarget));
  return run(std::move(args));
}

// A config with test:///default as `good` and a target that cannot connect.
std::string config_with_dead_target(bool good_too) {
  const auto path = (std::filesystem::temp_directory_path() /
                     (good_too ? "hvctl-test-cli-partial.yaml" : "hvctl-test-cli-dead.yaml")).string();
  std::ofstream(path) << (good_too ? "targets:\n  good: {type: libvirt, uri: \"test:///default\"}\n" : "targets:\n")
                      << "  dead: {type: libvirt, uri: \"test:///nonexistent.xml\"}\n";
  return path;
}

}  // namespace

TEST_CASE("a mistyped command or flag gets the nearest one, exit 3") {
  auto cmd = run({"aply"});
  CHECK(cmd.code == 3);
  CHECK(cmd.err.find("unknown command 'aply', did you mean 'apply'?") != std::string::npos);
  CHECK(cmd.err.find("A subcommand is required") == std::string::npos);
  auto alias = run({"lst"});
  CHECK(alias.err.find("unknown command 'lst', did you mean 'list'?") != std::string::npos);
  auto far = run({"frobnicate"});
  CHECK(far.err.find("unknown command 'frobnicate'\n") != std::string::npos);

  auto flag = run({"list", "--outptu", "json"});
  CHECK(flag.code == 3);
  CHECK(flag.err.find("unknown flag '--outptu', did you mean '--output'?") != std::string::npos);
  CHECK(flag.err.find("not expected") == std::string::npos);
  // The command's own flags are candidates too, and --flag=value is one flag.
  CHECK(run({"apply", "--dry-rn=1"}).err.find("unknown flag '--dry-rn', did you mean '--dry-run'?") != std::string::npos);
  CHECK(run({"list", "-x"}).err.find("unknown flag '-x'\n") != std::string::npos);

  auto json = run({"list", "--outptu", "json", "-o", "json"});
  CHECK(json.code == 3);
  const auto j = Json::parse(json.out);
  CHECK(j["kind"] == "Error");
  CHECK(j["errors"][0]["message"] == "unknown flag '--outptu', did you mean '--output'?");
}

TEST_CASE("bare hvctl prints usage and exits 0; --version is `version`") {
  auto bare = run({});
  CHECK(bare.code == 0);
  CHECK(bare.out.find("Usage: hvctl") != std::string::npos);
  CHECK(bare.out.find("5  partial") != std::string::npos);
  auto flag = run({"--version"});
  CHECK(flag.code == 0);
  CHECK(flag.out.rfind("hvctl ", 0) == 0);
  CHECK(flag.out == run({"version"}).out);
  CHECK(Json::parse(run({"--version", "-o", "json"}).out)["kind"] == "Version");
}

TEST_CASE("a command's help lists the global options") {
  for (const auto& help : {run({"list", "--help"}).out, run({"help", "list"}).out}) {
    CHECK(help.find("Usage: hvctl list") != std::string::npos);
    CHECK(help.find("Global options:") != std::string::npos);
    CHECK(help.find("--target TARGET") != std::string::npos);
    CHECK(help.find("-o,--output") != std::string::npos);
    CHECK(help.find("Examples:") > help.find("Global options:"));
  }
}

TEST_CASE("-o json: validation problems are errors with file, line and column") {
  auto r = run({"validate", "-f", "-", "-o", "json", "--config", "/dev/null"},
               "apiVersion: hvctl/v1\nkind: VirtualMachine\nmetadata: {name: vm1}\nspec: {cpu: {count: 0}, colr: 1}\n");
  CHECK(r.code == 3);
  const auto j = Json::parse(r.out);
  CHECK(j["kind"] == "Error");
  REQUIRE(j["errors"].size() == 2);
  CHECK(j["errors"][0] == Json{{"message", "spec.cpu.count must be between 1 and 512, not 0"},
                               {"file", "<stdin>"}, {"line", 4}, {"column", 21}});
  CHECK(j["errors"][1]["message"] == "unknown key 'spec.colr'");
  CHECK(r.err.find("<stdin>:4:21: spec.cpu.count") != std::string::npos);  // stderr still says it

  auto y = run({"validate", "-f", "-", "-o", "yaml", "--config", "/dev/null"}, "kind: VirtualMachine\n");
  CHECK(y.code == 3);
  CHECK(y.out.find("kind: Error\nerrors:\n  - message: ") != std::string::npos);
}

TEST_CASE("-o json: a failure is one Error document naming the target and VM; tables keep stdout empty") {
  auto r = run_on_test({"get", "nosuch", "-o", "json"});
  CHECK(r.code == 8);
  const auto j = Json::parse(r.out);
  CHECK(j["kind"] == "Error");
  CHECK(j["errors"][0] == Json{{"message", "target 'test:///default': no VM named 'nosuch'"},
                               {"target", "test:///default"}, {"vm", "nosuch"}});
  auto table = run_on_test({"get", "nosuch"});
  CHECK(table.code == 8);
  CHECK(table.out.empty());
}

TEST_CASE("-o json: export of several VMs is one List document") {
  auto r = run_on_test({"export", "test", "test", "-o", "json"});
  CHECK(r.code == 0);
  const auto j = Json::parse(r.out);  // throws on two documents one after the other
  CHECK(j["kind"] == "List");
  REQUIRE(j["items"].size() == 2);
  CHECK(j["items"][1]["kind"] == "VirtualMachine");
  CHECK(j["items"][1]["metadata"]["name"] == "test");
  CHECK(Json::parse(run_on_test({"export", "test", "-o", "json"}).out)["kind"] == "VirtualMachine");
}

// libvirt's test driver loaded from a file: VM "web" with snapshots base,
// and under it tuning and upgrade (current); see the file.
const std::string kSnapshotTree = "test://" + ::hvctl::test_source_dir() + "/tests/e2e/data/snapshot-tree.xml";

TEST_CASE("snapshot list: the tree as a table, and as JSON items") {
  auto table = run({"snapshot", "list", "web", "--config", "/dev/null", "--target", kSnapshotTree.c_str()});
  CHECK(table.code == 0);
  CHECK(table.out ==
        "SNAPSHOT   ID       CREATED               CURRENT\n"
        "base       base     2026-12-01T12:26:07Z  \n"
        "  tuning   tuning   2026-12-01T12:40:00Z  \n"
        "  upgrade  upgrade  2026-12-01T14:00:00Z  *\n");
  auto json =
      run({"snapshot", "list", "web", "-o", "json", "--config", "/dev/null", "--target", kSnapshotTree.c_str()});
  CHECK(json.code == 0);
  const auto j = Json::parse(json.out);
  CHECK(j["kind"] == "SnapshotList");
  CHECK(j["vm"] == "web");
  CHECK(j["target"] == kSnapshotTree);
  CHECK(j["items"] == Json::parse(R"([
    {"name": "base", "id": "base", "parent": null, "created": "2026-12-01T12:26:07Z", "current": false},
    {"name": "tuning", "id": "tuning", "parent": "base", "created": "2026-12-01T12:40:00Z", "current": false},
    {"name": "upgrade", "id": "upgrade", "parent": "base", "created": "2026-12-01T14:00:00Z", "current": true}])"));
  CHECK(Json::parse(run_on_test({"snapshot", "list", "test", "-o", "json"}).out)["items"] == Json::array());
}

TEST_CASE("snapshot create of a name the VM has: exit 3, the way out named") {
  auto r = run({"snapshot", "create", "web", "tuning", "--config", "/dev/null", "--target", kSnapshotTree.c_str()});
  CHECK(r.code == 3);
  CHECK(r.out.empty());
  CHECK(r.err.find("VM 'web' already has a snapshot named 'tuning'") != std::string::npos);
  CHECK(r.err.find("hvctl snapshot remove web tuning") != std::string::npos);
}

TEST_CASE("-o json: snapshot changes and destroy --dry-run give a result") {
  auto created = run_on_test({"snapshot", "create", "test", "s1", "-o", "json"});
  CHECK(created.code == 0);
  const auto c = Json::parse(created.out);
  CHECK(c["kind"] == "SnapshotResult");
  CHECK(c["items"][0]["snapshot"] == "s1");
  CHECK(c["items"][0]["action"] == "create");
  auto table = run_on_test({"snapshot", "create", "test", "s2"});
  CHECK(table.out.empty());  // people get the line on stderr, as before
  CHECK(table.err.find("test: snapshot 's2' created") != std::string::npos);

  auto dry = run_on_test({"destroy", "test", "--dry-run", "-o", "json"});
  CHECK(dry.code == 0);
  const auto d = Json::parse(dry.out);
  CHECK(d["kind"] == "OperationResult");
  CHECK(d["dryRun"] == true);
  CHECK(d["items"][0]["vm"] == "test");
  CHECK(d["items"][0]["result"] == "would destroy");
  auto missing = run_on_test({"destroy", "nosuch", "--dry-run"});
  CHECK(missing.code == 8);  // as the destroy itself would
  CHECK(missing.out.find("nosuch  test:///default  destroy  FAILED:") != std::string::npos);
}

TEST_CASE("verbs: a VM that is not there is 8, and an errors entry") {
  CHECK(run_on_test({"start", "nosuch"}).code == 8);
  auto r = run_on_test({"start", "test", "nosuch", "-o", "json"});
  CHECK(r.code == 5);
  const auto j = Json::parse(r.out);
  REQUIRE(j["errors"].size() == 1);
  CHECK(j["errors"][0]["vm"] == "nosuch");
}

TEST_CASE("-o json: a failure after the result joins it (wait's timeout)") {
  auto r = run_on_test({"wait", "test", "--for", "stopped", "--timeout", "1", "-o", "json"});
  CHECK(r.code == 6);
  const auto j = Json::parse(r.out);
  CHECK(j["kind"] == "WaitResult");
  CHECK(j["items"][0]["reached"] == false);
  CHECK(j["errors"][0]["message"] == "not stopped after 1s: test (running)");
}

TEST_CASE("list -A: the healthy targets are listed, the dead one reported, exit 5; all dead: its own code") {
  const auto partial = config_with_dead_target(true);
  auto r = run({"list", "-A", "--config", partial.c_str(), "-o", "json"});
  CHECK(r.code == 5);
  const auto j = Json::parse(r.out);
  CHECK(j["kind"] == "VmList");
  REQUIRE(j["items"].size() == 1);
  CHECK(j["items"][0]["name"] == "test");
  CHECK(j["items"][0]["target"] == "good");
  REQUIRE(j["errors"].size() == 1);
  CHECK(j["errors"][0]["target"] == "dead");
  CHECK(j["errors"][0]["message"].get<std::string>().find("cannot connect") != std::string::npos);

  auto table = run({"list", "-A", "--config", partial.c_str()});
  CHECK(table.code == 5);
  CHECK(table.out.find("test  running") != std::string::npos);
  CHECK(table.out.find("dead") == std::string::npos);
  CHECK(table.err.find("warning: target 'dead': cannot connect") != std::string::npos);

  const auto dead = config_with_dead_target(false);
  auto all = run({"list", "-A", "--config", dead.c_str(), "-o", "json"});
  CHECK(all.code == 4);
  CHECK(Json::parse(all.out)["errors"][0]["target"] == "dead");
  std::filesystem::remove(partial);
  std::filesystem::remove(dead);
}
