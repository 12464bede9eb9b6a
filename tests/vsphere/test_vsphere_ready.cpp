// vSphere readiness judged from what VMware Tools report (pure, no network).
#include <doctest/doctest.h>

#include "vm_guest.hpp"

using namespace hvctl;
using namespace hvctl::vsphere;

TEST_SUITE("vsphere") {
TEST_CASE("readiness from Tools signals") {
  const ReadySpec none;
  ReadySpec ip;
  ip.ip = true;
  ReadySpec agent;
  agent.agent = true;

  SUBCASE("powered off or suspended is never ready") {
    CHECK_FALSE(judge_readiness({"poweredOff", "toolsOk", "green", "10.0.0.1"}, none).ready);
    CHECK(judge_readiness({"suspended", "", "", ""}, none).detail == "suspended");
  }
  SUBCASE("no Tools and no conditions: powered on is the best signal there is") {
    const auto r = judge_readiness({"poweredOn", "toolsNotInstalled", "gray", ""}, none);
    CHECK(r.ready);
    CHECK(r.detail.find("no VMware Tools") != std::string::npos);
  }
  SUBCASE("Tools installed and no conditions: heartbeat and IP") {
    CHECK_FALSE(judge_readiness({"poweredOn", "toolsOk", "gray", ""}, none).ready);
    CHECK_FALSE(judge_readiness({"poweredOn", "toolsOk", "green", ""}, none).ready);
    const auto r = judge_readiness({"poweredOn", "toolsOk", "green", "10.0.0.1"}, none);
    CHECK(r.ready);
    CHECK(r.detail == "powered on, Tools heartbeat green, IP 10.0.0.1");
  }
  SUBCASE("ready.ip waits for an address even without Tools (vcsim's case)") {
    const auto r = judge_readiness({"poweredOn", "toolsNotInstalled", "gray", ""}, ip);
    CHECK_FALSE(r.ready);
    CHECK(r.detail == "powered on; no IP address from VMware Tools yet");
    CHECK(judge_readiness({"poweredOn", "toolsNotInstalled", "gray", "10.0.0.7"}, ip).ready);
  }
  SUBCASE("ready.agent wants a green heartbeat only") {
    CHECK(judge_readiness({"poweredOn", "toolsOk", "green", ""}, agent).ready);
    CHECK(judge_readiness({"poweredOn", "toolsOk", "yellow", ""}, agent).detail ==
          "powered on; VMware Tools heartbeat is yellow (toolsOk)");
  }
}
}
