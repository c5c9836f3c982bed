#include "customerdb/persistence/release_word.hpp"

#include <linux/futex.h>
#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <ctime>

namespace customerdb::persistence {

std::uint32_t await_release(std::atomic<std::uint32_t>& word, std::chrono::nanoseconds spin,
                            std::optional<std::chrono::steady_clock::time_point> deadline) {
  using clock = std::chrono::steady_clock;
  const auto released = [](std::uint32_t state) {
    return state != word_waiting && state != word_sleeping;
  };
  if (spin.count() > 0) {
    auto spin_until = clock::now() + spin;
    if (deadline) spin_until = std::min(spin_until, *deadline);
    for (unsigned looks = 0;; ++looks) {
      const std::uint32_t state = word.load(std::memory_order_acquire);
      if (released(state)) return state;
      if (looks % 4 == 3 && clock::now() >= spin_until) break;
      sched_yield();
    }
  }
  std::uint32_t state = word_waiting;
  if (!word.compare_exchange_strong(state, word_sleeping, std::memory_order_acq_rel))
    return state;  // released meanwhile
  for (;;) {
    state = word.load(std::memory_order_acquire);
    if (state != word_sleeping) return state;
    timespec timeout{};
    if (deadline) {
      const auto left = *deadline - clock::now();
      if (left <= std::chrono::nanoseconds(0)) {
        // Back to waiting, unless released meanwhile.
        return word.compare_exchange_strong(state, word_waiting, std::memory_order_acq_rel)
                   ? word_waiting
                   : state;
      }
      const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(left).count();
      timeout.tv_sec = static_cast<time_t>(ns / 1'000'000'000);
      timeout.tv_nsec = static_cast<long>(ns % 1'000'000'000);
    }
    syscall(SYS_futex, reinterpret_cast<const std::uint32_t*>(&word), FUTEX_WAIT_PRIVATE,
            word_sleeping, deadline ? &timeout : nullptr, nullptr, 0);
  }
}

void release(std::atomic<std::uint32_t>& word, std::uint32_t state) noexcept {
  auto* address = reinterpret_cast<std::uint32_t*>(&word);
  if (word.exchange(state, std::memory_order_acq_rel) == word_sleeping)
    syscall(SYS_futex, address, FUTEX_WAKE_PRIVATE, 1, nullptr, nullptr, 0);
}

}  // namespace customerdb::persistence
