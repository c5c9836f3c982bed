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
#include <stdexcept>
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
             "params[2].timeoutMs must be an integer from 1 to 600000");
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

BOOST_FIXTURE_TEST_CASE(a_write_call_over_the_transaction_byte_limit_is_refused, fixture) {
  customer_module m;
  // The params of the first create, as compact JSON (a transaction id has 35 characters).
  const std::string create_a =
      fmt::format(R"([{{"id":"cus_a"}},{{"transactionId":"{}"}}])", std::string(35, 'x'));
  // Room for one such create and not two; reads are not counted.
  dispatcher small(m, {.max_transaction_bytes = create_a.size() + 40});
  const auto begun = json::parse(*small.handle(R"({"jsonrpc":"2.0","id":1,"method":"beginTransaction"})"));
  const std::string tx(begun.at("result").at("transactionId").as_string());
  const auto in_tx = [&](std::string_view method, std::string_view first) {
    return *small.handle(fmt::format(
        R"({{"jsonrpc":"2.0","id":2,"method":"{}","params":[{},{{"transactionId":"{}"}}]}})",
        method, first, tx));
  };
  BOOST_TEST(json::parse(in_tx("create", R"({"id":"cus_a"})")).at("result").at("id") == "cus_a");
  for (int i = 0; i < 3; ++i) {
    BOOST_TEST(json::parse(in_tx("listCustomerGroups", "{},null")).at("result") == json::array{});
  }
  BOOST_TEST(in_tx("create", R"({"id":"cus_b"})") ==
             fmt::format(R"({{"jsonrpc":"2.0","id":2,"error":{{"code":-32004,"message":)"
                         R"("Transaction write limit reached: the write calls of a transaction )"
                         R"(may send at most {} bytes; commit it or roll it back","data":)"
                         R"({{"type":"not_allowed"}}}}}})",
                         create_a.size() + 40));
  BOOST_TEST(json::parse(*small.handle(fmt::format(
                             R"({{"jsonrpc":"2.0","id":3,"method":"commitTransaction",)"
                             R"("params":[{{"transactionId":"{}"}}]}})",
                             tx)))
                 .at("result")
                 .is_null());
  const auto rows = m.list();
  BOOST_REQUIRE(rows.size() == 1u);
  BOOST_TEST(rows[0].id == "cus_a");
}

// dispatcher_options::replica: stats carries the reporter's object under "replica"; a report
// that is not a JSON object, or a reporter that throws, fails that call only.
BOOST_AUTO_TEST_CASE(stats_reports_the_replica_when_there_is_one) {
  customer_module m;
  const std::string stats = R"({"jsonrpc":"2.0","id":1,"method":"stats"})";
  BOOST_TEST(
      !json::parse(*dispatcher(m).handle(stats)).at("result").as_object().contains("replica"));

  std::string report = R"({"state":"streaming","position":"16/B374D848","lastError":null})";
  server::dispatcher_options options;
  options.replica = [&] { return server::replica_report{.stale = false, .json = report}; };
  dispatcher rpc(m, options);
  const auto result = json::parse(*rpc.handle(stats)).at("result");
  BOOST_TEST(result.at("replica") == json::parse(report));
  BOOST_TEST(result.at("customers") == 0);

  report = "[1]";
  const std::string failed =
      R"({"jsonrpc":"2.0","id":1,"error":{"code":-32603,"message":"Internal error: )"
      R"(the replica's report is not a JSON object","data":{"type":"internal_error"}}})";
  BOOST_TEST(*rpc.handle(stats) == failed);
  server::dispatcher_options throwing;
  throwing.replica = []() -> server::replica_report { throw std::runtime_error("no status"); };
  BOOST_TEST(*dispatcher(m, throwing).handle(stats) ==
             R"({"jsonrpc":"2.0","id":1,"error":{"code":-32603,"message":"Internal error: )"
             R"(no status","data":{"type":"internal_error"}}})");
  BOOST_TEST(*rpc.handle(R"({"jsonrpc":"2.0","id":2,"method":"ping"})") ==
             R"({"jsonrpc":"2.0","id":2,"result":"pong"})");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(transaction_registry_tests)

namespace {

struct registry_fixture {
  customer_module module;
  transaction_registry registry{module, {.default_timeout = 60'000ms, .max_timeout = 24h}};
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

// A tombstone answers with the engine's message but no longer holds the transaction (and its
// write set): only a call still holding the context keeps it.
BOOST_FIXTURE_TEST_CASE(a_tombstone_lets_go_of_the_transaction, registry_fixture) {
  const std::string committed = registry.begin(std::nullopt);
  const std::string rolled_back = registry.begin(std::nullopt);
  const std::string expired = registry.begin(1ms);
  module.create({.id = "cus_c"}, *registry.find(committed));
  const auto held = registry.find(rolled_back);
  module.create({.id = "cus_r"}, *held);
  BOOST_TEST(registry.held_transactions() == 3u);
  registry.commit(committed);
  registry.rollback(rolled_back);
  const auto deadline = std::chrono::steady_clock::now() + 1ms;  // after expired's
  while (std::chrono::steady_clock::now() <= deadline) std::this_thread::yield();
  CUSTOMERDB_CHECK_ERROR(registry.rollback(expired), error_code::conflict,
                         "Transaction has expired");
  BOOST_TEST(registry.held_transactions() == 0u);
  BOOST_TEST(registry.open_count() == 0u);
  CUSTOMERDB_CHECK_ERROR(registry.find(committed), error_code::conflict,
                         "Transaction is no longer active");
  CUSTOMERDB_CHECK_ERROR(registry.commit(rolled_back), error_code::conflict,
                         "Transaction is no longer active");
  CUSTOMERDB_CHECK_ERROR(registry.find(expired, 10), error_code::conflict,
                         "Transaction has expired");
  // The held context stays valid, and the engine refuses it.
  CUSTOMERDB_CHECK_ERROR(module.list({}, {}, *held), error_code::conflict,
                         "Transaction is no longer active");
  const auto rows = module.list();
  BOOST_REQUIRE(rows.size() == 1u);
  BOOST_TEST(rows[0].id == "cus_c");
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
  transaction_registry registry(module, {.default_timeout = 50ms, .max_timeout = 10min});
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

BOOST_AUTO_TEST_CASE(at_most_max_open_transactions_are_open) {
  customer_module module;
  transaction_registry registry(module, {.max_open = 2});
  const std::string a = registry.begin(std::nullopt);
  const std::string b = registry.begin(std::nullopt);
  const auto too_many = "Too many open transactions: at most 2 may be open at once; commit or "
                        "roll back one first";
  CUSTOMERDB_CHECK_ERROR(registry.begin(std::nullopt), error_code::not_allowed, too_many);
  BOOST_TEST(registry.open_count() == 2u);
  registry.commit(a);
  const std::string c = registry.begin(std::nullopt);
  CUSTOMERDB_CHECK_ERROR(registry.begin(std::nullopt), error_code::not_allowed, too_many);
  registry.rollback(b);
  BOOST_TEST(registry.open_count() == 1u);
  // An expired transaction is rolled back to make room, without waiting for a sweep.
  const std::string d = registry.begin(1ms);
  const auto deadline = std::chrono::steady_clock::now() + 1ms;  // after d's
  while (std::chrono::steady_clock::now() <= deadline) std::this_thread::yield();
  const std::string e = registry.begin(std::nullopt);
  CUSTOMERDB_CHECK_ERROR(registry.commit(d), error_code::conflict, "Transaction has expired");
  BOOST_TEST(registry.open_count() == 2u);
  registry.commit(c);
  registry.commit(e);
  BOOST_TEST(registry.open_count() == 0u);
}

BOOST_AUTO_TEST_CASE(write_bytes_are_limited_per_transaction_and_in_total) {
  customer_module module;
  transaction_registry registry(module, {.max_bytes = 100, .max_total_bytes = 150});
  const std::string a = registry.begin(std::nullopt);
  const std::string b = registry.begin(std::nullopt);
  const auto per_transaction =
      "Transaction write limit reached: the write calls of a transaction may send at most 100 "
      "bytes; commit it or roll it back";
  const auto in_total =
      "Open transactions' write limit reached: the write calls of all open transactions may "
      "send at most 150 bytes; retry once some have ended";
  registry.find(a, 60);
  CUSTOMERDB_CHECK_ERROR(registry.find(a, 41), error_code::not_allowed, per_transaction);
  registry.find(a, 40);  // exactly the limit
  CUSTOMERDB_CHECK_ERROR(registry.find(a, 1), error_code::not_allowed, per_transaction);
  registry.find(a);  // a read counts nothing
  CUSTOMERDB_CHECK_ERROR(registry.find(b, 51), error_code::not_allowed, in_total);
  registry.find(b, 50);
  BOOST_TEST(registry.open_bytes() == 150u);
  registry.commit(a);  // an ended transaction no longer counts
  BOOST_TEST(registry.open_bytes() == 50u);
  registry.find(b, 50);
  CUSTOMERDB_CHECK_ERROR(registry.find(b, 1), error_code::not_allowed, per_transaction);
  CUSTOMERDB_CHECK_ERROR(registry.find(a, 1000), error_code::conflict,
                         "Transaction is no longer active");  // ended: nothing is counted
  BOOST_TEST(registry.open_bytes() == 100u);
  registry.rollback(b);
  BOOST_TEST(registry.open_bytes() == 0u);
}

BOOST_AUTO_TEST_CASE(an_expired_transaction_frees_its_bytes_before_a_refusal) {
  customer_module module;
  transaction_registry registry(module, {.max_bytes = 100, .max_total_bytes = 150});
  const std::string expiring = registry.begin(1ms);
  registry.find(expiring, 100);
  const auto deadline = std::chrono::steady_clock::now() + 1ms;  // after expiring's
  while (std::chrono::steady_clock::now() <= deadline) std::this_thread::yield();
  const std::string other = registry.begin(std::nullopt);
  registry.find(other, 100);  // room made by rolling back the expired one
  BOOST_TEST(registry.open_bytes() == 100u);
  BOOST_TEST(registry.open_count() == 1u);
  CUSTOMERDB_CHECK_ERROR(registry.commit(expiring), error_code::conflict,
                         "Transaction has expired");
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
