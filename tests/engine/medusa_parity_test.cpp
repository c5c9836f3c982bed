// Behaviour settled by comparing customerdb with Medusa's running module (decisions D19-D31):
// which error a call reports, paging and retrieve's config, loaded relations and dotted
// `select`, empty sub-filters, `$not` and `q` placement, soft-deleted rows seen through
// filters, and unique messages. Each test is the shortest call sequence that shows one rule.
#include <boost/test/unit_test.hpp>

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

struct fixture {
  customer_module m;

  find_config all() const { return find_config{.take = customerdb::null}; }
};

}  // namespace

// ---- D19: which error a call reports -------------------------------------------------------

BOOST_AUTO_TEST_SUITE(error_precedence)

BOOST_FIXTURE_TEST_CASE(create_reports_the_first_customer_in_input_order_that_breaks_a_rule,
                        fixture) {
  m.create({.email = "a@x.com"});
  // b@x.com clashes only with a later row of the call; a@x.com, second, with a stored row.
  CUSTOMERDB_CHECK_ERROR(m.create({{.email = "b@x.com"}, {.email = "a@x.com"}, {.email = "b@x.com"}}),
                         error_code::invalid_data,
                         "Customer with email: a@x.com, has_account: false, already exists.");
  BOOST_CHECK_EQUAL(m.list({}, all()).size(), 1u);
}

BOOST_FIXTURE_TEST_CASE(create_checks_every_customer_before_any_address, fixture) {
  m.create({.email = "a@x.com"});
  const addresses two_defaults{{.is_default_billing = true}, {.is_default_billing = true}};
  CUSTOMERDB_CHECK_ERROR(
      m.create({{.email = "n@x.com", .addresses = two_defaults}, {.email = "a@x.com"}}),
      error_code::invalid_data, "Customer with email: a@x.com, has_account: false, already exists.");
}

BOOST_FIXTURE_TEST_CASE(create_checks_addresses_in_input_order, fixture) {
  const addresses two_defaults{{.is_default_billing = true}, {.is_default_billing = true}};
  CUSTOMERDB_CHECK_ERROR(m.create({{.id = "cus_1", .addresses = addresses{{.city = "Oslo"}}},
                                   {.id = "cus_2", .addresses = two_defaults},
                                   {.id = "cus_3", .addresses = two_defaults}}),
                         error_code::invalid_data,
                         "Customer address with customer_id: cus_2, already exists.");
}

BOOST_FIXTURE_TEST_CASE(a_unique_rule_comes_before_an_unknown_customer, fixture) {
  const auto c = m.create({.email = "a@x.com", .addresses = addresses{{.is_default_billing = true}}});
  CUSTOMERDB_CHECK_ERROR(
      m.add_addresses({{.customer_id = "cus_unknown"}, {.customer_id = c.id, .is_default_billing = true}}),
      error_code::invalid_data, "Customer address with customer_id: " + c.id + ", already exists.");
  // Alone, the unknown customer is reported.
  CUSTOMERDB_CHECK_ERROR(
      m.add_addresses({{.customer_id = "cus_unknown"}, {.customer_id = c.id}}), error_code::not_found,
      "You tried to set relationship customer_id: cus_unknown, but such entity does not exist");
  BOOST_CHECK_EQUAL(m.list_addresses({}, all()).size(), 1u);
}

BOOST_FIXTURE_TEST_CASE(an_update_reports_a_unique_rule_before_an_unknown_customer, fixture) {
  const auto c = m.create({.email = "a@x.com", .addresses = addresses{{.city = "A"}, {.city = "B"}}});
  // Both addresses move to the unknown customer as its default: the second breaks the rule.
  CUSTOMERDB_CHECK_ERROR(
      m.update_addresses(where("customer_id") == c.id,
                         {.customer_id = "cus_unknown", .is_default_billing = true}),
      error_code::invalid_data, "Customer address with customer_id: cus_unknown, already exists.");
  CUSTOMERDB_CHECK_ERROR(
      m.update_addresses(where("city") == "A", {.customer_id = "cus_unknown"}),
      error_code::not_found,
      "You tried to set relationship customer_id: cus_unknown, but such entity does not exist");
  // A selector that matches nothing names no customer.
  BOOST_CHECK(m.update_addresses(where("city") == "Z", {.customer_id = "cus_unknown"}).empty());
}

BOOST_FIXTURE_TEST_CASE(an_input_check_comes_before_any_row, fixture) {
  const auto c = m.create({.email = "a@x.com", .addresses = addresses{{.is_default_billing = true}}});
  CUSTOMERDB_CHECK_ERROR(
      m.add_addresses({{.customer_id = c.id, .is_default_billing = true}, {.city = "Oslo"}}),
      error_code::invalid_data, "Value for Address.customer_id is required, 'undefined' found");
}

BOOST_FIXTURE_TEST_CASE(a_membership_with_both_references_unknown_names_the_group, fixture) {
  CUSTOMERDB_CHECK_ERROR(
      m.add_customer_to_group({.customer_id = "cus_unknown", .customer_group_id = "cusgroup_unknown"}),
      error_code::not_found,
      "You tried to set relationship customer_group_id: cusgroup_unknown, but such entity does "
      "not exist");
  const auto g = m.create_customer_group({.name = "VIP"});
  CUSTOMERDB_CHECK_ERROR(
      m.add_customer_to_group({.customer_id = "cus_unknown", .customer_group_id = g.id}),
      error_code::not_found,
      "You tried to set relationship customer_id: cus_unknown, but such entity does not exist");
}

BOOST_FIXTURE_TEST_CASE(restore_reports_the_row_that_meets_a_live_one, fixture) {
  const auto a = m.create({.email = "a@x.com"});
  m.soft_delete(a.id);
  const auto b = m.create({.email = "a@x.com"});
  // b is live and keeps its key; restoring a beside it breaks the rule, in either order.
  CUSTOMERDB_CHECK_ERROR(m.restore(strings{a.id, b.id}), error_code::invalid_data,
                         "Customer with email: a@x.com, has_account: false, already exists.");
  CUSTOMERDB_CHECK_ERROR(m.restore(strings{b.id, a.id}), error_code::invalid_data,
                         "Customer with email: a@x.com, has_account: false, already exists.");
}

BOOST_FIXTURE_TEST_CASE(the_order_holds_inside_a_transaction, fixture) {
  m.create({.email = "a@x.com"});
  auto ctx = m.begin_transaction();
  m.create({.email = "t@x.com"}, ctx);
  CUSTOMERDB_CHECK_ERROR(
      m.create({{.email = "b@x.com"}, {.email = "t@x.com"}, {.email = "b@x.com"}}, ctx),
      error_code::invalid_data, "Customer with email: t@x.com, has_account: false, already exists.");
  m.commit(ctx);
  BOOST_CHECK_EQUAL(m.list({}, all()).size(), 2u);
}

BOOST_AUTO_TEST_SUITE_END()

// ---- D29: values in unique messages --------------------------------------------------------

BOOST_AUTO_TEST_SUITE(unique_messages)

BOOST_FIXTURE_TEST_CASE(values_are_trimmed_of_white_space, fixture) {
  m.create_customer_group({.name = "VIP "});
  CUSTOMERDB_CHECK_ERROR(m.create_customer_group({.name = "VIP "}), error_code::invalid_data,
                         "Customer group with name: VIP, already exists.");
  m.create({.email = "\t a@x.com\n"});
  CUSTOMERDB_CHECK_ERROR(m.create({.email = "\t a@x.com\n"}), error_code::invalid_data,
                         "Customer with email: a@x.com, has_account: false, already exists.");
  m.create_customer_group({.name = "\u00A0\u3000Gold\u2028"});
  CUSTOMERDB_CHECK_ERROR(m.create_customer_group({.name = "\u00A0\u3000Gold\u2028"}),
                         error_code::invalid_data, "Customer group with name: Gold, already exists.");
  m.create({.id = " cus_1 "});
  CUSTOMERDB_CHECK_ERROR(m.create({.id = " cus_1 "}), error_code::invalid_data,
                         "Customer with id: cus_1, already exists.");
}

BOOST_FIXTURE_TEST_CASE(a_value_with_a_comma_is_printed_whole, fixture) {
  m.create_customer_group({.name = "Smith, Jones and Co"});
  CUSTOMERDB_CHECK_ERROR(m.create_customer_group({.name = "Smith, Jones and Co"}),
                         error_code::invalid_data,
                         "Customer group with name: Smith, Jones and Co, already exists.");
}

BOOST_FIXTURE_TEST_CASE(white_space_inside_a_value_is_kept, fixture) {
  m.create_customer_group({.name = " Very  Important "});
  CUSTOMERDB_CHECK_ERROR(m.create_customer_group({.name = " Very  Important "}),
                         error_code::invalid_data,
                         "Customer group with name: Very  Important, already exists.");
}

BOOST_AUTO_TEST_SUITE_END()
