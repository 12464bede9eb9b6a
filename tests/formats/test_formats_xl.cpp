// xl.cfg: the lexical scan, the libxlutil-based reader and the writer.
#include <doctest/doctest.h>

#include "hvctl/spec_fields.hpp"
#include "hvctl/spec_io.hpp"
#include "xl_cfg.hpp"
#include "xl_scan.hpp"

using namespace hvctl;
using namespace hvctl::formats;

namespace {
bool has_loss(const std::vector<Loss>& losses, const std::string& text, int line = -1) {
  for (const auto& l : losses)
    if (l.message.find(text) != std::string::npos && (line < 0 || l.mark.line == line)) return true;
  return false;
}

// The one problem a ValidationError carries, as "file:line:col: message".
std::string first_problem(const std::string& text, const std::string& file = "t.cfg") {
  try {
    read_xl_cfg(text, file);
  } catch (const ValidationError& e) {
    return e.problems().front().str();
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST_CASE("scan_xl_settings: keys, lines, list items, appends, comments, ';'") {
  const auto s = scan_xl_settings("# c\nname = \"a#b\" # x\nmemory=1; vcpus=2\ndisk = [ 'a',\n  \"b\" , # c\n 'c' ]\ndisk += ['d']\n");
  REQUIRE(s.size() == 5);
  CHECK(s[0].key == "name");
  CHECK(s[0].line == 2);
  CHECK(s[2].key == "vcpus");
  CHECK(s[2].line == 3);
  CHECK(s[3].item_lines == std::vector<int>{4, 5, 6});
  CHECK(s[4].append);
}

TEST_CASE("split_vif and xl_quote follow xl") {
  const auto v = split_vif(" mac=00:16:3e:00:00:01 ,bridge = xenbr0,,type=vif");
  REQUIRE(v.size() == 3);
  CHECK(v[1] == std::pair<std::string, std::string>{"bridge", "xenbr0"});
  CHECK(xl_quote("a'b\\c", '\'') == "'a\\'b\\\\c'");
}

#ifdef HVCTL_WITH_XLUTIL
TEST_CASE("read_xl_cfg maps what a spec can say and reports the rest with lines") {
  const auto in = read_xl_cfg(
      "name = \"web\"\ntype = \"pvh\"\nvcpus = 2\nmaxvcpus = 2\nmemory = 1024\nmaxmem = 2048\n"
      "kernel = \"/k\"\nroot = \"/dev/xvda1\"\nextra = \"quiet\"\ncpu_weight = 256\ncap = 0\n"
      "disk = [ 'format=qcow2, vdev=xvdb, access=ro, target=/i/a.qcow2', '/dev/vg/x,raw,hda,w' ]\n"
      "vif = [ 'mac=00:16:3E:00:00:01, bridge=br0, model=e1000, ip=10.0.0.1' ]\n"
      "on_crash = \"preserve\"\nvnc = 1\nuuid = \"abc\"\ntsc_mode = \"native_paravirt\"\n",
      "web.cfg");
  const auto& s = in.spec;
  CHECK(s.name == "web");
  CHECK(s.xen->type == "pvh");
  CHECK(s.cpu.count == 2);
  CHECK(s.cpu.weight == 256);
  CHECK_FALSE(s.cpu.cap);  // cap 0 is "no cap"
  CHECK(s.memory.size_mib == 1024u);
  CHECK(s.memory.max_mib == 2048u);
  CHECK(s.boot.cmdline == "root=/dev/xvda1 quiet");
  REQUIRE(s.disks.size() == 2);
  CHECK(s.disks[0].id == "xvdb");
  CHECK(s.disks[0].bus == "xen");
  CHECK(s.disks[0].format == "qcow2");
  CHECK(s.disks[0].readonly == true);
  CHECK(s.disks[1].id == "hda");
  CHECK(s.disks[1].bus == "xen");  // a PVH guest sees hda as a xen vbd: it has no IDE
  CHECK(s.disks[1].path == "/dev/vg/x");
  REQUIRE(s.nics.size() == 1);
  CHECK(s.nics[0].mac == "00:16:3e:00:00:01");
  CHECK(s.nics[0].network == "br0");
  CHECK(s.xen->on_crash == "preserve");
  CHECK(s.xen->tsc_mode == "native_paravirt");
  CHECK(s.mark_of("disks[1]").line == 12);
  CHECK(has_loss(in.losses, "vif[0]: ip=10.0.0.1", 13));
  CHECK(has_loss(in.losses, "vnc = \"1\"", 15));
  CHECK(has_loss(in.losses, "uuid", 16));
  CHECK(in.losses.size() == 3);
}

TEST_CASE("read_xl_cfg: CD-ROMs, legacy builder, bios, type=vif and overridden keys") {
  const auto in = read_xl_cfg("builder='hvm'\nname='w'\nbios='ovmf'\nmemory=64\nmemory=128\n"
                              "disk=['file:/x.iso,hdc:cdrom,r', ',,hdd,cdrom']\nvif=['type=vif']\n", "w.cfg");
  CHECK(in.spec.xen->type == "hvm");
  CHECK(in.spec.firmware == Firmware::uefi);
  CHECK(in.spec.memory.size_mib == 128u);
  CHECK(in.spec.disks.empty());
  REQUIRE(in.spec.cdroms.size() == 2);
  CHECK(in.spec.cdroms[0] == CdromSpec{"hdc", "/x.iso", "ide"});
  CHECK(in.spec.cdroms[1] == CdromSpec{"hdd", "", "ide"});  // an empty drive
  CHECK(in.spec.nics[0].model == "netfront");
  CHECK_FALSE(has_loss(in.losses, "CD-ROM"));
  CHECK(has_loss(in.losses, "set again on line 5", 4));
}

TEST_CASE("read_xl_cfg: tsc_mode by name or by xl's deprecated number; anything else is an error at its line") {
  CHECK(read_xl_cfg("name='t'\ntsc_mode='always_emulate'\n", "t.cfg").spec.xen->tsc_mode == "always_emulate");
  CHECK(read_xl_cfg("name='t'\ntsc_mode=2\n", "t.cfg").spec.xen->tsc_mode == "native");
  CHECK(first_problem("name = \"a\"\ntsc_mode = \"fast\"\n") ==
        "t.cfg:2:1: tsc_mode = \"fast\": expected one of default, always_emulate, native, native_paravirt");
  CHECK(first_problem("name = \"a\"\ntsc_mode = 4\n").rfind("t.cfg:2:1: tsc_mode = \"4\"", 0) == 0);
}

TEST_CASE("read_xl_cfg: malformed input is one clear error with file and line") {
  CHECK(first_problem("name = \"a\"\ndisk = [ 'x',\n") == "t.cfg:2:1: xl.cfg: config parsing error near `': syntax error, unexpected $end, expecting ']'");
  CHECK(first_problem("name = \"a\nmemory = 1\n").rfind("t.cfg:1:1: xl.cfg: config parsing error", 0) == 0);
  CHECK(first_problem("name = \"a\"\nmemory = 64\ndisk = [ 'vdev=xvda,target=/a',\n 'bogus=1' ]\n") ==
        "t.cfg:4:1: disk[1] 'bogus=1': config parsing error in disk specification: unknown parameter: near `bogus=1' in `bogus=1'");
  CHECK(first_problem("name = \"a\"\nmemory = \"lots\"\n") == "t.cfg:2:1: memory must be a whole number from 4 to 1099511627776");
  CHECK(first_problem(std::string("name = \"a\"\n\x7f\x45LF\x02\x01", 17)) == "t.cfg:2:1: binary data (byte 0x7f): not a text configuration file");
  CHECK(first_problem("memory = 64\n") == "t.cfg: no name = \"...\": xl needs one, and so does a spec");
  CHECK(first_problem("name = \"a\"\nvif = [ 'mac=ff:ff:ff:ff:ff:ff' ]\n").rfind("t.cfg:2:1: vif[0]: mac=ff:ff:ff:ff:ff:ff", 0) == 0);
}

TEST_CASE("write_xl_cfg reads back through libxlutil to the same spec") {
  std::vector<Problem> problems;
  const auto specs = parse_specs(
      "apiVersion: hvctl/v1\nkind: VirtualMachine\nmetadata: {name: q}\nspec:\n  cpu: {count: 3, weight: 100, cap: 250}\n"
      "  memory: {size: 1GiB, max: 2GiB}\n  firmware: uefi\n"
      "  disks: [{id: hda, path: \"/it's/a,b.img\", bus: ide, format: raw}, {id: xvdc, path: /d, bus: xen, format: raw, readonly: true}]\n"
      "  cdroms: [{id: hdc, image: /isos/netinst.iso, bus: ide}, {id: hdd, image: \"\", bus: ide}]\n"
      "  nics: [{id: eth0, network: xenbr0, mac: \"00:16:3e:01:02:03\", model: e1000}, {id: eth1, model: netfront}]\n"
      "  xen: {type: hvm, onPoweroff: destroy, onReboot: restart, onCrash: coredump-restart, tscMode: always_emulate}\n",
      "q.yaml", problems);
  REQUIRE(problems.empty());
  const auto out = write_xl_cfg(specs[0]);
  CHECK(out.losses.empty());
  CHECK(out.text.find("tsc_mode = \"always_emulate\"\n") != std::string::npos);
  CHECK(out.text.find("disk = [\n    'format=raw, vdev=hda, access=rw, target=/it\\'s/a,b.img',\n") != std::string::npos);
  CHECK(out.text.find("'format=raw, vdev=hdc, access=ro, devtype=cdrom, target=/isos/netinst.iso',\n") != std::string::npos);
  const auto back = read_xl_cfg(out.text, "q.cfg");
  CHECK(back.losses.empty());
  CHECK(spec_to_yaml(back.spec) == spec_to_yaml(specs[0]));
}

TEST_CASE("write_xl_cfg reports what xl.cfg cannot say") {
  VmSpec spec;
  spec.name = "v";
  spec.labels = {{"a", "b"}};
  spec.disks = {{"root", 1024, std::nullopt, "virtio", std::nullopt, std::nullopt},
                {"data", std::nullopt, "/x.vmdk", "scsi", "vmdk", std::nullopt},
                {"sys", std::nullopt, "/x.img", "virtio", "raw", std::nullopt}};
  spec.nics = {{"uplink", "br0", std::nullopt, std::nullopt}};
  spec.vsphere = VsphereBlock{};
  spec.vsphere->guest_id = "otherGuest";
  const auto out = write_xl_cfg(spec);
  for (const char* text : {"has no path", "VMDK", "bus virtio", "becomes vdev xvda", "becomes vif[0]", "labels",
                           "spec.vsphere"})
    CHECK_MESSAGE(has_loss(out.losses, text), text);
}

TEST_CASE("write_xl_cfg writes what an unset xen.type means, not xl's default (pv)") {
  VmSpec spec;
  spec.name = "v";
  CHECK(write_xl_cfg(spec).text.find("type = \"hvm\"\n") != std::string::npos);  // no kernel: firmware boot
  spec.boot.kernel = "/boot/vmlinuz";
  const auto out = write_xl_cfg(spec);
  CHECK(out.text.find("type = \"pvh\"\n") != std::string::npos);
  for (const auto& loss : out.losses) CHECK_MESSAGE(loss.message.find("type") == std::string::npos, loss.message);
  CHECK(read_xl_cfg(out.text, "v.cfg").spec.xen->type == "pvh");  // and xl reads it back as hvctl meant it
}
TEST_CASE("read_xl_cfg: with neither type nor builder the guest is PV (xl.cfg(5)), and the spec says so") {
  const auto in = read_xl_cfg("name = \"old\"\nkernel = \"/boot/vmlinuz\"\nmemory = 256\n", "old.cfg");
  REQUIRE(in.spec.xen);
  CHECK(in.spec.xen->type == "pv");  // unset would mean pvh here (a kernel is set)
  CHECK(fields::effective_xen_type(in.spec) == "pv");
  const auto out = write_xl_cfg(in.spec);
  CHECK(out.text.find("type = \"pv\"\n") != std::string::npos);
}
TEST_CASE("read_xl_cfg: keys at xl.cfg(5)'s defaults are no loss; other values of them are") {
  const auto quiet = read_xl_cfg("name='d'\ntype='hvm'\nacpi=1\napic=1\nhpet=1\nlocaltime=0\nacpi_s3=1\n"
                                 "timer_mode='no_delay_for_missed_ticks'\n"
                                 "vif=['bridge=xenbr0,script=/etc/xen/scripts/vif-bridge,type=ioemu']\n", "d.cfg");
  for (const auto& l : quiet.losses) CHECK_MESSAGE(false, l.message);
  const auto loud = read_xl_cfg("name='d'\ntype='hvm'\nacpi=0\nlocaltime=1\ntimer_mode='delay_for_missed_ticks'\n"
                                "vif=['bridge=xenbr0,script=vif-openvswitch']\n", "d.cfg");
  CHECK(has_loss(loud.losses, "acpi", 3));
  CHECK(has_loss(loud.losses, "localtime", 4));
  CHECK(has_loss(loud.losses, "timer_mode", 5));
  CHECK(has_loss(loud.losses, "script=vif-openvswitch", 6));
}
TEST_CASE("read_xl_cfg: a secret's value is never in a loss, only its key") {
  const auto in = read_xl_cfg("name='s'\ntype='hvm'\nvncpasswd='hunter2'\nspicepasswd=\"hunter3\"\n"
                              "vif=['bridge=xenbr0,my_secret=hunter4']\n", "s.cfg");
  CHECK(has_loss(in.losses, "vncpasswd = (value withheld: a secret)", 3));
  CHECK(has_loss(in.losses, "spicepasswd = (value withheld: a secret)", 4));
  CHECK(has_loss(in.losses, "my_secret=(value withheld: a secret)", 5));
  for (const auto& l : in.losses) CHECK_MESSAGE(l.message.find("hunter") == std::string::npos, l.message);
}
TEST_CASE("read_xl_cfg: Open vSwitch VLANs and network disks are reported, never flattened silently") {
  const auto in = read_xl_cfg(
      "name='o'\ntype='hvm'\n"
      "vif=['bridge=ovsbr0.42,script=vif-openvswitch', 'bridge=ovsbr1:10:20', 'bridge=xenbr0.100']\n"
      "disk=['format=raw,vdev=xvda,backendtype=qdisk,target=rbd:pool/img', 'vdev=xvdb,target=nbd:host:10809',\n"
      "      'vdev=xvdc,target=iscsi://h/iqn.2001-04.com.example:storage/1', 'vdev=xvdd,target=/dev/vg/local']\n",
      "o.cfg");
  REQUIRE(in.spec.nics.size() == 3);
  CHECK(in.spec.nics[0].network == "ovsbr0");
  CHECK(has_loss(in.losses, "vif[0]: bridge=ovsbr0.42: the Open vSwitch VLAN tag 42 is not carried over", 3));
  CHECK(in.spec.nics[1].network == "ovsbr1");
  CHECK(has_loss(in.losses, "vif[1]: bridge=ovsbr1:10:20: the Open vSwitch VLAN trunks 10:20", 3));
  CHECK(in.spec.nics[2].network == "xenbr0.100");  // a Linux bridge may have a dot in its name
  REQUIRE(in.spec.disks.size() == 1);
  CHECK(in.spec.disks[0].path == "/dev/vg/local");
  CHECK(has_loss(in.losses, "disk[0] 'format=raw,vdev=xvda,backendtype=qdisk,target=rbd:pool/img' is a network disk (rbd)", 4));
  CHECK(has_loss(in.losses, "is a network disk (nbd)", 4));
  CHECK(has_loss(in.losses, "is a network disk (iscsi)", 5));
}
TEST_CASE("write_xl_cfg escapes what xl.cfg can hold and refuses, at the spec's line, what it cannot") {
  std::vector<Problem> problems;
  auto specs = parse_specs("apiVersion: hvctl/v1\nkind: VirtualMachine\nmetadata: {name: q}\nspec:\n"
                           "  boot: {kernel: \"/k\", cmdline: \"a \\\"b\\\" 'c'\\nd\\te\\x0bf\\\\g\"}\n"
                           "  disks: [{id: xvda, path: \"/i/x\\ny\"}]\n"
                           "  nics: [{id: eth0, network: \"br\\t0\"}]\n", "q.yaml", problems);
  REQUIRE(problems.empty());
  auto spec = specs.front();
  const std::string cmdline = "a \"b\" 'c'\nd\te\v" "f\\g";
  CHECK(spec.boot.cmdline == cmdline);
  try {
    write_xl_cfg(spec);
    FAIL("no error");
  } catch (const ValidationError& e) {
    REQUIRE(e.problems().size() == 2);
    CHECK(e.problems()[0].str() == "q.yaml:6:11: disk 'xvda': path holds the control character U+000A, which xl's disk "
                                   "and vif syntax cannot hold: it cannot be written as xl.cfg");
    CHECK(e.problems()[1].mark.line == 7);
    CHECK(e.problems()[1].message.find("nic 'eth0': network holds the control character U+0009") == 0);
  }
  spec.disks.clear();
  spec.nics.clear();
  const auto out = write_xl_cfg(spec);
  CHECK(out.text.find("cmdline = \"a \\\"b\\\" 'c'\\nd\\te\\vf\\\\g\"\n") != std::string::npos);
  CHECK(read_xl_cfg(out.text, "q.cfg").spec.boot.cmdline == cmdline);  // libxlutil reads back every character
  spec.boot.cmdline = std::string("a\0b", 3);
  CHECK_THROWS_WITH_AS(write_xl_cfg(spec), doctest::Contains("boot.cmdline holds a NUL character"), ValidationError);
  spec.boot.cmdline = "a\x01z";  // raw, xl would take it, but hvctl's reader (rightly) takes it for binary data
  CHECK_THROWS_WITH_AS(write_xl_cfg(spec), doctest::Contains("U+0001, which xl.cfg has no escape for"), ValidationError);
}
#else
TEST_CASE("without libxlutil, reading xl.cfg says it is not compiled in") {
  CHECK_THROWS_WITH_AS(read_xl_cfg("name='a'\n", "a.cfg"), doctest::Contains("not compiled in"), InputError);
}
#endif
