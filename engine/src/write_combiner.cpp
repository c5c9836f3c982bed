#include "write_combiner.hpp"

#include <chrono>

#include "customerdb/persistence/release_word.hpp"

namespace customerdb::detail {
namespace {

using persistence::release;

// An item's word (customerdb/persistence/release_word.hpp) starts at 0, word_waiting, and is
// released with one of these.
static_assert(persistence::word_waiting == 0);
enum : std::uint32_t {
  done = persistence::word_sleeping + 1,  // its work ran (the holder's last access to the item)
  lead,  // the combiner was handed to its caller, with the work queued after it
};

// How long a queued caller yields before it sleeps: queued work waits for the holder's current
// work and the items before it, mostly a few microseconds each; a long holder (an import) is
// waited for asleep.
constexpr std::chrono::microseconds spin_time{100};

}  // namespace

std::size_t write_combiner::queued() const noexcept {
  std::size_t n = 0;
  for (const item* it = queue_.load(std::memory_order_acquire); it != nullptr; it = it->next) ++n;
  return n;
}

bool write_combiner::try_acquire() noexcept {
  bool free = false;
  return held_.compare_exchange_strong(free, true, std::memory_order_seq_cst);
}

write_combiner::item* write_combiner::take_queue() noexcept {
  item* last = queue_.exchange(nullptr, std::memory_order_seq_cst);
  item* oldest_first = nullptr;
  while (last != nullptr) {
    item* before = last->next;
    last->next = oldest_first;
    oldest_first = last;
    last = before;
  }
  return oldest_first;
}

void write_combiner::submit(item& it) {
  if (try_acquire()) return hold(&it, nullptr);
  item* last = queue_.load(std::memory_order_relaxed);
  do {
    it.next = last;
  } while (!queue_.compare_exchange_weak(last, &it, std::memory_order_seq_cst,
                                         std::memory_order_relaxed));
  // The holder may have let the combiner go before it could see `it` queued: whoever takes it
  // now runs the queue (this thread, or the one that took it, which looks at the queue when it
  // lets go). Queuing and this look are sequentially consistent with the holder's release and
  // its look at the queue, so one of the two sees the other.
  if (try_acquire()) hold(nullptr, nullptr);
  if (persistence::await_release(it.state, spin_time) == lead) hold(&it, it.handed);
}

void write_combiner::hold(item* own, item* list) {
  const auto execute = [](item& it) noexcept {
    try {
      it.call(it.work);
    } catch (...) {
      it.failure = std::current_exception();
    }
  };
  // Hands the combiner to `it`'s caller with `rest` (still held: nothing else may take it).
  const auto hand_over = [](item& it, item* rest) {
    it.handed = rest;
    release(it.state, lead);
  };
  if (own != nullptr) execute(*own);
  for (unsigned lists = 0;;) {
    while (list != nullptr) {
      item* it = list;
      list = it->next;
      if (it->here) return hand_over(*it, list);
      execute(*it);
      release(it->state, done);
    }
    list = take_queue();
    if (list == nullptr) {
      held_.store(false, std::memory_order_seq_cst);
      if (queue_.load(std::memory_order_seq_cst) == nullptr || !try_acquire()) return;
      list = take_queue();
      if (list == nullptr) continue;  // taken by another holder meanwhile: let go again
    }
    if (++lists > max_lists) return hand_over(*list, list->next);
  }
}

}  // namespace customerdb::detail
