#include "xl_session.hpp"

#include <climits>
#include <cstdlib>
#include <new>

namespace hvctl::formats {

XluSession::XluSession(const std::string& text, const std::string& file) {
  report_ = open_memstream(&buf_, &size_);
  if (!report_) throw std::bad_alloc();
  cfg_ = xlu_cfg_init(report_, file.c_str());
  if (!cfg_) throw std::bad_alloc();
  // xlu_cfg_readdata takes an int: a longer text is refused, never cut short.
  ok_ = text.size() <= static_cast<std::size_t>(INT_MAX) &&
        xlu_cfg_readdata(cfg_, text.data(), static_cast<int>(text.size())) == 0;
}

XluSession::~XluSession() {
  if (cfg_) xlu_cfg_destroy(cfg_);
  if (report_) std::fclose(report_);
  std::free(buf_);
}

std::string XluSession::take_report() {
  std::fflush(report_);
  std::string out(buf_ + taken_, size_ - taken_);
  taken_ = size_;
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

}  // namespace hvctl::formats
