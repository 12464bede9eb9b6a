#include <doctest/doctest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "hvctl/error.hpp"
#include "hvctl/text.hpp"
#include "hvctl/units.hpp"

using namespace hvctl;

namespace {
std::uint64_t mib(const std::string& s) { return std::get<std::uint64_t>(parse_size_mib(s)); }
std::string err(const std::string& s) { return std::get<std::string>(parse_size_mib(s)); }
}  // namespace

TEST_CASE("sizes parse in binary units") {
  CHECK(mib("512MiB") == 512);
  CHECK(mib("2GiB") == 2048);
  CHECK(mib("1TiB") == 1024 * 1024);
  CHECK(mib("2048KiB") == 2);
  CHECK(mib("4 GiB") == 4096);
}

TEST_CASE("sizes reject what would be a guess") {
  CHECK(err("2048").find("has no unit") != std::string::npos);
  CHECK(err("2GB").find("ambiguous: use GiB") != std::string::npos);
  CHECK(err("2G").find("use GiB") != std::string::npos);
  CHECK(err("1000KiB").find("whole number of MiB") != std::string::npos);
  CHECK(err("GiB").find("not a size") != std::string::npos);
  CHECK(err("-1GiB").find("not a size") != std::string::npos);
  CHECK(err("2PiB").find("unknown unit") != std::string::npos);
  CHECK(err("99999999999999999999GiB").find("too large") != std::string::npos);
  CHECK(err("18014398509481984TiB").find("too large") != std::string::npos);
}

TEST_CASE("sizes format in the largest exact unit") {
  CHECK(format_size_mib(2048) == "2GiB");
  CHECK(format_size_mib(1536) == "1536MiB");
  CHECK(format_size_mib(1024 * 1024) == "1TiB");
  CHECK(format_size_mib(0) == "0MiB");
}

TEST_CASE("durations parse in seconds, minutes and hours") {
  auto secs = [](const std::string& s) { return std::get<int>(parse_duration_seconds(s)); };
  auto bad = [](const std::string& s) { return std::get<std::string>(parse_duration_seconds(s)); };
  CHECK(secs("90") == 90);
  CHECK(secs("90s") == 90);
  CHECK(secs("5m") == 300);
  CHECK(secs("1h") == 3600);
  CHECK(bad("0").find("between 1s and 24h") != std::string::npos);
  CHECK(bad("25h").find("between 1s and 24h") != std::string::npos);
  CHECK(bad("5 min").find("not a duration") != std::string::npos);
  CHECK(bad("").find("not a duration") != std::string::npos);
  CHECK(bad("-5s").find("not a duration") != std::string::npos);
  CHECK(bad("99999999999999s").find("not a duration") != std::string::npos);
}

TEST_CASE("read_input_file: the whole file, or a clear refusal past 64 MiB") {
  const auto dir = std::filesystem::temp_directory_path() / ("hvctl-read-input-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto small = (dir / "small.cfg").string(), big = (dir / "big.cfg").string();
  { std::ofstream(small, std::ios::binary) << std::string("name = \"a\"\n\0x", 13); }
  CHECK(read_input_file(small) == std::string("name = \"a\"\n\0x", 13));
  std::filesystem::resize_file(std::filesystem::path(small), 0);
  CHECK(read_input_file(small).empty());
  { std::ofstream(big, std::ios::binary); }
  std::filesystem::resize_file(std::filesystem::path(big), kMaxInputFile + 1);
  CHECK_THROWS_WITH_AS(read_input_file(big), doctest::Contains("larger than 64 MiB"), InputError);
  CHECK_THROWS_WITH_AS(read_input_file((dir / "missing").string()), doctest::Contains("cannot read"), InputError);
  std::filesystem::remove_all(dir);
}
