// customerdb::query_limits: caps on the work one call may ask of the module (module_options::
// limits). Medusa has none (docs/medusa-compatibility.md, "Limits"): they are here so that one
// request cannot hold a core for minutes or build an answer of gigabytes. A call past a cap
// fails with invalid_data before it starts working (the answer cap: as soon as the answer
// outgrows it), with a message naming the cap, the value and how to raise it:
//   $in of "email" has 65536 values; the limit is 65535 (module_options.limits.max_list_values,
//   --max-list-values)
// Each default is far above what Medusa's own callers send; 0 lifts a cap.
//
// Thread-compatible value type.
#pragma once

#include <cstddef>

namespace customerdb {

struct query_limits {
  // Values in one $in or $nin list, anywhere in a filter (a relation's list of ids and a
  // metadata key's list included). Medusa on PostgreSQL sends each value as a bind parameter,
  // and a statement takes at most 65,535 of them.
  std::size_t max_list_values = 65'535;
  // Characters (UTF-8 code points) in one $like, $ilike or $re pattern, or in q.
  std::size_t max_pattern_length = 1'000;
  // Nodes of a filter: every field condition (each operator of an operator map once), every
  // $and, $or and $not, every relation or metadata sub-filter, and q.
  std::size_t max_filter_nodes = 1'000;
  // Relations one inside another, in a filter ({"groups": {"customers": {...}}} is 2) and in a
  // path of `relations` ("groups.customers" is 2).
  std::size_t max_relation_depth = 3;
  // Rows in the answer of a list, listAndCount or retrieve call, the rows of loaded relations
  // included.
  std::size_t max_answer_rows = 100'000;
};

}  // namespace customerdb
