// hvctl snapshot create|list|revert|remove VM [NAME]
#include <ctime>
#include <map>

#include <fmt/chrono.h>
#include <fmt/format.h>

#include "command_table.hpp"
#include "views.hpp"

namespace hvctl {
namespace {

struct SnapshotOptions {
  std::string action;
  std::string vm;
  std::string name;
};

SnapshotRequest::Op parse_op(const std::string& action) {
  if (action == "create") return SnapshotRequest::Op::create;
  if (action == "revert") return SnapshotRequest::Op::revert;
  if (action == "remove") return SnapshotRequest::Op::remove;
  return SnapshotRequest::Op::list;
}

const char* past_tense(SnapshotRequest::Op op) {
  switch (op) {
    case SnapshotRequest::Op::create: return "created";
    case SnapshotRequest::Op::revert: return "reverted to";
    case SnapshotRequest::Op::remove: return "removed";
    case SnapshotRequest::Op::list: break;
  }
  return "listed";
}

// create|revert|remove: a SnapshotResult for JSON and YAML; a table reader
// gets the line on stderr, as before.
void report_change(const SnapshotOptions& o, const Target& t, SnapshotRequest::Op op, Output& out) {
  const std::string line = fmt::format("{}: snapshot '{}' {}", o.vm, o.name, past_tense(op));
  if (out.tabular()) {
    out.info(line);
    return;
  }
  Result r{"SnapshotResult"};
  r.data["items"] = Json::array({{{"vm", o.vm}, {"target", t.name}, {"action", o.action}, {"snapshot", o.name},
                                  {"ok", true}, {"result", line}}});
  out.render(r);
}

// list: items {name, id, parent (null for a root), created (UTC, null when
// unknown), current}; the table shows the tree, each name indented two
// spaces per level, as govc snapshot.tree does.
Result list_result(const SnapshotOptions& o, const Target& t, const std::vector<SnapshotInfo>& snaps, bool table) {
  Result r{"SnapshotList"};
  r.data["vm"] = o.vm;
  r.data["target"] = t.name;
  r.data["items"] = Json::array();
  std::map<std::string, std::size_t> depth;  // parents come before their children
  for (const auto& s : snaps) {
    const auto parent = depth.find(s.parent);
    depth[s.id] = parent == depth.end() ? 0 : parent->second + 1;
    Json item = {{"name", s.name}, {"id", s.id}, {"parent", nullptr}, {"created", nullptr}, {"current", s.current}};
    if (!s.parent.empty()) item["parent"] = s.parent;
    if (s.created)
      item["created"] = fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", fmt::gmtime(static_cast<std::time_t>(*s.created)));
    if (table) {
      item["tree"] = std::string(2 * depth[s.id], ' ') + s.name;
      item["mark"] = s.current ? "*" : "";
    }
    r.data["items"].push_back(std::move(item));
  }
  r.items_key = "items";
  r.columns = {{"SNAPSHOT", "/tree"}, {"ID", "/id"}, {"CREATED", "/created"}, {"CURRENT", "/mark"}};
  return r;
}

int run_snapshot(const SnapshotOptions& o, Context& ctx) {
  const auto op = parse_op(o.action);
  if (op != SnapshotRequest::Op::list && o.name.empty())
    throw InputError(fmt::format("snapshot {} needs a snapshot name: hvctl snapshot {} {} NAME", o.action, o.action, o.vm));
  const Target t = ctx.session().target_for(std::nullopt);
  const auto snaps = located(t.name, o.vm, [&] {
    std::vector<TargetLock> lock;
    if (op != SnapshotRequest::Op::list) lock = ctx.lock_target(t, "snapshot " + o.action);
    Backend& b = ctx.session().backend(t);
    if (!b.lookup(o.vm)) throw NotFoundError(t.name, o.vm);
    return b.snapshot(o.vm, {op, o.name});
  });
  if (op != SnapshotRequest::Op::list)
    report_change(o, t, op, ctx.out());
  else
    ctx.out().render(list_result(o, t, snaps, ctx.out().tabular()));
  return 0;
}

}  // namespace

void setup_snapshot(CLI::App& app, RunFn& run) {
  auto o = std::make_shared<SnapshotOptions>();
  app.add_option("action", o->action, "What to do")->required()->check(CLI::IsMember({"create", "list", "revert", "remove"}));
  app.add_option("vm", o->vm, "VM name")->required()->type_name("VM");
  app.add_option("name", o->name, "Snapshot name (not for list)");
  run = [o](Context& ctx) { return run_snapshot(*o, ctx); };
}

}  // namespace hvctl
