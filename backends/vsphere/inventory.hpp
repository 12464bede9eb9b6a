// Reading the inventory: the VMs of a ContainerView, read in slices of a few
// hundred by parallel RetrievePropertiesEx calls, and the
// infrastructure (datacenters, folders, compute resources, pools,
// datastores, port groups) once per backend for placement.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "hvctl/spec.hpp"
#include "properties.hpp"
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
  // The inventory path of datacenter `dc` below the root folder ("DC0",
  // "east/DC0"): the datastore file access's dcPath.
  std::string path_of(const Moref& dc) const;
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

// Every VM's name and every distributed port group's name and key, over the
// VM view: which VMs there are, for the price of their names.
PropertyQuery vm_names_query(const Moref& view);
// What list() reads over the VM view before the configurations: the names
// query, plus each VM's parent, every Folder's and Datacenter's name and
// parent (for inventory paths) and every HostSystem's name (for
// runtime.host): one read, whatever the number of VMs.
PropertyQuery vm_list_query(const Moref& view);
// The name and parent of `vm`, of `host` (when set) and of every ancestor of
// either (parent traversal): one VM's inventory path and host name.
PropertyQuery vm_location_query(const Moref& vm, const Moref& host);
// The full configuration (vm_property_paths) of exactly `refs`; one deleted
// since it was listed is left out.
PropertyQuery vm_configs_query(std::vector<Moref> refs);
// The inventory path of each of `refs` ("/DC0/vm/a/web": names from below the
// root folder down), from objects read with PropertyQuery::ancestors.
std::vector<std::string> inventory_paths(const std::vector<Moref>& refs, const std::vector<InfraObject>& objects);

class Inventory {
public:
  explicit Inventory(VimSession& session) : session_(session) {}

  // Every VM, templates too (config.template): one round trip to list them, then their
  // configurations in parallel slices.
  std::vector<VmConfig> vms();
  // The VMs named `name` (templates too; vSphere names are unique only
  // per folder, so there may be several): one read of every VM's name, then
  // the configuration of those that match, whatever the inventory's size.
  std::vector<VmConfig> named(const std::string& name);
  // Inventory paths of `refs`, in one read of their ancestors.
  std::vector<std::string> paths(const std::vector<Moref>& refs);
  // Fills `vm.path` and `vm.host_name` (what vms() fills from its bulk
  // read) for one VM, in one read of its and its host's ancestors.
  void locate(VmConfig& vm);
  // VM configurations read so far (full property sets, one per VM): lets
  // tests assert that one VM's lookup reads one VM.
  std::uint64_t configs_read() const { return configs_read_.load(); }
  // One VM's configuration; throws SoapFault ManagedObjectNotFound when gone.
  VmConfig vm(const Moref& ref);
  // The VM's power state alone.
  std::string power_state(const Moref& ref);
  // Datacenters, pools, datastores... read on first use and kept.
  const Infra& infra();

private:
  Moref vm_view();
  std::vector<VmConfig> vms_in(const Moref& view);
  // Reads `q` (a vm_configs_query) and counts what it read.
  void read_configs(const PropertyQuery& q, const std::map<std::string, std::string>& portgroups,
                    std::vector<VmConfig>& out);
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
  std::atomic<std::uint64_t> configs_read_{0};
};

}  // namespace hvctl::vsphere
