// Filters compiled into predicates over one entity's rows, evaluated with SQL's three-valued
// logic (three_valued.hpp).
//
// compile() resolves every field and relation a filter names against the entity's schema,
// converts the operands to the fields' types and compiles patterns once, rejecting unknown
// fields, wrong operand types and bad patterns with invalid_data; eval() then runs per row. A
// relation condition means "has at least one related row that matches", and a row without
// related rows is matched as a left join matches it: against a related row of nulls (decision
// D28); soft-deleted related rows count in v1 (D28), and in v2 only for a comparison by id. A relation condition keeps its sub-filter's result per related row as eval() meets them
// (the rows of one view do not change during a call), so a compiled predicate belongs to one
// call: not thread-safe.
#pragma once

#include <memory>
#include <string_view>

#include "filter_node.hpp"
#include "three_valued.hpp"

namespace customerdb::detail {

template <class Row>
struct pred {
  virtual ~pred() = default;
  virtual tri eval(const Row& row, const view& v) const = 0;
  // The result for the row of nulls a left join gives when there is no related row (decision
  // D28): every field is null.
  virtual tri eval_null(const view& v) const = 0;
};
template <class Row>
using pred_ptr = std::unique_ptr<const pred<Row>>;

// What a filter compiles against, besides its entity's schema.
struct compile_context {
  // A relation filter that names a field other than `id` skips soft-deleted related rows
  // (Medusa v2 joins the related table there, and its join skips them).
  bool joins_hide_deleted = false;
  // The call's time: what `now`, `today`, `tomorrow` and `yesterday` in a timestamp operand
  // mean (time_operand.hpp).
  timestamp now{};
};

// Compiles the filter `n` over rows of `Row` in `cx`. Throws invalid_data for unknown fields
// and relations, wrong operand types and invalid regular expressions.
template <class Row>
pred_ptr<Row> compile(const filter_node& n, const compile_context& cx);

// Medusa v2's first check of a filter: its keys in order, each either a field or relation of
// `Row` or a `q` where q is accepted (as check_search_placement), so that of an unknown key and
// a misplaced q the first one met is reported. Keys inside relation and metadata sub-filters
// are left to compile(). Throws invalid_data "Trying to query by not existing property
// <Model>.<key>" (Medusa v2's words; the key of a misplaced q is "q").
template <class Row>
void check_keys_in_order(const filter_node& root, bool deleting);

// `q` is accepted only among the top-level conditions of a filter, and nowhere in a delete
// selector (decision D27); inside a metadata filter `q` is a key. Throws invalid_data otherwise,
// naming `Row`'s model ("Customer").
template <class Row>
void check_search_placement(const filter_node& root, bool deleting);

}  // namespace customerdb::detail
