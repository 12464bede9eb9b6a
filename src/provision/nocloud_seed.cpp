// The NoCloud seed image, built with libisofs (see nocloud_seed.hpp).
//
// libisofs quirks that shape this file:
// - It has global state (iso_init, a message queue), so one image is built at
//   a time, under one mutex; iso_finish is never called (the library stays
//   initialised for the process's life, which is what it expects).
// - It reports a failure two ways: a negative return code (iso_error_to_msg
//   gives its words) and, for what goes wrong in its writer thread, a message
//   in its queue while read() just returns -1. Both are read here; nothing is
//   printed to stderr by it (print severity NEVER).
// - The image is produced by a writer thread behind a burn_source; it must be
//   cancelled when we stop reading early, and freed.
#include "hvctl/nocloud_seed.hpp"

#include "hvctl/error.hpp"

// Without libburn, libisofs.h declares struct burn_source itself when asked to.
#define LIBISOFS_WITHOUT_LIBBURN 1
#include <libisofs/libisofs.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <mutex>
#include <set>
#include <unistd.h>

namespace hvctl {
namespace {

// YAML double-quoted scalar: every byte below 0x20, 0x7f, '"' and '\' escaped.
std::string yaml_quote(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c == 0x7f) {
      static const char hex[] = "0123456789abcdef";
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 0xf];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

void check_input(const std::string& path, const std::vector<SeedFile>& files, const std::string& volume_id) {
  const std::string where = "seed image " + path + ": ";
  if (volume_id.empty() || volume_id.size() > 32)
    throw InputError(where + "volume id '" + volume_id + "' must be 1 to 32 bytes");
  std::set<std::string> seen;
  for (const auto& f : files) {
    if (f.name.empty() || f.name == "." || f.name == ".." || f.name.size() > 255 ||
        f.name.find_first_of(std::string("/\0", 2)) != std::string::npos)
      throw InputError(where + "bad file name '" + f.name +
                       "' (not empty, no '/' or NUL, not . or .., at most 255 bytes)");
    if (!seen.insert(f.name).second) throw InputError(where + "file '" + f.name + "' is given twice");
  }
}

// The oldest queued libisofs message of severity SORRY or worse, or "".
std::string queued_message() {
  char text[ISO_MSGS_MESSAGE_LEN];
  char severity[80];
  int code = 0, imgid = 0;
  std::string found;
  if (iso_obtain_msgs(const_cast<char*>("SORRY"), &code, &imgid, text, severity) == 1) found = text;
  iso_obtain_msgs(const_cast<char*>("NEVER"), &code, &imgid, text, severity);  // drop the rest
  return found;
}

[[noreturn]] void fail(const std::string& path, const std::string& what, int code) {
  std::string msg = queued_message();
  if (msg.empty() && code < 0) msg = iso_error_to_msg(code);
  throw BackendError("seed image " + path + ": " + what + ": " + (msg.empty() ? "libisofs failed" : msg));
}

void init_library(const std::string& path) {
  static bool initialised = false;
  if (initialised) return;
  int rc = iso_init_with_flag(1);  // bit0: leave the locale alone
  if (rc < 0) fail(path, "cannot initialise libisofs", rc);
  iso_set_msgs_severities(const_cast<char*>("SORRY"), const_cast<char*>("NEVER"), const_cast<char*>("hvctl"));
  initialised = true;
}

void fix_node(IsoNode* node, mode_t mode) {
  iso_node_set_permissions(node, mode);
  iso_node_set_uid(node, 0);
  iso_node_set_gid(node, 0);
  iso_node_set_mtime(node, kSeedTime);
  iso_node_set_atime(node, kSeedTime);
  iso_node_set_ctime(node, kSeedTime);
}

// Owns what libisofs hands out for one image.
struct IsoBuild {
  IsoImage* image = nullptr;
  IsoWriteOpts* opts = nullptr;
  burn_source* source = nullptr;
  bool done = false;  // the source was read to its end
  ~IsoBuild() {
    if (source) {
      if (!done) source->cancel(source);
      source->free_data(source);
      free(source);
    }
    if (opts) iso_write_opts_free(opts);
    if (image) iso_image_unref(image);
  }
};

void add_files(IsoBuild& b, const std::string& path, const std::vector<SeedFile>& files) {
  IsoDir* root = iso_image_get_root(b.image);
  fix_node(reinterpret_cast<IsoNode*>(root), 0555);
  for (const auto& f : files) {
    // The stream owns the buffer (free()s it); malloc(0) may be NULL, hence +1.
    auto* buf = static_cast<unsigned char*>(malloc(f.content.size() + 1));
    if (!buf) throw BackendError("seed image " + path + ": out of memory");
    memcpy(buf, f.content.data(), f.content.size());
    IsoStream* stream = nullptr;
    int rc = iso_memory_stream_new(buf, f.content.size(), &stream);
    if (rc < 0) {
      free(buf);
      fail(path, "cannot hold file '" + f.name + "'", rc);
    }
    IsoFile* file = nullptr;
    rc = iso_image_add_new_file(b.image, root, f.name.c_str(), stream, &file);
    if (rc < 0) {
      iso_stream_unref(stream);
      fail(path, "cannot add file '" + f.name + "'", rc);
    }
    fix_node(reinterpret_cast<IsoNode*>(file), 0444);
  }
}

void set_options(IsoBuild& b, const std::string& path) {
  int rc = iso_write_opts_new(&b.opts, 2);  // DISTRIBUTION: Rock Ridge and Joliet
  if (rc < 0) fail(path, "cannot make write options", rc);
  iso_write_opts_set_iso_level(b.opts, 3);
  iso_write_opts_set_rockridge(b.opts, 1);
  iso_write_opts_set_joliet(b.opts, 1);
  iso_write_opts_set_joliet_longer_paths(b.opts, 1);
  iso_write_opts_set_omit_version_numbers(b.opts, 2);  // Joliet: "user-data", not "user-data.;1"
  iso_write_opts_set_no_force_dots(b.opts, 2);
  iso_write_opts_set_relaxed_vol_atts(b.opts, 1);  // the label as given ("cidata"), not upper-cased
  // Fixed times and owners, so the same files give the same bytes.
  iso_write_opts_set_replace_mode(b.opts, 0, 0, 0, 0);  // keep what fix_node set
  iso_write_opts_set_replace_timestamps(b.opts, 2);
  iso_write_opts_set_default_timestamp(b.opts, kSeedTime);
  iso_write_opts_set_always_gmt(b.opts, 1);
  char uuid[] = "2000010100000000";  // kSeedTime as YYYYMMDDhhmmsscc
  iso_write_opts_set_pvd_times(b.opts, kSeedTime, kSeedTime, 0, 0, uuid);
}

// Reads the image from its burn_source into fd.
void copy_out(IsoBuild& b, int fd, const std::string& path) {
  unsigned char block[2048];
  for (;;) {
    int n = b.source->read_xt(b.source, block, sizeof block);
    if (n == 0) break;
    if (n < 0) fail(path, "cannot generate the image", 0);
    for (int off = 0; off < n;) {
      ssize_t w = write(fd, block + off, static_cast<size_t>(n - off));
      if (w < 0 && errno == EINTR) continue;
      if (w < 0) throw BackendError("seed image " + path + ": write: " + std::strerror(errno));
      off += static_cast<int>(w);
    }
  }
  b.done = true;
  if (fsync(fd) != 0) throw BackendError("seed image " + path + ": fsync: " + std::strerror(errno));
}

void build_into(int fd, const std::string& path, const std::vector<SeedFile>& files, const std::string& volume_id) {
  IsoBuild b;
  int rc = iso_image_new(volume_id.c_str(), &b.image);
  if (rc < 0) fail(path, "cannot make an image", rc);
  iso_image_set_volume_id(b.image, volume_id.c_str());
  add_files(b, path, files);
  set_options(b, path);
  rc = iso_image_create_burn_source(b.image, b.opts, &b.source);
  if (rc < 0) {
    b.source = nullptr;
    fail(path, "cannot start writing", rc);
  }
  copy_out(b, fd, path);
}

}  // namespace

std::string nocloud_meta_data(const std::string& instance_id, const std::string& hostname) {
  if (instance_id.empty()) throw InputError("NoCloud meta-data: the instance-id is empty");
  std::string out = "instance-id: " + yaml_quote(instance_id) + "\n";
  if (!hostname.empty()) out += "local-hostname: " + yaml_quote(hostname) + "\n";
  return out;
}

void write_seed_iso(const std::string& path, const std::vector<SeedFile>& files, const std::string& volume_id,
                    mode_t mode) {
  check_input(path, files, volume_id);
  static std::mutex isofs_mutex;  // libisofs's global state: one image at a time
  std::lock_guard<std::mutex> lock(isofs_mutex);
  init_library(path);
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) throw BackendError("seed image " + path + ": cannot create: " + std::strerror(errno));
  try {
    build_into(fd, path, files, volume_id);
  } catch (...) {
    close(fd);
    unlink(path.c_str());
    throw;
  }
  if (close(fd) != 0) {
    int e = errno;
    unlink(path.c_str());
    throw BackendError("seed image " + path + ": close: " + std::strerror(e));
  }
}

}  // namespace hvctl
