#include "customerdb/server/json_codec.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <iterator>
#include <limits>
#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

#include "customerdb/error.hpp"
#include "customerdb/patch.hpp"
#include "customerdb/timestamp.hpp"
#include "json_fields.hpp"

namespace customerdb::server {

namespace json = boost::json;

namespace {

using namespace detail;  // the JSON field readers (json_fields.hpp)

// An unknown key in create/update data, in the engine's words.
[[noreturn]] void unknown_field(std::string_view model, std::string_view key) {
  throw unknown_field_error(model, key);
}

// ---- Scalars -------------------------------------------------------------------------------

patch<std::string> patch_string(const json::value& v, std::string_view path) {
  if (v.is_null()) return null;
  if (!v.is_string()) fail(path, "must be a string or null");
  return std::string(v.get_string());
}

// Null goes through so that the engine reports the non-nullable field.
patch<bool> patch_bool(const json::value& v, std::string_view path) {
  if (v.is_null()) return null;
  if (!v.is_bool()) fail(path, "must be a boolean or null");
  return v.get_bool();
}

patch<metadata> patch_metadata(const json::value& v, std::string_view path) {
  if (v.is_null()) return null;
  if (!v.is_object()) fail(path, "must be an object or null");
  return v.get_object();
}

// A whole number; a number too large for int64 saturates (it only ever means "very many").
// A fractional number is the right JSON type but no whole number: the engine's invalid_data
// `Invalid value for <what>: <number>` (D12), as for a negative one.
std::int64_t integer(const json::value& v, std::string_view path, std::string_view what) {
  if (v.is_int64()) return v.get_int64();
  if (v.is_uint64()) return std::numeric_limits<std::int64_t>::max();
  if (v.is_double()) {
    const double d = v.get_double();
    if (!std::isfinite(d)) fail(path, "is out of range (not a finite number)");
    if (std::trunc(d) != d) throw invalid_value_error(what, fmt::format("{}", d));
    if (d >= 9.2233720368547758e18) return std::numeric_limits<std::int64_t>::max();
    if (d < -9.2233720368547758e18) return std::numeric_limits<std::int64_t>::min();
    return static_cast<std::int64_t>(d);
  }
  fail(path, "must be an integer or null");
}

// A non-nullable boolean of create data: null is the engine's invalid_data (D11), as in update.
bool required_boolean(const json::value& v, std::string_view path, std::string_view model,
                      std::string_view field) {
  if (v.is_null()) throw non_null_field_error(model, field);
  if (!v.is_bool()) fail(path, "must be a boolean");
  return v.get_bool();
}

// Calls `on_key(key, value, path)` for each entry of the object at `path`; an entry it does not
// take (returns false) is an unknown field of `model`.
template <class F>
void for_each_field(const json::value& v, std::string_view path, std::string_view model,
                    F&& on_key) {
  for (const auto& entry : as_object(v, path)) {
    const std::string_view key = entry.key();
    if (!on_key(key, entry.value(), child(path, key))) unknown_field(model, key);
  }
}

// ---- Entity data ---------------------------------------------------------------------------
// Create and update data carry the columns of their entity (customerdb/columns.hpp); each
// column's member type says how its JSON value is read.

void decode_member(std::optional<std::string>& out, const json::value& v, std::string_view path,
                   std::string_view, std::string_view) {
  out = optional_string(v, path);
}
void decode_member(bool& out, const json::value& v, std::string_view path, std::string_view model,
                   std::string_view field) {
  out = required_boolean(v, path, model, field);
}
void decode_member(std::optional<metadata>& out, const json::value& v, std::string_view path,
                   std::string_view, std::string_view) {
  out = optional_metadata(v, path);
}
void decode_member(patch<std::string>& out, const json::value& v, std::string_view path,
                   std::string_view, std::string_view) {
  out = patch_string(v, path);
}
void decode_member(patch<bool>& out, const json::value& v, std::string_view path, std::string_view,
                   std::string_view) {
  out = patch_bool(v, path);
}
void decode_member(patch<metadata>& out, const json::value& v, std::string_view path,
                   std::string_view, std::string_view) {
  out = patch_metadata(v, path);
}

// Sets the column of `d` named `key` from `v`; false when `d` has no such column. Create data
// (with an id) has the columns a create takes, update data those an update takes.
template <class Input>
bool decode_column(Input& d, std::string_view key, const json::value& v, const std::string& path) {
  constexpr bool creates = requires { d.id; };
  bool found = false;
  for_each_column<typename Input::columns>([&](const auto& column) {
    using column_type = std::remove_cvref_t<decltype(column)>;
    if constexpr (creates ? column_type::created : column_type::updated) {
      if (found || column.name != key) return;
      found = true;
      decode_member(column.member(d), v, path, Input::columns::model, column.name);
    }
  });
  return found;
}

// The create or update data at `path`; `other(key, value, path)` takes the keys that are not
// columns (returns false for an unknown one).
template <class Input, class Other>
Input decode_columns(const json::value& v, std::string_view path, Other&& other) {
  Input d;
  for_each_field(v, path, Input::columns::model,
                 [&](std::string_view key, const json::value& x, const std::string& p) {
                   return decode_column(d, key, x, p) || other(d, key, x, p);
                 });
  return d;
}

// ---- Filters -------------------------------------------------------------------------------

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

// ---- Encoding helpers ----------------------------------------------------------------------

void put(json::object& o, const selected_fields& s, std::string_view name,
         const std::optional<std::string>& v) {
  if (!s.has_field(name)) return;
  if (v) {
    o[name] = *v;
  } else {
    o[name] = nullptr;
  }
}

void put(json::object& o, const selected_fields& s, std::string_view name, const std::string& v) {
  if (s.has_field(name)) o[name] = v;
}

void put(json::object& o, const selected_fields& s, std::string_view name, bool v) {
  if (s.has_field(name)) o[name] = v;
}

void put(json::object& o, const selected_fields& s, std::string_view name, timestamp t) {
  if (s.has_field(name)) o[name] = to_iso8601(t);
}

void put(json::object& o, const selected_fields& s, std::string_view name,
         const std::optional<timestamp>& t) {
  if (!s.has_field(name)) return;
  if (t) {
    o[name] = to_iso8601(*t);
  } else {
    o[name] = nullptr;
  }
}

void put(json::object& o, const selected_fields& s, std::string_view name,
         const std::optional<metadata>& m) {
  if (!s.has_field(name)) return;
  if (m) {
    o[name] = *m;
  } else {
    o[name] = nullptr;
  }
}

template <class Dto>
json::array encode_rows(const std::vector<Dto>& rows, dto_shape shape) {
  json::array out;
  out.reserve(rows.size());
  for (const auto& r : rows) out.push_back(encode(r, shape));
  return out;
}

template <class Dto>
json::array encode_pair(const list_and_count_result<Dto>& r, dto_shape shape) {
  json::array out;
  out.push_back(encode_rows(r.first, shape));
  out.push_back(static_cast<std::uint64_t>(r.second));
  return out;
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

// ---- Decoding ------------------------------------------------------------------------------

value decode_value(const json::value& v, std::string_view path) {
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
      // The engine decides where a document may stand (a metadata column's operand).
      return json_literal(v);
  }
  fail(path, "must be null, a boolean, a number, a string, an array or an object");
}

std::vector<std::string> decode_string_array(const json::value& v, std::string_view path) {
  return decode_array(v, path, "must be an array of strings", required_string);
}

template <class Input>
Input decode_input(const json::value& v, std::string_view path) {
  if constexpr (std::is_same_v<Input, create_customer_dto>) {
    return decode_columns<Input>(
        v, path, [](Input& d, std::string_view key, const json::value& x, const std::string& p) {
          if (key != "addresses") return false;
          if (x.is_null()) return true;
          d.addresses = decode_array(x, p, "must be an array or null",
                                     decode_input<create_customer_address_dto>);
          return true;
        });
  } else {
    return decode_columns<Input>(
        v, path, [](Input&, std::string_view, const json::value&, const std::string&) {
          return false;  // no key but the columns
        });
  }
}

template create_customer_dto decode_input(const json::value&, std::string_view);
template customer_updatable_fields decode_input(const json::value&, std::string_view);
template create_customer_group_dto decode_input(const json::value&, std::string_view);
template customer_group_updatable_fields decode_input(const json::value&, std::string_view);
template create_customer_address_dto decode_input(const json::value&, std::string_view);
template update_customer_address_dto decode_input(const json::value&, std::string_view);

group_customer_pair decode_group_customer_pair(const json::value& v, std::string_view path) {
  group_customer_pair d;
  bool has_customer = false, has_group = false;
  for_each_field(v, path, "CustomerGroupCustomer",
                 [&](std::string_view key, const json::value& x, const std::string& p) {
                   if (key == "customer_id") {
                     d.customer_id = required_string(x, p);
                     has_customer = true;
                   } else if (key == "customer_group_id") {
                     d.customer_group_id = required_string(x, p);
                     has_group = true;
                   } else {
                     return false;
                   }
                   return true;
                 });
  if (!has_customer) fail(child(path, "customer_id"), "must be a string");
  if (!has_group) fail(child(path, "customer_group_id"), "must be a string");
  return d;
}

namespace {

void decode_order(const json::value& v, std::string_view path, std::string_view prefix,
                  std::vector<std::pair<std::string, sort_direction>>& out) {
  for (const auto& entry : as_object(v, path)) {
    const std::string_view key = entry.key();
    const std::string p = child(path, key);
    const std::string name = prefix.empty() ? std::string(key) : fmt::format("{}.{}", prefix, key);
    const auto& x = entry.value();
    if (x.is_object()) {
      decode_order(x, p, name, out);
      continue;
    }
    // The engine reads the text (ASC or DESC, NULLS FIRST or LAST, in any case) and refuses
    // what is not a direction; another JSON type is the wire's to refuse.
    if (!x.is_string()) fail(p, "must be a direction (\"ASC\", \"DESC\", ...) or an object");
    out.emplace_back(name, parse_sort_direction(x.get_string(), name));
  }
}

// Calls f(key, value, "<path>.<key>") for each entry of the object `v`; nothing for null.
template <class F>
void for_each_entry_or_null(const json::value& v, std::string_view path, F&& f) {
  if (v.is_null()) return;
  for (const auto& entry : as_object(v, path))
    f(entry.key(), entry.value(), child(path, entry.key()));
}

}  // namespace

find_config decode_find_config(const json::value& v, std::string_view path) {
  find_config c;
  for_each_entry_or_null(
      v, path, [&](std::string_view key, const json::value& x, const std::string& p) {
        if (key == "select") {
          if (!x.is_null()) {
            c.select = decode_string_array(x, p);
            // An empty list selects the id alone, as in Medusa (find_config's empty select is
            // every field).
            if (c.select.empty()) c.select = {"id"};
          }
        } else if (key == "relations") {
          if (!x.is_null()) c.relations = decode_string_array(x, p);
        } else if (key == "skip") {
          if (!x.is_null()) c.skip = integer(x, p, "skip");
        } else if (key == "take") {
          c.take =
              x.is_null() ? patch<std::int64_t>(null) : patch<std::int64_t>(integer(x, p, "take"));
        } else if (key == "order") {
          if (!x.is_null()) decode_order(x, p, "", c.order);
        } else if (key == "withDeleted") {
          if (!x.is_null()) c.with_deleted = boolean(x, p);
        } else {
          fail(p, "is not a find config key (select, relations, skip, take, order, withDeleted)");
        }
      });
  return c;
}

soft_delete_config decode_soft_delete_config(const json::value& v, std::string_view path) {
  soft_delete_config c;
  for_each_entry_or_null(v, path,
                         [&](std::string_view key, const json::value& x, const std::string& p) {
                           if (key != "returnLinkableKeys")
                             fail(p, "is not a soft delete config key (returnLinkableKeys)");
                           if (!x.is_null()) c.return_linkable_keys = decode_string_array(x, p);
                         });
  return c;
}

filter decode_filter(const json::value& v, std::string_view path) {
  return decode_filter_in(v, path, {});
}

// ---- Encoding ------------------------------------------------------------------------------

namespace {

// The columns of a DTO, those its selection keeps (the id always).
template <class Dto>
json::object encode_columns(const Dto& d, dto_shape shape) {
  json::object o;
  for_each_column<typename Dto::columns>([&](const auto& column) {
    if constexpr (std::remove_cvref_t<decltype(column)>::template is<column_kind::id>)
      o["id"] = d.id;
    else if (shape == dto_shape::v2 || !column.has(column_flag::v2) || d.selection)
      put(o, d, column.name, column.member(d));  // a select that names it keeps it
  });
  return o;
}

// A to-one relation: left out when not loaded, null when the related row is hidden (D22).
template <class T>
void put_relation(json::object& o, std::string_view name, const to_one<T>& r, dto_shape shape) {
  if (!r.loaded()) return;
  if (r) {
    o[name] = encode(*r, shape);
  } else {
    o[name] = nullptr;
  }
}

}  // namespace

json::object encode(const customer& c, dto_shape shape) {
  json::object o = encode_columns(c, shape);
  if (c.groups) o["groups"] = encode_rows(*c.groups, shape);
  if (c.addresses) o["addresses"] = encode_rows(*c.addresses, shape);
  return o;
}

json::object encode(const customer_group& g, dto_shape shape) {
  json::object o = encode_columns(g, shape);
  if (g.customers) o["customers"] = encode_rows(*g.customers, shape);
  return o;
}

json::object encode(const customer_address& a, dto_shape shape) {
  json::object o = encode_columns(a, shape);
  put_relation(o, "customer", a.customer, shape);
  return o;
}

json::object encode(const customer_group_customer& m, dto_shape shape) {
  json::object o = encode_columns(m, shape);
  put_relation(o, "customer", m.customer, shape);
  put_relation(o, "customer_group", m.customer_group, shape);
  return o;
}

json::array encode(const std::vector<customer>& rows, dto_shape shape) {
  return encode_rows(rows, shape);
}
json::array encode(const std::vector<customer_group>& rows, dto_shape shape) {
  return encode_rows(rows, shape);
}
json::array encode(const std::vector<customer_address>& rows, dto_shape shape) {
  return encode_rows(rows, shape);
}
json::array encode(const std::vector<customer_group_customer>& rows, dto_shape shape) {
  return encode_rows(rows, shape);
}

json::array encode(const list_and_count_result<customer>& r, dto_shape shape) {
  return encode_pair(r, shape);
}
json::array encode(const list_and_count_result<customer_group>& r, dto_shape shape) {
  return encode_pair(r, shape);
}
json::array encode(const list_and_count_result<customer_address>& r, dto_shape shape) {
  return encode_pair(r, shape);
}
json::array encode(const list_and_count_result<customer_group_customer>& r, dto_shape shape) {
  return encode_pair(r, shape);
}

json::object encode(const linkable_ids& ids, dto_shape) {
  json::object o;
  for (const auto& [key, values] : ids) {
    json::array a;
    a.reserve(values.size());
    for (const auto& id : values) a.push_back(json::string(id));
    o[key] = std::move(a);
  }
  return o;
}

}  // namespace customerdb::server
