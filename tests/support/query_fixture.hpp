// What the filter and find-config suites share: a module on a manual clock with helpers that
// list what a filter finds (query_fixture), short names of the creation inputs, metadata from
// JSON text, and an error check by the message's start. Includes the engine and the suites'
// check.hpp and helpers.hpp.
#pragma once

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <string>
#include <utility>
#include <vector>

#include "customerdb/customerdb.hpp"
#include "support/check.hpp"
#include "support/helpers.hpp"

namespace customerdb::testing {

using dto = create_customer_dto;
using address_dto = create_customer_address_dto;
using group_dto = create_customer_group_dto;

// A metadata object from JSON text.
inline metadata meta(const char* json) { return boost::json::parse(json).as_object(); }

// When manual_clock starts.
inline const timestamp t0 = manual_clock::start();

inline find_config no_limit() { return find_config{.take = customerdb::null}; }

// Whether `call` throws customerdb::error with `code` and a message starting with `prefix`.
template <class F>
void check_error_prefix(F call, error_code code, const std::string& prefix) {
  bool thrown = false;
  try {
    (void)call();
  } catch (const error& e) {
    thrown = true;
    BOOST_CHECK_EQUAL(to_string(e.code()), to_string(code));
    const std::string what = e.what();
    BOOST_CHECK_MESSAGE(what.rfind(prefix, 0) == 0,
                        "message \"" << what << "\" does not start with \"" << prefix << "\"");
  }
  BOOST_CHECK_MESSAGE(thrown, "expected customerdb::error starting with " << prefix);
}

// A module on a manual clock, and the ids (comma-separated) of what a filter finds.
struct query_fixture {
  manual_clock clock;
  customer_module m{module_options{.clock = clock.function()}};

  std::string found(const filter& f, const find_config& config = {}) {
    return join(ids_of(m.list(f, config)));
  }
  std::string addresses(const filter& f, const find_config& config = {}) {
    return join(ids_of(m.list_addresses(f, config)));
  }
  std::string groups(const filter& f, const find_config& config = {}) {
    return join(ids_of(m.list_customer_groups(f, config)));
  }
  static std::string ids(std::vector<std::string> v) { return join(sorted(std::move(v))); }
};

}  // namespace customerdb::testing
