// detail::engine: the state behind customer_module, its latches, transactions and commits.
//
// Concurrency: `latch_` guards the committed store. Readers hold it shared for one call; a
// commit holds it exclusively only while it publishes its write set. `writer_` lets one writer
// at a time (an auto-commit call or a commit) change the store, so an auto-commit call reads a
// store that cannot change under it, without holding the latch, and a commit validates against
// a stable store. Calls inside an explicit transaction read under the shared latch and write to
// the transaction's private write set. Thread-safe.
//
// Persistence hangs off the commit path (customerdb/persistence/): with a data directory,
// `durable_` (a persistence::durable_store) recovers the store at construction, and is the
// commit hook: each commit's changes are handed to it (appended to the journal) before they are
// published, and the commit waits for durability after it released `writer_`, so that
// concurrent commits share fsyncs. A directory opened read-only is recovered by `read_only_`
// instead, which as the commit hook refuses every commit. For snapshots the engine is
// persistence's table_source: a read fixes a cut under `writer_` and reads view_, a snapshot_cut
// of the store, in short chunks under the shared latch; commits keep before-images for it
// (snapshots.cpp).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <type_traits>
#include <utility>

#include "customerdb/customer_module.hpp"
#include "customerdb/persistence/table_source.hpp"
#include "latch.hpp"
#include "snapshot_cut.hpp"
#include "view.hpp"

namespace customerdb::persistence {
class commit_hook;
class durable_store;
class read_only_store;
}  // namespace customerdb::persistence

namespace customerdb::detail {

// An explicit transaction: a write set with savepoints, used by one call at a time.
class transaction {
 public:
  enum class status { active, committed, rolled_back, expired };

  transaction(const store& s, const transaction_options& options)
      : writes(s, true), deadline(options.deadline), begin_sequence(s.sequence) {}

  std::mutex mutex;  // one call at a time
  write_view writes;
  std::optional<std::chrono::steady_clock::time_point> deadline;
  std::uint64_t begin_sequence;  // the commits this transaction may have seen
  status state = status::active;
};

class engine final : private persistence::table_source {
 public:
  // Opens the data directory of `options.persistence` (if any) and recovers the store from it.
  // Throws corruption or io_error (see customer_module).
  explicit engine(module_options options);
  // Stops background snapshots, takes the final one if configured, and closes the journal.
  ~engine() override;
  engine(const engine&) = delete;
  engine& operator=(const engine&) = delete;

  // The time to stamp on rows written now.
  timestamp now() const { return clock_(); }

  // Runs f(const view&) over the committed state, or inside `tx` when given.
  template <class F>
  auto read(transaction* tx, F&& f) const {
    if (tx) {
      std::unique_lock call = enter(*tx);
      std::shared_lock lock(latch_);
      return std::forward<F>(f)(static_cast<const view&>(tx->writes));
    }
    std::shared_lock lock(latch_);
    const view v(store_, nullptr);
    return std::forward<F>(f)(v);
  }

  // Runs f(write_view&) as one atomic step: inside `tx` when given (undone on failure), otherwise
  // as a transaction of its own that commits at once. `f` checks the unique rules of the rows it
  // writes as it writes them (put_checked, rules.hpp).
  template <class F>
  auto write(transaction* tx, F&& f) {
    using result = std::invoke_result_t<F, write_view&>;
    if (tx) {
      std::unique_lock call = enter(*tx);
      std::shared_lock lock(latch_);
      const std::size_t mark = tx->writes.mark();
      try {
        if constexpr (std::is_void_v<result>) {
          std::forward<F>(f)(tx->writes);
        } else {
          return std::forward<F>(f)(tx->writes);
        }
      } catch (...) {
        tx->writes.rollback_to(mark);
        throw;
      }
    } else {
      std::uint64_t sequence = 0;
      if constexpr (std::is_void_v<result>) {
        {
          std::lock_guard writer(writer_);
          write_view t(store_);
          std::forward<F>(f)(t);
          sequence = publish(t);
        }
        committed(sequence);
      } else {
        auto r = [&] {
          std::lock_guard writer(writer_);
          write_view t(store_);
          auto r = std::forward<F>(f)(t);
          sequence = publish(t);
          return r;
        }();
        committed(sequence);
        return r;
      }
    }
  }

  // Runs f(const view&) over the committed state while no commit can run; readers go on.
  template <class F>
  auto read_quiesced(F&& f) const {
    std::lock_guard writer(writer_);
    const view v(store_, nullptr);
    return std::forward<F>(f)(v);
  }

  // Adds every row of `rows` (new rows, unpublished) as one commit. Throws invalid_data for an
  // id already taken (in `rows` or the store), a missing customer or group, or a unique rule
  // broken; nothing is added then. See customer_module::import_rows for `options`.
  void import(row_batch rows, const import_options& options);

  std::shared_ptr<transaction> begin(const transaction_options& options);
  // Validates and publishes `tx` (see customer_module::commit); the transaction is over after.
  void commit(transaction& tx);
  void rollback(transaction& tx);

  // See customer_module::snapshot and customer_module::stats.
  snapshot_info snapshot();
  module_stats stats() const;

 private:
  // Locks `tx` for one call; throws conflict when it expired or ended.
  std::unique_lock<std::mutex> enter(transaction& tx) const;
  // Checks that no row `t` wrote was changed by a commit after `begin_sequence`, that the rows
  // it refers to still exist, and the unique rules. REQUIRES: writer_ held.
  void validate(const write_view& t, std::uint64_t begin_sequence) const;
  // Hands `t` to the commit hook and applies it to the store under the exclusive latch;
  // returns the commit's sequence, 0 when `t` wrote nothing. Throws io_error when the journal
  // append fails; nothing is published then. REQUIRES: writer_ held.
  std::uint64_t publish(const write_view& t);
  // After a commit published as `sequence` (0: none), with writer_ released: the hook waits
  // until the fsync policy counts it durable (io_error when that failed) and counts it for
  // snapshots.
  void committed(std::uint64_t sequence);

  // persistence::table_source: fixes a cut under writer_ and starts view_ (snapshots.cpp).
  std::unique_ptr<persistence::table_reader> begin_read(
      const std::function<bool(const persistence::table_cut&)>& at_cut) override;
  class cut_reader;  // reads view_ for persistence (snapshots.cpp)

  mutable latch latch_;
  mutable std::mutex writer_;
  store store_;
  std::function<timestamp()> clock_;
  snapshot_cut view_;                                    // the cut a snapshot in progress reads
  // With a data directory, one of these two (persistence_options::read_only): the owner of
  // the directory, or its read-only view.
  std::unique_ptr<persistence::durable_store> durable_;
  std::unique_ptr<persistence::read_only_store> read_only_;
  persistence::commit_hook* hook_ = nullptr;  // durable_ or read_only_, or null
};

}  // namespace customerdb::detail
