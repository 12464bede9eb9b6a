// The libvirt backend's factory; the class itself is private to libvirt_backend.cpp.
#pragma once

#include <memory>

#include "hvctl/backend.hpp"
#include "hvctl/target.hpp"

namespace hvctl {

// A backend for `t.uri` (test:///default, qemu:///system, xen:///system,
// qemu+ssh://host/system...). Does not connect: the first call that needs the
// target does. Options read from `t.options`: domain_type (test|qemu|kvm|xen,
// else detected), pool (for disks hvctl creates, default "default"), arch, machine.
std::unique_ptr<Backend> make_libvirt_backend(const Target& t, Diagnostics& diagnostics = no_diagnostics());

}  // namespace hvctl
