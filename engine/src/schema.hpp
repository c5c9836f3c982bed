// What the engine knows about each entity: its names in messages, its fields (for filters,
// select and order) and its relations.
#pragma once

#include <span>
#include <string_view>
#include <variant>
#include <vector>

#include "rows.hpp"
#include "view.hpp"

namespace customerdb::detail {

enum class field_kind { text, boolean, time, json };

// A field's value in a row, borrowed from the row (or from the store, for derived fields).
using cell = std::variant<std::nullptr_t, bool, std::string_view, timestamp, const metadata*>;

template <class Row>
struct field_desc {
  std::string_view name;
  field_kind kind;
  bool searchable;  // part of `q` (docs/protocol.md, "Filters")
  cell (*get)(const Row&, const view&);
};

enum class relation_kind {
  customer_groups,
  customer_addresses,
  group_customers,
  address_customer,
  membership_customer,
  membership_group,
};

struct relation_desc {
  std::string_view name;
  relation_kind kind;
  entity target;
  // The row's own key behind a to-one relation ("customer_id" for an address's customer); ""
  // for a to-many relation. The relation is returned only with it (decision D22).
  std::string_view foreign_key;
  // The key of the related items that links them to the row ("customer_id" for the addresses
  // of a customer); "" when none does. A dotted select keeps it (decision D23).
  std::string_view link_key;
};

template <class Row>
struct schema {
  std::string_view model;         // class name in messages: "Customer"
  std::string_view model_lower;   // "customer" (id must be defined)
  std::string_view table_words;   // unique-violation messages: "Customer address"
  std::string_view prefix;        // id prefix: "cus"
  std::string_view linkable_key;  // soft delete / restore result key: "customer_id"
  std::span<const field_desc<Row>> fields;
  std::span<const relation_desc> relations;

  const field_desc<Row>* field(std::string_view name) const {
    for (const auto& f : fields)
      if (f.name == name) return &f;
    return nullptr;
  }
  const relation_desc* relation(std::string_view name) const {
    for (const auto& r : relations)
      if (r.name == name) return &r;
    return nullptr;
  }
};

template <class Row>
const schema<Row>& schema_of();

// The rows related to `row` through `kind`, sorted by id; soft-deleted targets only when
// `with_deleted` (decision D13).
template <class Target, class Row>
std::vector<row_ptr<Target>> related(relation_kind kind, const Row& row, const view& v,
                                     bool with_deleted);

}  // namespace customerdb::detail
