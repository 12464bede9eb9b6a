// VmSpec <-> libvirt domain XML: golden files both ways, round trips through
// XML as libvirt rewrites it, errors (the carry-over of unmanaged elements:
// test_libvirt_xml_merge.cpp).
// Golden pairs: tests/golden/libvirt/<case>.yaml -> <case>.xml. After an
// intended change, regenerate with HVCTL_UPDATE_GOLDEN=1 and review the diff.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "hvctl/plan.hpp"
#include "hvctl/spec_io.hpp"
#include "libvirt_backend.hpp"
#include "libvirt_xml.hpp"
#include "libvirt_xml_fixture.hpp"
#include "xml_util.hpp"
#include "source_dir.hpp"

namespace hvctl::libvirt {
namespace {

namespace fs = std::filesystem;

const fs::path kGoldenDir = fs::path(::hvctl::test_source_dir()) / "tests" / "golden" / "libvirt";

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

VmSpec load_case(const fs::path& yaml) {
  std::vector<Problem> problems;
  auto specs = parse_specs(read_file(yaml), yaml.string(), problems);
  for (const auto& p : problems) FAIL_CHECK(p.str());
  REQUIRE(specs.size() == 1);
  return specs.front();
}

std::vector<fs::path> golden_cases() {
  std::vector<fs::path> cases;
  for (const auto& entry : fs::directory_iterator(kGoldenDir))
    if (entry.path().extension() == ".yaml") cases.push_back(entry.path());
  std::sort(cases.begin(), cases.end());
  return cases;
}

// The goldens' defaults: a spec with init has its seed in the default pool.
DomainDefaults golden_defaults(const VmSpec& spec) {
  DomainDefaults d;
  if (!spec.init.empty()) d.seed_path = "/var/lib/libvirt/images/" + spec.name + "-seed.iso";
  return d;
}

using test::drift;
using test::kRewrittenQemu;

}  // namespace

TEST_CASE("libvirt golden: spec -> domain XML, byte for byte") {
  const bool update = std::getenv("HVCTL_UPDATE_GOLDEN") && std::string(std::getenv("HVCTL_UPDATE_GOLDEN")) == "1";
  const auto cases = golden_cases();
  REQUIRE(cases.size() >= 7);
  for (const auto& yaml : cases) {
    auto xml_path = yaml;
    xml_path.replace_extension(".xml");
    INFO("case: ", yaml.stem().string());
    const auto xml = spec_to_domain_xml(load_case(yaml), golden_defaults(load_case(yaml)));
    if (update) {
      std::ofstream(xml_path, std::ios::binary) << xml;
      continue;
    }
    REQUIRE_MESSAGE(fs::exists(xml_path), "missing golden file; run with HVCTL_UPDATE_GOLDEN=1");
    CHECK(xml == read_file(xml_path));
  }
}

TEST_CASE("libvirt golden: domain XML -> spec reports every field the spec sets") {
  for (const auto& yaml : golden_cases()) {
    auto xml_path = yaml;
    xml_path.replace_extension(".xml");
    INFO("case: ", yaml.stem().string());
    const auto spec = load_case(yaml);
    const auto description = parse_domain_xml(read_file(xml_path));
    const auto& state = description.state;
    CHECK(state.name == spec.name);
    CHECK(drift(spec, state.spec) == "");
    CHECK(description.seed_path == golden_defaults(spec).seed_path);  // read apart from the spec's drives
    CHECK(state.spec.cdroms.size() == spec.cdroms.size());
    // Sizes are not in the XML (the backend reads them from the volume).
    for (const auto& disk : state.spec.disks) CHECK_FALSE(disk.size_mib);
  }
}

TEST_CASE("libvirt golden: each device's own XML (for attach) is its element in the domain XML") {
  std::size_t devices = 0;
  for (const auto& yaml : golden_cases()) {
    auto xml_path = yaml;
    xml_path.replace_extension(".xml");
    INFO("case: ", yaml.stem().string());
    const auto spec = load_case(yaml);
    const auto doc = xml::parse(read_file(xml_path), "golden");
    const auto* root = xml::child(xmlDocGetRootElement(doc.get()), "devices");
    const auto element = [](const xmlNode* node) {  // the golden's element as a document of its own
      auto one = xml::new_doc("x");
      xmlFreeNode(xmlDocSetRootElement(one.get(), xmlDocCopyNode(const_cast<xmlNode*>(node), one.get(), 1)));
      return xml::dump(one.get());
    };
    const auto disks = xml::children(root, "disk");
    const auto nics = xml::children(root, "interface");
    const auto d = golden_defaults(spec);
    // the drives follow the disks, and the seed (spec.init) comes last
    REQUIRE(disks.size() == spec.disks.size() + spec.cdroms.size() + (d.seed_path ? 1 : 0));
    REQUIRE(nics.size() == spec.nics.size());
    for (std::size_t i = 0; i < spec.disks.size(); ++i, ++devices)
      CHECK(disk_device_xml(spec, spec.disks[i].id, d) == element(disks[i]));
    for (std::size_t i = 0; i < spec.cdroms.size(); ++i, ++devices)
      CHECK(cdrom_device_xml(spec, spec.cdroms[i].id, d) == element(disks[spec.disks.size() + i]));
    for (std::size_t i = 0; i < nics.size(); ++i, ++devices)
      CHECK(nic_device_xml(spec, spec.nics[i].id) == element(nics[i]));
  }
  CHECK(devices >= 20);
  VmSpec spec;
  spec.name = "v";
  CHECK_THROWS_WITH_AS(disk_device_xml(spec, "data", {}), doctest::Contains("VM 'v': its spec has no disk 'data'"),
                       BackendError);
  CHECK_THROWS_WITH_AS(nic_device_xml(spec, "eth0"), doctest::Contains("VM 'v': its spec has no NIC 'eth0'"),
                       BackendError);
}

TEST_CASE("libvirt XML: a disk keeps its target dev when one before it goes, and new ones take a free one") {
  VmSpec spec;
  spec.name = "v";
  for (const char* id : {"root", "scratch", "new"}) {
    auto& disk = spec.disks.emplace_back();
    disk.id = id;
    disk.path = std::string("/i/") + id + ".img";
  }
  DomainDefaults d;
  d.domain_type = "qemu";
  d.disk_devs = {{"root", "vda"}, {"data", "vdb"}, {"scratch", "vdc"}};  // data was pruned
  const auto xml = spec_to_domain_xml(spec, d);
  CHECK(xml.find(R"(<hvctl:disk id="scratch" dev="vdc"/>)") != std::string::npos);
  CHECK(xml.find(R"(<hvctl:disk id="new" dev="vdb"/>)") != std::string::npos);
  CHECK(disk_device_xml(spec, "new", d).find(R"(<target dev="vdb" bus="virtio"/>)") != std::string::npos);
  CHECK(parse_domain_xml(xml).disk_devs == std::map<std::string, std::string>{{"new", "vdb"}, {"root", "vda"},
                                                                                {"scratch", "vdc"}});
  SUBCASE("a disk moved to another bus is named for it") {
    spec.disks[1].bus = "sata";
    CHECK(disk_device_xml(spec, "scratch", d).find(R"(<target dev="sda" bus="sata"/>)") != std::string::npos);
  }
  SUBCASE("without known names: in spec order, as ever") {
    CHECK(spec_to_domain_xml(spec, {}).find(R"(<hvctl:disk id="scratch" dev="vdb"/>)") != std::string::npos);
  }
}

TEST_CASE("libvirt XML: the live element of a disk (by source) and a NIC (by MAC), for detach") {
  const auto disk = disk_element(kRewrittenQemu, "/var/lib/libvirt/images/web-01-data.img");
  CHECK(disk.rfind("<disk type=\"file\" device=\"disk\">", 0) == 0);
  CHECK(disk.find(R"(<target dev="vdb" bus="virtio"/>)") != std::string::npos);
  CHECK(disk.find("web-01-data.img") != std::string::npos);
  CHECK(disk.find("web.qcow2") == std::string::npos);  // the other disk's
  CHECK(disk.find("<address") == std::string::npos);   // what the live and the config may not share
  CHECK(disk.find("<driver") == std::string::npos);
  const auto nic = nic_element(kRewrittenQemu, "52:54:00:6b:3c:58");
  CHECK(nic == "<interface type=\"network\">\n  <mac address=\"52:54:00:6b:3c:58\"/>\n  <source network=\"default\"/>\n"
               "</interface>\n");
  CHECK(nic_element(kRewrittenQemu, "52:54:00:00:00:99").find("br0") != std::string::npos);
  CHECK(disk_element(kRewrittenQemu, "/nowhere.img") == "");
  CHECK(nic_element(kRewrittenQemu, "52:54:00:00:00:00") == "");
}

TEST_CASE("libvirt XML: a user-mode NIC as libvirt reports it reads back as network user, and keeps its address") {
  const char* current = R"(<domain type='qemu'><name>u</name><memory>131072</memory><vcpu>1</vcpu>
    <os><type arch='x86_64' machine='pc-i440fx-7.2'>hvm</type></os>
    <devices>
      <interface type='user'>
        <mac address='52:54:00:12:34:56'/>
        <model type='virtio'/>
        <alias name='net0'/>
        <address type='pci' domain='0x0000' bus='0x00' slot='0x07' function='0x0'/>
      </interface>
    </devices></domain>)";
  const auto spec = domain_xml_to_state(current).spec;
  REQUIRE(spec.nics.size() == 1);
  CHECK(spec.nics[0].network == "user");
  CHECK(spec.nics[0].mac == "52:54:00:12:34:56");
  const auto merged = carry_over_unmanaged(spec_to_domain_xml(spec, {}), current);
  CHECK(merged.find(R"(slot="0x07")") != std::string::npos);
  CHECK(merged.find("<source") == std::string::npos);
  CHECK(merged.find("<interface type=\"user\">") == merged.rfind("<interface"));  // one, not a copy besides
}

TEST_CASE("libvirt XML: round trip through XML as libvirt rewrites it") {
  const auto state = domain_xml_to_state(kRewrittenQemu);
  const auto& s = state.spec;
  CHECK(state.uuid == "0b6a7d1e-8f2c-4c1e-9d7a-1a2b3c4d5e6f");
  CHECK(s.labels == std::map<std::string, std::string>{{"tier", "web"}});
  CHECK(s.cpu.count == 2);  // current, not the maximum
  CHECK(s.cpu.weight == 256);
  CHECK(s.cpu.cap == 150);  // 75000us per 50000us
  CHECK(s.memory.size_mib == 1024u);
  CHECK(s.memory.max_mib == 2048u);
  CHECK(s.firmware == Firmware::bios);
  REQUIRE(s.libvirt);
  CHECK(s.libvirt->machine == "pc");  // the alias asked for, not pc-i440fx-7.2
  CHECK(s.libvirt->arch == "x86_64");
  CHECK(s.libvirt->domain_type == "qemu");
  CHECK_FALSE(s.xen);
  REQUIRE(s.disks.size() == 2);  // the cdrom is not a spec disk but a drive, named by its device
  REQUIRE(s.cdroms.size() == 1);
  CHECK(s.cdroms[0] == CdromSpec{"hdc", "/iso/debian.iso", "ide"});
  CHECK(s.disks[0].id == "root");
  CHECK(s.disks[0].format == "qcow2");
  CHECK(s.disks[0].readonly == false);
  CHECK(s.disks[1].id == "data");
  CHECK(s.disks[1].path == "/var/lib/libvirt/images/web-01-data.img");
  REQUIRE(s.nics.size() == 1);  // the bridge interface is not managed
  CHECK(s.nics[0].id == "eth0");
  CHECK(s.nics[0].mac == "52:54:00:6b:3c:58");
  CHECK(parse_domain_xml(kRewrittenQemu).state.owned_disks == std::set<std::string>{"data"});
}

TEST_CASE("libvirt XML: reverse without hvctl metadata") {
  const char* xml = R"(<domain type='kvm'><name>foreign</name>
    <memory unit='MiB'>512</memory><vcpu>1</vcpu>
    <os firmware='efi'><type machine='pc-q35-8.0'>hvm</type></os>
    <devices>
      <disk type='block' device='disk'><source dev='/dev/sdb'/><target dev='sda' bus='sata'/></disk>
      <interface type='network'><source network='lan'/></interface>
    </devices></domain>)";
  const auto s = domain_xml_to_state(xml).spec;
  CHECK(s.memory.size_mib == 512u);  // no currentMemory: same as memory
  CHECK(s.memory.max_mib == 512u);
  CHECK(s.firmware == Firmware::uefi);
  CHECK(s.libvirt->machine == "pc-q35-8.0");
  REQUIRE(s.disks.size() == 1);
  CHECK(s.disks[0].id == "disk0");
  CHECK(s.disks[0].path == "/dev/sdb");
  REQUIRE(s.nics.size() == 1);
  CHECK(s.nics[0].id == "nic0");
  CHECK(s.labels.empty());
  CHECK_FALSE(s.cpu.weight);
  CHECK_FALSE(s.cpu.cap);
}

TEST_CASE("libvirt XML: machine aliases") {
  CHECK(machine_matches("pc", "pc-i440fx-7.2"));
  CHECK(machine_matches("q35", "pc-q35-7.2"));
  CHECK(machine_matches("virt", "virt-7.2"));
  CHECK(machine_matches("pc-q35-7.2", "pc-q35-7.2"));
  CHECK_FALSE(machine_matches("q35", "pc-i440fx-7.2"));
  CHECK_FALSE(machine_matches("pc", "microvm"));
}

TEST_CASE("libvirt XML: disk device names") {
  CHECK(disk_dev_name("virtio", 0) == "vda");
  CHECK(disk_dev_name("virtio", 25) == "vdz");
  CHECK(disk_dev_name("virtio", 26) == "vdaa");
  CHECK(disk_dev_name("sata", 1) == "sdb");
  CHECK(disk_dev_name("ide", 2) == "hdc");
  CHECK(disk_dev_name("xen", 3) == "xvdd");
  CHECK_THROWS_AS(disk_dev_name("nvme", 0), BackendError);
}

TEST_CASE("libvirt XML: errors") {
  SUBCASE("malformed XML carries libxml2's message") {
    try {
      domain_xml_to_state("<domain><name>x</name>");
      FAIL("no exception");
    } catch (const BackendError& e) {
      CHECK(std::string(e.what()).find("malformed domain XML") != std::string::npos);
      CHECK(std::string(e.what()).find("Premature end of data") != std::string::npos);
    }
  }
  SUBCASE("not a domain") {
    CHECK_THROWS_WITH_AS(domain_xml_to_state("<network/>"), doctest::Contains("not <domain>"), BackendError);
  }
  SUBCASE("empty input") { CHECK_THROWS_AS(domain_xml_to_state(""), BackendError); }
  SUBCASE("a disk without a path") {
    VmSpec spec;
    spec.name = "v";
    spec.disks.emplace_back().id = "data";
    CHECK_THROWS_WITH_AS(spec_to_domain_xml(spec, {}), doctest::Contains("disk 'data' has no path"), BackendError);
  }
}

TEST_CASE("libvirt XML: text is escaped, not concatenated") {
  VmSpec spec;
  spec.name = "esc";
  spec.labels["note"] = "a&b <c> \"d\" 'e'";
  spec.boot.kernel = "/k";
  spec.boot.cmdline = "x=<1> & y='2'";
  const auto xml = spec_to_domain_xml(spec, {});
  CHECK(xml.find("a&amp;b &lt;c&gt;") != std::string::npos);
  const auto back = domain_xml_to_state(xml).spec;
  CHECK(back.labels == spec.labels);
  CHECK(back.boot.cmdline == spec.boot.cmdline);
}

TEST_CASE("libvirt XML: metadata, volume and snapshot documents") {
  VmSpec spec;
  spec.name = "m";
  spec.labels["k"] = "v";
  spec.disks.emplace_back().id = "root";
  spec.disks.back().path = "/x.img";
  const auto meta = metadata_xml(spec, {});
  CHECK(meta.find("<vm>") == 0);  // virDomainSetMetadata adds the namespace
  CHECK(meta.find("<disk id=\"root\" dev=\"vda\"/>") != std::string::npos);
  CHECK(meta.find("<label key=\"k\" value=\"v\"/>") != std::string::npos);
  CHECK(volume_xml({"m-data.img", 10, "qcow2"}) ==
        "<volume>\n  <name>m-data.img</name>\n  <capacity unit=\"bytes\">10485760</capacity>\n"
        "  <target>\n    <format type=\"qcow2\"/>\n  </target>\n</volume>\n");
  CHECK(snapshot_xml("before-upgrade") == "<domainsnapshot>\n  <name>before-upgrade</name>\n</domainsnapshot>\n");
}

}  // namespace hvctl::libvirt
