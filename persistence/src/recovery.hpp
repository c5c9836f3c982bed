// recover(): rebuilds a store from a data directory, the newest valid snapshot plus the journal
// records after it, without changing any file. The caller finishes with finish_recovery().
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "customerdb/file_system.hpp"
#include "customerdb/persistence_options.hpp"
#include "data_dir.hpp"
#include "journal_reader.hpp"
#include "customerdb/persistence/record_sink.hpp"

namespace customerdb::persistence {

struct recovery_result {
  std::uint64_t sequence = 0;             // the last commit recovered
  std::optional<snapshot_info> snapshot;  // the snapshot loaded
  std::optional<timestamp> snapshot_created_at;
  // The source position of the last snapshot or journal record recovered that carried one: the
  // last one passed to the sink's source_position().
  std::optional<std::uint64_t> source_position;
  data_dir_listing files;
  // The journal file to append to (its last record is `sequence`), if any.
  std::optional<numbered_file> continue_journal;
  // A torn tail to cut off the last journal file: its name and where its valid part ends.
  std::optional<std::pair<std::string, torn_tail>> torn;
};

// Loads the newest snapshot of `dir` whose checks pass into `sink`, then replays every journal
// record after its sequence, passing the source positions they carry as record_sink says. Reports on `warn` each snapshot skipped and a torn tail dropped.
// Throws corruption naming the file and offset when the journal is damaged anywhere but at its
// very end; corruption "Journal <path> is missing: ..." when a journal file of the chain after
// the snapshot is (one in the middle, or the newest when the snapshot says a journal follows it
// and older journal files remain; docs/persistence.md); corruption when no usable snapshot and
// journal reach the newest snapshot; io_error when a file cannot be read. Changes no file.
recovery_result recover(file_system& fs, const std::filesystem::path& dir, record_sink& sink,
                        const std::function<void(const std::string&)>& warn);

// Makes `dir` ready for appends after a successful recover(): cuts off the torn tail, removes
// leftover temporary snapshot files. Throws io_error.
void finish_recovery(file_system& fs, const std::filesystem::path& dir, recovery_result& r);

}  // namespace customerdb::persistence
