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
#include "pool.hpp"
#include "prefetch.hpp"

namespace customerdb::detail {

using opt_string = std::optional<std::string>;
using opt_metadata = std::optional<customerdb::metadata>;

template <class Row>
using row_ptr = std::shared_ptr<const Row>;

enum class entity { customer, group, address, membership };

// Each row is its record (every stored column, records.hpp) plus the commit sequence that
// published it, so converting between rows and records is a slice or a copy.
struct customer_row : customer_record {
  using record_type = customer_record;
  // The commit sequence that published this image (0 until published).
  std::uint64_t version = 0;
};

struct group_row : customer_group_record {
  using record_type = customer_group_record;
  std::uint64_t version = 0;
};

struct address_row : customer_address_record {
  using record_type = customer_address_record;
  std::uint64_t version = 0;
};

struct membership_row : customer_group_customer_record {
  using record_type = customer_group_customer_record;
  std::uint64_t version = 0;
};

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
    if (*f) prefetch_text(**f);
}
template <class Row>
void prefetch_row_text(const Row& r) noexcept {
  prefetch_text(r.id);
}

// A new, unpublished row holding `record`.
template <class Record>
row_ptr<row_for_t<Record>> make_row(Record&& record, std::uint64_t version = 0) {
  static_assert(!std::is_reference_v<Record>, "make_row takes the record it is given");
  return new_row<row_for_t<Record>>(std::move(record), version);  // built from it, not assigned
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
