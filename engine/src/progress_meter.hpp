// detail::progress_meter: counts what one phase of a long operation (an import, the recovery of
// a data directory) has done, on any of its threads, and reports it to the caller's
// progress_callback (customer_module.hpp) every `step` units, one call at a time. Without a
// callback it does nothing but count. Thread-safe.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string_view>

#include "customerdb/customer_module.hpp"

namespace customerdb::detail {

class progress_meter {
 public:
  static constexpr std::uint64_t step = 1 << 16;

  explicit progress_meter(const progress_callback& callback) : callback_(callback) {}

  // Starts `phase` with `total` units to do (0: not known), and reports that nothing is done.
  // REQUIRES: no other thread is counting.
  void start(std::string_view phase, std::uint64_t total) {
    phase_ = phase;
    total_ = total;
    done_ = 0;
    reported_ = 0;
    report(0);
  }
  // Adds to the total of the phase.
  void add_total(std::uint64_t more) { total_ += more; }
  // Counts `units` done; reports once another `step` units are done since the last report.
  void add(std::uint64_t units) {
    const std::uint64_t done = done_.fetch_add(units) + units;
    if (callback_ && done - reported_.load(std::memory_order_relaxed) >= step) report(done);
  }
  // Reports what is done now (the end of a phase).
  void flush() { report(done_); }

  // Calls f(item) for every item of `items`, counting them.
  template <class Items, class F>
  void each(const Items& items, F&& f) {
    std::uint64_t counted = 0;
    for (const auto& item : items) {
      f(item);
      if (++counted == 1024) {
        add(counted);
        counted = 0;
      }
    }
    add(counted);
  }

 private:
  void report(std::uint64_t done) {
    if (!callback_) return;
    std::lock_guard one_at_a_time(mutex_);
    reported_ = done;
    const std::uint64_t total = total_;
    callback_(progress_report{phase_, total ? std::min(done, total) : done, total});
  }

  const progress_callback callback_;  // a copy: callers pass temporaries too
  std::mutex mutex_;
  std::string_view phase_;
  std::atomic<std::uint64_t> total_{0};
  std::atomic<std::uint64_t> done_{0};
  std::atomic<std::uint64_t> reported_{0};
};

}  // namespace customerdb::detail
