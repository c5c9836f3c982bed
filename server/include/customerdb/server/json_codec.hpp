// customerdb::server JSON codec: translates the JSON of the wire protocol (docs/protocol.md)
// into the engine's typed inputs, filters and configs, and the engine's DTOs back into JSON.
//
// The codec checks JSON shapes only; every rule of the module (which filter fields exist,
// whether an operand suits a field, unique rules, paging bounds, non-nullable fields) is left to
// the engine ("the server translates, the engine decides"). So:
//   - a value of the wrong JSON type throws customerdb::error (invalid_params) whose message
//     names the JSON path, e.g. `params[0][1].email must be a string or null`;
//   - an unknown key in create/update data throws customerdb::error (invalid_data) with the
//     engine's text `Unknown field "<key>" for <Model>`;
//   - JSON null in an update field is passed on as customerdb::null, also for the non-nullable
//     fields (has_account, is_default_shipping, is_default_billing, customer_id), which the
//     engine then rejects.
//
// Every decode function takes `path`, the JSON path of the value being decoded (e.g.
// "params[0]"), and uses it as the prefix of its messages.
//
// Numbers decode as std::int64_t when they are integers that fit, else as double; strings stay
// strings (the engine parses timestamps). Timestamps encode as "2024-05-24T10:00:00.000Z".
//
// All functions are thread-safe (they keep no state).
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "customerdb/customer_module.hpp"
#include "customerdb/dto.hpp"
#include "customerdb/error.hpp"
#include "customerdb/filter.hpp"
#include "customerdb/find_config.hpp"
#include "customerdb/inputs.hpp"

namespace customerdb::server {

// ---- Decoding ------------------------------------------------------------------------------
// Each throws customerdb::error (invalid_params) for a wrong JSON shape and customerdb::error
// (invalid_data) for an unknown key in create/update data.

// Create and update data, for Input one of create_customer_dto, customer_updatable_fields,
// create_customer_group_dto, customer_group_updatable_fields, create_customer_address_dto and
// update_customer_address_dto: an object with the input's columns (columns.hpp). In create
// data a null (or absent) optional field is left unset; in update data an absent key leaves the
// field untouched and null sets it to customerdb::null. create_customer_dto also takes
// "addresses": [address...], a null `addresses` being treated as absent.
template <class Input>
Input decode_input(const boost::json::value& v, std::string_view path);
// {"customer_id": string, "customer_group_id": string}, both required.
group_customer_pair decode_group_customer_pair(const boost::json::value& v, std::string_view path);

// {"select": [..], "relations": [..], "skip": n|null, "take": n|null, "order": {field: "ASC" |
// "DESC" | "asc" | "desc", relation: {field: ...}}, "withDeleted": bool}; null or any key
// absent or null means the default (except `take: null`, which means no limit). Nested order
// objects become dotted names ("groups.name"). Unknown keys throw customerdb::error
// (invalid_params).
find_config decode_find_config(const boost::json::value& v, std::string_view path);
// {"returnLinkableKeys": [..]} or null.
soft_delete_config decode_soft_delete_config(const boost::json::value& v, std::string_view path);

// A filterable-props object (docs/protocol.md, "Filters"): keys joined with AND; a scalar means
// equality, null IS NULL, an array $in, an operator map ($eq $ne $in $nin $gt $gte $lt $lte
// $like $ilike $re $exists $not) applies the operators to the key, any other object is a
// sub-filter on a relation or on metadata keys; "$and"/"$or" take arrays of filters, "$not" a
// filter, "q" a search string. An unknown operator throws customerdb::error
// (invalid_params).
filter decode_filter(const boost::json::value& v, std::string_view path);

// An operand: null, bool, number or string; an array or object as a json_literal. Every JSON
// value is one, so `path` (the shape decode_array calls with) names nothing.
value decode_value(const boost::json::value& v, std::string_view path);
// An array of strings (ids, keys).
std::vector<std::string> decode_string_array(const boost::json::value& v, std::string_view path);

// ---- Encoding ------------------------------------------------------------------------------
// Every selected scalar field (null when unset; `id` always), relations only when loaded. A
// DTO has the fields of the interface whose method returns it: `dto_shape::v1` leaves out the
// columns that only Medusa v2's model has (column_flag::v2: an address's and a membership's
// deleted_at) unless a `select` names them.

enum class dto_shape { v1, v2 };

boost::json::object encode(const customer& c, dto_shape shape = dto_shape::v1);
boost::json::object encode(const customer_group& g, dto_shape shape = dto_shape::v1);
boost::json::object encode(const customer_address& a, dto_shape shape = dto_shape::v1);
boost::json::object encode(const customer_group_customer& m, dto_shape shape = dto_shape::v1);

boost::json::array encode(const std::vector<customer>& rows, dto_shape shape = dto_shape::v1);
boost::json::array encode(const std::vector<customer_group>& rows, dto_shape shape = dto_shape::v1);
boost::json::array encode(const std::vector<customer_address>& rows,
                          dto_shape shape = dto_shape::v1);
boost::json::array encode(const std::vector<customer_group_customer>& rows,
                          dto_shape shape = dto_shape::v1);

// [rows, count].
boost::json::array encode(const list_and_count_result<customer>& r,
                          dto_shape shape = dto_shape::v1);
boost::json::array encode(const list_and_count_result<customer_group>& r,
                          dto_shape shape = dto_shape::v1);
boost::json::array encode(const list_and_count_result<customer_address>& r,
                          dto_shape shape = dto_shape::v1);
boost::json::array encode(const list_and_count_result<customer_group_customer>& r,
                          dto_shape shape = dto_shape::v1);

// {"customer_id": [...], ...}.
boost::json::object encode(const linkable_ids& ids, dto_shape shape = dto_shape::v1);

}  // namespace customerdb::server
