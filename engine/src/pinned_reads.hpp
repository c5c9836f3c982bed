// detail::pinned_reads: reads that hand the store's latch back to commits while they work, and
// still see one commit's state.
//
// A read without a transaction holds the shared latch. When a commit waits for the latch, a
// long read (a scan, a sort, a large answer) yields it at its next pause (call_budget): the
// first time, it pins the sequence it has read so far. From then on every commit, under the
// exclusive latch, (1) hands each pinned read the image as of its pin of every row it replaces
// or erases, or null for a row it inserts (the first change after the pin only): the read sees
// them through its view as a write set on top of the store, so it goes on reading the state at
// its pin; and (2) takes replaced or erased elements out of the tables whole (put_retiring,
// erase_retiring) instead of changing or freeing them, since the read may hold pointers to
// them. Retired elements are freed once no read pinned before their commit remains.
//
// A read may resume only where it holds no iterator into a table: between the rows of a
// gathered chunk, the comparisons of a sort, the items of an answer (view::pause).
//
// Thread-safety: pin() and unpin() run under the shared latch; the commit side (any(),
// keep_images, retire_list, release) under the exclusive latch. An internal mutex orders
// pins and unpins of concurrent readers.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <list>
#include <mutex>
#include <string>
#include <vector>

#include "store.hpp"
#include "write_set.hpp"

namespace customerdb::detail {

// A read pinned at `sequence`: the images as of that commit of the rows changed since.
struct pinned_read {
  std::uint64_t sequence;
  write_set images;
};

template <class Row>
using retired_nodes = std::vector<typename table_for_t<Row>::node_type>;

class pinned_reads {
 public:
  // Pins a read of the state at commit `sequence`, the store's current one. REQUIRES: the
  // shared latch held since that state was read.
  pinned_read& pin(std::uint64_t sequence) {
    std::lock_guard lock(mutex_);
    reads_.push_back({sequence, {}});
    count_.store(reads_.size(), std::memory_order_relaxed);
    pins_.fetch_add(1, std::memory_order_relaxed);
    return reads_.back();
  }

  // Ends the pinned read `r` and frees what only it could still hold. REQUIRES: the shared
  // latch.
  void unpin(pinned_read& r) {
    std::lock_guard lock(mutex_);
    for (auto it = reads_.begin(); it != reads_.end(); ++it) {
      if (&*it != &r) continue;
      reads_.erase(it);
      break;
    }
    count_.store(reads_.size(), std::memory_order_relaxed);
    release_locked();
  }

  // How many reads were pinned so far. Thread-safe.
  std::uint64_t pins() const noexcept { return pins_.load(std::memory_order_relaxed); }

  // Whether any read is pinned. REQUIRES: the exclusive latch.
  bool any() const noexcept { return count_.load(std::memory_order_relaxed) != 0; }

  // Hands every pinned read the current image (null: none) of each row `changes` is about to
  // replace, erase or insert, unless it holds one for that row already. REQUIRES: the
  // exclusive latch, before the changes are published.
  template <class Row>
  void keep_images(const change_set<Row>& changes, const store& s) {
    std::lock_guard lock(mutex_);
    for (auto& r : reads_) {
      auto& images = r.images.of<Row>();
      changes.for_each([&](const std::string& id, const change<Row>&) {
        if (images.find(id)) return;
        auto current = s.of<Row>().find(id);
        images.record(id, current, current);
      });
    }
  }

  // The same for rows an import inserts: each pinned read gets a null image of each. REQUIRES:
  // the exclusive latch, before the rows are inserted.
  template <class Row>
  void keep_absent(const row_vector<Row>& rows) {
    std::lock_guard lock(mutex_);
    for (auto& r : reads_) {
      auto& images = r.images.of<Row>();
      for (const auto& row : rows) {
        const std::string id(row->id.view());
        if (!images.find(id)) images.record(id, nullptr, nullptr);
      }
    }
  }

  // The list to which commit `sequence` hands the elements it retires. REQUIRES: the exclusive
  // latch, any().
  template <class Row>
  retired_nodes<Row>& retire_list(std::uint64_t sequence) {
    std::lock_guard lock(mutex_);
    if (retired_.empty() || retired_.back().sequence != sequence) retired_.push_back({sequence, {}});
    return retired_.back().nodes.of<Row>();
  }

  // Frees the elements retired by commits that no pinned read precedes. REQUIRES: the
  // exclusive latch.
  void release() {
    std::lock_guard lock(mutex_);
    release_locked();
  }

 private:
  struct retired_commit {
    std::uint64_t sequence;  // the commit that retired them
    per_entity<retired_nodes> nodes;
  };

  void release_locked() {
    std::uint64_t oldest = UINT64_MAX;
    for (const auto& r : reads_) oldest = std::min(oldest, r.sequence);
    while (!retired_.empty() && retired_.front().sequence <= oldest) retired_.pop_front();
  }

  std::mutex mutex_;
  std::list<pinned_read> reads_;
  std::deque<retired_commit> retired_;
  std::atomic<std::size_t> count_{0};
  std::atomic<std::uint64_t> pins_{0};
};

}  // namespace customerdb::detail
