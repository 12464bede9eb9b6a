// The field table drives parse, write, overlay, diff, docs and capabilities.
// These tests hold it to a golden spec written by hand (every field set), to
// the man page, and to what README says about blocks for another hypervisor.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "hvctl/plan.hpp"
#include "hvctl/spec_fields.hpp"
#include "hvctl/spec_io.hpp"
#include "hvctl/spec_overlay.hpp"
#include "man_page.hpp"
#include "source_dir.hpp"

using namespace hvctl;
namespace fs = std::filesystem;

namespace {

std::string read_text(const fs::path& p) {
  std::ifstream in(p);
  REQUIRE_MESSAGE(in, p.string());
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

const fs::path kGolden = fs::path(::hvctl::test_source_dir()) / "tests" / "golden" / "spec" / "every-field.yaml";

VmSpec parse_one(const std::string& text, const std::string& name) {
  std::vector<Problem> problems;
  auto specs = parse_specs(text, name, problems);
  std::string said;
  for (const auto& p : problems) said += p.mark.str() + ": " + p.message + "\n";
  REQUIRE_MESSAGE(problems.empty(), said);
  REQUIRE(specs.size() == 1);
  return specs[0];
}

fields::Value value_in(const fields::Field& f, const VmSpec& s) {
  switch (f.scope) {
    case fields::Scope::disk:  // the first disk that sets it
      for (const auto& d : s.disks)
        if (auto v = fields::get(f, d); fields::is_set(v)) return v;
      return {};
    case fields::Scope::cdrom: return s.cdroms.empty() ? fields::Value{} : fields::get(f, s.cdroms[0]);
    case fields::Scope::nic: return s.nics.empty() ? fields::Value{} : fields::get(f, s.nics[0]);
    case fields::Scope::controller:
      return s.controllers.empty() ? fields::Value{} : fields::get(f, s.controllers[0]);
    case fields::Scope::vm: break;
  }
  return fields::get(f, s);
}

Capabilities caps_of(const std::string& backend, const std::string& hypervisor) {
  const auto column = *fields::column_of(backend);
  Capabilities c;
  c.backend = backend;
  c.hypervisor = hypervisor;
  c.fields = fields::accepted_keys(column);
  c.hot_fields = fields::hot_keys(column);
  return c;
}

}  // namespace

TEST_CASE("every field in the table round-trips parse -> write -> parse against the hand-written golden") {
  // every-field-2.yaml holds what cannot stand beside the rest (source.vm, a customization's network, boot.loader).
  const fs::path second = kGolden.parent_path() / "every-field-2.yaml";
  std::vector<VmSpec> specs;
  for (const auto& path : {kGolden, second}) {
    const auto golden = read_text(path);
    const auto spec = parse_one(golden, path.string());
    const auto written = spec_to_yaml(spec);
    const auto comment_free = golden.substr(golden.find("apiVersion:"));
    CHECK(written == comment_free);
    const auto back = parse_one(written, "written.yaml");
    for (const auto& f : fields::table())
      if (f.is_leaf()) CHECK_MESSAGE(value_in(f, back) == value_in(f, spec), f.path);
    specs.push_back(spec);
  }
  for (const auto& f : fields::table()) {
    if (!f.is_leaf()) continue;
    const bool in_either = fields::is_set(value_in(f, specs[0])) || fields::is_set(value_in(f, specs[1]));
    CHECK_MESSAGE(in_either, std::string(f.path), " is not in the golden specs: add it by hand");
  }
}

TEST_CASE("hvctl-spec(5) documents every field in the table, with what each backend does") {
  const auto page = man_spec();
  for (const auto& f : fields::table()) {
    std::string roffed;
    for (char c : std::string(f.path)) roffed += c == '-' ? std::string("\\-") : std::string(1, c);
    CHECK_MESSAGE(page.find("\\fB" + roffed + "\\fR") != std::string::npos, f.path);
  }
  CHECK(page.find("vSphere: not expressible, a validation error: vSphere limits CPU in MHz") != std::string::npos);
  CHECK(page.find("Xen: not expressible, a validation error: libxl has no guest CPU topology") != std::string::npos);
  CHECK(page.find("numCoresPerSocket; a change needs a restart") != std::string::npos);
}

TEST_CASE("a block for another hypervisor is kept and ignored; man page, README and code agree") {
  const std::string said = "kept in the spec and ignored";
  CHECK(man_spec().find(said) != std::string::npos);
  CHECK(read_text(fs::path(::hvctl::test_source_dir()) / "README.md").find(said) != std::string::npos);
  CHECK(man_spec().find("not expressible (a validation error)") == std::string::npos);  // the old, wrong words

  const auto spec = parse_one(read_text(kGolden), kGolden.string());
  // A vSphere target ignores the xen and libvirt blocks: none of their fields is a problem.
  const auto vsphere = caps_of("vsphere", "esxi");
  CHECK(ignored_blocks(spec, vsphere) == std::vector<std::string>{"xen", "libvirt"});
  for (const auto& p : unsupported_fields(spec, vsphere)) {
    CHECK_MESSAGE(p.message.find("xen.") == std::string::npos, p.message);
    CHECK_MESSAGE(p.message.find("libvirt.") == std::string::npos, p.message);
  }
  // A libvirt target on a Xen host reads the xen block, and refuses what it cannot pass on.
  // (The golden's libvirt.domainType names KVM, and wins over the target's hypervisor: unset it.)
  auto unpinned = spec;
  unpinned.libvirt->domain_type.reset();
  const auto on_xen = caps_of("libvirt", "xen");
  CHECK(ignored_blocks(unpinned, on_xen) == std::vector<std::string>{"vsphere"});
  CHECK(ignored_blocks(spec, on_xen) == std::vector<std::string>{"xen", "vsphere"});
  bool tsc_refused = false;
  for (const auto& p : unsupported_fields(unpinned, on_xen)) tsc_refused = tsc_refused || p.message.find("xen.tscMode") != std::string::npos;
  CHECK(tsc_refused);
  // The same target on KVM ignores it.
  const auto on_kvm = caps_of("libvirt", "kvm");
  CHECK(ignored_blocks(spec, on_kvm) == std::vector<std::string>{"xen", "vsphere"});
  for (const auto& p : unsupported_fields(spec, on_kvm)) CHECK_MESSAGE(p.message.find("xen.") == std::string::npos, p.message);
}

TEST_CASE("a refused field says why, at its place in the spec") {
  auto spec = parse_one("apiVersion: hvctl/v1\nkind: VirtualMachine\nmetadata: {name: a}\nspec:\n  cpu: {count: 4, coresPerSocket: 2}\n",
                        "a.yaml");
  const auto problems = unsupported_fields(spec, caps_of("xen", "xen"));
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].mark.line == 5);
  CHECK(problems[0].message == "VM 'a': cpu.coresPerSocket cannot be expressed on a xen target: libxl has no guest CPU "
                               "topology: a Xen guest's vCPUs are not grouped into sockets");
  CHECK(unsupported_fields(spec, caps_of("vsphere", "esxi")).empty());
  CHECK(unsupported_fields(spec, caps_of("libvirt", "kvm")).empty());
}

TEST_CASE("the overlay merges every block field by field, and extraConfig by key") {
  VmSpec actual;
  actual.name = "a";
  actual.vsphere = VsphereBlock{};
  actual.vsphere->guest_id = "otherGuest64";
  actual.vsphere->extra_config = {{"a", "1"}, {"b", "2"}};
  actual.xen = XenBlock{};
  actual.xen->type = "hvm";
  VmSpec desired;
  desired.name = "a";
  desired.vsphere = VsphereBlock{};
  desired.vsphere->extra_config = {{"b", "3"}};
  desired.xen = XenBlock{};
  desired.xen->on_crash = "preserve";
  const auto merged = overlay_spec(actual, desired);
  REQUIRE(merged.vsphere);
  CHECK(merged.vsphere->guest_id == "otherGuest64");  // kept: the old overlay replaced the block whole
  CHECK(merged.vsphere->extra_config == std::map<std::string, std::string>{{"a", "1"}, {"b", "3"}});
  REQUIRE(merged.xen);
  CHECK(merged.xen->type == "hvm");
  CHECK(merged.xen->on_crash == "preserve");
}

TEST_CASE("the differ compares libvirt.domainType and description, and not vSphere placement") {
  VmSpec want, have;
  want.name = have.name = "a";
  want.libvirt = LibvirtBlock{};
  want.libvirt->domain_type = "kvm";
  have.libvirt = LibvirtBlock{};
  have.libvirt->domain_type = "qemu";
  want.description = "new";
  have.description = "old";
  const auto changes = diff_spec(want, have, caps_of("libvirt", "kvm"));
  REQUIRE(changes.size() == 2);
  CHECK(changes[0].field == "description");
  CHECK(changes[0].hot);
  CHECK(changes[1].field == "libvirt.domainType");
  CHECK(changes[1].from == "qemu");
  CHECK_FALSE(changes[1].hot);

  VmSpec placed, found;
  placed.name = found.name = "a";
  placed.vsphere = VsphereBlock{};
  placed.vsphere->host = "H1";
  found.vsphere = VsphereBlock{};
  found.vsphere->host = "H0";
  CHECK(diff_spec(placed, found, caps_of("vsphere", "esxi")).empty());
}
