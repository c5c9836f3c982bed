// detail::id_index: a table's rows by id, as a flat open-addressing hash table.
//
// Finding a row by id through a node-based hash index is three dependent cache misses once the
// table outgrows the caches: the bucket, the node it points to, then the row the node points
// to. Each entry here keeps the id's hash, the slot (the table's node) and the row side by side,
// so a lookup is two: the entry, then the slot and the row together (both addresses come from
// the entry, so their loads overlap; every line of the row is prefetched). Entries compare their
// stored hash before the slot is touched, so a probe past other ids reads no node.
//
// Linear probing, at most 3/4 full, capacity a power of two; erasing shifts the following
// entries of the run back (no tombstones). The index does not own what it points to: the table
// keeps it in step with its container (insert, erase, and set_row when a slot gets a new row).
// Thread-compatible.
#pragma once

#include <cstddef>
#include <vector>

#include "keys.hpp"
#include "prefetch.hpp"

namespace customerdb::detail {

template <class Slot, class Row>
class id_index {
 public:
  struct entry {
    std::size_t hash = 0;
    const Slot* slot = nullptr;  // null: the entry is free
    const Row* row = nullptr;
  };

  id_index() = default;  // allocates nothing until the first insert

  std::size_t size() const noexcept { return size_; }

  // Room for `n` entries without growing.
  void reserve(std::size_t n) {
    std::size_t capacity = entries_.empty() ? 16 : entries_.size();
    while (n > capacity / 4 * 3) capacity *= 2;
    if (capacity != entries_.size()) rehash(capacity);
  }

  // The slot of the row whose id is `id`, or null. Starts loading the row before it compares
  // the slot's key.
  const Slot* find(const key& id) const noexcept {
    if (entries_.empty()) return nullptr;
    for (std::size_t i = id.hash() & mask(); entries_[i].slot; i = (i + 1) & mask()) {
      const entry& e = entries_[i];
      if (e.hash != id.hash()) continue;
      // The row's lines arrive with the slot's. (Prefetching every line of the slot as well
      // made retrieve slower: ~1,000 against ~920 ns at 1M customers.)
      prefetch_lines(e.row);
      if (e.slot->id == id) return e.slot;
    }
    return nullptr;
  }

  // Asks the CPU to fetch the entry where a search for an id with hash `hash` starts.
  void prefetch(std::size_t hash) const noexcept {
    if (!entries_.empty()) __builtin_prefetch(&entries_[hash & mask()]);
  }

  // Adds `s`, whose id the index does not hold yet.
  void insert(const Slot& s) {
    reserve(size_ + 1);
    place({s.id.hash(), &s, s.row.get()});
    ++size_;
  }

  // Records that `s`, already indexed, now holds another row.
  void set_row(const Slot& s) noexcept {
    if (entry* e = locate(s)) e->row = s.row.get();
  }

  // Removes `s`, if indexed.
  void erase(const Slot& s) noexcept {
    entry* e = locate(s);
    if (!e) return;
    std::size_t hole = static_cast<std::size_t>(e - entries_.data());
    // Shift back every later entry of the run that may move into the hole: one whose home
    // position is not cyclically within (hole, i].
    for (std::size_t i = (hole + 1) & mask(); entries_[i].slot; i = (i + 1) & mask()) {
      const std::size_t home = entries_[i].hash & mask();
      const bool stays = hole <= i ? (hole < home && home <= i) : (hole < home || home <= i);
      if (stays) continue;
      entries_[hole] = entries_[i];
      hole = i;
    }
    entries_[hole] = entry{};
    --size_;
  }

 private:
  std::size_t mask() const noexcept { return entries_.size() - 1; }

  entry* locate(const Slot& s) noexcept {
    if (entries_.empty()) return nullptr;
    for (std::size_t i = s.id.hash() & mask(); entries_[i].slot; i = (i + 1) & mask())
      if (entries_[i].slot == &s) return &entries_[i];
    return nullptr;
  }

  void place(const entry& e) noexcept {
    std::size_t i = e.hash & mask();
    while (entries_[i].slot) i = (i + 1) & mask();
    entries_[i] = e;
  }

  void rehash(std::size_t capacity) {
    std::vector<entry> old(capacity);
    old.swap(entries_);
    for (const entry& e : old)
      if (e.slot) place(e);
  }

  std::vector<entry> entries_;
  std::size_t size_ = 0;
};

}  // namespace customerdb::detail
