// Tests of server/src/http_server.cpp that need no client: the options its constructor checks.
// The transport as a whole is tested through the program in tests/protocol/http_test.py.
#include "customerdb/server/http_server.hpp"

#include <fmt/format.h>
#include <sys/resource.h>

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <stdexcept>
#include <string>
#include <thread>

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

BOOST_AUTO_TEST_CASE(runs_more_threads_than_cores_by_default) {
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  BOOST_TEST(default_http_threads() == std::min(max_http_threads, std::max(8u, 4 * cores)));
}

BOOST_AUTO_TEST_CASE(max_connections_fit_the_file_limit) {
  rlimit limit{};
  BOOST_REQUIRE(::getrlimit(RLIMIT_NOFILE, &limit) == 0);
  http_server_options options;
  options.port = 0;
  const std::size_t room = limit.rlim_max == RLIM_INFINITY
                               ? default_max_connections
                               : static_cast<std::size_t>(limit.rlim_max) - reserved_descriptors;
  BOOST_TEST(http_server{options}.max_connections() == std::min(default_max_connections, room));
  options.max_connections = 3;
  BOOST_TEST(http_server{options}.max_connections() == 3u);
  if (limit.rlim_max != RLIM_INFINITY) {
    options.max_connections = static_cast<std::size_t>(limit.rlim_max);
    BOOST_CHECK_EXCEPTION(
        http_server{options}, std::runtime_error, [&](const std::runtime_error& e) {
          return std::string(e.what()) ==
                 fmt::format("{} connections need {} file descriptors, but the process may open "
                             "at most {} (ulimit -Hn)",
                             limit.rlim_max, limit.rlim_max + reserved_descriptors,
                             limit.rlim_max);
        });
  }
}

BOOST_AUTO_TEST_SUITE_END()
