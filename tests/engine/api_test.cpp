// Compile-time and behavioural checks of the public C++ API: overload selection, patch states,
// id_view, error codes and the plain value types.
#include <boost/test/unit_test.hpp>

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "customerdb/customerdb.hpp"
#include "support/check.hpp"
#include "support/helpers.hpp"

namespace {

using namespace customerdb;
using namespace customerdb::testing;

}  // namespace

// Declared only, for unevaluated operands (decltype); external linkage so that no
// "declared but never defined" warning fires.
namespace api_test_decl {
customerdb::customer_module& mod();
const customerdb::customer_updatable_fields& cdata();
const customerdb::customer_group_updatable_fields& gdata();
const customerdb::update_customer_address_dto& adata();
}  // namespace api_test_decl

namespace {

using namespace api_test_decl;

// ---- overload selection ----------------------------------------------------------------------

// A braced list of ids picks the vector overload, a single id the single overload, a filter the
// selector overload.
static_assert(std::is_same_v<decltype(mod().update({"cus_a", "cus_b"}, cdata())), std::vector<customer>>);
static_assert(std::is_same_v<decltype(mod().update("cus_a", cdata())), customer>);
static_assert(std::is_same_v<decltype(mod().update(std::string("cus_a"), cdata())), customer>);
static_assert(std::is_same_v<decltype(mod().update(std::string_view("cus_a"), cdata())), customer>);
static_assert(std::is_same_v<decltype(mod().update(std::vector<std::string>{}, cdata())),
                             std::vector<customer>>);
static_assert(std::is_same_v<decltype(mod().update(where("email") == "x", cdata())), std::vector<customer>>);
static_assert(std::is_same_v<decltype(mod().update(filter{}, cdata())), std::vector<customer>>);

static_assert(std::is_same_v<decltype(mod().update_customer_groups({"g_a", "g_b"}, gdata())),
                             std::vector<customer_group>>);
static_assert(std::is_same_v<decltype(mod().update_customer_groups("g_a", gdata())), customer_group>);
static_assert(std::is_same_v<decltype(mod().update_addresses({"a_a", "a_b"}, adata())),
                             std::vector<customer_address>>);
static_assert(std::is_same_v<decltype(mod().update_addresses("a_a", adata())), customer_address>);

static_assert(std::is_void_v<decltype(mod().delete_customers({"cus_a", "cus_b"}))>);
static_assert(std::is_void_v<decltype(mod().delete_customer_groups({"g_a", "g_b"}))>);
static_assert(std::is_void_v<decltype(mod().delete_addresses({"a_a", "a_b"}))>);
static_assert(std::is_same_v<decltype(mod().soft_delete({"cus_a", "cus_b"})), linkable_ids>);
static_assert(std::is_same_v<decltype(mod().restore({"cus_a", "cus_b"})), linkable_ids>);

static_assert(std::is_same_v<decltype(mod().create(create_customer_dto{})), customer>);
static_assert(std::is_same_v<decltype(mod().create(std::vector<create_customer_dto>{})), std::vector<customer>>);
static_assert(std::is_same_v<decltype(mod().create_customer_group(create_customer_group_dto{})), customer_group>);
static_assert(std::is_same_v<decltype(mod().add_addresses(create_customer_address_dto{})), customer_address>);
static_assert(std::is_same_v<decltype(mod().add_customer_to_group(group_customer_pair{})), std::string>);
static_assert(std::is_same_v<decltype(mod().add_customer_to_group(std::vector<group_customer_pair>{})),
                             std::vector<std::string>>);
static_assert(std::is_same_v<decltype(mod().list_and_count()), list_and_count_result<customer>>);
static_assert(std::is_same_v<list_and_count_result<customer>, std::pair<std::vector<customer>, std::size_t>>);

static_assert(!std::is_copy_constructible_v<customer_module>);
static_assert(!std::is_copy_assignable_v<customer_module>);
static_assert(std::is_constructible_v<customer_module, module_options>);
static_assert(std::is_default_constructible_v<customer_module>);

// ---- patch -----------------------------------------------------------------------------------

static_assert(patch<int>{}.is_unset());
static_assert(!patch<int>{}.is_null());
static_assert(!patch<int>{}.has_value());
static_assert(patch<int>{customerdb::null}.is_null());
static_assert(!patch<int>{customerdb::null}.is_unset());
static_assert(!patch<int>{customerdb::null}.has_value());
static_assert(patch<int>{5}.has_value());
static_assert(!patch<int>{5}.is_unset());
static_assert(!patch<int>{5}.is_null());
static_assert(patch<int>{5}.value() == 5);
static_assert(patch<int>{0}.has_value());  // 0 is a value, not null
static_assert(patch<bool>{false}.has_value());
static_assert(!patch<bool>{false}.value());
static_assert(!patch<int>{customerdb::null}.as_optional().has_value());
static_assert(*patch<int>{7}.as_optional() == 7);
static_assert(patch<int>{5} == patch<int>{5});
static_assert(patch<int>{5} != patch<int>{6});
static_assert(patch<int>{} != patch<int>{customerdb::null});
static_assert(patch<int>{} == patch<int>{});
static_assert(patch<int>{customerdb::null} == patch<int>{customerdb::null});
static_assert(!std::is_constructible_v<patch<int>, std::string>);
static_assert(!std::is_convertible_v<int, null_t>);  // null_t's constructor is explicit
static_assert(std::is_same_v<decltype(customerdb::null), const null_t>);

// ---- id_view ---------------------------------------------------------------------------------

static_assert(id_view("cus_1").defined());
static_assert(id_view("cus_1").value() == "cus_1");
static_assert(id_view("").defined());
static_assert(id_view("").value().empty());
static_assert(id_view(std::string_view("x")).defined());
static_assert(!id_view(nullptr).defined());
static_assert(!id_view(std::nullopt).defined());
static_assert(!id_view(static_cast<const char*>(nullptr)).defined());
static_assert(id_view(static_cast<const char*>(nullptr)).value().empty());
static_assert(!std::is_constructible_v<id_view, const char*, const char*>);
static_assert(std::is_convertible_v<const std::string&, id_view>);

// ---- errors and values -------------------------------------------------------------------------

static_assert(std::is_base_of_v<std::runtime_error, customerdb::error>);
static_assert(std::is_same_v<timestamp, std::chrono::sys_time<std::chrono::milliseconds>>);
static_assert(std::variant_size_v<value> == 7);
static_assert(std::is_same_v<std::variant_alternative_t<6, value>, json_literal>);

}  // namespace

BOOST_AUTO_TEST_SUITE(api)

BOOST_AUTO_TEST_CASE(vector_overload_updates_every_id) {
  customer_module m;
  const auto a = m.create({.first_name = "A"});
  const auto b = m.create({.first_name = "B"});
  const auto c = m.create({.first_name = "C"});
  const auto out = m.update({a.id, b.id}, {.last_name = "X"});
  BOOST_REQUIRE_EQUAL(out.size(), 2u);
  BOOST_CHECK_EQUAL(out[0].id, a.id);
  BOOST_CHECK_EQUAL(out[1].id, b.id);
  BOOST_CHECK_EQUAL(show(m.retrieve(a.id).last_name), "X");
  BOOST_CHECK_EQUAL(show(m.retrieve(b.id).last_name), "X");
  BOOST_CHECK_EQUAL(show(m.retrieve(c.id).last_name), "<null>");

  // With literals the list overload is chosen too: both missing ids are named.
  CUSTOMERDB_CHECK_ERROR(m.update({"cus_a", "cus_b"}, {.last_name = "Y"}), error_code::not_found,
                         R"(Customer with id "cus_a, cus_b" not found)");
  // The single overload names its one id.
  CUSTOMERDB_CHECK_ERROR(m.update("cus_a", {.last_name = "Y"}), error_code::not_found,
                         R"(Customer with id "cus_a" not found)");
}

BOOST_AUTO_TEST_CASE(patch_runtime_states) {
  const patch<std::string> unset;
  BOOST_CHECK(unset.is_unset());
  BOOST_CHECK(!unset.is_null());
  BOOST_CHECK(!unset.has_value());

  const patch<std::string> cleared = customerdb::null;
  BOOST_CHECK(!cleared.is_unset());
  BOOST_CHECK(cleared.is_null());
  BOOST_CHECK(!cleared.has_value());
  BOOST_CHECK(!cleared.as_optional().has_value());

  const patch<std::string> set = "Jane";
  BOOST_CHECK(!set.is_unset());
  BOOST_CHECK(!set.is_null());
  BOOST_REQUIRE(set.has_value());
  BOOST_CHECK_EQUAL(set.value(), "Jane");
  BOOST_CHECK_EQUAL(show(set.as_optional()), "Jane");

  const patch<std::string> empty_string = std::string();
  BOOST_CHECK(empty_string.has_value());
  BOOST_CHECK_EQUAL(empty_string.value(), "");

  const customer_updatable_fields fields{.first_name = "Jane", .phone = customerdb::null};
  BOOST_CHECK(fields.company_name.is_unset());
  BOOST_CHECK(fields.first_name.has_value());
  BOOST_CHECK(fields.last_name.is_unset());
  BOOST_CHECK(fields.phone.is_null());
  BOOST_CHECK(fields.has_account.is_unset());
  BOOST_CHECK(fields.metadata.is_unset());

  const update_customer_address_dto address{.is_default_shipping = false};
  BOOST_REQUIRE(address.is_default_shipping.has_value());
  BOOST_CHECK_EQUAL(address.is_default_shipping.value(), false);
  BOOST_CHECK(address.is_default_billing.is_unset());
}

BOOST_AUTO_TEST_CASE(patch_semantics_in_update) {
  customer_module m;
  const auto c = m.create({.first_name = "John", .company_name = "Acme", .phone = "123"});
  const auto u = m.update(c.id, {.first_name = "Jane", .phone = customerdb::null});
  BOOST_CHECK_EQUAL(show(u.first_name), "Jane");     // value
  BOOST_CHECK_EQUAL(show(u.phone), "<null>");        // null
  BOOST_CHECK_EQUAL(show(u.company_name), "Acme");   // unset: untouched
  const auto u2 = m.update(c.id, {.first_name = std::string()});
  BOOST_CHECK_EQUAL(show(u2.first_name), "");        // empty string is a value, not null
}

BOOST_AUTO_TEST_CASE(id_view_defined_and_errors) {
  const std::string s = "cus_x";
  BOOST_CHECK(id_view(s).defined());
  BOOST_CHECK_EQUAL(id_view(s).value(), "cus_x");
  const char* none = nullptr;
  BOOST_CHECK(!id_view(none).defined());

  customer_module m;
  CUSTOMERDB_CHECK_ERROR(m.retrieve(nullptr), error_code::not_found, "customer - id must be defined");
  CUSTOMERDB_CHECK_ERROR(m.retrieve(std::nullopt), error_code::not_found,
                         "customer - id must be defined");
  CUSTOMERDB_CHECK_ERROR(m.retrieve(none), error_code::not_found, "customer - id must be defined");
  CUSTOMERDB_CHECK_ERROR(m.retrieve(""), error_code::not_found, "Customer with id:  was not found");
  CUSTOMERDB_CHECK_ERROR(m.retrieve("cus_nope"), error_code::not_found,
                         "Customer with id: cus_nope was not found");
  CUSTOMERDB_CHECK_ERROR(m.retrieve_customer_group(nullptr), error_code::not_found,
                         "customerGroup - id must be defined");
  CUSTOMERDB_CHECK_ERROR(m.retrieve_customer_group("cusgroup_nope"), error_code::not_found,
                         "CustomerGroup with id: cusgroup_nope was not found");
}

BOOST_AUTO_TEST_CASE(error_code_names) {
  BOOST_CHECK_EQUAL(to_string(error_code::not_found), "not_found");
  BOOST_CHECK_EQUAL(to_string(error_code::invalid_data), "invalid_data");
  BOOST_CHECK_EQUAL(to_string(error_code::conflict), "conflict");
  BOOST_CHECK_EQUAL(to_string(error_code::not_allowed), "not_allowed");
  BOOST_CHECK_EQUAL(to_string(error_code::io_error), "io_error");
  BOOST_CHECK_EQUAL(to_string(error_code::corruption), "corruption");
}

BOOST_AUTO_TEST_CASE(error_carries_code_and_message) {
  const customerdb::error e(error_code::conflict, "lost a race");
  BOOST_CHECK(e.code() == error_code::conflict);
  BOOST_CHECK_EQUAL(std::string(e.what()), "lost a race");
  try {
    throw customerdb::error(error_code::invalid_data, "bad");
  } catch (const std::runtime_error& caught) {
    BOOST_CHECK_EQUAL(std::string(caught.what()), "bad");
  }
}

BOOST_AUTO_TEST_CASE(value_alternatives) {
  BOOST_CHECK(std::holds_alternative<std::string>(value{"text"}));
  BOOST_CHECK(std::holds_alternative<bool>(value{true}));
  BOOST_CHECK(std::holds_alternative<std::int64_t>(value{42}));
  BOOST_CHECK(std::holds_alternative<double>(value{1.5}));
  BOOST_CHECK(std::holds_alternative<std::nullptr_t>(value{nullptr}));
  BOOST_CHECK(std::holds_alternative<timestamp>(value{timestamp{}}));
}

BOOST_AUTO_TEST_CASE(filter_and_config_defaults) {
  BOOST_CHECK(filter{}.is_all());
  BOOST_CHECK(!(where("email") == "x").is_all());

  const find_config config;
  BOOST_CHECK(config.select.empty());
  BOOST_CHECK(config.relations.empty());
  BOOST_CHECK(!config.skip.has_value());
  BOOST_CHECK(config.take.is_unset());
  BOOST_CHECK(config.order.empty());
  BOOST_CHECK(!config.with_deleted);

  const find_config no_limit{.take = customerdb::null};
  BOOST_CHECK(no_limit.take.is_null());
  const find_config zero{.take = 0};
  BOOST_REQUIRE(zero.take.has_value());
  BOOST_CHECK_EQUAL(zero.take.value(), 0);

  const soft_delete_config sd;
  BOOST_CHECK(!sd.return_linkable_keys.has_value());
}

BOOST_AUTO_TEST_CASE(dto_defaults_and_selection) {
  const customer c;
  BOOST_CHECK(c.has_field("email"));
  BOOST_CHECK(c.has_field("anything"));
  BOOST_CHECK(!c.has_account);
  BOOST_CHECK(!c.groups.has_value());
  BOOST_CHECK(!c.addresses.has_value());
  const customer_address a;
  BOOST_CHECK(!a.is_default_billing);
  BOOST_CHECK(!a.is_default_shipping);
  BOOST_CHECK(!a.customer);

  const field_selection sel({"id", "email"});
  BOOST_CHECK(sel.contains("id"));
  BOOST_CHECK(sel.contains("email"));
  BOOST_CHECK(!sel.contains("first_name"));
  BOOST_CHECK_EQUAL(sel.fields().size(), 2u);

  customer selected;
  selected.selection = std::make_shared<const field_selection>(std::vector<std::string>{"id", "email"});
  BOOST_CHECK(selected.has_field("email"));
  BOOST_CHECK(!selected.has_field("phone"));
}

BOOST_AUTO_TEST_CASE(single_and_array_shapes) {
  manual_clock clock;
  customer_module m{module_options{.clock = clock.function()}};
  const customer one = m.create({.first_name = "One"});
  BOOST_CHECK_EQUAL(one.id.substr(0, 4), "cus_");
  BOOST_CHECK_EQUAL(one.id.size(), 4u + 26u);
  const std::vector<customer> many = m.create(std::vector<create_customer_dto>{{.first_name = "A"}, {.first_name = "B"}});
  BOOST_REQUIRE_EQUAL(many.size(), 2u);
  BOOST_CHECK_EQUAL(show(many[0].first_name), "A");
  BOOST_CHECK_EQUAL(show(many[1].first_name), "B");
  BOOST_CHECK(m.create(std::vector<create_customer_dto>{}).empty());

  const customer_group g = m.create_customer_group({.name = "VIP"});
  BOOST_CHECK_EQUAL(g.id.substr(0, 9), "cusgroup_");
  BOOST_CHECK_EQUAL(g.id.size(), 9u + 26u);

  const linkable_ids deleted = m.soft_delete(std::vector<std::string>{one.id});
  BOOST_REQUIRE_EQUAL(deleted.size(), 1u);
  BOOST_REQUIRE_EQUAL(deleted.at("customer_id").size(), 1u);
  BOOST_CHECK_EQUAL(deleted.at("customer_id")[0], one.id);
  const linkable_ids restored =
      m.restore(std::vector<std::string>{one.id}, {.return_linkable_keys = std::vector<std::string>{"customer_group_id"}});
  BOOST_CHECK(restored.empty());
  BOOST_CHECK(!m.retrieve(one.id).deleted_at.has_value());
}

BOOST_AUTO_TEST_CASE(designated_initializers_pick_the_single_overloads) {
  // The README's and the issue's spelling: one braced input with several string fields.
  customer_module m;
  const customer john = m.create({.email = "john@smith.com", .first_name = "John"});
  BOOST_CHECK_EQUAL(show(john.email), "john@smith.com");
  BOOST_CHECK_EQUAL(show(john.first_name), "John");
  const customer_group g = m.create_customer_group({.name = "VIP", .created_by = "admin"});
  const std::string membership =
      m.add_customer_to_group({.customer_id = john.id, .customer_group_id = g.id});
  BOOST_CHECK_EQUAL(membership.substr(0, 6), "cusgc_");
  // A braced list of inputs picks the batch overloads.
  const std::vector<customer> two = m.create({{.email = "a@x.com"}, {.email = "b@x.com"}});
  BOOST_REQUIRE_EQUAL(two.size(), 2u);
  BOOST_CHECK_EQUAL(show(two[1].email), "b@x.com");
  m.remove_customer_from_group({.customer_id = john.id, .customer_group_id = g.id});
  BOOST_CHECK(m.list_customer_group_customers().empty());
}

BOOST_AUTO_TEST_SUITE_END()
