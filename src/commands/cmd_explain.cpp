// hvctl explain [FIELD]: a spec field, or a group and everything under it, as
// the field table says: type, meaning, and what each backend does with it.
#include <fmt/format.h>

#include "command_table.hpp"
#include "hvctl/spec_doc.hpp"

namespace hvctl {
namespace {

using namespace fields;

const char* use_word(Use u) {
  switch (u) {
    case Use::hot: return "hot";
    case Use::restart: return "restart";
    case Use::create: return "create";
    case Use::refused: return "refused";
    case Use::none: return "ignored";
  }
  return "?";
}

// The fields a word names: a document path ("spec.cpu") or a key ("cpu"),
// with everything below it.
std::vector<const Field*> select(const std::string& word) {
  const Field* root = word.empty() ? nullptr : find(word);
  if (!root && !word.empty()) root = find_key(word);
  std::vector<const Field*> out;
  if (!root && !word.empty()) return out;
  const std::string prefix = root ? root->path : "";
  for (const auto& f : table()) {
    const std::string path = f.path;
    if (prefix.empty() || path == prefix || path.rfind(prefix + ".", 0) == 0 || path.rfind(prefix + "[]", 0) == 0)
      out.push_back(&f);
  }
  return out;
}

std::string not_found(const std::string& word) {
  const auto hint = closest(word);
  return fmt::format("no spec field '{}'{}; see 'hvctl explain'", word, hint.empty() ? "" : " (did you mean '" + hint + "'?)");
}

Json field_json(const Field& f) {
  Json backends = Json::object();
  for (auto c : kColumns)
    if (!f.universal()) backends[to_string(c)] = {{"use", use_word(f.on(c).use)}, {"how", f.on(c).how}};
  Json j = {{"path", f.path}, {"type", f.type}, {"doc", f.doc}};
  if (!backends.empty()) j["backends"] = backends;
  return j;
}

std::string field_text(const Field& f) {
  std::string out = fmt::format("{} ({})\n  {}\n", f.path, f.type, f.doc);
  for (auto c : kColumns)
    if (const auto text = backend_use_text(f, c); !text.empty()) out += fmt::format("  {}: {}\n", column_title(c), text);
  return out;
}

}  // namespace

void setup_explain(CLI::App& app, RunFn& run) {
  auto field = std::make_shared<std::string>();
  app.add_option("field", *field, "A spec field or group: spec.cpu.count, cpu.count, spec.xen (default: all)")
      ->type_name("FIELD");
  run = [field](Context& ctx) {
    const auto selected = select(*field);
    if (selected.empty()) throw InputError(not_found(*field));
    if (ctx.out().tabular()) {
      std::string text;
      for (const auto* f : selected) text += (text.empty() ? "" : "\n") + field_text(*f);
      ctx.out().raw(text);
      return 0;
    }
    Result r{"FieldList"};
    r.data["items"] = Json::array();
    for (const auto* f : selected) r.data["items"].push_back(field_json(*f));
    ctx.out().render(r);
    return 0;
  };
}

}  // namespace hvctl
