// apply --wait, wait --for ready, destroy -l and delete -f through the CLI,
// against libvirt's test driver (its state lives as long as one process, so
// each scenario is one hvctl run plus what it creates).
#include <doctest/doctest.h>

#include <sstream>

#include "cli_run.hpp"
#include "hvctl/wait.hpp"

using namespace hvctl;

namespace {

using test::Run;
using test::run;

std::string vm_spec(const std::string& name, const std::string& extra) {
  return "---\napiVersion: hvctl/v1\nkind: VirtualMachine\nmetadata: {name: " + name +
         ", labels: {run: \"7\"}}\nspec:\n  target: test:///default\n  memory: {size: 128MiB}\n"
         "  nics: [{id: eth0, network: default}]\n" + extra;
}

}  // namespace

TEST_CASE("settled_state: what apply --wait waits for, from the spec") {
  VmSpec s;
  CHECK(settled_state(s) == WaitState::ready);
  s.power = PowerState::stopped;
  CHECK(settled_state(s) == WaitState::stopped);
  s.ensure = Ensure::absent;
  CHECK(settled_state(s) == WaitState::deleted);
  CHECK(parse_wait_state("ready") == WaitState::ready);
  CHECK_FALSE(parse_wait_state("up"));
}

TEST_CASE("apply --wait returns once every VM is ready, and says by what") {
  auto r = run({"apply", "-f", "-", "--wait", "--timeout", "20s", "-o", "json", "--config", "/dev/null"},
               vm_spec("w1", "  ready: {ip: true, agent: true}\n") + vm_spec("w2", "  power: stopped\n"));
  CHECK(r.code == 0);
  const auto j = Json::parse(r.out);
  CHECK(j["items"][0]["ready"] == true);
  CHECK(j["items"][0]["readyDetail"].get<std::string>().find("guest agent answers, IP 192.168.122.") != std::string::npos);
  CHECK(j["items"][1]["ready"] == true);
  CHECK(j["items"][1]["readyDetail"] == "stopped");
}

TEST_CASE("apply --wait times out with exit 6, naming the VM and what it lacks") {
  // A VM with no NIC never reports an IP address.
  const std::string spec = "apiVersion: hvctl/v1\nkind: VirtualMachine\nmetadata: {name: noip}\n"
                           "spec: {target: \"test:///default\", memory: {size: 128MiB}, ready: {ip: true}}\n";
  auto r = run({"apply", "-f", "-", "--wait", "--timeout", "2", "--config", "/dev/null"}, spec);
  CHECK(r.code == 6);
  CHECK(r.err.find("applied, but not settled after 2s: noip (running; no IP address reported yet") != std::string::npos);
  CHECK(r.out.find("NOT YET: running; no IP address reported yet") != std::string::npos);
}

TEST_CASE("durations take units; nonsense is a usage error") {
  CHECK(run({"wait", "test", "--for", "ready", "--timeout", "1m", "--target", "test:///default"}).code == 0);
  CHECK(run({"wait", "test", "--timeout", "soon", "--target", "test:///default"}).code == 3);
  CHECK(run({"wait", "test", "--for", "up", "--target", "test:///default"}).code == 3);
  CHECK(run({"wait", "--target", "test:///default"}).code == 3);  // no names, no -f
}

TEST_CASE("destroy -l: selects by label; none matching is fine; names and -l exclude each other") {
  auto none = run({"destroy", "-l", "run=1234", "--yes", "--target", "test:///default"});
  CHECK(none.code == 0);
  CHECK(none.err.find("no VMs on target 'test:///default' match the selector") != std::string::npos);
  CHECK(run({"destroy", "test", "-l", "a=b", "--yes", "--target", "test:///default"}).code == 3);
  CHECK(run({"destroy", "-l", "novalue", "--yes", "--target", "test:///default"}).code == 3);
  CHECK(run({"destroy", "--yes", "--target", "test:///default"}).code == 3);
}

TEST_CASE("delete -f of VMs that do not exist succeeds and changes nothing") {
  auto r = run({"delete", "-f", "-", "--config", "/dev/null"}, vm_spec("gone1", "") + vm_spec("gone2", ""));
  CHECK(r.code == 0);
  CHECK(r.out.find("Nothing to delete: the 2 VMs declared are already gone.") != std::string::npos);
  auto dry = run({"delete", "-f", "-", "--dry-run", "--config", "/dev/null"}, vm_spec("gone1", ""));
  CHECK(dry.code == 0);
}

TEST_CASE("ready conditions a target cannot check are refused before anything changes") {
  auto r = run({"apply", "-f", "-", "--config", "/dev/null"}, vm_spec("xs", "  ready: {xenstore: data/ready}\n"));
  CHECK(r.code == 3);
  CHECK(r.err.find("ready.xenstore cannot be expressed on a libvirt target") != std::string::npos);
}

TEST_CASE("console: the test driver has none, and says so") {
  auto r = run({"console", "test", "--timeout", "1", "--target", "test:///default"});
  CHECK(r.code == 4);
  CHECK(r.err.find("cannot attach to the console of VM 'test'") != std::string::npos);
  CHECK(run({"console", "nosuchvm", "--target", "test:///default"}).code == 8);  // not found
}
