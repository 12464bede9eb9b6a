// hvctl autostart's order: which VMs, in which order, with which pauses.
#include <doctest/doctest.h>

#include "hvctl/autostart.hpp"
#include "hvctl/spec_io.hpp"

using namespace hvctl;

namespace {

VmState vm(const std::string& name, PowerState power, std::optional<bool> enabled, std::optional<int> order = {},
           std::optional<std::string> delay = {}) {
  VmState s;
  s.name = s.spec.name = name;
  s.power = power;
  s.spec.autostart = {enabled, order, delay};
  return s;
}

std::vector<std::string> names(const std::vector<AutostartStep>& steps) {
  std::vector<std::string> out;
  for (const auto& s : steps) out.push_back(s.vm + (s.act ? "" : "(no)") + "/" + std::to_string(s.delay_seconds));
  return out;
}

}  // namespace

TEST_CASE("autostart starts the marked VMs by order, then by name, pausing between them but after the last") {
  const std::vector<VmState> vms = {
      vm("web", PowerState::stopped, true),           vm("db", PowerState::stopped, true, 1, "30s"),
      vm("cache", PowerState::stopped, true, 2, "0s"), vm("scratch", PowerState::stopped, false, 0),
      vm("app", PowerState::stopped, true),           vm("mon", PowerState::running, true, 3),
      vm("old", PowerState::stopped, std::nullopt, 0)};
  CHECK(names(autostart_steps(vms, false)) ==
        std::vector<std::string>{"db/30", "cache/0", "mon(no)/0", "app/5", "web/0"});
  const auto steps = autostart_steps(vms, false);
  CHECK(steps[2].why == "running already");
  // Shutdown: the reverse, no pauses, the stopped ones left alone.
  CHECK(names(autostart_steps(vms, true)) ==
        std::vector<std::string>{"web(no)/0", "app(no)/0", "mon/0", "cache(no)/0", "db(no)/0"});
}

TEST_CASE("autostart leaves templates and moved VMs alone, saying why") {
  auto tpl = vm("tpl", PowerState::stopped, true);
  tpl.spec.is_template = true;
  auto moved = vm("moved", PowerState::stopped, true);
  moved.spec.labels["hvctl.moved-to"] = "xen/moved";
  const auto steps = autostart_steps({tpl, moved}, false);
  REQUIRE(steps.size() == 2);
  CHECK_FALSE(steps[0].act);
  CHECK(steps[0].why.find("moved") != std::string::npos);
  CHECK_FALSE(steps[1].act);
  CHECK(steps[1].why == "a template is never started");
}

TEST_CASE("spec.autostart: a boolean is short for {enabled: ...}; a bad delay is an error at its place") {
  std::vector<Problem> problems;
  auto specs = parse_specs("apiVersion: hvctl/v1\nkind: VirtualMachine\nmetadata: {name: a}\nspec: {autostart: true}\n"
                           "---\napiVersion: hvctl/v1\nkind: VirtualMachine\nmetadata: {name: b}\n"
                           "spec:\n  autostart: {enabled: true, order: 2, delay: 1m}\n",
                           "a.yaml", problems);
  REQUIRE(problems.empty());
  CHECK(specs[0].autostart.enabled == true);
  CHECK(specs[1].autostart == AutostartSpec{true, 2, "1m"});
  CHECK(spec_to_yaml(specs[1]).find("autostart:\n    enabled: true\n    order: 2\n    delay: \"1m\"") != std::string::npos);

  parse_specs("apiVersion: hvctl/v1\nkind: VirtualMachine\nmetadata: {name: c}\nspec:\n  autostart: {delay: soon}\n",
              "c.yaml", problems);
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].str().rfind("c.yaml:5:", 0) == 0);
  CHECK(problems[0].message.find("spec.autostart.delay") != std::string::npos);
  problems.clear();
  parse_specs("apiVersion: hvctl/v1\nkind: VirtualMachine\nmetadata: {name: d}\nspec: {autostart: maybe}\n", "d.yaml",
              problems);
  CHECK(problems.size() == 1);
}
