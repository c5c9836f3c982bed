// The engine's answer beside the oracle's: where they differ, and a failing filter shrunk to a
// smallest one that still differs, with the rows involved shown.
#pragma once

#include <fmt/format.h>

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine/planner/oracle.hpp"

namespace customerdb::testing::planner {

template <class Dto>
outcome as_outcome(const std::vector<Dto>& rows, std::size_t count) {
  return outcome{ids_of(rows), count, {}};
}

// list (counted = false) or list_and_count (true) of entity `e`.
inline outcome run_engine(const customer_module& m, ent e, const filter& f, const find_config& c,
                   bool counted) {
  try {
    switch (e) {
      case ent::customer:
        if (counted) {
          auto [rows, n] = m.list_and_count(f, c);
          return as_outcome(rows, n);
        }
        return as_outcome(m.list(f, c), 0);
      case ent::group:
        if (counted) {
          auto [rows, n] = m.list_and_count_customer_groups(f, c);
          return as_outcome(rows, n);
        }
        return as_outcome(m.list_customer_groups(f, c), 0);
      case ent::address:
        if (counted) {
          auto [rows, n] = m.list_and_count_addresses(f, c);
          return as_outcome(rows, n);
        }
        return as_outcome(m.list_addresses(f, c), 0);
      case ent::membership: {
        // No list_and_count for memberships: count with a second, unpaged call.
        auto rows = m.list_customer_group_customers(f, c);
        if (!counted) return as_outcome(rows, 0);
        find_config all = c;
        all.skip.reset();
        all.take = customerdb::null;
        return as_outcome(rows, m.list_customer_group_customers(f, all).size());
      }
    }
  } catch (const customerdb::error& err) {
    return outcome{{}, 0, fmt::format("{}: {}", to_string(err.code()), err.what())};
  }
  return {};
}

inline std::string show_config(const find_config& c) {
  std::string out = "{skip: " + (c.skip ? std::to_string(*c.skip) : std::string("unset"));
  out += ", take: ";
  out += c.take.has_value() ? std::to_string(c.take.value()) : c.take.is_null() ? "null" : "unset";
  out += ", order: [";
  for (std::size_t i = 0; i < c.order.size(); ++i)
    out += (i ? ", " : "") + c.order[i].first +
           (c.order[i].second == sort_direction::desc ? " desc" : " asc");
  out += "], with_deleted: ";
  out += c.with_deleted ? "true}" : "false}";
  return out;
}

// The ids, at most 20 of them.
inline std::string show_ids(const std::vector<std::string>& ids) {
  std::string out;
  for (std::size_t i = 0; i < ids.size() && i < 20; ++i) out += (i ? "," : "") + ids[i];
  if (ids.size() > 20) out += fmt::format(",... ({} ids)", ids.size());
  return "[" + out + "]";
}

// Both engine calls agree with the oracle; otherwise a description of the difference.
inline std::optional<std::string> difference(const customer_module& m, const oracle_db& db, ent e,
                                      const gnode& root, const find_config& config) {
  const outcome want = run_oracle(db, e, root, config);
  const filter f = to_filter(root);
  const outcome listed = run_engine(m, e, f, config, false);
  const outcome counted = run_engine(m, e, f, config, true);
  std::string out;
  if (!listed.error.empty() || listed.ids != want.ids)
    out += fmt::format("  list:           {} {}\n", show_ids(listed.ids), listed.error);
  if (!counted.error.empty() || counted.ids != want.ids || counted.count != want.count)
    out += fmt::format("  list_and_count: {} count {} {}\n", show_ids(counted.ids), counted.count,
                       counted.error);
  if (out.empty()) return std::nullopt;
  return fmt::format("  oracle:         {} count {}\n", show_ids(want.ids), want.count) + out;
}

// Smaller variants of `n` (same entity): a child in its place, a child or operand left out,
// `{}`, or a smaller child.
inline std::vector<gnode> shrink(const gnode& n) {
  std::vector<gnode> out;
  if (n.kind != nk::empty) out.push_back(gnode{.e = n.e});
  switch (n.kind) {
    case nk::keys_and:
    case nk::all_of:
    case nk::any_of:
      for (std::size_t i = 0; i < n.children.size(); ++i) {
        out.push_back(n.children[i]);
        gnode without = n;
        without.children.erase(without.children.begin() + static_cast<std::ptrdiff_t>(i));
        out.push_back(std::move(without));
      }
      break;
    case nk::not_:
      out.push_back(n.children[0]);
      break;
    case nk::cond:
    case nk::rel_ids:
      if (n.list) {
        for (std::size_t i = 0; i < n.operands.size(); ++i) {
          gnode without = n;
          without.operands.erase(without.operands.begin() + static_cast<std::ptrdiff_t>(i));
          without.expected.erase(without.expected.begin() + static_cast<std::ptrdiff_t>(i));
          out.push_back(std::move(without));
        }
      }
      break;
    default:
      break;
  }
  for (std::size_t i = 0; i < n.children.size(); ++i) {
    for (auto& smaller : shrink(n.children[i])) {
      gnode copy = n;
      copy.children[i] = std::move(smaller);
      out.push_back(std::move(copy));
    }
  }
  return out;
}

// Shrinks a failing (filter, config) while it still fails.
inline void minimize(const customer_module& m, const oracle_db& db, ent e, gnode& root,
              find_config& config) {
  for (int budget = 250; budget > 0;) {
    bool progress = false;
    std::vector<find_config> configs;
    if (!config.order.empty()) {
      for (std::size_t i = 0; i < config.order.size(); ++i) {
        auto c = config;
        c.order.erase(c.order.begin() + static_cast<std::ptrdiff_t>(i));
        configs.push_back(std::move(c));
      }
    }
    if (config.skip && *config.skip != 0) {
      auto c = config;
      c.skip.reset();
      configs.push_back(std::move(c));
    }
    if (!config.take.is_null()) {
      auto c = config;
      c.take = customerdb::null;
      configs.push_back(std::move(c));
    }
    if (config.with_deleted) {
      auto c = config;
      c.with_deleted = false;
      configs.push_back(std::move(c));
    }
    for (auto& c : configs) {
      if (--budget <= 0) break;
      if (difference(m, db, e, root, c)) {
        config = std::move(c);
        progress = true;
        break;
      }
    }
    if (progress) continue;
    for (auto& smaller : shrink(root)) {
      if (--budget <= 0) break;
      if (difference(m, db, e, smaller, config)) {
        root = std::move(smaller);
        progress = true;
        break;
      }
    }
    if (!progress) break;
  }
}

inline std::string show_cell(const cell& c) {
  switch (c.kind) {
    case cell::null:
      return "null";
    case cell::text:
      return quote(c.s);
    case cell::boolean:
      return c.b ? "true" : "false";
    case cell::time:
      return to_iso8601(c.t);
    case cell::json:
      return "{...}";
  }
  return "?";
}

inline std::string show_row(const oracle_db& db, ent e, std::size_t row) {
  const table& t = db.of(e);
  const auto& fs = info(e).fields;
  std::string out = "{";
  for (std::size_t i = 0; i < fs.size(); ++i)
    out += (i ? ", " : "") + std::string(fs[i].name) + ": " + show_cell(t.rows[row][i]);
  for (std::size_t r = 0; r < info(e).relations.size(); ++r) {
    const auto& rel = info(e).relations[r];
    out += ", " + std::string(rel.name) + ": [";
    const auto& rs = t.related[r][row];
    for (std::size_t k = 0; k < rs.size(); ++k) {
      out += (k ? ", " : "") + db.of(rel.target).id(rs[k]);
      if (info(rel.target).soft_deletable && db.of(rel.target).deleted[rs[k]]) out += " (deleted)";
    }
    out += "]";
  }
  return out + "}";
}

}  // namespace customerdb::testing::planner
