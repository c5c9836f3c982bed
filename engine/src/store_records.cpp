#include "store_records.hpp"

#include <fmt/format.h>

#include <stdexcept>
#include <utility>

namespace customerdb::detail {
namespace {

using table_id = persistence::table;

template <class Row>
void put_changes(const change_set<Row>& changes, table_id t, persistence::commit_changes& out) {
  typename Row::record_type record;  // one for all the rows: its strings keep their memory
  changes.for_each([&](const std::string& id, const change<Row>& c) {
    if (c.after) {
      copy_to_record(*c.after, record);
      out.put(record);
    } else {
      out.erase(t, id);
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
  put_changes(writes.groups, table_id::groups, out);
  put_changes(writes.customers, table_id::customers, out);
  put_changes(writes.addresses, table_id::addresses, out);
  put_changes(writes.memberships, table_id::memberships, out);
  return out;
}

persistence::commit_changes changes_of(const row_batch& rows, std::uint64_t sequence) {
  persistence::commit_changes out(sequence);
  put_rows(rows.groups, out);
  put_rows(rows.customers, out);
  put_rows(rows.addresses, out);
  put_rows(rows.memberships, out);
  return out;
}

// Calls f(the table `t` of the store).
template <class F>
void store_loader::on_table(table_id t, F&& f) {
  switch (t) {
    case table_id::groups:
      return f(store_.groups);
    case table_id::customers:
      return f(store_.customers);
    case table_id::addresses:
      return f(store_.addresses);
    case table_id::memberships:
      return f(store_.memberships);
  }
}

template <class Table, class Record>
void store_loader::add(Table& t, const Record& r) {
  auto row = make_row(r, version_);
  if (replaying_) return t.put(std::move(row));
  auto& pending = pending_.of<typename Table::row_type>();
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
  pending.clear();
}

void store_loader::begin_table(table_id t, std::uint64_t count) {
  on_table(t, [&](auto& table) { table.reserve(count); });
}

void store_loader::end_table(table_id t) {
  on_table(t, [&](auto& table) { insert_pending(table); });
}

void store_loader::begin_commit(std::uint64_t sequence) {
  version_ = sequence;
  replaying_ = true;
}

void store_loader::put(const customer_group_record& r) { add(store_.groups, r); }
void store_loader::put(const customer_record& r) { add(store_.customers, r); }
void store_loader::put(const customer_address_record& r) { add(store_.addresses, r); }
void store_loader::put(const customer_group_customer_record& r) { add(store_.memberships, r); }

void store_loader::erase(table_id t, std::string&& id) {
  on_table(t, [&](auto& table) { table.erase(id); });
}

}  // namespace customerdb::detail
