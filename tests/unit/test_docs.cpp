// Help, man pages and completion come from the command table and the schema.
#include <doctest/doctest.h>

#include <set>

#include "cli.hpp"
#include "completion.hpp"
#include "man_page.hpp"

using namespace hvctl;

TEST_CASE("hvctl(1) has every command, its aliases and options, and every exit code") {
  auto cli = build_cli();
  const auto page = man_hvctl(*cli->app);
  for (const auto& e : command_table()) {
    CHECK_MESSAGE(page.find(std::string(".SS \"") + e.name) != std::string::npos, e.name);
    std::string heading = std::string(".SS \"") + e.name;
    for (const auto& a : e.aliases) heading += ", " + a;
    CHECK_MESSAGE(page.find(heading + "\"") != std::string::npos, heading);
  }
  CHECK(page.find("\\fB\\-\\-detailed\\-exitcode\\fR") != std::string::npos);
  CHECK(page.find("HVCTL_TARGET") != std::string::npos);
  for (const char* code : {".B 0\n", ".B 2\n", ".B 3\n", ".B 4\n", ".B 5\n", ".B 6\n", ".B 7\n", ".B 8\n", ".B 130\ninterrupted"})
    CHECK_MESSAGE(page.find(code) != std::string::npos, code);
}

TEST_CASE("completion follows the table: new commands and flags complete without script changes") {
  auto cli = build_cli();
  CompletionSources none;
  auto names = [&](std::vector<std::string> words) {
    std::set<std::string> out;
    for (const auto& c : complete_words(*cli->app, words, none).candidates) out.insert(c.substr(0, c.find('\t')));
    return out;
  };
  const auto all = names({""});
  for (const auto& e : command_table()) CHECK_MESSAGE(all.count(e.name), e.name);
  CHECK(names({"destroy", "--"}).count("--yes"));
  CHECK(names({"destroy", "--"}).count("--target"));  // global options too
  CHECK(names({"--output", ""}) == std::set<std::string>{"table", "wide", "json", "yaml"});
  CHECK(complete_words(*cli->app, {"apply", "-f", ""}, none).files);
  CHECK(names({"completion", ""}) == std::set<std::string>{"bash", "zsh", "fish"});
  // explain completes field paths from the field table
  CHECK(names({"explain", "spec.cpu.c"}) == std::set<std::string>{"spec.cpu.count", "spec.cpu.coresPerSocket", "spec.cpu.cap"});
  CHECK(names({"explain", "metadata."}).count("metadata.description"));
  CHECK(names({"snapshot", ""}) == std::set<std::string>{"create", "list", "revert", "remove"});
  CHECK(names({"snapshot", "list", "vm1", ""}).empty());  // a snapshot name: nothing to offer
  CompletionSources hosts;
  hosts.host_names = [](const std::vector<std::string>&) { return std::vector<std::string>{"esx-1", "esx-2"}; };
  hosts.vm_names = [](const std::vector<std::string>&) { return std::vector<std::string>{"web-01"}; };
  CHECK(complete_words(*cli->app, {"drain", ""}, hosts).candidates == std::vector<std::string>{"esx-1", "esx-2"});
  CHECK(complete_words(*cli->app, {"migrate", "web-01", "--to-host", ""}, hosts).candidates ==
        std::vector<std::string>{"esx-1", "esx-2"});
  CHECK(complete_words(*cli->app, {"migrate", ""}, hosts).candidates == std::vector<std::string>{"web-01"});
  CHECK(format_completion({{"a\tx"}, false}) == "a\tx\n:0\n");
  CHECK_THROWS_AS(completion_script("tcsh"), InputError);
}
