#include <doctest/doctest.h>

#include <string>

#include "hvctl/disk_image.hpp"
#include "hvctl/error.hpp"

using namespace hvctl;

TEST_CASE("image formats from their headers: qcow2 and sparse vmdk say their virtual size, raw is its file") {
  std::string qcow2(64, '\0');
  qcow2.replace(0, 4, "QFI\xfb", 4);
  qcow2[24 + 3] = 0x01;  // big-endian 0x0000000100000000 bytes: 4 GiB
  CHECK(image_info_from_header(qcow2, 196608).format == "qcow2");
  CHECK(image_info_from_header(qcow2, 196608).virtual_bytes == 4ull << 30);
  std::string vmdk(64, '\0');
  vmdk.replace(0, 4, "KDMV");
  vmdk[12] = 0x00;
  vmdk[13] = 0x08;  // 2048 sectors, little-endian: 1 MiB
  CHECK(image_info_from_header(vmdk, 65536).format == "vmdk");
  CHECK(image_info_from_header(vmdk, 65536).virtual_bytes == 1u << 20);
  CHECK(image_info_from_header(std::string(64, 'x'), 12345).format == "raw");
  CHECK(image_info_from_header("", 0).virtual_bytes == 0);
  CHECK_THROWS_WITH_AS(probe_image("/nonexistent/base.img"), "base image /nonexistent/base.img: No such file or directory",
                       InputError);
}
