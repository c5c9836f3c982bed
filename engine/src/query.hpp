// Running filters and find configs over a view: the engine's query layer.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <vector>

#include "customerdb/filter.hpp"
#include "customerdb/find_config.hpp"
#include "dialect.hpp"
#include "rows.hpp"
#include "view.hpp"

namespace customerdb::detail {

enum class query_kind {
  list,                  // paged (v1: default take 15), no count
  list_and_count,        // paged, with the count of all matches
  selector,              // update selectors: every match, no paging (decision D3)
  delete_selector,       // delete selectors: as selector, without `q` (decision D27)
  soft_delete_selector,  // v2 soft delete and restore selectors: as delete_selector, live rows
                         // only unless with_deleted
};

template <class Row>
struct query_result {
  // The page, in the requested order: slots of the view's tables, valid until they change.
  std::vector<const slot<Row>*> rows;
  std::size_t count = 0;      // all matches (list_and_count only)
  bool with_deleted = false;  // soft-deleted rows were visible (config or filter)
};

// The part of the matches a find config keeps: positions [skip, skip + limit); no limit when
// `limit` is empty.
struct page_window {
  std::size_t skip = 0;
  std::optional<std::size_t> limit;
  bool contains(std::size_t position) const {
    return position >= skip && (!limit || position - skip < *limit);
  }
};

// The window of config.skip and config.take over the matches of a filter; `lifts_default_take`:
// the filter has a top-level `id` condition (decision D20). v1: unset take is 15 unless lifted,
// null take no limit (D12), and skip applies only together with a limit (D24). v2: unset or
// null take is no limit, and skip always applies. Throws invalid_data "Invalid value for skip:
// -1" (or take) for a negative value.
page_window window_of(const find_config& config, bool lifts_default_take, dialect d);

// Checks config.order for `Row` as run_query does; throws invalid_data for an unknown field or
// one that cannot be ordered by.
template <class Row>
void check_order(const find_config& config);

// Runs `f` with `config` over `v` by the rules of dialect `d` (dialect.hpp). Throws
// invalid_data for unknown fields, relations, wrong operand types and bad paging values.
template <class Row>
query_result<Row> run_query(const view& v, const filter& f, const find_config& config,
                            query_kind kind, dialect d = dialect::v1);

// Every row `selector` matches, in id order: live rows only unless `with_deleted`, it names
// deleted_at (v1) or it deletes (v2: delete_selector). `kind`: one of the selector kinds.
template <class Row>
std::vector<row_ptr<Row>> select_rows(const view& v, const filter& selector,
                                      query_kind kind = query_kind::selector,
                                      dialect d = dialect::v1, bool with_deleted = false) {
  find_config config;
  config.with_deleted = with_deleted;
  std::vector<row_ptr<Row>> rows;
  for (const auto* s : run_query<Row>(v, selector, config, kind, d).rows) rows.push_back(s->row);
  return rows;
}

// Medusa v2's `q`: the filter with each top-level search replaced by one search per
// whitespace-separated word of its text, all of which must match (a text of white space only
// is no condition).
filter search_words(const filter& f);

}  // namespace customerdb::detail
