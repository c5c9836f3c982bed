// detail::engine: the state behind customer_module, its latches, transactions and commits.
//
// Concurrency: `latch_` guards the committed store. Readers hold it shared for one call; a
// commit holds it exclusively only while it publishes its write set. A long read outside a
// transaction does not keep a commit waiting: at its pauses (every few dozen rows of a scan,
// a sort or an answer) it lets a waiting commit in and goes on reading the state it began with
// (pinned_reads.hpp). `writer_` lets one writer at a time (an auto-commit call or a commit)
// change the store, so an auto-commit call reads a store that cannot change under it, without
// holding the latch, and a commit validates against a stable store. It is a write_combiner:
// writers that arrive while one writes leave their step (the call's work and its publication)
// to that one, which runs them in turn, instead of waking one after another as a mutex would.
// Calls inside an explicit transaction read under the shared latch and write to the
// transaction's private write set.
// Every call counts its work against its budget (call_budget.hpp: deadline, cancellation).
// Thread-safe.
//
// Persistence hangs off the commit path (customerdb/persistence/): with a data directory,
// `durable_` (a persistence::durable_store) recovers the store at construction, and is the
// commit hook: each commit's changes are handed to it (appended to the journal) before they are
// published, and the commit waits for durability on its caller's thread after its step left
// `writer_`, so that concurrent commits share fsyncs. A directory opened read-only is recovered
// by `read_only_` instead, which as the commit hook refuses every commit; one opened as a copy
// (persistence_options::copy_on_open) is recovered the same way and then has no hook. For
// snapshots the engine is persistence's table_source: a read fixes a cut inside `writer_` and
// reads view_, a snapshot_cut of the store, in short chunks under the shared latch; commits keep
// before-images for it (snapshots.cpp).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <type_traits>
#include <utility>

#include "batch_scheduling.hpp"
#include "call_budget.hpp"
#include "customerdb/customer_module.hpp"
#include "customerdb/persistence/table_source.hpp"
#include "latch.hpp"
#include "pinned_reads.hpp"
#include "read_slots.hpp"
#include "snapshot_cut.hpp"
#include "undo_log.hpp"
#include "view.hpp"
#include "write_combiner.hpp"

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

  // Runs f(const view&) over the committed state, or inside the call's transaction when it has
  // one, counting the rows f visits against the call's budget (call_budget.hpp). Throws
  // timed_out before f runs when the call may not start.
  template <class F>
  auto read(const call& c, F&& f) const {
    call_budget budget = budget_of(c);
    if (c.tx) {
      std::unique_lock entered = enter(*c.tx);
      counted_against counting(c.tx->writes, budget, now());
      std::shared_lock lock(latch_);
      return std::forward<F>(f)(static_cast<const view&>(c.tx->writes));
    }
    committed_read session(*this);
    call_budget paced(c.deadline, cancelled_, &session);
    session.read_view().serve(&paced, now());
    return std::forward<F>(f)(std::as_const(session.read_view()));
  }

  // Runs f(write_view&) as one atomic step: inside the call's transaction when it has one
  // (undone on failure), otherwise as a transaction of its own that commits at once. `f`
  // checks the unique rules of the rows it writes as it writes them (put_checked, rules.hpp).
  // The rows f visits count against the call's budget; a call that runs out of it is undone.
  template <class F>
  auto write(const call& c, F&& f) {
    using result = std::invoke_result_t<F, write_view&>;
    check_writable();
    call_budget budget = budget_of(c);
    if (c.tx) {
      transaction* tx = c.tx;
      std::unique_lock entered = enter(*tx);
      counted_against counting(tx->writes, budget, now());
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
      // Possibly on the thread of another writer (write_combiner): `f` and the budget stay here.
      const auto step = [&] {
        write_view t(store_);
        t.serve(&budget, now());
        if constexpr (std::is_void_v<result>) {
          f(t);
          sequence = publish(t);
        } else {
          auto r = f(t);
          sequence = publish(t);
          return r;
        }
      };
      if constexpr (std::is_void_v<result>) {
        writer_.run(step);
        committed(sequence);
      } else {
        auto r = writer_.run(step);
        committed(sequence);
        return r;
      }
    }
  }

  // Runs f(const view&) over the committed state while no commit can run; readers go on.
  template <class F>
  auto read_quiesced(F&& f) const {
    return writer_.run_here([&] {
      const view v(store_, nullptr);
      return f(v);
    });
  }

  // Adds every row of `rows` (new rows, unpublished) as one commit. Throws invalid_data for an
  // id already taken (in `rows` or the store), a missing customer or group, or a unique rule
  // broken; nothing is added then. See customer_module::import_rows for `options`.
  void import(row_batch rows, const import_options& options);
  // customer_module::apply_replicated and source_position.
  void apply_replicated(const replicated_transaction& tx);
  std::optional<std::uint64_t> source_position() const;
  std::optional<record> stored_row(table_name of, std::string_view id) const;
  // Throws not_allowed when the store is a replica (module_options::replica_of).
  void check_writable() const;

  std::shared_ptr<transaction> begin(const transaction_options& options);
  // See customer_module::cancel_calls.
  void cancel_calls() noexcept { cancelled_.store(true, std::memory_order_relaxed); }
  // Validates and publishes `tx` (see customer_module::commit); the transaction is over after.
  void commit(transaction& tx);
  void rollback(transaction& tx);

  // See customer_module::mark, rewind and clear.
  std::uint64_t mark();
  std::size_t rewind();
  std::size_t clear();

  // See customer_module::snapshot and customer_module::stats.
  snapshot_info snapshot();
  module_stats stats() const;

 private:
  // The budget of call `c`, checked once: throws timed_out when the call may not start.
  call_budget budget_of(const call& c) const {
    call_budget budget(c.deadline, cancelled_);
    budget.check();
    return budget;
  }
  // Serves one call with a transaction's view: its rows count against the call's budget, and
  // its time is the call's, for that call.
  class counted_against {
   public:
    counted_against(write_view& v, call_budget& budget, timestamp call_time) : view_(v) {
      v.serve(&budget, call_time);
    }
    ~counted_against() { view_.serve(nullptr, timestamp{}); }
    counted_against(const counted_against&) = delete;
    counted_against& operator=(const counted_against&) = delete;

   private:
    write_view& view_;
  };

  // A read of the committed store outside any transaction: holds the shared latch, and at its
  // pauses lets a waiting commit in, pinning the state it reads the first time
  // (pinned_reads.hpp). A read that pauses is a long one: from its first pause it works in a
  // slot of long_reads_ (read_slots.hpp), waiting for one without the latch, and a few pauses
  // later its thread runs as a batch job (batch_scheduling.hpp) until the read ends.
  class committed_read final : public yielder {
   public:
    explicit committed_read(const engine& e)
        : engine_(e), lock_(e.latch_), view_(e.store_, nullptr) {}
    ~committed_read() {
      if (pinned_) engine_.pinned_.unpin(*pinned_);  // still under the shared latch
      if (slot_) engine_.long_reads_.release();
    }
    committed_read(const committed_read&) = delete;
    committed_read& operator=(const committed_read&) = delete;

    view& read_view() noexcept { return view_; }

    void yield() override {
      auto& slots = engine_.long_reads_;
      if (!slot_) {
        if (!slots.try_acquire()) give_way([&] { slots.acquire(); });
        slot_ = true;
        turn_began_ = read_slots::clock::now();
      } else if (++pauses_ == batch_after && !batch_) {
        batch_.emplace();
      } else if (slots.contended() &&
                 read_slots::clock::now() - turn_began_ >= read_slots::turn) {
        give_way([&] {
          slots.release();
          slots.acquire();
        });
        turn_began_ = read_slots::clock::now();
      }
      if (engine_.writers_waiting_.load(std::memory_order_relaxed) != 0) give_way([] {});
    }

   private:
    // Releases the latch for `wait` (pinning the state read so far, the first time).
    template <class F>
    void give_way(F&& wait) {
      if (!pinned_) {
        pinned_ = &engine_.pinned_.pin(engine_.store_.sequence);
        view_.read_through(&pinned_->images);
      }
      lock_.unlock();
      std::forward<F>(wait)();
      lock_.lock();
    }

    const engine& engine_;
    std::shared_lock<latch> lock_;
    view view_;
    // Pauses (yield_interval rows each) before the read runs as a batch job: about 256 rows,
    // past which the switch costs under a percent of the read.
    static constexpr unsigned batch_after = 8;

    pinned_read* pinned_ = nullptr;
    bool slot_ = false;  // holds a slot of long_reads_
    read_slots::clock::time_point turn_began_{};
    unsigned pauses_ = 0;
    std::optional<batch_scheduling> batch_;
  };

  // Takes the latch exclusively for a commit, with long reads told to give way.
  std::unique_lock<latch> lock_for_commit();

  // Locks `tx` for one call; throws conflict when it expired or ended.
  std::unique_lock<std::mutex> enter(transaction& tx) const;
  // Checks that no row `t` wrote was changed by a commit after `begin_sequence`, that the rows
  // it refers to still exist, and the unique rules. REQUIRES: run by writer_.
  void validate(const write_view& t, std::uint64_t begin_sequence) const;
  // Hands `t` to the commit hook and applies it to the store under the exclusive latch;
  // returns the commit's sequence, 0 when `t` wrote nothing and there is no source position.
  // With a source position (a replicated commit) the commit carries it, and the store's
  // position is it once published. Throws io_error when the journal append fails; nothing is
  // published then. REQUIRES: run by writer_.
  std::uint64_t publish(const write_view& t,
                        std::optional<std::uint64_t> source_position = std::nullopt);
  // After a commit published as `sequence` (0: none), with writer_ released: the hook waits
  // until the fsync policy counts it durable (io_error when that failed) and counts it for
  // snapshots.
  void committed(std::uint64_t sequence);

  // persistence::table_source: fixes a cut inside writer_ and starts view_ (snapshots.cpp).
  std::unique_ptr<persistence::table_reader> begin_read(
      const std::function<bool(const persistence::table_cut&)>& at_cut) override;
  class cut_reader;  // reads view_ for persistence (snapshots.cpp)

  mutable latch latch_;
  mutable write_combiner writer_;
  std::atomic<bool> cancelled_{false};   // cancel_calls()
  std::atomic<int> writers_waiting_{0};  // commits waiting for the exclusive latch
  mutable pinned_reads pinned_;          // reads that gave way to commits
  mutable read_slots long_reads_;        // long reads working at once
  std::optional<undo_log> mark_;         // the state at the mark (mark()); inside writer_
  store store_;
  std::function<timestamp()> clock_;
  std::string replica_of_;  // module_options::replica_of; empty: writable
  snapshot_cut view_;  // the cut a snapshot in progress reads
  // With a data directory, one of these two (persistence_options::read_only): the owner of
  // the directory, or its read-only view.
  std::unique_ptr<persistence::durable_store> durable_;
  std::unique_ptr<persistence::read_only_store> read_only_;
  persistence::commit_hook* hook_ = nullptr;  // durable_ or read_only_, or null
  std::filesystem::path copy_of_;  // the directory of a copy_on_open store, else empty
};

}  // namespace customerdb::detail
