// Helpers shared by the engine test suites.
#pragma once

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "customerdb/customer_module.hpp"

namespace customerdb::testing {

// Asserts that `call` throws customerdb::error with exactly `code` and `message`.
#define CUSTOMERDB_CHECK_ERROR(call, expected_code, expected_message)                       \
  do {                                                                                     \
    bool customerdb_thrown_ = false;                                                       \
    try {                                                                                  \
      (void)(call);                                                                        \
    } catch (const ::customerdb::error& e) {                                               \
      customerdb_thrown_ = true;                                                           \
      BOOST_CHECK_EQUAL(::customerdb::to_string(e.code()),                                 \
                        ::customerdb::to_string(expected_code));                           \
      BOOST_CHECK_EQUAL(std::string(e.what()), std::string(expected_message));             \
    }                                                                                      \
    BOOST_CHECK_MESSAGE(customerdb_thrown_, "expected customerdb::error from " #call);     \
  } while (false)

// A clock that tests move by hand. Starts at start(), 2024-05-24T10:00:00.000Z.
class manual_clock {
 public:
  static timestamp start() {
    return std::chrono::sys_days{std::chrono::year{2024} / 5 / 24} + std::chrono::hours{10};
  }
  timestamp now() const { return *current_; }
  void advance(std::chrono::milliseconds d) { *current_ += d; }
  void set(timestamp t) { *current_ = t; }
  std::function<timestamp()> function() const {
    auto current = current_;
    return [current] { return *current; };
  }

 private:
  std::shared_ptr<timestamp> current_ = std::make_shared<timestamp>(start());
};

}  // namespace customerdb::testing
