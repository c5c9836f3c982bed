// Customers listed: list and list_and_count, paging, order, validation of the find config, the
// derived default address ids and filters (docs/protocol.md; decisions D9, D16, D28).
#include <boost/test/unit_test.hpp>

#include <optional>
#include <string>

#include "support/customer_fixture.hpp"

namespace {

using namespace customerdb;
using namespace customerdb::testing;

}  // namespace

BOOST_AUTO_TEST_SUITE(customer_listing)

// ---- list: paging --------------------------------------------------------------------------

BOOST_FIXTURE_TEST_CASE(list_takes_15_by_default_in_id_order, customer_fixture) {
  const auto ids = make(20);
  const auto rows = m.list();
  BOOST_TEST(ids_of(rows) == strings(ids.begin(), ids.begin() + 15));
  const auto [page, count] = m.list_and_count();
  BOOST_CHECK_EQUAL(page.size(), 15u);
  BOOST_CHECK_EQUAL(count, 20u);
}

BOOST_FIXTURE_TEST_CASE(list_top_level_id_filter_has_no_limit, customer_fixture) {
  const auto ids = make(22);
  const strings wanted(ids.begin(), ids.begin() + 20);
  BOOST_TEST(ids_of(m.list(where("id").in(values_of(wanted)))) == wanted);
  // An id condition inside $or does not lift the default limit.
  BOOST_CHECK_EQUAL(m.list(filter::any_of({where("id").in(values_of(wanted))})).size(), 15u);
}

BOOST_FIXTURE_TEST_CASE(list_take_null_has_no_limit, customer_fixture) {
  const auto ids = make(20);
  BOOST_TEST(ids_of(m.list({}, all())) == ids);
}

BOOST_FIXTURE_TEST_CASE(list_take_zero_returns_nothing_but_full_count, customer_fixture) {
  make(20);
  BOOST_CHECK(m.list({}, find_config{.take = 0}).empty());
  const auto [rows, count] = m.list_and_count({}, find_config{.take = 0});
  BOOST_CHECK(rows.empty());
  BOOST_CHECK_EQUAL(count, 20u);
}

BOOST_FIXTURE_TEST_CASE(list_skip_and_take, customer_fixture) {
  const auto ids = make(10);
  BOOST_TEST(ids_of(m.list({}, find_config{.skip = 5, .take = 3})) == strs({ids[5], ids[6], ids[7]}));
  BOOST_TEST(ids_of(m.list({}, find_config{.skip = 8})) == strs({ids[8], ids[9]}));
  BOOST_CHECK(m.list({}, find_config{.skip = 10}).empty());
  const auto [rows, count] = m.list_and_count({}, find_config{.skip = 9, .take = 5});
  BOOST_TEST(ids_of(rows) == strs({ids[9]}));
  BOOST_CHECK_EQUAL(count, 10u);
}

BOOST_FIXTURE_TEST_CASE(list_negative_skip_or_take_is_invalid, customer_fixture) {
  make(2);
  CUSTOMERDB_CHECK_ERROR(m.list({}, find_config{.skip = -1}), error_code::invalid_data,
                         "Invalid value for skip: -1");
  CUSTOMERDB_CHECK_ERROR(m.list({}, find_config{.take = -1}), error_code::invalid_data,
                         "Invalid value for take: -1");
  CUSTOMERDB_CHECK_ERROR(m.list_and_count({}, find_config{.take = -1}), error_code::invalid_data,
                         "Invalid value for take: -1");
}

// ---- list: order ---------------------------------------------------------------------------

BOOST_FIXTURE_TEST_CASE(list_order_puts_nulls_last_asc_first_desc, customer_fixture) {
  const auto b = m.create(dto{.first_name = "b"}).id;
  const auto n = m.create(create_customer_dto{}).id;
  const auto a = m.create(dto{.first_name = "a"}).id;
  const auto c = m.create(dto{.first_name = "c"}).id;
  BOOST_TEST(ids_of(m.list({}, find_config{.order = {{"first_name", sort_direction::asc}}})) == strs({a, b, c, n}));
  BOOST_TEST(ids_of(m.list({}, find_config{.order = {{"first_name", sort_direction::desc}}})) == strs({n, c, b, a}));
  BOOST_TEST(ids_of(m.list({}, find_config{.order = {{"id", sort_direction::desc}}})) == strs({c, a, n, b}));
}

BOOST_FIXTURE_TEST_CASE(list_order_by_several_keys, customer_fixture) {
  const auto x1 = m.create(dto{.first_name = "2", .company_name = "X"}).id;
  const auto y1 = m.create(dto{.first_name = "1", .company_name = "Y"}).id;
  const auto x2 = m.create(dto{.first_name = "1", .company_name = "X"}).id;
  BOOST_TEST(ids_of(m.list({}, find_config{.order = {{"company_name", sort_direction::desc},
                                          {"first_name", sort_direction::asc}}})) ==
             strs({y1, x2, x1}));
}

BOOST_FIXTURE_TEST_CASE(list_order_unknown_field_is_invalid, customer_fixture) {
  CUSTOMERDB_CHECK_ERROR(m.list({}, find_config{.order = {{"foo", sort_direction::asc}}}), error_code::invalid_data,
                         "Unknown field \"foo\" for Customer");
}

// ---- list: validation ------------------------------------------------------------------------

BOOST_FIXTURE_TEST_CASE(list_unknown_names_are_invalid, customer_fixture) {
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

BOOST_FIXTURE_TEST_CASE(list_select_limits_fields, customer_fixture) {
  m.create(dto{.email = "j@x.com", .first_name = "John"});
  const auto rows = m.list({}, find_config{.select = {"first_name"}});
  BOOST_REQUIRE_EQUAL(rows.size(), 1u);
  BOOST_CHECK(rows[0].has_field("first_name"));
  BOOST_CHECK(!rows[0].has_field("email"));
  BOOST_CHECK_EQUAL(rows[0].first_name, "John");
  BOOST_CHECK_EQUAL(rows[0].email, std::optional<std::string>{});
}

// ---- list: derived default address ids (D9) ------------------------------------------------

BOOST_FIXTURE_TEST_CASE(default_address_ids_are_derived_and_filterable, customer_fixture) {
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

BOOST_FIXTURE_TEST_CASE(list_filters_by_group_membership, customer_fixture) {
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

BOOST_FIXTURE_TEST_CASE(list_and_or_filters, customer_fixture) {
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

BOOST_FIXTURE_TEST_CASE(list_null_equality_and_three_valued_logic, customer_fixture) {
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

BOOST_FIXTURE_TEST_CASE(list_equality_is_case_sensitive, customer_fixture) {
  const auto id = m.create(dto{.email = "A@x.com"}).id;
  BOOST_CHECK(m.list(where("email") == "a@x.com").empty());
  BOOST_TEST(ids_of(m.list(where("email") == "A@x.com")) == strs({id}));
}

BOOST_FIXTURE_TEST_CASE(search_is_case_insensitive_over_searchable_fields, customer_fixture) {
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

BOOST_FIXTURE_TEST_CASE(search_treats_percent_and_underscore_literally, customer_fixture) {
  const auto pct = m.create(dto{.company_name = "100% cotton"}).id;
  m.create(dto{.company_name = "1000 cotton"});
  const auto under = m.create(dto{.first_name = "a_b"}).id;
  m.create(dto{.first_name = "axb"});
  BOOST_TEST(ids_of(m.list(customerdb::search("0%"))) == strs({pct}));
  BOOST_TEST(ids_of(m.list(customerdb::search("A_B"))) == strs({under}));
  BOOST_CHECK(m.list(customerdb::search("%")).size() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
