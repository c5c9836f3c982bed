#include "packed_text.hpp"

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <new>
#include <stdexcept>

#include "pool.hpp"

namespace customerdb::detail {
namespace {

char* allocate_text(std::size_t n) {
  if (n <= pool::max_block) return static_cast<char*>(pool::allocate(n));
  return static_cast<char*>(::operator new(n));
}

void deallocate_text(const char* p, std::size_t n) noexcept {
  if (n <= pool::max_block)
    pool::deallocate(const_cast<char*>(p), n);
  else
    ::operator delete(const_cast<char*>(p));
}

}  // namespace

template <bool Counted>
void basic_packed_chars<Counted>::assign(std::string_view s) {
  const std::size_t n = s.size();
  if (n <= inline_capacity) {
    std::uint64_t word = std::uint64_t{n} << 56;
    if (n != 0) std::memcpy(&word, s.data(), n);  // `s` may be this object's own text
    release();
    word_ = word;
    return;
  }
  const bool long_text = n >= size_mask;
  const std::size_t block = long_text ? long_text_at + n : count_bytes + n;
  char* p = allocate_text(block);
  if (!pointer_bits::fits(p)) {  // never on the 64-bit targets built for (47-bit user space)
    deallocate_text(p, block);
    throw std::bad_alloc();
  }
  if constexpr (Counted) new (p) std::uint32_t(1);
  if (long_text) {
    const std::uint64_t size = n;
    std::memcpy(p + long_size_at, &size, sizeof size);
    std::memcpy(p + long_text_at, s.data(), n);
  } else {
    std::memcpy(p + count_bytes, s.data(), n);
  }
  release();
  word_ = pointer_bits::pack(p, heap_bit >> pointer_bits::address_bits | std::min(n, size_mask));
}

namespace {

// The count of the objects sharing a counted block (its first 4 bytes, 8-aligned).
std::atomic_ref<std::uint32_t> owners_of(const char* block) noexcept {
  return std::atomic_ref<std::uint32_t>(
      *std::launder(reinterpret_cast<std::uint32_t*>(const_cast<char*>(block))));
}

// Beyond this many owners a copy gets a block of its own: the count never overflows, even with
// every thread copying at once.
constexpr std::uint32_t most_owners = std::uint32_t{1} << 31;

}  // namespace

template <bool Counted>
void basic_packed_chars<Counted>::copy_block_of(const basic_packed_chars& o) {
  if constexpr (Counted) {
    auto owners = owners_of(o.block());
    if (owners.load(std::memory_order_relaxed) < most_owners) {
      owners.fetch_add(1, std::memory_order_relaxed);
      word_ = o.word_;
      return;
    }
  }
  word_ = null_word;  // until the copy is made: assign can throw
  assign(o.view());
}

template <bool Counted>
void basic_packed_chars<Counted>::release() noexcept {
  if (!on_heap()) return;
  if constexpr (Counted) {
    // The last owner frees the block; acquire-release, so that it does so after every other
    // owner's last read.
    if (owners_of(block()).fetch_sub(1, std::memory_order_acq_rel) != 1) return;
  }
  deallocate_text(block(), block_size());
}

template class basic_packed_chars<false>;
template class basic_packed_chars<true>;

}  // namespace customerdb::detail
