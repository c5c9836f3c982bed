// detail::pointer_bits: a pointer and 16 bits of other data in one 64-bit word.
//
// On the LP64 targets built for, a user-space address needs at most 48 bits (47 on x86-64 and
// AArch64 Linux), so the 16 bits above them are free for data that would otherwise cost a word
// of its own: packed text keeps a text's size there (packed_text.hpp), the id index half of an
// id's hash (id_index.hpp). Their callers check fits() before pack() and refuse an address
// beyond 48 bits (none of those targets hands one out). Stateless functions: thread-safe.
#pragma once

#include <cstdint>

namespace customerdb::detail::pointer_bits {

inline constexpr int address_bits = 48;
inline constexpr std::uint64_t address_mask = (std::uint64_t{1} << address_bits) - 1;

// Whether `p` fits in the low address_bits of a word.
inline bool fits(const void* p) noexcept {
  return reinterpret_cast<std::uintptr_t>(p) <= address_mask;
}

// The word holding `p` (which fits) and, above it, the low 16 bits of `high`.
inline std::uint64_t pack(const void* p, std::uint64_t high) noexcept {
  return reinterpret_cast<std::uintptr_t>(p) | (high & 0xffff) << address_bits;
}

// The pointer and the data of a word from pack().
template <class T>
const T* pointer(std::uint64_t word) noexcept {
  return reinterpret_cast<const T*>(static_cast<std::uintptr_t>(word & address_mask));
}
inline std::uint64_t high(std::uint64_t word) noexcept { return word >> address_bits; }

}  // namespace customerdb::detail::pointer_bits
