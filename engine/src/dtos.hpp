// Building DTOs from rows: select, relations (nested), derived fields.
#pragma once

#include <memory>
#include <type_traits>
#include <vector>

#include "customerdb/dto.hpp"
#include "customerdb/find_config.hpp"
#include "limit_checks.hpp"
#include "rows.hpp"
#include "schema.hpp"
#include "view.hpp"

namespace customerdb::detail {

template <class Row>
using dto_t = typename Row::dto_type;

// A relation to load, with the relations to load inside its items.
struct relation_node {
  const relation_desc* relation;
  std::vector<relation_node> children;
  // The fields of its items, narrowed by dotted `select` paths (decision D23); null: every field.
  std::shared_ptr<const field_selection> selection{};
};

// What to put in the DTOs of one call.
struct load_plan {
  std::shared_ptr<const field_selection> selection;  // null: every field
  std::vector<relation_node> relations;
  bool with_deleted = false;  // soft-deleted rows visible inside relations
  // Counts the rows of the answer, related rows included, before their DTOs are built; null:
  // no cap. Outlives the plan.
  answer_budget* budget = nullptr;
};

// Validates config.select and config.relations for `Row` (load_paths.hpp); throws invalid_data
// `Unknown field "x" for <Model>` / `Unknown relation "x" for <Model>`. A relation back to the
// type of the row that holds the list is not loaded (decision D22); a dotted select path
// narrows a loaded relation's items to `id`, the key that links them to their row and the
// fields it names, and selects the foreign key of a to-one relation it goes through (D23).
template <class Row>
load_plan make_load_plan(const find_config& config, bool with_deleted);

// The DTO of a row (instantiated for every row type in dtos.cpp).
template <class Row>
dto_t<Row> to_dto(const Row& row, const view& v, const load_plan& plan);

// The DTO of the row in slot `s`. For customers it reads the id, the e-mail and the default
// address ids the slot holds inline rather than the row's own strings (fewer cache misses).
template <class Row>
dto_t<Row> to_dto(const slot<Row>& s, const view& v, const load_plan& plan) {
  return to_dto(*s, v, plan);
}
customer to_dto(const slot<customer_row>& s, const view& v, const load_plan& plan);

// DTOs of `rows` (row pointers or slot pointers), in order. Throws invalid_data when they pass
// the plan's answer budget.
template <class Pointer>
auto to_dtos(const std::vector<Pointer>& rows, const view& v, const load_plan& plan) {
  if constexpr (std::is_pointer_v<Pointer>) {
    for (const auto* s : rows) prefetch_row(*s);  // a page's rows, fetched together
  }
  if (plan.budget) plan.budget->take(rows.size());
  std::vector<decltype(to_dto(*rows.front(), v, plan))> out;
  out.reserve(rows.size());
  for (const auto& r : rows) {
    v.pause();  // no iterator is held while an answer is built
    out.push_back(to_dto(*r, v, plan));
  }
  return out;
}

}  // namespace customerdb::detail
