// The config file: named targets with their URIs and credentials.
//
// Passwords never come from the command line. A target names one source:
// password_env (an environment variable), password_command (its stdout), or
// password (in the file itself, accepted only when the file is mode 0600).
#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "hvctl/error.hpp"
#include "hvctl/text.hpp"
#include "hvctl/target.hpp"
#include "hvctl/units.hpp"
#include "spec_schema.hpp"

namespace hvctl {
namespace {

const std::vector<std::string> kConfigKeys = {"default_target", "targets"};
const std::vector<std::string> kTargetKeys = {
    "type", "uri", "username", "password", "password_env", "password_command", "insecure",
    "ca_file", "thumbprint", "domain_type", "pool", "parallel", "timeout", "state_dir", "pvgrub_dir", "monitor"};
// Keys kept as backend options (everything that is not identity or credentials).
const std::vector<std::string> kOptionKeys = {"insecure", "ca_file", "thumbprint", "domain_type", "pool",
                                              "state_dir", "pvgrub_dir", "monitor"};

// The ways to give a password, for the message that refuses one in a URI.
constexpr const char* kPasswordWays =
    "HVCTL_PASSWORD for a URI target, or a config file target's password_env, password_command, or password "
    "(in a file of mode 0600)";

void refuse_password_in(const std::string& uri, const std::string& prefix) {
  if (!uri_has_password(uri)) return;
  throw InputError(fmt::format("{}target URI '{}' holds a password; hvctl takes none from a URI (it would show in "
                               "process lists, shell history and logs): drop it and use {}",
                               prefix, redact_uri(uri), kPasswordWays));
}

// The query parameters a vSphere URI may carry, and the option each sets.
const std::vector<std::string> kUriParameters = {"user", "thumbprint", "insecure", "ca_file"};

std::string percent_decode(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && std::isxdigit(static_cast<unsigned char>(text[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(text[i + 2]))) {
      out += static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

std::string bool_parameter(const std::string& uri, const std::string& value) {
  if (value == "1" || value == "true" || value == "yes") return "true";
  if (value == "0" || value == "false" || value == "no") return "false";
  throw InputError(fmt::format("target URI '{}': insecure={} must be 1 or 0 (true or false)", uri, value));
}

// Moves a vSphere URI's user (userinfo or ?user=) and TLS settings
// (?thumbprint= ?insecure= ?ca_file=) into t.username and t.options, leaving
// t.uri as the backend should see it ("https://vc/sdk"). libvirt URIs keep
// their queries: those are libvirt's own (keyfile=, no_verify=, ...).
void take_uri_settings(Target& t) {
  const std::string given = redact_uri(t.uri);
  auto query_at = t.uri.find('?');
  std::string query;
  if (query_at != std::string::npos) {
    query = t.uri.substr(query_at + 1);
    t.uri.erase(query_at);
  }
  if (const auto host = t.uri.find("://"); host != std::string::npos) {
    const auto at = t.uri.find('@', host + 3);
    if (at != std::string::npos && at < t.uri.find('/', host + 3)) {
      t.username = percent_decode(t.uri.substr(host + 3, at - host - 3));
      t.uri.erase(host + 3, at - host - 2);
    }
  }
  std::size_t pos = 0;
  while (pos < query.size()) {
    const auto amp = std::min(query.find('&', pos), query.size());
    const auto pair = query.substr(pos, amp - pos);
    pos = amp + 1;
    if (pair.empty()) continue;
    const auto eq = pair.find('=');
    const auto key = pair.substr(0, eq);
    const auto value = eq == std::string::npos ? std::string() : percent_decode(pair.substr(eq + 1));
    if (std::find(kUriParameters.begin(), kUriParameters.end(), key) == kUriParameters.end()) {
      const auto hint = did_you_mean(key, kUriParameters);
      throw InputError(fmt::format("target URI '{}': unknown parameter '{}'{}; a vSphere URI knows user, thumbprint, "
                                   "insecure and ca_file",
                                   given, excerpt(key), hint.empty() ? "" : ", did you mean '" + hint + "'?"));
    }
    if (key == "user") {
      if (!t.username.empty() && t.username != value)
        throw InputError(fmt::format("target URI '{}': two users ('{}' before the host, '{}' in user=); give one",
                                     given, t.username, value));
      t.username = value;
    } else {
      t.options[key] = key == "insecure" ? bool_parameter(given, value) : value;
    }
  }
}

std::string where(const std::string& file, const YAML::Node& n) {
  const auto m = n.Mark();
  return m.is_null() ? file : fmt::format("{}:{}:{}", file, m.line + 1, m.column + 1);
}

[[noreturn]] void fail(const std::string& file, const YAML::Node& n, const std::string& message) {
  throw InputError(fmt::format("{}: {}", where(file, n), message));
}

void check_keys(const std::string& file, const YAML::Node& n, const std::vector<std::string>& allowed,
                const std::string& path) {
  if (!n.IsMap()) fail(file, n, path + " must be a mapping");
  for (const auto& kv : n) {
    const auto key = kv.first.Scalar();
    if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
    const auto hint = did_you_mean(key, allowed);
    fail(file, kv.first, fmt::format("unknown key '{}{}'{}", path.empty() ? "" : path + ".", key,
                                     hint.empty() ? "" : ", did you mean '" + hint + "'?"));
  }
}

std::string run_password_command(const std::string& target, const std::string& command) {
  std::FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) throw InputError(fmt::format("target '{}': cannot run password_command", target));
  std::string out;
  std::array<char, 256> buf{};
  while (std::size_t n = std::fread(buf.data(), 1, buf.size(), pipe)) out.append(buf.data(), n);
  const int status = ::pclose(pipe);
  if (status != 0)
    throw InputError(fmt::format("target '{}': password_command failed (exit status {})", target, status));
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

void require_private_file(const std::string& file, const std::string& target) {
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0) return;
  if ((st.st_mode & 077) != 0)
    throw InputError(fmt::format(
        "{}: target '{}' has a password in the file, but the file's mode is {:04o}: run 'chmod 600 {}', "
        "or use password_env or password_command instead",
        file, target, st.st_mode & 07777, file));
}

std::function<std::string()> password_source(const std::string& file, const std::string& name,
                                             const YAML::Node& t) {
  int sources = (t["password"] ? 1 : 0) + (t["password_env"] ? 1 : 0) + (t["password_command"] ? 1 : 0);
  if (sources > 1) fail(file, t, fmt::format("target '{}': give only one of password, password_env, password_command", name));
  if (t["password"]) {
    require_private_file(file, name);
    return [p = t["password"].Scalar()] { return p; };
  }
  if (t["password_env"]) {
    return [name, var = t["password_env"].Scalar()] {
      const char* value = std::getenv(var.c_str());
      if (!value) throw InputError(fmt::format("target '{}': environment variable {} (password_env) is not set", name, var));
      return std::string(value);
    };
  }
  if (t["password_command"])
    return [name, cmd = t["password_command"].Scalar()] { return run_password_command(name, cmd); };
  return {};
}

Target read_target(const std::string& file, const std::string& name, const YAML::Node& t) {
  check_keys(file, t, kTargetKeys, "targets." + name);
  Target target;
  target.name = name;
  if (!t["uri"]) fail(file, t, fmt::format("target '{}' needs a uri", name));
  target.uri = t["uri"].Scalar();
  refuse_password_in(target.uri, where(file, t["uri"]) + ": ");
  target.type = t["type"] ? t["type"].Scalar() : backend_type_for_uri(target.uri);
  if (target.type != "libvirt" && target.type != "vsphere" && target.type != "xen")
    fail(file, t["type"] ? t["type"] : t, fmt::format("target '{}': type must be libvirt, vsphere or xen", name));
  if (target.type == "vsphere") {
    try {
      take_uri_settings(target);  // the file's own keys, below, win over the URI's
    } catch (const InputError& e) {
      fail(file, t["uri"], e.what());
    }
  }
  if (t["username"]) target.username = t["username"].Scalar();
  target.password = password_source(file, name, t);
  for (const auto& key : kOptionKeys)
    if (t[key]) target.options[key] = t[key].Scalar();
  if (t["timeout"]) {
    const auto seconds = parse_duration_seconds(t["timeout"].Scalar());
    if (const auto* message = std::get_if<std::string>(&seconds)) fail(file, t["timeout"], "timeout: " + *message);
    target.options["timeout"] = std::to_string(std::get<int>(seconds));
  }
  if (t["parallel"]) {
    try {
      target.parallel = t["parallel"].as<int>();
    } catch (const YAML::Exception&) {
      fail(file, t["parallel"], "parallel must be a whole number");
    }
    if (*target.parallel < 1) fail(file, t["parallel"], "parallel must be at least 1");
  }
  return target;
}

}  // namespace

std::string Target::option(const std::string& key, const std::string& fallback) const {
  auto it = options.find(key);
  return it == options.end() ? fallback : it->second;
}

std::string default_config_path() {
  if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg && *xdg) return std::string(xdg) + "/hvctl/config.yaml";
  if (const char* home = std::getenv("HOME"); home && *home) return std::string(home) + "/.config/hvctl/config.yaml";
  return "";
}

Config load_config(const std::optional<std::string>& explicit_path) {
  Config config;
  const std::string path = explicit_path.value_or(default_config_path());
  std::error_code ec;
  if (path.empty() || !std::filesystem::exists(path, ec)) {
    if (explicit_path) throw InputError(fmt::format("{}: config file not found", path));
    return config;
  }
  config.path = path;
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::ParserException& e) {
    throw InputError(fmt::format("{}:{}:{}: YAML syntax: {}", path, e.mark.line + 1, e.mark.column + 1, e.msg));
  } catch (const YAML::Exception& e) {
    throw InputError(fmt::format("{}: {}", path, e.what()));
  }
  if (root.IsNull()) return config;
  check_keys(path, root, kConfigKeys, "");
  if (root["targets"]) {
    if (!root["targets"].IsMap()) fail(path, root["targets"], "targets must be a mapping of names to targets");
    for (const auto& kv : root["targets"]) {
      const auto name = kv.first.Scalar();
      config.targets[name] = read_target(path, name, kv.second);
    }
  }
  if (root["default_target"]) {
    config.default_target = root["default_target"].Scalar();
    if (!config.targets.count(*config.default_target) && backend_type_for_uri(*config.default_target).empty())
      fail(path, root["default_target"],
           fmt::format("default_target '{}' is not a configured target", redact_uri(*config.default_target)));
  }
  return config;
}

std::string backend_type_for_uri(const std::string& uri) {
  const auto colon = uri.find(':');
  if (colon == std::string::npos || colon == 0) return "";
  const std::string scheme = uri.substr(0, colon);
  const std::string driver = scheme.substr(0, scheme.find('+'));
  if (scheme == "https" || scheme == "vsphere") return "vsphere";
  if (scheme == "libxl") return "xen";
  for (const char* d : {"test", "qemu", "xen", "lxc", "ch", "bhyve", "vbox", "esx", "vpx", "openvz", "vz"})
    if (driver == d) return "libvirt";
  return "";
}

Target resolve_target(const Config& config, const std::string& name_or_uri) {
  if (auto it = config.targets.find(name_or_uri); it != config.targets.end()) return it->second;
  refuse_password_in(name_or_uri, "");
  const auto type = backend_type_for_uri(name_or_uri);
  if (type.empty()) {
    std::string known;
    for (const auto& [name, t] : config.targets) known += (known.empty() ? "" : ", ") + name;
    throw InputError(fmt::format("unknown target '{}': not in {} ({}) and not a URI such as test:///default, "
                                 "qemu:///system or https://vcenter/sdk",
                                 redact_uri(name_or_uri), config.path.empty() ? "the config (none found)" : config.path,
                                 known.empty() ? "no targets" : "targets: " + known));
  }
  Target t;
  t.name = name_or_uri;
  t.uri = name_or_uri;
  t.type = type;
  if (type == "vsphere") {
    take_uri_settings(t);
    if (const char* password = std::getenv("HVCTL_PASSWORD"))
      t.password = [p = std::string(password)] { return p; };
  }
  return t;
}

}  // namespace hvctl
