// Transactions (context.hpp) read their own writes, for every kind of method: customers, groups,
// memberships and the relations through them, addresses and the default address ids derived
// from them; other callers see none of it until the commit. Also what a context is before its
// first call.
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <optional>
#include <string>

#include "support/transaction_fixture.hpp"

namespace {

using namespace customerdb;
using namespace customerdb::testing;

}  // namespace

BOOST_AUTO_TEST_SUITE(read_your_own_writes)

// ---- context basics --------------------------------------------------------------------------

BOOST_FIXTURE_TEST_CASE(context_flags, transaction_fixture) {
  const context none;
  BOOST_CHECK(!none.has_transaction());
  BOOST_CHECK(!none.owns_transaction());

  context tx = m.begin_transaction();
  BOOST_CHECK(tx.has_transaction());
  BOOST_CHECK(tx.owns_transaction());

  const context joined = m.begin_transaction(tx);
  BOOST_CHECK(joined.has_transaction());
  BOOST_CHECK(!joined.owns_transaction());

  // A parent without a transaction: a new owning transaction.
  context fresh = m.begin_transaction(context{});
  BOOST_CHECK(fresh.has_transaction());
  BOOST_CHECK(fresh.owns_transaction());

  // Commit and rollback of a context without a transaction do nothing.
  context plain;
  BOOST_CHECK_NO_THROW(m.commit(plain));
  BOOST_CHECK_NO_THROW(m.rollback(plain));
  BOOST_CHECK(!plain.has_transaction());
}

// ---- read-your-own-writes: customers ----------------------------------------------------------

BOOST_FIXTURE_TEST_CASE(customer_create_and_update_visible_inside_only_until_commit,
                        transaction_fixture) {
  const auto base = m.create(dto{.email = "base@x.com", .first_name = "Base"});

  context tx = m.begin_transaction();
  clock.advance(std::chrono::seconds(3));
  const auto ann =
      m.create(dto{.email = "ann@x.com", .first_name = "Ann", .company_name = "Acme"}, tx);
  BOOST_CHECK(is_generated_id(ann.id, "cus"));
  BOOST_CHECK_EQUAL(ms(ann.created_at), ms(clock.now()));

  // Inside: retrieve, list, filters, counts and q see the new customer.
  BOOST_CHECK_EQUAL(m.retrieve(ann.id, {}, tx).email, "ann@x.com");
  BOOST_TEST(customers(tx) == strs({base.id, ann.id}));
  BOOST_TEST(ids_of(m.list(where("email") == "ann@x.com", {}, tx)) == strs({ann.id}));
  BOOST_TEST(ids_of(m.list(where("company_name") == "Acme", {}, tx)) == strs({ann.id}));
  BOOST_CHECK_EQUAL(customer_count(tx), 2u);
  const auto [acme, acme_count] = m.list_and_count(where("company_name") == "Acme", {}, tx);
  BOOST_CHECK_EQUAL(acme_count, 1u);
  BOOST_TEST(ids_of(acme) == strs({ann.id}));
  BOOST_TEST(ids_of(m.list(search("ANN"), {}, tx)) == strs({ann.id}));
  BOOST_CHECK_EQUAL(m.list_and_count(search("x.com"), {}, tx).second, 2u);

  // Outside: nothing.
  CUSTOMERDB_CHECK_ERROR(m.retrieve(ann.id), error_code::not_found,
                         not_found_message("Customer", ann.id));
  BOOST_TEST(customers() == strs({base.id}));
  BOOST_CHECK(m.list(where("email") == "ann@x.com").empty());
  BOOST_CHECK_EQUAL(customer_count(), 1u);
  BOOST_CHECK(m.list(search("ann")).empty());
  BOOST_CHECK_EQUAL(m.list_and_count(search("x.com")).second, 1u);

  // Update by id: inside sees the new value (and filters on it), outside the old one.
  clock.advance(std::chrono::seconds(2));
  const auto bob = m.update(base.id, {.first_name = "Bob"}, tx);
  BOOST_CHECK_EQUAL(bob.first_name, "Bob");
  BOOST_CHECK_EQUAL(ms(bob.updated_at), ms(clock.now()));
  BOOST_CHECK_EQUAL(m.retrieve(base.id, {}, tx).first_name, "Bob");
  BOOST_TEST(ids_of(m.list(where("first_name") == "Bob", {}, tx)) == strs({base.id}));
  BOOST_TEST(ids_of(m.list(search("bob"), {}, tx)) == strs({base.id}));
  BOOST_CHECK(m.list(where("first_name") == "Base", {}, tx).empty());
  BOOST_CHECK_EQUAL(m.retrieve(base.id).first_name, "Base");
  BOOST_CHECK(m.list(where("first_name") == "Bob").empty());
  BOOST_CHECK_EQUAL(ms(m.retrieve(base.id).updated_at), ms(base.updated_at));

  // Update of the row created in the transaction, by id list.
  const auto updated = m.update(strs({ann.id}), {.last_name = "Smith"}, tx);
  BOOST_TEST(ids_of(updated) == strs({ann.id}));
  BOOST_CHECK_EQUAL(m.retrieve(ann.id, {}, tx).last_name, "Smith");

  m.commit(tx);
  BOOST_TEST(customers() == strs({base.id, ann.id}));
  BOOST_CHECK_EQUAL(m.retrieve(base.id).first_name, "Bob");
  BOOST_CHECK_EQUAL(m.retrieve(ann.id).last_name, "Smith");
  BOOST_CHECK_EQUAL(m.retrieve(ann.id).first_name, "Ann");
  BOOST_TEST(ids_of(m.list(search("ann"))) == strs({ann.id}));
  BOOST_CHECK_EQUAL(customer_count(), 2u);
}

BOOST_FIXTURE_TEST_CASE(customer_soft_delete_restore_delete_inside_transaction,
                        transaction_fixture) {
  const auto a = m.create(dto{.email = "a@x.com"}).id;
  const auto b = m.create(dto{.email = "b@x.com"}).id;
  const auto c = m.create(dto{.email = "c@x.com"}).id;
  m.add_addresses({.customer_id = c, .address_name = "c-home"});
  m.soft_delete(b);

  context tx = m.begin_transaction();
  clock.advance(std::chrono::seconds(10));
  BOOST_CHECK_EQUAL(show(m.soft_delete(a, {}, tx)), key_ids("customer_id", {a}));
  BOOST_CHECK_EQUAL(show(m.restore(b, {}, tx)), key_ids("customer_id", {b}));
  m.delete_customers(c, tx);

  // Inside.
  BOOST_TEST(customers(tx) == strs({b}));
  BOOST_TEST(customers_with_deleted(tx) == strs({a, b}));
  BOOST_CHECK_EQUAL(customer_count(tx), 1u);
  CUSTOMERDB_CHECK_ERROR(m.retrieve(a, {}, tx), error_code::not_found,
                         not_found_message("Customer", a));
  BOOST_CHECK_EQUAL(ms(m.retrieve(a, all_with_deleted, tx).deleted_at), ms(clock.now()));
  BOOST_CHECK(!m.retrieve(b, {}, tx).deleted_at);
  CUSTOMERDB_CHECK_ERROR(m.retrieve(c, all_with_deleted, tx), error_code::not_found,
                         not_found_message("Customer", c));
  BOOST_CHECK(addresses(tx).empty());  // the cascade is visible inside
  BOOST_TEST(ids_of(m.list(where("deleted_at") != nullptr, {}, tx)) == strs({a}));
  // A second soft delete inside sees the first: nothing left to change.
  BOOST_CHECK(m.soft_delete(a, {}, tx).empty());
  // Update by id of a customer soft-deleted in the transaction: not found.
  CUSTOMERDB_CHECK_ERROR(m.update(a, {.first_name = "x"}, tx), error_code::not_found,
                         "Customer with id \"" + a + "\" not found");

  // Outside: as before.
  BOOST_TEST(customers() == strs({a, c}));
  BOOST_TEST(customers_with_deleted() == strs({a, b, c}));
  BOOST_CHECK(!m.retrieve(a).deleted_at);
  BOOST_CHECK(m.retrieve(b, all_with_deleted).deleted_at);
  BOOST_CHECK_EQUAL(addresses().size(), 1u);
  BOOST_TEST(ids_of(m.list(where("deleted_at") != nullptr)) == strs({b}));

  m.commit(tx);
  BOOST_TEST(customers() == strs({b}));
  BOOST_TEST(customers_with_deleted() == strs({a, b}));
  BOOST_CHECK_EQUAL(ms(m.retrieve(a, all_with_deleted).deleted_at), ms(clock.now()));
  BOOST_CHECK(addresses().empty());
}

BOOST_FIXTURE_TEST_CASE(customer_selectors_see_the_transactions_writes, transaction_fixture) {
  const auto old1 = m.create(dto{.email = "o1@x.com", .company_name = "Acme"}).id;
  const auto old2 = m.create(dto{.email = "o2@x.com", .company_name = "Other"}).id;

  context tx = m.begin_transaction();
  const auto n1 = m.create(dto{.email = "n1@x.com", .company_name = "Acme"}, tx).id;
  const auto n2 = m.create(dto{.email = "n2@x.com", .company_name = "Acme"}, tx).id;
  m.update(old2, {.company_name = "Acme"}, tx);

  // The update selector matches the committed rows, the created rows and the updated row.
  const auto updated = m.update(where("company_name") == "Acme", {.phone = "555"}, tx);
  BOOST_TEST(ids_of(updated) == strs({old1, old2, n1, n2}));
  BOOST_TEST(ids_of(m.list(where("phone") == "555", {}, tx)) == strs({old1, old2, n1, n2}));
  // The selector also sees q over values written in the transaction.
  BOOST_TEST(ids_of(m.update(search("n2@"), {.last_name = "Two"}, tx)) == strs({n2}));

  // Delete selector: rows written in the transaction match.
  m.delete_customers(where("phone") == "555" && where("email").in({"n1@x.com", "o2@x.com"}), tx);
  BOOST_TEST(customers(tx) == strs({old1, n2}));
  BOOST_CHECK_EQUAL(customer_count(tx), 2u);

  // Outside: untouched.
  BOOST_TEST(customers() == strs({old1, old2}));
  BOOST_CHECK(m.list(where("phone") == "555").empty());
  BOOST_CHECK_EQUAL(m.retrieve(old2).company_name, "Other");

  m.commit(tx);
  BOOST_TEST(customers() == strs({old1, n2}));
  BOOST_TEST(ids_of(m.list(where("phone") == "555")) == strs({old1, n2}));
  BOOST_CHECK_EQUAL(m.retrieve(n2).last_name, "Two");
}

// ---- read-your-own-writes: groups ---------------------------------------------------------------

BOOST_FIXTURE_TEST_CASE(group_writes_visible_inside_only_until_commit, transaction_fixture) {
  const auto vip = m.create_customer_group({.name = "VIP"}).id;
  const auto old = m.create_customer_group({.name = "Old"}).id;
  const auto gone = m.create_customer_group({.name = "Gone"}).id;
  m.soft_delete_customer_groups(old);

  context tx = m.begin_transaction();
  const auto gold = m.create_customer_group({.name = "Gold"}, tx).id;
  BOOST_CHECK_EQUAL(m.retrieve_customer_group(gold, {}, tx).name, "Gold");
  BOOST_CHECK_EQUAL(m.update_customer_groups(vip, {.name = "Platinum"}, tx).name, "Platinum");
  BOOST_CHECK_EQUAL(show(m.restore_customer_groups(old, {}, tx)),
                    key_ids("customer_group_id", {old}));
  BOOST_CHECK_EQUAL(show(m.soft_delete_customer_groups(gold, {}, tx)),
                    key_ids("customer_group_id", {gold}));
  BOOST_CHECK_EQUAL(show(m.restore_customer_groups(gold, {}, tx)),
                    key_ids("customer_group_id", {gold}));
  m.delete_customer_groups(gone, tx);
  const auto by_selector =
      m.update_customer_groups(where("name").in({"Gold", "Old"}), {.created_by = "tx"}, tx);
  BOOST_TEST(ids_of(by_selector) == strs({old, gold}));

  // Inside.
  BOOST_TEST(groups(tx) == strs({vip, old, gold}));
  BOOST_CHECK_EQUAL(group_count(tx), 3u);
  BOOST_TEST(ids_of(m.list_customer_groups(search("plat"), {}, tx)) == strs({vip}));
  BOOST_TEST(ids_of(m.list_customer_groups(where("created_by") == "tx", {}, tx)) ==
             strs({old, gold}));
  BOOST_CHECK(m.list_customer_groups(where("name") == "VIP", {}, tx).empty());
  CUSTOMERDB_CHECK_ERROR(m.retrieve_customer_group(gone, {}, tx), error_code::not_found,
                         not_found_message("CustomerGroup", gone));

  // Outside.
  BOOST_TEST(groups() == strs({vip, gone}));
  BOOST_CHECK_EQUAL(group_count(), 2u);
  BOOST_CHECK(m.list_customer_groups(search("plat")).empty());
  BOOST_CHECK_EQUAL(m.retrieve_customer_group(vip).name, "VIP");
  CUSTOMERDB_CHECK_ERROR(m.retrieve_customer_group(gold), error_code::not_found,
                         not_found_message("CustomerGroup", gold));
  CUSTOMERDB_CHECK_ERROR(m.retrieve_customer_group(old), error_code::not_found,
                         not_found_message("CustomerGroup", old));

  m.commit(tx);
  BOOST_TEST(groups() == strs({vip, old, gold}));
  BOOST_CHECK_EQUAL(m.retrieve_customer_group(vip).name, "Platinum");
  BOOST_CHECK_EQUAL(m.retrieve_customer_group(gold).created_by, "tx");
  CUSTOMERDB_CHECK_ERROR(m.retrieve_customer_group(gone, all_with_deleted), error_code::not_found,
                         not_found_message("CustomerGroup", gone));
}

// ---- read-your-own-writes: memberships and relations ---------------------------------------

BOOST_FIXTURE_TEST_CASE(membership_writes_and_relations_visible_inside_only, transaction_fixture) {
  const auto c1 = m.create(dto{.email = "c1@x.com"}).id;
  const auto g1 = m.create_customer_group({.name = "G1"}).id;
  const auto m11 = m.add_customer_to_group({.customer_id = c1, .customer_group_id = g1});

  context tx = m.begin_transaction();
  const auto c2 = m.create(dto{.email = "c2@x.com"}, tx).id;
  const auto g2 = m.create_customer_group({.name = "G2"}, tx).id;
  const auto ids = m.add_customer_to_group(
      {{.customer_id = c2, .customer_group_id = g1}, {.customer_id = c1, .customer_group_id = g2}},
      tx);
  BOOST_REQUIRE_EQUAL(ids.size(), 2u);
  const auto m21 = ids[0];
  const auto m12 = ids[1];
  // D6 inside a transaction: the pair added in the transaction is found again.
  BOOST_CHECK_EQUAL(m.add_customer_to_group({.customer_id = c2, .customer_group_id = g1}, tx), m21);
  m.remove_customer_from_group({.customer_id = c1, .customer_group_id = g1}, tx);

  // Inside: rows, filters, relations in both directions, relation filters.
  BOOST_TEST(memberships(tx) == strs({m21, m12}));
  BOOST_TEST(ids_of(m.list_customer_group_customers(where("customer_group_id") == g1, {}, tx)) ==
             strs({m21}));
  const auto row = m.list_customer_group_customers(
      where("id") == m12, {.relations = {"customer", "customer_group"}}, tx);
  BOOST_REQUIRE_EQUAL(row.size(), 1u);
  BOOST_REQUIRE(row[0].customer);
  BOOST_REQUIRE(row[0].customer_group);
  BOOST_CHECK_EQUAL(row[0].customer->id, c1);
  BOOST_CHECK_EQUAL(row[0].customer_group->name, "G2");
  const auto c1_in = m.retrieve(c1, {.relations = {"groups"}}, tx);
  BOOST_REQUIRE(c1_in.groups);
  BOOST_TEST(ids_of(*c1_in.groups) == strs({g2}));
  const auto g1_in = m.retrieve_customer_group(g1, {.relations = {"customers"}}, tx);
  BOOST_REQUIRE(g1_in.customers);
  BOOST_TEST(ids_of(*g1_in.customers) == strs({c2}));
  BOOST_TEST(ids_of(m.list(where("groups") == g1, {}, tx)) == strs({c2}));
  BOOST_TEST(ids_of(m.list(where("groups").matches(where("name") == "G2"), {}, tx)) == strs({c1}));
  BOOST_TEST(ids_of(m.list_customer_groups(where("customers") == c2, {}, tx)) == strs({g1}));
  const auto [with_groups, count] =
      m.list_and_count(where("groups").in({g1, g2}), {.relations = {"groups"}}, tx);
  BOOST_CHECK_EQUAL(count, 2u);
  BOOST_REQUIRE_EQUAL(with_groups.size(), 2u);

  // Outside: only the committed membership.
  BOOST_TEST(memberships() == strs({m11}));
  const auto c1_out = m.retrieve(c1, {.relations = {"groups"}});
  BOOST_REQUIRE(c1_out.groups);
  BOOST_TEST(ids_of(*c1_out.groups) == strs({g1}));
  const auto g1_out = m.retrieve_customer_group(g1, {.relations = {"customers"}});
  BOOST_REQUIRE(g1_out.customers);
  BOOST_TEST(ids_of(*g1_out.customers) == strs({c1}));
  BOOST_TEST(ids_of(m.list(where("groups") == g1)) == strs({c1}));

  m.commit(tx);
  BOOST_TEST(memberships() == strs({m21, m12}));
  const auto c1_after = m.retrieve(c1, {.relations = {"groups"}});
  BOOST_REQUIRE(c1_after.groups);
  BOOST_TEST(ids_of(*c1_after.groups) == strs({g2}));
  BOOST_TEST(ids_of(m.list(where("groups") == g1)) == strs({c2}));
}

BOOST_FIXTURE_TEST_CASE(deleting_a_group_in_a_transaction_cascades_inside_only,
                        transaction_fixture) {
  const auto c = m.create(dto{.email = "c@x.com"}).id;
  const auto g = m.create_customer_group({.name = "G"}).id;
  const auto mem = m.add_customer_to_group({.customer_id = c, .customer_group_id = g});

  context tx = m.begin_transaction();
  m.delete_customer_groups(where("name") == "G", tx);
  BOOST_CHECK(memberships(tx).empty());
  const auto in = m.retrieve(c, {.relations = {"groups"}}, tx);
  BOOST_REQUIRE(in.groups);
  BOOST_CHECK(in.groups->empty());
  BOOST_TEST(memberships() == strs({mem}));
  m.commit(tx);
  BOOST_CHECK(memberships().empty());
  BOOST_CHECK(groups().empty());
}

// ---- read-your-own-writes: addresses and derived default ids -------------------------------

BOOST_FIXTURE_TEST_CASE(address_writes_and_default_ids_visible_inside_only, transaction_fixture) {
  const auto c = m.create(dto{.email = "c@x.com"}).id;
  const auto home =
      m.add_addresses({.customer_id = c, .address_name = "home", .city = "Aarhus"}).id;

  context tx = m.begin_transaction();
  const auto ship = m.add_addresses({.customer_id = c,
                                     .address_name = "ship",
                                     .is_default_shipping = true,
                                     .city = "Odense"},
                                    tx)
                        .id;
  m.update_addresses(home, {.is_default_billing = true}, tx);
  // A new customer with addresses, created in the transaction.
  const auto d = m.create(
      dto{.email = "d@x.com", .addresses = address_list{{.address_name = "d1", .city = "Aarhus"}}},
      tx);
  BOOST_REQUIRE(d.addresses);
  BOOST_REQUIRE_EQUAL(d.addresses->size(), 1u);
  const auto d1 = d.addresses->front().id;

  // Derived default ids, and filters on them, see the transaction's flags.
  const auto c_in = m.retrieve(c, {.relations = {"addresses"}}, tx);
  BOOST_CHECK_EQUAL(c_in.default_shipping_address_id, ship);
  BOOST_CHECK_EQUAL(c_in.default_billing_address_id, home);
  BOOST_REQUIRE(c_in.addresses);
  BOOST_TEST(ids_of(*c_in.addresses) == strs({home, ship}));
  BOOST_TEST(ids_of(m.list(where("default_shipping_address_id") == ship, {}, tx)) == strs({c}));
  BOOST_TEST(ids_of(m.list(where("default_billing_address_id") == nullptr, {}, tx)) ==
             strs({d.id}));

  // Address lists, counts, q, relation loading and filters.
  BOOST_TEST(addresses(tx) == strs({home, ship, d1}));
  BOOST_CHECK_EQUAL(address_count(tx), 3u);
  BOOST_TEST(ids_of(m.list_addresses(search("aarhus"), {}, tx)) == strs({home, d1}));
  BOOST_CHECK_EQUAL(m.list_and_count_addresses(where("customer_id") == c, {}, tx).second, 2u);
  const auto d1_rows = m.list_addresses(where("id") == d1, {.relations = {"customer"}}, tx);
  BOOST_REQUIRE_EQUAL(d1_rows.size(), 1u);
  BOOST_REQUIRE(d1_rows[0].customer);
  BOOST_CHECK_EQUAL(d1_rows[0].customer->email, "d@x.com");
  BOOST_TEST(ids_of(m.list_addresses(where("customer").matches(where("email") == "d@x.com"), {},
                                     tx)) == strs({d1}));

  // Address update and delete selectors see the transaction's rows.
  BOOST_TEST(ids_of(m.update_addresses(where("city") == "Aarhus", {.postal_code = "8000"}, tx)) ==
             strs({home, d1}));
  m.delete_addresses(where("address_name") == "d1", tx);
  BOOST_TEST(addresses(tx) == strs({home, ship}));
  BOOST_TEST(ids_of(m.list_addresses(where("postal_code") == "8000", {}, tx)) == strs({home}));

  // Outside: the committed state only.
  const auto c_out = m.retrieve(c, {.relations = {"addresses"}});
  BOOST_CHECK_EQUAL(c_out.default_shipping_address_id, std::optional<std::string>{});
  BOOST_CHECK_EQUAL(c_out.default_billing_address_id, std::optional<std::string>{});
  BOOST_REQUIRE(c_out.addresses);
  BOOST_TEST(ids_of(*c_out.addresses) == strs({home}));
  BOOST_CHECK(m.list(where("default_shipping_address_id") == ship).empty());
  BOOST_TEST(addresses() == strs({home}));
  BOOST_CHECK_EQUAL(address_count(), 1u);
  BOOST_CHECK(m.list_addresses(where("postal_code") == "8000").empty());

  m.commit(tx);
  const auto c_after = m.retrieve(c);
  BOOST_CHECK_EQUAL(c_after.default_shipping_address_id, ship);
  BOOST_CHECK_EQUAL(c_after.default_billing_address_id, home);
  BOOST_TEST(addresses() == strs({home, ship}));
  BOOST_TEST(customers() == strs({c, d.id}));
  BOOST_CHECK_EQUAL(m.retrieve(d.id, {.relations = {"addresses"}}).addresses->size(), 0u);
}

BOOST_FIXTURE_TEST_CASE(deleting_a_customer_in_a_transaction_cascades_inside_only,
                        transaction_fixture) {
  const auto c = m.create(dto{.email = "c@x.com"}).id;
  const auto g = m.create_customer_group({.name = "G"}).id;
  const auto mem = m.add_customer_to_group({.customer_id = c, .customer_group_id = g});
  const auto a = m.add_addresses({.customer_id = c, .is_default_shipping = true}).id;

  context tx = m.begin_transaction();
  const auto a2 = m.add_addresses({.customer_id = c, .address_name = "tx"}, tx).id;
  m.delete_customers(strs({c}), tx);
  BOOST_CHECK(customers_with_deleted(tx).empty());
  BOOST_CHECK(addresses(tx).empty());
  BOOST_CHECK(memberships(tx).empty());
  const auto g_in = m.retrieve_customer_group(g, {.relations = {"customers"}}, tx);
  BOOST_REQUIRE(g_in.customers);
  BOOST_CHECK(g_in.customers->empty());
  // Adding to the deleted customer inside fails as for a missing customer.
  CUSTOMERDB_CHECK_ERROR(
      m.add_addresses({.customer_id = c}, tx), error_code::not_found,
      "You tried to set relationship customer_id: " + c + ", but such entity does not exist");

  BOOST_TEST(customers() == strs({c}));
  BOOST_TEST(addresses() == strs({a}));
  BOOST_TEST(memberships() == strs({mem}));
  CUSTOMERDB_CHECK_ERROR(m.retrieve(c, {}, tx), error_code::not_found,
                         not_found_message("Customer", c));

  m.commit(tx);
  BOOST_CHECK(customers_with_deleted().empty());
  BOOST_CHECK(addresses().empty());
  BOOST_CHECK(memberships().empty());
  (void)a2;
}

BOOST_AUTO_TEST_SUITE_END()
