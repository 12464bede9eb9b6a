// The NoCloud seed image, read back by independent readers: isoinfo
// (genisoimage) for the label, the Rock Ridge and Joliet names and the
// contents, blkid for the label and type, yaml-cpp for meta-data.
#include "hvctl/error.hpp"
#include "hvctl/nocloud_seed.hpp"

#include <doctest/doctest.h>
#include <yaml-cpp/yaml.h>

#include <csignal>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/resource.h>
#include <unistd.h>

namespace fs = std::filesystem;
using hvctl::SeedFile;

namespace {

struct TempDir {
  fs::path path;
  TempDir() {
    char tmpl[] = "/tmp/hvctl-seed-test.XXXXXX";
    path = ::mkdtemp(tmpl);
  }
  ~TempDir() { fs::remove_all(path); }
  std::string operator/(const std::string& name) const { return (path / name).string(); }
};

// The command's stdout (stderr dropped), whatever its exit status.
std::string run(const std::string& cmd) {
  std::string out;
  FILE* p = popen((cmd + " 2>/dev/null").c_str(), "r");
  REQUIRE(p != nullptr);
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  pclose(p);
  return out;
}

bool have(const std::string& tool) {
  if (std::system(("command -v " + tool + " >/dev/null 2>&1").c_str()) == 0) return true;
  MESSAGE("SKIPPED: " << tool << " is not installed (scripts/install-deps.sh installs it); its checks are left out");
  return false;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

const std::vector<SeedFile> kFiles = {
    {"meta-data", "instance-id: \"iid-1\"\nlocal-hostname: \"web-01\"\n"},
    {"user-data", "#cloud-config\n# hvctl-marker: m-42\nruncmd: [echo hi]\n"},
    {"network-config", "version: 2\nethernets: {eth0: {dhcp4: true}}\n"},
};

}  // namespace

TEST_CASE("nocloud_meta_data: instance-id and local-hostname, quoted so any value reads back as given") {
  CHECK(hvctl::nocloud_meta_data("iid-web-01", "web-01") ==
        "instance-id: \"iid-web-01\"\nlocal-hostname: \"web-01\"\n");
  CHECK(hvctl::nocloud_meta_data("iid-x", "") == "instance-id: \"iid-x\"\n");
  CHECK_THROWS_AS(hvctl::nocloud_meta_data("", "web-01"), hvctl::InputError);
  for (const std::string& nasty : {std::string("a: b # c"), std::string("\"quoted\" \\back\\"), std::string("line\nbreak\ttab"),
                                  std::string("- [x] {y}"), std::string("yes"), std::string("0x1F"), std::string("h\x01\x7f"),
                                  std::string("h\xc3\xa9llo"), std::string("'single'")}) {
    CAPTURE(nasty);
    YAML::Node doc = YAML::Load(hvctl::nocloud_meta_data(nasty, nasty));
    CHECK(doc["instance-id"].as<std::string>() == nasty);
    CHECK(doc["local-hostname"].as<std::string>() == nasty);
    CHECK(doc.size() == 2);
  }
}

TEST_CASE("write_seed_iso: a cidata volume whose Rock Ridge and Joliet names and contents read back") {
  TempDir dir;
  const auto iso = dir / "seed.iso";
  hvctl::write_seed_iso(iso, kFiles);
  CHECK(fs::file_size(iso) % 2048 == 0);
  CHECK((fs::status(iso).permissions() & (fs::perms::group_all | fs::perms::others_all)) == fs::perms::none);
  if (have("isoinfo")) {
    CHECK(run("isoinfo -d -i " + iso).find("Volume id: cidata\n") != std::string::npos);
    CHECK(run("isoinfo -d -i " + iso).find("Rock Ridge signatures version 1 found") != std::string::npos);
    CHECK(run("isoinfo -d -i " + iso).find("Joliet with UCS level 3 found") != std::string::npos);
    CHECK(run("isoinfo -R -f -i " + iso) == "/meta-data\n/network-config\n/user-data\n");
    CHECK(run("isoinfo -J -f -i " + iso) == "/meta-data\n/network-config\n/user-data\n");
    for (const auto& f : kFiles) {
      CAPTURE(f.name);
      CHECK(run("isoinfo -R -i " + iso + " -x /" + f.name) == f.content);
      CHECK(run("isoinfo -J -i " + iso + " -x /" + f.name) == f.content);
    }
    // Every date in the listing is kSeedTime (2000-01-01), none today's.
    std::istringstream listing(run("isoinfo -R -l -i " + iso));
    int dated = 0;
    for (std::string line; std::getline(listing, line);)
      if (line.find("[") != std::string::npos) {
        CAPTURE(line);
        CHECK(line.find("Jan  1 2000") != std::string::npos);
        ++dated;
      }
    CHECK(dated == 5);  // ., .. and the three files
  }
  if (have("blkid")) {
    CHECK(run("blkid -p -o value -s LABEL " + iso) == "cidata\n");
    CHECK(run("blkid -p -o value -s TYPE " + iso) == "iso9660\n");
  }
}

TEST_CASE("write_seed_iso: the same files give the same bytes, a second later too") {
  TempDir dir;
  hvctl::write_seed_iso(dir / "a.iso", kFiles);
  // Wait for the clock's second to change, so a timestamp taken from it would differ.
  const std::time_t t0 = std::time(nullptr);
  while (std::time(nullptr) == t0) usleep(10000);
  hvctl::write_seed_iso(dir / "b.iso", kFiles);
  CHECK(slurp(dir / "a.iso") == slurp(dir / "b.iso"));
  auto changed = kFiles;
  changed[1].content += "# changed\n";
  hvctl::write_seed_iso(dir / "c.iso", changed);
  CHECK(slurp(dir / "a.iso") != slurp(dir / "c.iso"));
}

TEST_CASE("write_seed_iso: an empty file list is an empty cidata volume; another label is kept") {
  TempDir dir;
  hvctl::write_seed_iso(dir / "empty.iso", {});
  hvctl::write_seed_iso(dir / "label.iso", kFiles, "CIDATA", 0644);
  CHECK((fs::status(dir / "label.iso").permissions() & fs::perms::owner_write) != fs::perms::none);
  if (have("isoinfo")) {
    CHECK(run("isoinfo -d -i " + (dir / "empty.iso")).find("Volume id: cidata\n") != std::string::npos);
    CHECK(run("isoinfo -R -f -i " + (dir / "empty.iso")).empty());
    CHECK(run("isoinfo -d -i " + (dir / "label.iso")).find("Volume id: CIDATA\n") != std::string::npos);
  }
}

TEST_CASE("write_seed_iso: never replaces a file, refuses bad input before creating one") {
  TempDir dir;
  const auto existing = dir / "seed.iso";
  { std::ofstream(existing) << "keep me"; }
  try {
    hvctl::write_seed_iso(existing, kFiles);
    FAIL("an existing file was replaced");
  } catch (const hvctl::BackendError& e) {
    CHECK(std::string(e.what()) == "seed image " + existing + ": cannot create: File exists");
  }
  CHECK(slurp(existing) == "keep me");

  const auto fresh = dir / "new.iso";
  CHECK_THROWS_AS(hvctl::write_seed_iso(fresh, {{"a/b", "x"}}), hvctl::InputError);
  CHECK_THROWS_AS(hvctl::write_seed_iso(fresh, {{"", "x"}}), hvctl::InputError);
  CHECK_THROWS_AS(hvctl::write_seed_iso(fresh, {{"..", "x"}}), hvctl::InputError);
  CHECK_THROWS_AS(hvctl::write_seed_iso(fresh, {{std::string(256, 'n'), "x"}}), hvctl::InputError);
  CHECK_THROWS_WITH_AS(hvctl::write_seed_iso(fresh, {{"user-data", "a"}, {"user-data", "b"}}),
                       ("seed image " + fresh + ": file 'user-data' is given twice").c_str(), hvctl::InputError);
  CHECK_THROWS_AS(hvctl::write_seed_iso(fresh, kFiles, ""), hvctl::InputError);
  CHECK_THROWS_AS(hvctl::write_seed_iso(fresh, kFiles, std::string(33, 'v')), hvctl::InputError);
  CHECK_FALSE(fs::exists(fresh));
  CHECK_THROWS_AS(hvctl::write_seed_iso(dir / "no-such-dir/seed.iso", kFiles), hvctl::BackendError);
}

TEST_CASE("write_seed_iso: a write that fails part way leaves no half-written image") {
  TempDir dir;
  const auto iso = dir / "seed.iso";
  // A file size limit of 16 KiB: write() fails with EFBIG in the middle of the image.
  struct rlimit old {};
  REQUIRE(getrlimit(RLIMIT_FSIZE, &old) == 0);
  auto old_handler = std::signal(SIGXFSZ, SIG_IGN);
  struct rlimit small = old;
  small.rlim_cur = 16 * 1024;
  REQUIRE(setrlimit(RLIMIT_FSIZE, &small) == 0);
  std::string error;
  try {
    hvctl::write_seed_iso(iso, {{"user-data", std::string(256 * 1024, 'u')}});
  } catch (const hvctl::BackendError& e) {
    error = e.what();
  }
  setrlimit(RLIMIT_FSIZE, &old);
  std::signal(SIGXFSZ, old_handler);
  CHECK(error == "seed image " + iso + ": write: File too large");
  CHECK_FALSE(fs::exists(iso));
  hvctl::write_seed_iso(iso, kFiles);  // and the library is fine after a cancelled image
  CHECK(fs::exists(iso));
}
