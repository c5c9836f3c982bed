// A transaction's private write set (write_set): for each id written, its before-image (the
// committed row it replaced, or null for an insert) and its after-image (null for an erase);
// and per_entity, one member per entity found by row type. Thread-compatible.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <unordered_map>
#include <vector>

#include "rows.hpp"
#include "tables.hpp"

namespace customerdb::detail {

// Makes room in `v` for one more element, growing it geometrically (reserve(size() + 1) alone
// would grow it by one, and copy it whole, at every call).
template <class Vector>
void reserve_one_more(Vector& v) {
  if (v.size() == v.capacity()) v.reserve(v.empty() ? 8 : 2 * v.size());
}

template <class Row>
struct change {
  row_ptr<Row> before;  // the committed row when first written; null for an insert
  row_ptr<Row> after;   // null when erased
};

// Thread-compatible.
template <class Row>
class change_set {
 public:
  using table_type = table_for_t<Row>;

  const change<Row>* find(std::string_view id) const {
    auto it = changes_.find(id);
    return it == changes_.end() ? nullptr : &it->second;
  }

  // Records `after` as the new image of `id`; the first before-image is kept. Throws
  // std::bad_alloc with nothing recorded.
  void record(const std::string& id, const row_ptr<Row>& before, row_ptr<Row> after) {
    std::string first = changes_.contains(id) ? std::string() : id;
    reserve_one_more(order_);
    auto [it, inserted] = changes_.try_emplace(id, change<Row>{before, nullptr});
    try {
      set_after(id, after);
    } catch (...) {
      if (inserted) changes_.erase(it);
      throw;
    }
    if (inserted) order_.push_back(std::move(first));
    it->second.after = std::move(after);
  }

  // Undoes the last record() of `id`; `previous` is its change before that record (nullopt
  // when it had none). Undos must come in the reverse order of the records.
  void undo(const std::string& id, const std::optional<change<Row>>& previous) {
    if (previous) {
      changes_.find(id)->second = *previous;
    } else {
      changes_.erase(changes_.find(id));
      order_.pop_back();
    }
    set_after(id, previous ? previous->after : nullptr);
  }

  bool empty() const noexcept { return order_.empty(); }

  // The ids, in the order they were first written.
  const std::vector<std::string>& ids() const noexcept { return order_; }

  // Calls f(id, change) in the order the ids were first written.
  template <class F>
  void for_each(F&& f) const {
    for (const auto& id : order_) f(id, changes_.find(id)->second);
  }

  // The live after-images, with the same indexes as the committed table.
  const table_type& afters() const noexcept {
    static const table_type none;
    return afters_ ? *afters_ : none;
  }

 private:
  void set_after(const std::string& id, row_ptr<Row> after) {
    if (!afters_) afters_ = std::make_unique<table_type>();  // built on the first write only
    if (after) {
      afters_->put(std::move(after));  // replaces the earlier image, in place if keys match
    } else {
      afters_->erase(id);
    }
  }

  std::unordered_map<std::string, change<Row>, string_hash, std::equal_to<>> changes_;
  std::vector<std::string> order_;
  std::unique_ptr<table_type> afters_;
};

// One `Slot<Row>` for each entity, found by row type.
template <template <class> class Slot>
struct per_entity {
  Slot<customer_row> customers;
  Slot<group_row> groups;
  Slot<address_row> addresses;
  Slot<membership_row> memberships;

  template <class Row>
  Slot<Row>& of() {
    return std::get<Slot<Row>&>(std::tie(groups, customers, addresses, memberships));
  }
  template <class Row>
  const Slot<Row>& of() const {
    return std::get<const Slot<Row>&>(std::tie(groups, customers, addresses, memberships));
  }
};

template <class Row>
using row_vector = std::vector<row_ptr<Row>>;

// Rows of every table, e.g. the rows an import adds.
struct row_batch : per_entity<row_vector> {};

// The rows of every table of `rows`.
inline std::size_t row_count(const row_batch& rows) noexcept {
  return rows.groups.size() + rows.customers.size() + rows.addresses.size() +
         rows.memberships.size();
}

// A transaction's changes.
struct write_set : per_entity<change_set> {};

}  // namespace customerdb::detail
