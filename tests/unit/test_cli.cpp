#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli.hpp"

using namespace hvctl;

namespace {

struct Run {
  int code;
  std::string out, err;
};

Run run(std::vector<const char*> args, const std::string& stdin_text = "", bool interactive = false) {
  args.insert(args.begin(), "hvctl");
  std::istringstream in(stdin_text);
  std::ostringstream out, err;
  const int code = run_cli(static_cast<int>(args.size()), args.data(), in, out, err, interactive);
  return {code, out.str(), err.str()};
}

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
  CHECK(run({}).code == 3);
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
