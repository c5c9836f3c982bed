// Checking filters, find configs and answers against query_limits (limit_checks.hpp).
#include "limit_checks.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "error_messages.hpp"
#include "filter_node.hpp"
#include "schema.hpp"
#include "text_match.hpp"

namespace customerdb::detail {
namespace {

using kind = filter_node::kind;

// The operators' names as filters write them, in the order of filter_op.
constexpr std::string_view operator_names[] = {"$eq", "$ne",  "$in",   "$nin",   "$gt", "$gte",
                                               "$lt", "$lte", "$like", "$ilike", "$re", "$exists"};
static_assert(std::size(operator_names) == static_cast<std::size_t>(filter_op::exists) + 1);

std::string_view name_of(filter_op op) { return operator_names[static_cast<std::size_t>(op)]; }

bool over(std::size_t value, std::size_t limit) { return limit != 0 && value > limit; }

void check_relation_depth(std::string_view what, std::string_view path, std::size_t depth,
                          const query_limits& limits) {
  if (over(depth, limits.max_relation_depth))
    throw limit_exceeded(fmt::format("{} \"{}\" goes {} relations deep", what, path, depth),
                         limits.max_relation_depth, "max_relation_depth", "max-relation-depth");
}

void check_pattern(std::string_view what, std::string_view text, const query_limits& limits) {
  if (limits.max_pattern_length == 0) return;
  if (const std::size_t length = code_point_count(text); length > limits.max_pattern_length)
    throw limit_exceeded(fmt::format("{} has {} characters", what, length),
                         limits.max_pattern_length, "max_pattern_length", "max-pattern-length");
}

// One walk over a filter: the caps on each node, and the count of nodes.
class filter_walk {
 public:
  explicit filter_walk(const query_limits& limits) : limits_(limits) {}

  // Walks `n`, a filter on rows of entity `e` (nullopt: on the keys of a metadata object),
  // whose fields are named `prefix` + field in messages, `depth` relations below the root.
  void walk(const filter_node& n, std::optional<entity> e, const std::string& prefix,
            std::size_t depth) {
    if (n.k != kind::all && !(n.k == kind::and_ && n.implicit)) ++nodes_;
    const std::string path = prefix + n.field;
    if (n.k == kind::search) check_pattern("q", n.text, limits_);
    if (n.k == kind::condition) check_condition(n, path);
    if (n.k == kind::condition || n.k == kind::nested) {
      const relation_desc* relation = nullptr;
      if (e)
        with_entity(*e, [&](auto row) {
          relation = schema_of<typename decltype(row)::type>().relation(n.field);
        });
      if (relation) {
        check_relation_depth("The filter on", path, depth + 1, limits_);
        if (n.k == kind::nested)
          walk(n.children[0].node(), relation->target, path + ".", depth + 1);
        return;
      }
      if (n.k == kind::nested) walk(n.children[0].node(), std::nullopt, path + ".", depth);
      return;
    }
    for (const auto& c : n.children) walk(c.node(), e, prefix, depth);
  }

  // Checks the count of nodes walked.
  void finish() const {
    if (over(nodes_, limits_.max_filter_nodes))
      throw limit_exceeded(fmt::format("The filter has {} nodes", nodes_), limits_.max_filter_nodes,
                           "max_filter_nodes", "max-filter-nodes");
  }

 private:
  void check_condition(const filter_node& n, const std::string& path) const {
    if (n.list && over(n.operands.size(), limits_.max_list_values))
      throw limit_exceeded(
          fmt::format("{} of \"{}\" has {} values", name_of(n.op), path, n.operands.size()),
          limits_.max_list_values, "max_list_values", "max-list-values");
    if (n.op == filter_op::like || n.op == filter_op::ilike || n.op == filter_op::re) {
      for (const auto& v : n.operands)
        if (const auto* s = std::get_if<std::string>(&v))
          check_pattern(fmt::format("{} pattern of \"{}\"", name_of(n.op), path), *s, limits_);
    }
  }

  const query_limits& limits_;
  std::size_t nodes_ = 0;
};

}  // namespace

template <class Row>
void check_filter_limits(const filter& f, const query_limits& limits) {
  filter_walk walk(limits);
  walk.walk(f.node(), entity_of<Row>(), "", 0);
  walk.finish();
}

template void check_filter_limits<customer_row>(const filter&, const query_limits&);
template void check_filter_limits<group_row>(const filter&, const query_limits&);
template void check_filter_limits<address_row>(const filter&, const query_limits&);
template void check_filter_limits<membership_row>(const filter&, const query_limits&);

void check_relation_limits(const find_config& config, const query_limits& limits) {
  for (const auto& path : config.relations)
    check_relation_depth("Relation", path,
                         static_cast<std::size_t>(std::count(path.begin(), path.end(), '.')) + 1,
                         limits);
}

void answer_budget::take(std::size_t rows) {
  if (limit_ != 0 && rows > limit_ - used_)
    throw limit_exceeded(
        fmt::format("The answer has more than {} rows, related rows included", limit_), limit_,
        "max_answer_rows", "max-answer-rows");
  used_ += rows;
}

}  // namespace customerdb::detail
