// Clones and templates on libvirt's in-process test driver: a template made
// and read back, a clone of it whose disks are copies in the pool, and the
// refusals (a template started, a source gone between plan and apply).
#include <doctest/doctest.h>

#include "hvctl/plan.hpp"
#include "libvirt_backend.hpp"
#include "libvirt_test_util.hpp"

namespace hvctl {
namespace {

using test::spec_from;
using test::test_target;

const char* const kTemplate =
    "apiVersion: hvctl/v1\nkind: VirtualMachine\nmetadata: {name: tpl-c, labels: {role: base}}\nspec:\n"
    "  template: true\n  cpu: {count: 2}\n  memory: {size: 256MiB}\n"
    "  disks: [{id: root, size: 64MiB}]\n"
    "  nics: [{id: eth0, network: default, mac: '52:54:00:aa:cc:01'}]\n";

}  // namespace

TEST_CASE("libvirt backend: a template, and a full clone of it with its own copy of each disk") {
  auto b = make_libvirt_backend(test_target());
  b->create(spec_from(kTemplate));
  const auto tpl = b->lookup("tpl-c");
  REQUIRE(tpl);
  CHECK(tpl->spec.is_template == true);

  PowerRequest start;
  CHECK_THROWS_WITH_AS(b->power("tpl-c", start), doctest::Contains("VM 'tpl-c' is a template"), InputError);
  CHECK(b->lookup("tpl-c")->power == PowerState::stopped);

  b->create(spec_from("apiVersion: hvctl/v1\nkind: VirtualMachine\nmetadata: {name: web-c}\nspec:\n"
                      "  source: {template: tpl-c}\n  memory: {size: 512MiB}\n"));
  const auto vm = b->lookup("web-c");
  REQUIRE(vm);
  CHECK(vm->spec.source.template_name == "tpl-c");
  CHECK(!vm->spec.is_template);
  CHECK(vm->spec.cpu.count == 2);            // the template's
  CHECK(vm->spec.memory.size_mib == 512u);   // the spec's
  CHECK(vm->spec.labels.empty());            // identity is the clone's own
  REQUIRE(vm->spec.disks.size() == 1);
  CHECK(vm->spec.disks[0].path == "/default-pool/web-c-root.img");
  CHECK(vm->spec.disks[0].size_mib == 64u);
  CHECK(vm->owned_disks.count("root"));      // destroy deletes the copy, not the template's
  REQUIRE(vm->spec.nics.size() == 1);
  CHECK(vm->spec.nics[0].network == "default");
  CHECK(vm->spec.nics[0].mac != "52:54:00:aa:cc:01");
  CHECK_NOTHROW(b->power("web-c", start));  // a clone is a VM

  b->destroy("web-c");
  const auto kept = b->lookup("tpl-c");
  REQUIRE(kept);
  CHECK(kept->spec.disks[0].path == "/default-pool/tpl-c-root.img");
  b->destroy("tpl-c");
}

TEST_CASE("libvirt backend: a clone whose source went away or started since the plan is refused, nothing made") {
  auto b = make_libvirt_backend(test_target());
  const auto clone = spec_from("apiVersion: hvctl/v1\nkind: VirtualMachine\nmetadata: {name: web-gone}\nspec:\n"
                               "  source: {vm: test}\n");
  // "test" is the driver's own running domain.
  CHECK_THROWS_WITH_AS(b->create(clone), doctest::Contains("cannot clone 'test' into VM 'web-gone': it is running"),
                       BackendError);
  auto gone = clone;
  gone.source.vm = "no-such-vm";
  CHECK_THROWS_WITH_AS(b->create(gone), doctest::Contains("cannot clone 'no-such-vm' into VM 'web-gone': no such VM"),
                       BackendError);
  CHECK_FALSE(b->lookup("web-gone"));
}

}  // namespace hvctl

namespace hvctl {

TEST_CASE("libvirt backend: a VMware guest customization is refused, not ignored; a template's clone checks at plan") {
  auto b = make_libvirt_backend(test_target());
  const auto spec = spec_from("apiVersion: hvctl/v1\nkind: VirtualMachine\nmetadata: {name: web-gosc}\nspec:\n"
                              "  vsphere:\n    customization: {ipv4: 10.0.0.21/24}\n");
  const auto problems = problems_on(spec, *b);
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].message.find("vsphere.customization.ipv4 cannot be expressed on a libvirt target: VMware guest "
                                 "customization runs only on vSphere") != std::string::npos);
  CHECK(problems[0].mark.line == 6);
  // The rest of the vSphere block is kept and ignored, as ever.
  const auto placement = spec_from("apiVersion: hvctl/v1\nkind: VirtualMachine\nmetadata: {name: web-ds}\nspec:\n"
                                   "  vsphere: {datastore: LocalDS_0}\n");
  CHECK(problems_on(placement, *b).empty());
}

}  // namespace hvctl
