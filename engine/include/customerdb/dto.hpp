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

#include "customerdb/columns.hpp"
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

// Each DTO holds the columns of its entity (columns.hpp), then its relations. A customer's
// derived columns, default_billing_address_id and default_shipping_address_id, are the id of
// its default billing / shipping address, or nullopt (decision D9).

// The to-many relations have no default member initializer (`{}`): there clang would instantiate
// the destructors of the DTOs they hold while a DTO they hold in turn (customer_address) is
// still incomplete. They start empty all the same (std::optional's default constructor).

// A customer (id prefix "cus").
struct customer : selected_fields {
  using columns = customer_columns;
  CUSTOMERDB_CUSTOMER_COLUMNS(CUSTOMERDB_DTO_MEMBER)
  // Relations, ordered by id.
  std::optional<std::vector<customer_group>> groups;
  std::optional<std::vector<customer_address>> addresses;
};

// A customer group (id prefix "cusgroup").
struct customer_group : selected_fields {
  using columns = customer_group_columns;
  CUSTOMERDB_GROUP_COLUMNS(CUSTOMERDB_DTO_MEMBER)
  // Relation, ordered by id.
  std::optional<std::vector<customerdb::customer>> customers;
};

// A customer address (id prefix "cuaddr").
struct customer_address : selected_fields {
  using columns = customer_address_columns;
  CUSTOMERDB_ADDRESS_COLUMNS(CUSTOMERDB_DTO_MEMBER)
  // Relation (see to_one).
  to_one<customerdb::customer> customer;
};

// A group membership (id prefix "cusgc").
struct customer_group_customer : selected_fields {
  using columns = customer_group_customer_columns;
  CUSTOMERDB_MEMBERSHIP_COLUMNS(CUSTOMERDB_DTO_MEMBER)
  // Relations (see to_one).
  to_one<customerdb::customer> customer;
  to_one<customerdb::customer_group> customer_group;
};

}  // namespace customerdb
