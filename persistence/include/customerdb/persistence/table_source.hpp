// customerdb::persistence::table_source: how persistence reads the engine's tables for a
// snapshot, as one consistent cut while commits go on. The engine implements it over its read
// view: begin_read() fixes the cut between two commits, and the table_reader it returns yields
// each table's rows as of the cut, in id order, in batches of records, however the tables change
// meanwhile. A commit waits at most for one short chunk of a batch to be read, never for the
// snapshot to be written.
//
// Errors: begin_read() throws what its `at_cut` throws (no read is started then); next() throws
// nothing but std::bad_alloc.
//
// Thread-safety: one read at a time per source (durable_store takes one snapshot at a time).
// begin_read() runs on any thread; a table_reader's calls come one at a time, each from any
// thread (the snapshot writer reads the next batch on a helper thread while it writes the
// last), concurrently with commits and reads of the store.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "customerdb/persistence/table.hpp"
#include "customerdb/records.hpp"

namespace customerdb::persistence {

// The tables as of one commit.
struct table_cut {
  std::uint64_t sequence = 0;                     // the last commit the cut holds
  std::array<std::uint64_t, table_count> rows{};  // the rows of each table at the cut
};

// A consistent read of the tables in progress. Destroying it ends the read: the source drops
// what it kept for it.
class table_reader {
 public:
  virtual ~table_reader() = default;

  // Replaces the contents of `out` with the next rows of the cut of the record's table, in id
  // order, after reading about `rows` rows of the table (it may yield a few more or fewer than
  // that, as rows were erased or added since the cut); the records `out` already holds are
  // reused, so that their strings keep their memory. Returns false once the table is done:
  // `out` then holds its last rows (maybe none), and later calls for the table yield nothing.
  virtual bool next(std::vector<customer_group_record>& out, std::size_t rows) = 0;
  virtual bool next(std::vector<customer_record>& out, std::size_t rows) = 0;
  virtual bool next(std::vector<customer_address_record>& out, std::size_t rows) = 0;
  virtual bool next(std::vector<customer_group_customer_record>& out, std::size_t rows) = 0;

  // The replication source position of the cut: the position carried by the last commit at or
  // before the cut that carried one (commit_changes::set_source_position), or the one the store
  // recovered with when no commit since did; nullopt when the store never had one. The snapshot
  // writes it in its header, and recovery gives it back when it loads the snapshot. The source
  // fixes it with the cut (in begin_read, while no commit can be published). Called once per
  // read, before any next(); throws nothing. The default returns nullopt, and durable_store
  // then writes the position it saw last in the journal at the cut (durable_store.hpp).
  virtual std::optional<std::uint64_t> source_position() const { return std::nullopt; }
};

class table_source {
 public:
  virtual ~table_source() = default;

  // Fixes a cut at the last commit published, and calls at_cut(cut) while no commit can be
  // published (so that at_cut can also mark the cut in the journal). Unless at_cut returns
  // false (then the result is null), starts a read of the cut.
  virtual std::unique_ptr<table_reader> begin_read(
      const std::function<bool(const table_cut&)>& at_cut) = 0;
};

}  // namespace customerdb::persistence
