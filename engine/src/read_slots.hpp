// detail::read_slots: how many long reads work at once, and their turns.
//
// A long read (a scan, a sort, a large answer; see pinned_reads.hpp) holds the store's shared
// latch while it works and lets a waiting commit in at its next pause. That pause comes within
// microseconds only while the read is running on a core: a read that the operating system has
// preempted holds the latch until it is scheduled again, milliseconds later, and the commit
// waits that long. So no more long reads work at once than there are cores: each takes a slot,
// and a read waiting for a slot holds no latch. Past a turn (`turn`), a read hands its slot to
// the next in line at a pause, so that a short read is not queued behind a scan of minutes.
// Slots are handed out in the order they were asked for, and a release wakes only the read
// whose turn it is.
//
// Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>

namespace customerdb::detail {

class read_slots {
 public:
  using clock = std::chrono::steady_clock;

  // How long a read keeps its slot while others wait: about a scheduler's time slice.
  static constexpr std::chrono::microseconds turn{2000};

  // `slots` long reads may work at once. REQUIRES: slots >= 1.
  explicit read_slots(unsigned slots) : free_(slots) {}
  read_slots(const read_slots&) = delete;
  read_slots& operator=(const read_slots&) = delete;

  // Takes a slot if one is free and no read waits for one.
  bool try_acquire() {
    std::lock_guard lock(mutex_);
    if (free_ == 0 || !queue_.empty()) return false;
    --free_;
    return true;
  }

  // Takes a slot, after every read that asked for one before.
  void acquire() {
    std::unique_lock lock(mutex_);
    if (free_ > 0 && queue_.empty()) {
      --free_;
      return;
    }
    waiter self;
    queue_.push_back(&self);
    waiting_.store(queue_.size(), std::memory_order_relaxed);
    self.woken.wait(lock, [&] { return self.granted; });
  }

  // Gives the slot back: to the read first in line, if one waits.
  void release() {
    std::lock_guard lock(mutex_);
    if (queue_.empty()) {
      ++free_;
      return;
    }
    waiter* next = queue_.front();
    queue_.pop_front();
    waiting_.store(queue_.size(), std::memory_order_relaxed);
    next->granted = true;
    next->woken.notify_one();  // under the mutex: `next` lives until it has seen `granted`
  }

  // How many reads wait for a slot (a hint: it may change at once).
  std::size_t waiting() const noexcept { return waiting_.load(std::memory_order_relaxed); }
  bool contended() const noexcept { return waiting() != 0; }

 private:
  struct waiter {
    std::condition_variable woken;
    bool granted = false;
  };

  std::mutex mutex_;
  unsigned free_;
  std::deque<waiter*> queue_;  // reads waiting for a slot, first in line first
  std::atomic<std::size_t> waiting_{0};  // queue_.size()
};

}  // namespace customerdb::detail
