// The values customerdb returns: plain copies of customers, customer groups, addresses and
// group memberships (Medusa's CustomerDTO, CustomerGroupDTO, CustomerAddressDTO and
// CustomerGroupCustomerDTO). They never refer back into the store.
//
// Scalars are always filled in. When a query asked for a `select`, the DTO's `selection`
// names the fields it carries (the others keep their defaults); `has_field` tells.
// Relations are filled in only when asked for in `relations`; a to-many relation that was not
// asked for is nullopt, and the back-reference to the parent is never filled in (an address
// inside `customer.addresses` has no `customer`).
//
// All types here are thread-compatible value types.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "customerdb/timestamp.hpp"

namespace customerdb {

using metadata = boost::json::object;

// The scalar fields a DTO carries after a `select`.
class field_selection {
 public:
  explicit field_selection(std::vector<std::string> fields);
  bool contains(std::string_view field) const noexcept;
  const std::vector<std::string>& fields() const noexcept { return fields_; }

 private:
  std::vector<std::string> fields_;
};

struct customer;
struct customer_group;
struct customer_address;

// Shared by every DTO: which scalars a `select` kept.
struct selected_fields {
  // Null: every scalar field is present.
  std::shared_ptr<const field_selection> selection;

  bool has_field(std::string_view name) const noexcept {
    return !selection || selection->contains(name);
  }
};

// A customer (id prefix "cus").
struct customer : selected_fields {
  std::string id{};
  std::optional<std::string> company_name{};
  std::optional<std::string> first_name{};
  std::optional<std::string> last_name{};
  std::optional<std::string> email{};
  std::optional<std::string> phone{};
  bool has_account = false;
  std::optional<customerdb::metadata> metadata{};
  std::optional<std::string> created_by{};
  // Derived from the address flags (decision D9): the id of the default billing / shipping
  // address, or nullopt.
  std::optional<std::string> default_billing_address_id{};
  std::optional<std::string> default_shipping_address_id{};
  timestamp created_at{};
  timestamp updated_at{};
  std::optional<timestamp> deleted_at{};
  // Relations, ordered by id.
  std::optional<std::vector<customer_group>> groups{};
  std::optional<std::vector<customer_address>> addresses{};
};

// A customer group (id prefix "cusgroup").
struct customer_group : selected_fields {
  std::string id{};
  std::optional<std::string> name{};
  std::optional<customerdb::metadata> metadata{};
  std::optional<std::string> created_by{};
  timestamp created_at{};
  timestamp updated_at{};
  std::optional<timestamp> deleted_at{};
  // Relation, ordered by id.
  std::optional<std::vector<customerdb::customer>> customers{};
};

// A customer address (id prefix "cuaddr").
struct customer_address : selected_fields {
  std::string id{};
  std::string customer_id{};
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
  timestamp created_at{};
  timestamp updated_at{};
  // Relation: set when `customer` was asked for and the customer is visible.
  std::shared_ptr<const customerdb::customer> customer;
};

// A group membership (id prefix "cusgc").
struct customer_group_customer : selected_fields {
  std::string id{};
  std::string customer_id{};
  std::string customer_group_id{};
  std::optional<customerdb::metadata> metadata{};
  std::optional<std::string> created_by{};
  timestamp created_at{};
  timestamp updated_at{};
  // Relations: set when asked for and the row is visible.
  std::shared_ptr<const customerdb::customer> customer;
  std::shared_ptr<const customerdb::customer_group> customer_group;
};

}  // namespace customerdb
