// xl.cfg (Xen's xl domain configuration) <-> hvctl/v1 specs.
//
// Reading uses libxlutil, the parser xl itself uses (no hypervisor needed):
// xlu_cfg_readdata for the file, xlu_disk_parse for each disk, and xl's own
// rules for vif lines. Writing produces text that libxlutil reads back to the
// same spec. The reader is its own library, hvctl_formats_xl, which the Xen
// backend carries (with HVCTL_BACKEND_MODULES, in its module): hvctl itself
// does not load libxlutil and the dozen Xen libraries behind it at start-up.
// `hvctl convert` reaches it through the registry's backend_codecs().
#pragma once

#include <string>

#include "formats.hpp"

namespace hvctl::formats {

// The VM that `text` (read from `file`) describes, and every setting it makes
// that the spec cannot express. Throws ValidationError listing every problem
// (syntax, a disk libxlutil rejects, bad values) with file:line.
Imported read_xl_cfg(const std::string& text, const std::string& file);

// `spec` as xl.cfg, and what xl.cfg cannot say (labels, disk ids, size-only
// disks, vSphere and libvirt settings ...).
Exported write_xl_cfg(const VmSpec& spec);

}  // namespace hvctl::formats
