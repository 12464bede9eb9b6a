// Fuzz harness: bytes as a .vmx file, as `hvctl convert` takes it: format
// detection first, then read_vmx, and what it read written back as .vmx and
// as a spec. Input errors are the expected outcome.
#include <cstdint>
#include <string>

#include "hvctl/spec_io.hpp"
#include "vmx.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    (void)hvctl::formats::detect_format(text, "fuzz");
  } catch (const hvctl::InputError&) {
  }
  try {
    const auto imported = hvctl::formats::read_vmx(text, "fuzz.vmx");
    for (const auto& loss : imported.losses) (void)loss.str();
    (void)hvctl::formats::write_vmx(imported.spec);
    (void)hvctl::spec_to_yaml(imported.spec);
  } catch (const hvctl::InputError&) {
  }
  return 0;
}
