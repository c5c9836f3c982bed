// The order of a find config (config.order): its keys compiled once per query, and the sort of
// the matching rows by them.
//
// A key is a field of the row ("email") or of related rows ("groups.name"); nulls come last
// ascending and first descending unless the key's direction places them (sort_direction), text
// is compared by bytes, metadata as PostgreSQL orders jsonb (jsonb_casts.hpp), and ties keep the
// rows' order (id order, as the matches arrive).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "customerdb/find_config.hpp"
#include "schema.hpp"
#include "view.hpp"

namespace customerdb::detail {

// One key of `order`: a field of the row, or (`relation.field`) a field of related rows.
template <class Row>
struct order_key {
  std::function<cell(const Row&, const view&)> get;
  bool descending;
  bool nulls_first;
  std::string name;      // as config.order gives it
  bool jsonb = false;    // a metadata field's
  bool to_many = false;  // through a to-many relation, which Medusa's query joins
};

// Keys of config.order; soft-deleted related rows count only when `with_deleted`. Throws
// invalid_data for an unknown field or one that cannot be ordered by.
template <class Row>
std::vector<order_key<Row>> compile_order(const find_config& config, bool with_deleted);

// Sorts `rows` (of `v`) by `order`, stably.
template <class Row>
void sort_by(const std::vector<order_key<Row>>& order, const view& v,
             std::vector<const slot<Row>*>& rows);

// Compares two cells of one field: values in the direction `descending` says, nulls first or
// last as `nulls_first` says.
int compare_cells(const cell& a, const cell& b, bool descending, bool nulls_first);

}  // namespace customerdb::detail
