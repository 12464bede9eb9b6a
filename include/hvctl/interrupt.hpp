// Ctrl-C and SIGTERM while apply, delete or destroy change things. The
// handler only counts signals (a lock-free atomic: async-signal-safe); the
// engine's scheduler reads the count. 1: start nothing new, let what runs
// finish. 2: stop waiting for it.
//
// This is the one piece of process-wide mutable state: a signal handler has
// no context object to reach. It is confined to this file's interface.
#pragma once

namespace hvctl {

// While one lives, SIGINT and SIGTERM are counted instead of ending the
// process; the handlers it replaced come back when it goes. The count starts
// at zero for each scope. Scopes do not nest.
class InterruptScope {
public:
  InterruptScope();
  ~InterruptScope();
  InterruptScope(const InterruptScope&) = delete;
  InterruptScope& operator=(const InterruptScope&) = delete;
};

int interrupt_count();  // SIGINT/SIGTERM received in the current scope

// The scheduler stopped waiting for work still in flight (a second signal):
// those threads are inside a backend and cannot be joined, so the process
// must end without running destructors once its result is written.
void mark_work_abandoned();
bool work_abandoned();

}  // namespace hvctl
