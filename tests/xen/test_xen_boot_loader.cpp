// spec.boot.loader on Xen: pvgrub2 as the PV or PVH guest's kernel, chosen
// by its type from the target's pvgrub_dir only when the domain is built;
// refused on HVM and when dom0 lacks the image; kept as the loader in the
// record, so what is read back is what the spec says.
#include <doctest/doctest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "hvctl/plan.hpp"
#include "hvctl/spec_io.hpp"
#include "xen_backend.hpp"
#include "xen_backend_impl.hpp"
#include "xen_config.hpp"
#include "xen_devices.hpp"
#include "xen_images.hpp"
#include "xen_state.hpp"
#include "xen_test_util.hpp"

using namespace hvctl;
using namespace hvctl::xen;

namespace {

namespace fs = std::filesystem;

VmSpec spec_with(const std::string& body) {
  return xen::test::parse_one("apiVersion: hvctl/v1\nkind: VirtualMachine\nmetadata: {name: vm1}\nspec:\n" + body);
}

struct TempDir {
  fs::path path = fs::temp_directory_path() / ("hvctl-xen-loader-" + std::to_string(getpid()));
  TempDir() {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
};

std::unique_ptr<Backend> backend_with(const std::map<std::string, std::string>& options) {
  Target t;
  t.name = "x";
  t.type = "xen";
  t.uri = "libxl:local";
  t.options = options;
  return make_xen_backend(t);
}

// The kernel libxl would boot, from its own JSON of the config.
std::string booted_kernel(const VmSpec& spec) {
  DomainConfig config;
  build_domain_config(spec, "", config);
  return config.get()->b_info.kernel ? config.get()->b_info.kernel : "";
}

}  // namespace

TEST_CASE("pvgrub boots a pv guest as grub-x86_64-xen.bin and a pvh guest as grub-i386-xen_pvh.bin") {
  const VmSpec pv = spec_with("  boot: {loader: pvgrub}\n  xen: {type: pv}\n");
  const VmSpec pvh = spec_with("  boot: {loader: pvgrub}\n");  // (pvh: the loader's default type)
  CHECK(check_spec(pv).empty());
  CHECK(check_spec(pvh).empty());
  CHECK(booted_kernel(with_boot_loader(pv, "/opt/grub")) == "/opt/grub/grub-x86_64-xen.bin");
  CHECK(booted_kernel(with_boot_loader(pvh, "/opt/grub")) == "/opt/grub/grub-i386-xen_pvh.bin");
  DomainConfig config;
  build_domain_config(with_boot_loader(pvh, kDefaultPvgrubDir), "", config);
  CHECK(config.get()->c_info.type == LIBXL_DOMAIN_TYPE_PVH);
  CHECK(std::string(config.get()->b_info.kernel) == "/usr/lib/grub-xen/grub-i386-xen_pvh.bin");
  const VmSpec direct = spec_with("  boot: {kernel: /k}\n");  // no loader: left as it is
  CHECK(booted_kernel(with_boot_loader(direct, "/opt/grub")) == "/k");
  CHECK(with_boot_loader(direct, "/opt/grub").boot == direct.boot);
}

TEST_CASE("a loader on an HVM guest is refused at boot.loader; so is a change that adds a kernel to it") {
  const VmSpec hvm = spec_with("  boot: {loader: pvgrub}\n  xen: {type: hvm}\n");
  const auto problems = check_spec(hvm);
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].message == "VM 'vm1': boot.loader pvgrub boots a PV or PVH guest; an hvm guest boots its disk "
                               "through its firmware: leave boot.loader out, or set xen.type pv or pvh");
  CHECK(problems[0].mark.line == hvm.mark_of("boot.loader").line);
  CHECK(problems[0].mark.line == 5);
  CHECK(booted_kernel(with_boot_loader(hvm, "/opt/grub")).empty());  // (never built: check_spec refused it)
  const auto merged = check_merged(spec_with("  boot: {kernel: /k}\n"), spec_with("  boot: {loader: pvgrub}\n"));
  REQUIRE(merged.size() == 1);
  CHECK(merged[0].message == "VM 'vm1': boot.loader and boot.kernel exclude each other: the loader boots the kernel "
                             "on the guest's disk (with the settings the VM keeps)");
}

TEST_CASE("dom0 must have the pvgrub image the guest's type boots, before anything is made") {
  TempDir tmp;
  const std::string grub = (tmp.path / "grub").string();
  fs::create_directories(grub);
  std::ofstream(tmp.path / "grub" / "grub-x86_64-xen.bin") << "pv only";
  const VmSpec pv = spec_with("  boot: {loader: pvgrub}\n  xen: {type: pv}\n");
  const VmSpec pvh = spec_with("  boot: {loader: pvgrub}\n");
  CHECK(host_problems(pv, grub).empty());
  const auto missing = host_problems(pvh, grub);
  REQUIRE(missing.size() == 1);
  CHECK(missing[0].message == "VM 'vm1': boot.loader pvgrub boots a pvh guest through " + grub +
                                  "/grub-i386-xen_pvh.bin, which dom0 lacks: install the package grub-xen-host, or "
                                  "set the target's option pvgrub_dir to where its images are");
  CHECK(missing[0].mark.line == pvh.mark_of("boot.loader").line);
  CHECK(host_problems(spec_with("  boot: {kernel: /k}\n"), grub).empty());  // (a host kernel is the user's to give)
  // The backend checks it at plan, with the target's pvgrub_dir (no hypervisor needed for that).
  auto backend = backend_with({{"pvgrub_dir", grub}, {"state_dir", (tmp.path / "state").string()}});
  CHECK(backend->check_on_target(pv, nullptr).empty());
  const auto planned = backend->check_on_target(pvh, nullptr);
  REQUIRE(planned.size() == 1);
  CHECK(planned[0].message == missing[0].message);
  const auto by_default = backend_with({{"state_dir", (tmp.path / "state").string()}})->check_on_target(pvh, nullptr);
  const bool installed = fs::exists("/usr/lib/grub-xen/grub-i386-xen_pvh.bin");
  CHECK(by_default.size() == (installed ? 0u : 1u));
  if (!installed) CHECK(by_default[0].message.find("/usr/lib/grub-xen/grub-i386-xen_pvh.bin") != std::string::npos);
}

TEST_CASE("the record keeps boot.loader: what is read back and exported is the spec, and its plan is empty") {
  const VmSpec desired = spec_with("  boot: {loader: pvgrub}\n  disks:\n    - {id: root, path: /srv/root.img}\n");
  const VmRecord back = record_from_json(record_to_json({"11111111-2222-3333-4444-555555555555", desired}), "r.json");
  CHECK(back.spec.boot.loader == "pvgrub");
  CHECK_FALSE(back.spec.boot.kernel);
  VmState actual;
  actual.name = "vm1";
  actual.spec = effective_spec(back.spec);
  actual.spec.power = PowerState::stopped;
  CHECK(actual.spec.xen->type == "pvh");
  const std::string exported = spec_json(actual.spec).dump();
  CHECK(exported.find("\"loader\":\"pvgrub\"") != std::string::npos);
  CHECK(exported.find("grub-i386-xen_pvh.bin") == std::string::npos);
  CHECK(exported.find("\"kernel\"") == std::string::npos);
  const auto caps = backend_with({})->capabilities();
  const VmPlan plan = plan_vm(desired, actual, "x", caps);
  INFO(plan.describe());
  CHECK_FALSE(plan.has_changes());
  // The domain is built with the pvgrub image, from the record as it is kept.
  const VmSpec built = domain_spec(back, "/opt/grub");
  CHECK(built.boot.kernel == "/opt/grub/grub-i386-xen_pvh.bin");
  CHECK_FALSE(built.boot.loader);
  CHECK(built.disks.at(0).path == "/srv/root.img");
}
