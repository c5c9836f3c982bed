// record_sink: where persistence delivers what it reads back, a snapshot's rows or a journal
// entry's writes. The engine implements it over its tables.
//
// Thread-safety: a snapshot's tables are delivered from several threads at once, each table
// from one thread (decode_snapshot); journal records from one thread.
#pragma once

#include <cstdint>
#include <string>

#include "customerdb/records.hpp"

namespace customerdb::persistence {

// The tables, in the order snapshots hold them. Persisted: never renumbered.
enum class table : std::uint8_t { groups = 0, customers = 1, addresses = 2, memberships = 3 };
inline constexpr int table_count = 4;

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
};

}  // namespace customerdb::persistence
