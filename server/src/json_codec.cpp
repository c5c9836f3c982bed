#include "customerdb/server/json_codec.hpp"

#include <fmt/format.h>

#include <cmath>
#include <cstdint>
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

}  // namespace

// ---- Decoding ------------------------------------------------------------------------------

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
