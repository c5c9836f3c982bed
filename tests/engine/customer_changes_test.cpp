// Customers changed: update, delete_customers, soft_delete and restore (docs/protocol.md,
// docs/medusa-compatibility.md; decisions D3, D5, D8, D10).
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <optional>
#include <string>

#include "support/customer_fixture.hpp"

namespace {

using namespace customerdb;
using namespace customerdb::testing;

}  // namespace

BOOST_AUTO_TEST_SUITE(customer_changes)

// ---- update ---------------------------------------------------------------------------------

BOOST_FIXTURE_TEST_CASE(update_by_id_changes_only_given_fields, customer_fixture) {
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

BOOST_FIXTURE_TEST_CASE(update_patch_null_clears_a_field, customer_fixture) {
  const auto id = m.create(dto{.first_name = "John", .phone = "123"}).id;
  const auto c = m.update(id, {.phone = customerdb::null});
  BOOST_CHECK_EQUAL(c.phone, std::optional<std::string>{});
  BOOST_CHECK_EQUAL(c.first_name, "John");
  BOOST_CHECK_EQUAL(m.retrieve(id).phone, std::optional<std::string>{});
}

BOOST_FIXTURE_TEST_CASE(update_has_account_null_is_invalid, customer_fixture) {
  const auto id = m.create(dto{.first_name = "John", .has_account = true}).id;
  CUSTOMERDB_CHECK_ERROR(m.update(id, {.first_name = "Jane", .has_account = customerdb::null}),
                         error_code::invalid_data,
                         "You must pass a non-null value to the property has_account of entity Customer.");
  const auto c = m.retrieve(id);
  BOOST_CHECK_EQUAL(c.has_account, true);
  BOOST_CHECK_EQUAL(c.first_name, "John");
}

BOOST_FIXTURE_TEST_CASE(update_has_account_value_is_stored, customer_fixture) {
  const auto id = m.create(dto{.email = "x@y.com"}).id;
  BOOST_CHECK_EQUAL(m.update(id, {.has_account = true}).has_account, true);
  BOOST_CHECK_EQUAL(m.retrieve(id).has_account, true);
}

BOOST_FIXTURE_TEST_CASE(update_by_ids_returns_rows_ordered_by_id, customer_fixture) {
  const auto ids = make(3);
  const auto rows = m.update(strs({ids[2], ids[0], ids[1], ids[0]}), {.last_name = "Same"});
  BOOST_TEST(ids_of(rows) == ids);
  for (const auto& r : rows) BOOST_CHECK_EQUAL(r.last_name, "Same");
}

BOOST_FIXTURE_TEST_CASE(update_single_missing_id_is_not_found, customer_fixture) {
  CUSTOMERDB_CHECK_ERROR(m.update("cus_missing", {.first_name = "x"}), error_code::not_found,
                         "Customer with id \"cus_missing\" not found");
}

BOOST_FIXTURE_TEST_CASE(update_by_ids_lists_missing_ids_and_changes_nothing, customer_fixture) {
  const auto id = m.create(dto{.first_name = "John"}).id;
  const auto before = m.retrieve(id);
  clock.advance(std::chrono::seconds(1));
  CUSTOMERDB_CHECK_ERROR(m.update(strs({"cus_zzz", id, "cus_aaa"}), {.first_name = "Jane"}),
                         error_code::not_found, "Customer with id \"cus_zzz, cus_aaa\" not found");
  const auto after = m.retrieve(id);
  BOOST_CHECK_EQUAL(after.first_name, "John");
  BOOST_CHECK_EQUAL(ms(after.updated_at), ms(before.updated_at));
}

BOOST_FIXTURE_TEST_CASE(update_soft_deleted_id_counts_as_missing, customer_fixture) {
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

BOOST_FIXTURE_TEST_CASE(update_by_many_ids_has_no_cap, customer_fixture) {
  const auto ids = make(20);
  const auto rows = m.update(ids, {.company_name = "Globex"});
  BOOST_CHECK_EQUAL(rows.size(), 20u);
  BOOST_CHECK_EQUAL(m.list(where("company_name") == "Globex", all()).size(), 20u);
}

BOOST_FIXTURE_TEST_CASE(update_by_selector_updates_every_match, customer_fixture) {
  const auto acme = make(20, "Acme");
  const auto other = make(2, "Other");
  const auto rows = m.update(where("company_name") == "Acme", {.company_name = "Globex"});
  BOOST_TEST(ids_of(rows) == acme);
  for (const auto& r : rows) BOOST_CHECK_EQUAL(r.company_name, "Globex");
  BOOST_CHECK_EQUAL(m.list(where("company_name") == "Globex", all()).size(), 20u);
  BOOST_TEST(ids_of(m.list(where("company_name") == "Other", all())) == other);
  BOOST_CHECK(m.list(where("company_name") == "Acme", all()).empty());
}

BOOST_FIXTURE_TEST_CASE(update_by_selector_skips_soft_deleted, customer_fixture) {
  const auto ids = make(3, "Acme");
  m.soft_delete(strs({ids[1]}));
  const auto rows = m.update(where("company_name") == "Acme", {.first_name = "x"});
  BOOST_TEST(ids_of(rows) == strs({ids[0], ids[2]}));
  BOOST_CHECK_EQUAL(m.retrieve(ids[1], find_config{.with_deleted = true}).first_name, "c1");
}

BOOST_FIXTURE_TEST_CASE(update_by_selector_without_match_returns_empty, customer_fixture) {
  make(2, "Acme");
  BOOST_CHECK(m.update(where("company_name") == "Nope", {.first_name = "x"}).empty());
  BOOST_CHECK_EQUAL(m.list(where("first_name") == "x").size(), 0u);
}

BOOST_FIXTURE_TEST_CASE(update_by_selector_with_search, customer_fixture) {
  const auto a = m.create(dto{.first_name = "Johnny"}).id;
  m.create(dto{.first_name = "Bob"});
  const auto rows = m.update(customerdb::search("JOHN"), {.last_name = "Found"});
  BOOST_TEST(ids_of(rows) == strs({a}));
}

BOOST_FIXTURE_TEST_CASE(update_by_selector_with_unknown_field_is_invalid, customer_fixture) {
  make(2);
  CUSTOMERDB_CHECK_ERROR(m.update(where("nickname") == "x", {.first_name = "y"}),
                         error_code::invalid_data, "Unknown field \"nickname\" for Customer");
  BOOST_CHECK(m.list(where("first_name") == "y").empty());
}

BOOST_FIXTURE_TEST_CASE(update_empty_ids_does_nothing, customer_fixture) {
  make(2);
  BOOST_CHECK(m.update(strings{}, {.first_name = "y"}).empty());
  BOOST_CHECK(m.list(where("first_name") == "y").empty());
}

BOOST_FIXTURE_TEST_CASE(update_metadata_deep_merges, customer_fixture) {
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

BOOST_FIXTURE_TEST_CASE(update_metadata_replaces_non_object_values, customer_fixture) {
  const auto id = m.create(dto{.metadata = metadata{{"k", "text"}, {"o", metadata{{"x", 1}}}}}).id;
  const auto c = m.update(id, {.metadata = metadata{{"k", metadata{{"deep", 1}}}, {"o", 5}}});
  check_metadata(c.metadata, metadata{{"k", metadata{{"deep", 1}}}, {"o", 5}});
}

BOOST_FIXTURE_TEST_CASE(update_sets_updated_at_only_when_something_changed, customer_fixture) {
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

BOOST_FIXTURE_TEST_CASE(delete_by_id_cascades_addresses_and_memberships, customer_fixture) {
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

BOOST_FIXTURE_TEST_CASE(delete_by_ids_ignores_unknown_ids, customer_fixture) {
  const auto ids = make(3);
  BOOST_CHECK_NO_THROW(m.delete_customers(strs({ids[0], "cus_unknown", ids[2]})));
  BOOST_TEST(ids_of(m.list()) == strs({ids[1]}));
  BOOST_CHECK_NO_THROW(m.delete_customers("cus_unknown"));
  BOOST_CHECK_NO_THROW(m.delete_customers(strings{}));
  BOOST_CHECK_EQUAL(m.list().size(), 1u);
}

BOOST_FIXTURE_TEST_CASE(delete_soft_deleted_customer_by_id_removes_it, customer_fixture) {
  const auto id = m.create(dto{.first_name = "x", .addresses = addresses{{.city = "A"}}}).id;
  m.soft_delete(strs({id}));
  m.delete_customers(id);
  BOOST_CHECK(m.list({}, find_config{.with_deleted = true}).empty());
  CUSTOMERDB_CHECK_ERROR(m.retrieve(id, find_config{.with_deleted = true}), error_code::not_found,
                         "Customer with id: " + id + " was not found");
  BOOST_CHECK(m.list_addresses().empty());
}

BOOST_FIXTURE_TEST_CASE(delete_by_selector_removes_every_match, customer_fixture) {
  const auto acme = make(20, "Acme");
  const auto other = make(2, "Other");
  m.add_addresses({.customer_id = acme[0], .city = "A"});
  m.delete_customers(where("company_name") == "Acme");
  BOOST_TEST(ids_of(m.list({}, all())) == other);
  BOOST_CHECK(m.list_addresses().empty());
}

BOOST_FIXTURE_TEST_CASE(delete_by_empty_selector_removes_every_live_customer, customer_fixture) {
  const auto ids = make(3);
  m.soft_delete(strs({ids[1]}));
  m.delete_customers(filter{});
  BOOST_CHECK(m.list().empty());
  BOOST_TEST(ids_of(m.list({}, find_config{.with_deleted = true})) == strs({ids[1]}));
}

// ---- soft_delete / restore -------------------------------------------------------------------

BOOST_FIXTURE_TEST_CASE(soft_delete_returns_changed_ids_and_sets_deleted_at, customer_fixture) {
  const auto ids = make(3);
  clock.advance(std::chrono::seconds(3));
  const auto r = m.soft_delete(strs({ids[0], ids[1]}));
  BOOST_CHECK_EQUAL(show(r), key_ids("customer_id", {ids[0], ids[1]}));
  const auto c = m.retrieve(ids[0], find_config{.with_deleted = true});
  BOOST_CHECK_EQUAL(ms(c.deleted_at), ms(clock.now()));
  BOOST_CHECK_EQUAL(ms(c.updated_at), ms(clock.now()));
  BOOST_TEST(ids_of(m.list()) == strs({ids[2]}));
}

BOOST_FIXTURE_TEST_CASE(soft_delete_and_restore_single_id, customer_fixture) {
  const auto id = m.create(create_customer_dto{}).id;
  BOOST_CHECK_EQUAL(show(m.soft_delete(id)), key_ids("customer_id", {id}));
  BOOST_CHECK(m.list().empty());
  BOOST_CHECK_EQUAL(show(m.soft_delete(id)), "{}");
  BOOST_CHECK_EQUAL(show(m.restore(id)), key_ids("customer_id", {id}));
  BOOST_TEST(ids_of(m.list()) == strs({id}));
  BOOST_CHECK_EQUAL(show(m.restore("cus_unknown")), "{}");
}

BOOST_FIXTURE_TEST_CASE(soft_delete_skips_unknown_and_already_deleted, customer_fixture) {
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

BOOST_FIXTURE_TEST_CASE(soft_delete_returns_empty_when_nothing_changed, customer_fixture) {
  const auto id = m.create(create_customer_dto{}).id;
  BOOST_CHECK_EQUAL(show(m.soft_delete(strings{})), "{}");
  BOOST_CHECK_EQUAL(show(m.soft_delete(strs({"cus_unknown"}))), "{}");
  m.soft_delete(strs({id}));
  BOOST_CHECK_EQUAL(show(m.soft_delete(strs({id}))), "{}");
}

BOOST_FIXTURE_TEST_CASE(soft_delete_return_linkable_keys_filters_the_result, customer_fixture) {
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

BOOST_FIXTURE_TEST_CASE(restore_returns_every_found_id_and_touches_live_ones, customer_fixture) {
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

BOOST_FIXTURE_TEST_CASE(restore_returns_empty_for_nothing, customer_fixture) {
  make(1);
  BOOST_CHECK_EQUAL(show(m.restore(strings{})), "{}");
  BOOST_CHECK_EQUAL(show(m.restore(strs({"cus_unknown"}))), "{}");
}

BOOST_FIXTURE_TEST_CASE(soft_deleted_customer_is_hidden_but_its_rows_remain, customer_fixture) {
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

BOOST_AUTO_TEST_SUITE_END()
