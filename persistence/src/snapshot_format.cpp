#include "snapshot_format.hpp"

#include <fmt/format.h>

#include <chrono>

#include "checksum.hpp"
#include "corruption_error.hpp"
#include "customerdb/error.hpp"
#include "little_endian.hpp"

namespace customerdb::persistence {
namespace {

// Offsets in the header. The first 16 bytes (magic, format version, header size) and the
// checksum in the header's last 8 bytes keep their places in every format version.
constexpr std::size_t at_version = 8;
constexpr std::size_t at_header_size = 12;
constexpr std::size_t at_sequence = 16;
constexpr std::size_t at_created = 24;
constexpr std::size_t at_counts = 32;
constexpr std::size_t at_sections = 64;
constexpr std::size_t at_payload_length = 96;
constexpr std::size_t at_payload_checksum = 104;
constexpr std::size_t at_archive_version = 112;
constexpr std::size_t at_journal_follows = 116;  // version 2; zero in version 1
constexpr std::size_t at_header_checksum_v2 = 120;  // versions 1 and 2
// Version 3.
constexpr std::size_t at_has_source_position = 120;  // u32: 1 when a position follows, else 0
constexpr std::size_t at_reserved = 124;             // u32: zero
constexpr std::size_t at_source_position = 128;      // u64: zero when there is none
constexpr std::size_t at_header_checksum = 136;
static_assert(at_header_checksum_v2 + 8 == snapshot_header_size_v2);
static_assert(at_header_checksum + 8 == snapshot_header_size);

// The header size of each format version.
constexpr std::size_t header_size_of(std::uint32_t version) {
  return version >= 3 ? snapshot_header_size : snapshot_header_size_v2;
}

}  // namespace

std::string encode(const snapshot_header& h) {
  std::string out(snapshot_magic);
  put_le<std::uint32_t>(out, snapshot_format_version);
  put_le<std::uint32_t>(out, snapshot_header_size);
  put_le<std::uint64_t>(out, h.sequence);
  put_le<std::int64_t>(out, h.created_at_ms);
  for (const auto c : h.counts) put_le<std::uint64_t>(out, c);
  for (const auto l : h.sections) put_le<std::uint64_t>(out, l);
  put_le<std::uint64_t>(out, h.payload_length);
  put_le<std::uint64_t>(out, h.payload_checksum);
  put_le<std::uint32_t>(out, h.archive_version);
  put_le<std::uint32_t>(out, h.journal_follows ? 1 : 0);
  put_le<std::uint32_t>(out, h.source_position ? 1 : 0);
  put_le<std::uint32_t>(out, 0);
  put_le<std::uint64_t>(out, h.source_position.value_or(0));
  put_le<std::uint64_t>(out, checksum(out));
  return out;
}

snapshot_header decode_snapshot_header(std::string_view bytes, std::uint64_t file_size,
                                       const std::filesystem::path& path) {
  if (bytes.size() < at_sequence || bytes.substr(0, snapshot_magic.size()) != snapshot_magic)
    throw corrupt_snapshot(path, 0, "not a snapshot file (bad magic)");
  const auto header_size = get_le<std::uint32_t>(bytes, at_header_size);
  if (header_size < at_sequence + 8 || header_size > snapshot_header_read_size ||
      header_size > file_size)
    throw corrupt_snapshot(path, at_header_size, fmt::format("bad header size {}", header_size));
  if (bytes.size() < header_size) throw corrupt_snapshot(path, bytes.size(), "truncated header");
  if (get_le<std::uint64_t>(bytes, header_size - 8) != checksum(bytes.substr(0, header_size - 8)))
    throw corrupt_snapshot(path, header_size - 8, "header checksum mismatch");
  const auto version = get_le<std::uint32_t>(bytes, at_version);
  if (version > snapshot_format_version) {
    throw error(error_code::corruption,
                fmt::format("Snapshot {} has format version {}; this build reads versions up to {}",
                            path.string(), version, snapshot_format_version));
  }
  if (version < 1 || header_size != header_size_of(version))
    throw corrupt_snapshot(path, at_version, fmt::format("unknown format version {}", version));
  snapshot_header h;
  h.format_version = version;
  h.header_size = header_size;
  if (version >= 2) {
    const auto follows = get_le<std::uint32_t>(bytes, at_journal_follows);
    if (follows > 1) {
      throw corrupt_snapshot(path, at_journal_follows,
                             fmt::format("bad journal-follows field {}", follows));
    }
    h.journal_follows = follows == 1;
  }
  if (version >= 3) {
    const auto has = get_le<std::uint32_t>(bytes, at_has_source_position);
    const auto position = get_le<std::uint64_t>(bytes, at_source_position);
    if (has > 1 || (has == 0 && position != 0)) {
      throw corrupt_snapshot(path, at_has_source_position,
                             fmt::format("bad source position field {} ({})", has, position));
    }
    if (const auto reserved = get_le<std::uint32_t>(bytes, at_reserved); reserved != 0)
      throw corrupt_snapshot(path, at_reserved, fmt::format("bad reserved field {}", reserved));
    if (has == 1) h.source_position = position;
  }
  h.sequence = get_le<std::uint64_t>(bytes, at_sequence);
  h.created_at_ms = get_le<std::int64_t>(bytes, at_created);
  std::uint64_t sections = 0;
  for (std::size_t i = 0; i < h.counts.size(); ++i) {
    h.counts[i] = get_le<std::uint64_t>(bytes, at_counts + 8 * i);
    h.sections[i] = get_le<std::uint64_t>(bytes, at_sections + 8 * i);
    sections += h.sections[i];
  }
  h.payload_length = get_le<std::uint64_t>(bytes, at_payload_length);
  if (sections != h.payload_length)
    throw corrupt_snapshot(path, at_sections,
                           "the section lengths do not add up to the payload length");
  h.payload_checksum = get_le<std::uint64_t>(bytes, at_payload_checksum);
  h.archive_version = get_le<std::uint32_t>(bytes, at_archive_version);
  const std::uint64_t expected = header_size + h.payload_length;
  if (file_size < expected) {
    throw corrupt_snapshot(path, file_size,
                           fmt::format("truncated: the header announces {} bytes", expected));
  }
  if (file_size > expected)
    throw corrupt_snapshot(path, expected, "unexpected bytes after the payload");
  return h;
}

snapshot_file_info info_of(const snapshot_header& h, std::uint64_t file_size) {
  snapshot_file_info info;
  info.format_version = h.format_version;
  info.sequence = h.sequence;
  info.created_at = timestamp(std::chrono::milliseconds(h.created_at_ms));
  info.customer_groups = h.counts[static_cast<int>(table::groups)];
  info.customers = h.counts[static_cast<int>(table::customers)];
  info.customer_addresses = h.counts[static_cast<int>(table::addresses)];
  info.customer_group_customers = h.counts[static_cast<int>(table::memberships)];
  info.payload_bytes = h.payload_length;
  info.payload_checksum = h.payload_checksum;
  info.file_bytes = file_size;
  info.source_position = h.source_position;
  return info;
}

}  // namespace customerdb::persistence
