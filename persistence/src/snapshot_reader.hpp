// Reading snapshot files back: the header alone, or the whole file into a record_sink. A
// snapshot is decoded only after its header and payload checksums match, so damaged bytes are
// reported, never loaded. Thread-compatible.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>

#include "customerdb/file_system.hpp"
#include "customerdb/persistence/record_sink.hpp"
#include "snapshot_format.hpp"

namespace customerdb::persistence {

// The checked header of the snapshot file `path`, and the file's size in `file_size`. Throws
// corruption "Snapshot <path> is corrupt at offset <n>: <why>" (or names a newer format),
// io_error when the file cannot be read.
snapshot_header read_snapshot_header(file_system& fs, const std::filesystem::path& path,
                                     std::uint64_t& file_size);

// A snapshot file read into memory with its header and payload checksums checked.
struct checked_snapshot {
  snapshot_header header;
  std::uint64_t file_size = 0;
  std::unique_ptr<const file_bytes> payload;  // mapped, or read into memory
};

// Reads the snapshot file `path` and checks it. Throws as read_snapshot_header, and corruption
// when the payload's checksum does not match.
checked_snapshot load_snapshot(file_system& fs, const std::filesystem::path& path);

// Passes the rows of `s` (of the file `path`) to `sink`: groups then customers on the calling
// thread, then addresses and memberships from two threads at once (record_sink): `sink` must
// accept calls for those two tables concurrently. Throws corruption when they do not decode into the counted
// rows; `sink` may have received rows then.
void decode_snapshot(const checked_snapshot& s, record_sink& sink,
                     const std::filesystem::path& path);

// As decode_snapshot, on the calling thread: groups, customers, addresses, then memberships,
// each table whole (begin_table, its rows in id order, end_table) before the next.
void decode_snapshot_in_order(const checked_snapshot& s, record_sink& sink,
                              const std::filesystem::path& path);

// Reads the snapshot file `path` and passes its rows to `sink` as decode_snapshot does: for
// each table, begin_table then its rows. Throws as read_snapshot_header, and corruption when the
// payload's checksum does not match or it does not decode into the counted rows; `sink` may have
// received rows then.
snapshot_header read_snapshot(file_system& fs, const std::filesystem::path& path,
                              record_sink& sink);

}  // namespace customerdb::persistence
