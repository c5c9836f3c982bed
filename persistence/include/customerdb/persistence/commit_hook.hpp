// customerdb::persistence::commit_hook: what persistence sees of a commit. The engine hands every
// commit that changes something to its hook twice: its changes before the commit is published
// (append), and its sequence once it is published and the writer mutex is released
// (committed), where the commit waits until the fsync policy counts it durable. durable_store
// is the hook of a data directory; without one the engine has no hook.
//
// commit_changes: one commit's changes as persistence stores them, the after-image of each row
// written (its record) and the id of each row erased, in the order given. A change is encoded
// when it is put (nothing is kept of the record), so the caller may reuse one record for every
// put. A commit may also record how far the store now reflects a source it replicates
// (set_source_position): the position is written in the same journal record as the rows, so
// it is durable exactly when they are, and recovery gives it back (record_sink::source_position).
//
// Errors: append() and committed() throw customerdb::error with code io_error (see each).
//
// Thread-safety: commit_changes is thread-compatible. A commit_hook is thread-safe with one
// rule: append() calls come one at a time, in sequence order (the engine makes them under its
// writer mutex). committed() runs on any number of threads at once, concurrently with
// append(): that is how concurrent commits share an fsync (group commit).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "customerdb/persistence/table.hpp"
#include "customerdb/records.hpp"

namespace customerdb::persistence {

class commit_changes {
 public:
  // The changes of commit `sequence` (the store's sequence plus one); none yet.
  explicit commit_changes(std::uint64_t sequence);
  ~commit_changes();
  commit_changes(commit_changes&&) noexcept;
  commit_changes& operator=(commit_changes&&) noexcept;

  std::uint64_t sequence() const noexcept { return sequence_; }

  // The row `r.id` of the record's table is inserted, or replaced by `r`. REQUIRES: not moved
  // from (true of every put and erase).
  void put(const customer_group_record& r);
  void put(const customer_record& r);
  void put(const customer_address_record& r);
  void put(const customer_group_customer_record& r);
  // The row `id` of `t` is erased.
  void erase(table t, const std::string& id);
  // The commit's rows are not given here: the engine makes them durable with a snapshot that
  // it takes at or after this commit (a large import, whose rows so are written once). Recovery
  // refuses a data directory where no snapshot covers such a commit, naming the commit.
  // REQUIRES: nothing put or erased, and nothing after but set_source_position().
  void keep_in_snapshot();
  // With this commit the store reflects its replication source up to `position` (a PostgreSQL
  // WAL position, say: persistence only stores it). A commit may carry a position and no row
  // changes at all. Called more than once, the last position given counts (one is stored).
  // Allowed with keep_in_snapshot(), before or after it: the import's record carries the
  // position too, and the snapshot that must cover the commit holds it
  // (table_reader::source_position). Positions need not grow from commit to commit; recovery
  // gives back the one of the last commit (or snapshot) that carried one.
  void set_source_position(std::uint64_t position) noexcept { source_position_ = position; }
  // The position set_source_position() recorded, if any.
  std::optional<std::uint64_t> source_position() const noexcept { return source_position_; }

 private:
  struct encoder;
  std::uint64_t sequence_;
  std::unique_ptr<encoder> encoder_;
  std::optional<std::uint64_t> source_position_;  // written by finish_record, before the end

  // Persistence's side: the journal record of the changes; `changes` is spent after.
  friend std::string finish_record(commit_changes&& changes);
};

class commit_hook {
 public:
  virtual ~commit_hook() = default;

  // Called with the changes of a commit before it is published, while no other commit can
  // be: makes them part of the journal (written, not necessarily synced). Throws io_error when
  // that fails; nothing of the commit is in the journal then, the commit must not be
  // published, and the next commit may take the same sequence.
  virtual void append(commit_changes&& changes) = 0;

  // Called after commit `sequence` (appended before) was published, with the writer mutex
  // released. Counts the commit towards the next background snapshot, and returns once the
  // fsync policy counts it durable: with `always`, once an fsync covers it (commits waiting at
  // the same time share one fsync); with `everysec` and `no`, at once. Throws io_error when the
  // fsync that was to cover it failed: the commit stays published, and whether it reached the
  // disk is unknown.
  virtual void committed(std::uint64_t sequence) = 0;

  // Called instead of committed() when commit `sequence`, the last appended, could not be
  // published after all (memory ran out while publishing it), before any other append: its
  // record is cut off the journal, so that the next commit may take the same sequence. When
  // cutting fails, every later append fails with io_error until the directory is reopened.
  virtual void abandon(std::uint64_t sequence) noexcept = 0;
};

}  // namespace customerdb::persistence
