// The spec rules of first-boot identity and clones: host names, keys, who
// names the guest (init or VMware's customization), what a clone and a
// template may say. Each problem at the field the user wrote.
#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "hvctl/text.hpp"
#include "spec_reader.hpp"

namespace hvctl {
namespace {

bool valid_hostname(const std::string& h) {
  if (h.empty() || h.size() > 253) return false;
  std::size_t start = 0;
  for (;;) {
    const auto dot = h.find('.', start);
    const auto label = h.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
    if (!std::all_of(label.begin(), label.end(), [](unsigned char c) { return std::isalnum(c) || c == '-'; }))
      return false;
    if (dot == std::string::npos) return true;
    start = dot + 1;
  }
}

}  // namespace

// spec.init: a host name DNS takes, keys an authorized_keys file takes.
void SpecReader::check_init(const VmSpec& spec) {
  const auto& init = spec.init;
  if (init.hostname && !valid_hostname(*init.hostname))
    error_at(spec.mark_of("init.hostname"),
             fmt::format("spec.init.hostname '{}' is no host name: letters, digits and '-' in dot-separated labels of "
                         "1 to 63 (no '-' at either end), at most 253 in all", excerpt(*init.hostname)));
  for (std::size_t i = 0; i < init.ssh_authorized_keys.size(); ++i) {
    const auto& key = init.ssh_authorized_keys[i];
    if (key.find('\n') != std::string::npos || key.find(' ') == std::string::npos)
      error_at(spec.mark_of("init.sshAuthorizedKeys"),
               fmt::format("spec.init.sshAuthorizedKeys[{}] '{}' is not one line of an authorized_keys file (TYPE "
                           "BASE64 [COMMENT], e.g. ssh-ed25519 AAAA... ops@example)", i, excerpt(key)));
  }
}


namespace {

// "10.0.0.21": four decimal octets.
bool valid_ipv4(std::string_view s) {
  int parts = 0;
  while (true) {
    std::size_t digits = 0;
    int value = 0;
    while (digits < s.size() && std::isdigit(static_cast<unsigned char>(s[digits]))) value = value * 10 + (s[digits++] - '0');
    if (digits == 0 || digits > 3 || value > 255 || (digits > 1 && s[0] == '0')) return false;
    s.remove_prefix(digits);
    if (++parts == 4) return s.empty();
    if (s.empty() || s[0] != '.') return false;
    s.remove_prefix(1);
  }
}

// "10.0.0.21/24": an address and a prefix length of 1 to 32.
bool valid_ipv4_prefix(const std::string& s) {
  const auto slash = s.find('/');
  if (slash == std::string::npos || !valid_ipv4(std::string_view(s).substr(0, slash))) return false;
  const auto len = s.substr(slash + 1);
  if (len.empty() || len.size() > 2 || !std::all_of(len.begin(), len.end(), ::isdigit)) return false;
  const int n = std::stoi(len);
  return n >= 1 && n <= 32;
}

}  // namespace

// vsphere.customization, alone and against init (who sets what).
void SpecReader::check_customization(const VmSpec& spec) {
  if (!spec.vsphere || spec.vsphere->customization.empty()) return;
  const auto& c = spec.vsphere->customization;
  const std::string at = "vsphere.customization.";
  if (c.hostname && !valid_hostname(*c.hostname))
    error_at(spec.mark_of(at + "hostname"),
             fmt::format("spec.vsphere.customization.hostname '{}' is no host name", excerpt(*c.hostname)));
  if (c.domain && !valid_hostname(*c.domain))
    error_at(spec.mark_of(at + "domain"),
             fmt::format("spec.vsphere.customization.domain '{}' is no DNS domain", excerpt(*c.domain)));
  if (c.ipv4 && !valid_ipv4_prefix(*c.ipv4))
    error_at(spec.mark_of(at + "ipv4"), fmt::format("spec.vsphere.customization.ipv4 '{}' is not ADDRESS/PREFIX, "
                                                     "like 10.0.0.21/24", excerpt(*c.ipv4)));
  if (c.gateway && !valid_ipv4(*c.gateway))
    error_at(spec.mark_of(at + "gateway"),
             fmt::format("spec.vsphere.customization.gateway '{}' is no IPv4 address", excerpt(*c.gateway)));
  if (c.gateway && !c.ipv4)
    error_at(spec.mark_of(at + "gateway"),
             "spec.vsphere.customization.gateway needs ipv4: with DHCP the gateway comes from the DHCP server");
  for (const auto& server : c.dns)
    if (!valid_ipv4(server))
      error_at(spec.mark_of(at + "dns"),
               fmt::format("spec.vsphere.customization.dns '{}' is no IPv4 address", excerpt(server)));
  if (c.hostname && spec.init.hostname && *c.hostname != *spec.init.hostname)
    error_at(spec.mark_of(at + "hostname"),
             fmt::format("spec.vsphere.customization.hostname '{}' and spec.init.hostname '{}' name the guest twice, "
                         "differently; give one, or the same", excerpt(*c.hostname), excerpt(*spec.init.hostname)));
  if ((c.ipv4 || c.gateway || !c.dns.empty()) && spec.init.network_config)
    error_at(spec.mark_of("init.cloudInit.networkConfig"),
             "spec.init.cloudInit.networkConfig and spec.vsphere.customization both set the guest's network: on "
             "vSphere, guest customization sets it; leave one out");
}

// spec.source and spec.template.
void SpecReader::check_source(const VmSpec& spec) {
  const auto& s = spec.source;
  if (s.vm && s.template_name)
    error_at(spec.mark_of("source.template"),
             "spec.source names a VM and a template; clone one: source.vm or source.template");
  else if (s.linked && !s.name())
    error_at(spec.mark_of("source.linked"), "spec.source.linked needs source.vm or source.template");
  if (s.name() && *s.name() == spec.name)
    error_at(spec.mark_of(s.vm ? "source.vm" : "source.template"),
             fmt::format("spec.source names '{}', the VM itself; a clone needs another VM as its source", spec.name));
  if (spec.is_template.value_or(false) && spec.power && *spec.power != PowerState::stopped)
    error_at(spec.mark_of("power"), fmt::format("spec.power {} and spec.template: true: a template is never powered "
                                                "on; leave power out", to_string(*spec.power)));
}

void SpecReader::check_provisioning(const VmSpec& spec) {
  check_init(spec);
  check_customization(spec);
  check_source(spec);
}

}  // namespace hvctl
