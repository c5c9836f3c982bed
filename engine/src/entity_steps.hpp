// The steps the service methods share: id checks, update targets, patches, retrieve, list,
// soft delete and restore. Each entity's file composes them.
#pragma once

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "customerdb/find_config.hpp"
#include "customerdb/id_view.hpp"
#include "customerdb/patch.hpp"
#include "dtos.hpp"
#include "engine.hpp"
#include "error_messages.hpp"
#include "ids.hpp"
#include "limit_checks.hpp"
#include "metadata.hpp"
#include "query.hpp"
#include "rules.hpp"
#include "schema.hpp"
#include "view.hpp"

namespace customerdb::detail {

// `ids` without duplicates, first occurrence kept.
inline std::vector<std::string> unique_ids(const std::vector<std::string>& ids) {
  std::vector<std::string> out;
  std::unordered_set<std::string_view> seen;
  for (const auto& id : ids)
    if (seen.insert(id).second) out.push_back(id);
  return out;
}

// The id for a new row: the caller's (kept, decision D15) or a new one. Throws invalid_data
// "<Table> with id: <id>, already exists." when the caller's id is taken.
template <class Row>
std::string claim_id(const view& v, const std::optional<std::string>& given) {
  if (!given || given->empty()) return new_id(schema_of<Row>().prefix);
  if (v.find<Row>(*given)) throw already_exists(schema_of<Row>().table_words, {{"id", *given}});
  return *given;
}

// A single id argument as a list; throws not_found "<model> - id must be defined" when no id
// was given.
template <class Row>
std::vector<std::string> single_id(id_view id) {
  if (!id.defined()) throw id_must_be_defined(schema_of<Row>().model_lower);
  return {std::string(id.value())};
}

// The row with `id` if it exists and (unless with_deleted) is live.
template <class Row>
row_ptr<Row> find_visible(const view& v, std::string_view id, bool with_deleted) {
  auto row = v.find<Row>(id);
  return row && (with_deleted || !is_deleted(*row)) ? row : nullptr;
}

// retrieve(): the row's DTO, or not_found. The config is checked as list checks it, and its
// skip and take apply to the one-row result as a list by id would (decision D21): `take: 0`,
// or a skip with a limit, finds nothing. The answer holds at most `max_answer_rows` rows,
// related rows included (0: no cap); invalid_data past it.
template <class Row>
dto_t<Row> retrieve(const view& v, id_view id, const find_config& config,
                    std::size_t max_answer_rows, dialect d) {
  const auto& s = schema_of<Row>();
  if (!id.defined()) throw id_must_be_defined(s.model_lower);
  auto plan = make_load_plan<Row>(config, config.with_deleted);
  check_order<Row>(config);
  const auto window = window_of(config, !id.value().empty(), d);
  const auto* found = v.find_slot<Row>(id.value());
  if (!found || (!config.with_deleted && found->deleted) || !window.contains(0))
    throw not_found_by_id(s.model, id.value());
  answer_budget budget(max_answer_rows);
  budget.take(1);
  plan.budget = &budget;
  return to_dto(*found, v, plan);
}

// The DTOs of a query's page, at most `max_answer_rows` rows with the related ones (0: no cap);
// invalid_data past it.
template <class Row>
std::vector<dto_t<Row>> page_dtos(const view& v, const query_result<Row>& result,
                                  const find_config& config, std::size_t max_answer_rows) {
  answer_budget budget(max_answer_rows);
  auto plan = make_load_plan<Row>(config, result.with_deleted);
  plan.budget = &budget;
  return to_dtos(result.rows, v, plan);
}

template <class Row>
std::vector<dto_t<Row>> list(const view& v, const filter& f, const find_config& config,
                             std::size_t max_answer_rows, dialect d) {
  return page_dtos(v, run_query<Row>(v, f, config, query_kind::list, d), config, max_answer_rows);
}

template <class Row>
std::pair<std::vector<dto_t<Row>>, std::size_t> list_and_count(const view& v, const filter& f,
                                                               const find_config& config,
                                                               std::size_t max_answer_rows,
                                                               dialect d) {
  const auto result = run_query<Row>(v, f, config, query_kind::list_and_count, d);
  return {page_dtos(v, result, config, max_answer_rows), result.count};
}

// Update targets by ids: every id must be visible and live, else not_found
// `<Model> with id "<missing>" not found`. Returned in id order.
template <class Row>
std::vector<row_ptr<Row>> update_targets(const view& v, const std::vector<std::string>& ids,
                                         dialect) {
  std::vector<row_ptr<Row>> rows;
  std::vector<std::string> missing;
  for (const auto& id : unique_ids(ids)) {
    if (const auto* s = v.find_slot<Row>(id); s && !s->deleted) {
      prefetch_row(*s);  // update_rows copies the row
      rows.push_back(s->row);
    } else {
      missing.push_back(id);
    }
  }
  if (!missing.empty()) throw update_targets_not_found(schema_of<Row>().model, missing);
  std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a->id < b->id; });
  return rows;
}

template <class Row>
std::vector<row_ptr<Row>> update_targets(const view& v, const filter& selector, dialect d) {
  return select_rows<Row>(v, selector, query_kind::selector, d);
}

// Applies one patch field to a nullable column; returns whether the value changed.
template <class Column, class T>
bool apply_nullable(Column& field, const patch<T>& p) {
  if (p.is_unset() || field == p.as_optional()) return false;
  field = p.as_optional();
  return true;
}
template <class T>
bool apply(std::optional<T>& field, const patch<T>& p) {
  return apply_nullable(field, p);
}
inline bool apply(packed_optional& field, const patch<std::string>& p) {
  return apply_nullable(field, p);
}

// A non-nullable field: null fails with invalid_data naming the property and entity.
template <class Column, class T>
bool apply_required(Column& field, const patch<T>& p, std::string_view property,
                    std::string_view model) {
  if (p.is_unset()) return false;
  if (p.is_null()) throw non_null_property(property, model);
  if (field == p.value()) return false;
  field = p.value();
  return true;
}

// Metadata: v1 deep merge (decision D10), v2 shallow merge (dialect.hpp); null clears.
inline bool apply_metadata(packed_metadata& field, const patch<metadata>& p, dialect d) {
  if (p.is_unset()) return false;
  if (p.is_null()) {
    const bool changed = field.has_value();
    field.reset();
    return changed;
  }
  metadata merged = field ? *field : metadata{};
  if (d == dialect::v1) {
    deep_merge(merged, p.value());
  } else {
    shallow_merge(merged, p.value());
  }
  if (field && *field == merged) return false;
  field = std::move(merged);
  return true;
}

// A new row with the columns of the create input `d` (customerdb/inputs.hpp): its id claimed
// (claim_id), its time stamps `now`, its references sharing the text of the ids in `v` they
// refer to (set_reference). REQUIRES: every `ref` column given (a caller checks).
template <class Row, class Input>
row_handle<Row> row_from_input(const view& v, const Input& d, timestamp now) {
  auto row = new_row<Row>();
  customerdb::for_each_column<typename Row::columns>([&](const auto& column) {
    using column_type = std::remove_cvref_t<decltype(column)>;
    if constexpr (column_type::template is<column_kind::id>) {
      column.member(*row) = claim_id<Row>(v, d.id);
    } else if constexpr (column_type::template is<column_kind::ref>) {
      set_reference<typename Row::columns>(column, column.member(*row), *column.member(d),
                                           ids_in(v));
    } else if constexpr (column_type::template is<column_kind::stamp>) {
      column.member(*row) = now;
    } else if constexpr (column_type::created) {
      column.member(*row) = column.member(d);
    }
  });
  return row;
}

// Applies the update input `d` (customerdb/inputs.hpp) to `r` by the rules of `dialect`; returns
// whether a column changed. Null in a non-nullable column throws invalid_data naming it, in
// declaration order; in v2 the references (an address's customer_id) come last, as in Medusa
// v2's model.
template <class Row, class Input>
bool apply_update(Row& r, const Input& d, dialect dl) {
  bool changed = false;
  const auto apply_column = [&](const auto& column) {
    using column_type = std::remove_cvref_t<decltype(column)>;
    if constexpr (column_type::template is<column_kind::json>) {
      changed |= apply_metadata(column.member(r), column.member(d), dl);
    } else if constexpr (column_type::required && column_type::updated) {
      changed |=
          apply_required(column.member(r), column.member(d), column.name, Row::columns::model);
    } else if constexpr (column_type::updated) {
      changed |= apply(column.member(r), column.member(d));
    }
  };
  const auto is_ref = [](const auto& column) {
    return std::remove_cvref_t<decltype(column)>::template is<column_kind::ref>;
  };
  customerdb::for_each_column<typename Row::columns>([&](const auto& column) {
    if (dl == dialect::v1 || !is_ref(column)) apply_column(column);
  });
  if (dl == dialect::v2) {
    customerdb::for_each_column<typename Row::columns>([&](const auto& column) {
      if (is_ref(column)) apply_column(column);
    });
  }
  return changed;
}

// Updates each target with `change(Row&) -> bool changed`; stamps updated_at on the rows that
// changed. Returns the new rows' DTOs in target order.
template <class Row, class Change>
std::vector<dto_t<Row>> update_rows(write_view& t, const std::vector<row_ptr<Row>>& targets,
                                    timestamp now, Change&& change) {
  std::vector<row_ptr<Row>> updated;
  for (const auto& target : targets) {
    prefetch_row_text(*target);
    auto row = new_row<Row>(*target);
    if (change(*row)) {
      row->updated_at = now;
      put_checked<Row>(t, row, target.get());
      updated.push_back(std::move(row));
    } else {
      updated.push_back(target);
    }
  }
  return to_dtos(updated, t, load_plan{});
}

// The references a write made, checked after all its rows as the database checks foreign keys
// at the end of a statement: a call that breaks a unique rule and names an unknown row reports
// the unique rule (decision D19).
struct no_references {
  void operator()(const view&) const noexcept {}
};

// update(): resolves `target` (ids or a selector, by the rules of dialect `d`), applies
// `apply(Row&) -> bool changed` to each row, then `check_references(const view&)`, in one
// transaction.
template <class Row, class Target, class Apply, class CheckReferences = no_references>
std::vector<dto_t<Row>> update_entities(engine& e, const call& c, const Target& target, dialect d,
                                        Apply&& apply, CheckReferences&& check_references = {}) {
  return e.write(c, [&](write_view& t) {
    auto dtos = update_rows<Row>(t, update_targets<Row>(t, target, d), e.now(), apply);
    if (!dtos.empty()) check_references(static_cast<const view&>(t));
    return dtos;
  });
}

// Adds {linkable key of Row: ids} to the result map of soft_delete/restore, unless `ids` is
// empty or return_linkable_keys leaves the key out.
template <class Row>
void add_linkable(linkable_ids& out, std::vector<std::string> ids,
                  const soft_delete_config& config) {
  if (ids.empty()) return;
  const std::string key(schema_of<Row>().linkable_key);
  if (config.return_linkable_keys &&
      std::find(config.return_linkable_keys->begin(), config.return_linkable_keys->end(), key) ==
          config.return_linkable_keys->end())
    return;
  out.emplace(key, std::move(ids));
}

// Soft-deletes the live rows among `ids`; returns the ids changed.
template <class Row>
std::vector<std::string> soft_delete(write_view& t, const std::vector<std::string>& ids,
                                     timestamp now) {
  std::vector<std::string> changed;
  for (const auto& id : unique_ids(ids)) {
    auto row = find_visible<Row>(t, id, false);
    if (!row) continue;
    auto next = new_row<Row>(*row);
    next->deleted_at = now;
    next->updated_at = now;
    t.put<Row>(std::move(next));
    changed.push_back(id);
  }
  return changed;
}

// Restores the rows among `ids`; returns the ids found, deleted or not. In v1 every row found
// is written (its updated_at moves); in v2 only the soft-deleted ones are, as a live row has
// nothing to change (dialect.hpp).
template <class Row>
std::vector<std::string> restore(write_view& t, const std::vector<std::string>& ids, timestamp now,
                                 dialect d) {
  std::vector<std::string> found;
  for (const auto& id : unique_ids(ids)) {
    auto row = t.find<Row>(id);
    if (!row) continue;
    if (d == dialect::v2 && !row->deleted_at) {
      found.push_back(id);
      continue;
    }
    auto next = new_row<Row>(*row);
    next->deleted_at.reset();
    next->updated_at = now;
    put_checked<Row>(t, std::move(next), row.get());
    found.push_back(id);
  }
  return found;
}

// Medusa v2's cascade of a customer's soft delete (`restoring` false) or restore to its
// addresses: soft delete stamps every address of the customers `customer_ids` deleted now,
// already deleted ones too; restore clears the deleted ones. Returns the ids of every address
// of those customers.
inline std::vector<std::string> cascade_to_addresses(write_view& t,
                                                     const std::vector<std::string>& customer_ids,
                                                     bool restoring, timestamp now) {
  std::vector<std::string> ids;
  for (const auto& customer_id : customer_ids) {
    for (const auto& a : t.addresses_of(customer_id)) {
      ids.emplace_back(a->id.view());
      if (restoring && !a->deleted_at) continue;
      auto next = new_row<address_row>(*a);
      next->deleted_at = restoring ? std::nullopt : std::optional<timestamp>(now);
      next->updated_at = now;
      t.put<address_row>(std::move(next));
    }
  }
  return ids;
}

// The ids of `rows`, in order.
template <class Row>
std::vector<std::string> ids_of(const std::vector<row_ptr<Row>>& rows) {
  std::vector<std::string> ids;
  ids.reserve(rows.size());
  for (const auto& r : rows) ids.emplace_back(r->id.view());
  return ids;
}

}  // namespace customerdb::detail
