// hvctl storage (datastores, pools): where VM disks live. vSphere:
// datastores with type, capacity and free space; libvirt: storage pools;
// Xen: the directory the backend keeps its images and records in.
#include "command_table.hpp"
#include "hvctl/units.hpp"
#include "inventory_view.hpp"

namespace hvctl {

void setup_storage(CLI::App& app, RunFn& run) {
  auto o = std::make_shared<InventoryOptions>();
  add_inventory_options(app, *o);
  run = [o](Context& ctx) {
    const InventoryView view{
        "StorageList",
        {{"NAME", "/name"}, {"TYPE", "/type"}, {"CAPACITY", "/capacity"}, {"FREE", "/free"},
         {"ACCESSIBLE", "/accessible"}, {"LOCATION", "/location"}},
        [](Backend& b) {
          std::vector<Json> out;
          for (const auto& s : b.storage()) {
            Json j = {{"name", s.name}, {"type", s.type}};
            if (s.capacity_mib) j["capacityMiB"] = *s.capacity_mib;
            if (s.free_mib) j["freeMiB"] = *s.free_mib;
            if (!s.location.empty()) j["location"] = s.location;
            if (s.accessible) j["accessible"] = *s.accessible;
            out.push_back(std::move(j));
          }
          return out;
        },
        [](const Json& s) {
          const auto size = [&](const char* key) {
            return s.contains(key) ? human_size_mib(s[key].get<std::uint64_t>()) : std::string();
          };
          return Json{{"name", s["name"]},
                      {"type", s["type"]},
                      {"capacity", size("capacityMiB")},
                      {"free", size("freeMiB")},
                      {"accessible", s.contains("accessible") ? (s["accessible"].get<bool>() ? "yes" : "no") : ""},
                      {"location", s.value("location", "")},
                      {"target", s["target"]}};
        }};
    return show_inventory(view, *o, ctx);
  };
}

}  // namespace hvctl
