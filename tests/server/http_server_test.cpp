// Tests of server/src/http_server.cpp that need no client: the options its constructor checks.
// The transport as a whole is tested through the program in tests/protocol/http_test.py.
#include "customerdb/server/http_server.hpp"

#include <boost/test/unit_test.hpp>
#include <stdexcept>
#include <string>

using namespace customerdb::server;

BOOST_AUTO_TEST_SUITE(http_server_tests)

BOOST_AUTO_TEST_CASE(runs_at_most_max_http_threads) {
  http_server_options options;
  options.port = 0;
  options.threads = max_http_threads;
  BOOST_CHECK_NO_THROW(http_server{options});
  options.threads = max_http_threads + 1;
  BOOST_CHECK_EXCEPTION(http_server{options}, std::runtime_error, [](const std::runtime_error& e) {
    return std::string(e.what()) == "at most 256 threads can serve connections, not 257";
  });
}

BOOST_AUTO_TEST_SUITE_END()
