// customerdb::persistence::read_only_store: a data directory opened only to be read, as the
// inspection commands (`customerdb stats`, `customerdb export`) open it. Constructing one
// recovers the store the directory holds into a record_sink, exactly as durable_store does
// (docs/persistence.md, "Recovery"), and changes nothing on disk: the directory is not created;
// it is locked shared, and only while it is read (so that no writer changes it meanwhile); no
// journal is opened, a torn journal tail is left in place (recovery drops it from what it
// loads), leftover temporary files stay, and no snapshot is taken. It needs no write permission.
//
// As the engine's commit hook it refuses every commit, and it takes no snapshot: both throw
// not_allowed "The store is open read-only".
//
// Errors: customerdb::error with code io_error when the directory cannot be opened ("Cannot
// open DIR: No such file or directory", "...: Not a directory"), when it holds no snapshot or
// journal file ("DIR is not a data directory: it holds no snapshot or journal file"), when a
// writer holds it ("Cannot lock DIR: another process is using it") or a file cannot be read;
// corruption as durable_store's recovery. Warnings (a snapshot skipped, a torn journal tail
// left out) go to standard error.
//
// Thread-safety: immutable once constructed; thread-safe.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>

#include "customerdb/persistence/commit_hook.hpp"
#include "customerdb/persistence/durable_store.hpp"
#include "customerdb/persistence/record_sink.hpp"
#include "customerdb/persistence_options.hpp"

namespace customerdb::persistence {

class read_only_store final : public commit_hook {
 public:
  // Recovers the store of `options.data_dir` into `loader`; of the options, only data_dir and
  // file_system count. REQUIRES: a data directory.
  read_only_store(const persistence_options& options, record_sink& loader);

  // The last commit recovered.
  std::uint64_t recovered_sequence() const noexcept { return recovered_; }

  // The source position recovery passed to the loader last, as
  // durable_store::recovered_source_position().
  std::optional<std::uint64_t> recovered_source_position() const noexcept {
    return recovered_position_;
  }

  // The newest snapshot recovery loaded, if any.
  std::optional<durable_store::last_snapshot> latest() const { return latest_; }

  // Throw not_allowed "The store is open read-only".
  void append(commit_changes&& changes) override;
  snapshot_info snapshot() const;
  // Nothing to wait for (append() let no commit through).
  void committed(std::uint64_t) override {}
  void abandon(std::uint64_t) noexcept override {}

 private:
  std::uint64_t recovered_ = 0;
  std::optional<std::uint64_t> recovered_position_;
  std::optional<durable_store::last_snapshot> latest_;
};

// Reads the snapshot file `path` (in a data directory or anywhere else) into `loader` as recovery
// reads a data directory's newest snapshot: both checksums checked before a row is delivered,
// the tables from several threads (record_sink). Changes nothing; the file may be read-only.
// Returns the commits it covers. Throws io_error when it cannot be read ("Cannot open PATH:
// ..."), corruption "Snapshot PATH is corrupt at offset N: ..." when it is damaged or of a
// newer format. Thread-safe.
std::uint64_t read_snapshot_file(const std::filesystem::path& path, record_sink& loader);

// Passes the rows of the data directory `options.data_dir` to `sink` straight from its newest
// snapshot when that snapshot plainly holds every commit of the directory (there is no journal
// file, or the newest starts right after the snapshot and holds no record), and returns true:
// on the calling thread, in export order (groups, customers, addresses, memberships; each table
// begin_table, its rows in id order, end_table), without recovering a store. Returns false,
// having passed nothing, otherwise (journal records after the snapshot, a torn journal tail,
// no snapshot, a damaged file): the directory must then be recovered (read_only_store), which
// reports what recovery reports. Of the options, only data_dir and
// file_system count. Locks the directory shared while it reads; changes nothing. Throws io_error
// as read_only_store for a path that is not a data directory, and corruption when the chosen
// snapshot's rows do not decode (`sink` may have received rows then).
bool read_complete_snapshot(const persistence_options& options, record_sink& sink);

// Whether `path` is a regular file that starts as a snapshot file does (its magic, of any
// format version); nothing else is checked. Never throws: false when it cannot be read.
bool is_snapshot_file(const std::filesystem::path& path) noexcept;

}  // namespace customerdb::persistence
