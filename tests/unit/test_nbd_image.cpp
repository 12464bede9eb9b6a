// Disk images read as raw content through qemu-nbd and libnbd
// (hvctl/nbd_image.hpp), on images qemu-img makes here: the same bytes as
// the raw image they were made from, from any offset; a backing chain read
// through; qemu's reason when an image cannot be opened.
#include <doctest/doctest.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "hvctl/error.hpp"
#include "hvctl/nbd_image.hpp"

using namespace hvctl;
namespace fs = std::filesystem;

namespace {

struct Images {
  fs::path dir = fs::temp_directory_path() / ("hvctl-nbd-" + std::to_string(getpid()));
  std::string data;
  Images() {
    fs::remove_all(dir);
    fs::create_directories(dir);
    data.assign(3 * (1 << 20) + 700, '\0');  // (not a whole number of sectors: qemu rounds the size up)
    for (std::size_t i = 0; i < data.size(); ++i)
      if (i < (1 << 20) || i > 2 * (1 << 20)) data[i] = static_cast<char>(i * 7 % 251 + 1);
    std::ofstream(dir / "base.raw", std::ios::binary) << data;
  }
  ~Images() { fs::remove_all(dir); }
  std::string path(const char* name) const { return (dir / name).string(); }
  void qemu_img(const std::string& args) const {
    REQUIRE(std::system(("cd " + dir.string() + " && qemu-img " + args + " >/dev/null").c_str()) == 0);
  }
  // What the guest sees: the raw image, padded with zeros to whole sectors.
  std::string seen() const { return data + std::string(512 - data.size() % 512, '\0'); }
};

std::string read_all(DiskReader& r) {
  std::string out;
  char buffer[1 << 16];
  while (const std::size_t n = r.read(buffer, sizeof buffer)) out.append(buffer, n);
  return out;
}

}  // namespace

TEST_CASE("nbd image: a qcow2 and a vhd read back as the raw image they were made from, from any offset") {
  Images im;
  im.qemu_img("convert -f raw -O qcow2 base.raw disk.qcow2");
  im.qemu_img("convert -f raw -O vpc -o subformat=fixed,force_size=on base.raw disk.vhd");
  const NbdImage qcow2(im.path("disk.qcow2"), "qcow2", "t");
  CHECK(qcow2.size() == im.seen().size());
  auto all = open_nbd_reader(im.path("disk.qcow2"), "qcow2", 0, "t");
  CHECK(read_all(*all) == im.seen());
  auto tail = open_nbd_reader(im.path("disk.qcow2"), "qcow2", (1 << 20) + 5, "t");
  CHECK(read_all(*tail) == im.seen().substr((1 << 20) + 5));
  auto vhd = open_nbd_reader(im.path("disk.vhd"), "vhd", 0, "t");
  CHECK(read_all(*vhd).substr(0, im.data.size()) == im.data);
}

TEST_CASE("nbd image: an overlay is read through its backing file, whole") {
  Images im;
  im.qemu_img("create -f qcow2 -b base.raw -F raw over.qcow2");
  auto r = open_nbd_reader(im.path("over.qcow2"), "qcow2", 0, "t");
  CHECK(read_all(*r).substr(0, im.data.size()) == im.data);
}

TEST_CASE("nbd image: an image that is not of its format, or lacks its backing file, is refused with qemu's reason") {
  Images im;
  CHECK_THROWS_WITH_AS(NbdImage(im.path("base.raw"), "qcow2", "disk 'root'"),
                       doctest::Contains("disk 'root': qemu-nbd cannot open the qcow2 image"), BackendError);
  CHECK_THROWS_WITH_AS(NbdImage(im.path("base.raw"), "qcow2", "t"), doctest::Contains("Image is not in qcow2 format"),
                       BackendError);
  im.qemu_img("create -f qcow2 -b gone.raw -F raw -u orphan.qcow2 4M");
  CHECK_THROWS_WITH_AS(NbdImage(im.path("orphan.qcow2"), "qcow2", "t"),
                       doctest::Contains("Could not open backing file"), BackendError);
  CHECK_THROWS_WITH_AS(NbdImage(im.path("none.qcow2"), "qcow2", "t"),
                       doctest::Contains("none.qcow2: Could not open"), BackendError);
}
