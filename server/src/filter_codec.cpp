// The filters of JSON-RPC params (json_codec.hpp: decode_filter, decode_value): Medusa's
// filter objects read into customerdb::filter, as its ORM reads them; which fields and operands
// a filter may use is the engine's to decide.
#include <fmt/format.h>

#include <algorithm>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "customerdb/error.hpp"
#include "customerdb/server/json_codec.hpp"
#include "json_fields.hpp"

namespace customerdb::server {

namespace json = boost::json;

namespace {

using namespace detail;  // the JSON field readers (json_fields.hpp)

// The operators' keys, in the order of filter_op.
constexpr std::string_view operator_keys[] = {"$eq", "$ne",  "$in",   "$nin",   "$gt", "$gte",
                                              "$lt", "$lte", "$like", "$ilike", "$re", "$exists"};
static_assert(std::size(operator_keys) == static_cast<std::size_t>(filter_op::exists) + 1);

std::optional<filter_op> find_operator(std::string_view name) {
  const auto* found = std::find(std::begin(operator_keys), std::end(operator_keys), name);
  if (found == std::end(operator_keys)) return std::nullopt;
  return static_cast<filter_op>(found - std::begin(operator_keys));
}

bool is_operator_key(std::string_view key) { return !key.empty() && key.front() == '$'; }

// MikroORM's operators that customerdb does not have: on a text column Medusa's database refuses
// the array ones, and $fulltext is PostgreSQL's text search (docs/medusa-compatibility.md).
bool is_unsupported_operator(std::string_view key) {
  return key == "$contains" || key == "$contained" || key == "$overlap" || key == "$fulltext";
}

// Whether `key` is one of MikroORM's operators, which outside a field apply to the id.
bool is_any_operator(std::string_view key) {
  return find_operator(key) || is_unsupported_operator(key);
}

// A `$` key that is no operator, read as Medusa's ORM reads it: the name of a property of the
// entity, which the engine reports as unknown (`{"email": {"$foo": 1}}` fails as a filter on
// the field "$foo" would, where the operator stands).
filter unknown_operator_as_field(std::string_view key) { return where(std::string(key)) == nullptr; }

// An object of operators applied to one field: not empty, every key a `$` key, and none of
// them $and / $or (which make it a sub-filter).
bool is_operator_map(const json::object& o) {
  if (o.empty()) return false;
  for (const auto& entry : o) {
    const std::string_view key = entry.key();
    if (!is_operator_key(key) || key == "$and" || key == "$or") return false;
  }
  return true;
}

std::vector<value> decode_values(const json::value& v, std::string_view path) {
  return decode_array(v, path, "must be an array", decode_value);
}

filter decode_field(const std::string& field, const json::value& v, std::string_view path);
// Where a filter object stands. `in_field`: in a field's sub-filter (a relation's or
// metadata's), where `q` is no search unless it is text: the engine reports a text `q` where
// only the top level takes it, and reads it as a metadata key; any other `q` there is a field
// like any other. `under_not`: below a $not (through $and, $or and $not), where Medusa's ORM
// fails on an operator outside a field (`column c0.$in does not exist`) that elsewhere applies
// to the id.
struct filter_place {
  bool in_field = false;
  bool under_not = false;
};
filter decode_filter_in(const json::value& v, std::string_view path, filter_place place);

// The filters of one object's keys joined with operator&&, which keeps them one implicit AND
// (the engine looks for a top-level `id` or `deleted_at` there), in order. Joined pairwise, level
// by level: each && copies both sides' conditions, so joining them one after another would
// cost the square of the number of keys.
filter all_keys(std::vector<filter> keys) {
  if (keys.empty()) return filter();
  while (keys.size() > 1) {
    std::vector<filter> joined;
    joined.reserve((keys.size() + 1) / 2);
    for (std::size_t i = 0; i + 1 < keys.size(); i += 2)
      joined.push_back(std::move(keys[i]) && std::move(keys[i + 1]));
    if (keys.size() % 2 == 1) joined.push_back(std::move(keys.back()));
    keys = std::move(joined);
  }
  return std::move(keys.front());
}

filter decode_operator_map(const std::string& field, const json::object& ops,
                           std::string_view path) {
  std::vector<filter> conditions;
  for (const auto& entry : ops) {
    const std::string_view name = entry.key();
    const std::string p = child(path, name);
    if (name == "$not") {
      // Medusa accepts $not only as a logical operator, beside $and and $or (decision D26).
      if (!entry.value().is_object()) fail(p, "must be an object");
      throw error(error_code::invalid_data,
                  fmt::format(R"(Operator "$not" is not permitted inside field "{}": put it )"
                              R"(beside the field, {{"$not": {{"{}": ...}}}})",
                              field, field));
    }
    if (is_unsupported_operator(name)) {
      throw error(error_code::invalid_data,
                  fmt::format(R"(Operator "{}" is not supported (field "{}"))", name, field));
    }
    const auto op = find_operator(name);
    if (!op) {
      conditions.push_back(unknown_operator_as_field(name));
      continue;
    }
    if (*op == filter_op::in || *op == filter_op::nin) {
      conditions.push_back(where(field).compare(*op, decode_values(entry.value(), p)));
    } else {
      // The engine checks that the operand suits the operator and the field.
      conditions.push_back(where(field).compare(*op, decode_value(entry.value(), p)));
    }
  }
  return all_keys(std::move(conditions));
}

filter decode_field(const std::string& field, const json::value& v, std::string_view path) {
  if (v.is_array()) return where(field).in(decode_values(v, path));
  if (v.is_object()) {
    const auto& o = v.get_object();
    if (is_operator_map(o)) return decode_operator_map(field, o, path);
    return where(field).matches(decode_filter_in(v, path, {.in_field = true}));
  }
  return where(field) == decode_value(v, path);  // IS NULL for null
}

std::vector<filter> decode_filters(const json::value& v, std::string_view path,
                                   filter_place place) {
  return decode_array(v, path, "must be an array of filters",
                      [place](const json::value& item, std::string_view item_path) {
                        return decode_filter_in(item, item_path, place);
                      });
}

filter decode_filter_key(std::string_view key, const json::value& v, std::string_view path,
                         filter_place place) {
  if (key == "$and") return filter::all_of(decode_filters(v, path, place));
  if (key == "$or") return filter::any_of(decode_filters(v, path, place));
  if (key == "$not") {
    if (!v.is_object()) fail(path, "must be an object");
    return !decode_filter_in(v, path, {.in_field = place.in_field, .under_not = true});
  }
  if (is_operator_key(key)) return unknown_operator_as_field(key);  // operators: decode_filter
  if (key == "q" && (!place.in_field || v.is_string())) return search(required_string(v, path));
  return decode_field(std::string(key), v, path);
}

filter decode_filter_in(const json::value& v, std::string_view path, filter_place place) {
  std::vector<filter> keys;
  for (const auto& entry : as_object(v, path)) {
    const std::string_view key = entry.key();
    if (is_any_operator(key)) {
      if (place.under_not) {
        throw error(error_code::invalid_data,
                    fmt::format(R"(Operator "{}" is not permitted under "$not" outside a field: )"
                                R"(put it on one, {{"id": {{"{}": ...}}}})",
                                key, key));
      }
      // An operator outside a field applies to the primary key, as in Medusa's ORM
      // (`{"$in": [ids]}` is `{"id": {"$in": [ids]}}`), inside an $and of its own: it is not
      // the top-level `id` that lifts the default take (D20).
      const json::object on_id{{key, entry.value()}};
      keys.push_back(filter::all_of({decode_operator_map("id", on_id, path)}));
      continue;
    }
    keys.push_back(decode_filter_key(key, entry.value(), child(path, key), place));
  }
  return all_keys(std::move(keys));
}

}  // namespace

value decode_value(const json::value& v, std::string_view /*path*/) {
  switch (v.kind()) {
    case json::kind::null:
      return nullptr;
    case json::kind::bool_:
      return v.get_bool();
    case json::kind::int64:
      return v.get_int64();
    case json::kind::uint64:
      // Boost.JSON uses uint64 only past INT64_MAX.
      return static_cast<double>(v.get_uint64());
    case json::kind::double_:
      return v.get_double();
    case json::kind::string:
      return std::string(v.get_string());
    case json::kind::array:
    case json::kind::object:
      break;
  }
  // An array or object: the engine decides where a document may stand (a metadata column's
  // operand).
  return json_literal(v);
}

filter decode_filter(const json::value& v, std::string_view path) {
  return decode_filter_in(v, path, {});
}

}  // namespace customerdb::server
