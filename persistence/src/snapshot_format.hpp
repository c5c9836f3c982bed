// The snapshot file format: a fixed header of our own, then the payload: one section per table
// (groups, customers, addresses, memberships), each a Boost.Serialization binary archive of the
// table's row count and its records in id order. Sections can be decoded in parallel.
// docs/persistence.md has the layout.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "customerdb/persistence/table.hpp"
#include "customerdb/snapshot_file.hpp"

namespace customerdb::persistence {

inline constexpr std::string_view snapshot_magic = "CDBSNAP\n";
// Version 2 added journal_follows, version 3 the source position (and 16 header bytes); files of
// versions 1 and 2 are read as well (journal_follows false in version 1, no source position).
inline constexpr std::uint32_t snapshot_format_version = 3;
// The header this build writes (version 3), and that of versions 1 and 2.
inline constexpr std::size_t snapshot_header_size = 144;
inline constexpr std::size_t snapshot_header_size_v2 = 128;
// How many bytes a reader passes to decode_snapshot_header (at most; fewer in a shorter file):
// room for the larger headers of later format versions.
inline constexpr std::size_t snapshot_header_read_size = 4096;

struct snapshot_header {
  std::uint32_t format_version = snapshot_format_version;  // the file's; encode() writes 3
  std::uint32_t header_size = snapshot_header_size;         // the file's; the payload follows
  std::uint64_t sequence = 0;
  std::int64_t created_at_ms = 0;
  std::array<std::uint64_t, table_count> counts{};    // rows, by table
  std::array<std::uint64_t, table_count> sections{};  // section lengths in bytes, by table
  std::uint64_t payload_length = 0;                   // the sections' sum
  std::uint64_t payload_checksum = 0;
  std::uint32_t archive_version = 0;  // Boost's archive library version that wrote the payload
  // True when the commits after this snapshot start a journal file of their own,
  // journal-<sequence + 1>.log, created before the snapshot was (a data directory's snapshots
  // always are); recovery then refuses a directory whose journal lacks that file. False for a
  // snapshot written without a journal, and for every version 1 file.
  bool journal_follows = false;
  // The replication source position the snapshot's cut reflects (table_reader::source_position);
  // none in version 1 and 2 files, and when the store never had one.
  std::optional<std::uint64_t> source_position;
};

// The header's bytes (format version 3 whatever `h.format_version` says, snapshot_header_size
// bytes), its own checksum included.
std::string encode(const snapshot_header& h);

// Decodes and checks the header of the snapshot file `path`, whose first bytes (up to
// snapshot_header_read_size) are `bytes` and whose size is `file_size`. Throws corruption "Snapshot
// <path> is corrupt at offset <n>: <why>", or "Snapshot <path> has format version <v>; this build
// reads versions up to 3" for a newer format.
snapshot_header decode_snapshot_header(std::string_view bytes, std::uint64_t file_size,
                                       const std::filesystem::path& path);

snapshot_file_info info_of(const snapshot_header& h, std::uint64_t file_size);

}  // namespace customerdb::persistence
