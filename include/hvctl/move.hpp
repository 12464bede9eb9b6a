// hvctl move: a cold migration of one VM from one target to another, of any
// two backends. Plan first (pure translation, then reads of both targets),
// then copy each disk (verified, resumable), define the VM on the
// destination, and leave the source defined, powered off and labelled so it
// is never started next to its copy by accident.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "hvctl/backend.hpp"
#include "hvctl/session.hpp"

namespace hvctl {

// The label a moved source carries: "TARGET/NAME" of its copy. A start of it,
// by a verb or an apply of its old spec, is refused without --force.
inline constexpr const char* kMovedToLabel = "hvctl.moved-to";
// The label the copy carries: "TARGET/NAME" of the VM it was moved from.
inline constexpr const char* kMovedFromLabel = "hvctl.moved-from";

// Why `vm` must not start or be changed by an old spec: it was moved, and
// its copy runs elsewhere. "" when it was not moved.
std::string moved_away(const VmState& vm);

struct MoveRequest {
  std::string vm;                     // on the source target
  std::string to;                     // destination target: a config name or a URI
  std::optional<std::string> as;      // guest type on a Xen destination: pv | pvh | hvm
  std::optional<std::string> name;    // the VM's name on the destination; unset: the same
  std::map<std::string, std::string> networks;  // --map-network SRC=DST
  std::string storage;                // datastore, pool or directory on the destination; "": its default
  bool shutdown = false;              // stop a running source gracefully first
  bool start = true;                  // power the copy on once it is defined
  bool wait = false;                  // then wait until it is ready
  bool delete_source = false;         // delete the source once the copy is ready
  bool consolidate = false;           // delete the source's snapshots first (their changes stay in its disks)
};

// A field of the source VM that the destination does not carry, and why.
struct MoveLoss {
  std::string field;   // "cpu.cap", "vsphere.guestId", "cdroms.image"
  std::string reason;
  bool operator==(const MoveLoss&) const = default;
};

// The source VM's spec made for the destination.
struct MoveTranslation {
  VmSpec spec;                        // what the destination defines; disks[].path still the source's
  std::vector<std::string> kept;      // fields carried as they were ("cpu.count", "memory.size")
  std::vector<MoveLoss> lost;
  std::vector<std::string> devices;   // how each device becomes one of the destination's
  std::vector<std::string> guest;     // changes the guest needs or may notice (disk names, drivers)
  std::vector<std::string> problems;  // what stops the move: an unmapped network
};

// What the translation reads of the two targets: their capabilities and
// the destination's networks.
struct MoveEnds {
  const Capabilities& from;
  const Capabilities& to;
  std::vector<NetworkInfo> networks;  // the destination's
  std::string from_ref;               // "TARGET/NAME" of the source, for its copy's label
};

// Pure: the spec the destination gets, what it keeps and loses, which
// device becomes which, which networks are unmapped.
MoveTranslation translate_for_move(const VmSpec& source, const MoveRequest& request, const MoveEnds& ends);

// One disk to copy: where from, where to, and how its format travels.
struct DiskCopy {
  DiskSource source;
  DiskPlacement placement;
  std::string how;  // "raw stream, written sparse: both ends hold raw content"
};

struct MovePlan {
  Target from, to;
  MoveRequest request;
  std::string dest_name;
  PowerState source_power = PowerState::stopped;
  MoveTranslation translation;
  std::vector<DiskCopy> disks;
  std::vector<std::string> problems;  // everything that stops the move; empty: it can run
  std::vector<std::string> resumes;   // disks an earlier run left, which this one continues
  // --consolidate: the source's snapshots, children before their parents,
  // deleted before any copy; the disks are read again after.
  std::vector<SnapshotInfo> consolidate;
};

// Pure: `snapshots` (any order) with every child before its parent.
std::vector<SnapshotInfo> children_first(const std::vector<SnapshotInfo>& snapshots);

// Reads the source VM and both targets and plans the move. Throws
// NotFoundError for an absent source VM; every other reason not to move is
// a problem in the plan, found before anything is copied.
MovePlan plan_move(const MoveRequest& request, Session& session);

struct MoveHooks {
  // A step done or under way, for stderr: "disk root: copied 2.0 GiB in 14 s".
  std::function<void(const std::string& line)> step;
  // A disk's copy so far, for a live status line: bytes done of total, rate, ETA.
  std::function<void(const std::string& disk, std::uint64_t done, std::uint64_t total, double bytes_per_s)> copying;
  std::function<int()> interrupts;  // signals so far; above 0 the copy stops at its next block
};

struct MoveResult {
  bool ok = false;
  std::vector<std::string> done;   // each step that completed, in order
  std::string error;               // what failed, and what state it left ("copies kept for a re-run")
  ExitCode failure = ExitCode::backend_failure;
  VmSpec spec;                     // the destination's spec as defined (its target set)
  std::map<std::string, std::string> checksums;  // disk id -> "xxh128:<hex>" of its raw content, as verified (xxhsum -H2)
};

// Carries out a plan without problems. Never throws: the result says what
// was done. A failure defines nothing on the destination (a VM it defined is
// destroyed again), keeps the disk copies made so far for a re-run to
// resume, and leaves the source as it found it, except a --shutdown stop and
// the snapshots --consolidate deleted (the error says so).
MoveResult run_move(const MovePlan& plan, Session& session, const MoveHooks& hooks);

}  // namespace hvctl
