// detail::durability: the engine's side of persistence. It opens the data directory (lock,
// recovery into the store), encodes commits as journal records and appends them, and keeps the
// directory tidy after each snapshot (old snapshots beyond the number kept, journal files no
// kept snapshot needs). The snapshot itself is taken by the engine (snapshots.cpp), which owns
// the latch its read view needs.
//
// Thread-safe, with the journal's rule: append() calls come one at a time (under the engine's
// writer mutex).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "customerdb/file_system.hpp"
#include "customerdb/persistence_options.hpp"
#include "journal_writer.hpp"
#include "store.hpp"

namespace customerdb::detail {

class durability {
 public:
  // Locks and recovers `options.data_dir` (created when missing) into `s`, an empty store.
  // Prints a warning on stderr for a snapshot skipped or a torn journal tail dropped. Throws
  // corruption naming the file and offset, io_error; the directory is unchanged then.
  durability(const persistence_options& options, store& s);
  // Syncs and closes the journal; errors go to stderr (use close() to see them).
  ~durability();
  durability(const durability&) = delete;
  durability& operator=(const durability&) = delete;

  // The journal record of a commit's writes, or of an import's rows.
  static std::string encode(const write_set& writes, std::uint64_t sequence);
  static std::string encode(const row_batch& rows, std::uint64_t sequence);

  // See persistence::journal_writer.
  void append(std::uint64_t sequence, std::string_view record) {
    journal_->append(sequence, record);
  }
  void wait_durable(std::uint64_t sequence) { journal_->wait_durable(sequence); }
  void rotate_journal() { journal_->rotate(); }
  // Syncs and closes the journal. Throws io_error.
  void close() { journal_->close(); }

  file_system& fs() noexcept { return *fs_; }
  const persistence_options& options() const noexcept { return options_; }

  // Records a new durable snapshot, then removes the snapshots beyond the number kept and the
  // journal files that every kept snapshot covers. Removal failures go to stderr.
  void snapshot_taken(const snapshot_info& info, timestamp created_at);

  struct last_snapshot {
    snapshot_info info;
    timestamp created_at{};
  };
  std::optional<last_snapshot> latest() const;

 private:
  void prune();

  persistence_options options_;
  std::shared_ptr<file_system> fs_;
  std::shared_ptr<void> lock_;
  std::unique_ptr<persistence::journal_writer> journal_;
  mutable std::mutex mutex_;  // guards latest_
  std::optional<last_snapshot> latest_;
};

}  // namespace customerdb::detail
