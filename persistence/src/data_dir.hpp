// The files of a data directory and their names:
//   snapshot-<sequence>.snap     a snapshot of the commits up to <sequence>
//   snapshot-<sequence>.snap.tmp a snapshot being written (left over by a crash: ignored)
//   journal-<sequence>.log       the journal, from commit <sequence> on
// Sequences are 20 decimal digits, so names sort as their sequences. Other files are ignored.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "customerdb/file_system.hpp"

namespace customerdb::persistence {

std::string snapshot_file_name(std::uint64_t sequence);
std::string journal_file_name(std::uint64_t first_sequence);
std::string temporary_name(const std::string& name);

struct numbered_file {
  std::uint64_t sequence = 0;
  std::string name;
};

struct data_dir_listing {
  std::vector<numbered_file> snapshots;  // by sequence, oldest first
  std::vector<numbered_file> journals;   // by first sequence
  std::vector<std::string> temporaries;  // unfinished snapshots
};

// The persistence files in `dir`. Throws io_error.
data_dir_listing list_data_dir(file_system& fs, const std::filesystem::path& dir);

}  // namespace customerdb::persistence
