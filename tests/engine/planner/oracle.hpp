// The scan-and-filter oracle: SQL three-valued logic over the oracle's copy of the data, relations
// as Medusa's joins match them, ordering and paging (planner_test.cpp lists the rules).
#pragma once

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "engine/planner/filter_tree.hpp"

namespace customerdb::testing::planner {

enum class tri { no, yes, unknown };
inline tri truth(bool b) { return b ? tri::yes : tri::no; }

// Orders two non-null cells of one kind; a metadata object follows any scalar operand, as
// jsonb orders an object after every scalar.
inline int compare(const cell& a, const cell& b) {
  switch (a.kind) {
    case cell::json:
      return 1;
    case cell::text:
      return a.s < b.s ? -1 : b.s < a.s ? 1 : 0;  // bytes (char_traits: unsigned)
    case cell::boolean:
      return int(a.b) - int(b.b);
    case cell::time:
      return a.t < b.t ? -1 : b.t < a.t ? 1 : 0;
    default:
      return 0;
  }
}

// `json_field`: `c` is a metadata column's, where $exists is IS NOT NULL for any operand but
// null (Medusa's ORM writes the operand as JSON text first).
inline tri eval_condition(const cell& c, filter_op op, const std::vector<cell>& operands,
                   bool json_field) {
  const bool null_cell = c.kind == cell::null;
  switch (op) {
    case filter_op::exists:
      return truth((json_field ? operands[0].kind != cell::null : operands[0].b) != null_cell);
    case filter_op::eq:
    case filter_op::ne: {
      if (operands[0].kind == cell::null) return truth((op == filter_op::eq) == null_cell);
      if (null_cell) return tri::unknown;
      return truth((compare(c, operands[0]) == 0) == (op == filter_op::eq));
    }
    case filter_op::in:
    case filter_op::nin: {
      if (operands.empty()) return truth(op == filter_op::nin);
      if (null_cell) return tri::unknown;
      bool saw_null = false;
      for (const auto& o : operands) {
        if (o.kind == cell::null) {
          saw_null = true;
        } else if (compare(c, o) == 0) {
          return truth(op == filter_op::in);
        }
      }
      return saw_null ? tri::unknown : truth(op == filter_op::nin);
    }
    case filter_op::gt:
    case filter_op::gte:
    case filter_op::lt:
    case filter_op::lte: {
      if (null_cell || operands[0].kind == cell::null) return tri::unknown;
      const int r = compare(c, operands[0]);
      if (op == filter_op::gt) return truth(r > 0);
      if (op == filter_op::gte) return truth(r >= 0);
      if (op == filter_op::lt) return truth(r < 0);
      return truth(r <= 0);
    }
    case filter_op::like:
    case filter_op::ilike:
      if (null_cell) return tri::unknown;
      return truth(like(c.s, operands[0].s, op == filter_op::ilike));
    case filter_op::re:
      break;
  }
  BOOST_FAIL("operator not generated");
  return tri::unknown;
}

struct oracle {
  const oracle_db& db;
  bool with_deleted;

  bool visible(ent e, std::size_t row) const {
    return !info(e).soft_deletable || with_deleted || !db.of(e).deleted[row];
  }

  // `row` is npos for the row of nulls a left join gives where there is no related row.
  static constexpr std::size_t null_row = SIZE_MAX;

  // Whether the engine compiles `n` to no condition at all: an empty filter, an $and / $or (or
  // the keys of one object) of nothing but such filters, an empty `q` (or one on memberships,
  // which have no searchable field), and the negation of any of these.
  static bool no_condition(const gnode& n) {
    switch (n.kind) {
      case nk::empty:
        return true;
      case nk::keys_and:
      case nk::all_of:
      case nk::any_of:
        return std::all_of(n.children.begin(), n.children.end(),
                           [](const gnode& c) { return no_condition(c); });
      case nk::search:
        return n.text.empty() || n.e == ent::membership;
      case nk::not_:
        return no_condition(n.children[0]);
      default:
        return false;
    }
  }

  static tri negation(tri v) {
    return v == tri::yes ? tri::no : v == tri::no ? tri::yes : tri::unknown;
  }

  // `negated`: the value of NOT n, with the negation applied to each related row.
  tri eval(const gnode& n, std::size_t row, bool negated = false) const {
    const table& t = db.of(n.e);
    static const cell null_cell{};
    const auto maybe_not = [&](tri v) { return negated ? negation(v) : v; };
    switch (n.kind) {
      case nk::cond:
        return maybe_not(eval_condition(
            row == null_row ? null_cell : t.rows[row][static_cast<std::size_t>(n.index)], n.op,
            n.expected,
            info(n.e).fields[static_cast<std::size_t>(n.index)].kind == fkind::json));
      case nk::rel_ids:
      case nk::rel_match: {
        const ent target = info(n.e).relations[static_cast<std::size_t>(n.index)].target;
        const auto match = [&](std::size_t r) {
          return n.kind == nk::rel_ids
                     ? eval_condition(r == null_row ? null_cell : db.of(target).rows[r][0], n.op,
                                      n.expected, false)
                     : eval(n.children[0], r);
        };
        const tri wanted = negated ? tri::no : tri::yes;
        if (row == null_row || t.related[static_cast<std::size_t>(n.index)][row].empty())
          return match(null_row) == wanted ? tri::yes : tri::no;
        for (const std::size_t r : t.related[static_cast<std::size_t>(n.index)][row])
          if (match(r) == wanted) return tri::yes;
        return tri::no;
      }
      case nk::keys_and:
      case nk::all_of:
      case nk::any_of: {
        // NOT (a AND b) is NOT a OR NOT b; a child that is no condition is dropped first.
        const tri stop = (n.kind == nk::any_of) != negated ? tri::yes : tri::no;
        tri out = stop == tri::yes ? tri::no : tri::yes;
        bool any_condition = false;
        for (const auto& c : n.children) {
          if (no_condition(c)) continue;  // dropped (D25)
          any_condition = true;
          const tri v = eval(c, row, negated);
          if (v == stop) return stop;
          if (v == tri::unknown) out = tri::unknown;
        }
        return any_condition ? out : tri::yes;
      }
      case nk::not_: {
        if (no_condition(n.children[0])) return tri::yes;  // dropped, as Medusa drops it (D25)
        return eval(n.children[0], row, !negated);
      }
      case nk::search: {
        if (n.text.empty() || n.e == ent::membership) return tri::yes;
        if (row == null_row) return maybe_not(tri::unknown);
        const std::string needle = fold(n.text);
        tri out = tri::no;
        const auto& fs = info(n.e).fields;
        for (std::size_t i = 0; i < fs.size(); ++i) {
          if (!fs[i].searchable) continue;
          const cell& c = t.rows[row][i];
          if (c.kind == cell::null) {
            out = tri::unknown;
          } else if (fold(c.s).find(needle) != std::string::npos) {
            return maybe_not(tri::yes);
          }
        }
        return maybe_not(out);
      }
      case nk::empty:
        return tri::yes;
    }
    return tri::unknown;
  }
};

// The top-level conditions: the root, or the members of an `&&` chain (the keys of one filter
// object); `&&` flattens nested `&&` chains and drops `{}`.
inline void top_level(const gnode& n, std::vector<const gnode*>& out) {
  if (n.kind == nk::keys_and) {
    for (const auto& c : n.children) top_level(c, out);
  } else {
    out.push_back(&n);
  }
}

struct outcome {
  std::vector<std::string> ids;
  std::size_t count = 0;
  std::string error;
};

// Whether a condition of the filter names `field`, at any depth.
inline bool names_anywhere(const gnode& n, std::string_view field) {
  if (n.kind == nk::cond && name_of(n) == field) return true;
  return std::any_of(n.children.begin(), n.children.end(),
                     [&](const gnode& c) { return names_anywhere(c, field); });
}

inline outcome run_oracle(const oracle_db& db, ent e, const gnode& root, const find_config& config) {
  std::vector<const gnode*> top;
  top_level(root, top);
  bool names_id = false;
  for (const gnode* n : top) {
    if (n->kind != nk::cond || name_of(*n) != "id") continue;
    if (n->op != filter_op::eq || n->list) {
      names_id = true;
    } else if (const auto* text = std::get_if<std::string>(&n->operands[0])) {
      names_id |= !text->empty();
    }
  }
  const oracle o{db, config.with_deleted || names_anywhere(root, "deleted_at")};
  const table& t = db.of(e);
  std::vector<std::size_t> matches;
  for (std::size_t r = 0; r < t.rows.size(); ++r)
    if (o.visible(e, r) && o.eval(root, r) == tri::yes) matches.push_back(r);

  std::vector<std::pair<std::size_t, bool>> keys;
  for (const auto& [name, direction] : config.order)
    keys.emplace_back(static_cast<std::size_t>(field_index(e, name)),
                      direction == sort_direction::desc);
  std::sort(matches.begin(), matches.end(), [&](std::size_t a, std::size_t b) {
    for (const auto& [f, desc] : keys) {
      const cell& x = t.rows[a][f];
      const cell& y = t.rows[b][f];
      const bool xn = x.kind == cell::null, yn = y.kind == cell::null;
      int c = 0;
      if (xn || yn) {
        c = xn == yn ? 0 : (xn ? 1 : -1) * (desc ? -1 : 1);  // nulls last asc, first desc
      } else {
        c = compare(x, y) * (desc ? -1 : 1);
      }
      if (c != 0) return c < 0;
    }
    return t.id(a) < t.id(b);
  });

  outcome out;
  out.count = matches.size();
  std::size_t take = SIZE_MAX;
  if (config.take.has_value())
    take = static_cast<std::size_t>(config.take.value());
  else if (config.take.is_unset() && !names_id)
    take = 15;
  const std::size_t skip =
      config.skip && take != SIZE_MAX ? static_cast<std::size_t>(*config.skip) : 0;
  for (std::size_t i = skip; i < matches.size() && i - skip < take; ++i)
    out.ids.push_back(t.id(matches[i]));
  return out;
}

}  // namespace customerdb::testing::planner
