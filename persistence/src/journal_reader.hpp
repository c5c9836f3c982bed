// Reading a journal file back, checking every record. Thread-compatible.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "customerdb/file_system.hpp"

namespace customerdb::persistence {

struct journal_record {
  std::uint64_t sequence = 0;
  std::uint64_t offset = 0;  // of its header in the file
  std::string_view payload;  // checksum verified; points into journal_contents::bytes
};

// A damaged or incomplete last record: what a crash in the middle of an append leaves.
struct torn_tail {
  std::uint64_t offset = 0;  // where the valid part of the file ends
  std::string reason;
};

struct journal_contents {
  std::string bytes;  // the whole file
  std::uint64_t first_sequence = 0;
  std::vector<journal_record> records;  // in file order, sequences consecutive
  std::optional<torn_tail> torn;
};

// Reads the journal file `path`, whose name says its first record is `named_sequence`, and
// checks its records. A file shorter than its header, or zeroed, is a torn tail at offset 0. A
// record that is incomplete, or the last of the file with a bad payload checksum, or a tail of zero
// bytes, is a torn tail when `last_file` (reported in `torn`, with the records before it). Any
// other damage, and a torn tail in a file that is not the last, throws corruption "Journal <path>
// is corrupt at offset <n>: <why>"; io_error when the file cannot be read.
journal_contents read_journal(file_system& fs, const std::filesystem::path& path,
                              std::uint64_t named_sequence, bool last_file);

}  // namespace customerdb::persistence
