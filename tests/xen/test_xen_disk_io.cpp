// hvctl move's disk I/O on Xen, with real files in a temporary directory (no
// hypervisor): a written image is sparse where the stream is zeros and reads
// back byte for byte, an interrupted one resumes at a MiB boundary, discard
// removes it, errors name the file; the source side's inventory of images;
// the backend's placement in its state directory.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "hvctl/spec_io.hpp"
#include "xen_backend.hpp"
#include "xen_disk_io.hpp"
#include "xen_images.hpp"
#include "xen_state.hpp"
#include "xen_test_util.hpp"

using namespace hvctl;
using namespace hvctl::xen;

namespace {

namespace fs = std::filesystem;
constexpr std::uint64_t kMiB = 1 << 20;

struct TempDir {
  fs::path path = fs::temp_directory_path() / ("hvctl-xen-disk-io-" + std::to_string(getpid()));
  TempDir() {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
};

// `mib` MiB of non-zero bytes with zero runs at [2, 5) MiB, a sub-block
// stretch at 6 MiB + 1000 and the last MiB (those that fit): what a guest
// disk looks like.
std::string pattern(std::uint64_t mib) {
  std::string s(mib * kMiB, '\0');
  for (std::size_t i = 0; i < s.size(); ++i) s[i] = static_cast<char>((i * 131 + 7) % 251 + 1);
  const auto zero = [&](std::uint64_t from, std::uint64_t to) {
    std::fill(s.begin() + std::min(from, s.size()), s.begin() + std::min(to, s.size()), '\0');
  };
  zero(2 * kMiB, 5 * kMiB);
  zero(6 * kMiB + 1000, 6 * kMiB + 3000);
  zero((mib - 1) * kMiB, mib * kMiB);
  return s;
}

// Writes data[from, to) in pieces of `piece` bytes (not block-aligned).
void write_range(DiskWriter& w, const std::string& data, std::uint64_t from, std::uint64_t to, std::size_t piece) {
  for (std::uint64_t at = from; at < to; at += piece) w.write(data.data() + at, std::min<std::uint64_t>(piece, to - at));
}

std::string read_all(DiskReader& r) {
  std::string out;
  std::string buffer(3 * kMiB + 17, '\0');
  while (const std::size_t n = r.read(buffer.data(), buffer.size())) out.append(buffer, 0, n);
  return out;
}

std::string slurp(const fs::path& p) { return xen::test::read_file(p); }

struct stat stat_of(const fs::path& p) {
  struct stat st {};
  REQUIRE(::stat(p.c_str(), &st) == 0);
  return st;
}

std::unique_ptr<Backend> backend_in(const fs::path& state) {
  Target t;
  t.name = "x";
  t.type = "xen";
  t.uri = "libxl:local";
  t.options = {{"state_dir", state.string()}, {"monitor", "none"}};
  return make_xen_backend(t);
}

VmSpec vm(const std::string& name, const std::string& body) {
  return xen::test::parse_one("apiVersion: hvctl/v1\nkind: VirtualMachine\nmetadata: {name: " + name + "}\nspec: " + body + "\n");
}

}  // namespace

TEST_CASE("a disk written for a move is sparse where its stream is zeros and reads back byte for byte") {
  TempDir tmp;
  const fs::path image = tmp.path / "disks" / "web" / "root.img";  // (its directories are made)
  const std::string data = pattern(8);
  auto w = open_disk_writer(image.string(), data.size(), "t");
  CHECK(w->resume_offset() == 0);
  write_range(*w, data, 0, data.size(), kMiB + 4099);
  w->commit();
  const struct stat st = stat_of(image);
  CHECK(static_cast<std::uint64_t>(st.st_size) == data.size());
  CHECK(static_cast<std::uint64_t>(st.st_blocks) * 512 <= 5 * kMiB);  // 4 MiB of data, 4 MiB of holes
  CHECK(slurp(image) == data);
  auto r = open_disk_reader(image.string(), 0, "t");
  CHECK(read_all(*r) == data);
  auto from_7 = open_disk_reader(image.string(), 7 * kMiB - 5, "t");
  CHECK(read_all(*from_7) == data.substr(7 * kMiB - 5));
  CHECK_THROWS_WITH_AS(w->write("x", 1), doctest::Contains("is closed"), BackendError);
}

TEST_CASE("an interrupted write resumes at its size rounded down to 1 MiB, overwriting what was there") {
  TempDir tmp;
  const fs::path image = tmp.path / "root.img";
  const std::string data = pattern(8);
  {
    auto w = open_disk_writer(image.string(), data.size(), "t");
    write_range(*w, data, 0, kMiB + 5000, 65536);
  }  // destroyed uncommitted: what it wrote is kept
  CHECK(fs::file_size(image) == kMiB + 5000);
  CHECK(open_disk_writer(image.string(), data.size(), "t")->resume_offset() == kMiB);
  {
    auto w = open_disk_writer(image.string(), data.size(), "t");
    write_range(*w, data, kMiB, 3 * kMiB + 5000, 65536);
  }
  CHECK(fs::file_size(image) == 2 * kMiB);  // (the zeros from 2 MiB on were holes: the file ends with the data)
  {
    // Bytes where the stream has zeros, below the file's end: the writer must overwrite them, not skip.
    std::fstream f(image, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(2 * kMiB + 10));
    f << "not zeros";
  }
  auto w = open_disk_writer(image.string(), data.size(), "t");
  REQUIRE(w->resume_offset() == 2 * kMiB);
  write_range(*w, data, w->resume_offset(), data.size(), 3 * kMiB + 1);
  w->commit();
  CHECK(slurp(image) == data);
  // A complete image resumes at its end: nothing is left to write.
  CHECK(open_disk_writer(image.string(), data.size(), "t")->resume_offset() == data.size());
}

TEST_CASE("discard removes the image, committed or not, and its directory once empty; never anything but a file") {
  TempDir tmp;
  const fs::path dir = tmp.path / "disks" / "web";
  const std::string data = pattern(2);
  auto w = open_disk_writer((dir / "root.img").string(), data.size(), "t");
  write_range(*w, data, 0, kMiB, kMiB);
  w->discard();
  CHECK_FALSE(fs::exists(dir));
  auto committed = open_disk_writer((dir / "root.img").string(), data.size(), "t");
  write_range(*committed, data, 0, data.size(), kMiB);
  committed->commit();
  std::ofstream(dir / "data.img") << "another disk";
  committed->discard();
  CHECK_FALSE(fs::exists(dir / "root.img"));
  CHECK(fs::exists(dir / "data.img"));  // (the directory stays while it holds something)
  committed->discard();  // nothing there: fine
  fs::create_directories(tmp.path / "a-dir.img");
  auto odd = open_disk_writer((tmp.path / "b.img").string(), kMiB, "t");
  fs::remove(tmp.path / "b.img");
  fs::create_directories(tmp.path / "b.img");
  CHECK_THROWS_WITH_AS(odd->discard(), doctest::Contains("not a regular file"), BackendError);
  CHECK(fs::is_directory(tmp.path / "b.img"));
}

TEST_CASE("write errors name the file: a directory that cannot be made, a full device, a stream past the capacity") {
  TempDir tmp;
  std::ofstream(tmp.path / "plain") << "a file, not a directory";
  const std::string under_file = (tmp.path / "plain" / "web" / "root.img").string();
  CHECK_THROWS_WITH_AS(open_disk_writer(under_file, kMiB, "target 'x': cannot write disk 'root'"),
                       doctest::Contains(doctest::String(("target 'x': cannot write disk 'root': cannot create " +
                                                          (tmp.path / "plain" / "web").string()).c_str())),
                       BackendError);
  if (fs::exists("/dev/full")) {  // ENOSPC on every write
    auto full = open_disk_writer("/dev/full", kMiB, "target 'x': cannot write disk 'root'");
    const std::string data(8192, 'x');
    CHECK_THROWS_WITH_AS(full->write(data.data(), data.size()),
                         "target 'x': cannot write disk 'root': cannot write /dev/full at byte 0: No space left on device",
                         BackendError);
    const std::string zeros(8192, '\0');
    full->write(zeros.data(), zeros.size());  // (zeros are skipped: nothing to write)
  }
  auto w = open_disk_writer((tmp.path / "small.img").string(), 4096, "t");
  const std::string data(4097, 'x');
  CHECK_THROWS_WITH_AS(w->write(data.data(), data.size()), doctest::Contains("runs past its capacity of 4096 bytes"),
                       BackendError);
  CHECK_THROWS_WITH_AS(open_disk_reader((tmp.path / "none.img").string(), 0, "t"),
                       doctest::Contains(doctest::String(
                           ("t: cannot open " + (tmp.path / "none.img").string() + ": No such file").c_str())),
                       BackendError);
}

TEST_CASE("a VM's disks for a move: raw files by their size, qcow2 through qemu-nbd; bad, missing, odd images are blockers") {
  TempDir tmp;
  const fs::path raw = tmp.path / "root.img";
  std::ofstream(raw) << "boot";
  fs::resize_file(raw, 3 * kMiB + 512);
  const fs::path qcow2 = tmp.path / "data.qcow2";
  REQUIRE(std::system(("qemu-img create -q -f qcow2 " + qcow2.string() + " 4G").c_str()) == 0);
  const VmSpec spec = vm("web", "{disks: [{id: root, path: " + raw.string() + "}, {id: data, path: " + qcow2.string() +
                                    ", format: qcow2}, {id: fake, path: " + raw.string() + ", format: qcow2}, "
                                    "{id: gone, path: " + (tmp.path / "gone.img").string() +
                                    "}, {id: odd, path: /dev/null}]}");
  const DiskInventory inv = disk_inventory(spec);
  REQUIRE(inv.disks.size() == 5);
  const DiskSource root = inv.disks[0];
  CHECK(root.disk_id == "root");
  CHECK(root.location == raw.string());
  CHECK(root.format == "raw");
  CHECK(root.capacity == 3 * kMiB + 512);
  CHECK(root.size == 3 * kMiB + 512);
  CHECK(root.resumable);
  CHECK(root.conversion.empty());
  CHECK(inv.disks[1].format == "qcow2");  // (as stored; qemu-nbd serves what the guest sees)
  CHECK(inv.disks[1].capacity == (std::uint64_t{4} << 30));
  CHECK(inv.disks[1].size == (std::uint64_t{4} << 30));
  CHECK(inv.disks[1].conversion.find("qcow2 image read as raw content through qemu-nbd") == 0);
  REQUIRE(inv.blockers.size() == 3);
  CHECK(inv.blockers[0] == "disk 'fake': in dom0: qemu-nbd cannot open the qcow2 image " + raw.string() +
                               ": Image is not in qcow2 format");
  CHECK(inv.blockers[1] == "disk 'gone': its image " + (tmp.path / "gone.img").string() +
                               " cannot be read in dom0: No such file or directory");
  CHECK(inv.blockers[2] == "disk 'odd': its image /dev/null is neither a file nor a block device");
}

TEST_CASE("a block device (an LVM volume) is read like a file, its capacity the device's; one hvctl cannot open blocks") {
  // The host's block devices, against their sizes in sysfs (512-byte sectors).
  int checked = 0;
  for (const auto& entry : fs::directory_iterator("/sys/class/block")) {
    const fs::path dev = fs::path("/dev") / entry.path().filename();
    std::ifstream sectors(entry.path() / "size");
    std::uint64_t n = 0;
    if (!(sectors >> n) || n == 0 || !fs::is_block_file(dev)) continue;
    CAPTURE(dev.string());
    const int fd = ::open(dev.c_str(), O_RDONLY | O_CLOEXEC);
    const int open_errno = errno;
    const DiskInventory inv = disk_inventory(vm("web", "{disks: [{id: lv, path: " + dev.string() + "}]}"));
    REQUIRE(inv.disks.size() == 1);
    if (fd < 0) {  // (a container may not open the host's devices)
      REQUIRE(inv.blockers.size() == 1);
      CHECK(inv.blockers[0] == "disk 'lv': its image " + dev.string() + " cannot be read in dom0: " + std::strerror(open_errno));
      ++checked;
      continue;
    }
    ::close(fd);
    CHECK(inv.blockers.empty());
    CHECK(inv.disks[0].capacity == n * 512);
    CHECK(inv.disks[0].size == n * 512);
    char first[512];
    CHECK(open_disk_reader(dev.string(), 0, "t")->read(first, sizeof first) == sizeof first);
    ++checked;
  }
  if (!checked) MESSAGE("no block device with a size on this host: not checked");
}

TEST_CASE("the backend places a moved disk where it would make that VM's disk, and reads its source disks from the record") {
  TempDir tmp;
  const fs::path state = tmp.path / "state";
  auto backend = backend_in(state);
  const VmSpec dest = vm("db", "{disks: [{id: root, size: 2MiB}]}");
  const DiskPlacement p = backend->place_disk(dest, dest.disks[0], 2 * kMiB, "");
  CHECK(p.disk_id == "root");
  CHECK(p.path == image_path(state.string(), "db", "root"));
  CHECK(p.path == (state / "disks" / "db" / "root.img").string());
  CHECK(p.format == "raw");
  CHECK(p.capacity == 2 * kMiB);
  CHECK(p.storage == "state_dir");
  CHECK(p.storage == backend->storage().at(0).name);
  CHECK_FALSE(p.exists);
  CHECK(backend->place_disk(dest, dest.disks[0], kMiB, "state_dir").path == p.path);
  CHECK(backend->place_disk(dest, dest.disks[0], kMiB, state.string()).path == p.path);
  CHECK_THROWS_WITH_AS(backend->place_disk(dest, dest.disks[0], kMiB, "LocalDS_0"),
                       doctest::Contains("target 'x' has no storage 'LocalDS_0'"), InputError);
  const std::string data = pattern(2);
  auto w = backend->write_disk(p);
  write_range(*w, data, 0, kMiB, kMiB);
  CHECK(backend->place_disk(dest, dest.disks[0], 2 * kMiB, "").exists);  // (half-written: the engine's journal decides)
  write_range(*w, data, kMiB, data.size(), kMiB);
  w->commit();
  CHECK(read_all(*backend->read_placed(p)) == data);

  // The source side: the record's disks, a disk hvctl made by the image it recorded.
  const fs::path given = tmp.path / "given.img";
  std::ofstream(given) << "given";
  VmRecord record{"11111111-2222-3333-4444-555555555555", vm("db", "{disks: [{id: root, from: /base.img, size: 2MiB}, "
                                                                   "{id: data, path: " + given.string() + "}]}")};
  record.images["root"] = p.path;
  StateStore(state.string()).save(record);
  VmState st;
  st.name = "db";
  const DiskInventory inv = backend->disks_for_move(st);
  CHECK(inv.blockers.empty());
  REQUIRE(inv.disks.size() == 2);
  CHECK(inv.disks[0].location == p.path);
  CHECK(inv.disks[0].capacity == 2 * kMiB);
  CHECK(inv.disks[1].capacity == 5);
  CHECK(read_all(*backend->read_disk(st, inv.disks[0], kMiB)) == data.substr(kMiB));
  CHECK(read_all(*backend->read_disk(st, inv.disks[1], 0)) == "given");
  st.name = "nobody";
  CHECK_THROWS_WITH_AS(backend->disks_for_move(st), doctest::Contains("hvctl has no record of it"), BackendError);
}

TEST_CASE("a VM created on disks a move placed owns them: they are recorded as hvctl's images") {
  const std::string state = "/var/lib/hvctl/xen";
  VmRecord record{"u", vm("db", "{disks: [{id: root, path: " + image_path(state, "db", "root") + "}, "
                                "{id: data, path: /srv/data.img}, {id: other, path: " + image_path(state, "web", "other") +
                                "}]}")};
  adopt_placed_images(record, state);
  CHECK(record.images == std::map<std::string, std::string>{{"root", "/var/lib/hvctl/xen/disks/db/root.img"}});
  CHECK(with_disk_images(record).disks == record.spec.disks);  // (their paths are what they were)
}
