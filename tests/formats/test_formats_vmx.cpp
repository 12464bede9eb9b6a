// .vmx: the lexer, the reader, the writer and the guest OS names.
#include <doctest/doctest.h>

#include "hvctl/spec_io.hpp"
#include "vmx.hpp"

using namespace hvctl;
using namespace hvctl::formats;

namespace {
std::string first_problem(const std::string& text) {
  try {
    read_vmx(text, "t.vmx");
  } catch (const ValidationError& e) {
    return e.problems().front().str();
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

bool has_loss(const std::vector<Loss>& losses, const std::string& text, int line = -1) {
  for (const auto& l : losses)
    if (l.message.find(text) != std::string::npos && (line < 0 || l.mark.line == line)) return true;
  return false;
}
}  // namespace

TEST_CASE("parse_vmx: quoted and bare values, comments, |XX, BOM, latin-1") {
  const auto e = parse_vmx("\xEF\xBB\xBF# c\nA.b = \"x|22y|7Cz # no comment\" # comment\nmemsize = 512\n\n", "f");
  REQUIRE(e.size() == 2);
  CHECK(e[0].key == "A.b");
  CHECK(e[0].lower == "a.b");
  CHECK(e[0].value == "x\"y|z # no comment");
  CHECK(e[0].line == 2);
  CHECK(e[1].value == "512");
  const auto l = parse_vmx(".encoding = \"windows-1252\"\ndisplayName = \"Caf\xe9\"\n", "f");
  CHECK(l[1].value == "Caf\xc3\xa9");
  CHECK(vmx_quote("a\"b|c\nd#") == "\"a|22b|7Cc|0Ad|23\"");
}

TEST_CASE("parse_vmx: malformed lines are problems with file:line") {
  CHECK(first_problem("displayName = \"a\"\nscsi0:0.fileName = \"disk.vm") ==
        "t.vmx:2:1: 'scsi0:0.fileName': the quoted value is not closed on its line (truncated file?)");
  CHECK(first_problem("displayName = \"a\"\nmemsi") == "t.vmx:2:1: expected 'memsi = \"value\"' (no '=' after the key; truncated file?)");
  CHECK(first_problem("a = \"b\" c\n") == "t.vmx:1:1: 'a': unexpected text after the quoted value");
  CHECK(first_problem("a = \"\xff\xfe\"\n") == "t.vmx:1:1: 'a': not valid UTF-8 (is .encoding right?)");
  CHECK(first_problem(".encoding = \"Shift_JIS\"\na = \"\x83\x65\"\n").find("not supported") != std::string::npos);
  CHECK(first_problem(".encoding = \"EBCDIC\"\n").find("not supported") != std::string::npos);
  CHECK(first_problem(".encoding = \"GBK\"\ndisplayName = \"a\"\n").empty());  // all ASCII: the same in GBK
  CHECK(first_problem("displayName = \"a\"\nide1:0.fileName =\n").empty());  // nothing after '=': empty
  CHECK(first_problem(std::string("a = \"b\"\n\0\0\0", 11)) == "t.vmx:2:1: binary data (byte 0x00): not a text configuration file");
  CHECK(first_problem("displayName = \"a\"\nmemsize = \"lots\"\n") == "t.vmx:2:1: memsize = \"lots\": expected a whole number from 4 to 1099511627776");
}

TEST_CASE("read_vmx maps keys case-insensitively and reports the rest") {
  const auto in = read_vmx(
      "DisplayName = \"db 01\"\nNUMVCPUS = \"2\"\nmemSize = \"2048\"\nguestOS = \"debian12-64\"\nfirmware = \"efi\"\n"
      "scsi0.present = \"TRUE\"\nscsi0:1.present = \"TRUE\"\nscsi0:1.fileName = \"db.vmdk\"\n"
      "sata0:0.present = \"TRUE\"\nsata0:0.fileName = \"x.vmdk\"\n"
      "ethernet2.present = \"TRUE\"\nethernet2.addressType = \"static\"\nethernet2.address = \"00:50:56:00:00:AA\"\n"
      "ethernet2.networkName = \"VM Network\"\nethernet3.present = \"FALSE\"\nuuid.bios = \"42 00\"\nannotation = \"hi\"\n",
      "db.vmx");
  const auto& s = in.spec;
  CHECK(s.name == "db-01");
  CHECK(s.cpu.count == 2);
  CHECK(s.memory.size_mib == 2048u);
  CHECK(s.firmware == Firmware::uefi);
  CHECK(s.vsphere->guest_id == "debian12_64Guest");
  REQUIRE(s.disks.size() == 1);
  CHECK(s.disks[0].id == "scsi0-1");
  CHECK(s.disks[0].format == "vmdk");
  REQUIRE(s.nics.size() == 1);
  CHECK(s.nics[0].id == "eth2");
  CHECK(s.nics[0].mac == "00:50:56:00:00:aa");
  CHECK(has_loss(in.losses, "becomes name 'db-01'", 1));
  CHECK(has_loss(in.losses, "sata0:0 is on sata0, which is not present", 9));
  CHECK(has_loss(in.losses, "uuid.bios", 16));
  CHECK(s.description == "hi");  // annotation: the field table's vmx key for metadata.description
}

TEST_CASE("write_vmx puts disks back in the slots their ids name, and reads back the same") {
  std::vector<Problem> problems;
  const auto specs = parse_specs(
      "apiVersion: hvctl/v1\nkind: VirtualMachine\nmetadata: {name: w}\nspec:\n  cpu: {count: 2, weight: 1000}\n"
      "  memory: {size: 4GiB}\n  firmware: bios\n"
      "  disks: [{id: scsi1-3, path: a.vmdk, bus: scsi, format: vmdk, controller: scsi1},\n"
      "          {id: nvme0-0, path: \"[ds] w/b.vmdk\", bus: nvme, format: vmdk, controller: nvme0},\n"
      "          {id: ide1-0, path: c.vmdk, bus: ide, format: vmdk}, {id: sata0-2, path: d.vmdk, bus: sata, format: vmdk, controller: sata0}]\n"
      "  cdroms: [{id: ide0-1, image: \"[ds] iso/netinst.iso\", bus: ide}, {id: sata0-3, image: \"\", bus: sata}]\n"
      "  controllers: [{id: scsi1, type: scsi, model: lsisas}, {id: nvme0, type: nvme}, {id: sata0, type: sata}]\n"
      "  nics: [{id: eth1, network: \"VM Network\", mac: \"00:50:56:00:00:01\", model: vmxnet3}]\n"
      "  vsphere: {guestId: otherLinux64Guest, extraConfig: {guestinfo.a: \"x|y\"}}\n",
      "w.yaml", problems);
  REQUIRE(problems.empty());
  const auto out = write_vmx(specs[0]);
  CHECK(out.losses.empty());
  CHECK(out.text.find("scsi1:3.fileName = \"a.vmdk\"\n") != std::string::npos);
  CHECK(out.text.find("scsi1.virtualDev = \"lsisas1068\"\n") != std::string::npos);
  CHECK(out.text.find("ide0:1.deviceType = \"cdrom-image\"\n") != std::string::npos);
  CHECK(out.text.find("ide0:1.fileName = \"[ds] iso/netinst.iso\"\n") != std::string::npos);
  CHECK(out.text.find("sata0:3.startConnected = \"FALSE\"\n") != std::string::npos);
  CHECK(out.text.find("guestinfo.a = \"x|7Cy\"\n") != std::string::npos);
  CHECK(out.text.find("ethernet1.address = \"00:50:56:00:00:01\"\n") != std::string::npos);
  const auto back = read_vmx(out.text, "w.vmx");
  CHECK(back.losses.empty());  // what write_vmx writes itself (hardware version, pvscsi) comes back
  CHECK(spec_to_yaml(back.spec) == spec_to_yaml(specs[0]));
}

TEST_CASE("read_vmx keeps controllers, the disks' controllers and CD-ROMs") {
  const auto in = read_vmx(
      "displayName = \"c\"\nscsi0.present = \"TRUE\"\nscsi0.virtualDev = \"lsilogic\"\n"
      "scsi1.present = \"TRUE\"\nscsi1.virtualDev = \"pvscsi\"\nscsi2.present = \"TRUE\"\nscsi2.virtualDev = \"weird\"\n"
      "scsi0:0.present = \"TRUE\"\nscsi0:0.fileName = \"a.vmdk\"\nscsi1:0.present = \"TRUE\"\nscsi1:0.fileName = \"b.vmdk\"\n"
      "ide1:0.present = \"TRUE\"\nide1:0.deviceType = \"cdrom-image\"\nide1:0.fileName = \"/iso/x.iso\"\n"
      "ide1:1.present = \"TRUE\"\nide1:1.deviceType = \"atapi-cdrom\"\nide1:1.fileName = \"/dev/sr0\"\n"
      "sata0.present = \"TRUE\"\nsata0:1.present = \"TRUE\"\nsata0:1.fileName = \"netinst.iso\"\n"
      "sata0:1.startConnected = \"FALSE\"\n",
      "c.vmx");
  const auto& s = in.spec;
  REQUIRE(s.controllers.size() == 4);
  CHECK(s.controllers[0] == ControllerSpec{"scsi0", "scsi", "lsilogic"});
  CHECK(s.controllers[1] == ControllerSpec{"scsi1", "scsi", "pvscsi"});
  CHECK(s.controllers[2] == ControllerSpec{"scsi2", "scsi", std::nullopt});
  CHECK(s.controllers[3] == ControllerSpec{"sata0", "sata", std::nullopt});
  CHECK(has_loss(in.losses, "scsi2.virtualDev = \"weird\" is not carried over", 7));
  REQUIRE(s.disks.size() == 2);
  CHECK(s.disks[0].controller == "scsi0");
  CHECK(s.disks[1].controller == "scsi1");
  REQUIRE(s.cdroms.size() == 3);
  CHECK(s.cdroms[0] == CdromSpec{"ide1-0", "/iso/x.iso", "ide"});
  CHECK(s.cdroms[1] == CdromSpec{"ide1-1", "", "ide"});
  CHECK(has_loss(in.losses, "ide1:1 is the host's drive \"/dev/sr0\"; it becomes an empty drive", 15));
  CHECK(s.cdroms[2] == CdromSpec{"sata0-1", "netinst.iso", "sata"});
  CHECK(has_loss(in.losses, "sata0:1 starts disconnected", 21));
  CHECK_FALSE(has_loss(in.losses, "CD-ROM"));
}

TEST_CASE("write_vmx reports what a .vmx cannot say") {
  VmSpec spec;
  spec.name = "v";
  spec.cpu.cap = 50;
  spec.memory = {512, 1024};
  spec.boot.kernel = "/k";
  spec.disks = {{"root", 1024, std::nullopt, "virtio", std::nullopt, std::nullopt},
                {"sys", std::nullopt, "/x.qcow2", "virtio", "qcow2", std::nullopt},
                {"data", std::nullopt, "/x.vmdk", "virtio", "vmdk", true}};
  spec.nics = {{"uplink", "br0", "52:54:00:00:00:01", "virtio"}};
  spec.xen.emplace().type = "pv";
  const auto out = write_vmx(spec);
  for (const char* text : {"cpu.cap", "memory.max", "direct kernel boot", "only a size", "qemu-img convert -O vmdk",
                           "bus virtio becomes scsi", "readonly", "goes to scsi0:0", "becomes ethernet0", "model virtio",
                           "static range", "spec.xen", "guestId is not set"})
    CHECK_MESSAGE(has_loss(out.losses, text), text);
}

TEST_CASE("guest OS names: table both ways, rule otherwise") {
  CHECK(guest_id_from_vmx("otherLinux-64").name == "otherLinux64Guest");
  CHECK(vmx_guest_os_from_id("windows9Server64Guest").name == "windows9srv-64");
  const auto ruled = guest_id_from_vmx("almalinux9-64");
  CHECK(ruled.name == "almalinux9_64Guest");
  CHECK_FALSE(ruled.exact);
  CHECK(vmx_guest_os_from_id("almalinux9_64Guest").name == "almalinux9-64");
}

TEST_CASE("write_vmx and read_vmx carry the field table's vmx keys: description (with |XX escapes) and topology") {
  VmSpec spec;
  spec.name = "app";
  spec.description = "line one\n\"quoted\" | #tag";
  spec.cpu.count = 8;
  spec.cpu.cores_per_socket = 4;
  spec.memory.size_mib = 3072;
  const auto out = write_vmx(spec);
  CHECK(out.text.find("annotation = \"line one|0A|22quoted|22 |7C |23tag\"\n") != std::string::npos);
  CHECK(out.text.find("cpuid.coresPerSocket = \"4\"\n") != std::string::npos);
  CHECK(out.text.find("memsize = \"3072\"\n") != std::string::npos);
  const auto back = read_vmx(out.text, "app.vmx").spec;
  CHECK(back.description == spec.description);
  CHECK(back.cpu == spec.cpu);
  CHECK(back.memory.size_mib == 3072);
}

TEST_CASE("read_vmx: without memsize and numvcpus, VMware's defaults (32 MB, one vCPU) are the spec's values") {
  const auto in = read_vmx("displayName = \"tiny\"\nguestOS = \"other\"\n", "tiny.vmx");
  CHECK(in.spec.memory.size_mib == 32u);
  CHECK(in.spec.cpu.count == 1);
  const auto out = write_vmx(in.spec);
  CHECK(out.text.find("memsize = \"32\"\n") != std::string::npos);
  CHECK(out.text.find("numvcpus = \"1\"\n") != std::string::npos);
  const auto given = read_vmx("displayName = \"big\"\nmemsize = \"4096\"\nnumvcpus = \"4\"\n", "big.vmx").spec;
  CHECK(given.memory.size_mib == 4096u);
  CHECK(given.cpu.count == 4);
}

TEST_CASE("write_vmx: an unset memory.size is hvctl's 512MiB, written, never left to VMware's 32 MB") {
  VmSpec spec;
  spec.name = "m";
  const auto unset = write_vmx(spec);
  CHECK(unset.text.find("memsize = \"512\"") != std::string::npos);
  CHECK_FALSE(has_loss(unset.losses, "memory.size"));
  spec.memory.size_mib = 1024;
  CHECK(write_vmx(spec).text.find("memsize = \"1024\"") != std::string::npos);
}

TEST_CASE("read_vmx: a grouped loss names every key's line, not only the first") {
  const auto in = read_vmx("displayName = \"g\"\nmemsize = \"64\"\nsched.mem.min = \"0\"\nnumvcpus = \"1\"\n"
                           "sched.swap.derivedName = \"x.vswp\"\n", "g.vmx");
  CHECK(has_loss(in.losses, "sched.{mem.min (line 3), swap.derivedName (line 5)} are not carried over", 3));
}

TEST_CASE("read_vmx: a secret's value is never in a loss, only its key") {
  const auto in = read_vmx("displayName = \"s\"\nmemsize = \"64\"\nRemoteDisplay.vnc.password = \"hunter2\"\n"
                           "isolation.secret = \"hunter3\"\n", "s.vmx");
  CHECK(has_loss(in.losses, "RemoteDisplay.vnc.password = (value withheld: a secret)", 3));
  CHECK(has_loss(in.losses, "isolation.secret = (value withheld: a secret)", 4));
  for (const auto& l : in.losses) CHECK_MESSAGE(l.message.find("hunter") == std::string::npos, l.message);
}

TEST_CASE("vmx MAC address types: a generated or vCenter MAC is not written back as static") {
  const auto in = read_vmx("displayName = \"n\"\nmemsize = \"64\"\n"
                           "ethernet0.present = \"TRUE\"\nethernet0.addressType = \"generated\"\n"
                           "ethernet0.generatedAddress = \"00:0C:29:AB:CD:EF\"\n"
                           "ethernet1.present = \"TRUE\"\nethernet1.addressType = \"vpx\"\n"
                           "ethernet1.generatedAddress = \"00:50:56:8a:12:34\"\n"
                           "ethernet2.present = \"TRUE\"\nethernet2.addressType = \"static\"\n"
                           "ethernet2.address = \"00:50:56:01:02:03\"\n"
                           "ethernet3.present = \"TRUE\"\nethernet3.addressType = \"static\"\n"
                           "ethernet3.address = \"00:0c:29:00:00:01\"\n", "n.vmx");
  REQUIRE(in.spec.nics.size() == 4);
  CHECK(in.spec.nics[0].mac == "00:0c:29:ab:cd:ef");
  CHECK(has_loss(in.losses, "ethernet3.addressType \"static\" with MAC 00:0c:29:00:00:01 is not carried over", 13));
  CHECK(in.losses.size() == 1);
  const auto out = write_vmx(in.spec).text;
  CHECK(out.find("ethernet0.addressType = \"generated\"\nethernet0.generatedAddress = \"00:0c:29:ab:cd:ef\"\n") != std::string::npos);
  CHECK(out.find("ethernet1.addressType = \"vpx\"\nethernet1.generatedAddress = \"00:50:56:8a:12:34\"\n") != std::string::npos);
  CHECK(out.find("ethernet2.addressType = \"static\"\nethernet2.address = \"00:50:56:01:02:03\"\n") != std::string::npos);
  CHECK(out.find("ethernet0.address =") == std::string::npos);
  CHECK(vmx_address_type("52:54:00:00:00:01") == "static");
  CHECK(vmx_address_type("00:50:56:c0:00:01") == "static");  // above vCenter's range
}

TEST_CASE("vmx controllers: lsilogic, lsisas1068 and buslogic come back as themselves on export, never pvscsi") {
  const auto in = read_vmx("displayName = \"c\"\nmemsize = \"64\"\nguestOS = \"winnetenterprise\"\n"
                           "scsi0.present = \"TRUE\"\nscsi0.virtualDev = \"lsilogic\"\n"
                           "scsi1.present = \"TRUE\"\nscsi1.virtualDev = \"lsisas1068\"\n"
                           "scsi2.present = \"TRUE\"\nscsi2.virtualDev = \"buslogic\"\n"
                           "scsi3.present = \"TRUE\"\n"
                           "scsi0:0.present = \"TRUE\"\nscsi0:0.fileName = \"a.vmdk\"\n"
                           "scsi1:0.present = \"TRUE\"\nscsi1:0.fileName = \"b.vmdk\"\n"
                           "scsi2:1.present = \"TRUE\"\nscsi2:1.deviceType = \"cdrom-image\"\nscsi2:1.fileName = \"x.iso\"\n"
                           "scsi3:0.present = \"TRUE\"\nscsi3:0.fileName = \"d.vmdk\"\n", "c.vmx");
  const auto out = write_vmx(in.spec).text;
  CHECK(out.find("scsi0.virtualDev = \"lsilogic\"\n") != std::string::npos);
  CHECK(out.find("scsi1.virtualDev = \"lsisas1068\"\n") != std::string::npos);
  CHECK(out.find("scsi2.virtualDev = \"buslogic\"\n") != std::string::npos);
  CHECK(out.find("scsi3.present = \"TRUE\"\n") != std::string::npos);
  CHECK(out.find("pvscsi") == std::string::npos);  // scsi3 had no virtualDev: VMware's default, as read
  CHECK(spec_to_yaml(read_vmx(out, "c2.vmx").spec) == spec_to_yaml(in.spec));
}

TEST_CASE("write_vmx escapes any value and refuses, at the spec's line, an extraConfig key a .vmx cannot hold") {
  std::vector<Problem> problems;
  auto specs = parse_specs("apiVersion: hvctl/v1\nkind: VirtualMachine\nmetadata: {name: k, description: \"a\\nb \\\"c\\\" \\x01\"}\n"
                           "spec:\n  memory: {size: 64MiB}\n"
                           "  vsphere:\n    extraConfig: {guestinfo.ok: \"x\\ny\", \"bad key\": v, \"x=y\": v}\n",
                           "k.yaml", problems);
  REQUIRE(problems.empty());
  auto spec = specs.front();
  try {
    write_vmx(spec);
    FAIL("no error");
  } catch (const ValidationError& e) {
    REQUIRE(e.problems().size() == 2);
    CHECK(e.problems()[0].mark.line == 7);
    CHECK(e.problems()[0].message == "vsphere.extraConfig key 'bad key' holds the character U+0020: it cannot be written as a .vmx key");
    CHECK(e.problems()[1].message.find("'x=y' holds '='") != std::string::npos);
  }
  spec.vsphere->extra_config.erase("bad key");
  spec.vsphere->extra_config.erase("x=y");
  const auto back = read_vmx(write_vmx(spec).text, "k.vmx").spec;
  CHECK(back.description == spec.description);
  CHECK(back.vsphere->extra_config == spec.vsphere->extra_config);
}

TEST_CASE("read_vmx: coresPerSocket that does not divide the vCPUs (VMware's one, when numvcpus is absent) is a loss") {
  const auto in = read_vmx("displayName = \"arm\"\ncpuid.coresPerSocket = \"2\"\n", "arm.vmx");
  CHECK(in.spec.cpu.count == 1);
  CHECK(!in.spec.cpu.cores_per_socket);
  bool said = false;
  for (const auto& l : in.losses)
    said = said || (l.mark.line == 2 && l.message.find("does not divide the VM's 1 vCPU") != std::string::npos);
  CHECK(said);
  const auto four = read_vmx("displayName = \"x\"\nnumvcpus = \"4\"\ncpuid.coresPerSocket = \"2\"\n", "x.vmx");
  CHECK(four.spec.cpu.cores_per_socket == 2);  // one that divides is carried
}
