// Access paths: finding the rows that may match a filter through the indexes each table
// declares (tables.hpp, `indexed_fields`), and whether they are exactly its matches
// (access_path.hpp).
#include "access_path.hpp"

#include <algorithm>
#include <cstddef>
#include <string>

namespace customerdb::detail {
namespace {

using kind = filter_node::kind;

// How many of the rows an index lookup finds are prefetched as they are found.
constexpr std::size_t prefetched_candidates = 16;

// Calls f(field) for the field named `name` among those `Row`'s table declares it indexes;
// returns whether it declares one.
template <class Row, class F>
bool with_indexed_field(std::string_view name, F&& f) {
  return std::apply(
      [&](const auto&... field) { return ((field.name == name && (f(field), true)) || ...); },
      table_for_t<Row>::indexed_fields);
}

// Whether `Row`'s table finds rows by field `name` through its id index.
template <class Row>
bool found_by_id(std::string_view name) {
  bool by_id = false;
  with_indexed_field<Row>(name, [&](const auto& field) { by_id = field.kind == lookup_kind::id; });
  return by_id;
}

// The rows whose field equals one of `keys`, through the index the table declares for it
// (`Field`, an indexed_field). The result may hold duplicates and is in no particular order.
template <class Row, class Field>
std::vector<const slot<Row>*> look_up(const view& v, const std::vector<std::string_view>& keys) {
  std::vector<const slot<Row>*> out;
  const auto push = [&](const slot<Row>& s) {
    // The first rows found are the likeliest to be read (a page of DTOs): their misses
    // overlap with the rest of the lookup.
    if (out.size() < prefetched_candidates) prefetch_row(s);
    out.push_back(&s);
  };
  if constexpr (Field::kind == lookup_kind::id) {
    for (auto k : keys)
      if (const auto* s = v.find_slot<Row>(k)) out.push_back(s);
  } else if constexpr (Field::kind == lookup_kind::hashed || Field::kind == lookup_kind::leading) {
    for (auto k : keys) v.lookup_by<Row, Field>(key(k), push);
  } else if constexpr (Field::kind == lookup_kind::group_members) {
    // The memberships' keys, not their rows: the slot holds the customer's id, where the row
    // shares the text of the customer's (a line further away).
    for (auto k : keys)
      v.lookup<membership_row, "customer_group_id">(key(k), [&](const slot<membership_row>& m) {
        if (const auto* s = v.find_slot<Row>(m.extra.customer.text())) out.push_back(s);
      });
  } else {
    static_assert(Field::kind == lookup_kind::member_groups);
    for (auto k : keys)
      v.lookup<membership_row, "customer_id">(key(k), [&](const slot<membership_row>& m) {
        if (const auto* s = v.find_slot<Row>(m.extra.group.text())) out.push_back(s);
      });
  }
  return out;
}

// The rows that may match the sub-filter `n` through indexes, and whether they are exactly its
// matches; nullopt when no index serves it. An equality or `in` on an indexed field: that
// index, exact when the index keys the field exactly and no key is "" (which the text indexes
// share with null). An $or: the union of its branches' rows when an index serves every branch
// (a `{}` branch is dropped, as compile drops it: decision D25), exact when every branch is. An
// $and: the rows of its first branch an index serves, exact when it is the only branch.
template <class Row>
std::optional<candidates<Row>> served(const view& v, const filter_node& n) {
  if (n.k == kind::or_ || n.k == kind::and_) {
    std::optional<candidates<Row>> found;
    std::size_t branches = 0;
    for (const auto& c : n.children) {
      if (c.node().k == kind::all) continue;
      ++branches;
      if (n.k == kind::and_) {
        if (!found) found = served<Row>(v, c.node());
        continue;
      }
      auto part = served<Row>(v, c.node());
      if (!part) return std::nullopt;
      if (!found) {
        found = std::move(part);
      } else {
        found->rows.insert(found->rows.end(), part->rows.begin(), part->rows.end());
        found->exact = found->exact && part->exact;
      }
    }
    if (found && branches > 1 && n.k == kind::and_) found->exact = false;
    return found;
  }
  const auto keys = index_keys(n);
  if (!keys) return std::nullopt;
  std::optional<candidates<Row>> found;
  with_indexed_field<Row>(n.field, [&](const auto& field) {
    found =
        candidates<Row>{look_up<Row, std::decay_t<decltype(field)>>(v, *keys),
                        field.exact && std::none_of(keys->begin(), keys->end(),
                                                    [](std::string_view k) { return k.empty(); })};
  });
  return found;
}

// The rows that may match the top-level condition `n` of `root` (served), exact only when `n`
// is the whole filter.
template <class Row>
std::optional<candidates<Row>> candidates_for(const view& v, const filter_node& root,
                                              const filter_node& n) {
  auto found = served<Row>(v, n);
  if (found) found->exact = found->exact && whole_filter(root, n);
  return found;
}

}  // namespace

std::optional<std::vector<std::string_view>> index_keys(const filter_node& n) {
  if (n.k != kind::condition || !(n.op == filter_op::eq || n.op == filter_op::in))
    return std::nullopt;
  std::vector<std::string_view> keys;
  for (const auto& v : n.operands) {
    const auto* s = std::get_if<std::string>(&v);
    if (!s) return std::nullopt;  // null or another type: no index
    keys.push_back(*s);
  }
  return keys;
}

bool whole_filter(const filter_node& root, const filter_node& n) {
  return &root == &n || (root.k == kind::and_ && root.implicit && root.children.size() == 1 &&
                         &root.children[0].node() == &n);
}

template <class Row>
std::optional<candidates<Row>> index_candidates(const view& v, const filter_node& root) {
  std::optional<candidates<Row>> found;
  const auto serve = [&](const filter_node& n) {
    found = candidates_for<Row>(v, root, n);
    return found.has_value();
  };
  any_top_level(root, [&](const filter_node& n) {
    return n.k == kind::condition && found_by_id<Row>(n.field) && serve(n);
  });
  if (!found) any_top_level(root, serve);
  return found;
}

template std::optional<candidates<customer_row>> index_candidates<customer_row>(const view&,
                                                                                const filter_node&);
template std::optional<candidates<group_row>> index_candidates<group_row>(const view&,
                                                                          const filter_node&);
template std::optional<candidates<address_row>> index_candidates<address_row>(const view&,
                                                                              const filter_node&);
template std::optional<candidates<membership_row>> index_candidates<membership_row>(
    const view&, const filter_node&);

}  // namespace customerdb::detail
