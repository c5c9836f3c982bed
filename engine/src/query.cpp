#include "query.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json/object.hpp>
// Pathological patterns fail after this many matcher steps instead of running for seconds.
#define BOOST_REGEX_MAX_STATE_COUNT 1000000
#include <boost/regex.hpp>
#include <boost/tuple/tuple.hpp>
#include <functional>
#include <numeric>
#include <optional>
#include <string>
#include <string_view>

#include "errors.hpp"
#include "filter_node.hpp"
#include "schema.hpp"
#include "text.hpp"

namespace customerdb::detail {
namespace {

using kind = filter_node::kind;

// SQL's three-valued logic.
enum class tri : unsigned char { no, yes, unknown };

tri negate(tri t) { return t == tri::yes ? tri::no : t == tri::no ? tri::yes : tri::unknown; }
tri of(bool b) { return b ? tri::yes : tri::no; }

// A compiled operand, already of the field's type.
using operand = std::variant<std::nullptr_t, bool, std::string, timestamp>;

template <class Row>
struct pred {
  virtual ~pred() = default;
  virtual tri eval(const Row& row, const view& v) const = 0;
  // The result for the row of nulls a left join gives when there is no related row (decision
  // D28): every field is null.
  virtual tri eval_null(const view& v) const = 0;
};
template <class Row>
using pred_ptr = std::unique_ptr<const pred<Row>>;

template <class Row>
struct all_pred final : pred<Row> {
  tri eval(const Row&, const view&) const override { return tri::yes; }
  tri eval_null(const view&) const override { return tri::yes; }
};

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

template <class Row>
struct combine_pred final : pred<Row> {
  tri stop = tri::no;  // no: AND, yes: OR
  std::vector<pred_ptr<Row>> children;
  tri eval(const Row& r, const view& v) const override {
    return combine(stop, children.size(), [&](std::size_t i) { return children[i]->eval(r, v); });
  }
  tri eval_null(const view& v) const override {
    return combine(stop, children.size(), [&](std::size_t i) { return children[i]->eval_null(v); });
  }
};

template <class Row>
struct not_pred final : pred<Row> {
  pred_ptr<Row> child;
  tri eval(const Row& r, const view& v) const override { return negate(child->eval(r, v)); }
  tri eval_null(const view& v) const override { return negate(child->eval_null(v)); }
};

// Orders two non-null values of one field kind; nullopt when they cannot be compared.
std::optional<int> compare_cell(const cell& c, const operand& o) {
  if (const auto* s = std::get_if<std::string_view>(&c)) {
    if (const auto* os = std::get_if<std::string>(&o))
      return s->compare(*os) < 0 ? -1 : s->compare(*os) > 0;
  } else if (const auto* b = std::get_if<bool>(&c)) {
    if (const auto* ob = std::get_if<bool>(&o)) return int(*b) - int(*ob);
  } else if (const auto* t = std::get_if<timestamp>(&c)) {
    if (const auto* ot = std::get_if<timestamp>(&o)) return *t < *ot ? -1 : *t > *ot ? 1 : 0;
  }
  return std::nullopt;
}

bool is_null(const cell& c) { return std::holds_alternative<std::nullptr_t>(c); }

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
      // x IN () is false and x NOT IN () true, NULL or not; otherwise NULL is unknown, and
      // x IN (a, NULL) is unknown when x matches nothing, x NOT IN (.., NULL) never true.
      if (operand_count == 0) return of(op == filter_op::nin);
      if (null_value) return tri::unknown;
      bool saw_null = false;
      for (std::size_t i = 0; i < operand_count; ++i) {
        if (operand_null(i)) {
          saw_null = true;
          continue;
        }
        const auto cmp = compare(i);
        if (cmp && *cmp == 0) return of(op == filter_op::in);
      }
      return saw_null ? tri::unknown : of(op == filter_op::nin);
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

template <class Row>
struct condition_pred final : pred<Row> {
  const field_desc<Row>* field = nullptr;
  filter_op op = filter_op::eq;
  std::vector<operand> operands;
  std::optional<boost::regex> regex;

  tri eval(const Row& r, const view& v) const override { return eval_cell(field->get(r, v)); }
  tri eval_null(const view&) const override { return eval_cell(nullptr); }

  tri eval_cell(const cell& c) const {
    return apply_op(
        op, is_null(c), operands.size(),
        [&](std::size_t i) { return std::holds_alternative<std::nullptr_t>(operands[i]); },
        [&](std::size_t i) { return compare_cell(c, operands[i]); },
        [&] {
          if (op == filter_op::exists) return std::get<bool>(operands[0]);
          const auto text = std::get<std::string_view>(c);
          if (op != filter_op::re)
            return like_match(text, std::get<std::string>(operands[0]), op == filter_op::ilike);
          try {
            return boost::regex_search(text.begin(), text.end(), *regex);
          } catch (const std::runtime_error&) {
            throw error(error_code::invalid_data,
                        fmt::format("Regular expression \"{}\" is too expensive to run",
                                    std::get<std::string>(operands[0])));
          }
        });
  }
};

// q: any searchable field contains the text, ignoring case (decisions D16).
template <class Row>
struct search_pred final : pred<Row> {
  std::vector<const field_desc<Row>*> fields;
  std::string needle;  // folded
  tri eval(const Row& r, const view& v) const override {
    tri result = tri::no;
    for (const auto* f : fields) {
      const cell c = f->get(r, v);
      if (is_null(c)) {
        result = tri::unknown;
        continue;
      }
      if (contains_folded(std::get<std::string_view>(c), needle)) return tri::yes;
    }
    return result;
  }
  tri eval_null(const view&) const override { return tri::unknown; }
};

template <class Row>
pred_ptr<Row> compile(const filter_node& n);

// "has at least one related row matching", as a join sees the related rows: soft-deleted ones
// included, and, when there is none, the row of nulls of a left join (decision D28). Never
// unknown.
template <class Row, class Target>
struct relation_pred final : pred<Row> {
  relation_kind relation;
  pred_ptr<Target> sub;
  tri eval(const Row& r, const view& v) const override {
    const auto rows = related<Target>(relation, r, v, true);
    if (rows.empty()) return eval_null(v);
    for (const auto& t : rows)
      if (sub->eval(*t, v) == tri::yes) return tri::yes;
    return tri::no;
  }
  tri eval_null(const view& v) const override { return of(sub->eval_null(v) == tri::yes); }
};

// ---- Metadata (JSON) filters: {metadata: {key: value, nested: {key: value}}} -----------------

// A filter over the keys of a JSON object.
struct json_pred {
  virtual ~json_pred() = default;
  virtual tri eval(const boost::json::object* object) const = 0;
};
using json_pred_ptr = std::unique_ptr<const json_pred>;

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

template <class Row>
struct metadata_pred final : pred<Row> {
  const field_desc<Row>* field = nullptr;
  json_pred_ptr sub;
  tri eval(const Row& r, const view& v) const override {
    const cell c = field->get(r, v);
    const auto* const* object = std::get_if<const metadata*>(&c);
    return sub->eval(object ? *object : nullptr);
  }
  tri eval_null(const view&) const override { return sub->eval(nullptr); }
};

std::string_view expected_operand(field_kind k) {
  switch (k) {
    case field_kind::text:
      return "a string or null";
    case field_kind::boolean:
      return "a boolean or null";
    case field_kind::time:
      return "a timestamp or null";
    case field_kind::json:
      return "null";
  }
  return "a value";
}

// Converts `v` to the type of `f`; throws invalid_data when it is of another type.
template <class Row>
operand coerce(const field_desc<Row>& f, const value& v) {
  const auto fail = [&]() -> error {
    return invalid_field_value(schema_of<Row>().model, f.name, expected_operand(f.kind));
  };
  if (std::holds_alternative<std::nullptr_t>(v)) return nullptr;
  switch (f.kind) {
    case field_kind::text:
      if (const auto* s = std::get_if<std::string>(&v)) return *s;
      break;
    case field_kind::boolean:
      if (const auto* b = std::get_if<bool>(&v)) return *b;
      break;
    case field_kind::time:
      if (const auto* t = std::get_if<timestamp>(&v)) return *t;
      if (const auto* s = std::get_if<std::string>(&v)) {
        if (auto t = parse_iso8601(*s)) return *t;
      }
      break;
    case field_kind::json:
      break;
  }
  throw fail();
}

template <class Row>
pred_ptr<Row> compile_condition(const filter_node& n, const field_desc<Row>& f) {
  const auto& s = schema_of<Row>();
  auto p = std::make_unique<condition_pred<Row>>();
  p->field = &f;
  p->op = n.op;
  const bool wants_list = n.op == filter_op::in || n.op == filter_op::nin;
  if (wants_list != n.list || (!n.list && n.operands.size() != 1))
    throw invalid_field_value(s.model, f.name, wants_list ? "a list" : "a single value");
  switch (n.op) {
    case filter_op::exists:
      if (!std::holds_alternative<bool>(n.operands[0]))
        throw invalid_field_value(s.model, f.name, "a boolean");
      p->operands.emplace_back(std::get<bool>(n.operands[0]));
      return p;
    case filter_op::like:
    case filter_op::ilike:
    case filter_op::re: {
      if (f.kind != field_kind::text || !std::holds_alternative<std::string>(n.operands[0]))
        throw invalid_field_value(s.model, f.name, "a string pattern on a text field");
      const auto& pattern = std::get<std::string>(n.operands[0]);
      if (n.op == filter_op::re) {
        try {
          p->regex.emplace(pattern, boost::regex::ECMAScript);
        } catch (const boost::regex_error& e) {
          throw error(error_code::invalid_data,
                      fmt::format("Invalid regular expression \"{}\": {}", pattern, e.what()));
        }
      }
      p->operands.emplace_back(pattern);
      return p;
    }
    default:
      break;
  }
  if (f.kind == field_kind::json) {
    // A metadata column compares only with null here; keys are matched with `matches`.
    if (!(n.op == filter_op::eq || n.op == filter_op::ne) ||
        !std::holds_alternative<std::nullptr_t>(n.operands[0]))
      throw invalid_field_value(s.model, f.name, "null, or a filter on its keys");
  }
  for (const auto& v : n.operands) p->operands.push_back(coerce(f, v));
  return p;
}

template <class Row>
pred_ptr<Row> compile_relation(const filter_node& n, const relation_desc& rel) {
  return with_entity(rel.target, [&](auto target) -> pred_ptr<Row> {
    using Target = typename decltype(target)::type;
    auto p = std::make_unique<relation_pred<Row, Target>>();
    p->relation = rel.kind;
    if (n.k == kind::nested) {
      p->sub = compile<Target>(n.children[0].node());
    } else {
      // A relation compared with ids: {groups: "cusgroup_1"} or {groups: [..]}.
      if (!(n.op == filter_op::eq || n.op == filter_op::in))
        throw invalid_field_value(schema_of<Row>().model, n.field,
                                  "an id, a list of ids or a filter");
      filter_node by_id = n;
      by_id.field = "id";
      p->sub = compile<Target>(by_id);
    }
    return p;
  });
}

template <class Row>
pred_ptr<Row> compile(const filter_node& n) {
  const auto& s = schema_of<Row>();
  switch (n.k) {
    case kind::all:
      return std::make_unique<all_pred<Row>>();
    case kind::and_:
    case kind::or_: {
      // An empty sub-filter is dropped, and an $and or $or left empty is no condition
      // (decision D25).
      auto p = std::make_unique<combine_pred<Row>>();
      p->stop = n.k == kind::and_ ? tri::no : tri::yes;
      for (const auto& c : n.children)
        if (c.node().k != kind::all) p->children.push_back(compile<Row>(c.node()));
      if (p->children.empty()) return std::make_unique<all_pred<Row>>();
      return p;
    }
    case kind::not_: {
      auto p = std::make_unique<not_pred<Row>>();
      p->child = compile<Row>(n.children[0].node());
      return p;
    }
    case kind::search: {
      auto p = std::make_unique<search_pred<Row>>();
      for (const auto& f : s.fields)
        if (f.searchable) p->fields.push_back(&f);
      // An empty q, or an entity without searchable fields (memberships): no effect.
      if (n.text.empty() || p->fields.empty()) return std::make_unique<all_pred<Row>>();
      p->needle = fold(n.text);
      return p;
    }
    case kind::condition:
    case kind::nested: {
      if (const auto* rel = s.relation(n.field))
        return compile_relation<Row>(n, *rel);
      const auto* f = s.field(n.field);
      if (!f) throw unknown_field(s.model, n.field);
      if (n.k == kind::nested) {
        if (f->kind != field_kind::json)
          throw invalid_field_value(s.model, n.field, "a value or an operator");
        auto p = std::make_unique<metadata_pred<Row>>();
        p->field = f;
        p->sub = compile_json(n.children[0].node(), s.model, n.field);
        return p;
      }
      return compile_condition<Row>(n, *f);
    }
  }
  return std::make_unique<all_pred<Row>>();
}

// The top-level conditions: the root, or the children of an implicit AND (the keys of one
// filter object).
template <class F>
bool any_top_level(const filter_node& n, F&& test) {
  if (n.k == kind::and_ && n.implicit) {
    for (const auto& c : n.children)
      if (test(c.node())) return true;
    return false;
  }
  return test(n);
}

bool names(const filter_node& n, std::string_view field) {
  return (n.k == kind::condition || n.k == kind::nested) && n.field == field;
}

// Whether the filter has a top-level `id` condition with a value JavaScript counts as true,
// which lifts the default take (decisions D12, D20): anything but equality with null or "".
bool has_top_level_id(const filter_node& root) {
  return any_top_level(root, [](const filter_node& n) {
    if (!names(n, "id")) return false;
    if (n.k != kind::condition || n.op != filter_op::eq || n.list) return true;
    const auto* s = std::get_if<std::string>(&n.operands.front());
    return s && !s->empty();
  });
}

// Whether `field` is named anywhere in the filter: in its conditions, inside $and, $or and
// $not, and inside relation filters.
bool names_anywhere(const filter_node& n, std::string_view field) {
  if (names(n, field)) return true;
  return std::any_of(n.children.begin(), n.children.end(),
                     [&](const filter& c) { return names_anywhere(c.node(), field); });
}

// `q` is accepted only among the top-level conditions of a filter, and nowhere in a delete
// selector (decision D27). Throws invalid_data otherwise.
void check_search_placement(const filter_node& root, std::string_view model, bool deleting) {
  const auto visit = [&](const auto& self, const filter_node& n, bool top) -> void {
    if (n.k == kind::search) {
      if (deleting) throw search_in_delete_selector(model);
      if (!top) throw search_below_top_level(model);
      return;
    }
    const bool children_top = top && n.k == kind::and_ && n.implicit;
    for (const auto& c : n.children) self(self, c.node(), children_top);
  };
  visit(visit, root, true);
}

std::size_t checked_count(std::string_view name, std::int64_t v) {
  if (v < 0) throw invalid_value(name, std::to_string(v));
  return static_cast<std::size_t>(v);
}

// Compares two cells of one field: nulls last when ascending, first when descending.
int compare_cells(const cell& a, const cell& b, bool descending);

// One key of `order`: a field of the row, or (`relation.field`) a field of related rows.
template <class Row>
struct order_key {
  std::function<cell(const Row&, const view&)> get;
  bool descending;
};

// The cell of `field` for an order by a relation: the related row's value for a to-one
// relation; for a to-many relation the value that comes first in the order's direction
// (smallest ascending, largest descending; null only when no related row has a value).
template <class Row, class Target>
order_key<Row> relation_order_key(const relation_desc& r, const field_desc<Target>& field,
                                  bool descending, bool with_deleted) {
  return {[kind = r.kind, &field, descending, with_deleted](const Row& row, const view& v) {
            cell best = nullptr;
            for (const auto& t : related<Target>(kind, row, v, with_deleted)) {
              const cell c = field.get(*t, v);
              if (!is_null(c) && (is_null(best) || compare_cells(c, best, descending) < 0)) {
                best = c;
              }
            }
            return best;
          },
          descending};
}

// Keys of `order`: fields of the row ("email") or of a relation ("groups.name"); a JSON field
// cannot be ordered by.
template <class Row>
std::vector<order_key<Row>> compile_order(const find_config& config, bool with_deleted) {
  const auto& s = schema_of<Row>();
  std::vector<order_key<Row>> keys;
  for (const auto& [name, direction] : config.order) {
    const bool descending = direction == sort_direction::desc;
    if (const auto* f = s.field(name)) {
      if (f->kind == field_kind::json) throw invalid_value("order", name);
      keys.push_back({f->get, descending});
      continue;
    }
    const auto dot = name.find('.');
    const relation_desc* r = dot == std::string::npos ? nullptr : s.relation(name.substr(0, dot));
    if (!r) throw unknown_field(s.model, name);
    with_entity(r->target, [&](auto target) {
      using Target = typename decltype(target)::type;
      const auto* f = schema_of<Target>().field(std::string_view(name).substr(dot + 1));
      if (!f) throw unknown_field(s.model, name);
      if (f->kind == field_kind::json) throw invalid_value("order", name);
      keys.push_back(relation_order_key<Row, Target>(*r, *f, descending, with_deleted));
    });
  }
  return keys;
}

// Compares two cells of one field: nulls last when ascending, first when descending.
int compare_cells(const cell& a, const cell& b, bool descending) {
  const bool an = is_null(a), bn = is_null(b);
  if (an || bn) {
    if (an && bn) return 0;
    return (an ? 1 : -1) * (descending ? -1 : 1);
  }
  int c = 0;
  if (const auto* s = std::get_if<std::string_view>(&a)) {
    const int r = s->compare(std::get<std::string_view>(b));
    c = r < 0 ? -1 : r > 0;
  } else if (const auto* x = std::get_if<bool>(&a)) {
    c = int(*x) - int(std::get<bool>(b));
  } else if (const auto* t = std::get_if<timestamp>(&a)) {
    const auto u = std::get<timestamp>(b);
    c = *t < u ? -1 : *t > u;
  }
  return descending ? -c : c;
}

// ---- Access paths ---------------------------------------------------------------------------

// The non-empty string operands of an equality or `in` condition: the keys an index can use.
std::optional<std::vector<std::string_view>> index_keys(const filter_node& n) {
  if (n.k != kind::condition || !(n.op == filter_op::eq || n.op == filter_op::in))
    return std::nullopt;
  std::vector<std::string_view> keys;
  for (const auto& v : n.operands) {
    const auto* s = std::get_if<std::string>(&v);
    if (!s) return std::nullopt;  // null or another type: no index
    keys.push_back(*s);
  }
  return keys;
}

// How many of the rows an index lookup finds are prefetched as they are found.
constexpr std::size_t prefetched_candidates = 16;

// Rows that may match a top-level condition, through an index; nullopt when no index applies.
// The result may hold duplicates and is in no particular order; the full predicate is applied
// afterwards.
template <class Row>
std::optional<std::vector<const slot<Row>*>> candidates_for(const view& v, const filter_node& n) {
  const auto keys = index_keys(n);
  if (!keys) return std::nullopt;
  std::vector<const slot<Row>*> out;
  const auto push = [&](const slot<Row>& s) {
    // The first rows found are the likeliest to be read (a page of DTOs): their misses
    // overlap with the rest of the lookup.
    if (out.size() < prefetched_candidates) prefetch_row(s);
    out.push_back(&s);
  };
  const auto by = [&]<class Tag>(Tag) {
    for (auto k : *keys) v.lookup<Row, Tag>(key(k), push);
    return std::optional(std::move(out));
  };
  // Rows named by the other side of a relation.
  const auto through = [&](auto&& ids_of_key) {
    for (auto k : *keys)
      for (const auto& id : ids_of_key(k))
        if (const auto* s = v.find_slot<Row>(id)) out.push_back(s);
    return std::optional(std::move(out));
  };
  if (n.field == "id") {
    for (auto k : *keys)
      if (const auto* s = v.find_slot<Row>(k)) out.push_back(s);
    return out;
  }
  if constexpr (std::is_same_v<Row, customer_row>) {
    if (n.field == "email") return by(by_email{});
    if (n.field == "company_name") return by(by_company{});
    if (n.field == "groups")
      return through([&](std::string_view gid) {
        std::vector<std::string> ids;
        for (const auto& m : v.memberships_of_group(gid)) ids.emplace_back(m->customer_id.view());
        return ids;
      });
  } else if constexpr (std::is_same_v<Row, group_row>) {
    if (n.field == "name") return by(by_name{});
    if (n.field == "customers")
      return through([&](std::string_view cid) {
        std::vector<std::string> ids;
        for (const auto& m : v.memberships_of_customer(cid))
          ids.emplace_back(m->customer_group_id.view());
        return ids;
      });
  } else if constexpr (std::is_same_v<Row, address_row>) {
    if (n.field == "customer_id" || n.field == "customer") return by(by_customer{});
  } else if constexpr (std::is_same_v<Row, membership_row>) {
    if (n.field == "customer_id" || n.field == "customer") return by(by_customer{});
    if (n.field == "customer_group_id" || n.field == "customer_group") {
      for (auto k : *keys) v.lookup<Row, by_group>(boost::make_tuple(key(k)), push);
      return out;
    }
  }
  return std::nullopt;
}

// Rows that an index served for a filter, and whether they are exactly the rows the filter
// matches (before the soft-delete rule), so that the predicate need not run again.
template <class Row>
struct candidates {
  std::vector<const slot<Row>*> rows;
  bool exact = false;
};

// Whether the rows an index returns for condition `n` are exactly the rows `root` matches:
// `n` is the whole filter, names a column the index keys exactly, and no key is "" (which the
// text indexes share with null).
// Whether `n` is the whole filter `root`.
bool whole_filter(const filter_node& root, const filter_node& n) {
  return &root == &n || (root.k == kind::and_ && root.implicit && root.children.size() == 1 &&
                         &root.children[0].node() == &n);
}

bool served_exactly(const filter_node& root, const filter_node& n) {
  const bool whole = whole_filter(root, n);
  static constexpr std::string_view exact_fields[] = {"id",   "email",       "company_name",
                                                      "name", "customer_id", "customer_group_id"};
  const auto keys = index_keys(n);
  return whole && keys &&
         std::find(std::begin(exact_fields), std::end(exact_fields), n.field) !=
             std::end(exact_fields) &&
         std::none_of(keys->begin(), keys->end(), [](std::string_view k) { return k.empty(); });
}

// The first top-level condition an index can serve, `id` first.
template <class Row>
std::optional<candidates<Row>> index_candidates(const view& v, const filter_node& root) {
  std::optional<candidates<Row>> found;
  const auto serve = [&](const filter_node& n) {
    if (auto rows = candidates_for<Row>(v, n))
      found = candidates<Row>{std::move(*rows), served_exactly(root, n)};
    return found.has_value();
  };
  any_top_level(root, [&](const filter_node& n) {
    return n.k == kind::condition && n.field == "id" && serve(n);
  });
  if (!found) any_top_level(root, serve);
  return found;
}

// Customers of one group in id order: the group's memberships are ordered by customer id, so
// a page stops as soon as it is full. Returns false when the filter is not of that shape.
// Sets `exact` when the customers visited are exactly those the filter matches (it is only
// the group condition, and the group exists: soft-deleted or not, decision D28), so the
// predicate need not run.
template <class Row, class Visit>
bool group_members_in_order(const view& v, const filter_node& root, bool& exact,
                            Visit&& visit) {
  if constexpr (!std::is_same_v<Row, customer_row>) {
    return false;
  } else {
    if (v.has_writes<membership_row>() || v.has_writes<customer_row>() || v.has_writes<group_row>())
      return false;
    std::optional<std::string_view> group;
    any_top_level(root, [&](const filter_node& n) {
      if (n.field != "groups") return false;
      const auto keys = index_keys(n);
      if (keys && keys->size() == 1) {
        group = keys->front();
        const auto* g = v.committed().groups.find_slot(key(*group));
        exact = whole_filter(root, n) && g;
      }
      return true;
    });
    if (!group) return false;
    const auto& idx = v.committed().memberships.index<by_group>();
    auto [first, last] = idx.equal_range(boost::make_tuple(key(*group)));
    // The membership slots hold the customer keys: no membership row is read.
    const key* previous = nullptr;
    for (; first != last; ++first) {
      const key& cid = first->extra.customer;
      if (previous && cid == *previous) continue;  // one customer appears once
      previous = &cid;
      if (const auto* c = v.committed().customers.find_slot(cid); c && !visit(*c)) break;
    }
    return true;
  }
}

}  // namespace

template <class Row>
query_result<Row> run_query(const view& v, const filter& f, const find_config& config,
                            query_kind qk) {
  const filter_node& root = f.node();
  check_search_placement(root, schema_of<Row>().model, qk == query_kind::delete_selector);
  const bool paged = qk == query_kind::list || qk == query_kind::list_and_count;
  const page_window window = paged ? window_of(config, has_top_level_id(root)) : page_window{};
  const std::size_t skip = window.skip;
  const std::optional<std::size_t> limit = window.limit;
  query_result<Row> result;
  // A filter that names deleted_at anywhere shows soft-deleted rows (decision D28).
  result.with_deleted = config.with_deleted || names_anywhere(root, "deleted_at");
  const auto predicate = compile<Row>(root);
  const auto order = compile_order<Row>(config, config.with_deleted);
  const bool live_only = !result.with_deleted;

  // Set when an index served the filter exactly (served_exactly): the predicate need not run.
  bool index_exact = false;
  const auto accept = [&](const slot<Row>& s) {
    return (!live_only || !s.deleted) && (index_exact || predicate->eval(*s, v) == tri::yes);
  };
  const bool count = qk == query_kind::list_and_count;
  const std::size_t end = limit ? skip + std::min(*limit, SIZE_MAX - skip) : SIZE_MAX;

  // Rows arriving in id order: keep [skip, end), stop early unless counting.
  std::size_t seen = 0;
  const auto take_in_order = [&](const slot<Row>& s) {
    if (!accept(s)) return true;
    if (seen >= skip && seen < end) result.rows.push_back(&s);
    ++seen;
    return count || seen < end;
  };

  if (order.empty()) {
    // No filter: a page of the ranked id index, O(log n).
    if (root.k == kind::all && !v.has_writes<Row>()) {
      result.count = v.page<Row>(live_only, skip, end, result.rows);
      return result;
    }
    if (group_members_in_order<Row>(v, root, index_exact, take_in_order)) {
      result.count = seen;
      return result;
    }
  }

  std::vector<const slot<Row>*> matches;
  if (auto found = index_candidates<Row>(v, root)) {
    auto& rows = found->rows;
    std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a->id < b->id; });
    rows.erase(std::unique(rows.begin(), rows.end(),
                           [](const auto& a, const auto& b) { return a->id == b->id; }),
               rows.end());
    index_exact = found->exact;
    if (order.empty()) {
      for (const auto* s : rows)
        if (!take_in_order(*s)) break;
      result.count = seen;
      return result;
    }
    for (const auto* s : rows)
      if (accept(*s)) matches.push_back(s);
  } else if (order.empty()) {
    // Id order is the scan order: stop as soon as the page is full unless counting.
    v.scan<Row>(live_only, take_in_order, count || !limit);
    result.count = seen;
    return result;
  } else {
    v.scan<Row>(
        live_only,
        [&](const slot<Row>& s) {
          if (accept(s)) matches.push_back(&s);
          return true;
        },
        true);
  }
  // Each row's keys are computed once (a relation's key looks up related rows), then the rows
  // are sorted by them; ties keep id order.
  const std::size_t width = order.size();
  std::vector<cell> keys(matches.size() * width);
  for (std::size_t i = 0; i < matches.size(); ++i) {
    for (std::size_t k = 0; k < width; ++k) keys[i * width + k] = order[k].get(**matches[i], v);
  }
  std::vector<std::size_t> positions(matches.size());
  std::iota(positions.begin(), positions.end(), std::size_t{0});
  std::stable_sort(positions.begin(), positions.end(), [&](std::size_t a, std::size_t b) {
    for (std::size_t k = 0; k < width; ++k) {
      const int c = compare_cells(keys[a * width + k], keys[b * width + k], order[k].descending);
      if (c != 0) return c < 0;
    }
    return false;
  });
  std::vector<const slot<Row>*> sorted;
  sorted.reserve(matches.size());
  for (const std::size_t i : positions) sorted.push_back(matches[i]);
  matches = std::move(sorted);
  result.count = matches.size();
  const std::size_t first = std::min(skip, matches.size());
  const std::size_t last = std::min(end, matches.size());
  result.rows.assign(matches.begin() + static_cast<std::ptrdiff_t>(first),
                     matches.begin() + static_cast<std::ptrdiff_t>(last));
  return result;
}

page_window window_of(const find_config& config, bool lifts_default_take) {
  page_window w;
  const std::size_t skip = config.skip ? checked_count("skip", *config.skip) : 0;
  if (config.take.has_value()) {
    w.limit = checked_count("take", config.take.value());
  } else if (config.take.is_unset() && !lifts_default_take) {
    w.limit = 15;
  }
  if (w.limit) w.skip = skip;  // skip applies only together with a limit (decision D24)
  return w;
}

template <class Row>
void check_order(const find_config& config) {
  compile_order<Row>(config, config.with_deleted);
}

template void check_order<customer_row>(const find_config&);
template void check_order<group_row>(const find_config&);
template void check_order<address_row>(const find_config&);
template void check_order<membership_row>(const find_config&);

template query_result<customer_row> run_query<customer_row>(const view&, const filter&,
                                                            const find_config&, query_kind);
template query_result<group_row> run_query<group_row>(const view&, const filter&,
                                                      const find_config&, query_kind);
template query_result<address_row> run_query<address_row>(const view&, const filter&,
                                                          const find_config&, query_kind);
template query_result<membership_row> run_query<membership_row>(const view&, const filter&,
                                                                const find_config&, query_kind);

}  // namespace customerdb::detail
