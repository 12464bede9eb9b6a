// The one renderer. Commands hand it a Result; it prints table, JSON or YAML.
#include "hvctl/output.hpp"

#include <algorithm>
#include <iostream>
#include <sstream>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "hvctl/error.hpp"

namespace hvctl {
namespace {

Json document(const Result& r) {
  Json doc = {{"formatVersion", kFormatVersion}, {"kind", r.kind}};
  for (const auto& [key, value] : r.data.items()) doc[key] = value;
  return doc;
}

std::string serialise(const Json& doc, Format format) {
  return format == Format::json ? doc.dump(2) + "\n" : json_to_yaml(doc);
}

// Strings a YAML reader would take for a number, boolean or null.
bool looks_like_non_string(const std::string& s) {
  static const char* const kWords[] = {"true", "false", "yes", "no", "on", "off", "null", "~",
                                       "True", "False", "Yes", "No", "On", "Off", "Null", "NULL", "TRUE", "FALSE"};
  if (s.empty()) return true;
  for (const char* w : kWords)
    if (s == w) return true;
  const char c = s[0];
  return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.';
}

// Whether `s` reads back the same from a `|` block (clip: one final line
// break): lines of printable text ending in exactly one line break, none
// with trailing blanks, the first not indented.
bool reads_back_as_literal(const std::string& s) {
  if (s.size() < 2 || s.back() != '\n' || s[s.size() - 2] == '\n' || s.find('\n') == s.size() - 1) return false;
  if (s.front() == ' ' || s.front() == '\t') return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == '\n' && i > 0 && (s[i - 1] == ' ' || s[i - 1] == '\t')) return false;
    if (c < 0x20 && c != '\n') return false;
  }
  return true;
}

void emit_yaml(YAML::Emitter& e, const Json& j) {
  switch (j.type()) {
    case Json::value_t::object:
      e << YAML::BeginMap;
      for (const auto& [k, v] : j.items()) {
        e << YAML::Key << k << YAML::Value;
        emit_yaml(e, v);
      }
      e << YAML::EndMap;
      break;
    case Json::value_t::array:
      e << YAML::BeginSeq;
      for (const auto& v : j) emit_yaml(e, v);
      e << YAML::EndSeq;
      break;
    case Json::value_t::string: {
      const auto& s = j.get_ref<const std::string&>();
      if (reads_back_as_literal(s))  // a file's text: its lines under `|`, whose clip adds the final break back
        e << YAML::Literal << s.substr(0, s.size() - 1);
      else if (!looks_like_non_string(s)) e << s;
      else e << YAML::DoubleQuoted << s;
      break;
    }
    case Json::value_t::boolean: e << j.get<bool>(); break;
    case Json::value_t::null: e << YAML::Null; break;
    default: e << j.dump(); break;  // numbers
  }
}

std::string cell(const Json& item, const std::string& pointer) {
  const Json::json_pointer ptr(pointer);
  if (!item.contains(ptr)) return "-";
  const auto& v = item.at(ptr);
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return "-";
  if (v.is_object()) {
    std::string out;
    for (const auto& [k, val] : v.items())
      out += (out.empty() ? "" : ",") + k + "=" + (val.is_string() ? val.get<std::string>() : val.dump());
    return out.empty() ? "-" : out;
  }
  return v.dump();
}

}  // namespace

Format parse_format(const std::string& s) {
  if (s == "table") return Format::table;
  if (s == "wide") return Format::wide;
  if (s == "json") return Format::json;
  if (s == "yaml") return Format::yaml;
  throw InputError(fmt::format("unknown output format '{}': use table, wide, json or yaml", s));
}

std::string json_to_yaml(const Json& j) {
  YAML::Emitter e;
  emit_yaml(e, j);
  return std::string(e.c_str()) + "\n";
}

std::string render_json(const Result& r) { return serialise(document(r), Format::json); }

std::string render_yaml(const Result& r) { return serialise(document(r), Format::yaml); }

std::string render_table(const Result& r, bool wide) {
  if (r.columns.empty()) return json_to_yaml(r.data);
  auto columns = r.columns;
  if (wide) columns.insert(columns.end(), r.wide_columns.begin(), r.wide_columns.end());
  std::vector<std::vector<std::string>> rows;
  rows.emplace_back();
  for (const auto& c : columns) rows.back().push_back(c.header);
  if (r.data.contains(r.items_key))
    for (const auto& item : r.data.at(r.items_key)) {
      rows.emplace_back();
      for (const auto& c : columns) rows.back().push_back(cell(item, c.key));
    }
  std::vector<std::size_t> width(columns.size(), 0);
  for (const auto& row : rows)
    for (std::size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
  std::string out;
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t i = 0; i < row.size(); ++i)
      line += i + 1 == row.size() ? row[i] : fmt::format("{:<{}}  ", row[i], width[i]);
    out += line + "\n";
  }
  for (const auto& f : r.footer) out += f + "\n";
  return out;
}

Output::Output(std::ostream& out, std::ostream& err, Format format, int verbosity, bool err_is_tty)
    : out_(out), err_(err), format_(format), verbosity_(verbosity), err_tty_(err_is_tty) {}

Output::~Output() {
  try {
    finish();
  } catch (...) {  // a stream that throws on destruction has nowhere to report to
  }
}

void Output::render(const Result& result) {
  std::lock_guard lock(mutex_);
  record_ = document(result);
  clear_status();
  if (tabular()) {
    out_ << render_table(result, format_ == Format::wide);
    out_.flush();
    return;
  }
  if (!held_.is_null()) out_ << serialise(held_, format_);  // a command's bug: keep both rather than lose one
  held_ = document(result);
}

void Output::fail(const Json& errors, bool standalone) {
  std::lock_guard lock(mutex_);
  if (errors.empty()) return;
  if (record_.is_null()) record_ = {{"formatVersion", kFormatVersion}, {"kind", "Error"}};
  for (const auto& e : errors) record_["errors"].push_back(e);
  if (tabular()) return;
  if (held_.is_null()) {
    if (!standalone) return;
    held_ = {{"formatVersion", kFormatVersion}, {"kind", "Error"}};
  }
  Json& list = held_["errors"];
  if (!list.is_array()) list = Json::array();
  for (const auto& e : errors) list.push_back(e);
}

void Output::finish() {
  std::lock_guard lock(mutex_);
  clear_status();
  if (held_.is_null()) return;
  out_ << serialise(held_, format_);
  out_.flush();
  held_ = Json();
}

Json Output::record() const {
  std::lock_guard lock(mutex_);
  return record_;
}

void Output::raw(const std::string& text) {
  std::lock_guard lock(mutex_);
  clear_status();
  out_ << text;
  out_.flush();
}

void Output::clear_status() {
  if (status_.empty()) return;
  err_ << "\r\033[K" << std::flush;
  status_.clear();
}

void Output::line_to_err(const std::string& line) {
  if (!status_.empty()) err_ << "\r\033[K";
  err_ << line << "\n";
  if (!status_.empty()) err_ << status_;
  err_.flush();
}

void Output::info(const std::string& line) {
  if (verbosity_ < 0) return;
  std::lock_guard lock(mutex_);
  line_to_err(line);
}

void Output::debug(const std::string& line) { log(LogLevel::verbose, line); }

void Output::prompt(const std::string& question) {
  std::lock_guard lock(mutex_);
  err_ << question << std::flush;
}

void Output::warn(const std::string& line) {
  std::lock_guard lock(mutex_);
  line_to_err("warning: " + line);
}

bool Output::shows(LogLevel level) const { return level == LogLevel::warning || verbosity_ >= static_cast<int>(level); }

void Output::log(LogLevel level, const std::string& line) {
  if (level == LogLevel::warning) return warn(line);
  if (!shows(level)) return;
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  std::lock_guard lock(mutex_);
  line_to_err(fmt::format("[{:.3f}s] {}", seconds, line));
}

void Output::warn_once(const std::string& key, const std::string& line) {
  {
    std::lock_guard lock(mutex_);
    if (!warned_.insert(key).second) return;
  }
  warn(line);
}

std::string status_with_progress(const std::string& base, const std::map<std::string, unsigned>& progress) {
  std::string line = base;
  for (const auto& [task, percent] : progress) {
    if (!line.empty()) line += " | ";
    line += fmt::format("{}: {}%", task, percent);
  }
  return line;
}

void Output::draw_status() {
  const std::string line = status_with_progress(status_base_, progress_);
  if (line == status_) return;
  err_ << "\r\033[K" << line << std::flush;
  status_ = line;
}

void Output::set_status(const std::string& line) {
  if (!shows_status()) return;
  std::lock_guard lock(mutex_);
  status_base_ = line;
  draw_status();
}

void Output::progress(const std::string& task, unsigned percent) {
  percent = std::min(percent, 100u);
  if (shows_status()) {
    std::lock_guard lock(mutex_);
    if (percent == 100) progress_.erase(task);
    else progress_[task] = percent;
    draw_status();
    return;
  }
  if (!shows(LogLevel::verbose)) return;
  const unsigned tenth = percent / 10;
  {
    std::lock_guard lock(mutex_);
    auto [it, fresh] = progress_.try_emplace(task, tenth);
    if (!fresh && it->second >= tenth) return;
    it->second = tenth;
    if (percent == 100) progress_.erase(it);
  }
  log(LogLevel::verbose, fmt::format("{}: {}%", task, tenth * 10));
}

}  // namespace hvctl
