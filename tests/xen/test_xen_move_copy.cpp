// hvctl move's copy of one disk (src/core/move_copy.cpp) between two real
// Xen backends on this host's files: two state directories, the source's
// image a file with zero runs. The journal, the resume after an interrupt,
// the read-back that finds a corrupted byte, all on real files.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>
#define XXH_INLINE_ALL
#include <xxhash.h>

#include "move_copy.hpp"
#include "xen_backend.hpp"
#include "xen_state.hpp"
#include "xen_test_util.hpp"

using namespace hvctl;
namespace fs = std::filesystem;

namespace {

constexpr std::uint64_t kMiB = 1 << 20;

struct Dirs {
  fs::path root = fs::temp_directory_path() / ("hvctl-move-copy-" + std::to_string(getpid()));
  Dirs() {
    fs::remove_all(root);
    fs::create_directories(root / "src");
    ::setenv("HVCTL_STATE_DIR", (root / "journal").c_str(), 1);
  }
  ~Dirs() {
    ::unsetenv("HVCTL_STATE_DIR");
    fs::remove_all(root);
  }
};

std::unique_ptr<Backend> xen_in(const fs::path& state) {
  Target t;
  t.name = state.filename().string();
  t.type = "xen";
  t.uri = "libxl:local";
  t.options = {{"state_dir", state.string()}, {"monitor", "none"}};
  return make_xen_backend(t);
}

// 6 MiB and a bit, zeros from 2 to 4 MiB: the source VM's disk.
std::string content() {
  std::string s(6 * kMiB + 1234, '\0');
  for (std::size_t i = 0; i < s.size(); ++i) s[i] = static_cast<char>(i % 253 + 1);
  std::fill(s.begin() + 2 * kMiB, s.begin() + 4 * kMiB, '\0');
  return s;
}

struct Fixture {
  Dirs dirs;
  std::unique_ptr<Backend> from = xen_in(dirs.root / "src"), to = xen_in(dirs.root / "dst");
  std::string data = content();
  VmState vm;
  DiskCopy copy;
  move::Journal journal{move::Journal::file_for("libxl:local", "web", "libxl:local#2", "web")};

  // The source image raw, or (`qcow2`) converted to qcow2 by qemu-img.
  explicit Fixture(bool qcow2 = false) {
    fs::path image = dirs.root / "web-root.img";
    std::ofstream(image, std::ios::binary) << data;
    if (qcow2) {
      const fs::path raw = image;
      image = dirs.root / "web-root.qcow2";
      REQUIRE(std::system(("qemu-img convert -f raw -O qcow2 " + raw.string() + " " + image.string()).c_str()) == 0);
      fs::remove(raw);
      data.resize((data.size() + 511) / 512 * 512, '\0');  // (what its guest sees: whole sectors)
    }
    xen::VmRecord record{"11111111-2222-3333-4444-555555555555",
                         xen::test::parse_one("apiVersion: hvctl/v1\nkind: VirtualMachine\nmetadata: {name: web}\n"
                                              "spec: {disks: [{id: root, path: " + image.string() +
                                              (qcow2 ? ", format: qcow2" : "") + "}]}\n")};
    xen::StateStore((dirs.root / "src").string()).save(record);
    vm.name = "web";
    const auto inv = from->disks_for_move(vm);
    REQUIRE(inv.blockers.empty());
    REQUIRE(inv.disks.size() == 1);
    copy.source = inv.disks[0];
    VmSpec dest = record.spec;
    copy.placement = to->place_disk(dest, dest.disks[0], copy.source.capacity, "");
  }
  std::string placed() const { return xen::test::read_file(copy.placement.path); }
};

// What a move reports for the whole disk: XXH3-128 in one call of xxhash's own.
std::string xxh128(const std::string& data) {
  const XXH128_hash_t h = XXH3_128bits(data.data(), data.size());
  return fmt::format("xxh128:{:016x}{:016x}", h.high64, h.low64);
}

MoveHooks stop_after(int blocks, int& seen) {
  MoveHooks h;
  h.interrupts = [blocks, &seen] { return seen++ >= blocks ? 1 : 0; };
  return h;
}

}  // namespace

TEST_CASE("move copy: a disk is copied block by block, journalled, and read back against the source's digests") {
  Fixture f;
  CHECK(f.copy.source.capacity == f.data.size());
  const auto stats = move::copy_disk(*f.from, f.vm, *f.to, f.copy, f.journal, {});
  CHECK(stats.copied == f.data.size());
  CHECK(stats.resumed_from == 0);
  CHECK(stats.digest == xxh128(f.data));  // (hashed from the source's stream as it went by)
  CHECK(f.placed() == f.data);
  const auto& j = f.journal.disk("root");
  CHECK(j.blocks.size() == 7);  // six whole blocks and the rest
  // (XXH3-128 as `xxhsum -H2` writes it: of 1 MiB of zeros, and of "hello")
  CHECK(j.blocks[2] == "b6ef17a3448492b6918780b90550bf34");
  CHECK(move::block_digest("hello", 5) == "b5e9c1ad071b3e7fc779cfaa5e523818");
  CHECK(move::verify_disk(*f.to, f.copy, j, {}) == xxh128(f.data));
  CHECK(move::Journal(f.journal.file()).claims("root", f.copy.placement.path));  // (saved, as the next run reads it)
}

TEST_CASE("move copy: an interrupted copy resumes where the journal and the file agree") {
  Fixture f;
  int seen = 0;
  CHECK_THROWS_AS(move::copy_disk(*f.from, f.vm, *f.to, f.copy, f.journal, stop_after(5, seen)), Error);
  move::Journal again(f.journal.file());  // what a second run finds
  CHECK(again.disk("root").blocks.size() == 5);
  const auto stats = move::copy_disk(*f.from, f.vm, *f.to, f.copy, again, {});
  CHECK(stats.resumed_from == 5 * kMiB);
  CHECK(stats.copied == f.data.size() - 5 * kMiB);
  CHECK(stats.digest.empty());  // (it has not seen the start: the read-back hashes the copy whole)
  CHECK(f.placed() == f.data);
  CHECK(move::verify_disk(*f.to, f.copy, again.disk("root"), {}) == xxh128(f.data));
}

TEST_CASE("move copy: stopped after a run of zeros (a hole the file does not hold), it resumes before them") {
  Fixture f;
  int seen = 0;
  CHECK_THROWS_AS(move::copy_disk(*f.from, f.vm, *f.to, f.copy, f.journal, stop_after(3, seen)), Error);
  move::Journal again(f.journal.file());
  CHECK(again.disk("root").blocks.size() == 3);
  const auto stats = move::copy_disk(*f.from, f.vm, *f.to, f.copy, again, {});
  CHECK(stats.resumed_from == 2 * kMiB);  // the sparse file ends where its data did
  CHECK(f.placed() == f.data);
}

TEST_CASE("move copy: a byte changed in the kept part of an interrupted copy is found by the read-back") {
  Fixture f;
  int seen = 0;
  CHECK_THROWS_AS(move::copy_disk(*f.from, f.vm, *f.to, f.copy, f.journal, stop_after(5, seen)), Error);
  {
    std::fstream image(f.copy.placement.path, std::ios::in | std::ios::out | std::ios::binary);
    image.seekp(static_cast<std::streamoff>(kMiB + 10));
    image.put('X');
  }
  move::Journal again(f.journal.file());
  CHECK(move::copy_disk(*f.from, f.vm, *f.to, f.copy, again, {}).resumed_from == 5 * kMiB);
  CHECK_THROWS_WITH_AS(move::verify_disk(*f.to, f.copy, again.disk("root"), {}),
                       doctest::Contains("differs from the source in the block at byte 1048576"), move::CorruptCopy);
}

TEST_CASE("move copy: given the source's digest, the read-back still finds a changed byte") {
  Fixture f;
  const auto stats = move::copy_disk(*f.from, f.vm, *f.to, f.copy, f.journal, {});
  CHECK(move::verify_disk(*f.to, f.copy, f.journal.disk("root"), {}, stats.digest) == xxh128(f.data));
  {
    std::fstream image(f.copy.placement.path, std::ios::in | std::ios::out | std::ios::binary);
    image.seekp(static_cast<std::streamoff>(5 * kMiB + 7));
    image.put('X');
  }
  CHECK_THROWS_WITH_AS(move::verify_disk(*f.to, f.copy, f.journal.disk("root"), {}, stats.digest),
                       doctest::Contains("in the block at byte 5242880"), move::CorruptCopy);
}

TEST_CASE("move copy: a sparse source's holes are copied as zeros, whole, at a block's start or inside one") {
  Fixture f;
  const std::string image = (f.dirs.root / "web-root.img").string();
  const int fd = ::open(image.c_str(), O_RDWR);
  REQUIRE(fd >= 0);
  // (all of block 2 and 3; the first half of block 1; 8 KiB inside block 5)
  for (const auto& [at, n] : {std::pair<std::uint64_t, std::uint64_t>{2 * kMiB, 2 * kMiB}, {kMiB, kMiB / 2},
                              {5 * kMiB + 4096, 8192}}) {
    REQUIRE(::fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, static_cast<off_t>(at),
                        static_cast<off_t>(n)) == 0);
    std::fill(f.data.begin() + static_cast<std::ptrdiff_t>(at), f.data.begin() + static_cast<std::ptrdiff_t>(at + n),
              '\0');
  }
  struct stat st {};
  REQUIRE(::fstat(fd, &st) == 0);
  REQUIRE(static_cast<std::uint64_t>(st.st_blocks) * 512 <= f.data.size() - 2 * kMiB);  // (they are holes)
  ::close(fd);
  REQUIRE(xen::test::read_file(image) == f.data);
  const auto stats = move::copy_disk(*f.from, f.vm, *f.to, f.copy, f.journal, {});
  CHECK(stats.digest == xxh128(f.data));
  CHECK(f.placed() == f.data);
  const auto& j = f.journal.disk("root");
  REQUIRE(j.blocks.size() == 7);
  CHECK(j.blocks[2] == "b6ef17a3448492b6918780b90550bf34");  // (a hole reads as a block of zeros)
  CHECK(j.blocks[1] == move::block_digest(f.data.data() + kMiB, kMiB));
  CHECK(j.blocks[5] == move::block_digest(f.data.data() + 5 * kMiB, kMiB));
  CHECK(move::verify_disk(*f.to, f.copy, j, {}) == xxh128(f.data));
}

TEST_CASE("move copy: a journal of an older version (SHA-256 blocks) starts the copy again") {
  Fixture f;
  int seen = 0;
  CHECK_THROWS_AS(move::copy_disk(*f.from, f.vm, *f.to, f.copy, f.journal, stop_after(5, seen)), Error);
  std::string text = xen::test::read_file(f.journal.file());
  const auto at = text.find("\"version\":2");
  REQUIRE(at != std::string::npos);
  text.replace(at, 11, "\"version\":1");
  std::ofstream(f.journal.file(), std::ios::trunc) << text;
  move::Journal old(f.journal.file());
  CHECK_FALSE(old.claims("root", f.copy.placement.path));
  const auto stats = move::copy_disk(*f.from, f.vm, *f.to, f.copy, old, {});
  CHECK(stats.resumed_from == 0);
  CHECK(f.placed() == f.data);
}

TEST_CASE("move copy: a journal for another path, or a damaged one, is not trusted") {
  Fixture f;
  int seen = 0;
  CHECK_THROWS_AS(move::copy_disk(*f.from, f.vm, *f.to, f.copy, f.journal, stop_after(2, seen)), Error);
  CHECK_FALSE(move::Journal(f.journal.file()).claims("root", "/elsewhere.img"));
  std::ofstream(f.journal.file(), std::ios::trunc) << "{not json";
  CHECK_THROWS_WITH_AS(move::Journal(f.journal.file()), doctest::Contains("a damaged move journal"), Error);
}

TEST_CASE("move copy: a qcow2 source is read as raw content through qemu-nbd, resumed, and read back") {
  Fixture f(true);
  CHECK(f.copy.source.format == "qcow2");
  CHECK(f.copy.source.capacity == f.data.size());
  CHECK(f.copy.source.conversion.find("qemu-nbd") != std::string::npos);
  int seen = 0;
  CHECK_THROWS_AS(move::copy_disk(*f.from, f.vm, *f.to, f.copy, f.journal, stop_after(5, seen)), Error);
  move::Journal again(f.journal.file());
  const auto stats = move::copy_disk(*f.from, f.vm, *f.to, f.copy, again, {});
  CHECK(stats.resumed_from == 5 * kMiB);
  CHECK(f.placed() == f.data);
  CHECK(move::verify_disk(*f.to, f.copy, again.disk("root"), {}) == xxh128(f.data));
}
