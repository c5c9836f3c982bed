// The journal file format. A journal file is a header, then one record per commit:
//
//   file header (32 bytes): magic "CDBJRNL\n", u32 format version, u32 Boost archive version,
//                           u64 sequence of the file's first record, u64 XXH3-64 of the above
//   record header (32 bytes): u32 magic "CDBR", u32 check (low half of the XXH3-64 of the
//                           next 24 bytes), u64 commit sequence, u64 payload length,
//                           u64 XXH3-64 of the payload
//   payload:                a Boost.Serialization binary archive (no archive header) of the
//                           commit's writes: tagged after-images of the rows written and the
//                           ids erased, then an end tag; or, for a commit whose rows only a
//                           snapshot holds (a large import), that tag alone, then the end tag.
//                           Either may end with the commit's source position (format version
//                           3): its tag and a u64, right before the end tag.
//
// All integers little-endian. Sequences in a file are consecutive.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "customerdb/persistence/commit_hook.hpp"
#include "customerdb/persistence/record_sink.hpp"
#include "customerdb/records.hpp"

namespace customerdb::persistence {

inline constexpr std::string_view journal_magic = "CDBJRNL\n";
// Version 2 added the payload tag of a commit kept in a snapshot, version 3 the tag of a
// commit's source position; a build reads every version up to its own.
inline constexpr std::uint32_t journal_format_version = 3;
inline constexpr std::size_t journal_header_size = 32;
inline constexpr std::uint32_t record_magic = 0x52424443;  // "CDBR"
inline constexpr std::size_t record_header_size = 32;

// The header of a journal file whose first record is `first_sequence`.
std::string encode_journal_header(std::uint64_t first_sequence);

struct journal_header {
  std::uint32_t archive_version = 0;
  std::uint64_t first_sequence = 0;
};

// Decodes and checks a journal file header (`bytes`: the file's first bytes). Throws
// corruption "Journal <path> is corrupt at offset <n>: <why>", or naming a newer format.
journal_header decode_journal_header(std::string_view bytes, const std::filesystem::path& path);

// A record header: what decode_record_header found. `valid` is false when the magic or check
// does not match.
struct record_header {
  bool valid = false;
  std::uint64_t sequence = 0;
  std::uint64_t length = 0;
  std::uint64_t checksum = 0;
};
record_header decode_record_header(std::string_view bytes);

// The whole journal record of `changes` (commit_changes, customerdb/persistence/commit_hook.hpp):
// its frame and its payload. `changes` is spent after.
std::string finish_record(commit_changes&& changes);

// Whether a record's payload is that of a commit whose rows only a snapshot at or after it
// holds (commit_changes::keep_in_snapshot). Throws std::exception when it does not decode.
bool is_kept_in_snapshot(std::string_view payload);

// Passes the writes of a record's payload to `sink` (puts and erases, in their order), then its
// source position, if it has one (record_sink::source_position), and returns that position.
// Throws std::exception when the payload does not decode or is that of a commit kept in a
// snapshot.
std::optional<std::uint64_t> decode_commit(std::string_view payload, record_sink& sink);

}  // namespace customerdb::persistence
