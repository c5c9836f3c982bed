// customerdb columns: the one declaration of each entity's columns.
//
// Every entity (customer, customer group, address, group membership) is declared once below,
// as a list of columns: a name, a kind and flags. That list generates the public structs that
// carry the entity (its record, records.hpp; its DTO, dto.hpp; its create and update inputs,
// inputs.hpp), the engine's rows, the schema that filters, `select`, `order` and `q` use, the
// JSON codec, the JSON Lines fixtures, and the persistence formats. Adding a column means
// adding a line here, plus whatever code gives it behaviour (docs/architecture.md, "Adding a
// column").
//
// A column's kind says what it holds and where it appears:
//
//   kind      record / DTO               create input               update input
//   id        std::string                optional<string> (kept     -
//                                        when given, decision D15)
//   ref       std::string (a reference   optional<string>           patch<string>, not nullable
//             to another entity's id:
//             the entity whose table is
//             the column's name less
//             "_id", as Medusa names
//             them)
//   text      optional<string>           optional<string>           patch<string>
//   flag      bool (default false)       bool (null refused)        patch<bool>, not nullable
//   json      optional<metadata>         optional<metadata>         patch<metadata>, deep-merged
//                                                                   (decision D10)
//   stamp     timestamp (set by the      -                          -
//             engine)
//   deleted   optional<timestamp> (soft  -                          -
//             deletion; set by the engine)
//   derived   DTO only: optional<string>, computed from other rows (decision D9)
//
// Flags: `q` (searched by the `q` filter), `indexed` (the table keeps an index on it),
// `unique` (part of the entity's unique rule, among live rows when it has a `deleted` column;
// the rule itself is the engine's, rules.cpp), `v2` (the column is in Medusa v2's model only:
// results of v1 methods on the wire leave it out, customer_module_v2.hpp), or `none`. Every
// scalar column can be filtered, selected and ordered by.
//
// The declaration order is the order of the generated structs' members (so of designated
// initializers), of the JSON objects the protocol returns, and of the persisted formats.
//
// Everything here is compile-time data: thread-safe.
#pragma once

#include <array>
#include <cstddef>
#include <string_view>
#include <tuple>
#include <utility>

namespace customerdb {

// ---- The entities --------------------------------------------------------------------------

// A customer (id prefix "cus").
#define CUSTOMERDB_CUSTOMER_COLUMNS(X)          \
  X(id, id, indexed)                            \
  X(email, text, q | indexed | unique)          \
  X(first_name, text, q)                        \
  X(last_name, text, q)                         \
  X(company_name, text, q | indexed)            \
  X(phone, text, q)                             \
  X(has_account, flag, unique)                  \
  X(metadata, json, none)                       \
  X(created_by, text, none)                     \
  X(default_billing_address_id, derived, none)  \
  X(default_shipping_address_id, derived, none) \
  X(created_at, stamp, indexed)                 \
  X(updated_at, stamp, none)                    \
  X(deleted_at, deleted, indexed)

// A customer group (id prefix "cusgroup").
#define CUSTOMERDB_GROUP_COLUMNS(X)   \
  X(id, id, indexed)                  \
  X(name, text, q | indexed | unique) \
  X(metadata, json, none)             \
  X(created_by, text, none)           \
  X(created_at, stamp, indexed)       \
  X(updated_at, stamp, none)          \
  X(deleted_at, deleted, indexed)

// A customer address (id prefix "cuaddr").
#define CUSTOMERDB_ADDRESS_COLUMNS(X)   \
  X(id, id, indexed)                    \
  X(customer_id, ref, indexed | unique) \
  X(address_name, text, q)              \
  X(is_default_shipping, flag, unique)  \
  X(is_default_billing, flag, unique)   \
  X(company, text, q)                   \
  X(first_name, text, q)                \
  X(last_name, text, q)                 \
  X(address_1, text, q)                 \
  X(address_2, text, q)                 \
  X(city, text, q)                      \
  X(country_code, text, none)           \
  X(province, text, q)                  \
  X(postal_code, text, q)               \
  X(phone, text, none)                  \
  X(metadata, json, none)               \
  X(created_at, stamp, indexed)         \
  X(updated_at, stamp, none)            \
  X(deleted_at, deleted, v2)

// A group membership (id prefix "cusgc").
#define CUSTOMERDB_MEMBERSHIP_COLUMNS(X) \
  X(id, id, indexed)                     \
  X(customer_id, ref, indexed)           \
  X(customer_group_id, ref, indexed)     \
  X(metadata, json, none)                \
  X(created_by, text, none)              \
  X(created_at, stamp, indexed)          \
  X(updated_at, stamp, none)             \
  X(deleted_at, deleted, v2)

// ---- Kinds and flags -----------------------------------------------------------------------

namespace column_kind {
struct id {};
struct ref {};
struct text {};
struct flag {};
struct json {};
struct stamp {};
struct deleted {};
struct derived {};
}  // namespace column_kind

enum class column_flag : unsigned { none = 0, q = 1, indexed = 2, unique = 4, v2 = 8 };

constexpr column_flag operator|(column_flag a, column_flag b) noexcept {
  return static_cast<column_flag>(static_cast<unsigned>(a) | static_cast<unsigned>(b));
}
constexpr bool has_flag(column_flag set, column_flag f) noexcept {
  return (static_cast<unsigned>(set) & static_cast<unsigned>(f)) != 0;
}

// One column: its name, kind and flags, and `member(s)`, the column's member in any struct
// that carries it (record, DTO, input, row).
template <class Kind, class Member>
struct column {
  using kind = Kind;
  std::string_view name;
  column_flag flags;
  Member member;

  template <class K>
  static constexpr bool is = std::is_same_v<Kind, K>;
  // Whether records (and rows, and the persisted formats) hold it.
  static constexpr bool stored = !is<column_kind::derived>;
  // Whether create inputs have it.
  static constexpr bool created = is<column_kind::id> || is<column_kind::ref> ||
                                  is<column_kind::text> || is<column_kind::flag> ||
                                  is<column_kind::json>;
  // Whether update inputs have it.
  static constexpr bool updated = created && !is<column_kind::id>;
  // Whether null is refused (in create and update inputs).
  static constexpr bool required = is<column_kind::ref> || is<column_kind::flag>;
  // Whether a record must give it (it has no default).
  static constexpr bool has_no_default =
      is<column_kind::id> || is<column_kind::ref> || is<column_kind::stamp>;

  constexpr bool has(column_flag f) const noexcept { return has_flag(flags, f); }
};

template <class Kind, class Member>
constexpr column<Kind, Member> make_column(std::string_view name, column_flag flags,
                                           Member member) {
  return {name, flags, member};
}

// The text of referenced_id_column<Columns>: the table's name, then "_id".
template <class Columns>
inline constexpr auto referenced_id_text = [] {
  constexpr std::string_view table = Columns::table, suffix = "_id";
  std::array<char, table.size() + suffix.size()> text{};
  for (std::size_t i = 0; i < table.size(); ++i) text[i] = table[i];
  for (std::size_t i = 0; i < suffix.size(); ++i) text[table.size() + i] = suffix[i];
  return text;
}();

// The name of a `ref` column that refers to the entity `Columns` (e.g. "customer_id" for
// customer_columns, whose table is "customer").
template <class Columns>
inline constexpr std::string_view referenced_id_column{referenced_id_text<Columns>.data(),
                                                       referenced_id_text<Columns>.size()};

// Calls f(column) for each column of `Columns` (e.g. customer_columns), in declaration order.
template <class Columns, class F>
constexpr void for_each_column(F&& f) {
  std::apply([&](const auto&... c) { (f(c), ...); }, Columns::all);
}

// ---- Generation ----------------------------------------------------------------------------
// X-macro helpers that turn a column list into struct members and column descriptors.

#define CUSTOMERDB_COLUMN(name, kind, flags)                  \
  ::customerdb::make_column<::customerdb::column_kind::kind>( \
      #name,                                                  \
      [] {                                                    \
        using enum ::customerdb::column_flag;                 \
        return flags;                                         \
      }(),                                                    \
      [](auto& s) -> auto& { return s.name; }),

// The descriptors of an entity: `model` (its class name in messages), `table` (Medusa's table:
// the `type` of JSON Lines records, and in messages), `prefix` (of its ids) and `all` (its
// columns).
#define CUSTOMERDB_DESCRIBE_COLUMNS(type, list, model_name, table_name, id_prefix) \
  struct type {                                                                    \
    static constexpr std::string_view model = model_name;                          \
    static constexpr std::string_view table = table_name;                          \
    static constexpr std::string_view prefix = id_prefix;                          \
    static constexpr std::tuple all{list(CUSTOMERDB_COLUMN)};                      \
  };

CUSTOMERDB_DESCRIBE_COLUMNS(customer_columns, CUSTOMERDB_CUSTOMER_COLUMNS, "Customer", "customer",
                            "cus")
CUSTOMERDB_DESCRIBE_COLUMNS(customer_group_columns, CUSTOMERDB_GROUP_COLUMNS, "CustomerGroup",
                            "customer_group", "cusgroup")
CUSTOMERDB_DESCRIBE_COLUMNS(customer_address_columns, CUSTOMERDB_ADDRESS_COLUMNS, "Address",
                            "customer_address", "cuaddr")
CUSTOMERDB_DESCRIBE_COLUMNS(customer_group_customer_columns, CUSTOMERDB_MEMBERSHIP_COLUMNS,
                            "CustomerGroupCustomer", "customer_group_customer", "cusgc")

#undef CUSTOMERDB_DESCRIBE_COLUMNS

// The member each kind gives each struct (the table at the top of this header), as
// pick(record, DTO, create input, update input, row, row flag): the engine's rows (rows.hpp)
// keep flags apart, after the wider columns, so that they pack.
// clang-format off
#define CUSTOMERDB_KIND_id(pick)      pick(STRING,    STRING,    OPT_STRING, NONE,         PACKED,     NONE)
#define CUSTOMERDB_KIND_ref(pick)     pick(STRING,    STRING,    OPT_STRING, PATCH_STRING, PACKED,     NONE)
#define CUSTOMERDB_KIND_text(pick)    pick(OPT_STRING, OPT_STRING, OPT_STRING, PATCH_STRING, PACKED_OPT, NONE)
#define CUSTOMERDB_KIND_flag(pick)    pick(BOOL,      BOOL,      BOOL,       PATCH_BOOL,   NONE,       BOOL)
#define CUSTOMERDB_KIND_json(pick)    pick(OPT_JSON,  OPT_JSON,  OPT_JSON,   PATCH_JSON,   PACKED_JSON, NONE)
#define CUSTOMERDB_KIND_stamp(pick)   pick(TIME,      TIME,      NONE,       NONE,         TIME,       NONE)
#define CUSTOMERDB_KIND_deleted(pick) pick(OPT_TIME,  OPT_TIME,  NONE,       NONE,         PACKED_OPT_TIME, NONE)
#define CUSTOMERDB_KIND_derived(pick) pick(NONE,      OPT_STRING, NONE,      NONE,         NONE,       NONE)
// clang-format on

#define CUSTOMERDB_PICK_RECORD(record, dto, create, update, row, row_flag) record
#define CUSTOMERDB_PICK_DTO(record, dto, create, update, row, row_flag) dto
#define CUSTOMERDB_PICK_CREATE(record, dto, create, update, row, row_flag) create
#define CUSTOMERDB_PICK_UPDATE(record, dto, create, update, row, row_flag) update
#define CUSTOMERDB_PICK_ROW(record, dto, create, update, row, row_flag) row
#define CUSTOMERDB_PICK_ROW_FLAG(record, dto, create, update, row, row_flag) row_flag

#define CUSTOMERDB_DECLARE(type, name) CUSTOMERDB_DECLARE_EXPANDED(type, name)
#define CUSTOMERDB_DECLARE_EXPANDED(type, name) CUSTOMERDB_DECLARE_##type(name)
#define CUSTOMERDB_DECLARE_NONE(name)
#define CUSTOMERDB_DECLARE_STRING(name) std::string name{};
#define CUSTOMERDB_DECLARE_OPT_STRING(name) std::optional<std::string> name{};
#define CUSTOMERDB_DECLARE_BOOL(name) bool name = false;
#define CUSTOMERDB_DECLARE_OPT_JSON(name) std::optional<customerdb::metadata> name{};
#define CUSTOMERDB_DECLARE_TIME(name) timestamp name{};
#define CUSTOMERDB_DECLARE_OPT_TIME(name) std::optional<timestamp> name{};
#define CUSTOMERDB_DECLARE_PATCH_STRING(name) patch<std::string> name{};
#define CUSTOMERDB_DECLARE_PATCH_BOOL(name) patch<bool> name{};
#define CUSTOMERDB_DECLARE_PATCH_JSON(name) patch<customerdb::metadata> name{};

// X-macros that declare a column's member in one struct: a record's, a DTO's, a create
// input's, an update input's.
#define CUSTOMERDB_RECORD_MEMBER(name, kind, flags) \
  CUSTOMERDB_DECLARE(CUSTOMERDB_KIND_##kind(CUSTOMERDB_PICK_RECORD), name)
#define CUSTOMERDB_DTO_MEMBER(name, kind, flags) \
  CUSTOMERDB_DECLARE(CUSTOMERDB_KIND_##kind(CUSTOMERDB_PICK_DTO), name)
#define CUSTOMERDB_CREATE_MEMBER(name, kind, flags) \
  CUSTOMERDB_DECLARE(CUSTOMERDB_KIND_##kind(CUSTOMERDB_PICK_CREATE), name)
#define CUSTOMERDB_UPDATE_MEMBER(name, kind, flags) \
  CUSTOMERDB_DECLARE(CUSTOMERDB_KIND_##kind(CUSTOMERDB_PICK_UPDATE), name)

}  // namespace customerdb
