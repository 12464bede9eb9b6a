// plan_move: everything hvctl move checks before it copies a byte. It reads
// the source VM and both targets, and never changes either.
#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "hvctl/move.hpp"
#include "move_copy.hpp"

namespace hvctl {
namespace {

std::string ref(const Target& t, const std::string& name) { return t.name + "/" + name; }

std::string label(const VmSpec& s, const char* key) {
  const auto it = s.labels.find(key);
  return it == s.labels.end() ? "" : it->second;
}

void check_source(const VmState& vm, const MovePlan& p, std::vector<std::string>& problems) {
  if (const auto moved = label(vm.spec, kMovedToLabel); !moved.empty())
    problems.push_back(fmt::format("VM '{}' was moved already, to {} (label {}): remove the label to move it "
                                   "again", vm.name, moved, kMovedToLabel));
  if (vm.power != PowerState::stopped && !p.request.shutdown)
    problems.push_back(fmt::format("VM '{}' is {}: a running VM is never copied; stop it, or give --shutdown to "
                                   "shut it down gracefully first", vm.name, to_string(vm.power)));
  if (p.request.delete_source && !p.request.start)
    problems.push_back("--delete-source deletes the source once its copy is ready, so the copy must start: drop "
                       "--no-start");
  if (p.from.uri == p.to.uri)
    problems.push_back(fmt::format("target '{}' is both source and destination; a copy on one target is a clone "
                                   "(spec.source)", p.from.name));
}

std::string how_it_travels(const DiskSource& s, const DiskPlacement& p) {
  if (!s.conversion.empty())
    return fmt::format("raw stream into a {} image: {}", p.format, s.conversion);
  if (s.format == "raw")
    return fmt::format("raw stream into a {} image, no conversion: {}", p.format,
                       p.format == "vmdk" ? "a flat extent is raw content with a descriptor beside it"
                                          : "both ends hold raw content");
  return fmt::format("{} source: this backend hands the disk out only as it is stored, and hvctl writes raw "
                     "content (convert it to raw on the source first, e.g. qemu-img convert -O raw)", s.format);
}

// Free space per destination storage, against what the copies need there.
void check_space(Backend& to, const MovePlan& p, std::vector<std::string>& problems) {
  std::map<std::string, std::uint64_t> need;
  for (const auto& d : p.disks)
    if (!d.placement.exists) need[d.placement.storage] += d.source.capacity;
  if (need.empty()) return;
  for (const auto& s : to.storage()) {
    const auto it = need.find(s.name);
    if (it == need.end() || !s.free_mib) continue;
    const std::uint64_t free = *s.free_mib * 1024 * 1024;
    if (it->second > free)
      problems.push_back(fmt::format("storage '{}' on {} has {} free; the disks need {}", s.name, p.to.name,
                                     move::show_bytes(free), move::show_bytes(it->second)));
  }
}

void place_disks(Backend& to, const DiskInventory& inv, MovePlan& p) {
  const move::Journal journal(move::Journal::file_for(p.from.uri, p.request.vm, p.to.uri, p.dest_name));
  for (const auto& src : inv.disks) {
    const DiskSpec* disk = nullptr;
    for (const auto& d : p.translation.spec.disks)
      if (d.id == src.disk_id) disk = &d;
    if (!disk) continue;
    DiskSpec fresh = *disk;  // (its path and format are still the source's)
    fresh.path.reset();
    fresh.format.reset();
    DiskCopy c{src, to.place_disk(p.translation.spec, fresh, src.capacity, p.request.storage), ""};
    c.how = how_it_travels(src, c.placement);
    if (src.format != "raw" && src.conversion.empty()) p.problems.push_back(fmt::format("disk '{}': {}", src.disk_id, c.how));
    if (c.placement.exists && journal.claims(src.disk_id, c.placement.path))
      p.resumes.push_back(src.disk_id);
    else if (c.placement.exists)
      p.problems.push_back(fmt::format("disk '{}': {} exists on {} and no earlier run of this move made it; hvctl "
                                       "never overwrites a disk (remove it, or move with --name or --storage)",
                                       src.disk_id, c.placement.path, p.to.name));
    p.disks.push_back(std::move(c));
  }
}

// The disks the spec has that the source could not hand out are problems, not silence.
void check_disk_coverage(const VmState& vm, const DiskInventory& inv, std::vector<std::string>& problems) {
  for (const auto& d : vm.spec.disks) {
    bool found = false;
    for (const auto& s : inv.disks) found = found || s.disk_id == d.id;
    if (!found) problems.push_back(fmt::format("disk '{}': the source did not say where its content is", d.id));
  }
}

}  // namespace

std::string moved_away(const VmState& vm) {
  const auto to = label(vm.spec, kMovedToLabel);
  if (to.empty()) return "";
  return fmt::format("VM '{}' was moved to {} (label {}): started here it would run next to its copy", vm.name, to,
                     kMovedToLabel);
}

std::vector<SnapshotInfo> children_first(const std::vector<SnapshotInfo>& snapshots) {
  std::map<std::string, const SnapshotInfo*> by_id;
  for (const auto& s : snapshots) by_id[s.id] = &s;
  const auto depth = [&](const SnapshotInfo& s) {
    std::size_t d = 0;
    for (auto it = by_id.find(s.parent); it != by_id.end() && d <= snapshots.size(); it = by_id.find(it->second->parent))
      ++d;
    return d;
  };
  std::vector<SnapshotInfo> out = snapshots;
  std::stable_sort(out.begin(), out.end(), [&](const auto& a, const auto& b) { return depth(a) > depth(b); });
  return out;
}

MovePlan plan_move(const MoveRequest& request, Session& session) {
  MovePlan p;
  p.request = request;
  p.from = session.target_for(std::nullopt);
  p.to = resolve_target(session.config(), request.to);
  p.dest_name = request.name.value_or(request.vm);
  Backend& from = session.backend(p.from);
  auto vm = from.lookup(request.vm);
  if (!vm) throw NotFoundError(p.from.name, request.vm);
  p.source_power = vm->power;
  check_source(*vm, p, p.problems);
  Backend& to = session.backend(p.to);
  const DiskInventory inv = from.disks_for_move(*vm);
  p.problems.insert(p.problems.end(), inv.blockers.begin(), inv.blockers.end());
  const bool consolidating = request.consolidate && !inv.consolidable.empty();
  if (consolidating)  // the disks a chain hides are read, placed and checked again after it
    p.consolidate = children_first(from.snapshot(vm->name, {SnapshotRequest::Op::list, ""}));
  else
    for (const auto& c : inv.consolidable)
      p.problems.push_back(c + "; or move with --consolidate, which deletes them first");
  if (!consolidating) check_disk_coverage(*vm, inv, p.problems);
  MoveEnds ends{from.capabilities(), to.capabilities(), to.networks(), ref(p.from, request.vm)};
  p.translation = translate_for_move(vm->spec, request, ends);
  p.translation.spec.target = p.to.name;
  p.problems.insert(p.problems.end(), p.translation.problems.begin(), p.translation.problems.end());
  if (to.lookup(p.dest_name))
    p.problems.push_back(fmt::format("target '{}' has a VM named '{}' already; move with --name NEW", p.to.name,
                                     p.dest_name));
  place_disks(to, inv, p);
  for (auto& d : p.translation.spec.disks)
    for (const auto& c : p.disks)
      if (c.source.disk_id == d.id) d.path = c.placement.path, d.format = c.placement.format;
  for (const auto& problem : to.check(p.translation.spec)) p.problems.push_back(problem.message);
  check_space(to, p, p.problems);
  return p;
}

}  // namespace hvctl
