// One entry point per direction over every format: the command and the
// round-trip tests both go through here.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "formats.hpp"

namespace hvctl::formats {

// The translations a backend owns, handed in from above (the registry
// supplies them; this library sits below the backends). One left empty means
// its backend is not in this build, and that direction says so.
struct Codecs {
  // The VM a domain XML describes. Throws ValidationError (file:line) on malformed XML.
  std::function<VmSpec(const std::string& xml, const std::string& file)> read_libvirt;
  // Domain XML for `spec` as a `domain_type` domain. Every disk has a path.
  std::function<std::string(const VmSpec& spec, const std::string& domain_type)> write_libvirt;
  // The VM an xl.cfg describes, through libxlutil (read_xl_cfg, in the Xen backend).
  std::function<Imported(const std::string& text, const std::string& file)> read_xl;
};

// Every VM in `text` (`file` names it in messages), read as `from`, and what
// each lost. The specs are checked as `hvctl validate` would check them.
// Throws InputError / ValidationError with file:line.
std::vector<Imported> import_text(const std::string& text, const std::string& file, NativeFormat from,
                                  const Codecs& codecs);

// `spec` as a `to` document and what it lost. Throws InputError when `to`
// is not available in this build.
Exported export_spec(const VmSpec& spec, NativeFormat to, const Codecs& codecs);

// File extension for a single-VM document of `f`: ".yaml", ".cfg", ".vmx", ".xml".
const char* file_extension(NativeFormat f);

}  // namespace hvctl::formats
