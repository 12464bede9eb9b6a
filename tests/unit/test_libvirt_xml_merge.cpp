// The carry-over of what hvctl does not manage in a domain XML (uuid,
// emulator pinning, libosinfo metadata, UEFI pieces, the rest of <cpu>), and
// the description and CPU topology as written and as libvirt reports them.
#include <doctest/doctest.h>

#include <string>

#include "libvirt_xml.hpp"
#include "libvirt_xml_fixture.hpp"

namespace hvctl::libvirt {

using test::drift;
using test::kRewrittenQemu;

TEST_CASE("libvirt XML: carry over what hvctl does not manage") {
  auto spec = domain_xml_to_state(kRewrittenQemu).spec;
  spec.firmware = Firmware::bios;
  spec.memory.size_mib = 1536;
  spec.disks[0].readonly = true;
  spec.nics[0].model = "e1000";
  DomainDefaults d;
  d.domain_type = "qemu";
  d.owned_disks = {"data"};
  const auto merged = carry_over_unmanaged(spec_to_domain_xml(spec, d), kRewrittenQemu);
  auto has = [&](const char* text) { return merged.find(text) != std::string::npos; };
  CHECK(has("<uuid>0b6a7d1e-8f2c-4c1e-9d7a-1a2b3c4d5e6f</uuid>"));
  CHECK(has("machine=\"pc-i440fx-7.2\""));  // the expansion, so the guest ABI stays put
  CHECK(has("<hvctl:vm xmlns:hvctl=\"https://hvctl.dev/xmlns/libvirt/1\" machine=\"pc\">"));
  CHECK(has("libosinfo:os"));
  CHECK(has("<emulatorpin"));
  CHECK(has("<features>"));
  CHECK(has("<graphics"));
  CHECK(has("device=\"cdrom\""));
  CHECK(has("<target dev=\"hdc\" bus=\"ide\"/>"));  // the foreign drive stays where it was
  CHECK(has("<source bridge=\"br0\"/>"));
  CHECK(has("slot=\"0x04\""));  // the root disk keeps its PCI address...
  CHECK(has("<serial>ROOT-1</serial>"));
  CHECK(has("cache=\"none\""));  // ...and its driver settings
  CHECK(has("slot=\"0x03\""));   // the NIC (same MAC) too
  CHECK(has("<currentMemory unit=\"KiB\">1572864</currentMemory>"));
  CHECK(has("<readonly/>"));
  CHECK(has("<model type=\"e1000\"/>"));
  CHECK(has("owned=\"yes\""));
  CHECK(merged.find("isa-serial") == std::string::npos);  // hvctl writes its own console
  const auto back = domain_xml_to_state(merged).spec;
  CHECK(drift(spec, back) == "");
}

TEST_CASE("libvirt XML: carry over drops UEFI pieces when switching to bios") {
  const char* current = R"(<domain type='kvm'><name>u</name><uuid>11111111-2222-3333-4444-555555555555</uuid>
    <memory>1048576</memory><vcpu>1</vcpu>
    <os firmware='efi'><type arch='x86_64' machine='pc-q35-7.2'>hvm</type>
      <loader readonly='yes' type='pflash'>/usr/share/OVMF/OVMF_CODE.fd</loader>
      <nvram>/var/lib/libvirt/qemu/nvram/u_VARS.fd</nvram><boot dev='hd'/></os>
    <devices/></domain>)";
  VmSpec spec;
  spec.name = "u";
  spec.firmware = Firmware::bios;
  const auto bios = carry_over_unmanaged(spec_to_domain_xml(spec, {}), current);
  CHECK(bios.find("loader") == std::string::npos);
  CHECK(bios.find("nvram") == std::string::npos);
  CHECK(bios.find("machine=\"pc-q35-7.2\"") != std::string::npos);  // not asked for: kept
  CHECK(bios.find("<boot dev=\"hd\"/>") != std::string::npos);
  spec.firmware = Firmware::uefi;
  const auto uefi = carry_over_unmanaged(spec_to_domain_xml(spec, {}), current);
  CHECK(uefi.find("OVMF_CODE.fd") != std::string::npos);
  CHECK(domain_xml_to_state(uefi).spec.firmware == Firmware::uefi);
}

TEST_CASE("libvirt XML: description and CPU topology, written") {
  VmSpec spec;
  spec.name = "topo";
  spec.description = "Notes <a> & \"b\"\nsecond line";
  spec.cpu.count = 6;
  spec.cpu.cores_per_socket = 3;
  const auto xml = spec_to_domain_xml(spec, {});
  CHECK(xml.find("<description>Notes &lt;a&gt; &amp; \"b\"\nsecond line</description>") != std::string::npos);
  CHECK(xml.find("<cpu>\n    <topology sockets=\"2\" cores=\"3\" threads=\"1\"/>\n  </cpu>") != std::string::npos);
  const auto back = domain_xml_to_state(xml).spec;
  CHECK(back.description == spec.description);
  CHECK(back.cpu.cores_per_socket == 3);

  VmSpec plain;  // unset: neither element
  plain.name = "plain";
  plain.cpu.count = 6;
  const auto none = spec_to_domain_xml(plain, {});
  CHECK(none.find("<description") == std::string::npos);
  CHECK(none.find("<cpu") == std::string::npos);

  spec.cpu.count = 4;  // 4 vCPUs in sockets of 3 cores: libvirt would refuse the define
  CHECK_THROWS_WITH_AS(spec_to_domain_xml(spec, {}), doctest::Contains("cpu.count 4 is not a multiple of cpu.coresPerSocket 3"),
                       BackendError);
}

TEST_CASE("libvirt XML: description and CPU topology, read as libvirt reports them") {
  auto read = [](const std::string& inner) {
    return domain_xml_to_state("<domain type='kvm'><name>r</name><vcpu>8</vcpu>" + inner + "</domain>").spec;
  };
  const auto full = read("<description>ops notes</description>"
                         "<cpu mode='host-model' check='partial'><topology sockets='2' dies='1' cores='4' threads='1'/></cpu>");
  CHECK(full.description == "ops notes");
  CHECK(full.cpu.cores_per_socket == 4);
  CHECK(read("<cpu><topology sockets='4' cores='2'/></cpu>").cpu.cores_per_socket == 2);  // threads absent
  CHECK_FALSE(read("<cpu><topology sockets='2' cores='2' threads='2'/></cpu>").cpu.cores_per_socket);
  CHECK_FALSE(read("<cpu><topology sockets='1' dies='2' cores='4' threads='1'/></cpu>").cpu.cores_per_socket);
  CHECK_FALSE(read("<cpu mode='host-passthrough'/>").cpu.cores_per_socket);
  CHECK_FALSE(read("<description></description>").description);
  CHECK_FALSE(read("").description);
}

TEST_CASE("libvirt XML: carry over keeps the rest of <cpu> and replaces its topology") {
  const char* current = R"(<domain type='kvm'><name>c</name><uuid>11111111-2222-3333-4444-555555555555</uuid>
    <description>old notes</description>
    <memory>1048576</memory><vcpu>4</vcpu>
    <cpu mode='custom' match='exact' check='partial'>
      <model fallback='allow'>Skylake-Client</model>
      <topology sockets='4' cores='1' threads='1'/>
      <feature policy='require' name='vmx'/>
      <feature policy='disable' name='hle'/>
    </cpu>
    <devices/></domain>)";
  auto spec = domain_xml_to_state(current).spec;
  REQUIRE(spec.cpu.cores_per_socket == 1);
  spec.cpu.cores_per_socket = 2;
  spec.description = "new notes";
  const auto merged = carry_over_unmanaged(spec_to_domain_xml(spec, {}), current);
  auto count = [&](const std::string& text) {
    std::size_t n = 0;
    for (auto at = merged.find(text); at != std::string::npos; at = merged.find(text, at + 1)) ++n;
    return n;
  };
  CHECK(count("<cpu mode=\"custom\" match=\"exact\" check=\"partial\">") == 1);
  CHECK(count("<model fallback=\"allow\">Skylake-Client</model>") == 1);
  CHECK(count("<feature policy=\"require\" name=\"vmx\"/>") == 1);
  CHECK(count("<feature policy=\"disable\" name=\"hle\"/>") == 1);  // the second <feature> too
  CHECK(count("<topology") == 1);
  CHECK(count("<topology sockets=\"2\" cores=\"2\" threads=\"1\"/>") == 1);
  CHECK(count("<description>") == 1);
  CHECK(count("<description>new notes</description>") == 1);
  const auto back = domain_xml_to_state(merged).spec;
  CHECK(back.cpu.cores_per_socket == 2);
  CHECK(back.description == "new notes");

  SUBCASE("a spec without them keeps the domain's own") {
    VmSpec bare;
    bare.name = "c";
    bare.cpu.count = 4;
    const auto kept = carry_over_unmanaged(spec_to_domain_xml(bare, {}), current);
    CHECK(kept.find("<description>old notes</description>") != std::string::npos);
    CHECK(kept.find("<topology sockets=\"4\" cores=\"1\" threads=\"1\"/>") != std::string::npos);
    CHECK(kept.find("name=\"hle\"") != std::string::npos);
  }
}

}  // namespace hvctl::libvirt
