// Disks the Xen backend makes from a base image: sparse copies in a
// temporary directory, never over an existing file, grown, refused for
// qcow2 bases and sizes below the image's, and the record that keeps them.
#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "hvctl/spec_io.hpp"
#include "xen_config.hpp"
#include "xen_images.hpp"
#include "xen_state.hpp"

using namespace hvctl;
using namespace hvctl::xen;

namespace {

namespace fs = std::filesystem;

struct Dir {
  fs::path path = fs::temp_directory_path() / ("hvctl-xen-images-" + std::to_string(getpid()));
  Dir() {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~Dir() { fs::remove_all(path); }
};

// A raw image: `marker` at offset 0, then a hole up to `mib` MiB.
std::string raw_base(const fs::path& file, const std::string& marker, int mib) {
  std::ofstream(file) << marker;
  fs::resize_file(file, static_cast<std::uintmax_t>(mib) << 20);
  return file.string();
}

std::string head(const std::string& file, std::size_t n) {
  std::ifstream in(file);
  std::string out(n, '\0');
  in.read(out.data(), static_cast<std::streamsize>(n));
  return out;
}

std::uint64_t allocated(const std::string& file) {
  struct stat st {};
  REQUIRE(::stat(file.c_str(), &st) == 0);
  return static_cast<std::uint64_t>(st.st_blocks) * 512;
}

// Keeps each progress report.
struct Recorder final : Diagnostics {
  std::vector<std::pair<std::string, unsigned>> reports;
  bool shows(LogLevel) const override { return false; }
  void log(LogLevel, const std::string&) override {}
  void warn_once(const std::string&, const std::string&) override {}
  void progress(const std::string& task, unsigned percent) override { reports.emplace_back(task, percent); }
};

std::uint64_t copy_to(const std::string& base, const std::string& path, std::uint64_t mib, const std::string& what) {
  ProgressTask progress(no_diagnostics(), what);
  return copy_image(base, path, mib, what, progress);
}

VmSpec vm(const std::string& body) {
  std::vector<Problem> problems;
  auto specs = parse_specs("apiVersion: hvctl/v1\nkind: VirtualMachine\nmetadata: {name: vm1}\nspec: " + body + "\n",
                           "t.yaml", problems);
  REQUIRE(problems.empty());
  return specs.at(0);
}

}  // namespace

TEST_CASE("a base image is copied sparse, grown to the size asked, and never over an existing file") {
  Dir d;
  const auto base = raw_base(d.path / "base.img", "hvctl-base", 8);
  const auto copy = image_path(d.path.string(), "vm1", "root");
  CHECK(copy == d.path.string() + "/disks/vm1/root.img");
  CHECK(copy_to(base, copy, 16, "w") == 16);
  CHECK(fs::file_size(copy) == (16u << 20));
  CHECK(head(copy, 10) == "hvctl-base");
  CHECK(allocated(copy) < (1u << 20));  // the hole stays a hole
  std::ofstream(base, std::ios::in | std::ios::out) << "changed!!!";
  CHECK_THROWS_WITH_AS(copy_to(base, copy, 0, "w"), doctest::Contains("never replaces an existing file"), BackendError);
  CHECK(head(copy, 10) == "hvctl-base");
  const auto same = image_path(d.path.string(), "vm1", "same");
  CHECK(copy_to(base, same, 0, "w") == 8);  // no size: the image's
  grow_image(same, 32, "w");
  CHECK(fs::file_size(same) == (32u << 20));
  grow_image(same, 4, "w");  // never shrinks
  CHECK(fs::file_size(same) == (32u << 20));
}

TEST_CASE("a copy tells its progress as it goes through the base, and ends at 100%") {
  Dir d;
  const auto base = (d.path / "base.img").string();
  {
    std::ofstream out(base, std::ios::binary);
    for (int at : {0, 100, 199}) {  // data at 0, 100 and 199 MiB, holes between
      out.seekp(static_cast<std::streamoff>(at) << 20);
      out << std::string(4096, 'x');
    }
  }
  fs::resize_file(base, 200u << 20);
  Recorder sink;
  VmRecord record{"u", vm("{disks: [{id: root, from: " + base + "}]}"), {}};
  CHECK(make_images(record, d.path.string(), "VM 'vm1'", sink).size() == 1);
  REQUIRE(sink.reports.size() >= 3);
  for (const auto& [task, percent] : sink.reports) CHECK(task == "VM 'vm1': copying disk 'root'");
  CHECK(sink.reports.front().second == 0);
  CHECK(sink.reports.back().second == 100);
  CHECK(std::is_sorted(sink.reports.begin(), sink.reports.end(),
                       [](const auto& a, const auto& b) { return a.second < b.second; }));
  CHECK(std::any_of(sink.reports.begin(), sink.reports.end(), [](const auto& r) { return r.second == 50; }));
}

TEST_CASE("a qcow2 base, a size below the image's and a missing base are refused, nothing made") {
  Dir d;
  std::string qcow2("QFI\xfb\0\0\0\3", 8);
  qcow2.resize(512, '\0');
  qcow2[24 + 4] = 1;  // virtual size 2^32 (big-endian at byte 24)
  std::ofstream(d.path / "base.qcow2") << qcow2;
  const auto copy = image_path(d.path.string(), "vm1", "root");
  const std::string why = "VM 'vm1': disk 'root': base image " + (d.path / "base.qcow2").string() +
                          " is qcow2; Xen disks made here are raw copies";
  CHECK_THROWS_WITH_AS(copy_to((d.path / "base.qcow2").string(), copy, 0, "VM 'vm1': disk 'root'"),
                       doctest::Contains(why.c_str()), InputError);
  const auto base = raw_base(d.path / "base.img", "x", 8);
  CHECK_THROWS_WITH_AS(copy_to(base, copy, 4, "w"), doctest::Contains("size 4MiB is below base image"), InputError);
  CHECK_THROWS_WITH_AS(copy_to((d.path / "none.img").string(), copy, 0, "w"), doctest::Contains("w: base image"), InputError);
  CHECK_FALSE(fs::exists(copy));
}

TEST_CASE("base_problems: each new disk's unusable base at its own line, disks the VM has already left alone") {
  Dir d;
  const auto base = raw_base(d.path / "base.img", "b", 8);
  std::string qcow2("QFI\xfb\0\0\0\3", 8);
  qcow2.resize(512, '\0');
  std::ofstream(d.path / "base.qcow2") << qcow2;
  const VmSpec spec = vm("\n  disks:\n    - {id: a, from: /no/such.img}\n    - {id: b, from: " + (d.path / "base.qcow2").string() +
                         "}\n    - {id: c, from: " + base + ", size: 4MiB}\n    - {id: ok, from: " + base + "}");
  const auto problems = base_problems(spec, {});
  REQUIRE(problems.size() == 3);
  CHECK(problems[0].mark.line == 6);
  CHECK(problems[0].message.find("VM 'vm1': disk 'a': base image /no/such.img") == 0);
  CHECK(problems[1].mark.line == 7);
  CHECK(problems[1].message.find("is qcow2; Xen disks made here are raw copies") != std::string::npos);
  CHECK(problems[2].mark.line == 8);
  CHECK(problems[2].mark.column > 40);  // at size, not at the disk
  CHECK(problems[2].message.find("disk 'c': size 4MiB is below base image") != std::string::npos);
  VmSpec has = spec;
  has.disks.resize(2);  // a and b exist: their bases were read once, at create
  CHECK(base_problems(spec, has).size() == 1);
}

TEST_CASE("make_images records each copy and its size, and removes what it made when one fails") {
  Dir d;
  const auto base = raw_base(d.path / "base.img", "b", 2);
  VmRecord record{"u", vm("{disks: [{id: a, from: " + base + "}, {id: b, from: " + base + ", size: 8MiB}, "
                          "{id: c, path: /c.img}]}"), {}};
  const auto made = make_images(record, d.path.string(), "VM 'vm1'", no_diagnostics());
  CHECK(made.size() == 2);
  CHECK(record.images.at("a") == image_path(d.path.string(), "vm1", "a"));
  CHECK(record.spec.disks[0].size_mib == 2);
  CHECK(record.spec.disks[1].size_mib == 8);
  CHECK(make_images(record, d.path.string(), "VM 'vm1'", no_diagnostics()).empty());  // made once
  const VmSpec built = with_images(record);
  CHECK(built.disks[0].path == record.images.at("a"));
  CHECK_FALSE(built.disks[0].from);
  CHECK(built.disks[2].path == "/c.img");
  CHECK(disk_spec_string(built, 1) == "format=raw,vdev=xvdb,access=rw,target=" + record.images.at("b"));
  const VmRecord back = record_from_json(record_to_json(record), "r.json");
  CHECK(back.images == record.images);

  VmRecord broken{"u", vm("{disks: [{id: a, from: " + base + "}, {id: b, from: /no/such.img}]}"), {}};
  CHECK_THROWS_AS(make_images(broken, (d.path / "other").string(), "VM 'vm1'", no_diagnostics()), InputError);
  CHECK_FALSE(fs::exists(image_path((d.path / "other").string(), "vm1", "a")));

  record.spec.disks.erase(record.spec.disks.begin());  // pruned: forgotten, its file kept
  forget_pruned_images(record);
  CHECK_FALSE(record.images.count("a"));
  CHECK(fs::exists(image_path(d.path.string(), "vm1", "a")));
  remove_images(made);
  CHECK_FALSE(fs::exists(d.path / "disks" / "vm1"));
}

TEST_CASE("check_spec on disks made from a base image") {
  auto messages = [](const std::string& body) {
    std::string out;
    for (const auto& p : check_spec(vm("{boot: {kernel: /k}, disks: [" + body + "]}"))) out += p.message + "\n";
    return out;
  };
  CHECK(messages("{id: a, from: /b.img}").empty());
  CHECK(messages("{id: a, from: /b.img, size: 1GiB, format: raw}").empty());
  CHECK(messages("{id: a, from: /b.qcow2, format: qcow2}").find("format qcow2 needs qdisk") != std::string::npos);
  CHECK(messages("{id: a, path: /a.img, size: 1GiB}").find("size grows only a disk hvctl made") != std::string::npos);
  CHECK(messages("{id: a, size: 1GiB}").find("makes disks only from a base image") != std::string::npos);
}

TEST_CASE("the seed of spec.init is a read-only drive after the spec's own, kept in the record") {
  VmRecord record{"u", vm("{xen: {type: pv}, cdroms: [{id: cd0, image: /isos/a.iso}], init: {hostname: web-01}}"), {}};
  CHECK(with_images(record).cdroms.size() == 1);  // no seed made yet: none attached
  record.seed = seed_path("/var/lib/hvctl/xen", "vm1");
  CHECK(*record.seed == "/var/lib/hvctl/xen/seeds/vm1.iso");
  const VmSpec built = with_images(record);
  REQUIRE(built.cdroms.size() == 2);
  CHECK(built.cdroms[1].id == kSeedDrive);
  CHECK(built.cdroms[1].image == record.seed);
  CHECK(record_from_json(record_to_json(record), "r.json").seed == record.seed);
  VmRecord plain = record;
  plain.spec.init = {};
  CHECK(with_images(plain).cdroms.size() == 1);  // a record's seed counts only while init is set
}
