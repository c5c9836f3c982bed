// grace_timer: runs an action once a grace period has passed, unless disarmed first. The stop
// of `customerdb rpc` uses it to cancel a request still running after --shutdown-timeout-ms.
//
// Thread-safe: start() once, from any thread; disarm() from any thread but the timer's.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace customerdb::cli {

class grace_timer {
 public:
  grace_timer() = default;
  ~grace_timer() { disarm(); }
  grace_timer(const grace_timer&) = delete;
  grace_timer& operator=(const grace_timer&) = delete;

  // Runs `action` on a thread of its own after `grace`, unless disarm() comes first. Does
  // nothing when already started or disarmed.
  void start(std::chrono::milliseconds grace, std::function<void()> action) {
    std::lock_guard lock(mutex_);
    if (started_ || disarmed_) return;
    started_ = true;
    thread_ = std::thread([this, grace, action = std::move(action)] {
      std::unique_lock wait(mutex_);
      if (!woken_.wait_for(wait, grace, [this] { return disarmed_; })) {
        wait.unlock();
        action();
      }
    });
  }

  // Keeps the action from running, or waits until it has run. Later start()s do nothing.
  void disarm() {
    {
      std::lock_guard lock(mutex_);
      disarmed_ = true;
    }
    woken_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

 private:
  std::mutex mutex_;
  std::condition_variable woken_;
  bool started_ = false;
  bool disarmed_ = false;
  std::thread thread_;
};

}  // namespace customerdb::cli
