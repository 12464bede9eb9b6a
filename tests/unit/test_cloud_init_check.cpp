// cloud-init file checks: each accepted type, and each refusal at its
// file:line:column (tests/cloud-init compares the verdicts with cloud-init's).
#include <doctest/doctest.h>

#include "hvctl/cloud_init_check.hpp"

using namespace hvctl;

namespace {

std::vector<std::string> user(const std::string& text) {
  std::vector<std::string> out;
  for (const auto& p : check_user_data(text, "u.yaml")) out.push_back(p.str());
  return out;
}

std::vector<std::string> net(const std::string& text) {
  std::vector<std::string> out;
  for (const auto& p : check_network_config(text, "n.yaml")) out.push_back(p.str());
  return out;
}

bool first_at(const std::vector<std::string>& problems, const std::string& where) {
  return !problems.empty() && problems.front().rfind(where, 0) == 0;
}

}  // namespace

TEST_CASE("user-data: the types cloud-init knows are accepted") {
  CHECK(user("#cloud-config\nhostname: a\nusers: [default]\nruncmd: [ls, [sh, -c, x]]\npackage_update: yes\n").empty());
  CHECK(user("#!/bin/sh\necho hi\n").empty());
  CHECK(user("#cloud-boothook\necho\n").empty());
  CHECK(user("#include\nhttps://example.com/x\n").empty());
  CHECK(user("## template: jinja\n#cloud-config\nhostname: {{ v1.local_hostname }}\n").empty());
  CHECK(user("#cloud-config-archive\n- type: text/cloud-config\n").empty());
  CHECK(user(std::string("\x1f\x8b\x08\x00", 4)).empty());
  CHECK(user("Content-Type: multipart/mixed; boundary=\"B\"\nMIME-Version: 1.0\n\n--B\n"
             "Content-Type: text/x-shellscript\n\n#!/bin/sh\n--B--\n").empty());
  CHECK(user("Content-Type: text/cloud-config\n\nhostname: a\n").empty());
}

TEST_CASE("user-data: what cloud-init would ignore or refuse is refused at its place") {
  SUBCASE("no known first line") {
    const auto p = user("hostname: a\n");
    REQUIRE(p.size() == 1);
    CHECK(first_at(p, "u.yaml:1:1: user-data must begin with '#cloud-config'"));
    CHECK(p[0].find("this begins with 'hostname: a'") != std::string::npos);
  }
  SUBCASE("YAML syntax at its line and column") {
    CHECK(first_at(user("#cloud-config\nruncmd:\n  - [echo, \"x\n"), "u.yaml:4:1: YAML syntax"));
  }
  SUBCASE("not a mapping") {
    CHECK(first_at(user("#cloud-config\n- a\n"), "u.yaml:2:1: #cloud-config must be a YAML mapping"));
  }
  SUBCASE("well-known keys of the wrong type") {
    CHECK(user("#cloud-config\nusers: 5\n") == std::vector<std::string>{
              "u.yaml:2:8: users: is integer, must be string, array or object"});
    CHECK(first_at(user("#cloud-config\nruncmd: \"ls\"\n"), "u.yaml:2:9: runcmd: is string, must be array"));
    CHECK(first_at(user("#cloud-config\nssh_authorized_keys: k\n"), "u.yaml:2:22: ssh_authorized_keys"));
    CHECK(first_at(user("#cloud-config\nhostname: [a]\n"), "u.yaml:2:11: hostname: is array"));
    CHECK(first_at(user("#cloud-config\npackage_upgrade: \"yes\"\n"), "u.yaml:2:18: package_upgrade: is string"));
    CHECK(first_at(user("#cloud-config\nwrite_files:\n  - content: x\n"), "u.yaml:3:5: write_files[0]: needs a path"));
    CHECK(first_at(user("#cloud-config\npackages: [a, {b: c}]\n"), "u.yaml:2:15: packages[1]: is object"));
  }
  SUBCASE("multipart without a boundary or parts") {
    CHECK(first_at(user("Content-Type: multipart/mixed\nMIME-Version: 1.0\n\nx\n"), "u.yaml:1:1: a multipart"));
    CHECK(first_at(user("MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=B\n\nx\n"),
                   "u.yaml:4:1: no part starts with a line '--B' (the boundary of line 2)"));
  }
}

TEST_CASE("network-config: version 1 and 2, wrapped or not") {
  CHECK(net("version: 2\nethernets:\n  eth0: {dhcp4: true}\n").empty());
  CHECK(net("network:\n  version: 2\n  renderer: networkd\n  vlans:\n    v10: {id: 10, link: eth0}\n").empty());
  CHECK(net("version: 1\nconfig:\n  - type: physical\n    name: eth0\n  - type: nameserver\n    address: [1.1.1.1]\n")
            .empty());
}

TEST_CASE("network-config: refusals at their place") {
  CHECK(first_at(net("version: 3\n"), "n.yaml:1:10: network-config needs version: 1 or version: 2"));
  CHECK(first_at(net("ethernets: {}\n"), "n.yaml:1:1: network-config needs version"));
  CHECK(first_at(net("- a\n"), "n.yaml:1:1: network-config must be a YAML mapping"));
  CHECK(first_at(net("version: 1\nconfig:\n  type: physical\n"), "n.yaml:3:3: network-config version 1 needs a config"));
  CHECK(first_at(net("version: 1\nconfig:\n  - type: ethernet\n"), "n.yaml:3:11: config[0]: type must be"));
  CHECK(first_at(net("version: 1\nconfig:\n  - type: vlan\n    name: v\n    vlan_link: e\n"),
                 "n.yaml:3:5: config[0]: a vlan entry needs vlan_id"));
  CHECK(first_at(net("version: 2\nethernet:\n  e: {}\n"), "n.yaml:2:1: 'ethernet' is not a network-config v2 key"));
  CHECK(first_at(net("version: 2\nethernets: [e]\n"), "n.yaml:2:12: ethernets: must map"));
  CHECK(first_at(net("version: 2\nethernets:\n  e: {dhcp4: true\n"), "n.yaml:4:1: YAML syntax"));
}

TEST_CASE("size limits of the transports") {
  CHECK(cloud_init_size_limit(CloudInitTransport::nocloud_iso) == 4294967295u);
  CHECK(cloud_init_size_limit(CloudInitTransport::vsphere_guestinfo) == 750000);
  CHECK_FALSE(cloud_init_size_problem(750000, CloudInitTransport::vsphere_guestinfo));
  CHECK(cloud_init_size_problem(750001, CloudInitTransport::vsphere_guestinfo) ==
        "750001 bytes: too large for vSphere guestinfo (at most 750000)");
}
