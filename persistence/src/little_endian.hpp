// Fixed-width little-endian integers in byte buffers, for the headers of persisted files.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace customerdb::persistence {

template <class T>
void put_le(std::string& out, T value) {
  for (std::size_t i = 0; i < sizeof(T); ++i)
    out.push_back(static_cast<char>((static_cast<std::uint64_t>(value) >> (8 * i)) & 0xff));
}

// The integer at `offset` of `in`. REQUIRES: offset + sizeof(T) <= in.size().
template <class T>
T get_le(std::string_view in, std::size_t offset) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < sizeof(T); ++i)
    v |= static_cast<std::uint64_t>(static_cast<unsigned char>(in[offset + i])) << (8 * i);
  return static_cast<T>(v);
}

}  // namespace customerdb::persistence
