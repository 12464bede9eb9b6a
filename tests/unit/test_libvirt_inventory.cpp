// hosts / networks / storage on libvirt: the XML readers on their own, then
// the real test driver (test:///default: one node, the "default" NAT network
// on virbr0, the "default-pool" dir pool of 100 GiB).
#include <doctest/doctest.h>

#include <algorithm>

#include "libvirt_backend.hpp"
#include "libvirt_guest.hpp"
#include "libvirt_inventory.hpp"
#include "libvirt_test_util.hpp"

using namespace hvctl;
using namespace hvctl::libvirt;

using hvctl::test::test_target;

TEST_CASE("libvirt inventory: a network's forward mode, bridge and VLAN from its XML") {
  const auto nat = network_from_xml("<network><name>default</name><forward mode='nat'/><bridge name='virbr0'/></network>");
  CHECK(nat.name == "default");
  CHECK(nat.type == "network");
  CHECK(nat.detail == "nat, bridge virbr0");
  CHECK_FALSE(nat.vlan);
  const auto tagged = network_from_xml(
      "<network><name>ovs</name><forward mode='bridge'/><bridge name='ovsbr0'/><vlan><tag id='42'/></vlan></network>");
  CHECK(tagged.vlan == 42);
  CHECK(tagged.detail == "bridge, bridge ovsbr0");
  CHECK(network_from_xml("<network><name>iso</name></network>").detail == "isolated");  // no <forward>: no way out
}

TEST_CASE("libvirt inventory: a pool's type and path from its XML; versions as people write them") {
  const auto pool = pool_from_xml("<pool type='logical'><name>vg0</name><target><path>/dev/vg0</path></target></pool>");
  CHECK(pool.name == "vg0");
  CHECK(pool.type == "logical");
  CHECK(pool.location == "/dev/vg0");
  CHECK(version_text(7002000) == "7.2.0");
  CHECK(version_text(9000001) == "9.0.1");
}

TEST_CASE("libvirt inventory: the test driver's node, network and pool, read for real") {
  auto b = make_libvirt_backend(test_target());
  const auto hosts = b->hosts();
  REQUIRE(hosts.size() == 1);
  CHECK(hosts[0].product.rfind("TEST ", 0) == 0);
  CHECK(hosts[0].cpus == 16);  // the test driver's fixed node
  CHECK(hosts[0].memory_mib > 0);
  REQUIRE(hosts[0].vms);
  CHECK(*hosts[0].vms == static_cast<int>(b->list().size()));

  const auto networks = b->networks();
  auto net = std::find_if(networks.begin(), networks.end(), [](const NetworkInfo& n) { return n.name == "default"; });
  REQUIRE(net != networks.end());
  CHECK(net->active == true);
  CHECK(net->detail.find("virbr0") != std::string::npos);

  const auto pools = b->storage();
  auto pool = std::find_if(pools.begin(), pools.end(), [](const StorageInfo& s) { return s.name == "default-pool"; });
  REQUIRE(pool != pools.end());
  CHECK(pool->type == "dir");
  CHECK(pool->accessible == true);
  REQUIRE(pool->capacity_mib);
  CHECK(*pool->capacity_mib == 100 * 1024);
  REQUIRE(pool->free_mib);
  CHECK(*pool->free_mib <= *pool->capacity_mib);
}

TEST_CASE("libvirt get: a running VM's node, guest addresses and agent channel, beyond its spec") {
  auto b = make_libvirt_backend(test_target());
  const auto vm = b->lookup("test");
  REQUIRE(vm);
  CHECK(vm->runtime.host == b->hosts().at(0).name);
  CHECK(vm->runtime.ips == std::vector<std::string>{"192.168.122.3"});  // the test driver's lease
  for (const auto& listed : b->list())
    if (listed.name == "test") CHECK(listed.runtime.ips.empty());  // too dear per VM in a list: get only

  CHECK(agent_channel_state("<domain><devices><channel type='unix'><target type='virtio' name='org.qemu.guest_agent.0' "
                            "state='connected'/></channel></devices></domain>") == "connected");
  CHECK(agent_channel_state("<domain><devices><channel type='pty'><target type='virtio' name='other'/></channel>"
                            "</devices></domain>") == "");
}
