// Native VM configuration formats (xl.cfg, VMware .vmx, libvirt domain XML)
// and hvctl/v1 specs: the vocabulary shared by every importer and exporter.
//
// A conversion never drops anything silently: whatever the source says that
// the destination cannot express comes back as a Loss, with where it was said.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "hvctl/error.hpp"
#include "hvctl/spec.hpp"

namespace hvctl::formats {

enum class NativeFormat { yaml, xl, vmx, libvirt };

const char* to_string(NativeFormat f);                            // "yaml", "xl", "vmx", "libvirt"
std::optional<NativeFormat> parse_native_format(const std::string& s);
inline const std::vector<std::string> kFormatNames = {"yaml", "xl", "vmx", "libvirt"};

// Something the source said that the destination does not carry over.
struct Loss {
  SourceMark mark;      // where the source said it (file only when no line is known)
  std::string message;  // "key 'sdl' = 1 is not carried over (...)"
  std::string str() const;  // "file:line: message"
};

struct Imported {
  VmSpec spec;  // field_marks point into the native file
  std::vector<Loss> losses;
};

struct Exported {
  std::string text;  // the whole native document
  std::vector<Loss> losses;
};

// Which format `text` is in, from its content (the file name's extension
// breaks a tie). Throws InputError naming `file` when it cannot tell.
NativeFormat detect_format(const std::string& text, const std::string& file);

// Throws InputError "file:line:column: ..." when `text` holds bytes no text
// config contains (NUL, other control characters), as binary files do.
void require_text(const std::string& text, const std::string& file);

// Whether a native key holds a secret: its name contains "passw" or "secret"
// (vncpasswd, spicepasswd, RemoteDisplay.vnc.password, ...), in any case.
bool is_secret_key(const std::string& key);
// A value as a Loss may quote it: a secret key's value is withheld.
std::string loss_value(const std::string& key, const std::string& value);
inline constexpr const char* kWithheld = "(value withheld: a secret)";

// A mark for `file` at 1-based `line` (column 1, or none when line is 0).
SourceMark mark_at(const std::string& file, int line);

}  // namespace hvctl::formats
