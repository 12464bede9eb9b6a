// One libxlutil parse of an xl.cfg text, with what libxlutil printed captured
// instead of going to stderr. Internal to the xl.cfg reader.
#pragma once

#include <cstdio>
#include <string>

#include "xlu_c.hpp"

namespace hvctl::formats {

class XluSession {
public:
  // Parses `text`; ok() tells whether libxlutil accepted it. `file` names it in messages.
  XluSession(const std::string& text, const std::string& file);
  ~XluSession();
  XluSession(const XluSession&) = delete;
  XluSession& operator=(const XluSession&) = delete;

  bool ok() const { return ok_; }
  XLU_Config* cfg() const { return cfg_; }
  // What libxlutil printed since the last call, with the "file: " prefix kept.
  std::string take_report();

private:
  char* buf_ = nullptr;
  std::size_t size_ = 0;
  std::size_t taken_ = 0;
  FILE* report_ = nullptr;
  XLU_Config* cfg_ = nullptr;  // destroyed before report_ is closed
  bool ok_ = false;
};

}  // namespace hvctl::formats
