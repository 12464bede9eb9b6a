// The NoCloud seed of a VM's spec.init on libvirt: an ISO 9660 image
// (label cidata) built here, uploaded into the target's storage pool as
// volume NAME-seed.iso (virStorageVolUpload, so a remote daemon works the
// same), and attached as a read-only drive (DomainDefaults::seed_path).
#pragma once

#include <string>

#include "libvirt_handles.hpp"
#include "hvctl/spec.hpp"

namespace hvctl::libvirt {

// The seed volume's name in the pool.
std::string seed_volume_name(const std::string& vm);

// Builds the seed of `spec.init` and uploads it to `pool` as
// seed_volume_name, replacing the one hvctl made before; returns its path.
// On failure no new volume is left (an old one is gone too: the VM is
// stopped while its init changes, and the next apply makes it again).
std::string make_seed_volume(virConnectPtr conn, const std::string& pool, const VmSpec& spec, const Context& c);

}  // namespace hvctl::libvirt
