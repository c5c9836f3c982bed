// The planner test's random filters and find configs over the fields, relations and operators the
// oracle knows.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/planner/random_store.hpp"

namespace customerdb::testing::planner {

struct generator {
  random_source& rnd;
  const oracle_db& db;

  // A random row's cell (null included).
  const cell& some_cell(ent e, int field) {
    const table& t = db.of(e);
    return t.rows[rnd.below(t.rows.size())][static_cast<std::size_t>(field)];
  }

  // Some case variation of `s` (upper or lower case for each letter).
  std::string vary_case(std::string_view s) {
    std::u32string cps = decode_utf8(s);
    const int mode = rnd.between(0, 2);  // lower everything, upper everything, mixed
    for (auto& c : cps) {
      const bool upper = mode == 1 || (mode == 2 && rnd.chance(0.5));
      if (upper) {
        const auto it = upper_of().find(fold_cp(c));
        if (it != upper_of().end()) c = it->second;
      } else if (upper_of().count(fold_cp(c))) {
        c = fold_cp(c);
      }
    }
    return encode_utf8(cps);
  }

  // A random part of `s`, on code point boundaries.
  std::string substring(std::string_view s, std::size_t max_len) {
    const std::u32string cps = decode_utf8(s);
    if (cps.empty()) return "";
    const std::size_t from = rnd.below(cps.size());
    const std::size_t len = 1 + rnd.below(std::min(max_len, cps.size() - from));
    return encode_utf8(std::u32string_view(cps).substr(from, len));
  }

  void operand(gnode& n, value v, cell c) {
    n.operands.push_back(std::move(v));
    n.expected.push_back(std::move(c));
  }
  void null_operand(gnode& n) { operand(n, nullptr, cell{}); }

  // A text operand: an existing value (often null), its case variant, or something else.
  void text_operand(gnode& n, ent e, int field, bool allow_null) {
    const cell* c = &some_cell(e, field);
    for (int tries = 0; !allow_null && c->kind == cell::null && tries < 10; ++tries)
      c = &some_cell(e, field);
    std::size_t kind = rnd.weighted({60, 20, 20});
    if (kind != 2 && c->kind == cell::null) {
      if (allow_null) return null_operand(n);
      kind = 2;
    }
    std::string s;
    if (kind == 2) {
      static const std::vector<std::string> junk{"",     "zzz",  "A",   "m", "%", "_",
                                                 "John", "cus_", "ZZZ", "Ω", "б", "nope"};
      s = rnd.pick(junk);
    } else {
      s = kind == 1 ? vary_case(c->s) : c->s;
    }
    operand(n, s, cell{.kind = cell::text, .s = s});
  }

  void bool_operand(gnode& n, bool allow_null) {
    if (allow_null && rnd.chance(0.15)) return null_operand(n);
    const bool b = rnd.chance(0.5);
    operand(n, b, of(b));
  }

  void time_operand(gnode& n, ent e, int field, bool allow_null) {
    const cell* c = &some_cell(e, field);
    if (c->kind == cell::null) c = &some_cell(e, field_index(e, "created_at"));
    if (allow_null && rnd.chance(0.1)) return null_operand(n);
    static const std::vector<milliseconds> offsets{milliseconds{0},    milliseconds{0},
                                                   milliseconds{1},    milliseconds{-1},
                                                   milliseconds{1000}, milliseconds{-60000}};
    const timestamp t = c->t + rnd.pick(offsets);
    if (rnd.chance(0.6)) return operand(n, t, of(t));
    const int variant = rnd.between(0, 2);
    operand(n, iso(t, variant), of(t));
  }

  std::string like_pattern(ent e, int field, bool ignore_case) {
    static const std::vector<std::string> junk{"%",   "_",   "%%",   "",      "J%n", "%o%",
                                               "_%_", "%é%", "100%", "%a_b%", "__",  "%Ω%"};
    const cell& c = some_cell(e, field);
    if (c.kind == cell::null || rnd.chance(0.15)) return rnd.pick(junk);
    std::u32string cps = decode_utf8(rnd.chance(0.5) ? c.s : substring(c.s, 8));
    std::u32string out;
    if (rnd.chance(0.5)) out.push_back(U'%');
    for (const char32_t ch : cps) {
      if (rnd.chance(0.12)) {
        out.push_back(U'_');
      } else {
        out.push_back(ch);
      }
      if (rnd.chance(0.05)) out.push_back(U'%');
    }
    if (rnd.chance(0.5)) out.push_back(U'%');
    const std::string p = encode_utf8(out);
    return ignore_case || rnd.chance(0.2) ? vary_case(p) : p;
  }

  // A condition on a scalar field.
  gnode condition(ent e) {
    const auto& fs = info(e).fields;
    gnode n{.kind = nk::cond, .e = e};
    n.index = static_cast<int>(rnd.below(fs.size()));
    n.sugar = rnd.between(0, 5);
    const field_info& f = fs[static_cast<std::size_t>(n.index)];
    const auto list_of = [&](auto&& one) {
      n.list = true;
      const int k = rnd.between(0, 4);
      for (int i = 0; i < k; ++i) {
        if (rnd.chance(0.1)) {
          null_operand(n);
        } else {
          one();
        }
      }
    };
    switch (f.kind) {
      case fkind::text: {
        // eq ne in nin null not-null lt lte gt gte like ilike exists
        const std::size_t op = rnd.weighted({25, 10, 15, 8, 5, 4, 3, 3, 3, 3, 8, 8, 3});
        static const filter_op ops[] = {
            filter_op::eq,   filter_op::ne,    filter_op::in,    filter_op::nin, filter_op::eq,
            filter_op::ne,   filter_op::lt,    filter_op::lte,   filter_op::gt,  filter_op::gte,
            filter_op::like, filter_op::ilike, filter_op::exists};
        n.op = ops[op];
        if (op == 2 || op == 3) {
          list_of([&] { text_operand(n, e, n.index, false); });
        } else if (op == 4 || op == 5) {
          null_operand(n);
        } else if (op == 10 || op == 11) {
          const std::string p = like_pattern(e, n.index, op == 11);
          operand(n, p, cell{.kind = cell::text, .s = p});
        } else if (op == 12) {
          bool_operand(n, false);
        } else {
          text_operand(n, e, n.index, op < 2);
        }
        break;
      }
      case fkind::default_id: {  // equality, lists and null (D9)
        const std::size_t op = rnd.weighted({40, 25, 20, 15});
        if (op == 0) {
          n.op = filter_op::eq;
          text_operand(n, e, n.index, true);
        } else if (op == 1) {
          n.op = filter_op::in;
          list_of([&] { text_operand(n, e, n.index, false); });
        } else {
          n.op = op == 2 ? filter_op::eq : filter_op::ne;
          null_operand(n);
        }
        break;
      }
      case fkind::boolean: {
        static const filter_op ops[] = {filter_op::eq,    filter_op::ne, filter_op::in,
                                        filter_op::nin,   filter_op::lt, filter_op::gte,
                                        filter_op::exists};
        n.op = ops[rnd.weighted({40, 20, 10, 10, 5, 5, 10})];
        if (n.op == filter_op::in || n.op == filter_op::nin) {
          list_of([&] { bool_operand(n, false); });
        } else {
          bool_operand(n, n.op == filter_op::eq || n.op == filter_op::ne);
        }
        break;
      }
      case fkind::time: {
        static const filter_op ops[] = {filter_op::eq,  filter_op::ne,  filter_op::in,
                                        filter_op::nin, filter_op::lt,  filter_op::lte,
                                        filter_op::gt,  filter_op::gte, filter_op::exists};
        n.op = ops[rnd.weighted({15, 10, 8, 5, 15, 12, 15, 12, 8})];
        if (n.op == filter_op::in || n.op == filter_op::nin) {
          list_of([&] { time_operand(n, e, n.index, false); });
        } else if (n.op == filter_op::exists) {
          bool_operand(n, false);
        } else {
          time_operand(n, e, n.index, true);
        }
        break;
      }
      case fkind::json: {  // the column (keys are engine_metadata_filters_test's)
        static const std::vector<filter_op> ops{filter_op::eq,  filter_op::ne, filter_op::gt,
                                                filter_op::lte, filter_op::in, filter_op::nin};
        const auto scalar = [&] {
          const std::string s = rnd.chance(0.5) ? "gold" : "";
          operand(n, s, cell{.kind = cell::text, .s = s});
        };
        n.op = rnd.pick(ops);
        if (rnd.chance(0.25)) {
          n.op = filter_op::exists;
          bool_operand(n, true);
        } else if (n.op == filter_op::in || n.op == filter_op::nin) {
          list_of(scalar);
        } else if (rnd.chance(0.5)) {
          null_operand(n);
        } else {
          scalar();
        }
        break;
      }
    }
    return n;
  }

  // An id of `target` for a relation condition: an existing one (soft-deleted ones included)
  // or an unknown one.
  void related_id(gnode& n, ent target) {
    if (rnd.chance(0.08)) {
      operand(n, std::string("nope_1"), of(std::string("nope_1")));
      return;
    }
    const cell& c = some_cell(target, 0);
    operand(n, c.s, c);
  }

  gnode relation(ent e, int depth) {
    gnode n{.e = e};
    n.index = static_cast<int>(rnd.below(info(e).relations.size()));
    const ent target = info(e).relations[static_cast<std::size_t>(n.index)].target;
    n.sugar = rnd.between(0, 5);
    if (rnd.chance(0.45)) {
      n.kind = nk::rel_ids;
      if (rnd.chance(0.5)) {
        n.op = filter_op::eq;
        related_id(n, target);
      } else {
        n.op = filter_op::in;
        n.list = true;
        const int k = rnd.between(0, 3);
        for (int i = 0; i < k; ++i) {
          if (rnd.chance(0.05)) {
            null_operand(n);
          } else {
            related_id(n, target);
          }
        }
      }
    } else {
      n.kind = nk::rel_match;
      n.children.push_back(depth >= 2 ? condition(target) : any(target, depth + 1));
    }
    return n;
  }

  gnode search_node(ent e) {
    gnode n{.kind = nk::search, .e = e};
    const auto& fs = info(e).fields;
    std::vector<int> searchable;
    for (std::size_t i = 0; i < fs.size(); ++i)
      if (fs[i].searchable) searchable.push_back(static_cast<int>(i));
    if (searchable.empty() || rnd.chance(0.1)) {
      static const std::vector<std::string> junk{"", "%", "_", "a_b", "100%", "xyz", "O'", "ö"};
      n.text = rnd.pick(junk);
      return n;
    }
    const cell& c = some_cell(e, rnd.pick(searchable));
    n.text = c.kind == cell::null ? std::string("doe") : vary_case(substring(c.s, 6));
    return n;
  }

  gnode any(ent e, int depth) {
    if (depth >= 3) return rnd.chance(0.8) ? condition(e) : relation(e, depth);
    const std::size_t kind = rnd.weighted({40, 14, 10, 7, 14, 9, 6, 2});
    switch (kind) {
      case 0:
        return condition(e);
      case 1:
        return relation(e, depth);
      case 2:
      case 3:
      case 4: {
        gnode n{.kind = kind == 2 ? nk::keys_and : kind == 3 ? nk::all_of : nk::any_of, .e = e};
        n.sugar = rnd.between(0, 1);
        const int count = kind == 2 ? rnd.between(2, 4) : rnd.between(0, 3);
        for (int i = 0; i < count; ++i) n.children.push_back(any(e, depth + 1));
        return n;
      }
      case 5: {
        gnode n{.kind = nk::not_, .e = e};
        n.children.push_back(any(e, depth + 1));
        return n;
      }
      case 6:
        // q is accepted only at the top level (decision D27): root() puts it there.
        return condition(e);
      default:
        return gnode{.e = e};
    }
  }

  // A top-level condition an index or a fast path may serve.
  gnode access_path(ent e) {
    const auto cond = [&](std::string_view field, filter_op op) {
      gnode n{.kind = nk::cond, .e = e, .index = field_index(e, field), .op = op};
      n.sugar = rnd.between(0, 5);
      return n;
    };
    const auto ids_of_field = [&](gnode n, int count) {
      // eq: one value; in: `count` values (existing, sometimes null or unknown)
      if (n.op == filter_op::in) {
        n.list = true;
        for (int i = 0; i < count; ++i) {
          if (rnd.chance(0.05))
            null_operand(n);
          else
            text_operand(n, e, n.index, false);
        }
      } else {
        text_operand(n, e, n.index, false);
      }
      return n;
    };
    const auto eq_or_in = [&] { return rnd.chance(0.5) ? filter_op::eq : filter_op::in; };
    const auto rel = [&](std::string_view name) {
      gnode n{.kind = nk::rel_ids, .e = e};
      for (std::size_t i = 0; i < info(e).relations.size(); ++i)
        if (info(e).relations[i].name == name) n.index = static_cast<int>(i);
      const ent target = info(e).relations[static_cast<std::size_t>(n.index)].target;
      n.op = rnd.chance(0.6) ? filter_op::eq : filter_op::in;
      n.sugar = rnd.between(0, 5);
      if (n.op == filter_op::eq) {
        related_id(n, target);
      } else {
        n.list = true;
        for (int i = rnd.between(0, 3); i > 0; --i) related_id(n, target);
      }
      return n;
    };
    const auto deleted_at = [&] {
      gnode n = cond("deleted_at", rnd.chance(0.6) ? filter_op::ne : filter_op::eq);
      if (rnd.chance(0.8)) {
        null_operand(n);
      } else {
        n.op = filter_op::gt;
        time_operand(n, e, field_index(e, "created_at"), false);
      }
      return n;
    };
    switch (e) {
      case ent::customer:
        switch (rnd.weighted({20, 15, 15, 20, 15, 15})) {
          case 0:
            return ids_of_field(cond("id", eq_or_in()), rnd.between(0, 40));
          case 1:
            return ids_of_field(cond("email", eq_or_in()), rnd.between(0, 4));
          case 2:
            return ids_of_field(cond("company_name", eq_or_in()), rnd.between(0, 3));
          case 3:
            return rel("groups");
          case 4:
            return rnd.chance(0.5) ? rel("addresses") : relation(e, 1);
          default:
            return deleted_at();
        }
      case ent::group:
        switch (rnd.weighted({25, 25, 30, 20})) {
          case 0:
            return ids_of_field(cond("id", eq_or_in()), rnd.between(0, 8));
          case 1:
            return ids_of_field(cond("name", eq_or_in()), rnd.between(0, 4));
          case 2:
            return rel("customers");
          default:
            return deleted_at();
        }
      case ent::address:
        switch (rnd.weighted({40, 40, 20})) {
          case 0:
            return ids_of_field(cond("customer_id", eq_or_in()), rnd.between(0, 5));
          case 1:
            return rnd.chance(0.6) ? rel("customer") : relation(e, 1);
          default:
            return ids_of_field(cond("id", eq_or_in()), rnd.between(0, 30));
        }
      case ent::membership:
        switch (rnd.weighted({30, 20, 20, 20, 10})) {
          case 0:
            return ids_of_field(cond("customer_group_id", eq_or_in()), rnd.between(0, 3));
          case 1:
            return ids_of_field(cond("customer_id", eq_or_in()), rnd.between(0, 5));
          case 2:
            return rel("customer_group");
          case 3:
            return rnd.chance(0.6) ? rel("customer") : relation(e, 1);
          default:
            return ids_of_field(cond("id", eq_or_in()), rnd.between(0, 30));
        }
    }
    return gnode{.e = e};
  }

  // An $or whose branches an index serves (sometimes with a `{}` branch, which is dropped), at
  // the top or beside other conditions: planned as the union of the branches' index lookups.
  gnode or_of_access_paths(ent e) {
    gnode any_of{.kind = nk::any_of, .e = e};
    any_of.sugar = rnd.between(0, 1);
    for (int i = rnd.between(1, 4); i > 0; --i) any_of.children.push_back(access_path(e));
    if (rnd.chance(0.1)) any_of.children.push_back(gnode{.e = e});
    if (rnd.chance(0.5)) return any_of;
    gnode n{.kind = nk::keys_and, .e = e};
    n.children.push_back(std::move(any_of));
    for (int i = rnd.between(1, 2); i > 0; --i) n.children.push_back(any(e, 1));
    std::shuffle(n.children.begin(), n.children.end(), rnd.rng);
    return n;
  }

  gnode root(ent e) {
    const std::size_t shape = rnd.weighted({30, 15, 50, 5});
    if (shape == 3) return gnode{.e = e};
    if (shape == 2) return any(e, 0);
    if (shape == 1) return access_path(e);
    gnode n{.kind = nk::keys_and, .e = e};
    n.children.push_back(access_path(e));
    for (int i = rnd.between(0, 2); i > 0; --i) n.children.push_back(any(e, 1));
    if (rnd.chance(0.15)) n.children.push_back(search_node(e));
    if (rnd.chance(0.1)) n.children.push_back(access_path(e));
    std::shuffle(n.children.begin(), n.children.end(), rnd.rng);
    return n;
  }

  find_config config(ent e) {
    find_config c;
    const auto& fs = info(e).fields;
    for (int k = static_cast<int>(rnd.weighted({50, 30, 20})); k > 0; --k) {
      std::size_t f = rnd.below(fs.size());
      while (fs[f].kind == fkind::json) f = rnd.below(fs.size());
      c.order.emplace_back(std::string(fs[f].name),
                           rnd.chance(0.5) ? sort_direction::asc : sort_direction::desc);
    }
    switch (rnd.weighted({35, 50, 15})) {
      case 0:
        break;
      case 1:
        c.skip = 0;
        break;
      default:
        c.skip = rnd.between(1, 50);
        break;
    }
    if (rnd.chance(0.1)) c.skip = rnd.between(1, 5);
    switch (rnd.weighted({35, 5, 20, 15, 25})) {
      case 0:
        break;
      case 1:
        c.take = 0;
        break;
      case 2:
        c.take = 5;
        break;
      case 3:
        c.take = 15;
        break;
      default:
        c.take = customerdb::null;
        break;
    }
    c.with_deleted = rnd.chance(0.3);
    return c;
  }
};

}  // namespace customerdb::testing::planner
