// The YAML walker behind the spec parser: typed reads of YAML nodes (yaml_tree.hpp) that
// record a Problem (file:line:column) instead of throwing.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "yaml_tree.hpp"

#include "hvctl/spec.hpp"
#include "hvctl/spec_fields.hpp"

namespace hvctl {

class SpecReader {
public:
  // `text`: the file's text, for the marks of inline cloud-init files.
  SpecReader(std::string file, std::vector<Problem>& problems, std::string_view text = {})
      : file_(std::move(file)), problems_(problems), text_(text) {}

  std::optional<VmSpec> read(const yaml::Node& doc);

private:
  SourceMark mark(const yaml::Node& n) const {
    auto m = n.Mark();
    if (n.IsNull())  // an empty value's own mark is where the next token starts: use its key's
      for (const auto& [value, key_mark] : empty_values_)
        if (value.is(n)) m = key_mark;
    if (m.is_null()) return {file_, 0, 0};
    return {file_, m.line + 1, m.column + 1};
  }
  void error(const yaml::Node& n, std::string message) { problems_.push_back({mark(n), std::move(message)}); }

  // Checks `n` is a mapping whose keys are all in `allowed` (reporting unknown
  // and duplicate keys). Returns false when `n` is not a mapping.
  bool check_map(const yaml::Node& n, const std::string& path, const std::vector<std::string>& allowed);
  void note(const std::string& field, const yaml::Node& n) { spec_->field_marks[field] = mark(n); }

  std::optional<std::string> str(const yaml::Node& n, const std::string& path);
  std::optional<int> integer(const yaml::Node& n, const std::string& path, long min, long max);
  std::optional<std::uint64_t> size(const yaml::Node& n, const std::string& path);
  std::optional<bool> boolean(const yaml::Node& n, const std::string& path);
  std::optional<std::string> one_of(const yaml::Node& n, const std::string& path,
                                    const std::vector<std::string>& values);
  bool scalar(const yaml::Node& n, const std::string& path);
  std::map<std::string, std::string> string_map(const yaml::Node& n, const std::string& path, bool label_keys);
  fields::Value strings(const yaml::Node& n, const std::string& where);
  fields::Value content(const yaml::Node& n, const fields::Field& f, const std::string& where);

  void error_at(const SourceMark& m, std::string message) { problems_.push_back({m, std::move(message)}); }

  // Table-driven reads (spec_parse.cpp): a mapping of fields, a list of disks
  // or NICs, one value by its kind, then the rules that span fields.
  void read_group(const yaml::Node& n, const fields::Field& group);
  template <typename Item>
  void read_items(const yaml::Node& n, const fields::Field& list, std::vector<Item>& out);
  fields::Value read_value(const yaml::Node& n, const fields::Field& f, const std::string& where);
  void check_relations(const VmSpec& spec);
  void check_controllers(const VmSpec& spec);
  void check_init(const VmSpec& spec);
  void check_cloud_init(const VmSpec& spec);
  // spec_check_provisioning.cpp: init, customization, source, template.
  void check_provisioning(const VmSpec& spec);
  void check_customization(const VmSpec& spec);
  void check_source(const VmSpec& spec);

  SourceFile file_;  // one name for every mark of the file
  std::vector<Problem>& problems_;
  std::string_view text_;
  VmSpec* spec_ = nullptr;
  std::vector<std::pair<yaml::Node, yaml::Mark>> empty_values_;  // `key:` with nothing after it, and its key
  // Where each content field's text came from, by key ("init.cloudInit.userData"):
  // its file, and the line and column its first line is offset by (inline text: the spec's).
  std::map<std::string, SourceMark> contents_;
};

}  // namespace hvctl
