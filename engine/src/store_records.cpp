#include "store_records.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>
#include <type_traits>
#include <utility>

namespace customerdb::detail {
namespace {

using table_id = persistence::table;

// A table's persisted number is its entity's: rows.hpp orders the entities as a snapshot orders
// the tables.
template <class Row>
constexpr table_id table_of() {
  return static_cast<table_id>(Row::kind);
}
static_assert(table_of<group_row>() == table_id::groups &&
              table_of<customer_row>() == table_id::customers &&
              table_of<address_row>() == table_id::addresses &&
              table_of<membership_row>() == table_id::memberships);

template <class Row>
void put_changes(const change_set<Row>& changes, persistence::commit_changes& out) {
  typename Row::record_type record;  // one for all the rows: its strings keep their memory
  changes.for_each([&](const std::string& id, const change<Row>& c) {
    if (c.after) {
      copy_to_record(*c.after, record);
      out.put(record);
    } else {
      out.erase(table_of<Row>(), id);
    }
  });
}

template <class Row>
void put_rows(const row_vector<Row>& rows, persistence::commit_changes& out) {
  typename Row::record_type record;
  for (const auto& row : rows) {
    copy_to_record(*row, record);
    out.put(record);
  }
}

}  // namespace

persistence::commit_changes changes_of(const write_set& writes, std::uint64_t sequence) {
  persistence::commit_changes out(sequence);
  for_each_entity([&](auto row) { put_changes(writes.of<typename decltype(row)::type>(), out); });
  return out;
}

persistence::commit_changes changes_of(const row_batch& rows, std::uint64_t sequence) {
  persistence::commit_changes out(sequence);
  for_each_entity([&](auto row) { put_rows(rows.of<typename decltype(row)::type>(), out); });
  return out;
}

// Calls f(the table `t` of the store).
template <class F>
void store_loader::on_table(table_id t, F&& f) {
  with_entity(static_cast<entity>(t),
              [&](auto row) { f(store_.of<typename decltype(row)::type>()); });
}

template <class Record>
void store_loader::add(const Record& r) {
  using Row = row_for_t<Record>;
  auto& t = store_.of<Row>();
  // A snapshot's customers and groups come before the rows that refer to them, whose
  // references so share their ids' text: a customer's found near the last one this table
  // referred to (loaded_customers), else through the id index.
  const auto in_store = ids_in(store_);
  const auto find_id = [&](auto referenced, std::string_view id) -> const packed_string* {
    if constexpr (std::is_same_v<typename decltype(referenced)::type, customer_row>) {
      if (const packed_string* found = customers_.find(Row::kind, id)) return found;
    }
    return in_store(referenced, id);
  };
  auto row = make_row(r, version_, find_id);
  if (replaying_) return t.put(std::move(row));
  if constexpr (Row::kind == entity::customer) customers_.add(*row);
  auto& pending = pending_.of<Row>();
  pending.emplace_back(std::move(row));
  if (inserters_.of<Row>()) {
    if (pending.size() == handoff_batch) hand_over<Row>();
  } else if (pending.size() == prefetch_batch) {
    insert(t, pending);
  }
}

// Inserts the snapshot rows `rows` into `t`, and empties `rows`. The index entries each insertion
// reads first are requested for a batch of rows before the first of them is inserted, so that
// their cache misses overlap instead of following one another (a load is mostly such misses).
template <class Table>
void store_loader::insert(Table& t, batch<typename Table::row_type>& rows) {
  for (std::size_t first = 0; first < rows.size(); first += prefetch_batch) {
    const std::size_t last = std::min(rows.size(), first + prefetch_batch);
    for (std::size_t i = first; i < last; ++i) t.prefetch_insert(rows[i]);
    for (std::size_t i = first; i < last; ++i) {
      if (!t.append(std::move(rows[i])))  // a snapshot holds each table in id order
        throw std::runtime_error(fmt::format("the row {} appears twice", rows[i]->id.view()));
    }
    meter_.add(last - first);
  }
  rows.clear();
}

template <class Row>
void store_loader::start_inserter() {
  auto started = std::make_unique<inserter<Row>>();
  started->thread = std::jthread([this, &i = *started, &t = store_.of<Row>()] {
    try {
      batch<Row> rows;
      while (i.handoff.pop(rows)) insert(t, rows);
    } catch (...) {
      i.failure = std::current_exception();
      i.handoff.close();  // the maker's next hand-over stops it
    }
  });
  inserters_.of<Row>() = std::move(started);
  pending_.of<Row>().reserve(handoff_batch);
}

// Hands the rows made so far to the inserting thread. Rethrows what that thread failed with.
template <class Row>
void store_loader::hand_over() {
  auto& pending = pending_.of<Row>();
  const bool taken = inserters_.of<Row>()->handoff.push(std::move(pending));
  pending = batch<Row>();
  if (!taken) return finish_inserter<Row>();  // it failed: rethrows why
  pending.reserve(handoff_batch);
}

// Waits for the inserting thread to insert what it was handed, and ends it. Rethrows what it
// failed with.
template <class Row>
void store_loader::finish_inserter() {
  auto ended = std::move(inserters_.of<Row>());
  ended->handoff.finish();
  ended->thread.join();
  if (ended->failure) std::rethrow_exception(ended->failure);
}

store_loader::~store_loader() {
  // A load that failed part way may leave a thread inserting: it ends once it has inserted
  // what it holds (at most handoff_depth batches).
  for_each_entity([&](auto row) {
    if (auto& i = inserters_.of<typename decltype(row)::type>()) i->handoff.finish();
  });
}

void store_loader::begin_table(table_id t, std::uint64_t count) {
  meter_.add_total(count);
  on_table(t, [&](auto& table) {
    table.reserve(count);
    // record_sink delivers these two while no other table loads: a second core is free.
    using Row = typename std::remove_cvref_t<decltype(table)>::row_type;
    if ((t == table_id::groups || t == table_id::customers) && count >= pipelined_load_minimum)
      start_inserter<Row>();
  });
}

void store_loader::end_table(table_id t) {
  on_table(t, [&](auto& table) {
    using Row = typename std::remove_cvref_t<decltype(table)>::row_type;
    if (!inserters_.of<Row>()) return insert(table, pending_.of<Row>());
    if (!pending_.of<Row>().empty()) hand_over<Row>();
    finish_inserter<Row>();
  });
}

void store_loader::begin_commit(std::uint64_t sequence) {
  if (!replaying_) {
    customers_.clear();
    meter_.flush();
    meter_.start("journal", 0);
  }
  meter_.add(1);
  version_ = sequence;
  replaying_ = true;
}

void store_loader::finish() {
  customers_.clear();
  meter_.flush();
}

void store_loader::put(const customer_group_record& r) { add(r); }
void store_loader::put(const customer_record& r) { add(r); }
void store_loader::put(const customer_address_record& r) { add(r); }
void store_loader::put(const customer_group_customer_record& r) { add(r); }

void store_loader::erase(table_id t, std::string&& id) {
  on_table(t, [&](auto& table) { table.erase(id); });
}

}  // namespace customerdb::detail
