// customerdb::postgres::replica: keeps a store a read-only copy of Medusa's customer tables in
// a PostgreSQL database, through logical replication (docs/postgres.md, "The replica").
//
//   module_options mo;
//   mo.replica_of = "host=db dbname=shop";            // the store refuses other writes
//   mo.persistence.data_dir = "replica-data";
//   mo.persistence.fsync = fsync_policy::always;      // see "Durability" below
//   customer_module store(mo);
//   postgres::replica r(store, {.source = "host=db dbname=shop user=replicator"});
//   ... store.retrieve(...) on any thread; r.status() for its state and lag
//
// On the source: a publication of the four tables and a role that may replicate
// (docs/postgres.md); the replica creates and uses its replication slot.
//
// What it does, on a thread of its own, from construction to destruction:
// - Initial copy. When the store has no source position (a new replica), it creates the slot
//   (dropping a slot of the same name left by an earlier attempt), reads the four tables in the
//   slot's snapshot, and imports them (the store is emptied first) with the slot's consistent
//   point as the store's source position: one commit.
// - Streaming. It streams the publication's changes from the store's source position, and
//   applies each source transaction atomically: readers see all of it or none of it. Several
//   transactions that arrive together are applied as one commit (fewer fsyncs), never part of
//   one. A transaction is gathered whole in memory before it is applied. After each commit the
//   replica confirms its end to the source, which then may recycle the WAL before it.
// - Restart. A store reopened from its data directory keeps its source position: the replica
//   goes on from there without a new initial copy, and no change is lost or applied twice.
// - Faults. A lost connection or a source that restarts: it reconnects, waiting
//   min_backoff, doubling up to max_backoff, and goes on from its position (state
//   reconnecting). A dropped or invalidated slot, a publication that no longer publishes exactly
//   the four tables, a table with a column customerdb does not know: the replica stops applying and
//   says it is stale (state stale, with the error); the store keeps serving its last state. A
//   stale replica needs a new initial copy: restart it with an empty data directory.
//
// Durability: the replica confirms a position to the source once apply_replicated returned.
// With a data directory, only fsync_policy::always makes that position durable then (as
// `customerdb serve --replica-of` sets it); with another policy a crash of the machine can lose
// applied transactions that the source will not send again.
//
// Thread-safety: status() may be called from any thread. The store stays usable for reads from
// any thread. The destructor stops the thread (within one wait of at most poll_interval) and
// may not run concurrently with status().
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "customerdb/customer_module.hpp"
#include "customerdb/postgres/medusa_tables.hpp"

namespace customerdb::postgres {

struct replica_options {
  // The source: a libpq connection string or URL, for a role with the REPLICATION attribute
  // (or rds_replication, ...) that may read the four tables.
  std::string source{};
  // The replication slot the replica owns (created at the initial copy) and the publication
  // it streams.
  std::string slot = "customerdb";
  std::string publication = "customerdb";
  // Waits between attempts to reconnect: from min_backoff, doubling, up to max_backoff.
  std::chrono::milliseconds min_backoff{100};
  std::chrono::milliseconds max_backoff{10'000};
  // How long one wait for the stream lasts; also how often the thread looks at stop requests.
  std::chrono::milliseconds poll_interval{100};
  // How often the publication's tables are checked while streaming (the stream does not say
  // when a table leaves the publication).
  std::chrono::milliseconds publication_check_interval{5'000};
  // A batch of source transactions is applied at once when this many changes are gathered, or
  // when nothing more has arrived.
  std::size_t max_batch_changes = 10'000;
  // The initial copy's progress (medusa_tables.hpp).
  progress_callback copy_progress{};
  // Called on the replica's thread with a line on each event (copy made, connected, lost the
  // connection, stale); for logs. An exception it throws is ignored.
  std::function<void(std::string_view)> log{};
  // Called on the replica's thread after each source transaction is applied, with its commit
  // time at the source and the time it became visible here (system clock): for lag figures.
  std::function<void(std::chrono::system_clock::time_point committed,
                     std::chrono::system_clock::time_point applied)>
      applied{};
};

enum class replica_state {
  copying,       // making the initial copy
  connecting,    // opening the stream (first time)
  streaming,     // applying the source's changes
  reconnecting,  // the connection failed; waiting to try again
  stale,         // stopped for good (see last_error); the store keeps its last state
  stopped,       // the replica object is being destroyed
};
// "copying", "connecting", ...
std::string_view to_string(replica_state s) noexcept;

struct replica_status {
  replica_state state = replica_state::connecting;
  // The source's WAL position the store holds (its source position): every source transaction
  // that committed at or before it is applied. nullopt before the initial copy.
  std::optional<std::uint64_t> position{};
  // The end of the source's WAL as the stream last reported it, and how far the store is
  // behind it in bytes of WAL (0 when not streaming or caught up).
  std::uint64_t source_wal_end = 0;
  std::uint64_t lag_bytes = 0;
  // Between the source's commit of the last transaction applied and the moment it was
  // visible here (the clocks of both machines). nullopt before the first transaction.
  std::optional<std::chrono::milliseconds> last_apply_lag{};
  std::uint64_t transactions_applied = 0;  // source transactions, since construction
  std::uint64_t changes_applied = 0;       // rows put, deleted or tables emptied
  std::uint64_t reconnects = 0;
  std::string last_error{};  // the last failure, or ""; for state stale, why
};

class replica {
 public:
  // Starts replicating into `store`, which must outlive the replica and should be a replica
  // store (module_options::replica_of). Throws std::invalid_argument for an empty source, slot
  // or publication name; everything else is reported by status().
  replica(customer_module& store, replica_options options);
  ~replica();
  replica(const replica&) = delete;
  replica& operator=(const replica&) = delete;

  replica_status status() const;

 private:
  struct runner;
  std::unique_ptr<runner> runner_;
};

}  // namespace customerdb::postgres
