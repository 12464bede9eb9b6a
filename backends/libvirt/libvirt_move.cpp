// hvctl move on libvirt: a VM's volumes as streams (virStorageVolDownload;
// a qcow2 volume through a raw scratch copy libvirt makes of it),
// and new volumes filled from one (virStorageVolUpload, sparse: runs of
// zeros travel as holes). Each stream has a connection of its own: two
// streams on one connection can deadlock libvirt's client (see the console
// watches), and a copy must not hold up the backend's other calls.
#include <algorithm>

#include <fmt/format.h>

#include "hvctl/zeros.hpp"
#include "libvirt_backend_impl.hpp"
#include "libvirt_connect.hpp"
#include "libvirt_storage.hpp"
#include "xml_util.hpp"

namespace hvctl::libvirt {
namespace {

struct ConnectClose {
  void operator()(virConnectPtr c) const { virConnectClose(c); }
};
using Connection = std::unique_ptr<virConnect, ConnectClose>;
struct StreamFree {
  void operator()(virStreamPtr s) const { virStreamFree(s); }
};
using Stream = std::unique_ptr<virStream, StreamFree>;

std::string volume_format(virStorageVolPtr vol) {
  CString xml(virStorageVolGetXMLDesc(vol, 0));
  if (!xml) return "raw";
  const auto doc = xml::parse(xml.get(), "storage volume XML");
  const auto* target = xml::child(xmlDocGetRootElement(doc.get()), "target");
  return xml::attr(xml::child(target, "format"), "type").value_or("raw");
}

std::string scratch_name(virStorageVolPtr vol) {
  const char* name = virStorageVolGetName(vol);
  return fmt::format("{}.hvctl-move.raw", name ? name : "volume");
}

// A raw copy of a volume stored in another format, made by libvirt in the
// volume's own pool for as long as the object lives: libvirt streams a
// volume as it is stored, and its storage driver converts on the host that
// holds the volume (virStorageVolCreateXMLFrom runs qemu-img convert, which
// reads a backing chain through), remote or not. One scratch copy per disk,
// removed when the copy is done or fails.
class RawScratch {
public:
  RawScratch(virStorageVolPtr source, std::uint64_t capacity, const Context& ctx) {
    Pool pool(virStoragePoolLookupByVolume(source));
    if (!pool) ctx.fail("cannot find the storage pool of a volume of");
    const std::string name = scratch_name(source);
    if (Vol old(virStorageVolLookupByName(pool.get(), name.c_str())); old) {
      virStorageVolDelete(old.get(), 0);  // (an earlier run's, cut short)
    } else {
      virResetLastError();
    }
    const std::string xml = fmt::format(
        "<volume><name>{}</name><capacity unit='bytes'>{}</capacity><allocation>0</allocation>"
        "<target><format type='raw'/></target></volume>",
        name, capacity);
    vol_.reset(virStorageVolCreateXMLFrom(pool.get(), xml.c_str(), source, 0));
    if (!vol_) ctx.fail(fmt::format("cannot convert a volume to the raw scratch volume {} for", name));
  }
  ~RawScratch() {
    if (vol_) virStorageVolDelete(vol_.get(), 0);
  }
  RawScratch(const RawScratch&) = delete;
  RawScratch& operator=(const RawScratch&) = delete;
  virStorageVolPtr get() const { return vol_.get(); }

private:
  Vol vol_;
};

// One volume's content as a stream, from `offset` on; a volume stored in
// another format than raw is read from a raw scratch copy (RawScratch).
// Sparse: the daemon sends a run of zeros as a hole (no bytes), which the
// reader gives back as zeros, so an empty stretch of a disk costs no transfer.
class VolumeReader final : public DiskReader {
public:
  VolumeReader(const Target& t, const DiskSource& disk, std::uint64_t offset, Context ctx)
      : ctx_(std::move(ctx)), conn_(open_connection(t)), what_(disk.location) {
    Vol vol(virStorageVolLookupByPath(conn_.get(), what_.c_str()));
    if (!vol) ctx_.fail(fmt::format("cannot find the volume {} of", what_));
    virStorageVolPtr from = vol.get();
    if (disk.format != "raw") {
      scratch_ = std::make_unique<RawScratch>(vol.get(), disk.capacity, ctx_);
      from = scratch_->get();
    }
    stream_.reset(virStreamNew(conn_.get(), 0));
    if (!stream_ || virStorageVolDownload(from, stream_.get(), offset, 0, VIR_STORAGE_VOL_DOWNLOAD_SPARSE_STREAM) < 0)
      ctx_.fail(fmt::format("cannot download {} of", what_));
  }
  ~VolumeReader() override {
    if (stream_ && !finished_) virStreamAbort(stream_.get());
  }
  std::size_t read(char* buffer, std::size_t size) override {
    bool zeros = false;
    const std::size_t n = read_sparse(buffer, size, zeros);
    if (zeros) std::fill(buffer, buffer + n, '\0');
    return n;
  }
  std::size_t read_sparse(char* buffer, std::size_t size, bool& zeros) override {
    zeros = false;
    if (finished_) return 0;
    size = std::min<std::size_t>(size, 1 << 20);
    if (hole_ > 0) {  // zeros the daemon skipped
      const auto n = static_cast<std::size_t>(std::min<long long>(hole_, static_cast<long long>(size)));
      hole_ -= static_cast<long long>(n);
      zeros = true;
      return n;
    }
    const int n = virStreamRecvFlags(stream_.get(), buffer, size, VIR_STREAM_RECV_STOP_AT_HOLE);
    if (n == -3) {  // at a hole: how long it is
      if (virStreamRecvHole(stream_.get(), &hole_, 0) < 0) ctx_.fail(fmt::format("cannot read {} of", what_));
      return read_sparse(buffer, size, zeros);
    }
    if (n < 0) ctx_.fail(fmt::format("cannot read {} of", what_));
    if (n == 0) {
      if (virStreamFinish(stream_.get()) < 0) ctx_.fail(fmt::format("cannot finish reading {} of", what_));
      finished_ = true;
    }
    return static_cast<std::size_t>(n);
  }

private:
  Context ctx_;
  Connection conn_;
  std::string what_;
  std::unique_ptr<RawScratch> scratch_;
  Stream stream_;
  long long hole_ = 0;  // zeros still to give back
  bool finished_ = false;
};

// A new raw volume, filled from the start: libvirt cannot say how much of
// an existing volume an earlier run wrote, so a second run starts it again.
class VolumeWriter final : public DiskWriter {
public:
  VolumeWriter(const Target& t, const DiskPlacement& p, Context ctx)
      : ctx_(std::move(ctx)), conn_(open_connection(t)), placement_(p) {
    Pool pool(virStoragePoolLookupByName(conn_.get(), p.storage.c_str()));
    if (!pool) ctx_.fail(fmt::format("cannot find storage pool '{}' for", p.storage));
    if (Vol old(virStorageVolLookupByPath(conn_.get(), p.path.c_str())); old) {
      if (virStorageVolDelete(old.get(), 0) < 0) ctx_.fail(fmt::format("cannot remove the partial copy {} of", p.path));
    } else {
      virResetLastError();
    }
    const std::string xml = fmt::format(
        "<volume><name>{}</name><capacity unit='bytes'>{}</capacity><allocation>0</allocation>"
        "<target><format type='raw'/></target></volume>",
        name_of(p.path), p.capacity);  // (VM names and disk ids need no escaping)
    vol_.reset(virStorageVolCreateXML(pool.get(), xml.c_str(), 0));
    if (!vol_) ctx_.fail(fmt::format("cannot create volume {} in pool '{}' for", p.path, p.storage));
    stream_.reset(virStreamNew(conn_.get(), 0));
    if (!stream_ ||
        virStorageVolUpload(vol_.get(), stream_.get(), 0, p.capacity, VIR_STORAGE_VOL_UPLOAD_SPARSE_STREAM) < 0)
      ctx_.fail(fmt::format("cannot upload to {} of", p.path));
  }
  ~VolumeWriter() override {
    if (stream_ && open_) virStreamAbort(stream_.get());
  }
  std::uint64_t resume_offset() override { return 0; }
  void write(const char* data, std::size_t size) override {
    if (all_zero(data, size)) {
      if (virStreamSendHole(stream_.get(), static_cast<long long>(size), 0) < 0)
        ctx_.fail(fmt::format("cannot write {} of", placement_.path));
      return;
    }
    while (size > 0) {
      const int n = virStreamSend(stream_.get(), data, std::min<std::size_t>(size, 1 << 20));
      if (n < 0) ctx_.fail(fmt::format("cannot write {} of", placement_.path));
      data += n;
      size -= static_cast<std::size_t>(n);
    }
  }
  void commit() override {
    if (virStreamFinish(stream_.get()) < 0) ctx_.fail(fmt::format("cannot finish writing {} of", placement_.path));
    open_ = false;
  }
  void discard() override {
    if (open_) virStreamAbort(stream_.get());
    open_ = false;
    if (vol_ && virStorageVolDelete(vol_.get(), 0) < 0) ctx_.fail(fmt::format("cannot remove {} of", placement_.path));
  }

private:
  static std::string name_of(const std::string& path) { return path.substr(path.rfind('/') + 1); }
  Context ctx_;
  Connection conn_;
  DiskPlacement placement_;
  Vol vol_;
  Stream stream_;
  bool open_ = true;
};

// Why the pool of `vol` cannot hold the raw scratch copy of `disk`, or "".
std::string scratch_room(virStorageVolPtr vol, const DiskSource& disk) {
  Pool pool(virStoragePoolLookupByVolume(vol));
  virStoragePoolInfo info{};
  if (!pool || virStoragePoolGetInfo(pool.get(), &info) < 0) {
    virResetLastError();
    return "";  // (the conversion says so, if it fails)
  }
  if (info.available >= disk.capacity) return "";
  const char* name = virStoragePoolGetName(pool.get());
  return fmt::format("its {} volume is read through a raw scratch copy in its pool '{}', which needs {} MiB free; "
                     "the pool has {} MiB (convert it to raw, or free space)",
                     disk.format, name ? name : "?", disk.capacity >> 20, info.available >> 20);
}

}  // namespace

DiskInventory LibvirtBackend::disks_for_move(const VmState& vm) {
  const Context c = ctx(vm.name);
  DiskInventory out;
  Domain dom = require(vm.name, "move");
  if (const int n = virDomainSnapshotNum(dom.get(), 0); n > 0)
    out.consolidable.push_back(fmt::format("VM '{}' has {} snapshot(s): a cold copy carries the current disks "
                                           "only; delete the snapshots first (hvctl snapshot remove)", vm.name, n));
  for (const auto& d : vm.spec.disks) {
    if (!d.path) continue;
    Vol vol(virStorageVolLookupByPath(conn(), d.path->c_str()));
    virStorageVolInfo info{};
    if (!vol || virStorageVolGetInfo(vol.get(), &info) < 0) {
      virResetLastError();
      out.blockers.push_back(fmt::format("disk '{}': {} is in no storage pool of {}; hvctl reads disks through "
                                         "libvirt's pools (put it in one: a dir pool will do)", d.id, *d.path,
                                         target_.name));
      continue;
    }
    DiskSource s{d.id, *d.path, volume_format(vol.get()), info.capacity, info.capacity, true, ""};
    if (s.format != "raw") {
      if (const std::string why = scratch_room(vol.get(), s); !why.empty())
        out.blockers.push_back(fmt::format("disk '{}': {}", d.id, why));
      s.conversion = fmt::format("{} volume converted by libvirt on its host into a raw scratch volume {} beside "
                                 "it (libvirt streams a volume as it is stored), streamed, then removed",
                                 s.format, scratch_name(vol.get()));
    }
    out.disks.push_back(std::move(s));
  }
  return out;
}

std::unique_ptr<DiskReader> LibvirtBackend::read_disk(const VmState& vm, const DiskSource& disk,
                                                      std::uint64_t offset) {
  return std::make_unique<VolumeReader>(target_, disk, offset, ctx(vm.name));
}

DiskPlacement LibvirtBackend::place_disk(const VmSpec& spec, const DiskSpec& disk, std::uint64_t capacity,
                                         const std::string& storage) {
  const std::string name = storage.empty() ? pool() : storage;
  Pool p(virStoragePoolLookupByName(conn(), name.c_str()));
  if (!p) {
    virResetLastError();
    throw InputError(fmt::format("target '{}' has no storage pool '{}' (hvctl storage lists them)", target_.name, name));
  }
  CString xml(virStoragePoolGetXMLDesc(p.get(), 0));
  if (!xml) ctx(spec.name).fail(fmt::format("cannot read storage pool '{}' for", name));
  const std::string volume = fmt::format("{}-{}.raw", spec.name, disk.id);
  DiskPlacement out{disk.id, pool_from_xml(xml.get()).location + "/" + volume, "raw", capacity, name, false};
  if (Vol v(virStorageVolLookupByName(p.get(), volume.c_str())); v) {
    out.exists = true;
    if (CString path(virStorageVolGetPath(v.get())); path) out.path = path.get();
  } else {
    virResetLastError();
  }
  return out;
}

std::unique_ptr<DiskWriter> LibvirtBackend::write_disk(const DiskPlacement& placement) {
  return std::make_unique<VolumeWriter>(target_, placement, ctx(""));
}

std::unique_ptr<DiskReader> LibvirtBackend::read_placed(const DiskPlacement& placement) {
  DiskSource placed{placement.disk_id, placement.path, "raw", placement.capacity, placement.capacity, true, ""};
  return std::make_unique<VolumeReader>(target_, placed, 0, ctx(""));
}

}  // namespace hvctl::libvirt
