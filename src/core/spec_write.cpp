// A VmSpec as hvctl/v1 data, along the field table: fields in table order,
// sizes in their largest exact unit, empty groups left out. The same tree is
// printed as YAML (export) or nested in JSON output (get), and parse_specs
// reads the YAML back unchanged.
#include <string_view>

#include "hvctl/output.hpp"
#include "hvctl/spec_fields.hpp"
#include "hvctl/spec_io.hpp"
#include "hvctl/units.hpp"
#include "spec_schema.hpp"

namespace hvctl {
namespace {

using namespace fields;

Json value_json(const Field& f, const Value& v) {
  if (auto* s = std::get_if<std::string>(&v)) return *s;
  if (auto* b = std::get_if<bool>(&v)) return *b;
  if (auto* n = std::get_if<long long>(&v))
    return f.kind == Kind::size ? Json(format_size_mib(static_cast<std::uint64_t>(*n))) : Json(*n);
  if (auto* m = std::get_if<std::map<std::string, std::string>>(&v)) return *m;
  if (auto* l = std::get_if<Strings>(&v)) return *l;
  return nullptr;
}

template <typename Item>
Json items_json(const Field& list, const std::vector<Item>& items) {
  Json out = Json::array();
  for (const auto& item : items) {
    Json j = Json::object();
    for (const Field* f : children(list.path))
      if (auto v = get(*f, item); is_set(v) || f->kind == Kind::id) j[f->leaf()] = is_set(v) ? value_json(*f, v) : "";
    out.push_back(std::move(j));
  }
  return out;
}

Json group_json(const Field& group, const VmSpec& s) {
  Json j = Json::object();
  for (const Field* f : children(group.path)) {
    if (f->kind == Kind::group) {
      if (Json child = group_json(*f, s); !child.empty()) j[f->leaf()] = std::move(child);
    } else if (f->kind == Kind::list) {
      Json list;
      visit_list(*f, s, [&](const auto& items) { list = items_json(*f, items); });
      if (!list.empty()) j[f->leaf()] = std::move(list);
    } else if (f->kind != Kind::constant) {
      // metadata.name is written even when empty; other names (spec.source's) only when set
      const bool always = std::string_view(f->path) == "metadata.name";
      if (auto v = get(*f, s); is_set(v) || always) j[f->leaf()] = is_set(v) ? value_json(*f, v) : "";
    }
  }
  return j;
}

}  // namespace

Json spec_body_json(const VmSpec& s) { return group_json(*find("spec"), s); }

Json spec_json(const VmSpec& s) {
  return {{"apiVersion", kApiVersion},
          {"kind", kKind},
          {"metadata", group_json(*find("metadata"), s)},
          {"spec", spec_body_json(s)}};
}

std::string spec_to_yaml(const VmSpec& s) { return json_to_yaml(spec_json(s)); }

}  // namespace hvctl
