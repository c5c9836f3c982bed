// The expression tree behind customerdb::filter.
#pragma once

#include <string>
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

}  // namespace customerdb::detail
