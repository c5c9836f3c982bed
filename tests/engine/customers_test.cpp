// Customers: retrieve, create, the (email, has_account) uniqueness rule, and create with
// addresses (docs/protocol.md, docs/medusa-compatibility.md; decisions D1, D3, D5, D8, D15).
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>

#include "support/customer_fixture.hpp"

namespace {

using namespace customerdb;
using namespace customerdb::testing;

}  // namespace

BOOST_AUTO_TEST_SUITE(customers)

// ---- retrieve ------------------------------------------------------------------------------

BOOST_FIXTURE_TEST_CASE(retrieve_returns_the_stored_customer, customer_fixture) {
  const auto created = m.create(dto{.email = "john@acme.com", .first_name = "John", .last_name = "Doe", .company_name = "Acme", .phone = "+45 1234", .metadata = metadata{{"tier", "gold"}}, .created_by = "admin"});
  const auto c = m.retrieve(created.id);
  BOOST_CHECK_EQUAL(c.id, created.id);
  BOOST_CHECK_EQUAL(c.company_name, "Acme");
  BOOST_CHECK_EQUAL(c.first_name, "John");
  BOOST_CHECK_EQUAL(c.last_name, "Doe");
  BOOST_CHECK_EQUAL(c.email, "john@acme.com");
  BOOST_CHECK_EQUAL(c.phone, "+45 1234");
  BOOST_CHECK_EQUAL(c.has_account, false);
  check_metadata(c.metadata, metadata{{"tier", "gold"}});
  BOOST_CHECK_EQUAL(c.created_by, "admin");
  BOOST_CHECK_EQUAL(ms(c.created_at), ms(clock.now()));
  BOOST_CHECK_EQUAL(ms(c.updated_at), ms(clock.now()));
  BOOST_CHECK(!c.deleted_at);
  BOOST_CHECK(!c.groups);
  BOOST_CHECK(!c.addresses);
  BOOST_CHECK(!c.selection);
  BOOST_CHECK(c.has_field("first_name"));
}

BOOST_FIXTURE_TEST_CASE(retrieve_unknown_id_is_not_found, customer_fixture) {
  CUSTOMERDB_CHECK_ERROR(m.retrieve("cus_missing"), error_code::not_found,
                         "Customer with id: cus_missing was not found");
}

BOOST_FIXTURE_TEST_CASE(retrieve_without_id_must_be_defined, customer_fixture) {
  CUSTOMERDB_CHECK_ERROR(m.retrieve(nullptr), error_code::not_found,
                         "customer - id must be defined");
  CUSTOMERDB_CHECK_ERROR(m.retrieve(std::nullopt), error_code::not_found,
                         "customer - id must be defined");
}

BOOST_FIXTURE_TEST_CASE(retrieve_empty_id_is_not_found_not_undefined, customer_fixture) {
  m.create(dto{.first_name = "x"});
  CUSTOMERDB_CHECK_ERROR(m.retrieve(""), error_code::not_found, "Customer with id:  was not found");
}

BOOST_FIXTURE_TEST_CASE(retrieve_hides_soft_deleted_unless_with_deleted, customer_fixture) {
  const auto id = m.create(dto{.first_name = "gone"}).id;
  clock.advance(std::chrono::seconds(5));
  m.soft_delete(strs({id}));
  CUSTOMERDB_CHECK_ERROR(m.retrieve(id), error_code::not_found,
                         "Customer with id: " + id + " was not found");
  const auto c = m.retrieve(id, find_config{.with_deleted = true});
  BOOST_CHECK_EQUAL(c.id, id);
  BOOST_CHECK_EQUAL(ms(c.deleted_at), ms(clock.now()));
}

BOOST_FIXTURE_TEST_CASE(retrieve_select_limits_the_fields, customer_fixture) {
  const auto id = m.create(dto{.email = "john@acme.com", .first_name = "John"}).id;
  const auto c = m.retrieve(id, find_config{.select = {"email"}});
  BOOST_REQUIRE(c.selection);
  BOOST_CHECK_EQUAL(c.id, id);
  BOOST_CHECK(c.has_field("id"));
  BOOST_CHECK(c.has_field("email"));
  BOOST_CHECK(!c.has_field("first_name"));
  BOOST_CHECK(!c.has_field("created_at"));
  BOOST_CHECK_EQUAL(c.email, "john@acme.com");
  BOOST_CHECK_EQUAL(c.first_name, std::optional<std::string>{});
}

BOOST_FIXTURE_TEST_CASE(retrieve_select_id_still_loads_full_relations, customer_fixture) {
  const auto created = m.create(dto{.first_name = "John",
                                 .addresses = addresses{{.address_1 = "Main St 1", .city = "Aarhus"}}});
  const auto c = m.retrieve(created.id, find_config{.select = {"id"}, .relations = {"addresses"}});
  BOOST_CHECK(!c.has_field("first_name"));
  BOOST_REQUIRE(c.addresses);
  BOOST_REQUIRE_EQUAL(c.addresses->size(), 1u);
  const auto& a = c.addresses->front();
  BOOST_CHECK(a.has_field("city"));
  BOOST_CHECK_EQUAL(a.address_1, "Main St 1");
  BOOST_CHECK_EQUAL(a.city, "Aarhus");
  BOOST_CHECK_EQUAL(a.customer_id, created.id);
}

BOOST_FIXTURE_TEST_CASE(retrieve_loads_groups_and_addresses_ordered_by_id, customer_fixture) {
  const auto id = m.create(dto{.first_name = "John"}).id;
  const auto g1 = m.create_customer_group({.name = "A"}).id;
  const auto g2 = m.create_customer_group({.name = "B"}).id;
  m.add_customer_to_group({.customer_id = id, .customer_group_id = g2});
  m.add_customer_to_group({.customer_id = id, .customer_group_id = g1});
  const auto a1 = m.add_addresses({.customer_id = id, .address_name = "home"}).id;
  const auto a2 = m.add_addresses({.customer_id = id, .address_name = "work"}).id;

  const auto c = m.retrieve(id, find_config{.relations = {"groups", "addresses"}});
  BOOST_REQUIRE(c.groups);
  BOOST_TEST(ids_of(*c.groups) == strs({g1, g2}));
  BOOST_CHECK_EQUAL(c.groups->front().name, "A");
  BOOST_CHECK(!c.groups->front().customers);
  BOOST_REQUIRE(c.addresses);
  BOOST_TEST(ids_of(*c.addresses) == strs({a1, a2}));
  BOOST_CHECK_EQUAL(c.addresses->at(1).address_name, "work");
  BOOST_CHECK(!c.addresses->front().customer);

  const auto only_groups = m.retrieve(id, find_config{.relations = {"groups"}});
  BOOST_CHECK(only_groups.groups);
  BOOST_CHECK(!only_groups.addresses);
}

BOOST_FIXTURE_TEST_CASE(retrieve_unknown_relation_or_select_is_invalid, customer_fixture) {
  const auto id = m.create(dto{.first_name = "John"}).id;
  CUSTOMERDB_CHECK_ERROR(m.retrieve(id, find_config{.relations = {"foo"}}), error_code::invalid_data,
                         "Unknown relation \"foo\" for Customer");
  CUSTOMERDB_CHECK_ERROR(m.retrieve(id, find_config{.select = {"foo"}}), error_code::invalid_data,
                         "Unknown field \"foo\" for Customer");
}

// ---- create --------------------------------------------------------------------------------

BOOST_FIXTURE_TEST_CASE(create_single_fills_defaults, customer_fixture) {
  const auto c = m.create(create_customer_dto{});
  BOOST_CHECK(is_generated_id(c.id, "cus"));
  BOOST_CHECK_EQUAL(c.company_name, std::optional<std::string>{});
  BOOST_CHECK_EQUAL(c.first_name, std::optional<std::string>{});
  BOOST_CHECK_EQUAL(c.last_name, std::optional<std::string>{});
  BOOST_CHECK_EQUAL(c.email, std::optional<std::string>{});
  BOOST_CHECK_EQUAL(c.phone, std::optional<std::string>{});
  BOOST_CHECK_EQUAL(c.has_account, false);
  BOOST_CHECK(!c.metadata);
  BOOST_CHECK_EQUAL(c.created_by, std::optional<std::string>{});
  BOOST_CHECK_EQUAL(c.default_billing_address_id, std::optional<std::string>{});
  BOOST_CHECK_EQUAL(c.default_shipping_address_id, std::optional<std::string>{});
  BOOST_CHECK_EQUAL(ms(c.created_at), ms(clock.now()));
  BOOST_CHECK_EQUAL(ms(c.updated_at), ms(clock.now()));
  BOOST_CHECK(!c.deleted_at);
  BOOST_CHECK(!c.addresses);
  BOOST_CHECK(!c.groups);
  BOOST_CHECK_EQUAL(m.list().size(), 1u);
}

BOOST_FIXTURE_TEST_CASE(create_keeps_has_account_and_fields, customer_fixture) {
  const auto c = m.create(dto{.email = "reg@acme.com", .has_account = true, .created_by = "admin"});
  BOOST_CHECK_EQUAL(c.has_account, true);
  BOOST_CHECK_EQUAL(c.created_by, "admin");
  BOOST_CHECK_EQUAL(m.retrieve(c.id).has_account, true);
}

BOOST_FIXTURE_TEST_CASE(create_array_returns_input_order, customer_fixture) {
  const auto rows = m.create(customer_list{{.first_name = "a"}, {.first_name = "b"}, {.first_name = "c"}});
  BOOST_REQUIRE_EQUAL(rows.size(), 3u);
  BOOST_CHECK_EQUAL(rows[0].first_name, "a");
  BOOST_CHECK_EQUAL(rows[1].first_name, "b");
  BOOST_CHECK_EQUAL(rows[2].first_name, "c");
  BOOST_TEST(ids_of(m.list()) == ids_of(rows));
}

BOOST_FIXTURE_TEST_CASE(create_empty_array_returns_empty, customer_fixture) {
  BOOST_CHECK(m.create(customer_list{}).empty());
  BOOST_CHECK(m.list().empty());
}

BOOST_FIXTURE_TEST_CASE(create_keeps_caller_supplied_id, customer_fixture) {
  const auto c = m.create(dto{.id = "cus_custom", .first_name = "x"});
  BOOST_CHECK_EQUAL(c.id, "cus_custom");
  BOOST_CHECK_EQUAL(m.retrieve("cus_custom").first_name, "x");
}

BOOST_FIXTURE_TEST_CASE(create_duplicate_id_is_invalid, customer_fixture) {
  m.create(dto{.id = "cus_custom", .first_name = "first"});
  CUSTOMERDB_CHECK_ERROR(m.create(dto{.id = "cus_custom", .first_name = "second"}),
                         error_code::invalid_data, "Customer with id: cus_custom, already exists.");
  BOOST_CHECK_EQUAL(m.retrieve("cus_custom").first_name, "first");
  BOOST_CHECK_EQUAL(m.list().size(), 1u);

  // Within one batch, nothing is kept.
  CUSTOMERDB_CHECK_ERROR(m.create(customer_list{{.id = "cus_twice"}, {.id = "cus_twice"}}),
                         error_code::invalid_data, "Customer with id: cus_twice, already exists.");
  BOOST_CHECK_EQUAL(m.list().size(), 1u);

  // A soft-deleted customer still holds its id.
  m.soft_delete(strs({"cus_custom"}));
  CUSTOMERDB_CHECK_ERROR(m.create(dto{.id = "cus_custom"}), error_code::invalid_data,
                         "Customer with id: cus_custom, already exists.");
}

BOOST_FIXTURE_TEST_CASE(generated_ids_are_ulids_increasing_in_creation_order, customer_fixture) {
  // The clock does not move: every id is made in the same millisecond (D15).
  strings created;
  for (int i = 0; i < 30; ++i) created.push_back(m.create(create_customer_dto{}).id);
  const auto batch = m.create(customer_list(30));
  for (const auto& c : batch) created.push_back(c.id);
  for (std::size_t i = 0; i < created.size(); ++i) {
    BOOST_CHECK_MESSAGE(is_generated_id(created[i], "cus"), "bad id " << created[i]);
    if (i > 0) {
      BOOST_CHECK_MESSAGE(created[i - 1] < created[i],
                          "id " << created[i] << " not after " << created[i - 1]);
    }
  }
  BOOST_TEST(ids_of(m.list({}, all())) == created);
}

// ---- create: (email, has_account) uniqueness (D1) -----------------------------------------

BOOST_FIXTURE_TEST_CASE(create_duplicate_email_is_invalid, customer_fixture) {
  m.create(dto{.email = "john.doe@acmecorp.com"});
  CUSTOMERDB_CHECK_ERROR(m.create(dto{.email = "john.doe@acmecorp.com"}), error_code::invalid_data,
                         "Customer with email: john.doe@acmecorp.com, has_account: false, already exists.");
  m.create(dto{.email = "reg@acmecorp.com", .has_account = true});
  CUSTOMERDB_CHECK_ERROR(m.create(dto{.email = "reg@acmecorp.com", .has_account = true}),
                         error_code::invalid_data,
                         "Customer with email: reg@acmecorp.com, has_account: true, already exists.");
  BOOST_CHECK_EQUAL(m.list().size(), 2u);
}

BOOST_FIXTURE_TEST_CASE(create_duplicate_email_within_batch_keeps_nothing, customer_fixture) {
  CUSTOMERDB_CHECK_ERROR(
      m.create(customer_list{{.email = "x@y.com"}, {.email = "other@y.com"}, {.email = "x@y.com"}}),
      error_code::invalid_data, "Customer with email: x@y.com, has_account: false, already exists.");
  BOOST_CHECK(m.list().empty());
}

BOOST_FIXTURE_TEST_CASE(guest_and_registered_may_share_email, customer_fixture) {
  const auto guest = m.create(dto{.email = "same@y.com"});
  const auto registered = m.create(dto{.email = "same@y.com", .has_account = true});
  BOOST_CHECK_NE(guest.id, registered.id);
  BOOST_CHECK_EQUAL(m.list(where("email") == "same@y.com").size(), 2u);
}

BOOST_FIXTURE_TEST_CASE(null_emails_never_clash, customer_fixture) {
  m.create(create_customer_dto{});
  m.create(create_customer_dto{});
  m.create(customer_list{{}, {}});
  BOOST_CHECK_EQUAL(m.list().size(), 4u);
}

BOOST_FIXTURE_TEST_CASE(email_uniqueness_is_case_sensitive, customer_fixture) {
  m.create(dto{.email = "A@x.com"});
  BOOST_CHECK_NO_THROW(m.create(dto{.email = "a@x.com"}));
  BOOST_CHECK_EQUAL(m.list().size(), 2u);
}

BOOST_FIXTURE_TEST_CASE(soft_deleted_customers_do_not_hold_their_email, customer_fixture) {
  const auto old_id = m.create(dto{.email = "x@y.com"}).id;
  m.soft_delete(strs({old_id}));
  const auto new_id = m.create(dto{.email = "x@y.com"}).id;
  BOOST_CHECK_NE(old_id, new_id);

  clock.advance(std::chrono::seconds(1));
  CUSTOMERDB_CHECK_ERROR(m.restore(strs({old_id})), error_code::invalid_data,
                         "Customer with email: x@y.com, has_account: false, already exists.");
  // Nothing changed: the old customer is still soft-deleted.
  const auto old = m.retrieve(old_id, find_config{.with_deleted = true});
  BOOST_CHECK(old.deleted_at);
  BOOST_CHECK_EQUAL(m.list().size(), 1u);
}

BOOST_FIXTURE_TEST_CASE(restore_batch_with_duplicate_restores_nothing, customer_fixture) {
  const auto a = m.create(dto{.email = "a@y.com"}).id;
  const auto b = m.create(dto{.email = "b@y.com"}).id;
  m.soft_delete(strs({a, b}));
  m.create(dto{.email = "b@y.com"});
  CUSTOMERDB_CHECK_ERROR(m.restore(strs({a, b})), error_code::invalid_data,
                         "Customer with email: b@y.com, has_account: false, already exists.");
  BOOST_CHECK(m.retrieve(a, find_config{.with_deleted = true}).deleted_at);
  BOOST_CHECK(m.retrieve(b, find_config{.with_deleted = true}).deleted_at);
}

BOOST_FIXTURE_TEST_CASE(update_to_taken_email_is_invalid, customer_fixture) {
  m.create(dto{.email = "taken@y.com"});
  const auto id = m.create(dto{.email = "free@y.com"}).id;
  CUSTOMERDB_CHECK_ERROR(m.update(id, {.email = "taken@y.com"}), error_code::invalid_data,
                         "Customer with email: taken@y.com, has_account: false, already exists.");
  BOOST_CHECK_EQUAL(m.retrieve(id).email, "free@y.com");
}

BOOST_FIXTURE_TEST_CASE(update_two_customers_to_one_email_changes_nothing, customer_fixture) {
  const auto a = m.create(dto{.email = "a@y.com"}).id;
  const auto b = m.create(dto{.email = "b@y.com"}).id;
  CUSTOMERDB_CHECK_ERROR(m.update(strs({a, b}), {.email = "same@y.com", .first_name = "x"}),
                         error_code::invalid_data,
                         "Customer with email: same@y.com, has_account: false, already exists.");
  BOOST_CHECK_EQUAL(m.retrieve(a).email, "a@y.com");
  BOOST_CHECK_EQUAL(m.retrieve(b).email, "b@y.com");
  BOOST_CHECK(m.list(where("first_name") == "x").empty());
  // Guests and registered customers may share it.
  BOOST_CHECK_NO_THROW(m.update(b, {.email = "a@y.com", .has_account = true}));
}

// ---- create with addresses (D8) -----------------------------------------------------------

BOOST_FIXTURE_TEST_CASE(create_with_addresses_returns_them_in_input_order, customer_fixture) {
  const auto c = m.create(dto{.first_name = "John",
                           .addresses = addresses{{.address_name = "first", .is_default_billing = true},
                                                  {.address_name = "second", .is_default_shipping = true},
                                                  {.address_name = "third"}}});
  BOOST_REQUIRE(c.addresses);
  BOOST_REQUIRE_EQUAL(c.addresses->size(), 3u);
  BOOST_CHECK_EQUAL(c.addresses->at(0).address_name, "first");
  BOOST_CHECK_EQUAL(c.addresses->at(1).address_name, "second");
  BOOST_CHECK_EQUAL(c.addresses->at(2).address_name, "third");
  for (const auto& a : *c.addresses) {
    BOOST_CHECK(is_generated_id(a.id, "cuaddr"));
    BOOST_CHECK_EQUAL(a.customer_id, c.id);
  }
  BOOST_CHECK_EQUAL(c.default_billing_address_id, c.addresses->at(0).id);
  BOOST_CHECK_EQUAL(c.default_shipping_address_id, c.addresses->at(1).id);
  BOOST_TEST(ids_of(m.list_addresses(where("customer_id") == c.id)) == ids_of(*c.addresses));
}

BOOST_FIXTURE_TEST_CASE(create_addresses_key_controls_the_relation, customer_fixture) {
  const auto without = m.create(dto{.first_name = "a"});
  BOOST_CHECK(!without.addresses);
  const auto with_empty = m.create(dto{.first_name = "b", .addresses = addresses{}});
  BOOST_REQUIRE(with_empty.addresses);
  BOOST_CHECK(with_empty.addresses->empty());
  const auto batch = m.create(customer_list{{.first_name = "c"},
                                        {.first_name = "d", .addresses = addresses{{.city = "Oslo"}}}});
  BOOST_CHECK(!batch[0].addresses);
  BOOST_REQUIRE(batch[1].addresses);
  BOOST_REQUIRE_EQUAL(batch[1].addresses->size(), 1u);
  BOOST_CHECK_EQUAL(batch[1].addresses->front().city, "Oslo");
  BOOST_CHECK_EQUAL(batch[1].addresses->front().customer_id, batch[1].id);
}

BOOST_FIXTURE_TEST_CASE(create_with_two_default_shipping_addresses_keeps_nothing,
                        customer_fixture) {
  CUSTOMERDB_CHECK_ERROR(
      m.create(dto{.id = "cus_atomic",
                .first_name = "John",
                .addresses = addresses{{.address_name = "a", .is_default_shipping = true},
                                       {.address_name = "b", .is_default_shipping = true}}}),
      error_code::invalid_data, "Customer address with customer_id: cus_atomic, already exists.");
  BOOST_CHECK(m.list({}, find_config{.with_deleted = true}).empty());
  BOOST_CHECK(m.list_addresses().empty());
  CUSTOMERDB_CHECK_ERROR(m.retrieve("cus_atomic"), error_code::not_found,
                         "Customer with id: cus_atomic was not found");
}

BOOST_FIXTURE_TEST_CASE(create_batch_with_bad_addresses_keeps_nothing, customer_fixture) {
  CUSTOMERDB_CHECK_ERROR(
      m.create(customer_list{{.first_name = "ok", .addresses = addresses{{.city = "Oslo"}}},
                         {.id = "cus_bad",
                          .addresses = addresses{{.is_default_billing = true},
                                                 {.is_default_billing = true}}}}),
      error_code::invalid_data, "Customer address with customer_id: cus_bad, already exists.");
  BOOST_CHECK(m.list().empty());
  BOOST_CHECK(m.list_addresses().empty());
}

BOOST_AUTO_TEST_SUITE_END()
