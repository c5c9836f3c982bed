// What the C++ suites of tests/postgres share: the cluster that with_cluster.sh started for
// them, and the message of a pg_error a call throws.
#pragma once

#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <functional>
#include <string>

#include "customerdb/postgres/pg_error.hpp"

namespace customerdb::postgres::testing {

// The cluster's connection string (CUSTOMERDB_TEST_PG); fails the test when it is not set.
inline std::string test_cluster() {
  const char* c = std::getenv("CUSTOMERDB_TEST_PG");
  if (c == nullptr || *c == '\0')
    BOOST_FAIL(
        "CUSTOMERDB_TEST_PG is not set: run this suite through tests/postgres/with_cluster.sh "
        "(ctest does), which starts a PostgreSQL 15 cluster and sets it");
  return c;
}

// What `f` throws as pg_error, or "(no error)".
inline std::string pg_error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const pg_error& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace customerdb::postgres::testing
