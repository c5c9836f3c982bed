// A randomized test of the query planner: index access paths (id, email, company_name, group
// name, relation ids, customer_id / customer_group_id), the ranked id pages, the walk over one
// group's members, early stops, ordering and paging are checked against a plain
// scan-and-filter oracle written here from the documented semantics (docs/protocol.md "Filters",
// decisions D9, D12, D13, D16, D17, D20, D24, D25, D28 and docs/medusa-compatibility.md):
//
//   - SQL three-valued logic: a comparison with NULL is unknown, NOT unknown is unknown, only
//     rows whose filter is true are returned; `== null` is IS NULL and `!= null` IS NOT NULL;
//     `$exists: true` is IS NOT NULL (on a metadata column, any operand but null); `x IN (a,
//     NULL)` is unknown unless x = a; an empty IN is false and an empty NOT IN true; a metadata
//     object follows any scalar operand (jsonb's order);
//   - a relation condition means "has at least one related row that matches" (never unknown),
//     soft-deleted related rows included; a row with no related row is matched as a left join
//     matches it: against a related row of nulls; under $not (an odd number of them, through
//     $and and $or by De Morgan's laws) it means "has a related row (or the row of nulls) for
//     which the condition is false", as Medusa applies NOT to each joined row;
//   - a sub-filter that is no condition (`{}`, an $and or $or of nothing else, $not of one, an
//     empty q) inside $and / $or is dropped, and an $and or $or with nothing left is no
//     condition;
//   - q: a case-insensitive literal substring over the searchable fields, i.e. the OR of
//     `field ILIKE %q%` over them (unknown when nothing matches and a field is NULL); an empty
//     q matches everything and q has no effect on memberships (no searchable fields);
//   - LIKE: `%` any run of characters, `_` exactly one character; ILIKE folds case;
//   - soft-deleted customers and groups are hidden unless with_deleted or a deleted_at
//     condition anywhere in the filter; order keys in order with nulls last ascending and first
//     descending, text by bytes, ties by id ascending; take 15 by default unless the filter
//     has a top-level id condition other than equality with null or "", null for no limit;
//     skip only together with a limit.
//
// The data is built through the public API with a fixed seed and read back once with
// list(..., {take: null, with_deleted: true}); the oracle only ever looks at that copy.
#include <fmt/format.h>

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include "customerdb/customerdb.hpp"
#include "support/check.hpp"
#include "support/helpers.hpp"

namespace {

using namespace customerdb;
using namespace customerdb::testing;
using std::chrono::milliseconds;

using opt_str = std::optional<std::string>;

// ---- Text: UTF-8, case folding and LIKE, as documented ------------------------------------

std::u32string decode_utf8(std::string_view s) {
  std::u32string out;
  for (std::size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    const int extra = b >= 0xF0 ? 3 : b >= 0xE0 ? 2 : b >= 0xC0 ? 1 : 0;
    char32_t cp = extra == 0 ? b : (b & (0x3F >> extra));
    for (int k = 1; k <= extra && i + static_cast<std::size_t>(k) < s.size(); ++k)
      cp = (cp << 6) | (static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]) & 0x3F);
    out.push_back(cp);
    i += static_cast<std::size_t>(extra) + 1;
  }
  return out;
}

std::string encode_utf8(std::u32string_view cps) {
  static constexpr unsigned char lead[] = {0x00, 0xC0, 0xE0, 0xF0};
  std::string out;
  for (const char32_t c : cps) {
    const int extra = c < 0x80 ? 0 : c < 0x800 ? 1 : c < 0x10000 ? 2 : 3;
    out.push_back(static_cast<char>(lead[extra] | (c >> (6 * extra))));
    for (int k = extra - 1; k >= 0; --k)
      out.push_back(static_cast<char>(0x80 | ((c >> (6 * k)) & 0x3F)));
  }
  return out;
}

// The lower case of a capital of ASCII, Latin-1, Latin Extended-A, Greek or Cyrillic (the
// documented folding, "Case folding" in docs/medusa-compatibility.md); other code points are
// returned as they are.
char32_t fold_cp(char32_t c) {
  if (c >= 'A' && c <= 'Z') return c + 0x20;
  if (c >= 0xC0 && c <= 0xDE && c != 0xD7) return c + 0x20;  // Latin-1
  if (c == 0x130) return 'i';                                // İ -> i
  if (c == 0x178) return 0xFF;                               // Ÿ -> ÿ
  if ((c >= 0x100 && c <= 0x12F) || (c >= 0x132 && c <= 0x137) || (c >= 0x14A && c <= 0x177))
    return c % 2 == 0 ? c + 1 : c;
  if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E)) return c % 2 == 1 ? c + 1 : c;
  if (c == 0x386) return 0x3AC;  // Greek with tonos
  if (c >= 0x388 && c <= 0x38A) return c + 0x25;
  if (c == 0x38C) return 0x3CC;
  if (c == 0x38E || c == 0x38F) return c + 0x3F;
  if (c >= 0x391 && c <= 0x3AB && c != 0x3A2) return c + 0x20;  // Greek
  if (c >= 0x400 && c <= 0x40F) return c + 0x50;                // Cyrillic Ѐ..Џ
  if (c >= 0x410 && c <= 0x42F) return c + 0x20;                // Cyrillic А..Я
  if ((c >= 0x460 && c <= 0x481) || (c >= 0x48A && c <= 0x4BF) || (c >= 0x4D0 && c <= 0x52F))
    return c % 2 == 0 ? c + 1 : c;
  if (c == 0x4C0) return 0x4CF;                                 // Ӏ
  if (c >= 0x4C1 && c <= 0x4CE) return c % 2 == 1 ? c + 1 : c;  // Ӂ..Ӎ
  return c;
}

std::u32string fold_cps(std::u32string s) {
  for (auto& c : s) c = fold_cp(c);
  return s;
}

std::string fold(std::string_view s) { return encode_utf8(fold_cps(decode_utf8(s))); }

// The capitals the random data may switch to when it varies case: those with a plain
// one-to-one pairing (ASCII, Latin-1, Latin Extended-A but Ÿ, the Greek and Cyrillic base
// alphabets). Accented Greek capitals, Ÿ and the extended Cyrillic capitals are covered by
// their own test case below.
const std::map<char32_t, char32_t>& upper_of() {
  static const std::map<char32_t, char32_t> m = [] {
    std::map<char32_t, char32_t> out;
    const auto add = [&](char32_t from, char32_t to) {
      for (char32_t c = from; c <= to; ++c)
        if (fold_cp(c) != c) out.emplace(fold_cp(c), c);
    };
    add('A', 'Z');
    add(0xC0, 0xDE);
    add(0x100, 0x177);
    add(0x179, 0x17E);
    add(0x391, 0x3A9);
    add(0x400, 0x42F);
    return out;
  }();
  return m;
}

// SQL LIKE over code points: `%` any run, `_` exactly one (decision D17).
bool like(std::string_view text, std::string_view pattern, bool ignore_case) {
  std::u32string t = decode_utf8(text), p = decode_utf8(pattern);
  if (ignore_case) {
    t = fold_cps(std::move(t));
    p = fold_cps(std::move(p));
  }
  // match[j]: p[0..j) matches t[0..i).
  std::vector<char> match(p.size() + 1, 0), next(p.size() + 1, 0);
  match[0] = 1;
  for (std::size_t j = 1; j <= p.size() && p[j - 1] == U'%'; ++j) match[j] = 1;
  for (std::size_t i = 1; i <= t.size(); ++i) {
    std::fill(next.begin(), next.end(), 0);
    for (std::size_t j = 1; j <= p.size(); ++j) {
      if (p[j - 1] == U'%') {
        next[j] = next[j - 1] || match[j];
      } else if (p[j - 1] == U'_' || p[j - 1] == t[i - 1]) {
        next[j] = match[j - 1];
      }
    }
    std::swap(match, next);
  }
  return match[p.size()] != 0;
}

// ---- Timestamps ---------------------------------------------------------------------------

// ISO 8601 written by hand: 0 "...T10:00:00.000Z", 1 the same time at +02:00, 2 without
// milliseconds when they are zero.
std::string iso(timestamp t, int variant) {
  const timestamp shown = variant == 1 ? t + std::chrono::hours{2} : t;
  const auto day = std::chrono::floor<std::chrono::days>(shown);
  const std::chrono::year_month_day ymd{day};
  const std::chrono::hh_mm_ss<milliseconds> hms{shown - day};
  std::string out = fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", int(ymd.year()),
                                unsigned(ymd.month()), unsigned(ymd.day()), hms.hours().count(),
                                hms.minutes().count(), hms.seconds().count());
  const auto ms = hms.subseconds().count();
  if (variant != 2 || ms != 0) out += fmt::format(".{:03}", ms);
  out += variant == 1 ? "+02:00" : "Z";
  return out;
}

// ---- The schema as the oracle knows it -------------------------------------------------------

enum class ent : int { customer = 0, group = 1, address = 2, membership = 3 };
enum class fkind { text, default_id, boolean, time, json };

struct field_info {
  std::string_view name;
  fkind kind;
  bool searchable;
};
struct relation_info {
  std::string_view name;
  ent target;
};
struct entity_info {
  std::string_view name;
  std::vector<field_info> fields;  // fields[0] is id
  std::vector<relation_info> relations;
  bool soft_deletable;
};

const entity_info& info(ent e) {
  using enum fkind;
  static const entity_info customers{"customer",
                                     {{"id", text, false},
                                      {"company_name", text, true},
                                      {"first_name", text, true},
                                      {"last_name", text, true},
                                      {"email", text, true},
                                      {"phone", text, true},
                                      {"has_account", boolean, false},
                                      {"metadata", json, false},
                                      {"created_by", text, false},
                                      {"default_billing_address_id", default_id, false},
                                      {"default_shipping_address_id", default_id, false},
                                      {"created_at", time, false},
                                      {"updated_at", time, false},
                                      {"deleted_at", time, false}},
                                     {{"groups", ent::group}, {"addresses", ent::address}},
                                     true};
  static const entity_info groups{"group",
                                  {{"id", text, false},
                                   {"name", text, true},
                                   {"metadata", json, false},
                                   {"created_by", text, false},
                                   {"created_at", time, false},
                                   {"updated_at", time, false},
                                   {"deleted_at", time, false}},
                                  {{"customers", ent::customer}},
                                  true};
  static const entity_info addresses{"address",
                                     {{"id", text, false},
                                      {"customer_id", text, false},
                                      {"address_name", text, true},
                                      {"is_default_shipping", boolean, false},
                                      {"is_default_billing", boolean, false},
                                      {"company", text, true},
                                      {"first_name", text, true},
                                      {"last_name", text, true},
                                      {"address_1", text, true},
                                      {"address_2", text, true},
                                      {"city", text, true},
                                      {"country_code", text, false},
                                      {"province", text, true},
                                      {"postal_code", text, true},
                                      {"phone", text, false},
                                      {"metadata", json, false},
                                      {"created_at", time, false},
                                      {"updated_at", time, false}},
                                     {{"customer", ent::customer}},
                                     false};
  static const entity_info memberships{
      "membership",
      {{"id", text, false},
       {"customer_id", text, false},
       {"customer_group_id", text, false},
       {"metadata", json, false},
       {"created_by", text, false},
       {"created_at", time, false},
       {"updated_at", time, false}},
      {{"customer", ent::customer}, {"customer_group", ent::group}},
      false};
  switch (e) {
    case ent::customer:
      return customers;
    case ent::group:
      return groups;
    case ent::address:
      return addresses;
    case ent::membership:
      return memberships;
  }
  return customers;
}

int field_index(ent e, std::string_view name) {
  const auto& fs = info(e).fields;
  for (std::size_t i = 0; i < fs.size(); ++i)
    if (fs[i].name == name) return static_cast<int>(i);
  BOOST_FAIL("no field " << name);
  return -1;
}

// ---- The oracle's copy of the data ----------------------------------------------------------

struct cell {
  enum kind_t : unsigned char { null, text, boolean, time, json } kind = null;
  std::string s{};
  bool b = false;
  timestamp t{};
};

cell of(const opt_str& s) { return s ? cell{.kind = cell::text, .s = *s} : cell{}; }
cell of(const std::string& s) { return cell{.kind = cell::text, .s = s}; }
cell of(bool b) { return cell{.kind = cell::boolean, .b = b}; }
cell of(timestamp t) { return cell{.kind = cell::time, .t = t}; }
cell of(const std::optional<timestamp>& t) { return t ? of(*t) : cell{}; }
cell of(const std::optional<metadata>& m) { return m ? cell{.kind = cell::json} : cell{}; }

struct table {
  std::vector<std::vector<cell>> rows;  // by field index
  std::vector<char> deleted;
  std::vector<std::vector<std::vector<std::size_t>>> related;  // [relation][row] -> rows
  std::unordered_map<std::string, std::size_t> by_id;

  const std::string& id(std::size_t row) const { return rows[row][0].s; }
};

struct oracle_db {
  table tables[4];
  const table& of(ent e) const { return tables[static_cast<int>(e)]; }
  table& of(ent e) { return tables[static_cast<int>(e)]; }
};

// ---- Generated filters ----------------------------------------------------------------------

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

std::string_view name_of(const gnode& n) {
  return n.kind == nk::cond ? info(n.e).fields[static_cast<std::size_t>(n.index)].name
                            : info(n.e).relations[static_cast<std::size_t>(n.index)].name;
}

std::string quote(const std::string& s) { return "\"" + s + "\""; }

std::string show_value(const value& v) {
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

std::string_view op_name(filter_op op) {
  // In the order of filter_op.
  static constexpr std::string_view names[] = {"==", "!=", "in",   "not_in", ">",  ">=",
                                               "<",  "<=", "like", "ilike",  "re", "exists"};
  static_assert(std::size(names) == static_cast<std::size_t>(filter_op::exists) + 1);
  return names[static_cast<std::size_t>(op)];
}

std::string to_string(const gnode& n) {
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

filter to_filter(const gnode& n) {
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

// ---- The oracle ------------------------------------------------------------------------------

enum class tri { no, yes, unknown };
tri truth(bool b) { return b ? tri::yes : tri::no; }

// Orders two non-null cells of one kind; a metadata object follows any scalar operand, as
// jsonb orders an object after every scalar.
int compare(const cell& a, const cell& b) {
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
tri eval_condition(const cell& c, filter_op op, const std::vector<cell>& operands,
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
void top_level(const gnode& n, std::vector<const gnode*>& out) {
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
bool names_anywhere(const gnode& n, std::string_view field) {
  if (n.kind == nk::cond && name_of(n) == field) return true;
  return std::any_of(n.children.begin(), n.children.end(),
                     [&](const gnode& c) { return names_anywhere(c, field); });
}

outcome run_oracle(const oracle_db& db, ent e, const gnode& root, const find_config& config) {
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

// ---- The engine ------------------------------------------------------------------------------

template <class Dto>
outcome as_outcome(const std::vector<Dto>& rows, std::size_t count) {
  return outcome{ids_of(rows), count, {}};
}

// list (counted = false) or list_and_count (true) of entity `e`.
outcome run_engine(const customer_module& m, ent e, const filter& f, const find_config& c,
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

std::string show_config(const find_config& c) {
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
std::string show_ids(const std::vector<std::string>& ids) {
  std::string out;
  for (std::size_t i = 0; i < ids.size() && i < 20; ++i) out += (i ? "," : "") + ids[i];
  if (ids.size() > 20) out += fmt::format(",... ({} ids)", ids.size());
  return "[" + out + "]";
}

// Both engine calls agree with the oracle; otherwise a description of the difference.
std::optional<std::string> difference(const customer_module& m, const oracle_db& db, ent e,
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
std::vector<gnode> shrink(const gnode& n) {
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
void minimize(const customer_module& m, const oracle_db& db, ent e, gnode& root,
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

std::string show_cell(const cell& c) {
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

std::string show_row(const oracle_db& db, ent e, std::size_t row) {
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

// ---- Random data -----------------------------------------------------------------------------

struct random_source {
  std::mt19937_64 rng;

  explicit random_source(std::uint64_t seed) : rng(seed) {}
  std::size_t below(std::size_t n) {
    return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng);
  }
  int between(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); }
  bool chance(double p) { return std::bernoulli_distribution(p)(rng); }
  template <class T>
  const T& pick(const std::vector<T>& v) {
    return v[below(v.size())];
  }
  // An index drawn with the given weights.
  std::size_t weighted(std::initializer_list<int> weights) {
    int total = 0;
    for (int w : weights) total += w;
    int x = between(0, total - 1);
    std::size_t i = 0;
    for (int w : weights) {
      if (x < w) return i;
      x -= w;
      ++i;
    }
    return i - 1;
  }
};

const opt_str null_s{};

// Name pools: mixed case, `%` and `_`, empty strings, non-ASCII letters, nulls.
const std::vector<opt_str> first_names{
    "John",    "john",  "JOHN",   "Jane",   "jane",   "Ann_a", "Anna",  "anna",  "Émile",
    "émile",   "ÉMILE", "Łukasz", "ŁUKASZ", "łukasz", "Σοφία", "ΣΟΦΙΑ", "σοφια", "Дмитрий",
    "ДМИТРИЙ", "Ёлка",  "ёлка",   "Jo%n",   "50%",    "a_b",   "_",     "%",     "",
    "Zoë",     "Bob",   null_s,   null_s,   null_s,   null_s};
const std::vector<opt_str> last_names{
    "Doe",    "DOE",          "doe",  "Smith", "smith", "SMITH", "O'Brien", "Müller", "MÜLLER",
    "müller", "van_der_Berg", "100%", "Núñez", "NÚÑEZ", "Øster", "øster",   "Иванов", "ИВАНОВ",
    "",       null_s,         null_s, null_s,  null_s};
const std::vector<opt_str> companies{"Acme",        "ACME",     "acme",     "Acme Inc", "Globex",
                                     "100% Cotton", "a_b corp", "A_B Corp", "Initech",  "Ωmega",
                                     "ωmega",       "Зенит",    "ЗЕНИТ",    "",         null_s,
                                     null_s,        null_s,     null_s,     null_s};
const std::vector<opt_str> phones{"555-1000", "555_1000", "+45 1234 5678", "(555) 100%",
                                  null_s,     null_s,     null_s};
const std::vector<opt_str> creators{"admin", "Admin", "system", "", null_s, null_s, null_s};
const std::vector<opt_str> address_names{"Home",       "home", "HOME", "Work", "HQ_1",
                                         "Summer 50%", "",     null_s, null_s, null_s};
const std::vector<opt_str> streets{"Main Street 1", "main street 1", "Elm_2", "Øster Allé 5",
                                   "Тверская 7",    "ТВЕРСКАЯ 7",    null_s};
const std::vector<opt_str> streets2{"Apt 5", "apt 5", "c/o Ann", null_s, null_s, null_s, null_s};
const std::vector<opt_str> cities{"Oslo",   "OSLO",  "oslo",  "København", "KØBENHAVN", "Москва",
                                  "МОСКВА", "Paris", "Αθήνα", null_s,      null_s};
const std::vector<opt_str> countries{"DK", "dk", "US", "NO", "no", null_s};
const std::vector<opt_str> provinces{"Capital Region", "capital region", "Île-de-France",
                                     null_s,           null_s,           null_s};
const std::vector<opt_str> postal_codes{"1000", "10%0", "2100", "0150", "NW1_6XE", null_s, null_s};
const std::vector<opt_str> group_names{
    "VIP",      "vip",    "Regular",      "Wholesale", "B2B_EU", "B2B%",   "50% off", "Ωmega club",
    "Группа",   "ГРУППА", "Gold",         "gold",      "Silver", "Bronze", "Staff",   "Press",
    "Partners", "Beta",   "beta_testers", "EU",        "US",     "",       "Empty",   "Émigrés"};

std::vector<std::string> email_pool() {
  std::vector<std::string> out{"john@doe.com",     "JOHN@doe.com",  "jane@doe.com",
                               "j_ne@doe.com",     "a%b@x.com",     "émile@exemple.fr",
                               "ÉMILE@exemple.fr", "ann.lee@x.com", "Ann.Lee@X.com"};
  for (int i = 0; i < 150; ++i) out.push_back(fmt::format("user{}@shop{}.com", i, i % 3));
  return out;
}

metadata tier(std::string_view t) {
  metadata m;
  m["tier"] = t;
  return m;
}

struct sizes {
  int customers;
  int filters;  // customers
  int group_filters;
  int address_filters;
  int membership_filters;
};

// Builds the data through the public API.
void populate(customer_module& m, manual_clock& clock, random_source& rnd, const sizes& n) {
  const auto tick = [&] {
    static const std::vector<milliseconds> steps{milliseconds{0},    milliseconds{0},
                                                 milliseconds{1},    milliseconds{7},
                                                 milliseconds{1000}, milliseconds{60000}};
    clock.advance(rnd.pick(steps));
  };

  // Groups: 24, then 6 soft-deleted, then 6 more (some reusing the names of deleted ones).
  std::vector<std::string> groups;
  std::vector<opt_str> names(group_names.begin(), group_names.end());
  std::shuffle(names.begin(), names.end(), rnd.rng);
  names[3].reset();
  names[9].reset();  // two groups without a name
  std::vector<create_customer_group_dto> batch;
  for (std::size_t i = 0; i < 24; ++i) {
    create_customer_group_dto g;
    g.name = names[i];
    if (rnd.chance(0.3)) g.metadata = tier("gold");
    g.created_by = rnd.pick(creators);
    batch.push_back(std::move(g));
    if (batch.size() >= static_cast<std::size_t>(rnd.between(1, 4))) {
      for (const auto& created : m.create_customer_group(batch)) groups.push_back(created.id);
      batch.clear();
      tick();
    }
  }
  if (!batch.empty())
    for (const auto& created : m.create_customer_group(batch)) groups.push_back(created.id);
  std::vector<std::string> deleted_groups;
  for (std::size_t i = 1; deleted_groups.size() < 6; i += 3) deleted_groups.push_back(groups[i]);
  for (const auto& g : deleted_groups) {
    tick();
    m.soft_delete_customer_groups(std::vector<std::string>{g});
  }
  for (std::size_t i = 0; i < 6; ++i) {
    tick();
    create_customer_group_dto g;
    // Groups 1, 7, 13 were deleted: reuse their names.
    g.name = i < 3 ? names[1 + 6 * i] : opt_str(fmt::format("Extra_{}", i));
    groups.push_back(m.create_customer_group(g).id);
  }
  const std::string big_group = groups[0];  // ~30% of the customers

  // Customers in batches (one created_at per batch), with addresses; ~10% soft-deleted along
  // the way, which frees their (email, has_account) for later customers.
  const auto emails = email_pool();
  std::set<std::pair<std::string, bool>> taken;  // live (email, has_account)
  struct live_customer {
    std::string id;
    opt_str email;
    bool has_account;
    bool default_shipping = false, default_billing = false;
  };
  std::vector<live_customer> live;
  std::vector<std::string> all_customers;
  const auto soft_delete_some = [&](int count) {
    for (int k = 0; k < count && !live.empty(); ++k) {
      const std::size_t i = rnd.below(live.size());
      if (live[i].email) taken.erase({*live[i].email, live[i].has_account});
      m.soft_delete(live[i].id);
      live.erase(live.begin() + static_cast<std::ptrdiff_t>(i));
    }
  };
  const int target_deleted = n.customers / 10;
  int deleted = 0;
  while (static_cast<int>(all_customers.size()) < n.customers) {
    tick();
    const int size =
        std::min(rnd.between(1, 25), n.customers - static_cast<int>(all_customers.size()));
    std::vector<create_customer_dto> dtos;
    std::set<std::pair<std::string, bool>> in_batch;
    for (int k = 0; k < size; ++k) {
      create_customer_dto d;
      d.has_account = rnd.chance(0.3);
      if (rnd.chance(0.6)) {
        const std::string& e = rnd.chance(0.4) ? emails[rnd.below(9)] : rnd.pick(emails);
        if (!taken.count({e, d.has_account}) && in_batch.insert({e, d.has_account}).second)
          d.email = e;
      }
      d.first_name = rnd.pick(first_names);
      d.last_name = rnd.pick(last_names);
      d.company_name = rnd.pick(companies);
      d.phone = rnd.pick(phones);
      if (rnd.chance(0.2)) d.metadata = tier(rnd.chance(0.5) ? "gold" : "silver");
      d.created_by = rnd.pick(creators);
      if (rnd.chance(0.9)) {
        const std::size_t count = rnd.weighted({15, 25, 30, 20, 10});
        const int shipping = rnd.chance(0.5) ? static_cast<int>(rnd.below(count + 1)) : -1;
        const int billing = rnd.chance(0.5) ? static_cast<int>(rnd.below(count + 1)) : -1;
        std::vector<create_customer_address_dto> addresses;
        for (std::size_t a = 0; a < count; ++a) {
          create_customer_address_dto ad;
          ad.address_name = rnd.pick(address_names);
          ad.is_default_shipping = static_cast<int>(a) == shipping;
          ad.is_default_billing = static_cast<int>(a) == billing;
          ad.company = rnd.pick(companies);
          ad.first_name = rnd.pick(first_names);
          ad.last_name = rnd.pick(last_names);
          ad.address_1 = rnd.pick(streets);
          ad.address_2 = rnd.pick(streets2);
          ad.city = rnd.pick(cities);
          ad.country_code = rnd.pick(countries);
          ad.province = rnd.pick(provinces);
          ad.postal_code = rnd.pick(postal_codes);
          ad.phone = rnd.pick(phones);
          if (rnd.chance(0.1)) ad.metadata = tier("x");
          addresses.push_back(std::move(ad));
        }
        d.addresses = std::move(addresses);
      }
      dtos.push_back(std::move(d));
    }
    const auto created = m.create(dtos);
    for (std::size_t k = 0; k < created.size(); ++k) {
      live_customer c{
          .id = created[k].id, .email = dtos[k].email, .has_account = dtos[k].has_account};
      if (dtos[k].addresses) {
        for (const auto& a : *dtos[k].addresses) {
          c.default_shipping = c.default_shipping || a.is_default_shipping;
          c.default_billing = c.default_billing || a.is_default_billing;
        }
      }
      if (c.email) taken.insert({*c.email, c.has_account});
      all_customers.push_back(c.id);
      live.push_back(std::move(c));
    }
    if (deleted < target_deleted / 2 && rnd.chance(0.3)) {
      const int k = rnd.between(1, 3);
      soft_delete_some(k);
      deleted += k;
    }
  }

  // Memberships: one big group, the others random; batches with their own created_at.
  std::vector<group_customer_pair> pairs;
  for (const auto& c : all_customers) {
    if (rnd.chance(0.3)) pairs.push_back({c, big_group});
    const std::size_t count = rnd.weighted({35, 35, 20, 10});
    for (std::size_t k = 0; k < count; ++k)
      pairs.push_back({c, groups[1 + rnd.below(groups.size() - 2)]});
    // (the last group stays empty)
  }
  std::shuffle(pairs.begin(), pairs.end(), rnd.rng);
  for (std::size_t i = 0; i < pairs.size(); i += 150) {
    tick();
    const std::size_t end = std::min(pairs.size(), i + 150);
    m.add_customer_to_group(std::span<const group_customer_pair>(pairs.data() + i, end - i));
  }

  // More addresses, added later (other created_at), keeping one default of each kind.
  std::vector<create_customer_address_dto> extra;
  for (int k = 0; k < n.customers / 10; ++k) {
    auto& c = live[rnd.below(live.size())];
    create_customer_address_dto ad;
    ad.customer_id = c.id;
    ad.address_name = rnd.pick(address_names);
    if (!c.default_shipping && rnd.chance(0.5)) ad.is_default_shipping = c.default_shipping = true;
    if (!c.default_billing && rnd.chance(0.5)) ad.is_default_billing = c.default_billing = true;
    ad.city = rnd.pick(cities);
    ad.postal_code = rnd.pick(postal_codes);
    ad.company = rnd.pick(companies);
    extra.push_back(std::move(ad));
    if (extra.size() >= 20) {
      tick();
      m.add_addresses(extra);
      extra.clear();
    }
  }
  if (!extra.empty()) m.add_addresses(extra);

  // Some updates (updated_at moves), then the rest of the soft deletes.
  for (int k = 0; k < n.customers / 20; ++k) {
    tick();
    const opt_str& phone = rnd.pick(phones);
    customer_updatable_fields change;
    if (phone) {
      change.phone = *phone;
    } else {
      change.phone = customerdb::null;
    }
    m.update(rnd.pick(live).id, change);
  }
  while (deleted < target_deleted) {
    tick();
    soft_delete_some(1);
    ++deleted;
  }
}

// Reads everything back into the oracle's tables.
oracle_db snapshot(const customer_module& m) {
  find_config all;
  all.take = customerdb::null;
  all.with_deleted = true;
  const auto customers = m.list({}, all);
  const auto groups = m.list_customer_groups({}, all);
  const auto addresses = m.list_addresses({}, all);
  const auto memberships = m.list_customer_group_customers({}, all);

  oracle_db db;
  const auto add = [&](ent e, std::vector<cell> row, bool deleted) {
    table& t = db.of(e);
    t.by_id.emplace(row[0].s, t.rows.size());
    t.rows.push_back(std::move(row));
    t.deleted.push_back(deleted ? 1 : 0);
  };
  // Derived default address ids (D9), from the address flags.
  std::unordered_map<std::string, std::string> default_billing, default_shipping;
  for (const auto& a : addresses) {
    if (a.is_default_billing) BOOST_REQUIRE(default_billing.emplace(a.customer_id, a.id).second);
    if (a.is_default_shipping) BOOST_REQUIRE(default_shipping.emplace(a.customer_id, a.id).second);
  }
  const auto derived = [](const auto& map, const std::string& id) {
    auto it = map.find(id);
    return it == map.end() ? opt_str{} : opt_str{it->second};
  };
  for (const auto& c : customers) {
    const opt_str billing = derived(default_billing, c.id),
                  shipping = derived(default_shipping, c.id);
    BOOST_CHECK_EQUAL(show(c.default_billing_address_id), show(billing));
    BOOST_CHECK_EQUAL(show(c.default_shipping_address_id), show(shipping));
    add(ent::customer,
        {of(c.id), of(c.company_name), of(c.first_name), of(c.last_name), of(c.email), of(c.phone),
         of(c.has_account), of(c.metadata), of(c.created_by), of(billing), of(shipping),
         of(c.created_at), of(c.updated_at), of(c.deleted_at)},
        c.deleted_at.has_value());
  }
  for (const auto& g : groups)
    add(ent::group,
        {of(g.id), of(g.name), of(g.metadata), of(g.created_by), of(g.created_at), of(g.updated_at),
         of(g.deleted_at)},
        g.deleted_at.has_value());
  for (const auto& a : addresses)
    add(ent::address,
        {of(a.id), of(a.customer_id), of(a.address_name), of(a.is_default_shipping),
         of(a.is_default_billing), of(a.company), of(a.first_name), of(a.last_name),
         of(a.address_1), of(a.address_2), of(a.city), of(a.country_code), of(a.province),
         of(a.postal_code), of(a.phone), of(a.metadata), of(a.created_at), of(a.updated_at)},
        false);
  for (const auto& mb : memberships)
    add(ent::membership,
        {of(mb.id), of(mb.customer_id), of(mb.customer_group_id), of(mb.metadata),
         of(mb.created_by), of(mb.created_at), of(mb.updated_at)},
        false);

  for (int e = 0; e < 4; ++e) {
    table& t = db.tables[e];
    t.related.assign(info(static_cast<ent>(e)).relations.size(),
                     std::vector<std::vector<std::size_t>>(t.rows.size()));
  }
  table& cs = db.of(ent::customer);
  table& gs = db.of(ent::group);
  table& as = db.of(ent::address);
  table& ms = db.of(ent::membership);
  for (std::size_t r = 0; r < ms.rows.size(); ++r) {
    const std::size_t c = cs.by_id.at(ms.rows[r][1].s);
    const std::size_t g = gs.by_id.at(ms.rows[r][2].s);
    ms.related[0][r] = {c};
    ms.related[1][r] = {g};
    cs.related[0][c].push_back(g);
    gs.related[0][g].push_back(c);
  }
  for (auto* t : {&cs, &gs})
    for (auto& rs : t->related[0]) {
      std::sort(rs.begin(), rs.end());
      rs.erase(std::unique(rs.begin(), rs.end()), rs.end());
    }
  for (std::size_t r = 0; r < as.rows.size(); ++r) {
    const std::size_t c = cs.by_id.at(as.rows[r][1].s);
    as.related[0][r] = {c};
    cs.related[1][c].push_back(r);
  }
  return db;
}

// ---- Random filters --------------------------------------------------------------------------

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

// How a planner can serve a filter: every row (a page of the id order), one group's members in
// id order, an index lookup on a top-level equality or `in`, or a scan. Counted to show that
// the random filters reach each of them.
std::string_view access_shape(ent e, const gnode& root, const find_config& config) {
  std::vector<const gnode*> top;
  top_level(root, top);
  if (std::all_of(top.begin(), top.end(), [](const gnode* n) { return n->kind == nk::empty; }))
    return config.order.empty() ? "all rows, id order" : "all rows, sorted";
  static const std::set<std::string_view> indexed{
      "id",     "email",     "company_name", "name",          "customer_id", "customer_group_id",
      "groups", "customers", "customer",     "customer_group"};
  const auto index_condition = [&](const gnode* n) {
    return (n->kind == nk::cond || n->kind == nk::rel_ids) && indexed.count(name_of(*n)) &&
           (n->op == filter_op::eq || n->op == filter_op::in) &&
           std::all_of(n->operands.begin(), n->operands.end(),
                       [](const value& v) { return std::holds_alternative<std::string>(v); });
  };
  // An $or whose every branch (but `{}`) is an index condition: the union of index lookups.
  const auto index_union = [&](const gnode* n) {
    return n->kind == nk::any_of &&
           std::any_of(n->children.begin(), n->children.end(),
                       [](const gnode& c) { return c.kind != nk::empty; }) &&
           std::all_of(n->children.begin(), n->children.end(), [&](const gnode& c) {
             return c.kind == nk::empty || index_condition(&c);
           });
  };
  if (std::any_of(top.begin(), top.end(), index_union) &&
      !std::any_of(top.begin(), top.end(), index_condition))
    return config.order.empty() ? "$or of indexes, id order" : "$or of indexes, sorted";
  bool index = false, group_walk = false;
  for (const gnode* n : top) {
    if (!index_condition(n)) continue;
    index = true;
    group_walk |= e == ent::customer && name_of(*n) == "groups" && n->operands.size() == 1 &&
                  config.order.empty();
  }
  if (group_walk) return "one group's members";
  if (index) return config.order.empty() ? "index, id order" : "index, sorted";
  return config.order.empty() ? "scan, id order" : "scan, sorted";
}

// Runs `count` random filters on entity `e`; reports (at most 3) mismatches, minimized.
void check_random_filters(const customer_module& m, const oracle_db& db, generator& gen, ent e,
                          int count, gnode (generator::*make_root)(ent)) {
  int failures = 0;
  int reported = 0;
  std::map<std::string_view, int> shapes;
  for (int i = 0; i < count; ++i) {
    gnode root = (gen.*make_root)(e);
    find_config config = gen.config(e);
    ++shapes[access_shape(e, root, config)];
    if (!difference(m, db, e, root, config)) continue;
    ++failures;
    if (reported >= 3) continue;
    ++reported;
    const std::string original = to_string(root) + " " + show_config(config);
    minimize(m, db, e, root, config);
    const auto diff = difference(m, db, e, root, config);
    std::string rows;
    const outcome want = run_oracle(db, e, root, config);
    const outcome got = run_engine(m, e, to_filter(root), config, false);
    std::set<std::string> a(want.ids.begin(), want.ids.end()), b(got.ids.begin(), got.ids.end());
    std::vector<std::string> differing;
    std::set_symmetric_difference(a.begin(), a.end(), b.begin(), b.end(),
                                  std::back_inserter(differing));
    for (std::size_t k = 0; k < differing.size() && k < 4; ++k) {
      const auto it = db.of(e).by_id.find(differing[k]);
      if (it != db.of(e).by_id.end()) rows += "  row " + show_row(db, e, it->second) + "\n";
    }
    BOOST_ERROR("planner mismatch on " << info(e).name << " list (filter #" << i << ")\n"
                                       << "  generated: " << original << "\n"
                                       << "  minimized: " << to_string(root) << " "
                                       << show_config(config) << "\n"
                                       << diff.value_or("  (no longer differs)\n") << rows);
  }
  std::string shape_counts;
  for (const auto& [shape, k] : shapes)
    shape_counts += fmt::format("{}{}: {}", shape_counts.empty() ? "" : ", ", shape, k);
  BOOST_TEST_MESSAGE(info(e).name << ": " << count << " random filters (" << shape_counts << "), "
                                  << failures << " mismatches");
  BOOST_CHECK_EQUAL(failures, 0);
}

// Builds a store of `n` rows from `seed` and runs the filters `make_root` makes on each entity
// against the oracle.
void check_random_store(std::uint64_t seed, const sizes& n, gnode (generator::*make_root)(ent)) {
  manual_clock clock;
  customer_module m{module_options{.clock = clock.function()}};
  random_source rnd{seed};
  populate(m, clock, rnd, n);
  const oracle_db db = snapshot(m);
  BOOST_TEST_MESSAGE("rows: " << db.of(ent::customer).rows.size() << " customers, "
                              << db.of(ent::group).rows.size() << " groups, "
                              << db.of(ent::address).rows.size() << " addresses, "
                              << db.of(ent::membership).rows.size() << " memberships");
  BOOST_REQUIRE_EQUAL(db.of(ent::customer).rows.size(), static_cast<std::size_t>(n.customers));

  generator gen{rnd, db};
  check_random_filters(m, db, gen, ent::customer, n.filters, make_root);
  check_random_filters(m, db, gen, ent::group, n.group_filters, make_root);
  check_random_filters(m, db, gen, ent::address, n.address_filters, make_root);
  check_random_filters(m, db, gen, ent::membership, n.membership_filters, make_root);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(planner)

// ~400 customers (2000 makes populating alone take over a minute in a Debug build: every
// insert checks the Boost.MultiIndex invariants of its whole table), ~30 groups, ~2 addresses
// and ~1.4 memberships per customer, 10% of the customers and 6 groups soft-deleted.
BOOST_AUTO_TEST_CASE(random_filters_match_a_scan_and_filter_oracle) {
  check_random_store(0x5eed'c0ffee'2024ULL,
                     {.customers = 400,
                      .filters = 2500,
                      .group_filters = 300,
                      .address_filters = 400,
                      .membership_filters = 400},
                     &generator::root);
}

// $or of equalities and `in` lists on indexed fields is planned as the union of index lookups
// (access_path.hpp) and compiled as one `in` per field (predicate.cpp): the same rows as the
// oracle, on every entity.
BOOST_AUTO_TEST_CASE(random_ors_of_indexed_conditions_match_a_scan_and_filter_oracle) {
  check_random_store(0x0ded'beef'2026ULL,
                     {.customers = 200,
                      .filters = 400,
                      .group_filters = 200,
                      .address_filters = 200,
                      .membership_filters = 200},
                     &generator::or_of_access_paths);
}

// The capitals the random data leaves out (they have no plain +1 / +0x20 pairing): Ÿ (Latin
// Extended-A, lower case ÿ in Latin-1), the accented Greek capitals and the Cyrillic capitals
// past Я. q and $ilike must fold them like the others ("Case folding" in
// docs/medusa-compatibility.md).
BOOST_AUTO_TEST_CASE(q_and_ilike_fold_every_documented_capital) {
  manual_clock clock;
  customer_module m{module_options{.clock = clock.function()}};
  const std::vector<std::string> words{"ŸVES", "ŹVES", "ΆΝΝΑ",  "ΉΡΑ",  "ΪΡΙΣ", "ҐАНОК",
                                       "ӁУК",  "ӘЛИЯ", "ӨСКЕН", "ЁЛКА", "ŁÓDŹ", "ΣΟΦΙΑ"};
  std::vector<std::string> ids;
  for (const auto& w : words) ids.push_back(m.create(create_customer_dto{.last_name = w}).id);
  for (const auto& query : words) {
    for (const std::string& q : {fold(query), query}) {
      std::vector<std::string> want;
      for (std::size_t i = 0; i < words.size(); ++i)
        if (fold(words[i]).find(fold(q)) != std::string::npos) want.push_back(ids[i]);
      BOOST_CHECK_MESSAGE(ids_of(m.list(search(q))) == want,
                          "q(\"" << q << "\"): [" << join(ids_of(m.list(search(q)))) << "], want ["
                                 << join(want) << "]");
      BOOST_CHECK_MESSAGE(ids_of(m.list(where("last_name").ilike(q))) == want,
                          "last_name ilike \"" << q << "\": ["
                                               << join(ids_of(m.list(where("last_name").ilike(q))))
                                               << "], want [" << join(want) << "]");
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
