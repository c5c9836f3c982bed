// detail::call_budget: how long one call may work, checked as it works.
//
// A call has a deadline (context::with_deadline) and the module can cancel every call
// (customer_module::cancel_calls). The view counts the rows a call visits (scans, lookups,
// sorts, answers) and every `check_interval` rows asks the budget whether the call may go on;
// check() throws `timed_out` when it may not, and the call unwinds as from any error: a write
// is undone, nothing is published. Between checks a call does a bounded amount of work, so it
// stops within about a millisecond of its deadline.
//
// A read may also give way to commits at its pauses (pause(), pinned_reads.hpp): the budget
// then calls its `yielder` every check_interval rows, which may release and retake the store's
// latch. Callers pause only where they hold no iterator into a table.
//
// Thread-compatible: one budget belongs to one call on one thread; the cancellation flag it
// reads is atomic.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>

namespace customerdb::detail {

// What a paused read gives way through (the engine's read of the committed store).
class yielder {
 public:
  virtual void yield() = 0;

 protected:
  ~yielder() = default;
};

class call_budget {
 public:
  using clock = std::chrono::steady_clock;

  // Rows visited between two checks: a few tens of microseconds of work.
  static constexpr std::uint32_t check_interval = 256;

  call_budget(std::optional<clock::time_point> deadline, const std::atomic<bool>& cancelled,
              yielder* yields_to = nullptr)
      : deadline_(deadline), cancelled_(&cancelled), yielder_(yields_to) {}

  // Whether pause() may give way to commits.
  bool may_yield() const noexcept { return yielder_ != nullptr; }

  // Throws timed_out when the module cancelled its calls or the deadline has passed.
  void check() const;

  // Counts one row visited; checks every check_interval rows.
  void tick() {
    if (++ticks_ == check_interval) {
      ticks_ = 0;
      check();
    }
  }

  // tick(), and at each check also gives way to commits. REQUIRES: the caller holds no
  // iterator into a table.
  void pause() {
    if (++ticks_ == check_interval) {
      ticks_ = 0;
      check();
      if (yielder_) yielder_->yield();
    }
  }

 private:
  std::optional<clock::time_point> deadline_;
  const std::atomic<bool>* cancelled_;
  yielder* yielder_;
  std::uint32_t ticks_ = 0;
};

}  // namespace customerdb::detail
