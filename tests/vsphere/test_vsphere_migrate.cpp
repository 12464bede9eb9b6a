// hvctl migrate on vSphere: what is checked before a RelocateVM_Task is
// sent (pure), the request itself, and moves between vcsim's hosts.
#include <doctest/doctest.h>

#include "hvctl/error.hpp"
#include "hvctl/spec_io.hpp"
#include "vcsim_env.hpp"
#include "vm_migrate.hpp"
#include "vsphere_backend.hpp"

using namespace hvctl;
using namespace hvctl::vsphere;
using namespace hvctl::vsphere::test;

namespace {

HostPlace place(const std::string& name, const std::string& ref, const std::string& compute) {
  HostPlace h;
  h.ref = {"HostSystem", ref};
  h.name = name;
  h.compute = {"ClusterComputeResource", compute};
  h.pool = {"ResourcePool", compute + "-pool"};
  h.connection = "connected";
  h.networks = {"VM Network"};
  h.datastores = {"LocalDS_0"};
  return h;
}

VmConfig vm_on(const std::string& host_ref, const std::string& power) {
  VmConfig vm;
  vm.name = "web";
  vm.power = power;
  vm.host = {"HostSystem", host_ref};
  vm.vm_path = "[LocalDS_0] web/web.vmx";
  Disk d;
  d.file = "[LocalDS_0] web/web.vmdk";
  vm.disks.push_back(d);
  Nic n;
  n.network = "VM Network";
  vm.nics.push_back(n);
  return vm;
}

const std::vector<HostPlace> kHosts = {place("esx-1", "host-1", "c1"), place("esx-2", "host-2", "c1"),
                                       place("esx-3", "host-3", "c2")};

}  // namespace

TEST_CASE("a migration is checked against the host before anything is sent") {
  const auto stopped = vm_on("host-1", "poweredOff");
  CHECK(check_migration(stopped, kHosts, "esx-2", false).to == &kHosts[1]);
  CHECK(check_migration(stopped, kHosts, "esx-1", false).to == &kHosts[0]);  // already there

  auto unknown = check_migration(stopped, kHosts, "esx-9", false);
  CHECK(unknown.to == nullptr);
  CHECK(unknown.why == "no host named 'esx-9' (there are: esx-1, esx-2, esx-3)");

  const auto running = vm_on("host-1", "poweredOn");
  CHECK(check_migration(running, kHosts, "esx-2", false).why.find("pass --live") != std::string::npos);
  CHECK(check_migration(running, kHosts, "esx-2", true).to == &kHosts[1]);

  auto hosts = kHosts;
  hosts[1].networks = {"Storage Net"};
  auto no_net = check_migration(running, hosts, "esx-2", true);
  CHECK(no_net.to == nullptr);
  CHECK(no_net.why == "host 'esx-2' has no network 'VM Network', which the VM's NICs use (it has: Storage Net)");

  hosts = kHosts;
  hosts[2].datastores = {"SharedDS"};
  auto no_ds = check_migration(running, hosts, "esx-3", true);
  CHECK(no_ds.to == nullptr);
  CHECK(no_ds.why.find("host 'esx-3' does not see datastore 'LocalDS_0'") == 0);

  hosts = kHosts;
  hosts[1].maintenance = true;
  CHECK(check_migration(running, hosts, "esx-2", true).why == "host 'esx-2' is in maintenance mode");
  hosts[1].maintenance = false;
  hosts[1].connection = "notResponding";
  CHECK(check_migration(running, hosts, "esx-2", true).why == "host 'esx-2' is notResponding, not connected");
}

TEST_CASE("the datastores of a VM are those of its configuration file and disks") {
  auto vm = vm_on("host-1", "poweredOff");
  Disk other;
  other.file = "[SAN 1] web/data.vmdk";
  vm.disks.push_back(other);
  CHECK(datastores_of(vm) == std::set<std::string>{"LocalDS_0", "SAN 1"});
}

TEST_CASE("RelocateVM_Task names the host, and the pool only when the compute resource changes") {
  auto within = xml::Builder::soap("RelocateVM_Task");
  write_relocate_request(within.top(), kHosts[1], kHosts[0].compute);
  const auto same = within.str();
  CHECK(same.find("<spec><host type=\"HostSystem\">host-2</host></spec><priority>defaultPriority</priority>") !=
        std::string::npos);

  auto across = xml::Builder::soap("RelocateVM_Task");
  write_relocate_request(across.top(), kHosts[2], kHosts[0].compute);
  CHECK(across.str().find("<spec><pool type=\"ResourcePool\">c2-pool</pool><host type=\"HostSystem\">host-3</host>"
                          "</spec>") != std::string::npos);
}

TEST_SUITE("vsphere-vcsim" * doctest::skip(no_vcsim())) {
  TEST_CASE("vcsim: migrate moves a VM between hosts, live only when asked, and refuses what it cannot do") {
    auto backend = make_vsphere_backend(vcsim_target(env("HVCTL_VCSIM_URL")));
    std::vector<Problem> problems;
    const auto specs = parse_specs(R"(apiVersion: hvctl/v1
kind: VirtualMachine
metadata: {name: vc-migrate}
spec:
  cpu: {count: 1}
  memory: {size: 64MiB}
  disks: [{id: root, size: 64MiB}]
  nics: [{id: eth0, network: VM Network}]
  vsphere: {cluster: DC0_C0, host: DC0_C0_H0, datastore: LocalDS_0}
)",
                                   "migrate.yaml", problems);
    REQUIRE(problems.empty());
    backend->destroy("vc-migrate");
    backend->create(specs.front());
    backend->power("vc-migrate", {PowerOp::start});
    const auto host = [&] { return backend->lookup("vc-migrate").value().runtime.host; };
    REQUIRE(host() == "DC0_C0_H0");

    CHECK_THROWS_WITH_AS(backend->migrate("vc-migrate", {"DC0_C0_H1", false}),
                         doctest::Contains("it is running: pass --live"), InputError);
    CHECK(host() == "DC0_C0_H0");

    CHECK(backend->migrate("vc-migrate", {"DC0_C0_H1", true}) == "DC0_C0_H0");
    CHECK(host() == "DC0_C0_H1");
    CHECK(backend->lookup("vc-migrate").value().power == PowerState::running);
    CHECK(backend->migrate("vc-migrate", {"DC0_C0_H1", true}) == "DC0_C0_H1");  // there already: nothing sent

    CHECK_THROWS_WITH_AS(backend->migrate("vc-migrate", {"esx-nowhere", true}),
                         doctest::Contains("no host named 'esx-nowhere' (there are: DC0_C0_H0, DC0_C0_H1"), InputError);
    CHECK(host() == "DC0_C0_H1");

    // Out of the cluster onto the standalone host: the pool goes with it.
    CHECK(backend->migrate("vc-migrate", {"DC0_H0", true}) == "DC0_C0_H1");
    CHECK(host() == "DC0_H0");
    CHECK_THROWS_AS(backend->migrate("vc-absent", {"DC0_H0", true}), NotFoundError);
    backend->destroy("vc-migrate");
  }
}
