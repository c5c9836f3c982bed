// The inputs of customerdb's write methods (Medusa's CreateCustomerDTO, CustomerUpdatableFields,
// CreateCustomerGroupDTO, CustomerGroupUpdatableFields, CreateCustomerAddressDTO,
// UpdateCustomerAddressDTO and GroupCustomerPair). They are aggregates meant to be written
// with designated initializers, naming fields in declaration order:
//
//   module.create({.email = "john@smith.com", .first_name = "John"});
//   module.update(id, {.last_name = "Smith", .phone = customerdb::null});
//
// Create inputs use std::optional (not given = null or the default); update inputs use
// customerdb::patch (not given = untouched, customerdb::null = set to null).
//
// All types here are thread-compatible value types.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "customerdb/columns.hpp"
#include "customerdb/dto.hpp"
#include "customerdb/patch.hpp"

namespace customerdb {

// The create input of an entity holds its `id`, `ref`, `text`, `flag` and `json` columns
// (columns.hpp), in declaration order; its update input the same without `id`. A given `id`
// is kept (decision D15). `customer_id` is required by add_addresses; inside
// `create_customer_dto::addresses` it is set by the engine to the new customer's id (a value
// given there is replaced). In updates, null is refused for the non-nullable columns (an
// address's customer_id, which must also name an existing customer, and the flags), and
// metadata is deep-merged into the stored object (decision D10) while null clears it.

#define CUSTOMERDB_INPUT(type, columns_type, list, member) \
  struct type {                                            \
    using columns = columns_type;                          \
    list(member)                                           \
  };

CUSTOMERDB_INPUT(create_customer_address_dto, customer_address_columns, CUSTOMERDB_ADDRESS_COLUMNS,
                 CUSTOMERDB_CREATE_MEMBER)
CUSTOMERDB_INPUT(update_customer_address_dto, customer_address_columns, CUSTOMERDB_ADDRESS_COLUMNS,
                 CUSTOMERDB_UPDATE_MEMBER)
CUSTOMERDB_INPUT(customer_updatable_fields, customer_columns, CUSTOMERDB_CUSTOMER_COLUMNS,
                 CUSTOMERDB_UPDATE_MEMBER)
CUSTOMERDB_INPUT(create_customer_group_dto, customer_group_columns, CUSTOMERDB_GROUP_COLUMNS,
                 CUSTOMERDB_CREATE_MEMBER)
CUSTOMERDB_INPUT(customer_group_updatable_fields, customer_group_columns, CUSTOMERDB_GROUP_COLUMNS,
                 CUSTOMERDB_UPDATE_MEMBER)

#undef CUSTOMERDB_INPUT

struct create_customer_dto {
  using columns = customer_columns;
  CUSTOMERDB_CUSTOMER_COLUMNS(CUSTOMERDB_CREATE_MEMBER)
  // Addresses created with the customer. When given (even empty), the returned customer's
  // `addresses` holds the addresses created, in input order (decision D8).
  std::optional<std::vector<create_customer_address_dto>> addresses{};
};

// A (customer, group) pair for add_customer_to_group and remove_customer_from_group.
struct group_customer_pair {
  std::string customer_id{};
  std::string customer_group_id{};
};

}  // namespace customerdb
