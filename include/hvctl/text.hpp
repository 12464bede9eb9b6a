// Small text helpers for messages.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace hvctl {

// `text` for quoting in a message: as it is, or when longer than 40
// characters its first 32 and its length ("abc... (70000 characters)"), so
// a hostile input cannot turn one message into megabytes.
std::string excerpt(const std::string& text);

// The closest allowed word within a small edit distance (case-insensitive),
// or "": for "did you mean" hints. Defined beside the schema's words
// (src/core/spec_schema.cpp), which use it for unknown keys and values.
std::string did_you_mean(const std::string& word, const std::vector<std::string>& allowed);

// `uri` with the password of its userinfo replaced by "***"
// ("https://admin:***@host/sdk"); anything else as it is. Every URI that
// reaches output (tables, JSON, error messages, logs) goes through this.
std::string redact_uri(const std::string& uri);

// True when `uri`'s userinfo holds a password ("scheme://user:pass@host").
bool uri_has_password(const std::string& uri);

// The most hvctl reads of one input file (a spec, an xl.cfg, a .vmx, domain
// XML). The parsers behind them (libxlutil, libxml2) take an int length, and
// no VM's configuration comes near this.
inline constexpr std::size_t kMaxInputFile = std::size_t{64} << 20;

// The whole of `path`; InputError (without the path: the caller says where)
// when it cannot be read or is larger than kMaxInputFile.
std::string read_input_file(const std::string& path);

// A short, stable digest of `text` (16 hex digits of 64-bit FNV-1a): to tell
// contents apart in plans and instance-ids, not for security.
std::string content_digest(const std::string& text);

}  // namespace hvctl
