#include "snapshot_scheduler.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <exception>
#include <optional>

namespace customerdb::persistence {

snapshot_scheduler::snapshot_scheduler(std::chrono::seconds interval, std::uint64_t every_commits,
                                       std::function<void()> take)
    : interval_(interval), every_commits_(every_commits), take_(std::move(take)) {
  if (interval_.count() > 0 || every_commits_ > 0) thread_ = std::thread([this] { run(); });
}

snapshot_scheduler::~snapshot_scheduler() { stop(); }

void snapshot_scheduler::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool snapshot_scheduler::due_by_count() const noexcept {
  return every_commits_ > 0 && commits_.load() - covered_.load() >= every_commits_;
}

void snapshot_scheduler::committed() {
  const std::uint64_t n = commits_.fetch_add(1) + 1;
  if (every_commits_ > 0 && n - covered_.load() == every_commits_) {
    { std::lock_guard lock(mutex_); }  // the thread is waiting, or will see the count
    wake_.notify_one();
  }
}

void snapshot_scheduler::snapshot_done(std::uint64_t covered) {
  std::uint64_t current = covered_.load();
  while (current < covered && !covered_.compare_exchange_weak(current, covered)) {
  }
  std::lock_guard lock(mutex_);
  last_ = clock::now();
}

void snapshot_scheduler::run() {
  std::unique_lock lock(mutex_);
  auto backoff = std::chrono::seconds(1);
  // After a failure: no attempt before hold_until. (A plain flag and time point rather than an
  // optional, which GCC's Release warnings misread as maybe-uninitialized.)
  bool holding = false;
  clock::time_point hold_until{};
  while (!stopping_) {
    if (holding) {
      wake_.wait_until(lock, hold_until, [&] { return stopping_; });
    } else if (interval_.count() > 0) {
      wake_.wait_until(lock, last_ + interval_, [&] { return stopping_ || due_by_count(); });
    } else {
      wake_.wait(lock, [&] { return stopping_ || due_by_count(); });
    }
    if (stopping_) break;
    const auto now = clock::now();
    if (holding && now < hold_until) continue;
    const bool due =
        holding || due_by_count() || (interval_.count() > 0 && now >= last_ + interval_);
    holding = false;
    if (!due) continue;
    lock.unlock();
    bool ok = true;
    try {
      take_();
    } catch (const std::exception& e) {
      fmt::print(stderr, "customerdb: background snapshot failed: {}\n", e.what());
      ok = false;
    }
    lock.lock();
    if (ok) {
      backoff = std::chrono::seconds(1);
    } else {
      holding = true;
      hold_until = clock::now() + backoff;
      backoff = std::min<std::chrono::seconds>(backoff * 2, std::chrono::minutes(1));
    }
  }
}

}  // namespace customerdb::persistence
