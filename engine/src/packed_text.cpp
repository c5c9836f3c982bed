#include "packed_text.hpp"

#include <algorithm>
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

void packed_chars::assign(std::string_view s) {
  const std::size_t n = s.size();
  if (n <= inline_capacity) {
    std::uint64_t word = std::uint64_t{n} << 56;
    if (n != 0) std::memcpy(&word, s.data(), n);  // `s` may be this object's own text
    release();
    word_ = word;
    return;
  }
  const bool long_text = n >= size_mask;
  const std::size_t block = long_text ? n + sizeof(std::uint64_t) : n;
  char* p = allocate_text(block);
  if (!pointer_bits::fits(p)) {  // never on the 64-bit targets built for (47-bit user space)
    deallocate_text(p, block);
    throw std::bad_alloc();
  }
  if (long_text) {
    const std::uint64_t size = n;
    std::memcpy(p, &size, sizeof size);
    std::memcpy(p + sizeof size, s.data(), n);
  } else {
    std::memcpy(p, s.data(), n);
  }
  release();
  word_ = pointer_bits::pack(p, heap_bit >> pointer_bits::address_bits | std::min(n, size_mask));
}

void packed_chars::release() noexcept {
  if (!on_heap()) return;
  const std::size_t n = heap_size_field();
  deallocate_text(heap_data(), n == size_mask ? long_text().size() + sizeof(std::uint64_t) : n);
}

}  // namespace customerdb::detail
