// Signal counting for interruptible commands; see interrupt.hpp.
#include "hvctl/interrupt.hpp"

#include <atomic>
#include <csignal>

namespace hvctl {
namespace {

std::atomic<int> g_count{0};
std::atomic<bool> g_abandoned{false};
static_assert(std::atomic<int>::is_always_lock_free, "the signal handler needs a lock-free counter");

struct sigaction g_old_int, g_old_term;

void on_signal(int) { g_count.fetch_add(1, std::memory_order_relaxed); }

}  // namespace

InterruptScope::InterruptScope() {
  g_count = 0;
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;  // a blocking read in a backend goes on; the scheduler polls the count
  sigaction(SIGINT, &sa, &g_old_int);
  sigaction(SIGTERM, &sa, &g_old_term);
}

InterruptScope::~InterruptScope() {
  sigaction(SIGINT, &g_old_int, nullptr);
  sigaction(SIGTERM, &g_old_term, nullptr);
}

int interrupt_count() { return g_count.load(std::memory_order_relaxed); }

void mark_work_abandoned() { g_abandoned = true; }
bool work_abandoned() { return g_abandoned; }

}  // namespace hvctl
