// formats::write_file_atomically (hvctl convert -O, move -O): a file is
// replaced whole, a symbolic link is kept, and a FIFO or device is written
// into rather than replaced (a rename over /dev/null, as root, replaced it).
#include <doctest/doctest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <future>
#include <sstream>

#include "file_write.hpp"
#include "hvctl/error.hpp"

namespace fs = std::filesystem;

namespace {

struct Dir {
  fs::path path = fs::temp_directory_path() / ("hvctl-file-write-" + std::to_string(getpid()));
  Dir() { fs::create_directories(path); }
  ~Dir() { fs::remove_all(path); }
};

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

TEST_CASE("write_file_atomically: a file is replaced, its mode kept, nothing left beside it") {
  Dir d;
  const fs::path f = d.path / "web.yaml";
  std::ofstream(f) << "old\n";
  fs::permissions(f, fs::perms::owner_read | fs::perms::owner_write);
  hvctl::formats::write_file_atomically(f.string(), "new\n");
  CHECK(slurp(f) == "new\n");
  CHECK(fs::status(f).permissions() == (fs::perms::owner_read | fs::perms::owner_write));
  CHECK(std::distance(fs::directory_iterator(d.path), fs::directory_iterator()) == 1);
}

TEST_CASE("write_file_atomically: a symbolic link stays a link; the file it names gets the content") {
  Dir d;
  fs::create_directories(d.path / "repo");
  const fs::path real = d.path / "repo" / "web.yaml", link = d.path / "web.yaml";
  std::ofstream(real) << "old\n";
  fs::create_symlink(real, link);
  hvctl::formats::write_file_atomically(link.string(), "new\n");
  CHECK(fs::is_symlink(link));
  CHECK(slurp(real) == "new\n");
}

TEST_CASE("write_file_atomically: a FIFO is written into, not replaced; a directory is refused") {
  Dir d;
  const fs::path fifo = d.path / "pipe";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  auto reader = std::async(std::launch::async, [&] { return slurp(fifo); });
  hvctl::formats::write_file_atomically(fifo.string(), "spec\n");
  CHECK(reader.get() == "spec\n");
  CHECK(fs::is_fifo(fifo));
  CHECK_THROWS_WITH_AS(hvctl::formats::write_file_atomically(d.path.string(), "x"),
                       doctest::Contains("is a directory"), hvctl::InputError);
}
