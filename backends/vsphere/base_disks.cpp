#include "base_disks.hpp"

#include <cctype>
#include <sstream>

#include <fmt/format.h>

#include "hvctl/disk_image.hpp"

namespace hvctl::vsphere {
namespace {

// RFC 3986 percent-encoding; `keep_slash` for a path.
std::string encode(std::string_view s, bool keep_slash) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || (keep_slash && c == '/'))
      out += static_cast<char>(c);
    else
      out += fmt::format("%{:02X}", c);
  }
  return out;
}

std::string trim(std::string s) {
  const auto b = s.find_first_not_of(" \t\r");
  const auto e = s.find_last_not_of(" \t\r");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

}  // namespace

std::string DatastorePath::dir() const {
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? "" : path.substr(0, slash);
}

std::optional<DatastorePath> parse_datastore_path(const std::string& text) {
  if (text.size() < 3 || text.front() != '[') return std::nullopt;
  const auto end = text.find(']');
  if (end == std::string::npos || end == 1) return std::nullopt;
  DatastorePath p{text.substr(1, end - 1), trim(text.substr(end + 1))};
  if (p.path.empty() || p.path.back() == '/') return std::nullopt;
  return p;
}

std::string datastore_file_url(const std::string& sdk_url, const std::string& dc_path, const DatastorePath& p) {
  const auto scheme = sdk_url.find("://");
  const auto path_at = sdk_url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  const std::string origin = sdk_url.substr(0, path_at);
  return fmt::format("{}/folder/{}?dcPath={}&dsName={}", origin, encode(p.path, true), encode(dc_path, true),
                     encode(p.datastore, false));
}

std::optional<std::uint64_t> vmdk_virtual_bytes(std::string_view head) {
  if (head.substr(0, 4) == "KDMV") return image_info_from_header(head, 0).virtual_bytes;
  if (head.find('\0') != std::string_view::npos) return std::nullopt;  // binary: no descriptor
  std::istringstream in{std::string(head)};
  std::string line, access;
  std::uint64_t sectors = 0;
  bool extents = false;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    unsigned long long n = 0;
    if (!(words >> access) || (access != "RW" && access != "RDONLY" && access != "NOACCESS")) continue;
    if (!(words >> n)) continue;
    sectors += n;
    extents = true;
  }
  if (!extents) return std::nullopt;
  return sectors * 512;
}

DatastorePath copy_destination(const std::string& vm_path, const std::string& vm_name, const std::string& disk_id) {
  const auto vmx = parse_datastore_path(vm_path);
  DatastorePath out{vmx ? vmx->datastore : "", ""};
  const std::string dir = vmx ? vmx->dir() : vm_name;
  out.path = (dir.empty() ? "" : dir + "/") + vm_name + "-" + disk_id + ".vmdk";
  return out;
}

void write_copy_request(xml::Element top, const BaseCopy& c, bool host) {
  top.add("sourceName", c.source.str());
  top.add_moref("sourceDatacenter", c.source_dc.type, c.source_dc.value);
  top.add("destName", c.dest.str());
  top.add_moref("destDatacenter", c.dest_dc.type, c.dest_dc.value);
  if (host) {
    auto spec = top.add("destSpec");
    spec.typed("VirtualDiskSpec");
    spec.add("diskType", "thin");
    spec.add("adapterType", "lsiLogic");
  }
  top.add("force", false);
}

std::string copy_request_document(const BaseCopy& c, bool host) {
  auto doc = xml::Builder::standalone("CopyVirtualDisk_Task");
  write_copy_request(doc.top(), c, host);
  return doc.str(true);
}

}  // namespace hvctl::vsphere
