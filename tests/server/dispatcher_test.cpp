// Tests of server/src/dispatcher.cpp that need the process itself: threads sharing one
// dispatcher and its transaction table, expiry sweeps, and exact response texts; and of the
// transaction table itself (server/src/transaction_registry.hpp). The protocol as a whole is
// tested through the program in tests/protocol.
#include "customerdb/server/dispatcher.hpp"

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>
#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "../../server/src/transaction_registry.hpp"  // private to the server library
#include "support/check.hpp"

using namespace customerdb;
using customerdb::server::dispatcher;
using customerdb::server::transaction_registry;
using namespace std::chrono_literals;
namespace json = boost::json;

namespace {

struct fixture {
  customer_module module;
  dispatcher rpc{module};

  json::value call(const std::string& request) {
    const auto reply = rpc.handle(request);
    BOOST_REQUIRE(reply.has_value());
    return json::parse(*reply);
  }

  std::string begin(int timeout_ms) {
    const auto r = call(fmt::format(
        R"({{"jsonrpc":"2.0","id":1,"method":"beginTransaction","params":[{{"timeoutMs":{}}}]}})",
        timeout_ms));
    return std::string(r.at("result").at("transactionId").as_string());
  }
};

std::string error_message(const json::value& response) {
  return std::string(response.at("error").at("message").as_string());
}

}  // namespace

BOOST_AUTO_TEST_SUITE(dispatcher_tests)

// timed_out is -32005, with the engine's message. A module that cancelled its calls gives it
// whatever the call's budget (timeoutMs, or the server's default): no test waits for a
// deadline to pass during a call, which would guess the machine's speed.
BOOST_FIXTURE_TEST_CASE(a_call_stopped_by_its_budget_answers_timed_out, fixture) {
  BOOST_TEST(rpc.options().request_timeout == 30'000ms);
  module.cancel_calls();
  const std::string cancelled =
      R"("error":{"code":-32005,"message":"The call was cancelled: the module is shutting )"
      R"(down","data":{"type":"timed_out"}}})";
  BOOST_TEST(*rpc.handle(R"({"jsonrpc":"2.0","id":1,"method":"list","params":[{},null,)"
                         R"({"timeoutMs":60000}]})") ==
             R"({"jsonrpc":"2.0","id":1,)" + cancelled);
  BOOST_TEST(*rpc.handle(R"({"jsonrpc":"2.0","id":2,"method":"create","params":[{}]})") ==
             R"({"jsonrpc":"2.0","id":2,)" + cancelled);
  // The budget is checked after the params: a bad timeoutMs is still invalid_params.
  BOOST_TEST(error_message(call(R"({"jsonrpc":"2.0","id":3,"method":"list","params":[{},null,)"
                                R"({"timeoutMs":0}]})")) ==
             "params[2].timeoutMs must be an integer from 1 to 86400000");
  BOOST_TEST(*rpc.handle(R"({"jsonrpc":"2.0","id":4,"method":"ping"})") ==
             R"({"jsonrpc":"2.0","id":4,"result":"pong"})");
}

BOOST_FIXTURE_TEST_CASE(responses_have_the_exact_shape, fixture) {
  BOOST_TEST(*rpc.handle(R"({"jsonrpc":"2.0","id":"a","method":"ping"})") ==
             R"({"jsonrpc":"2.0","id":"a","result":"pong"})");
  BOOST_TEST(*rpc.handle(R"({"jsonrpc":"2.0","id":7,"method":"retrieve","params":["cus_x"]})") ==
             R"({"jsonrpc":"2.0","id":7,"error":{"code":-32001,"message":"Customer with id: )"
             R"(cus_x was not found","data":{"type":"not_found"}}})");
  BOOST_TEST(*rpc.handle(R"({"jsonrpc":"2.0","id":1,"method":"ping","params":[1]})") ==
             R"({"jsonrpc":"2.0","id":1,"error":{"code":-32602,"message":"ping takes at most 0 )"
             R"(params, got 1","data":{"type":"invalid_params"}}})");
  BOOST_CHECK(!rpc.handle(R"({"jsonrpc":"2.0","method":"ping"})").has_value());
  BOOST_CHECK(!rpc.handle(R"([{"jsonrpc":"2.0","method":"ping"}])").has_value());
}

BOOST_FIXTURE_TEST_CASE(nesting_beyond_the_limit_is_a_parse_error, fixture) {
  const std::string deep = std::string(100'000, '[') + std::string(100'000, ']');
  const auto r = call(deep);
  BOOST_TEST(r.at("error").at("code").as_int64() == -32700);
  BOOST_TEST(r.at("id").is_null());
  BOOST_TEST(call(R"({"jsonrpc":"2.0","id":2,"method":"ping"})").at("result") == "pong");
}

BOOST_FIXTURE_TEST_CASE(a_request_over_the_size_limit_is_refused, fixture) {
  customer_module m;
  dispatcher small(m, {.max_request_bytes = 64});
  const auto r = json::parse(*small.handle(std::string(65, ' ')));
  BOOST_TEST(r.at("error").at("code").as_int64() == -32600);
  BOOST_TEST(error_message(r) == "Invalid request: larger than 64 bytes");
  BOOST_TEST(*small.handle(R"({"jsonrpc":"2.0","id":1,"method":"ping"})") ==
             R"({"jsonrpc":"2.0","id":1,"result":"pong"})");
}

BOOST_FIXTURE_TEST_CASE(an_expired_transaction_is_rolled_back_by_the_sweep, fixture) {
  const std::string tx = begin(50);
  call(fmt::format(R"({{"jsonrpc":"2.0","id":2,"method":"create","params":[{{"id":"cus_t"}},)"
                   R"({{"transactionId":"{}"}}]}})",
                   tx));
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));  // past the deadline and a sweep
  call(R"({"jsonrpc":"2.0","id":3,"method":"ping"})");            // runs the sweep
  const auto r = call(fmt::format(
      R"({{"jsonrpc":"2.0","id":4,"method":"commitTransaction","params":[{{"transactionId":"{}"}}]}})",
      tx));
  BOOST_TEST(r.at("error").at("code").as_int64() == -32003);
  BOOST_TEST(error_message(r) == "Transaction has expired");
  BOOST_TEST(call(R"({"jsonrpc":"2.0","id":5,"method":"list","params":[]})").at("result") ==
             json::array{});
}

BOOST_FIXTURE_TEST_CASE(an_ended_transaction_answers_with_the_engine_message, fixture) {
  const std::string tx = begin(60'000);
  const auto commit = fmt::format(
      R"({{"jsonrpc":"2.0","id":2,"method":"commitTransaction","params":[{{"transactionId":"{}"}}]}})",
      tx);
  BOOST_TEST(call(commit).at("result").is_null());
  BOOST_TEST(error_message(call(commit)) == "Transaction is no longer active");
  const auto rollback = fmt::format(
      R"({{"jsonrpc":"2.0","id":3,"method":"rollbackTransaction","params":[{{"transactionId":"{}"}}]}})",
      tx);
  BOOST_TEST(error_message(call(rollback)) == "Transaction is no longer active");
  BOOST_TEST(error_message(call(
                 R"({"jsonrpc":"2.0","id":4,"method":"list","params":[{},{},{"transactionId":"tx_0"}]})")) ==
             "Transaction tx_0 was not found");
}

// Threads share the dispatcher: each runs its own transactions and auto-commit calls. Every
// committed customer is there at the end, and nothing of the rolled-back ones.
BOOST_FIXTURE_TEST_CASE(concurrent_clients_share_one_dispatcher, fixture) {
  constexpr int threads = 4;
  constexpr int rounds = 40;
  std::atomic<int> failures{0};
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      // No Boost.Test assertions in these threads: Boost.Test is not thread-safe.
      for (int i = 0; i < rounds; ++i) {
        const auto begun = json::parse(*rpc.handle(
            R"({"jsonrpc":"2.0","id":1,"method":"beginTransaction","params":[{"timeoutMs":60000}]})"));
        const auto* result = begun.as_object().if_contains("result");
        if (!result) {
          ++failures;
          continue;
        }
        const std::string tx(result->at("transactionId").as_string());
        const auto ctx = fmt::format(R"({{"transactionId":"{}"}})", tx);
        const auto created = json::parse(*rpc.handle(fmt::format(
            R"({{"jsonrpc":"2.0","id":1,"method":"create","params":[{{"id":"cus_{}_{}"}},{}]}})", t,
            i, ctx)));
        if (!created.as_object().contains("result")) ++failures;
        const auto method = i % 2 == 0 ? "commitTransaction" : "rollbackTransaction";
        const auto done = json::parse(*rpc.handle(fmt::format(
            R"({{"jsonrpc":"2.0","id":2,"method":"{}","params":[{}]}})", method, ctx)));
        if (!done.as_object().contains("result")) ++failures;
        rpc.handle(R"({"jsonrpc":"2.0","id":3,"method":"list","params":[{},{"take":null}]})");
      }
    });
  }
  for (auto& th : pool) th.join();
  BOOST_TEST(failures.load() == 0);
  const auto count = call(R"({"jsonrpc":"2.0","id":9,"method":"listAndCount","params":[]})");
  BOOST_TEST(count.at("result").as_array().at(1).as_int64() == threads * rounds / 2);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(transaction_registry_tests)

namespace {

struct registry_fixture {
  customer_module module;
  transaction_registry registry{module, 60'000ms, 24h};
};

}  // namespace

BOOST_FIXTURE_TEST_CASE(ids_are_unguessable_and_distinct, registry_fixture) {
  std::set<std::string> ids;
  for (int i = 0; i < 100; ++i) {
    const std::string id = registry.begin(std::nullopt);
    BOOST_TEST(id.size() == 35u);
    BOOST_TEST(id.starts_with("tx_"));
    BOOST_TEST(id.find_first_not_of("0123456789abcdef", 3) == std::string::npos);
    ids.insert(id);
  }
  BOOST_TEST(ids.size() == 100u);
  BOOST_TEST(registry.max_timeout() == 24h);
}

BOOST_FIXTURE_TEST_CASE(calls_through_a_found_context_commit_together, registry_fixture) {
  const std::string tx = registry.begin(std::nullopt);
  {
    const auto ctx = registry.find(tx);
    BOOST_TEST(ctx->has_transaction());
    module.create({.id = "cus_r"}, *ctx);
    BOOST_TEST(module.list().empty());
  }
  registry.commit(tx);
  BOOST_TEST(module.list().size() == 1u);
}

BOOST_FIXTURE_TEST_CASE(rollback_discards_the_writes, registry_fixture) {
  const std::string tx = registry.begin(std::nullopt);
  module.create({.id = "cus_r"}, *registry.find(tx));
  registry.rollback(tx);
  BOOST_TEST(module.list().empty());
}

BOOST_FIXTURE_TEST_CASE(unknown_ids_are_conflicts, registry_fixture) {
  CUSTOMERDB_CHECK_ERROR(registry.find("tx_0"), error_code::conflict,
                         "Transaction tx_0 was not found");
  CUSTOMERDB_CHECK_ERROR(registry.commit("tx_0"), error_code::conflict,
                         "Transaction tx_0 was not found");
  CUSTOMERDB_CHECK_ERROR(registry.rollback(""), error_code::conflict, "Transaction  was not found");
}

BOOST_FIXTURE_TEST_CASE(an_ended_transaction_stays_as_a_tombstone, registry_fixture) {
  const std::string tx = registry.begin(std::nullopt);
  registry.commit(tx);
  CUSTOMERDB_CHECK_ERROR(registry.commit(tx), error_code::conflict,
                         "Transaction is no longer active");
  CUSTOMERDB_CHECK_ERROR(registry.rollback(tx), error_code::conflict,
                         "Transaction is no longer active");
  CUSTOMERDB_CHECK_ERROR(module.list({}, {}, *registry.find(tx)), error_code::conflict,
                         "Transaction is no longer active");
}

BOOST_FIXTURE_TEST_CASE(a_failed_commit_ends_the_transaction, registry_fixture) {
  const std::string a = registry.begin(std::nullopt);
  const std::string b = registry.begin(std::nullopt);
  module.create({.id = "cus_r"}, *registry.find(a));
  module.create({.id = "cus_r"}, *registry.find(b));
  registry.commit(a);
  BOOST_CHECK_THROW(registry.commit(b), error);
  CUSTOMERDB_CHECK_ERROR(registry.rollback(b), error_code::conflict,
                         "Transaction is no longer active");
}

BOOST_AUTO_TEST_CASE(timeouts_apply_and_the_sweep_rolls_back_expired_transactions) {
  customer_module module;
  transaction_registry registry(module, 50ms, 10min);
  const std::string by_default = registry.begin(std::nullopt);
  const std::string longer = registry.begin(10min);
  module.create({.id = "cus_short"}, *registry.find(by_default));
  module.create({.id = "cus_long"}, *registry.find(longer));
  std::this_thread::sleep_for(1100ms);  // past the default deadline and a second since the start
  registry.sweep();
  CUSTOMERDB_CHECK_ERROR(registry.commit(by_default), error_code::conflict,
                         "Transaction has expired");
  registry.commit(longer);
  const auto rows = module.list();
  BOOST_REQUIRE(rows.size() == 1u);
  BOOST_TEST(rows[0].id == "cus_long");
}

BOOST_FIXTURE_TEST_CASE(close_rolls_back_and_forgets_but_held_contexts_stay_valid,
                        registry_fixture) {
  const std::string tx = registry.begin(std::nullopt);
  const auto held = registry.find(tx);
  module.create({.id = "cus_r"}, *held);
  registry.close();
  CUSTOMERDB_CHECK_ERROR(registry.find(tx), error_code::conflict,
                         fmt::format("Transaction {} was not found", tx));
  BOOST_TEST(held->has_transaction());
  CUSTOMERDB_CHECK_ERROR(module.list({}, {}, *held), error_code::conflict,
                         "Transaction is no longer active");
  BOOST_TEST(module.list().empty());
  registry.commit(registry.begin(std::nullopt));  // still usable after close
}

BOOST_AUTO_TEST_SUITE_END()
