// snapshot_scheduler: takes durable_store's background snapshots when they are due: `interval`
// after the last one, or once `every_commits` commits have happened since the last one began
// (either rule off when 0). A failed snapshot is reported on stderr and retried after a
// back-off of 1 s doubling up to 1 min. Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>

namespace customerdb::persistence {

class snapshot_scheduler {
 public:
  using clock = std::chrono::steady_clock;

  // Starts the thread, which calls `take` for each snapshot due.
  snapshot_scheduler(std::chrono::seconds interval, std::uint64_t every_commits,
                     std::function<void()> take);
  // Stops the thread, waiting for a snapshot in progress.
  ~snapshot_scheduler();
  snapshot_scheduler(const snapshot_scheduler&) = delete;
  snapshot_scheduler& operator=(const snapshot_scheduler&) = delete;

  // Stops the thread, waiting for a snapshot in progress. Idempotent.
  void stop();
  // Counts one commit. Cheap: an atomic increment, and a wake-up when a snapshot becomes due.
  void committed();
  // The commits counted so far: a snapshot starting now covers them.
  std::uint64_t commits() const noexcept { return commits_.load(); }
  // A snapshot that covers the first `covered` commits counted is durable.
  void snapshot_done(std::uint64_t covered);

 private:
  bool due_by_count() const noexcept;
  void run();

  const std::chrono::seconds interval_;
  const std::uint64_t every_commits_;
  const std::function<void()> take_;
  std::atomic<std::uint64_t> commits_{0};
  std::atomic<std::uint64_t> covered_{0};
  std::mutex mutex_;
  std::condition_variable wake_;
  clock::time_point last_ = clock::now();  // guarded by mutex_
  bool stopping_ = false;                  // guarded by mutex_
  std::thread thread_;
};

}  // namespace customerdb::persistence
