// customerdb::persistence::record_sink: the loader, where persistence delivers what it reads back
// at recovery: a snapshot's rows, then the changes of each journal record after it. The engine
// implements it over its tables (durable_store's constructor fills the store through it).
//
// Source positions (commit_changes::set_source_position): recovery reports each one it meets
// through source_position(), in the order it loads them, so that the last call is the position
// the recovered store reflects: once for the snapshot, after all of its tables ended and before
// the first journal record, when the snapshot holds one; then once per journal record that
// carries one, after that record's begin_commit and its puts and erases, before the next
// begin_commit. No call at all when nothing recovered carries a position. Only recovery
// (durable_store, read_only_store) reports positions: reading a snapshot file's rows alone
// (read_snapshot_file, read_complete_snapshot) does not.
//
// Errors: an implementation throws std::exception for rows it cannot take (e.g. an id twice in a
// snapshot's table); persistence reports that as corruption naming the file and the offset.
//
// Thread-safety: a snapshot's groups and customers are delivered first, and have ended before
// its addresses and memberships begin (so that a sink can find the rows these refer to); those
// two tables are delivered from two threads at once, each table from one thread (begin_table,
// its rows, end_table). Journal records come from one thread, after every snapshot table has
// ended.
#pragma once

#include <cstdint>
#include <string>

#include "customerdb/persistence/table.hpp"
#include "customerdb/records.hpp"

namespace customerdb::persistence {

class record_sink {
 public:
  virtual ~record_sink() = default;
  // `count` rows of `t` follow (snapshots only).
  virtual void begin_table(table t, std::uint64_t count) = 0;
  // The rows of `t` announced by begin_table have all been put, on the thread that put them.
  virtual void end_table(table t) = 0;
  // The writes of commit `sequence` follow (journal records only).
  virtual void begin_commit(std::uint64_t sequence) = 0;
  // Inserts, or replaces the row with the same id. `r` is valid during the call only: the
  // decoder reads the next row into the same record.
  virtual void put(const customer_group_record& r) = 0;
  virtual void put(const customer_record& r) = 0;
  virtual void put(const customer_address_record& r) = 0;
  virtual void put(const customer_group_customer_record& r) = 0;
  // Removes the row of `t` with `id` (journal entries only).
  virtual void erase(table t, std::string&& id) = 0;
  // The store recovered so far reflects its replication source up to `position` (see above).
  // Called from the recovering thread, never concurrently with another call. The default
  // ignores it.
  virtual void source_position(std::uint64_t position) { (void)position; }
};

}  // namespace customerdb::persistence
