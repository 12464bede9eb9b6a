#include "vm_move.hpp"

#include <fmt/format.h>

#include "datastore_http.hpp"
#include "hvctl/error.hpp"
#include "properties.hpp"
#include "tasks.hpp"

namespace hvctl::vsphere {
namespace {

constexpr std::size_t kDescriptorBytes = 64 * 1024;  // a descriptor is a few hundred bytes

std::string file_name(const std::string& path) {
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// The extent written to a placement, committed with its descriptor at the
// end, or both deleted (discard).
class DatastoreDiskWriter final : public DiskWriter {
public:
  DatastoreDiskWriter(VmMove& move, SoapClient& client, const DiskPlacement& p, DatastorePath descriptor, Moref dc,
                      std::string what)
      : move_(move), client_(client), capacity_(p.capacity), descriptor_(std::move(descriptor)),
        flat_(flat_extent_path(descriptor_)), dc_(std::move(dc)), what_(std::move(what)) {
    upload_ = start_upload(client_, move_.file_url(flat_, dc_), flat_bytes(capacity_), fmt::format("{}: uploading {}", what_, flat_.str()));
  }

  // A PUT replaces the whole file and cannot append to what an earlier,
  // interrupted run left: every copy starts at byte 0.
  std::uint64_t resume_offset() override { return 0; }

  // Every byte is sent, zeros too: a PUT has no holes.
  void write(const char* data, std::size_t size) override {
    if (!upload_) throw BackendError(fmt::format("{}: written to after commit or discard", what_));
    if (written_ + size > capacity_)
      throw BackendError(fmt::format("{}: {} bytes written, more than the disk's {}", what_, written_ + size, capacity_));
    upload_->write(data, size);
    written_ += size;
  }

  void commit() override {
    if (!upload_) throw BackendError(fmt::format("{}: committed twice or after discard", what_));
    if (written_ != capacity_)
      throw BackendError(fmt::format("{}: {} of the disk's {} bytes written at commit", what_, written_, capacity_));
    const std::string tail(flat_bytes(capacity_) - capacity_, '\0');  // the last sector's rest
    upload_->write(tail.data(), tail.size());
    upload_->finish();
    upload_.reset();
    put_file(client_, move_.file_url(descriptor_, dc_), flat_descriptor(file_name(flat_.path), capacity_),
             fmt::format("{}: writing the descriptor {}", what_, descriptor_.str()));
  }

  void discard() override {
    upload_.reset();  // aborts the PUT in flight
    for (const DatastorePath* p : {&flat_, &descriptor_}) {
      try {
        move_.delete_file(*p, dc_);
      } catch (const std::exception& e) {
        throw BackendError(fmt::format("{}: deleting {}: {}", what_, p->str(), e.what()));
      }
    }
  }

private:
  VmMove& move_;
  SoapClient& client_;
  std::uint64_t capacity_, written_ = 0;
  DatastorePath descriptor_, flat_;
  Moref dc_;
  std::string what_;
  std::unique_ptr<FileUpload> upload_;
};

}  // namespace

std::string VmMove::what(const std::string& vm, const std::string& disk) const {
  return fmt::format("target '{}': VM '{}': disk '{}'", s_.target().name, vm, disk);
}

Moref VmMove::datacenter_of(const std::string& datastore, const std::string& vm_path) {
  const Infra& infra = inv_.infra();
  std::vector<Moref> found;
  for (const auto& o : infra.objects) {
    if (o.ref.type != "Datastore" || o.name != datastore) continue;
    if (const InfraObject* dc = infra.datacenter_of(o)) found.push_back(dc->ref);
  }
  if (found.empty()) throw InputError(fmt::format("target '{}': no datastore named '{}'", s_.target().name, datastore));
  if (found.size() == 1) return found.front();
  for (const Moref& dc : found)
    if (!vm_path.empty() && vm_path.rfind("/" + infra.path_of(dc) + "/", 0) == 0) return dc;
  throw BackendError(fmt::format("target '{}': {} datacenters have a datastore named '{}'; hvctl does not guess which",
                                 s_.target().name, found.size(), datastore));
}

std::string VmMove::file_url(const DatastorePath& p, const std::string& vm_path) {
  return file_url(p, datacenter_of(p.datastore, vm_path));
}

std::string VmMove::file_url(const DatastorePath& p, const Moref& dc) {
  s_.content();  // logged in: the request carries the session's cookie
  return datastore_file_url(s_.client().options().url, inv_.infra().path_of(dc), p);
}

void VmMove::delete_file(const DatastorePath& p, const Moref& dc) {
  try {
    run_task(s_, [&] {
      auto req = xml::Builder::soap("DeleteDatastoreFile_Task");
      const Moref& fm = s_.content().file_manager;
      req.top().add_moref("_this", fm.type, fm.value);
      write_delete_file(req.top(), p.str(), dc);
      return read_moref(s_.call(req, "DeleteDatastoreFile_Task").returnval());
    });
  } catch (const SoapFault& f) {
    if (f.type() != "FileNotFound") throw;
  }
}

void VmMove::make_directory(const DatastorePath& dir, const Moref& dc) {
  try {
    auto req = xml::Builder::soap("MakeDirectory");
    const Moref& fm = s_.content().file_manager;
    req.top().add_moref("_this", fm.type, fm.value);
    write_make_directory(req.top(), dir.str(), dc);
    s_.call(req, "MakeDirectory");
  } catch (const SoapFault& f) {
    if (f.type() != "FileAlreadyExists") throw;  // vSphere's answer for a folder there already (vcsim's: none)
  }
}

// The datastore file access checks the session at each request's start and
// answers 401 once it is gone (vCenter ends idle sessions, and a disk's
// transfer is no API call that keeps one alive); a SOAP call would log in
// again by itself, a file request does not.
void VmMove::fresh_session(const std::string& url) {
  const int generation = s_.generation();
  if (head_file(s_.client(), url).status == 401) s_.renew(generation);
}

std::uint64_t VmMove::find_capacity(const DiskFiles& f, const Moref& dc) {
  if (f.capacity > 0) return f.capacity;
  const auto descriptor = s_.client().get(file_url(f.descriptor, dc), kDescriptorBytes);
  if (descriptor.status == 200 || descriptor.status == 206)
    if (const auto bytes = vmdk_virtual_bytes(descriptor.body); bytes && *bytes > 0) return *bytes;
  const HeadAnswer head = head_file(s_.client(), file_url(f.extent, dc));  // vcsim: an empty descriptor
  if (head.status != 200 || !head.length)
    throw std::runtime_error(fmt::format("disk '{}': cannot tell its size: the descriptor {} names no extent, and a "
                                         "HEAD of {} answers HTTP {}", f.id, f.descriptor.str(), f.extent.str(), head.status));
  return *head.length;
}

Moref VmMove::datacenter_of_disk(const DiskFiles& f) {
  const Infra& infra = inv_.infra();
  if (const InfraObject* ds = infra.find(f.datastore); ds && ds->name == f.extent.datastore)
    if (const InfraObject* dc = infra.datacenter_of(*ds)) return dc->ref;
  return datacenter_of(f.extent.datastore);
}

DiskInventory VmMove::disks(const Moref& vm) {
  const PropertyQuery q = move_query(vm);
  VmConfig config;
  std::vector<MoveDisk> devices;
  VmLayout layout;
  bool snapshots = false;
  std::vector<Moref> datastores;
  retrieve(s_, q, [&](const ObjectContent& o) {
    config = read_vm_config(o, {});
    devices = read_move_disks(o.prop("config.hardware.device"));
    layout = read_layout(o.prop("layoutEx"));
    snapshots = xml::child(o.prop("snapshot"), "rootSnapshotList") != nullptr;
    for (const xmlNode* ds : xml::children(o.prop("datastore"))) datastores.push_back(read_moref(ds));
  });
  std::map<int, std::string> ids;
  const VmState state = to_vm_state(config);
  for (std::size_t i = 0; i < config.disks.size() && i < state.spec.disks.size(); ++i)
    ids[config.disks[i].key] = state.spec.disks[i].id;
  std::map<std::string, std::string> types;
  if (!datastores.empty()) {
    PropertyQuery dq;
    dq.prop_sets = {{"Datastore", {"name", "summary.type"}}};
    dq.objects = datastores;
    dq.skip_missing = true;
    retrieve(s_, dq, [&](const ObjectContent& o) { types[o.text("name")] = o.text("summary.type"); });
  }
  const MovePlan plan = plan_move(devices, ids, layout, snapshots, types);
  DiskInventory out;
  out.blockers = plan.blockers;
  out.consolidable = plan.consolidable;
  for (const DiskFiles& f : plan.disks) {
    const std::uint64_t capacity = find_capacity(f, datacenter_of_disk(f));
    out.disks.push_back({f.id, f.extent.str(), "raw", capacity, capacity, true, ""});
  }
  return out;
}

std::unique_ptr<DiskReader> VmMove::read(const VmState& vm, const DiskSource& disk, std::uint64_t offset) {
  const std::string w = what(vm.name, disk.disk_id);
  const auto extent = parse_datastore_path(disk.location);
  if (!extent) throw BackendError(fmt::format("{}: '{}' is no datastore path", w, disk.location));
  const std::string url = with_context(s_.target(), fmt::format("VM '{}': disk '{}': find {}", vm.name, disk.disk_id, disk.location),
                                       [&] {
                                         const std::string u = file_url(*extent, vm.runtime.path);
                                         fresh_session(u);
                                         return u;
                                       });
  return open_file_reader(s_.client(), {url, fmt::format("{}: reading {}", w, disk.location), offset, disk.size});
}

DiskPlacement VmMove::place(const VmSpec& spec, const DiskSpec& disk, std::uint64_t capacity, const std::string& storage) {
  const std::string w = what(spec.name, disk.id);
  VsphereBlock block = spec.vsphere.value_or(VsphereBlock{});
  if (!storage.empty()) block.datastore = storage;
  Placement p;
  try {
    p = resolve_placement(inv_.infra(), block);
  } catch (const std::invalid_argument& e) {
    throw InputError(fmt::format("{}: {}", w, e.what()));
  }
  const DatastorePath path = copy_destination(fmt::format("[{}] {}/{}.vmx", p.datastore, spec.name, spec.name), spec.name, disk.id);
  bool exists = false;
  for (const DatastorePath& file : {path, flat_extent_path(path)}) {
    const HeadAnswer head = head_file(s_.client(), file_url(file, p.datacenter));
    if (head.status != 200 && head.status != 404)
      throw BackendError(fmt::format("{}: looking for {}: HTTP {}", w, file.str(), head.status));
    exists = exists || head.status == 200;
  }
  return {disk.id, path.str(), "vmdk", capacity, p.datastore, exists};
}

std::unique_ptr<DiskWriter> VmMove::write(const DiskPlacement& placement) {
  const auto path = parse_datastore_path(placement.path);
  const std::string w = fmt::format("target '{}': disk '{}' at {}", s_.target().name, placement.disk_id, placement.path);
  if (!path) throw BackendError(fmt::format("{}: no datastore path", w));
  const Moref dc = datacenter_of(path->datastore);
  if (!path->dir().empty()) make_directory({path->datastore, path->dir()}, dc);
  return std::make_unique<DatastoreDiskWriter>(*this, s_.client(), placement, *path, dc, w);
}

std::unique_ptr<DiskReader> VmMove::read_placed(const DiskPlacement& placement) {
  const auto path = parse_datastore_path(placement.path);
  const std::string w = fmt::format("target '{}': disk '{}' at {}", s_.target().name, placement.disk_id, placement.path);
  if (!path) throw BackendError(fmt::format("{}: no datastore path", w));
  const DatastorePath flat = flat_extent_path(*path);
  const std::string url = file_url(flat);
  fresh_session(url);
  return open_file_reader(s_.client(), {url, fmt::format("{}: reading {}", w, flat.str()), 0, placement.capacity, true});
}

}  // namespace hvctl::vsphere
