// Compiling and evaluating filters over a metadata (JSON) column: the conditions on an object's
// keys, and nested objects (metadata_filter.hpp).
#include "metadata_filter.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

#include "error_messages.hpp"
#include "jsonb_casts.hpp"
#include "sorted_operands.hpp"
#include "text_match.hpp"

namespace customerdb::detail {
namespace {

using kind = filter_node::kind;

struct json_all final : json_pred {
  tri eval(const boost::json::object*) const override { return tri::yes; }
};

// The keys of one filter object, all of which must hold.
struct json_all_of final : json_pred {
  std::vector<json_pred_ptr> children;
  tri eval(const boost::json::object* o) const override {
    return combine(tri::no, children.size(), [&](std::size_t i) { return children[i]->eval(o); });
  }
};

// How Medusa's query compares a metadata key (`metadata->>'key'`): as text, or cast to float8
// or to bool. Its ORM chooses by the type of the first operand of the key's operator object
// (for a list, of its first item): a number casts, a boolean casts, anything else (a string,
// null, an empty list) compares the text.
enum class json_domain { text, number, boolean };

json_domain domain_of(const value& v) {
  if (std::holds_alternative<std::int64_t>(v) || std::holds_alternative<double>(v))
    return json_domain::number;
  if (std::holds_alternative<bool>(v)) return json_domain::boolean;
  return json_domain::text;
}

json_domain domain_of(const filter_node& condition) {
  return condition.operands.empty() ? json_domain::text : domain_of(condition.operands.front());
}

// An operand in its key's domain.
using json_operand = std::variant<std::nullptr_t, std::string, double, bool>;

// `v` as the database takes it beside a key compared in `domain`: a string literal is read as
// the cast's type, a number or a boolean literal must be of it. Throws invalid_data as Medusa's
// query fails (`operator does not exist: text = integer`, `invalid input syntax for type
// double precision`).
json_operand to_domain(const value& v, json_domain domain, std::string_view model,
                       std::string_view where) {
  if (std::holds_alternative<std::nullptr_t>(v)) return nullptr;
  std::optional<std::string> text;
  if (const auto* s = std::get_if<std::string>(&v)) text = *s;
  if (const auto* t = std::get_if<timestamp>(&v)) text = to_iso8601(*t);
  switch (domain) {
    case json_domain::text:
      if (text) return std::move(*text);
      throw invalid_field_value(model, where,
                                "a string or null, as the first operand on this key is");
    case json_domain::number:
      if (const auto* i = std::get_if<std::int64_t>(&v)) return static_cast<double>(*i);
      if (const auto* x = std::get_if<double>(&v)) return *x;
      if (text)
        if (const auto d = read_float8(*text)) return *d;
      throw invalid_field_value(
          model, where,
          "a number, or a string that reads as one, as the first operand on this key");
    case json_domain::boolean:
      if (const auto* b = std::get_if<bool>(&v)) return *b;
      if (text)
        if (const auto b = read_bool(*text)) return *b;
      throw invalid_field_value(
          model, where,
          "a boolean, or a string that reads as one, as the first operand on this key");
  }
  return nullptr;
}

// float8's order: NaN equals NaN and follows every other number.
int compare_float8(double a, double b) {
  const bool an = std::isnan(a), bn = std::isnan(b);
  if (an || bn) return an == bn ? 0 : an ? 1 : -1;
  return a < b ? -1 : b < a ? 1 : 0;
}

// The operands of `in` / `nin` for a metadata key, in its domain, sorted once.
class json_operand_set {
 public:
  explicit json_operand_set(const std::vector<json_operand>& operands) {
    for (const auto& v : operands) {
      if (const auto* s = std::get_if<std::string>(&v)) {
        set_.add_text(*s);
      } else if (const auto* b = std::get_if<bool>(&v)) {
        set_.add_bool(*b);
      } else if (const auto* x = std::get_if<double>(&v)) {
        if (std::isnan(*x)) {
          has_nan_ = true;
        } else {
          set_.add_other(*x);
        }
      } else {
        set_.add_null();
      }
    }
    set_.seal();
  }

  bool has_text(std::string_view t) const { return set_.has_text(t); }
  bool has_number(double d) const { return std::isnan(d) ? has_nan_ : set_.has_other(d); }
  bool has_bool(bool b) const { return set_.has_bool(b); }
  const bool& has_null() const { return set_.has_null(); }

 private:
  sorted_operands<std::string, double> set_;
  bool has_nan_ = false;
};

struct json_condition final : json_pred {
  std::string key;
  filter_op op = filter_op::eq;
  json_domain domain = json_domain::text;
  std::vector<json_operand> operands;
  std::optional<json_operand_set> set;  // in / nin
  std::optional<like_pattern> pattern;  // like / ilike
  bool exists = false;                  // the operand of exists

  // Applies `f` to the stored value `j` (not null) read in the key's domain: a string_view of
  // its text, a double, a bool, or nullptr when the cast fails (where Medusa's query fails,
  // depending on the data: decision D30).
  template <class F>
  auto with_cast(const boost::json::value& j, F&& f) const {
    switch (domain) {
      case json_domain::number:
        if (const auto d = cast_float8(j)) return f(*d);
        return f(nullptr);
      case json_domain::boolean:
        if (const auto b = cast_bool(j)) return f(*b);
        return f(nullptr);
      case json_domain::text:
        break;
    }
    if (j.is_string()) return f(std::string_view(j.get_string()));
    const std::string text = *jsonb_text(j);
    return f(std::string_view(text));
  }

  tri eval(const boost::json::object* o) const override {
    const boost::json::value* j = o ? o->if_contains(key) : nullptr;
    const bool null_value = !j || j->is_null();
    if (null_value || op == filter_op::exists) return eval_cast(null_value, nullptr);
    return with_cast(*j, [&](const auto& cast) { return eval_cast(false, cast); });
  }

  template <class Cast>
  tri eval_cast(bool null_value, const Cast& cast) const {
    if (set) {
      return membership(
          op, operands.empty(), null_value, [&] { return contains(cast); }, set->has_null());
    }
    return apply_op(
        op, null_value, operands.size(),
        [&](std::size_t i) { return std::holds_alternative<std::nullptr_t>(operands[i]); },
        [&](std::size_t i) { return compare(cast, operands[i]); },
        [&] {
          if (op == filter_op::exists) return exists;
          // like / ilike (text keys only; $re is rejected when compiled).
          if constexpr (std::is_same_v<Cast, std::string_view>) return pattern->matches(cast);
          return false;
        });
  }

  template <class Cast>
  bool contains(const Cast& cast) const {
    if constexpr (std::is_same_v<Cast, std::string_view>) return set->has_text(cast);
    if constexpr (std::is_same_v<Cast, double>) return set->has_number(cast);
    if constexpr (std::is_same_v<Cast, bool>) return set->has_bool(cast);
    return false;
  }

  template <class Cast>
  static std::optional<int> compare(const Cast& cast, const json_operand& operand) {
    const auto sign = [](auto a, auto b) { return a < b ? -1 : b < a ? 1 : 0; };
    if constexpr (std::is_same_v<Cast, std::string_view>) {
      if (const auto* s = std::get_if<std::string>(&operand))
        return sign(cast, std::string_view(*s));
    } else if constexpr (std::is_same_v<Cast, double>) {
      if (const auto* x = std::get_if<double>(&operand)) return compare_float8(cast, *x);
    } else if constexpr (std::is_same_v<Cast, bool>) {
      if (const auto* b = std::get_if<bool>(&operand)) return sign(cast, *b);
    }
    return std::nullopt;  // a failed cast
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

// Compiles the condition `n` on a key compared in `domain`.
json_pred_ptr compile_condition(const filter_node& n, json_domain domain, std::string_view model,
                                std::string_view path) {
  const std::string where = fmt::format("{}.{}", path, n.field);
  const bool wants_list = n.op == filter_op::in || n.op == filter_op::nin;
  if (wants_list != n.list || (!n.list && n.operands.size() != 1))
    throw invalid_field_value(model, where, wants_list ? "a list" : "a single value");
  const bool like = n.op == filter_op::like || n.op == filter_op::ilike;
  if (like && !std::holds_alternative<std::string>(n.operands[0]))
    throw invalid_field_value(model, where, "a string pattern");
  if (like && domain != json_domain::text)
    throw invalid_field_value(model, where,
                              "an operator other than $like and $ilike, as the first operand on "
                              "this key is not text");
  if (n.op == filter_op::re) throw invalid_field_value(model, where, "an operator other than $re");
  // Medusa compares the key's text with the document's JSON text, whose spacing differs from
  // the text jsonb gives a stored object: not built.
  for (const auto& v : n.operands) {
    if (std::holds_alternative<json_literal>(v))
      throw invalid_field_value(model, where,
                                "a scalar operand (an array or object compares only with the "
                                "whole metadata column)");
  }
  auto p = std::make_unique<json_condition>();
  p->key = n.field;
  p->op = n.op;
  p->domain = domain;
  if (n.op == filter_op::exists) {
    p->exists = exists_operand(n.operands[0]);
    p->operands.emplace_back(nullptr);
  } else {
    for (const auto& v : n.operands) p->operands.push_back(to_domain(v, domain, model, where));
  }
  if (n.list) p->set.emplace(p->operands);
  if (like) p->pattern.emplace(std::get<std::string>(n.operands[0]), n.op == filter_op::ilike);
  return p;
}

}  // namespace

json_pred_ptr compile_json(const filter_node& n, std::string_view model, std::string_view path) {
  switch (n.k) {
    case kind::all:
      return std::make_unique<json_all>();
    case kind::and_:
    case kind::or_:
    case kind::not_: {
      // Medusa's ORM takes only keys here: $and and $or fail (`Invalid query condition`), as do
      // an operator beside keys (applied to `id` elsewhere, which makes an $and of its own
      // here) and $not (`The operator "not" is not permitted`).
      if (n.k != kind::and_ || !n.implicit) {
        throw invalid_field_value(
            model, path,
            fmt::format(R"(a filter on its keys, without $and, $or, $not or an operator among )"
                        R"(them (combine whole filters instead: {{"$or": [{{"{0}": {{...}}}}, )"
                        R"({{"{0}": {{...}}}}]}}))",
                        path.substr(0, path.find('.'))));
      }
      // As for columns, empty sub-filters are dropped (decision D25).
      auto p = std::make_unique<json_all_of>();
      // The keys of one filter object: conditions on one key come from one operator object,
      // whose first operand decides how the key compares.
      std::vector<std::pair<std::string_view, json_domain>> domains;
      for (const auto& c : n.children) {
        const filter_node& child = c.node();
        if (child.k == kind::all) continue;
        if (child.k == kind::condition) {
          auto found = std::find_if(domains.begin(), domains.end(),
                                    [&](const auto& d) { return d.first == child.field; });
          if (found == domains.end())
            found = domains.insert(domains.end(), {child.field, domain_of(child)});
          p->children.push_back(compile_condition(child, found->second, model, path));
        } else {
          p->children.push_back(compile_json(child, model, path));
        }
      }
      if (p->children.empty()) return std::make_unique<json_all>();
      return p;
    }
    case kind::condition:
      return compile_condition(n, domain_of(n), model, path);
    case kind::nested: {
      auto p = std::make_unique<json_nested>();
      p->key = n.field;
      p->sub = compile_json(n.children[0].node(), model, fmt::format("{}.{}", path, n.field));
      return p;
    }
    case kind::search: {
      // `q` is the search only among a filter's top-level keys; among a metadata object's it
      // is a key like any other (`{"metadata": {"q": "x"}}`).
      filter_node q;
      q.k = kind::condition;
      q.field = "q";
      q.operands.emplace_back(n.text);
      return compile_condition(q, json_domain::text, model, path);
    }
  }
  throw invalid_field_value(model, path, "a filter on its keys");
}

}  // namespace customerdb::detail
