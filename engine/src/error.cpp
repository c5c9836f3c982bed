#include "customerdb/error.hpp"

#include <fmt/format.h>

#include <cstddef>
#include <iterator>

#include "error_messages.hpp"
#include "text_match.hpp"

namespace customerdb {

std::string_view to_string(error_code code) noexcept {
  // In the order of error_code.
  static constexpr std::string_view names[] = {"not_found",     "invalid_data", "conflict",
                                               "not_allowed",   "io_error",     "corruption",
                                               "invalid_params", "timed_out"};
  static_assert(std::size(names) == static_cast<std::size_t>(error_code::timed_out) + 1);
  const auto i = static_cast<std::size_t>(code);
  return i < std::size(names) ? names[i] : "unknown";
}

error unknown_field_error(std::string_view model, std::string_view key) {
  return detail::unknown_field(model, key);
}

error non_null_field_error(std::string_view model, std::string_view field) {
  return detail::non_null_property(field, model);
}

error invalid_value_error(std::string_view what, std::string_view value) {
  return detail::invalid_value(what, value);
}

namespace detail {

error not_found_by_id(std::string_view model, std::string_view id) {
  return error(error_code::not_found, fmt::format("{} with id: {} was not found", model, id));
}

error id_must_be_defined(std::string_view model_lower) {
  return error(error_code::not_found, fmt::format("{} - id must be defined", model_lower));
}

error update_targets_not_found(std::string_view model, const std::vector<std::string>& ids) {
  return error(error_code::not_found,
               fmt::format("{} with id \"{}\" not found", model, fmt::join(ids, ", ")));
}

error already_exists(std::string_view table_words,
                     const std::vector<std::pair<std::string_view, std::string>>& columns) {
  std::string text = fmt::format("{} with ", table_words);
  // Values are printed trimmed, as Medusa prints them (decision D29).
  for (const auto& [column, value] : columns)
    text += fmt::format("{}: {}, ", column, trim_white_space(value));
  text += "already exists.";
  return error(error_code::invalid_data, text);
}

error relationship_missing(std::string_view column, std::string_view value) {
  return error(error_code::not_found,
               fmt::format("You tried to set relationship {}: {}, but such entity does not exist",
                           column, value));
}

error unknown_field(std::string_view model, std::string_view key) {
  return error(error_code::invalid_data, fmt::format("Unknown field \"{}\" for {}", key, model));
}

error unknown_relation(std::string_view model, std::string_view key) {
  return error(error_code::invalid_data, fmt::format("Unknown relation \"{}\" for {}", key, model));
}

error non_null_property(std::string_view property, std::string_view model) {
  return error(error_code::invalid_data,
               fmt::format("You must pass a non-null value to the property {} of entity {}.",
                           property, model));
}

error required_value(std::string_view model, std::string_view property) {
  return error(error_code::invalid_data,
               fmt::format("Value for {}.{} is required, 'undefined' found", model, property));
}

error invalid_value(std::string_view what, std::string_view value) {
  return error(error_code::invalid_data, fmt::format("Invalid value for {}: {}", what, value));
}

error invalid_order_direction(std::string_view text, std::string_view key) {
  return error(error_code::invalid_data,
               fmt::format("Invalid order direction \"{}\" for \"{}\": expected ASC or DESC, "
                           "optionally followed by NULLS FIRST or NULLS LAST",
                           text, key));
}

error search_below_top_level(std::string_view model) {
  return error(
      error_code::invalid_data,
      fmt::format("Filter key \"q\" is accepted only at the top level of a filter of {}", model));
}

error search_in_delete_selector(std::string_view model) {
  return error(
      error_code::invalid_data,
      fmt::format("Filter key \"q\" is not accepted in a selector that deletes {}", model));
}

error query_by_unknown_property(std::string_view model, std::string_view key) {
  return error(error_code::invalid_data,
               fmt::format("Trying to query by not existing property {}.{}", model, key));
}

error order_by_unknown_property(std::string_view model, std::string_view key) {
  return error(error_code::invalid_data,
               fmt::format("Trying to order by not existing property {}.{}", model, key));
}

error invalid_field_value(std::string_view model, std::string_view key, std::string_view expected) {
  return error(
      error_code::invalid_data,
      fmt::format("Invalid value for field \"{}\" of {}: expected {}", key, model, expected));
}

error limit_exceeded(std::string_view what, std::size_t limit, std::string_view member,
                     std::string_view option) {
  return error(error_code::invalid_data,
               fmt::format("{}; the limit is {} (module_options.limits.{}, --{})", what, limit,
                           member, option));
}

}  // namespace detail
}  // namespace customerdb
