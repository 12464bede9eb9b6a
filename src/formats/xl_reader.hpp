// The xl.cfg reader's state, shared by xl_read.cpp (scalars) and
// xl_read_devices.cpp (disk and vif lists). Internal; needs libxlutil.
#pragma once

#include <map>
#include <optional>
#include <set>

#include "formats.hpp"
#include "xl_scan.hpp"
#include "xl_session.hpp"

namespace hvctl::formats {

class XlReader {
public:
  XlReader(const std::string& text, const std::string& file);
  Imported run();

private:
  // Values, each marking the key as consumed; a wrong type is a problem.
  std::optional<std::string> string(const std::string& key);
  std::optional<long> number(const std::string& key, long min, long max);
  std::vector<std::string> list(const std::string& key);

  int line_of(const std::string& key) const;
  int item_line(const std::string& key, std::size_t index) const;
  void mark(const std::string& field, int line) {
    if (line > 0) out_.spec.field_marks[field] = mark_at(file_, line);
  }
  void loss(int line, const std::string& message) { out_.losses.push_back({mark_at(file_, line), message}); }
  void problem(int line, const std::string& message) { problems_.push_back({mark_at(file_, line), message}); }
  std::string describe(const std::string& key);

  void read_identity();

  void read_direct();  // the field table's xl keys
  void read_cpu_and_memory();
  void read_boot();
  void read_firmware();
  void read_actions();
  void read_disks();
  void read_disk(const std::string& text, std::size_t index, int line);
  void read_cdrom(const libxl_device_disk& d, const std::string& what, std::size_t index, int line);
  void read_nics();
  void read_nic(const std::string& text, std::size_t index, int line);
  bool is_default(const std::string& key);  // set to xl.cfg(5)'s default, which hvctl's xl.cfg reproduces
  void report_unused();
  XenBlock& xen();

  std::string file_;
  std::vector<XlSetting> settings_;
  XluSession session_;
  std::set<std::string> consumed_;
  std::vector<Problem> problems_;
  Imported out_;
};

}  // namespace hvctl::formats
