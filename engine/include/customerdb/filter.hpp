// customerdb::filter: the filters of list/listAndCount and the selectors of update/delete
// (Medusa's Filterable*Props with MikroORM's operator maps).
//
// A filter is an immutable expression tree built from field conditions:
//
//   using customerdb::where;
//   module.list(where("email") == "john@smith.com");
//   module.list(where("company_name").in({"Acme", "Globex"}) && where("phone").is_null());
//   module.list(where("groups") == "cusgroup_01H...");            // has a membership in it
//   module.list(where("groups").matches(where("name") == "VIP"));  // relation sub-filter
//   module.list(customerdb::search("john") || where("has_account") == true);
//
// A default-constructed filter matches every row (Medusa's `{}`); inside all_of / any_of it is
// dropped, and so are the negation of one and a field's sub-filter that is one (`!filter()`,
// `where("email").matches(filter())`: no condition, as Medusa drops `{"$not": {}}` and
// `{"email": {}}`; decision D25). Field names are checked when the filter is used: an unknown
// field fails with invalid_data `Unknown field "x" for Customer`. A condition on a relation means "has
// at least one related row that matches", as a join sees them: soft-deleted related rows
// count, and a row with no related row is matched against a related row of nulls, as by a left
// join (decision D28). Equality or `in` on a relation compares related ids. Null handling is
// SQL's three-valued logic. A condition on `deleted_at` anywhere in a filter shows soft-deleted
// rows (D28). `search` is accepted only among the top-level conditions (joined with &&), and
// never in a delete selector (D27).
//
// Thread-safe to share: a filter is immutable once built.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "customerdb/timestamp.hpp"

namespace boost::json {
class value;
}

namespace customerdb {

// A JSON array or object as an operand. Only a metadata column takes one: the column compares
// with it as PostgreSQL's jsonb compares (an equal object, jsonb's order for $gt and the
// others), as Medusa 2.x's database does. Immutable; copies share the document.
class json_literal {
 public:
  // REQUIRES: `document` is an array or an object.
  explicit json_literal(boost::json::value document);
  const boost::json::value& document() const noexcept { return *document_; }

 private:
  std::shared_ptr<const boost::json::value> document_;
};

// An operand: null, a boolean, a number, a string, a timestamp or a JSON array or object. A
// string compared with a timestamp field is read as ISO 8601.
using value =
    std::variant<std::nullptr_t, bool, std::int64_t, double, std::string, timestamp, json_literal>;

// The operators of Medusa's filters ($eq, $ne, ...).
enum class filter_op { eq, ne, in, nin, gt, gte, lt, lte, like, ilike, re, exists };

namespace detail {
struct filter_node;
}

class filter {
 public:
  // Matches every row.
  filter();

  // $and of the filters; an empty list is no condition.
  static filter all_of(std::vector<filter> filters);
  // $or of the filters; an empty list is no condition, as in Medusa (decision D25).
  static filter any_of(std::vector<filter> filters);

  friend filter operator&&(filter a, filter b);
  friend filter operator||(filter a, filter b);
  // $not.
  friend filter operator!(filter a);

  // True for a filter that matches every row by construction.
  bool is_all() const noexcept;
  // The expression tree (for the engine's planner and for encoders).
  const detail::filter_node& node() const noexcept { return *node_; }

 private:
  explicit filter(std::shared_ptr<const detail::filter_node> node);
  std::shared_ptr<const detail::filter_node> node_;
  friend class where;
  friend filter search(std::string text);
};

// Names a field, a relation or a metadata key to build a condition on.
class where {
 public:
  explicit where(std::string field);

  filter operator==(value v) const;  // IS NULL when v is nullptr
  filter operator!=(value v) const;  // IS NOT NULL when v is nullptr
  filter operator<(value v) const;
  filter operator<=(value v) const;
  filter operator>(value v) const;
  filter operator>=(value v) const;
  filter in(std::vector<value> values) const;
  filter not_in(std::vector<value> values) const;
  filter is_null() const;
  filter is_not_null() const;
  // SQL LIKE: `%` matches any run of characters, `_` exactly one (decision D17).
  filter like(std::string pattern) const;
  // LIKE ignoring case.
  filter ilike(std::string pattern) const;
  // A regular expression match (ECMAScript syntax).
  filter matches_regex(std::string pattern) const;
  // $exists.
  filter exists(bool present = true) const;
  // A sub-filter on a relation (`groups`, `customers`, `customer`, `customer_group`) or on the
  // keys of `metadata`. A metadata sub-filter holds key conditions joined with && (a key's own
  // sub-filter reaches a nested object's keys); ||, !, all_of and any_of inside it fail with
  // invalid_data when the filter is used, as Medusa's ORM fails on them: combine whole metadata
  // filters instead, `where("metadata").matches(a) || where("metadata").matches(b)`. Operators
  // on `metadata` itself compare the column as jsonb (docs/protocol.md, "Metadata filters").
  filter matches(filter sub) const;

  // Any operator with one operand; with `in`/`nin` the operand must be a list (below).
  filter compare(filter_op op, value v) const;
  // `in` / `nin` with a list of operands.
  filter compare(filter_op op, std::vector<value> values) const;

 private:
  std::string field_;
};

// Medusa's `q`: a case-insensitive substring search over the entity's searchable fields
// (decision D16: `%` and `_` are ordinary characters). An empty text matches everything.
filter search(std::string text);

}  // namespace customerdb
