// Compiling and evaluating filters over a metadata (JSON) column: AND, OR and NOT of key
// conditions, and nested objects (metadata_filter.hpp).
#include "metadata_filter.hpp"

#include <fmt/format.h>

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "error_messages.hpp"
#include "text_match.hpp"

namespace customerdb::detail {
namespace {

using kind = filter_node::kind;

struct json_all final : json_pred {
  tri eval(const boost::json::object*) const override { return tri::yes; }
};

struct json_combine final : json_pred {
  kind op = kind::and_;  // and_, or_ or not_
  std::vector<json_pred_ptr> children;
  tri eval(const boost::json::object* o) const override {
    if (op == kind::not_) return negate(children[0]->eval(o));
    return combine(op == kind::and_ ? tri::no : tri::yes, children.size(),
                   [&](std::size_t i) { return children[i]->eval(o); });
  }
};

// Orders a JSON value against an operand of the same type; nullopt when the types differ.
std::optional<int> compare_json(const boost::json::value& j, const value& v) {
  const auto sign = [](auto a, auto b) { return a < b ? -1 : b < a ? 1 : 0; };
  if (const auto* s = std::get_if<std::string>(&v))
    return j.is_string()
               ? std::optional(sign(std::string_view(j.get_string()), std::string_view(*s)))
               : std::nullopt;
  if (const auto* b = std::get_if<bool>(&v))
    return j.is_bool() ? std::optional(sign(j.get_bool(), *b)) : std::nullopt;
  if (const auto* t = std::get_if<timestamp>(&v))
    return j.is_string() ? std::optional(sign(std::string_view(j.get_string()),
                                              std::string_view(to_iso8601(*t))))
                         : std::nullopt;
  if (!j.is_number()) return std::nullopt;
  const double d = j.is_double()  ? j.get_double()
                   : j.is_int64() ? double(j.get_int64())
                                  : double(j.get_uint64());
  if (const auto* i = std::get_if<std::int64_t>(&v)) return sign(d, double(*i));
  if (const auto* x = std::get_if<double>(&v)) return sign(d, *x);
  return std::nullopt;
}

struct json_condition final : json_pred {
  std::string key;
  filter_op op = filter_op::eq;
  std::vector<value> operands;
  tri eval(const boost::json::object* o) const override {
    const boost::json::value* j = o ? o->if_contains(key) : nullptr;
    const bool null_value = !j || j->is_null();
    return apply_op(
        op, null_value, operands.size(),
        [&](std::size_t i) { return std::holds_alternative<std::nullptr_t>(operands[i]); },
        [&](std::size_t i) { return compare_json(*j, operands[i]); },
        [&] {
          if (op == filter_op::exists) return std::get<bool>(operands[0]);
          // like / ilike ($re is rejected when compiled): strings only.
          return j->is_string() &&
                 like_match(std::string_view(j->get_string()), std::get<std::string>(operands[0]),
                            op == filter_op::ilike);
        });
  }
};

// A nested key holding an object: {metadata: {address: {city: "Paris"}}}.
struct json_nested final : json_pred {
  std::string key;
  json_pred_ptr sub;
  tri eval(const boost::json::object* o) const override {
    const boost::json::value* j = o ? o->if_contains(key) : nullptr;
    if (!j || !j->is_object()) return sub->eval(nullptr);
    return sub->eval(&j->get_object());
  }
};

}  // namespace

json_pred_ptr compile_json(const filter_node& n, std::string_view model, std::string_view path) {
  switch (n.k) {
    case kind::all:
      return std::make_unique<json_all>();
    case kind::and_:
    case kind::or_:
    case kind::not_: {
      // As for columns, empty sub-filters are dropped (decision D25).
      auto p = std::make_unique<json_combine>();
      p->op = n.k;
      for (const auto& c : n.children)
        if (n.k == kind::not_ || c.node().k != kind::all)
          p->children.push_back(compile_json(c.node(), model, path));
      if (p->children.empty()) return std::make_unique<json_all>();
      return p;
    }
    case kind::condition: {
      const std::string where = fmt::format("{}.{}", path, n.field);
      const bool wants_list = n.op == filter_op::in || n.op == filter_op::nin;
      if (wants_list != n.list || (!n.list && n.operands.size() != 1))
        throw invalid_field_value(model, where, wants_list ? "a list" : "a single value");
      if (n.op == filter_op::exists && !std::holds_alternative<bool>(n.operands[0]))
        throw invalid_field_value(model, where, "a boolean");
      if ((n.op == filter_op::like || n.op == filter_op::ilike) &&
          !std::holds_alternative<std::string>(n.operands[0]))
        throw invalid_field_value(model, where, "a string pattern");
      if (n.op == filter_op::re)
        throw invalid_field_value(model, where, "an operator other than $re");
      auto p = std::make_unique<json_condition>();
      p->key = n.field;
      p->op = n.op;
      p->operands = n.operands;
      return p;
    }
    case kind::nested: {
      auto p = std::make_unique<json_nested>();
      p->key = n.field;
      p->sub = compile_json(n.children[0].node(), model, fmt::format("{}.{}", path, n.field));
      return p;
    }
    case kind::search:
      break;
  }
  throw invalid_field_value(model, path, "a filter on its keys");
}

}  // namespace customerdb::detail
