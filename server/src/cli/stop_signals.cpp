#include "stop_signals.hpp"

#include <fmt/format.h>
#include <pthread.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <mutex>
#include <thread>
#include <utility>

namespace customerdb::cli {

struct stop_signals::impl {
  sigset_t set{};
  // Guards handler and pending, and is held while the handler runs, so that once set_handler()
  // returns the previous handler is not running and will not run again.
  std::mutex mutex;
  std::function<void(int)> handler;
  int pending = 0;   // the first signal, while no handler is set
  int received = 0;  // signals taken (watcher thread only)
  std::atomic<bool> closing{false};
  std::thread watcher;

  void watch() {
    for (;;) {
      int signal = 0;
      if (::sigwait(&set, &signal) != 0) continue;
      if (closing.load()) return;
      if (++received > 1) stop_now(signal);
      std::lock_guard lock(mutex);
      if (handler) {
        handler(signal);
      } else {
        pending = signal;
      }
    }
  }

  [[noreturn]] static void stop_now(int signal) {
    fmt::print(stderr,
               "customerdb: signal {} again: stopping now, skipping the journal's final sync "
               "(acknowledged writes are in the journal)\n",
               signal);
    std::fflush(stderr);
    ::_exit(128 + signal);
  }
};

stop_signals::stop_signals() : impl_(std::make_unique<impl>()) {
  sigemptyset(&impl_->set);
  sigaddset(&impl_->set, SIGINT);
  sigaddset(&impl_->set, SIGTERM);
  ::pthread_sigmask(SIG_BLOCK, &impl_->set, nullptr);
  impl_->watcher = std::thread([m = impl_.get()] { m->watch(); });
}

stop_signals::~stop_signals() {
  impl_->closing.store(true);
  // Wakes the watcher with a signal it takes as the sign to end.
  ::pthread_kill(impl_->watcher.native_handle(), SIGTERM);
  impl_->watcher.join();
}

void stop_signals::set_handler(std::function<void(int signal)> on_first) {
  std::lock_guard lock(impl_->mutex);
  impl_->handler = std::move(on_first);
  if (impl_->handler && impl_->pending != 0) impl_->handler(std::exchange(impl_->pending, 0));
}

}  // namespace customerdb::cli
