// detail::row_ptr<Row> and detail::row_handle<Row>: shared ownership of a stored row through a
// count kept in the row itself (row_refs), in one pointer: 8 bytes in every slot instead of the
// 16 of a std::shared_ptr, and no separate control block (16 bytes more per row).
//
// row_handle<Row> owns a row that its maker may still change (new_row, rows.hpp); it converts
// to row_ptr<Row>, through which the row is const: what tables, write sets and readers hold.
// The last owner to let go destroys the row and returns its block to the pool (pool.hpp).
//
// Thread-safety: as std::shared_ptr's. Owners on different threads may copy and drop pointers
// to the same row at once (the count is atomic; the last release synchronises with the
// others); one pointer object is thread-compatible.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <new>
#include <type_traits>
#include <utility>

#include "pool.hpp"

namespace customerdb::detail {

// The count of owners kept in each row. A copied row starts with no owners.
class row_refs {
 public:
  row_refs() noexcept = default;
  row_refs(const row_refs&) noexcept {}
  row_refs& operator=(const row_refs&) noexcept { return *this; }

  void add() const noexcept { count_.fetch_add(1, std::memory_order_relaxed); }
  // Whether this was the last owner.
  bool release() const noexcept { return count_.fetch_sub(1, std::memory_order_acq_rel) == 1; }

 private:
  mutable std::atomic<std::uint32_t> count_{0};
};

template <class T>
class counted_row {
 public:
  counted_row() noexcept = default;
  counted_row(std::nullptr_t) noexcept {}  // NOLINT: implicit, as a pointer's
  counted_row(const counted_row& o) noexcept : p_(o.p_) { acquire(); }
  counted_row(counted_row&& o) noexcept : p_(std::exchange(o.p_, nullptr)) {}
  // From an owner of the same row as non-const (row_handle to row_ptr).
  template <class U>
  requires std::is_same_v<const U, T> && (!std::is_same_v<U, T>)
  counted_row(const counted_row<U>& o) noexcept : p_(o.get()) {  // NOLINT: implicit
    acquire();
  }
  template <class U>
  requires std::is_same_v<const U, T> && (!std::is_same_v<U, T>)
  counted_row(counted_row<U>&& o) noexcept : p_(o.release_ownership()) {}  // NOLINT: implicit
  counted_row& operator=(counted_row o) noexcept {
    std::swap(p_, o.p_);
    return *this;
  }
  ~counted_row() { drop(); }

  // Owns a new row made from `args` in the pool. Throws what the pool and the row's
  // constructor throw.
  template <class... Args>
  static counted_row make(Args&&... args) {
    using row = std::remove_const_t<T>;
    static_assert(sizeof(row) <= pool::max_block && alignof(row) <= pool::alignment);
    void* block = pool::allocate(sizeof(row));
    row* r;
    try {
      r = ::new (block) row(std::forward<Args>(args)...);
    } catch (...) {
      pool::deallocate(block, sizeof(row));
      throw;
    }
    counted_row out;
    out.p_ = r;
    out.acquire();
    return out;
  }

  T* get() const noexcept { return p_; }
  T& operator*() const noexcept { return *p_; }
  T* operator->() const noexcept { return p_; }
  explicit operator bool() const noexcept { return p_ != nullptr; }
  void reset() noexcept {
    drop();
    p_ = nullptr;
  }

  friend bool operator==(const counted_row& a, const counted_row& b) noexcept {
    return a.p_ == b.p_;
  }
  friend bool operator==(const counted_row& a, std::nullptr_t) noexcept { return !a.p_; }

  // Gives up ownership without releasing: for the conversion above.
  T* release_ownership() noexcept { return std::exchange(p_, nullptr); }

 private:
  void acquire() const noexcept {
    if (p_) p_->refs.add();
  }
  void drop() noexcept {
    if (p_ && p_->refs.release()) {
      using row = std::remove_const_t<T>;
      row* r = const_cast<row*>(p_);
      r->~row();
      pool::deallocate(r, sizeof(row));
    }
  }

  T* p_ = nullptr;
};

// An owner of a row through which it cannot change: what tables, write sets and readers hold.
template <class Row>
using row_ptr = counted_row<const Row>;
// An owner of a new row its maker still fills in or changes (new_row).
template <class Row>
using row_handle = counted_row<Row>;

}  // namespace customerdb::detail
