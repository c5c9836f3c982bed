// The expression tree behind customerdb::filter, and the questions the query layer asks of
// its shape: its top-level conditions, and whether a field is named anywhere.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "customerdb/filter.hpp"

namespace customerdb::detail {

struct filter_node {
  enum class kind {
    all,        // matches every row
    and_,       // every child
    or_,        // any child
    not_,       // children[0] negated
    condition,  // field op operands
    nested,     // field (a relation or metadata) matches children[0]
    search,     // q: text
  };

  kind k = kind::all;
  // and_ built from `&&` (the keys of one filter object) rather than from all_of ($and): only
  // those count as top-level for the `id` paging rule.
  bool implicit = false;
  std::string field;
  filter_op op = filter_op::eq;
  std::vector<value> operands;  // one, or the list of in/nin
  bool list = false;            // operands is a list (in/nin)
  std::vector<filter> children;
  std::string text;
};

// Calls test(n) for each top-level condition of the filter `root` (the root, or the children of
// an implicit AND: the keys of one filter object) until it returns true; returns whether it did.
template <class F>
bool any_top_level(const filter_node& root, F&& test) {
  if (root.k == filter_node::kind::and_ && root.implicit) {
    for (const auto& c : root.children)
      if (test(c.node())) return true;
    return false;
  }
  return test(root);
}

// Whether `n` is a condition or a nested filter on `field`.
bool names(const filter_node& n, std::string_view field);

// Whether `field` is named anywhere in the filter: in its conditions, inside $and, $or and
// $not, and inside relation filters.
bool names_anywhere(const filter_node& n, std::string_view field);

}  // namespace customerdb::detail
