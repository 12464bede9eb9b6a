#include "libvirt_storage.hpp"

#include <fmt/format.h>

#include "hvctl/units.hpp"
#include "libvirt_xml.hpp"
#include "xml_util.hpp"

namespace hvctl::libvirt {
namespace {

constexpr std::uint64_t kMib = 1024 * 1024;

Vol lookup(virConnectPtr conn, const std::string& path) { return Vol(virStorageVolLookupByPath(conn, path.c_str())); }

std::optional<std::uint64_t> capacity_mib(virStorageVolPtr vol) {
  virStorageVolInfo info{};
  if (virStorageVolGetInfo(vol, &info) < 0) return std::nullopt;
  return info.capacity / kMib;
}

}  // namespace

std::optional<ImageInfo> pool_image_info(virConnectPtr conn, const std::string& path) {
  Vol vol = lookup(conn, path);
  if (!vol) {
    virResetLastError();
    return std::nullopt;
  }
  virStorageVolInfo info{};
  CString xml(virStorageVolGetXMLDesc(vol.get(), 0));
  if (virStorageVolGetInfo(vol.get(), &info) < 0 || !xml) return std::nullopt;
  const auto doc = xml::parse(xml.get(), "storage volume XML");
  const auto format = xml::attr(xml::child(xml::child(xmlDocGetRootElement(doc.get()), "target"), "format"), "type");
  return ImageInfo{format.value_or("raw"), info.capacity};
}

bool is_local(const std::string& uri) {
  const auto scheme = uri.find("://");
  return scheme != std::string::npos && uri.compare(scheme + 3, 1, "/") == 0;
}

std::optional<std::uint64_t> volume_size_mib(virConnectPtr conn, const std::string& path) {
  Vol vol = lookup(conn, path);
  return vol ? capacity_mib(vol.get()) : std::nullopt;
}

std::string create_volume(virConnectPtr conn, const std::string& pool_name, const VolumeRequest& r, const Context& ctx) {
  const auto& name = r.name;
  Pool pool(virStoragePoolLookupByName(conn, pool_name.c_str()));
  if (!pool) ctx.fail(fmt::format("cannot find storage pool '{}' (target option 'pool') for a disk of", pool_name));
  Vol vol(virStorageVolCreateXML(pool.get(), volume_xml(r).c_str(), 0));
  if (!vol) ctx.fail(fmt::format("cannot create volume '{}' in pool '{}' for", name, pool_name));
  CString path(virStorageVolGetPath(vol.get()));
  if (!path) ctx.fail(fmt::format("cannot read the path of volume '{}' for", name));
  return path.get();
}

void grow_volume(virConnectPtr conn, const std::string& path, std::uint64_t size_mib, const Context& ctx) {
  Vol vol = lookup(conn, path);
  if (!vol) ctx.fail(fmt::format("cannot resize '{}' (not a storage volume) of", path));
  const auto current = capacity_mib(vol.get());
  if (!current) ctx.fail(fmt::format("cannot read the size of '{}' of", path));
  if (*current == size_mib) return;
  if (*current > size_mib)
    ctx.fail(fmt::format("cannot shrink '{}' of", path),
             fmt::format("it is {} and hvctl never shrinks disks", format_size_mib(*current)));
  if (virStorageVolResize(vol.get(), size_mib * kMib, 0) < 0) ctx.fail(fmt::format("cannot grow '{}' of", path));
}

void delete_volume(virConnectPtr conn, const std::string& path, const Context& ctx) {
  Vol vol = lookup(conn, path);
  if (!vol) return;
  if (virStorageVolDelete(vol.get(), 0) < 0) ctx.fail(fmt::format("cannot delete volume '{}' of", path));
}

}  // namespace hvctl::libvirt
