// detail::pool_allocator: memory for the tables' rows, index nodes and long text columns
// (packed_text.hpp), carved from chunks whose pages are already faulted in.
//
// A store that grows takes fresh memory for every row it keeps (about 750 bytes for a customer:
// its row, its index node and its text). The first write to a fresh page is a page fault, and
// on a virtual machine that costs several microseconds: more than the rest of a small commit.
// The pool takes that cost off the committing thread: it hands out blocks from 1 MiB chunks
// that a background thread has mapped and faulted in ahead of demand (by writing a byte of each
// page), and keeps freed blocks for reuse.
//
// Blocks of up to `max_block` bytes, in classes of 8 bytes. Each thread carves new blocks from
// a chunk of its own, without a lock and in the order it asks for them (so a row and its index
// node share pages), and a thread that ends hands the rest of its chunk on; freed blocks go to
// a list per class, behind a lock of its own. Larger or array requests go to the global
// `operator new`. Memory is never returned to the system: freed blocks are reused by later rows
// of the same class. Chunks are mapped eight at a time and the reserve is refilled when fewer
// than four wait in it, so it holds up to 11 MiB of faulted memory once the process has asked
// for its first chunk. Thread-safe.
#pragma once

#include <cstddef>
#include <memory>

namespace customerdb::detail {

namespace pool {

inline constexpr std::size_t max_block = 1024;
inline constexpr std::size_t alignment = 8;
inline constexpr std::size_t chunk_bytes = std::size_t{1} << 20;  // memory is mapped in chunks

// A block of `bytes` (1..max_block), aligned to `alignment`.
void* allocate(std::size_t bytes);
// Returns a block from allocate(bytes), with the same `bytes`.
void deallocate(void* block, std::size_t bytes) noexcept;

// A test seam: when set, allocate() calls `injector` first and throws std::bad_alloc when it
// returns true, as if no memory were left for the block (a block from a chunk in hand can
// never fail otherwise). tests/engine/allocation_failure_test.cpp sets it to count pool blocks
// with the heap's allocations. Null by default; set it only while no other thread allocates.
using failure_injector = bool (*)() noexcept;
void set_failure_injector(failure_injector injector) noexcept;

struct statistics {
  std::size_t chunks_mapped;             // chunks obtained from the system so far
  std::size_t chunks_reserved;           // faulted-in chunks waiting in the reserve now
  std::size_t chunks_faulted_by_caller;  // chunks a caller had to fault in (reserve empty)
};
statistics stats();

}  // namespace pool

// A standard allocator over the pool, for single objects; arrays go to std::allocator.
template <class T>
struct pool_allocator {
  using value_type = T;

  pool_allocator() noexcept = default;
  template <class U>
  pool_allocator(const pool_allocator<U>&) noexcept {}

  T* allocate(std::size_t n) {
    if (pooled(n)) return static_cast<T*>(pool::allocate(sizeof(T)));
    return std::allocator<T>{}.allocate(n);
  }
  void deallocate(T* p, std::size_t n) noexcept {
    if (pooled(n))
      pool::deallocate(p, sizeof(T));
    else
      std::allocator<T>{}.deallocate(p, n);
  }

  template <class U>
  friend bool operator==(const pool_allocator&, const pool_allocator<U>&) noexcept {
    return true;
  }

 private:
  static constexpr bool pooled(std::size_t n) noexcept {
    return n == 1 && sizeof(T) <= pool::max_block && alignof(T) <= pool::alignment;
  }
};

}  // namespace customerdb::detail
