// What the customer suites share: a module on a manual clock that makes numbered customers
// (customer_fixture), and short names of the creation inputs. Includes the engine and the
// suites' check.hpp and helpers.hpp.
#pragma once

#include <boost/test/unit_test.hpp>

#include <optional>
#include <string>
#include <vector>

#include "customerdb/customerdb.hpp"
#include "support/check.hpp"
#include "support/helpers.hpp"

namespace customerdb::testing {

using strings = std::vector<std::string>;
using addresses = std::vector<create_customer_address_dto>;
using customer_list = std::vector<create_customer_dto>;
using dto = create_customer_dto;

struct customer_fixture {
  manual_clock clock;
  customer_module m{module_options{.clock = clock.function()}};

  // Creates `n` customers (first_name "c<i>", company_name `company`), in creation order.
  strings make(int n, const std::optional<std::string>& company = std::nullopt) {
    strings out;
    for (int i = 0; i < n; ++i) {
      out.push_back(m.create(dto{.first_name = "c" + std::to_string(i), .company_name = company}).id);
    }
    return out;
  }

  find_config all() const { return find_config{.take = customerdb::null}; }
};

}  // namespace customerdb::testing
