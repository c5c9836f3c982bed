// Compiling a filter into a tree of predicates over one entity's rows, and evaluating it with
// SQL's three-valued logic: AND, OR, NOT, column conditions, q, relation filters and metadata
// filters (predicate.hpp).
#include "predicate.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstddef>
#include <iterator>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>
// Pathological patterns fail after this many matcher steps instead of running for seconds.
#define BOOST_REGEX_MAX_STATE_COUNT 1000000
#include <boost/regex.hpp>

#include "error_messages.hpp"
#include "jsonb_casts.hpp"
#include "metadata_filter.hpp"
#include "schema.hpp"
#include "sorted_operands.hpp"
#include "text_match.hpp"
#include "time_operand.hpp"

namespace customerdb::detail {
namespace {

using kind = filter_node::kind;

// A compiled operand, already of the field's type (a json_literal: a metadata column's).
using operand = std::variant<std::nullptr_t, bool, std::string, timestamp, json_literal>;

template <class Row>
struct all_pred final : pred<Row> {
  tri eval(const Row&, const view&) const override { return tri::yes; }
  tri eval_null(const view&) const override { return tri::yes; }
};

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

// Orders two non-null values of one field kind; nullopt when they cannot be compared. Medusa's
// database compares a metadata column as jsonb with the operand written as JSON: an object
// operand by jsonb's order, and the stored object follows any other operand (jsonb orders
// objects after arrays and scalars).
std::optional<int> compare_cell(const cell& c, const operand& o) {
  if (const auto* m = std::get_if<const metadata*>(&c)) {
    if (const auto* j = std::get_if<json_literal>(&o)) return compare_jsonb(**m, j->document());
    return 1;
  }
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

// The operands of `in` / `nin` for a column: equality as compare_cell's, since operands are of
// the field's kind.
class operand_set {
 public:
  // REQUIRES: `operands` outlives the set and does not change.
  explicit operand_set(const std::vector<operand>& operands) {
    for (const auto& o : operands) {
      if (const auto* s = std::get_if<std::string>(&o)) {
        set_.add_text(*s);
      } else if (const auto* t = std::get_if<timestamp>(&o)) {
        set_.add_other(*t);
      } else if (const auto* b = std::get_if<bool>(&o)) {
        set_.add_bool(*b);
      } else {
        set_.add_null();
      }
    }
    set_.seal();
  }

  // Whether the non-null cell `c` equals an operand.
  bool contains(const cell& c) const {
    if (const auto* s = std::get_if<std::string_view>(&c)) return set_.has_text(*s);
    if (const auto* t = std::get_if<timestamp>(&c)) return set_.has_other(*t);
    if (const auto* b = std::get_if<bool>(&c)) return set_.has_bool(*b);
    return false;
  }
  const bool& has_null() const { return set_.has_null(); }

 private:
  sorted_operands<std::string_view, timestamp> set_;
};

template <class Row>
struct condition_pred final : pred<Row> {
  const field_desc<Row>* field = nullptr;
  filter_op op = filter_op::eq;
  std::vector<operand> operands;
  std::optional<operand_set> set;       // in / nin
  std::optional<like_pattern> pattern;  // like / ilike
  std::optional<boost::regex> regex;    // re

  tri eval(const Row& r, const view& v) const override { return eval_cell(field->get(r, v)); }
  tri eval_null(const view&) const override { return eval_cell(nullptr); }

  tri eval_cell(const cell& c) const {
    if (set) {
      return membership(
          op, operands.empty(), is_null(c), [&] { return set->contains(c); }, set->has_null());
    }
    return apply_op(
        op, is_null(c), operands.size(),
        [&](std::size_t i) { return std::holds_alternative<std::nullptr_t>(operands[i]); },
        [&](std::size_t i) { return compare_cell(c, operands[i]); },
        [&] {
          if (op == filter_op::exists) return std::get<bool>(operands[0]);
          const auto text = std::get<std::string_view>(c);
          if (pattern) return pattern->matches(text);
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
  std::optional<folded_search> needle;
  tri eval(const Row& r, const view& v) const override {
    tri result = tri::no;
    for (const auto* f : fields) {
      const cell c = f->get(r, v);
      if (is_null(c)) {
        result = tri::unknown;
        continue;
      }
      if (needle->found_in(std::get<std::string_view>(c))) return tri::yes;
    }
    return result;
  }
  tri eval_null(const view&) const override { return tri::unknown; }
};

// "has at least one related row matching", as a join sees the related rows: soft-deleted ones
// included, and, when there is none, the row of nulls of a left join (decision D28). Never
// unknown. The sub-filter's result is kept per related row, so that a related row shared by
// many rows (a group and its customers, and their groups, in a nested relation filter) is
// matched once per call: the cost grows with the related rows, not with their product.
template <class Row, class Target>
struct relation_pred final : pred<Row> {
  relation_kind relation;
  // Whether soft-deleted related rows are left out (compile's `joins_hide_deleted`).
  bool hides_deleted = false;
  pred_ptr<Target> sub;
  // Whether sub matched each related row met so far, by address; the row is held, so that its
  // address names no other row during the call.
  mutable std::unordered_map<const Target*, std::pair<row_ptr<Target>, bool>> matched;
  // Under $not (compile_negated): a related row matches when `sub` is false for it, as in
  // Medusa's join, where NOT applies to each joined row.
  bool negated = false;
  tri eval(const Row& r, const view& v) const override {
    const auto rows = related<Target>(relation, r, v, !hides_deleted);
    if (rows.empty()) return eval_null(v);
    for (const auto& t : rows) {
      auto [it, fresh] = matched.try_emplace(t.get(), t, false);
      if (fresh) it->second.second = sub->eval(*t, v) == wanted();
      if (it->second.second) return tri::yes;
    }
    return tri::no;
  }
  tri eval_null(const view& v) const override { return of(sub->eval_null(v) == wanted()); }
  tri wanted() const { return negated ? tri::no : tri::yes; }
};

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
  // In the order of field_kind.
  static constexpr std::string_view operands[] = {"a string or null",
                                                  "a boolean, a string that reads as one, or null",
                                                  "a timestamp or null", "null"};
  static_assert(std::size(operands) == static_cast<std::size_t>(field_kind::json) + 1);
  return operands[static_cast<std::size_t>(k)];
}

// Converts `v` to the type of `f` (a time word read at `now`); throws invalid_data when it is of
// another type.
template <class Row>
operand coerce(const field_desc<Row>& f, const value& v, timestamp now) {
  const auto fail = [&]() -> error {
    return invalid_field_value(schema_of<Row>().model, f.name, expected_operand(f.kind));
  };
  if (std::holds_alternative<std::nullptr_t>(v)) return nullptr;
  switch (f.kind) {
    case field_kind::text:
      if (const auto* s = std::get_if<std::string>(&v)) return *s;
      break;
    case field_kind::boolean:
      // Medusa's database reads a string as a boolean literal ("false", "t", "yes", "off").
      if (const auto* b = std::get_if<bool>(&v)) return *b;
      if (const auto* s = std::get_if<std::string>(&v)) {
        if (auto b = read_bool(*s)) return *b;
      }
      break;
    case field_kind::time:
      if (const auto* t = std::get_if<timestamp>(&v)) return *t;
      if (const auto* s = std::get_if<std::string>(&v)) {
        if (auto t = parse_time_operand(*s, now)) return *t;
      }
      break;
    case field_kind::json:
      // Compared as jsonb (compare_cell): a document by its value; the stored object follows
      // any scalar, so only that a scalar is not null decides.
      if (const auto* j = std::get_if<json_literal>(&v)) return *j;
      return true;
  }
  throw fail();
}

template <class Row>
pred_ptr<Row> compile_condition(const filter_node& n, const field_desc<Row>& f, timestamp now) {
  const auto& s = schema_of<Row>();
  auto p = std::make_unique<condition_pred<Row>>();
  p->field = &f;
  p->op = n.op;
  const bool wants_list = n.op == filter_op::in || n.op == filter_op::nin;
  if (wants_list != n.list || (!n.list && n.operands.size() != 1))
    throw invalid_field_value(s.model, f.name, wants_list ? "a list" : "a single value");
  switch (n.op) {
    case filter_op::exists:
      // On a metadata column Medusa's ORM writes the operand as JSON text first, which only
      // null leaves false: `{"$exists": false}` is IS NOT NULL there.
      p->operands.emplace_back(f.kind == field_kind::json
                                   ? !std::holds_alternative<std::nullptr_t>(n.operands[0])
                                   : exists_operand(n.operands[0]));
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
      } else {
        p->pattern.emplace(pattern, n.op == filter_op::ilike);
      }
      p->operands.emplace_back(pattern);
      return p;
    }
    default:
      break;
  }
  for (const auto& v : n.operands) p->operands.push_back(coerce(f, v, now));
  // A metadata column's list is compared one by one, as jsonb (compare_cell).
  if (n.list && f.kind != field_kind::json) p->set.emplace(p->operands);
  return p;
}

// Whether the filter `n` names a field other than `id` (a join in Medusa v2, where a filter
// by id alone reads the membership or foreign key column).
bool names_other_than_id(const filter_node& n) {
  if ((n.k == kind::condition || n.k == kind::nested) && n.field != "id") return true;
  if (n.k == kind::search) return true;
  for (const auto& c : n.children)
    if (names_other_than_id(c.node())) return true;
  return false;
}

template <class Row>
pred_ptr<Row> compile_relation(const filter_node& n, const relation_desc& rel, const compile_context& cx,
                               bool negated = false) {
  return with_entity(rel.target, [&](auto target) -> pred_ptr<Row> {
    using Target = typename decltype(target)::type;
    auto p = std::make_unique<relation_pred<Row, Target>>();
    p->relation = rel.kind;
    p->negated = negated;
    if (n.k == kind::nested) {
      p->hides_deleted = cx.joins_hide_deleted && names_other_than_id(n.children[0].node());
      p->sub = compile<Target>(n.children[0].node(), cx);
    } else {
      // A relation compared with ids: {groups: "cusgroup_1"} or {groups: [..]}.
      if (!(n.op == filter_op::eq || n.op == filter_op::in))
        throw invalid_field_value(schema_of<Row>().model, n.field,
                                  "an id, a list of ids or a filter");
      filter_node by_id = n;
      by_id.field = "id";
      p->sub = compile<Target>(by_id, cx);
    }
    return p;
  });
}

// Whether `n` is `one` (eq or ne) with a value (not IS NULL / IS NOT NULL) or `list` (in or
// nin) with a list.
bool is_member_test(const filter_node& n, filter_op one, filter_op list) {
  if (n.k != kind::condition) return false;
  if (n.op == list) return n.list;
  return n.op == one && !n.list && n.operands.size() == 1 &&
         !std::holds_alternative<std::nullptr_t>(n.operands[0]);
}

// In an $or, the branches that are equalities or `in` lists on one field become one `in` of all
// their values, compiled in place of the first of them: x = a OR x IN (b, c) is x IN (a, b, c)
// under SQL's NULL rules, for columns and relations alike. In an $and, likewise `$ne` and `nin`
// become one `nin`: x <> a AND x NOT IN (b, c) is x NOT IN (a, b, c). So a long $or of
// equalities (or $and of inequalities) costs a row one binary search instead of one test per
// branch. `compiled` holds the predicates of the branches of `n` that are not `{}`, in order;
// each branch compiled alone already, so that a filter with several faults reports the one it
// reported before merging.
template <class Row>
void merge_memberships(const filter_node& n, std::vector<pred_ptr<Row>>& compiled,
                       const compile_context& cx) {
  const bool any = n.k == kind::or_;
  const filter_op one = any ? filter_op::eq : filter_op::ne;
  const filter_op list = any ? filter_op::in : filter_op::nin;
  struct group {
    std::size_t first;  // index into `compiled`
    filter_node merged;
    std::size_t count = 0;
  };
  std::vector<group> groups;
  std::unordered_map<std::string_view, std::size_t> group_of_field;
  std::vector<bool> dropped(compiled.size());
  std::size_t i = 0;
  for (const auto& c : n.children) {
    const filter_node& b = c.node();
    if (b.k == kind::all) continue;
    const std::size_t at = i++;
    if (!is_member_test(b, one, list)) continue;
    const auto [it, fresh] = group_of_field.try_emplace(b.field, groups.size());
    if (fresh) {
      filter_node merged;
      merged.k = kind::condition;
      merged.field = b.field;
      merged.op = list;
      merged.list = true;
      groups.push_back({at, std::move(merged)});
    } else {
      dropped[at] = true;
    }
    auto& g = groups[it->second];
    g.merged.operands.insert(g.merged.operands.end(), b.operands.begin(), b.operands.end());
    ++g.count;
  }
  for (auto& g : groups)
    if (g.count > 1) compiled[g.first] = compile<Row>(g.merged, cx);
  std::size_t kept = 0;
  for (std::size_t k = 0; k < compiled.size(); ++k)
    if (!dropped[k]) compiled[kept++] = std::move(compiled[k]);
  compiled.resize(kept);
}

// Whether `n` has a relation filter of `Row` among its conditions, inside $and, $or and $not.
template <class Row>
bool has_relation_filter(const filter_node& n) {
  if (n.k == kind::condition || n.k == kind::nested) return schema_of<Row>().relation(n.field);
  for (const auto& c : n.children)
    if ((n.k == kind::and_ || n.k == kind::or_ || n.k == kind::not_) &&
        has_relation_filter<Row>(c.node()))
      return true;
  return false;
}

// `$not` of `n`. Medusa joins the related rows of relation filters and applies NOT to each
// joined row: {"$not": {"groups": {"name": "VIP"}}} is a customer with a group not named VIP,
// not one without a VIP group. So the negation goes down through $and, $or and $not (De Morgan's
// laws hold in SQL's three-valued logic) to the relation filters, which then look for a related
// row (or, without one, the row of nulls of a left join) that fails their condition. A filter
// without relation filters is negated whole.
template <class Row>
pred_ptr<Row> compile_negated(const filter_node& n, const compile_context& cx) {
  const auto negate_whole = [&]() -> pred_ptr<Row> {
    auto child = compile<Row>(n, cx);
    // $not of no condition is no condition, as Medusa drops it (`{"$not": {}}` matches every
    // row; decision D25).
    if (dynamic_cast<const all_pred<Row>*>(child.get())) return child;
    auto p = std::make_unique<not_pred<Row>>();
    p->child = std::move(child);
    return p;
  };
  if (!has_relation_filter<Row>(n)) return negate_whole();
  switch (n.k) {
    case kind::and_:
    case kind::or_: {
      auto p = std::make_unique<combine_pred<Row>>();
      p->stop = n.k == kind::and_ ? tri::yes : tri::no;  // NOT (a AND b) is NOT a OR NOT b
      for (const auto& c : n.children) {
        // A sub-filter that is no condition is dropped (D25) before the negation applies: its
        // negation compiles to no condition too.
        auto child = compile_negated<Row>(c.node(), cx);
        if (!dynamic_cast<const all_pred<Row>*>(child.get()))
          p->children.push_back(std::move(child));
      }
      if (p->children.empty()) return std::make_unique<all_pred<Row>>();
      return p;
    }
    case kind::not_:
      return compile<Row>(n.children[0].node(), cx);
    default:
      // A relation filter (has_relation_filter).
      return compile_relation<Row>(n, *schema_of<Row>().relation(n.field), cx, true);
  }
}

}  // namespace

template <class Row>
pred_ptr<Row> compile(const filter_node& n, const compile_context& cx) {
  const auto& s = schema_of<Row>();
  switch (n.k) {
    case kind::all:
      return std::make_unique<all_pred<Row>>();
    case kind::and_:
    case kind::or_: {
      // A sub-filter that is no condition (`{}`, `{"$or": []}`, `{"$not": {}}`, `{"email":
      // {}}`) is dropped, and an $and or $or left empty is no condition (decision D25), as
      // Medusa drops them: `{"$or": [{"$or": []}, {"email": "a"}]}` is `{"email": "a"}`.
      auto p = std::make_unique<combine_pred<Row>>();
      p->stop = n.k == kind::and_ ? tri::no : tri::yes;
      for (const auto& c : n.children)
        if (c.node().k != kind::all) p->children.push_back(compile<Row>(c.node(), cx));
      merge_memberships(n, p->children, cx);
      std::erase_if(p->children, [](const pred_ptr<Row>& c) {
        return dynamic_cast<const all_pred<Row>*>(c.get()) != nullptr;
      });
      if (p->children.empty()) return std::make_unique<all_pred<Row>>();
      return p;
    }
    case kind::not_:
      return compile_negated<Row>(n.children[0].node(), cx);
    case kind::search: {
      auto p = std::make_unique<search_pred<Row>>();
      for (const auto& f : s.fields)
        if (f.searchable) p->fields.push_back(&f);
      // An empty q, or an entity without searchable fields (memberships): no effect.
      if (n.text.empty() || p->fields.empty()) return std::make_unique<all_pred<Row>>();
      p->needle.emplace(n.text);
      return p;
    }
    case kind::condition:
    case kind::nested: {
      if (const auto* rel = s.relation(n.field))
        return compile_relation<Row>(n, *rel, cx);
      const auto* f = s.field(n.field);
      if (!f) throw unknown_field(s.model, n.field);
      if (n.k == kind::nested) {
        // An empty object on a field is no condition, as in Medusa (`{"email": {}}`).
        if (n.children[0].node().k == kind::all) return std::make_unique<all_pred<Row>>();
        if (f->kind != field_kind::json)
          throw invalid_field_value(s.model, n.field, "a value or an operator");
        auto p = std::make_unique<metadata_pred<Row>>();
        p->field = f;
        p->sub = compile_json(n.children[0].node(), s.model, n.field);
        return p;
      }
      return compile_condition<Row>(n, *f, cx.now);
    }
  }
  return std::make_unique<all_pred<Row>>();
}

// `q` is accepted only among the top-level conditions of a filter, and nowhere in a delete
// selector (decision D27). Throws invalid_data otherwise.
template <class Row>
void check_search_placement(const filter_node& root, bool deleting) {
  const auto& s = schema_of<Row>();
  const auto visit = [&](const auto& self, const filter_node& n, bool top) -> void {
    if (n.k == kind::search) {
      if (deleting) throw search_in_delete_selector(s.model);
      if (!top) throw search_below_top_level(s.model);
      return;
    }
    // In a metadata filter `q` is a key (metadata_filter.cpp).
    if (n.k == kind::nested && !s.relation(n.field)) return;
    const bool children_top = top && n.k == kind::and_ && n.implicit;
    for (const auto& c : n.children) self(self, c.node(), children_top);
  };
  visit(visit, root, true);
}

template void check_search_placement<customer_row>(const filter_node&, bool);
template void check_search_placement<group_row>(const filter_node&, bool);
template void check_search_placement<address_row>(const filter_node&, bool);
template void check_search_placement<membership_row>(const filter_node&, bool);

template <class Row>
void check_keys_in_order(const filter_node& root, bool deleting) {
  const auto& s = schema_of<Row>();
  const auto visit = [&](const auto& self, const filter_node& n, bool top) -> void {
    if (n.k == kind::search) {
      if (deleting || !top) throw query_by_unknown_property(s.model, "q");
      return;
    }
    if ((n.k == kind::condition || n.k == kind::nested) && !s.relation(n.field) &&
        !s.field(n.field))
      throw query_by_unknown_property(s.model, n.field);
    if (n.k == kind::nested) return;  // a relation's or metadata's sub-filter: compile's
    const bool children_top = top && n.k == kind::and_ && n.implicit;
    for (const auto& c : n.children) self(self, c.node(), children_top);
  };
  visit(visit, root, true);
}

template pred_ptr<customer_row> compile<customer_row>(const filter_node&, const compile_context&);
template void check_keys_in_order<customer_row>(const filter_node&, bool);
template pred_ptr<group_row> compile<group_row>(const filter_node&, const compile_context&);
template void check_keys_in_order<group_row>(const filter_node&, bool);
template pred_ptr<address_row> compile<address_row>(const filter_node&, const compile_context&);
template void check_keys_in_order<address_row>(const filter_node&, bool);
template pred_ptr<membership_row> compile<membership_row>(const filter_node&, const compile_context&);
template void check_keys_in_order<membership_row>(const filter_node&, bool);

}  // namespace customerdb::detail
