// Access paths: which index serves a query, and the rows it gives.
//
// The planner reads no field names of its own: each table declares the fields its indexes can
// find rows by (tables.hpp, `indexed_fields`), and a top-level equality or `in` condition on
// one of them is served by that index (an `id` condition first), as is a top-level $or whose
// every branch is so served (the union of the branches' rows). A customer query on one
// group (`groups == g`) in id order walks the group's memberships, which come in customer
// order, and stops when the page is full. The rows an index gives are then checked against the
// full predicate, unless the index served the whole filter exactly.
#pragma once

#include <optional>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <vector>

#include "filter_node.hpp"
#include "view.hpp"

namespace customerdb::detail {

// The string operands of an equality or `in` condition: the keys an index can use; nullopt for
// another kind of condition, or when an operand is null or of another type.
std::optional<std::vector<std::string_view>> index_keys(const filter_node& n);

// Whether `n` is the whole filter `root`: the root itself, or the only key of its filter object.
bool whole_filter(const filter_node& root, const filter_node& n);

// Rows that an index served for a filter, and whether they are exactly the rows the filter
// matches (before the soft-delete rule), so that the predicate need not run again.
template <class Row>
struct candidates {
  std::vector<const slot<Row>*> rows;
  bool exact = false;
};

// The rows of the first top-level condition that an index of `Row`'s table serves (one on a
// field the table finds by id first; an $or or $and of such conditions next), in no particular
// order and possibly with duplicates; nullopt when no index serves any.
template <class Row>
std::optional<candidates<Row>> index_candidates(const view& v, const filter_node& root);

// The field that `Row`'s table declares as a group's members (lookup_kind::group_members), or ""
// when it declares none.
template <class Row>
constexpr std::string_view group_members_field() {
  return std::apply(
      [](const auto&... field) {
        std::string_view name;
        ((name = field.kind == lookup_kind::group_members ? field.name : name), ...);
        return name;
      },
      table_for_t<Row>::indexed_fields);
}

// Rows of one group in id order, for a filter with a top-level condition `field == g` on the
// group members field (group_members_field): the group's memberships are ordered by customer
// id, so a page stops as soon as visit(slot) returns false. Returns false when the filter is
// not of that shape or the view has writes to the tables involved. Sets `exact` when the rows
// visited are exactly those the filter matches (it is only the group condition, and the group
// exists: soft-deleted or not, decision D28), so the predicate need not run.
template <class Row, class Visit>
bool group_members_in_order(const view& v, const filter_node& root, bool& exact, Visit&& visit) {
  constexpr std::string_view field = group_members_field<Row>();
  if constexpr (field.empty()) {
    return false;
  } else {
    static_assert(std::is_same_v<Row, customer_row>, "a group's memberships name customers");
    if (v.has_writes<membership_row>() || v.has_writes<Row>() || v.has_writes<group_row>())
      return false;
    std::optional<std::string_view> group;
    any_top_level(root, [&](const filter_node& n) {
      if (n.field != field) return false;
      const auto keys = index_keys(n);
      if (keys && keys->size() == 1) {
        group = keys->front();
        const auto* g = v.committed().groups.find_slot(key(*group));
        exact = whole_filter(root, n) && g;
      }
      return true;
    });
    if (!group) return false;
    v.committed().memberships.for_each_member_of(key(*group), [&](const key& customer) {
      const auto* c = v.committed().of<Row>().find_slot(customer);
      return !c || visit(*c);
    });
    return true;
  }
}

}  // namespace customerdb::detail
