// detail::loaded_customers: the customers a snapshot load has made, in the snapshot's order (id
// order), for store_loader to find the ids that the addresses and memberships after them refer
// to (their references share the ids' text, make_row) without the id index.
//
// Rows that refer to customers mostly come in their customers' order: an address or membership
// is usually created with or soon after its customer, and a snapshot holds each table in id
// order, which for time-ordered ids is creation order. So each referring table keeps a cursor
// in the list and compares a reference with the few customers from it, rows that the previous
// references have just read. At a million customers the id index costs three cache misses per
// reference (its entry, the slot, the row): finding them here takes 7% off a load's time. A
// reference that misses the window (null from find) leaves the cursor where it was, so rows in
// another order cost `window` comparisons of rows that stay in the cache, then the id index as
// before.
//
// Thread-safety: add() while no thread finds; then find() concurrently for different tables
// (each table's cursor is its own).
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <string_view>
#include <tuple>
#include <vector>

#include "rows.hpp"

namespace customerdb::detail {

class loaded_customers {
 public:
  // Customers compared from a cursor before a reference is left to the id index.
  static constexpr std::size_t window = 4;

  // Appends `row`, the next customer of the snapshot, which must outlive the finds (the store
  // holds it; only a journal record, after clear(), replaces or erases a row).
  void add(const customer_row& row) { rows_.push_back(&row); }

  // The id of the customer with the id `id` when it is within `window` customers of the cursor
  // of table `from` (which then moves to it); null otherwise.
  const packed_string* find(entity from, std::string_view id) noexcept {
    std::size_t& at = cursors_[static_cast<std::size_t>(from)];
    const std::size_t end = std::min(at + window, rows_.size());
    for (std::size_t i = at; i < end; ++i) {
      if (rows_[i]->id.view() == id) {
        at = i;
        return &rows_[i]->id;
      }
    }
    return nullptr;
  }

  // Forgets the customers (and frees the list): a journal record may replace or erase them.
  void clear() noexcept {
    rows_ = {};
    cursors_ = {};
  }

 private:
  std::vector<const customer_row*> rows_;
  // A cursor per referring table, by entity.
  std::array<std::size_t, std::tuple_size_v<entity_rows>> cursors_{};
};

}  // namespace customerdb::detail
