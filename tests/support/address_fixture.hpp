// What the address suites share: a module on a manual clock that makes customers and shows their
// default address ids (address_fixture), short names of the address inputs, and the messages
// of the unique rule and of an unknown customer. Includes the engine and the suites' check.hpp
// and helpers.hpp.
#pragma once

#include <boost/test/unit_test.hpp>

#include <string>

#include "customerdb/customerdb.hpp"
#include "support/check.hpp"
#include "support/helpers.hpp"

namespace customerdb::testing {

using addr_in = create_customer_address_dto;
using addr_update = update_customer_address_dto;

struct address_fixture {
  manual_clock clock;
  customer_module m{module_options{.clock = clock.function()}};

  customer make_customer(const std::string& email) { return m.create({.email = email}); }

  std::string default_shipping_of(const std::string& customer_id) {
    return show(m.retrieve(customer_id).default_shipping_address_id);
  }
  std::string default_billing_of(const std::string& customer_id) {
    return show(m.retrieve(customer_id).default_billing_address_id);
  }
};

inline std::string unique_message(const std::string& customer_id) {
  return "Customer address with customer_id: " + customer_id + ", already exists.";
}

inline std::string fk_message(const std::string& customer_id) {
  return "You tried to set relationship customer_id: " + customer_id +
         ", but such entity does not exist";
}

}  // namespace customerdb::testing
