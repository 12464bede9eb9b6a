#include <doctest/doctest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>

#include <fmt/format.h>

#include "hvctl/spec_io.hpp"

using namespace hvctl;

namespace {

std::vector<Problem> problems_of(const std::string& text) {
  std::vector<Problem> problems;
  parse_specs(text, "t.yaml", problems);
  return problems;
}

// The one problem `text` has, as "line:column: message".
std::string only_problem(const std::string& text) {
  auto problems = problems_of(text);
  REQUIRE(problems.size() == 1);
  return std::to_string(problems[0].mark.line) + ":" + std::to_string(problems[0].mark.column) + ": " +
         problems[0].message;
}

const std::string kHead = "apiVersion: hvctl/v1\nkind: VirtualMachine\nmetadata: {name: vm1}\n";

}  // namespace

TEST_CASE("a full spec parses into every field") {
  const std::string text = R"(apiVersion: hvctl/v1
kind: VirtualMachine
metadata: {name: web-01, labels: {tier: web, env: prod}}
spec:
  target: lab
  cpu: {count: 2, weight: 256, cap: 150}
  memory: {size: 2GiB, max: 4GiB}
  firmware: uefi
  boot: {kernel: /k, ramdisk: /r, cmdline: "console=hvc0"}
  disks:
    - {id: root, size: 20GiB, bus: virtio, format: qcow2}
    - {id: iso, path: /isos/a.iso, readonly: true, bus: sata}
  nics: [{id: eth0, network: "VM Network", mac: "00:16:3E:00:00:01", model: virtio}]
  power: paused
  xen: {type: pvh, onPoweroff: destroy, onReboot: restart, onCrash: preserve, tscMode: native}
  vsphere: {datacenter: DC0, host: DC0_C0_H0, datastore: LocalDS_0, guestId: otherLinux64Guest, extraConfig: {a: b}}
  libvirt: {domainType: qemu, machine: pc, arch: x86_64}
)";
  std::vector<Problem> problems;
  auto specs = parse_specs(text, "t.yaml", problems);
  REQUIRE(problems.empty());
  REQUIRE(specs.size() == 1);
  const auto& s = specs[0];
  CHECK(s.name == "web-01");
  CHECK(s.labels.at("env") == "prod");
  CHECK(s.target == "lab");
  CHECK(s.cpu == CpuSpec{2, 256, 150});
  CHECK(s.memory == MemorySpec{2048, 4096});
  CHECK(s.firmware == Firmware::uefi);
  CHECK(s.boot == BootSpec{"/k", "/r", "console=hvc0"});
  REQUIRE(s.disks.size() == 2);
  CHECK(s.disks[0] == DiskSpec{"root", 20480, std::nullopt, "virtio", "qcow2", std::nullopt});
  CHECK(s.disks[1].readonly == true);
  REQUIRE(s.nics.size() == 1);
  CHECK(s.nics[0].mac == "00:16:3e:00:00:01");  // normalised to lower case
  CHECK(s.power == PowerState::paused);
  CHECK(s.xen->type == "pvh");
  CHECK(s.xen->on_crash == "preserve");
  CHECK(s.xen->tsc_mode == "native");
  CHECK(s.vsphere->guest_id == "otherLinux64Guest");
  CHECK(s.vsphere->extra_config.at("a") == "b");
  CHECK(s.libvirt->domain_type == "qemu");
  CHECK(s.mark_of("cpu.count").line == 6);
  CHECK(s.mark_of("disks[1].path").line == 12);
}

TEST_CASE("relative kernel and ramdisk paths are relative to the spec file") {
  std::vector<Problem> problems;
  auto specs = parse_specs(kHead + "spec: {boot: {kernel: guest/vmlinuz, ramdisk: /abs/initrd}}\n", "/srv/specs/web.yaml", problems);
  REQUIRE(specs.size() == 1);
  CHECK(specs[0].boot.kernel == "/srv/specs/guest/vmlinuz");
  CHECK(specs[0].boot.ramdisk == "/abs/initrd");
}

TEST_CASE("a spec named without a directory (hvctl apply -f web.yaml) has its files beside it, in the working directory") {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("hvctl-spec-parse-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const fs::path before = fs::current_path();
  fs::current_path(dir);
  std::ofstream("user-data") << "#cloud-config\npackage_update: false\n";
  std::vector<Problem> problems;
  auto specs = parse_specs(kHead + "spec: {boot: {kernel: guest/vmlinuz}, init: {cloudInit: {userData: user-data}}}\n",
                           "web.yaml", problems);
  fs::current_path(before);
  fs::remove_all(dir);
  for (const auto& p : problems) MESSAGE(p.str());
  CHECK(problems.empty());
  REQUIRE(specs.size() == 1);
  CHECK(specs[0].boot.kernel == (dir / "guest/vmlinuz").string());
  CHECK(specs[0].init.user_data == "#cloud-config\npackage_update: false\n");
}

TEST_CASE("several documents, empty ones skipped") {
  std::vector<Problem> problems;
  auto specs = parse_specs("---\n" + kHead + "---\n---\napiVersion: hvctl/v1\nkind: VirtualMachine\nmetadata: {name: vm2}\n",
                           "t.yaml", problems);
  CHECK(problems.empty());
  REQUIRE(specs.size() == 2);
  CHECK(specs[1].name == "vm2");
}

TEST_CASE("every problem is reported with line and column") {
  SUBCASE("YAML syntax") { CHECK(only_problem("a: [1, 2\n").find("YAML syntax") != std::string::npos); }
  SUBCASE("document not a mapping") { CHECK(only_problem("- 1\n") == "1:1: document must be a mapping"); }
  SUBCASE("apiVersion missing") { CHECK(only_problem("kind: VirtualMachine\nmetadata: {name: a}\n").find("apiVersion is required") != std::string::npos); }
  SUBCASE("wrong apiVersion") { CHECK(only_problem("apiVersion: v2\nkind: VirtualMachine\nmetadata: {name: a}\n") == "1:13: unsupported apiVersion 'v2': this hvctl reads hvctl/v1"); }
  SUBCASE("wrong kind") { CHECK(only_problem("apiVersion: hvctl/v1\nkind: Pod\nmetadata: {name: a}\n").find("unsupported kind 'Pod'") != std::string::npos); }
  SUBCASE("kind missing") { CHECK(only_problem("apiVersion: hvctl/v1\nmetadata: {name: a}\n").find("kind is required") != std::string::npos); }
  SUBCASE("metadata missing") { CHECK(only_problem("apiVersion: hvctl/v1\nkind: VirtualMachine\n").find("metadata is required") != std::string::npos); }
  SUBCASE("name missing") { CHECK(only_problem("apiVersion: hvctl/v1\nkind: VirtualMachine\nmetadata: {labels: {}}\n").find("metadata.name is required") != std::string::npos); }
  SUBCASE("bad name") { CHECK(only_problem("apiVersion: hvctl/v1\nkind: VirtualMachine\nmetadata: {name: a/b}\n").find("metadata.name 'a/b'") != std::string::npos); }
  SUBCASE("bad label key") { CHECK(only_problem("apiVersion: hvctl/v1\nkind: VirtualMachine\nmetadata: {name: a, labels: {'a b': x}}\n").find("metadata.labels key 'a b'") != std::string::npos); }
  SUBCASE("unknown key with hint") { CHECK(only_problem(kHead + "spec: {cpus: 2}\n") == "4:8: unknown key 'spec.cpus', did you mean 'cpu'?"); }
  SUBCASE("unknown key without hint") { CHECK(only_problem(kHead + "spec: {zzzzzz: 2}\n") == "4:8: unknown key 'spec.zzzzzz'"); }
  SUBCASE("duplicate key") { CHECK(only_problem(kHead + "spec: {power: running, power: stopped}\n").find("duplicate key 'spec.power'") != std::string::npos); }
  SUBCASE("spec not a mapping") { CHECK(only_problem(kHead + "spec: [1]\n") == "4:7: spec must be a mapping"); }
  SUBCASE("count zero") { CHECK(only_problem(kHead + "spec: {cpu: {count: 0}}\n") == "4:21: spec.cpu.count must be between 1 and 512, not 0"); }
  SUBCASE("count a string") { CHECK(only_problem(kHead + "spec: {cpu: {count: two}}\n").find("must be a whole number, not 'two'") != std::string::npos); }
  SUBCASE("count quoted") { CHECK(only_problem(kHead + "spec: {cpu: {count: \"2\"}}\n").find("must be a whole number") != std::string::npos); }
  SUBCASE("count huge") { CHECK(only_problem(kHead + "spec: {cpu: {count: 99999999999999999999999}}\n").find("between 1 and 512") != std::string::npos); }
  SUBCASE("count a list") { CHECK(only_problem(kHead + "spec: {cpu: {count: [1]}}\n").find("must be a single value") != std::string::npos); }
  SUBCASE("count empty") { CHECK(only_problem(kHead + "spec:\n  cpu:\n    count:\n").find("has no value") != std::string::npos); }
  SUBCASE("weight range") { CHECK(only_problem(kHead + "spec: {cpu: {weight: 70000}}\n").find("between 1 and 65535") != std::string::npos); }
  SUBCASE("cap zero") { CHECK(only_problem(kHead + "spec: {cpu: {cap: 0}}\n").find("cap must be at least 1") != std::string::npos); }
  SUBCASE("cap over count") { CHECK(only_problem(kHead + "spec: {cpu: {count: 1, cap: 150}}\n").find("more than 1 vCPU can use") != std::string::npos); }
  SUBCASE("memory bare number") { CHECK(only_problem(kHead + "spec: {memory: {size: 2048}}\n").find("has no unit") != std::string::npos); }
  SUBCASE("empty description") { CHECK(only_problem(kHead.substr(0, kHead.find("metadata:")) + "metadata: {name: a, description: ''}\n").find("must not be empty") != std::string::npos); }
  SUBCASE("cores that do not divide") { CHECK(only_problem(kHead + "spec: {cpu: {count: 6, coresPerSocket: 4}}\n").find("does not divide") != std::string::npos); }
  SUBCASE("cores without a count") { CHECK(only_problem(kHead + "spec: {cpu: {coresPerSocket: 2}}\n").find("needs spec.cpu.count") != std::string::npos); }
  SUBCASE("memory tiny") { CHECK(only_problem(kHead + "spec: {memory: {size: 1MiB}}\n").find("at least 4MiB") != std::string::npos); }
  SUBCASE("memory max below size") { CHECK(only_problem(kHead + "spec: {memory: {size: 2GiB, max: 1GiB}}\n").find("must not be smaller") != std::string::npos); }
  SUBCASE("firmware") { CHECK(only_problem(kHead + "spec: {firmware: efi}\n").find("must be one of bios, uefi") != std::string::npos); }
  SUBCASE("ramdisk without kernel") { CHECK(only_problem(kHead + "spec: {boot: {ramdisk: /r}}\n").find("need spec.boot.kernel") != std::string::npos); }
  SUBCASE("disks not a list") { CHECK(only_problem(kHead + "spec: {disks: {id: a}}\n").find("spec.disks must be a list") != std::string::npos); }
  SUBCASE("disk without id") { CHECK(only_problem(kHead + "spec: {disks: [{size: 1GiB}]}\n").find("spec.disks[0].id is required") != std::string::npos); }
  SUBCASE("disk bad id") { CHECK(only_problem(kHead + "spec: {disks: [{id: 'a b', size: 1GiB}]}\n").find("must be like a name") != std::string::npos); }
  SUBCASE("disk without size or path") { CHECK(only_problem(kHead + "spec: {disks: [{id: a}]}\n").find("needs a size") != std::string::npos); }
  SUBCASE("disk duplicate id") { CHECK(only_problem(kHead + "spec: {disks: [{id: a, size: 1GiB}, {id: a, size: 1GiB}]}\n").find("duplicate disk id 'a'") != std::string::npos); }
  SUBCASE("disk bus") { CHECK(only_problem(kHead + "spec: {disks: [{id: a, size: 1GiB, bus: usb}]}\n").find("spec.disks[0].bus must be one of") != std::string::npos); }
  SUBCASE("disk readonly") { CHECK(only_problem(kHead + "spec: {disks: [{id: a, size: 1GiB, readonly: yes}]}\n").find("must be true or false") != std::string::npos); }
  SUBCASE("nics not a list") { CHECK(only_problem(kHead + "spec: {nics: 1}\n").find("spec.nics must be a list") != std::string::npos); }
  SUBCASE("nic without id") { CHECK(only_problem(kHead + "spec: {nics: [{network: a}]}\n").find("spec.nics[0].id is required") != std::string::npos); }
  SUBCASE("nic duplicate id") { CHECK(only_problem(kHead + "spec: {nics: [{id: a}, {id: a}]}\n").find("duplicate nic id") != std::string::npos); }
  SUBCASE("nic multicast mac") { CHECK(only_problem(kHead + "spec: {nics: [{id: a, mac: '01:00:5e:00:00:01'}]}\n").find("not a unicast MAC") != std::string::npos); }
  SUBCASE("nic malformed mac") { CHECK(only_problem(kHead + "spec: {nics: [{id: a, mac: '52:54:00'}]}\n").find("not a unicast MAC") != std::string::npos); }
  SUBCASE("power with hint") { CHECK(only_problem(kHead + "spec: {power: stoped}\n").find("did you mean 'stopped'") != std::string::npos); }
  SUBCASE("ensure") { CHECK(only_problem(kHead + "spec: {ensure: gone}\n").find("spec.ensure must be one of present, absent") != std::string::npos); }
  SUBCASE("xen type") { CHECK(only_problem(kHead + "spec: {xen: {type: pvm}}\n").find("spec.xen.type must be one of pv, pvh, hvm") != std::string::npos); }
  SUBCASE("xen action") { CHECK(only_problem(kHead + "spec: {xen: {onCrash: explode}}\n").find("spec.xen.onCrash must be one of") != std::string::npos); }
  SUBCASE("xen TSC mode") { CHECK(only_problem(kHead + "spec: {xen: {tscMode: fast}}\n").find("spec.xen.tscMode must be one of") != std::string::npos); }
  SUBCASE("xen unknown key") { CHECK(only_problem(kHead + "spec: {xen: {on_crash: destroy}}\n").find("did you mean 'onCrash'") != std::string::npos); }
  SUBCASE("vsphere unknown key") { CHECK(only_problem(kHead + "spec: {vsphere: {guestid: x}}\n").find("did you mean 'guestId'") != std::string::npos); }
  SUBCASE("vsphere extraConfig") { CHECK(only_problem(kHead + "spec: {vsphere: {extraConfig: [a]}}\n").find("must be a mapping of names to values") != std::string::npos); }
  SUBCASE("libvirt domain type") { CHECK(only_problem(kHead + "spec: {libvirt: {domainType: vmware}}\n").find("spec.libvirt.domainType must be one of") != std::string::npos); }
  SUBCASE("target not a string") { CHECK(only_problem(kHead + "spec: {target: {a: b}}\n").find("spec.target must be a single value") != std::string::npos); }
}

TEST_CASE("all problems of a file come out in one run") {
  auto problems = problems_of(kHead + "spec:\n  cpu: {count: 0}\n  memory: {size: 2}\n  colour: red\n");
  REQUIRE(problems.size() == 3);
  std::set<int> lines;
  for (const auto& p : problems) lines.insert(p.mark.line);
  CHECK(lines == std::set<int>{5, 6, 7});
}

TEST_CASE("load_specs reads files, directories and stdin and rejects duplicates") {
  namespace fs = std::filesystem;
  const auto dir = fs::temp_directory_path() / "hvctl-test-load";
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::ofstream(dir / "a.yaml") << kHead;
  std::ofstream(dir / "b.yml") << "apiVersion: hvctl/v1\nkind: VirtualMachine\nmetadata: {name: vm2}\n";
  std::ofstream(dir / "notes.txt") << "not a spec";
  SUBCASE("directory") { CHECK(load_specs({dir.string()}).size() == 2); }
  SUBCASE("stdin") { CHECK(load_specs({"-"}, kHead).at(0).name == "vm1"); }
  SUBCASE("duplicate across files") {
    try {
      load_specs({dir.string(), "-"}, kHead);
      FAIL("expected a ValidationError");
    } catch (const ValidationError& e) {
      REQUIRE(e.problems().size() == 1);
      CHECK(e.problems()[0].message.find("declared twice") != std::string::npos);
    }
  }
  SUBCASE("missing path") { CHECK_THROWS_AS(load_specs({(dir / "nope.yaml").string()}), ValidationError); }
  SUBCASE("nothing given") { CHECK_THROWS_AS(load_specs({}), InputError); }
  SUBCASE("a file or stdin without documents") {
    std::ofstream(dir / "empty.yaml") << "# only a comment\n---\n";
    for (const auto& arg : {(dir / "empty.yaml").string(), std::string("-")}) {
      try {
        load_specs({arg}, "\n");
        FAIL("expected a ValidationError");
      } catch (const ValidationError& e) {
        REQUIRE(e.problems().size() == 1);
        CHECK(e.problems()[0].str() == (arg == "-" ? "<stdin>" : arg) +
                                           ":1:1: no VirtualMachine documents (the file is empty or holds only comments)");
      }
    }
  }
  fs::remove_all(dir);
}

TEST_CASE("load_specs: a directory of many files, parsed on every core, keeps file order in specs and problems") {
  namespace fs = std::filesystem;
  const auto dir = fs::temp_directory_path() / "hvctl-test-load-many";
  fs::remove_all(dir);
  fs::create_directories(dir);
  for (int i = 0; i < 300; ++i) {
    const auto name = fmt::format("vm{:03}", i);
    std::ofstream(dir / (name + ".yaml")) << "apiVersion: hvctl/v1\nkind: VirtualMachine\nmetadata: {name: " << name
                                          << "}\nspec: {cpu: {count: " << (i % 100 == 7 ? 0 : 1) << "}}\n";
  }
  try {
    load_specs({dir.string()});
    FAIL("expected a ValidationError");
  } catch (const ValidationError& e) {
    REQUIRE(e.problems().size() == 3);  // vm007, vm107, vm207, in that order
    for (int k = 0; k < 3; ++k) CHECK(e.problems()[k].mark.file == (dir / fmt::format("vm{}07.yaml", k)).string());
  }
  for (int i : {7, 107, 207})
    std::ofstream(dir / fmt::format("vm{:03}.yaml", i)) << "apiVersion: hvctl/v1\nkind: VirtualMachine\nmetadata: {name: " << fmt::format("vm{:03}", i) << "}\n";
  const auto specs = load_specs({dir.string(), "-"}, "apiVersion: hvctl/v1\nkind: VirtualMachine\nmetadata: {name: last}\n");
  REQUIRE(specs.size() == 301);
  for (int i = 0; i < 300; ++i) CHECK(specs[static_cast<std::size_t>(i)].name == fmt::format("vm{:03}", i));
  CHECK(specs.back().name == "last");
  fs::remove_all(dir);
}

TEST_CASE("hostile YAML: deep nesting, alias bombs and huge numbers end in a clear problem") {
  SUBCASE("deep nesting") {
    const std::string deep = kHead + "spec:\n  vsphere:\n    extraConfig: " + std::string(100, '[') + std::string(100, ']') + "\n";
    CHECK(only_problem(deep).find("nested more than 64 levels deep") != std::string::npos);
  }
  SUBCASE("an empty value is reported at its key") {
    CHECK(only_problem(kHead + "spec:\n  cpu:\n    count:\n  power: running\n") == "6:5: spec.cpu.count has no value");
  }
  SUBCASE("100000 levels: parsed without recursion, refused by depth") {
    const auto p = problems_of(std::string(100000, '[') + std::string(100000, ']'));
    REQUIRE(p.size() == 1);
    CHECK(p[0].str().find(":1:65: nested more than 64 levels deep") != std::string::npos);
  }
  SUBCASE("a ',' after a document (yaml-cpp's LoadAll never returned on it): one syntax problem, where it is") {
    CHECK(only_problem("- a\n,\n").rfind("2:1: YAML syntax: ", 0) == 0);
    CHECK(only_problem(kHead + "---\n{a: 1}, b\n").rfind("5:7: YAML syntax: ", 0) == 0);
  }
  SUBCASE("billion laughs") {
    std::string bomb = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";  // each level repeats the last ten times
    for (int i = 1; i < 10; ++i) {
      const auto prev = "*a" + std::to_string(i - 1);
      bomb += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [" + prev;
      for (int k = 1; k < 10; ++k) bomb += ", " + prev;
      bomb += "]\n";
    }
    CHECK(only_problem(kHead + bomb).find("more than 100000 YAML nodes") != std::string::npos);
  }
  SUBCASE("binary and mis-encoded files") {
    CHECK(only_problem(kHead + "spec: {target: \"a\x01" "b\"}\n") ==
          "4:18: control character 0x01: a spec is text (is this a binary file?)");
    CHECK(only_problem(std::string("apiVersion: hvctl/v1\0", 21)) == "1:21: control character 0x00: a spec is text (is this a binary file?)");
    CHECK(only_problem(kHead + "# caf\xe9\n") == "4:6: byte 0xe9 is not UTF-8: a spec is UTF-8 text");
    CHECK(problems_of(kHead + "# caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\n").empty());
  }
  SUBCASE("numbers too big for any integer") {
    CHECK(only_problem(kHead + "spec:\n  cpu: {count: 1180591620717411303424}\n") ==
          "5:16: spec.cpu.count must be between 1 and 512, not 1180591620717411303424");
    CHECK(only_problem(kHead + "spec:\n  cpu: {count: -99999999999999999999999}\n").find("between 1 and 512") !=
          std::string::npos);
    CHECK(only_problem(kHead + "spec:\n  cpu: {count: " + std::string(200000, '7') + "}\n").find("between 1 and 512") !=
          std::string::npos);
  }
}

TEST_CASE("ready conditions parse, and bad ones are reported where they are") {
  std::vector<Problem> problems;
  auto specs = parse_specs(kHead + "spec:\n  ready: {console: READY, xenstore: data/ready, ip: true, agent: false}\n",
                           "t.yaml", problems);
  REQUIRE(problems.empty());
  REQUIRE(specs.size() == 1);
  CHECK(specs[0].ready.console == "READY");
  CHECK(specs[0].ready.xenstore == "data/ready");
  CHECK(specs[0].ready.ip == true);
  CHECK(specs[0].ready.agent == false);
  CHECK(specs[0].field_marks.count("ready.console") == 1);

  CHECK(only_problem(kHead + "spec:\n  ready: {xenstore: /local/domain/0/x}\n") ==
        "5:21: spec.ready.xenstore is a path relative to the guest's xenstore home, like data/ready");
  CHECK(only_problem(kHead + "spec:\n  ready: {console: \"\"}\n") == "5:20: spec.ready.console must not be empty");
  CHECK(only_problem(kHead + "spec:\n  ready: {ip: maybe}\n").find("5:15: spec.ready.ip") == 0);
  CHECK(only_problem(kHead + "spec:\n  ready: {consol: X}\n").find("did you mean 'console'") != std::string::npos);
}

TEST_CASE("disks[].from: a new disk from a base image; not with path, and a disk needs one of size, from, path") {
  std::vector<Problem> problems;
  const auto specs = parse_specs(kHead + "spec:\n  disks:\n    - {id: root, from: /img/base.qcow2, size: 20GiB}\n",
                                 "t.yaml", problems);
  REQUIRE(problems.empty());
  CHECK(specs[0].disks[0].from == "/img/base.qcow2");
  CHECK(specs[0].disks[0].size_mib == 20480u);
  CHECK(only_problem(kHead + "spec:\n  disks:\n    - {id: root, path: /a.img, from: /b.img}\n") ==
        "6:38: spec.disks[0]: path attaches an existing image, from makes a new disk from one; give one of them");
  CHECK(only_problem(kHead + "spec:\n  disks:\n    - {id: root, bus: virtio}\n") ==
        "6:7: spec.disks[0] needs a size (a new disk), from (a new disk made from a base image) or a path (an existing "
        "image)");
}

TEST_CASE("cdroms and controllers: a drive's image may be empty; disks name listed controllers of their bus") {
  std::vector<Problem> problems;
  const auto specs = parse_specs(kHead + "spec:\n  disks: [{id: d, size: 1GiB, bus: scsi, controller: c1}]\n"
                                         "  cdroms: [{id: cd0, image: /iso/a.iso}, {id: cd1, image: '', bus: sata}]\n"
                                         "  controllers: [{id: c1, type: scsi, model: pvscsi}]\n",
                                 "t.yaml", problems);
  REQUIRE(problems.empty());
  CHECK(specs[0].cdroms[0] == CdromSpec{"cd0", "/iso/a.iso", std::nullopt});
  CHECK(specs[0].cdroms[1] == CdromSpec{"cd1", "", "sata"});
  CHECK(specs[0].controllers[0] == ControllerSpec{"c1", "scsi", "pvscsi"});
  CHECK(specs[0].disks[0].controller == "c1");
  CHECK(only_problem(kHead + "spec:\n  disks: [{id: d, size: 1GiB, controller: scsi9}]\n") ==
        "5:43: spec.disks[0].controller 'scsi9' is not in spec.controllers");
  CHECK(only_problem(kHead + "spec:\n  disks: [{id: d, size: 1GiB, bus: sata, controller: c}]\n"
                             "  controllers: [{id: c, type: scsi}]\n") ==
        "5:54: spec.disks[0].controller 'c' is a scsi controller, and the disk's bus is sata");
  CHECK(only_problem(kHead + "spec:\n  controllers: [{id: c, model: lsilogic}]\n") ==
        "5:17: spec.controllers[0].type is required (scsi, sata, ide or nvme)");
  CHECK(only_problem(kHead + "spec:\n  controllers: [{id: c, type: sata, model: lsilogic}]\n") ==
        "5:44: spec.controllers[0].model is for scsi controllers; this one is sata");
  CHECK(only_problem(kHead + "spec:\n  cdroms: [{id: c, bus: usb}]\n").find("spec.cdroms[0].bus must be one of ide, sata, scsi") !=
        std::string::npos);
  CHECK(only_problem(kHead + "spec:\n  cdroms: [{id: c}, {id: c}]\n").find("duplicate cdrom id 'c'") != std::string::npos);
}

TEST_CASE("spec.init: cloud-init files are read next to the spec, inline text kept, bad names and keys refused") {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("hvctl-init-" + std::to_string(::getpid()));
  fs::create_directories(dir / "cloud");
  std::ofstream(dir / "cloud" / "web.yaml") << "#cloud-config\nhostname: web";  // no final line break
  const std::string spec = kHead + "spec:\n  init:\n    hostname: web-01\n    cloudInit:\n      userData: cloud/web.yaml\n"
                           "      networkConfig: |\n        version: 2\n        ethernets: {}\n";
  std::vector<Problem> problems;
  const auto specs = parse_specs(spec, (dir / "vm.yaml").string(), problems);
  REQUIRE(problems.empty());
  REQUIRE(specs.size() == 1);
  CHECK(specs[0].init.hostname == "web-01");
  CHECK(specs[0].init.user_data == "#cloud-config\nhostname: web\n");  // its text, with a final line break
  CHECK(specs[0].init.network_config == "version: 2\nethernets: {}\n");

  problems.clear();
  parse_specs(kHead + "spec:\n  init:\n    cloudInit: {userData: cloud/none.yaml}\n", (dir / "vm.yaml").string(), problems);
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].mark.line == 6);
  CHECK(problems[0].message.find("spec.init.cloudInit.userData: " + (dir / "cloud" / "none.yaml").string() + ": cannot read") == 0);

  // What the files say is checked as cloud-init reads them, at their own lines
  std::ofstream(dir / "cloud" / "net.yaml") << "# v3 does not exist\nversion: 3\n";
  problems.clear();
  parse_specs(kHead + "spec:\n  init:\n    cloudInit:\n      userData: |\n        #cloud-config\n        packages: [a\n"
              "        runcmd: []\n      networkConfig: cloud/net.yaml\n", (dir / "vm.yaml").string(), problems);
  REQUIRE(problems.size() == 2);
  CHECK(problems[0].mark.file == (dir / "vm.yaml").string());  // inline: the spec's line, past its indentation
  CHECK(problems[0].mark.line == 10);  // where libyaml finds the unclosed list
  CHECK(problems[0].mark.column > 8);
  CHECK(problems[0].message.find("spec.init.cloudInit.userData: YAML") == 0);
  CHECK(problems[1].mark.file == (dir / "cloud" / "net.yaml").string());  // a file: its own line
  CHECK(problems[1].mark.line == 2);
  CHECK(problems[1].message.find("spec.init.cloudInit.networkConfig: ") == 0);
  fs::remove_all(dir);

  CHECK(only_problem(kHead + "spec:\n  init: {hostname: -web}\n").find("5:20: spec.init.hostname '-web' is no host name") == 0);
  CHECK(only_problem(kHead + "spec:\n  init: {hostname: " + std::string(64, 'a') + "}\n").find("is no host name") != std::string::npos);
  CHECK(problems_of(kHead + "spec:\n  init: {hostname: web-01.example.com}\n").empty());
  CHECK(only_problem(kHead + "spec:\n  init: {sshAuthorizedKeys: [AAAAnospace]}\n")
            .find("spec.init.sshAuthorizedKeys[0] 'AAAAnospace' is not one line of an authorized_keys file") != std::string::npos);
  CHECK(only_problem(kHead + "spec:\n  init: {sshAuthorizedKeys: ssh-ed25519 AAAA}\n")
            .find("spec.init.sshAuthorizedKeys must be a list of strings") != std::string::npos);
  CHECK(only_problem(kHead + "spec:\n  init: {cloudInit: {userData: \"\"}}\n").find("must not be empty") != std::string::npos);
}
