// detail::write_combiner: one writer at a time, where a writer that finds another writing leaves
// its work to that one (flat combining).
//
// run(work) runs `work` while no other work of the combiner runs, and returns what it returned
// once it ran, or rethrows what it threw. When another thread holds the combiner, `work` is
// queued and the holder runs it after its own. So writers that arrive together (the group of a
// group commit, released by one fsync) are served by one thread one after another, where a
// mutex would wake each of them in turn: on a virtual machine's few processors a wake-up takes
// about as long as a short commit. The queued writers wait for their work to be done (yielding
// the processor for a short while, then asleep).
//
// run_here(work) runs `work` on the calling thread: for work that calls back into its caller's
// code (progress reports, visitors, persistence's callbacks) or takes long. The holder that
// reaches it in the queue hands the combiner over to its thread, with the work queued after it.
//
// Order and fairness: queued work runs in the order it was queued. A holder runs its own work and
// at most `max_lists` lists of queued work (each at most one item per waiting thread); then, when
// more is queued, it hands the combiner to the oldest queued item's thread and returns. So no
// caller runs more than that much of others' work, and nothing queued is left behind: a holder
// looks at the queue after it lets the combiner go, and takes it again when something is there.
//
// Work must not call run() or run_here() of its own combiner (it would wait for itself). Work
// given to run() may run on another thread than its caller's: it must not depend on which
// thread runs it (thread-local state), and everything it touches must outlive the call (it
// does: the caller waits).
//
// Thread-safe. Allocates nothing: a queued item lives on its caller's stack.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <optional>
#include <type_traits>
#include <utility>

namespace customerdb::detail {

class write_combiner {
 public:
  write_combiner() = default;
  write_combiner(const write_combiner&) = delete;
  write_combiner& operator=(const write_combiner&) = delete;

  // Runs `work()` alone, on this thread or on the thread holding the combiner (see the top).
  template <class F>
  std::invoke_result_t<F&> run(F&& work) {
    return submit_returning(work, false);
  }
  // Runs `work()` alone, on this thread (see the top).
  template <class F>
  std::invoke_result_t<F&> run_here(F&& work) {
    return submit_returning(work, true);
  }

  // How many items are queued. REQUIRES: called by work (the combiner held, the queue only
  // grows meanwhile). For tests.
  std::size_t queued() const noexcept;

  // The most lists of queued work a holder runs before it hands the combiner over.
  static constexpr unsigned max_lists = 2;

 private:
  struct item {
    item(void (*c)(const void*), const void* w, bool h) noexcept : call(c), work(w), here(h) {}
    void (*const call)(const void*);  // runs *work
    const void* const work;
    const bool here;             // run on its caller's thread (run_here)
    item* next = nullptr;        // queued: the item queued before; in a list: the one after
    item* handed = nullptr;      // with the combiner handed over: the work queued after this
    std::exception_ptr failure;  // what the work threw
    std::atomic<std::uint32_t> state{0};  // a release word (write_combiner.cpp): 0, waiting
  };

  template <class F>
  std::invoke_result_t<F&> submit_returning(F& work, bool here) {
    using result = std::invoke_result_t<F&>;
    if constexpr (std::is_void_v<result>) {
      submit(work, here);
    } else {
      std::optional<result> r;
      auto keep = [&] { r.emplace(work()); };
      submit(keep, here);
      return std::move(*r);
    }
  }
  template <class F>
  void submit(F& work, bool here) {
    // `work` is called as the caller holds it (F may be a const lambda).
    item it([](const void* w) { (*const_cast<F*>(static_cast<const F*>(w)))(); }, &work, here);
    submit(it);
    if (it.failure) std::rethrow_exception(it.failure);
  }

  // Runs `it` (see the top); returns once it ran, its failure in it.failure.
  void submit(item& it);
  // Holding the combiner: runs `own` (when set), then the list `list` and what is queued meanwhile
  // (see the top); then lets the combiner go, or hands it to a queued item.
  void hold(item* own, item* list);
  // Takes every queued item: a list, oldest first; null when none.
  item* take_queue() noexcept;
  bool try_acquire() noexcept;

  std::atomic<bool> held_{false};
  std::atomic<item*> queue_{nullptr};  // the last queued item; each links the one before
};

}  // namespace customerdb::detail
