#include "vm_migrate.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "tasks.hpp"

namespace hvctl::vsphere {
namespace {

std::vector<Moref> morefs(const xmlNode* array) {
  std::vector<Moref> out;
  for (const xmlNode* n : xml::children(array, "ManagedObjectReference")) out.push_back(read_moref(n));
  return out;
}

std::string listed(const std::set<std::string>& names) {
  return names.empty() ? std::string("none") : fmt::format("{}", fmt::join(names, ", "));
}

// "[LocalDS_0] vm/vm.vmx" -> "LocalDS_0"; "" when the path has no datastore.
std::string datastore_in(const std::string& path) {
  if (path.size() < 3 || path.front() != '[') return "";
  const auto end = path.find(']');
  return end == std::string::npos ? "" : path.substr(1, end - 1);
}

}  // namespace

PropSets HostPlaces::prop_sets() {
  return {{"HostSystem", {"name", "parent", "network", "datastore", "runtime.connectionState", "runtime.inMaintenanceMode"}},
          {"Network", {"name"}},
          {"DistributedVirtualPortgroup", {"name"}},
          {"Datastore", {"name"}},
          {"ComputeResource", {"resourcePool"}},
          {"ClusterComputeResource", {"resourcePool"}}};
}

void HostPlaces::add(const ObjectContent& o) {
  const auto& type = o.obj.type;
  if (type == "ComputeResource" || type == "ClusterComputeResource") {
    pools_[o.obj] = read_moref(o.prop("resourcePool"));
  } else if (type == "HostSystem") {
    Listed h;
    h.place.ref = o.obj;
    h.place.name = o.text("name");
    h.place.compute = read_moref(o.prop("parent"));
    h.place.connection = o.text("runtime.connectionState");
    h.place.maintenance = o.text("runtime.inMaintenanceMode") == "true";
    h.networks = morefs(o.prop("network"));
    h.datastores = morefs(o.prop("datastore"));
    hosts_.push_back(std::move(h));
  } else {
    names_[o.obj] = o.text("name");
  }
}

std::vector<HostPlace> HostPlaces::result() const {
  std::vector<HostPlace> out;
  for (const auto& h : hosts_) {
    HostPlace p = h.place;
    if (auto it = pools_.find(p.compute); it != pools_.end()) p.pool = it->second;
    for (const auto& n : h.networks)
      if (auto it = names_.find(n); it != names_.end()) p.networks.insert(it->second);
    for (const auto& d : h.datastores)
      if (auto it = names_.find(d); it != names_.end()) p.datastores.insert(it->second);
    out.push_back(std::move(p));
  }
  return out;
}

std::set<std::string> datastores_of(const VmConfig& vm) {
  std::set<std::string> out;
  if (auto ds = datastore_in(vm.vm_path); !ds.empty()) out.insert(ds);
  for (const auto& d : vm.disks)
    if (auto ds = datastore_in(d.file); !ds.empty()) out.insert(ds);
  return out;
}

MigrateCheck check_migration(const VmConfig& vm, const std::vector<HostPlace>& hosts, const std::string& to,
                             bool live) {
  const HostPlace* dest = nullptr;
  std::set<std::string> names;
  for (const auto& h : hosts) {
    names.insert(h.name);
    if (h.name == to) dest = &h;
  }
  if (!dest) return {nullptr, fmt::format("no host named '{}' (there are: {})", to, listed(names))};
  if (dest->ref == vm.host) return {dest, ""};
  if (vm.power == "poweredOn" && !live)
    return {nullptr, "it is running: pass --live to move it while it runs (vMotion), or stop it first"};
  if (dest->connection != "connected")
    return {nullptr, fmt::format("host '{}' is {}, not connected", to, dest->connection.empty() ? "in no known state" : dest->connection)};
  if (dest->maintenance) return {nullptr, fmt::format("host '{}' is in maintenance mode", to)};
  std::set<std::string> nets;
  for (const auto& n : vm.nics)
    if (!n.network.empty()) nets.insert(n.network);
  for (const auto& n : nets)
    if (!dest->networks.count(n))
      return {nullptr, fmt::format("host '{}' has no network '{}', which the VM's NICs use (it has: {})", to, n,
                                   listed(dest->networks))};
  for (const auto& d : datastores_of(vm))
    if (!dest->datastores.count(d))
      return {nullptr, fmt::format("host '{}' does not see datastore '{}', which holds the VM's files (it sees: {})",
                                   to, d, listed(dest->datastores))};
  return {dest, ""};
}

void relocate(VimSession& session, const Moref& vm, const HostPlace& to, const Moref& from_compute) {
  run_task(session, [&] {
    auto req = xml::Builder::soap("RelocateVM_Task");
    req.top().add_moref("_this", vm.type, vm.value);
    write_relocate_request(req.top(), to, from_compute);
    return read_moref(session.call(req, "RelocateVM_Task").returnval());
  });
}

void write_relocate_request(xml::Element top, const HostPlace& to, const Moref& from_compute) {
  auto spec = top.add("spec");
  if (to.compute != from_compute && !to.pool.empty()) spec.add_moref("pool", to.pool.type, to.pool.value);
  spec.add_moref("host", to.ref.type, to.ref.value);
  top.add("priority", "defaultPriority");
}

}  // namespace hvctl::vsphere
