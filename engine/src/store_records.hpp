// The engine's side of persistence in records (customerdb/persistence/): a commit's write set and
// an import's rows as the commit_changes the engine hands its commit hook, and store_loader, the
// record_sink that fills the store at recovery.
#pragma once

#include <cstddef>
#include <cstdint>
#include <exception>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "batch_handoff.hpp"
#include "customerdb/persistence/commit_hook.hpp"
#include "customerdb/persistence/record_sink.hpp"
#include "loaded_customers.hpp"
#include "progress_meter.hpp"
#include "view.hpp"

namespace customerdb::detail {

// The changes of a commit's write set (after-images and erasures, table by table in snapshot
// order, each table in the order its ids were first written), as commit `sequence`.
persistence::commit_changes changes_of(const write_set& writes, std::uint64_t sequence);
// The rows an import adds, as commit `sequence`.
persistence::commit_changes changes_of(const row_batch& rows, std::uint64_t sequence);

// The fewest rows of a table whose rows store_loader inserts on a thread of its own (below). A
// variable so that tests can exercise both paths on small tables.
inline std::uint64_t pipelined_load_minimum = 4096;

// Fills a store at recovery: a snapshot's rows (inserted in batches, in id order; an id twice is
// refused with std::runtime_error), then journal records (rows replaced or erased), each row
// stamped with the commit that wrote it; the references of addresses and memberships share the
// text of the customers' and groups' ids (make_row), which record_sink delivers before them.
// Takes each snapshot table on its own thread, as record_sink says; the store is not shared
// yet. The groups and customers, which record_sink delivers while no other table loads, are
// inserted on a thread of the loader's own while the delivering thread makes their rows (a
// table of at least pipelined_load_minimum rows): the load's first part then keeps two cores
// busy, as the addresses and memberships do after it.
class store_loader final : public persistence::record_sink {
 public:
  // Reports to `progress` (when set) the snapshot's rows loaded, then the journal's commits
  // replayed (progress_report).
  store_loader(store& s, const progress_callback& progress) : store_(s), meter_(progress) {
    meter_.start("snapshot", 0);
  }
  ~store_loader() override;
  store_loader(const store_loader&) = delete;
  store_loader& operator=(const store_loader&) = delete;
  // Reports the last figures and frees what only the load needed. Call once everything was
  // delivered.
  void finish();

  void begin_table(persistence::table t, std::uint64_t count) override;
  void end_table(persistence::table t) override;
  void begin_commit(std::uint64_t sequence) override;
  void put(const customer_group_record& r) override;
  void put(const customer_record& r) override;
  void put(const customer_address_record& r) override;
  void put(const customer_group_customer_record& r) override;
  void erase(persistence::table t, std::string&& id) override;
  void source_position(std::uint64_t position) override { store_.source_position = position; }

 private:
  template <class F>
  void on_table(persistence::table t, F&& f);
  template <class Record>
  void add(const Record& r);
  template <class Row>
  using batch = std::vector<slot<Row>>;
  template <class Table>
  void insert(Table& t, batch<typename Table::row_type>& rows);
  template <class Row>
  void hand_over();

  // Rows inserted together, their index entries prefetched for all of them first.
  static constexpr std::size_t prefetch_batch = 16;
  // Rows handed to the inserting thread at once, and how many such batches may wait.
  static constexpr std::size_t handoff_batch = 512, handoff_depth = 8;

  // The thread that inserts a pipelined table's rows, and what it failed with.
  template <class Row>
  struct inserter {
    batch_handoff<slot<Row>> handoff{handoff_depth};
    std::exception_ptr failure;  // set before the thread ends
    std::jthread thread;         // last: joined before the rest goes
  };
  template <class Row>
  using inserter_ptr = std::unique_ptr<inserter<Row>>;
  template <class Row>
  void start_inserter();
  template <class Row>
  void finish_inserter();

  store& store_;
  std::uint64_t version_ = 0;
  bool replaying_ = false;
  loaded_customers customers_;  // while the snapshot loads
  per_entity<batch> pending_;  // snapshot rows not inserted (or handed over) yet, per table
  progress_meter meter_;
  per_entity<inserter_ptr> inserters_;  // set while a pipelined table loads; last: it uses the rest
};

}  // namespace customerdb::detail
