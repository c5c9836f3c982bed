// The stored rows: immutable values shared through row_ptr. A write never changes a row in
// place; it builds a new row and swaps the pointer.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>

#include "customerdb/dto.hpp"
#include "customerdb/records.hpp"
#include "customerdb/timestamp.hpp"
#include "packed_metadata.hpp"
#include "packed_text.hpp"
#include "packed_time.hpp"
#include "pool.hpp"
#include "prefetch.hpp"
#include "row_ptr.hpp"

namespace customerdb::detail {


// The entities, in the order of `entity_rows` below (and of customerdb::record).
enum class entity { group, customer, address, membership };

// Each row holds the stored columns of its entity (customerdb/columns.hpp), with text in
// packed form (packed_text.hpp), the count of its owners (row_ptr.hpp) and the commit sequence
// that published it. The flags and the count come after the wider columns, so that they pack
// together.
#define CUSTOMERDB_DECLARE_PACKED(name) packed_string name;
#define CUSTOMERDB_DECLARE_PACKED_OPT(name) packed_optional name;
#define CUSTOMERDB_DECLARE_PACKED_JSON(name) packed_metadata name;
#define CUSTOMERDB_DECLARE_PACKED_OPT_TIME(name) packed_optional_time name;
#define CUSTOMERDB_ROW_MEMBER(name, kind, flags) \
  CUSTOMERDB_DECLARE(CUSTOMERDB_KIND_##kind(CUSTOMERDB_PICK_ROW), name)
#define CUSTOMERDB_ROW_FLAG_MEMBER(name, kind, flags) \
  CUSTOMERDB_DECLARE(CUSTOMERDB_KIND_##kind(CUSTOMERDB_PICK_ROW_FLAG), name)

// The row type `type` of an entity: its record and DTO types, its columns and its `entity`;
// after the columns, `refs` (row_ptr.hpp) and `version`, the commit sequence that published
// this image (0 until published).
#define CUSTOMERDB_ROW(type, record, dto, entity_value, list)                               \
  struct type {                                                                             \
    using record_type = record;                                                             \
    using dto_type = dto;                                                                   \
    using columns = record::columns;                                                        \
    static constexpr entity kind = entity::entity_value;                                    \
    list(CUSTOMERDB_ROW_MEMBER) list(CUSTOMERDB_ROW_FLAG_MEMBER) row_refs refs;              \
    std::uint64_t version = 0;                                                              \
  };

CUSTOMERDB_ROW(customer_row, customer_record, customer, customer, CUSTOMERDB_CUSTOMER_COLUMNS)
CUSTOMERDB_ROW(group_row, customer_group_record, customer_group, group, CUSTOMERDB_GROUP_COLUMNS)
CUSTOMERDB_ROW(address_row, customer_address_record, customer_address, address,
               CUSTOMERDB_ADDRESS_COLUMNS)
CUSTOMERDB_ROW(membership_row, customer_group_customer_record, customer_group_customer, membership,
               CUSTOMERDB_MEMBERSHIP_COLUMNS)

#undef CUSTOMERDB_ROW

// The row types, in `entity` order: the one list that maps entities to types (a row's
// record_type, dto_type, columns and kind say the rest).
using entity_rows = std::tuple<group_row, customer_row, address_row, membership_row>;

template <class Row>
constexpr entity entity_of() {
  return Row::kind;
}

// Calls f(std::type_identity<Row>{}) for the row type of `e`.
template <std::size_t I = 0, class F>
decltype(auto) with_entity(entity e, F&& f) {
  using row = std::tuple_element_t<I, entity_rows>;
  static_assert(static_cast<std::size_t>(row::kind) == I);
  if constexpr (I + 1 < std::tuple_size_v<entity_rows>) {
    if (e != row::kind) return with_entity<I + 1>(e, std::forward<F>(f));
  }
  return f(std::type_identity<row>{});
}

// Calls f(std::type_identity<Row>{}) for every row type, in `entity` order.
template <class F>
void for_each_entity(F&& f) {
  std::apply([&](auto... rows) { (f(std::type_identity<decltype(rows)>{}), ...); }, entity_rows{});
}

// The row for a record, e.g. customer_row for customer_record.
template <class Record, std::size_t I = 0>
constexpr std::size_t entity_index_of_record() {
  using row = std::tuple_element_t<I, entity_rows>;
  if constexpr (std::is_same_v<typename row::record_type, Record>)
    return I;
  else
    return entity_index_of_record<Record, I + 1>();
}
template <class Record>
using row_for_t = std::tuple_element_t<entity_index_of_record<Record>(), entity_rows>;

// Whether rows of this type can be soft-deleted (they have a `deleted` column).
template <class Row>
inline constexpr bool soft_deletable = requires(const Row& r) {
  r.deleted_at;
};

// Whether a row is hidden from reads that do not ask for deleted rows.
template <class Row>
bool is_deleted(const Row& r) noexcept {
  if constexpr (soft_deletable<Row>)
    return r.deleted_at.has_value();
  else
    return false;
}

// Calls f(row column, record column) for every stored column of a row and its record (either
// may be const).
template <class Row, class Record, class F>
void for_each_column(Row& w, Record& c, F&& f) {
  using row_type = std::remove_const_t<Row>;
  static_assert(std::is_same_v<typename row_type::record_type, std::remove_const_t<Record>>);
  customerdb::for_each_column<typename row_type::columns>([&](const auto& column) {
    if constexpr (std::remove_cvref_t<decltype(column)>::stored)
      f(column.member(w), column.member(c));
  });
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
    } else if constexpr (std::is_same_v<column, packed_metadata>) {
      to = from.copy();
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

// A new row, in the pool's memory (pool.hpp), e.g. new_row<customer_row>() or a copy of a row
// to change: new_row<customer_row>(old).
template <class Row, class... Args>
row_handle<Row> new_row(Args&&... args) {
  return row_handle<Row>::make(std::forward<Args>(args)...);
}

// Asks the CPU to fetch the text a row keeps on the heap (strings too long for the string's
// inline buffer: the id, and for customers usually the e-mail), so that copying the row takes
// one round of cache misses for all of it instead of one per string. Call it once the row
// itself is in the cache or on its way. A customer's text columns are all fetched, the other
// rows' ids only.
template <class Row>
void prefetch_row_text(const Row& r) noexcept {
  prefetch_text(r.id);
  if constexpr (Row::kind == entity::customer) {
    customerdb::for_each_column<typename Row::columns>([&](const auto& column) {
      if constexpr (std::remove_cvref_t<decltype(column)>::template is<column_kind::text>)
        prefetch_text(column.member(r).value_or_empty());
    });
  }
}

// The index in entity_rows of the entity whose reference columns are named `name`
// (referenced_id_column, columns.hpp); the size of entity_rows when there is none.
template <std::size_t I = 0>
constexpr std::size_t referenced_entity_index(std::string_view name) {
  if constexpr (I < std::tuple_size_v<entity_rows>) {
    using row = std::tuple_element_t<I, entity_rows>;
    return name == referenced_id_column<typename row::columns>
               ? I
               : referenced_entity_index<I + 1>(name);
  } else {
    return I;
  }
}

// The row type that the reference column `Column` of the entity `Columns` refers to: the
// entity whose table is the column's name less "_id" (columns.hpp).
template <class Columns, class Column>
using referenced_row_t =
    std::tuple_element_t<referenced_entity_index(std::get<Column>(Columns::all).name), entity_rows>;

// Calls f(column, std::type_identity<Referenced>{}, id) for each reference column of `row`, in
// declaration order: `Referenced` is the row type it refers to (referenced_row_t), `id` the
// id it holds.
template <class Row, class F>
void for_each_reference(const Row& row, F&& f) {
  using columns = typename Row::columns;
  customerdb::for_each_column<columns>([&](const auto& column) {
    using column_type = std::remove_cvref_t<decltype(column)>;
    if constexpr (column_type::template is<column_kind::ref>)
      f(column, std::type_identity<referenced_row_t<columns, column_type>>{},
        std::string_view(column.member(row)));
  });
}

// Sets the reference `to` to `id`, sharing the text of the referenced row's id when
// `find_id(std::type_identity<Referenced>{}, id)` returns it (a packed_string that a store or
// a view holds, null when no such row is there): the rows that refer to a customer then keep
// its id's text once, with the customer's (packed_string copies share their block). A
// reference to a row not there (which a check refuses later) gets a copy of its own.
template <class Columns, class Column, class FindId>
void set_reference(const Column&, packed_string& to, std::string_view id, const FindId& find_id) {
  static_assert(Column::template is<column_kind::ref>);
  if (const packed_string* found =
          find_id(std::type_identity<referenced_row_t<Columns, Column>>{}, id))
    to = *found;
  else
    to = id;
}

// The find_id of set_reference for rows that need not share (no lookups).
inline constexpr auto no_shared_ids = [](auto, std::string_view) -> const packed_string* {
  return nullptr;
};

// A new, unpublished row with the columns of `record`. Its references share the text of the
// ids they refer to as set_reference() says, through `find_id`.
template <class Record, class FindId = std::remove_cvref_t<decltype(no_shared_ids)>>
row_ptr<row_for_t<Record>> make_row(const Record& record, std::uint64_t version = 0,
                                    const FindId& find_id = no_shared_ids) {
  using row_type = row_for_t<Record>;
  auto row = new_row<row_type>();
  customerdb::for_each_column<typename row_type::columns>([&](const auto& column) {
    using column_type = std::remove_cvref_t<decltype(column)>;
    if constexpr (column_type::template is<column_kind::ref>)
      set_reference<typename row_type::columns>(column, column.member(*row), column.member(record),
                                                find_id);
    else if constexpr (column_type::stored)
      column.member(*row) = column.member(record);
  });
  row->version = version;
  return row;
}

// The row `id` of `where`: a view (find<Row>) or a store (of<Row>().find); null when none.
template <class Row, class Where>
row_ptr<Row> find_in(const Where& where, std::string_view id) {
  if constexpr (requires(const Where& w, std::string_view i) { w.template find<Row>(i); })
    return where.template find<Row>(id);
  else
    return where.template of<Row>().find(id);
}

// The find_id of make_row and set_reference that finds ids in `where` (find_in). The id
// returned lives as long as its row stays in `where`.
template <class Where>
auto ids_in(const Where& where) {
  return [&where](auto referenced, std::string_view id) -> const packed_string* {
    const auto row = find_in<typename decltype(referenced)::type>(where, id);
    return row ? &row->id : nullptr;
  };
}

}  // namespace customerdb::detail
