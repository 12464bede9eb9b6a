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
// * Clones (spec.source) copy the stopped source's volumes with
//   virStorageVolCreateXMLFrom, so a remote daemon copies in place (qemu-img
//   convert: the copy has no backing chain), or lay qcow2 overlays on a
//   template's (linked). Whether a VM is a template, and what it was cloned
//   from, live in hvctl's metadata.
// * A pty console keeps nothing for a reader who comes later. A VM whose
//   readiness is read on its console (ready.console; with spec.init and no
//   ready condition, cloud-init's final message) is started paused, watched,
//   then resumed when hvctl starts it; otherwise the watch begins at the
//   first look, and a console another client holds cannot be watched.
// * Connections are thread-safe; this object guards only its own state (the
//   lazily opened connection, the detected domain type, the console watches).
#include "libvirt_backend.hpp"

#include <cctype>

#include <fmt/format.h>
#include <libxml/parser.h>

#include "hvctl/first_boot.hpp"
#include "libvirt_backend_impl.hpp"
#include "libvirt_connect.hpp"
#include "libvirt_domain_ops.hpp"
#include "libvirt_storage.hpp"

namespace hvctl::libvirt {
namespace {

void ignore_libvirt_error(void*, virErrorPtr) {}

}  // namespace

LibvirtBackend::LibvirtBackend(Target t, Diagnostics& diagnostics)
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
LibvirtBackend::~LibvirtBackend() {
  console_watches_.clear();  // their streams end before the connection does
  if (conn_) virConnectClose(conn_);
}

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
std::optional<VmState> LibvirtBackend::describe(virDomainPtr dom, std::optional<bool> autostart) {
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
  if (autostart) state.spec.autostart.enabled = *autostart;
  else if (int on = 0; virDomainGetAutostart(dom, &on) == 0) state.spec.autostart.enabled = on != 0;
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

std::string LibvirtBackend::pool() const { return target_.option("pool", "default"); }

TargetInfo LibvirtBackend::probe() {
  virConnectPtr c = conn();
  const char* type = virConnectGetType(c);
  unsigned long version = 0;
  if (!type || virConnectGetVersion(c, &version) < 0) fail_target("cannot read the hypervisor version");
  CString uri(virConnectGetURI(c));
  return {"libvirt", fmt::format("{} {}.{}.{}", type, version / 1000000, version / 1000 % 1000, version % 1000),
          uri ? uri.get() : target_.uri};
}

namespace {
// The domains virConnectListAllDomains gives for `flags`, owned; nullopt on its failure.
std::optional<std::vector<Domain>> all_domains(virConnectPtr c, unsigned flags) {
  virDomainPtr* doms = nullptr;
  const int n = virConnectListAllDomains(c, &doms, flags);
  if (n < 0) return std::nullopt;
  std::vector<Domain> owned(doms, doms + n);
  free(doms);
  return owned;
}
}  // namespace

std::vector<VmState> LibvirtBackend::list() {
  const auto owned = all_domains(conn(), 0);
  if (!owned) fail_target("cannot list VMs");
  const auto autostarting = autostart_uuids();
  std::vector<VmState> out;
  for (const auto& dom : *owned) {
    std::optional<bool> autostart;
    if (char uuid[VIR_UUID_STRING_BUFLEN]; autostarting && virDomainGetUUIDString(dom.get(), uuid) == 0)
      autostart = autostarting->count(uuid) > 0;
    if (auto state = describe(dom.get(), autostart)) out.push_back(std::move(*state));
  }
  return out;
}

// The UUIDs of the VMs marked to start with the host, in one call instead of
// one per VM; nullopt where the driver cannot filter by it.
std::optional<std::set<std::string>> LibvirtBackend::autostart_uuids() {
  const auto owned = all_domains(conn(), VIR_CONNECT_LIST_DOMAINS_AUTOSTART);
  if (!owned) {
    virResetLastError();
    return std::nullopt;
  }
  std::set<std::string> out;
  for (const auto& dom : *owned)
    if (char uuid[VIR_UUID_STRING_BUFLEN]; virDomainGetUUIDString(dom.get(), uuid) == 0) out.insert(uuid);
  return out;
}

Readiness LibvirtBackend::readiness(const VmSpec& spec) {
  Domain dom = find(spec.name);
  if (!dom) return {false, "no such VM"};
  const Context c = ctx(spec.name);
  if (const auto power = power_state(dom.get(), c); power != PowerState::running) return {false, to_string(power)};
  auto ready = guest_readiness(dom.get(), spec.ready, c);
  const bool first_boot = waits_for_first_boot(spec);
  if (!ready.ready || (!spec.ready.console && !first_boot)) return ready;
  const std::string text = spec.ready.console.value_or("");
  const ConsoleWatch::Match match = first_boot ? ConsoleWatch::Match(&shows_cloud_init_finished)
                                               : [text](std::string_view seen) { return seen.find(text) != seen.npos; };
  const std::string what = first_boot ? kCloudInitFinished : fmt::format("'{}'", text);
  std::lock_guard lock(watch_mutex_);
  // First boot is awaited only on a run hvctl started and watched: on any
  // other its final message may long have passed, and a pty keeps none.
  if (const auto it = console_watches_.find(spec.name); first_boot && (it == console_watches_.end() || !it->second.watching()))
    return {true, ready.detail + " (cloud-init's end not watched: this hvctl did not start the VM)"};
  try {
    if (!console_watches_[spec.name].shows(target_, dom.get(), match, c))
      return {false, fmt::format("running; its console has not shown {} since hvctl began watching it", what)};
  } catch (const BackendError& e) {
    return {false, fmt::format("running; cannot watch its console: {}", e.what())};
  }
  ready.detail += fmt::format(", console showed {}", what);
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

std::vector<SnapshotInfo> LibvirtBackend::snapshot(const std::string& name, const SnapshotRequest& request) {
  Domain dom = require(name, "cannot snapshot");
  return run_snapshot(dom.get(), request, ctx(name));
}

}  // namespace hvctl::libvirt

namespace hvctl {

std::unique_ptr<Backend> make_libvirt_backend(const Target& t, Diagnostics& diagnostics) {
  return std::make_unique<libvirt::LibvirtBackend>(t, diagnostics);
}

}  // namespace hvctl
