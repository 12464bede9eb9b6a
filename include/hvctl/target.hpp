// Targets: the hypervisors hvctl talks to, as named in the config file.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace hvctl {

struct Target {
  std::string name;      // config key, or the URI itself for ad-hoc targets
  std::string type;      // "libvirt" | "vsphere" | "xen"
  std::string uri;       // backend URI (libvirt URI, https://vc/sdk, "xen:local")
  std::string username;
  // Resolves the password when a backend first needs it (env var, command, or
  // the 0600 config file). Empty function: no password configured.
  std::function<std::string()> password;
  // backend-specific: domain_type, insecure, ca_file, thumbprint, timeout (seconds per request)
  std::map<std::string, std::string> options;
  std::optional<int> parallel;                 // per-target concurrency override

  std::string option(const std::string& key, const std::string& fallback = "") const;
};

struct Config {
  std::string path;                      // where it was read from ("" if none)
  std::map<std::string, Target> targets;
  std::optional<std::string> default_target;
};

// Reads the config file. `explicit_path` from --config or HVCTL_CONFIG must
// exist; the default path ($XDG_CONFIG_HOME/hvctl/config.yaml) may be missing.
// Throws InputError with file:line:column on bad content, and refuses a file
// holding a plain password unless its mode is 0600 or stricter.
Config load_config(const std::optional<std::string>& explicit_path);

// Path of the config file that applies when none is given.
std::string default_config_path();

// A target from a name in the config or a URI ("test:///default",
// "qemu:///system", "xen+ssh://root@host/system", "https://vc/sdk", "xen:local").
Target resolve_target(const Config& config, const std::string& name_or_uri);

// Backend type implied by a URI's scheme, or "" when unknown.
std::string backend_type_for_uri(const std::string& uri);

}  // namespace hvctl
