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

#include "customerdb/dto.hpp"
#include "customerdb/patch.hpp"

namespace customerdb {

// An address to add. Inside `create_customer_dto::addresses`, `customer_id` is set by the engine
// to the new customer's id (a value given there is replaced).
struct create_customer_address_dto {
  std::optional<std::string> id{};           // kept when given (decision D15)
  std::optional<std::string> customer_id{};  // required by add_addresses
  std::optional<std::string> address_name{};
  bool is_default_shipping = false;
  bool is_default_billing = false;
  std::optional<std::string> company{};
  std::optional<std::string> first_name{};
  std::optional<std::string> last_name{};
  std::optional<std::string> address_1{};
  std::optional<std::string> address_2{};
  std::optional<std::string> city{};
  std::optional<std::string> country_code{};
  std::optional<std::string> province{};
  std::optional<std::string> postal_code{};
  std::optional<std::string> phone{};
  std::optional<customerdb::metadata> metadata{};
};

struct create_customer_dto {
  std::optional<std::string> id{};  // kept when given (decision D15)
  std::optional<std::string> email{};
  std::optional<std::string> first_name{};
  std::optional<std::string> last_name{};
  std::optional<std::string> company_name{};
  std::optional<std::string> phone{};
  bool has_account = false;
  std::optional<customerdb::metadata> metadata{};
  std::optional<std::string> created_by{};
  // Addresses created with the customer. When given (even empty), the returned customer's
  // `addresses` holds the addresses created, in input order (decision D8).
  std::optional<std::vector<create_customer_address_dto>> addresses{};
};

struct customer_updatable_fields {
  patch<std::string> email{};
  patch<std::string> first_name{};
  patch<std::string> last_name{};
  patch<std::string> company_name{};
  patch<std::string> phone{};
  patch<bool> has_account{};  // not nullable
  // Deep-merged into the stored object (decision D10); null clears it.
  patch<customerdb::metadata> metadata{};
  patch<std::string> created_by{};
};

struct create_customer_group_dto {
  std::optional<std::string> id{};  // kept when given (decision D15)
  std::optional<std::string> name{};
  std::optional<customerdb::metadata> metadata{};
  std::optional<std::string> created_by{};
};

struct customer_group_updatable_fields {
  patch<std::string> name{};
  patch<customerdb::metadata> metadata{};  // deep-merged (decision D10)
  patch<std::string> created_by{};
};

struct update_customer_address_dto {
  patch<std::string> customer_id{};  // not nullable; must name an existing customer
  patch<std::string> address_name{};
  patch<bool> is_default_shipping{};  // not nullable
  patch<bool> is_default_billing{};   // not nullable
  patch<std::string> company{};
  patch<std::string> first_name{};
  patch<std::string> last_name{};
  patch<std::string> address_1{};
  patch<std::string> address_2{};
  patch<std::string> city{};
  patch<std::string> country_code{};
  patch<std::string> province{};
  patch<std::string> postal_code{};
  patch<std::string> phone{};
  patch<customerdb::metadata> metadata{};  // deep-merged (decision D10)
};

// A (customer, group) pair for add_customer_to_group and remove_customer_from_group.
struct group_customer_pair {
  std::string customer_id{};
  std::string customer_group_id{};
};

}  // namespace customerdb
