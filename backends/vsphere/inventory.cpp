#include "inventory.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "hvctl/engine.hpp"
#include "properties.hpp"

namespace hvctl::vsphere {
namespace {

const std::vector<std::string> kInfraTypes = {
    "Datacenter", "Folder", "ClusterComputeResource", "ComputeResource", "HostSystem", "ResourcePool",
    "Datastore", "Network", "DistributedVirtualPortgroup", "DistributedVirtualSwitch", "VmwareDistributedVirtualSwitch"};

PropertyQuery infra_query(const Moref& view) {
  PropertyQuery q;
  q.view = view;
  for (const auto& type : kInfraTypes) {
    std::vector<std::string> paths = {"name", "parent"};
    if (type == "Datacenter") paths.push_back("vmFolder");
    if (type.ends_with("ComputeResource")) paths.push_back("resourcePool");
    if (type == "DistributedVirtualPortgroup") paths.insert(paths.end(), {"key", "config.distributedVirtualSwitch"});
    if (type.ends_with("DistributedVirtualSwitch")) paths.push_back("uuid");
    q.prop_sets.emplace_back(type, paths);
  }
  return q;
}

InfraObject read_infra(const ObjectContent& o) {
  InfraObject x;
  x.ref = o.obj;
  x.name = o.text("name");
  x.parent = read_moref(o.prop("parent"));
  x.vm_folder = read_moref(o.prop("vmFolder"));
  x.resource_pool = read_moref(o.prop("resourcePool"));
  x.key = o.text("key");
  x.dvs = read_moref(o.prop("config.distributedVirtualSwitch"));
  x.uuid = o.text("uuid");
  return x;
}

std::string names(const std::vector<const InfraObject*>& objects) {
  std::string out;
  for (const auto* o : objects) out += (out.empty() ? "" : ", ") + o->name;
  return out.empty() ? "none" : out;
}

const InfraObject& pick(const std::vector<const InfraObject*>& candidates, const std::optional<std::string>& name,
                        const char* what) {
  if (!name) {
    if (candidates.empty()) throw std::invalid_argument(fmt::format("no {} found", what));
    return *candidates.front();
  }
  for (const auto* c : candidates)
    if (c->name == *name) return *c;
  throw std::invalid_argument(fmt::format("{} '{}' not found (have: {})", what, *name, names(candidates)));
}

// "Resources" or "DC0_C0/Resources": a pool, optionally under a compute resource.
const InfraObject& pick_pool(const Infra& infra, const Moref& dc, const std::string& spec) {
  const auto slash = spec.rfind('/');
  const std::string owner = slash == std::string::npos ? "" : spec.substr(0, slash);
  const std::string name = slash == std::string::npos ? spec : spec.substr(slash + 1);
  std::vector<const InfraObject*> pools;
  for (const auto* p : infra.in(dc, "ResourcePool")) {
    const InfraObject* up = p;
    while (up && up->ref.type == "ResourcePool") up = infra.find(up->parent);
    if (owner.empty() || (up && up->name == owner)) pools.push_back(p);
  }
  return pick(pools, name, "resource pool");
}

// An inventory path as VmRuntime::path: "" for a VM whose folder chain is
// not known (inventory_paths then gives its moref; e.g. a VM in a vApp,
// whose parent is unset).
std::string runtime_path(const std::string& path) { return path.starts_with('/') ? path : ""; }

const InfraObject& compute_of(const Infra& infra, const InfraObject& host) {
  const InfraObject* parent = infra.find(host.parent);
  if (!parent) throw std::invalid_argument(fmt::format("host '{}' has no compute resource", host.name));
  return *parent;
}

}  // namespace

PropertyQuery vm_names_query(const Moref& view) {
  PropertyQuery q;
  q.view = view;
  q.prop_sets = {{"VirtualMachine", {"name"}}, {"DistributedVirtualPortgroup", {"name", "key"}}};
  return q;
}

PropertyQuery vm_list_query(const Moref& view) {
  PropertyQuery q = vm_names_query(view);
  q.prop_sets[0].second.push_back("parent");
  q.prop_sets.push_back({"Folder", {"name", "parent"}});
  q.prop_sets.push_back({"Datacenter", {"name", "parent"}});
  q.prop_sets.push_back({"HostSystem", {"name"}});
  return q;
}

PropertyQuery vm_location_query(const Moref& vm, const Moref& host) {
  PropertyQuery q;
  q.prop_sets = {{"ManagedEntity", {"name", "parent"}}};
  q.objects = {vm};
  if (!host.empty()) q.objects.push_back(host);
  q.ancestors = true;
  q.skip_missing = true;  // a VM deleted since it was read has no path
  return q;
}

PropertyQuery vm_configs_query(std::vector<Moref> refs) {
  PropertyQuery q;
  q.prop_sets = {{"VirtualMachine", vm_property_paths()}};
  q.objects = std::move(refs);
  q.skip_missing = true;  // deleted since it was listed
  return q;
}

std::vector<std::string> inventory_paths(const std::vector<Moref>& refs, const std::vector<InfraObject>& objects) {
  std::map<Moref, const InfraObject*> by_ref;
  for (const auto& o : objects) by_ref[o.ref] = &o;
  std::vector<std::string> out;
  for (const auto& ref : refs) {
    std::vector<std::string> names;
    auto it = by_ref.find(ref);
    for (int depth = 0; it != by_ref.end() && !it->second->parent.empty() && depth < 64; ++depth) {
      names.push_back(it->second->name);  // the root folder, which has no parent, is not in paths
      it = by_ref.find(it->second->parent);
    }
    std::string path;
    for (auto n = names.rbegin(); n != names.rend(); ++n) path += "/" + *n;
    out.push_back(path.empty() ? ref.value : path);
  }
  return out;
}

const InfraObject* Infra::find(const Moref& ref) const {
  for (const auto& o : objects)
    if (o.ref == ref) return &o;
  return nullptr;
}

const InfraObject* Infra::datacenter_of(const InfraObject& o) const {
  const InfraObject* cur = &o;
  for (int depth = 0; cur && depth < 64; ++depth) {
    if (cur->ref.type == "Datacenter") return cur;
    cur = find(cur->parent);
  }
  return nullptr;
}

std::string Infra::path_of(const Moref& dc) const {
  std::string out;
  const InfraObject* cur = find(dc);
  for (int depth = 0; cur && depth < 64; ++depth) {  // the root folder is not among the objects
    out = out.empty() ? cur->name : cur->name + "/" + out;
    cur = find(cur->parent);
  }
  return out;
}

std::vector<const InfraObject*> Infra::in(const Moref& dc, const std::string& type) const {
  std::vector<const InfraObject*> out;
  for (const auto& o : objects) {
    if (o.ref.type != type) continue;
    const InfraObject* d = datacenter_of(o);
    if (type == "Datacenter" || (d && d->ref == dc)) out.push_back(&o);
  }
  std::sort(out.begin(), out.end(), [](auto* a, auto* b) { return a->name < b->name; });
  return out;
}

Placement resolve_placement(const Infra& infra, const std::optional<VsphereBlock>& block) {
  const VsphereBlock b = block.value_or(VsphereBlock{});
  Placement p;
  p.datacenter = pick(infra.in({}, "Datacenter"), b.datacenter, "datacenter").ref;
  const auto& dc = *infra.find(p.datacenter);
  p.folder = b.folder ? pick(infra.in(dc.ref, "Folder"), b.folder, "folder").ref : dc.vm_folder;
  const InfraObject* compute = nullptr;
  if (b.host) {
    const auto& host = pick(infra.in(dc.ref, "HostSystem"), b.host, "host");
    p.host = host.ref;
    compute = &compute_of(infra, host);
  }
  if (b.cluster) compute = &pick(infra.in(dc.ref, "ClusterComputeResource"), b.cluster, "cluster");
  if (b.pool) {
    p.pool = pick_pool(infra, dc.ref, *b.pool).ref;
  } else {
    if (!compute) {
      auto all = infra.in(dc.ref, "ClusterComputeResource");
      for (const auto* c : infra.in(dc.ref, "ComputeResource")) all.push_back(c);
      std::sort(all.begin(), all.end(), [](auto* x, auto* y) { return x->name < y->name; });
      compute = &pick(all, std::nullopt, "compute resource");
    }
    p.pool = compute->resource_pool;
  }
  p.datastore = pick(infra.in(dc.ref, "Datastore"), b.datastore, "datastore").name;
  return p;
}

NetworkMap network_map(const Infra& infra, const Moref& dc) {
  NetworkMap out;
  for (const auto* n : infra.in(dc, "Network")) out[n->name] = {};
  for (const auto* pg : infra.in(dc, "DistributedVirtualPortgroup")) {
    const InfraObject* dvs = infra.find(pg->dvs);
    out[pg->name] = {true, pg->key.empty() ? pg->ref.value : pg->key, dvs ? dvs->uuid : ""};
  }
  return out;
}

Moref Inventory::vm_view() {
  std::lock_guard lock(mutex_);
  session_.content();
  if (view_generation_ != session_.generation()) {
    view_ = create_container_view(session_, session_.content().root_folder,
                                  {"VirtualMachine", "DistributedVirtualPortgroup", "Folder", "Datacenter", "HostSystem"});
    view_generation_ = session_.generation();
  }
  return view_;
}

template <typename F>
auto Inventory::over_view(F&& read) {
  const int generation = session_.generation();
  try {
    return read();
  } catch (const SoapFault& f) {
    if (f.type() != "ManagedObjectNotFound" && f.type() != "NotAuthenticated") throw;
  }
  session_.renew(generation);
  return read();
}

std::vector<VmConfig> Inventory::vms() {
  return over_view([&] { return vms_in(vm_view()); });
}

// A big inventory is read in slices of this many VMs, several at once: the
// server builds, and hvctl parses, a few answers in parallel instead of one
// answer of megabytes (1,000 VMs on vcsim: 7 MB).
constexpr std::size_t kVmsPerRead = 200;
constexpr int kParallelReads = 4;

std::vector<VmConfig> Inventory::vms_in(const Moref& view) {
  // Which VMs there are (their names and parents only), the distributed port
  // groups' names, the folder tree and the hosts' names.
  std::vector<Moref> refs;
  std::map<std::string, std::string> portgroups;
  std::vector<InfraObject> tree;  // VMs, folders, datacenters
  std::map<Moref, std::string> hosts;
  retrieve(session_, vm_list_query(view), [&](const ObjectContent& o) {
    if (o.obj.type == "DistributedVirtualPortgroup") {
      portgroups[o.text("key").empty() ? o.obj.value : o.text("key")] = o.text("name");
    } else if (o.obj.type == "HostSystem") {
      hosts[o.obj] = o.text("name");
    } else {
      if (o.obj.type == "VirtualMachine") refs.push_back(o.obj);
      tree.push_back(read_infra(o));
    }
  });
  std::map<Moref, std::string> paths;
  const auto listed_paths = inventory_paths(refs, tree);
  for (std::size_t i = 0; i < refs.size(); ++i) paths[refs[i]] = listed_paths[i];

  const std::size_t slices = (refs.size() + kVmsPerRead - 1) / kVmsPerRead;
  std::vector<std::vector<VmConfig>> read(slices);
  std::vector<std::exception_ptr> failed(slices);
  run_bounded(slices, kParallelReads, [&](std::size_t i) {
    const auto first = refs.begin() + static_cast<std::ptrdiff_t>(i * kVmsPerRead);
    const auto count = static_cast<std::ptrdiff_t>(std::min(kVmsPerRead, refs.size() - i * kVmsPerRead));
    try {
      read_configs(vm_configs_query({first, first + count}), portgroups, read[i]);
    } catch (...) {
      failed[i] = std::current_exception();
    }
  });
  for (const auto& e : failed)
    if (e) std::rethrow_exception(e);
  std::vector<VmConfig> out;
  out.reserve(refs.size());
  for (auto& slice : read)
    for (auto& vm : slice) {
      if (auto it = hosts.find(vm.host); it != hosts.end()) vm.host_name = it->second;
      vm.path = runtime_path(paths[vm.ref]);
      out.push_back(std::move(vm));
    }
  return out;
}

std::vector<VmConfig> Inventory::named(const std::string& name) {
  return over_view([&] {
    std::vector<Moref> refs;
    std::map<std::string, std::string> portgroups;
    retrieve(session_, vm_names_query(vm_view()), [&](const ObjectContent& o) {
      if (o.obj.type != "VirtualMachine")
        portgroups[o.text("key").empty() ? o.obj.value : o.text("key")] = o.text("name");
      else if (o.text("name") == name)
        refs.push_back(o.obj);
    });
    std::vector<VmConfig> out;
    if (!refs.empty()) read_configs(vm_configs_query(std::move(refs)), portgroups, out);
    return out;
  });
}

std::vector<std::string> Inventory::paths(const std::vector<Moref>& refs) {
  PropertyQuery q;
  q.prop_sets = {{"ManagedEntity", {"name", "parent"}}};
  q.objects = refs;
  q.ancestors = true;
  std::vector<InfraObject> objects;
  retrieve(session_, q, [&](const ObjectContent& o) { objects.push_back(read_infra(o)); });
  return inventory_paths(refs, objects);
}

void Inventory::locate(VmConfig& vm) {
  std::vector<InfraObject> objects;
  retrieve(session_, vm_location_query(vm.ref, vm.host), [&](const ObjectContent& o) {
    if (o.missing.empty()) objects.push_back(read_infra(o));
  });
  vm.path = runtime_path(inventory_paths({vm.ref}, objects).front());
  for (const auto& o : objects)
    if (!vm.host.empty() && o.ref == vm.host) vm.host_name = o.name;
}

void Inventory::read_configs(const PropertyQuery& q, const std::map<std::string, std::string>& portgroups,
                             std::vector<VmConfig>& out) {
  retrieve(session_, q, [&](const ObjectContent& o) {
    out.push_back(read_vm_config(o, portgroups));
    ++configs_read_;
  });
}

VmConfig Inventory::vm(const Moref& ref) {
  std::map<std::string, std::string> portgroups;
  for (const auto& o : infra().objects)
    if (o.ref.type == "DistributedVirtualPortgroup") portgroups[o.key.empty() ? o.ref.value : o.key] = o.name;
  std::vector<VmConfig> out;
  read_configs(vm_configs_query({ref}), portgroups, out);
  if (out.empty()) throw SoapFault("ManagedObjectNotFound", "the VM is gone", "obj=" + ref.value);
  return out.front();
}

std::string Inventory::power_state(const Moref& ref) {
  PropertyQuery q;
  q.prop_sets = {{"VirtualMachine", {"runtime.powerState"}}};
  q.objects = {ref};
  std::string state;
  retrieve(session_, q, [&](const ObjectContent& o) { state = o.text("runtime.powerState"); });
  return state;
}

const Infra& Inventory::infra() {
  std::lock_guard lock(mutex_);
  if (!infra_) {
    infra_ = over_view([&] {
      const Moref view = create_container_view(session_, session_.content().root_folder, kInfraTypes);
      Infra infra;
      retrieve(session_, infra_query(view), [&](const ObjectContent& o) { infra.objects.push_back(read_infra(o)); });
      return infra;
    });
  }
  return *infra_;
}

}  // namespace hvctl::vsphere
