// Tests of customer_module's transactions (context.hpp): read-your-own-writes for every kind of
// method, isolation from other callers until commit, rollback (explicit, by destruction, by
// replacement), moves, failing calls inside a transaction, first committer wins, unique rules
// and references re-checked at commit, joined contexts, deadlines, use after the end, and
// auto-commit calls while a transaction is open.
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "customerdb/customerdb.hpp"
#include "support/check.hpp"
#include "support/helpers.hpp"

namespace {

using namespace customerdb;
using namespace customerdb::testing;
using dto = create_customer_dto;
using customer_list = std::vector<create_customer_dto>;
using address_list = std::vector<create_customer_address_dto>;
using steady = std::chrono::steady_clock;

constexpr const char* no_longer_active = "Transaction is no longer active";
constexpr const char* expired = "Transaction has expired";

std::string conflict_message(const std::string& model, const std::string& id) {
  return "Transaction conflict: " + model + " with id: " + id +
         " was changed by another transaction";
}

std::string not_found_message(const std::string& model, const std::string& id) {
  return model + " with id: " + id + " was not found";
}

// Every row of each kind, in id order (soft-deleted ones too where asked).
const find_config all{.take = customerdb::null};
const find_config all_with_deleted{.take = customerdb::null, .with_deleted = true};

struct fixture {
  manual_clock clock;
  customer_module m{module_options{.clock = clock.function()}};

  std::vector<std::string> customers(const context& ctx = {}) {
    return ids_of(m.list({}, all, ctx));
  }
  std::vector<std::string> customers_with_deleted(const context& ctx = {}) {
    return ids_of(m.list({}, all_with_deleted, ctx));
  }
  std::vector<std::string> groups(const context& ctx = {}) {
    return ids_of(m.list_customer_groups({}, all, ctx));
  }
  std::vector<std::string> addresses(const context& ctx = {}) {
    return ids_of(m.list_addresses({}, all, ctx));
  }
  std::vector<std::string> memberships(const context& ctx = {}) {
    return ids_of(m.list_customer_group_customers({}, all, ctx));
  }
  std::size_t customer_count(const context& ctx = {}) {
    return m.list_and_count({}, {}, ctx).second;
  }
  std::size_t group_count(const context& ctx = {}) {
    return m.list_and_count_customer_groups({}, {}, ctx).second;
  }
  std::size_t address_count(const context& ctx = {}) {
    return m.list_and_count_addresses({}, {}, ctx).second;
  }

  // A snapshot of everything the committed state holds, for "nothing changed" checks.
  struct snapshot {
    std::vector<std::string> customers, groups, addresses, memberships;
    std::vector<std::optional<std::string>> first_names;
    bool operator==(const snapshot&) const = default;
  };
  snapshot state(const context& ctx = {}) {
    snapshot s{customers_with_deleted(ctx),
               ids_of(m.list_customer_groups({}, all_with_deleted, ctx)),
               addresses(ctx),
               memberships(ctx),
               {}};
    for (const auto& c : m.list({}, all_with_deleted, ctx)) s.first_names.push_back(c.first_name);
    return s;
  }
};

// Checks the snapshot equality with a readable message.
#define CHECK_SAME_STATE(a, b)                                                     \
  do {                                                                             \
    const auto& sa_ = (a);                                                         \
    const auto& sb_ = (b);                                                         \
    BOOST_TEST(sa_.customers == sb_.customers);                                    \
    BOOST_TEST(sa_.groups == sb_.groups);                                          \
    BOOST_TEST(sa_.addresses == sb_.addresses);                                    \
    BOOST_TEST(sa_.memberships == sb_.memberships);                                \
    BOOST_CHECK_MESSAGE(sa_.first_names == sb_.first_names, "first names differ"); \
  } while (false)

}  // namespace

BOOST_AUTO_TEST_SUITE(transactions)

// ---- context basics --------------------------------------------------------------------------

BOOST_FIXTURE_TEST_CASE(context_flags, fixture) {
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

BOOST_FIXTURE_TEST_CASE(customer_create_and_update_visible_inside_only_until_commit, fixture) {
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

BOOST_FIXTURE_TEST_CASE(customer_soft_delete_restore_delete_inside_transaction, fixture) {
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

BOOST_FIXTURE_TEST_CASE(customer_selectors_see_the_transactions_writes, fixture) {
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

BOOST_FIXTURE_TEST_CASE(group_writes_visible_inside_only_until_commit, fixture) {
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

BOOST_FIXTURE_TEST_CASE(membership_writes_and_relations_visible_inside_only, fixture) {
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

BOOST_FIXTURE_TEST_CASE(deleting_a_group_in_a_transaction_cascades_inside_only, fixture) {
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

BOOST_FIXTURE_TEST_CASE(address_writes_and_default_ids_visible_inside_only, fixture) {
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

BOOST_FIXTURE_TEST_CASE(deleting_a_customer_in_a_transaction_cascades_inside_only, fixture) {
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

// ---- rollback, destruction, moves ---------------------------------------------------------

BOOST_FIXTURE_TEST_CASE(rollback_leaves_no_trace, fixture) {
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

BOOST_FIXTURE_TEST_CASE(destroying_an_owning_context_rolls_back, fixture) {
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

BOOST_FIXTURE_TEST_CASE(destroying_a_joined_context_does_not_roll_back, fixture) {
  context tx = m.begin_transaction();
  {
    const context joined = m.begin_transaction(tx);
    m.create(dto{.id = "cus_joined", .email = "j@x.com"}, joined);
  }
  BOOST_TEST(customers(tx) == strs({"cus_joined"}));
  m.commit(tx);
  BOOST_TEST(customers() == strs({"cus_joined"}));
}

BOOST_FIXTURE_TEST_CASE(moving_a_context_keeps_the_transaction, fixture) {
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

BOOST_FIXTURE_TEST_CASE(assigning_over_an_owning_context_rolls_its_transaction_back, fixture) {
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

BOOST_FIXTURE_TEST_CASE(failing_calls_leave_the_transaction_as_before, fixture) {
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

// ---- first committer wins ----------------------------------------------------------------

BOOST_FIXTURE_TEST_CASE(first_committer_wins_on_the_same_customer, fixture) {
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

BOOST_FIXTURE_TEST_CASE(an_auto_commit_write_wins_over_an_open_transaction, fixture) {
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

BOOST_FIXTURE_TEST_CASE(delete_versus_update_conflicts_both_ways, fixture) {
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

BOOST_FIXTURE_TEST_CASE(conflicts_name_the_model_of_the_changed_row, fixture) {
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

BOOST_FIXTURE_TEST_CASE(no_conflict_without_overlapping_writes, fixture) {
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

BOOST_FIXTURE_TEST_CASE(customer_email_uniqueness_is_rechecked_at_commit, fixture) {
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

BOOST_FIXTURE_TEST_CASE(unique_rules_rechecked_at_commit_for_updates_and_restores, fixture) {
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

BOOST_FIXTURE_TEST_CASE(group_name_uniqueness_is_rechecked_at_commit, fixture) {
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

BOOST_FIXTURE_TEST_CASE(default_address_uniqueness_is_rechecked_at_commit, fixture) {
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

BOOST_FIXTURE_TEST_CASE(adding_an_address_to_a_customer_deleted_meanwhile_conflicts, fixture) {
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

BOOST_FIXTURE_TEST_CASE(deleting_a_customer_that_gained_an_address_meanwhile_conflicts, fixture) {
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

BOOST_FIXTURE_TEST_CASE(group_references_are_rechecked_at_commit, fixture) {
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

BOOST_FIXTURE_TEST_CASE(soft_delete_meanwhile_is_not_a_missing_reference, fixture) {
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

// ---- joined contexts ------------------------------------------------------------------------

BOOST_FIXTURE_TEST_CASE(joined_context_runs_in_the_parents_transaction, fixture) {
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

BOOST_FIXTURE_TEST_CASE(joined_context_follows_the_owners_rollback, fixture) {
  context owner = m.begin_transaction();
  const context joined = m.begin_transaction(owner);
  m.create(dto{.id = "cus_j", .email = "j@x.com"}, joined);
  m.rollback(owner);
  BOOST_CHECK(customers().empty());
  CUSTOMERDB_CHECK_ERROR(m.retrieve("cus_j", {}, joined), error_code::conflict, no_longer_active);
  BOOST_CHECK_EQUAL(m.create(dto{.id = "cus_j", .email = "j@x.com"}).id, "cus_j");
}

BOOST_FIXTURE_TEST_CASE(begin_transaction_of_an_empty_context_starts_a_new_one, fixture) {
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

BOOST_FIXTURE_TEST_CASE(a_deadline_in_the_past_fails_every_call, fixture) {
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

BOOST_FIXTURE_TEST_CASE(a_transaction_that_runs_past_its_deadline_is_discarded, fixture) {
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

BOOST_FIXTURE_TEST_CASE(a_rollback_after_the_deadline_keeps_the_expired_message, fixture) {
  context tx = m.begin_transaction({.deadline = steady::now() - std::chrono::milliseconds(1)});
  BOOST_CHECK_NO_THROW(m.rollback(tx));  // rollback never throws: it cleans up
  CUSTOMERDB_CHECK_ERROR(m.list({}, {}, tx), error_code::conflict, expired);
  CUSTOMERDB_CHECK_ERROR(m.check_transaction(tx), error_code::conflict, expired);
  CUSTOMERDB_CHECK_ERROR(m.commit(tx), error_code::conflict, expired);
}

BOOST_FIXTURE_TEST_CASE(check_transaction_reports_the_state, fixture) {
  BOOST_CHECK_NO_THROW(m.check_transaction(context{}));
  context tx = m.begin_transaction();
  BOOST_CHECK_NO_THROW(m.check_transaction(tx));
  m.rollback(tx);
  CUSTOMERDB_CHECK_ERROR(m.check_transaction(tx), error_code::conflict, no_longer_active);
  context done = m.begin_transaction();
  m.commit(done);
  CUSTOMERDB_CHECK_ERROR(m.check_transaction(done), error_code::conflict, no_longer_active);
}

BOOST_FIXTURE_TEST_CASE(a_deadline_that_has_not_passed_commits, fixture) {
  context tx = m.begin_transaction({.deadline = steady::now() + std::chrono::minutes(5)});
  const auto a = m.create(dto{.email = "a@x.com"}, tx).id;
  m.commit(tx);
  BOOST_TEST(customers() == strs({a}));
}

// ---- use after commit or rollback -------------------------------------------------------------

BOOST_FIXTURE_TEST_CASE(use_after_commit_or_rollback_is_a_conflict, fixture) {
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

BOOST_FIXTURE_TEST_CASE(auto_commit_calls_work_while_a_transaction_is_open, fixture) {
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

BOOST_FIXTURE_TEST_CASE(an_open_transaction_does_not_block_other_transactions, fixture) {
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
BOOST_FIXTURE_TEST_CASE(concurrent_adds_of_one_pair_leave_one_membership, fixture) {
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
BOOST_FIXTURE_TEST_CASE(change_after_begin_before_first_write_conflicts, fixture) {
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
