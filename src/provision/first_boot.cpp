#include "hvctl/first_boot.hpp"

#include <fmt/format.h>

#include "hvctl/output.hpp"
#include "hvctl/text.hpp"

namespace hvctl {

std::string instance_id(const VmSpec& spec) {
  const auto& init = spec.init;
  std::string identity = spec.name + '\0' + init.hostname.value_or("") + '\0';
  for (const auto& key : init.ssh_authorized_keys) identity += key + '\0';
  identity += init.user_data.value_or("") + '\0' + init.network_config.value_or("");
  return "iid-" + content_digest(identity);
}

std::vector<SeedFile> nocloud_files(const VmSpec& spec) {
  std::string meta = nocloud_meta_data(instance_id(spec), spec.init.hostname.value_or(spec.name));
  if (!spec.init.ssh_authorized_keys.empty()) meta += json_to_yaml(Json{{"public-keys", spec.init.ssh_authorized_keys}});
  std::vector<SeedFile> files{{"meta-data", meta},
                              {"user-data", spec.init.user_data.value_or("#cloud-config\n{}\n")}};
  if (spec.init.network_config) files.push_back({"network-config", *spec.init.network_config});
  return files;
}

std::vector<Problem> seed_drive_problems(const VmSpec& spec) {
  std::vector<Problem> out;
  for (std::size_t i = 0; i < spec.cdroms.size(); ++i)
    if (spec.cdroms[i].id == kSeedDrive)
      out.push_back({spec.mark_of(fmt::format("cdroms[{}].id", i)),
                     fmt::format("VM '{}': cdrom id '{}' is the drive hvctl gives spec.init's seed; name yours otherwise",
                                 spec.name, kSeedDrive)});
  return out;
}

// cloud-init's final_message module prints, by default, "Cloud-init v.
// {version} finished at {timestamp}. Datasource {datasource}.  Up {uptime}
// seconds" (cc_final_message.py), to the console through its output config.
bool shows_cloud_init_finished(std::string_view console) {
  static constexpr std::string_view kStart = "Cloud-init v. ", kFinished = " finished at ";
  for (auto at = console.find(kStart); at != std::string_view::npos; at = console.find(kStart, at + 1)) {
    const auto line_end = console.find('\n', at);
    const auto line = console.substr(at, line_end == std::string_view::npos ? std::string_view::npos : line_end - at);
    if (line.find(kFinished) != std::string_view::npos) return true;
  }
  return false;
}

}  // namespace hvctl
