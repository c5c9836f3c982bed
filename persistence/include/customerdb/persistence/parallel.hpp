// run_in_parallel(): runs a few independent tasks at once, for bulk work on separate tables
// (decoding a snapshot's tables; the engine's import, which makes, inserts and checks the rows
// of each table). Thread-safe: the tasks share only what their callers give them.
#pragma once

#include <array>
#include <cstddef>
#include <exception>
#include <functional>
#include <thread>
#include <vector>

namespace customerdb::persistence {

// Runs each task on a thread of its own (the first on the calling thread), waits for all, then
// rethrows the exception of the first task, in `tasks` order, that threw.
template <std::size_t N>
void run_in_parallel(const std::array<std::function<void()>, N>& tasks) {
  std::array<std::exception_ptr, N> failures;
  const auto run = [&](std::size_t i) {
    try {
      tasks[i]();
    } catch (...) {
      failures[i] = std::current_exception();
    }
  };
  {
    std::vector<std::jthread> threads;
    for (std::size_t i = 1; i < N; ++i) threads.emplace_back(run, i);
    run(0);
  }
  for (const auto& f : failures)
    if (f) std::rethrow_exception(f);
}

}  // namespace customerdb::persistence
