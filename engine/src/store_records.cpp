#include "store_records.hpp"

#include <fmt/format.h>

#include <stdexcept>
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
  auto& t = store_.of<row_for_t<Record>>();
  // A snapshot's customers and groups come before the rows that refer to them, whose
  // references so share their ids' text.
  auto row = make_row(r, version_, ids_in(store_));
  if (replaying_) return t.put(std::move(row));
  auto& pending = pending_.of<row_for_t<Record>>();
  pending.emplace_back(std::move(row));
  if (pending.size() == batch_size) insert_pending(t);
}

// Inserts the snapshot rows waiting for `t`. The index entries each insertion reads first are
// requested for the whole batch before the first insertion, so that their cache misses overlap
// instead of following one another (a load is mostly such misses).
template <class Table>
void store_loader::insert_pending(Table& t) {
  auto& pending = pending_.of<typename Table::row_type>();
  for (const auto& s : pending) t.prefetch_insert(s);
  for (auto& s : pending) {
    if (!t.append(std::move(s)))  // a snapshot holds each table in id order
      throw std::runtime_error(fmt::format("the row {} appears twice", s->id.view()));
  }
  meter_.add(pending.size());
  pending.clear();
}

void store_loader::begin_table(table_id t, std::uint64_t count) {
  meter_.add_total(count);
  on_table(t, [&](auto& table) { table.reserve(count); });
}

void store_loader::end_table(table_id t) {
  on_table(t, [&](auto& table) { insert_pending(table); });
}

void store_loader::begin_commit(std::uint64_t sequence) {
  if (!replaying_) {
    meter_.flush();
    meter_.start("journal", 0);
  }
  meter_.add(1);
  version_ = sequence;
  replaying_ = true;
}

void store_loader::put(const customer_group_record& r) { add(r); }
void store_loader::put(const customer_record& r) { add(r); }
void store_loader::put(const customer_address_record& r) { add(r); }
void store_loader::put(const customer_group_customer_record& r) { add(r); }

void store_loader::erase(table_id t, std::string&& id) {
  on_table(t, [&](auto& table) { table.erase(id); });
}

}  // namespace customerdb::detail
