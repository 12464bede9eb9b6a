// Against vcsim: a session the server forgets (idle timeout, restart, an
// admin ending it) is renewed with one new login, whichever way the server
// says so: a fault on a method, NotAuthenticated per property (vcsim), or a
// ContainerView that died with the session (ManagedObjectNotFound).
#include <doctest/doctest.h>

#include "inventory.hpp"
#include "properties.hpp"
#include "vcsim_env.hpp"
#include "vim_session.hpp"

using namespace hvctl;
using namespace hvctl::vsphere;
using namespace hvctl::vsphere::test;

namespace {

ClientOptions insecure_options(const std::string& url) {
  ClientOptions o;
  o.url = url;
  o.tls.insecure = true;
  return o;
}

// Ends the session on the server, keeping the client's cookie: what an idle timeout does.
void forget(VimSession& s) {
  auto req = xml::Builder::soap("Logout");
  const Moref sm = s.content().session_manager;
  req.top().add_moref("_this", sm.type, sm.value);
  s.client().call(req, "Logout");
}

}  // namespace

TEST_SUITE("vsphere-vcsim" * doctest::skip(no_vcsim())) {

TEST_CASE("vcsim: a session the server forgot is renewed once, for views, objects and methods") {
  const std::string url = env("HVCTL_VCSIM_URL");
  VimSession s(vcsim_target(url), insecure_options(url));
  Inventory inv(s);
  const auto vms = inv.vms();
  REQUIRE(vms.size() >= 4);
  CHECK(s.generation() == 1);

  forget(s);  // the VM view died with the session
  CHECK(inv.vms().size() == vms.size());
  CHECK(s.generation() == 2);

  forget(s);  // a query on plain objects: vcsim answers NotAuthenticated per property
  CHECK(inv.power_state(vms[0].ref) == vms[0].power);
  CHECK(s.generation() == 3);

  forget(s);  // a method: a NotAuthenticated fault
  CHECK_FALSE(create_container_view(s, s.content().root_folder, {"VirtualMachine"}).empty());
  CHECK(s.generation() == 4);

  CHECK(inv.vms().size() == vms.size());  // and nothing logs in without need
  CHECK(s.generation() == 4);
}

}  // TEST_SUITE
