// The spec fields a native format says one to one, from the field table's xl
// and vmx columns: one key, the same meaning, the same unit (sizes in MiB).
// Readers and writers walk these; what needs more (xl's root/extra, VMware's
// guestOS names) stays with each format.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "hvctl/spec_fields.hpp"

namespace hvctl::formats {

struct DirectKey {
  const fields::Field* field;
  std::string key;  // as the format writes it: "vcpus", "cpuid.coresPerSocket"
};

std::vector<DirectKey> xl_direct_keys();
std::vector<DirectKey> vmx_direct_keys();

// The value as the format writes it: numbers bare (sizes in MiB), text as is.
std::string native_text(const fields::Field& f, const fields::Value& v);

// The range a number must be in: the table's, and for sizes, in MiB.
long native_min(const fields::Field& f);
long native_max(const fields::Field& f);

// Why `text` is not a value of choice field `f`, or nullopt when it is (or `f` is no choice).
std::optional<std::string> not_a_choice(const fields::Field& f, const std::string& key, const std::string& text);

}  // namespace hvctl::formats
