// Customers: retrieve, create, update, delete_customers, soft_delete/restore, list and
// list_and_count (docs/protocol.md, docs/medusa-compatibility.md; decisions D1, D3-D5,
// D8-D16).
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "customerdb/customerdb.hpp"
#include "support/check.hpp"
#include "support/helpers.hpp"

namespace {

using namespace customerdb;
using namespace customerdb::testing;

using strings = std::vector<std::string>;
using addresses = std::vector<create_customer_address_dto>;
using customer_list = std::vector<create_customer_dto>;
using dto = create_customer_dto;

struct fixture {
  manual_clock clock;
  customer_module m{module_options{.clock = clock.function()}};

  // Creates `n` customers (first_name "c<i>", company_name `company`), in creation order.
  strings make(int n, const std::optional<std::string>& company = std::nullopt) {
    strings out;
    for (int i = 0; i < n; ++i) {
      out.push_back(m.create(dto{.first_name = "c" + std::to_string(i), .company_name = company}).id);
    }
    return out;
  }

  find_config all() const { return find_config{.take = customerdb::null}; }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(customers)

// ---- retrieve ------------------------------------------------------------------------------

BOOST_FIXTURE_TEST_CASE(retrieve_returns_the_stored_customer, fixture) {
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

BOOST_FIXTURE_TEST_CASE(retrieve_unknown_id_is_not_found, fixture) {
  CUSTOMERDB_CHECK_ERROR(m.retrieve("cus_missing"), error_code::not_found,
                         "Customer with id: cus_missing was not found");
}

BOOST_FIXTURE_TEST_CASE(retrieve_without_id_must_be_defined, fixture) {
  CUSTOMERDB_CHECK_ERROR(m.retrieve(nullptr), error_code::not_found,
                         "customer - id must be defined");
  CUSTOMERDB_CHECK_ERROR(m.retrieve(std::nullopt), error_code::not_found,
                         "customer - id must be defined");
}

BOOST_FIXTURE_TEST_CASE(retrieve_empty_id_is_not_found_not_undefined, fixture) {
  m.create(dto{.first_name = "x"});
  CUSTOMERDB_CHECK_ERROR(m.retrieve(""), error_code::not_found, "Customer with id:  was not found");
}

BOOST_FIXTURE_TEST_CASE(retrieve_hides_soft_deleted_unless_with_deleted, fixture) {
  const auto id = m.create(dto{.first_name = "gone"}).id;
  clock.advance(std::chrono::seconds(5));
  m.soft_delete(strs({id}));
  CUSTOMERDB_CHECK_ERROR(m.retrieve(id), error_code::not_found,
                         "Customer with id: " + id + " was not found");
  const auto c = m.retrieve(id, find_config{.with_deleted = true});
  BOOST_CHECK_EQUAL(c.id, id);
  BOOST_CHECK_EQUAL(ms(c.deleted_at), ms(clock.now()));
}

BOOST_FIXTURE_TEST_CASE(retrieve_select_limits_the_fields, fixture) {
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

BOOST_FIXTURE_TEST_CASE(retrieve_select_id_still_loads_full_relations, fixture) {
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

BOOST_FIXTURE_TEST_CASE(retrieve_loads_groups_and_addresses_ordered_by_id, fixture) {
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

BOOST_FIXTURE_TEST_CASE(retrieve_unknown_relation_or_select_is_invalid, fixture) {
  const auto id = m.create(dto{.first_name = "John"}).id;
  CUSTOMERDB_CHECK_ERROR(m.retrieve(id, find_config{.relations = {"foo"}}), error_code::invalid_data,
                         "Unknown relation \"foo\" for Customer");
  CUSTOMERDB_CHECK_ERROR(m.retrieve(id, find_config{.select = {"foo"}}), error_code::invalid_data,
                         "Unknown field \"foo\" for Customer");
}

// ---- create --------------------------------------------------------------------------------

BOOST_FIXTURE_TEST_CASE(create_single_fills_defaults, fixture) {
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

BOOST_FIXTURE_TEST_CASE(create_keeps_has_account_and_fields, fixture) {
  const auto c = m.create(dto{.email = "reg@acme.com", .has_account = true, .created_by = "admin"});
  BOOST_CHECK_EQUAL(c.has_account, true);
  BOOST_CHECK_EQUAL(c.created_by, "admin");
  BOOST_CHECK_EQUAL(m.retrieve(c.id).has_account, true);
}

BOOST_FIXTURE_TEST_CASE(create_array_returns_input_order, fixture) {
  const auto rows = m.create(customer_list{{.first_name = "a"}, {.first_name = "b"}, {.first_name = "c"}});
  BOOST_REQUIRE_EQUAL(rows.size(), 3u);
  BOOST_CHECK_EQUAL(rows[0].first_name, "a");
  BOOST_CHECK_EQUAL(rows[1].first_name, "b");
  BOOST_CHECK_EQUAL(rows[2].first_name, "c");
  BOOST_TEST(ids_of(m.list()) == ids_of(rows));
}

BOOST_FIXTURE_TEST_CASE(create_empty_array_returns_empty, fixture) {
  BOOST_CHECK(m.create(customer_list{}).empty());
  BOOST_CHECK(m.list().empty());
}

BOOST_FIXTURE_TEST_CASE(create_keeps_caller_supplied_id, fixture) {
  const auto c = m.create(dto{.id = "cus_custom", .first_name = "x"});
  BOOST_CHECK_EQUAL(c.id, "cus_custom");
  BOOST_CHECK_EQUAL(m.retrieve("cus_custom").first_name, "x");
}

BOOST_FIXTURE_TEST_CASE(create_duplicate_id_is_invalid, fixture) {
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

BOOST_FIXTURE_TEST_CASE(generated_ids_are_ulids_increasing_in_creation_order, fixture) {
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

BOOST_FIXTURE_TEST_CASE(create_duplicate_email_is_invalid, fixture) {
  m.create(dto{.email = "john.doe@acmecorp.com"});
  CUSTOMERDB_CHECK_ERROR(m.create(dto{.email = "john.doe@acmecorp.com"}), error_code::invalid_data,
                         "Customer with email: john.doe@acmecorp.com, has_account: false, already exists.");
  m.create(dto{.email = "reg@acmecorp.com", .has_account = true});
  CUSTOMERDB_CHECK_ERROR(m.create(dto{.email = "reg@acmecorp.com", .has_account = true}),
                         error_code::invalid_data,
                         "Customer with email: reg@acmecorp.com, has_account: true, already exists.");
  BOOST_CHECK_EQUAL(m.list().size(), 2u);
}

BOOST_FIXTURE_TEST_CASE(create_duplicate_email_within_batch_keeps_nothing, fixture) {
  CUSTOMERDB_CHECK_ERROR(
      m.create(customer_list{{.email = "x@y.com"}, {.email = "other@y.com"}, {.email = "x@y.com"}}),
      error_code::invalid_data, "Customer with email: x@y.com, has_account: false, already exists.");
  BOOST_CHECK(m.list().empty());
}

BOOST_FIXTURE_TEST_CASE(guest_and_registered_may_share_email, fixture) {
  const auto guest = m.create(dto{.email = "same@y.com"});
  const auto registered = m.create(dto{.email = "same@y.com", .has_account = true});
  BOOST_CHECK_NE(guest.id, registered.id);
  BOOST_CHECK_EQUAL(m.list(where("email") == "same@y.com").size(), 2u);
}

BOOST_FIXTURE_TEST_CASE(null_emails_never_clash, fixture) {
  m.create(create_customer_dto{});
  m.create(create_customer_dto{});
  m.create(customer_list{{}, {}});
  BOOST_CHECK_EQUAL(m.list().size(), 4u);
}

BOOST_FIXTURE_TEST_CASE(email_uniqueness_is_case_sensitive, fixture) {
  m.create(dto{.email = "A@x.com"});
  BOOST_CHECK_NO_THROW(m.create(dto{.email = "a@x.com"}));
  BOOST_CHECK_EQUAL(m.list().size(), 2u);
}

BOOST_FIXTURE_TEST_CASE(soft_deleted_customers_do_not_hold_their_email, fixture) {
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

BOOST_FIXTURE_TEST_CASE(restore_batch_with_duplicate_restores_nothing, fixture) {
  const auto a = m.create(dto{.email = "a@y.com"}).id;
  const auto b = m.create(dto{.email = "b@y.com"}).id;
  m.soft_delete(strs({a, b}));
  m.create(dto{.email = "b@y.com"});
  CUSTOMERDB_CHECK_ERROR(m.restore(strs({a, b})), error_code::invalid_data,
                         "Customer with email: b@y.com, has_account: false, already exists.");
  BOOST_CHECK(m.retrieve(a, find_config{.with_deleted = true}).deleted_at);
  BOOST_CHECK(m.retrieve(b, find_config{.with_deleted = true}).deleted_at);
}

BOOST_FIXTURE_TEST_CASE(update_to_taken_email_is_invalid, fixture) {
  m.create(dto{.email = "taken@y.com"});
  const auto id = m.create(dto{.email = "free@y.com"}).id;
  CUSTOMERDB_CHECK_ERROR(m.update(id, {.email = "taken@y.com"}), error_code::invalid_data,
                         "Customer with email: taken@y.com, has_account: false, already exists.");
  BOOST_CHECK_EQUAL(m.retrieve(id).email, "free@y.com");
}

BOOST_FIXTURE_TEST_CASE(update_two_customers_to_one_email_changes_nothing, fixture) {
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

BOOST_FIXTURE_TEST_CASE(create_with_addresses_returns_them_in_input_order, fixture) {
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

BOOST_FIXTURE_TEST_CASE(create_addresses_key_controls_the_relation, fixture) {
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

BOOST_FIXTURE_TEST_CASE(create_with_two_default_shipping_addresses_keeps_nothing, fixture) {
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

BOOST_FIXTURE_TEST_CASE(create_batch_with_bad_addresses_keeps_nothing, fixture) {
  CUSTOMERDB_CHECK_ERROR(
      m.create(customer_list{{.first_name = "ok", .addresses = addresses{{.city = "Oslo"}}},
                         {.id = "cus_bad",
                          .addresses = addresses{{.is_default_billing = true},
                                                 {.is_default_billing = true}}}}),
      error_code::invalid_data, "Customer address with customer_id: cus_bad, already exists.");
  BOOST_CHECK(m.list().empty());
  BOOST_CHECK(m.list_addresses().empty());
}

// ---- update ---------------------------------------------------------------------------------

BOOST_FIXTURE_TEST_CASE(update_by_id_changes_only_given_fields, fixture) {
  const auto id = m.create(dto{.first_name = "John", .last_name = "Doe", .phone = "123"}).id;
  const auto c = m.update(id, {.first_name = "Jane"});
  BOOST_CHECK_EQUAL(c.id, id);
  BOOST_CHECK_EQUAL(c.first_name, "Jane");
  BOOST_CHECK_EQUAL(c.last_name, "Doe");
  BOOST_CHECK_EQUAL(c.phone, "123");
  const auto stored = m.retrieve(id);
  BOOST_CHECK_EQUAL(stored.first_name, "Jane");
  BOOST_CHECK_EQUAL(stored.last_name, "Doe");
}

BOOST_FIXTURE_TEST_CASE(update_patch_null_clears_a_field, fixture) {
  const auto id = m.create(dto{.first_name = "John", .phone = "123"}).id;
  const auto c = m.update(id, {.phone = customerdb::null});
  BOOST_CHECK_EQUAL(c.phone, std::optional<std::string>{});
  BOOST_CHECK_EQUAL(c.first_name, "John");
  BOOST_CHECK_EQUAL(m.retrieve(id).phone, std::optional<std::string>{});
}

BOOST_FIXTURE_TEST_CASE(update_has_account_null_is_invalid, fixture) {
  const auto id = m.create(dto{.first_name = "John", .has_account = true}).id;
  CUSTOMERDB_CHECK_ERROR(m.update(id, {.first_name = "Jane", .has_account = customerdb::null}),
                         error_code::invalid_data,
                         "You must pass a non-null value to the property has_account of entity Customer.");
  const auto c = m.retrieve(id);
  BOOST_CHECK_EQUAL(c.has_account, true);
  BOOST_CHECK_EQUAL(c.first_name, "John");
}

BOOST_FIXTURE_TEST_CASE(update_has_account_value_is_stored, fixture) {
  const auto id = m.create(dto{.email = "x@y.com"}).id;
  BOOST_CHECK_EQUAL(m.update(id, {.has_account = true}).has_account, true);
  BOOST_CHECK_EQUAL(m.retrieve(id).has_account, true);
}

BOOST_FIXTURE_TEST_CASE(update_by_ids_returns_rows_ordered_by_id, fixture) {
  const auto ids = make(3);
  const auto rows = m.update(strs({ids[2], ids[0], ids[1], ids[0]}), {.last_name = "Same"});
  BOOST_TEST(ids_of(rows) == ids);
  for (const auto& r : rows) BOOST_CHECK_EQUAL(r.last_name, "Same");
}

BOOST_FIXTURE_TEST_CASE(update_single_missing_id_is_not_found, fixture) {
  CUSTOMERDB_CHECK_ERROR(m.update("cus_missing", {.first_name = "x"}), error_code::not_found,
                         "Customer with id \"cus_missing\" not found");
}

BOOST_FIXTURE_TEST_CASE(update_by_ids_lists_missing_ids_and_changes_nothing, fixture) {
  const auto id = m.create(dto{.first_name = "John"}).id;
  const auto before = m.retrieve(id);
  clock.advance(std::chrono::seconds(1));
  CUSTOMERDB_CHECK_ERROR(m.update(strs({"cus_zzz", id, "cus_aaa"}), {.first_name = "Jane"}),
                         error_code::not_found, "Customer with id \"cus_zzz, cus_aaa\" not found");
  const auto after = m.retrieve(id);
  BOOST_CHECK_EQUAL(after.first_name, "John");
  BOOST_CHECK_EQUAL(ms(after.updated_at), ms(before.updated_at));
}

BOOST_FIXTURE_TEST_CASE(update_soft_deleted_id_counts_as_missing, fixture) {
  const auto live = m.create(dto{.first_name = "live"}).id;
  const auto gone = m.create(dto{.first_name = "gone"}).id;
  m.soft_delete(strs({gone}));
  CUSTOMERDB_CHECK_ERROR(m.update(gone, {.first_name = "x"}), error_code::not_found,
                         "Customer with id \"" + gone + "\" not found");
  CUSTOMERDB_CHECK_ERROR(m.update(strs({live, gone}), {.first_name = "x"}), error_code::not_found,
                         "Customer with id \"" + gone + "\" not found");
  BOOST_CHECK_EQUAL(m.retrieve(live).first_name, "live");
  BOOST_CHECK_EQUAL(m.retrieve(gone, find_config{.with_deleted = true}).first_name, "gone");
}

BOOST_FIXTURE_TEST_CASE(update_by_many_ids_has_no_cap, fixture) {
  const auto ids = make(20);
  const auto rows = m.update(ids, {.company_name = "Globex"});
  BOOST_CHECK_EQUAL(rows.size(), 20u);
  BOOST_CHECK_EQUAL(m.list(where("company_name") == "Globex", all()).size(), 20u);
}

BOOST_FIXTURE_TEST_CASE(update_by_selector_updates_every_match, fixture) {
  const auto acme = make(20, "Acme");
  const auto other = make(2, "Other");
  const auto rows = m.update(where("company_name") == "Acme", {.company_name = "Globex"});
  BOOST_TEST(ids_of(rows) == acme);
  for (const auto& r : rows) BOOST_CHECK_EQUAL(r.company_name, "Globex");
  BOOST_CHECK_EQUAL(m.list(where("company_name") == "Globex", all()).size(), 20u);
  BOOST_TEST(ids_of(m.list(where("company_name") == "Other", all())) == other);
  BOOST_CHECK(m.list(where("company_name") == "Acme", all()).empty());
}

BOOST_FIXTURE_TEST_CASE(update_by_selector_skips_soft_deleted, fixture) {
  const auto ids = make(3, "Acme");
  m.soft_delete(strs({ids[1]}));
  const auto rows = m.update(where("company_name") == "Acme", {.first_name = "x"});
  BOOST_TEST(ids_of(rows) == strs({ids[0], ids[2]}));
  BOOST_CHECK_EQUAL(m.retrieve(ids[1], find_config{.with_deleted = true}).first_name, "c1");
}

BOOST_FIXTURE_TEST_CASE(update_by_selector_without_match_returns_empty, fixture) {
  make(2, "Acme");
  BOOST_CHECK(m.update(where("company_name") == "Nope", {.first_name = "x"}).empty());
  BOOST_CHECK_EQUAL(m.list(where("first_name") == "x").size(), 0u);
}

BOOST_FIXTURE_TEST_CASE(update_by_selector_with_search, fixture) {
  const auto a = m.create(dto{.first_name = "Johnny"}).id;
  m.create(dto{.first_name = "Bob"});
  const auto rows = m.update(customerdb::search("JOHN"), {.last_name = "Found"});
  BOOST_TEST(ids_of(rows) == strs({a}));
}

BOOST_FIXTURE_TEST_CASE(update_by_selector_with_unknown_field_is_invalid, fixture) {
  make(2);
  CUSTOMERDB_CHECK_ERROR(m.update(where("nickname") == "x", {.first_name = "y"}),
                         error_code::invalid_data, "Unknown field \"nickname\" for Customer");
  BOOST_CHECK(m.list(where("first_name") == "y").empty());
}

BOOST_FIXTURE_TEST_CASE(update_empty_ids_does_nothing, fixture) {
  make(2);
  BOOST_CHECK(m.update(strings{}, {.first_name = "y"}).empty());
  BOOST_CHECK(m.list(where("first_name") == "y").empty());
}

BOOST_FIXTURE_TEST_CASE(update_metadata_deep_merges, fixture) {
  const auto id = m.create(dto{.metadata = metadata{{"a", 1}, {"nested", metadata{{"x", 1}, {"y", 2}}}}}).id;

  auto c = m.update(id, {.metadata = metadata{{"b", 2}}});
  check_metadata(c.metadata, metadata{{"a", 1}, {"b", 2}, {"nested", metadata{{"x", 1}, {"y", 2}}}});

  c = m.update(id, {.metadata = metadata{{"nested", metadata{{"y", 3}, {"z", 4}}}}});
  check_metadata(c.metadata,
                 metadata{{"a", 1}, {"b", 2}, {"nested", metadata{{"x", 1}, {"y", 3}, {"z", 4}}}});

  c = m.update(id, {.metadata = metadata{{"a", nullptr}}});
  check_metadata(c.metadata,
                 metadata{{"a", nullptr}, {"b", 2}, {"nested", metadata{{"x", 1}, {"y", 3}, {"z", 4}}}});
  check_metadata(m.retrieve(id).metadata,
                 metadata{{"a", nullptr}, {"b", 2}, {"nested", metadata{{"x", 1}, {"y", 3}, {"z", 4}}}});

  c = m.update(id, {.metadata = customerdb::null});
  BOOST_CHECK_MESSAGE(!c.metadata, "metadata " << json(c.metadata));
  BOOST_CHECK_MESSAGE(!m.retrieve(id).metadata, "stored metadata " << json(m.retrieve(id).metadata));

  // Stored null: the new object is stored as is.
  c = m.update(id, {.metadata = metadata{{"fresh", true}}});
  check_metadata(c.metadata, metadata{{"fresh", true}});
}

BOOST_FIXTURE_TEST_CASE(update_metadata_replaces_non_object_values, fixture) {
  const auto id = m.create(dto{.metadata = metadata{{"k", "text"}, {"o", metadata{{"x", 1}}}}}).id;
  const auto c = m.update(id, {.metadata = metadata{{"k", metadata{{"deep", 1}}}, {"o", 5}}});
  check_metadata(c.metadata, metadata{{"k", metadata{{"deep", 1}}}, {"o", 5}});
}

BOOST_FIXTURE_TEST_CASE(update_sets_updated_at_only_when_something_changed, fixture) {
  const auto created = m.create(dto{.first_name = "John"});
  const auto t0 = clock.now();

  clock.advance(std::chrono::seconds(10));
  auto c = m.update(created.id, {.first_name = "Jane"});
  const auto t1 = clock.now();
  BOOST_CHECK_EQUAL(ms(c.updated_at), ms(t1));
  BOOST_CHECK_EQUAL(ms(c.created_at), ms(t0));
  BOOST_CHECK_EQUAL(ms(m.retrieve(created.id).updated_at), ms(t1));

  clock.advance(std::chrono::seconds(10));
  c = m.update(created.id, {.first_name = "Jane"});  // same value
  BOOST_CHECK_EQUAL(ms(c.updated_at), ms(t1));
  c = m.update(created.id, customerdb::customer_updatable_fields{});  // nothing given
  BOOST_CHECK_EQUAL(ms(c.updated_at), ms(t1));
  BOOST_CHECK_EQUAL(c.first_name, "Jane");
  BOOST_CHECK_EQUAL(ms(m.retrieve(created.id).updated_at), ms(t1));
  BOOST_CHECK_EQUAL(ms(m.retrieve(created.id).created_at), ms(t0));
}

// ---- delete_customers -----------------------------------------------------------------------

BOOST_FIXTURE_TEST_CASE(delete_by_id_cascades_addresses_and_memberships, fixture) {
  const auto keep = m.create(dto{.first_name = "keep", .addresses = addresses{{.city = "Keep"}}}).id;
  const auto gone = m.create(dto{.first_name = "gone", .addresses = addresses{{.city = "A"}, {.city = "B"}}}).id;
  const auto g = m.create_customer_group({.name = "VIP"}).id;
  m.add_customer_to_group({.customer_id = gone, .customer_group_id = g});
  m.add_customer_to_group({.customer_id = keep, .customer_group_id = g});

  m.delete_customers(gone);

  BOOST_TEST(ids_of(m.list()) == strs({keep}));
  CUSTOMERDB_CHECK_ERROR(m.retrieve(gone, find_config{.with_deleted = true}), error_code::not_found,
                         "Customer with id: " + gone + " was not found");
  BOOST_CHECK(m.list_addresses(where("customer_id") == gone).empty());
  BOOST_CHECK_EQUAL(m.list_addresses().size(), 1u);
  BOOST_CHECK(m.list_customer_group_customers(where("customer_id") == gone).empty());
  BOOST_CHECK_EQUAL(m.list_customer_group_customers(where("customer_group_id") == g).size(), 1u);
  // The group itself stays.
  BOOST_CHECK_EQUAL(m.retrieve_customer_group(g).id, g);
}

BOOST_FIXTURE_TEST_CASE(delete_by_ids_ignores_unknown_ids, fixture) {
  const auto ids = make(3);
  BOOST_CHECK_NO_THROW(m.delete_customers(strs({ids[0], "cus_unknown", ids[2]})));
  BOOST_TEST(ids_of(m.list()) == strs({ids[1]}));
  BOOST_CHECK_NO_THROW(m.delete_customers("cus_unknown"));
  BOOST_CHECK_NO_THROW(m.delete_customers(strings{}));
  BOOST_CHECK_EQUAL(m.list().size(), 1u);
}

BOOST_FIXTURE_TEST_CASE(delete_soft_deleted_customer_by_id_removes_it, fixture) {
  const auto id = m.create(dto{.first_name = "x", .addresses = addresses{{.city = "A"}}}).id;
  m.soft_delete(strs({id}));
  m.delete_customers(id);
  BOOST_CHECK(m.list({}, find_config{.with_deleted = true}).empty());
  CUSTOMERDB_CHECK_ERROR(m.retrieve(id, find_config{.with_deleted = true}), error_code::not_found,
                         "Customer with id: " + id + " was not found");
  BOOST_CHECK(m.list_addresses().empty());
}

BOOST_FIXTURE_TEST_CASE(delete_by_selector_removes_every_match, fixture) {
  const auto acme = make(20, "Acme");
  const auto other = make(2, "Other");
  m.add_addresses({.customer_id = acme[0], .city = "A"});
  m.delete_customers(where("company_name") == "Acme");
  BOOST_TEST(ids_of(m.list({}, all())) == other);
  BOOST_CHECK(m.list_addresses().empty());
}

BOOST_FIXTURE_TEST_CASE(delete_by_empty_selector_removes_every_live_customer, fixture) {
  const auto ids = make(3);
  m.soft_delete(strs({ids[1]}));
  m.delete_customers(filter{});
  BOOST_CHECK(m.list().empty());
  BOOST_TEST(ids_of(m.list({}, find_config{.with_deleted = true})) == strs({ids[1]}));
}

// ---- soft_delete / restore -------------------------------------------------------------------

BOOST_FIXTURE_TEST_CASE(soft_delete_returns_changed_ids_and_sets_deleted_at, fixture) {
  const auto ids = make(3);
  clock.advance(std::chrono::seconds(3));
  const auto r = m.soft_delete(strs({ids[0], ids[1]}));
  BOOST_CHECK_EQUAL(show(r), key_ids("customer_id", {ids[0], ids[1]}));
  const auto c = m.retrieve(ids[0], find_config{.with_deleted = true});
  BOOST_CHECK_EQUAL(ms(c.deleted_at), ms(clock.now()));
  BOOST_CHECK_EQUAL(ms(c.updated_at), ms(clock.now()));
  BOOST_TEST(ids_of(m.list()) == strs({ids[2]}));
}

BOOST_FIXTURE_TEST_CASE(soft_delete_and_restore_single_id, fixture) {
  const auto id = m.create(create_customer_dto{}).id;
  BOOST_CHECK_EQUAL(show(m.soft_delete(id)), key_ids("customer_id", {id}));
  BOOST_CHECK(m.list().empty());
  BOOST_CHECK_EQUAL(show(m.soft_delete(id)), "{}");
  BOOST_CHECK_EQUAL(show(m.restore(id)), key_ids("customer_id", {id}));
  BOOST_TEST(ids_of(m.list()) == strs({id}));
  BOOST_CHECK_EQUAL(show(m.restore("cus_unknown")), "{}");
}

BOOST_FIXTURE_TEST_CASE(soft_delete_skips_unknown_and_already_deleted, fixture) {
  const auto ids = make(2);
  m.soft_delete(strs({ids[1]}));
  const auto first_deleted_at = clock.now();
  clock.advance(std::chrono::seconds(7));
  const auto r = m.soft_delete(strs({ids[0], "cus_unknown", ids[1]}));
  BOOST_CHECK_EQUAL(show(r), key_ids("customer_id", {ids[0]}));
  const auto untouched = m.retrieve(ids[1], find_config{.with_deleted = true});
  BOOST_CHECK_EQUAL(ms(untouched.deleted_at), ms(first_deleted_at));
  BOOST_CHECK_EQUAL(ms(untouched.updated_at), ms(first_deleted_at));
}

BOOST_FIXTURE_TEST_CASE(soft_delete_returns_empty_when_nothing_changed, fixture) {
  const auto id = m.create(create_customer_dto{}).id;
  BOOST_CHECK_EQUAL(show(m.soft_delete(strings{})), "{}");
  BOOST_CHECK_EQUAL(show(m.soft_delete(strs({"cus_unknown"}))), "{}");
  m.soft_delete(strs({id}));
  BOOST_CHECK_EQUAL(show(m.soft_delete(strs({id}))), "{}");
}

BOOST_FIXTURE_TEST_CASE(soft_delete_return_linkable_keys_filters_the_result, fixture) {
  const auto ids = make(2);
  const auto r = m.soft_delete(strs({ids[0]}), {.return_linkable_keys = strings{"customer_group_id"}});
  BOOST_CHECK_EQUAL(show(r), "{}");
  // The customer is soft-deleted all the same.
  BOOST_CHECK(m.retrieve(ids[0], find_config{.with_deleted = true}).deleted_at);
  const auto r2 = m.soft_delete(strs({ids[1]}), {.return_linkable_keys = strings{"customer_id"}});
  BOOST_CHECK_EQUAL(show(r2), key_ids("customer_id", {ids[1]}));
  const auto r3 = m.restore(ids, {.return_linkable_keys = strings{"customer_group_id"}});
  BOOST_CHECK_EQUAL(show(r3), "{}");
  BOOST_CHECK_EQUAL(m.list().size(), 2u);
}

BOOST_FIXTURE_TEST_CASE(restore_returns_every_found_id_and_touches_live_ones, fixture) {
  const auto ids = make(2);
  m.soft_delete(strs({ids[0]}));
  clock.advance(std::chrono::seconds(4));
  const auto r = m.restore(strs({ids[0], ids[1], "cus_unknown"}));
  BOOST_CHECK_EQUAL(show(r), key_ids("customer_id", {ids[0], ids[1]}));
  const auto restored = m.retrieve(ids[0]);
  BOOST_CHECK(!restored.deleted_at);
  BOOST_CHECK_EQUAL(ms(restored.updated_at), ms(clock.now()));
  const auto live = m.retrieve(ids[1]);
  BOOST_CHECK(!live.deleted_at);
  BOOST_CHECK_EQUAL(ms(live.updated_at), ms(clock.now()));
  BOOST_TEST(ids_of(m.list()) == ids);
}

BOOST_FIXTURE_TEST_CASE(restore_returns_empty_for_nothing, fixture) {
  make(1);
  BOOST_CHECK_EQUAL(show(m.restore(strings{})), "{}");
  BOOST_CHECK_EQUAL(show(m.restore(strs({"cus_unknown"}))), "{}");
}

BOOST_FIXTURE_TEST_CASE(soft_deleted_customer_is_hidden_but_its_rows_remain, fixture) {
  const auto live = m.create(dto{.first_name = "live"}).id;
  const auto gone = m.create(dto{.first_name = "gone", .addresses = addresses{{.city = "A"}}}).id;
  const auto g = m.create_customer_group({.name = "VIP"}).id;
  m.add_customer_to_group({.customer_id = live, .customer_group_id = g});
  m.add_customer_to_group({.customer_id = gone, .customer_group_id = g});
  m.soft_delete(strs({gone}));

  BOOST_TEST(ids_of(m.list()) == strs({live}));
  const auto [rows, count] = m.list_and_count();
  BOOST_TEST(ids_of(rows) == strs({live}));
  BOOST_CHECK_EQUAL(count, 1u);
  BOOST_TEST(ids_of(m.list({}, find_config{.with_deleted = true})) == strs({live, gone}));
  BOOST_TEST(ids_of(m.list(where("deleted_at") != nullptr)) == strs({gone}));
  CUSTOMERDB_CHECK_ERROR(m.retrieve(gone), error_code::not_found,
                         "Customer with id: " + gone + " was not found");

  const auto group = m.retrieve_customer_group(g, find_config{.relations = {"customers"}});
  BOOST_REQUIRE(group.customers);
  BOOST_TEST(ids_of(*group.customers) == strs({live}));
  const auto group_all = m.retrieve_customer_group(g, find_config{.relations = {"customers"}, .with_deleted = true});
  BOOST_REQUIRE(group_all.customers);
  BOOST_TEST(ids_of(*group_all.customers) == strs({live, gone}));

  BOOST_CHECK_EQUAL(m.list_addresses(where("customer_id") == gone).size(), 1u);
  BOOST_CHECK_EQUAL(m.list_customer_group_customers(where("customer_id") == gone).size(), 1u);
}

// ---- list: paging --------------------------------------------------------------------------

BOOST_FIXTURE_TEST_CASE(list_takes_15_by_default_in_id_order, fixture) {
  const auto ids = make(20);
  const auto rows = m.list();
  BOOST_TEST(ids_of(rows) == strings(ids.begin(), ids.begin() + 15));
  const auto [page, count] = m.list_and_count();
  BOOST_CHECK_EQUAL(page.size(), 15u);
  BOOST_CHECK_EQUAL(count, 20u);
}

BOOST_FIXTURE_TEST_CASE(list_top_level_id_filter_has_no_limit, fixture) {
  const auto ids = make(22);
  const strings wanted(ids.begin(), ids.begin() + 20);
  BOOST_TEST(ids_of(m.list(where("id").in(values_of(wanted)))) == wanted);
  // An id condition inside $or does not lift the default limit.
  BOOST_CHECK_EQUAL(m.list(filter::any_of({where("id").in(values_of(wanted))})).size(), 15u);
}

BOOST_FIXTURE_TEST_CASE(list_take_null_has_no_limit, fixture) {
  const auto ids = make(20);
  BOOST_TEST(ids_of(m.list({}, all())) == ids);
}

BOOST_FIXTURE_TEST_CASE(list_take_zero_returns_nothing_but_full_count, fixture) {
  make(20);
  BOOST_CHECK(m.list({}, find_config{.take = 0}).empty());
  const auto [rows, count] = m.list_and_count({}, find_config{.take = 0});
  BOOST_CHECK(rows.empty());
  BOOST_CHECK_EQUAL(count, 20u);
}

BOOST_FIXTURE_TEST_CASE(list_skip_and_take, fixture) {
  const auto ids = make(10);
  BOOST_TEST(ids_of(m.list({}, find_config{.skip = 5, .take = 3})) == strs({ids[5], ids[6], ids[7]}));
  BOOST_TEST(ids_of(m.list({}, find_config{.skip = 8})) == strs({ids[8], ids[9]}));
  BOOST_CHECK(m.list({}, find_config{.skip = 10}).empty());
  const auto [rows, count] = m.list_and_count({}, find_config{.skip = 9, .take = 5});
  BOOST_TEST(ids_of(rows) == strs({ids[9]}));
  BOOST_CHECK_EQUAL(count, 10u);
}

BOOST_FIXTURE_TEST_CASE(list_negative_skip_or_take_is_invalid, fixture) {
  make(2);
  CUSTOMERDB_CHECK_ERROR(m.list({}, find_config{.skip = -1}), error_code::invalid_data,
                         "Invalid value for skip: -1");
  CUSTOMERDB_CHECK_ERROR(m.list({}, find_config{.take = -1}), error_code::invalid_data,
                         "Invalid value for take: -1");
  CUSTOMERDB_CHECK_ERROR(m.list_and_count({}, find_config{.take = -1}), error_code::invalid_data,
                         "Invalid value for take: -1");
}

// ---- list: order ---------------------------------------------------------------------------

BOOST_FIXTURE_TEST_CASE(list_order_puts_nulls_last_asc_first_desc, fixture) {
  const auto b = m.create(dto{.first_name = "b"}).id;
  const auto n = m.create(create_customer_dto{}).id;
  const auto a = m.create(dto{.first_name = "a"}).id;
  const auto c = m.create(dto{.first_name = "c"}).id;
  BOOST_TEST(ids_of(m.list({}, find_config{.order = {{"first_name", sort_direction::asc}}})) == strs({a, b, c, n}));
  BOOST_TEST(ids_of(m.list({}, find_config{.order = {{"first_name", sort_direction::desc}}})) == strs({n, c, b, a}));
  BOOST_TEST(ids_of(m.list({}, find_config{.order = {{"id", sort_direction::desc}}})) == strs({c, a, n, b}));
}

BOOST_FIXTURE_TEST_CASE(list_order_by_several_keys, fixture) {
  const auto x1 = m.create(dto{.first_name = "2", .company_name = "X"}).id;
  const auto y1 = m.create(dto{.first_name = "1", .company_name = "Y"}).id;
  const auto x2 = m.create(dto{.first_name = "1", .company_name = "X"}).id;
  BOOST_TEST(ids_of(m.list({}, find_config{.order = {{"company_name", sort_direction::desc},
                                          {"first_name", sort_direction::asc}}})) ==
             strs({y1, x2, x1}));
}

BOOST_FIXTURE_TEST_CASE(list_order_unknown_field_is_invalid, fixture) {
  CUSTOMERDB_CHECK_ERROR(m.list({}, find_config{.order = {{"foo", sort_direction::asc}}}), error_code::invalid_data,
                         "Unknown field \"foo\" for Customer");
}

// ---- list: validation ------------------------------------------------------------------------

BOOST_FIXTURE_TEST_CASE(list_unknown_names_are_invalid, fixture) {
  make(1);
  CUSTOMERDB_CHECK_ERROR(m.list(where("nickname") == "x"), error_code::invalid_data,
                         "Unknown field \"nickname\" for Customer");
  CUSTOMERDB_CHECK_ERROR(m.list_and_count(where("nickname") == "x"), error_code::invalid_data,
                         "Unknown field \"nickname\" for Customer");
  CUSTOMERDB_CHECK_ERROR(m.list({}, find_config{.relations = {"foo"}}), error_code::invalid_data,
                         "Unknown relation \"foo\" for Customer");
  CUSTOMERDB_CHECK_ERROR(m.list({}, find_config{.select = {"foo"}}), error_code::invalid_data,
                         "Unknown field \"foo\" for Customer");
}

BOOST_FIXTURE_TEST_CASE(list_select_limits_fields, fixture) {
  m.create(dto{.email = "j@x.com", .first_name = "John"});
  const auto rows = m.list({}, find_config{.select = {"first_name"}});
  BOOST_REQUIRE_EQUAL(rows.size(), 1u);
  BOOST_CHECK(rows[0].has_field("first_name"));
  BOOST_CHECK(!rows[0].has_field("email"));
  BOOST_CHECK_EQUAL(rows[0].first_name, "John");
  BOOST_CHECK_EQUAL(rows[0].email, std::optional<std::string>{});
}

// ---- list: derived default address ids (D9) ------------------------------------------------

BOOST_FIXTURE_TEST_CASE(default_address_ids_are_derived_and_filterable, fixture) {
  const auto with = m.create(dto{.first_name = "with",
                              .addresses = addresses{{.address_name = "bill", .is_default_billing = true},
                                                     {.address_name = "ship", .is_default_shipping = true},
                                                     {.address_name = "other"}}});
  const auto without = m.create(dto{.first_name = "without", .addresses = addresses{{.address_name = "plain"}}});
  const auto bill = with.addresses->at(0).id;
  const auto ship = with.addresses->at(1).id;

  const auto c = m.retrieve(with.id);
  BOOST_CHECK_EQUAL(c.default_billing_address_id, bill);
  BOOST_CHECK_EQUAL(c.default_shipping_address_id, ship);
  const auto w = m.retrieve(without.id);
  BOOST_CHECK_EQUAL(w.default_billing_address_id, std::optional<std::string>{});
  BOOST_CHECK_EQUAL(w.default_shipping_address_id, std::optional<std::string>{});

  BOOST_TEST(ids_of(m.list(where("default_billing_address_id") == bill)) == strs({with.id}));
  BOOST_TEST(ids_of(m.list(where("default_shipping_address_id") == ship)) == strs({with.id}));
  BOOST_CHECK(m.list(where("default_shipping_address_id") == bill).empty());
  BOOST_TEST(ids_of(m.list(where("default_billing_address_id") == nullptr)) == strs({without.id}));
  BOOST_TEST(ids_of(m.list(where("default_shipping_address_id").is_null())) == strs({without.id}));
  BOOST_TEST(ids_of(m.list(where("default_billing_address_id").in({bill, "cuaddr_nope"}))) ==
             strs({with.id}));

  // Clearing the flag clears the derived id.
  m.update_addresses(ship, {.is_default_shipping = false});
  BOOST_CHECK_EQUAL(m.retrieve(with.id).default_shipping_address_id, std::optional<std::string>{});
  BOOST_TEST(ids_of(m.list(where("default_shipping_address_id") == nullptr)) == strs({with.id, without.id}));
}

// ---- list: filters ---------------------------------------------------------------------------

BOOST_FIXTURE_TEST_CASE(list_filters_by_group_membership, fixture) {
  const auto a = m.create(dto{.first_name = "a"}).id;
  const auto b = m.create(dto{.first_name = "b"}).id;
  const auto c = m.create(dto{.first_name = "c"}).id;
  const auto vip = m.create_customer_group({.name = "VIP"}).id;
  const auto gold = m.create_customer_group({.name = "Gold"}).id;
  m.add_customer_to_group({.customer_id = a, .customer_group_id = vip});
  m.add_customer_to_group({.customer_id = a, .customer_group_id = gold});
  m.add_customer_to_group({.customer_id = c, .customer_group_id = gold});

  BOOST_TEST(ids_of(m.list(where("groups") == vip)) == strs({a}));
  BOOST_TEST(ids_of(m.list(where("groups") == gold)) == strs({a, c}));
  BOOST_TEST(ids_of(m.list(where("groups").in({vip, gold}))) == strs({a, c}));
  BOOST_TEST(ids_of(m.list(where("groups").matches(where("name") == "VIP"))) == strs({a}));
  // An empty sub-filter is no condition, as a left join with no condition (decision D28).
  BOOST_TEST(ids_of(m.list(where("groups").matches(filter{}))) == strs({a, b, c}));
  BOOST_CHECK(m.list(where("groups") == "cusgroup_nope").empty());
  (void)b;
}

BOOST_FIXTURE_TEST_CASE(list_and_or_filters, fixture) {
  const auto a = m.create(dto{.first_name = "John", .company_name = "Acme"}).id;
  const auto b = m.create(dto{.first_name = "Jane", .company_name = "Acme"}).id;
  const auto c = m.create(dto{.first_name = "John", .company_name = "Globex"}).id;
  m.create(dto{.first_name = "Bob", .company_name = "Initech"});

  BOOST_TEST(ids_of(m.list(where("company_name") == "Acme" && where("first_name") == "John")) == strs({a}));
  BOOST_TEST(ids_of(m.list(filter::all_of({where("company_name") == "Acme", where("first_name") == "Jane"}))) ==
             strs({b}));
  BOOST_TEST(ids_of(m.list(where("company_name") == "Globex" || where("first_name") == "Jane")) ==
             strs({b, c}));
  BOOST_TEST(ids_of(m.list(filter::any_of({where("first_name") == "John"}) &&
                           filter::any_of({where("company_name") == "Globex",
                                           where("company_name") == "Initech"}))) == strs({c}));
  BOOST_TEST(ids_of(m.list(where("company_name").in({"Acme", "Globex"}) && !(where("first_name") == "Jane"))) ==
             strs({a, c}));
}

BOOST_FIXTURE_TEST_CASE(list_null_equality_and_three_valued_logic, fixture) {
  const auto with = m.create(dto{.email = "a@x.com", .first_name = "John"}).id;
  const auto without = m.create(dto{.first_name = "Jane"}).id;
  const auto no_name = m.create(dto{.email = "b@x.com"}).id;

  BOOST_TEST(ids_of(m.list(where("email") == nullptr)) == strs({without}));
  BOOST_TEST(ids_of(m.list(where("email").is_null())) == strs({without}));
  BOOST_TEST(ids_of(m.list(where("email") != nullptr)) == strs({with, no_name}));
  // $ne on a NULL column does not match the NULL row.
  BOOST_TEST(ids_of(m.list(where("first_name") != "John")) == strs({without}));
  BOOST_TEST(ids_of(m.list(where("has_account") == false)) == strs({with, without, no_name}));
  BOOST_CHECK(m.list(where("has_account") == true).empty());
}

BOOST_FIXTURE_TEST_CASE(list_equality_is_case_sensitive, fixture) {
  const auto id = m.create(dto{.email = "A@x.com"}).id;
  BOOST_CHECK(m.list(where("email") == "a@x.com").empty());
  BOOST_TEST(ids_of(m.list(where("email") == "A@x.com")) == strs({id}));
}

BOOST_FIXTURE_TEST_CASE(search_is_case_insensitive_over_searchable_fields, fixture) {
  const auto by_first = m.create(dto{.first_name = "Johnny"}).id;
  const auto by_email = m.create(dto{.email = "big.JOHN@x.com"}).id;
  const auto by_company = m.create(dto{.company_name = "Johnson & Co"}).id;
  const auto by_last = m.create(dto{.last_name = "Littlejohn"}).id;
  const auto by_phone = m.create(dto{.first_name = "Phone", .phone = "+45 9876"}).id;
  m.create(dto{.first_name = "Bob", .metadata = metadata{{"name", "john"}}, .created_by = "john"});

  BOOST_TEST(ids_of(m.list(customerdb::search("john"))) == strs({by_first, by_email, by_company, by_last}));
  BOOST_TEST(ids_of(m.list(customerdb::search("JOHN"))) == strs({by_first, by_email, by_company, by_last}));
  BOOST_TEST(ids_of(m.list(customerdb::search("987"))) == strs({by_phone}));
  const auto [rows, count] = m.list_and_count(customerdb::search("john") && where("last_name") != nullptr);
  BOOST_TEST(ids_of(rows) == strs({by_last}));
  BOOST_CHECK_EQUAL(count, 1u);
  BOOST_CHECK_EQUAL(m.list(customerdb::search("")).size(), 6u);
  BOOST_CHECK(m.list(customerdb::search("nobody")).empty());
}

BOOST_FIXTURE_TEST_CASE(search_treats_percent_and_underscore_literally, fixture) {
  const auto pct = m.create(dto{.company_name = "100% cotton"}).id;
  m.create(dto{.company_name = "1000 cotton"});
  const auto under = m.create(dto{.first_name = "a_b"}).id;
  m.create(dto{.first_name = "axb"});
  BOOST_TEST(ids_of(m.list(customerdb::search("0%"))) == strs({pct}));
  BOOST_TEST(ids_of(m.list(customerdb::search("A_B"))) == strs({under}));
  BOOST_CHECK(m.list(customerdb::search("%")).size() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
