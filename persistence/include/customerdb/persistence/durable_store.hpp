// customerdb::persistence::durable_store: a data directory in use, and the one owner of
// everything in it (docs/persistence.md). Constructing one locks the directory and recovers the
// store it holds into a record_sink. From then on it is the engine's commit_hook (each commit is
// appended to the journal and made durable as the fsync policy says), and once start() gave it
// the engine's tables (a table_source) it writes snapshots of them: on demand (snapshot()), in
// the background when one is due (`snapshot_interval` after the last one, or once
// `snapshot_every_commits` commits happened since the last one began; a failure is reported on
// standard error and retried after 1 s, doubling up to 1 min), and at close() when
// `snapshot_on_close` is set. Each snapshot starts a new journal file at its cut; after it, the
// snapshots beyond `keep_snapshots` and the journal files no kept snapshot needs are removed.
//
// Replication source positions (commit_changes::set_source_position) go into the journal with
// their commits, and into each snapshot's header: the table_reader's source_position() of the
// cut, or, when it gives none, the position of the last commit at or before the cut that
// carried one (the one recovered when none did since), so that a snapshot never drops a
// position the journal files it lets retention remove held.
//
// Errors: customerdb::error with code io_error when the disk fails, corruption when recovery
// finds damaged files (see each call). Warnings (a snapshot skipped or a torn journal tail
// dropped at recovery, files that could not be removed) go to standard error.
//
// Thread-safety: thread-safe, with commit_hook's rule (append() calls one at a time) and one
// more: the table_source's begin_read() calls its `at_cut` while no append() can run (the
// engine's writer mutex), since the cut starts a new journal file.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>

#include "customerdb/persistence/commit_hook.hpp"
#include "customerdb/persistence/record_sink.hpp"
#include "customerdb/persistence/table_source.hpp"
#include "customerdb/persistence_options.hpp"
#include "customerdb/timestamp.hpp"

namespace customerdb::persistence {

class durable_store final : public commit_hook {
 public:
  // Locks `options.data_dir` (created when missing) and recovers what it holds into `loader`:
  // the newest snapshot whose checks pass, then the journal's commits after it; then cuts off a
  // torn journal tail, removes leftover temporary files and opens the journal for appends.
  // Throws io_error (also when another module holds the directory), or corruption naming the
  // file and the offset; the directory is unchanged then. REQUIRES: a data directory.
  durable_store(const persistence_options& options, record_sink& loader);
  // close(), if not done yet.
  ~durable_store() override;
  durable_store(const durable_store&) = delete;
  durable_store& operator=(const durable_store&) = delete;

  // The last commit recovered; the next commit is one more.
  std::uint64_t recovered_sequence() const noexcept;
  // The source position recovery passed to the loader last (record_sink::source_position):
  // that of the last snapshot or commit recovered that carried one; nullopt when none did.
  std::optional<std::uint64_t> recovered_source_position() const noexcept;

  // Snapshots read `source` from now on: starts the background snapshots the options ask for.
  // REQUIRES: called once, before snapshot(); `source` lives until close() returned.
  void start(table_source& source);

  // commit_hook: appends to the journal; waits for durability and counts the commit for
  // background snapshots.
  void append(commit_changes&& changes) override;
  void committed(std::uint64_t sequence) override;
  void abandon(std::uint64_t sequence) noexcept override;

  // Writes a snapshot of a cut of the tables now and returns once it is durable; when the
  // newest snapshot already holds the last commit, returns that one. One snapshot at a time:
  // waits for one in progress. Throws io_error (the previous snapshots and the journal are as
  // they were, but for a new journal file at the cut).
  snapshot_info snapshot();

  struct last_snapshot {
    snapshot_info info;
    timestamp created_at{};
  };
  // The newest snapshot on disk (recovered or written), if any.
  std::optional<last_snapshot> latest() const;

  // Stops the background snapshots (waiting for one in progress), takes a final snapshot when
  // `snapshot_on_close` is set and start() was called, and syncs and closes the journal,
  // whatever the fsync policy. Failures are reported on standard error. Idempotent; nothing
  // may be appended after.
  void close() noexcept;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace customerdb::persistence
