// The values customerdb returns: plain copies of customers, customer groups, addresses and
// group memberships (Medusa's CustomerDTO, CustomerGroupDTO, CustomerAddressDTO and
// CustomerGroupCustomerDTO). They never refer back into the store.
//
// Scalars are always filled in. When a query asked for a `select`, the DTO's `selection`
// names the fields it carries (the others keep their defaults); `has_field` tells. A dotted
// `select` path ("addresses.city") narrows the items of a loaded relation the same way (decision
// D23).
// Relations are filled in only when asked for in `relations`; a to-many relation that was not
// asked for is nullopt, and a relation back to the type of the row that holds the list is
// never filled in (an address inside `customer.addresses` has no `customer`, a customer inside
// `group.customers` no `groups`; decision D22). A to-one relation is filled in only when its
// foreign key is among the selected fields.
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

// A to-one relation of a DTO (an address's `customer`, a membership's `customer` and
// `customer_group`): not loaded when it was not asked for (or its foreign key was not
// selected); loaded and null when the related row is hidden (soft-deleted, without
// `with_deleted`), as Medusa returns `null` (decision D22); otherwise the related row.
template <class T>
class to_one {
 public:
  to_one() = default;
  // Loaded: `row` is the related row, or null when it is hidden.
  static to_one loaded_as(std::shared_ptr<const T> row) {
    to_one r;
    r.loaded_ = true;
    r.row_ = std::move(row);
    return r;
  }

  // Whether the relation was loaded (asked for).
  bool loaded() const noexcept { return loaded_; }
  // Whether there is a related row.
  explicit operator bool() const noexcept { return row_ != nullptr; }
  // REQUIRES: a related row.
  const T& operator*() const noexcept { return *row_; }
  const T* operator->() const noexcept { return row_.get(); }
  const T* get() const noexcept { return row_.get(); }

 private:
  bool loaded_ = false;
  std::shared_ptr<const T> row_;
};

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
  // Relation (see to_one).
  to_one<customerdb::customer> customer;
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
  // Relations (see to_one).
  to_one<customerdb::customer> customer;
  to_one<customerdb::customer_group> customer_group;
};

}  // namespace customerdb
