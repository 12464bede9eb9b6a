// hvctl networks (nets): what a spec's nics[].network can name. vSphere:
// portgroups and distributed portgroups with their VLAN; libvirt: its
// networks; Xen: the dom0's bridges.
#include "command_table.hpp"
#include "inventory_view.hpp"

namespace hvctl {

void setup_networks(CLI::App& app, RunFn& run) {
  auto o = std::make_shared<InventoryOptions>();
  add_inventory_options(app, *o);
  run = [o](Context& ctx) {
    const InventoryView view{
        "NetworkList",
        {{"NAME", "/name"}, {"TYPE", "/type"}, {"VLAN", "/vlan"}, {"ACTIVE", "/active"}, {"DETAIL", "/detail"}},
        [](Backend& b) {
          std::vector<Json> out;
          for (const auto& n : b.networks()) {
            Json j = {{"name", n.name}, {"type", n.type}};
            if (n.vlan) j["vlan"] = *n.vlan;
            if (n.active) j["active"] = *n.active;
            if (!n.detail.empty()) j["detail"] = n.detail;
            out.push_back(std::move(j));
          }
          return out;
        },
        [](const Json& n) {
          Json row = n;
          if (!n.contains("vlan")) row["vlan"] = "";
          if (n.contains("active")) row["active"] = n["active"].get<bool>() ? "yes" : "no";
          return row;
        }};
    return show_inventory(view, *o, ctx);
  };
}

}  // namespace hvctl
