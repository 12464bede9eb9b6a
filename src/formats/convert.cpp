#include "convert.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "hvctl/spec_io.hpp"
#include "libvirt_losses.hpp"
#include "vmx.hpp"
#include "xl_cfg.hpp"

namespace hvctl::formats {
namespace {

// The spec as `hvctl validate` sees it: what the converter made must pass.
void check_spec(const VmSpec& spec, const std::string& file) {
  std::vector<Problem> problems;
  parse_specs(spec_to_yaml(spec), file, problems);
  if (problems.empty()) return;
  std::vector<Problem> out;
  for (auto& p : problems) out.push_back({mark_at(file, 0), "the converted spec is not valid: " + p.message});
  throw ValidationError(std::move(out));
}

Imported import_libvirt(const std::string& text, const std::string& file, const Codecs& codecs) {
  if (!codecs.read_libvirt)
    throw InputError(file + ": reading libvirt XML needs the libvirt backend, which is not compiled in");
  Imported out;
  out.spec = codecs.read_libvirt(text, file);
  auto& memory = out.spec.memory;
  if (memory.max_mib && memory.max_mib == memory.size_mib) memory.max_mib.reset();  // libvirt always reports both
  auto& cpu = out.spec.cpu;
  if (cpu.max && cpu.max == cpu.count) cpu.max.reset();  // (as <vcpu> and its current=)
  out.losses = libvirt_import_losses(text, file);
  out.spec.mark = mark_at(file, 1);
  return out;
}

}  // namespace

std::vector<Imported> import_text(const std::string& text, const std::string& file, NativeFormat from,
                                  const Codecs& codecs) {
  std::vector<Imported> out;
  switch (from) {
    case NativeFormat::yaml: {
      std::vector<Problem> problems;
      for (auto& spec : parse_specs(text, file, problems)) out.push_back({std::move(spec), {}});
      if (!problems.empty()) throw ValidationError(std::move(problems));
      if (out.empty()) throw InputError(file + ": no VirtualMachine documents");
      return out;
    }
    case NativeFormat::xl:
      if (!codecs.read_xl)
        throw InputError(file + ": reading xl.cfg needs the Xen backend (libxlutil), which is not compiled in "
                                "(install libxen-dev and rebuild)");
      out.push_back(codecs.read_xl(text, file));
      break;
    case NativeFormat::vmx: out.push_back(read_vmx(text, file)); break;
    case NativeFormat::libvirt:
      require_text(text, file);
      out.push_back(import_libvirt(text, file, codecs));
      break;
  }
  check_spec(out.front().spec, file);
  auto& losses = out.front().losses;
  std::stable_sort(losses.begin(), losses.end(), [](const Loss& a, const Loss& b) { return a.mark.line < b.mark.line; });
  return out;
}

Exported export_spec(const VmSpec& spec, NativeFormat to, const Codecs& codecs) {
  switch (to) {
    case NativeFormat::yaml: return {spec_to_yaml(spec), {}};
    case NativeFormat::xl: return write_xl_cfg(spec);
    case NativeFormat::vmx: return write_vmx(spec);
    case NativeFormat::libvirt: {
      if (!codecs.write_libvirt) throw InputError("writing libvirt XML needs the libvirt backend, which is not compiled in");
      VmSpec writable;
      Exported out = libvirt_export_plan(spec, writable);
      out.text = codecs.write_libvirt(writable, libvirt_domain_type(spec));
      return out;
    }
  }
  throw InputError("unknown format");
}

const char* file_extension(NativeFormat f) {
  switch (f) {
    case NativeFormat::yaml: return ".yaml";
    case NativeFormat::xl: return ".cfg";
    case NativeFormat::vmx: return ".vmx";
    case NativeFormat::libvirt: return ".xml";
  }
  return "";
}

}  // namespace hvctl::formats
