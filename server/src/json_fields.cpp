#include "json_fields.hpp"

#include <fmt/format.h>

#include "customerdb/error.hpp"
#include "customerdb/server/json_codec.hpp"

namespace customerdb::server::detail {

namespace json = boost::json;

std::string child(std::string_view path, std::string_view key) {
  return fmt::format("{}.{}", path, key);
}

std::string child(std::string_view path, std::size_t index) {
  return fmt::format("{}[{}]", path, index);
}

void fail(std::string_view path, std::string_view what) {
  throw error(error_code::invalid_params, fmt::format("{} {}", path, what));
}

const json::object& as_object(const json::value& v, std::string_view path) {
  if (!v.is_object()) fail(path, "must be an object");
  return v.get_object();
}

std::optional<std::string> optional_string(const json::value& v, std::string_view path) {
  if (v.is_null()) return std::nullopt;
  if (!v.is_string()) fail(path, "must be a string or null");
  return std::string(v.get_string());
}

std::string required_string(const json::value& v, std::string_view path) {
  if (!v.is_string()) fail(path, "must be a string");
  return std::string(v.get_string());
}

bool boolean(const json::value& v, std::string_view path) {
  if (!v.is_bool()) fail(path, "must be a boolean");
  return v.get_bool();
}

std::optional<metadata> optional_metadata(const json::value& v, std::string_view path) {
  if (v.is_null()) return std::nullopt;
  if (!v.is_object()) fail(path, "must be an object or null");
  // A copy in the default storage: `v` may live in a short-lived resource.
  return metadata(v.get_object(), json::storage_ptr());
}

}  // namespace customerdb::server::detail
