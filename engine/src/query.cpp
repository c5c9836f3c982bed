// The engine's query layer (query.hpp): run_query compiles a filter (predicate.hpp) and a
// find config's order (ordering.hpp), picks an access path (access_path.hpp: a page of the
// ranked id index, one group's members, index candidates or a scan), and keeps the page of the
// matches; window_of applies the paging rules.
#include "query.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "access_path.hpp"
#include "error_messages.hpp"
#include "filter_node.hpp"
#include "ordering.hpp"
#include "predicate.hpp"
#include "schema.hpp"

namespace customerdb::detail {
namespace {

using kind = filter_node::kind;

// Whether the filter has a top-level `id` condition with a value JavaScript counts as true,
// which lifts the default take (decisions D12, D20): anything but equality with null or "".
bool has_top_level_id(const filter_node& root) {
  return any_top_level(root, [](const filter_node& n) {
    if (!names(n, "id")) return false;
    if (n.k != kind::condition || n.op != filter_op::eq || n.list) return true;
    const auto* s = std::get_if<std::string>(&n.operands.front());
    return s && !s->empty();
  });
}

// Whether Medusa's query for the filter `n` joins a to-many relation: a relation filter through
// groups, addresses or customers, at any depth (a to-one relation compared with ids reads the
// row's own key, and `{"groups": {}}` is no condition: neither joins).
template <class Row>
bool joins_to_many(const filter_node& n) {
  if (n.k == kind::condition || n.k == kind::nested) {
    const relation_desc* rel = schema_of<Row>().relation(n.field);
    if (!rel || (n.k == kind::nested && n.children[0].node().k == kind::all)) return false;
    if (rel->foreign_key.empty()) return true;
    if (n.k != kind::nested) return false;
    return with_entity(rel->target, [&](auto target) {
      return joins_to_many<typename decltype(target)::type>(n.children[0].node());
    });
  }
  for (const auto& c : n.children)
    if (joins_to_many<Row>(c.node())) return true;
  return false;
}

// v1: refuses an object with keys as an operand, which Medusa 1.x's ORM reads as a query on
// the entity's fields (`{"metadata": {"$eq": {"a": 1}}}` fails as one on a field `a`); v2
// compares it with a metadata column as jsonb (predicate.cpp).
template <class Row>
void check_v1_documents(const filter_node& n) {
  if (n.k == kind::condition) {
    for (const auto& v : n.operands) {
      const auto* j = std::get_if<json_literal>(&v);
      if (!j || !j->document().is_object() || j->document().get_object().empty()) continue;
      throw invalid_field_value(
          schema_of<Row>().model, n.field,
          fmt::format("an operand other than an object with keys, which this interface reads "
                      "as fields (\"{}\")",
                      std::string_view(j->document().get_object().begin()->key())));
    }
    return;
  }
  if (n.k == kind::nested) {
    if (const relation_desc* rel = schema_of<Row>().relation(n.field)) {
      with_entity(rel->target, [&](auto target) {
        check_v1_documents<typename decltype(target)::type>(n.children[0].node());
      });
    }
    return;  // a metadata filter's keys: their operands are metadata_filter.cpp's
  }
  for (const auto& c : n.children) check_v1_documents<Row>(c.node());
}

// Refuses an order by a metadata column in a paged query that joins a to-many relation (by
// the filter, or by an order key through one), as Medusa's ORM pages such a query in a
// subquery ordered by `min(column)`, and its database has no min of jsonb: the query fails.
template <class Row>
void check_metadata_order(const filter_node& root, const std::vector<order_key<Row>>& order,
                          const page_window& window) {
  if (!(window.limit.value_or(0) > 0 || window.skip > 0)) return;
  // The last metadata key is the one named.
  const auto jsonb =
      std::find_if(order.rbegin(), order.rend(), [](const auto& k) { return k.jsonb; });
  if (jsonb == order.rend()) return;
  const bool joins =
      std::any_of(order.begin(), order.end(), [](const auto& k) { return k.to_many; });
  if (joins || joins_to_many<Row>(root)) {
    throw error(error_code::invalid_data,
                fmt::format("Invalid value for order: {} cannot order a page (take or skip) of "
                            "rows joined through a to-many relation, as the database has no "
                            "least value of jsonb to page by",
                            jsonb->name));
  }
}

std::size_t checked_count(std::string_view name, std::int64_t v) {
  if (v < 0) throw invalid_value(name, std::to_string(v));
  return static_cast<std::size_t>(v);
}

}  // namespace

filter search_words(const filter& f) {
  const filter_node& root = f.node();
  if (!any_top_level(root, [](const filter_node& n) { return n.k == kind::search; })) return f;
  const auto words_of = [](const filter_node& n, filter& out) {
    std::size_t at = 0;
    const std::string_view text = n.text;
    constexpr std::string_view space = " \t\n\v\f\r";
    while ((at = text.find_first_not_of(space, at)) != std::string_view::npos) {
      const std::size_t end = std::min(text.find_first_of(space, at), text.size());
      out = std::move(out) && search(std::string(text.substr(at, end - at)));
      at = end;
    }
  };
  filter out;
  if (root.k == kind::search) {
    words_of(root, out);
    return out;
  }
  for (const auto& c : root.children) {
    if (c.node().k == kind::search) {
      words_of(c.node(), out);
    } else {
      out = std::move(out) && c;
    }
  }
  return out;
}

template <class Row>
query_result<Row> run_query(const view& v, const filter& given, const find_config& config,
                            query_kind qk, dialect d) {
  // Which error comes first (decision D19). v1: a misplaced q, then take/skip, then the rest of
  // the filter. v2, as Medusa v2: the filter's keys in order (an unknown key or a misplaced q,
  // whichever comes first), the rest of the filter, then take/skip. Placement is checked before
  // q splits into words: a blank q splits into none and must still be refused where it is not
  // accepted (a delete selector of `q: ""` would otherwise delete every row, D27).
  const bool deleting =
      qk == query_kind::delete_selector || qk == query_kind::soft_delete_selector;
  if (d == dialect::v2) {
    check_keys_in_order<Row>(given.node(), deleting);
  } else {
    check_search_placement<Row>(given.node(), deleting);
  }
  const filter f = d == dialect::v2 ? search_words(given) : given;
  const filter_node& root = f.node();
  // v1: relation filters see soft-deleted related rows (D28); v2: without with_deleted, a
  // filter through the related rows' fields does not.
  const bool joins_hide_deleted = d == dialect::v2 && !config.with_deleted;
  pred_ptr<Row> predicate;
  const compile_context cx{.joins_hide_deleted = joins_hide_deleted, .now = v.call_time()};
  if (d == dialect::v2) predicate = compile<Row>(root, cx);
  const bool paged = qk == query_kind::list || qk == query_kind::list_and_count;
  const page_window window = paged ? window_of(config, has_top_level_id(root), d) : page_window{};
  const std::size_t skip = window.skip;
  const std::optional<std::size_t> limit = window.limit;
  query_result<Row> result;
  // v1: a filter that names deleted_at anywhere shows soft-deleted rows (decision D28).
  // v2: only with_deleted does, and a delete selector deletes soft-deleted rows too.
  result.with_deleted =
      config.with_deleted ||
      (d == dialect::v1 ? names_anywhere(root, "deleted_at") : qk == query_kind::delete_selector);
  if (!predicate) {
    check_v1_documents<Row>(root);
    predicate = compile<Row>(root, cx);
  }
  const auto order = compile_order<Row>(config, config.with_deleted);
  if (paged) check_metadata_order<Row>(root, order, window);
  const bool live_only = !result.with_deleted;

  // Set when an index served the filter exactly (access_path.hpp): the predicate need not run.
  bool index_exact = false;
  const auto accept = [&](const slot<Row>& s) {
    return (!live_only || !s.deleted) && (index_exact || predicate->eval(*s, v) == tri::yes);
  };
  const bool count = qk == query_kind::list_and_count;
  const std::size_t end = limit ? skip + std::min(*limit, SIZE_MAX - skip) : SIZE_MAX;

  // Rows arriving in id order: keep [skip, end), stop early unless counting.
  std::size_t seen = 0;
  const auto take_in_order = [&](const slot<Row>& s) {
    if (!accept(s)) return true;
    if (seen >= skip && seen < end) result.rows.push_back(&s);
    ++seen;
    return count || seen < end;
  };

  if (order.empty()) {
    // No filter: a page of the ranked id index, O(log n).
    if (root.k == kind::all && !v.has_writes<Row>() &&
        (table_for_t<Row>::ranks_live_rows || !live_only)) {
      result.count = v.page<Row>(live_only, skip, end, result.rows);
      return result;
    }
    if (group_members_in_order<Row>(v, root, index_exact, take_in_order)) {
      result.count = seen;
      return result;
    }
  }

  std::vector<const slot<Row>*> matches;
  if (auto found = index_candidates<Row>(v, root)) {
    auto& rows = found->rows;
    std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a->id < b->id; });
    rows.erase(std::unique(rows.begin(), rows.end(),
                           [](const auto& a, const auto& b) { return a->id == b->id; }),
               rows.end());
    index_exact = found->exact;
    if (order.empty()) {
      for (const auto* s : rows)
        if (!take_in_order(*s)) break;
      result.count = seen;
      return result;
    }
    for (const auto* s : rows)
      if (accept(*s)) matches.push_back(s);
  } else if (order.empty()) {
    // Id order is the scan order: stop as soon as the page is full unless counting.
    v.scan<Row>(live_only, take_in_order, count || !limit);
    result.count = seen;
    return result;
  } else {
    v.scan<Row>(
        live_only,
        [&](const slot<Row>& s) {
          if (accept(s)) matches.push_back(&s);
          return true;
        },
        true);
  }
  sort_by(order, v, matches);
  result.count = matches.size();
  const std::size_t first = std::min(skip, matches.size());
  const std::size_t last = std::min(end, matches.size());
  result.rows.assign(matches.begin() + static_cast<std::ptrdiff_t>(first),
                     matches.begin() + static_cast<std::ptrdiff_t>(last));
  return result;
}

page_window window_of(const find_config& config, bool lifts_default_take, dialect d) {
  page_window w;
  const std::size_t skip = config.skip ? checked_count("skip", *config.skip) : 0;
  if (config.take.has_value()) {
    w.limit = checked_count("take", config.take.value());
  } else if (config.take.is_unset() && !lifts_default_take && d == dialect::v1) {
    w.limit = 15;
  }
  // v1: skip applies only together with a limit (decision D24); v2: always.
  if (w.limit || d == dialect::v2) w.skip = skip;
  return w;
}

template <class Row>
void check_order(const find_config& config) {
  compile_order<Row>(config, config.with_deleted);
}

template void check_order<customer_row>(const find_config&);
template void check_order<group_row>(const find_config&);
template void check_order<address_row>(const find_config&);
template void check_order<membership_row>(const find_config&);

template query_result<customer_row> run_query<customer_row>(const view&, const filter&,
                                                            const find_config&, query_kind,
                                                            dialect);
template query_result<group_row> run_query<group_row>(const view&, const filter&,
                                                      const find_config&, query_kind, dialect);
template query_result<address_row> run_query<address_row>(const view&, const filter&,
                                                          const find_config&, query_kind, dialect);
template query_result<membership_row> run_query<membership_row>(const view&, const filter&,
                                                                const find_config&, query_kind,
                                                                dialect);

}  // namespace customerdb::detail
