// How a transaction (context.hpp) ends and what it lets through meanwhile: rollback (explicit, by
// destruction, by replacement), moves, a failing call inside it, joined contexts, deadlines, use
// after the end, and auto-commit calls while it is open.
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <thread>
#include <utility>

#include "support/transaction_fixture.hpp"

namespace {

using namespace customerdb;
using namespace customerdb::testing;

}  // namespace

BOOST_AUTO_TEST_SUITE(transaction_lifecycle)

// ---- rollback, destruction, moves ---------------------------------------------------------

BOOST_FIXTURE_TEST_CASE(rollback_leaves_no_trace, transaction_fixture) {
  const auto c = m.create(dto{.email = "c@x.com", .first_name = "Carl"}).id;
  const auto g = m.create_customer_group({.name = "G"}).id;
  const auto a = m.add_addresses({.customer_id = c, .address_name = "a"}).id;
  const auto mem = m.add_customer_to_group({.customer_id = c, .customer_group_id = g});
  const auto before = state();

  context tx = m.begin_transaction();
  m.create(dto{.id = "cus_fixed", .email = "fixed@x.com", .has_account = true}, tx);
  m.create_customer_group({.id = "cusgroup_fixed", .name = "Fixed"}, tx);
  m.add_addresses({.id = "cuaddr_fixed", .customer_id = "cus_fixed", .is_default_shipping = true},
                  tx);
  m.add_customer_to_group({.customer_id = "cus_fixed", .customer_group_id = "cusgroup_fixed"}, tx);
  m.update(c, {.first_name = "Changed"}, tx);
  m.delete_addresses(a, tx);
  m.remove_customer_from_group({.customer_id = c, .customer_group_id = g}, tx);
  m.soft_delete_customer_groups(g, {}, tx);
  BOOST_CHECK_EQUAL(customer_count(tx), 2u);

  m.rollback(tx);
  CHECK_SAME_STATE(state(), before);
  BOOST_CHECK_EQUAL(customer_count(), 1u);
  BOOST_CHECK_EQUAL(group_count(), 1u);
  BOOST_CHECK_EQUAL(address_count(), 1u);
  BOOST_TEST(memberships() == strs({mem}));
  BOOST_CHECK(m.list(where("email") == "fixed@x.com").empty());
  BOOST_CHECK(m.list_customer_groups(where("name") == "Fixed").empty());

  // The caller-supplied ids and the unique values are free again.
  const auto again = m.create(dto{.id = "cus_fixed", .email = "fixed@x.com", .has_account = true});
  BOOST_CHECK_EQUAL(again.id, "cus_fixed");
  BOOST_CHECK_EQUAL(m.create_customer_group({.id = "cusgroup_fixed", .name = "Fixed"}).id,
                    "cusgroup_fixed");
  BOOST_CHECK_EQUAL(
      m.add_addresses(
           {.id = "cuaddr_fixed", .customer_id = "cus_fixed", .is_default_shipping = true})
          .id,
      "cuaddr_fixed");

  // The transaction is over.
  CUSTOMERDB_CHECK_ERROR(m.retrieve(c, {}, tx), error_code::conflict, no_longer_active);
  CUSTOMERDB_CHECK_ERROR(m.create(dto{.email = "late@x.com"}, tx), error_code::conflict,
                         no_longer_active);
  CUSTOMERDB_CHECK_ERROR(m.commit(tx), error_code::conflict, no_longer_active);
  BOOST_CHECK(m.list(where("email") == "late@x.com").empty());
}

BOOST_FIXTURE_TEST_CASE(destroying_an_owning_context_rolls_back, transaction_fixture) {
  {
    context tx = m.begin_transaction();
    m.create(dto{.id = "cus_scoped", .email = "s@x.com"}, tx);
    m.create_customer_group({.id = "cusgroup_scoped", .name = "S"}, tx);
    BOOST_CHECK_EQUAL(customers(tx).size(), 1u);
  }
  BOOST_CHECK(customers_with_deleted().empty());
  BOOST_CHECK(groups().empty());
  BOOST_CHECK_EQUAL(m.create(dto{.id = "cus_scoped", .email = "s@x.com"}).id, "cus_scoped");
  BOOST_CHECK_EQUAL(m.create_customer_group({.id = "cusgroup_scoped", .name = "S"}).id,
                    "cusgroup_scoped");
}

BOOST_FIXTURE_TEST_CASE(destroying_a_joined_context_does_not_roll_back, transaction_fixture) {
  context tx = m.begin_transaction();
  {
    const context joined = m.begin_transaction(tx);
    m.create(dto{.id = "cus_joined", .email = "j@x.com"}, joined);
  }
  BOOST_TEST(customers(tx) == strs({"cus_joined"}));
  m.commit(tx);
  BOOST_TEST(customers() == strs({"cus_joined"}));
}

BOOST_FIXTURE_TEST_CASE(moving_a_context_keeps_the_transaction, transaction_fixture) {
  context tx = m.begin_transaction();
  const auto a = m.create(dto{.email = "a@x.com"}, tx).id;

  context moved(std::move(tx));
  BOOST_CHECK(moved.has_transaction());
  BOOST_CHECK(moved.owns_transaction());
  BOOST_CHECK(!tx.owns_transaction());  // NOLINT(bugprone-use-after-move): checked on purpose
  BOOST_TEST(customers(moved) == strs({a}));
  const auto b = m.create(dto{.email = "b@x.com"}, moved).id;

  context assigned;
  assigned = std::move(moved);
  BOOST_CHECK(assigned.owns_transaction());
  BOOST_CHECK(!moved.owns_transaction());  // NOLINT(bugprone-use-after-move)
  BOOST_TEST(customers(assigned) == strs({a, b}));
  BOOST_CHECK(customers().empty());

  // Destroying or committing the moved-from contexts does not touch the transaction.
  m.commit(tx);
  m.rollback(moved);
  { context sink(std::move(tx)); }
  BOOST_CHECK(customers().empty());
  BOOST_TEST(customers(assigned) == strs({a, b}));

  m.commit(assigned);
  BOOST_TEST(customers() == strs({a, b}));
}

BOOST_FIXTURE_TEST_CASE(assigning_over_an_owning_context_rolls_its_transaction_back,
                        transaction_fixture) {
  context tx = m.begin_transaction();
  m.create(dto{.id = "cus_replaced", .email = "r@x.com"}, tx);
  context other = m.begin_transaction();
  m.create(dto{.id = "cus_kept", .email = "k@x.com"}, other);

  tx = std::move(other);  // the first transaction is dropped
  BOOST_TEST(customers(tx) == strs({"cus_kept"}));
  m.commit(tx);
  BOOST_TEST(customers() == strs({"cus_kept"}));
  BOOST_CHECK_EQUAL(m.create(dto{.id = "cus_replaced", .email = "r@x.com"}).id, "cus_replaced");
}

// ---- a failing call inside a transaction ---------------------------------------------------

BOOST_FIXTURE_TEST_CASE(failing_calls_leave_the_transaction_as_before, transaction_fixture) {
  const auto base = m.create(dto{.email = "base@x.com"}).id;

  context tx = m.begin_transaction();
  const auto a = m.create(dto{.email = "a@x.com", .first_name = "A"}, tx).id;
  const auto g = m.create_customer_group({.name = "G"}, tx).id;
  const auto ship = m.add_addresses({.customer_id = a, .is_default_shipping = true}, tx).id;
  m.update(base, {.first_name = "Base1"}, tx);
  const auto inside_before = state(tx);

  // A batch whose second row clashes with a row the transaction wrote: the first row is gone too.
  CUSTOMERDB_CHECK_ERROR(m.create(customer_list{{.email = "b@x.com"}, {.email = "a@x.com"}}, tx),
                         error_code::invalid_data,
                         "Customer with email: a@x.com, has_account: false, already exists.");
  CUSTOMERDB_CHECK_ERROR(m.create(dto{.email = "base@x.com"}, tx), error_code::invalid_data,
                         "Customer with email: base@x.com, has_account: false, already exists.");
  // A customer with two default shipping addresses: the customer is not kept.
  CUSTOMERDB_CHECK_ERROR(m.create(dto{.id = "cus_twodefaults",
                                      .email = "c@x.com",
                                      .addresses = address_list{{.is_default_shipping = true},
                                                                {.is_default_shipping = true}}},
                                  tx),
                         error_code::invalid_data,
                         "Customer address with customer_id: cus_twodefaults, already exists.");
  // Unknown references.
  CUSTOMERDB_CHECK_ERROR(m.add_addresses({.customer_id = "cus_nope"}, tx), error_code::not_found,
                         "You tried to set relationship customer_id: cus_nope, but such entity "
                         "does not exist");
  CUSTOMERDB_CHECK_ERROR(
      m.add_customer_to_group({{.customer_id = a, .customer_group_id = g},
                               {.customer_id = "cus_nope", .customer_group_id = g}},
                              tx),
      error_code::not_found,
      "You tried to set relationship customer_id: cus_nope, but such entity does not exist");
  // Updates of missing ids, with and without existing ids beside them.
  CUSTOMERDB_CHECK_ERROR(m.update("cus_missing", {.first_name = "X"}, tx), error_code::not_found,
                         "Customer with id \"cus_missing\" not found");
  CUSTOMERDB_CHECK_ERROR(m.update(strs({a, "cus_missing"}), {.first_name = "X"}, tx),
                         error_code::not_found, "Customer with id \"cus_missing\" not found");
  // A second default shipping address for a.
  CUSTOMERDB_CHECK_ERROR(m.add_addresses({.customer_id = a, .is_default_shipping = true}, tx),
                         error_code::invalid_data,
                         "Customer address with customer_id: " + a + ", already exists.");
  // A group name clash, and a null in a non-nullable field.
  CUSTOMERDB_CHECK_ERROR(m.create_customer_group({.name = "G"}, tx), error_code::invalid_data,
                         "Customer group with name: G, already exists.");
  CUSTOMERDB_CHECK_ERROR(m.update(a, {.has_account = customerdb::null}, tx),
                         error_code::invalid_data,
                         "You must pass a non-null value to the property has_account of entity "
                         "Customer.");
  // A selector update that makes two default shipping addresses.
  m.add_addresses({.customer_id = a, .address_name = "second"}, tx);
  const auto inside_before2 = state(tx);
  CUSTOMERDB_CHECK_ERROR(
      m.update_addresses(where("customer_id") == a, {.is_default_shipping = true}, tx),
      error_code::invalid_data, "Customer address with customer_id: " + a + ", already exists.");
  CHECK_SAME_STATE(state(tx), inside_before2);

  // Earlier writes are all there, and nothing of the failed calls.
  BOOST_CHECK(m.list(where("email").in({"b@x.com", "c@x.com"}), {}, tx).empty());
  BOOST_CHECK_EQUAL(m.retrieve(a, {}, tx).first_name, "A");
  BOOST_CHECK_EQUAL(m.retrieve(a, {}, tx).default_shipping_address_id, ship);
  BOOST_CHECK_EQUAL(m.retrieve(base, {}, tx).first_name, "Base1");
  BOOST_CHECK(memberships(tx).empty());
  BOOST_CHECK_EQUAL(inside_before.customers.size(), 2u);
  BOOST_TEST(state(tx).customers == inside_before.customers);
  BOOST_TEST(state(tx).groups == inside_before.groups);

  // The transaction still works and commits its earlier writes.
  const auto c = m.create(dto{.email = "c@x.com"}, tx).id;
  m.commit(tx);
  BOOST_TEST(customers() == strs({base, a, c}));
  BOOST_TEST(groups() == strs({g}));
  BOOST_CHECK_EQUAL(m.retrieve(base).first_name, "Base1");
  BOOST_CHECK_EQUAL(m.retrieve(a).default_shipping_address_id, ship);
  BOOST_CHECK_EQUAL(address_count(), 2u);
  BOOST_CHECK(memberships().empty());
}

// ---- joined contexts ------------------------------------------------------------------------

BOOST_FIXTURE_TEST_CASE(joined_context_runs_in_the_parents_transaction, transaction_fixture) {
  context owner = m.begin_transaction();
  context joined = m.begin_transaction(owner);
  context nested = m.begin_transaction(joined);
  BOOST_CHECK(!nested.owns_transaction());

  const auto a = m.create(dto{.email = "a@x.com"}, owner).id;
  const auto b = m.create(dto{.email = "b@x.com"}, joined).id;
  const auto c = m.create(dto{.email = "c@x.com"}, nested).id;
  // All three see all writes; a clash across them is a clash in one transaction.
  BOOST_TEST(customers(owner) == strs({a, b, c}));
  BOOST_TEST(customers(joined) == strs({a, b, c}));
  BOOST_TEST(customers(nested) == strs({a, b, c}));
  CUSTOMERDB_CHECK_ERROR(m.create(dto{.email = "a@x.com"}, joined), error_code::invalid_data,
                         "Customer with email: a@x.com, has_account: false, already exists.");

  // Commit and rollback through a joined context do nothing.
  m.commit(joined);
  BOOST_CHECK(customers().empty());
  m.rollback(nested);
  m.rollback(joined);
  BOOST_TEST(customers(owner) == strs({a, b, c}));
  BOOST_TEST(customers(joined) == strs({a, b, c}));
  const auto d = m.create(dto{.email = "d@x.com"}, joined).id;
  BOOST_CHECK(customers().empty());

  m.commit(owner);
  BOOST_TEST(customers() == strs({a, b, c, d}));
  // The joined contexts share the end of the transaction.
  CUSTOMERDB_CHECK_ERROR(m.list({}, {}, joined), error_code::conflict, no_longer_active);
  CUSTOMERDB_CHECK_ERROR(m.create(dto{.email = "e@x.com"}, nested), error_code::conflict,
                         no_longer_active);
}

BOOST_FIXTURE_TEST_CASE(joined_context_follows_the_owners_rollback, transaction_fixture) {
  context owner = m.begin_transaction();
  const context joined = m.begin_transaction(owner);
  m.create(dto{.id = "cus_j", .email = "j@x.com"}, joined);
  m.rollback(owner);
  BOOST_CHECK(customers().empty());
  CUSTOMERDB_CHECK_ERROR(m.retrieve("cus_j", {}, joined), error_code::conflict, no_longer_active);
  BOOST_CHECK_EQUAL(m.create(dto{.id = "cus_j", .email = "j@x.com"}).id, "cus_j");
}

BOOST_FIXTURE_TEST_CASE(begin_transaction_of_an_empty_context_starts_a_new_one,
                        transaction_fixture) {
  context outer = m.begin_transaction();
  const auto a = m.create(dto{.email = "a@x.com"}, outer).id;
  context fresh = m.begin_transaction(context{});
  BOOST_CHECK(fresh.owns_transaction());
  // Independent: neither sees the other's writes.
  BOOST_CHECK(customers(fresh).empty());
  const auto b = m.create(dto{.email = "b@x.com"}, fresh).id;
  BOOST_TEST(customers(outer) == strs({a}));
  m.commit(fresh);
  BOOST_TEST(customers() == strs({b}));
  BOOST_TEST(customers(outer) == strs({a, b}));
  m.rollback(outer);
  BOOST_TEST(customers() == strs({b}));
}

// ---- deadlines ------------------------------------------------------------------------------

BOOST_FIXTURE_TEST_CASE(a_deadline_in_the_past_fails_every_call, transaction_fixture) {
  const auto c = m.create(dto{.email = "c@x.com"}).id;
  context tx = m.begin_transaction({.deadline = steady::now() - std::chrono::milliseconds(1)});
  BOOST_CHECK(tx.has_transaction());
  CUSTOMERDB_CHECK_ERROR(m.create(dto{.email = "a@x.com"}, tx), error_code::conflict, expired);
  CUSTOMERDB_CHECK_ERROR(m.retrieve(c, {}, tx), error_code::conflict, expired);
  CUSTOMERDB_CHECK_ERROR(m.list({}, {}, tx), error_code::conflict, expired);
  CUSTOMERDB_CHECK_ERROR(m.list_and_count({}, {}, tx), error_code::conflict, expired);
  CUSTOMERDB_CHECK_ERROR(m.update(c, {.first_name = "X"}, tx), error_code::conflict, expired);
  CUSTOMERDB_CHECK_ERROR(m.delete_customers(c, tx), error_code::conflict, expired);
  CUSTOMERDB_CHECK_ERROR(m.soft_delete(c, {}, tx), error_code::conflict, expired);
  CUSTOMERDB_CHECK_ERROR(m.create_customer_group({.name = "G"}, tx), error_code::conflict, expired);
  CUSTOMERDB_CHECK_ERROR(m.list_customer_groups({}, {}, tx), error_code::conflict, expired);
  CUSTOMERDB_CHECK_ERROR(m.add_addresses({.customer_id = c}, tx), error_code::conflict, expired);
  CUSTOMERDB_CHECK_ERROR(m.list_addresses({}, {}, tx), error_code::conflict, expired);
  CUSTOMERDB_CHECK_ERROR(m.list_customer_group_customers({}, {}, tx), error_code::conflict,
                         expired);
  const context joined = m.begin_transaction(tx);
  CUSTOMERDB_CHECK_ERROR(m.list({}, {}, joined), error_code::conflict, expired);
  CUSTOMERDB_CHECK_ERROR(m.commit(tx), error_code::conflict, expired);
  CUSTOMERDB_CHECK_ERROR(m.commit(tx), error_code::conflict, expired);
  BOOST_TEST(customers() == strs({c}));
  BOOST_CHECK(!m.retrieve(c).first_name);
  BOOST_CHECK(groups().empty());
  BOOST_CHECK(addresses().empty());
}

BOOST_FIXTURE_TEST_CASE(a_transaction_that_runs_past_its_deadline_is_discarded,
                        transaction_fixture) {
  const auto c = m.create(dto{.email = "c@x.com"}).id;
  // Generous enough for a ThreadSanitizer build to make the writes in time.
  const auto deadline = steady::now() + std::chrono::milliseconds(400);
  context tx = m.begin_transaction({.deadline = deadline});
  const context joined = m.begin_transaction(tx);
  m.create(dto{.id = "cus_late", .email = "late@x.com"}, tx);
  m.update(c, {.first_name = "Late"}, joined);
  m.create_customer_group({.id = "cusgroup_late", .name = "Late"}, tx);
  BOOST_REQUIRE_MESSAGE(steady::now() < deadline, "the writes took longer than the deadline");
  BOOST_TEST(customers(tx) == strs({c, "cus_late"}));

  std::this_thread::sleep_until(deadline + std::chrono::milliseconds(20));
  CUSTOMERDB_CHECK_ERROR(m.retrieve("cus_late", {}, tx), error_code::conflict, expired);
  CUSTOMERDB_CHECK_ERROR(m.list({}, {}, joined), error_code::conflict, expired);
  CUSTOMERDB_CHECK_ERROR(m.commit(tx), error_code::conflict, expired);

  // Nothing became visible, and the ids and names are free.
  BOOST_TEST(customers() == strs({c}));
  BOOST_CHECK(!m.retrieve(c).first_name);
  BOOST_CHECK(groups().empty());
  BOOST_CHECK_EQUAL(m.create(dto{.id = "cus_late", .email = "late@x.com"}).id, "cus_late");
  BOOST_CHECK_EQUAL(m.create_customer_group({.id = "cusgroup_late", .name = "Late"}).id,
                    "cusgroup_late");
  // Updating c elsewhere is not blocked by the expired transaction.
  BOOST_CHECK_NO_THROW(m.update(c, {.first_name = "Now"}));
  BOOST_CHECK_EQUAL(m.retrieve(c).first_name, "Now");
}

BOOST_FIXTURE_TEST_CASE(a_rollback_after_the_deadline_keeps_the_expired_message,
                        transaction_fixture) {
  context tx = m.begin_transaction({.deadline = steady::now() - std::chrono::milliseconds(1)});
  BOOST_CHECK_NO_THROW(m.rollback(tx));  // rollback never throws: it cleans up
  CUSTOMERDB_CHECK_ERROR(m.list({}, {}, tx), error_code::conflict, expired);
  CUSTOMERDB_CHECK_ERROR(m.check_transaction(tx), error_code::conflict, expired);
  CUSTOMERDB_CHECK_ERROR(m.commit(tx), error_code::conflict, expired);
}

BOOST_FIXTURE_TEST_CASE(check_transaction_reports_the_state, transaction_fixture) {
  BOOST_CHECK_NO_THROW(m.check_transaction(context{}));
  context tx = m.begin_transaction();
  BOOST_CHECK_NO_THROW(m.check_transaction(tx));
  m.rollback(tx);
  CUSTOMERDB_CHECK_ERROR(m.check_transaction(tx), error_code::conflict, no_longer_active);
  context done = m.begin_transaction();
  m.commit(done);
  CUSTOMERDB_CHECK_ERROR(m.check_transaction(done), error_code::conflict, no_longer_active);
}

BOOST_FIXTURE_TEST_CASE(a_deadline_that_has_not_passed_commits, transaction_fixture) {
  context tx = m.begin_transaction({.deadline = steady::now() + std::chrono::minutes(5)});
  const auto a = m.create(dto{.email = "a@x.com"}, tx).id;
  m.commit(tx);
  BOOST_TEST(customers() == strs({a}));
}

// ---- use after commit or rollback -------------------------------------------------------------

BOOST_FIXTURE_TEST_CASE(use_after_commit_or_rollback_is_a_conflict, transaction_fixture) {
  const auto c = m.create(dto{.email = "c@x.com"}).id;
  const auto g = m.create_customer_group({.name = "G"}).id;

  for (const bool commit : {true, false}) {
    BOOST_TEST_CONTEXT("commit " << commit) {
      context tx = m.begin_transaction();
      m.update(c, {.phone = commit ? "1" : "2"}, tx);
      if (commit) {
        m.commit(tx);
      } else {
        m.rollback(tx);
      }
      CUSTOMERDB_CHECK_ERROR(m.retrieve(c, {}, tx), error_code::conflict, no_longer_active);
      CUSTOMERDB_CHECK_ERROR(m.list({}, {}, tx), error_code::conflict, no_longer_active);
      CUSTOMERDB_CHECK_ERROR(m.list_and_count({}, {}, tx), error_code::conflict, no_longer_active);
      CUSTOMERDB_CHECK_ERROR(m.create(dto{.email = "n@x.com"}, tx), error_code::conflict,
                             no_longer_active);
      CUSTOMERDB_CHECK_ERROR(m.update(c, {.phone = "3"}, tx), error_code::conflict,
                             no_longer_active);
      CUSTOMERDB_CHECK_ERROR(m.restore(c, {}, tx), error_code::conflict, no_longer_active);
      CUSTOMERDB_CHECK_ERROR(m.retrieve_customer_group(g, {}, tx), error_code::conflict,
                             no_longer_active);
      CUSTOMERDB_CHECK_ERROR(m.update_customer_groups(g, {.name = "H"}, tx), error_code::conflict,
                             no_longer_active);
      CUSTOMERDB_CHECK_ERROR(
          m.add_customer_to_group({.customer_id = c, .customer_group_id = g}, tx),
          error_code::conflict, no_longer_active);
      CUSTOMERDB_CHECK_ERROR(
          m.remove_customer_from_group({.customer_id = c, .customer_group_id = g}, tx),
          error_code::conflict, no_longer_active);
      CUSTOMERDB_CHECK_ERROR(m.add_addresses({.customer_id = c}, tx), error_code::conflict,
                             no_longer_active);
      CUSTOMERDB_CHECK_ERROR(m.delete_addresses(where("customer_id") == c, tx),
                             error_code::conflict, no_longer_active);
      CUSTOMERDB_CHECK_ERROR(m.commit(tx), error_code::conflict, no_longer_active);
      BOOST_CHECK_EQUAL(m.retrieve(c).phone, "1");
      BOOST_CHECK(memberships().empty());
      BOOST_CHECK(addresses().empty());
      BOOST_CHECK_EQUAL(m.retrieve_customer_group(g).name, "G");
    }
  }
}

// ---- auto-commit calls while a transaction is open ------------------------------------------

BOOST_FIXTURE_TEST_CASE(auto_commit_calls_work_while_a_transaction_is_open, transaction_fixture) {
  const auto c1 = m.create(dto{.email = "c1@x.com"}).id;
  const auto c2 = m.create(dto{.email = "c2@x.com"}).id;
  const auto c3 = m.create(dto{.email = "c3@x.com"}).id;

  context tx = m.begin_transaction();
  m.update(c1, {.first_name = "Tx"}, tx);
  const auto t1 = m.create(dto{.email = "t1@x.com"}, tx).id;

  // Auto-commit calls commit at once and are visible to everybody, the transaction included.
  const auto out = m.create(dto{.email = "out@x.com", .first_name = "Out"}).id;
  m.update(c2, {.first_name = "Auto"});
  m.delete_customers(c3);
  const auto g = m.create_customer_group({.name = "G"}).id;
  m.add_customer_to_group({.customer_id = c2, .customer_group_id = g});
  const auto a = m.add_addresses({.customer_id = c2, .is_default_billing = true}).id;

  BOOST_TEST(customers() == strs({c1, c2, out}));
  BOOST_TEST(customers(tx) == strs({c1, c2, t1, out}));
  BOOST_CHECK_EQUAL(customer_count(tx), 4u);
  BOOST_CHECK_EQUAL(m.retrieve(c2, {}, tx).first_name, "Auto");
  BOOST_CHECK_EQUAL(m.retrieve(c2, {}, tx).default_billing_address_id, a);
  BOOST_TEST(ids_of(m.list(search("out"), {}, tx)) == strs({out}));
  BOOST_TEST(ids_of(m.list(where("groups") == g, {}, tx)) == strs({c2}));
  CUSTOMERDB_CHECK_ERROR(m.retrieve(c3, {}, tx), error_code::not_found,
                         not_found_message("Customer", c3));
  // The transaction can build on the auto-commit writes (new rows referring to them).
  m.add_customer_to_group({.customer_id = t1, .customer_group_id = g}, tx);
  m.add_addresses({.customer_id = c2, .city = "Tx city"}, tx);
  // A unique clash with an auto-commit write is seen inside the transaction at once.
  CUSTOMERDB_CHECK_ERROR(m.create(dto{.email = "out@x.com"}, tx), error_code::invalid_data,
                         "Customer with email: out@x.com, has_account: false, already exists.");

  BOOST_CHECK_EQUAL(m.retrieve(c1).first_name, std::optional<std::string>{});
  m.commit(tx);
  BOOST_TEST(customers() == strs({c1, c2, t1, out}));
  BOOST_CHECK_EQUAL(m.retrieve(c1).first_name, "Tx");
  BOOST_CHECK_EQUAL(m.retrieve(c2).first_name, "Auto");
  BOOST_TEST(ids_of(m.list(where("groups") == g)) == strs({c2, t1}));
  BOOST_CHECK_EQUAL(m.list_addresses().back().city, "Tx city");

  // Writing a row that an auto-commit call created after the transaction began conflicts.
  context late = m.begin_transaction();
  const auto a2 = m.add_addresses({.customer_id = c2}).id;
  m.update_addresses(a2, {.city = "Late"}, late);
  CUSTOMERDB_CHECK_ERROR(m.commit(late), error_code::conflict, conflict_message("Address", a2));
}

BOOST_FIXTURE_TEST_CASE(an_open_transaction_does_not_block_other_transactions,
                        transaction_fixture) {
  context tx1 = m.begin_transaction();
  m.create(dto{.email = "one@x.com"}, tx1);
  context tx2 = m.begin_transaction();
  const auto two = m.create(dto{.email = "two@x.com"}, tx2).id;
  m.commit(tx2);
  BOOST_TEST(customers() == strs({two}));
  BOOST_CHECK_EQUAL(customers(tx1).size(), 2u);
  m.commit(tx1);
  BOOST_CHECK_EQUAL(customers().size(), 2u);
}

// D6 across transactions: two transactions add the same pair; the second commit fails with
// conflict and no second row is left.
BOOST_FIXTURE_TEST_CASE(concurrent_adds_of_one_pair_leave_one_membership, transaction_fixture) {
  const auto c = m.create(dto{.email = "c@x.com"}).id;
  const auto g = m.create_customer_group({.name = "G"}).id;
  context tx1 = m.begin_transaction();
  context tx2 = m.begin_transaction();
  const auto id1 = m.add_customer_to_group({.customer_id = c, .customer_group_id = g}, tx1);
  const auto id2 = m.add_customer_to_group({.customer_id = c, .customer_group_id = g}, tx2);
  m.commit(tx1);
  CUSTOMERDB_CHECK_ERROR(m.commit(tx2), error_code::conflict,
                         "Transaction conflict: CustomerGroupCustomer with id: " + id2 +
                             " was changed by another transaction");
  BOOST_TEST(memberships() == strs({id1}));
}

// First committer wins from the moment a transaction begins: a row changed by a commit after
// begin, even before this transaction first wrote it, makes the commit fail. This makes
// read-modify-write inside a transaction safe.
BOOST_FIXTURE_TEST_CASE(change_after_begin_before_first_write_conflicts, transaction_fixture) {
  const auto c = m.create(dto{.email = "n@x.com", .metadata = metadata{{"n", 1}}}).id;
  context tx = m.begin_transaction();
  const auto read = m.retrieve(c, {}, tx).metadata->at("n").as_int64();
  m.update(c, {.metadata = metadata{{"n", 10}}});  // another writer commits after tx began
  m.update(c, {.metadata = metadata{{"n", read + 1}}}, tx);
  CUSTOMERDB_CHECK_ERROR(m.commit(tx), error_code::conflict,
                         "Transaction conflict: Customer with id: " + c +
                             " was changed by another transaction");
  BOOST_CHECK_EQUAL(m.retrieve(c).metadata->at("n").as_int64(), 10);
}

BOOST_AUTO_TEST_SUITE_END()
