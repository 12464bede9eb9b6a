// Accessors for the field table: each table entry names the VmSpec member it
// reads and writes, and these templates turn that member into a pair of
// functions over fields::Value.
#pragma once

#include "hvctl/spec_fields.hpp"

namespace hvctl::fields::access {

inline Value to_value(const std::optional<std::string>& v) { return v ? Value{*v} : Value{}; }
inline Value to_value(const std::optional<int>& v) { return v ? Value{static_cast<long long>(*v)} : Value{}; }
inline Value to_value(const std::optional<std::uint64_t>& v) { return v ? Value{static_cast<long long>(*v)} : Value{}; }
inline Value to_value(const std::optional<bool>& v) { return v ? Value{*v} : Value{}; }
inline Value to_value(const std::optional<Firmware>& v) { return v ? Value{std::string(to_string(*v))} : Value{}; }
inline Value to_value(const std::optional<PowerState>& v) { return v ? Value{std::string(to_string(*v))} : Value{}; }
inline Value to_value(const std::string& v) { return v.empty() ? Value{} : Value{v}; }
inline Value to_value(Ensure e) { return e == Ensure::absent ? Value{std::string("absent")} : Value{}; }
inline Value to_value(const std::map<std::string, std::string>& m) { return m.empty() ? Value{} : Value{m}; }
inline Value to_value(const Strings& v) { return v.empty() ? Value{} : Value{v}; }

inline void from_value(std::optional<std::string>& out, const Value& v) {
  if (auto* s = std::get_if<std::string>(&v)) out = *s; else out.reset();
}
inline void from_value(std::optional<int>& out, const Value& v) {
  if (auto* n = std::get_if<long long>(&v)) out = static_cast<int>(*n); else out.reset();
}
inline void from_value(std::optional<std::uint64_t>& out, const Value& v) {
  if (auto* n = std::get_if<long long>(&v)) out = static_cast<std::uint64_t>(*n); else out.reset();
}
inline void from_value(std::optional<bool>& out, const Value& v) {
  if (auto* b = std::get_if<bool>(&v)) out = *b; else out.reset();
}
inline void from_value(std::optional<Firmware>& out, const Value& v) {
  auto* s = std::get_if<std::string>(&v);
  out = s ? parse_firmware(*s) : std::nullopt;
}
inline void from_value(std::optional<PowerState>& out, const Value& v) {
  auto* s = std::get_if<std::string>(&v);
  out = s ? parse_power_state(*s) : std::nullopt;
}
inline void from_value(std::string& out, const Value& v) {
  auto* s = std::get_if<std::string>(&v);
  out = s ? *s : std::string();
}
inline void from_value(Ensure& out, const Value& v) {
  auto* s = std::get_if<std::string>(&v);
  out = s && *s == "absent" ? Ensure::absent : Ensure::present;
}
inline void from_value(Strings& out, const Value& v) {
  auto* l = std::get_if<Strings>(&v);
  out = l ? *l : Strings{};
}
inline void from_value(std::map<std::string, std::string>& out, const Value& v) {
  auto* m = std::get_if<std::map<std::string, std::string>>(&v);
  out = m ? *m : std::map<std::string, std::string>{};
}

// A member of the owner itself: member<&VmSpec::firmware>(), member<&DiskSpec::bus>().
template <typename Owner, typename T, T Owner::*M>
Access member_of() {
  return {[](const void* o) { return to_value(static_cast<const Owner*>(o)->*M); },
          [](void* o, const Value& v) { from_value(static_cast<Owner*>(o)->*M, v); }};
}
template <auto M> struct Member;
template <typename Owner, typename T, T Owner::*M>
struct Member<M> {
  static Access make() { return member_of<Owner, T, M>(); }
};
template <auto M>
Access member() { return Member<M>::make(); }

// A member of a VmSpec member: nested<&VmSpec::cpu, &CpuSpec::count>().
template <auto G, auto M>
Access nested() {
  return {[](const void* o) { return to_value(static_cast<const VmSpec*>(o)->*G.*M); },
          [](void* o, const Value& v) { from_value(static_cast<VmSpec*>(o)->*G.*M, v); }};
}

// A member of an optional block: in_block<&VmSpec::xen, &XenBlock::type>().
// Setting a value makes the block present; clearing one leaves it as it is.
template <auto B, auto M>
Access in_block() {
  return {[](const void* o) {
            const auto& block = static_cast<const VmSpec*>(o)->*B;
            return block ? to_value(*block.*M) : Value{};
          },
          [](void* o, const Value& v) {
            auto& block = static_cast<VmSpec*>(o)->*B;
            if (!block && !is_set(v)) return;
            if (!block) block.emplace();
            from_value(*block.*M, v);
          }};
}

// A member of a struct in an optional block:
// in_block_nested<&VmSpec::vsphere, &VsphereBlock::customization, &CustomizationSpec::ipv4>().
template <auto B, auto G, auto M>
Access in_block_nested() {
  return {[](const void* o) {
            const auto& block = static_cast<const VmSpec*>(o)->*B;
            return block ? to_value((*block).*G.*M) : Value{};
          },
          [](void* o, const Value& v) {
            auto& block = static_cast<VmSpec*>(o)->*B;
            if (!block && !is_set(v)) return;
            if (!block) block.emplace();
            from_value((*block).*G.*M, v);
          }};
}

// The block itself: set when present (true), and made present by any value.
template <auto B>
Access block() {
  return {[](const void* o) { return (static_cast<const VmSpec*>(o)->*B) ? Value{true} : Value{}; },
          [](void* o, const Value& v) {
            auto& block = static_cast<VmSpec*>(o)->*B;
            if (!is_set(v)) block.reset();
            else if (!block) block.emplace();
          }};
}

}  // namespace hvctl::fields::access
