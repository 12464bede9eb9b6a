// The Xen (libxenlight) backend's factory; the class is private to backends/xen.
#pragma once

#include <memory>

#include "hvctl/backend.hpp"
#include "hvctl/target.hpp"

namespace hvctl {

// A backend for the local Xen host (`t.uri` "libxl:local"). Does not open
// libxl: the first call that needs the hypervisor does, and off a dom0 it
// throws BackendError "no Xen hypervisor here: ...". Options read from
// `t.options`: state_dir (VM records, default /var/lib/hvctl/xen), monitor
// (path of hvctl-xen-monitor, default beside the running hvctl; "none" runs
// no monitor, so guest-initiated shutdowns are left to the next hvctl call),
// pvgrub_dir (where the pvgrub2 images of Debian's grub-xen-host are, for
// spec.boot.loader pvgrub; default /usr/lib/grub-xen).
std::unique_ptr<Backend> make_xen_backend(const Target& t, Diagnostics& diagnostics = no_diagnostics());

}  // namespace hvctl
