// Fuzz harness: bytes as an xl.cfg file through read_xl_cfg (libxlutil's
// parser plus hvctl's own scanner and mapping), and what it read written back
// as xl.cfg and as a spec. Input errors are the expected outcome.
#include <cstdint>
#include <string>

#include "hvctl/spec_io.hpp"
#include "xl_cfg.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const auto imported = hvctl::formats::read_xl_cfg(text, "fuzz.cfg");
    for (const auto& loss : imported.losses) (void)loss.str();
    (void)hvctl::formats::write_xl_cfg(imported.spec);
    (void)hvctl::spec_to_yaml(imported.spec);
  } catch (const hvctl::InputError&) {
  }
  return 0;
}
