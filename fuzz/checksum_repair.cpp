#include "checksum_repair.hpp"

#include <algorithm>
#include <array>
#include <string>
#include <string_view>

#include "checksum.hpp"
#include "journal_format.hpp"
#include "little_endian.hpp"
#include "snapshot_format.hpp"

namespace customerdb::fuzz {
namespace {

using persistence::checksum;
using persistence::get_le;

// Writes the little-endian `value` over the bytes at `offset`.
template <class T>
void set_le(std::uint8_t* bytes, std::size_t offset, T value) {
  std::string encoded;
  persistence::put_le<T>(encoded, value);
  std::copy(encoded.begin(), encoded.end(), bytes + offset);
}

// Offsets in a snapshot header (persistence/src/snapshot_format.cpp). The header's own
// checksum is its last 8 bytes: version 3's header is snapshot_header_size (144) bytes, earlier
// versions' snapshot_header_size_v2 (128).
constexpr std::size_t at_version = 8;
constexpr std::size_t at_sections = 64;
constexpr std::size_t at_payload_length = 96;
constexpr std::size_t at_payload_checksum = 104;

}  // namespace

void repair_snapshot(std::uint8_t* bytes, std::size_t size, repair what) {
  const std::string_view file(reinterpret_cast<const char*>(bytes), size);
  if (size < persistence::snapshot_header_size_v2 || !file.starts_with(persistence::snapshot_magic))
    return;
  const std::size_t header = get_le<std::uint32_t>(file, at_version) >= 3
                                 ? persistence::snapshot_header_size
                                 : persistence::snapshot_header_size_v2;
  if (size < header) return;
  const std::size_t at_header_checksum = header - 8;
  if (what == repair::lengths_and_checksums) {
    const std::uint64_t payload = size - header;
    set_le<std::uint64_t>(bytes, at_payload_length, payload);
    std::uint64_t left = payload;
    for (std::size_t t = 0; t < persistence::table_count; ++t) {
      const std::size_t at = at_sections + 8 * t;
      const bool last = t + 1 == persistence::table_count;
      const std::uint64_t length = last ? left : std::min(get_le<std::uint64_t>(file, at), left);
      set_le<std::uint64_t>(bytes, at, length);
      left -= length;
    }
  }
  set_le<std::uint64_t>(bytes, at_payload_checksum, checksum(file.substr(header)));
  set_le<std::uint64_t>(bytes, at_header_checksum, checksum(file.substr(0, at_header_checksum)));
}

void repair_journal(std::uint8_t* bytes, std::size_t size, repair what) {
  constexpr std::size_t header = persistence::journal_header_size;
  constexpr std::size_t record_header = persistence::record_header_size;
  const std::string_view file(reinterpret_cast<const char*>(bytes), size);
  if (size < header || !file.starts_with(persistence::journal_magic)) return;
  set_le<std::uint64_t>(bytes, 24, checksum(file.substr(0, 24)));
  std::size_t offset = header;
  while (size - offset >= record_header &&
         get_le<std::uint32_t>(file, offset) == persistence::record_magic) {
    const std::size_t room = size - offset - record_header;
    std::uint64_t length = get_le<std::uint64_t>(file, offset + 16);
    if (length > room) {
      if (what != repair::lengths_and_checksums) return;
      length = room;
      set_le<std::uint64_t>(bytes, offset + 16, length);
    }
    set_le<std::uint64_t>(bytes, offset + 24, checksum(file.substr(offset + record_header, length)));
    set_le<std::uint32_t>(bytes, offset + 4,
                          static_cast<std::uint32_t>(checksum(file.substr(offset + 8, 24))));
    offset += record_header + length;
  }
}

}  // namespace customerdb::fuzz
