// customerdb::persistence::table: the tables persistence keeps, numbered in the order a snapshot
// holds them, and the record type each holds. The numbers are persisted (snapshot sections, the
// table byte of a journal erasure): never renumbered or reused. Plain values and compile-time
// dispatch: thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <tuple>
#include <utility>

#include "customerdb/records.hpp"

namespace customerdb::persistence {

enum class table : std::uint8_t { groups = 0, customers = 1, addresses = 2, memberships = 3 };
inline constexpr int table_count = 4;

// The record type of each table, in table order.
using table_records = std::tuple<customer_group_record, customer_record, customer_address_record,
                                 customer_group_customer_record>;
static_assert(std::tuple_size_v<table_records> == table_count);

// Calls f.template operator()<Record>() with the record type of table `t` (a valid table).
template <class F>
void with_record_of(table t, F&& f) {
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    (void)((static_cast<std::size_t>(t) == I
                ? (f.template operator()<std::tuple_element_t<I, table_records>>(), true)
                : false) ||
           ...);
  }
  (std::make_index_sequence<table_count>{});
}

}  // namespace customerdb::persistence
