// The libvirt backend's changes: checks, create (and clones), reconfigure,
// power and destroy. Its reads and the quirks of libvirt are in
// libvirt_backend.cpp.
#include <algorithm>
#include <filesystem>

#include <fmt/format.h>

#include "hvctl/clone.hpp"
#include "hvctl/first_boot.hpp"
#include "hvctl/spec_overlay.hpp"
#include "libvirt_backend_impl.hpp"
#include "libvirt_domain_ops.hpp"
#include "libvirt_live.hpp"
#include "libvirt_seed.hpp"
#include "libvirt_storage.hpp"

namespace hvctl::libvirt {

// Creates a volume for each disk with a size and no path (see create_disk_volumes).
std::vector<std::string> LibvirtBackend::create_volumes(VmSpec& spec, std::set<std::string>& owned, const Context& c) {
  return create_disk_volumes(conn(), {pool(), is_local(target_.uri)}, spec, owned, c);
}

void LibvirtBackend::rollback(const std::vector<std::string>& paths, const Context& c) {
  delete_volumes(conn(), paths, c);
}

// Defines the domain from `xml`; with `autostart`, also sets its autostart
// flag (libvirtd's own: it is no part of the XML) where it differs.
void LibvirtBackend::define(const std::string& xml, const Context& c, const char* what, std::optional<bool> autostart) {
  if (diagnostics_.shows(LogLevel::protocol))
    diagnostics_.log(LogLevel::protocol, fmt::format("libvirt {}: virDomainDefineXML for VM '{}':\n{}", target_.name, c.vm, xml));
  Domain dom(virDomainDefineXML(conn(), xml.c_str()));
  if (!dom) c.fail(what);
  int now = 0;
  if (!autostart || (virDomainGetAutostart(dom.get(), &now) == 0 && (now != 0) == *autostart)) return;
  if (virDomainSetAutostart(dom.get(), *autostart ? 1 : 0) < 0)
    c.fail(*autostart ? "cannot mark for autostart" : "cannot clear the autostart flag of");
}

std::vector<Problem> LibvirtBackend::check(const VmSpec& spec) const {
  auto out = check_spec(spec, target_.option("domain_type"));
  for (auto& p : seed_drive_problems(spec)) out.push_back(std::move(p));
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
    define(spec_to_domain_xml(s, d), c, "cannot define", s.autostart.enabled);
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
         "cannot redefine", spec.autostart.enabled);
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
  watch->second.attach(target_, dom.get(), c);
  if (virDomainResume(dom.get()) < 0) c.fail("cannot resume");
}

void LibvirtBackend::watch_console_of(const VmSpec& spec) {
  if (!spec.ready.console && !waits_for_first_boot(spec)) return;
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

}  // namespace hvctl::libvirt
