// Reading typed fields out of Boost.JSON values, with errors that name the JSON path of the
// value: `<path> must be a string or null`. Shared by the wire codec (json_codec.cpp) and the
// JSON Lines record codec (jsonl.cpp).
//
// Every function throws customerdb::error (invalid_params) whose message is "<path> <what>".
// All functions are thread-safe (they keep no state).
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "customerdb/dto.hpp"

namespace customerdb::server::detail {

// "<path>.<key>" and "<path>[<index>]".
std::string child(std::string_view path, std::string_view key);
std::string child(std::string_view path, std::size_t index);

// Throws customerdb::error (invalid_params) "<path> <what>".
[[noreturn]] void fail(std::string_view path, std::string_view what);

// The items of the array `v`, each read by `item(value, "<path>[<index>]")`; throws "<path>
// <not_array>" (e.g. "must be an array of strings") when `v` is not an array.
template <class Item>
auto decode_array(const boost::json::value& v, std::string_view path, std::string_view not_array,
                  Item&& item) {
  if (!v.is_array()) fail(path, not_array);
  std::vector<decltype(item(v, std::string()))> out;
  out.reserve(v.get_array().size());
  std::size_t i = 0;
  for (const auto& x : v.get_array()) out.push_back(item(x, child(path, i++)));
  return out;
}

// The object `v` is; throws "<path> must be an object" otherwise.
const boost::json::object& as_object(const boost::json::value& v, std::string_view path);
// A string or null (nullopt); throws "<path> must be a string or null" otherwise.
std::optional<std::string> optional_string(const boost::json::value& v, std::string_view path);
// A string; throws "<path> must be a string" otherwise.
std::string required_string(const boost::json::value& v, std::string_view path);
// A boolean; throws "<path> must be a boolean" otherwise.
bool boolean(const boost::json::value& v, std::string_view path);
// An object (copied) or null (nullopt); throws "<path> must be an object or null" otherwise.
std::optional<metadata> optional_metadata(const boost::json::value& v, std::string_view path);

}  // namespace customerdb::server::detail
