// Opening a libvirt connection for a target. Internal to the libvirt backend.
#pragma once

#include <libvirt/libvirt.h>

#include "hvctl/target.hpp"

namespace hvctl::libvirt {

// Connects to `t.uri`, answering libvirt's credential questions with
// t.username and t.password() (asked only when libvirt asks). Throws
// BackendError "target 'T': cannot connect to URI: <reason>".
virConnectPtr open_connection(const Target& t);

}  // namespace hvctl::libvirt
