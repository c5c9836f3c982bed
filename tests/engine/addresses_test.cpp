// The address methods of customer_module that write: add_addresses, update_addresses and
// delete_addresses, the one-default-per-customer rule (one of each kind) and unknown references
// (D7).
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <string>
#include <vector>

#include "support/address_fixture.hpp"

namespace {

using namespace customerdb;
using namespace customerdb::testing;

}  // namespace

BOOST_AUTO_TEST_SUITE(addresses)

// ---- add_addresses -----------------------------------------------------------------------

BOOST_FIXTURE_TEST_CASE(add_single_returns_dto_with_defaults, address_fixture) {
  const auto c = make_customer("a@x.com");
  clock.advance(std::chrono::seconds{5});
  const auto a = m.add_addresses({.customer_id = c.id, .address_1 = "Main Street 1"});

  BOOST_CHECK_EQUAL(a.id.substr(0, 7), "cuaddr_");
  BOOST_CHECK_EQUAL(a.id.size(), 7u + 26u);
  BOOST_CHECK_EQUAL(a.customer_id, c.id);
  BOOST_CHECK_EQUAL(show(a.address_1), "Main Street 1");
  BOOST_CHECK_EQUAL(a.is_default_shipping, false);
  BOOST_CHECK_EQUAL(a.is_default_billing, false);
  BOOST_CHECK_EQUAL(show(a.address_name), "<null>");
  BOOST_CHECK_EQUAL(show(a.company), "<null>");
  BOOST_CHECK_EQUAL(show(a.first_name), "<null>");
  BOOST_CHECK_EQUAL(show(a.last_name), "<null>");
  BOOST_CHECK_EQUAL(show(a.address_2), "<null>");
  BOOST_CHECK_EQUAL(show(a.city), "<null>");
  BOOST_CHECK_EQUAL(show(a.country_code), "<null>");
  BOOST_CHECK_EQUAL(show(a.province), "<null>");
  BOOST_CHECK_EQUAL(show(a.postal_code), "<null>");
  BOOST_CHECK_EQUAL(show(a.phone), "<null>");
  BOOST_CHECK_EQUAL(json(a.metadata), "<null>");
  BOOST_CHECK_EQUAL(ms(a.created_at), ms(clock.now()));
  BOOST_CHECK_EQUAL(ms(a.updated_at), ms(clock.now()));
  BOOST_CHECK(!a.customer);  // relation not asked for

  const auto listed = m.list_addresses();
  BOOST_REQUIRE_EQUAL(listed.size(), 1u);
  BOOST_CHECK_EQUAL(listed[0].id, a.id);
  BOOST_CHECK_EQUAL(show(listed[0].address_1), "Main Street 1");
}

BOOST_FIXTURE_TEST_CASE(add_keeps_every_given_field, address_fixture) {
  const auto c = make_customer("a@x.com");
  const auto a = m.add_addresses({.customer_id = c.id,
                                  .address_name = "Home",
                                  .is_default_shipping = true,
                                  .is_default_billing = true,
                                  .company = "Acme",
                                  .first_name = "John",
                                  .last_name = "Doe",
                                  .address_1 = "Main Street 1",
                                  .address_2 = "2nd floor",
                                  .city = "Copenhagen",
                                  .country_code = "DK",
                                  .province = "Hovedstaden",
                                  .postal_code = "2100",
                                  .phone = "+4512345678",
                                  .metadata = metadata{{"a", 1}}});
  const auto listed = m.list_addresses(where("id") == a.id);
  BOOST_REQUIRE_EQUAL(listed.size(), 1u);
  const auto& r = listed[0];
  BOOST_CHECK_EQUAL(show(r.address_name), "Home");
  BOOST_CHECK_EQUAL(r.is_default_shipping, true);
  BOOST_CHECK_EQUAL(r.is_default_billing, true);
  BOOST_CHECK_EQUAL(show(r.company), "Acme");
  BOOST_CHECK_EQUAL(show(r.first_name), "John");
  BOOST_CHECK_EQUAL(show(r.last_name), "Doe");
  BOOST_CHECK_EQUAL(show(r.address_1), "Main Street 1");
  BOOST_CHECK_EQUAL(show(r.address_2), "2nd floor");
  BOOST_CHECK_EQUAL(show(r.city), "Copenhagen");
  BOOST_CHECK_EQUAL(show(r.country_code), "DK");
  BOOST_CHECK_EQUAL(show(r.province), "Hovedstaden");
  BOOST_CHECK_EQUAL(show(r.postal_code), "2100");
  BOOST_CHECK_EQUAL(show(r.phone), "+4512345678");
  BOOST_CHECK_EQUAL(json(r.metadata), R"({"a":1})");
}

BOOST_FIXTURE_TEST_CASE(add_array_returns_input_order, address_fixture) {
  const auto c = make_customer("a@x.com");
  const auto d = make_customer("d@x.com");
  const auto out = m.add_addresses(std::vector<addr_in>{
      {.customer_id = c.id, .address_name = "third"},
      {.customer_id = d.id, .address_name = "first"},
      {.customer_id = c.id, .address_name = "second"},
  });
  BOOST_REQUIRE_EQUAL(out.size(), 3u);
  BOOST_CHECK_EQUAL(show(out[0].address_name), "third");
  BOOST_CHECK_EQUAL(out[0].customer_id, c.id);
  BOOST_CHECK_EQUAL(show(out[1].address_name), "first");
  BOOST_CHECK_EQUAL(out[1].customer_id, d.id);
  BOOST_CHECK_EQUAL(show(out[2].address_name), "second");
  BOOST_CHECK_EQUAL(out[2].customer_id, c.id);
  for (const auto& a : out) BOOST_CHECK_EQUAL(a.id.substr(0, 7), "cuaddr_");
  BOOST_CHECK(out[0].id != out[1].id && out[1].id != out[2].id && out[0].id != out[2].id);

  BOOST_CHECK_EQUAL(join(sorted(ids_of(m.list_addresses()))), join(sorted(ids_of(out))));
  BOOST_CHECK_EQUAL(m.list_addresses(where("customer_id") == c.id).size(), 2u);
}

BOOST_FIXTURE_TEST_CASE(add_empty_array_does_nothing, address_fixture) {
  make_customer("a@x.com");
  const auto out = m.add_addresses(std::vector<addr_in>{});
  BOOST_CHECK(out.empty());
  BOOST_CHECK_EQUAL(m.list_and_count_addresses().second, 0u);
}

BOOST_FIXTURE_TEST_CASE(add_keeps_caller_id, address_fixture) {
  const auto c = make_customer("a@x.com");
  const auto a = m.add_addresses({.id = "cuaddr_mine", .customer_id = c.id, .city = "Oslo"});
  BOOST_CHECK_EQUAL(a.id, "cuaddr_mine");
  const auto listed = m.list_addresses(where("id") == "cuaddr_mine");
  BOOST_REQUIRE_EQUAL(listed.size(), 1u);
  BOOST_CHECK_EQUAL(show(listed[0].city), "Oslo");
}

BOOST_FIXTURE_TEST_CASE(add_without_customer_id_fails, address_fixture) {
  const auto c = make_customer("a@x.com");
  CUSTOMERDB_CHECK_ERROR(m.add_addresses({.address_1 = "Nowhere"}), error_code::invalid_data,
                         "Value for Address.customer_id is required, 'undefined' found");
  // In a batch, the valid entry is not kept either.
  CUSTOMERDB_CHECK_ERROR(
      m.add_addresses(std::vector<addr_in>{{.customer_id = c.id, .address_1 = "Valid"},
                                           {.address_1 = "Nowhere"}}),
      error_code::invalid_data, "Value for Address.customer_id is required, 'undefined' found");
  BOOST_CHECK_EQUAL(m.list_and_count_addresses().second, 0u);
}

BOOST_FIXTURE_TEST_CASE(add_for_unknown_customer_fails_and_writes_nothing, address_fixture) {
  const auto c = make_customer("a@x.com");
  CUSTOMERDB_CHECK_ERROR(m.add_addresses({.customer_id = "cus_nope"}), error_code::not_found,
                         fk_message("cus_nope"));
  CUSTOMERDB_CHECK_ERROR(
      m.add_addresses(std::vector<addr_in>{
          {.customer_id = c.id, .is_default_shipping = true, .address_1 = "Valid"},
          {.customer_id = "cus_nope", .address_1 = "Bad"}}),
      error_code::not_found, fk_message("cus_nope"));
  BOOST_CHECK_EQUAL(m.list_and_count_addresses().second, 0u);
  BOOST_CHECK_EQUAL(default_shipping_of(c.id), "<null>");
}

BOOST_FIXTURE_TEST_CASE(soft_deleted_customer_still_accepts_addresses, address_fixture) {
  const auto c = make_customer("a@x.com");
  m.soft_delete(std::vector<std::string>{c.id});
  const auto a = m.add_addresses({.customer_id = c.id, .city = "Berlin"});
  BOOST_CHECK_EQUAL(a.customer_id, c.id);
  const auto listed = m.list_addresses(where("customer_id") == c.id);
  BOOST_REQUIRE_EQUAL(listed.size(), 1u);
  BOOST_CHECK_EQUAL(listed[0].id, a.id);
}

// ---- one default shipping / billing per customer ------------------------------------------

BOOST_FIXTURE_TEST_CASE(second_default_shipping_against_existing_fails, address_fixture) {
  const auto c = make_customer("a@x.com");
  const auto first = m.add_addresses({.customer_id = c.id, .is_default_shipping = true});
  CUSTOMERDB_CHECK_ERROR(m.add_addresses({.customer_id = c.id, .is_default_shipping = true}),
                         error_code::invalid_data, unique_message(c.id));
  const auto all = m.list_addresses(where("customer_id") == c.id);
  BOOST_REQUIRE_EQUAL(all.size(), 1u);
  BOOST_CHECK_EQUAL(all[0].id, first.id);
  BOOST_CHECK_EQUAL(default_shipping_of(c.id), first.id);
}

BOOST_FIXTURE_TEST_CASE(second_default_billing_against_existing_fails, address_fixture) {
  const auto c = make_customer("a@x.com");
  const auto first = m.add_addresses({.customer_id = c.id, .is_default_billing = true});
  CUSTOMERDB_CHECK_ERROR(m.add_addresses({.customer_id = c.id, .is_default_billing = true}),
                         error_code::invalid_data, unique_message(c.id));
  const auto all = m.list_addresses(where("customer_id") == c.id);
  BOOST_REQUIRE_EQUAL(all.size(), 1u);
  BOOST_CHECK_EQUAL(all[0].id, first.id);
  BOOST_CHECK_EQUAL(default_billing_of(c.id), first.id);
}

BOOST_FIXTURE_TEST_CASE(second_default_within_one_batch_keeps_whole_batch_out, address_fixture) {
  const auto c = make_customer("a@x.com");
  const auto d = make_customer("d@x.com");
  CUSTOMERDB_CHECK_ERROR(
      m.add_addresses(std::vector<addr_in>{
          {.customer_id = d.id, .is_default_shipping = true, .address_1 = "other customer"},
          {.customer_id = c.id, .is_default_shipping = true, .address_1 = "one"},
          {.customer_id = c.id, .address_1 = "plain"},
          {.customer_id = c.id, .is_default_shipping = true, .address_1 = "two"}}),
      error_code::invalid_data, unique_message(c.id));
  BOOST_CHECK_EQUAL(m.list_and_count_addresses().second, 0u);
  BOOST_CHECK_EQUAL(default_shipping_of(d.id), "<null>");

  CUSTOMERDB_CHECK_ERROR(
      m.add_addresses(std::vector<addr_in>{{.customer_id = c.id, .is_default_billing = true},
                                           {.customer_id = c.id, .is_default_billing = true}}),
      error_code::invalid_data, unique_message(c.id));
  BOOST_CHECK_EQUAL(m.list_and_count_addresses().second, 0u);
}

BOOST_FIXTURE_TEST_CASE(defaults_are_per_customer_and_per_kind, address_fixture) {
  const auto c = make_customer("a@x.com");
  const auto d = make_customer("d@x.com");
  const auto out = m.add_addresses(std::vector<addr_in>{
      {.customer_id = c.id, .is_default_shipping = true},
      {.customer_id = c.id, .is_default_billing = true},
      {.customer_id = d.id, .is_default_shipping = true, .is_default_billing = true}});
  BOOST_REQUIRE_EQUAL(out.size(), 3u);
  BOOST_CHECK_EQUAL(default_shipping_of(c.id), out[0].id);
  BOOST_CHECK_EQUAL(default_billing_of(c.id), out[1].id);
  BOOST_CHECK_EQUAL(default_shipping_of(d.id), out[2].id);
  BOOST_CHECK_EQUAL(default_billing_of(d.id), out[2].id);
}

BOOST_FIXTURE_TEST_CASE(false_flags_are_unlimited, address_fixture) {
  const auto c = make_customer("a@x.com");
  std::vector<addr_in> in;
  for (int i = 0; i < 5; ++i) in.push_back({.customer_id = c.id});
  BOOST_CHECK_EQUAL(m.add_addresses(in).size(), 5u);
  BOOST_CHECK_EQUAL(m.add_addresses(in).size(), 5u);
  BOOST_CHECK_EQUAL(m.list_and_count_addresses(where("customer_id") == c.id).second, 10u);
  BOOST_CHECK_EQUAL(default_shipping_of(c.id), "<null>");
  BOOST_CHECK_EQUAL(default_billing_of(c.id), "<null>");
}

BOOST_FIXTURE_TEST_CASE(resetting_existing_default_to_true_is_fine, address_fixture) {
  const auto c = make_customer("a@x.com");
  const auto a = m.add_addresses(
      {.customer_id = c.id, .is_default_shipping = true, .is_default_billing = true});
  const auto u = m.update_addresses(a.id, {.is_default_shipping = true, .is_default_billing = true});
  BOOST_CHECK_EQUAL(u.id, a.id);
  BOOST_CHECK_EQUAL(u.is_default_shipping, true);
  BOOST_CHECK_EQUAL(u.is_default_billing, true);
  BOOST_CHECK_EQUAL(default_shipping_of(c.id), a.id);
}

BOOST_FIXTURE_TEST_CASE(update_making_second_default_fails, address_fixture) {
  const auto c = make_customer("a@x.com");
  const auto a1 = m.add_addresses({.customer_id = c.id, .is_default_shipping = true});
  const auto a2 = m.add_addresses({.customer_id = c.id, .city = "Old"});
  CUSTOMERDB_CHECK_ERROR(m.update_addresses(a2.id, {.is_default_shipping = true, .city = "New"}),
                         error_code::invalid_data, unique_message(c.id));
  const auto r2 = m.list_addresses(where("id") == a2.id);
  BOOST_REQUIRE_EQUAL(r2.size(), 1u);
  BOOST_CHECK_EQUAL(r2[0].is_default_shipping, false);
  BOOST_CHECK_EQUAL(show(r2[0].city), "Old");
  BOOST_CHECK_EQUAL(default_shipping_of(c.id), a1.id);
}

BOOST_FIXTURE_TEST_CASE(selector_setting_two_defaults_fails_and_changes_nothing, address_fixture) {
  const auto c = make_customer("a@x.com");
  const auto out = m.add_addresses(std::vector<addr_in>{{.customer_id = c.id, .city = "A"},
                                                        {.customer_id = c.id, .city = "B"}});
  clock.advance(std::chrono::seconds{1});
  CUSTOMERDB_CHECK_ERROR(
      m.update_addresses(where("customer_id") == c.id, {.is_default_shipping = true}),
      error_code::invalid_data, unique_message(c.id));
  for (const auto& a : m.list_addresses(where("customer_id") == c.id)) {
    BOOST_CHECK_EQUAL(a.is_default_shipping, false);
    BOOST_CHECK_EQUAL(ms(a.updated_at), ms(out[0].updated_at));
  }
  BOOST_CHECK_EQUAL(default_shipping_of(c.id), "<null>");
}

BOOST_FIXTURE_TEST_CASE(unset_defaults_then_set_flow, address_fixture) {
  const auto c = make_customer("a@x.com");
  const auto a1 = m.add_addresses({.customer_id = c.id, .is_default_shipping = true});
  const auto a2 = m.add_addresses({.customer_id = c.id});
  BOOST_CHECK_EQUAL(default_shipping_of(c.id), a1.id);

  const auto unset = m.update_addresses(
      where("customer_id").in({c.id}) && where("is_default_shipping") == true,
      {.is_default_shipping = false});
  BOOST_REQUIRE_EQUAL(unset.size(), 1u);
  BOOST_CHECK_EQUAL(unset[0].id, a1.id);
  BOOST_CHECK_EQUAL(unset[0].is_default_shipping, false);
  BOOST_CHECK_EQUAL(default_shipping_of(c.id), "<null>");

  const auto set = m.update_addresses(a2.id, {.is_default_shipping = true});
  BOOST_CHECK_EQUAL(set.is_default_shipping, true);
  BOOST_CHECK_EQUAL(default_shipping_of(c.id), a2.id);
}

// ---- update_addresses ---------------------------------------------------------------------

BOOST_FIXTURE_TEST_CASE(update_by_id_changes_only_given_fields, address_fixture) {
  const auto c = make_customer("a@x.com");
  const auto a = m.add_addresses(
      {.customer_id = c.id, .first_name = "John", .city = "Copenhagen", .phone = "123"});
  clock.advance(std::chrono::seconds{3});
  const auto u = m.update_addresses(a.id, {.city = "Aarhus", .phone = customerdb::null});
  BOOST_CHECK_EQUAL(u.id, a.id);
  BOOST_CHECK_EQUAL(show(u.city), "Aarhus");
  BOOST_CHECK_EQUAL(show(u.phone), "<null>");
  BOOST_CHECK_EQUAL(show(u.first_name), "John");
  BOOST_CHECK_EQUAL(u.customer_id, c.id);
  BOOST_CHECK_EQUAL(ms(u.created_at), ms(a.created_at));
  BOOST_CHECK_EQUAL(ms(u.updated_at), ms(clock.now()));

  const auto listed = m.list_addresses(where("id") == a.id);
  BOOST_REQUIRE_EQUAL(listed.size(), 1u);
  BOOST_CHECK_EQUAL(show(listed[0].city), "Aarhus");
  BOOST_CHECK_EQUAL(show(listed[0].phone), "<null>");
  BOOST_CHECK_EQUAL(show(listed[0].first_name), "John");
}

BOOST_FIXTURE_TEST_CASE(update_by_ids_and_selector, address_fixture) {
  const auto c = make_customer("a@x.com");
  const auto out = m.add_addresses(std::vector<addr_in>{{.customer_id = c.id, .city = "A"},
                                                        {.customer_id = c.id, .city = "B"},
                                                        {.customer_id = c.id, .city = "C"}});
  const auto by_ids = m.update_addresses(std::vector<std::string>{out[2].id, out[0].id},
                                         {.province = "P"});
  BOOST_CHECK_EQUAL(join(ids_of(by_ids)), join(sorted({out[0].id, out[2].id})));
  for (const auto& a : by_ids) BOOST_CHECK_EQUAL(show(a.province), "P");
  BOOST_CHECK_EQUAL(m.list_addresses(where("province") == "P").size(), 2u);
  BOOST_CHECK_EQUAL(m.list_addresses(where("province").is_null()).size(), 1u);

  const auto by_sel = m.update_addresses(where("city") == "B", {.company = "Acme"});
  BOOST_REQUIRE_EQUAL(by_sel.size(), 1u);
  BOOST_CHECK_EQUAL(by_sel[0].id, out[1].id);
  BOOST_CHECK_EQUAL(show(by_sel[0].company), "Acme");

  BOOST_CHECK(m.update_addresses(where("city") == "Nowhere", {.company = "X"}).empty());
  BOOST_CHECK_EQUAL(m.list_addresses(where("company") == "X").size(), 0u);
}

BOOST_FIXTURE_TEST_CASE(update_duplicate_ids_are_merged, address_fixture) {
  const auto c = make_customer("a@x.com");
  const auto a = m.add_addresses({.customer_id = c.id});
  const auto out = m.update_addresses(std::vector<std::string>{a.id, a.id}, {.city = "X"});
  BOOST_REQUIRE_EQUAL(out.size(), 1u);
  BOOST_CHECK_EQUAL(out[0].id, a.id);
  BOOST_CHECK_EQUAL(show(out[0].city), "X");
  BOOST_CHECK(m.update_addresses(std::vector<std::string>{}, {.city = "Y"}).empty());
  BOOST_CHECK_EQUAL(show(m.list_addresses().at(0).city), "X");
}

BOOST_FIXTURE_TEST_CASE(update_selector_has_no_cap, address_fixture) {
  const auto c = make_customer("a@x.com");
  std::vector<addr_in> in;
  for (int i = 0; i < 20; ++i) in.push_back({.customer_id = c.id});
  m.add_addresses(in);
  BOOST_CHECK_EQUAL(m.update_addresses(where("customer_id") == c.id, {.city = "X"}).size(), 20u);
  BOOST_CHECK_EQUAL(m.list_and_count_addresses(where("city") == "X").second, 20u);
}

BOOST_FIXTURE_TEST_CASE(update_unknown_ids_fail_with_not_found, address_fixture) {
  const auto c = make_customer("a@x.com");
  const auto a = m.add_addresses({.customer_id = c.id, .city = "A"});
  CUSTOMERDB_CHECK_ERROR(m.update_addresses("x", {.city = "B"}), error_code::not_found,
                         R"(Address with id "x" not found)");
  CUSTOMERDB_CHECK_ERROR(
      m.update_addresses(std::vector<std::string>{a.id, "cuaddr_x1", "cuaddr_x2"}, {.city = "B"}),
      error_code::not_found, R"(Address with id "cuaddr_x1, cuaddr_x2" not found)");
  BOOST_CHECK_EQUAL(show(m.list_addresses(where("id") == a.id).at(0).city), "A");
}

BOOST_FIXTURE_TEST_CASE(update_customer_id, address_fixture) {
  const auto c = make_customer("a@x.com");
  const auto d = make_customer("d@x.com");
  const auto a = m.add_addresses({.customer_id = c.id, .is_default_shipping = true});

  CUSTOMERDB_CHECK_ERROR(m.update_addresses(a.id, {.customer_id = "cus_nope"}),
                         error_code::not_found, fk_message("cus_nope"));
  BOOST_CHECK_EQUAL(m.list_addresses(where("id") == a.id).at(0).customer_id, c.id);

  const auto moved = m.update_addresses(a.id, {.customer_id = d.id});
  BOOST_CHECK_EQUAL(moved.customer_id, d.id);
  BOOST_CHECK_EQUAL(default_shipping_of(c.id), "<null>");
  BOOST_CHECK_EQUAL(default_shipping_of(d.id), a.id);
}

BOOST_FIXTURE_TEST_CASE(moving_a_default_onto_customer_with_default_fails, address_fixture) {
  const auto c = make_customer("a@x.com");
  const auto d = make_customer("d@x.com");
  const auto a = m.add_addresses({.customer_id = c.id, .is_default_billing = true});
  const auto b = m.add_addresses({.customer_id = d.id, .is_default_billing = true});
  CUSTOMERDB_CHECK_ERROR(m.update_addresses(a.id, {.customer_id = d.id}), error_code::invalid_data,
                         unique_message(d.id));
  BOOST_CHECK_EQUAL(default_billing_of(c.id), a.id);
  BOOST_CHECK_EQUAL(default_billing_of(d.id), b.id);
}

BOOST_FIXTURE_TEST_CASE(update_non_nullable_to_null_fails, address_fixture) {
  const auto c = make_customer("a@x.com");
  const auto a = m.add_addresses({.customer_id = c.id, .is_default_shipping = true, .city = "A"});
  CUSTOMERDB_CHECK_ERROR(m.update_addresses(a.id, {.customer_id = customerdb::null}),
                         error_code::invalid_data,
                         "You must pass a non-null value to the property customer_id of entity Address.");
  CUSTOMERDB_CHECK_ERROR(
      m.update_addresses(a.id, {.is_default_shipping = customerdb::null, .city = "B"}),
      error_code::invalid_data,
      "You must pass a non-null value to the property is_default_shipping of entity Address.");
  CUSTOMERDB_CHECK_ERROR(m.update_addresses(a.id, {.is_default_billing = customerdb::null}),
                         error_code::invalid_data,
                         "You must pass a non-null value to the property is_default_billing of entity Address.");
  const auto r = m.list_addresses(where("id") == a.id).at(0);
  BOOST_CHECK_EQUAL(r.customer_id, c.id);
  BOOST_CHECK_EQUAL(r.is_default_shipping, true);
  BOOST_CHECK_EQUAL(show(r.city), "A");
}

BOOST_FIXTURE_TEST_CASE(update_metadata_deep_merges, address_fixture) {
  const auto c = make_customer("a@x.com");
  const auto a = m.add_addresses(
      {.customer_id = c.id, .metadata = metadata{{"a", 1}, {"nested", {{"x", 1}}}}});

  const auto u1 =
      m.update_addresses(a.id, {.metadata = metadata{{"b", 2}, {"nested", {{"y", 2}}}}});
  BOOST_REQUIRE(u1.metadata.has_value());
  BOOST_CHECK(*u1.metadata ==
              (metadata{{"a", 1}, {"b", 2}, {"nested", {{"x", 1}, {"y", 2}}}}));

  const auto u2 = m.update_addresses(a.id, {.metadata = metadata{{"a", nullptr}}});
  BOOST_REQUIRE(u2.metadata.has_value());
  BOOST_CHECK(*u2.metadata ==
              (metadata{{"a", nullptr}, {"b", 2}, {"nested", {{"x", 1}, {"y", 2}}}}));
  BOOST_CHECK_EQUAL(u2.metadata->count("a"), 1u);

  const auto u3 = m.update_addresses(a.id, {.metadata = customerdb::null});
  BOOST_CHECK_EQUAL(json(u3.metadata), "<null>");

  const auto u4 = m.update_addresses(a.id, {.metadata = metadata{{"c", "z"}}});
  BOOST_CHECK_EQUAL(json(u4.metadata), R"({"c":"z"})");
  BOOST_CHECK_EQUAL(json(m.list_addresses(where("id") == a.id).at(0).metadata), R"({"c":"z"})");
}

// ---- delete_addresses ---------------------------------------------------------------------

BOOST_FIXTURE_TEST_CASE(delete_by_id_ids_and_selector, address_fixture) {
  const auto c = make_customer("a@x.com");
  const auto out = m.add_addresses(std::vector<addr_in>{
      {.customer_id = c.id, .is_default_shipping = true, .city = "A"},
      {.customer_id = c.id, .city = "B"},
      {.customer_id = c.id, .city = "C"},
      {.customer_id = c.id, .city = "D"},
      {.customer_id = c.id, .city = "D"}});
  BOOST_CHECK_EQUAL(default_shipping_of(c.id), out[0].id);

  m.delete_addresses(out[0].id);
  BOOST_CHECK_EQUAL(m.list_and_count_addresses().second, 4u);
  BOOST_CHECK_EQUAL(default_shipping_of(c.id), "<null>");

  m.delete_addresses(std::vector<std::string>{out[1].id, "cuaddr_unknown", out[2].id});
  BOOST_CHECK_EQUAL(join(sorted(ids_of(m.list_addresses()))), join(sorted({out[3].id, out[4].id})));

  m.delete_addresses("cuaddr_unknown");
  m.delete_addresses(std::vector<std::string>{});
  BOOST_CHECK_EQUAL(m.list_and_count_addresses().second, 2u);

  m.delete_addresses(where("city") == "D");
  BOOST_CHECK_EQUAL(m.list_and_count_addresses().second, 0u);

  // The customer is untouched.
  const auto still = m.retrieve(c.id);
  BOOST_CHECK_EQUAL(still.id, c.id);
  BOOST_CHECK_EQUAL(show(still.email), "a@x.com");
  BOOST_CHECK(!still.deleted_at);
}

BOOST_FIXTURE_TEST_CASE(delete_selector_only_touches_matches, address_fixture) {
  const auto c = make_customer("a@x.com");
  const auto d = make_customer("d@x.com");
  const auto out = m.add_addresses(std::vector<addr_in>{
      {.customer_id = c.id}, {.customer_id = d.id}, {.customer_id = c.id}});
  m.delete_addresses(where("customer_id") == c.id);
  BOOST_CHECK_EQUAL(join(ids_of(m.list_addresses())), out[1].id);
}

BOOST_FIXTURE_TEST_CASE(hard_delete_of_customer_removes_its_addresses, address_fixture) {
  const auto c = make_customer("a@x.com");
  const auto d = make_customer("d@x.com");
  const auto out = m.add_addresses(std::vector<addr_in>{{.customer_id = c.id},
                                                        {.customer_id = d.id}});
  m.delete_customers(c.id);
  BOOST_CHECK_EQUAL(join(ids_of(m.list_addresses())), out[1].id);
}

BOOST_AUTO_TEST_SUITE_END()
