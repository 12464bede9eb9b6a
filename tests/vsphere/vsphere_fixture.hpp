// Shared by the vSphere translation tests: the captured VMs of vcsim's
// answer (tests/vsphere/fixtures), specs from text, and golden files
// (HVCTL_UPDATE_GOLDEN=1 rewrites them).
#pragma once

#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "hvctl/spec_io.hpp"
#include "translate.hpp"
#include "vsphere_checks.hpp"
#include "vsphere_test_util.hpp"

namespace hvctl::vsphere::test {

// The VM `name` of a captured RetrievePropertiesEx answer, as hvctl reads it.
inline VmConfig fixture_vm(const std::string& name = "fixture-vm", const char* file = "vm-list.response.xml") {
  Response r = parse_response(read_file(source_path(std::string("tests/vsphere/fixtures/") + file)), 200);
  for (const auto& o : parse_retrieve_result(r.returnval()).objects)
    if (o.text("name") == name) return read_vm_config(o, {{"dvportgroup-13", "DC0_DVPG0"}});
  FAIL("no VM " << name << " in " << file);
  return {};
}

// The one spec in `text`; a problem fails the test.
inline VmSpec parse_one(const std::string& text, const std::string& file = "t.yaml") {
  std::vector<Problem> problems;
  auto specs = parse_specs(text, file, problems);
  REQUIRE_MESSAGE(problems.empty(), (problems.empty() ? "" : problems.front().str()));
  REQUIRE(specs.size() == 1);
  return specs.front();
}

// `text` is the golden file at `path`, or becomes it with HVCTL_UPDATE_GOLDEN=1.
inline void check_golden(const std::filesystem::path& path, const std::string& text) {
  CAPTURE(path);
  const char* update = std::getenv("HVCTL_UPDATE_GOLDEN");
  if (update && std::string(update) == "1") {
    std::ofstream(path, std::ios::binary) << text;
    return;
  }
  REQUIRE_MESSAGE(std::filesystem::exists(path), "missing golden file; run with HVCTL_UPDATE_GOLDEN=1");
  CHECK(text == read_file(path));
}

}  // namespace hvctl::vsphere::test
