// The committed tables (store), a transaction's private write set (write_set), and the
// read path over both (view).
//
// A write set maps each id written to its before-image (the committed row it replaced, or null
// for an insert) and its after-image (null for an erase). A view reads the write set first and
// the committed tables second, so a transaction sees its own writes and nobody else's.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <vector>

#include "rows.hpp"
#include "tables.hpp"

namespace customerdb::detail {

template <class Row>
struct change {
  row_ptr<Row> before;  // the committed row when first written; null for an insert
  row_ptr<Row> after;   // null when erased
};

// Thread-compatible.
template <class Row>
class change_set {
 public:
  const change<Row>* find(std::string_view id) const {
    auto it = changes_.find(id);
    return it == changes_.end() ? nullptr : &it->second;
  }

  // Records `after` as the new image of `id`; the first before-image is kept.
  void record(const std::string& id, const row_ptr<Row>& before, row_ptr<Row> after) {
    auto [it, inserted] = changes_.try_emplace(id, change<Row>{before, nullptr});
    if (inserted) order_.push_back(id);
    it->second.after = std::move(after);
  }

  bool empty() const noexcept { return order_.empty(); }

  // Calls f(id, change) in the order the ids were first written.
  template <class F>
  void for_each(F&& f) const {
    for (const auto& id : order_) f(id, changes_.find(id)->second);
  }

  // The live after-images, sorted by id.
  std::vector<row_ptr<Row>> live_sorted() const {
    std::vector<row_ptr<Row>> rows;
    for (const auto& [id, c] : changes_)
      if (c.after) rows.push_back(c.after);
    std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a->id < b->id; });
    return rows;
  }

 private:
  std::unordered_map<std::string, change<Row>, string_hash, std::equal_to<>> changes_;
  std::vector<std::string> order_;
};

struct write_set {
  change_set<customer_row> customers;
  change_set<group_row> groups;
  change_set<address_row> addresses;
  change_set<membership_row> memberships;

  template <class Row>
  change_set<Row>& of() {
    if constexpr (std::is_same_v<Row, customer_row>) return customers;
    else if constexpr (std::is_same_v<Row, group_row>) return groups;
    else if constexpr (std::is_same_v<Row, address_row>) return addresses;
    else return memberships;
  }
  template <class Row>
  const change_set<Row>& of() const {
    return const_cast<write_set*>(this)->of<Row>();
  }
};

// The committed state. Thread-compatible; the engine latches it.
struct store {
  customer_table customers;
  group_table groups;
  address_table addresses;
  membership_table memberships;
  std::uint64_t sequence = 0;  // number of commits applied

  template <class Row>
  auto& of() {
    if constexpr (std::is_same_v<Row, customer_row>) return customers;
    else if constexpr (std::is_same_v<Row, group_row>) return groups;
    else if constexpr (std::is_same_v<Row, address_row>) return addresses;
    else return memberships;
  }
  template <class Row>
  const auto& of() const {
    return const_cast<store*>(this)->of<Row>();
  }
};

// Reads the committed tables with an optional write set on top. Thread-compatible; the caller
// holds the store's latch while it reads.
class view {
 public:
  view(const store& s, const write_set* writes) : store_(&s), writes_(writes) {}

  // The visible row with `id` (soft-deleted rows included), or null.
  template <class Row>
  row_ptr<Row> find(std::string_view id) const {
    if (writes_) {
      if (const auto* c = writes_->of<Row>().find(id)) return c->after;
    }
    return store_->of<Row>().find(id);
  }

  // Calls f(row) for every visible row in id order until f returns false.
  template <class Row, class F>
  void scan(F&& f) const {
    const auto& ordered = store_->of<Row>().ordered();
    if (!writes_ || writes_->of<Row>().empty()) {
      for (const auto& row : ordered)
        if (!f(row)) return;
      return;
    }
    const auto& changes = writes_->of<Row>();
    auto extra = changes.live_sorted();
    auto next = extra.begin();
    for (const auto& row : ordered) {
      while (next != extra.end() && (*next)->id < row->id) {
        if (!f(*next++)) return;
      }
      if (changes.find(row->id)) continue;  // replaced or erased: its after-image is in `extra`
      if (!f(row)) return;
    }
    for (; next != extra.end(); ++next)
      if (!f(*next)) return;
  }

  // Calls f(row) for every visible row whose index `Tag` has `key`, in no particular order.
  // `matches(row)` must say whether a row has that key (used for rows of the write set).
  template <class Row, class Tag, class Key, class Match, class F>
  void lookup(const Key& key, Match&& matches, F&& f) const {
    const auto* changes = writes_ ? &writes_->of<Row>() : nullptr;
    auto [first, last] = store_->of<Row>().template equal_range<Tag>(key);
    for (; first != last; ++first) {
      if (changes && changes->find((*first)->id)) continue;
      f(*first);
    }
    if (changes) {
      changes->for_each([&](const std::string&, const change<Row>& c) {
        if (c.after && matches(*c.after)) f(c.after);
      });
    }
  }

  // Domain lookups, each sorted by id.
  std::vector<row_ptr<address_row>> addresses_of(std::string_view customer_id) const;
  std::vector<row_ptr<membership_row>> memberships_of_customer(std::string_view customer_id) const;
  std::vector<row_ptr<membership_row>> memberships_of_group(std::string_view group_id) const;
  std::vector<row_ptr<membership_row>> memberships_of_pair(std::string_view customer_id,
                                                           std::string_view group_id) const;
  std::vector<row_ptr<customer_row>> customers_with_email(std::string_view email) const;
  std::vector<row_ptr<group_row>> groups_with_name(std::string_view name) const;

  const store& committed() const noexcept { return *store_; }

 private:
  const store* store_;
  const write_set* writes_;
};

// A view with a private write set: the unit of every write. Thread-compatible.
class txn : public view {
 public:
  explicit txn(const store& s) : view(s, &writes_) {}
  txn(const txn&) = delete;
  txn& operator=(const txn&) = delete;

  // Inserts `row` or replaces the visible row with its id.
  template <class Row>
  void put(row_ptr<Row> row) {
    auto& changes = writes_.of<Row>();
    const auto* c = changes.find(row->id);
    row_ptr<Row> before = c ? c->before : committed().of<Row>().find(row->id);
    std::string id = row->id;
    changes.record(id, before, std::move(row));
  }

  // Erases the visible row with `id`.
  template <class Row>
  void erase(const std::string& id) {
    auto& changes = writes_.of<Row>();
    const auto* c = changes.find(id);
    row_ptr<Row> before = c ? c->before : committed().of<Row>().find(id);
    changes.record(id, before, nullptr);
  }

  const write_set& writes() const noexcept { return writes_; }

 private:
  write_set writes_;
};

}  // namespace customerdb::detail
