// A call checked against module_options::limits (customerdb/query_limits.hpp): filters and
// find configs before any work starts, answers while their DTOs are built. Each check throws
// invalid_data naming the cap, the value and how to raise it (error_messages.hpp,
// limit_exceeded); a cap of 0 is no cap.
#pragma once

#include <cstddef>

#include "customerdb/filter.hpp"
#include "customerdb/find_config.hpp"
#include "customerdb/query_limits.hpp"

namespace customerdb::detail {

// Checks the filter `f` over rows of `Row`: every $in / $nin list against max_list_values, every
// $like / $ilike / $re pattern and q against max_pattern_length, relation filters nested
// against max_relation_depth as they are met, then the count of nodes against
// max_filter_nodes. Unknown fields and wrong operands are left to compile (predicate.hpp).
// Linear in the size of the filter.
template <class Row>
void check_filter_limits(const filter& f, const query_limits& limits);

// Checks each path of config.relations against max_relation_depth.
void check_relation_limits(const find_config& config, const query_limits& limits);

// The rows one answer holds, counted as its DTOs are built (dtos.hpp) against max_answer_rows.
// Not thread-safe: one call's.
class answer_budget {
 public:
  explicit answer_budget(std::size_t limit) noexcept : limit_(limit) {}
  // Counts `rows` more rows; throws invalid_data when the answer would hold more than the
  // limit.
  void take(std::size_t rows);

 private:
  std::size_t limit_;
  std::size_t used_ = 0;
};

}  // namespace customerdb::detail
