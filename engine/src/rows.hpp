// The stored rows: immutable values shared through row_ptr. A write never changes a row in
// place; it builds a new row and swaps the pointer.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>

#include "customerdb/dto.hpp"
#include "customerdb/records.hpp"
#include "customerdb/timestamp.hpp"
#include "packed_text.hpp"
#include "pool.hpp"
#include "prefetch.hpp"

namespace customerdb::detail {

using opt_metadata = std::optional<customerdb::metadata>;

template <class Row>
using row_ptr = std::shared_ptr<const Row>;

enum class entity { customer, group, address, membership };

// Each row holds the columns of its record (records.hpp), with text in packed form
// (packed_text.hpp), and the commit sequence that published it. for_each_column lists the
// columns once for every conversion between rows and records: a column added to a record goes
// into its row and there (records_test's export_gives_back_every_column_imported fails until
// it does).
struct customer_row {
  using record_type = customer_record;
  packed_string id;
  packed_optional company_name;
  packed_optional first_name;
  packed_optional last_name;
  packed_optional email;
  packed_optional phone;
  bool has_account = false;
  opt_metadata metadata;
  packed_optional created_by;
  timestamp created_at{};
  timestamp updated_at{};
  std::optional<timestamp> deleted_at;
  // The commit sequence that published this image (0 until published).
  std::uint64_t version = 0;
};

struct group_row {
  using record_type = customer_group_record;
  packed_string id;
  packed_optional name;
  opt_metadata metadata;
  packed_optional created_by;
  timestamp created_at{};
  timestamp updated_at{};
  std::optional<timestamp> deleted_at;
  std::uint64_t version = 0;
};

struct address_row {
  using record_type = customer_address_record;
  packed_string id;
  packed_string customer_id;
  packed_optional address_name;
  packed_optional company;
  packed_optional first_name;
  packed_optional last_name;
  packed_optional address_1;
  packed_optional address_2;
  packed_optional city;
  packed_optional country_code;
  packed_optional province;
  packed_optional postal_code;
  packed_optional phone;
  bool is_default_shipping = false;
  bool is_default_billing = false;
  opt_metadata metadata;
  timestamp created_at{};
  timestamp updated_at{};
  std::uint64_t version = 0;
};

struct membership_row {
  using record_type = customer_group_customer_record;
  packed_string id;
  packed_string customer_id;
  packed_string customer_group_id;
  packed_optional created_by;
  opt_metadata metadata;
  timestamp created_at{};
  timestamp updated_at{};
  std::uint64_t version = 0;
};

// Calls f(row column, record column) for every column of a row and its record (either may be
// const).
template <class Row, class Record, class F>
void for_each_column(Row& w, Record& c, F&& f) {
  using row_type = std::remove_const_t<Row>;
  static_assert(std::is_same_v<typename row_type::record_type, std::remove_const_t<Record>>);
  f(w.id, c.id);
  f(w.metadata, c.metadata);
  f(w.created_at, c.created_at);
  f(w.updated_at, c.updated_at);
  if constexpr (std::is_same_v<row_type, customer_row>) {
    f(w.company_name, c.company_name);
    f(w.first_name, c.first_name);
    f(w.last_name, c.last_name);
    f(w.email, c.email);
    f(w.phone, c.phone);
    f(w.has_account, c.has_account);
    f(w.created_by, c.created_by);
    f(w.deleted_at, c.deleted_at);
  } else if constexpr (std::is_same_v<row_type, group_row>) {
    f(w.name, c.name);
    f(w.created_by, c.created_by);
    f(w.deleted_at, c.deleted_at);
  } else if constexpr (std::is_same_v<row_type, address_row>) {
    f(w.customer_id, c.customer_id);
    f(w.address_name, c.address_name);
    f(w.is_default_shipping, c.is_default_shipping);
    f(w.is_default_billing, c.is_default_billing);
    f(w.company, c.company);
    f(w.first_name, c.first_name);
    f(w.last_name, c.last_name);
    f(w.address_1, c.address_1);
    f(w.address_2, c.address_2);
    f(w.city, c.city);
    f(w.country_code, c.country_code);
    f(w.province, c.province);
    f(w.postal_code, c.postal_code);
    f(w.phone, c.phone);
  } else {
    f(w.customer_id, c.customer_id);
    f(w.customer_group_id, c.customer_group_id);
    f(w.created_by, c.created_by);
  }
}

// Copies a row's columns into `out`, reusing the strings `out` already holds.
template <class Row>
void copy_to_record(const Row& row, typename Row::record_type& out) {
  for_each_column(row, out, [](const auto& from, auto& to) {
    using column = std::remove_cvref_t<decltype(from)>;
    if constexpr (std::is_same_v<column, packed_string>) {
      to.assign(from.view());
    } else if constexpr (std::is_same_v<column, packed_optional>) {
      if (!from)
        to.reset();
      else if (to)
        to->assign(*from);
      else
        to.emplace(*from);
    } else {
      to = from;
    }
  });
}

// The record of a row.
template <class Row>
typename Row::record_type to_record(const Row& row) {
  typename Row::record_type out;
  copy_to_record(row, out);
  return out;
}

// The row for a record, e.g. customer_row for customer_record.
template <class Record>
struct row_for;
template <>
struct row_for<customer_record> {
  using type = customer_row;
};
template <>
struct row_for<customer_group_record> {
  using type = group_row;
};
template <>
struct row_for<customer_address_record> {
  using type = address_row;
};
template <>
struct row_for<customer_group_customer_record> {
  using type = membership_row;
};
template <class Record>
using row_for_t = typename row_for<Record>::type;

// A new row, in the pool's memory (pool.hpp), e.g. new_row<customer_row>() or a copy of a row
// to change: new_row<customer_row>(old).
template <class Row, class... Args>
std::shared_ptr<Row> new_row(Args&&... args) {
  return std::allocate_shared<Row>(pool_allocator<Row>(), std::forward<Args>(args)...);
}

// Asks the CPU to fetch the text a customer row keeps on the heap (strings too long for the
// string's inline buffer: the id, and usually the e-mail), so that copying the row takes one
// round of cache misses for all of it instead of one per string. Call it once the row itself
// is in the cache or on its way.
inline void prefetch_row_text(const customer_row& r) noexcept {
  prefetch_text(r.id);
  for (const auto* f : {&r.email, &r.company_name, &r.first_name, &r.last_name, &r.phone})
    prefetch_text(f->value_or_empty());
}
template <class Row>
void prefetch_row_text(const Row& r) noexcept {
  prefetch_text(r.id);
}

// A new, unpublished row with the columns of `record`.
template <class Record>
row_ptr<row_for_t<Record>> make_row(const Record& record, std::uint64_t version = 0) {
  auto row = new_row<row_for_t<Record>>();
  for_each_column(*row, record, [](auto& to, const auto& from) { to = from; });
  row->version = version;
  return row;
}

template <class Row>
constexpr entity entity_of();

// Whether a row is hidden from reads that do not ask for deleted rows.
inline bool is_deleted(const customer_row& r) noexcept { return r.deleted_at.has_value(); }
inline bool is_deleted(const group_row& r) noexcept { return r.deleted_at.has_value(); }
inline bool is_deleted(const address_row&) noexcept { return false; }
inline bool is_deleted(const membership_row&) noexcept { return false; }

template <>
constexpr entity entity_of<customer_row>() {
  return entity::customer;
}
template <>
constexpr entity entity_of<group_row>() {
  return entity::group;
}
template <>
constexpr entity entity_of<address_row>() {
  return entity::address;
}
template <>
constexpr entity entity_of<membership_row>() {
  return entity::membership;
}

}  // namespace customerdb::detail
