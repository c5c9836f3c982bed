// What the Medusa v2 interface suites share: a module on a manual clock with its v2 interface
// (v2_fixture), which makes numbered customers through v2. Includes the engine and the suites'
// check.hpp and helpers.hpp.
#pragma once

#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "customerdb/customerdb.hpp"
#include "support/check.hpp"
#include "support/helpers.hpp"

namespace customerdb::testing {

using strings = std::vector<std::string>;

struct v2_fixture {
  manual_clock clock;
  customer_module m{module_options{.clock = clock.function()}};
  customer_module_v2 v2 = m.v2();

  // `n` customers named c00, c01, ... (first_name), in id order.
  strings customers(int n) {
    strings ids;
    for (int i = 0; i < n; ++i) {
      ids.push_back(v2.create_customers(create_customer_dto{
                                            .id = fmt_id(i),
                                            .first_name = fmt_id(i).substr(4),
                                        })
                        .id);
    }
    return ids;
  }
  static std::string fmt_id(int i) {
    return std::string("cus_c") + (i < 10 ? "0" : "") + std::to_string(i);
  }
};

}  // namespace customerdb::testing
