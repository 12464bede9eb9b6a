// hvctl migrate on vSphere: RelocateVM_Task to another host of the same
// vCenter, live (vMotion) for a running VM. What the VM needs of the host
// (its port groups and datastores, a connected host out of maintenance) is
// checked from one bulk read before the task is sent.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "hvctl/backend.hpp"
#include "properties.hpp"
#include "target_inventory.hpp"
#include "vm_model.hpp"
#include "xml_tree.hpp"

namespace hvctl::vsphere {

// A host as a migration sees it.
struct HostPlace {
  Moref ref;
  std::string name;
  Moref compute;  // its ComputeResource or ClusterComputeResource
  Moref pool;     // that one's root resource pool
  std::string connection;  // runtime.connectionState
  bool maintenance = false;
  std::set<std::string> networks, datastores;  // names
};

// Every host with the names of its networks and datastores, read as
// read_hosts reads hosts: one RetrievePropertiesEx over a view of hosts,
// networks, datastores and compute resources.
class HostPlaces {
public:
  static PropSets prop_sets();
  void add(const ObjectContent& o);
  std::vector<HostPlace> result() const;

private:
  struct Listed {
    HostPlace place;
    std::vector<Moref> networks, datastores;
  };
  std::vector<Listed> hosts_;
  std::map<Moref, std::string> names_;  // networks and datastores
  std::map<Moref, Moref> pools_;        // compute resource -> its root pool
};
std::vector<HostPlace> read_host_places(VimSession& session);  // (target_inventory.cpp)

// The datastores a VM's files are on: its configuration file's and each disk's.
std::set<std::string> datastores_of(const VmConfig& vm);

// The host `vm` may move to, or why it may not: a message naming what is
// missing and what there is. Pure.
struct MigrateCheck {
  const HostPlace* to = nullptr;  // null: refused, see `why`
  std::string why;
};
MigrateCheck check_migration(const VmConfig& vm, const std::vector<HostPlace>& hosts, const std::string& to,
                             bool live);

// RelocateVM_Task of `vm` to `to` (write_relocate_request), waited for.
void relocate(VimSession& session, const Moref& vm, const HostPlace& to, const Moref& from_compute);

// The RelocateVM_Task arguments under `top`: the host, and the pool of its
// compute resource when that is not the one the VM is in now.
void write_relocate_request(xml::Element top, const HostPlace& to, const Moref& from_compute);

}  // namespace hvctl::vsphere
