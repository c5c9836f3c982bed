// Addresses listed: list_addresses and list_and_count_addresses, and the default address ids
// derived from the addresses (D9).
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "support/address_fixture.hpp"

namespace {

using namespace customerdb;
using namespace customerdb::testing;

}  // namespace

BOOST_AUTO_TEST_SUITE(address_listing)

// ---- list_addresses / list_and_count_addresses --------------------------------------------

namespace {
struct list_fixture : address_fixture {
  customer c = make_customer("c@x.com");
  customer d = make_customer("d@x.com");
  std::vector<customer_address> out = m.add_addresses(std::vector<addr_in>{
      {.customer_id = c.id,
       .address_name = "Home",
       .company = "Acme",
       .first_name = "John",
       .last_name = "Doe",
       .address_1 = "Nørrebrogade 12",
       .city = "Copenhagen",
       .country_code = "DK",
       .province = "Hovedstaden",
       .postal_code = "2200",
       .phone = "5550001"},
      {.customer_id = c.id,
       .address_name = "Office",
       .address_1 = "Strøget 1",
       .address_2 = "Suite 5",
       .city = "Aarhus",
       .country_code = "DK",
       .postal_code = "8000"},
      {.customer_id = d.id,
       .address_name = "Summer",
       .address_1 = "Main Road 9",
       .city = "Berlin",
       .country_code = "QZ",
       .postal_code = "10115",
       .phone = "2200"},
  });
};
}  // namespace

BOOST_FIXTURE_TEST_CASE(list_filters, list_fixture) {
  BOOST_CHECK_EQUAL(join(ids_of(m.list_addresses(where("customer_id") == c.id))),
                    join({out[0].id, out[1].id}));
  BOOST_CHECK_EQUAL(join(ids_of(m.list_addresses(where("customer_id").in({d.id})))), out[2].id);
  BOOST_CHECK_EQUAL(join(ids_of(m.list_addresses(where("city") == "Berlin"))), out[2].id);
  BOOST_CHECK_EQUAL(join(ids_of(m.list_addresses(where("country_code") == "DK"))),
                    join({out[0].id, out[1].id}));
  BOOST_CHECK_EQUAL(m.list_addresses(where("country_code") == "dk").size(), 0u);
  BOOST_CHECK_EQUAL(
      join(ids_of(m.list_addresses(where("customer_id") == c.id && where("city") == "Aarhus"))),
      out[1].id);
  const auto [rows, count] = m.list_and_count_addresses(where("country_code") == "DK");
  BOOST_CHECK_EQUAL(rows.size(), 2u);
  BOOST_CHECK_EQUAL(count, 2u);
}

BOOST_FIXTURE_TEST_CASE(list_search_fields, list_fixture) {
  // address_1, case-insensitive.
  BOOST_CHECK_EQUAL(join(ids_of(m.list_addresses(search("main road")))), out[2].id);
  BOOST_CHECK_EQUAL(join(ids_of(m.list_addresses(search("STRØGET")))), out[1].id);
  // address_2, city, province, company, names, address_name.
  BOOST_CHECK_EQUAL(join(ids_of(m.list_addresses(search("suite")))), out[1].id);
  BOOST_CHECK_EQUAL(join(ids_of(m.list_addresses(search("berl")))), out[2].id);
  BOOST_CHECK_EQUAL(join(ids_of(m.list_addresses(search("hovedstad")))), out[0].id);
  BOOST_CHECK_EQUAL(join(ids_of(m.list_addresses(search("acme")))), out[0].id);
  BOOST_CHECK_EQUAL(join(ids_of(m.list_addresses(search("doe")))), out[0].id);
  BOOST_CHECK_EQUAL(join(ids_of(m.list_addresses(search("offic")))), out[1].id);
  // postal_code "2200" is searchable; the phone "2200" of out[2] is not.
  BOOST_CHECK_EQUAL(join(ids_of(m.list_addresses(search("2200")))), out[0].id);
  BOOST_CHECK_EQUAL(join(ids_of(m.list_addresses(search("8000")))), out[1].id);
  // phone is not searchable.
  BOOST_CHECK_EQUAL(m.list_addresses(search("5550001")).size(), 0u);
  // country_code is not searchable ("QZ" appears in no searchable field).
  BOOST_CHECK_EQUAL(m.list_addresses(search("qz")).size(), 0u);
  BOOST_CHECK_EQUAL(m.list_addresses(where("country_code") == "QZ").size(), 1u);
  // Combined with another condition; count follows the search.
  const auto [rows, count] =
      m.list_and_count_addresses(search("o") && where("customer_id") == c.id);
  BOOST_CHECK_EQUAL(count, 2u);
  BOOST_CHECK_EQUAL(rows.size(), 2u);
  // Empty search text is ignored.
  BOOST_CHECK_EQUAL(m.list_addresses(search("")).size(), 3u);
}

BOOST_FIXTURE_TEST_CASE(list_relation_customer, list_fixture) {
  const auto rows = m.list_addresses(where("id") == out[0].id, {.relations = {"customer"}});
  BOOST_REQUIRE_EQUAL(rows.size(), 1u);
  BOOST_REQUIRE(rows[0].customer);
  BOOST_CHECK_EQUAL(rows[0].customer->id, c.id);
  BOOST_CHECK_EQUAL(show(rows[0].customer->email), "c@x.com");
  BOOST_CHECK(!rows[0].customer->addresses);  // back-reference dropped

  // Without the relation, no customer object.
  BOOST_CHECK(!m.list_addresses(where("id") == out[0].id).at(0).customer);
}

BOOST_FIXTURE_TEST_CASE(list_customer_relation_filter_and_nested_path, list_fixture) {
  const auto g = m.create_customer_group({.name = "VIP"});
  m.add_customer_to_group({.customer_id = d.id, .customer_group_id = g.id});
  BOOST_CHECK_EQUAL(join(ids_of(m.list_addresses(where("customer") == d.id))), out[2].id);
  BOOST_CHECK_EQUAL(join(ids_of(m.list_addresses(where("customer").in({c.id})))),
                    join({out[0].id, out[1].id}));
  BOOST_CHECK_EQUAL(
      join(ids_of(m.list_addresses(where("customer").matches(where("email") == "d@x.com")))),
      out[2].id);
  const auto rows = m.list_addresses(where("id") == out[2].id, {.relations = {"customer.groups"}});
  BOOST_REQUIRE_EQUAL(rows.size(), 1u);
  BOOST_REQUIRE(rows[0].customer);
  BOOST_REQUIRE(rows[0].customer->groups);
  BOOST_CHECK_EQUAL(join(ids_of(*rows[0].customer->groups)), g.id);
}

BOOST_FIXTURE_TEST_CASE(addresses_of_soft_deleted_customer, list_fixture) {
  m.soft_delete(std::vector<std::string>{c.id});
  // Still listed.
  BOOST_CHECK_EQUAL(join(ids_of(m.list_addresses(where("customer_id") == c.id))),
                    join({out[0].id, out[1].id}));
  BOOST_CHECK_EQUAL(m.list_and_count_addresses().second, 3u);

  // The relation hides the soft-deleted customer unless with_deleted.
  const auto hidden = m.list_addresses(where("id") == out[0].id, {.relations = {"customer"}});
  BOOST_REQUIRE_EQUAL(hidden.size(), 1u);
  BOOST_CHECK(!hidden[0].customer);

  const auto shown = m.list_addresses(where("id") == out[0].id,
                                      {.relations = {"customer"}, .with_deleted = true});
  BOOST_REQUIRE_EQUAL(shown.size(), 1u);
  BOOST_REQUIRE(shown[0].customer);
  BOOST_CHECK_EQUAL(shown[0].customer->id, c.id);
  BOOST_CHECK(shown[0].customer->deleted_at.has_value());

  // The other customer's address keeps its customer.
  const auto other = m.list_addresses(where("id") == out[2].id, {.relations = {"customer"}});
  BOOST_REQUIRE(other.at(0).customer);
  BOOST_CHECK_EQUAL(other.at(0).customer->id, d.id);
}

BOOST_FIXTURE_TEST_CASE(list_default_take_and_count, address_fixture) {
  const auto c = make_customer("a@x.com");
  std::vector<addr_in> in;
  for (int i = 0; i < 20; ++i) in.push_back({.customer_id = c.id});
  const auto created = m.add_addresses(in);
  const auto [rows, count] = m.list_and_count_addresses();
  BOOST_CHECK_EQUAL(rows.size(), 15u);
  BOOST_CHECK_EQUAL(count, 20u);
  auto expected = sorted(ids_of(created));
  expected.resize(15);
  BOOST_CHECK_EQUAL(join(ids_of(rows)), join(expected));
  BOOST_CHECK_EQUAL(m.list_addresses({}, {.take = customerdb::null}).size(), 20u);
}

BOOST_FIXTURE_TEST_CASE(unknown_address_filter_field, address_fixture) {
  CUSTOMERDB_CHECK_ERROR(m.list_addresses(where("nickname") == "x"), error_code::invalid_data,
                         R"(Unknown field "nickname" for Address)");
}

// ---- derived default address ids (D9) ------------------------------------------------------

BOOST_FIXTURE_TEST_CASE(derived_default_ids_follow_flags, address_fixture) {
  const auto c = make_customer("a@x.com");
  BOOST_CHECK_EQUAL(default_shipping_of(c.id), "<null>");
  BOOST_CHECK_EQUAL(default_billing_of(c.id), "<null>");

  const auto a1 = m.add_addresses({.customer_id = c.id, .is_default_shipping = true});
  const auto a2 = m.add_addresses({.customer_id = c.id, .is_default_billing = true});
  BOOST_CHECK_EQUAL(default_shipping_of(c.id), a1.id);
  BOOST_CHECK_EQUAL(default_billing_of(c.id), a2.id);

  // Visible through list too.
  const auto listed = m.list(where("id") == c.id);
  BOOST_REQUIRE_EQUAL(listed.size(), 1u);
  BOOST_CHECK_EQUAL(show(listed[0].default_shipping_address_id), a1.id);
  BOOST_CHECK_EQUAL(show(listed[0].default_billing_address_id), a2.id);

  // Swap the billing default to a1.
  m.update_addresses(a2.id, {.is_default_billing = false});
  BOOST_CHECK_EQUAL(default_billing_of(c.id), "<null>");
  m.update_addresses(a1.id, {.is_default_billing = true});
  BOOST_CHECK_EQUAL(default_billing_of(c.id), a1.id);
  BOOST_CHECK_EQUAL(default_shipping_of(c.id), a1.id);

  m.update_addresses(a1.id, {.is_default_shipping = false});
  BOOST_CHECK_EQUAL(default_shipping_of(c.id), "<null>");
  BOOST_CHECK_EQUAL(default_billing_of(c.id), a1.id);

  m.delete_addresses(a1.id);
  BOOST_CHECK_EQUAL(default_billing_of(c.id), "<null>");
}

BOOST_AUTO_TEST_SUITE_END()
