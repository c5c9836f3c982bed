// SQL's three-valued logic and NULL rules, shared by the predicates over rows (predicate.cpp)
// and over metadata keys (metadata_filter.cpp): tri, AND/OR with unknowns, and one operator
// applied to a value that may be NULL.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include "customerdb/filter.hpp"
#include "schema.hpp"

namespace customerdb::detail {

// A condition's result: true, false or unknown (NULL).
enum class tri : unsigned char { no, yes, unknown };

inline tri negate(tri t) {
  return t == tri::yes ? tri::no : t == tri::no ? tri::yes : tri::unknown;
}
inline tri of(bool b) { return b ? tri::yes : tri::no; }

inline bool is_null(const cell& c) { return std::holds_alternative<std::nullptr_t>(c); }

// AND (`stop` no) or OR (`stop` yes) of the children's results, with SQL's NULL rules.
template <class Eval>
tri combine(tri stop, std::size_t count, Eval&& eval) {
  tri result = stop == tri::no ? tri::yes : tri::no;
  for (std::size_t i = 0; i < count; ++i) {
    const tri t = eval(i);
    if (t == stop) return stop;
    if (t == tri::unknown) result = tri::unknown;
  }
  return result;
}

// `in` / `nin` with SQL's NULL rules: x IN () is false and x NOT IN () true, NULL or not;
// otherwise NULL is unknown, and x IN (a, NULL) is unknown when x matches nothing, x NOT IN
// (.., NULL) never true. `no_operands`: the list is empty; `found()`: the (non-null) value
// equals a non-null operand; `has_null`: the list holds NULL (read after found() ran).
template <class Found>
tri membership(filter_op op, bool no_operands, bool null_value, Found&& found,
               const bool& has_null) {
  if (no_operands) return of(op == filter_op::nin);
  if (null_value) return tri::unknown;
  if (found()) return of(op == filter_op::in);
  return has_null ? tri::unknown : of(op == filter_op::nin);
}

// The operand of $exists as Medusa's ORM reads it: `is not null` when JavaScript finds it true,
// `is null` when false (false, 0, NaN, "" and null).
inline bool exists_operand(const value& v) {
  if (const auto* b = std::get_if<bool>(&v)) return *b;
  if (const auto* i = std::get_if<std::int64_t>(&v)) return *i != 0;
  if (const auto* d = std::get_if<double>(&v)) return *d == *d && *d != 0;
  if (const auto* s = std::get_if<std::string>(&v)) return !s->empty();
  return !std::holds_alternative<std::nullptr_t>(v);
}

// One operator with SQL's NULL rules, for columns and metadata keys alike. `null_value`: the
// value is NULL; `operand_null(i)`: operand i is NULL; `compare(i)`: orders the (non-null) value
// against operand i, nullopt when they cannot be compared; `special()`: the result of like,
// ilike and re on the non-null value, and the operand of exists.
template <class OperandNull, class Compare, class Special>
tri apply_op(filter_op op, bool null_value, std::size_t operand_count, OperandNull&& operand_null,
             Compare&& compare, Special&& special) {
  switch (op) {
    case filter_op::exists:
      return of(special() != null_value);
    case filter_op::eq:
    case filter_op::ne: {
      if (operand_null(0)) return of((op == filter_op::eq) == null_value);
      if (null_value) return tri::unknown;
      const auto cmp = compare(0);
      return of((cmp && *cmp == 0) == (op == filter_op::eq));
    }
    case filter_op::in:
    case filter_op::nin: {
      bool saw_null = false;
      const auto found = [&] {
        for (std::size_t i = 0; i < operand_count; ++i) {
          if (operand_null(i)) {
            saw_null = true;
            continue;
          }
          const auto cmp = compare(i);
          if (cmp && *cmp == 0) return true;
        }
        return false;
      };
      return membership(op, operand_count == 0, null_value, found, saw_null);
    }
    case filter_op::gt:
    case filter_op::gte:
    case filter_op::lt:
    case filter_op::lte: {
      if (null_value || operand_null(0)) return tri::unknown;
      const auto cmp = compare(0);
      if (!cmp) return tri::unknown;
      switch (op) {
        case filter_op::gt:
          return of(*cmp > 0);
        case filter_op::gte:
          return of(*cmp >= 0);
        case filter_op::lt:
          return of(*cmp < 0);
        default:
          return of(*cmp <= 0);
      }
    }
    case filter_op::like:
    case filter_op::ilike:
    case filter_op::re:
      return null_value ? tri::unknown : of(special());
  }
  return tri::unknown;
}

}  // namespace customerdb::detail
