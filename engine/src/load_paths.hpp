// Which paths a find config's `select` and `relations` may name for an entity: the one rule
// behind both make_load_plan, which refuses an unknown path (dtos.hpp, decision D11), and
// Medusa v2's interface, which drops it (customer_module_v2.cpp). Non-throwing.
#pragma once

#include <optional>
#include <string_view>

#include "schema.hpp"

namespace customerdb::detail {

// The first name of a path that the entity at its level does not have, with that entity's
// model ("Customer"): what make_load_plan's message names.
struct unknown_name {
  std::string_view model;
  std::string_view name;
};

// A `relations` path of `Row`: dot-separated names, each a relation of the entity the one
// before it leads to ("addresses.customer"). Returns the first name that is not; nullopt when
// the path is known.
template <class Row>
std::optional<unknown_name> unknown_in_relation_path(std::string_view path) {
  const auto& s = schema_of<Row>();
  const auto dot = path.find('.');
  const auto name = path.substr(0, dot);
  const auto* rel = s.relation(name);
  if (!rel) return unknown_name{s.model, name};
  if (dot == std::string_view::npos) return std::nullopt;
  return with_entity(rel->target, [&](auto target) -> std::optional<unknown_name> {
    return unknown_in_relation_path<typename decltype(target)::type>(path.substr(dot + 1));
  });
}

// A path to a field of `Row`: its name, or relation names leading to it ("addresses.city").
// Returns the first name that is not; nullopt when the path is known.
template <class Row>
std::optional<unknown_name> unknown_in_field_path(std::string_view path) {
  const auto& s = schema_of<Row>();
  const auto dot = path.find('.');
  const auto name = path.substr(0, dot);
  if (dot == std::string_view::npos) {
    if (!s.field(name)) return unknown_name{s.model, name};
    return std::nullopt;
  }
  const auto* rel = s.relation(name);
  if (!rel) return unknown_name{s.model, name};
  return with_entity(rel->target, [&](auto target) -> std::optional<unknown_name> {
    return unknown_in_field_path<typename decltype(target)::type>(path.substr(dot + 1));
  });
}

// A `select` path of `Row`: a relation of `Row` (selecting it loads it), or a path to a field.
// Returns the first name that is not known; nullopt when the path is known.
template <class Row>
std::optional<unknown_name> unknown_in_select_path(std::string_view path) {
  if (schema_of<Row>().relation(path)) return std::nullopt;
  return unknown_in_field_path<Row>(path);
}

}  // namespace customerdb::detail
