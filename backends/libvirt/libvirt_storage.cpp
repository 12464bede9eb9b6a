#include "libvirt_storage.hpp"

#include <algorithm>

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

// Makes `r` an overlay of the disk's base image, checked first: its format
// from the pool that holds it, else (a local connection) from its header;
// a size below its virtual size, or a format other than the one the spec
// declares (at `declared_at`, "" when it declares none), is refused before
// anything is made. The overlay is the image's size unless the spec asks for more.
void base_image(virConnectPtr conn, const DiskPlace& place, VolumeRequest& r, const DiskSpec& disk,
                const std::string& declared_at, const Context& c) {
  const std::string& path = *disk.from;
  const std::string what = fmt::format("cannot make disk '{}' from base image {} for", disk.id, path);
  std::optional<ImageInfo> info = pool_image_info(conn, path);
  if (!info && place.local) {
    try {
      info = probe_image(path);
    } catch (const InputError& e) {
      c.fail(what, e.what());
    }
  }
  if (!info) c.fail(what, "no storage pool on the target holds it; put it in a pool (a dir pool will do)");
  const std::uint64_t image_mib = (info->virtual_bytes + (1 << 20) - 1) >> 20;
  if (r.size_mib && r.size_mib < image_mib)
    c.fail(what, fmt::format("size {} is below the image's virtual size of {}; a disk never shrinks",
                             format_size_mib(r.size_mib), format_size_mib(image_mib)));
  if (r.format != "qcow2") c.fail(what, fmt::format("a disk made from a base image is a qcow2 overlay, not {}", r.format));
  if (!declared_at.empty() && info->format != r.format)
    c.fail(what, fmt::format("the image is {}, not {} as its format says at {}; leave format unset for a {} image (the "
                             "disk is a qcow2 overlay of it either way)",
                             info->format, r.format, declared_at, info->format));
  r.size_mib = std::max(r.size_mib, image_mib);
  r.backing_path = path;
  r.backing_format = info->format;
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

void delete_volumes(virConnectPtr conn, const std::vector<std::string>& paths, const Context& c) {
  for (const auto& path : paths) {
    try {
      delete_volume(conn, path, c);
    } catch (const BackendError&) {  // the original error is the one to report
    }
  }
}

namespace {

// A clone's disk: a whole copy of the source's volume (virStorageVolCreateXMLFrom,
// which reads it through its own pool, so a remote daemon copies in place), in
// its format, grown to the spec's size when that is larger. Sets the disk's path and format.
void copy_volume(virConnectPtr conn, const std::string& pool_name, VolumeRequest r, DiskSpec& disk, const Context& c) {
  const std::string what = fmt::format("cannot copy disk '{}' from {} for", disk.id, *disk.from);
  Vol source = lookup(conn, *disk.from);
  if (!source) c.fail(what, "no storage pool on the target holds it");
  const auto info = pool_image_info(conn, *disk.from);
  if (!info) c.fail(what, "cannot read the source volume");
  const std::uint64_t image_mib = (info->virtual_bytes + kMib - 1) / kMib;
  if (r.size_mib && r.size_mib < image_mib)
    c.fail(what, fmt::format("size {} is below the source disk's {}; a disk never shrinks", format_size_mib(r.size_mib),
                             format_size_mib(image_mib)));
  r.format = info->format;
  r.size_mib = std::max(r.size_mib, image_mib);
  Pool pool(virStoragePoolLookupByName(conn, pool_name.c_str()));
  if (!pool) c.fail(fmt::format("cannot find storage pool '{}' (target option 'pool') for a disk of", pool_name));
  Vol vol(virStorageVolCreateXMLFrom(pool.get(), volume_xml(r).c_str(), source.get(), 0));
  if (!vol) c.fail(what);
  CString path(virStorageVolGetPath(vol.get()));
  if (!path) c.fail(fmt::format("cannot read the path of volume '{}' for", r.name));
  disk.path = path.get();
  disk.format = r.format;
}

}  // namespace

std::vector<std::string> create_disk_volumes(virConnectPtr conn, const DiskPlace& place, VmSpec& spec,
                                             std::set<std::string>& owned, const Context& c) {
  std::vector<std::string> created;
  try {
    for (std::size_t i = 0; i < spec.disks.size(); ++i) {
      auto& disk = spec.disks[i];
      if (disk.path || (!disk.size_mib && !disk.from)) continue;
      VolumeRequest r{fmt::format("{}-{}.img", spec.name, disk.id), disk.size_mib.value_or(0), "", "", ""};
      if (disk.from && disk.copy_from) {
        copy_volume(conn, place.pool, r, disk, c);
        created.push_back(*disk.path);
        owned.insert(disk.id);
        continue;
      }
      const auto declared = disk.format;
      disk.format = disk.format.value_or("qcow2");  // qcow2: qemu's internal snapshots need it
      r.format = *disk.format;
      if (disk.from)
        base_image(conn, place, r, disk, declared ? spec.mark_of(fmt::format("disks[{}].format", i)).str() : "", c);
      disk.path = create_volume(conn, place.pool, r, c);
      created.push_back(*disk.path);
      owned.insert(disk.id);
    }
  } catch (...) {
    delete_volumes(conn, created, c);
    throw;
  }
  return created;
}

}  // namespace hvctl::libvirt
