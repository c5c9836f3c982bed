#include "error_line.hpp"

#include <array>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <cctype>
#include <string>
#include <utility>
#include <vector>

namespace customerdb::cli {

namespace json = boost::json;

namespace {

// What to look for, read from the message.
struct query {
  std::vector<std::string_view> types;  // type tags of candidate rows
  std::vector<std::pair<std::string_view, std::string_view>> columns;  // column: value text
  bool live_only = false;        // unique rules of customers and groups count live rows only
  bool second = true;            // a clash: the second match; a missing reference: the first
  bool default_address = false;  // the one-default-address rule (keyed by customer_id only)
};

constexpr std::array<std::pair<std::string_view, std::string_view>, 4> tables{{
    {"Customer", "customer"},
    {"Customer group", "customer_group"},
    {"Customer address", "customer_address"},
    {"Customer group customer", "customer_group_customer"},
}};

// "a: x, b: y" -> {{a, x}, {b, y}}; a value may itself hold ", " unless followed by "name: ".
std::vector<std::pair<std::string_view, std::string_view>> parse_pairs(std::string_view text) {
  std::vector<std::pair<std::string_view, std::string_view>> out;
  const auto starts_pair = [&](std::size_t at) {
    std::size_t i = at;
    while (i < text.size() && (std::islower(static_cast<unsigned char>(text[i])) || text[i] == '_'))
      ++i;
    return i > at && text.substr(i, 2) == ": ";
  };
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t colon = text.find(": ", pos);
    if (colon == std::string_view::npos) break;
    const std::string_view column = text.substr(pos, colon - pos);
    std::size_t end = colon + 2;
    for (;;) {
      end = text.find(", ", end);
      if (end == std::string_view::npos || starts_pair(end + 2)) break;
      end += 2;
    }
    const std::size_t value_end = end == std::string_view::npos ? text.size() : end;
    out.emplace_back(column, text.substr(colon + 2, value_end - colon - 2));
    pos = value_end == text.size() ? value_end : value_end + 2;
  }
  return out;
}

std::optional<query> parse_message(std::string_view message) {
  query q;
  constexpr std::string_view relationship = "You tried to set relationship ";
  constexpr std::string_view missing = ", but such entity does not exist";
  constexpr std::string_view exists = ", already exists.";
  if (message.starts_with(relationship) && message.ends_with(missing)) {
    message.remove_prefix(relationship.size());
    message.remove_suffix(missing.size());
    q.types = {"customer_address", "customer_group_customer"};
    q.columns = parse_pairs(message);
    q.second = false;
  } else if (message.ends_with(exists)) {
    message.remove_suffix(exists.size());
    const std::size_t with = message.find(" with ");
    if (with == std::string_view::npos) return std::nullopt;
    const std::string_view words = message.substr(0, with);
    for (const auto& [name, type] : tables)
      if (name == words) q.types = {type};
    if (q.types.empty()) return std::nullopt;
    q.columns = parse_pairs(message.substr(with + 6));
    const bool by_id = q.columns.size() == 1 && q.columns[0].first == "id";
    q.live_only = !by_id && (q.types[0] == "customer" || q.types[0] == "customer_group");
    q.default_address = q.types[0] == "customer_address" && q.columns.size() == 1 &&
                        q.columns[0].first == "customer_id";
  } else {
    return std::nullopt;
  }
  if (q.columns.empty()) return std::nullopt;
  return q;
}

bool equals(const json::value* v, std::string_view text) {
  if (!v) return false;
  if (v->is_string()) return v->get_string() == text;
  if (v->is_bool()) return text == (v->get_bool() ? "true" : "false");
  return false;
}

bool is_true(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_bool() && v->get_bool();
}

// Keeps the first two line numbers.
void note(std::vector<std::uint64_t>& hits, std::uint64_t line) {
  if (hits.size() < 2) hits.push_back(line);
}

}  // namespace

std::optional<std::uint64_t> find_error_line(std::istream& in, std::string_view message) {
  const auto q = parse_message(message);
  if (!q) return std::nullopt;
  std::vector<std::uint64_t> hits, shipping, billing;
  std::string line;
  std::uint64_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    unsigned char buffer[8192];
    json::monotonic_resource resource(buffer, sizeof buffer);
    boost::system::error_code ec;
    const json::value v = json::parse(line, ec, &resource);
    if (ec || !v.is_object()) continue;
    const json::object& o = v.get_object();
    const json::value* type = o.if_contains("type");
    bool wanted = false;
    for (auto t : q->types) wanted = wanted || equals(type, t);
    if (!wanted) continue;
    bool match = true;
    for (const auto& [column, value] : q->columns)
      match = match && equals(o.if_contains(column), value);
    if (!match) continue;
    if (q->live_only) {
      const json::value* deleted = o.if_contains("deleted_at");
      if (deleted && !deleted->is_null()) continue;
    }
    if (q->default_address) {
      if (is_true(o, "is_default_shipping")) note(shipping, number);
      if (is_true(o, "is_default_billing")) note(billing, number);
      continue;
    }
    note(hits, number);
    if (!q->second) break;
  }
  if (q->default_address) {
    if (shipping.size() == 2) return shipping[1];
    if (billing.size() == 2) return billing[1];
    hits = shipping.empty() ? billing : shipping;
  }
  if (hits.empty()) return std::nullopt;
  return q->second && hits.size() == 2 ? hits[1] : hits[0];
}

}  // namespace customerdb::cli
