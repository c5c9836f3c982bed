// What a transaction's commit (context.hpp) checks against what others committed since it began:
// the first committer wins, and unique rules and references are checked again.
#include <boost/test/unit_test.hpp>

#include "support/transaction_fixture.hpp"

namespace {

using namespace customerdb;
using namespace customerdb::testing;

}  // namespace

BOOST_AUTO_TEST_SUITE(commit_conflicts)

// ---- first committer wins ----------------------------------------------------------------

BOOST_FIXTURE_TEST_CASE(first_committer_wins_on_the_same_customer, transaction_fixture) {
  const auto c = m.create(dto{.email = "c@x.com", .first_name = "Orig"}).id;
  const auto other = m.create(dto{.email = "o@x.com"}).id;
  const auto g = m.create_customer_group({.name = "G"}).id;

  context tx1 = m.begin_transaction();
  context tx2 = m.begin_transaction();
  m.update(c, {.first_name = "One"}, tx1);
  m.update(c, {.first_name = "Two"}, tx2);
  // tx2's other writes, none of which clash with tx1.
  const auto extra = m.create(dto{.email = "extra@x.com"}, tx2).id;
  m.update(other, {.first_name = "Other2"}, tx2);
  m.create_customer_group({.name = "H"}, tx2);
  m.add_customer_to_group({.customer_id = other, .customer_group_id = g}, tx2);
  m.add_addresses({.customer_id = other}, tx2);
  m.soft_delete_customer_groups(g, {}, tx2);
  // tx1 also writes elsewhere; the one row both wrote is c, so c is the only conflict.
  m.create(dto{.email = "one@x.com"}, tx1);

  // Each sees its own version.
  BOOST_CHECK_EQUAL(m.retrieve(c, {}, tx1).first_name, "One");
  BOOST_CHECK_EQUAL(m.retrieve(c, {}, tx2).first_name, "Two");

  m.commit(tx1);
  BOOST_CHECK_EQUAL(m.retrieve(c).first_name, "One");
  const auto before = state();

  CUSTOMERDB_CHECK_ERROR(m.commit(tx2), error_code::conflict, conflict_message("Customer", c));
  CHECK_SAME_STATE(state(), before);
  BOOST_CHECK_EQUAL(m.retrieve(c).first_name, "One");
  CUSTOMERDB_CHECK_ERROR(m.retrieve(extra), error_code::not_found,
                         not_found_message("Customer", extra));
  BOOST_CHECK(!m.retrieve(other).first_name);
  BOOST_TEST(groups() == strs({g}));
  BOOST_CHECK(addresses().empty());
  BOOST_CHECK(memberships().empty());
  BOOST_CHECK_EQUAL(customers().size(), 3u);

  // tx2 is over.
  CUSTOMERDB_CHECK_ERROR(m.retrieve(c, {}, tx2), error_code::conflict, no_longer_active);
  CUSTOMERDB_CHECK_ERROR(m.list({}, {}, tx2), error_code::conflict, no_longer_active);
  CUSTOMERDB_CHECK_ERROR(m.update(c, {.first_name = "Again"}, tx2), error_code::conflict,
                         no_longer_active);
  CUSTOMERDB_CHECK_ERROR(m.commit(tx2), error_code::conflict, no_longer_active);
  BOOST_CHECK_EQUAL(m.retrieve(c).first_name, "One");
  // The e-mail tx2 used is free.
  BOOST_CHECK_NO_THROW(m.create(dto{.email = "extra@x.com"}));
}

BOOST_FIXTURE_TEST_CASE(an_auto_commit_write_wins_over_an_open_transaction, transaction_fixture) {
  const auto c = m.create(dto{.email = "c@x.com"}).id;
  context tx = m.begin_transaction();
  m.update(c, {.first_name = "Tx"}, tx);
  const auto created = m.create(dto{.email = "tx@x.com"}, tx).id;
  m.update(c, {.first_name = "Auto"});  // commits at once; tx still sees its own version
  BOOST_CHECK_EQUAL(m.retrieve(c, {}, tx).first_name, "Tx");
  CUSTOMERDB_CHECK_ERROR(m.commit(tx), error_code::conflict, conflict_message("Customer", c));
  BOOST_CHECK_EQUAL(m.retrieve(c).first_name, "Auto");
  BOOST_TEST(customers() == strs({c}));
  (void)created;
}

BOOST_FIXTURE_TEST_CASE(delete_versus_update_conflicts_both_ways, transaction_fixture) {
  const auto c1 = m.create(dto{.email = "c1@x.com"}).id;
  const auto c2 = m.create(dto{.email = "c2@x.com"}).id;

  // The deleter commits first: the updater fails.
  context upd = m.begin_transaction();
  m.update(c1, {.first_name = "U"}, upd);
  m.delete_customers(c1);
  CUSTOMERDB_CHECK_ERROR(m.commit(upd), error_code::conflict, conflict_message("Customer", c1));
  BOOST_CHECK(customers_with_deleted() == strs({c2}));

  // The updater commits first: the deleter fails, and the customer stays.
  context del = m.begin_transaction();
  m.delete_customers(c2, del);
  m.update(c2, {.first_name = "U"});
  CUSTOMERDB_CHECK_ERROR(m.commit(del), error_code::conflict, conflict_message("Customer", c2));
  BOOST_CHECK_EQUAL(m.retrieve(c2).first_name, "U");

  // Soft delete against soft delete.
  context s1 = m.begin_transaction();
  context s2 = m.begin_transaction();
  m.soft_delete(c2, {}, s1);
  m.soft_delete(c2, {}, s2);
  m.commit(s1);
  CUSTOMERDB_CHECK_ERROR(m.commit(s2), error_code::conflict, conflict_message("Customer", c2));
}

BOOST_FIXTURE_TEST_CASE(conflicts_name_the_model_of_the_changed_row, transaction_fixture) {
  const auto c = m.create(dto{.email = "c@x.com"}).id;
  const auto g = m.create_customer_group({.name = "G"}).id;
  const auto a = m.add_addresses({.customer_id = c, .address_name = "a"}).id;
  const auto mem = m.add_customer_to_group({.customer_id = c, .customer_group_id = g});

  {
    context tx = m.begin_transaction();
    m.update_customer_groups(g, {.metadata = metadata{{"k", 1}}}, tx);
    m.update_customer_groups(g, {.name = "G2"});
    CUSTOMERDB_CHECK_ERROR(m.commit(tx), error_code::conflict,
                           conflict_message("CustomerGroup", g));
    BOOST_CHECK(!m.retrieve_customer_group(g).metadata);
  }
  {
    context tx = m.begin_transaction();
    m.update_addresses(a, {.city = "Tx"}, tx);
    m.update_addresses(a, {.city = "Auto"});
    CUSTOMERDB_CHECK_ERROR(m.commit(tx), error_code::conflict, conflict_message("Address", a));
    BOOST_CHECK_EQUAL(m.list_addresses().front().city, "Auto");
  }
  {
    context tx = m.begin_transaction();
    m.remove_customer_from_group({.customer_id = c, .customer_group_id = g}, tx);
    m.remove_customer_from_group({.customer_id = c, .customer_group_id = g});
    CUSTOMERDB_CHECK_ERROR(m.commit(tx), error_code::conflict,
                           conflict_message("CustomerGroupCustomer", mem));
  }
  {
    context tx = m.begin_transaction();
    m.delete_addresses(a, tx);
    m.delete_addresses(a);
    CUSTOMERDB_CHECK_ERROR(m.commit(tx), error_code::conflict, conflict_message("Address", a));
  }
}

BOOST_FIXTURE_TEST_CASE(no_conflict_without_overlapping_writes, transaction_fixture) {
  const auto c1 = m.create(dto{.email = "c1@x.com"}).id;
  const auto c2 = m.create(dto{.email = "c2@x.com"}).id;

  context tx1 = m.begin_transaction();
  context tx2 = m.begin_transaction();
  m.update(c1, {.first_name = "One"}, tx1);
  m.update(c2, {.first_name = "Two"}, tx2);
  // tx2 only reads c1, which tx1 changes: reads are not validated.
  BOOST_CHECK(!m.retrieve(c1, {}, tx2).first_name);
  m.commit(tx1);
  BOOST_CHECK_NO_THROW(m.commit(tx2));
  BOOST_CHECK_EQUAL(m.retrieve(c1).first_name, "One");
  BOOST_CHECK_EQUAL(m.retrieve(c2).first_name, "Two");

  // A transaction that writes a row another transaction committed after it began loses, even
  // when it writes after that commit; one that begins after the commit builds on it.
  context tx3 = m.begin_transaction();
  context tx4 = m.begin_transaction();
  m.update(c1, {.last_name = "Three"}, tx3);
  m.commit(tx3);
  m.update(c1, {.company_name = "Four"}, tx4);
  CUSTOMERDB_CHECK_ERROR(m.commit(tx4), error_code::conflict, conflict_message("Customer", c1));
  context tx5 = m.begin_transaction();
  m.update(c1, {.company_name = "Five"}, tx5);
  BOOST_CHECK_NO_THROW(m.commit(tx5));
  const auto after = m.retrieve(c1);
  BOOST_CHECK_EQUAL(after.first_name, "One");
  BOOST_CHECK_EQUAL(after.last_name, "Three");
  BOOST_CHECK_EQUAL(after.company_name, "Five");

  // Read-only and empty transactions commit.
  context ro = m.begin_transaction();
  BOOST_CHECK_EQUAL(customers(ro).size(), 2u);
  BOOST_CHECK_NO_THROW(m.commit(ro));
  context empty = m.begin_transaction();
  BOOST_CHECK_NO_THROW(m.commit(empty));
  BOOST_CHECK_EQUAL(customers().size(), 2u);
}

// ---- unique rules re-checked at commit ----------------------------------------------------

BOOST_FIXTURE_TEST_CASE(customer_email_uniqueness_is_rechecked_at_commit, transaction_fixture) {
  context tx1 = m.begin_transaction();
  context tx2 = m.begin_transaction();
  const auto first = m.create(dto{.email = "x@y.z", .first_name = "First"}, tx1).id;
  const auto second = m.create(dto{.email = "x@y.z", .first_name = "Second"}, tx2).id;
  const auto bystander = m.create(dto{.email = "other@y.z"}, tx2).id;
  // Another e-mail with has_account = true does not clash with a guest.
  const auto registered = m.create(dto{.email = "x@y.z", .has_account = true}, tx2).id;
  BOOST_TEST(customers(tx1) == strs({first}));
  BOOST_TEST(customers(tx2) == strs({second, bystander, registered}));

  m.commit(tx1);
  CUSTOMERDB_CHECK_ERROR(m.commit(tx2), error_code::invalid_data,
                         "Customer with email: x@y.z, has_account: false, already exists.");
  BOOST_TEST(customers() == strs({first}));
  BOOST_CHECK_EQUAL(m.retrieve(first).first_name, "First");
  CUSTOMERDB_CHECK_ERROR(m.list({}, {}, tx2), error_code::conflict, no_longer_active);
  CUSTOMERDB_CHECK_ERROR(m.commit(tx2), error_code::conflict, no_longer_active);

  // has_account = true on one side only: both commit.
  context tx3 = m.begin_transaction();
  context tx4 = m.begin_transaction();
  m.create(dto{.email = "both@y.z", .has_account = true}, tx3);
  m.create(dto{.email = "both@y.z", .has_account = false}, tx4);
  m.commit(tx3);
  BOOST_CHECK_NO_THROW(m.commit(tx4));
  BOOST_CHECK_EQUAL(m.list(where("email") == "both@y.z").size(), 2u);
}

BOOST_FIXTURE_TEST_CASE(unique_rules_rechecked_at_commit_for_updates_and_restores,
                        transaction_fixture) {
  const auto c = m.create(dto{.email = "c@y.z"}).id;
  const auto old = m.create(dto{.email = "old@y.z"}).id;
  m.soft_delete(old);

  // An update to an e-mail that an auto-commit create takes meanwhile.
  context tx = m.begin_transaction();
  m.update(c, {.email = "x@y.z"}, tx);
  m.create(dto{.email = "x@y.z"});
  CUSTOMERDB_CHECK_ERROR(m.commit(tx), error_code::invalid_data,
                         "Customer with email: x@y.z, has_account: false, already exists.");
  BOOST_CHECK_EQUAL(m.retrieve(c).email, "c@y.z");

  // A restore whose e-mail a committed create takes meanwhile.
  context restorer = m.begin_transaction();
  m.restore(old, {}, restorer);
  BOOST_CHECK_EQUAL(customers(restorer).size(), 3u);
  m.create(dto{.email = "old@y.z"});
  CUSTOMERDB_CHECK_ERROR(m.commit(restorer), error_code::invalid_data,
                         "Customer with email: old@y.z, has_account: false, already exists.");
  BOOST_CHECK(m.retrieve(old, all_with_deleted).deleted_at);
}

BOOST_FIXTURE_TEST_CASE(group_name_uniqueness_is_rechecked_at_commit, transaction_fixture) {
  context tx1 = m.begin_transaction();
  context tx2 = m.begin_transaction();
  const auto g1 = m.create_customer_group({.name = "VIP"}, tx1).id;
  m.create_customer_group({.name = "VIP"}, tx2);
  const auto c = m.create(dto{.email = "c@y.z"}, tx2).id;
  m.commit(tx1);
  CUSTOMERDB_CHECK_ERROR(m.commit(tx2), error_code::invalid_data,
                         "Customer group with name: VIP, already exists.");
  BOOST_TEST(groups() == strs({g1}));
  CUSTOMERDB_CHECK_ERROR(m.retrieve(c), error_code::not_found, not_found_message("Customer", c));
  CUSTOMERDB_CHECK_ERROR(m.create_customer_group({.name = "x"}, tx2), error_code::conflict,
                         no_longer_active);

  // A rename to a name taken meanwhile.
  const auto g2 = m.create_customer_group({.name = "Regular"}).id;
  context tx3 = m.begin_transaction();
  m.update_customer_groups(g2, {.name = "Gold"}, tx3);
  m.create_customer_group({.name = "Gold"});
  CUSTOMERDB_CHECK_ERROR(m.commit(tx3), error_code::invalid_data,
                         "Customer group with name: Gold, already exists.");
  BOOST_CHECK_EQUAL(m.retrieve_customer_group(g2).name, "Regular");
}

BOOST_FIXTURE_TEST_CASE(default_address_uniqueness_is_rechecked_at_commit, transaction_fixture) {
  const auto c = m.create(dto{.email = "c@y.z"}).id;
  context tx1 = m.begin_transaction();
  context tx2 = m.begin_transaction();
  const auto a1 = m.add_addresses({.customer_id = c, .is_default_shipping = true}, tx1).id;
  m.add_addresses({.customer_id = c, .is_default_shipping = true}, tx2);
  m.commit(tx1);
  CUSTOMERDB_CHECK_ERROR(m.commit(tx2), error_code::invalid_data,
                         "Customer address with customer_id: " + c + ", already exists.");
  BOOST_TEST(addresses() == strs({a1}));
  BOOST_CHECK_EQUAL(m.retrieve(c).default_shipping_address_id, a1);
}

// ---- references re-checked at commit --------------------------------------------------------

BOOST_FIXTURE_TEST_CASE(adding_an_address_to_a_customer_deleted_meanwhile_conflicts,
                        transaction_fixture) {
  const auto c = m.create(dto{.email = "c@y.z"}).id;
  const auto other = m.create(dto{.email = "o@y.z"}).id;

  context tx = m.begin_transaction();
  m.add_addresses({.customer_id = c, .address_name = "a"}, tx);
  m.update(other, {.first_name = "Other"}, tx);
  m.delete_customers(c);  // auto-commit, first
  CUSTOMERDB_CHECK_ERROR(m.commit(tx), error_code::conflict, conflict_message("Customer", c));
  BOOST_CHECK(addresses().empty());
  BOOST_TEST(customers_with_deleted() == strs({other}));
  BOOST_CHECK(!m.retrieve(other).first_name);

  // The same when the delete is another transaction committing first.
  const auto d = m.create(dto{.email = "d@y.z"}).id;
  context adder = m.begin_transaction();
  context deleter = m.begin_transaction();
  m.add_addresses({.customer_id = d}, adder);
  m.delete_customers(d, deleter);
  m.commit(deleter);
  CUSTOMERDB_CHECK_ERROR(m.commit(adder), error_code::conflict, conflict_message("Customer", d));
  BOOST_CHECK(addresses().empty());
}

BOOST_FIXTURE_TEST_CASE(deleting_a_customer_that_gained_an_address_meanwhile_conflicts,
                        transaction_fixture) {
  const auto c = m.create(dto{.email = "c@y.z"}).id;
  const auto g = m.create_customer_group({.name = "G"}).id;

  context tx = m.begin_transaction();
  m.delete_customers(c, tx);
  const auto a = m.add_addresses({.customer_id = c, .address_name = "late"}).id;  // first
  CUSTOMERDB_CHECK_ERROR(m.commit(tx), error_code::conflict, conflict_message("Customer", c));
  BOOST_TEST(customers() == strs({c}));
  BOOST_TEST(addresses() == strs({a}));

  // A membership added meanwhile, by another transaction.
  context del = m.begin_transaction();
  context add = m.begin_transaction();
  m.delete_customers(c, del);
  const auto mem = m.add_customer_to_group({.customer_id = c, .customer_group_id = g}, add);
  m.commit(add);
  CUSTOMERDB_CHECK_ERROR(m.commit(del), error_code::conflict, conflict_message("Customer", c));
  BOOST_TEST(customers() == strs({c}));
  BOOST_TEST(memberships() == strs({mem}));
}

BOOST_FIXTURE_TEST_CASE(group_references_are_rechecked_at_commit, transaction_fixture) {
  const auto c = m.create(dto{.email = "c@y.z"}).id;
  const auto g = m.create_customer_group({.name = "G"}).id;
  const auto h = m.create_customer_group({.name = "H"}).id;

  // A membership added to a group deleted meanwhile.
  context tx = m.begin_transaction();
  m.add_customer_to_group({.customer_id = c, .customer_group_id = g}, tx);
  m.delete_customer_groups(g);
  CUSTOMERDB_CHECK_ERROR(m.commit(tx), error_code::conflict, conflict_message("CustomerGroup", g));
  BOOST_CHECK(memberships().empty());

  // A group deleted in a transaction while a membership to it is added and committed.
  context del = m.begin_transaction();
  m.delete_customer_groups(h, del);
  const auto mem = m.add_customer_to_group({.customer_id = c, .customer_group_id = h});
  CUSTOMERDB_CHECK_ERROR(m.commit(del), error_code::conflict, conflict_message("CustomerGroup", h));
  BOOST_TEST(groups() == strs({h}));
  BOOST_TEST(memberships() == strs({mem}));
}

BOOST_FIXTURE_TEST_CASE(soft_delete_meanwhile_is_not_a_missing_reference, transaction_fixture) {
  const auto c = m.create(dto{.email = "c@y.z"}).id;
  const auto g = m.create_customer_group({.name = "G"}).id;
  context tx = m.begin_transaction();
  const auto a = m.add_addresses({.customer_id = c}, tx).id;
  const auto mem = m.add_customer_to_group({.customer_id = c, .customer_group_id = g}, tx);
  m.soft_delete(c);
  m.soft_delete_customer_groups(g);
  BOOST_CHECK_NO_THROW(m.commit(tx));
  BOOST_TEST(addresses() == strs({a}));
  BOOST_TEST(memberships() == strs({mem}));
}

BOOST_AUTO_TEST_SUITE_END()
