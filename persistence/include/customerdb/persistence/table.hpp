// customerdb::persistence::table: the tables persistence keeps, numbered in the order a snapshot
// holds them, and the record type each holds. The numbers are persisted (snapshot sections, the
// table byte of a journal erasure): never renumbered or reused. Plain values and compile-time
// dispatch: thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <utility>
#include <variant>

#include "customerdb/records.hpp"

namespace customerdb::persistence {

enum class table : std::uint8_t { groups = 0, customers = 1, addresses = 2, memberships = 3 };
// The record type of each table is the alternative of customerdb::record (records.hpp) at its
// number; the numbers are persisted, so the order of that variant is checked here.
inline constexpr int table_count = static_cast<int>(std::variant_size_v<record>);
template <table T>
using record_of_t = std::variant_alternative_t<static_cast<std::size_t>(T), record>;
static_assert(table_count == 4 &&
              std::is_same_v<record_of_t<table::groups>, customer_group_record> &&
              std::is_same_v<record_of_t<table::customers>, customer_record> &&
              std::is_same_v<record_of_t<table::addresses>, customer_address_record> &&
              std::is_same_v<record_of_t<table::memberships>, customer_group_customer_record>);

// Calls f.template operator()<Record>() with the record type of table `t` (a valid table).
template <class F>
void with_record_of(table t, F&& f) {
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    (void)((static_cast<std::size_t>(t) == I
                ? (f.template operator()<std::variant_alternative_t<I, record>>(), true)
                : false) ||
           ...);
  }
  (std::make_index_sequence<table_count>{});
}

}  // namespace customerdb::persistence
