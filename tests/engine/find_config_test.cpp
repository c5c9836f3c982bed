// Find-config options the query suite does not already assert: order (booleans, ties, nulls,
// directions as SQL reads them), select of dotted paths and relations, nested relations, skip and
// take, with_deleted inside relations; and filters that are no condition (an empty negation or
// field object) or read a time operand as the database does (decision D9; docs/protocol.md).
#include <boost/test/unit_test.hpp>
#include <fmt/format.h>

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "support/query_fixture.hpp"

namespace {

using namespace customerdb;
using namespace customerdb::testing;
using namespace std::chrono_literals;

}  // namespace

BOOST_AUTO_TEST_SUITE(find_config_options)

namespace {

// c1, c2 at t0 (same created_at), c3, c4 at t0 + 1s. c2 and c4 have accounts.
// Phones: c1 "2", c2 null, c3 "1", c4 null. Groups: ga {c1, c2}, gb {c2, c3}.
struct config_fixture : query_fixture {
  customer c1, c2, c3, c4;
  customer_group ga, gb;
  customer_address a1, a3;
  config_fixture() {
    c1 = m.create(dto{.email = "c1@x.com", .first_name = "C1", .phone = "2"});
    c2 = m.create(dto{.email = "c2@x.com", .first_name = "C2", .has_account = true});
    clock.advance(1s);
    c3 = m.create(dto{.email = "c3@x.com", .first_name = "C3", .phone = "1"});
    c4 = m.create(dto{.email = "c4@x.com", .first_name = "C4", .has_account = true});
    ga = m.create_customer_group(group_dto{.name = "A", .created_by = "admin"});
    gb = m.create_customer_group(group_dto{.name = "B"});
    m.add_customer_to_group(std::vector<group_customer_pair>{
        {.customer_id = c1.id, .customer_group_id = ga.id},
        {.customer_id = c2.id, .customer_group_id = ga.id},
        {.customer_id = c2.id, .customer_group_id = gb.id},
        {.customer_id = c3.id, .customer_group_id = gb.id}});
    a1 = m.add_addresses(address_dto{.customer_id = c1.id, .city = "Oslo"});
    a3 = m.add_addresses(address_dto{.customer_id = c3.id, .city = "Rome"});
  }
};

}  // namespace

BOOST_FIXTURE_TEST_CASE(order_by_boolean_and_ties_by_id, config_fixture) {
  using enum sort_direction;
  BOOST_CHECK_EQUAL(found({}, {.order = {{"has_account", asc}}}), join({c1.id, c3.id, c2.id, c4.id}));
  BOOST_CHECK_EQUAL(found({}, {.order = {{"has_account", desc}}}), join({c2.id, c4.id, c1.id, c3.id}));
  // created_at has ties: broken by id ascending in both directions.
  BOOST_CHECK_EQUAL(found({}, {.order = {{"created_at", desc}}}), join({c3.id, c4.id, c1.id, c2.id}));
  BOOST_CHECK_EQUAL(found({}, {.order = {{"created_at", asc}}}), join({c1.id, c2.id, c3.id, c4.id}));
  BOOST_CHECK_EQUAL(found({}, {.order = {{"created_at", desc}, {"has_account", desc}}}),
                    join({c4.id, c3.id, c2.id, c1.id}));
  // Paging over a sorted list.
  BOOST_CHECK_EQUAL(found({}, {.skip = 1, .take = 2, .order = {{"created_at", desc}}}), join({c4.id, c1.id}));
  const auto [rows, count] = m.list_and_count(where("has_account") == true, {.take = 1, .order = {{"created_at", desc}}});
  BOOST_CHECK_EQUAL(join(ids_of(rows)), c4.id);
  BOOST_CHECK_EQUAL(count, 2u);
}

BOOST_FIXTURE_TEST_CASE(order_nullable_field_nulls_first_descending, config_fixture) {
  using enum sort_direction;
  BOOST_CHECK_EQUAL(found({}, {.order = {{"phone", desc}}}), join({c2.id, c4.id, c1.id, c3.id}));
  BOOST_CHECK_EQUAL(found({}, {.order = {{"phone", asc}}}), join({c3.id, c1.id, c2.id, c4.id}));
  BOOST_CHECK_EQUAL(found({}, {.order = {{"phone", desc}, {"id", desc}}}), join({c4.id, c2.id, c1.id, c3.id}));
  BOOST_CHECK_EQUAL(found(where("phone") != nullptr, {.order = {{"phone", desc}}}), join({c1.id, c3.id}));
  // Groups: a null name sorts first descending.
  const auto unnamed = m.create_customer_group(group_dto{});
  BOOST_CHECK_EQUAL(groups({}, {.order = {{"name", desc}}}), join({unnamed.id, gb.id, ga.id}));
  BOOST_CHECK_EQUAL(groups({}, {.order = {{"name", asc}}}), join({ga.id, gb.id, unnamed.id}));
  BOOST_CHECK_EQUAL(addresses({}, {.order = {{"city", desc}}}), join({a3.id, a1.id}));
}

// Medusa drops an empty filter under $not and an empty object on a field: no condition (D25).
// The field's name is still checked.
BOOST_FIXTURE_TEST_CASE(an_empty_negation_or_field_object_is_no_condition, query_fixture) {
  const auto a = m.create(dto{.email = "a@x.com"}).id;
  const auto b = m.create(dto{.email = "b@x.com"}).id;
  const std::string both = join({a, b});
  BOOST_CHECK_EQUAL(found(!filter()), both);
  BOOST_CHECK_EQUAL(found(!filter::all_of({})), both);
  BOOST_CHECK_EQUAL(found(!filter::any_of({filter()})), both);
  BOOST_CHECK_EQUAL(found(where("email") == "a@x.com" && !filter()), a);
  BOOST_CHECK_EQUAL(found(where("email").matches(filter())), both);
  BOOST_CHECK_EQUAL(found(!where("email").matches(filter())), both);
  BOOST_CHECK_EQUAL(found(!(where("email") == "a@x.com")), b);
  CUSTOMERDB_CHECK_ERROR(m.list(where("nickname").matches(filter())), error_code::invalid_data,
                         "Unknown field \"nickname\" for Customer");
  CUSTOMERDB_CHECK_ERROR(m.list(where("email").matches(where("x") == 1)), error_code::invalid_data,
                         "Invalid value for field \"email\" of Customer: expected a value or an operator");
}

// A text operand on a timestamp field is read as Medusa's database reads a timestamptz literal
// in its numeric forms (time_operand.hpp). The customer is created at 2024-05-24T10:00:00.000Z.
BOOST_FIXTURE_TEST_CASE(a_time_operand_is_read_as_the_database_reads_it, query_fixture) {
  const auto c = m.create(dto{.email = "t@x.com"}).id;
  struct probe {
    filter_op op;
    std::string text;
    bool matches;
  };
  using enum filter_op;
  const probe probes[] = {
      {gt, "2024-05-24", true},
      {eq, "2024-5-24 10:00", true},
      {gt, " 2024/05/24t09:59:59.999z ", true},
      {gt, "20240524 10:00:00.001", false},
      {lt, "20240524T10:00:00.001", true},
      {eq, "2024-05-24 12:00+02", true},
      {eq, "2024-05-24T12:00:00+0200", true},
      {eq, "2024-05-24T07:30:00-02:30", true},
      {eq, "2024-05-24 10:00 UTC", true},
      {eq, "2024-05-24 10:00:00 gmt", true},
      {gt, "EPOCH", true},
      {lt, "infinity", true},
      {gt, "Infinity", false},
      {gt, "-infinity", true},
      {lt, "2024-05-23 24:00", false},
      {eq, "2024-05-23T24:00:00Z", false},
      {gt, "2024-05-23T24:00:00Z", true},
      {eq, "2024-05-24 11:00+1", true},
      {eq, "2024-05-24 11:30 +1:30", true},
      {eq, "2024-05-24 11:23 +123", true},
      {eq, "20240524T100000", true},
      {eq, "2024-05-24T1000Z", true},
      {gt, "2024-05-24 095959.999", true},
  };
  for (const auto& p : probes) {
    BOOST_TEST_CONTEXT("created_at " << static_cast<int>(p.op) << " \"" << p.text << "\"") {
      BOOST_CHECK_EQUAL(found(where("created_at").compare(p.op, p.text)), p.matches ? c : "");
    }
  }
  for (const std::string text : {"now Z", "today 10", "May 24 2024", "24/05/2024", "2024-05-24T",
                                 "2024-05-24T24:01", "2024-13-01", "2024-05-24 10:00 +16",
                                 "2024-05-24 10:00 +12345",
                                 "2024-05-24 10", "", "2024-05-24 10:00 CET", "2024-05-24T10000"}) {
    BOOST_TEST_CONTEXT("\"" << text << "\"") {
      CUSTOMERDB_CHECK_ERROR(m.list(where("created_at") > text), error_code::invalid_data,
                             "Invalid value for field \"created_at\" of Customer: expected a "
                             "timestamp or null");
    }
  }
}

// SQL's NULLS FIRST and NULLS LAST (Medusa passes "asc nulls first" to its database): the nulls
// go where the direction says, the values keep their order; also through a relation, where a
// row without related values counts as null.
BOOST_FIXTURE_TEST_CASE(order_places_nulls_where_the_direction_says, config_fixture) {
  using enum sort_direction;
  BOOST_CHECK_EQUAL(found({}, {.order = {{"phone", asc_nulls_first}}}), join({c2.id, c4.id, c3.id, c1.id}));
  BOOST_CHECK_EQUAL(found({}, {.order = {{"phone", desc_nulls_last}}}), join({c1.id, c3.id, c2.id, c4.id}));
  BOOST_CHECK_EQUAL(found({}, {.order = {{"phone", desc_nulls_last}, {"id", desc}}}), join({c1.id, c3.id, c4.id, c2.id}));
  BOOST_CHECK_EQUAL(found({}, {.order = {{"groups.name", asc}}}), join({c1.id, c2.id, c3.id, c4.id}));
  BOOST_CHECK_EQUAL(found({}, {.order = {{"groups.name", asc_nulls_first}}}), join({c4.id, c1.id, c2.id, c3.id}));
  BOOST_CHECK_EQUAL(found({}, {.order = {{"groups.name", desc}}}), join({c4.id, c2.id, c3.id, c1.id}));
  BOOST_CHECK_EQUAL(found({}, {.order = {{"groups.name", desc_nulls_last}}}), join({c2.id, c3.id, c1.id, c4.id}));
}

// The text of a direction as SQL reads it after ORDER BY <column> (parse_sort_direction).
BOOST_AUTO_TEST_CASE(a_direction_is_read_as_sql_reads_it) {
  using enum sort_direction;
  const std::vector<std::pair<std::string, sort_direction>> read = {
      {"ASC", asc},
      {"asc", asc},
      {"Asc", asc},
      {" asc ", asc},
      {"", asc},
      {" \t", asc},
      {"\tdesc\n", desc},
      {"DESC", desc},
      {"dEsC", desc},
      {"DESC NULLS FIRST", desc},
      {"desc nulls last", desc_nulls_last},
      {"asc  nulls\tfirst", asc_nulls_first},
      {"ASC NULLS LAST", asc},
      {"nulls first", asc_nulls_first},
      {"NULLS LAST", asc},
  };
  for (const auto& [text, direction] : read) {
    BOOST_TEST_CONTEXT("\"" << text << "\"") {
      BOOST_TEST((parse_sort_direction(text, "email") == direction));
    }
  }
  for (const std::string text : {"sideways", "DESC NULLS", "nulls", "asc desc", "desc; drop",
                                 "asc nulls first last", "1", "ascending", "nulls first asc",
                                 "asc nulls middle", "asc -- comment"}) {
    BOOST_TEST_CONTEXT("\"" << text << "\"") {
      CUSTOMERDB_CHECK_ERROR(parse_sort_direction(text, "email"), error_code::invalid_data,
                             fmt::format("Invalid order direction \"{}\" for \"email\": expected "
                                         "ASC or DESC, optionally followed by NULLS FIRST or NULLS "
                                         "LAST",
                                         text));
    }
  }
}

BOOST_FIXTURE_TEST_CASE(select_dotted_path_narrows_the_relation, config_fixture) {
  const auto rows = m.list(where("id") == c2.id, {.select = {"email", "groups.name"}, .relations = {"groups"}});
  BOOST_REQUIRE_EQUAL(rows.size(), 1u);
  const auto& c = rows[0];
  BOOST_CHECK(c.has_field("email"));
  BOOST_CHECK_EQUAL(show(c.email), "c2@x.com");
  BOOST_CHECK(!c.has_field("first_name"));
  BOOST_CHECK_EQUAL(show(c.first_name), "<null>");
  BOOST_REQUIRE(c.groups);
  BOOST_CHECK_EQUAL(join(ids_of(*c.groups)), ids({ga.id, gb.id}));
  // The groups keep their id and the fields named (decision D23).
  for (const auto& g : *c.groups) {
    BOOST_CHECK(g.has_field("name"));
    BOOST_CHECK(!g.has_field("created_by"));
    BOOST_CHECK(!g.has_field("created_at"));
    if (g.id == ga.id) {
      BOOST_CHECK_EQUAL(show(g.name), "A");
      BOOST_CHECK_EQUAL(show(g.created_by), "<null>");
    }
  }
  // A dotted path is checked against the related entity.
  CUSTOMERDB_CHECK_ERROR(m.list({}, {.select = {"groups.nickname"}}), error_code::invalid_data,
                         R"(Unknown field "nickname" for CustomerGroup)");
  CUSTOMERDB_CHECK_ERROR(m.list({}, {.select = {"foo.name"}}), error_code::invalid_data,
                         R"(Unknown field "foo" for Customer)");
  CUSTOMERDB_CHECK_ERROR(m.retrieve(c1.id, {.select = {"addresses.nickname"}}), error_code::invalid_data,
                         R"(Unknown field "nickname" for Address)");
}

BOOST_FIXTURE_TEST_CASE(select_of_a_relation_loads_it, config_fixture) {
  const auto c = m.retrieve(c1.id, {.select = {"groups"}});
  BOOST_CHECK_EQUAL(c.id, c1.id);
  BOOST_CHECK(!c.has_field("email"));
  BOOST_REQUIRE(c.groups);
  BOOST_CHECK_EQUAL(join(ids_of(*c.groups)), ga.id);
  BOOST_CHECK_EQUAL(show((*c.groups)[0].name), "A");
  BOOST_CHECK(!c.addresses);

  const auto both = m.list(where("id") == c3.id, {.select = {"first_name", "addresses", "groups"}});
  BOOST_REQUIRE_EQUAL(both.size(), 1u);
  BOOST_CHECK_EQUAL(show(both[0].first_name), "C3");
  BOOST_CHECK(!both[0].has_field("email"));
  BOOST_REQUIRE(both[0].addresses);
  BOOST_CHECK_EQUAL(join(ids_of(*both[0].addresses)), a3.id);
  BOOST_CHECK_EQUAL(show((*both[0].addresses)[0].city), "Rome");
  BOOST_REQUIRE(both[0].groups);
  BOOST_CHECK_EQUAL(join(ids_of(*both[0].groups)), gb.id);

  // A to-one relation comes with its foreign key only (decision D22).
  const auto a = m.list_addresses(where("id") == a1.id, {.select = {"customer", "customer_id"}});
  BOOST_REQUIRE_EQUAL(a.size(), 1u);
  BOOST_CHECK(!a[0].has_field("city"));
  BOOST_REQUIRE(a[0].customer);
  BOOST_CHECK_EQUAL(show(a[0].customer->email), "c1@x.com");
  const auto without_key = m.list_addresses(where("id") == a1.id, {.select = {"customer"}});
  BOOST_CHECK(!without_key.at(0).customer.loaded());

  const auto g = m.retrieve_customer_group(gb.id, {.select = {"customers"}});
  BOOST_CHECK(!g.has_field("name"));
  BOOST_REQUIRE(g.customers);
  BOOST_CHECK_EQUAL(join(ids_of(*g.customers)), ids({c2.id, c3.id}));
}

BOOST_FIXTURE_TEST_CASE(nested_relations_on_groups, config_fixture) {
  const auto g = m.retrieve_customer_group(ga.id, {.relations = {"customers.addresses"}});
  BOOST_REQUIRE(g.customers);
  BOOST_CHECK_EQUAL(join(ids_of(*g.customers)), ids({c1.id, c2.id}));
  for (const auto& c : *g.customers) {
    BOOST_REQUIRE(c.addresses);
    BOOST_CHECK(!c.groups);
    BOOST_CHECK_EQUAL(join(ids_of(*c.addresses)), c.id == c1.id ? a1.id : "");
  }
  // A relation back to the holder's type is dropped, also when asked for (decision D22).
  const auto listed = m.list_customer_groups(where("id") == gb.id, {.relations = {"customers.groups"}});
  BOOST_REQUIRE_EQUAL(listed.size(), 1u);
  BOOST_REQUIRE(listed[0].customers);
  for (const auto& c : *listed[0].customers) BOOST_CHECK(!c.groups);
  // Three levels: membership -> customer -> groups -> customers.
  const auto deep = m.list_customer_group_customers(where("customer_id") == c2.id,
                                                    {.relations = {"customer.groups.customers"}});
  BOOST_REQUIRE_EQUAL(deep.size(), 2u);
  for (const auto& membership : deep) {
    BOOST_REQUIRE(membership.customer);
    BOOST_REQUIRE(membership.customer->groups);
    BOOST_CHECK_EQUAL(join(ids_of(*membership.customer->groups)), ids({ga.id, gb.id}));
    for (const auto& grp : *membership.customer->groups) BOOST_CHECK(!grp.customers);
  }
  CUSTOMERDB_CHECK_ERROR(m.list({}, {.relations = {"groups.foo"}}), error_code::invalid_data,
                         R"(Unknown relation "foo" for CustomerGroup)");
  CUSTOMERDB_CHECK_ERROR(m.retrieve(c1.id, {.relations = {"groups.customers.foo"}}), error_code::invalid_data,
                         R"(Unknown relation "foo" for Customer)");
  CUSTOMERDB_CHECK_ERROR(m.list_customer_groups({}, {.relations = {"customers.foo"}}), error_code::invalid_data,
                         R"(Unknown relation "foo" for Customer)");
  CUSTOMERDB_CHECK_ERROR(m.list_addresses({}, {.relations = {"customer.bar"}}), error_code::invalid_data,
                         R"(Unknown relation "bar" for Customer)");
}

BOOST_FIXTURE_TEST_CASE(skip_beyond_end_and_take_null_with_skip, config_fixture) {
  const auto [rows, count] = m.list_and_count({}, {.skip = 10});
  BOOST_CHECK(rows.empty());
  BOOST_CHECK_EQUAL(count, 4u);
  const auto [rows4, count4] = m.list_and_count({}, {.skip = 4, .take = 2});
  BOOST_CHECK(rows4.empty());
  BOOST_CHECK_EQUAL(count4, 4u);
  const auto [frows, fcount] = m.list_and_count(where("has_account") == true, {.skip = 2});
  BOOST_CHECK(frows.empty());
  BOOST_CHECK_EQUAL(fcount, 2u);
  // Without a limit, skip does nothing (decision D24).
  const std::string all4 = join({c1.id, c2.id, c3.id, c4.id});
  BOOST_CHECK_EQUAL(found({}, {.skip = 1, .take = customerdb::null}), all4);
  BOOST_CHECK_EQUAL(found({}, {.skip = 3, .take = customerdb::null, .order = {{"id", sort_direction::desc}}}),
                    join({c4.id, c3.id, c2.id, c1.id}));
  const auto [nrows, ncount] = m.list_and_count({}, {.skip = 2, .take = customerdb::null});
  BOOST_CHECK_EQUAL(join(ids_of(nrows)), all4);
  BOOST_CHECK_EQUAL(ncount, 4u);
  BOOST_CHECK_EQUAL(found(where("id").in(values_of({c1.id, c2.id, c3.id})), {.skip = 2}),
                    join({c1.id, c2.id, c3.id}));
  BOOST_CHECK_EQUAL(found(where("id").in(values_of({c1.id, c2.id, c3.id})), {.skip = 2, .take = 5}), c3.id);
  BOOST_CHECK_EQUAL(groups({}, {.skip = 5}), "");
  BOOST_CHECK_EQUAL(m.list_and_count_customer_groups({}, {.skip = 5}).second, 2u);
  BOOST_CHECK_EQUAL(m.list_and_count_addresses({}, {.skip = 1, .take = customerdb::null}).first.size(), 2u);
}

BOOST_FIXTURE_TEST_CASE(with_deleted_inside_relations, config_fixture) {
  m.soft_delete_customer_groups(ga.id);
  const auto c = m.retrieve(c2.id, {.relations = {"groups"}});
  BOOST_REQUIRE(c.groups);
  BOOST_CHECK_EQUAL(join(ids_of(*c.groups)), gb.id);
  const auto cw = m.retrieve(c2.id, {.relations = {"groups"}, .with_deleted = true});
  BOOST_REQUIRE(cw.groups);
  BOOST_CHECK_EQUAL(join(ids_of(*cw.groups)), ids({ga.id, gb.id}));
  for (const auto& g : *cw.groups) BOOST_CHECK_EQUAL(g.deleted_at.has_value(), g.id == ga.id);
  const auto listed = m.list(where("id") == c1.id, {.relations = {"groups"}, .with_deleted = true});
  BOOST_REQUIRE_EQUAL(listed.size(), 1u);
  BOOST_REQUIRE(listed[0].groups);
  BOOST_CHECK_EQUAL(join(ids_of(*listed[0].groups)), ga.id);
  // Relation filters see soft-deleted related rows, as a join does (decision D28).
  BOOST_CHECK_EQUAL(found(where("groups") == ga.id), join({c1.id, c2.id}));
  BOOST_CHECK_EQUAL(found(where("groups") == ga.id, {.with_deleted = true}), join({c1.id, c2.id}));
  BOOST_CHECK_EQUAL(found(where("groups").matches(where("name") == "A")), join({c1.id, c2.id}));
  BOOST_CHECK_EQUAL(found(where("groups").matches(where("name") == "A"), {.with_deleted = true}),
                    join({c1.id, c2.id}));
  // A soft-deleted customer inside a loaded relation of a membership row / address.
  m.soft_delete(c1.id);
  const auto addr = m.list_addresses(where("id") == a1.id, {.relations = {"customer"}});
  BOOST_REQUIRE_EQUAL(addr.size(), 1u);
  BOOST_CHECK(!addr[0].customer);
  const auto addr_w = m.list_addresses(where("id") == a1.id, {.relations = {"customer"}, .with_deleted = true});
  BOOST_REQUIRE_EQUAL(addr_w.size(), 1u);
  BOOST_REQUIRE(addr_w[0].customer);
  BOOST_CHECK_EQUAL(addr_w[0].customer->id, c1.id);
}

BOOST_AUTO_TEST_SUITE_END()
