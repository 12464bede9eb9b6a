// The Xen backend: hvctl::Backend over libxenlight, for the dom0 it runs in.
//
// Things about Xen worth knowing before changing this file:
//
// * A Xen domain exists only while it runs: there is no "defined but off"
//   domain as in libvirt or vSphere. So hvctl keeps each VM's definition in
//   a record of its own, one JSON file per VM under /var/lib/hvctl/xen
//   (target option state_dir): the spec as applied and the UUID the domain
//   gets on every start. A VM with a record and no domain is "stopped";
//   `start` builds the libxl config from the record and creates the domain.
//   The running domain carries a copy of its record in libxl's userdata
//   ("hvctl" userid, /var/lib/xen/userdata-*), the libxl-native place that xl
//   uses for its own config ("xl" userid). libxl deletes userdata with the
//   domain, which is why it cannot be the only copy. Labels live in the record.
// * Domains hvctl did not create (xl create, libvirt) are listed with what
//   libxl_domain_info tells (vCPUs, memory, type) and can be stopped or
//   destroyed, but not reconfigured or started again: there is no record.
// * The spec -> libxl_domain_config translation is pure (xen_config.cpp) and
//   golden-tested through libxl_domain_config_to_json(NULL, ...), which works
//   without a hypervisor; disks go through libxlutil's xlu_disk_parse so that
//   paths and formats mean what they mean in an xl config.
// * libxl leaves every new domain paused; start unpauses unless asked not to.
// * A guest that powers off, reboots or crashes only *shuts down*: the domain
//   stays until a toolstack acts on it. For `xl create` that is xl's forked
//   monitor child. For hvctl it is hvctl-xen-monitor, one small process per
//   domain started detached at `start`, which waits with
//   libxl_evenable_domain_death and applies on_poweroff / on_reboot /
//   on_crash (restarting from the record). Without it (option monitor=none)
//   a shut-down domain is listed as stopped and cleared by the next start.
// * Graceful stop marks the domain (userdata "hvctl-stopping") so the monitor
//   only destroys it, asks the guest with libxl_domain_shutdown, and polls
//   until the domain is gone or shut down, then destroys what is left; after
//   the timeout it throws TimeoutError and leaves the guest running. Only
//   force destroys at once. Reboot is stop + start, so the record's latest
//   definition takes effect.
// * Live changes: memory target (libxl_set_memory_target, up to the max the
//   domain booted with), vCPUs online (libxl_set_vcpuonline, up to the
//   max_vcpus it booted with: cpu.max) and scheduler weight/cap. Beyond a
//   ceiling the plan restarts the VM.
// * Disks and NICs are hot-plugged and removed on a running PV or PVH guest
//   (libxl_device_{disk,nic}_{add,remove}, xen_devices.cpp), each built by
//   the same translation as the domain config. An HVM guest's emulated
//   devices cannot be, so its VmState names them cold and the plan restarts
//   it. Xen names a disk by its place among its bus's disks (xvda, xvdb) and
//   a vif by its index: removing one before others from a running domain
//   would rename the rest at its next start while the domain keeps the old
//   names (and the next removal would pick the wrong device), so that is
//   refused while it runs (check_transition); new devices go last.
// * A disk with `from` is made by hvctl: a sparse copy of a raw base image
//   (FICLONE, else copy_file_range over its data extents) in
//   STATE_DIR/disks/VM/DISK.img, recorded in the VM's record (images) and
//   attached through blkback like any image; the translation sees it as a
//   path (with_images). dom0 here runs no qdisk (qemu-system-xen), so a
//   qcow2 base is refused. Its size grows with the VM off (ftruncate: a
//   restart); destroy deletes the images hvctl made, prune keeps them (apply
//   --delete-images deletes them once the record is saved without them).
//   A disk `hvctl move` wrote here (xen_move.cpp) is at the same place,
//   STATE_DIR/disks/VM/DISK.img, given as its path; create records it as
//   hvctl's too (adopt_placed_images), so destroy deletes it.
// * A clone (spec.source) is made by hvctl too: the source's record with its
//   disks named by their images (xen_clone.cpp), turned by clone_spec into
//   a spec whose disks are `from` those images, then created as above, so
//   each disk is a sparse copy of the source's as it is now. The source must
//   be stopped (Capabilities::clone_running is false): the engine refuses a
//   running one at plan, and create again before copying. Nothing locks it
//   while the copy runs: a start of the source meanwhile tears the copy.
//   Overlays (source.linked) would need qdisk and are refused. The clone's
//   record keeps spec.source, so a later change of it is reported as ignored.
// * boot.loader pvgrub boots a PV or PVH guest's own kernel from its own
//   disk: libxl is given pvgrub2 (GRUB 2 built for Xen, Debian's
//   grub-xen-host) as the kernel, grub-x86_64-xen.bin for pv and
//   grub-i386-xen_pvh.bin for pvh, from the target option pvgrub_dir
//   (default /usr/lib/grub-xen), and it reads the disk's grub.cfg. The loader
//   becomes that path only in domain_spec, when the domain is built; the
//   record, the running domain's userdata and what hvctl reads back keep
//   boot.loader, so export writes it back and a plan of the same spec does
//   nothing. A missing image is refused before anything is made
//   (host_problems); the monitor is told pvgrub_dir for its restarts.
// * A template (spec.template) is a record hvctl never starts: start
//   refuses it with an InputError, and plans never power one on.
// * A NIC without a MAC gets one (00:16:3e:...) in the record at create, as
//   libxl would draw a new one at every start.
// * Bridges and images are dom0's: create, reconfigure and start check that
//   each NIC's bridge (/sys/class/net/BR/bridge) and each disk's image exist
//   before anything is made, as libxl would fail only in a hotplug script,
//   half-way through building the domain.
// * Off a dom0 libxl_ctx_alloc fails; we check /proc/xen/capabilities first
//   and say "no Xen hypervisor here: ...".
#include "xen_backend.hpp"

#include <unistd.h>

#include <filesystem>
#include <map>
#include <set>

#include <fmt/format.h>

#include "hvctl/spec_fields.hpp"
#include "hvctl/spec_overlay.hpp"
#include "xen_backend_impl.hpp"
#include "hvctl/first_boot.hpp"
#include "xen_clone.hpp"
#include "xen_config.hpp"
#include "xen_devices.hpp"
#include "xen_domain.hpp"
#include "xen_images.hpp"

namespace hvctl {
namespace xen {
namespace {

Capabilities make_capabilities() {
  Capabilities c;
  c.backend = "xen";
  c.hypervisor = "xen";
  c.fields = fields::accepted_keys(fields::Column::xen);
  c.hot_fields = fields::hot_keys(fields::Column::xen);
  c.pause = true;
  c.graceful_stop = true;
  c.snapshots = false;
  c.default_parallel = 4;
  return c;
}

// hvctl-xen-monitor beside the running hvctl, else in ../libexec/hvctl.
std::string default_monitor() {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return "hvctl-xen-monitor";
  const fs::path beside = exe.parent_path() / "hvctl-xen-monitor";
  const fs::path libexec = exe.parent_path().parent_path() / "libexec" / "hvctl" / "hvctl-xen-monitor";
  return fs::exists(beside) || !fs::exists(libexec) ? beside.string() : libexec.string();
}

std::string monitor_option(const Target& t) {
  const std::string m = t.option("monitor");
  if (m == "none") return "";
  return m.empty() ? default_monitor() : m;
}

}  // namespace

VmSpec effective_spec(VmSpec spec) {
  XenBlock x = spec.xen.value_or(XenBlock{});
  if (!x.type) x.type = domain_type(spec);
  if (!x.on_poweroff) x.on_poweroff = "destroy";
  if (!x.on_reboot) x.on_reboot = "restart";
  if (!x.on_crash) x.on_crash = "destroy";
  spec.xen = x;
  return spec;
}

VmSpec spec_from_domain(const DomainInfo& dom) {
  VmSpec spec;
  spec.name = dom.name;
  spec.cpu.count = dom.vcpus;
  spec.cpu.max = std::max(dom.max_vcpus, dom.vcpus);
  spec.memory.size_mib = dom.memory_kib / 1024;
  spec.memory.max_mib = dom.max_memory_kib / 1024;
  const char* type = dom.type == LIBXL_DOMAIN_TYPE_PV ? "pv" : dom.type == LIBXL_DOMAIN_TYPE_PVH ? "pvh" : "hvm";
  spec.xen.emplace().type = type;
  return spec;
}

XenBackend::XenBackend(Target t, Diagnostics& diagnostics)
    : target_(std::move(t)),
      caps_(make_capabilities()),
      diagnostics_(diagnostics),
      store_(target_.option("state_dir", "/var/lib/hvctl/xen")),
      monitor_(monitor_option(target_)),
      pvgrub_dir_(target_.option("pvgrub_dir", kDefaultPvgrubDir)) {}

const Libxl& XenBackend::xl() {
  std::lock_guard lock(mutex_);
  if (!xl_) {
    try {
      xl_ = std::make_unique<Libxl>(diagnostics_);
    } catch (const BackendError& e) {
      throw BackendError(fmt::format("target '{}': {}", target_.name, e.what()));
    }
  }
  return *xl_;
}

std::string XenBackend::who(const std::string& vm) const { return fmt::format("target '{}': VM '{}'", target_.name, vm); }

VmRecord XenBackend::require_record(const std::string& name, const char* what) const {
  auto record = store_.load(name);
  if (!record)
    throw BackendError(fmt::format("{}: cannot {}: hvctl has no record of it in {} (it was not created by hvctl)",
                                   who(name), what, store_.dir()));
  return *record;
}

// A clone's type, boot and devices are mostly its source's, so it is checked
// with them, at plan (check_on_target) where the source is read.
std::vector<Problem> XenBackend::check(const VmSpec& spec) const {
  return spec.source.name() ? std::vector<Problem>{} : check_spec(spec);
}

std::vector<Problem> XenBackend::check_transition(const VmSpec& desired, const VmState& actual) const {
  auto out = desired.source.name() ? clone_problems(overlay_spec(actual.spec, desired), desired)
                                   : check_merged(desired, actual.spec);
  for (auto& p : live_renames(desired, actual.spec, actual.power)) out.push_back(std::move(p));
  return out;
}

std::vector<Problem> XenBackend::check_on_target(const VmSpec& desired, const VmState* actual) {
  std::optional<VmRecord> source;  // a new clone is checked as what it will be (its source is the engine's to find)
  if (!actual && desired.source.name()) source = store_.load(*desired.source.name());
  const VmSpec made = source ? clone_create_spec(*source, desired) : desired;
  auto out = source ? clone_problems(made, desired) : std::vector<Problem>{};
  for (auto& p : host_problems(made, pvgrub_dir_)) out.push_back(std::move(p));  // (the devices desired lists, at their own marks)
  for (auto& p : base_problems(made, actual ? actual->spec : VmSpec{})) out.push_back(std::move(p));
  for (auto& p : seed_drive_problems(desired)) out.push_back(std::move(p));
  return out;
}

TargetInfo XenBackend::probe() {
  const libxl_version_info* v = libxl_get_version_info(xl().get());
  if (!v) Libxl::fail(fmt::format("target '{}': cannot read the Xen version", target_.name), ERROR_FAIL);
  return {"xen", fmt::format("Xen {}.{}{}", v->xen_version_major, v->xen_version_minor, v->xen_version_extra),
          target_.uri};
}

// The VM called `name` from its domain (if running) and its record (if any).
std::optional<VmState> XenBackend::describe(const std::string& name, const std::optional<DomainInfo>& dom) {
  std::optional<VmRecord> record;
  if (dom && !dom->shut_down)
    if (auto text = read_userdata(xl(), dom->domid, kUserdataId)) record = record_from_json(*text, who(name));
  if (!record) record = store_.load(name);
  if (!record && !dom) return std::nullopt;
  VmState state;
  state.name = name;
  state.uuid = record ? record->uuid : dom->uuid;
  state.power = dom ? dom->power : PowerState::stopped;
  state.spec = record ? effective_spec(record->spec) : spec_from_domain(*dom);
  state.spec.power = state.power;
  state.cold_fields = cold_fields(state.spec);
  if (record)
    for (const auto& [disk, path] : record->images) state.owned_disks.insert(disk);
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) == 0) state.runtime.host = host;
  return state;
}

std::vector<VmState> XenBackend::list() {
  std::map<std::string, std::optional<DomainInfo>> vms;
  for (auto& dom : xl().domains())
    if (!dom.name.empty()) vms[dom.name] = dom;  // a dying domain may have lost its name
  for (const auto& name : store_.names()) vms.try_emplace(name);
  std::vector<VmState> out;
  for (const auto& [name, dom] : vms)
    if (auto state = describe(name, dom)) out.push_back(std::move(*state));
  return out;
}

// One VM, with what xenstore adds for a running one (start time, addresses).
std::optional<VmState> XenBackend::lookup(const std::string& name) {
  const auto dom = xl().find(name);
  auto state = describe(name, dom);
  if (state && dom && !dom->shut_down) ready_probe_.fill_runtime(*dom, state->runtime, who(name));
  return state;
}

// The spec a clone is created from: its source's, read from the source's
// record, which must be stopped (its disks are copied here).
VmSpec XenBackend::clone_of(const VmSpec& desired) {
  const std::string& name = *desired.source.name();
  const auto source = store_.load(name);
  if (!source)
    throw BackendError(fmt::format("{}: cannot clone VM '{}': hvctl has no record of it in {} (a source is a VM hvctl "
                                   "made)", who(desired.name), name, store_.dir()));
  if (const auto dom = xl().find(name); dom && !dom->shut_down)
    throw BackendError(fmt::format("{}: cannot clone VM '{}': it is running, and a clone copies its disks; stop it "
                                   "first (hvctl never stops a source)", who(desired.name), name));
  return clone_create_spec(*source, desired);
}

void XenBackend::create(const VmSpec& desired) {
  if (store_.load(desired.name) || xl().find(desired.name))
    throw BackendError(fmt::format("{}: cannot create: a VM of that name exists", who(desired.name)));
  const bool clone = desired.source.name().has_value();
  const VmSpec spec = clone ? clone_of(desired) : desired;
  if (auto problems = clone ? clone_problems(spec, desired) : check_spec(spec); !problems.empty())
    throw ValidationError(std::move(problems));
  if (auto problems = host_problems(spec, pvgrub_dir_); !problems.empty()) throw ValidationError(std::move(problems));
  VmRecord record{new_uuid(), spec, {}, {}};
  record.spec.prune.reset();
  assign_macs(record.spec);
  adopt_placed_images(record, store_.dir());
  auto made = make_images(record, store_.dir(), who(spec.name), diagnostics_);
  try {
    if (!record.spec.init.empty()) {
      make_seed(record, store_.dir(), who(spec.name));
      made.push_back(*record.seed);
    }
    DomainConfig probe;  // fail now, not at start, on values libxl rejects
    build_domain_config(domain_spec(record, pvgrub_dir_), record.uuid, probe);
    store_.save(record);
  } catch (...) {
    remove_images(made);
    throw;
  }
}

void XenBackend::reconfigure(const VmSpec& spec, const VmState& actual) {
  VmRecord record = require_record(spec.name, "reconfigure");
  const VmRecord before = record;
  record.spec = overlay_spec(before.spec, spec);
  record.spec.prune.reset();  // (an apply's, not the VM's)
  assign_macs(record.spec, before.spec);
  const auto pruned_images = forget_pruned_images(record);
  if (auto problems = check_spec(record.spec); !problems.empty()) throw ValidationError(std::move(problems));
  if (auto problems = host_problems(record.spec, pvgrub_dir_); !problems.empty()) throw ValidationError(std::move(problems));
  const auto made = make_images(record, store_.dir(), who(spec.name), diagnostics_);
  try {
    if (!record.spec.init.empty() && (record.spec.init != before.spec.init || !record.seed))
      make_seed(record, store_.dir(), who(spec.name));  // (a restart field: the domain is off)
    DomainConfig probe;
    build_domain_config(domain_spec(record, pvgrub_dir_), record.uuid, probe);
    const auto dom = xl().find(spec.name);
    const bool live = dom && !dom->shut_down;
    if (!live) grow_images(record, before.spec, who(spec.name));  // (size is not hot: apply stopped it)
    if (live) {
      apply_live(*dom, with_images(record), with_images(before));
      store_userdata(xl(), dom->domid, kUserdataId, record_to_json(record), who(spec.name));
    }
    store_.save(record);
  } catch (...) {
    remove_images(made);
    throw;
  }
  if (spec.delete_images) remove_images(pruned_images);  // apply --delete-images, once the VM is without them
}

void XenBackend::apply_live(const DomainInfo& dom, const VmSpec& to, const VmSpec& from) {
  if (!cold_fields(to).empty() && devices_differ(to, from))
    throw BackendError(fmt::format("{}: an HVM guest's disks and NICs change only with a restart", who(to.name)));
  change_devices(xl(), dom.domid, to, from, who(to.name));
  if (to.memory.size_mib && to.memory.size_mib != from.memory.size_mib) {
    const auto kib = static_cast<int64_t>(*to.memory.size_mib * 1024);
    if (int rc = libxl_set_memory_target(xl().get(), dom.domid, kib, 0, 1))
      Libxl::fail(fmt::format("{}: cannot set the memory target to {} MiB", who(to.name), *to.memory.size_mib), rc);
  }
  if (to.cpu.count && to.cpu.count != fields::effective_cpu_count(from)) set_vcpus_online(dom, *to.cpu.count, who(to.name));
  if (to.cpu.weight == from.cpu.weight && to.cpu.cap == from.cpu.cap) return;
  libxl_domain_sched_params params;
  libxl_domain_sched_params_init(&params);
  if (to.cpu.weight) params.weight = *to.cpu.weight;
  params.cap = to.cpu.cap.value_or(0);  // 0: no cap
  const int rc = libxl_domain_sched_params_set(xl().get(), dom.domid, &params);
  libxl_domain_sched_params_dispose(&params);
  if (rc) Libxl::fail(fmt::format("{}: cannot set the scheduler weight/cap", who(to.name)), rc);
}

// vCPUs 0..count-1 online, the rest offline: xenstore's cpu/N/availability,
// which the guest's kernel follows (xl vcpu-set).
void XenBackend::set_vcpus_online(const DomainInfo& dom, int count, const std::string& who) {
  if (count > dom.max_vcpus)
    throw BackendError(fmt::format("{}: cannot bring {} vCPUs online: it booted with at most {} (cpu.max); raise "
                                   "cpu.max and restart it", who, count, dom.max_vcpus));
  libxl_bitmap online;
  libxl_bitmap_init(&online);
  online_vcpus(count, dom.max_vcpus, online);
  const int rc = libxl_set_vcpuonline(xl().get(), dom.domid, &online, nullptr);
  libxl_bitmap_dispose(&online);
  if (rc) Libxl::fail(fmt::format("{}: cannot set {} vCPUs online", who, count), rc);
}

void XenBackend::destroy(const std::string& name) {
  // Under the store's lock, which the monitor takes to restart a domain: a
  // crash-looping guest is either restarted before (and that domain is found
  // and destroyed here) or finds no record after, so none is left behind.
  const auto lock = store_.lock();
  const auto record = store_.load(name);
  if (auto dom = xl().find(name)) destroy_domain(xl(), dom->domid, who(name));
  store_.remove(name);
  std::vector<std::string> images;  // made by hvctl for this VM: deleted with it
  if (record)
    for (const auto& [disk, path] : record->images) images.push_back(path);
  if (record && record->seed) images.push_back(*record->seed);
  remove_images(images);
}

Readiness XenBackend::readiness(const VmSpec& spec) {
  const auto dom = xl().find(spec.name);
  if (!dom) return {false, "not running"};
  if (dom->shut_down || dom->power != PowerState::running) return {false, dom->shut_down ? "shut down" : to_string(dom->power)};
  return ready_probe_.check(xl(), *dom, spec.ready, waits_for_first_boot(spec), who(spec.name));
}

ConsoleAccess XenBackend::console(const std::string& name) {
  const auto dom = xl().find(name);
  if (!dom || dom->shut_down) throw BackendError(fmt::format("{}: no console: it is not running", who(name)));
  ConsoleAccess access;
  access.stream = open_guest_console(xl(), dom->domid, who(name));
  return access;
}

}  // namespace xen

std::unique_ptr<Backend> make_xen_backend(const Target& t, Diagnostics& diagnostics) {
  return std::make_unique<xen::XenBackend>(t, diagnostics);
}

}  // namespace hvctl
