// customerdb::replicated_transaction: one transaction of a source database, as a replica applies
// it to a store (customer_module::apply_replicated): the rows it wrote (whole after-images), the
// rows it deleted and the tables it emptied, in the source's order.
//
// A replica's store takes the source's rows as they are: no Medusa rule is checked (the source
// checked its own), ids and timestamps are kept, soft deletion is a column like any other, and a
// deletion of a row the store does not hold does nothing.
//
// A plain value: thread-compatible.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "customerdb/records.hpp"

namespace customerdb {

// The four tables, by Medusa's names, in the order of `record`'s alternatives.
enum class table_name { customer_group, customer, customer_address, customer_group_customer };

// Calls f.template operator()<Record>() for the record type of table `t` (the alternative of
// `record` at `t`'s position) and returns what it returns.
template <class F>
decltype(auto) with_record_of(table_name t, F&& f) {
  switch (t) {
    case table_name::customer_group:
      return f.template operator()<customer_group_record>();
    case table_name::customer:
      return f.template operator()<customer_record>();
    case table_name::customer_address:
      return f.template operator()<customer_address_record>();
    case table_name::customer_group_customer:
      break;
  }
  return f.template operator()<customer_group_customer_record>();
}

class replicated_transaction {
 public:
  // The row of the record's table with the record's id is now `r` (inserted or replaced).
  struct put_row {
    record row;
  };
  // The row `id` of `of` is gone.
  struct delete_row {
    table_name of;
    std::string id;
  };
  // Every row of `of` is gone.
  struct empty_table {
    table_name of;
  };
  using change = std::variant<put_row, delete_row, empty_table>;

  void put(record r) { changes_.emplace_back(put_row{std::move(r)}); }
  void remove(table_name of, std::string id) {
    changes_.emplace_back(delete_row{of, std::move(id)});
  }
  void empty(table_name of) { changes_.emplace_back(empty_table{of}); }

  const std::vector<change>& changes() const noexcept { return changes_; }
  bool has_changes() const noexcept { return !changes_.empty(); }
  void clear() noexcept {
    changes_.clear();
    source_position.reset();
  }

  // Where the source is once the transaction is applied (a PostgreSQL WAL position). The
  // commit carries it: it is durable with the commit's rows and comes back when the store is
  // reopened (customer_module::source_position). A transaction with a position commits even
  // without changes.
  std::optional<std::uint64_t> source_position;

 private:
  std::vector<change> changes_;
};

}  // namespace customerdb
