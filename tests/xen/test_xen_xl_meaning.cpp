// What a written xl.cfg means to xl: every golden spec goes through
// write_xl_cfg, and the text is read the way xl itself reads it (libxlutil's
// parser, xl.cfg(5)'s rule for the guest type, xlu_disk_parse for each disk)
// into a libxl_domain_config. Its guest type, memory, vCPUs and devices must be the ones the
// Xen backend builds from the same spec. A spec -> xl.cfg -> spec round trip
// goes through hvctl's own reader and cannot see a file that means something
// else to xl; this test can.
#include <doctest/doctest.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "hvctl/spec_io.hpp"
#include "xen_config.hpp"
#include "xen_test_util.hpp"
#include "xl_cfg.hpp"
#include "xl_session.hpp"
#include "unit/source_dir.hpp"

using namespace hvctl;

namespace {

namespace fs = std::filesystem;

using xen::test::read_file;

std::string str(const char* s) { return s ? s : ""; }

// xl.cfg(5): type= wins; else builder="hvm" is HVM and builder="generic" PV;
// with neither the guest is PV.
libxl_domain_type xl_guest_type(XLU_Config* cfg) {
  const char* value = nullptr;
  libxl_domain_type type = LIBXL_DOMAIN_TYPE_PV;
  if (xlu_cfg_get_string(cfg, "type", &value, 0) == 0) {
    REQUIRE(libxl_domain_type_from_string(value, &type) == 0);
  } else if (xlu_cfg_get_string(cfg, "builder", &value, 0) == 0 && std::strcmp(value, "hvm") == 0) {
    type = LIBXL_DOMAIN_TYPE_HVM;
  }
  return type;
}

// The written text into `out` as xl would fill it: guest type, disks, and one
// NIC per vif item with its bridge (xl's own vif parser is not in libxlutil:
// the items are split at ',' and '=' here, which is all hvctl writes).
void read_as_xl(const std::string& text, xen::DomainConfig& out) {
  formats::XluSession session(text, "written.cfg");
  REQUIRE_MESSAGE(session.ok(), session.take_report());
  auto& c = *out.get();
  c.c_info.type = xl_guest_type(session.cfg());
  long mib = 0;  // as xl's parse_config_data: memory sets both, maxmem the ceiling
  if (xlu_cfg_get_long(session.cfg(), "memory", &mib, 0) == 0) c.b_info.target_memkb = c.b_info.max_memkb = mib * 1024;
  if (xlu_cfg_get_long(session.cfg(), "maxmem", &mib, 0) == 0) c.b_info.max_memkb = mib * 1024;
  // vcpus: that many, all online; maxvcpus: the ceiling, the first vcpus online.
  long online = 0;
  if (xlu_cfg_get_long(session.cfg(), "vcpus", &online, 0) == 0) c.b_info.max_vcpus = static_cast<int>(online);
  if (xlu_cfg_get_long(session.cfg(), "maxvcpus", &mib, 0) == 0 && mib != online) {
    c.b_info.max_vcpus = static_cast<int>(mib);
    xen::online_vcpus(static_cast<int>(online), c.b_info.max_vcpus, c.b_info.avail_vcpus);
  }
  XLU_ConfigList* list = nullptr;
  int count = 0;
  if (xlu_cfg_get_list(session.cfg(), "disk", &list, &count, 0) == 0 && count > 0) {
    c.disks = static_cast<libxl_device_disk*>(std::calloc(count, sizeof(libxl_device_disk)));
    for (int i = 0; i < count; ++i) {
      libxl_device_disk_init(&c.disks[i]);
      c.num_disks = i + 1;
      const char* item = xlu_cfg_get_listitem(list, i);
      REQUIRE(item);
      CHECK_MESSAGE(xlu_disk_parse(session.cfg(), 1, &item, &c.disks[i]) == 0, item);
    }
  }
  if (xlu_cfg_get_list(session.cfg(), "vif", &list, &count, 0) == 0 && count > 0) {
    c.nics = static_cast<libxl_device_nic*>(std::calloc(count, sizeof(libxl_device_nic)));
    for (int i = 0; i < count; ++i) {
      libxl_device_nic_init(&c.nics[i]);
      c.num_nics = i + 1;
      std::stringstream item(str(xlu_cfg_get_listitem(list, i)));
      for (std::string part; std::getline(item, part, ',');) {
        while (!part.empty() && part.front() == ' ') part.erase(0, 1);
        if (part.rfind("bridge=", 0) == 0) c.nics[i].bridge = strdup(part.c_str() + 7);
      }
    }
  }
}

void compare(const libxl_domain_config& written, const libxl_domain_config& built) {
  CHECK(str(libxl_domain_type_to_string(written.c_info.type)) == str(libxl_domain_type_to_string(built.c_info.type)));
  CHECK(written.b_info.target_memkb == built.b_info.target_memkb);
  CHECK(written.b_info.max_memkb == built.b_info.max_memkb);
  CHECK(written.b_info.max_vcpus == built.b_info.max_vcpus);
  CHECK(libxl_bitmap_count_set(&written.b_info.avail_vcpus) == libxl_bitmap_count_set(&built.b_info.avail_vcpus));
  REQUIRE(written.num_disks == built.num_disks);
  for (int i = 0; i < built.num_disks; ++i) {
    const auto& w = written.disks[i];
    const auto& b = built.disks[i];
    CAPTURE(i);
    CHECK(str(w.pdev_path) == str(b.pdev_path));
    CHECK(str(w.vdev) == str(b.vdev));
    CHECK(w.is_cdrom == b.is_cdrom);
    CHECK(w.readwrite == b.readwrite);
    CHECK(w.format == b.format);
  }
  REQUIRE(written.num_nics == built.num_nics);
  for (int i = 0; i < built.num_nics; ++i) CHECK(str(written.nics[i].bridge) == str(built.nics[i].bridge));
}

}  // namespace

TEST_CASE("every golden spec's xl.cfg means to xl what the Xen backend builds from the spec") {
  const fs::path golden = fs::path(::hvctl::test_source_dir()) / "tests" / "golden";
  int compared = 0, typed = 0;
  for (const auto& entry : fs::recursive_directory_iterator(golden)) {
    if (entry.path().extension() != ".yaml") continue;
    std::vector<Problem> problems;
    const auto specs = parse_specs(read_file(entry.path()), entry.path().string(), problems);
    if (!problems.empty()) continue;  // not a spec document (a plan, a reconfiguration's expected output)
    for (const auto& spec : specs) {
      CAPTURE(entry.path().string());
      CAPTURE(spec.name);
      const auto out = formats::write_xl_cfg(spec);
      xen::DomainConfig written;
      read_as_xl(out.text, written);
      ++typed;
      CHECK(str(libxl_domain_type_to_string(written.get()->c_info.type)) == xen::domain_type(spec));
      if (!xen::check_spec(spec).empty()) continue;  // the backend refuses it; the writer notes what it leaves out
      xen::DomainConfig built;
      xen::build_domain_config(spec, "", built);
      // A disk the writer leaves out (one hvctl would create from a size or a
      // base image) is a loss it names; the rest must match one to one.
      int left_out = 0;
      for (const auto& loss : out.losses) left_out += loss.message.find("is left out") != std::string::npos;
      if (left_out) {
        CHECK(written.get()->num_disks == built.get()->num_disks - left_out);
        continue;
      }
      compare(*written.get(), *built.get());
      ++compared;
    }
  }
  CHECK(typed >= 20);
  CHECK(compared >= 8);
}
