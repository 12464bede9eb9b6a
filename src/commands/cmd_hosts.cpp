// hvctl hosts (host): what runs the VMs. vSphere: every ESXi host with its
// cluster, state, CPU and memory use and VM count; Xen: the dom0 host as `xl
// info` shows it; libvirt: the node.
#include "command_table.hpp"
#include "inventory_view.hpp"

namespace hvctl {
namespace {

template <typename T>
void put(Json& j, const char* key, const std::optional<T>& v) {
  if (v) j[key] = *v;
}

Json host_json(const HostInfo& h) {
  Json j = {{"name", h.name}};
  if (!h.cluster.empty()) j["cluster"] = h.cluster;
  if (!h.connection.empty()) j["connection"] = h.connection;
  if (!h.power.empty()) j["power"] = h.power;
  j["product"] = h.product;
  j["cpus"] = h.cpus;
  put(j, "cpuMhz", h.cpu_mhz);
  put(j, "cpuUsedMhz", h.cpu_used_mhz);
  put(j, "memoryMiB", h.memory_mib);
  put(j, "memoryFreeMiB", h.memory_free_mib);
  put(j, "vms", h.vms);
  return j;
}

Json host_row(const Json& h) {
  std::string state = h.value("connection", "");
  if (h.contains("power")) state += (state.empty() ? "" : "/") + h["power"].get<std::string>();
  Json used_memory;
  if (h.contains("memoryMiB") && h.contains("memoryFreeMiB"))
    used_memory = h["memoryMiB"].get<std::uint64_t>() - h["memoryFreeMiB"].get<std::uint64_t>();
  return {{"name", h["name"]},
          {"cluster", h.value("cluster", "")},
          {"state", state},
          {"product", h["product"]},
          {"cpus", h["cpus"]},
          {"cpu", of_total_ghz(h.value("cpuUsedMhz", Json()), h.value("cpuMhz", Json()))},
          {"memory", of_total_mib(used_memory, h.value("memoryMiB", Json()))},
          {"vms", h.contains("vms") ? Json(h["vms"]) : Json("")},
          {"target", h["target"]}};
}

}  // namespace

void setup_hosts(CLI::App& app, RunFn& run) {
  auto o = std::make_shared<InventoryOptions>();
  add_inventory_options(app, *o);
  run = [o](Context& ctx) {
    const InventoryView view{
        "HostList",
        {{"NAME", "/name"}, {"CLUSTER", "/cluster"}, {"STATE", "/state"}, {"PRODUCT", "/product"},
         {"CPUS", "/cpus"}, {"CPU USED", "/cpu"}, {"MEMORY USED", "/memory"}, {"VMS", "/vms"}},
        [](Backend& b) {
          std::vector<Json> out;
          for (const auto& h : b.hosts()) out.push_back(host_json(h));
          return out;
        },
        host_row};
    return show_inventory(view, *o, ctx);
  };
}

}  // namespace hvctl
