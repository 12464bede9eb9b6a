#include "formats.hpp"

#include <filesystem>
#include <regex>

#include <fmt/format.h>

namespace hvctl::formats {

const char* to_string(NativeFormat f) {
  switch (f) {
    case NativeFormat::yaml: return "yaml";
    case NativeFormat::xl: return "xl";
    case NativeFormat::vmx: return "vmx";
    case NativeFormat::libvirt: return "libvirt";
  }
  return "?";
}

std::optional<NativeFormat> parse_native_format(const std::string& s) {
  for (auto f : {NativeFormat::yaml, NativeFormat::xl, NativeFormat::vmx, NativeFormat::libvirt})
    if (s == to_string(f)) return f;
  return std::nullopt;
}

std::string Loss::str() const {
  const std::string where = mark.line > 0 ? fmt::format("{}:{}", mark.file, mark.line) : mark.file;
  return where.empty() ? message : where + ": " + message;
}

SourceMark mark_at(const std::string& file, int line) { return {file, line, line > 0 ? 1 : 0}; }

void require_text(const std::string& text, const std::string& file) {
  int line = 1, column = 1;
  for (unsigned char c : text) {
    if (c == '\n') { ++line; column = 1; continue; }
    if ((c < 0x20 && c != '\t' && c != '\r' && c != '\f') || c == 0x7f)
      throw InputError(fmt::format("{}:{}:{}: binary data (byte 0x{:02x}): not a text configuration file", file,
                                   line, column, c));
    ++column;
  }
}

namespace {

// Scores: how many lines look like each format. Cheap and order-independent.
struct Votes {
  int yaml = 0, xl = 0, vmx = 0, xml = 0;
};

Votes vote(const std::string& text) {
  static const std::regex kVmx(R"(^\s*[A-Za-z_.][\w.:-]*\s*=\s*"[^"]*"\s*$)");
  static const std::regex kVmxKey(R"(^\s*([\w-]+[.:][\w.:-]*|\.encoding|displayName|guestOS|memsize|numvcpus)\s*=)",
                                  std::regex::icase);
  static const std::regex kXl(R"(^\s*[A-Za-z_][\w]*\s*\+?=\s*(\[|'|[0-9-]|"[^"]*"\s*(#.*)?$))");
  static const std::regex kYaml(R"(^(apiVersion|kind)\s*:)");
  Votes v;
  std::size_t pos = 0;
  while (pos < text.size()) {
    auto end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    const std::string line = text.substr(pos, end - pos);
    pos = end + 1;
    if (std::regex_search(line, kYaml)) v.yaml += 3;
    if (std::regex_search(line, kVmxKey)) v.vmx += 2;
    else if (std::regex_search(line, kXl)) v.xl += 1;
    if (std::regex_search(line, kVmx)) v.vmx += 1;
  }
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first != std::string::npos && text[first] == '<' && text.find("<domain") != std::string::npos) v.xml = 1000;
  return v;
}

std::optional<NativeFormat> from_extension(const std::string& file) {
  const auto ext = std::filesystem::path(file).extension().string();
  if (ext == ".yaml" || ext == ".yml") return NativeFormat::yaml;
  if (ext == ".vmx") return NativeFormat::vmx;
  if (ext == ".xml") return NativeFormat::libvirt;
  if (ext == ".cfg") return NativeFormat::xl;
  return std::nullopt;
}

}  // namespace

NativeFormat detect_format(const std::string& text, const std::string& file) {
  const Votes v = vote(text);
  const std::pair<int, NativeFormat> ranked[] = {
      {v.xml, NativeFormat::libvirt}, {v.yaml, NativeFormat::yaml}, {v.vmx, NativeFormat::vmx}, {v.xl, NativeFormat::xl}};
  int best = 0, ties = 0;
  std::optional<NativeFormat> winner;
  for (const auto& [score, format] : ranked) {
    if (score > best) { best = score; winner = format; ties = 0; }
    else if (score == best && score > 0) ++ties;
  }
  if (winner && ties == 0) return *winner;
  if (auto by_name = from_extension(file)) return *by_name;
  throw InputError(fmt::format("{}: cannot tell whether this is xl.cfg, .vmx, libvirt XML or a hvctl spec; "
                               "say which with --from xl|vmx|libvirt|yaml", file));
}

}  // namespace hvctl::formats
