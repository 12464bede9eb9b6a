// What the libvirt backend's tests share: a target on libvirt's in-process
// test driver (test:///default: a running domain "test", network "default",
// pool "default-pool"), a spec from YAML text that must parse, and a
// typical VM's spec.
#pragma once

#include <doctest/doctest.h>

#include <map>
#include <string>
#include <vector>

#include "hvctl/spec_io.hpp"
#include "hvctl/target.hpp"

namespace hvctl::test {

inline Target test_target(std::map<std::string, std::string> options = {{"pool", "default-pool"}}) {
  Target t;
  t.name = "lab";
  t.type = "libvirt";
  t.uri = "test:///default";
  t.options = std::move(options);
  return t;
}

inline VmSpec spec_from(const std::string& yaml) {
  std::vector<Problem> problems;
  auto specs = parse_specs(yaml, "test.yaml", problems);
  for (const auto& p : problems) FAIL_CHECK(p.str());
  REQUIRE(specs.size() == 1);
  return specs.front();
}

// A VM with two disks (one an existing image, one made) and a NIC, named `name`.
inline VmSpec web_spec(const std::string& name) {
  return spec_from("apiVersion: hvctl/v1\nkind: VirtualMachine\nmetadata: {name: " + name +
                   ", labels: {tier: web}}\n"
                   "spec:\n"
                   "  cpu: {count: 2, weight: 200, cap: 150}\n"
                   "  memory: {size: 256MiB, max: 512MiB}\n"
                   "  boot: {kernel: /boot/vmlinuz, cmdline: console=ttyS0}\n"
                   "  disks:\n"
                   "    - {id: root, path: /default-pool/" +
                   name +
                   "-root.img, format: qcow2}\n"
                   "    - {id: data, size: 64MiB}\n"
                   "  nics: [{id: eth0, network: default, mac: '52:54:00:aa:bb:01', model: virtio}]\n");
}

}  // namespace hvctl::test
