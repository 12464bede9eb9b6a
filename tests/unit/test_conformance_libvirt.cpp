// The backend conformance suite on libvirt's in-process test driver.
#include <doctest/doctest.h>

#include "../conformance/backend_conformance.hpp"

using namespace hvctl;

TEST_CASE("conformance: libvirt test:///default") {
  Config config;
  config.targets["t"] = Target{"t", "libvirt", "test:///default"};
  config.default_target = "t";
  Session session(config, std::nullopt);
  VmSpec base;
  base.name = "conformance-01";
  base.labels = {{"suite", "conformance"}};
  base.cpu.count = 1;
  base.memory.size_mib = 64;
  base.libvirt = LibvirtBlock{"test", std::nullopt, std::nullopt};
  conformance::run_backend_conformance(session, base);
}
