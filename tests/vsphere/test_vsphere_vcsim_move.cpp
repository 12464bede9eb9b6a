// hvctl move's disk transfer against vcsim: a VM whose disk is a file put
// into vcsim's datastore directory (a real directory: storage() says where)
// is read through the backend, and a disk is placed, uploaded, read back,
// attached to a new VM and discarded, each checked on the directory itself.
// Skipped unless HVCTL_VCSIM_URL is set.
//
// vcsim 0.24.2 reads an attached disk's capacity as 0, so the capacities
// here come from the descriptor (or the extent's length); its snapshots
// make no delta disks, so the snapshot blocker is the VM-level one.
#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "base_disks.hpp"
#include "datastore_http.hpp"
#include "hvctl/error.hpp"
#include "vcsim_env.hpp"
#include "vsphere_backend.hpp"
#include "vsphere_fixture.hpp"

using namespace hvctl;
using namespace hvctl::vsphere::test;
namespace fs = std::filesystem;

namespace {

// A pattern no two offsets of a few MiB share by accident.
std::string pattern(std::size_t size, unsigned seed) {
  std::string out(size, '\0');
  std::uint32_t x = 2463534242u ^ seed;
  for (std::size_t i = 0; i < size; ++i) {
    x ^= x << 13, x ^= x >> 17, x ^= x << 5;
    out[i] = static_cast<char>(x);
  }
  return out;
}

std::string read_all(DiskReader& r, std::size_t chunk = 100000) {
  std::string out, buf(chunk, '\0');
  while (const std::size_t n = r.read(buf.data(), buf.size())) out.append(buf.data(), n);
  return out;
}

fs::path datastore_dir(Backend& b, const std::string& name = "LocalDS_0") {
  for (const auto& s : b.storage())
    if (s.name == name) return s.location;
  FAIL("no datastore " << name);
  return {};
}

void write_file(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary | std::ios::trunc) << text;
}

VmSpec spec_with_disk(const std::string& name, const std::string& id, const std::string& path) {
  return parse_one("apiVersion: hvctl/v1\nkind: VirtualMachine\nmetadata: {name: " + name +
                   "}\nspec:\n  cpu: {count: 1}\n  memory: {size: 64MiB}\n  disks:\n    - {id: " + id + ", path: \"" +
                   path + "\"}\n");
}

}  // namespace

TEST_SUITE("vsphere-vcsim" * doctest::skip(no_vcsim())) {

TEST_CASE("vcsim move: a VM's disk found through layoutEx, read whole and from an offset") {
  auto b = make_vsphere_backend(vcsim_target(env("HVCTL_VCSIM_URL")));
  b->destroy("mv-src");
  const fs::path dir = datastore_dir(*b) / "mv-files";
  const std::string data = pattern(3 * 1024 * 1024 + 4096, 1), logs = pattern(512 * 1024, 2);
  write_file(dir / "mv-src-data-flat.vmdk", data);
  write_file(dir / "mv-src-data.vmdk", "# Disk DescriptorFile\nversion=1\ncreateType=\"vmfs\"\nRW 6152 VMFS \"mv-src-data-flat.vmdk\"\n");
  write_file(dir / "mv-src-logs-flat.vmdk", logs);
  write_file(dir / "mv-src-logs.vmdk", "");  // as vcsim writes them: the extent's length tells the size
  VmSpec spec = spec_with_disk("mv-src", "data", "[LocalDS_0] mv-files/mv-src-data.vmdk");
  spec.disks.push_back(spec.disks.front());
  spec.disks.back().id = "logs";
  spec.disks.back().path = "[LocalDS_0] mv-files/mv-src-logs.vmdk";
  b->create(spec);
  const VmState vm = b->lookup("mv-src").value();

  const DiskInventory inv = b->disks_for_move(vm);
  CHECK(inv.blockers.empty());
  REQUIRE(inv.disks.size() == 2);
  const bool data_first = inv.disks[0].disk_id == "data";
  const DiskSource d = inv.disks[data_first ? 0 : 1], l = inv.disks[data_first ? 1 : 0];
  CHECK(d.disk_id == "data");
  CHECK(d.location == "[LocalDS_0] mv-files/mv-src-data-flat.vmdk");
  CHECK(d.format == "raw");
  CHECK(d.capacity == 6152 * 512);  // the descriptor's extent line
  CHECK(d.size == data.size());
  CHECK(d.resumable);
  CHECK(l.disk_id == "logs");
  CHECK(l.capacity == logs.size());  // the extent's length

  auto whole = b->read_disk(vm, d, 0);
  const std::string got = read_all(*whole);
  CHECK(got.size() == data.size());
  CHECK(got == data);
  const std::uint64_t offset = 1024 * 1024 + 5;
  auto tail = b->read_disk(vm, d, offset);
  CHECK(read_all(*tail, 7777) == data.substr(offset));
  auto logs_reader = b->read_disk(vm, l, 0);
  CHECK(read_all(*logs_reader) == logs);

  // The label the engine puts on a moved source, through the ordinary reconfigure.
  VmSpec labelled = vm.spec;
  labelled.labels["hvctl.moved-to"] = "xen-a/mv-src";
  b->reconfigure(labelled, vm);
  CHECK(b->lookup("mv-src").value().spec.labels.at("hvctl.moved-to") == "xen-a/mv-src");

  // vcsim makes no delta disk for a snapshot: the VM-level blocker says it.
  b->snapshot("mv-src", {SnapshotRequest::Op::create, "before-move"});
  const DiskInventory snapped = b->disks_for_move(b->lookup("mv-src").value());
  CHECK(snapped.blockers.empty());
  REQUIRE(snapped.consolidable.size() == 1);
  CHECK(snapped.consolidable[0].find("snapshots") != std::string::npos);
  CHECK(snapped.consolidable[0].find("consolidate or delete") != std::string::npos);

  b->destroy("mv-src");
  CHECK(fs::exists(dir / "mv-src-data-flat.vmdk"));  // attached by path: the user's, kept
  fs::remove_all(dir);
}

TEST_CASE("vcsim move: a disk placed, uploaded, read back, attached to a new VM, discarded") {
  auto b = make_vsphere_backend(vcsim_target(env("HVCTL_VCSIM_URL")));
  b->destroy("mv-dst");
  const fs::path ds = datastore_dir(*b);
  fs::remove_all(ds / "mv-dst");
  VmSpec spec = spec_with_disk("mv-dst", "root", "[LocalDS_0] x/unused.vmdk");
  const DiskSpec disk = spec.disks.front();
  const std::uint64_t capacity = 4 * 1024 * 1024;

  const DiskPlacement before = b->place_disk(spec, disk, capacity, "");
  CHECK(before.path == "[LocalDS_0] mv-dst/mv-dst-root.vmdk");
  CHECK(before.format == "vmdk");
  CHECK(before.storage == "LocalDS_0");
  CHECK(before.capacity == capacity);
  CHECK_FALSE(before.exists);
  CHECK(b->place_disk(spec, disk, capacity, "LocalDS_0").path == before.path);
  CHECK_THROWS_AS(b->place_disk(spec, disk, capacity, "NoSuchDS"), InputError);

  const std::string content = pattern(capacity, 3);
  auto w = b->write_disk(before);
  CHECK(w->resume_offset() == 0);
  for (std::size_t at = 0; at < content.size();) {  // uneven pieces, as a copy's reads come
    const std::size_t n = std::min<std::size_t>(content.size() - at, 65536 + 3 * (at % 7));
    w->write(content.data() + at, n);
    at += n;
  }
  w->commit();
  CHECK(b->place_disk(spec, disk, capacity, "").exists);
  CHECK(read_file(ds / "mv-dst" / "mv-dst-root-flat.vmdk") == content);
  const std::string descriptor = read_file(ds / "mv-dst" / "mv-dst-root.vmdk");
  CHECK(descriptor.find("RW 8192 VMFS \"mv-dst-root-flat.vmdk\"\n") != std::string::npos);
  auto back = b->read_placed(before);
  CHECK(read_all(*back) == content);

  spec.disks.front().path = before.path;
  b->create(spec);
  const VmState made = b->lookup("mv-dst").value();
  REQUIRE(made.spec.disks.size() == 1);
  CHECK(made.spec.disks[0].path == before.path);
  const DiskInventory inv = b->disks_for_move(made);
  REQUIRE(inv.disks.size() == 1);
  CHECK(inv.disks[0].capacity == capacity);  // read from the descriptor written at commit
  CHECK(inv.disks[0].location == "[LocalDS_0] mv-dst/mv-dst-root-flat.vmdk");

  // A raw image of no whole number of sectors (a file on Xen may be one): zeros fill its last.
  DiskSpec odd = disk;
  odd.id = "odd";
  const DiskPlacement small = b->place_disk(spec, odd, 1000, "");
  auto ow = b->write_disk(small);
  ow->write(content.data(), 1000);
  ow->commit();
  CHECK(read_file(ds / "mv-dst" / "mv-dst-odd-flat.vmdk") == content.substr(0, 1000) + std::string(24, '\0'));
  CHECK(read_file(ds / "mv-dst" / "mv-dst-odd.vmdk").find("RW 2 VMFS \"mv-dst-odd-flat.vmdk\"\n") != std::string::npos);
  auto ob = b->read_placed(small);
  CHECK(read_all(*ob) == content.substr(0, 1000));
  ow->discard();

  b->destroy("mv-dst");
  w->discard();
  CHECK_FALSE(fs::exists(ds / "mv-dst" / "mv-dst-root-flat.vmdk"));
  CHECK_FALSE(fs::exists(ds / "mv-dst" / "mv-dst-root.vmdk"));
  CHECK_FALSE(b->place_disk(spec, disk, capacity, "").exists);
  fs::remove_all(ds / "mv-dst");
}

TEST_CASE("vcsim move: datastore files are fetched with the target's TLS trust, as SOAP calls are") {
  const std::string uri = env("HVCTL_VCSIM_TLS_URL");
  REQUIRE_FALSE(uri.empty());
  const std::string url = vsphere::datastore_file_url(uri, "DC0", {"LocalDS_0", "DC0_H0_VM0/vmware.log"});
  const auto with = [&](vsphere::TlsOptions tls) {
    vsphere::ClientOptions o;
    o.url = uri;
    o.tls = std::move(tls);
    return o;
  };
  vsphere::SoapClient pinned(with({false, "", env("HVCTL_VCSIM_THUMBPRINT")}));
  const auto head = vsphere::head_file(pinned, url);
  REQUIRE(head.status == 200);
  REQUIRE(head.length);
  auto r = vsphere::open_file_reader(pinned, {url, "log", 0, *head.length, true});
  CHECK(read_all(*r).size() == *head.length);
  vsphere::SoapClient by_ca(with({false, env("HVCTL_VCSIM_CA"), ""}));
  CHECK(vsphere::head_file(by_ca, url).status == 200);

  vsphere::SoapClient wrong(with({false, "", std::string(64, 'A')}));
  CHECK_THROWS_WITH(vsphere::head_file(wrong, url), doctest::Contains("does not match the pinned thumbprint"));
  auto bad = vsphere::open_file_reader(wrong, {url, "log", 0, 100, true});
  char buf[100];
  CHECK_THROWS_WITH_AS(bad->read(buf, sizeof buf), doctest::Contains("does not match the pinned thumbprint"), BackendError);
  vsphere::SoapClient untrusted(with({}));
  CHECK_THROWS_WITH(vsphere::head_file(untrusted, url), doctest::Contains("certificate"));
}

}  // TEST_SUITE
