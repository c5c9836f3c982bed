// The messages of customerdb's errors, in one place (Medusa's texts, and the texts of decisions
// D1-D18). Every throw in the engine goes through these.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "customerdb/error.hpp"

namespace customerdb::detail {

// "<Model> with id: <id> was not found"
error not_found_by_id(std::string_view model, std::string_view id);
// "<model> - id must be defined"
error id_must_be_defined(std::string_view model_lower);
// `<Model> with id "<a, b>" not found`
error update_targets_not_found(std::string_view model, const std::vector<std::string>& ids);
// "<Table words> with <col>: <val>[, <col>: <val>], already exists.", each value trimmed of
// the white space around it (decision D29).
error already_exists(std::string_view table_words,
                     const std::vector<std::pair<std::string_view, std::string>>& columns);
// "You tried to set relationship <col>: <val>, but such entity does not exist"
error relationship_missing(std::string_view column, std::string_view value);
// `Unknown field "<key>" for <Model>`
error unknown_field(std::string_view model, std::string_view key);
// `Unknown relation "<key>" for <Model>`
error unknown_relation(std::string_view model, std::string_view key);
// "You must pass a non-null value to the property <prop> of entity <Model>."
error non_null_property(std::string_view property, std::string_view model);
// "Value for <Model>.<prop> is required, 'undefined' found"
error required_value(std::string_view model, std::string_view property);
// "Invalid value for <what>: <value>"
error invalid_value(std::string_view what, std::string_view value);
// `Filter key "q" is accepted only at the top level of a filter of <Model>` (decision D27)
error search_below_top_level(std::string_view model);
// `Filter key "q" is not accepted in a selector that deletes <Model>` (decision D27)
error search_in_delete_selector(std::string_view model);
// "Trying to query by not existing property <Model>.<key>": Medusa v2's words for an unknown
// filter key, and for a `q` where it is not accepted (key "q").
error query_by_unknown_property(std::string_view model, std::string_view key);
// "Trying to order by not existing property <Model>.<key>": Medusa v2's words for an unknown
// order key.
error order_by_unknown_property(std::string_view model, std::string_view key);
// `Invalid order direction "<text>" for "<key>": expected ASC or DESC, optionally followed by
// NULLS FIRST or NULLS LAST` (parse_sort_direction)
error invalid_order_direction(std::string_view text, std::string_view key);
// `Invalid value for field "<key>" of <Model>: expected <expected>`
error invalid_field_value(std::string_view model, std::string_view key, std::string_view expected);
// "<what>; the limit is <limit> (module_options.limits.<member>, --<option>)": a call past a
// cap of query_limits.
error limit_exceeded(std::string_view what, std::size_t limit, std::string_view member,
                     std::string_view option);

}  // namespace customerdb::detail
