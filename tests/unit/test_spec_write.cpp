#include <doctest/doctest.h>

#include "hvctl/spec_io.hpp"

using namespace hvctl;

TEST_CASE("spec_to_yaml reads back to the same spec") {
  VmSpec s;
  s.name = "db-01";
  s.labels = {{"tier", "db"}, {"n", "123"}, {"flag", "true"}};
  s.target = "lab";
  s.cpu = {4, 512, 200};
  s.memory = {4096, 8192};
  s.firmware = Firmware::uefi;
  s.boot = {"/boot/vmlinuz", "/boot/initrd", "console=ttyS0 root=/dev/vda1: quiet"};
  s.disks = {{"root", 10240, "/img/root.qcow2", "virtio", "qcow2", false}, {"iso", std::nullopt, "/x.iso", "sata", std::nullopt, true}};
  s.nics = {{"eth0", "default", "52:54:00:00:00:01", "virtio"}};
  s.power = PowerState::stopped;
  s.xen = XenBlock{"pvh", "destroy", "restart", std::nullopt};
  s.vsphere = VsphereBlock{"DC0", std::nullopt, "H0", std::nullopt, std::nullopt, "LocalDS_0", "otherGuest", {{"k", "v"}}};
  s.libvirt = LibvirtBlock{"qemu", "pc", "x86_64"};

  const auto yaml = spec_to_yaml(s);
  std::vector<Problem> problems;
  auto back = parse_specs(yaml, "export.yaml", problems);
  INFO(yaml);
  REQUIRE(problems.empty());
  REQUIRE(back.size() == 1);
  const auto& b = back[0];
  CHECK(b.name == s.name);
  CHECK(b.labels == s.labels);
  CHECK(b.target == s.target);
  CHECK(b.cpu == s.cpu);
  CHECK(b.memory == s.memory);
  CHECK(b.firmware == s.firmware);
  CHECK(b.boot == s.boot);
  CHECK(b.disks == s.disks);
  CHECK(b.nics == s.nics);
  CHECK(b.power == s.power);
  CHECK(b.xen == s.xen);
  CHECK(b.vsphere == s.vsphere);
  CHECK(b.libvirt == s.libvirt);
}

TEST_CASE("spec_to_yaml leaves unset fields out") {
  VmSpec s;
  s.name = "tiny";
  const auto yaml = spec_to_yaml(s);
  CHECK(yaml.find("cpu") == std::string::npos);
  CHECK(yaml.find("power") == std::string::npos);
  CHECK(yaml.find("apiVersion: hvctl/v1") != std::string::npos);
}
