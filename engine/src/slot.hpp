// detail::slot: a table's element, the row pointer and, inline, the keys the table's indexes
// compare (keys.hpp): the id, the keys only some tables index (extra_keys) and the deletion
// flag. Also a customer's default address ids, cached with its slot.
// Thread-compatible; a table's reader sees its slots const.
#pragma once

#include "keys.hpp"
#include "prefetch.hpp"
#include "rows.hpp"

namespace customerdb::detail {

// The keys of a row that only some tables index. rebind(r): the keys that refer to their row's
// text (hashed_key) refer to `r`'s instead, which holds the same text.
template <class Row>
struct extra_keys {
  explicit extra_keys(const Row&) noexcept {}
  void rebind(const Row&) const noexcept {}
  bool operator==(const extra_keys&) const = default;
};
template <class Row>
struct slot;

// A customer's default billing and shipping addresses (decision D9), kept with the customer in
// the committed table as the slots of those addresses in the committed address table (null:
// none). Valid only while `valid`; maintained by refresh_default_addresses (store.hpp) under
// the store's exclusive latch, which refreshes a customer whenever a commit inserts, changes
// or erases one of its addresses, so that a valid pointer always names a slot of the table.
// (Pointers rather than copies of the ids: 17 bytes instead of two 48-byte keys per customer.)
struct default_addresses {
  // Not an aggregate, so that a slot may keep a flag in the padding after `valid` (slot).
  default_addresses() noexcept {}  // NOLINT(modernize-use-equals-default)
  const slot<address_row>* billing = nullptr;
  const slot<address_row>* shipping = nullptr;
  bool valid = false;
  bool operator==(const default_addresses&) const = default;
};

template <>
struct extra_keys<customer_row> {
  explicit extra_keys(const customer_row& r)
      : email(key::stored(r.email.value_or_empty())), company(r.company_name.value_or_empty()) {}
  void rebind(const customer_row& r) const noexcept {
    company = hashed_key(r.company_name.value_or_empty());
  }
  // The e-mail is a whole key: a retrieve or a page reads it from the slot, without the row's
  // text block (as a hashed key, pages at 1,000,000 customers took 13-70% longer).
  key email;
  mutable hashed_key company;
  bool operator==(const extra_keys&) const = default;
  [[no_unique_address]] mutable default_addresses defaults;  // not a key: no index reads it
};
template <>
struct extra_keys<group_row> {
  explicit extra_keys(const group_row& r) : name(key::stored(r.name.value_or_empty())) {}
  void rebind(const group_row&) const noexcept {}
  key name;
  bool operator==(const extra_keys&) const = default;
};
template <>
struct extra_keys<address_row> {
  explicit extra_keys(const address_row& r)
      : customer(r.customer_id.view()),
        default_billing(r.is_default_billing),
        default_shipping(r.is_default_shipping) {}
  void rebind(const address_row& r) const noexcept { customer = hashed_key(r.customer_id.view()); }
  mutable hashed_key customer;
  bool default_billing;
  bool default_shipping;
  bool operator==(const extra_keys&) const = default;
};
template <>
struct extra_keys<membership_row> {
  explicit extra_keys(const membership_row& r)
      : customer(key::stored(r.customer_id)), group(key::stored(r.customer_group_id)) {}
  void rebind(const membership_row&) const noexcept {}
  key customer;
  key group;
  bool operator==(const extra_keys&) const = default;
};

// An element of a table: the row and, inline, the keys its indexes compare (keys.hpp). Reads
// like the row pointer it holds. Its keys never change in place: a change of key goes through
// the container (replace); only the row, which no index reads, is swapped in place.
template <class Row>
struct slot {
  explicit slot(row_ptr<Row> r)
      : row(std::move(r)), id(key::stored(row->id)), extra(*row), deleted(is_deleted(*row)) {}

  const Row& operator*() const noexcept { return *row; }
  const Row* operator->() const noexcept { return row.get(); }
  operator const row_ptr<Row>&() const noexcept { return row; }

  // The keys (and the cached facts kept with them) of `a` and `b` are equal: no index would
  // move or rehash an element that changed from one to the other.
  friend bool same_keys(const slot& a, const slot& b) noexcept {
    return a.id == b.id && a.deleted == b.deleted && a.extra == b.extra;
  }

  // Gives the element `r`, a row with the same keys (same_keys), in place: the keys that refer
  // to the row's text refer to `r`'s from then on (table::put).
  void take_row(row_ptr<Row> r) const noexcept {
    row = std::move(r);
    extra.rebind(*row);
  }

  // The row: the one member no index reads, so the one a table may swap in a live element for a
  // row with the same keys (take_row). The id and the other `key`s own their text
  // (key::stored); hashed keys (keys.hpp) refer to the row's. `deleted` comes last, where it
  // fits in the padding after the extra keys' last flag or pointer (no_unique_address lets it):
  // every element is a node of each table index, millions of them.
  mutable row_ptr<Row> row;
  key id;
  [[no_unique_address]] extra_keys<Row> extra;
  bool deleted;
};

// The sizes the comment above counts on (x86-64 and other LP64 targets).
static_assert(sizeof(void*) != 8 ||
              (sizeof(slot<customer_row>) == 144 && sizeof(slot<address_row>) == 80 &&
               sizeof(slot<membership_row>) == 160));

// Asks the CPU to fetch the row in `s`, so that the misses of several rows overlap instead of
// following one another.
template <class Row>
void prefetch_row(const slot<Row>& s) noexcept {
  prefetch_lines(s.row.get());
}

// Asks the CPU to fetch the slots of the default addresses kept with customer `s` (their ids
// are what a DTO reads), so that their misses overlap with the reading of the customer's row.
inline void prefetch_default_addresses(const slot<customer_row>& s) noexcept {
  const auto& d = s.extra.defaults;
  if (!d.valid) return;
  if (d.billing) prefetch_lines(d.billing);
  if (d.shipping && d.shipping != d.billing) prefetch_lines(d.shipping);
}

}  // namespace customerdb::detail
