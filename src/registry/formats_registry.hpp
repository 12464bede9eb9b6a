// The translations backends own (libvirt domain XML both ways, xl.cfg
// reading over libxlutil), for commands that convert files; commands never
// include backend internals. With HVCTL_BACKEND_MODULES each comes from its
// backend's module, loaded only when a conversion first needs it.
#pragma once

#include "convert.hpp"

namespace hvctl {

// One entry per translation this build has; the others are left empty, and
// formats::import_text / export_spec say which backend is missing.
formats::Codecs backend_codecs();

}  // namespace hvctl
