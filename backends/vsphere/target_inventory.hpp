// What a vSphere target offers VMs (hvctl hosts, networks, storage): every
// HostSystem, port group and Datastore. Each list costs two calls whatever
// the size of the inventory: CreateContainerView from the root folder and one
// RetrievePropertiesEx (plus one per page on a real vCenter).
//
// Objects reach a list's collector in any order and over several pages, and
// their values live only as long as their page, so a collector copies what it
// needs and resolves references (a host's cluster, a port group's switch) in
// result(). Collectors do no I/O: tests feed them captured vcsim answers.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "hvctl/inventory.hpp"
#include "properties.hpp"
#include "vim_session.hpp"

namespace hvctl::vsphere {

using PropSets = std::vector<std::pair<std::string, std::vector<std::string>>>;

// HostSystems, and the clusters they may belong to.
class HostList {
public:
  static PropSets prop_sets();
  void add(const ObjectContent& o);
  std::vector<HostInfo> result() const;  // sorted by name

private:
  struct Host {
    HostInfo info;
    Moref parent;
  };
  std::vector<Host> hosts_;
  std::map<Moref, std::string> clusters_;
};

// Standard port groups (Network), distributed ones, their switches, and the
// hosts whose port group specs hold a standard one's VLAN and vSwitch.
class NetworkList {
public:
  static PropSets prop_sets();
  void add(const ObjectContent& o);
  std::vector<NetworkInfo> result() const;  // sorted by name

private:
  struct Portgroup {  // a host's, from config.network.portgroup
    std::string name, vswitch;
    std::optional<int> vlan;
  };
  struct Host {
    std::vector<Moref> networks;
    std::vector<Portgroup> portgroups;
  };
  struct Network {
    Moref ref;
    NetworkInfo info;
    Moref dvs;  // distributed port groups
  };
  std::vector<Network> networks_;
  std::vector<Host> hosts_;
  std::map<Moref, std::string> switches_;
};

// Datastores.
class StorageList {
public:
  static PropSets prop_sets();
  void add(const ObjectContent& o);
  std::vector<StorageInfo> result() const;  // sorted by name

private:
  std::vector<StorageInfo> stores_;
};

// The lists, read from the target. Throw SoapFault or TransportError; the
// backend adds what it was doing.
std::vector<HostInfo> read_hosts(VimSession& session);
std::vector<NetworkInfo> read_networks(VimSession& session);
std::vector<StorageInfo> read_storage(VimSession& session);

}  // namespace hvctl::vsphere
