// hvctl snapshot create|list|revert|remove VM [NAME]
#include <fmt/format.h>

#include "command_table.hpp"

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

int run_snapshot(const SnapshotOptions& o, Context& ctx) {
  const auto op = parse_op(o.action);
  if (op != SnapshotRequest::Op::list && o.name.empty())
    throw InputError(fmt::format("snapshot {} needs a snapshot name: hvctl snapshot {} {} NAME", o.action, o.action, o.vm));
  const Target t = ctx.session().target_for(std::nullopt);
  std::vector<TargetLock> lock;
  if (op != SnapshotRequest::Op::list) lock = ctx.lock_target(t, "snapshot " + o.action);
  Backend& b = ctx.session().backend(t);
  if (!b.lookup(o.vm)) throw NotFoundError(t.name, o.vm);
  const auto names = b.snapshot(o.vm, {op, o.name});
  Result r{"SnapshotList"};
  r.data["vm"] = o.vm;
  r.data["target"] = t.name;
  r.data["items"] = Json::array();
  if (op == SnapshotRequest::Op::list) {
    for (const auto& n : names) r.data["items"].push_back({{"name", n}});
    r.items_key = "items";
    r.columns = {{"SNAPSHOT", "/name"}};
    ctx.out().render(r);
  } else {
    ctx.out().info(fmt::format("{}: snapshot '{}' {}", o.vm, o.name,
                               op == SnapshotRequest::Op::create   ? "created"
                               : op == SnapshotRequest::Op::revert ? "reverted to"
                                                                   : "removed"));
  }
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
