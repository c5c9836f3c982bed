// open_data_dir_file: the body of the persistence fuzz targets. A data directory holding one
// file (a snapshot or a journal) is opened read-only, as `customerdb stats` and `export` open
// one, from memory (memory_file_system), and every row recovered is then read back.
//
// The contract checked: opening either succeeds, and then every row can be exported and listed
// with its relations, or fails with customerdb::error (corruption) naming the file. Anything
// else (another exception, another error code) aborts the process with the error on stderr,
// which the fuzzer reports as a crash.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace customerdb::fuzz {

// Files longer than this are skipped (scripts/fuzz also passes it as -max_len).
inline constexpr std::size_t max_file_bytes = 16384;

// The directory the file appears in ("/fuzz-data"; it exists only in memory).
inline constexpr std::string_view data_dir_path = "/fuzz-data";

// Opens the directory holding `bytes` as the file `name` and reads what it holds.
void open_data_dir_file(const std::string& name, std::string bytes);

}  // namespace customerdb::fuzz
