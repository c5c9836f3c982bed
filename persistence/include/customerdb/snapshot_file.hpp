// customerdb snapshot files: what a snapshot in a data directory holds, for tools that inspect
// one (`customerdb snapshot info|verify`). The format is described in docs/persistence.md.
// Thread-safe (free functions over files).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>

#include "customerdb/timestamp.hpp"

namespace customerdb {

// The header of a snapshot file.
struct snapshot_file_info {
  std::uint32_t format_version = 0;
  std::uint64_t sequence = 0;  // the commits it covers
  timestamp created_at{};      // when it was taken
  std::uint64_t customer_groups = 0;
  std::uint64_t customers = 0;
  std::uint64_t customer_addresses = 0;
  std::uint64_t customer_group_customers = 0;
  std::uint64_t payload_bytes = 0;
  std::uint64_t payload_checksum = 0;  // XXH3-64 of the payload
  std::uint64_t file_bytes = 0;
  // The replication source position the snapshot reflects (format version 3), if it holds one.
  std::optional<std::uint64_t> source_position;
};

// Reads and checks the header of the snapshot file `path` (not the payload). Throws corruption
// naming the file and offset when the header is damaged, truncated or of a newer format;
// io_error when the file cannot be read.
snapshot_file_info read_snapshot_info(const std::filesystem::path& path);

// As read_snapshot_info, and also checks the payload: its checksum, and that it decodes into
// exactly the rows the header counts.
snapshot_file_info verify_snapshot(const std::filesystem::path& path);

}  // namespace customerdb
