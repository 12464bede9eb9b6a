#include "libvirt_inventory.hpp"

#include <memory>

#include <fmt/format.h>
#include <libvirt/virterror.h>

#include "hvctl/error.hpp"
#include "libvirt_handles.hpp"
#include "xml_util.hpp"

namespace hvctl::libvirt {
namespace {

constexpr unsigned long long kMiB = 1024 * 1024;

[[noreturn]] void fail(const std::string& target, const char* what) {
  throw BackendError(fmt::format("target '{}': {}: {}", target, what, virGetLastErrorMessage()));
}

// A list libvirt allocates, freed with each element's own free function.
template <typename T, int (*Free)(T)>
struct ListOf {
  T* items = nullptr;
  int count = 0;
  // The count a virConnectListAll* call returned; a failure becomes a BackendError.
  void take(int n, const std::string& target, const char* what) {
    if (n < 0) fail(target, what);
    count = n;
  }
  ~ListOf() {
    for (int i = 0; i < count; ++i) Free(items[i]);
    free(items);
  }
};

}  // namespace

std::string version_text(unsigned long version) {
  return fmt::format("{}.{}.{}", version / 1000000, version / 1000 % 1000, version % 1000);
}

HostInfo read_node(virConnectPtr conn, const std::string& target) {
  virNodeInfo node{};
  if (virNodeGetInfo(conn, &node) < 0) fail(target, "cannot read the node's CPUs and memory");
  HostInfo h;
  CString hostname(virConnectGetHostname(conn));
  h.name = hostname ? hostname.get() : target;
  const char* type = virConnectGetType(conn);
  unsigned long version = 0;
  h.product = type ? type : "libvirt";
  if (virConnectGetVersion(conn, &version) == 0 && version) h.product += " " + version_text(version);
  h.cpus = static_cast<int>(node.cpus);
  h.cpu_mhz = static_cast<std::uint64_t>(node.mhz) * node.cpus;
  h.memory_mib = node.memory / 1024;  // KiB
  // Not every driver reports free memory (0 with an error): then it is unknown.
  if (const auto free_bytes = virNodeGetFreeMemory(conn); free_bytes > 0) h.memory_free_mib = free_bytes / kMiB;
  else virResetLastError();
  const int domains = virConnectListAllDomains(conn, nullptr, 0);
  if (domains >= 0) h.vms = domains;
  return h;
}

NetworkInfo network_from_xml(const std::string& text) {
  auto doc = xml::parse(text, "network");
  const xmlNode* root = xmlDocGetRootElement(doc.get());
  NetworkInfo n;
  n.name = xml::child_text(root, "name").value_or("");
  n.type = "network";
  const auto* forward = xml::child(root, "forward");
  const std::string mode = forward ? xml::attr(forward, "mode").value_or("nat") : "isolated";
  const auto bridge = xml::attr(xml::child(root, "bridge"), "name");
  n.detail = bridge ? mode + ", bridge " + *bridge : mode;
  if (auto id = xml::attr(xml::child(xml::child(root, "vlan"), "tag"), "id")) {
    try {
      n.vlan = std::stoi(*id);
    } catch (const std::exception&) {
    }
  }
  return n;
}

StorageInfo pool_from_xml(const std::string& text) {
  auto doc = xml::parse(text, "pool");
  const xmlNode* root = xmlDocGetRootElement(doc.get());
  StorageInfo s;
  s.name = xml::child_text(root, "name").value_or("");
  s.type = xml::attr(root, "type").value_or("");
  s.location = xml::child_text(xml::child(root, "target"), "path").value_or("");
  return s;
}

std::vector<NetworkInfo> read_networks(virConnectPtr conn, const std::string& target) {
  ListOf<virNetworkPtr, virNetworkFree> nets;
  nets.take(virConnectListAllNetworks(conn, &nets.items, 0), target, "cannot list networks");
  std::vector<NetworkInfo> out;
  for (int i = 0; i < nets.count; ++i) {
    CString xml(virNetworkGetXMLDesc(nets.items[i], 0));
    if (!xml) fail(target, "cannot read a network's configuration");
    auto n = network_from_xml(xml.get());
    if (const int active = virNetworkIsActive(nets.items[i]); active >= 0) n.active = active == 1;
    out.push_back(std::move(n));
  }
  return out;
}

std::vector<StorageInfo> read_pools(virConnectPtr conn, const std::string& target) {
  ListOf<virStoragePoolPtr, virStoragePoolFree> pools;
  pools.take(virConnectListAllStoragePools(conn, &pools.items, 0), target, "cannot list storage pools");
  std::vector<StorageInfo> out;
  for (int i = 0; i < pools.count; ++i) {
    CString xml(virStoragePoolGetXMLDesc(pools.items[i], 0));
    if (!xml) fail(target, "cannot read a storage pool's configuration");
    auto s = pool_from_xml(xml.get());
    virStoragePoolInfo info{};
    if (virStoragePoolGetInfo(pools.items[i], &info) < 0) fail(target, "cannot read a storage pool's size");
    s.accessible = info.state == VIR_STORAGE_POOL_RUNNING;
    if (info.state == VIR_STORAGE_POOL_RUNNING) {  // an inactive pool reports no sizes
      s.capacity_mib = info.capacity / kMiB;
      s.free_mib = info.available / kMiB;
    }
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace hvctl::libvirt
