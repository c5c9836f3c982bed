// detail::prefetch_lines: asks the CPU to start loading every cache line of an object, so that
// the misses of its fields arrive in one round instead of one after another as code reaches
// each field; detail::prefetch_text, the same for the characters of a string.
#pragma once

#include <cstddef>
#include <string_view>

namespace customerdb::detail {

// __builtin_prefetch(p), as an instruction the compiler must emit. GCC 12 dropped
// __builtin_prefetch of a hash bucket's first node (an address it computes from Boost.MultiIndex's
// node pointers) in templates, while keeping it in an equivalent plain function.
inline void prefetch_kept(const void* p) noexcept {
#if defined(__x86_64__)
  asm volatile("prefetcht0 (%0)" : : "r"(p));
#else
  __builtin_prefetch(p);
#endif
}

template <class T>
void prefetch_lines(const T* p) noexcept {
  const char* bytes = reinterpret_cast<const char*>(p);
  for (std::size_t at = 0; at < sizeof(T); at += 64) prefetch_kept(bytes + at);
}

// Asks the CPU to fetch the characters of a string's text when they live on the heap: longer
// than the 15 bytes a std::string keeps inline.
inline void prefetch_text(std::string_view text) noexcept {
  if (text.size() > 15) __builtin_prefetch(text.data());
}

}  // namespace customerdb::detail
