// The planner oracle's copy of the data: timestamps as the filters write them, the schema as the
// oracle knows it (entities, fields, relations), and the rows as cells.
#pragma once

#include <fmt/format.h>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/planner/text.hpp"

namespace customerdb::testing::planner {

// ISO 8601 written by hand: 0 "...T10:00:00.000Z", 1 the same time at +02:00, 2 without
// milliseconds when they are zero.
inline std::string iso(timestamp t, int variant) {
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

inline const entity_info& info(ent e) {
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

inline int field_index(ent e, std::string_view name) {
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

inline cell of(const opt_str& s) { return s ? cell{.kind = cell::text, .s = *s} : cell{}; }
inline cell of(const std::string& s) { return cell{.kind = cell::text, .s = s}; }
inline cell of(bool b) { return cell{.kind = cell::boolean, .b = b}; }
inline cell of(timestamp t) { return cell{.kind = cell::time, .t = t}; }
inline cell of(const std::optional<timestamp>& t) { return t ? of(*t) : cell{}; }
inline cell of(const std::optional<metadata>& m) { return m ? cell{.kind = cell::json} : cell{}; }

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

}  // namespace customerdb::testing::planner
