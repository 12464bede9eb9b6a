// Offline checks of cloud-init user-data and network-config.
//
// What cloud-init 22.4 itself does with them, which these checks follow:
// - user-data's type comes from its first bytes (cloudinit/handlers:
//   type_from_starts_with, longest prefix first, case-insensitive), MIME from
//   a "MIME-Version:" or "Content-Type:" header, gzip from its magic. Text of
//   no known type is ignored by cloud-init with a warning in the guest's log,
//   which is why hvctl refuses it here.
// - `cloud-init schema` loads #cloud-config with PyYAML (YAML 1.1: yes/no/on/
//   off are booleans) and checks each module's JSON schema; unknown top-level
//   keys pass. Only the types of the keys people use most are checked here.
// - network-config: stages.py drops a top-level `network:` key, then
//   network_state.parse_net_config_data needs a version and, for v1, a
//   `config:` list whose entries each have a known `type` and that type's
//   required keys; for v2 every top-level key but version and renderer must
//   be one of netplan's device maps.
#include "hvctl/cloud_init_check.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <regex>

#include "../core/yaml_load.hpp"

namespace hvctl {
namespace {

using Problems = std::vector<Problem>;

SourceMark at(const std::string& file, const yaml::Node& n) {
  const auto m = n.Mark();
  return m.is_null() ? SourceMark{file, 1, 1} : SourceMark{file, m.line + 1, m.column + 1};
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool starts_with_ci(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && lower(text.substr(0, prefix.size())) == prefix;
}

// A node's JSON type as PyYAML (YAML 1.1) resolves it and jsonschema names it.
std::string json_type(const yaml::Node& n) {
  if (n.IsNull()) return "null";
  if (n.IsSequence()) return "array";
  if (n.IsMap()) return "object";
  if (n.Tag() != "?") return n.Tag() == "tag:yaml.org,2002:int" ? "integer" : "string";
  static const std::regex boolean("yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF");
  static const std::regex integer("[-+]?(0|[1-9][0-9_]*|0[0-7_]+|0x[0-9a-fA-F_]+|0b[01_]+)");
  static const std::regex number("[-+]?([0-9][0-9_]*)?\\.[0-9_]*([eE][-+][0-9]+)?|[-+]?\\.(inf|Inf|INF)|\\.(nan|NaN|NAN)");
  const auto& s = n.Scalar();
  if (s == "~" || s == "null" || s == "Null" || s == "NULL") return "null";
  if (std::regex_match(s, boolean)) return "boolean";
  if (std::regex_match(s, integer)) return "integer";
  if (std::regex_match(s, number)) return "number";
  return "string";
}

// The JSON types cloud-init 22.4's schema allows for a top-level key, and for
// the items of an array value (empty: not checked).
struct KeyRule {
  std::string_view key;
  std::vector<std::string_view> types;
  std::vector<std::string_view> item_types;
};

const std::vector<KeyRule>& key_rules() {
  static const std::vector<KeyRule> rules{
      {"users", {"string", "array", "object"}, {}},
      {"groups", {"string", "array", "object"}, {}},
      {"ssh_authorized_keys", {"array"}, {"string"}},
      {"ssh_import_id", {"array"}, {"string"}},
      {"runcmd", {"array"}, {"string", "array", "null"}},
      {"bootcmd", {"array"}, {"string", "array"}},
      {"packages", {"array"}, {"string", "array"}},
      {"write_files", {"array"}, {"object"}},
      {"hostname", {"string"}, {}},
      {"fqdn", {"string"}, {}},
      {"timezone", {"string"}, {}},
      {"preserve_hostname", {"boolean"}, {}},
      {"package_update", {"boolean"}, {}},
      {"package_upgrade", {"boolean"}, {}},
      {"package_reboot_if_required", {"boolean"}, {}},
      {"disable_root", {"boolean"}, {}},
      {"ssh_pwauth", {"boolean", "string"}, {}},
      {"chpasswd", {"object"}, {}},
      {"apt", {"object"}, {}},
      {"mounts", {"array"}, {"array"}},
  };
  return rules;
}

std::string type_list(const std::vector<std::string_view>& types) {
  std::string out;
  for (std::size_t i = 0; i < types.size(); ++i) out += (i ? i + 1 == types.size() ? " or " : ", " : "") + std::string(types[i]);
  return out;
}

bool allowed(const std::vector<std::string_view>& types, const std::string& type) {
  return std::find(types.begin(), types.end(), type) != types.end() || (type == "integer" &&
         std::find(types.begin(), types.end(), "number") != types.end());
}

void check_key(const KeyRule& rule, const yaml::Node& value, const std::string& file, Problems& out) {
  const auto type = json_type(value);
  if (!allowed(rule.types, type)) {
    out.push_back({at(file, value), fmt::format("{}: is {}, must be {}", rule.key, type, type_list(rule.types))});
    return;
  }
  if (type != "array") return;
  for (std::size_t i = 0; i < value.size(); ++i) {
    const auto item = value[i];
    const auto item_type = json_type(item);
    if (!rule.item_types.empty() && !allowed(rule.item_types, item_type))
      out.push_back({at(file, item), fmt::format("{}[{}]: is {}, must be {}", rule.key, i, item_type,
                                                 type_list(rule.item_types))});
    else if (rule.key == "write_files" && !item["path"])
      out.push_back({at(file, item), fmt::format("write_files[{}]: needs a path", i)});
  }
}

// The single document of `text`, or nothing (with the problem said).
std::optional<yaml::Node> one_document(const yaml::Stream& stream, const std::string& file, Problems& out) {
  if (stream.documents.size() > 1) {
    out.push_back({at(file, stream.documents[1]), "a second YAML document: cloud-init reads only one"});
    return std::nullopt;
  }
  if (stream.documents.empty()) return yaml::Node();
  return stream.documents[0];
}

void check_cloud_config(std::string_view text, const std::string& file, Problems& out) {
  const auto stream = load_yaml_documents(std::string(text), file, out);
  if (!out.empty()) return;
  const auto doc = one_document(stream, file, out);
  if (!doc) return;
  if (!doc->IsMap()) {
    out.push_back({at(file, *doc), fmt::format("#cloud-config must be a YAML mapping (key: value), not {}",
                                               *doc ? json_type(*doc) : "empty")});
    return;
  }
  for (const auto& rule : key_rules())
    if (const auto value = (*doc)[rule.key]) check_key(rule, value, file, out);
}

// A line-by-line view of text, each line without its end.
std::vector<std::string_view> lines_of(std::string_view text) {
  std::vector<std::string_view> lines;
  for (std::size_t start = 0; start <= text.size();) {
    auto end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    auto line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    start = end + 1;
  }
  return lines;
}

// The boundary parameter of a Content-Type header value, or "".
std::string boundary_of(std::string_view value) {
  static const std::regex param("boundary\\s*=\\s*(\"([^\"]*)\"|([^;\\s]+))", std::regex::icase);
  std::match_results<std::string_view::const_iterator> m;
  if (!std::regex_search(value.begin(), value.end(), m, param)) return "";
  return m[2].matched ? m[2].str() : m[3].str();
}

void check_mime(std::string_view text, const std::string& file, Problems& out) {
  const auto lines = lines_of(text);
  std::size_t body = lines.size();
  int type_line = 0;
  std::string type;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].empty()) { body = i + 1; break; }
    if (starts_with_ci(lines[i], "content-type:")) { type_line = static_cast<int>(i) + 1; type = std::string(lines[i].substr(13)); }
    else if (type_line == static_cast<int>(i) && (lines[i][0] == ' ' || lines[i][0] == '\t')) type += lines[i];
  }
  if (!starts_with_ci(std::string_view(type).substr(std::min(type.find_first_not_of(" \t"), type.size())), "multipart/"))
    return;  // a single MIME part: cloud-init takes its Content-Type as the type
  const auto boundary = boundary_of(type);
  if (boundary.empty()) {
    out.push_back({{file, type_line, 1}, "a multipart Content-Type needs a boundary=\"...\" parameter"});
    return;
  }
  const auto parts = std::count_if(lines.begin() + static_cast<std::ptrdiff_t>(std::min(body, lines.size())), lines.end(),
                                   [&](std::string_view l) { return l == "--" + boundary; });
  if (parts == 0)
    out.push_back({{file, static_cast<int>(std::min(body, lines.size())) + (body >= lines.size() ? 0 : 1), 1},
                   fmt::format("no part starts with a line '--{}' (the boundary of line {})", boundary, type_line)});
}

// The `#` types cloud-init 22.4 knows besides #cloud-config (handlers'
// INCLUSION_TYPES_MAP); their contents are not checked.
constexpr std::array<std::string_view, 8> kOtherTypes{
    "#cloud-config-archive", "#cloud-config-jsonp", "#include-once", "#include", "#!",
    "#part-handler", "#cloud-boothook", "## template: jinja"};

}  // namespace

std::vector<Problem> check_user_data(std::string_view text, const std::string& file) {
  Problems out;
  if (text.size() >= 2 && static_cast<unsigned char>(text[0]) == 0x1f && static_cast<unsigned char>(text[1]) == 0x8b)
    return out;  // gzip: cloud-init inflates it first; what it holds is not checked
  auto start = text.substr(std::min(text.find_first_not_of(" \t\r\n"), text.size()));
  for (const auto prefix : kOtherTypes)
    if (starts_with_ci(start, prefix)) return out;
  if (starts_with_ci(start, "#cloud-config")) {
    check_cloud_config(text, file, out);
  } else if (starts_with_ci(start, "content-type:") || starts_with_ci(start, "mime-version:")) {
    check_mime(text, file, out);
  } else {
    const auto first = start.substr(0, std::min(start.find('\n'), std::size_t{40}));
    out.push_back({{file, 1, 1}, fmt::format("user-data must begin with '#cloud-config' (YAML), '#!' (a script), "
                                             "'Content-Type: multipart/mixed' (MIME) or another type cloud-init "
                                             "knows ('#include', '#cloud-boothook', '## template: jinja'); "
                                             "this begins with '{}'", first)});
  }
  return out;
}

namespace {

struct V1Type {
  std::string_view type;
  std::vector<std::string_view> required;
};

const std::vector<V1Type>& v1_types() {
  static const std::vector<V1Type> types{
      {"physical", {"name"}}, {"loopback", {"name"}}, {"infiniband", {"name"}},
      {"vlan", {"name", "vlan_id", "vlan_link"}}, {"bond", {"name", "bond_interfaces", "params"}},
      {"bridge", {"name", "bridge_interfaces"}}, {"nameserver", {"address"}}, {"route", {"destination"}}};
  return types;
}

void check_v1_entry(const yaml::Node& entry, std::size_t i, const std::string& file, Problems& out) {
  if (!entry.IsMap()) {
    out.push_back({at(file, entry), fmt::format("config[{}]: must be a mapping with a type", i)});
    return;
  }
  const auto type = entry["type"];
  const auto& types = v1_types();
  const auto known = std::find_if(types.begin(), types.end(), [&](const V1Type& t) { return type.IsScalar() && t.type == type.Scalar(); });
  if (known == types.end()) {
    out.push_back({at(file, type ? type : entry),
                   fmt::format("config[{}]: type must be physical, bond, bridge, vlan, infiniband, loopback, "
                               "nameserver or route{}", i, type.IsScalar() ? ", not '" + type.Scalar() + "'" : "")});
    return;
  }
  for (const auto key : known->required)
    if (!entry[key])
      out.push_back({at(file, entry), fmt::format("config[{}]: a {} entry needs {}", i, known->type, key)});
}

void check_v2(const yaml::Node& root, const std::string& file, Problems& out) {
  static const std::vector<std::string_view> maps{"ethernets", "bonds", "bridges", "vlans", "wifis"};
  for (const auto& [key, value] : root) {
    const auto& name = key.Scalar();
    if (name == "version" || name == "renderer") continue;
    if (std::find(maps.begin(), maps.end(), name) == maps.end()) {
      out.push_back({at(file, key), fmt::format("'{}' is not a network-config v2 key: ethernets, bonds, bridges, "
                                                "vlans, wifis, renderer or version", name)});
    } else if (!value.IsMap()) {
      out.push_back({at(file, value), fmt::format("{}: must map each device's name to its settings", name)});
    } else {
      for (const auto& [device, settings] : value)
        if (!settings.IsMap() && !settings.IsNull())
          out.push_back({at(file, settings), fmt::format("{}.{}: must be a mapping of settings", name, device.Scalar())});
    }
  }
}

void check_network_root(yaml::Node root, const std::string& file, Problems& out) {
  if (root.IsMap() && root["network"]) root = root["network"];
  if (!root.IsMap()) {
    out.push_back({at(file, root), "network-config must be a YAML mapping with version: 1 or version: 2"});
    return;
  }
  const auto version = root["version"];
  const auto v = version.IsScalar() && json_type(version) == "integer" ? version.Scalar() : "";
  if (v != "1" && v != "2") {
    out.push_back({at(file, version ? version : root), "network-config needs version: 1 or version: 2"});
    return;
  }
  if (v == "2") return check_v2(root, file, out);
  const auto config = root["config"];
  if (!config.IsSequence()) {
    out.push_back({at(file, config ? config : root), "network-config version 1 needs a config: list"});
    return;
  }
  for (std::size_t i = 0; i < config.size(); ++i) check_v1_entry(config[i], i, file, out);
}

}  // namespace

std::vector<Problem> check_network_config(std::string_view text, const std::string& file) {
  Problems out;
  const auto stream = load_yaml_documents(std::string(text), file, out);
  if (!out.empty()) return out;
  const auto doc = one_document(stream, file, out);
  if (doc) check_network_root(*doc, file, out);
  return out;
}

std::size_t cloud_init_size_limit(CloudInitTransport transport) {
  switch (transport) {
    case CloudInitTransport::nocloud_iso: return 4294967295u;
    case CloudInitTransport::vsphere_guestinfo: return 1000000 / 4 * 3;
  }
  return 0;
}

std::optional<std::string> cloud_init_size_problem(std::size_t size, CloudInitTransport transport) {
  const auto limit = cloud_init_size_limit(transport);
  if (size <= limit) return std::nullopt;
  const auto* name = transport == CloudInitTransport::nocloud_iso ? "a NoCloud seed ISO" : "vSphere guestinfo";
  return fmt::format("{} bytes: too large for {} (at most {})", size, name, limit);
}

}  // namespace hvctl
