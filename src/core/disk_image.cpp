#include "hvctl/disk_image.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "hvctl/error.hpp"

namespace hvctl {
namespace {

std::uint64_t big_endian(std::string_view s, std::size_t at) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < 8; ++i) v = (v << 8) | static_cast<unsigned char>(s[at + i]);
  return v;
}

std::uint64_t little_endian(std::string_view s, std::size_t at) {
  std::uint64_t v = 0;
  for (std::size_t i = 8; i-- > 0;) v = (v << 8) | static_cast<unsigned char>(s[at + i]);
  return v;
}

}  // namespace

ImageInfo image_info_from_header(std::string_view h, std::uint64_t file_bytes) {
  if (h.size() >= 32 && h.substr(0, 4) == std::string_view("QFI\xfb", 4)) return {"qcow2", big_endian(h, 24)};
  if (h.size() >= 20 && h.substr(0, 4) == "KDMV") return {"vmdk", little_endian(h, 12) * 512};
  return {"raw", file_bytes};
}

ImageInfo probe_image(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(fmt::format("base image {}: {}", path, std::strerror(errno)));
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) throw InputError(fmt::format("base image {}: is a directory", path));
  const auto bytes = std::filesystem::file_size(path, ec);
  if (ec) throw InputError(fmt::format("base image {}: {}", path, ec.message()));
  std::string header(512, '\0');
  in.read(header.data(), static_cast<std::streamsize>(header.size()));
  header.resize(static_cast<std::size_t>(in.gcount()));
  return image_info_from_header(header, bytes);
}

}  // namespace hvctl
