// Format detection, the text check every importer runs first, and names.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "formats.hpp"
#include "formats_test_util.hpp"
#include "unit/source_dir.hpp"

using namespace hvctl;
using namespace hvctl::formats;
using hvctl::formats::test::slurp;


TEST_CASE("detect_format: every corpus file by its content alone") {
  const std::filesystem::path corpus = ::hvctl::test_source_dir() + "/tests/formats/corpus";
  int seen = 0;
  for (const auto& entry : std::filesystem::directory_iterator(corpus)) {
    const auto ext = entry.path().extension().string();
    const NativeFormat expected = ext == ".vmx" ? NativeFormat::vmx : ext == ".xml" ? NativeFormat::libvirt
                                  : ext == ".yaml" ? NativeFormat::yaml : NativeFormat::xl;
    CHECK_MESSAGE(detect_format(slurp(entry.path()), "no-extension") == expected, entry.path().string());
    ++seen;
  }
  CHECK(seen >= 10);
}

TEST_CASE("detect_format: the extension breaks a tie; otherwise a clear error") {
  CHECK(detect_format("name = \"x\"\n", "a.cfg") == NativeFormat::xl);
  CHECK(detect_format("name = \"x\"\n", "a.vmx") == NativeFormat::vmx);
  CHECK_THROWS_WITH_AS(detect_format("hello world\n", "mystery"),
                       doctest::Contains("mystery: cannot tell"), InputError);
}

TEST_CASE("require_text rejects binary data with file:line:column") {
  CHECK_NOTHROW(require_text("a = 1\r\n\tb = 2\n", "f"));
  CHECK_THROWS_WITH_AS(require_text("a = 1\nb\x01 = 2\n", "f.cfg"), "f.cfg:2:2: binary data (byte 0x01): not a text configuration file",
                       InputError);
  CHECK_THROWS_AS(require_text(std::string("x\0y", 3), "f"), InputError);
}

TEST_CASE("format names") {
  for (const auto& name : kFormatNames) CHECK(to_string(*parse_native_format(name)) == name);
  CHECK_FALSE(parse_native_format("ovf"));
}
