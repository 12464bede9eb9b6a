// Against vcsim: connecting, logging in, TLS trust, and how failures read.
// Skipped unless HVCTL_VCSIM_URL is set (see vcsim_env.hpp).
#include <doctest/doctest.h>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "hvctl/error.hpp"
#include "vcsim_env.hpp"
#include "vsphere_backend.hpp"

using namespace hvctl;
using namespace hvctl::vsphere::test;

namespace {

// A loopback port nothing listens on (bound, then closed).
int closed_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  close(fd);
  return ntohs(a.sin_port);
}

std::string list_error(const Target& t) {
  try {
    make_vsphere_backend(t)->list();
  } catch (const BackendError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_SUITE("vsphere-vcsim" * doctest::skip(no_vcsim())) {

TEST_CASE("vcsim: login, probe, and a number of calls per list that grows by one per 200 VMs") {
  auto b = make_vsphere_backend(vcsim_target(env("HVCTL_VCSIM_URL")));
  const TargetInfo info = b->probe();
  CHECK(info.backend == "vsphere");
  CHECK(info.product.find("VMware vCenter Server") != std::string::npos);
  CHECK(vsphere_soap_calls(*b) == 2);  // RetrieveServiceContent, Login
  const auto vms = b->list();
  CHECK(vms.size() >= 4);
  const auto slices = static_cast<int>((vms.size() + 199) / 200);
  // + CreateContainerView, one RetrievePropertiesEx listing the VMs, one per slice of 200
  CHECK(vsphere_soap_calls(*b) == 2 + 2 + slices);
  b->list();
  CHECK(vsphere_soap_calls(*b) == 2 + 2 + slices + 1 + slices);  // the view is reused
}

TEST_CASE("vcsim: a wrong password names the target, the user and the fault") {
  CHECK(list_error(vcsim_target(env("HVCTL_VCSIM_URL"), "wrong")) ==
        "target 'vc': login as 'user' failed: Login failure (InvalidLogin)");
}

TEST_CASE("vcsim: an unreachable host names the target and the address") {
  const std::string uri = "https://127.0.0.1:" + std::to_string(closed_port()) + "/sdk";
  const std::string e = list_error(vcsim_target(uri));
  CHECK(e.rfind("target 'vc': cannot reach " + uri + ": ", 0) == 0);
  CHECK(e.find("onnect") != std::string::npos);
}

TEST_CASE("vcsim: TLS is verified by default; ca_file or thumbprint trust a server") {
  const std::string uri = env("HVCTL_VCSIM_TLS_URL");
  REQUIRE_FALSE(uri.empty());
  const std::string untrusted = list_error(vcsim_target(uri, "pass", {}));
  CHECK(untrusted.rfind("target 'vc': cannot reach", 0) == 0);
  CHECK(untrusted.find("certificate") != std::string::npos);
  CHECK(untrusted.find("ca_file or thumbprint") != std::string::npos);
  // vcsim's own default certificate is not trusted either.
  CHECK(list_error(vcsim_target(env("HVCTL_VCSIM_URL"), "pass", {})).find("certificate") != std::string::npos);

  CHECK(list_error(vcsim_target(uri, "pass", {{"ca_file", env("HVCTL_VCSIM_CA")}})) == "(no error)");
  CHECK(list_error(vcsim_target(uri, "pass", {{"thumbprint", env("HVCTL_VCSIM_THUMBPRINT")}})) == "(no error)");
  const std::string wrong = list_error(vcsim_target(uri, "pass", {{"thumbprint", std::string(64, 'A')}}));
  CHECK(wrong.find("does not match the pinned thumbprint") != std::string::npos);
}

TEST_CASE("vcsim: a task fault names the VM and the fault type") {
  // vcsim checks guestId on ReconfigVM_Task (not on CreateVM_Task).
  auto b = make_vsphere_backend(vcsim_target(env("HVCTL_VCSIM_URL")));
  b->destroy("vc-bad-guest");
  VmSpec spec;
  spec.name = "vc-bad-guest";
  b->create(spec);
  spec.vsphere = VsphereBlock{};
  spec.vsphere->guest_id = "noSuchGuestOs";
  CHECK_THROWS_WITH_AS(b->reconfigure(spec, b->lookup("vc-bad-guest").value()),
                       "target 'vc': reconfigure VM 'vc-bad-guest': invalidProperty=configSpec.guestId "
                       "(InvalidArgument)",
                       BackendError);
  b->destroy("vc-bad-guest");
}

}  // TEST_SUITE
