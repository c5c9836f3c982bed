// detail::batch_scheduling: runs the calling thread as a batch job while it lives.
//
// A long read is CPU-bound work that nobody waits for by the microsecond; a commit or a point
// read is the opposite. Under Linux's default policy a long read that wakes (after giving way
// to a commit, or when its turn comes: read_slots.hpp) may preempt the thread of a commit that
// is running, which then waits for a core for milliseconds. SCHED_BATCH tells the scheduler
// the thread is CPU-bound: it still gets its fair share of the processor, but never preempts
// another thread on waking. The guard switches only a thread that runs under the default
// policy (SCHED_OTHER), and switches it back at its end, which Linux allows any thread; a
// thread with another policy (real-time, idle) is left as it is. Elsewhere it does nothing.
//
// Thread-compatible: a guard belongs to the thread that made it.
#pragma once

#if defined(__linux__)
#include <pthread.h>
#include <sched.h>
#endif

namespace customerdb::detail {

class batch_scheduling {
 public:
  batch_scheduling() noexcept {
#if defined(__linux__)
    int policy = 0;
    sched_param param{};
    if (pthread_getschedparam(pthread_self(), &policy, &param) != 0 || policy != SCHED_OTHER)
      return;
    param.sched_priority = 0;
    switched_ = pthread_setschedparam(pthread_self(), SCHED_BATCH, &param) == 0;
#endif
  }
  ~batch_scheduling() {
#if defined(__linux__)
    if (!switched_) return;
    sched_param param{};
    pthread_setschedparam(pthread_self(), SCHED_OTHER, &param);
#endif
  }
  batch_scheduling(const batch_scheduling&) = delete;
  batch_scheduling& operator=(const batch_scheduling&) = delete;

 private:
  bool switched_ = false;
};

}  // namespace customerdb::detail
