// Compiling and evaluating filters over a metadata (JSON) column: AND, OR and NOT of key
// conditions, and nested objects (metadata_filter.hpp).
#include "metadata_filter.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "error_messages.hpp"
#include "sorted_operands.hpp"
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

// A JSON number as a double.
double number_of(const boost::json::value& j) {
  return j.is_double()  ? j.get_double()
         : j.is_int64() ? double(j.get_int64())
                        : double(j.get_uint64());
}

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
  const double d = number_of(j);
  if (const auto* i = std::get_if<std::int64_t>(&v)) return sign(d, double(*i));
  if (const auto* x = std::get_if<double>(&v)) return sign(d, *x);
  return std::nullopt;
}

// The operands of `in` / `nin` for a metadata key: equality as compare_json's: strings (and
// timestamps, as their ISO text) with strings, booleans with booleans, numbers numerically.
class json_operand_set {
 public:
  explicit json_operand_set(const std::vector<value>& operands) {
    for (const auto& v : operands) {
      if (const auto* s = std::get_if<std::string>(&v)) {
        set_.add_text(*s);
      } else if (const auto* t = std::get_if<timestamp>(&v)) {
        set_.add_text(to_iso8601(*t));
      } else if (const auto* b = std::get_if<bool>(&v)) {
        set_.add_bool(*b);
      } else if (const auto* i = std::get_if<std::int64_t>(&v)) {
        set_.add_other(double(*i));
      } else if (const auto* x = std::get_if<double>(&v)) {
        set_.add_other(*x);
      } else {
        set_.add_null();
      }
    }
    set_.seal();
  }

  // Whether the non-null JSON value `j` equals an operand.
  bool contains(const boost::json::value& j) const {
    if (j.is_string()) return set_.has_text(std::string_view(j.get_string()));
    if (j.is_bool()) return set_.has_bool(j.get_bool());
    if (j.is_number()) return set_.has_other(number_of(j));
    return false;
  }
  const bool& has_null() const { return set_.has_null(); }

 private:
  sorted_operands<std::string, double> set_;
};

struct json_condition final : json_pred {
  std::string key;
  filter_op op = filter_op::eq;
  std::vector<value> operands;
  std::optional<json_operand_set> set;  // in / nin
  std::optional<like_pattern> pattern;  // like / ilike
  tri eval(const boost::json::object* o) const override {
    const boost::json::value* j = o ? o->if_contains(key) : nullptr;
    const bool null_value = !j || j->is_null();
    if (set) {
      return membership(
          op, operands.empty(), null_value, [&] { return set->contains(*j); }, set->has_null());
    }
    return apply_op(
        op, null_value, operands.size(),
        [&](std::size_t i) { return std::holds_alternative<std::nullptr_t>(operands[i]); },
        [&](std::size_t i) { return compare_json(*j, operands[i]); },
        [&] {
          if (op == filter_op::exists) return std::get<bool>(operands[0]);
          // like / ilike ($re is rejected when compiled): strings only.
          return j->is_string() && pattern->matches(std::string_view(j->get_string()));
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
      if (n.list) p->set.emplace(p->operands);
      if (n.op == filter_op::like || n.op == filter_op::ilike)
        p->pattern.emplace(std::get<std::string>(p->operands[0]), n.op == filter_op::ilike);
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
