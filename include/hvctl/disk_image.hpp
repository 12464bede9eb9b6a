// What a base image is, read from its header the way qemu tells formats
// apart: qcow2 (magic "QFI\xfb"; its header gives the virtual size), VMware's
// sparse vmdk (magic "KDMV"; capacity in sectors), else raw (the file's size).
// For disks made from a base image (disks[].from), before anything is made.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace hvctl {

struct ImageInfo {
  std::string format;               // qcow2 | vmdk | raw
  std::uint64_t virtual_bytes = 0;  // what the guest sees
};

// From the first bytes of an image and its file size. Pure.
ImageInfo image_info_from_header(std::string_view header, std::uint64_t file_bytes);

// Reads `path`'s header. Throws InputError ("base image PATH: No such file
// or directory") when it cannot be read.
ImageInfo probe_image(const std::string& path);

}  // namespace hvctl
