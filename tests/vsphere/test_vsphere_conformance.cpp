// The shared backend conformance suite, against vcsim.
#include <doctest/doctest.h>

#include "../conformance/backend_conformance.hpp"
#include "vcsim_env.hpp"

using namespace hvctl;

TEST_SUITE("vsphere-vcsim") {
  TEST_CASE("conformance: vSphere on vcsim" * doctest::skip(vsphere::test::no_vcsim())) {
    Session session(vsphere::test::vcsim_config(), std::nullopt);
    VmSpec base;
    base.name = "conformance-vc-01";
    base.labels = {{"suite", "conformance"}};
    base.cpu.count = 1;
    base.memory.size_mib = 64;
    base.nics = {NicSpec{"eth0", "VM Network", std::nullopt, std::nullopt}};
    base.vsphere = VsphereBlock{"DC0", "DC0_C0", std::nullopt, std::nullopt, std::nullopt, "LocalDS_0",
                                "otherLinux64Guest", {}};
    conformance::run_backend_conformance(session, base);
  }
}
