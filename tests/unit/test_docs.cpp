// Help, man pages and completion come from the command table and the schema.
#include <doctest/doctest.h>

#include <set>

#include "cli.hpp"
#include "completion.hpp"
#include "hvctl/spec_doc.hpp"
#include "man_page.hpp"
#include "spec_schema.hpp"

using namespace hvctl;

TEST_CASE("hvctl(1) has every command, its aliases and options, and every exit code") {
  auto cli = build_cli();
  const auto page = man_hvctl(*cli->app);
  for (const auto& e : command_table()) {
    CHECK_MESSAGE(page.find(std::string(".SS \"") + e.name) != std::string::npos, e.name);
    for (const auto& a : e.aliases) CHECK(page.find(", " + a + "\"") != std::string::npos);
  }
  CHECK(page.find("\\fB\\-\\-detailed\\-exitcode\\fR") != std::string::npos);
  CHECK(page.find("HVCTL_TARGET") != std::string::npos);
  for (const char* code : {".B 0", ".B 2", ".B 3", ".B 4", ".B 5", ".B 6"}) CHECK(page.find(code) != std::string::npos);
}

TEST_CASE("hvctl-spec(5) documents every key the schema accepts") {
  std::set<std::string> documented;
  for (const auto& f : spec_field_docs()) documented.insert(f.path);
  const std::pair<std::string, const std::vector<std::string>*> sections[] = {
      {"metadata.", &kMetadataKeys}, {"spec.cpu.", &kCpuKeys},       {"spec.memory.", &kMemoryKeys},
      {"spec.boot.", &kBootKeys},    {"spec.disks[].", &kDiskKeys},  {"spec.nics[].", &kNicKeys},
      {"spec.xen.", &kXenKeys},      {"spec.vsphere.", &kVsphereKeys}, {"spec.libvirt.", &kLibvirtKeys}};
  for (const auto& section : sections)  // no structured binding: clang 14 cannot capture one in CHECK_MESSAGE
    for (const auto& k : *section.second) {
      const std::string path = section.first + k;
      CHECK_MESSAGE(documented.count(path), path);
    }
  for (const auto& k : kSpecKeys) {
    const bool leaf = documented.count("spec." + k) > 0;
    bool parent = false;
    for (const auto& d : documented) parent = parent || d.rfind("spec." + k + ".", 0) == 0 || d.rfind("spec." + k + "[]", 0) == 0;
    CHECK_MESSAGE((leaf || parent), ("spec." + k));
  }
  CHECK(man_spec().find("\\fBspec.cpu.count\\fR") != std::string::npos);
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
  CHECK(names({"--output", ""}) == std::set<std::string>{"table", "json", "yaml"});
  CHECK(complete_words(*cli->app, {"apply", "-f", ""}, none).files);
  CHECK(names({"completion", ""}) == std::set<std::string>{"bash", "zsh", "fish"});
  CHECK(names({"snapshot", ""}) == std::set<std::string>{"create", "list", "revert", "remove"});
  CHECK(names({"snapshot", "list", "vm1", ""}).empty());  // a snapshot name: nothing to offer
  CHECK(format_completion({{"a\tx"}, false}) == "a\tx\n:0\n");
  CHECK_THROWS_AS(completion_script("tcsh"), InputError);
}
