// The libvirt backend's disks on the test driver: made from base images
// (overlays, sizes, formats), plugged in hot where the hypervisor can, and
// pruned with or without their volumes.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include <libvirt/libvirt.h>

#include "hvctl/plan.hpp"
#include "libvirt_backend.hpp"
#include "libvirt_test_util.hpp"

namespace hvctl {

using test::spec_from;
using test::test_target;
using test::web_spec;

namespace {
// A file with a qcow2 header whose virtual size is `mib` MiB (what qemu-img create writes first).
std::string fake_qcow2(const std::string& name, std::uint64_t mib) {
  const auto path = (std::filesystem::temp_directory_path() / name).string();
  std::string header(512, '\0');
  header.replace(0, 4, "QFI\xfb", 4);
  header[7] = 3;  // version
  const std::uint64_t bytes = mib << 20;
  for (int i = 0; i < 8; ++i) header[24 + i] = static_cast<char>((bytes >> (8 * (7 - i))) & 0xff);
  std::ofstream(path, std::ios::binary) << header;
  return path;
}
}  // namespace

TEST_CASE("libvirt backend: a disk made from a base image is an overlay of its size, or more, never less") {
  const auto base = fake_qcow2("hvctl-test-base.qcow2", 64);
  auto b = make_libvirt_backend(test_target());
  VmSpec spec = web_spec("web-from");
  spec.disks.clear();
  DiskSpec root;
  root.id = "root";
  root.from = base;
  spec.disks.push_back(root);
  SUBCASE("the image's own size") {
    b->create(spec);
    const auto vm = b->lookup("web-from");
    REQUIRE(vm);
    REQUIRE(vm->spec.disks.size() == 1);
    CHECK(vm->spec.disks[0].size_mib == 64u);
    CHECK(vm->spec.disks[0].format == "qcow2");
    CHECK(vm->spec.disks[0].path->find("web-from-root.img") != std::string::npos);
    b->destroy("web-from");
  }
  SUBCASE("grown beyond it") {
    spec.disks[0].size_mib = 100;
    b->create(spec);
    CHECK(b->lookup("web-from")->spec.disks[0].size_mib == 100u);
    b->destroy("web-from");
  }
  SUBCASE("below it: refused, and nothing is left behind") {
    spec.disks[0].size_mib = 32;
    CHECK_THROWS_WITH_AS(b->create(spec), doctest::Contains("disk 'root' from base image"), BackendError);
    CHECK_THROWS_WITH_AS(b->create(spec), doctest::Contains("below the image's virtual size of 64MiB"), BackendError);
    CHECK_FALSE(b->lookup("web-from"));
    spec.disks[0].size_mib.reset();
    CHECK_NOTHROW(b->create(spec));  // the volume name was never taken
    b->destroy("web-from");
  }
  SUBCASE("a missing image: refused, naming the disk and the file") {
    spec.disks[0].from = "/nonexistent/base.qcow2";
    CHECK_THROWS_WITH_AS(b->create(spec), doctest::Contains("disk 'root' from base image /nonexistent/base.qcow2"),
                         BackendError);
    CHECK_THROWS_WITH_AS(b->create(spec), doctest::Contains("No such file or directory"), BackendError);
    CHECK_FALSE(b->lookup("web-from"));
  }
  std::filesystem::remove(base);
}

TEST_CASE("libvirt backend: disks and NICs plug in hot on QEMU, except on buses QEMU cannot hot-plug") {
  // Capabilities are static: a qemu target's, with no connection made.
  Target t = test_target();
  t.uri = "qemu:///session";
  auto qemu = make_libvirt_backend(t);
  const auto& caps = qemu->capabilities();
  for (const char* key : {"disks.add", "disks.remove", "nics.add", "nics.remove", "disks.size"})
    CHECK_MESSAGE(caps.hot_fields.count(key), key);
  CHECK(caps.cold_disk_buses == std::set<std::string>{"ide", "sata"});
  t.uri = "xen:///system";
  CHECK_FALSE(make_libvirt_backend(t)->capabilities().hot_fields.count("disks.size"));  // libxl: no blockResize
  CHECK(make_libvirt_backend(t)->capabilities().hot_fields.count("disks.add"));

  VmState running;
  running.name = running.spec.name = "plug";
  running.power = PowerState::running;
  running.spec.disks = {{"root", 64, "/p/plug-root.img", "virtio", "qcow2", false},
                        {"old", 8, "/p/plug-old.img", "ide", "raw", false}};
  running.spec.nics = {{"eth0", "user", "52:54:00:00:00:01", "virtio"}};
  auto desired = spec_from(
      "apiVersion: hvctl/v1\nkind: VirtualMachine\nmetadata: {name: plug}\nspec:\n"
      "  disks: [{id: root, size: 128MiB}, {id: data, size: 16MiB}, {id: legacy, size: 16MiB, bus: sata}]\n"
      "  nics: [{id: eth1, network: user}]\n  prune: true\n");
  std::map<std::string, bool> hot;
  const auto plan = plan_vm(desired, running, "lab", caps);
  for (const auto& c : plan.changes) hot[c.field] = c.hot;
  CHECK(hot == std::map<std::string, bool>{{"disks[root].size", true}, {"disks[data]", true},
                                           {"disks[legacy]", false}, {"disks[old]", false},
                                           {"nics[eth0]", true}, {"nics[eth1]", true}});
  SUBCASE("the test driver plugs nothing live: every device change restarts") {
    auto b = make_libvirt_backend(test_target());
    for (const auto& c : plan_vm(desired, running, "lab", b->capabilities()).changes) CHECK_FALSE(c.hot);
  }
}

TEST_CASE("libvirt backend: a live attach or detach that fails names the device and leaves nothing half-made") {
  // The test driver has no virDomainAttachDeviceFlags: the failure path of a
  // real one, on a running domain.
  auto b = make_libvirt_backend(test_target());
  b->create(web_spec("web-plug"));
  b->power("web-plug", PowerRequest{PowerOp::start});
  const auto before = *b->lookup("web-plug");
  auto add = spec_from(
      "apiVersion: hvctl/v1\nkind: VirtualMachine\nmetadata: {name: web-plug}\nspec:\n"
      "  disks: [{id: extra, size: 16MiB}]\n");
  CHECK_THROWS_WITH_AS(b->reconfigure(add, before),
                       doctest::Contains("cannot attach disk 'extra' (/default-pool/web-plug-extra.img) to running VM "
                                         "'web-plug': this function is not supported"),
                       BackendError);
  const auto after = *b->lookup("web-plug");
  CHECK(after.spec.disks == before.spec.disks);
  virConnectPtr c = virConnectOpen("test:///default");
  REQUIRE(c);
  virStorageVolPtr vol = virStorageVolLookupByPath(c, "/default-pool/web-plug-extra.img");
  CHECK_FALSE(vol);  // its volume was deleted again
  if (vol) virStorageVolFree(vol);
  virConnectClose(c);

  auto prune = spec_from(
      "apiVersion: hvctl/v1\nkind: VirtualMachine\nmetadata: {name: web-plug}\nspec:\n"
      "  nics: []\n  prune: true\n");
  CHECK_THROWS_WITH_AS(b->reconfigure(prune, after),
                       doctest::Contains("cannot detach NIC 'eth0' (52:54:00:aa:bb:01) from VM 'web-plug'"),
                       BackendError);
  CHECK(b->lookup("web-plug")->spec.nics.size() == 1);

  // Growth on a running domain goes through virDomainBlockResize; a smaller size never does.
  auto grow = spec_from("apiVersion: hvctl/v1\nkind: VirtualMachine\nmetadata: {name: web-plug}\nspec:\n"
                        "  disks: [{id: data, size: 128MiB}]\n");
  CHECK_THROWS_WITH_AS(b->reconfigure(grow, after),
                       doctest::Contains("cannot grow disk 'data' (/default-pool/web-plug-data.img) of running VM "
                                         "'web-plug': this function is not supported"),
                       BackendError);
  grow.disks[0].size_mib = 32;
  CHECK_THROWS_WITH_AS(b->reconfigure(grow, after),
                       doctest::Contains("of running VM 'web-plug': it is 64MiB and hvctl never shrinks disks"),
                       BackendError);
  CHECK(b->lookup("web-plug")->spec.disks[1].size_mib == 64u);
  b->destroy("web-plug");
}

TEST_CASE("libvirt backend: a base image of another format than its disk declares is refused, nothing made") {
  const auto raw = (std::filesystem::temp_directory_path() / "hvctl-test-base.raw").string();
  std::ofstream(raw, std::ios::binary) << std::string(1 << 20, '\0');
  auto b = make_libvirt_backend(test_target());
  auto spec = spec_from("apiVersion: hvctl/v1\nkind: VirtualMachine\nmetadata: {name: web-fmt}\nspec:\n"
                        "  disks:\n    - {id: root, from: " + raw + ", format: qcow2}\n");
  CHECK(b->check(spec).empty());  // qcow2 is what the disk is: only the image can tell it is not
  const std::string refusal = "cannot make disk 'root' from base image " + raw +
                              " for VM 'web-fmt': the image is raw, not qcow2 as its format says at test.yaml:6:";
  CHECK_THROWS_WITH_AS(b->create(spec), doctest::Contains(refusal.c_str()), BackendError);
  CHECK_FALSE(b->lookup("web-fmt"));
  spec.disks[0].format.reset();
  CHECK_NOTHROW(b->create(spec));  // unset: a qcow2 overlay of the raw image; the volume name was free
  CHECK(b->lookup("web-fmt")->spec.disks[0].format == "qcow2");
  b->destroy("web-fmt");

  SUBCASE("a format the overlay cannot have is refused offline, at its line") {
    auto raw_spec = spec_from("apiVersion: hvctl/v1\nkind: VirtualMachine\nmetadata: {name: web-fmt}\nspec:\n"
                              "  disks:\n    - {id: root, from: " + raw + ", format: raw}\n");
    const auto problems = b->check(raw_spec);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].str().find("test.yaml:6:") == 0);
    CHECK(problems[0].message.find("VM 'web-fmt': disk 'root': a disk made from a base image is a qcow2 overlay") ==
          0);
  }
  std::filesystem::remove(raw);
}

TEST_CASE("libvirt backend: a pruned disk's volume is deleted with --delete-images only; drives read back") {
  auto b = make_libvirt_backend(test_target());
  const auto volume_exists = [](const std::string& vm) {
    virConnectPtr c = virConnectOpen("test:///default");
    virStorageVolPtr vol = virStorageVolLookupByPath(c, ("/default-pool/" + vm + "-data.img").c_str());
    if (vol) virStorageVolFree(vol);
    virConnectClose(c);
    return vol != nullptr;
  };
  for (const bool delete_images : {false, true}) {
    const std::string name = delete_images ? "web-delete" : "web-keep";
    CAPTURE(name);
    auto spec = web_spec(name);
    spec.cdroms = {{"cd0", "/isos/install.iso", std::nullopt}, {"cd1", "", "sata"}};
    b->create(spec);
    auto vm = b->lookup(name);
    REQUIRE(vm);
    CHECK(vm->owned_disks == std::set<std::string>{"data"});
    CHECK(vm->spec.cdroms == std::vector<CdromSpec>{{"cd0", "/isos/install.iso", "ide"}, {"cd1", "", "sata"}});
    REQUIRE(volume_exists(name));
    auto pruned = web_spec(name);
    pruned.disks.pop_back();
    pruned.cdroms = {{"cd0", "", std::nullopt}};  // ejected; cd1 pruned
    pruned.prune = true;
    pruned.field_marks["cdroms"] = {};
    pruned.delete_images = delete_images;
    b->reconfigure(pruned, *vm);
    vm = b->lookup(name);
    CHECK(vm->spec.disks.size() == 1);
    CHECK(vm->spec.cdroms == std::vector<CdromSpec>{{"cd0", "", "ide"}});
    CHECK(volume_exists(name) == !delete_images);
    b->destroy(name);
  }
}


// hvctl move reads a qcow2 volume through a raw scratch copy beside it, so
// its pool must have the room for the disk's full size; the test driver's
// pool has 100 GiB, and counts a volume's capacity as allocated.
TEST_CASE("libvirt backend: a qcow2 disk to move whose pool cannot hold its raw scratch copy is a blocker") {
  const auto base = fake_qcow2("hvctl-test-move-base.qcow2", 64);
  auto b = make_libvirt_backend(test_target());
  VmSpec spec = web_spec("web-room");
  spec.disks.clear();
  DiskSpec root;
  root.id = "root";
  root.from = base;
  spec.disks.push_back(root);
  SUBCASE("a disk the pool has room for") {
    b->create(spec);
    const auto inv = b->disks_for_move(*b->lookup("web-room"));
    CHECK(inv.blockers.empty());
    REQUIRE(inv.disks.size() == 1);
    CHECK(inv.disks[0].format == "qcow2");
    CHECK(inv.disks[0].conversion.find("raw scratch volume") != std::string::npos);
  }
  SUBCASE("one larger than what the pool has left with it") {
    spec.disks[0].size_mib = 60 * 1024;
    b->create(spec);
    const auto inv = b->disks_for_move(*b->lookup("web-room"));
    REQUIRE(inv.blockers.size() == 1);
    CHECK_MESSAGE(inv.blockers[0].find("disk 'root': its qcow2 volume is read through a raw scratch copy in its pool "
                                       "'default-pool', which needs 61440 MiB free; the pool has 40960 MiB") == 0,
                  inv.blockers[0]);
  }
  b->destroy("web-room");
}

}  // namespace hvctl
