#include "packed_text.hpp"

#include <limits>
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
    char text[inline_capacity];
    if (n != 0) std::memcpy(text, s.data(), n);  // `s` may be this object's own text
    release();
    if (n != 0) std::memcpy(bytes_, text, n);
    bytes_[15] = static_cast<unsigned char>(n);
    return;
  }
  if (n > std::numeric_limits<std::uint32_t>::max())
    throw std::length_error("a text column of 4 GiB or more");
  char* p = allocate_text(n);
  std::memcpy(p, s.data(), n);
  const auto size = static_cast<std::uint32_t>(n);
  release();
  std::memcpy(bytes_, &p, sizeof p);
  std::memcpy(bytes_ + 8, &size, sizeof size);
  bytes_[15] = heap_tag;
}

void packed_chars::release() noexcept {
  if (tag() == heap_tag) deallocate_text(heap_data(), heap_size());
}

}  // namespace customerdb::detail
