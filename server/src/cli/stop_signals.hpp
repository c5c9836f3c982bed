// SIGINT and SIGTERM for the commands that serve (`rpc`, `serve`): the first asks for a clean
// stop, a second one stops the process at once.
//
// Signals are taken by a thread of their own (sigwait), never by a signal handler or by the
// threads that answer requests, so they are seen however busy those threads are.
//
//   - The first signal calls the stop handler with its number (once a handler is set; a signal
//     that came earlier is handed to the handler as soon as it is set).
//   - A later signal writes "customerdb: signal <N> again: stopping now, skipping the journal's
//     final sync (acknowledged writes are in the journal)" to standard error and ends the process
//     with _exit(128 + N): requests in flight are dropped and nothing more is written, as after
//     kill -9. Every commit already acknowledged is in the journal (docs/persistence.md: a
//     process crash loses nothing acknowledged, whatever the fsync policy); the journal is not
//     fsynced again, so writes acknowledged under `everysec` or `no` in the last moments are in
//     the kernel's cache but not yet on disk.
//
// Thread-safety: set_handler() may be called from any thread. One stop_signals per process.
#pragma once

#include <functional>
#include <memory>
#include <utility>

namespace customerdb::cli {

class stop_signals {
 public:
  // Blocks SIGINT and SIGTERM in the calling thread, so that threads it starts later block them
  // too, and starts the thread that waits for them. REQUIRES: called on the main thread before
  // any other thread starts.
  stop_signals();
  // Stops watching; SIGINT and SIGTERM stay blocked, so later ones are ignored.
  ~stop_signals();
  stop_signals(const stop_signals&) = delete;
  stop_signals& operator=(const stop_signals&) = delete;

  // Sets the handler of the first signal (called on the watching thread, or here for a signal
  // that came before). A null handler: the first signal is remembered until one is set. Once
  // this returns, the previous handler is not running and will not run again. The handler must
  // not call set_handler().
  void set_handler(std::function<void(int signal)> on_first);

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

// Sets a handler of the first signal for as long as it lives, or until reset(); then the first
// signal does nothing. Declare it after everything its handler uses.
class stop_handler_scope {
 public:
  stop_handler_scope(stop_signals& signals, std::function<void(int signal)> on_first)
      : signals_(signals) {
    signals_.set_handler(std::move(on_first));
  }
  ~stop_handler_scope() { reset(); }
  stop_handler_scope(const stop_handler_scope&) = delete;
  stop_handler_scope& operator=(const stop_handler_scope&) = delete;

  void reset() { signals_.set_handler([](int) {}); }

 private:
  stop_signals& signals_;
};

}  // namespace customerdb::cli
