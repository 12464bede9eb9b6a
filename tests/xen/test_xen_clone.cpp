// Clones on Xen without a hypervisor: the source as a clone sees it (its
// disks named by the images hvctl made, without its seed), the spec a clone
// is created from, golden through libxl's JSON dump, what its record keeps,
// and the template a start refuses.
// HVCTL_UPDATE_GOLDEN=1 rewrites tests/golden/xen/clone/*.json; review the diff.
#include <doctest/doctest.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "hvctl/spec_io.hpp"
#include "xen_backend.hpp"
#include "xen_clone.hpp"
#include "xen_config.hpp"
#include "xen_test_util.hpp"
#include "xen_images.hpp"
#include "xen_state.hpp"
#include "unit/source_dir.hpp"

using namespace hvctl;
using namespace hvctl::xen;

namespace {

namespace fs = std::filesystem;

const fs::path kGolden = fs::path(::hvctl::test_source_dir()) / "tests" / "golden" / "xen" / "clone";
const std::string kState = "/var/lib/hvctl/xen";

using xen::test::read_file;
using xen::test::parse_one;

VmSpec spec_with(const std::string& name, const std::string& body) {
  return parse_one("apiVersion: hvctl/v1\nkind: VirtualMachine\nmetadata: {name: " + name + "}\nspec: " + body + "\n",
                   "t.yaml");
}

// The source's record as create left it: its root disk's copy and its seed.
VmRecord source_record() {
  VmRecord r{"11111111-2222-3333-4444-555555555555",
             parse_one(read_file(kGolden / "pv-clone.source.yaml"), "pv-clone.source.yaml"), {}};
  r.images["root"] = image_path(kState, "src", "root");
  r.seed = seed_path(kState, "src");
  return r;
}

const DiskSpec* disk(const VmSpec& spec, const std::string& id) {
  for (const auto& d : spec.disks)
    if (d.id == id) return &d;
  return nullptr;
}

struct TempDir {
  fs::path path = fs::temp_directory_path() / ("hvctl-xen-clone-" + std::to_string(getpid()));
  TempDir() { fs::remove_all(path); }
  ~TempDir() { fs::remove_all(path); }
};

}  // namespace

TEST_CASE("the source as a clone sees it: its disks as they are now, stopped, without its seed") {
  const VmState source = clone_source(source_record());
  CHECK(source.name == "src");
  CHECK(source.power == PowerState::stopped);
  const DiskSpec* root = disk(source.spec, "root");
  REQUIRE(root);
  CHECK(root->path == "/var/lib/hvctl/xen/disks/src/root.img");  // the source's copy, not its base
  CHECK_FALSE(root->from);
  CHECK(source.spec.cdroms.size() == 1);  // cd0 only: the seed is no disk of the source's
  CHECK(source.spec.init.hostname == "src-host");
}

TEST_CASE("a clone is created from the source's settings with copies of its writable disks") {
  const VmSpec desired = spec_with("web-2", "{source: {vm: src}, cpu: {count: 4}, template: true, init: {hostname: w2}}");
  const VmSpec made = clone_create_spec(source_record(), desired);
  CHECK(made.name == "web-2");
  CHECK(made.cpu.count == 4);               // the spec's own
  CHECK(made.memory.size_mib == 256);       // the source's
  CHECK(made.boot.kernel == "/guest/vmlinux");
  REQUIRE(made.xen);
  CHECK(made.xen->type == "pv");
  const DiskSpec* root = disk(made, "root");
  const DiskSpec* data = disk(made, "data");
  const DiskSpec* tools = disk(made, "tools");
  REQUIRE(root);
  REQUIRE(data);
  REQUIRE(tools);
  CHECK(root->from == "/var/lib/hvctl/xen/disks/src/root.img");
  CHECK(root->copy_from);
  CHECK_FALSE(root->path);
  CHECK_FALSE(root->size_mib);  // the copy's size is the source image's
  CHECK(data->from == "/images/src-data.img");
  CHECK_FALSE(data->path);
  CHECK(tools->path == "/images/tools.img");  // read-only: shared as it is
  CHECK_FALSE(tools->from);
  REQUIRE(made.nics.size() == 1);
  CHECK(made.nics[0].network == "xenbr0");
  CHECK_FALSE(made.nics[0].mac);  // create draws the clone's own
  CHECK(made.init.hostname == "w2");
  CHECK(made.labels.empty());
  CHECK_FALSE(made.description);
  CHECK(made.source.vm == "src");  // remembered, for the plan's "read at create only"
  CHECK(made.is_template == true);
  CHECK(check_spec(made).empty());
}

TEST_CASE("a clone's record keeps its source and template through JSON") {
  VmRecord record{"u", clone_create_spec(source_record(), spec_with("t2", "{source: {vm: src}, template: true}")), {}};
  const VmRecord back = record_from_json(record_to_json(record), "r.json");
  CHECK(back.spec.source.vm == "src");
  CHECK_FALSE(back.spec.source.template_name);
  CHECK(back.spec.is_template == true);
  CHECK(back.spec.disks.size() == 3);
}

TEST_CASE("a clone is checked with its source's settings, not as its own spec alone") {
  // Alone, a pv clone without a kernel would be refused; the source's boot comes with it.
  const VmSpec desired = spec_with("c", "{source: {vm: src}, xen: {type: pv}}");
  CHECK_FALSE(check_spec(desired).empty());
  CHECK(clone_problems(clone_create_spec(source_record(), desired), desired).empty());
  // What the source brings that the clone's spec makes impossible says where it came from.
  const VmSpec uefi = spec_with("c", "{source: {vm: src}, firmware: uefi}");
  const auto problems = clone_problems(clone_create_spec(source_record(), uefi), uefi);
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].message.find("firmware uefi needs xen.type hvm") != std::string::npos);
  CHECK(problems[0].message.find("with the settings of its source 'src'") != std::string::npos);
  CHECK(problems[0].mark.line > 0);  // at the spec's own firmware line
}

TEST_CASE("xen golden: a clone's domain config, its disks copied into its own directory") {
  const VmSpec desired = parse_one(read_file(kGolden / "pv-clone.yaml"), "pv-clone.yaml");
  VmRecord record{"22222222-3333-4444-5555-666666666666", clone_create_spec(source_record(), desired), {}};
  for (const auto& d : record.spec.disks)  // what make_images records for each copy
    if (d.from) record.images[d.id] = image_path(kState, record.spec.name, d.id);
  CHECK(record.images.size() == 2);
  record.seed = seed_path(kState, record.spec.name);
  DomainConfig config;
  build_domain_config(with_images(record), record.uuid, config);
  const std::string json = config.json();
  const fs::path golden = kGolden / "pv-clone.json";
  if (std::getenv("HVCTL_UPDATE_GOLDEN")) std::ofstream(golden) << json;
  REQUIRE_MESSAGE(fs::exists(golden), "missing " << golden << " (run with HVCTL_UPDATE_GOLDEN=1)");
  CHECK(json == read_file(golden));
  // Independent of the dump: the source's images are read by the copy, never attached.
  CHECK(json.find("/var/lib/hvctl/xen/disks/pv-clone/root.img") != std::string::npos);
  CHECK(json.find("/var/lib/hvctl/xen/disks/pv-clone/data.img") != std::string::npos);
  CHECK(json.find("/var/lib/hvctl/xen/seeds/pv-clone.iso") != std::string::npos);
  CHECK(json.find("/disks/src/") == std::string::npos);
  CHECK(json.find("src-data.img") == std::string::npos);
  CHECK(json.find("/images/tools.img") != std::string::npos);
}

TEST_CASE("a template is never started: start refuses it before touching libxl") {
  TempDir dir;
  const StateStore store(dir.path.string());
  store.save({"u", spec_with("tpl", "{template: true, boot: {kernel: /k}, xen: {type: pv}}"), {}});
  Target t;
  t.name = "libxl:local";
  t.type = "xen";
  t.uri = "libxl:local";
  t.options["state_dir"] = dir.path.string();
  t.options["monitor"] = "none";
  auto backend = make_xen_backend(t);
  PowerRequest start;
  start.op = PowerOp::start;
  CHECK_THROWS_WITH_AS(backend->power("tpl", start),
                       "target 'libxl:local': VM 'tpl' is a template: templates are never powered on; clone it with "
                       "source.template",
                       InputError);
  // A clone's own spec is not judged alone: its source gives type and boot at plan.
  CHECK(backend->check(spec_with("c", "{source: {vm: tpl}, xen: {type: pv}}")).empty());
  CHECK_FALSE(backend->check(spec_with("c", "{xen: {type: pv}}")).empty());
}
