// Medusa v2's interface (customer_module_v2.hpp) on addresses and memberships: the rules where v2
// differs from v1 (soft-deletable addresses and memberships among them), what v2 does that v1
// did not, and one store that both interfaces share.
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <vector>

#include "support/v2_fixture.hpp"

namespace {

using namespace customerdb;
using namespace customerdb::testing;

}  // namespace

BOOST_AUTO_TEST_SUITE(medusa_v2_entities)

// ---- addresses -----------------------------------------------------------------------------

BOOST_FIXTURE_TEST_CASE(messages_name_customer_address, v2_fixture) {
  const auto ids = customers(1);
  CUSTOMERDB_CHECK_ERROR(v2.update_customer_addresses(strings{"cuaddr_a", "cuaddr_b"}, {}),
                         error_code::not_found,
                         "CustomerAddress with id \"cuaddr_a, cuaddr_b\" not found");
  CUSTOMERDB_CHECK_ERROR(v2.retrieve_customer_address("cuaddr_x"), error_code::not_found,
                         "CustomerAddress with id: cuaddr_x was not found");
  CUSTOMERDB_CHECK_ERROR(v2.retrieve_customer_address(nullptr), error_code::not_found,
                         "customerAddress - id must be defined");
  CUSTOMERDB_CHECK_ERROR(v2.create_customer_addresses(create_customer_address_dto{}),
                         error_code::invalid_data,
                         "Value for CustomerAddress.customer_id is required, 'undefined' found");
  const auto a = v2.create_customer_addresses(
      create_customer_address_dto{.customer_id = ids[0], .is_default_shipping = true});
  CUSTOMERDB_CHECK_ERROR(
      v2.update_customer_addresses(a.id, {.is_default_shipping = null}), error_code::invalid_data,
      "You must pass a non-null value to the property is_default_shipping of entity "
      "CustomerAddress.");
  // The unique rule's message names the table, as in v1.
  CUSTOMERDB_CHECK_ERROR(v2.create_customer_addresses(create_customer_address_dto{
                             .customer_id = ids[0], .is_default_shipping = true}),
                         error_code::invalid_data,
                         "Customer address with customer_id: " + ids[0] + ", already exists.");
  // v1 says Address.
  CUSTOMERDB_CHECK_ERROR(m.update_addresses(strings{"cuaddr_a"}, {}), error_code::not_found,
                         "Address with id \"cuaddr_a\" not found");
  BOOST_CHECK_EQUAL(v2.retrieve_customer_address(a.id).id, a.id);
  BOOST_CHECK(ids_of(v2.list_customer_addresses(where("customer_id") == ids[0])) == strings{a.id});
}

// ---- soft-deletable addresses ---------------------------------------------------------------

BOOST_FIXTURE_TEST_CASE(customer_soft_delete_cascades_to_addresses, v2_fixture) {
  const auto c = v2.create_customers(create_customer_dto{
      .email = "a@b.c",
      .addresses = std::vector<create_customer_address_dto>{
          {.address_1 = "one"}, {.is_default_shipping = true, .address_1 = "two"}}});
  const auto other = v2.create_customers(create_customer_dto{.email = "o@b.c"});
  const auto kept = v2.create_customer_addresses(
      create_customer_address_dto{.customer_id = other.id, .address_1 = "kept"});
  const strings addresses = ids_of(*c.addresses);
  // One address soft-deleted on its own first.
  clock.advance(std::chrono::milliseconds(1));
  BOOST_CHECK(v2.soft_delete_customer_addresses(strings{addresses[0]}) ==
              (linkable_ids{{"customer_address_id", {addresses[0]}}}));
  BOOST_CHECK(ids_of(v2.list_customer_addresses(where("customer_id") == c.id)) ==
              strings{addresses[1]});
  // v1 reads hide it too.
  BOOST_CHECK(ids_of(m.list_addresses(where("customer_id") == c.id)) == strings{addresses[1]});

  clock.advance(std::chrono::milliseconds(1));
  const timestamp deleted_at = clock.now();
  const auto result = v2.soft_delete_customers(strings{c.id, "cus_unknown"});
  BOOST_CHECK(result ==
              (linkable_ids{{"customer_id", {c.id}}, {"customer_address_id", addresses}}));
  // Every address carries the customer's deletion time, the one deleted before too.
  const auto all = v2.list_customer_addresses(where("customer_id") == c.id, {.with_deleted = true});
  BOOST_REQUIRE_EQUAL(all.size(), 2u);
  for (const auto& a : all) {
    BOOST_CHECK_EQUAL(ms(a.deleted_at), ms(deleted_at));
    BOOST_CHECK_EQUAL(ms(a.updated_at), ms(deleted_at));
  }
  BOOST_CHECK(v2.list_customer_addresses(where("customer_id") == c.id).empty());
  BOOST_CHECK_EQUAL(v2.list_customer_addresses().size(), 1u);  // `kept`
  const auto with = v2.retrieve_customer(c.id, {.relations = {"addresses"}, .with_deleted = true});
  BOOST_CHECK(with.addresses && with.addresses->size() == 2u);
  // A soft-deleted default address still holds the customer's default slot (production schema).
  CUSTOMERDB_CHECK_ERROR(v2.create_customer_addresses(create_customer_address_dto{
                             .customer_id = c.id, .is_default_shipping = true}),
                         error_code::invalid_data,
                         "Customer address with customer_id: " + c.id + ", already exists.");
  // Restore clears every address, the one deleted on its own too, and reports them all.
  clock.advance(std::chrono::milliseconds(1));
  const auto restored = v2.restore_customers(strings{c.id});
  BOOST_CHECK(restored ==
              (linkable_ids{{"customer_id", {c.id}}, {"customer_address_id", addresses}}));
  BOOST_CHECK(ids_of(v2.list_customer_addresses(where("customer_id") == c.id)) == addresses);
  // return_linkable_keys narrows the result.
  BOOST_CHECK(v2.soft_delete_customers(strings{c.id},
                                       {.return_linkable_keys = strings{"customer_address_id"}}) ==
              (linkable_ids{{"customer_address_id", addresses}}));
  // v1 soft delete and restore leave addresses alone.
  m.restore(strings{c.id});
  BOOST_CHECK(v2.list_customer_addresses(where("customer_id") == c.id).empty());
  v2.restore_customers(strings{c.id});
  BOOST_CHECK(m.soft_delete(strings{other.id}) == (linkable_ids{{"customer_id", {other.id}}}));
  BOOST_CHECK(ids_of(m.list_addresses(where("customer_id") == other.id)) == strings{kept.id});
}

BOOST_FIXTURE_TEST_CASE(soft_deleted_addresses_are_not_update_targets, v2_fixture) {
  const auto c = v2.create_customers(create_customer_dto{.email = "a@b.c"});
  const auto a = v2.create_customer_addresses(create_customer_address_dto{.customer_id = c.id});
  v2.soft_delete_customer_addresses(a.id);
  CUSTOMERDB_CHECK_ERROR(v2.update_customer_addresses(a.id, {.city = "x"}), error_code::not_found,
                         "CustomerAddress with id \"" + a.id + "\" not found");
  CUSTOMERDB_CHECK_ERROR(v2.retrieve_customer_address(a.id), error_code::not_found,
                         "CustomerAddress with id: " + a.id + " was not found");
  BOOST_CHECK_EQUAL(v2.retrieve_customer_address(a.id, {.with_deleted = true}).id, a.id);
  // Hard delete removes it all the same.
  v2.delete_customer_addresses(a.id);
  BOOST_CHECK(v2.list_customer_addresses({}, {.with_deleted = true}).empty());
}

// ---- soft-deletable memberships -------------------------------------------------------------

BOOST_FIXTURE_TEST_CASE(soft_deleted_membership_still_links, v2_fixture) {
  const auto ids = customers(1);
  const auto g = v2.create_customer_groups(create_customer_group_dto{.name = "VIP"});
  const auto member = v2.add_customer_to_group({.customer_id = ids[0], .customer_group_id = g.id});
  BOOST_CHECK(v2.soft_delete_customer_group_customers(member) ==
              (linkable_ids{{"customer_group_customer_id", {member}}}));
  // Hidden from the membership list (both interfaces), shown with with_deleted.
  BOOST_CHECK(v2.list_customer_group_customers().empty());
  BOOST_CHECK(m.list_customer_group_customers().empty());
  BOOST_CHECK_EQUAL(v2.list_and_count_customer_group_customers({}, {.with_deleted = true}).second,
                    1u);
  CUSTOMERDB_CHECK_ERROR(v2.retrieve_customer_group_customer(member), error_code::not_found,
                         "CustomerGroupCustomer with id: " + member + " was not found");
  BOOST_CHECK(v2.retrieve_customer_group_customer(member, {.with_deleted = true}).deleted_at);
  // Still links the customer and the group (relations, relation filters).
  const auto c = v2.retrieve_customer(ids[0], {.relations = {"groups"}});
  BOOST_CHECK(c.groups && ids_of(*c.groups) == strings{g.id});
  BOOST_CHECK(ids_of(v2.list_customers(where("groups") == g.id)) == ids);
  // remove_customer_from_group leaves it; restore brings it back.
  v2.remove_customer_from_group({.customer_id = ids[0], .customer_group_id = g.id});
  BOOST_CHECK(v2.restore_customer_group_customers(strings{member}) ==
              (linkable_ids{{"customer_group_customer_id", {member}}}));
  BOOST_CHECK(ids_of(v2.list_customer_group_customers()) == strings{member});
  // Deleting a membership deletes that row alone.
  v2.delete_customer_group_customers(member);
  BOOST_CHECK(v2.list_customer_group_customers({}, {.with_deleted = true}).empty());
  BOOST_CHECK_EQUAL(v2.list_customers().size(), 1u);
  BOOST_CHECK_EQUAL(v2.list_customer_groups().size(), 1u);
}

// ---- what Medusa v2 does that v1 did not ------------------------------------------------------

BOOST_FIXTURE_TEST_CASE(restore_leaves_live_rows_alone, v2_fixture) {
  const auto ids = customers(2);
  const auto before = v2.retrieve_customer(ids[0]).updated_at;
  v2.soft_delete_customers(ids[1]);
  clock.advance(std::chrono::seconds(1));
  // Both are reported; only the soft-deleted one is written.
  BOOST_CHECK(v2.restore_customers(ids).at("customer_id") == ids);
  BOOST_CHECK(v2.retrieve_customer(ids[0]).updated_at == before);
  BOOST_CHECK(v2.retrieve_customer(ids[1]).updated_at == clock.now());
  // v1 writes every row it finds.
  clock.advance(std::chrono::seconds(1));
  m.restore(ids[0]);
  BOOST_CHECK(m.retrieve(ids[0]).updated_at == clock.now());
}

BOOST_FIXTURE_TEST_CASE(created_groups_carry_no_customers, v2_fixture) {
  const auto g = v2.create_customer_groups(create_customer_group_dto{.name = "VIP"});
  BOOST_CHECK(g.customers && g.customers->empty());
  const auto both = v2.create_customer_groups(
      {create_customer_group_dto{.name = "A"}, create_customer_group_dto{.name = "B"}});
  BOOST_CHECK(both.at(1).customers && both.at(1).customers->empty());
  BOOST_CHECK(!m.create_customer_group(create_customer_group_dto{.name = "C"}).customers);
}

BOOST_FIXTURE_TEST_CASE(targets_are_found_before_the_data_is_checked, v2_fixture) {
  // A null name on a missing group is not_found, on no match nothing: the name is checked only
  // once there is a row to change.
  CUSTOMERDB_CHECK_ERROR(v2.update_customer_groups("cusgroup_x", {.name = null}),
                         error_code::not_found, "CustomerGroup with id \"cusgroup_x\" not found");
  BOOST_CHECK(v2.update_customer_groups(where("name") == "none", {.name = null}).empty());
  v2.create_customer_groups(create_customer_group_dto{.name = "VIP"});
  CUSTOMERDB_CHECK_ERROR(v2.update_customer_groups(where("name") == "VIP", {.name = null}),
                         error_code::invalid_data,
                         "You must pass a non-null value to the property name of entity "
                         "CustomerGroup.");
}

BOOST_FIXTURE_TEST_CASE(an_address_customer_id_is_checked_last, v2_fixture) {
  const auto ids = customers(1);
  const auto a = v2.create_customer_addresses(create_customer_address_dto{.customer_id = ids[0]});
  const update_customer_address_dto nulls{.customer_id = null, .is_default_shipping = null};
  CUSTOMERDB_CHECK_ERROR(v2.update_customer_addresses(a.id, nulls), error_code::invalid_data,
                         "You must pass a non-null value to the property is_default_shipping of "
                         "entity CustomerAddress.");
  CUSTOMERDB_CHECK_ERROR(m.update_addresses(a.id, nulls), error_code::invalid_data,
                         "You must pass a non-null value to the property customer_id of entity "
                         "Address.");
}

BOOST_FIXTURE_TEST_CASE(an_unknown_filter_key_is_reported_first, v2_fixture) {
  // Before a negative take, and before a misplaced q that comes after it (v1: q first,
  // decision D19).
  CUSTOMERDB_CHECK_ERROR(v2.list_customers(where("nickname") == "x" &&
                                           filter::any_of({search("a"), where("email") == "b"})),
                         error_code::invalid_data,
                         "Trying to query by not existing property Customer.nickname");
  CUSTOMERDB_CHECK_ERROR(v2.list_customers(where("nickname") == "x", {.take = -1}),
                         error_code::invalid_data,
                         "Trying to query by not existing property Customer.nickname");
  // Of an unknown key and a misplaced q, the first in key order.
  CUSTOMERDB_CHECK_ERROR(v2.list_customers(where("email") == "a" &&
                                           filter::any_of({search("a"), where("email") == "b"}) &&
                                           where("nickname") == "x"),
                         error_code::invalid_data,
                         "Trying to query by not existing property Customer.q");
  CUSTOMERDB_CHECK_ERROR(v2.delete_customers(where("nickname") == "x" && search("a")),
                         error_code::invalid_data,
                         "Trying to query by not existing property Customer.nickname");
  CUSTOMERDB_CHECK_ERROR(
      m.list(filter::any_of({search("a"), where("email") == "b"}) && where("nickname") == "x"),
      error_code::invalid_data,
      "Filter key \"q\" is accepted only at the top level of a filter of "
      "Customer");
}

BOOST_FIXTURE_TEST_CASE(a_dotted_select_loads_its_relation, v2_fixture) {
  const auto c = v2.create_customers(create_customer_dto{
      .email = "a@b.c",
      .addresses = std::vector<create_customer_address_dto>{{.address_1 = "1", .city = "Oslo"}}});
  const auto got = v2.retrieve_customer(c.id, {.select = {"id", "addresses.city"}});
  BOOST_REQUIRE(got.addresses && got.addresses->size() == 1u);
  const auto& a = got.addresses->front();
  BOOST_CHECK(a.has_field("id") && a.has_field("city") && !a.has_field("address_1"));
  BOOST_CHECK_EQUAL(a.city.value_or(""), "Oslo");
  BOOST_CHECK(!got.has_field("email"));
  // v1 (D23): a dotted path narrows only a relation that `relations` loads.
  BOOST_CHECK(!m.retrieve(c.id, {.select = {"id", "addresses.city"}}).addresses);
}

BOOST_FIXTURE_TEST_CASE(filters_through_fields_skip_soft_deleted_related_rows, v2_fixture) {
  const auto ids = customers(1);
  const auto g = v2.create_customer_groups(create_customer_group_dto{.name = "VIP"});
  v2.add_customer_to_group({.customer_id = ids[0], .customer_group_id = g.id});
  v2.soft_delete_customer_groups(g.id);
  // Through the group's fields: the soft-deleted group is not joined.
  BOOST_CHECK(v2.list_customers(where("groups").matches(where("name") == "VIP")).empty());
  // By id: the membership alone answers.
  BOOST_CHECK(ids_of(v2.list_customers(where("groups") == g.id)) == ids);
  BOOST_CHECK(ids_of(v2.list_customers(where("groups").matches(where("id") == g.id))) == ids);
  // With with_deleted, the join keeps them.
  BOOST_CHECK(ids_of(v2.list_customers(where("groups").matches(where("name") == "VIP"),
                                       {.with_deleted = true})) == ids);
  // v1 (D28): soft-deleted related rows match.
  BOOST_CHECK(ids_of(m.list(where("groups").matches(where("name") == "VIP"))) == ids);
}

// ---- one store, both interfaces ------------------------------------------------------------

BOOST_FIXTURE_TEST_CASE(both_interfaces_share_store_and_transactions, v2_fixture) {
  auto tx = m.begin_transaction();
  const auto c = v2.create_customers(create_customer_dto{.email = "a@b.c"}, tx);
  const auto g = m.create_customer_group(create_customer_group_dto{.name = "VIP"}, tx);
  v2.add_customer_to_group({.customer_id = c.id, .customer_group_id = g.id}, tx);
  BOOST_CHECK(v2.list_customers().empty());  // not committed yet
  m.commit(tx);
  const auto with_groups = v2.retrieve_customer(c.id, {.relations = {"groups"}});
  BOOST_CHECK(with_groups.groups && ids_of(*with_groups.groups) == strings{g.id});
  BOOST_CHECK_EQUAL(v2.list_customer_group_customers().size(), 1u);
  const auto deleted = v2.soft_delete_customers(strings{c.id});
  BOOST_CHECK(deleted.at("customer_id") == strings{c.id});
  BOOST_CHECK_THROW(m.retrieve(c.id), error);
  v2.restore_customers(c.id);
  BOOST_CHECK_EQUAL(m.retrieve(c.id).email, "a@b.c");
}

BOOST_AUTO_TEST_SUITE_END()
