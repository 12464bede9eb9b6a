// xl.cfg (Xen's xl domain configuration) <-> hvctl/v1 specs.
//
// Reading uses libxlutil, the parser xl itself uses (no hypervisor needed):
// xlu_cfg_readdata for the file, xlu_disk_parse for each disk, and xl's own
// rules for vif lines. Writing produces text that libxlutil reads back to the
// same spec. Without libxlutil at build time, reading throws InputError.
#pragma once

#include <string>

#include "formats.hpp"

namespace hvctl::formats {

// True when this build can read xl.cfg (libxlutil was found).
bool xl_cfg_reader_available();

// The VM that `text` (read from `file`) describes, and every setting it makes
// that the spec cannot express. Throws ValidationError listing every problem
// (syntax, a disk libxlutil rejects, bad values) with file:line.
Imported read_xl_cfg(const std::string& text, const std::string& file);

// `spec` as xl.cfg, and what xl.cfg cannot say (labels, disk ids, size-only
// disks, vSphere and libvirt settings ...).
Exported write_xl_cfg(const VmSpec& spec);

}  // namespace hvctl::formats
