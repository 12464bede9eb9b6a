// Serialises changes to a target between hvctl processes on this machine, so
// two `hvctl apply` runs of the same specs cannot both plan "create" for a VM
// or interleave their changes: each takes an exclusive flock(2) on a file
// named after the target's URI, plans only after it holds the lock, and
// holds it until it is done. The loser waits (saying for whom) up to a
// timeout, then fails with TimeoutError.
//
// Lock files live in $HVCTL_LOCK_DIR, else $XDG_RUNTIME_DIR/hvctl, else
// /tmp/hvctl-UID (created 0700, refused when another user owns it). They are
// never deleted: removing a lock file others may hold breaks flock. Targets
// whose state lives in the hvctl process itself (test:///default) take no
// lock. The lock covers one machine; vSphere's changeVersion guards
// reconfigurations across machines.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "hvctl/target.hpp"

namespace hvctl {

class TargetLock {
public:
  TargetLock(int fd, std::string target) : fd_(fd), target_(std::move(target)) {}
  TargetLock(TargetLock&& other) noexcept : fd_(other.fd_), target_(std::move(other.target_)) { other.fd_ = -1; }
  TargetLock& operator=(TargetLock&&) = delete;
  TargetLock(const TargetLock&) = delete;
  ~TargetLock();  // releases the lock

  const std::string& target() const { return target_; }

private:
  int fd_;
  std::string target_;
};

struct LockOptions {
  std::chrono::milliseconds timeout{std::chrono::minutes(5)};  // 0: fail at once when busy
  std::string what;                                           // the command, recorded for waiters
  // Called once per target when it is busy: "target 'vc' is busy (hvctl apply, pid 42); waiting up to 300s".
  std::function<void(const std::string&)> waiting;
};

// Where lock files go; creates the directory. Throws Error when it is unsafe.
std::string lock_directory();

// Locks each distinct target (sorted by URI, so two runs never deadlock).
// Throws TimeoutError naming the holder when a lock stays busy past the
// timeout.
std::vector<TargetLock> lock_targets(const std::vector<Target>& targets, const LockOptions& options);

}  // namespace hvctl
