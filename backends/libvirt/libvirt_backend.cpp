// The libvirt backend: hvctl::Backend over the libvirt C API.
//
// Things about libvirt worth knowing before changing this file:
//
// * libvirt rewrites every XML it is given. It fills in defaults (<clock>,
//   on_* actions, <boot dev='hd'/>, arch, the expanded machine type such as
//   pc-i440fx-7.2 for "pc"), adds controllers and PCI/drive addresses, drops
//   what it does not understand, and normalises units to KiB. So hvctl never
//   compares XML: it reads XML back into a spec (libvirt_xml_read.cpp) and the
//   planner compares specs. What libvirt has no element for (labels, disk and
//   NIC ids, which volumes hvctl created) lives in <metadata> under hvctl's
//   own namespace, which libvirt keeps verbatim.
// * A reconfigure regenerates the XML from the spec and then carries over
//   everything hvctl does not model from the current inactive XML (uuid,
//   graphics, addresses, loader...; see libvirt_xml_merge.cpp). Defining a
//   running domain changes only its persistent config, so the hot fields
//   (memory, CPU shares, labels, description) are also set live, before the
//   define, and disks and NICs are attached, detached and grown live
//   (libvirt_live.cpp). The CPU topology takes effect at the next boot.
// * We read the inactive XML (VIR_DOMAIN_XML_INACTIVE): the persistent config
//   is what `apply` manages, and the live XML shifts with ballooning.
// * The test driver (test:///default) is one in-memory hypervisor per
//   process, shared by every connection to it and reset when the last one
//   closes. It takes any domain type, its virDomainShutdown powers off at
//   once, it has no virStorageVolResize and no VIR_DOMAIN_UNDEFINE_NVRAM,
//   its scheduler "weight" is accepted but never stored, and its
//   virConnectGetType says "TEST" (hence the case-blind type detection).
// * virDomainGetSchedulerParametersFlags adds VIR_TYPED_PARAM_STRING_OKAY,
//   which some drivers reject; the plain call does the same job. Parameter
//   names differ: qemu has "cpu_shares", Xen and test "weight"; we set
//   whichever the driver lists.
// * libvirt writes a Xen PV guest's os type back as "linux"; the reader maps
//   both "xen" and "linux" to pv.
// * virDomainSetMetadata wants the element without a namespace: libvirt
//   injects its own and fails if the prefix is already declared.
// * Undefine flags a driver does not know make the call fail outright, so
//   destroy retries with fewer flags.
// * pmsuspended (guest suspended to RAM) reports as paused: the process is
//   alive, and resume wakes it with virDomainPMWakeup.
// * Errors: libvirt keeps the last error per thread; virSetErrorFunc with a
//   no-op stops it printing to stderr itself. Every failure becomes a
//   BackendError through Context::fail at the point it happens.
// * Connections are thread-safe; this object guards only its own state (the
//   lazily opened connection and the detected domain type).
#include "libvirt_backend.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <mutex>

#include <fmt/format.h>
#include <libxml/parser.h>

#include "libvirt_caps.hpp"
#include "libvirt_connect.hpp"
#include "libvirt_domain_ops.hpp"
#include "libvirt_guest.hpp"
#include "libvirt_live.hpp"
#include "libvirt_handles.hpp"
#include "libvirt_inventory.hpp"
#include "libvirt_seed.hpp"
#include "libvirt_storage.hpp"
#include "libvirt_xml.hpp"
#include "hvctl/clone.hpp"
#include "hvctl/spec_overlay.hpp"
#include "hvctl/units.hpp"

namespace hvctl {
namespace {

using namespace hvctl::libvirt;

void ignore_libvirt_error(void*, virErrorPtr) {}

class LibvirtBackend final : public Backend {
public:
  LibvirtBackend(Target t, Diagnostics& diagnostics)
      : target_(std::move(t)),
        caps_(libvirt_capabilities(hypervisor_of(target_.uri, target_.option("domain_type")))),
        diagnostics_(diagnostics) {
    virInitialize();
    // libxml2 initialises itself lazily and not thread-safely: two apply
    // workers parsing their first domain XML at once both build its encoding
    // table and one copy leaks (LeakSanitizer caught it in e2e_ci_smoke).
    // The backend is made on the main thread, before any worker runs.
    xmlInitParser();
    virSetErrorFunc(nullptr, ignore_libvirt_error);
  }
  ~LibvirtBackend() override {
    console_watches_.clear();  // their streams end before the connection does
    if (conn_) virConnectClose(conn_);
  }
  LibvirtBackend(const LibvirtBackend&) = delete;
  LibvirtBackend& operator=(const LibvirtBackend&) = delete;

  const Capabilities& capabilities() const override { return caps_; }
  std::vector<Problem> check(const VmSpec& spec) const override;
  std::vector<Problem> check_transition(const VmSpec& desired, const VmState& actual) const override {
    return libvirt::check_transition(desired, actual.spec);
  }
  TargetInfo probe() override;
  std::vector<VmState> list() override;
  std::vector<HostInfo> hosts() override { return {read_node(conn(), target_.name)}; }
  std::vector<NetworkInfo> networks() override { return read_networks(conn(), target_.name); }
  std::vector<StorageInfo> storage() override { return read_pools(conn(), target_.name); }
  std::optional<VmState> lookup(const std::string& name) override;
  void create(const VmSpec& spec) override;
  void reconfigure(const VmSpec& spec, const VmState& actual) override;
  void power(const std::string& name, const PowerRequest& request) override;
  void destroy(const std::string& name) override;
  std::vector<SnapshotInfo> snapshot(const std::string& name, const SnapshotRequest& request) override;
  Readiness readiness(const VmSpec& spec) override;
  ConsoleAccess console(const std::string& name) override;

private:
  virConnectPtr conn();
  const std::string& node_name();  // the node's host name, asked once
  Context ctx(const std::string& vm) const { return {target_.name, vm}; }
  [[noreturn]] void fail_target(const std::string& what) const;
  Domain find(const std::string& name);
  Domain require(const std::string& name, const char* what);
  std::optional<VmState> describe(virDomainPtr dom);
  std::string detect_domain_type();
  DomainDefaults defaults_for(const VmSpec& spec);
  std::vector<std::string> create_volumes(VmSpec& spec, std::set<std::string>& owned, const Context& c);
  void rollback(const std::vector<std::string>& paths, const Context& c);
  std::string pool() const;  // where hvctl makes volumes: the target's pool option, else "default"
  void check_media(const VmSpec& spec, const Context& c) const;
  VmSpec clone_of(const VmSpec& spec, const Context& c);
  void watch_console_of(const VmSpec& spec);  // its next start is watched (ready.console)
  void delete_pruned_images(const VmSpec& before, const VmSpec& after, const std::set<std::string>& owned,
                            const Context& c);
  void reconfigure_stopped(virDomainPtr dom, VmSpec& to, const VmSpec& from, DomainDefaults& d, const Context& c);
  void reconfigure_running(virDomainPtr dom, VmSpec& to, const VmSpec& from, DomainDefaults& d, const Context& c);
  void redefine(virDomainPtr dom, const VmSpec& spec, const DomainDefaults& d, const Context& c);
  void define(const std::string& xml, const Context& c, const char* what);

  const Target target_;
  const Capabilities caps_;
  Diagnostics& diagnostics_;  // -vv: the domain XML each definition sends
  std::mutex mutex_;  // guards conn_ and domain_type_
  virConnectPtr conn_ = nullptr;
  std::optional<std::string> domain_type_;
  std::optional<std::string> node_name_;  // guarded by mutex_
  std::mutex watch_mutex_;  // guards console_watches_
  std::map<std::string, ConsoleWatch> console_watches_;  // by VM: ready.console
};

const std::string& LibvirtBackend::node_name() {
  virConnectPtr c = conn();
  std::lock_guard lock(mutex_);
  if (!node_name_) {
    CString name(virConnectGetHostname(c));
    node_name_ = name ? name.get() : "";
    if (!name) virResetLastError();
  }
  return *node_name_;
}

virConnectPtr LibvirtBackend::conn() {
  std::lock_guard lock(mutex_);
  if (!conn_) conn_ = open_connection(target_);
  return conn_;
}

void LibvirtBackend::fail_target(const std::string& what) const {
  throw BackendError(fmt::format("target '{}': {}: {}", target_.name, what, virGetLastErrorMessage()));
}

Domain LibvirtBackend::find(const std::string& name) {
  Domain dom(virDomainLookupByName(conn(), name.c_str()));
  if (!dom && last_error_code() != VIR_ERR_NO_DOMAIN) ctx(name).fail("cannot look up");
  return dom;
}

Domain LibvirtBackend::require(const std::string& name, const char* what) {
  Domain dom = find(name);
  if (!dom) ctx(name).fail(what, "no such VM");
  return dom;
}

// The VM as the target reports it, or nullopt when it vanished meanwhile.
std::optional<VmState> LibvirtBackend::describe(virDomainPtr dom) {
  const Context c = ctx(virDomainGetName(dom));
  CString xml(virDomainGetXMLDesc(dom, VIR_DOMAIN_XML_INACTIVE));
  if (!xml && last_error_code() == VIR_ERR_NO_DOMAIN) return std::nullopt;
  if (!xml) c.fail("cannot read the configuration of");
  VmState state = parse_domain_xml(xml.get()).state;
  try {
    state.power = power_state(dom, c);
  } catch (const BackendError&) {
    if (last_error_code() == VIR_ERR_NO_DOMAIN) return std::nullopt;  // destroyed meanwhile
    throw;
  }
  state.spec.power = state.power;
  state.runtime.host = node_name();
  for (auto& disk : state.spec.disks)
    if (disk.path) disk.size_mib = volume_size_mib(conn(), *disk.path);
  return state;
}

std::string LibvirtBackend::detect_domain_type() {
  virConnectPtr c = conn();
  std::lock_guard lock(mutex_);
  if (domain_type_) return *domain_type_;
  const char* type = virConnectGetType(c);
  if (!type) fail_target("cannot read the hypervisor type");
  std::string name = type;  // "TEST", "QEMU", "Xen", "xenlight"... spelling varies by driver
  for (auto& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (name == "test") {
    domain_type_ = "test";
  } else if (name == "qemu") {
    CString kvm(virConnectGetDomainCapabilities(c, nullptr, nullptr, nullptr, "kvm", 0));
    domain_type_ = kvm ? "kvm" : "qemu";
  } else if (name == "xen" || name == "xenlight") {
    domain_type_ = "xen";
  } else {
    throw BackendError(
        fmt::format("target '{}': hvctl cannot manage {} domains; set the target option "
                    "domain_type or spec.libvirt.domainType",
                    target_.name, type));
  }
  return *domain_type_;
}

DomainDefaults LibvirtBackend::defaults_for(const VmSpec& spec) {
  DomainDefaults d;
  if (spec.libvirt && spec.libvirt->domain_type)
    d.domain_type = *spec.libvirt->domain_type;
  else if (auto option = target_.option("domain_type"); !option.empty())
    d.domain_type = option;
  else
    d.domain_type = detect_domain_type();
  if (auto arch = target_.option("arch"); !arch.empty()) d.arch = arch;
  if (auto machine = target_.option("machine"); !machine.empty()) d.machine = machine;
  return d;
}

// Creates a volume for each disk with a size and no path (see create_disk_volumes).
std::vector<std::string> LibvirtBackend::create_volumes(VmSpec& spec, std::set<std::string>& owned, const Context& c) {
  return create_disk_volumes(conn(), {pool(), is_local(target_.uri)}, spec, owned, c);
}

std::string LibvirtBackend::pool() const { return target_.option("pool", "default"); }

void LibvirtBackend::rollback(const std::vector<std::string>& paths, const Context& c) {
  delete_volumes(conn(), paths, c);
}

void LibvirtBackend::define(const std::string& xml, const Context& c, const char* what) {
  if (diagnostics_.shows(LogLevel::protocol))
    diagnostics_.log(LogLevel::protocol, fmt::format("libvirt {}: virDomainDefineXML for VM '{}':\n{}", target_.name, c.vm, xml));
  Domain dom(virDomainDefineXML(conn(), xml.c_str()));
  if (!dom) c.fail(what);
}

std::vector<Problem> LibvirtBackend::check(const VmSpec& spec) const {
  auto out = check_spec(spec, target_.option("domain_type"));
  for (std::size_t i = 0; i < spec.cdroms.size(); ++i)
    if (spec.cdroms[i].id == kSeedDrive)
      out.push_back({spec.mark_of(fmt::format("cdroms[{}].id", i)),
                     fmt::format("VM '{}': cdrom id '{}' is the drive hvctl gives spec.init's seed; name yours otherwise",
                                 spec.name, kSeedDrive)});
  if (spec.ready.console && target_.uri.rfind("test:", 0) == 0)
    out.push_back({spec.mark_of("ready.console"),
                   fmt::format("VM '{}': the test driver's domains have no console to watch for ready.console",
                               spec.name)});
  if (!spec.init.empty() && target_.uri.rfind("test:", 0) == 0)
    out.push_back({spec.mark_of("init"),
                   fmt::format("VM '{}': the test driver keeps no file contents (it has no volume upload), so it cannot "
                               "hold spec.init's NoCloud seed; use a qemu:///session or qemu:///system target", spec.name)});
  return out;
}

TargetInfo LibvirtBackend::probe() {
  virConnectPtr c = conn();
  const char* type = virConnectGetType(c);
  unsigned long version = 0;
  if (!type || virConnectGetVersion(c, &version) < 0) fail_target("cannot read the hypervisor version");
  CString uri(virConnectGetURI(c));
  return {"libvirt", fmt::format("{} {}.{}.{}", type, version / 1000000, version / 1000 % 1000, version % 1000),
          uri ? uri.get() : target_.uri};
}

std::vector<VmState> LibvirtBackend::list() {
  virDomainPtr* doms = nullptr;
  const int n = virConnectListAllDomains(conn(), &doms, 0);
  if (n < 0) fail_target("cannot list VMs");
  std::vector<Domain> owned(doms, doms + n);
  free(doms);
  std::vector<VmState> out;
  for (const auto& dom : owned)
    if (auto state = describe(dom.get())) out.push_back(std::move(*state));
  return out;
}

Readiness LibvirtBackend::readiness(const VmSpec& spec) {
  Domain dom = find(spec.name);
  if (!dom) return {false, "no such VM"};
  const Context c = ctx(spec.name);
  if (const auto power = power_state(dom.get(), c); power != PowerState::running) return {false, to_string(power)};
  auto ready = guest_readiness(dom.get(), spec.ready, c);
  if (!ready.ready || !spec.ready.console) return ready;
  std::lock_guard lock(watch_mutex_);
  if (!console_watches_[spec.name].shows(conn(), dom.get(), *spec.ready.console, c))
    return {false, fmt::format("running; its console has not shown '{}' since hvctl began watching it",
                               *spec.ready.console)};
  ready.detail += fmt::format(", console showed '{}'", *spec.ready.console);
  return ready;
}

ConsoleAccess LibvirtBackend::console(const std::string& name) {
  Domain dom = require(name, "cannot attach to the console of");
  ConsoleAccess access;
  access.stream = open_console(conn(), dom.get(), ctx(name));
  return access;
}

// One VM, with what a list leaves out as too dear per VM: its guest's
// addresses and the state of its agent channel.
std::optional<VmState> LibvirtBackend::lookup(const std::string& name) {
  Domain dom = find(name);
  if (!dom) return std::nullopt;
  auto state = describe(dom.get());
  if (!state || state->power == PowerState::stopped) return state;
  state->runtime.ips = guest_addresses(dom.get());
  state->runtime.agent = agent_channel_state(domain_xml(dom.get(), 0, ctx(name)));
  return state;
}

// A drive's ISO must exist when hvctl can look (a local libvirt); a remote
// daemon finds its own files, and says so at start if one is missing. The
// test driver opens no files.
void LibvirtBackend::check_media(const VmSpec& spec, const Context& c) const {
  if (!is_local(target_.uri) || target_.uri.rfind("test:", 0) == 0) return;
  for (const auto& cd : spec.cdroms)
    if (!cd.image.value_or("").empty() && !std::filesystem::exists(*cd.image))
      c.fail(fmt::format("cannot put {} in cdrom '{}' of", *cd.image, cd.id), "no such file");
}

// A clone's spec: the stopped source's settings, its disks as copies or
// overlays, and the spec over them. The engine checked the source; this
// checks again, as the source may have started since the plan.
VmSpec LibvirtBackend::clone_of(const VmSpec& spec, const Context& c) {
  const auto& name = *spec.source.name();
  const std::string what = fmt::format("cannot clone '{}' into", name);
  Domain dom = find(name);
  const auto source = dom ? describe(dom.get()) : std::nullopt;
  if (!source) c.fail(what, "no such VM");
  if (source->power != PowerState::stopped)
    c.fail(what, fmt::format("it is {}; a source's disks are copied only while it is stopped", to_string(source->power)));
  return clone_spec(*source, spec);
}

void LibvirtBackend::create(const VmSpec& given) {
  const Context c = ctx(given.name);
  if (find(given.name)) c.fail("cannot create", "a VM with this name already exists");
  const VmSpec spec = given.source.name() ? clone_of(given, c) : given;
  check_media(spec, c);
  DomainDefaults d = defaults_for(spec);
  VmSpec s = spec;
  auto created = create_volumes(s, d.owned_disks, c);
  try {
    if (!spec.init.empty()) created.push_back(*(d.seed_path = make_seed_volume(conn(), pool(), spec, c)));
    define(spec_to_domain_xml(s, d), c, "cannot define");
  } catch (...) {
    rollback(created, c);
    throw;
  }
  watch_console_of(spec);
}

void LibvirtBackend::reconfigure(const VmSpec& spec, const VmState& actual) {
  const Context c = ctx(spec.name);
  Domain dom = require(spec.name, "cannot reconfigure");
  const auto now = describe(dom.get());  // fresher than `actual`: the engine may have stopped it
  if (!now) c.fail("cannot reconfigure", "no such VM");
  VmSpec merged = overlay_spec(now->spec, spec);
  check_media(spec, c);
  DomainDefaults d = defaults_for(merged);
  const auto current = parse_domain_xml(domain_xml(dom.get(), VIR_DOMAIN_XML_INACTIVE, c));
  d.owned_disks = current.state.owned_disks;
  d.disk_devs = current.disk_devs;
  d.seed_path = current.seed_path;
  if (!merged.init.empty() && merged.init != now->spec.init)  // (a restart field: the VM is stopped)
    d.seed_path = make_seed_volume(conn(), pool(), merged, c);
  if (now->power == PowerState::stopped) reconfigure_stopped(dom.get(), merged, now->spec, d, c);
  else reconfigure_running(dom.get(), merged, now->spec, d, c);
  if (spec.delete_images) delete_pruned_images(now->spec, merged, current.state.owned_disks, c);
  watch_console_of(spec);
}

// apply --delete-images: the volumes hvctl made for disks the domain no
// longer has, once the definition without them is in place.
void LibvirtBackend::delete_pruned_images(const VmSpec& before, const VmSpec& after, const std::set<std::string>& owned,
                                          const Context& c) {
  for (const auto& disk : before.disks)
    if (owned.count(disk.id) && disk.path &&
        std::none_of(after.disks.begin(), after.disks.end(), [&](const DiskSpec& d) { return d.id == disk.id; }))
      delete_volume(conn(), *disk.path, c);
}

void LibvirtBackend::reconfigure_stopped(virDomainPtr dom, VmSpec& to, const VmSpec& from, DomainDefaults& d,
                                         const Context& c) {
  for (const auto& disk : to.disks)  // grows the volumes of disks whose reported size went up
    for (const auto& old : from.disks)
      if (old.id == disk.id && old.size_mib && disk.size_mib && disk.path && *old.size_mib != *disk.size_mib)
        grow_volume(conn(), *disk.path, *disk.size_mib, c);
  const auto created = create_volumes(to, d.owned_disks, c);
  try {
    redefine(dom, to, d, c);
  } catch (...) {
    rollback(created, c);
    throw;
  }
}

// Device changes go to the live domain and its config at once, one device at
// a time; when one fails, the config is written for what the domain has then.
void LibvirtBackend::reconfigure_running(virDomainPtr dom, VmSpec& to, const VmSpec& from, DomainDefaults& d,
                                         const Context& c) {
  const auto timeout = target_.option("timeout");  // seconds, as the config file's loader wrote it
  LiveDevices live(dom, from, c, timeout.empty() ? kDetachDeadline : std::chrono::seconds(std::stol(timeout)));
  std::vector<std::string> created;
  try {
    live.detach_unlisted(to);
    live.grow(to);
    created = create_volumes(to, d.owned_disks, c);
    live.attach_new(to, d);
    apply_live(dom, to, from, d, c);
  } catch (...) {
    std::vector<std::string> unused;
    for (const auto& path : created)
      if (std::none_of(live.done().disks.begin(), live.done().disks.end(),
                       [&](const DiskSpec& disk) { return disk.path == path; }))
        unused.push_back(path);
    rollback(unused, c);
    try {
      if (live.changed()) redefine(dom, live.done(), d, c);
    } catch (const BackendError&) {  // the original error is the one to report
    }
    throw;
  }
  redefine(dom, to, d, c);
}

// Defines the domain from `spec`, with what hvctl does not manage carried
// over from its config as it is now.
void LibvirtBackend::redefine(virDomainPtr dom, const VmSpec& spec, const DomainDefaults& d, const Context& c) {
  define(carry_over_unmanaged(spec_to_domain_xml(spec, d), domain_xml(dom, VIR_DOMAIN_XML_INACTIVE, c)), c,
         "cannot redefine");
}

// A VM whose spec waits for its console (ready.console) starts paused, has
// its console watched, then runs: the watch sees its first line.
void LibvirtBackend::power(const std::string& name, const PowerRequest& request) {
  Domain dom = require(name, fmt::format("cannot {}", to_string(request.op)).c_str());
  const Context c = ctx(name);
  if (request.op != PowerOp::start || virDomainIsActive(dom.get()) == 1) return change_power(dom.get(), request, c);
  if (parse_domain_xml(domain_xml(dom.get(), VIR_DOMAIN_XML_INACTIVE, c)).state.spec.is_template)
    throw InputError(fmt::format("target '{}': VM '{}' is a template: templates are never powered on; clone it with "
                                 "spec.source.template", target_.name, name));
  std::lock_guard lock(watch_mutex_);
  const auto watch = console_watches_.find(name);
  if (watch == console_watches_.end()) return change_power(dom.get(), request, c);
  if (virDomainCreateWithFlags(dom.get(), VIR_DOMAIN_START_PAUSED) < 0) c.fail("cannot start");
  watch->second.attach(conn(), dom.get(), c);
  if (virDomainResume(dom.get()) < 0) c.fail("cannot resume");
}

void LibvirtBackend::watch_console_of(const VmSpec& spec) {
  if (!spec.ready.console) return;
  std::lock_guard lock(watch_mutex_);
  console_watches_[spec.name];
}

void LibvirtBackend::destroy(const std::string& name) {
  const Context c = ctx(name);
  Domain dom = find(name);
  if (!dom) return;
  const auto description = parse_domain_xml(domain_xml(dom.get(), VIR_DOMAIN_XML_INACTIVE, c));
  if (virDomainIsActive(dom.get()) == 1 && virDomainDestroy(dom.get()) < 0) c.fail("cannot power off");
  if (virDomainIsPersistent(dom.get()) == 1) {
    // Drivers reject flags they do not know (the test driver has no NVRAM):
    // drop them one at a time, most specific first.
    const unsigned keep = VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA | VIR_DOMAIN_UNDEFINE_MANAGED_SAVE;
    int rc = -1;
    for (unsigned flags : {keep | VIR_DOMAIN_UNDEFINE_NVRAM, keep, 0u}) {
      rc = flags ? virDomainUndefineFlags(dom.get(), flags) : virDomainUndefine(dom.get());
      if (rc == 0 || (last_error_code() != VIR_ERR_NO_SUPPORT && last_error_code() != VIR_ERR_INVALID_ARG)) break;
    }
    if (rc < 0) c.fail("cannot undefine");
  }
  for (const auto& disk : description.state.spec.disks)
    if (description.state.owned_disks.count(disk.id) && disk.path) delete_volume(conn(), *disk.path, c);
  if (description.seed_path) delete_volume(conn(), *description.seed_path, c);
}

std::vector<SnapshotInfo> LibvirtBackend::snapshot(const std::string& name, const SnapshotRequest& request) {
  Domain dom = require(name, "cannot snapshot");
  return run_snapshot(dom.get(), request, ctx(name));
}

}  // namespace

std::unique_ptr<Backend> make_libvirt_backend(const Target& t, Diagnostics& diagnostics) {
  return std::make_unique<LibvirtBackend>(t, diagnostics);
}

}  // namespace hvctl
