// Medusa v2's interface (customer_module_v2.hpp) on the same store as v1: the rules where v2
// differs from v1 in paging, q, soft deletion, metadata, groups, find configs and messages, each
// checked through both interfaces so that v1 is seen to keep its own.
#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "support/v2_fixture.hpp"

namespace {

using namespace customerdb;
using namespace customerdb::testing;

}  // namespace

BOOST_AUTO_TEST_SUITE(medusa_v2_interface)

// ---- paging ----------------------------------------------------------------------------------

// Medusa pages a query that joins a to-many relation in a subquery ordered by min(column), and
// its database has no min of jsonb: ordering such a page by metadata fails (probed with
// 2.21.2 and 0.0.2). Without take or skip, or without the join, it sorts as jsonb does.
BOOST_FIXTURE_TEST_CASE(a_joined_page_cannot_be_ordered_by_metadata, v2_fixture) {
  const auto a = v2.create_customers(
      create_customer_dto{.email = "a@x.com",
                          .metadata = metadata{{"a", 1}},
                          .addresses = std::vector<create_customer_address_dto>{{.city = "Oslo"}}});
  const filter in_oslo = where("addresses").matches(where("city") == "Oslo");
  const find_config by_metadata{.order = {{"metadata", sort_direction::asc}}};
  const std::string message =
      "Invalid value for order: metadata cannot order a page (take or skip) of rows joined "
      "through a to-many relation, as the database has no least value of jsonb to page by";
  CUSTOMERDB_CHECK_ERROR(v2.list_customers(in_oslo, {.take = 2, .order = by_metadata.order}),
                         error_code::invalid_data, message);
  CUSTOMERDB_CHECK_ERROR(
      v2.list_and_count_customers(in_oslo, {.skip = 1, .order = by_metadata.order}),
      error_code::invalid_data, message);
  CUSTOMERDB_CHECK_ERROR(m.list(in_oslo, by_metadata), error_code::invalid_data,
                         message);  // v1: take 15
  CUSTOMERDB_CHECK_ERROR(
      v2.list_customers({}, {.take = 2, .order = {{"addresses.metadata", sort_direction::asc}}}),
      error_code::invalid_data,
      "Invalid value for order: addresses.metadata cannot order a page (take or skip) of rows "
      "joined through a to-many relation, as the database has no least value of jsonb to page by");
  BOOST_CHECK_EQUAL(v2.list_customers(in_oslo, by_metadata).size(), 1u);
  BOOST_CHECK_EQUAL(v2.list_customers(in_oslo, {.take = 0, .order = by_metadata.order}).size(), 0u);
  BOOST_CHECK_EQUAL(v2.list_customers({}, {.take = 2, .order = by_metadata.order}).front().id,
                    a.id);
  BOOST_CHECK_EQUAL(
      v2.list_customer_addresses(where("customer").matches(where("email") == "a@x.com"),
                                 {.take = 2, .order = by_metadata.order})
          .size(),
      1u);
}

// A JSON array or object as the metadata column's operand: Medusa 2.x's database compares the
// column with it as jsonb (an equal object whatever its key order; objects by key count, then
// pair by pair; an object follows every array and scalar), with SQL's NULL rules. Medusa 1.x
// reads an object's keys as fields and fails; `{}` and arrays it compares as 2.x does. The
// expected rows are Medusa's answers (probed with 2.21.2 and 0.0.2).
BOOST_FIXTURE_TEST_CASE(metadata_column_compares_with_documents_as_jsonb, v2_fixture) {
  const auto doc = [](const char* text) { return json_literal(boost::json::parse(text)); };
  const auto a = v2.create_customers(create_customer_dto{.id = "cus_a", .metadata = metadata{{"a", "1"}, {"b", "2"}}});
  const auto b = v2.create_customers(create_customer_dto{.id = "cus_b", .metadata = metadata{{"a", "2"}}});
  v2.create_customers(create_customer_dto{.id = "cus_c"});
  const auto d = v2.create_customers(create_customer_dto{.id = "cus_d", .metadata = metadata{}});
  const auto ids = [&](const filter& f) {
    std::string out;
    for (const auto& c : v2.list_customers(f, {.select = {"id"}})) out += (out.empty() ? "" : ",") + c.id;
    return out;
  };
  const filter md_eq_b = where("metadata") == doc(R"({"a": "2"})");
  BOOST_CHECK_EQUAL(ids(md_eq_b), b.id);
  BOOST_CHECK_EQUAL(ids(where("metadata") == doc(R"({"b": "2", "a": "1"})")), a.id);
  BOOST_CHECK_EQUAL(ids(where("metadata") != doc(R"({"a": "2"})")), "cus_a,cus_d");
  BOOST_CHECK_EQUAL(ids(where("metadata") > doc(R"({"a": "1"})")), "cus_a,cus_b");
  BOOST_CHECK_EQUAL(ids(where("metadata") < doc(R"({"a": "2"})")), d.id);
  BOOST_CHECK_EQUAL(ids(where("metadata") == doc("{}")), d.id);
  BOOST_CHECK_EQUAL(ids(where("metadata") != doc("{}")), "cus_a,cus_b");
  BOOST_CHECK_EQUAL(ids(where("metadata").in({doc(R"({"a": "2"})"), nullptr})), b.id);
  BOOST_CHECK_EQUAL(ids(where("metadata").not_in({doc(R"({"a": "2"})")})), "cus_a,cus_d");
  BOOST_CHECK_EQUAL(ids(where("metadata").not_in({doc(R"({"a": "2"})"), nullptr})), "");
  BOOST_CHECK_EQUAL(ids(where("metadata") == doc("[1]")), "");
  BOOST_CHECK_EQUAL(ids(where("metadata") > doc("[1]")), "cus_a,cus_b,cus_d");
  // An object with more keys is not equal, and follows.
  BOOST_CHECK_EQUAL(ids(where("metadata") == doc(R"({"b": "2", "a": "1", "c": 1})")), "");
  BOOST_CHECK_EQUAL(ids(where("metadata") >= doc(R"({"a": "9"})")), a.id);
  // Medusa 1.x's interface fails on an object with keys (its keys read as fields); `{}` and
  // arrays compare.
  CUSTOMERDB_CHECK_ERROR(
      m.list(md_eq_b), error_code::invalid_data,
      R"(Invalid value for field "metadata" of Customer: expected an operand other than an object )"
      R"(with keys, which this interface reads as fields ("a"))");
  CUSTOMERDB_CHECK_ERROR(
      m.list(where("addresses").matches(where("metadata").in({doc(R"({"k": 1})")}))),
      error_code::invalid_data,
      R"(Invalid value for field "metadata" of Address: expected an operand other than an object )"
      R"(with keys, which this interface reads as fields ("k"))");
  BOOST_CHECK_EQUAL(m.list(where("metadata") == doc("{}")).size(), 1u);
  // Only the metadata column takes a document.
  CUSTOMERDB_CHECK_ERROR(v2.list_customers(where("email") == doc("[1]")), error_code::invalid_data,
                         R"(Invalid value for field "email" of Customer: expected a string or null)");
  CUSTOMERDB_CHECK_ERROR(
      v2.list_customers(where("metadata").matches(where("a") == doc("{}"))), error_code::invalid_data,
      R"(Invalid value for field "metadata.a" of Customer: expected a scalar operand (an array or )"
      R"(object compares only with the whole metadata column))");
}

BOOST_FIXTURE_TEST_CASE(lists_have_no_default_take, v2_fixture) {
  const auto ids = customers(20);
  BOOST_CHECK_EQUAL(v2.list_customers().size(), 20u);
  BOOST_CHECK_EQUAL(m.list().size(), 15u);  // v1 keeps its default take of 15
  const auto [page, count] = v2.list_and_count_customers({}, {.take = null});
  BOOST_CHECK_EQUAL(page.size(), 20u);
  BOOST_CHECK_EQUAL(count, 20u);
  BOOST_CHECK(v2.list_customers({}, {.take = 0}).empty());
  BOOST_CHECK_EQUAL(v2.list_and_count_customers({}, {.take = 0}).second, 20u);
}

BOOST_FIXTURE_TEST_CASE(skip_applies_without_take, v2_fixture) {
  const auto ids = customers(20);
  BOOST_CHECK(ids_of(v2.list_customers({}, {.skip = 15})) == strings(ids.begin() + 15, ids.end()));
  BOOST_CHECK_EQUAL(v2.list_customers({}, {.skip = 2, .take = null}).size(), 18u);
  // v1: skip needs a limit (D24).
  BOOST_CHECK_EQUAL(m.list({}, {.skip = 2, .take = null}).size(), 20u);
  CUSTOMERDB_CHECK_ERROR(v2.list_customers({}, {.take = -1}), error_code::invalid_data,
                         "Invalid value for take: -1");
  CUSTOMERDB_CHECK_ERROR(v2.list_customers({}, {.skip = -1}), error_code::invalid_data,
                         "Invalid value for skip: -1");
}

// ---- q -----------------------------------------------------------------------------------------

BOOST_FIXTURE_TEST_CASE(q_words_must_all_match, v2_fixture) {
  const auto john =
      v2.create_customers(create_customer_dto{.first_name = "John", .last_name = "Doe"});
  const auto jane =
      v2.create_customers(create_customer_dto{.first_name = "Jane", .last_name = "Smith"});
  BOOST_CHECK(ids_of(v2.list_customers(search("john doe"))) == strings{john.id});
  BOOST_CHECK(ids_of(v2.list_customers(search("  DOE\tjohn "))) == strings{john.id});
  BOOST_CHECK(v2.list_customers(search("john smith")).empty());
  BOOST_CHECK_EQUAL(v2.list_customers(search(" \t ")).size(), 2u);  // no word: no condition
  // With other conditions, counted too.
  const auto [rows, count] =
      v2.list_and_count_customers(search("j") && where("last_name") == "Smith", {.take = 0});
  BOOST_CHECK(rows.empty());
  BOOST_CHECK_EQUAL(count, 1u);
  // Each word is literal (D16): % and _ are ordinary characters.
  BOOST_CHECK(v2.list_customers(search("j%n")).empty());
  // v1: the whole text is one substring.
  BOOST_CHECK(m.list(search("john doe")).empty());
  // In an update selector too.
  BOOST_CHECK(ids_of(v2.update_customers(search("doe john"), {.phone = "1"})) == strings{john.id});
}

// ---- soft deletion -------------------------------------------------------------------------

BOOST_FIXTURE_TEST_CASE(deleted_at_condition_does_not_show_deleted_rows, v2_fixture) {
  const auto ids = customers(2);
  v2.soft_delete_customers(strings{ids[0]});
  BOOST_CHECK(v2.list_customers(where("deleted_at") != nullptr).empty());
  BOOST_CHECK(ids_of(v2.list_customers(where("deleted_at") != nullptr, {.with_deleted = true})) ==
              strings{ids[0]});
  // v1 (D28): the condition alone shows them.
  BOOST_CHECK(ids_of(m.list(where("deleted_at") != nullptr)) == strings{ids[0]});
}

BOOST_FIXTURE_TEST_CASE(delete_selector_deletes_soft_deleted_rows, v2_fixture) {
  const auto ids = customers(3);
  v2.soft_delete_customers(strings{ids[0]});
  m.delete_customers(filter{});  // v1: live rows only
  BOOST_CHECK(ids_of(m.list({}, {.with_deleted = true})) == strings{ids[0]});
  v2.create_customers(create_customer_dto{.first_name = "more"});
  v2.delete_customers(filter{});
  BOOST_CHECK(m.list({}, {.with_deleted = true}).empty());
}

BOOST_FIXTURE_TEST_CASE(a_restore_names_the_first_conflicting_row_in_the_order_given, v2_fixture) {
  // Medusa names the row its database writes first (its fetch order: D13); customerdb the first
  // of the ids given whose restore would break the rule.
  const auto a = v2.create_customers(create_customer_dto{.email = "a@x.y"}).id;
  const auto b = v2.create_customers(create_customer_dto{.email = "b@x.y"}).id;
  v2.soft_delete_customers(strings{a, b});
  v2.create_customers(create_customer_dto{.email = "a@x.y"});
  v2.create_customers(create_customer_dto{.email = "b@x.y"});
  CUSTOMERDB_CHECK_ERROR(v2.restore_customers(strings{b, a}), error_code::invalid_data,
                         "Customer with email: b@x.y, has_account: false, already exists.");
  CUSTOMERDB_CHECK_ERROR(v2.restore_customers(strings{a, b}), error_code::invalid_data,
                         "Customer with email: a@x.y, has_account: false, already exists.");
  BOOST_CHECK_EQUAL(v2.list_customers().size(), 2u);  // neither restored
}

BOOST_FIXTURE_TEST_CASE(a_missing_single_id_names_no_row_where_medusa_v2_reads_it_so, v2_fixture) {
  const auto ids = customers(1);
  v2.create_customer_groups(create_customer_group_dto{.name = "g"});
  v2.create_customer_addresses(create_customer_address_dto{.customer_id = ids[0]});
  const id_view none(nullptr);
  // Medusa v2: delete does nothing; softDelete and restore answer {}.
  v2.delete_customers(none);
  v2.delete_customer_groups(none);
  v2.delete_customer_addresses(none);
  v2.delete_customer_group_customers(none);
  BOOST_CHECK(v2.soft_delete_customers(none).empty());
  BOOST_CHECK(v2.restore_customers(std::nullopt).empty());
  BOOST_CHECK(v2.soft_delete_customer_groups(none).empty());
  BOOST_CHECK(v2.soft_delete_customer_addresses(none).empty());
  BOOST_CHECK(v2.restore_customer_group_customers(none).empty());
  BOOST_CHECK_EQUAL(v2.list_customers().size(), 1u);
  BOOST_CHECK_EQUAL(v2.list_customer_groups().size(), 1u);
  BOOST_CHECK_EQUAL(v2.list_customer_addresses().size(), 1u);
  // Medusa's updates fail on it with a TypeError: refused as retrieve refuses it.
  CUSTOMERDB_CHECK_ERROR(v2.update_customer_addresses(none, {}), error_code::not_found,
                         "customerAddress - id must be defined");
  CUSTOMERDB_CHECK_ERROR(v2.update_customers(none, {}), error_code::not_found,
                         "customer - id must be defined");
  CUSTOMERDB_CHECK_ERROR(v2.update_customer_groups(none, {}), error_code::not_found,
                         "customerGroup - id must be defined");
  // v1 refuses it in every single-id call.
  CUSTOMERDB_CHECK_ERROR(m.soft_delete(none), error_code::not_found,
                         "customer - id must be defined");
}

BOOST_FIXTURE_TEST_CASE(soft_delete_and_restore_take_a_selector, v2_fixture) {
  const auto a = v2.create_customers(create_customer_dto{.email = "a@x.y", .first_name = "A"}).id;
  const auto b = v2.create_customers(create_customer_dto{.email = "b@x.y", .first_name = "A"}).id;
  const auto c = v2.create_customers(create_customer_dto{.email = "c@x.y", .first_name = "C"}).id;
  v2.soft_delete_customers(b);
  // A soft delete takes the live rows the selector matches; a restore the deleted ones too.
  BOOST_CHECK(v2.soft_delete_customers(where("first_name") == "A") ==
              (linkable_ids{{"customer_id", {a}}}));
  BOOST_CHECK(v2.restore_customers(where("first_name") == "A") ==
              (linkable_ids{{"customer_id", {a, b}}}));
  BOOST_CHECK_EQUAL(v2.list_customers().size(), 3u);
  BOOST_CHECK(v2.soft_delete_customers(filter{}) == (linkable_ids{{"customer_id", {a, b, c}}}));
  BOOST_CHECK(v2.list_customers().empty());
  // q is refused, as in a delete selector.
  CUSTOMERDB_CHECK_ERROR(v2.restore_customers(search("a")), error_code::invalid_data,
                         "Trying to query by not existing property Customer.q");
  CUSTOMERDB_CHECK_ERROR(v2.restore_customers(where("nickname") == "a"), error_code::invalid_data,
                         "Trying to query by not existing property Customer.nickname");
}

// ---- metadata ------------------------------------------------------------------------------

BOOST_FIXTURE_TEST_CASE(metadata_merges_shallowly, v2_fixture) {
  const auto c = v2.create_customers(create_customer_dto{
      .metadata = metadata{{"n", metadata{{"x", 1}, {"y", 2}}}, {"d", "gone"}, {"a", 1}}});
  const auto u = v2.update_customers(
      c.id, {.metadata = metadata{{"n", metadata{{"z", 3}}}, {"d", ""}, {"b", nullptr}}});
  check_metadata(u.metadata, metadata{{"n", metadata{{"z", 3}}}, {"a", 1}, {"b", nullptr}});
  check_metadata(m.retrieve(c.id).metadata, *u.metadata);
  // {} changes nothing, so updated_at stays.
  clock.advance(std::chrono::milliseconds(5));
  const auto same = v2.update_customers(c.id, {.metadata = metadata{}});
  BOOST_CHECK_EQUAL(ms(same.updated_at), ms(u.updated_at));
  // v1 (D10): deep merge, "" stored.
  const auto v1 = m.update(c.id, {.metadata = metadata{{"n", metadata{{"w", 4}}}, {"e", ""}}});
  check_metadata(
      v1.metadata,
      metadata{{"n", metadata{{"z", 3}, {"w", 4}}}, {"a", 1}, {"b", nullptr}, {"e", ""}});
  // Groups and addresses merge the same way.
  const auto g = v2.create_customer_groups(
      create_customer_group_dto{.name = "VIP", .metadata = metadata{{"k", "v"}}});
  check_metadata(v2.update_customer_groups(g.id, {.metadata = metadata{{"k", ""}}}).metadata,
                 metadata{});
  const auto a = v2.create_customer_addresses(
      create_customer_address_dto{.customer_id = c.id, .metadata = metadata{{"k", "v"}}});
  check_metadata(v2.update_customer_addresses(a.id, {.metadata = metadata{{"k", ""}}}).metadata,
                 metadata{});
}

// ---- groups --------------------------------------------------------------------------------

BOOST_FIXTURE_TEST_CASE(group_name_is_required, v2_fixture) {
  CUSTOMERDB_CHECK_ERROR(v2.create_customer_groups(create_customer_group_dto{}),
                         error_code::invalid_data,
                         "Value for CustomerGroup.name is required, 'undefined' found");
  CUSTOMERDB_CHECK_ERROR(v2.create_customer_groups(
                             {create_customer_group_dto{.name = "A"}, create_customer_group_dto{}}),
                         error_code::invalid_data,
                         "Value for CustomerGroup.name is required, 'undefined' found");
  BOOST_CHECK(v2.list_customer_groups().empty());  // nothing created
  const auto g = v2.create_customer_groups(create_customer_group_dto{.name = "VIP"});
  CUSTOMERDB_CHECK_ERROR(v2.update_customer_groups(g.id, {.name = null}), error_code::invalid_data,
                         "You must pass a non-null value to the property name of entity "
                         "CustomerGroup.");
  BOOST_CHECK_EQUAL(m.retrieve_customer_group(g.id).name, "VIP");
  // v1 allows a group without a name.
  BOOST_CHECK(!m.create_customer_group(create_customer_group_dto{}).name);
  BOOST_CHECK(!m.update_customer_groups(g.id, {.name = null}).name);
}

// ---- find config ---------------------------------------------------------------------------

BOOST_FIXTURE_TEST_CASE(unknown_select_and_relations_are_dropped, v2_fixture) {
  const auto ids = customers(1);
  const auto c = v2.retrieve_customer(
      ids[0], {.select = {"id", "nickname"}, .relations = {"friends", "groups"}});
  BOOST_CHECK(c.selection);
  BOOST_CHECK(c.has_field("id"));
  BOOST_CHECK(!c.has_field("first_name"));
  BOOST_CHECK(c.groups && c.groups->empty());
  BOOST_CHECK_EQUAL(v2.list_customers({}, {.select = {"nickname"}}).size(), 1u);
  // v1 (D11): invalid_data.
  BOOST_CHECK_THROW(m.retrieve(ids[0], {.select = {"nickname"}}), error);
  BOOST_CHECK_THROW(m.list({}, {.relations = {"friends"}}), error);
}

// ---- messages ----------------------------------------------------------------------------------

BOOST_FIXTURE_TEST_CASE(unknown_keys_are_worded_as_medusa_v2_words_them, v2_fixture) {
  CUSTOMERDB_CHECK_ERROR(v2.list_customers(where("nickname") == "x"), error_code::invalid_data,
                         "Trying to query by not existing property Customer.nickname");
  CUSTOMERDB_CHECK_ERROR(v2.update_customers(where("nickname") == "x", {}),
                         error_code::invalid_data,
                         "Trying to query by not existing property Customer.nickname");
  CUSTOMERDB_CHECK_ERROR(v2.list_customer_addresses(where("nickname") == "x"),
                         error_code::invalid_data,
                         "Trying to query by not existing property CustomerAddress.nickname");
  CUSTOMERDB_CHECK_ERROR(v2.list_customers({}, {.order = {{"nickname", sort_direction::asc}}}),
                         error_code::invalid_data,
                         "Trying to order by not existing property Customer.nickname");
  CUSTOMERDB_CHECK_ERROR(v2.list_customer_addresses({}, {.order = {{"x", sort_direction::asc}}}),
                         error_code::invalid_data,
                         "Trying to order by not existing property CustomerAddress.x");
  // q in a delete selector (D27) or below the top level, a blank one too (it is no word, but
  // must not turn the selector into "every row").
  v2.create_customers(create_customer_dto{.email = "kept@x.y"});
  CUSTOMERDB_CHECK_ERROR(v2.delete_customers(search("a")), error_code::invalid_data,
                         "Trying to query by not existing property Customer.q");
  CUSTOMERDB_CHECK_ERROR(v2.delete_customers(search("")), error_code::invalid_data,
                         "Trying to query by not existing property Customer.q");
  CUSTOMERDB_CHECK_ERROR(v2.delete_customer_groups(search("   ")), error_code::invalid_data,
                         "Trying to query by not existing property CustomerGroup.q");
  BOOST_CHECK_EQUAL(v2.list_customers().size(), 1u);
  CUSTOMERDB_CHECK_ERROR(v2.list_customers(filter::any_of({search("a"), where("email") == "b"})),
                         error_code::invalid_data,
                         "Trying to query by not existing property Customer.q");
  // v1 keeps its own texts.
  CUSTOMERDB_CHECK_ERROR(m.list(where("nickname") == "x"), error_code::invalid_data,
                         "Unknown field \"nickname\" for Customer");
  BOOST_CHECK_EQUAL(v2.list_customers({}, {.order = {{"email", sort_direction::desc}}}).size(), 1u);
}

BOOST_FIXTURE_TEST_CASE(unknown_keys_of_addresses_and_sub_filters_are_worded_as_v2, v2_fixture) {
  // A misplaced q in a filter of addresses, and an unknown key in a relation's sub-filter.
  CUSTOMERDB_CHECK_ERROR(v2.delete_customer_addresses(search("a")), error_code::invalid_data,
                         "Trying to query by not existing property CustomerAddress.q");
  CUSTOMERDB_CHECK_ERROR(v2.list_customers(where("addresses").matches(where("nickname") == "x")),
                         error_code::invalid_data,
                         "Trying to query by not existing property CustomerAddress.nickname");
  // v1 keeps its own texts.
  CUSTOMERDB_CHECK_ERROR(m.delete_addresses(search("a")), error_code::invalid_data,
                         "Filter key \"q\" is not accepted in a selector that deletes Address");
  CUSTOMERDB_CHECK_ERROR(m.list(where("addresses").matches(where("nickname") == "x")),
                         error_code::invalid_data, "Unknown field \"nickname\" for Address");
}

BOOST_FIXTURE_TEST_CASE(a_select_of_unknown_entries_only_returns_the_id_alone, v2_fixture) {
  const auto ids = customers(1);
  const auto only_id = [&](const customer& c) {
    BOOST_TEST(c.id == ids[0]);
    BOOST_TEST(c.has_field("id"));
    BOOST_TEST(!c.has_field("email"));
    BOOST_TEST(!c.has_field("first_name"));
  };
  only_id(v2.retrieve_customer(ids[0], {.select = {"nickname"}}));
  only_id(v2.list_customers({}, {.select = {"nickname", "orders.total"}}).at(0));
  // With a known entry beside them, that entry.
  const auto with_email = v2.list_customers({}, {.select = {"nickname", "email"}}).at(0);
  BOOST_TEST(with_email.has_field("email"));
  BOOST_TEST(!with_email.has_field("first_name"));
}

BOOST_FIXTURE_TEST_CASE(an_unknown_key_with_a_quote_is_worded_as_v2, v2_fixture) {
  // A key holding a `"`, at the top level and in a relation's sub-filter.
  CUSTOMERDB_CHECK_ERROR(v2.list_customers(where("a\"b") == "x"), error_code::invalid_data,
                         "Trying to query by not existing property Customer.a\"b");
  CUSTOMERDB_CHECK_ERROR(v2.list_customers(where("addresses").matches(where("a\" for b") == "x")),
                         error_code::invalid_data,
                         "Trying to query by not existing property CustomerAddress.a\" for b");
}

BOOST_AUTO_TEST_SUITE_END()
