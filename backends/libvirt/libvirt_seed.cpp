#include "libvirt_seed.hpp"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include <fmt/format.h>

#include "hvctl/first_boot.hpp"
#include "hvctl/nocloud_seed.hpp"
#include "hvctl/text.hpp"
#include "libvirt_xml.hpp"

namespace hvctl::libvirt {
namespace {

struct StreamFree {
  void operator()(virStreamPtr s) const { virStreamFree(s); }
};
using Stream = std::unique_ptr<virStream, StreamFree>;

// The seed image's bytes, built in a private temporary directory.
std::string seed_bytes(const VmSpec& spec, const Context& c) {
  std::string dir = (std::filesystem::temp_directory_path() / "hvctl-seed-XXXXXX").string();
  if (!::mkdtemp(dir.data())) c.fail("cannot make a temporary directory for the seed of", std::strerror(errno));
  const std::string path = dir + "/seed.iso";
  try {
    write_seed_iso(path, nocloud_files(spec));
    std::string bytes = read_input_file(path);
    std::filesystem::remove_all(dir);
    return bytes;
  } catch (const std::exception& e) {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
    c.fail("cannot build the NoCloud seed of", e.what());
  }
}

void upload(virConnectPtr conn, virStorageVolPtr vol, const std::string& bytes, const std::string& name, const Context& c) {
  Stream stream(virStreamNew(conn, 0));
  if (!stream || virStorageVolUpload(vol, stream.get(), 0, bytes.size(), 0) < 0)
    c.fail(fmt::format("cannot upload seed volume '{}' of", name));
  for (std::size_t at = 0; at < bytes.size();) {
    const int n = virStreamSend(stream.get(), bytes.data() + at, bytes.size() - at);
    if (n < 0) {
      virStreamAbort(stream.get());
      c.fail(fmt::format("cannot upload seed volume '{}' of", name));
    }
    at += static_cast<std::size_t>(n);
  }
  if (virStreamFinish(stream.get()) < 0) c.fail(fmt::format("cannot upload seed volume '{}' of", name));
}

}  // namespace

std::string seed_volume_name(const std::string& vm) { return vm + "-seed.iso"; }

std::string make_seed_volume(virConnectPtr conn, const std::string& pool_name, const VmSpec& spec, const Context& c) {
  const std::string bytes = seed_bytes(spec, c);
  const std::string name = seed_volume_name(spec.name);
  Pool pool(virStoragePoolLookupByName(conn, pool_name.c_str()));
  if (!pool) c.fail(fmt::format("cannot find storage pool '{}' (target option 'pool') for the seed of", pool_name));
  if (Vol old(virStorageVolLookupByName(pool.get(), name.c_str())); old) {
    if (virStorageVolDelete(old.get(), 0) < 0) c.fail(fmt::format("cannot replace seed volume '{}' of", name));
  } else {
    virResetLastError();
  }
  const std::string xml = fmt::format("<volume><name>{}</name><capacity unit='bytes'>{}</capacity>"
                                      "<target><format type='raw'/></target></volume>", name, bytes.size());
  Vol vol(virStorageVolCreateXML(pool.get(), xml.c_str(), 0));
  if (!vol) c.fail(fmt::format("cannot create seed volume '{}' in pool '{}' for", name, pool_name));
  try {
    upload(conn, vol.get(), bytes, name, c);
  } catch (...) {
    virStorageVolDelete(vol.get(), 0);
    throw;
  }
  CString path(virStorageVolGetPath(vol.get()));
  if (!path) c.fail(fmt::format("cannot read the path of seed volume '{}' of", name));
  return path.get();
}

}  // namespace hvctl::libvirt
