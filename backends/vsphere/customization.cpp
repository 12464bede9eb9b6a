#include "customization.hpp"

#include <stdexcept>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace hvctl::vsphere {
namespace {

void write_adapter(xml::Element adapter, const CustomizationSpec& c, bool first) {
  if (!first || !c.ipv4) {
    adapter.add("ip").typed("CustomizationDhcpIpGenerator");
    return;
  }
  const auto slash = c.ipv4->find('/');
  if (slash == std::string::npos) throw std::invalid_argument(fmt::format("customization.ipv4 '{}' has no /prefix", *c.ipv4));
  auto ip = adapter.add("ip");
  ip.typed("CustomizationFixedIp");
  ip.add("ipAddress", c.ipv4->substr(0, slash));
  adapter.add("subnetMask", subnet_mask(std::stoi(c.ipv4->substr(slash + 1))));
  if (c.gateway) adapter.add("gateway", *c.gateway);
}

}  // namespace

std::string subnet_mask(int prefix) {
  if (prefix < 0 || prefix > 32) throw std::invalid_argument(fmt::format("IPv4 prefix /{} is above 32", prefix));
  const std::uint32_t mask = prefix == 0 ? 0u : ~std::uint32_t{0} << (32 - prefix);
  return fmt::format("{}.{}.{}.{}", mask >> 24, (mask >> 16) & 0xff, (mask >> 8) & 0xff, mask & 0xff);
}

void write_customization(xml::Element spec, const VmSpec& vm, std::size_t nics) {
  const CustomizationSpec c = vm.vsphere ? vm.vsphere->customization : CustomizationSpec{};
  auto identity = spec.add("identity");
  identity.typed("CustomizationLinuxPrep");
  auto name = identity.add("hostName");
  name.typed("CustomizationFixedName");
  name.add("name", c.hostname.value_or(vm.init.hostname.value_or(vm.name)));
  identity.add("domain", c.domain.value_or(""));
  auto global = spec.add("globalIPSettings");
  for (const auto& server : c.dns) global.add("dnsServerList", server);
  for (std::size_t i = 0; i < nics; ++i) write_adapter(spec.add("nicSettingMap").add("adapter"), c, i == 0);
}

std::string customization_record(const CustomizationSpec& c) {
  nlohmann::json j = nlohmann::json::object();
  if (c.hostname) j["hostname"] = *c.hostname;
  if (c.domain) j["domain"] = *c.domain;
  if (c.ipv4) j["ipv4"] = *c.ipv4;
  if (c.gateway) j["gateway"] = *c.gateway;
  if (!c.dns.empty()) j["dns"] = c.dns;
  return j.dump();
}

CustomizationSpec read_customization_record(const std::string& text) {
  CustomizationSpec c;
  const auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object()) return c;
  auto text_of = [&](const char* key) -> std::optional<std::string> {
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? std::optional<std::string>(it->get<std::string>()) : std::nullopt;
  };
  c.hostname = text_of("hostname");
  c.domain = text_of("domain");
  c.ipv4 = text_of("ipv4");
  c.gateway = text_of("gateway");
  if (auto it = j.find("dns"); it != j.end() && it->is_array())
    for (const auto& s : *it)
      if (s.is_string()) c.dns.push_back(s.get<std::string>());
  return c;
}

std::string customization_document(const VmSpec& vm, std::size_t nics) {
  auto doc = xml::Builder::standalone("spec");
  write_customization(doc.top(), vm, nics);
  return doc.str(true);
}

}  // namespace hvctl::vsphere
