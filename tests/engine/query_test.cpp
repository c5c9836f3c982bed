// Tests of filters and find configs as seen through list / list_and_count (docs/protocol.md and
// decisions D9, D11, D12, D13, D16, D17).
#include <boost/test/unit_test.hpp>

#include <algorithm>
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

// Four customers created one second apart, from 2024-05-24T10:00:00.000Z:
//   john  John / Doe,   john@doe.com, Acme, 555-1000, has_account
//   jane  Jane / Doe,   jane@doe.com, Globex
//   anon  null / Smith, anon@x.com
//   bob   Bob / null,   null e-mail,  "100% Cotton"
// Groups: VIP {john, jane}, Regular {jane, bob}.
struct fixture {
  manual_clock clock;
  customer_module m{module_options{.clock = clock.function()}};
  customer john, jane, anon, bob;
  customer_group vip, regular;

  fixture() {
    john = m.create({.email = "john@doe.com", .first_name = "John", .last_name = "Doe", .company_name = "Acme", .phone = "555-1000", .has_account = true});
    clock.advance(std::chrono::seconds{1});
    jane = m.create(
        {.email = "jane@doe.com", .first_name = "Jane", .last_name = "Doe", .company_name = "Globex"});
    clock.advance(std::chrono::seconds{1});
    // Two string literals alone are ambiguous with vector's iterator-pair constructor on GCC 12.
    anon = m.create(create_customer_dto{.email = "anon@x.com", .last_name = "Smith"});
    clock.advance(std::chrono::seconds{1});
    bob = m.create(create_customer_dto{.first_name = "Bob", .company_name = "100% Cotton"});
    clock.advance(std::chrono::seconds{1});
    vip = m.create_customer_group({.name = "VIP"});
    regular = m.create_customer_group({.name = "Regular"});
    m.add_customer_to_group(std::vector<group_customer_pair>{
        {.customer_id = john.id, .customer_group_id = vip.id},
        {.customer_id = jane.id, .customer_group_id = vip.id},
        {.customer_id = bob.id, .customer_group_id = regular.id},
        {.customer_id = jane.id, .customer_group_id = regular.id}});
  }

  std::string found(const filter& f, const find_config& config = {}) {
    return join(ids_of(m.list(f, config)));
  }
  std::string ids(std::vector<std::string> v) { return join(sorted(std::move(v))); }
};

// Twenty customers, for paging.
struct many_fixture {
  manual_clock clock;
  customer_module m{module_options{.clock = clock.function()}};
  std::vector<std::string> all;  // ids, ascending

  many_fixture() {
    for (int i = 0; i < 20; ++i) {
      all.push_back(m.create({.first_name = "N" + std::to_string(i)}).id);
    }
    std::sort(all.begin(), all.end());
  }
  std::vector<std::string> slice(std::size_t from, std::size_t to) const {
    return {all.begin() + static_cast<std::ptrdiff_t>(from), all.begin() + static_cast<std::ptrdiff_t>(to)};
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(query)

// ---- filters -----------------------------------------------------------------------------

BOOST_FIXTURE_TEST_CASE(empty_filter_lists_all_by_id, fixture) {
  BOOST_CHECK_EQUAL(found({}), ids({john.id, jane.id, anon.id, bob.id}));
  // Creation order is id order (D15).
  BOOST_CHECK_EQUAL(found({}), join({john.id, jane.id, anon.id, bob.id}));
}

BOOST_FIXTURE_TEST_CASE(equality, fixture) {
  BOOST_CHECK_EQUAL(found(where("email") == "john@doe.com"), john.id);
  BOOST_CHECK_EQUAL(found(where("email") == "JOHN@doe.com"), "");  // case-sensitive
  BOOST_CHECK_EQUAL(found(where("last_name") == "Doe"), ids({john.id, jane.id}));
  BOOST_CHECK_EQUAL(found(where("has_account") == true), john.id);
  BOOST_CHECK_EQUAL(found(where("has_account") == false), ids({jane.id, anon.id, bob.id}));
  BOOST_CHECK_EQUAL(found(where("id") == jane.id), jane.id);
}

BOOST_FIXTURE_TEST_CASE(in_list, fixture) {
  BOOST_CHECK_EQUAL(found(where("first_name").in({"John", "Bob", "Nobody"})), ids({john.id, bob.id}));
  BOOST_CHECK_EQUAL(found(where("id").in({anon.id, john.id, anon.id})), ids({john.id, anon.id}));
  BOOST_CHECK_EQUAL(found(where("email").in({})), "");
  BOOST_CHECK_EQUAL(found(where("first_name").compare(filter_op::in, std::vector<value>{"Jane"})),
                    jane.id);
}

BOOST_FIXTURE_TEST_CASE(null_and_not_null, fixture) {
  BOOST_CHECK_EQUAL(found(where("first_name").is_null()), anon.id);
  BOOST_CHECK_EQUAL(found(where("first_name") == nullptr), anon.id);
  BOOST_CHECK_EQUAL(found(where("email") == nullptr), bob.id);
  BOOST_CHECK_EQUAL(found(where("first_name") != nullptr), ids({john.id, jane.id, bob.id}));
  BOOST_CHECK_EQUAL(found(where("first_name").is_not_null()), ids({john.id, jane.id, bob.id}));
  BOOST_CHECK_EQUAL(found(where("last_name") != nullptr), ids({john.id, jane.id, anon.id}));
}

BOOST_FIXTURE_TEST_CASE(and_or_nested, fixture) {
  BOOST_CHECK_EQUAL(found(filter::any_of({where("first_name") == "John", where("last_name") == "Smith"})),
                    ids({john.id, anon.id}));
  BOOST_CHECK_EQUAL(
      found(filter::all_of({where("last_name") == "Doe",
                            filter::any_of({where("first_name") == "Jane",
                                            where("company_name") == "Acme"})})),
      ids({john.id, jane.id}));
  BOOST_CHECK_EQUAL(found(filter::all_of({where("last_name") == "Doe",
                                          filter::any_of({where("first_name") == "Jane",
                                                          where("company_name") == "Initech"})})),
                    jane.id);
  BOOST_CHECK_EQUAL(found(where("last_name") == "Doe" && where("first_name") == "Jane"), jane.id);
  BOOST_CHECK_EQUAL(found(where("first_name") == "Bob" || where("email") == "anon@x.com"),
                    ids({anon.id, bob.id}));
  BOOST_CHECK_EQUAL(
      found((where("first_name") == "Bob" || where("first_name") == "John") && where("has_account") == true),
      john.id);
  BOOST_CHECK_EQUAL(found(filter::all_of({})), ids({john.id, jane.id, anon.id, bob.id}));
  // An $or with no filters is no condition (decision D25).
  BOOST_CHECK_EQUAL(found(filter::any_of({})), ids({john.id, jane.id, anon.id, bob.id}));
}

BOOST_FIXTURE_TEST_CASE(not_operator, fixture) {
  BOOST_CHECK_EQUAL(found(!(where("first_name") == "John" || where("first_name") == "Jane")),
                    bob.id);  // anon's NULL first_name is unknown, so NOT(...) is unknown too
  BOOST_CHECK_EQUAL(found(!(where("has_account") == true)), ids({jane.id, anon.id, bob.id}));
  BOOST_CHECK_EQUAL(found(!where("first_name").is_null()), ids({john.id, jane.id, bob.id}));
}

BOOST_FIXTURE_TEST_CASE(three_valued_logic, fixture) {
  // != does not match NULL.
  BOOST_CHECK_EQUAL(found(where("first_name") != "John"), ids({jane.id, bob.id}));
  BOOST_CHECK_EQUAL(found(where("first_name").not_in({"John"})), ids({jane.id, bob.id}));
  BOOST_CHECK_EQUAL(found(where("last_name") > "A"), ids({john.id, jane.id, anon.id}));
  BOOST_CHECK_EQUAL(found(where("email") != "john@doe.com"), ids({jane.id, anon.id}));
}

BOOST_FIXTURE_TEST_CASE(like_ilike_regex, fixture) {
  BOOST_CHECK_EQUAL(found(where("first_name").like("J%")), ids({john.id, jane.id}));
  BOOST_CHECK_EQUAL(found(where("first_name").like("j%")), "");
  BOOST_CHECK_EQUAL(found(where("first_name").ilike("j%")), ids({john.id, jane.id}));
  BOOST_CHECK_EQUAL(found(where("first_name").like("J_hn")), john.id);
  BOOST_CHECK_EQUAL(found(where("first_name").like("J_n")), "");
  BOOST_CHECK_EQUAL(found(where("first_name").matches_regex("^J.n")), jane.id);
}

BOOST_FIXTURE_TEST_CASE(created_at_comparisons, fixture) {
  const timestamp t0 = manual_clock::start();
  BOOST_CHECK_EQUAL(found(where("created_at") == t0), john.id);
  BOOST_CHECK_EQUAL(found(where("created_at") > t0), ids({jane.id, anon.id, bob.id}));
  BOOST_CHECK_EQUAL(found(where("created_at") <= t0 + std::chrono::seconds{1}), ids({john.id, jane.id}));
  BOOST_CHECK_EQUAL(found(where("created_at") >= "2024-05-24T10:00:02.000Z"), ids({anon.id, bob.id}));
  BOOST_CHECK_EQUAL(found(where("created_at") < "2024-05-24T10:00:01.000Z"), john.id);
  BOOST_CHECK_EQUAL(found(where("created_at") == "2024-05-24T10:00:03.000Z"), bob.id);
  BOOST_CHECK_EQUAL(found(where("created_at") > "2024-05-24T12:00:01.500+02:00"), ids({anon.id, bob.id}));
  BOOST_CHECK_EQUAL(found(where("created_at") >= "2024-05-25"), "");
  BOOST_CHECK_EQUAL(found(where("created_at") > "2024-05-24T10:00:00.000Z" &&
                          where("created_at") < "2024-05-24T10:00:03.000Z"),
                    ids({jane.id, anon.id}));
}

BOOST_FIXTURE_TEST_CASE(relation_filters_on_groups, fixture) {
  BOOST_CHECK_EQUAL(found(where("groups") == vip.id), ids({john.id, jane.id}));
  BOOST_CHECK_EQUAL(found(where("groups") == regular.id), ids({jane.id, bob.id}));
  // Each customer appears once although jane is in both groups.
  BOOST_CHECK_EQUAL(found(where("groups").in({vip.id, regular.id})), ids({john.id, jane.id, bob.id}));
  BOOST_CHECK_EQUAL(found(where("groups").matches(where("name") == "Regular")), ids({jane.id, bob.id}));
  BOOST_CHECK_EQUAL(found(where("groups").matches(where("name") == "Nobody")), "");
  BOOST_CHECK_EQUAL(found(where("groups") == vip.id && where("groups") == regular.id), jane.id);
  // The other way round.
  BOOST_CHECK_EQUAL(join(ids_of(m.list_customer_groups(where("customers") == bob.id))), regular.id);
  BOOST_CHECK_EQUAL(
      join(ids_of(m.list_customer_groups(where("customers").matches(where("first_name") == "Jane")))),
      ids({vip.id, regular.id}));
  // Count follows relation filters.
  BOOST_CHECK_EQUAL(m.list_and_count(where("groups").in({vip.id, regular.id})).second, 3u);
}

BOOST_FIXTURE_TEST_CASE(address_customer_relation_filter, fixture) {
  const auto a = m.add_addresses({.customer_id = john.id, .city = "Oslo"});
  m.add_addresses({.customer_id = jane.id, .city = "Oslo"});
  BOOST_CHECK_EQUAL(
      join(ids_of(m.list_addresses(where("customer").matches(where("email") == "john@doe.com")))),
      a.id);
}

BOOST_FIXTURE_TEST_CASE(derived_default_address_filters, fixture) {
  const auto a = m.add_addresses({.customer_id = john.id, .is_default_shipping = true});
  const auto b = m.add_addresses({.customer_id = jane.id, .is_default_billing = true});
  BOOST_CHECK_EQUAL(found(where("default_shipping_address_id") == a.id), john.id);
  BOOST_CHECK_EQUAL(found(where("default_shipping_address_id").in({a.id, b.id})), john.id);
  BOOST_CHECK_EQUAL(found(where("default_billing_address_id") == b.id), jane.id);
  BOOST_CHECK_EQUAL(found(where("default_shipping_address_id").is_null()), ids({jane.id, anon.id, bob.id}));
  BOOST_CHECK_EQUAL(found(where("default_billing_address_id") == nullptr), ids({john.id, anon.id, bob.id}));
}

// ---- search (D16) --------------------------------------------------------------------------

BOOST_FIXTURE_TEST_CASE(search_is_case_insensitive_substring, fixture) {
  BOOST_CHECK_EQUAL(found(search("ACME")), john.id);           // company_name
  BOOST_CHECK_EQUAL(found(search("doe")), ids({john.id, jane.id}));  // last_name, email
  BOOST_CHECK_EQUAL(found(search("SMI")), anon.id);            // last_name
  BOOST_CHECK_EQUAL(found(search("anon@")), anon.id);          // email
  BOOST_CHECK_EQUAL(found(search("55-10")), john.id);          // phone
  BOOST_CHECK_EQUAL(found(search("bO")), bob.id);              // first_name
  BOOST_CHECK_EQUAL(found(search("nothing-like-this")), "");
  BOOST_CHECK_EQUAL(found(search("doe") && where("first_name") == "Jane"), jane.id);
  const auto [rows, count] = m.list_and_count(search("doe"));
  BOOST_CHECK_EQUAL(rows.size(), 2u);
  BOOST_CHECK_EQUAL(count, 2u);
  // Groups search their name.
  BOOST_CHECK_EQUAL(join(ids_of(m.list_customer_groups(search("vi")))), vip.id);
}

BOOST_FIXTURE_TEST_CASE(search_treats_percent_and_underscore_literally, fixture) {
  const auto c1000 = m.create({.company_name = "1000 Cotton"});
  const auto under = m.create({.email = "a_b@x.com"});
  const auto axb = m.create({.email = "axb@x.com"});
  BOOST_CHECK_EQUAL(found(search("100%")), bob.id);
  BOOST_CHECK_EQUAL(found(search("100")), ids({john.id, bob.id, c1000.id}));  // john: phone 555-1000
  BOOST_CHECK_EQUAL(found(search("a_b")), under.id);
  BOOST_CHECK_EQUAL(found(search("A_B@")), under.id);
  BOOST_CHECK_EQUAL(found(search("%")), bob.id);
  BOOST_CHECK_EQUAL(found(search("_")), under.id);
  BOOST_CHECK_EQUAL(found(search("axb")), axb.id);
}

BOOST_FIXTURE_TEST_CASE(search_treats_regex_characters_literally, fixture) {
  const auto dotted = m.create({.email = "a.b@x.com"});
  m.create({.email = "axb@x.com"});
  BOOST_CHECK_EQUAL(found(search(".b@")), dotted.id);
  BOOST_CHECK_EQUAL(found(search("(")), "");
  BOOST_CHECK_EQUAL(found(search("*")), "");
  BOOST_CHECK_EQUAL(found(search("[a-z]")), "");
  BOOST_CHECK_EQUAL(found(search("\\")), "");
  BOOST_CHECK_EQUAL(found(search("^a")), "");
}

BOOST_FIXTURE_TEST_CASE(empty_search_is_ignored, fixture) {
  BOOST_CHECK_EQUAL(found(search("")), ids({john.id, jane.id, anon.id, bob.id}));
  BOOST_CHECK_EQUAL(found(search("") && where("last_name") == "Doe"), ids({john.id, jane.id}));
}

// ---- paging (D12) --------------------------------------------------------------------------

BOOST_FIXTURE_TEST_CASE(default_take_is_15, many_fixture) {
  BOOST_CHECK_EQUAL(join(ids_of(m.list())), join(slice(0, 15)));
  const auto [rows, count] = m.list_and_count();
  BOOST_CHECK_EQUAL(join(ids_of(rows)), join(slice(0, 15)));
  BOOST_CHECK_EQUAL(count, 20u);
  // A non-id filter keeps the default.
  BOOST_CHECK_EQUAL(m.list(where("first_name") != nullptr).size(), 15u);
}

BOOST_FIXTURE_TEST_CASE(top_level_id_lifts_default_take, many_fixture) {
  std::vector<value> ids(all.begin(), all.end());
  BOOST_CHECK_EQUAL(join(ids_of(m.list(where("id").in(ids)))), join(all));
  const auto [rows, count] = m.list_and_count(where("id").in(ids));
  BOOST_CHECK_EQUAL(rows.size(), 20u);
  BOOST_CHECK_EQUAL(count, 20u);
  // An id inside $or does not count.
  BOOST_CHECK_EQUAL(join(ids_of(m.list(filter::any_of({where("id").in(ids)})))), join(slice(0, 15)));
  BOOST_CHECK_EQUAL(m.list(filter::any_of({where("id").in(ids), where("first_name") == "zzz"})).size(), 15u);
  // An explicit take still applies.
  BOOST_CHECK_EQUAL(m.list(where("id").in(ids), {.take = 5}).size(), 5u);
}

BOOST_FIXTURE_TEST_CASE(take_null_and_zero, many_fixture) {
  BOOST_CHECK_EQUAL(join(ids_of(m.list({}, {.take = customerdb::null}))), join(all));
  BOOST_CHECK(m.list({}, {.take = 0}).empty());
  const auto [rows, count] = m.list_and_count({}, {.take = 0});
  BOOST_CHECK(rows.empty());
  BOOST_CHECK_EQUAL(count, 20u);
  BOOST_CHECK_EQUAL(m.list({}, {.take = 3}).size(), 3u);
}

BOOST_FIXTURE_TEST_CASE(skip, many_fixture) {
  BOOST_CHECK_EQUAL(join(ids_of(m.list({}, {.skip = 5, .take = 10}))), join(slice(5, 15)));
  BOOST_CHECK_EQUAL(join(ids_of(m.list({}, {.skip = 18}))), join(slice(18, 20)));
  BOOST_CHECK(m.list({}, {.skip = 25}).empty());
  BOOST_CHECK_EQUAL(join(ids_of(m.list({}, {.skip = 0, .take = 2}))), join(slice(0, 2)));
  const auto [rows, count] = m.list_and_count({}, {.skip = 17, .take = 10});
  BOOST_CHECK_EQUAL(join(ids_of(rows)), join(slice(17, 20)));
  BOOST_CHECK_EQUAL(count, 20u);
  // skip with descending order.
  const auto desc = m.list({}, {.skip = 1, .take = 2, .order = {{"id", sort_direction::desc}}});
  BOOST_CHECK_EQUAL(join(ids_of(desc)), join({all[18], all[17]}));
}

BOOST_FIXTURE_TEST_CASE(negative_paging_values_fail, fixture) {
  CUSTOMERDB_CHECK_ERROR(m.list({}, {.skip = -1}), error_code::invalid_data,
                         "Invalid value for skip: -1");
  CUSTOMERDB_CHECK_ERROR(m.list({}, {.take = -1}), error_code::invalid_data,
                         "Invalid value for take: -1");
  CUSTOMERDB_CHECK_ERROR(m.list_and_count({}, {.take = -1}), error_code::invalid_data,
                         "Invalid value for take: -1");
  CUSTOMERDB_CHECK_ERROR(m.list_addresses({}, {.skip = -1}), error_code::invalid_data,
                         "Invalid value for skip: -1");
}

// ---- order -------------------------------------------------------------------------------

BOOST_FIXTURE_TEST_CASE(order_multiple_keys_and_nulls, fixture) {
  using enum sort_direction;
  // Nulls last ascending.
  BOOST_CHECK_EQUAL(found({}, {.order = {{"last_name", asc}, {"first_name", desc}}}),
                    join({john.id, jane.id, anon.id, bob.id}));
  // Nulls first descending.
  BOOST_CHECK_EQUAL(found({}, {.order = {{"last_name", desc}, {"first_name", asc}}}),
                    join({bob.id, anon.id, jane.id, john.id}));
  BOOST_CHECK_EQUAL(found({}, {.order = {{"first_name", asc}}}),
                    join({bob.id, jane.id, john.id, anon.id}));
  BOOST_CHECK_EQUAL(found({}, {.order = {{"first_name", desc}}}),
                    join({anon.id, john.id, jane.id, bob.id}));
  BOOST_CHECK_EQUAL(found({}, {.order = {{"created_at", desc}}}),
                    join({bob.id, anon.id, jane.id, john.id}));
  BOOST_CHECK_EQUAL(found({}, {.order = {{"id", desc}}}), join({bob.id, anon.id, jane.id, john.id}));
  // has_account desc puts true first; ties keep a deterministic order by the second key.
  BOOST_CHECK_EQUAL(found({}, {.order = {{"has_account", desc}, {"created_at", desc}}}),
                    join({john.id, bob.id, anon.id, jane.id}));
}

BOOST_FIXTURE_TEST_CASE(order_by_a_relation_field, fixture) {
  using enum sort_direction;
  // To-many: ascending by the smallest related value, descending by the largest; customers
  // without groups (anon) come last ascending, first descending; ties keep id order.
  BOOST_CHECK_EQUAL(found({}, {.order = {{"groups.name", asc}}}),
                    join({jane.id, bob.id, john.id, anon.id}));
  BOOST_CHECK_EQUAL(found({}, {.order = {{"groups.name", desc}}}),
                    join({anon.id, john.id, jane.id, bob.id}));
  // Groups by their customers' e-mails: both have jane@doe.com as the smallest.
  BOOST_CHECK_EQUAL(join(ids_of(m.list_customer_groups({}, {.order = {{"customers.email", asc}}}))),
                    join({vip.id, regular.id}));
  BOOST_CHECK_EQUAL(
      join(ids_of(m.list_customer_groups({}, {.order = {{"customers.email", desc}}}))),
      join({vip.id, regular.id}));  // VIP: john@doe.com, Regular: jane@doe.com

  // To-one: memberships by their group's name, then their customer's e-mail (null last).
  const auto memberships =
      m.list_customer_group_customers({}, {.order = {{"customer_group.name", asc},
                                                      {"customer.email", asc}}});
  std::vector<std::pair<std::string, std::string>> pairs;
  for (const auto& x : memberships) pairs.emplace_back(x.customer_group_id, x.customer_id);
  const std::vector<std::pair<std::string, std::string>> expected{
      {regular.id, jane.id}, {regular.id, bob.id}, {vip.id, jane.id}, {vip.id, john.id}};
  BOOST_CHECK(pairs == expected);

  // Addresses by their customer's first name.
  const auto a_john = m.add_addresses({.customer_id = john.id}).id;
  const auto a_bob = m.add_addresses({.customer_id = bob.id}).id;
  const auto a_anon = m.add_addresses({.customer_id = anon.id}).id;
  BOOST_CHECK_EQUAL(join(ids_of(m.list_addresses({}, {.order = {{"customer.first_name", asc}}}))),
                    join({a_bob, a_john, a_anon}));

  CUSTOMERDB_CHECK_ERROR(m.list({}, {.order = {{"groups.nope", asc}}}), error_code::invalid_data,
                         R"(Unknown field "groups.nope" for Customer)");
  CUSTOMERDB_CHECK_ERROR(m.list({}, {.order = {{"nope.name", asc}}}), error_code::invalid_data,
                         R"(Unknown field "nope.name" for Customer)");
  // A relation's metadata sorts as jsonb does (metadata_filters_test.cpp), here all null: id order.
  BOOST_CHECK_EQUAL(
      m.list({}, {.take = customerdb::null, .order = {{"groups.metadata", asc}}}).size(),
      m.list({}, {.take = customerdb::null}).size());
}

// ---- select / relations ------------------------------------------------------------------

BOOST_FIXTURE_TEST_CASE(select_limits_scalar_fields, fixture) {
  const auto rows = m.list(where("id") == john.id, {.select = {"email"}});
  BOOST_REQUIRE_EQUAL(rows.size(), 1u);
  const auto& r = rows[0];
  BOOST_CHECK_EQUAL(r.id, john.id);
  BOOST_CHECK(r.has_field("id"));
  BOOST_CHECK(r.has_field("email"));
  BOOST_CHECK_EQUAL(show(r.email), "john@doe.com");
  BOOST_CHECK(!r.has_field("first_name"));
  BOOST_CHECK(!r.has_field("company_name"));
  BOOST_CHECK_EQUAL(show(r.first_name), "<null>");
  BOOST_CHECK(!r.groups);

  // Without select every field is there.
  const auto full = m.list(where("id") == john.id);
  BOOST_CHECK(full.at(0).has_field("first_name"));
  BOOST_CHECK(full.at(0).has_field("email"));
}

BOOST_FIXTURE_TEST_CASE(select_keeps_relations_full, fixture) {
  m.add_addresses({.customer_id = john.id, .address_1 = "Main Street 1", .city = "Oslo"});
  const auto c = m.retrieve(john.id, {.select = {"id"}, .relations = {"addresses", "groups"}});
  BOOST_CHECK_EQUAL(c.id, john.id);
  BOOST_CHECK(!c.has_field("email"));
  BOOST_REQUIRE(c.addresses);
  BOOST_REQUIRE_EQUAL(c.addresses->size(), 1u);
  BOOST_CHECK((*c.addresses)[0].has_field("address_1"));
  BOOST_CHECK_EQUAL(show((*c.addresses)[0].address_1), "Main Street 1");
  BOOST_CHECK_EQUAL(show((*c.addresses)[0].city), "Oslo");
  BOOST_REQUIRE(c.groups);
  BOOST_REQUIRE_EQUAL(c.groups->size(), 1u);
  BOOST_CHECK_EQUAL(show((*c.groups)[0].name), "VIP");
}

BOOST_FIXTURE_TEST_CASE(relations_ordered_by_id, fixture) {
  const auto g3 = m.create_customer_group({.name = "Third"});
  const auto g4 = m.create_customer_group({.name = "Fourth"});
  m.add_customer_to_group(std::vector<group_customer_pair>{
      {.customer_id = bob.id, .customer_group_id = g4.id},
      {.customer_id = bob.id, .customer_group_id = g3.id},
      {.customer_id = anon.id, .customer_group_id = g3.id},
      {.customer_id = john.id, .customer_group_id = g3.id}});
  const auto c = m.retrieve(bob.id, {.relations = {"groups"}});
  BOOST_REQUIRE(c.groups);
  BOOST_CHECK_EQUAL(join(ids_of(*c.groups)), ids({regular.id, g3.id, g4.id}));
  const auto g = m.retrieve_customer_group(g3.id, {.relations = {"customers"}});
  BOOST_REQUIRE(g.customers);
  BOOST_CHECK_EQUAL(join(ids_of(*g.customers)), ids({john.id, anon.id, bob.id}));
  for (const auto& cu : *g.customers) BOOST_CHECK(!cu.groups);
}

BOOST_FIXTURE_TEST_CASE(relations_ordered_by_id_not_by_insertion, fixture) {
  // Caller-chosen ids, created out of id order.
  m.add_addresses(std::vector<create_customer_address_dto>{
      {.id = "cuaddr_c", .customer_id = anon.id},
      {.id = "cuaddr_a", .customer_id = anon.id},
      {.id = "cuaddr_b", .customer_id = anon.id}});
  const auto gz = m.create_customer_group(create_customer_group_dto{.id = "cusgroup_z", .name = "Z"});
  const auto ga = m.create_customer_group(create_customer_group_dto{.id = "cusgroup_a", .name = "A"});
  m.add_customer_to_group(std::vector<group_customer_pair>{
      {.customer_id = anon.id, .customer_group_id = gz.id},
      {.customer_id = anon.id, .customer_group_id = ga.id}});
  const auto c = m.retrieve(anon.id, {.relations = {"addresses", "groups"}});
  BOOST_REQUIRE(c.addresses);
  BOOST_CHECK_EQUAL(join(ids_of(*c.addresses)), "cuaddr_a,cuaddr_b,cuaddr_c");
  BOOST_REQUIRE(c.groups);
  BOOST_CHECK_EQUAL(join(ids_of(*c.groups)), "cusgroup_a,cusgroup_z");
  // Top level: id ascending too.
  BOOST_CHECK_EQUAL(join(ids_of(m.list_addresses(where("customer_id") == anon.id))),
                    "cuaddr_a,cuaddr_b,cuaddr_c");
}

BOOST_FIXTURE_TEST_CASE(nested_relation_path, fixture) {
  // groups.customers leads back to customers: the groups come without them (decision D22).
  const auto c = m.retrieve(john.id, {.relations = {"groups.customers"}});
  BOOST_REQUIRE(c.groups);
  BOOST_REQUIRE_EQUAL(c.groups->size(), 1u);
  const auto& g = (*c.groups)[0];
  BOOST_CHECK_EQUAL(g.id, vip.id);
  BOOST_CHECK(!g.customers);

  // From a group, customers.addresses goes on to another type.
  const auto group = m.retrieve_customer_group(vip.id, {.relations = {"customers", "customers.addresses"}});
  BOOST_REQUIRE(group.customers);
  BOOST_CHECK_EQUAL(join(ids_of(*group.customers)), ids({john.id, jane.id}));
  for (const auto& member : *group.customers) {
    BOOST_CHECK(member.addresses);
    BOOST_CHECK(!member.groups);
  }
}

BOOST_FIXTURE_TEST_CASE(relation_not_asked_for_is_left_out, fixture) {
  const auto c = m.retrieve(john.id);
  BOOST_CHECK(!c.groups);
  BOOST_CHECK(!c.addresses);
  const auto with = m.retrieve(anon.id, {.relations = {"groups", "addresses"}});
  BOOST_REQUIRE(with.groups);
  BOOST_CHECK(with.groups->empty());
  BOOST_REQUIRE(with.addresses);
  BOOST_CHECK(with.addresses->empty());
}

// ---- soft-deleted rows -------------------------------------------------------------------

BOOST_FIXTURE_TEST_CASE(with_deleted_and_deleted_at_filter, fixture) {
  m.soft_delete(std::vector<std::string>{anon.id});
  BOOST_CHECK_EQUAL(found({}), ids({john.id, jane.id, bob.id}));
  BOOST_CHECK_EQUAL(m.list_and_count().second, 3u);
  BOOST_CHECK_EQUAL(found({}, {.with_deleted = true}), ids({john.id, jane.id, anon.id, bob.id}));
  BOOST_CHECK_EQUAL(m.list_and_count({}, {.with_deleted = true}).second, 4u);
  // A top-level deleted_at condition switches soft-deleted rows on.
  BOOST_CHECK_EQUAL(found(where("deleted_at") != nullptr), anon.id);
  BOOST_CHECK_EQUAL(found(where("deleted_at").is_not_null()), anon.id);
  BOOST_CHECK_EQUAL(found(where("deleted_at") == nullptr), ids({john.id, jane.id, bob.id}));
  BOOST_CHECK_EQUAL(m.list_and_count(where("deleted_at") != nullptr).second, 1u);
  // Other filters still hide it.
  BOOST_CHECK_EQUAL(found(where("last_name") == "Smith"), "");
  BOOST_CHECK_EQUAL(found(where("last_name") == "Smith", {.with_deleted = true}), anon.id);
  BOOST_CHECK_EQUAL(found(search("smith")), "");
}

BOOST_FIXTURE_TEST_CASE(relations_hide_soft_deleted_unless_with_deleted, fixture) {
  m.soft_delete(std::vector<std::string>{jane.id});
  const auto g = m.retrieve_customer_group(vip.id, {.relations = {"customers"}});
  BOOST_REQUIRE(g.customers);
  BOOST_CHECK_EQUAL(join(ids_of(*g.customers)), john.id);
  const auto g_all = m.retrieve_customer_group(vip.id, {.relations = {"customers"}, .with_deleted = true});
  BOOST_REQUIRE(g_all.customers);
  BOOST_CHECK_EQUAL(join(ids_of(*g_all.customers)), ids({john.id, jane.id}));

  m.soft_delete_customer_groups(std::vector<std::string>{regular.id});
  const auto b = m.retrieve(bob.id, {.relations = {"groups"}});
  BOOST_REQUIRE(b.groups);
  BOOST_CHECK(b.groups->empty());
  BOOST_CHECK_EQUAL(join(ids_of(m.list_customer_groups())), vip.id);
  BOOST_CHECK_EQUAL(join(ids_of(m.list_customer_groups(where("deleted_at") != nullptr))), regular.id);
}

// ---- strict input (D11) ------------------------------------------------------------------

BOOST_FIXTURE_TEST_CASE(unknown_fields_and_relations_fail, fixture) {
  CUSTOMERDB_CHECK_ERROR(m.list(where("nickname") == "x"), error_code::invalid_data,
                         R"(Unknown field "nickname" for Customer)");
  CUSTOMERDB_CHECK_ERROR(m.list_and_count(where("first_name") == "John" && where("nickname") == "x"),
                         error_code::invalid_data, R"(Unknown field "nickname" for Customer)");
  CUSTOMERDB_CHECK_ERROR(m.list({}, {.relations = {"foo"}}), error_code::invalid_data,
                         R"(Unknown relation "foo" for Customer)");
  CUSTOMERDB_CHECK_ERROR(m.retrieve(john.id, {.relations = {"foo"}}), error_code::invalid_data,
                         R"(Unknown relation "foo" for Customer)");
  CUSTOMERDB_CHECK_ERROR(m.list({}, {.select = {"nickname"}}), error_code::invalid_data,
                         R"(Unknown field "nickname" for Customer)");
  CUSTOMERDB_CHECK_ERROR(m.list({}, {.order = {{"nickname", sort_direction::asc}}}),
                         error_code::invalid_data, R"(Unknown field "nickname" for Customer)");
  CUSTOMERDB_CHECK_ERROR(m.list_customer_groups(where("nickname") == "x"), error_code::invalid_data,
                         R"(Unknown field "nickname" for CustomerGroup)");
  CUSTOMERDB_CHECK_ERROR(m.list_customer_group_customers(where("group") == vip.id),
                         error_code::invalid_data,
                         R"(Unknown field "group" for CustomerGroupCustomer)");
  // A bad selector changes nothing.
  CUSTOMERDB_CHECK_ERROR(m.update(where("nickname") == "x", {.first_name = "Changed"}),
                         error_code::invalid_data, R"(Unknown field "nickname" for Customer)");
  BOOST_CHECK_EQUAL(found(where("first_name") == "Changed"), "");
}

BOOST_AUTO_TEST_SUITE_END()
