// Tests of the membership methods of customer_module: add_customer_to_group (D6, D7),
// remove_customer_from_group (D3, D4) and list_customer_group_customers.
#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <initializer_list>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "customerdb/customerdb.hpp"
#include "support/check.hpp"
#include "support/helpers.hpp"

namespace {

using namespace customerdb;
using namespace customerdb::testing;
using pair_in = group_customer_pair;

std::string fk_message(const std::string& column, const std::string& id) {
  return "You tried to set relationship " + column + ": " + id + ", but such entity does not exist";
}

// The memberships (customer id, group id) as the module takes them.
std::vector<pair_in> pairs(std::initializer_list<std::pair<std::string, std::string>> ids) {
  std::vector<pair_in> out;
  for (const auto& [customer, group] : ids)
    out.push_back({.customer_id = customer, .customer_group_id = group});
  return out;
}

struct fixture {
  manual_clock clock;
  customer_module m{module_options{.clock = clock.function()}};
  customer c1 = m.create({.email = "c1@x.com"});
  customer c2 = m.create({.email = "c2@x.com"});
  customer_group g1 = m.create_customer_group({.name = "VIP"});
  customer_group g2 = m.create_customer_group({.name = "Regular"});

  std::size_t membership_count() {
    return m.list_customer_group_customers({}, {.take = customerdb::null}).size();
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(memberships)

// ---- add_customer_to_group ----------------------------------------------------------------

BOOST_FIXTURE_TEST_CASE(add_single_returns_membership_id, fixture) {
  clock.advance(std::chrono::seconds{7});
  const std::string id =
      m.add_customer_to_group({.customer_id = c1.id, .customer_group_id = g1.id});
  BOOST_CHECK_EQUAL(id.substr(0, 6), "cusgc_");
  BOOST_CHECK_EQUAL(id.size(), 6u + 26u);

  const auto rows = m.list_customer_group_customers();
  BOOST_REQUIRE_EQUAL(rows.size(), 1u);
  BOOST_CHECK_EQUAL(rows[0].id, id);
  BOOST_CHECK_EQUAL(rows[0].customer_id, c1.id);
  BOOST_CHECK_EQUAL(rows[0].customer_group_id, g1.id);
  BOOST_CHECK(!rows[0].metadata);
  BOOST_CHECK_EQUAL(show(rows[0].created_by), "<null>");
  BOOST_CHECK_EQUAL(ms(rows[0].created_at), ms(clock.now()));
  BOOST_CHECK_EQUAL(ms(rows[0].updated_at), ms(clock.now()));
  BOOST_CHECK(!rows[0].customer);
  BOOST_CHECK(!rows[0].customer_group);

  // The customer's groups now hold g1.
  const auto with_groups = m.retrieve(c1.id, {.relations = {"groups"}});
  BOOST_REQUIRE(with_groups.groups);
  BOOST_CHECK_EQUAL(join(ids_of(*with_groups.groups)), g1.id);
}

BOOST_FIXTURE_TEST_CASE(add_array_returns_ids_in_input_order, fixture) {
  const auto ids = m.add_customer_to_group(pairs({{c2.id, g2.id}, {c1.id, g1.id}, {c1.id, g2.id}}));
  BOOST_REQUIRE_EQUAL(ids.size(), 3u);
  for (const auto& id : ids) BOOST_CHECK_EQUAL(id.substr(0, 6), "cusgc_");
  BOOST_CHECK(ids[0] != ids[1] && ids[1] != ids[2] && ids[0] != ids[2]);

  const auto r0 = m.list_customer_group_customers(where("id") == ids[0]);
  BOOST_REQUIRE_EQUAL(r0.size(), 1u);
  BOOST_CHECK_EQUAL(r0[0].customer_id, c2.id);
  BOOST_CHECK_EQUAL(r0[0].customer_group_id, g2.id);
  const auto r1 = m.list_customer_group_customers(where("id") == ids[1]);
  BOOST_REQUIRE_EQUAL(r1.size(), 1u);
  BOOST_CHECK_EQUAL(r1[0].customer_id, c1.id);
  BOOST_CHECK_EQUAL(r1[0].customer_group_id, g1.id);
  const auto r2 = m.list_customer_group_customers(where("id") == ids[2]);
  BOOST_REQUIRE_EQUAL(r2.size(), 1u);
  BOOST_CHECK_EQUAL(r2[0].customer_id, c1.id);
  BOOST_CHECK_EQUAL(r2[0].customer_group_id, g2.id);
  BOOST_CHECK_EQUAL(membership_count(), 3u);
}

BOOST_FIXTURE_TEST_CASE(add_empty_array_does_nothing, fixture) {
  BOOST_CHECK(m.add_customer_to_group(std::vector<pair_in>{}).empty());
  BOOST_CHECK_EQUAL(membership_count(), 0u);
}

BOOST_FIXTURE_TEST_CASE(adding_existing_pair_returns_existing_id, fixture) {
  const std::string first =
      m.add_customer_to_group({.customer_id = c1.id, .customer_group_id = g1.id});
  clock.advance(std::chrono::seconds{1});
  const std::string again =
      m.add_customer_to_group({.customer_id = c1.id, .customer_group_id = g1.id});
  BOOST_CHECK_EQUAL(again, first);
  const auto rows = m.list_customer_group_customers();
  BOOST_REQUIRE_EQUAL(rows.size(), 1u);
  BOOST_CHECK_EQUAL(rows[0].id, first);

  // In an array, with a new pair next to it.
  const auto ids = m.add_customer_to_group(pairs({{c1.id, g1.id}, {c2.id, g1.id}}));
  BOOST_REQUIRE_EQUAL(ids.size(), 2u);
  BOOST_CHECK_EQUAL(ids[0], first);
  BOOST_CHECK(ids[1] != first);
  BOOST_CHECK_EQUAL(membership_count(), 2u);
}

BOOST_FIXTURE_TEST_CASE(same_pair_twice_in_one_batch_makes_one_row, fixture) {
  const auto ids = m.add_customer_to_group(pairs({{c1.id, g2.id}, {c1.id, g2.id}}));
  BOOST_REQUIRE_EQUAL(ids.size(), 2u);
  BOOST_CHECK_EQUAL(ids[0], ids[1]);
  const auto rows = m.list_customer_group_customers();
  BOOST_REQUIRE_EQUAL(rows.size(), 1u);
  BOOST_CHECK_EQUAL(rows[0].id, ids[0]);
}

BOOST_FIXTURE_TEST_CASE(unknown_customer_or_group_fails, fixture) {
  CUSTOMERDB_CHECK_ERROR(
      m.add_customer_to_group({.customer_id = "cus_nope", .customer_group_id = g1.id}),
      error_code::not_found, fk_message("customer_id", "cus_nope"));
  CUSTOMERDB_CHECK_ERROR(
      m.add_customer_to_group({.customer_id = c1.id, .customer_group_id = "cusgroup_nope"}),
      error_code::not_found, fk_message("customer_group_id", "cusgroup_nope"));
  BOOST_CHECK_EQUAL(membership_count(), 0u);
}

BOOST_FIXTURE_TEST_CASE(batch_is_all_or_nothing, fixture) {
  CUSTOMERDB_CHECK_ERROR(
      m.add_customer_to_group(pairs({{c1.id, g1.id}, {c2.id, g1.id}, {"cus_nope", g2.id}})),
      error_code::not_found, fk_message("customer_id", "cus_nope"));
  BOOST_CHECK_EQUAL(membership_count(), 0u);

  CUSTOMERDB_CHECK_ERROR(m.add_customer_to_group(pairs({{c1.id, g1.id}, {c1.id, "cusgroup_nope"}})),
                         error_code::not_found, fk_message("customer_group_id", "cusgroup_nope"));
  BOOST_CHECK_EQUAL(membership_count(), 0u);
  const auto with_groups = m.retrieve(c1.id, {.relations = {"groups"}});
  BOOST_REQUIRE(with_groups.groups);
  BOOST_CHECK(with_groups.groups->empty());
}

BOOST_FIXTURE_TEST_CASE(soft_deleted_customer_and_group_can_be_added, fixture) {
  m.soft_delete(std::vector<std::string>{c1.id});
  m.soft_delete_customer_groups(std::vector<std::string>{g2.id});
  const std::string a = m.add_customer_to_group({.customer_id = c1.id, .customer_group_id = g1.id});
  const std::string b = m.add_customer_to_group({.customer_id = c2.id, .customer_group_id = g2.id});
  const std::string c = m.add_customer_to_group({.customer_id = c1.id, .customer_group_id = g2.id});
  BOOST_CHECK_EQUAL(a.substr(0, 6), "cusgc_");
  BOOST_CHECK_EQUAL(b.substr(0, 6), "cusgc_");
  BOOST_CHECK_EQUAL(c.substr(0, 6), "cusgc_");
  BOOST_CHECK_EQUAL(join(ids_of(m.list_customer_group_customers())), join(sorted({a, b, c})));
}

// ---- remove_customer_from_group -----------------------------------------------------------

BOOST_FIXTURE_TEST_CASE(remove_single_pair, fixture) {
  const auto ids = m.add_customer_to_group(pairs({{c1.id, g1.id}, {c1.id, g2.id}, {c2.id, g1.id}}));
  m.remove_customer_from_group({.customer_id = c1.id, .customer_group_id = g1.id});
  BOOST_CHECK_EQUAL(join(ids_of(m.list_customer_group_customers())),
                    join(sorted({ids[1], ids[2]})));
  // Customer and group are untouched.
  BOOST_CHECK_EQUAL(m.retrieve(c1.id).id, c1.id);
  BOOST_CHECK_EQUAL(m.retrieve_customer_group(g1.id).id, g1.id);
}

BOOST_FIXTURE_TEST_CASE(remove_array_and_non_members, fixture) {
  const auto ids = m.add_customer_to_group(pairs({{c1.id, g1.id}, {c1.id, g2.id}, {c2.id, g1.id}}));
  // Not members: ignored without error.
  m.remove_customer_from_group({.customer_id = c2.id, .customer_group_id = g2.id});
  // (A braced pair of two string literals is ambiguous with vector's iterator-pair constructor.)
  m.remove_customer_from_group(
      pair_in{.customer_id = "cus_nope", .customer_group_id = "cusgroup_nope"});
  BOOST_CHECK_EQUAL(membership_count(), 3u);

  m.remove_customer_from_group(pairs({{c2.id, g1.id}, {c2.id, g2.id}, {c1.id, g2.id}}));
  BOOST_CHECK_EQUAL(join(ids_of(m.list_customer_group_customers())), ids[0]);
}

BOOST_FIXTURE_TEST_CASE(remove_empty_array_does_nothing, fixture) {
  m.add_customer_to_group(pairs({{c1.id, g1.id}, {c2.id, g2.id}}));
  m.remove_customer_from_group(std::vector<pair_in>{});
  BOOST_CHECK_EQUAL(membership_count(), 2u);
}

BOOST_FIXTURE_TEST_CASE(remove_has_no_cap, fixture) {
  std::vector<pair_in> pairs;
  for (int i = 0; i < 20; ++i) {
    const auto g = m.create_customer_group({.name = "G" + std::to_string(i)});
    pairs.push_back({.customer_id = c1.id, .customer_group_id = g.id});
  }
  m.add_customer_to_group(pairs);
  BOOST_CHECK_EQUAL(membership_count(), 20u);
  m.remove_customer_from_group(pairs);
  BOOST_CHECK_EQUAL(membership_count(), 0u);
}

// ---- list_customer_group_customers --------------------------------------------------------

BOOST_FIXTURE_TEST_CASE(list_filters, fixture) {
  const auto ids = m.add_customer_to_group(pairs({{c1.id, g1.id}, {c1.id, g2.id}, {c2.id, g1.id}}));
  BOOST_CHECK_EQUAL(join(ids_of(m.list_customer_group_customers(where("customer_id") == c1.id))),
                    join(sorted({ids[0], ids[1]})));
  BOOST_CHECK_EQUAL(
      join(ids_of(m.list_customer_group_customers(where("customer_group_id") == g1.id))),
      join(sorted({ids[0], ids[2]})));
  BOOST_CHECK_EQUAL(join(ids_of(m.list_customer_group_customers(
                        where("customer_id") == c1.id && where("customer_group_id") == g2.id))),
                    ids[1]);
  BOOST_CHECK_EQUAL(
      join(ids_of(m.list_customer_group_customers(where("customer_group_id").in({g2.id})))),
      ids[1]);
  BOOST_CHECK_EQUAL(m.list_customer_group_customers(where("customer_id") == "cus_nope").size(), 0u);
  CUSTOMERDB_CHECK_ERROR(m.list_customer_group_customers(where("group") == g1.id),
                         error_code::invalid_data,
                         R"(Unknown field "group" for CustomerGroupCustomer)");
}

BOOST_FIXTURE_TEST_CASE(list_relations, fixture) {
  const std::string id =
      m.add_customer_to_group({.customer_id = c1.id, .customer_group_id = g1.id});
  const auto rows =
      m.list_customer_group_customers({}, {.relations = {"customer", "customer_group"}});
  BOOST_REQUIRE_EQUAL(rows.size(), 1u);
  BOOST_CHECK_EQUAL(rows[0].id, id);
  BOOST_REQUIRE(rows[0].customer);
  BOOST_CHECK_EQUAL(rows[0].customer->id, c1.id);
  BOOST_CHECK_EQUAL(show(rows[0].customer->email), "c1@x.com");
  BOOST_REQUIRE(rows[0].customer_group);
  BOOST_CHECK_EQUAL(rows[0].customer_group->id, g1.id);
  BOOST_CHECK_EQUAL(show(rows[0].customer_group->name), "VIP");

  const auto only_customer = m.list_customer_group_customers({}, {.relations = {"customer"}});
  BOOST_REQUIRE_EQUAL(only_customer.size(), 1u);
  BOOST_CHECK(only_customer[0].customer);
  BOOST_CHECK(!only_customer[0].customer_group);

  CUSTOMERDB_CHECK_ERROR(m.list_customer_group_customers({}, {.relations = {"group"}}),
                         error_code::invalid_data,
                         R"(Unknown relation "group" for CustomerGroupCustomer)");
}

BOOST_FIXTURE_TEST_CASE(list_default_take_is_15, fixture) {
  std::vector<pair_in> pairs;
  for (int i = 0; i < 17; ++i) {
    const auto g = m.create_customer_group({.name = "G" + std::to_string(i)});
    pairs.push_back({.customer_id = c2.id, .customer_group_id = g.id});
  }
  const auto ids = m.add_customer_to_group(pairs);
  const auto rows = m.list_customer_group_customers();
  BOOST_CHECK_EQUAL(rows.size(), 15u);
  auto expected = sorted(ids);
  expected.resize(15);
  BOOST_CHECK_EQUAL(join(ids_of(rows)), join(expected));
  BOOST_CHECK_EQUAL(membership_count(), 17u);
}

BOOST_FIXTURE_TEST_CASE(rows_stay_when_customer_soft_deleted, fixture) {
  const std::string id =
      m.add_customer_to_group({.customer_id = c1.id, .customer_group_id = g1.id});
  m.soft_delete(std::vector<std::string>{c1.id});
  const auto rows = m.list_customer_group_customers(where("customer_id") == c1.id);
  BOOST_REQUIRE_EQUAL(rows.size(), 1u);
  BOOST_CHECK_EQUAL(rows[0].id, id);

  // The soft-deleted customer is hidden from the relation unless with_deleted.
  const auto hidden = m.list_customer_group_customers({}, {.relations = {"customer"}});
  BOOST_REQUIRE_EQUAL(hidden.size(), 1u);
  BOOST_CHECK(!hidden[0].customer);
  const auto shown =
      m.list_customer_group_customers({}, {.relations = {"customer"}, .with_deleted = true});
  BOOST_REQUIRE_EQUAL(shown.size(), 1u);
  BOOST_REQUIRE(shown[0].customer);
  BOOST_CHECK_EQUAL(shown[0].customer->id, c1.id);

  // group.customers hides the soft-deleted customer.
  const auto g = m.retrieve_customer_group(g1.id, {.relations = {"customers"}});
  BOOST_REQUIRE(g.customers);
  BOOST_CHECK(g.customers->empty());

  // Restoring brings it back into the relation.
  m.restore(std::vector<std::string>{c1.id});
  const auto g_again = m.retrieve_customer_group(g1.id, {.relations = {"customers"}});
  BOOST_REQUIRE(g_again.customers);
  BOOST_CHECK_EQUAL(join(ids_of(*g_again.customers)), c1.id);
}

BOOST_FIXTURE_TEST_CASE(rows_stay_when_group_soft_deleted, fixture) {
  const std::string id =
      m.add_customer_to_group({.customer_id = c1.id, .customer_group_id = g1.id});
  m.soft_delete_customer_groups(std::vector<std::string>{g1.id});
  BOOST_CHECK_EQUAL(join(ids_of(m.list_customer_group_customers())), id);
  const auto c = m.retrieve(c1.id, {.relations = {"groups"}});
  BOOST_REQUIRE(c.groups);
  BOOST_CHECK(c.groups->empty());
  const auto c_all = m.retrieve(c1.id, {.relations = {"groups"}, .with_deleted = true});
  BOOST_REQUIRE(c_all.groups);
  BOOST_CHECK_EQUAL(join(ids_of(*c_all.groups)), g1.id);
}

// Hard-deleting a customer, then a group, takes each one's memberships with it and nothing else.
BOOST_FIXTURE_TEST_CASE(rows_gone_after_hard_delete_of_customer_or_group, fixture) {
  const auto ids = m.add_customer_to_group(pairs({{c1.id, g1.id}, {c2.id, g1.id}, {c2.id, g2.id}}));
  const auto memberships = [&] {
    auto left = ids_of(m.list_customer_group_customers());
    std::sort(left.begin(), left.end());
    return left;
  };
  auto expected = std::vector<std::string>{ids[1], ids[2]};
  std::sort(expected.begin(), expected.end());
  m.delete_customers(c1.id);
  BOOST_TEST(memberships() == expected);
  BOOST_CHECK_EQUAL(m.retrieve_customer_group(g1.id).id, g1.id);  // the group stays
  m.delete_customer_groups(g1.id);
  BOOST_TEST(memberships() == std::vector<std::string>{ids[2]});
  BOOST_CHECK_EQUAL(m.retrieve(c2.id).id, c2.id);  // the customer stays
}

BOOST_FIXTURE_TEST_CASE(rows_gone_after_hard_delete_of_soft_deleted_customer, fixture) {
  m.add_customer_to_group({.customer_id = c1.id, .customer_group_id = g1.id});
  m.soft_delete(std::vector<std::string>{c1.id});
  m.delete_customers(c1.id);
  BOOST_CHECK_EQUAL(membership_count(), 0u);
}

BOOST_FIXTURE_TEST_CASE(customer_groups_relation_ordered_by_id, fixture) {
  const auto g3 = m.create_customer_group({.name = "Third"});
  // Added in reverse id order.
  m.add_customer_to_group(pairs({{c1.id, g3.id}, {c1.id, g2.id}, {c1.id, g1.id}}));
  const auto c = m.retrieve(c1.id, {.relations = {"groups"}});
  BOOST_REQUIRE(c.groups);
  BOOST_CHECK_EQUAL(join(ids_of(*c.groups)), join(sorted({g1.id, g2.id, g3.id})));
  for (const auto& g : *c.groups) BOOST_CHECK(!g.customers);  // back-reference dropped
}

BOOST_AUTO_TEST_SUITE_END()
