// The filters the planner test generates, as a tree the oracle evaluates (gnode), printed for a
// failure's message and turned into the engine's filter.
#pragma once

#include <fmt/format.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "engine/planner/oracle_data.hpp"

namespace customerdb::testing::planner {

enum class nk { cond, rel_ids, rel_match, keys_and, all_of, any_of, not_, search, empty };

// A filter as generated: built into a customerdb::filter for the engine, evaluated by the
// oracle, printed on a mismatch.
struct gnode {
  nk kind = nk::empty;
  ent e = ent::customer;
  int index = -1;  // field (cond) or relation (rel_*) index
  filter_op op = filter_op::eq;
  bool list = false;              // in / nin with a list of operands
  std::vector<value> operands{};  // as given to the engine
  std::vector<cell> expected{};   // the same operands as the oracle reads them
  std::vector<gnode> children{};
  std::string text{};  // search
  int sugar = 0;       // which spelling builds it (==, is_null(), compare(), ||, ...)
};

inline std::string_view name_of(const gnode& n) {
  return n.kind == nk::cond ? info(n.e).fields[static_cast<std::size_t>(n.index)].name
                            : info(n.e).relations[static_cast<std::size_t>(n.index)].name;
}

inline std::string quote(const std::string& s) { return "\"" + s + "\""; }

inline std::string show_value(const value& v) {
  struct visitor {
    std::string operator()(std::nullptr_t) const { return "null"; }
    std::string operator()(bool b) const { return b ? "true" : "false"; }
    std::string operator()(std::int64_t i) const { return std::to_string(i); }
    std::string operator()(double d) const { return fmt::format("{}", d); }
    std::string operator()(const std::string& s) const { return quote(s); }
    std::string operator()(timestamp t) const { return "time(" + to_iso8601(t) + ")"; }
    std::string operator()(const json_literal&) const { return "{document}"; }
  };
  return std::visit(visitor{}, v);
}

inline std::string_view op_name(filter_op op) {
  // In the order of filter_op.
  static constexpr std::string_view names[] = {"==", "!=", "in",   "not_in", ">",  ">=",
                                               "<",  "<=", "like", "ilike",  "re", "exists"};
  static_assert(std::size(names) == static_cast<std::size_t>(filter_op::exists) + 1);
  return names[static_cast<std::size_t>(op)];
}

inline std::string to_string(const gnode& n) {
  const auto list = [](const std::vector<gnode>& cs, std::string_view sep) {
    std::string out;
    for (std::size_t i = 0; i < cs.size(); ++i)
      out += (i ? std::string(sep) : "") + to_string(cs[i]);
    return out;
  };
  switch (n.kind) {
    case nk::cond:
    case nk::rel_ids: {
      std::string out = std::string(name_of(n)) + " " + std::string(op_name(n.op)) + " ";
      if (!n.list) return out + show_value(n.operands[0]);
      out += "[";
      for (std::size_t i = 0; i < n.operands.size(); ++i)
        out += (i ? ", " : "") + show_value(n.operands[i]);
      return out + "]";
    }
    case nk::rel_match:
      return std::string(name_of(n)) + ".matches(" + to_string(n.children[0]) + ")";
    case nk::keys_and:
      return "(" + list(n.children, " && ") + ")";
    case nk::all_of:
      return "all_of[" + list(n.children, ", ") + "]";
    case nk::any_of:
      return "any_of[" + list(n.children, ", ") + "]";
    case nk::not_:
      return "!(" + to_string(n.children[0]) + ")";
    case nk::search:
      return "q(" + quote(n.text) + ")";
    case nk::empty:
      return "{}";
  }
  return "?";
}

inline filter to_filter(const gnode& n) {
  switch (n.kind) {
    case nk::cond:
    case nk::rel_ids: {
      const where w{std::string(name_of(n))};
      if (n.list) {
        if (n.sugar % 2 == 1) return w.compare(n.op, n.operands);
        return n.op == filter_op::in ? w.in(n.operands) : w.not_in(n.operands);
      }
      const value& v = n.operands[0];
      const bool null_operand = std::holds_alternative<std::nullptr_t>(v);
      if (n.sugar % 3 == 2) return w.compare(n.op, v);
      switch (n.op) {
        case filter_op::eq:
          return null_operand && n.sugar % 3 == 1 ? w.is_null() : w == v;
        case filter_op::ne:
          return null_operand && n.sugar % 3 == 1 ? w.is_not_null() : w != v;
        case filter_op::gt:
          return w > v;
        case filter_op::gte:
          return w >= v;
        case filter_op::lt:
          return w < v;
        case filter_op::lte:
          return w <= v;
        case filter_op::like:
          return w.like(std::get<std::string>(v));
        case filter_op::ilike:
          return w.ilike(std::get<std::string>(v));
        case filter_op::exists:
          if (const auto* b = std::get_if<bool>(&v)) return w.exists(*b);
          return w.compare(n.op, v);
        default:
          return w.compare(n.op, v);
      }
    }
    case nk::rel_match:
      return where(std::string(name_of(n))).matches(to_filter(n.children[0]));
    case nk::keys_and: {
      filter f;
      for (const auto& c : n.children) f = std::move(f) && to_filter(c);
      return f;
    }
    case nk::all_of:
    case nk::any_of: {
      if (n.kind == nk::any_of && n.children.size() == 2 && n.sugar % 2 == 1)
        return to_filter(n.children[0]) || to_filter(n.children[1]);
      std::vector<filter> fs;
      for (const auto& c : n.children) fs.push_back(to_filter(c));
      return n.kind == nk::all_of ? filter::all_of(std::move(fs)) : filter::any_of(std::move(fs));
    }
    case nk::not_:
      return !to_filter(n.children[0]);
    case nk::search:
      return search(n.text);
    case nk::empty:
      return filter{};
  }
  return filter{};
}

}  // namespace customerdb::testing::planner
