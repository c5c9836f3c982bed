// Call budgets: a call through a context with a deadline that has passed, or any call after
// customer_module::cancel_calls, fails with timed_out and changes nothing; transactions stay
// usable and commits still work. The budget itself (call_budget.hpp) checks every 256 rows.
#include <boost/test/unit_test.hpp>
#include <atomic>
#include <chrono>
#include <string>
#include <variant>
#include <vector>

#include "call_budget.hpp"
#include "customerdb/customerdb.hpp"
#include "support/helpers.hpp"

namespace {

using namespace customerdb;
using namespace customerdb::testing;
using clock_type = std::chrono::steady_clock;

const std::string past_deadline =
    "The call ran past its deadline and was stopped; it changed nothing";
const std::string cancelled = "The call was cancelled: the module is shutting down";

bool timed_out_with(const error& e, const std::string& message) {
  BOOST_TEST(e.what() == message);
  return e.code() == error_code::timed_out;
}

std::size_t committed_customers(const customer_module& m) {
  std::size_t n = 0;
  m.export_records([&](const record& r) { n += std::holds_alternative<customer_record>(r); });
  return n;
}

BOOST_AUTO_TEST_SUITE(call_budgets)

BOOST_AUTO_TEST_CASE(the_budget_checks_its_deadline_and_the_cancellation) {
  std::atomic<bool> flag{false};
  BOOST_CHECK_NO_THROW(detail::call_budget(std::nullopt, flag).check());
  BOOST_CHECK_NO_THROW(detail::call_budget(clock_type::now() + std::chrono::hours(1), flag).check());
  BOOST_CHECK_EXCEPTION(detail::call_budget(clock_type::now() - std::chrono::milliseconds(1), flag)
                            .check(),
                        error, [](const error& e) { return timed_out_with(e, past_deadline); });
  flag = true;
  BOOST_CHECK_EXCEPTION(detail::call_budget(std::nullopt, flag).check(), error,
                        [](const error& e) { return timed_out_with(e, cancelled); });
}

BOOST_AUTO_TEST_CASE(rows_are_counted_and_checked_every_interval) {
  std::atomic<bool> flag{false};
  detail::call_budget budget(std::nullopt, flag);
  for (std::uint32_t i = 1; i < detail::call_budget::check_interval; ++i) budget.tick();
  flag = true;  // the next tick is the interval's last: it checks
  BOOST_CHECK_EXCEPTION(budget.tick(), error,
                        [](const error& e) { return timed_out_with(e, cancelled); });
  for (std::uint32_t i = 1; i < detail::call_budget::check_interval; ++i) budget.tick();
  BOOST_CHECK_THROW(budget.tick(), error);
}

BOOST_AUTO_TEST_CASE(a_call_past_its_deadline_fails_and_changes_nothing) {
  customer_module m;
  m.create(create_customer_dto{.email = "a@x.y"});
  const context late = context().with_deadline(clock_type::now() - std::chrono::milliseconds(1));
  BOOST_TEST(late.deadline().has_value());
  BOOST_TEST(!late.has_transaction());
  BOOST_CHECK_EXCEPTION(m.create(create_customer_dto{.email = "b@x.y"}, late), error,
                        [](const error& e) { return timed_out_with(e, past_deadline); });
  BOOST_CHECK_EXCEPTION(m.list({}, {}, late), error,
                        [](const error& e) { return timed_out_with(e, past_deadline); });
  BOOST_TEST(committed_customers(m) == 1u);
  // A deadline still ahead lets the call run.
  const context early = context().with_deadline(clock_type::now() + std::chrono::hours(1));
  BOOST_TEST(m.list({}, {}, early).size() == 1u);
  m.create(create_customer_dto{.email = "b@x.y"}, early);
  BOOST_TEST(committed_customers(m) == 2u);
}

BOOST_AUTO_TEST_CASE(a_deadline_context_joins_the_transaction_without_owning_it) {
  customer_module m;
  context tx = m.begin_transaction();
  m.create(create_customer_dto{.email = "a@x.y"}, tx);
  context late = tx.with_deadline(clock_type::now() - std::chrono::milliseconds(1));
  BOOST_TEST(late.has_transaction());
  BOOST_TEST(!late.owns_transaction());
  BOOST_CHECK_EXCEPTION(m.create(create_customer_dto{.email = "b@x.y"}, late), error,
                        [](const error& e) { return timed_out_with(e, past_deadline); });
  m.commit(late);  // not its owner: does nothing
  BOOST_TEST(committed_customers(m) == 0u);
  context early = tx.with_deadline(clock_type::now() + std::chrono::hours(1));
  BOOST_TEST(ids_of(m.list({}, {}, early)).size() == 1u);  // the transaction's own write
  m.commit(tx);
  BOOST_TEST(committed_customers(m) == 1u);
}

BOOST_AUTO_TEST_CASE(cancelled_calls_fail_but_commits_still_work) {
  customer_module m;
  context tx = m.begin_transaction();
  m.create(create_customer_dto{.email = "a@x.y"}, tx);
  m.cancel_calls();
  BOOST_CHECK_EXCEPTION(m.list(), error, [](const error& e) { return timed_out_with(e, cancelled); });
  BOOST_CHECK_EXCEPTION(m.create(create_customer_dto{.email = "b@x.y"}, tx), error,
                        [](const error& e) { return timed_out_with(e, cancelled); });
  m.commit(tx);
  BOOST_TEST(committed_customers(m) == 1u);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
