// Ordering the matches of a query by config.order: compiling the keys, including keys read
// through relations, and the stable sort (ordering.hpp).
#include "ordering.hpp"

#include <algorithm>
#include <cstddef>
#include <numeric>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "error_messages.hpp"
#include "jsonb_casts.hpp"
#include "sql_words.hpp"
#include "three_valued.hpp"

namespace customerdb::detail {
namespace {

// The cell of `field` for an order by a relation: the related row's value for a to-one
// relation; for a to-many relation the value that comes first in the order's direction
// (smallest ascending, largest descending; null only when no related row has a value).
template <class Row, class Target>
order_key<Row> relation_order_key(std::string_view name, const relation_desc& r,
                                  const field_desc<Target>& field, bool descending,
                                  bool nulls_first, bool with_deleted) {
  return {[kind = r.kind, &field, descending, with_deleted](const Row& row, const view& v) {
            cell best = nullptr;
            for (const auto& t : related<Target>(kind, row, v, with_deleted)) {
              const cell c = field.get(*t, v);
              if (!is_null(c) && (is_null(best) || compare_cells(c, best, descending, false) < 0)) {
                best = c;
              }
            }
            return best;
          },
          descending,
          nulls_first,
          std::string(name),
          field.kind == field_kind::json,
          r.foreign_key.empty()};
}

}  // namespace

template <class Row>
std::vector<order_key<Row>> compile_order(const find_config& config, bool with_deleted) {
  const auto& s = schema_of<Row>();
  std::vector<order_key<Row>> keys;
  for (const auto& entry : config.order) {
    // Named, not a structured binding: the lambda below refers to it (which clang 14 refuses
    // for a binding).
    const std::string& name = entry.first;
    const sort_direction direction = entry.second;
    const bool descending =
        direction == sort_direction::desc || direction == sort_direction::desc_nulls_last;
    const bool nulls_first =
        direction == sort_direction::desc || direction == sort_direction::asc_nulls_first;
    if (const auto* f = s.field(name)) {
      keys.push_back({f->get, descending, nulls_first, name, f->kind == field_kind::json, false});
      continue;
    }
    const auto dot = name.find('.');
    const relation_desc* r = dot == std::string::npos ? nullptr : s.relation(name.substr(0, dot));
    if (!r) throw unknown_field(s.model, name);
    with_entity(r->target, [&](auto target) {
      using Target = typename decltype(target)::type;
      const auto* f = schema_of<Target>().field(std::string_view(name).substr(dot + 1));
      if (!f) throw unknown_field(s.model, name);
      keys.push_back(
          relation_order_key<Row, Target>(name, *r, *f, descending, nulls_first, with_deleted));
    });
  }
  return keys;
}

int compare_cells(const cell& a, const cell& b, bool descending, bool nulls_first) {
  const bool an = is_null(a), bn = is_null(b);
  if (an || bn) {
    if (an && bn) return 0;
    return (an ? 1 : -1) * (nulls_first ? -1 : 1);
  }
  int c = 0;
  if (const auto* s = std::get_if<std::string_view>(&a)) {
    const int r = s->compare(std::get<std::string_view>(b));
    c = r < 0 ? -1 : r > 0;
  } else if (const auto* x = std::get_if<bool>(&a)) {
    c = int(*x) - int(std::get<bool>(b));
  } else if (const auto* t = std::get_if<timestamp>(&a)) {
    const auto u = std::get<timestamp>(b);
    c = *t < u ? -1 : *t > u;
  } else if (const auto* m = std::get_if<const metadata*>(&a)) {
    // Metadata sorts as the database sorts jsonb (jsonb_casts.hpp).
    const int r = compare_jsonb(**m, *std::get<const metadata*>(b));
    c = r < 0 ? -1 : r > 0;
  }
  return descending ? -c : c;
}

template <class Row>
void sort_by(const std::vector<order_key<Row>>& order, const view& v,
             std::vector<const slot<Row>*>& rows) {
  // Each row's keys are computed once (a relation's key looks up related rows), then the rows
  // are sorted by them; ties keep id order.
  const std::size_t width = order.size();
  std::vector<cell> keys(rows.size() * width);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    v.pause();
    for (std::size_t k = 0; k < width; ++k) keys[i * width + k] = order[k].get(**rows[i], v);
  }
  std::vector<std::size_t> positions(rows.size());
  std::iota(positions.begin(), positions.end(), std::size_t{0});
  std::stable_sort(positions.begin(), positions.end(), [&](std::size_t a, std::size_t b) {
    v.pause();  // a sort that throws leaves `positions` unspecified: it is dropped
    for (std::size_t k = 0; k < width; ++k) {
      const int c = compare_cells(keys[a * width + k], keys[b * width + k], order[k].descending,
                                  order[k].nulls_first);
      if (c != 0) return c < 0;
    }
    return false;
  });
  std::vector<const slot<Row>*> sorted;
  sorted.reserve(rows.size());
  for (const std::size_t i : positions) sorted.push_back(rows[i]);
  rows = std::move(sorted);
}

}  // namespace customerdb::detail

namespace customerdb {

sort_direction parse_sort_direction(std::string_view text, std::string_view key) {
  std::vector<std::string_view> words;
  for (std::size_t at = 0; at < text.size();) {
    if (detail::is_sql_space(text[at])) {
      ++at;
      continue;
    }
    std::size_t end = at;
    while (end < text.size() && !detail::is_sql_space(text[end])) ++end;
    words.push_back(text.substr(at, end - at));
    at = end;
  }
  bool descending = false;
  std::size_t next = 0;
  if (next < words.size() && (detail::is_keyword(words[next], "asc") ||
                              detail::is_keyword(words[next], "desc"))) {
    descending = detail::is_keyword(words[next++], "desc");
  }
  std::optional<bool> nulls_first;
  if (next + 2 == words.size() && detail::is_keyword(words[next], "nulls")) {
    if (detail::is_keyword(words[next + 1], "first")) nulls_first = true;
    if (detail::is_keyword(words[next + 1], "last")) nulls_first = false;
    if (nulls_first) next += 2;
  }
  if (next != words.size()) throw detail::invalid_order_direction(text, key);
  if (!nulls_first || *nulls_first == descending)
    return descending ? sort_direction::desc : sort_direction::asc;
  return descending ? sort_direction::desc_nulls_last : sort_direction::asc_nulls_first;
}

}  // namespace customerdb

namespace customerdb::detail {

template std::vector<order_key<customer_row>> compile_order<customer_row>(const find_config&, bool);
template std::vector<order_key<group_row>> compile_order<group_row>(const find_config&, bool);
template std::vector<order_key<address_row>> compile_order<address_row>(const find_config&, bool);
template std::vector<order_key<membership_row>> compile_order<membership_row>(const find_config&,
                                                                              bool);

template void sort_by<customer_row>(const std::vector<order_key<customer_row>>&, const view&,
                                    std::vector<const slot<customer_row>*>&);
template void sort_by<group_row>(const std::vector<order_key<group_row>>&, const view&,
                                 std::vector<const slot<group_row>*>&);
template void sort_by<address_row>(const std::vector<order_key<address_row>>&, const view&,
                                   std::vector<const slot<address_row>*>&);
template void sort_by<membership_row>(const std::vector<order_key<membership_row>>&, const view&,
                                      std::vector<const slot<membership_row>*>&);

}  // namespace customerdb::detail
