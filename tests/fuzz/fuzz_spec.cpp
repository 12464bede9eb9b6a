// Fuzz harness: bytes as a YAML spec file, read through load_specs (what
// `hvctl validate -f -` runs). Input errors are the expected outcome; any
// other exception, a crash, or a spec that does not survive writing and
// reading back is a bug.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "hvctl/spec_io.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::vector<hvctl::VmSpec> specs;
  try {
    specs = hvctl::load_specs({"-"}, text);
  } catch (const hvctl::InputError&) {
    return 0;
  }
  for (const auto& spec : specs) {
    std::vector<hvctl::Problem> problems;
    const auto yaml = hvctl::spec_to_yaml(spec);
    const auto again = hvctl::parse_specs(yaml, "<stdin>", problems);
    if (problems.empty() && again.size() == 1 && again[0].name == spec.name) continue;
    std::fprintf(stderr, "spec '%s' does not read back from what spec_to_yaml wrote:\n%s\n", spec.name.c_str(),
                 yaml.c_str());
    for (const auto& p : problems) std::fprintf(stderr, "  %s\n", p.str().c_str());
    std::abort();
  }
  return 0;
}
