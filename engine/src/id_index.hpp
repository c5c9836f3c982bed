// detail::id_index: a table's rows by id, as a flat open-addressing hash table.
//
// Finding a row by id through a node-based hash index is three dependent cache misses once the
// table outgrows the caches: the bucket, the node it points to, then the row the node points
// to. Each entry here keeps the id's hash, the slot (the table's node) and the row side by side,
// so a lookup is two: the entry, then the slot and the row together (both addresses come from
// the entry, so their loads overlap; every line of the row is prefetched). Entries compare their
// stored hash before the slot is touched, so a probe past other ids reads no node. An entry is
// 16 bytes, four to a cache line: the two pointers, each with half of the id's 32-bit hash in
// the 16 bits above the 48 that an address on an LP64 target uses (insert throws
// std::length_error for an address beyond them).
//
// Linear probing, at most 3/4 full; an id's home is its hash scaled to the capacity, which
// reserve(n) makes 1.5 n (2/3 full: a loaded table's index takes 24 bytes per row, where
// powers of two left it between 21 and 43), and which growing one entry at a time doubles.
// Erasing shifts the following entries of the run back (no tombstones). The index does not
// own what it points to: the table keeps it in step with its container (insert, erase, and
// set_row when a slot gets a new row). Thread-compatible.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <vector>

#include "keys.hpp"
#include "pointer_bits.hpp"
#include "prefetch.hpp"

namespace customerdb::detail {

template <class Slot, class Row>
class id_index {
 public:
  class entry {
   public:
    entry() noexcept = default;
    // Throws std::length_error for an address beyond 48 bits (pointer_bits.hpp).
    entry(std::uint32_t hash, const Slot* s, const Row* r)
        : slot_(pack(s, hash & 0xffff)), row_(pack(r, hash >> 16)) {}

    const Slot* slot() const noexcept { return pointer_bits::pointer<Slot>(slot_); }  // null: free
    const Row* row() const noexcept { return pointer_bits::pointer<Row>(row_); }
    std::uint32_t hash() const noexcept {
      return static_cast<std::uint32_t>(pointer_bits::high(slot_) | pointer_bits::high(row_) << 16);
    }
    void set_row(const Row* r) noexcept { row_ = pack(r, pointer_bits::high(row_)); }

   private:
    static std::uint64_t pack(const void* p, std::uint64_t high) {
      if (!pointer_bits::fits(p)) throw std::length_error("id_index: an address beyond 48 bits");
      return pointer_bits::pack(p, high);
    }

    std::uint64_t slot_ = 0;
    std::uint64_t row_ = 0;
  };
  static_assert(sizeof(entry) == 16);

  id_index() = default;  // allocates nothing until the first insert

  std::size_t size() const noexcept { return size_; }

  // Room for `n` entries without growing: at least 1.5 n, and at least twice the capacity when
  // it grows (so that growing one entry at a time costs O(1) per entry).
  void reserve(std::size_t n) {
    if (n <= entries_.size() / 4 * 3) return;
    rehash(std::max({std::size_t{16}, n + n / 2, 2 * entries_.size()}));
  }

  // The slot of the row whose id is `id`, or null. Starts loading the row before it compares
  // the slot's key.
  const Slot* find(const key& id) const noexcept {
    if (entries_.empty()) return nullptr;
    for (std::size_t i = home(id.hash()); entries_[i].slot(); i = next(i)) {
      const entry& e = entries_[i];
      if (e.hash() != id.hash()) continue;
      // The row's lines arrive with the slot's. (Prefetching every line of the slot as well
      // made retrieve slower: ~1,000 against ~920 ns at 1M customers.)
      prefetch_lines(e.row());
      if (e.slot()->id == id) return e.slot();
    }
    return nullptr;
  }

  // Asks the CPU to fetch the entry where a search for an id with hash `hash` starts.
  void prefetch(std::size_t hash) const noexcept {
    if (!entries_.empty()) __builtin_prefetch(&entries_[home(hash)]);
  }

  // Adds `s`, whose id the index does not hold yet. Throws std::bad_alloc (growing) or
  // std::length_error (see entry), with the index unchanged.
  void insert(const Slot& s) {
    const entry e(static_cast<std::uint32_t>(s.id.hash()), &s, s.row.get());
    reserve(size_ + 1);
    place(e);
    ++size_;
  }

  // Records that `s`, already indexed, now holds another row.
  void set_row(const Slot& s) noexcept {
    if (entry* e = locate(s)) e->set_row(s.row.get());
  }

  // Removes `s`, if indexed.
  void erase(const Slot& s) noexcept {
    entry* e = locate(s);
    if (!e) return;
    std::size_t hole = static_cast<std::size_t>(e - entries_.data());
    // Shift back every later entry of the run that may move into the hole: one whose home
    // position is not cyclically within (hole, i].
    for (std::size_t i = next(hole); entries_[i].slot(); i = next(i)) {
      const std::size_t h = home(entries_[i].hash());
      const bool stays = hole <= i ? (hole < h && h <= i) : (hole < h || h <= i);
      if (stays) continue;
      entries_[hole] = entries_[i];
      hole = i;
    }
    entries_[hole] = entry{};
    --size_;
  }

 private:
  // Where the search for a hash starts: the hash (32 bits) scaled to the capacity.
  std::size_t home(std::size_t hash) const noexcept {
    return static_cast<std::size_t>(
        (std::uint64_t{static_cast<std::uint32_t>(hash)} * entries_.size()) >> 32);
  }
  std::size_t next(std::size_t i) const noexcept { return i + 1 == entries_.size() ? 0 : i + 1; }

  entry* locate(const Slot& s) noexcept {
    if (entries_.empty()) return nullptr;
    for (std::size_t i = home(s.id.hash()); entries_[i].slot(); i = next(i))
      if (entries_[i].slot() == &s) return &entries_[i];
    return nullptr;
  }

  void place(const entry& e) noexcept {
    std::size_t i = home(e.hash());
    while (entries_[i].slot()) i = next(i);
    entries_[i] = e;
  }

  void rehash(std::size_t capacity) {
    std::vector<entry> old(capacity);
    old.swap(entries_);
    for (const entry& e : old)
      if (e.slot()) place(e);
  }

  std::vector<entry> entries_;
  std::size_t size_ = 0;
};

}  // namespace customerdb::detail
