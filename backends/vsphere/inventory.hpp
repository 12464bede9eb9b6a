// Reading the inventory: the VMs of a ContainerView, read in slices of a few
// hundred by parallel RetrievePropertiesEx calls, and the
// infrastructure (datacenters, folders, compute resources, pools,
// datastores, port groups) once per backend for placement.
#pragma once

#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "hvctl/spec.hpp"
#include "translate.hpp"
#include "vim_session.hpp"
#include "vm_model.hpp"

namespace hvctl::vsphere {

struct InfraObject {
  Moref ref;
  std::string name;
  Moref parent;
  Moref vm_folder;       // Datacenter
  Moref resource_pool;   // ComputeResource, ClusterComputeResource
  std::string key;       // DistributedVirtualPortgroup
  Moref dvs;             // DistributedVirtualPortgroup
  std::string uuid;      // distributed switches
};

struct Infra {
  std::vector<InfraObject> objects;
  const InfraObject* find(const Moref& ref) const;
  // The Datacenter above `o` (nullptr when none).
  const InfraObject* datacenter_of(const InfraObject& o) const;
  // Objects of `type` in datacenter `dc`, sorted by name.
  std::vector<const InfraObject*> in(const Moref& dc, const std::string& type) const;
};

struct Placement {
  Moref datacenter, folder, pool;
  std::optional<Moref> host;
  std::string datastore;
};

// Where a new VM goes, from the spec's vsphere block and defaults: the first
// datacenter (by name), its vmFolder, the pool of the named pool / cluster /
// host or of the first compute resource, the first datastore. Throws
// std::invalid_argument naming what was not found and what exists.
Placement resolve_placement(const Infra& infra, const std::optional<VsphereBlock>& block);

// Port groups of a datacenter by name (distributed ones with their switch).
NetworkMap network_map(const Infra& infra, const Moref& datacenter);

class Inventory {
public:
  explicit Inventory(VimSession& session) : session_(session) {}

  // Every VM (templates left out): one round trip to list them, then their
  // configurations in parallel slices.
  std::vector<VmConfig> vms();
  // One VM's configuration; throws SoapFault ManagedObjectNotFound when gone.
  VmConfig vm(const Moref& ref);
  // The VM's power state alone.
  std::string power_state(const Moref& ref);
  // Datacenters, pools, datastores... read on first use and kept.
  const Infra& infra();

private:
  Moref vm_view();
  std::vector<VmConfig> vms_in(const Moref& view);
  // Runs a read over a ContainerView; when the view died with its session
  // (ManagedObjectNotFound, or NotAuthenticated after one re-login), logs in
  // again and runs it once more over a new view.
  template <typename F>
  auto over_view(F&& read);

  VimSession& session_;
  std::mutex mutex_;
  std::optional<Infra> infra_;
  Moref view_;
  int view_generation_ = -1;
};

}  // namespace hvctl::vsphere
