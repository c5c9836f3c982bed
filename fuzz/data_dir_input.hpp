// open_data_dir_file: the body of the persistence fuzz targets. A data directory holding one
// file (a snapshot or a journal) is opened read-only, as `customerdb stats` and `export` open
// one, from memory (memory_file_system), and every row recovered is then read back.
// data_file_target: the whole of such a target, its mutator and its input, for one kind of file.
//
// The contract checked: opening either succeeds, and then every row can be exported and listed
// with its relations, or fails with customerdb::error (corruption) naming the file. Anything
// else (another exception, another error code) aborts the process with the error on stderr,
// which the fuzzer reports as a crash.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "checksum_repair.hpp"

namespace customerdb::fuzz {

// Files longer than this are skipped (scripts/fuzz also passes it as -max_len).
inline constexpr std::size_t max_file_bytes = 16384;

// The directory the file appears in ("/fuzz-data"; it exists only in memory).
inline constexpr std::string_view data_dir_path = "/fuzz-data";

// Opens the directory holding `bytes` as the file `name` and reads what it holds.
void open_data_dir_file(const std::string& name, std::string bytes);

// A kind of data file as a fuzz target sees it: how its checksums are repaired, its name for
// the sequence its header announces (the 8 bytes at offset 16), and the sequence that names
// an input too short to announce one.
struct data_file_kind {
  void (*repair_file)(std::uint8_t* bytes, std::size_t size, repair what);
  std::string (*file_name)(std::uint64_t sequence);
  std::uint64_t short_input_sequence;
};

// LLVMFuzzerCustomMutator for files of `kind`: libFuzzer's mutation, then the checksums
// repaired (with the lengths, or the checksums only), except for one mutation in eight, which
// keeps them as mutated.
std::size_t mutate_data_file(const data_file_kind& kind, std::uint8_t* data, std::size_t size,
                             std::size_t max_size, unsigned int seed);
// LLVMFuzzerTestOneInput for files of `kind`: the input opened as the only file of a data
// directory, named after the sequence its header announces so that recovery does not refuse
// the name first (open_data_dir_file). Inputs over max_file_bytes are skipped.
void open_data_file(const data_file_kind& kind, const std::uint8_t* data, std::size_t size);

}  // namespace customerdb::fuzz
