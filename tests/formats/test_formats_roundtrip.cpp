// Round trips over the corpus: native -> spec -> the same native -> spec gives
// the same spec, and a spec each format can fully express survives
// spec -> format -> spec. libvirt goes through the registry, as the command does.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "convert.hpp"
#include "formats_registry.hpp"
#include "hvctl/spec_io.hpp"
#include "formats_test_util.hpp"
#include "xl_cfg.hpp"
#include "unit/source_dir.hpp"

using namespace hvctl;
using namespace hvctl::formats;
using hvctl::formats::test::slurp;

namespace {


const Codecs& codec() {
  static const Codecs codecs = backend_codecs();
  return codecs;
}

bool usable(NativeFormat f) {
  if (f == NativeFormat::xl) return bool(codec().read_xl);
  if (f == NativeFormat::libvirt) return bool(codec().read_libvirt);
  return true;
}

// spec -> `f` -> spec, compared as the YAML `hvctl export` would print.
std::string through(const VmSpec& spec, NativeFormat f) {
  const auto out = export_spec(spec, f, codec());
  const auto back = import_text(out.text, std::string("rt") + file_extension(f), f, codec());
  REQUIRE(back.size() == 1);
  return spec_to_yaml(back.front().spec);
}

VmSpec one(const std::string& yaml) {
  std::vector<Problem> problems;
  auto specs = parse_specs(yaml, "rt.yaml", problems);
  REQUIRE(problems.empty());
  REQUIRE(specs.size() == 1);
  return specs.front();
}

}  // namespace

TEST_CASE("every corpus file converts, and native -> spec -> native -> spec is stable") {
  const std::filesystem::path corpus = ::hvctl::test_source_dir() + "/tests/formats/corpus";
  for (const auto& entry : std::filesystem::directory_iterator(corpus)) {
    const auto file = entry.path().string();
    const auto text = slurp(entry.path());
    const NativeFormat from = detect_format(text, file);
    if (!usable(from)) continue;
    CAPTURE(file);
    const auto imported = import_text(text, file, from, codec());
    REQUIRE_FALSE(imported.empty());
    for (const auto& in : imported) CHECK(through(in.spec, from) == spec_to_yaml(in.spec));
  }
}

TEST_CASE("spec -> each format -> spec, for specs each format can say in full") {
  const auto xen = one(
      "apiVersion: hvctl/v1\nkind: VirtualMachine\nmetadata: {name: x1}\nspec:\n  cpu: {count: 2, weight: 256, cap: 150}\n"
      "  memory: {size: 512MiB, max: 1GiB}\n  boot: {kernel: /k, ramdisk: /r, cmdline: \"console=hvc0 x='y'\"}\n"
      "  disks: [{id: xvda, path: /dev/vg/x1, bus: xen, format: raw}, {id: xvdb, path: /i/b.qcow2, bus: xen, format: qcow2, readonly: true}]\n"
      "  nics: [{id: eth0, network: xenbr0, mac: \"00:16:3e:00:00:01\"}, {id: eth1, network: xenbr1, model: netfront}]\n"
      "  xen: {type: pvh, onPoweroff: destroy, onReboot: restart, onCrash: preserve}\n");
  const auto vmware = one(
      "apiVersion: hvctl/v1\nkind: VirtualMachine\nmetadata: {name: v1}\nspec:\n  cpu: {count: 4, weight: 2000}\n"
      "  memory: {size: 8GiB}\n  firmware: uefi\n"
      "  disks: [{id: scsi0-0, path: \"[ds1] v1/v1.vmdk\", bus: scsi, format: vmdk, controller: scsi0},\n"
      "          {id: sata0-1, path: v1_1.vmdk, bus: sata, format: vmdk, controller: sata0}]\n"
      "  cdroms: [{id: ide1-0, image: \"[ds1] iso/netinst.iso\", bus: ide}]\n"
      "  nics: [{id: eth0, network: VM Network, mac: \"00:50:56:00:00:02\", model: vmxnet3}]\n"
      "  controllers: [{id: scsi0, type: scsi, model: lsilogic}, {id: sata0, type: sata}]\n"
      "  vsphere: {guestId: ubuntu64Guest, extraConfig: {guestinfo.userdata: abc}}\n");
  const auto kvm = one(
      "apiVersion: hvctl/v1\nkind: VirtualMachine\nmetadata: {name: k1, labels: {tier: web}}\nspec:\n  cpu: {count: 2, weight: 100, cap: 50}\n"
      "  memory: {size: 1GiB, max: 2GiB}\n  firmware: uefi\n"
      "  disks: [{id: root, path: /var/lib/libvirt/images/k1.qcow2, bus: virtio, format: qcow2, readonly: false}]\n"
      "  nics: [{id: uplink, network: default, mac: \"52:54:00:00:00:03\", model: virtio}]\n"
      "  libvirt: {domainType: kvm, machine: q35, arch: x86_64}\n");
  if (usable(NativeFormat::xl)) CHECK(through(xen, NativeFormat::xl) == spec_to_yaml(xen));
  CHECK(through(vmware, NativeFormat::vmx) == spec_to_yaml(vmware));
  if (usable(NativeFormat::libvirt)) CHECK(through(kvm, NativeFormat::libvirt) == spec_to_yaml(kvm));
  for (const auto* spec : {&xen, &vmware, &kvm}) CHECK(through(*spec, NativeFormat::yaml) == spec_to_yaml(*spec));
}

TEST_CASE("libvirt XML: malformed input is a ValidationError with file and line") {
  if (!codec().read_libvirt) return;
  try {
    import_text("<domain type='kvm'>\n  <name>a</name>\n  <memory>\n</domain>\n", "bad.xml", NativeFormat::libvirt, codec());
    FAIL("no error");
  } catch (const ValidationError& e) {
    CHECK(e.problems().front().mark.file == "bad.xml");
    CHECK(e.problems().front().mark.line >= 4);  // where libxml2 noticed: the end
  }
}

TEST_CASE("libvirt XML: a Xen guest's tscMode is reported as lost, the rest is written") {
  if (!codec().write_libvirt) return;
  const auto spec = one("apiVersion: hvctl/v1\nkind: VirtualMachine\nmetadata: {name: t}\nspec:\n"
                        "  boot: {kernel: /k}\n  xen: {type: pvh, tscMode: native}\n");
  const auto out = export_spec(spec, NativeFormat::libvirt, codec());
  REQUIRE(out.losses.size() == 1);
  CHECK(out.losses[0].message == "xen.tscMode native is not carried over");
  CHECK(out.losses[0].mark.line == 6);
  CHECK(out.text.find("<type>xenpvh</type>") != std::string::npos);
  CHECK(out.text.find("tsc") == std::string::npos);
}

TEST_CASE("libvirt XML: a spec's disk controllers are reported as lost, with their model") {
  if (!codec().write_libvirt) return;
  const auto spec = one("apiVersion: hvctl/v1\nkind: VirtualMachine\nmetadata: {name: c}\nspec:\n"
                        "  disks: [{id: scsi0-0, path: /i/a.qcow2, bus: scsi, controller: scsi0}]\n"
                        "  controllers: [{id: scsi0, type: scsi, model: lsilogic}]\n");
  const auto out = export_spec(spec, NativeFormat::libvirt, codec());
  REQUIRE(out.losses.size() == 1);
  CHECK(out.losses[0].message == "controller 'scsi0' (model lsilogic) is not carried over (libvirt XML gets libvirt's default controller)");
  CHECK(out.losses[0].mark.line == 6);
}

namespace {
// The lines of `yaml` that `other` lacks (a field dropped or changed), ignoring
// "{}" (an empty mapping that the other side fills with effective values).
std::vector<std::string> lines_missing(const std::string& yaml, const std::string& other) {
  std::multiset<std::string> have;
  std::istringstream b(other), a(yaml);
  for (std::string l; std::getline(b, l);) have.insert(l);
  std::vector<std::string> out;
  for (std::string l; std::getline(a, l);) {
    if (l.find_first_not_of(' ') != std::string::npos && l.substr(l.find_first_not_of(' ')) == "{}") continue;
    if (auto it = have.find(l); it != have.end()) have.erase(it);
    else out.push_back(l);
  }
  return out;
}
}  // namespace

// A format may make unset fields explicit (xen.type hvm, cpu.count 1); what it
// may not do is drop or change what the spec says without saying so.
TEST_CASE("every golden spec through each format keeps what it says, or the write reports a loss") {
  const std::filesystem::path golden = ::hvctl::test_source_dir() + "/tests/golden";
  int checked = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(golden)) {
    if (entry.path().extension() != ".yaml") continue;
    std::vector<Problem> problems;
    const auto specs = parse_specs(slurp(entry.path()), entry.path().string(), problems);
    if (!problems.empty()) continue;  // not a spec (a plan's expected output)
    for (const auto& spec : specs) {
      for (auto f : {NativeFormat::xl, NativeFormat::vmx, NativeFormat::libvirt}) {
        if (!usable(f)) continue;
        CAPTURE(entry.path().string());
        CAPTURE(std::string(to_string(f)));
        const auto out = export_spec(spec, f, codec());
        const auto back = import_text(out.text, std::string("rt") + file_extension(f), f, codec());
        REQUIRE(back.size() == 1);
        const auto missing = lines_missing(spec_to_yaml(spec), spec_to_yaml(back.front().spec));
        for (const auto& l : missing) CHECK_MESSAGE(!out.losses.empty(), "dropped silently: " << l);
        ++checked;
      }
    }
  }
  CHECK(checked >= 60);
}
