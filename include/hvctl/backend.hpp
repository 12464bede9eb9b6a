// The one interface every hypervisor backend implements.
//
// Contracts: every method that talks to the target throws BackendError (or a
// subclass) whose message names the target, the VM and what was being done,
// followed by the backend's own words. Methods never print and never exit.
// An operation a backend cannot do at all throws UnsupportedError; the
// defaults below do exactly that, so optional operations cost one line.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "hvctl/diagnostics.hpp"
#include "hvctl/disk_transfer.hpp"
#include "hvctl/inventory.hpp"
#include "hvctl/spec.hpp"
#include "hvctl/target.hpp"

namespace hvctl {

// What a backend can do, as plain data the planner and validator read.
struct Capabilities {
  std::string backend;                 // "libvirt", "vsphere", "xen"
  std::string hypervisor;              // what runs the VMs: "xen", "esxi", "kvm", "qemu", "test"
  std::set<std::string> fields;        // spec fields it can express ("cpu.cap", "boot.kernel", ...)
  std::set<std::string> hot_fields;    // fields it can change on a running VM without a restart
  // Disk buses it cannot attach to or detach from a running VM, though
  // "disks.add"/"disks.remove" are hot (QEMU cannot hot-plug ide or sata):
  // such a disk's add or removal needs a restart.
  std::set<std::string> cold_disk_buses;
  bool pause = false;                  // pause/resume
  bool graceful_stop = false;          // a guest-cooperative shutdown exists
  bool snapshots = false;
  // Whether it clones a running VM (spec.source.vm): vSphere does; libvirt
  // and Xen copy disks themselves, so their source must be stopped.
  bool clone_running = false;
  int default_parallel = 4;            // sensible concurrent operations per target
};

// What the target says about a VM beyond its spec, for operators (get,
// list -o wide). Empty where the platform does not say, or the read that
// would say is too dear for list() (then lookup() fills it).
struct VmRuntime {
  std::string host;               // the ESXi host, dom0 or libvirt node it runs on
  std::string path;               // its inventory path on vSphere ("/DC0/vm/web/web-01")
  std::vector<std::string> ips;   // addresses the guest reports (Tools, guest agent, DHCP lease, xenstore)
  std::string agent;              // guest tools/agent: "running", "not running", "connected", "disconnected"
  std::optional<std::int64_t> booted_at;  // Unix time the VM last powered on
  bool operator==(const VmRuntime&) const = default;
};

// What a target reports about one VM. `spec` holds every field the backend can
// observe, in spec terms, so `export` can write it back as a spec.
struct VmState {
  std::string name;
  std::string uuid;
  PowerState power = PowerState::stopped;
  VmSpec spec;
  VmRuntime runtime;
  std::string target;  // the target's name, filled in by the engine
  std::set<std::string> owned_disks;  // ids of disks whose images hvctl made for this VM (destroy deletes them)
  // Hot keys of the backend's Capabilities this VM cannot take while it
  // runs ("disks.add" on a Xen HVM guest): the planner plans them as restarts.
  std::set<std::string> cold_fields;
};

enum class PowerOp { start, stop, reboot, pause, resume };
const char* to_string(PowerOp op);

struct PowerRequest {
  PowerOp op = PowerOp::start;
  bool force = false;                            // stop/reboot: hard, no guest cooperation
  std::chrono::seconds timeout{120};             // graceful stop/reboot: give up after this
};

struct MigrateRequest {
  std::string host;   // the host to move to, as `hvctl hosts` names it
  bool live = false;  // the VM may be running: move it without stopping it
};

struct SnapshotRequest {
  enum class Op { create, list, revert, remove } op = Op::list;
  std::string name;  // unused for list
};

// One snapshot of a VM, as `snapshot list` shows it.
struct SnapshotInfo {
  std::string name;
  std::string id;                       // the platform's own id (vSphere "snapshot-12", libvirt: the name)
  std::string parent;                   // the parent's id; empty for a root
  std::optional<std::int64_t> created;  // Unix time
  bool current = false;                 // the VM's state descends from this one
  bool operator==(const SnapshotInfo&) const = default;
};

// One look at whether a VM is ready; `detail` says what was seen or is missing
// ("running; no IP from VMware Tools yet").
struct Readiness {
  bool ready = false;
  std::string detail;
};

// A VM's console as a byte stream (serial/PV console), or as a URL to open
// elsewhere (vSphere's web console); exactly one of the two is set.
class ConsoleStream {
public:
  virtual ~ConsoleStream() = default;
  // Up to `size` bytes of guest output; 0 when none arrived within
  // `timeout_ms`; -1 when the console closed (the VM went away).
  virtual long read(char* buffer, std::size_t size, int timeout_ms) = 0;
  // Sends keyboard input to the guest.
  virtual void write(const char* data, std::size_t size) = 0;
};

struct ConsoleAccess {
  std::unique_ptr<ConsoleStream> stream;
  std::string url;  // e.g. wss://esx:443/ticket/... for a web console
};

struct TargetInfo {
  std::string backend;   // "libvirt"
  std::string product;   // "QEMU 7.2.0", "VMware vCenter Server 7.0"...
  std::string uri;
};

class Backend {
public:
  virtual ~Backend() = default;

  // Static description; never contacts the target.
  virtual const Capabilities& capabilities() const = 0;

  // Problems in `spec` this backend cannot express (beyond the fields list). No I/O.
  virtual std::vector<Problem> check(const VmSpec& spec) const { return {}; }

  // Changes from `actual` to `desired` this backend would refuse (shrinking a
  // disk, moving one to another bus...), each at its place in `desired`. No
  // I/O: plan shows the VM as impossible and apply leaves it untouched.
  virtual std::vector<Problem> check_transition(const VmSpec& desired, const VmState& actual) const { return {}; }

  // What the target itself would refuse in `desired`, a new VM (`actual`
  // null) or a change to `actual`: an image, ISO or network it lacks, a base
  // image it cannot use. Each at its place in `desired`. Reads only: plan
  // shows the VM as impossible and apply leaves it untouched.
  virtual std::vector<Problem> check_on_target(const VmSpec& desired, const VmState* actual) { return {}; }

  // Connects if needed and says what answers. Throws BackendError if unreachable.
  virtual TargetInfo probe() = 0;

  // Every VM on the target, in as few round trips as the API allows.
  virtual std::vector<VmState> list() = 0;

  // What the target offers VMs (hvctl hosts, networks, storage), each in bulk.
  virtual std::vector<HostInfo> hosts() = 0;
  virtual std::vector<NetworkInfo> networks() = 0;
  virtual std::vector<StorageInfo> storage() = 0;

  // One VM by name; nullopt if there is none.
  virtual std::optional<VmState> lookup(const std::string& name) = 0;

  // Defines a new VM from `spec`, powered off. Throws if the name exists.
  virtual void create(const VmSpec& spec) = 0;

  // Makes the existing VM's configuration match the fields set in `spec`.
  // Only fields in `hot_fields` may be applied to a running VM; the engine
  // stops the VM first when any other field changes.
  virtual void reconfigure(const VmSpec& spec, const VmState& actual) = 0;

  // Changes power state. Idempotent: starting a running VM does nothing.
  // Graceful stop waits up to `timeout` and throws TimeoutError after it.
  virtual void power(const std::string& name, const PowerRequest& request) = 0;

  // Powers off (hard) and removes the VM with its definition. The VM's disk
  // images are kept unless the backend created them. Absent VM: does nothing.
  virtual void destroy(const std::string& name) = 0;

  // Whether the running VM is ready by the conditions in `spec.ready`, or by
  // the backend's best own signal when none are set. One check, no waiting;
  // may keep per-VM state (a console read so far) between calls.
  // Default: ready when running.
  virtual Readiness readiness(const VmSpec& spec);

  // Attaches to the VM's console. Throws UnsupportedError where there is none.
  virtual ConsoleAccess console(const std::string& name) {
    throw UnsupportedError(capabilities().backend, "consoles");
  }

  // Snapshots: create / revert / remove one, or list all. list returns the
  // tree with every parent before its children; the others return nothing.
  // create refuses a name the VM already has (InputError, nothing made).
  virtual std::vector<SnapshotInfo> snapshot(const std::string& name, const SnapshotRequest&) {
    throw UnsupportedError(capabilities().backend, "snapshots");
  }

  // hvctl move, the source's side: the disks of a stopped VM and what a cold
  // copy cannot carry (reads only); then one disk's stream from byte
  // `offset` on (0 unless the source is resumable).
  virtual DiskInventory disks_for_move(const VmState& vm) {
    throw UnsupportedError(capabilities().backend, "moving VMs off this target");
  }
  virtual std::unique_ptr<DiskReader> read_disk(const VmState& vm, const DiskSource& disk, std::uint64_t offset) {
    throw UnsupportedError(capabilities().backend, "moving VMs off this target");
  }

  // hvctl move, the destination's side. Where disk `disk` of the new VM
  // `spec` goes, `capacity` bytes, in `storage` (a datastore, pool or
  // directory the target's storage() lists; "": the target's default).
  // Reads only; throws InputError for storage the target does not have.
  virtual DiskPlacement place_disk(const VmSpec& spec, const DiskSpec& disk, std::uint64_t capacity,
                                   const std::string& storage) {
    throw UnsupportedError(capabilities().backend, "moving VMs onto this target");
  }
  // A writer of the placed disk's raw content, which finds what an earlier,
  // interrupted run of the same move left; and a reader of it, to verify.
  virtual std::unique_ptr<DiskWriter> write_disk(const DiskPlacement& placement) {
    throw UnsupportedError(capabilities().backend, "moving VMs onto this target");
  }
  virtual std::unique_ptr<DiskReader> read_placed(const DiskPlacement& placement) {
    throw UnsupportedError(capabilities().backend, "moving VMs onto this target");
  }

  // hvctl migrate / drain: moves the VM to `request.host` (a name hosts()
  // lists) on this same target; returns the host it was on. A running VM
  // moves only with `live` (vMotion, xl migrate, a live libvirt migration).
  // Everything the move needs is checked before it starts: a host the
  // target lacks, or one without the VM's networks or datastores, or not
  // connected, is an InputError and the VM stays where it was. Already on
  // that host: nothing is done.
  virtual std::string migrate(const std::string& name, const MigrateRequest& request) {
    throw UnsupportedError(capabilities().backend, "moving VMs between hosts (hvctl migrate)");
  }
};

// Makes the backend for a target (by its type), or throws InputError naming
// the type and the build option that would enable it. The backend reports
// through `diagnostics` (never std::cerr), which must outlive it.
std::unique_ptr<Backend> make_backend(const Target& target, Diagnostics& diagnostics = no_diagnostics());

// Backend types compiled into this binary ("libvirt", ...), for `version`.
std::vector<std::string> compiled_backends();

}  // namespace hvctl
