// Templates, clones and first-boot identity on vSphere: the CloneVM_Task,
// MarkAsTemplate, MarkAsVirtualMachine and CustomizeVM_Task SOAP bodies and
// the guestinfo extraConfig of a create, against golden files in
// tests/golden/vsphere/provision/ (HVCTL_UPDATE_GOLDEN=1 rewrites them;
// review the diff); and what the reader makes of them again.
#include <doctest/doctest.h>

#include "customization.hpp"
#include "guestinfo.hpp"
#include "vm_clone.hpp"
#include "vsphere_fixture.hpp"

using namespace hvctl;
using namespace hvctl::vsphere;
using namespace hvctl::vsphere::test;

namespace {

const std::filesystem::path kDir = source_path("tests/golden/vsphere/provision");

const char* const kCloneSpec = R"(apiVersion: hvctl/v1
kind: VirtualMachine
metadata:
  name: web-01
  labels: {tier: web}
spec:
  source: {template: tpl}
  cpu: {count: 4}
  memory: {size: 1GiB}
  init:
    hostname: web-01
    sshAuthorizedKeys: ["ssh-ed25519 AAAAC3Nza ops@example"]
    cloudInit:
      userData: |
        #cloud-config
        packages: [nginx]
  vsphere:
    customization: {domain: example.com, ipv4: 10.0.0.21/24, gateway: 10.0.0.1, dns: [10.0.0.2, 10.0.0.3]}
)";

CloneTarget placement() {
  return {{"Folder", "group-v3"}, {"ResourcePool", "resgroup-22"}, std::nullopt, std::nullopt, std::nullopt};
}

// The value of extraConfig `key` in a request document ("" when absent).
std::string option_in(const std::string& doc, const std::string& key) {
  const auto tree = xml::parse(doc);
  std::string value;
  std::function<void(const xmlNode*)> walk = [&](const xmlNode* n) {
    for (const xmlNode* c : xml::children(n)) {
      if (xml::local_name(c) == "extraConfig" && xml::child_text(c, "key") == key) value = xml::child_text(c, "value");
      walk(c);
    }
  };
  walk(xmlDocGetRootElement(tree.get()));
  return value;
}

}  // namespace

TEST_SUITE("vsphere") {

TEST_CASE("base64 as RFC 4648 section 10 gives it, both ways") {
  const std::vector<std::pair<std::string, std::string>> vectors = {
      {"", ""}, {"f", "Zg=="}, {"fo", "Zm8="}, {"foo", "Zm9v"}, {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="},
      {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, coded] : vectors) {
    const std::string p = plain, c = coded;
    CHECK(base64_encode(p) == c);
    CHECK(base64_decode(c) == p);
  }
  CHECK(base64_decode("Zm9v\nYmFy") == std::string("foobar"));
  CHECK_FALSE(base64_decode("Zm9v!"));
  CHECK_FALSE(base64_decode("Zg=v"));
  CHECK_FALSE(base64_decode("Z"));
}

TEST_CASE("guestinfo: cloud-init's VMware keys for spec.init, in the create spec") {
  const VmSpec spec = parse_one(kCloneSpec);
  const auto entries = guestinfo_entries(spec);
  CHECK(entries.at(kGuestinfoMetadataEncoding) == "base64");
  CHECK(entries.at(kGuestinfoUserdataEncoding) == "base64");
  CHECK(base64_decode(entries.at(kGuestinfoUserdata)) == std::string("#cloud-config\npackages: [nginx]\n"));
  CreateContext ctx{"LocalDS_0", {}};
  const std::string doc = create_spec_document(spec, ctx);
  check_golden(kDir / "guestinfo-create.xml", doc);
  CHECK(option_in(doc, kGuestinfoMetadata) == entries.at(kGuestinfoMetadata));
  CHECK(guestinfo_entries(parse_one("apiVersion: hvctl/v1\nkind: VirtualMachine\nmetadata: {name: bare}\n")).empty());
}

TEST_CASE("guestinfo: the metadata is the JSON cloud-init's datasource reads, network-config base64 inside it") {
  VmSpec spec = parse_one(kCloneSpec);
  spec.vsphere->customization = {};
  spec.init.network_config = "version: 2\nethernets: {eth0: {dhcp4: true}}\n";
  const std::string meta = guestinfo_metadata(spec);
  CHECK(meta.find("\"local-hostname\":\"web-01\"") != std::string::npos);
  CHECK(meta.find("\"public-keys\":[\"ssh-ed25519 AAAAC3Nza ops@example\"]") != std::string::npos);
  CHECK(meta.find("\"network.encoding\":\"base64\"") != std::string::npos);
  CHECK(meta.find("\"instance-id\":\"iid-") != std::string::npos);
  const InitSpec back = read_guestinfo(guestinfo_entries(spec));
  CHECK(back == spec.init);
}

TEST_CASE("guestinfo read back: metadata written by hand, a wrong encoding, no keys") {
  // {"local-hostname":"db-1","public-keys":["k1"]}, encoded by hand (not by base64_encode).
  std::map<std::string, std::string> extra = {
      {"guestinfo.metadata", "eyJsb2NhbC1ob3N0bmFtZSI6ImRiLTEiLCJwdWJsaWMta2V5cyI6WyJrMSJdfQ=="},
      {"guestinfo.metadata.encoding", "base64"}};
  InitSpec init = read_guestinfo(extra);
  CHECK(init.hostname == std::string("db-1"));
  CHECK(init.ssh_authorized_keys == std::vector<std::string>{"k1"});
  CHECK_FALSE(init.user_data);
  extra["guestinfo.metadata.encoding"] = "gzip+base64";
  CHECK(read_guestinfo(extra).empty());
  CHECK(read_guestinfo({}).empty());
}

TEST_CASE("read back: a VM's guestinfo as spec.init, its customization record, config.template") {
  const VmSpec spec = parse_one(kCloneSpec);
  VmConfig vm = fixture_vm("fixture-vm");
  for (const auto& [k, v] : guestinfo_entries(spec)) vm.extra_config[k] = v;
  vm.extra_config[kCustomizationKey] = customization_record(spec.vsphere->customization);
  vm.is_template = true;
  const VmState st = to_vm_state(vm);
  CHECK(st.spec.init == spec.init);
  REQUIRE(st.spec.vsphere);
  CHECK(st.spec.vsphere->customization == spec.vsphere->customization);
  CHECK(st.spec.is_template == true);
  CHECK(st.spec.vsphere->extra_config.count(kGuestinfoMetadata) == 0);
  CHECK(st.spec.vsphere->extra_config.count(kCustomizationKey) == 0);
  CHECK(to_vm_state(fixture_vm("fixture-vm")).spec.is_template == false);
}

TEST_CASE("reconfigure spec: guestinfo only when init differs") {
  const VmSpec spec = parse_one(kCloneSpec);
  VmConfig vm = fixture_vm("fixture-vm");
  const std::string first = reconfig_spec_document(spec, vm, {});
  CHECK(!option_in(first, kGuestinfoMetadata).empty());
  for (const auto& [k, v] : guestinfo_entries(spec)) vm.extra_config[k] = v;
  CHECK(option_in(reconfig_spec_document(spec, vm, {}), kGuestinfoMetadata).empty());
  VmSpec renamed = spec;
  renamed.init.hostname = "web-02";
  CHECK(option_in(reconfig_spec_document(renamed, vm, {}), kGuestinfoMetadata) != vm.extra_config[kGuestinfoMetadata]);
}

TEST_CASE("extraConfig keys hvctl writes for init are refused in vsphere.extraConfig") {
  const VmSpec spec = parse_one("apiVersion: hvctl/v1\nkind: VirtualMachine\nmetadata: {name: x}\n"
                                "spec:\n  vsphere:\n    extraConfig: {guestinfo.userdata: abc}\n");
  const auto problems = vsphere_check(spec);
  REQUIRE(problems.size() == 1);
  CHECK(problems.front().message.find("spec.init") != std::string::npos);
}

TEST_CASE("user-data or network-config too large for one guestinfo value is refused at its field") {
  VmSpec spec = parse_one(kCloneSpec);
  spec.init.user_data = "#cloud-config\n# " + std::string(750000, 'x') + "\n";
  auto problems = vsphere_check(spec);
  REQUIRE(problems.size() == 1);
  CHECK(problems.front().message.find("userData") != std::string::npos);
  spec.init.user_data = "#cloud-config\n{}\n";
  CHECK(vsphere_check(spec).empty());
  spec.vsphere->customization = {};
  spec.init.network_config = "version: 2\n# " + std::string(600000, 'x') + "\n";  // base64 inside base64: 4/3 twice
  problems = vsphere_check(spec);
  REQUIRE(problems.size() == 1);
  CHECK(problems.front().message.find("networkConfig") != std::string::npos);
}

TEST_CASE("golden: CloneVM_Task, full, of a template into the spec's placement, with its customization") {
  const VmSpec spec = parse_one(kCloneSpec);
  const VmConfig from = fixture_vm("fixture-vm");
  const std::string body = clone_request(spec, from, placement()).str(true);
  check_golden(kDir / "clone-full.xml", body);
  CHECK(body.find("diskMoveType") == std::string::npos);
  CHECK(body.find("<powerOn>false</powerOn>") != std::string::npos);
  // The source's labels leave, the spec's come; the source's device ids stay.
  CHECK(option_in(body, "hvctl.label.owner").empty());
  CHECK(option_in(body, "hvctl.label.tier") == "web");
  CHECK(option_in(body, kDisksKey) == from.extra_config.at(kDisksKey));
  CHECK(option_in(body, kNicsKey) == "eth0,eth1");
}

TEST_CASE("golden: CloneVM_Task, linked, on the source's current snapshot, onto a host and datastore") {
  VmSpec spec = parse_one(kCloneSpec);
  spec.source = {"src-vm", std::nullopt, true};
  spec.init = {};
  spec.vsphere->customization = {};
  CloneTarget t = placement();
  t.host = Moref{"HostSystem", "host-21"};
  t.datastore = Moref{"Datastore", "datastore-25"};
  t.snapshot = Moref{"VirtualMachineSnapshot", "snapshot-41"};
  VmConfig from = fixture_vm("fixture-vm");
  from.extra_config[kGuestinfoMetadata] = "e30=";  // the source's identity: cleared in the clone
  const std::string body = clone_request(spec, from, t).str(true);
  check_golden(kDir / "clone-linked.xml", body);
  CHECK(body.find("<diskMoveType>createNewChildDiskBacking</diskMoveType>") != std::string::npos);
  CHECK(body.find("customization") == std::string::npos);
  CHECK(option_in(body, kGuestinfoMetadata).empty());
}

TEST_CASE("golden: MarkAsTemplate, MarkAsVirtualMachine (with and without a host)") {
  const Moref vm{"VirtualMachine", "vm-52"};
  check_golden(kDir / "mark-template.xml", mark_as_template_request(vm).str(true));
  check_golden(kDir / "mark-vm.xml", mark_as_vm_request(vm, {"ResourcePool", "resgroup-22"}, Moref{"HostSystem", "host-21"}).str(true));
  const std::string bare = mark_as_vm_request(vm, {"ResourcePool", "resgroup-22"}, std::nullopt).str(true);
  CHECK(bare.find("resgroup-22") != std::string::npos);
  CHECK(bare.find("host") == std::string::npos);
}

TEST_CASE("golden: CustomizeVM_Task, a fixed address on the first NIC, DHCP on the second") {
  const VmSpec spec = parse_one(kCloneSpec);
  const std::string body = customize_request({"VirtualMachine", "vm-52"}, spec, 2).str(true);
  check_golden(kDir / "customize.xml", body);
  CHECK(body.find("<subnetMask>255.255.255.0</subnetMask>") != std::string::npos);
}

TEST_CASE("customization: the host name falls back to init's, then the VM's; a DHCP-only one; the record") {
  VmSpec spec = parse_one(kCloneSpec);
  spec.vsphere->customization.ipv4.reset();
  spec.vsphere->customization.gateway.reset();
  std::string doc = customization_document(spec, 1);
  CHECK(doc.find("<name>web-01</name>") != std::string::npos);
  CHECK(doc.find("CustomizationDhcpIpGenerator") != std::string::npos);
  CHECK(doc.find("CustomizationFixedIp") == std::string::npos);
  spec.init = {};
  CHECK(customization_document(spec, 1).find("<name>web-01</name>") != std::string::npos);  // the VM's name
  spec.name = "other";
  CHECK(customization_document(spec, 1).find("<name>other</name>") != std::string::npos);
  CHECK(subnet_mask(24) == "255.255.255.0");
  CHECK(subnet_mask(20) == "255.255.240.0");
  CHECK(subnet_mask(32) == "255.255.255.255");
  CHECK(subnet_mask(0) == "0.0.0.0");
  const CustomizationSpec c = parse_one(kCloneSpec).vsphere->customization;
  CHECK(read_customization_record(customization_record(c)) == c);
  CHECK(read_customization_record("not json").empty());
}

}  // TEST_SUITE

TEST_CASE("hvctl.source: what a clone was made from, read back for plans") {
  CHECK(source_record({.template_name = "tpl", .linked = true}) == "template:tpl,linked");
  CHECK(source_record({.vm = "db"}) == "vm:db");
  CHECK(source_record({}).empty());
  CHECK(read_source_record("template:tpl,linked") == SourceSpec{.template_name = "tpl", .linked = true});
  CHECK(read_source_record("vm:db") == SourceSpec{.vm = "db"});
  CHECK(read_source_record("") == SourceSpec{});
  CHECK(read_source_record("vm:") == SourceSpec{});
}
