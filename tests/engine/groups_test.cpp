// Customer groups: create_customer_group, retrieve_customer_group, update_customer_groups,
// delete_customer_groups, soft_delete/restore_customer_groups, list_customer_groups and
// list_and_count_customer_groups (docs/protocol.md, docs/medusa-compatibility.md; decisions
// D2-D5, D10, D11, D13-D16).
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
using group_list = std::vector<create_customer_group_dto>;
using gdto = create_customer_group_dto;
using cdto = create_customer_dto;

struct fixture {
  manual_clock clock;
  customer_module m{module_options{.clock = clock.function()}};

  std::string group(const std::optional<std::string>& name) {
    return m.create_customer_group(gdto{.name = name}).id;
  }
  std::string cust(const std::string& first_name) {
    return m.create(cdto{.first_name = first_name}).id;
  }
  void join(const std::string& customer_id, const std::string& group_id) {
    m.add_customer_to_group({.customer_id = customer_id, .customer_group_id = group_id});
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(customer_groups)

// ---- create --------------------------------------------------------------------------------

BOOST_FIXTURE_TEST_CASE(create_single_group, fixture) {
  const auto g = m.create_customer_group(
      gdto{.name = "VIP", .metadata = metadata{{"discount", 10}}, .created_by = "admin"});
  BOOST_CHECK(is_generated_id(g.id, "cusgroup"));
  BOOST_CHECK_EQUAL(g.name, "VIP");
  check_metadata(g.metadata, metadata{{"discount", 10}});
  BOOST_CHECK_EQUAL(g.created_by, "admin");
  BOOST_CHECK_EQUAL(ms(g.created_at), ms(clock.now()));
  BOOST_CHECK_EQUAL(ms(g.updated_at), ms(clock.now()));
  BOOST_CHECK(!g.deleted_at);
  BOOST_CHECK(!g.customers);

  const auto stored = m.retrieve_customer_group(g.id);
  BOOST_CHECK_EQUAL(stored.name, "VIP");
  check_metadata(stored.metadata, metadata{{"discount", 10}});
  BOOST_CHECK_EQUAL(stored.created_by, "admin");
  BOOST_CHECK_EQUAL(ms(stored.created_at), ms(clock.now()));
}

BOOST_FIXTURE_TEST_CASE(create_group_defaults, fixture) {
  const auto g = m.create_customer_group(gdto{});
  BOOST_CHECK(is_generated_id(g.id, "cusgroup"));
  BOOST_CHECK_EQUAL(g.name, std::optional<std::string>{});
  BOOST_CHECK(!g.metadata);
  BOOST_CHECK_EQUAL(g.created_by, std::optional<std::string>{});
}

BOOST_FIXTURE_TEST_CASE(create_group_array_in_input_order, fixture) {
  const auto rows = m.create_customer_group(group_list{{.name = "A"}, {.name = "B"}, {.name = "C"}});
  BOOST_REQUIRE_EQUAL(rows.size(), 3u);
  BOOST_CHECK_EQUAL(rows[0].name, "A");
  BOOST_CHECK_EQUAL(rows[1].name, "B");
  BOOST_CHECK_EQUAL(rows[2].name, "C");
  for (std::size_t i = 0; i < rows.size(); ++i) {
    BOOST_CHECK(is_generated_id(rows[i].id, "cusgroup"));
    if (i > 0) BOOST_CHECK(rows[i - 1].id < rows[i].id);
  }
  BOOST_TEST(ids_of(m.list_customer_groups()) == ids_of(rows));
  BOOST_CHECK(m.create_customer_group(group_list{}).empty());
  BOOST_CHECK_EQUAL(m.list_customer_groups().size(), 3u);
}

BOOST_FIXTURE_TEST_CASE(create_group_keeps_caller_id_and_rejects_duplicates, fixture) {
  const auto g = m.create_customer_group(gdto{.id = "cusgroup_custom", .name = "A"});
  BOOST_CHECK_EQUAL(g.id, "cusgroup_custom");
  CUSTOMERDB_CHECK_ERROR(m.create_customer_group(gdto{.id = "cusgroup_custom", .name = "B"}),
                         error_code::invalid_data,
                         "Customer group with id: cusgroup_custom, already exists.");
  BOOST_CHECK_EQUAL(m.retrieve_customer_group("cusgroup_custom").name, "A");
  BOOST_CHECK_EQUAL(m.list_customer_groups().size(), 1u);
}

// ---- name uniqueness (D2) ------------------------------------------------------------------

BOOST_FIXTURE_TEST_CASE(duplicate_live_name_is_invalid, fixture) {
  group("VIP");
  CUSTOMERDB_CHECK_ERROR(m.create_customer_group(gdto{.name = "VIP"}), error_code::invalid_data,
                         "Customer group with name: VIP, already exists.");
  BOOST_CHECK_EQUAL(m.list_customer_groups().size(), 1u);
  // Names compare exactly.
  BOOST_CHECK_NO_THROW(group("vip"));
}

BOOST_FIXTURE_TEST_CASE(duplicate_name_within_batch_keeps_nothing, fixture) {
  CUSTOMERDB_CHECK_ERROR(
      m.create_customer_group(group_list{{.name = "Gold"}, {.name = "VIP"}, {.name = "VIP"}}),
      error_code::invalid_data, "Customer group with name: VIP, already exists.");
  BOOST_CHECK(m.list_customer_groups().empty());
}

BOOST_FIXTURE_TEST_CASE(null_group_names_never_clash, fixture) {
  group(std::nullopt);
  group(std::nullopt);
  m.create_customer_group(group_list{{}, {}});
  BOOST_CHECK_EQUAL(m.list_customer_groups().size(), 4u);
}

BOOST_FIXTURE_TEST_CASE(soft_deleted_group_name_is_reusable_but_restore_fails, fixture) {
  const auto old_id = group("VIP");
  m.soft_delete_customer_groups(strs({old_id}));
  const auto new_id = group("VIP");
  BOOST_CHECK_NE(old_id, new_id);
  CUSTOMERDB_CHECK_ERROR(m.restore_customer_groups(strs({old_id})), error_code::invalid_data,
                         "Customer group with name: VIP, already exists.");
  BOOST_CHECK(m.retrieve_customer_group(old_id, find_config{.with_deleted = true}).deleted_at);
  BOOST_TEST(ids_of(m.list_customer_groups()) == strs({new_id}));
}

BOOST_FIXTURE_TEST_CASE(update_to_taken_name_is_invalid, fixture) {
  group("VIP");
  const auto id = group("Gold");
  CUSTOMERDB_CHECK_ERROR(m.update_customer_groups(id, {.name = "VIP"}), error_code::invalid_data,
                         "Customer group with name: VIP, already exists.");
  BOOST_CHECK_EQUAL(m.retrieve_customer_group(id).name, "Gold");
  // Setting a group's own name again is fine.
  BOOST_CHECK_EQUAL(m.update_customer_groups(id, {.name = "Gold"}).name, "Gold");
}

BOOST_FIXTURE_TEST_CASE(update_two_groups_to_one_name_is_invalid, fixture) {
  const auto a = group("A");
  const auto b = group("B");
  CUSTOMERDB_CHECK_ERROR(m.update_customer_groups(strs({a, b}), {.name = "Same"}),
                         error_code::invalid_data, "Customer group with name: Same, already exists.");
  BOOST_CHECK_EQUAL(m.retrieve_customer_group(a).name, "A");
  BOOST_CHECK_EQUAL(m.retrieve_customer_group(b).name, "B");
}

// ---- retrieve ------------------------------------------------------------------------------

BOOST_FIXTURE_TEST_CASE(retrieve_group_not_found, fixture) {
  CUSTOMERDB_CHECK_ERROR(m.retrieve_customer_group("cusgroup_missing"), error_code::not_found,
                         "CustomerGroup with id: cusgroup_missing was not found");
  CUSTOMERDB_CHECK_ERROR(m.retrieve_customer_group(""), error_code::not_found,
                         "CustomerGroup with id:  was not found");
  CUSTOMERDB_CHECK_ERROR(m.retrieve_customer_group(nullptr), error_code::not_found,
                         "customerGroup - id must be defined");
}

BOOST_FIXTURE_TEST_CASE(retrieve_group_hides_soft_deleted_unless_with_deleted, fixture) {
  const auto id = group("VIP");
  clock.advance(std::chrono::seconds(2));
  m.soft_delete_customer_groups(strs({id}));
  CUSTOMERDB_CHECK_ERROR(m.retrieve_customer_group(id), error_code::not_found,
                         "CustomerGroup with id: " + id + " was not found");
  const auto g = m.retrieve_customer_group(id, find_config{.with_deleted = true});
  BOOST_CHECK_EQUAL(g.name, "VIP");
  BOOST_CHECK_EQUAL(ms(g.deleted_at), ms(clock.now()));
}

BOOST_FIXTURE_TEST_CASE(retrieve_group_select, fixture) {
  const auto id = m.create_customer_group(gdto{.name = "VIP", .created_by = "admin"}).id;
  const auto g = m.retrieve_customer_group(id, find_config{.select = {"name"}});
  BOOST_CHECK_EQUAL(g.id, id);
  BOOST_CHECK(g.has_field("name"));
  BOOST_CHECK(!g.has_field("created_by"));
  BOOST_CHECK_EQUAL(g.name, "VIP");
  BOOST_CHECK_EQUAL(g.created_by, std::optional<std::string>{});
  CUSTOMERDB_CHECK_ERROR(m.retrieve_customer_group(id, find_config{.select = {"foo"}}), error_code::invalid_data,
                         "Unknown field \"foo\" for CustomerGroup");
  CUSTOMERDB_CHECK_ERROR(m.retrieve_customer_group(id, find_config{.relations = {"groups"}}),
                         error_code::invalid_data, "Unknown relation \"groups\" for CustomerGroup");
}

BOOST_FIXTURE_TEST_CASE(retrieve_group_customers_relation, fixture) {
  const auto g = group("VIP");
  const auto c1 = cust("one");
  const auto c2 = cust("two");
  const auto c3 = cust("three");
  cust("outsider");
  join(c3, g);
  join(c1, g);
  join(c2, g);
  m.soft_delete(strs({c2}));

  const auto without = m.retrieve_customer_group(g);
  BOOST_CHECK(!without.customers);

  const auto live = m.retrieve_customer_group(g, find_config{.relations = {"customers"}});
  BOOST_REQUIRE(live.customers);
  BOOST_TEST(ids_of(*live.customers) == strs({c1, c3}));
  BOOST_CHECK_EQUAL(live.customers->front().first_name, "one");
  BOOST_CHECK(!live.customers->front().groups);

  const auto all = m.retrieve_customer_group(g, find_config{.relations = {"customers"}, .with_deleted = true});
  BOOST_REQUIRE(all.customers);
  BOOST_TEST(ids_of(*all.customers) == strs({c1, c2, c3}));
  BOOST_CHECK(all.customers->at(1).deleted_at);

  const auto empty = m.retrieve_customer_group(group("Empty"), find_config{.relations = {"customers"}});
  BOOST_REQUIRE(empty.customers);
  BOOST_CHECK(empty.customers->empty());
}

// ---- update --------------------------------------------------------------------------------

BOOST_FIXTURE_TEST_CASE(update_group_by_id, fixture) {
  const auto id = m.create_customer_group(gdto{.name = "VIP", .created_by = "admin"}).id;
  const auto t0 = clock.now();
  clock.advance(std::chrono::seconds(3));
  const auto g = m.update_customer_groups(id, {.name = "Gold"});
  BOOST_CHECK_EQUAL(g.id, id);
  BOOST_CHECK_EQUAL(g.name, "Gold");
  BOOST_CHECK_EQUAL(g.created_by, "admin");
  BOOST_CHECK_EQUAL(ms(g.updated_at), ms(clock.now()));
  BOOST_CHECK_EQUAL(ms(g.created_at), ms(t0));
  const auto stored = m.retrieve_customer_group(id);
  BOOST_CHECK_EQUAL(stored.name, "Gold");
  BOOST_CHECK_EQUAL(ms(stored.updated_at), ms(clock.now()));

  // Nothing changed: updated_at stays.
  const auto t1 = clock.now();
  clock.advance(std::chrono::seconds(3));
  BOOST_CHECK_EQUAL(ms(m.update_customer_groups(id, {.name = "Gold"}).updated_at), ms(t1));
}

BOOST_FIXTURE_TEST_CASE(update_group_name_to_null, fixture) {
  const auto id = group("VIP");
  BOOST_CHECK_EQUAL(m.update_customer_groups(id, {.name = customerdb::null}).name,
                    std::optional<std::string>{});
  BOOST_CHECK_EQUAL(m.retrieve_customer_group(id).name, std::optional<std::string>{});
  // A null name does not clash with another null name.
  const auto other = group("Other");
  BOOST_CHECK_NO_THROW(m.update_customer_groups(other, {.name = customerdb::null}));
}

BOOST_FIXTURE_TEST_CASE(update_group_metadata_deep_merges, fixture) {
  const auto id =
      m.create_customer_group(gdto{.name = "VIP", .metadata = metadata{{"a", 1}, {"n", metadata{{"x", 1}}}}}).id;
  auto g = m.update_customer_groups(id, {.metadata = metadata{{"b", 2}, {"n", metadata{{"y", 2}}}}});
  check_metadata(g.metadata, metadata{{"a", 1}, {"b", 2}, {"n", metadata{{"x", 1}, {"y", 2}}}});
  g = m.update_customer_groups(id, {.metadata = metadata{{"a", nullptr}}});
  check_metadata(g.metadata, metadata{{"a", nullptr}, {"b", 2}, {"n", metadata{{"x", 1}, {"y", 2}}}});
  g = m.update_customer_groups(id, {.metadata = customerdb::null});
  BOOST_CHECK_MESSAGE(!g.metadata, "metadata " << json(g.metadata));
  g = m.update_customer_groups(id, {.metadata = metadata{{"c", 3}}});
  check_metadata(g.metadata, metadata{{"c", 3}});
  check_metadata(m.retrieve_customer_group(id).metadata, metadata{{"c", 3}});
}

BOOST_FIXTURE_TEST_CASE(update_groups_by_ids_ordered_by_id, fixture) {
  const auto a = group("A");
  const auto b = group("B");
  const auto c = group("C");
  const auto rows = m.update_customer_groups(strs({c, a, c}), {.metadata = metadata{{"k", 1}}});
  BOOST_TEST(ids_of(rows) == strs({a, c}));
  check_metadata(m.retrieve_customer_group(a).metadata, metadata{{"k", 1}});
  BOOST_CHECK(!m.retrieve_customer_group(b).metadata);
  BOOST_CHECK(m.update_customer_groups(strings{}, {.name = "X"}).empty());
}

BOOST_FIXTURE_TEST_CASE(update_groups_missing_ids_are_not_found, fixture) {
  const auto a = group("A");
  CUSTOMERDB_CHECK_ERROR(m.update_customer_groups("x", {.name = "X"}), error_code::not_found,
                         "CustomerGroup with id \"x\" not found");
  CUSTOMERDB_CHECK_ERROR(m.update_customer_groups(strs({"cusgroup_z", a, "cusgroup_b"}), {.name = "X"}),
                         error_code::not_found, "CustomerGroup with id \"cusgroup_z, cusgroup_b\" not found");
  BOOST_CHECK_EQUAL(m.retrieve_customer_group(a).name, "A");

  m.soft_delete_customer_groups(strs({a}));
  CUSTOMERDB_CHECK_ERROR(m.update_customer_groups(a, {.name = "X"}), error_code::not_found,
                         "CustomerGroup with id \"" + a + "\" not found");
  BOOST_CHECK_EQUAL(m.retrieve_customer_group(a, find_config{.with_deleted = true}).name, "A");
}

BOOST_FIXTURE_TEST_CASE(update_groups_by_selector, fixture) {
  strings flagged;
  for (int i = 0; i < 18; ++i) {
    flagged.push_back(m.create_customer_group(gdto{.name = "g" + std::to_string(i), .created_by = "import"}).id);
  }
  const auto other = m.create_customer_group(gdto{.name = "manual", .created_by = "admin"}).id;
  const auto rows = m.update_customer_groups(where("created_by") == "import", {.metadata = metadata{{"src", "csv"}}});
  BOOST_TEST(ids_of(rows) == flagged);
  for (const auto& g : rows) check_metadata(g.metadata, metadata{{"src", "csv"}});
  BOOST_CHECK(!m.retrieve_customer_group(other).metadata);
  BOOST_CHECK(m.update_customer_groups(where("name") == "nope", {.name = "X"}).empty());
  const auto searched = m.update_customer_groups(customerdb::search("MANU"), {.name = "Manual"});
  BOOST_TEST(ids_of(searched) == strs({other}));
}

// ---- delete --------------------------------------------------------------------------------

BOOST_FIXTURE_TEST_CASE(delete_group_cascades_memberships_not_customers, fixture) {
  const auto g = group("VIP");
  const auto keep = group("Gold");
  const auto c1 = cust("one");
  const auto c2 = cust("two");
  join(c1, g);
  join(c2, g);
  join(c1, keep);

  m.delete_customer_groups(g);

  CUSTOMERDB_CHECK_ERROR(m.retrieve_customer_group(g, find_config{.with_deleted = true}), error_code::not_found,
                         "CustomerGroup with id: " + g + " was not found");
  BOOST_TEST(ids_of(m.list_customer_groups()) == strs({keep}));
  BOOST_CHECK(m.list_customer_group_customers(where("customer_group_id") == g).empty());
  BOOST_CHECK_EQUAL(m.list_customer_group_customers().size(), 1u);
  BOOST_TEST(ids_of(m.list()) == strs({c1, c2}));
  const auto c = m.retrieve(c1, find_config{.relations = {"groups"}});
  BOOST_REQUIRE(c.groups);
  BOOST_TEST(ids_of(*c.groups) == strs({keep}));
}

BOOST_FIXTURE_TEST_CASE(delete_groups_by_ids_ignores_unknown, fixture) {
  const auto a = group("A");
  const auto b = group("B");
  const auto c = group("C");
  BOOST_CHECK_NO_THROW(m.delete_customer_groups(strs({a, "cusgroup_unknown", c})));
  BOOST_TEST(ids_of(m.list_customer_groups()) == strs({b}));
  BOOST_CHECK_NO_THROW(m.delete_customer_groups("cusgroup_unknown"));
  BOOST_CHECK_NO_THROW(m.delete_customer_groups(strings{}));
  BOOST_CHECK_EQUAL(m.list_customer_groups().size(), 1u);
}

BOOST_FIXTURE_TEST_CASE(delete_soft_deleted_group_by_id_removes_it, fixture) {
  const auto g = group("VIP");
  join(cust("one"), g);
  m.soft_delete_customer_groups(strs({g}));
  m.delete_customer_groups(g);
  BOOST_CHECK(m.list_customer_groups({}, find_config{.with_deleted = true}).empty());
  BOOST_CHECK(m.list_customer_group_customers().empty());
  // Its name is free for good.
  BOOST_CHECK_NO_THROW(group("VIP"));
}

BOOST_FIXTURE_TEST_CASE(delete_groups_by_selector, fixture) {
  strings doomed;
  for (int i = 0; i < 17; ++i) {
    doomed.push_back(m.create_customer_group(gdto{.name = "t" + std::to_string(i), .created_by = "test"}).id);
  }
  const auto keep = m.create_customer_group(gdto{.name = "keep", .created_by = "admin"}).id;
  join(cust("one"), doomed[16]);
  m.delete_customer_groups(where("created_by") == "test");
  BOOST_TEST(ids_of(m.list_customer_groups({}, find_config{.with_deleted = true})) == strs({keep}));
  BOOST_CHECK(m.list_customer_group_customers().empty());
  BOOST_CHECK_EQUAL(m.list().size(), 1u);
}

// ---- soft delete / restore -------------------------------------------------------------------

BOOST_FIXTURE_TEST_CASE(soft_delete_groups_returns_changed_ids, fixture) {
  const auto a = group("A");
  const auto b = group("B");
  const auto c = group("C");
  clock.advance(std::chrono::seconds(5));
  BOOST_CHECK_EQUAL(show(m.soft_delete_customer_groups(strs({a, b}))), key_ids("customer_group_id", {a, b}));
  const auto g = m.retrieve_customer_group(a, find_config{.with_deleted = true});
  BOOST_CHECK_EQUAL(ms(g.deleted_at), ms(clock.now()));
  BOOST_CHECK_EQUAL(ms(g.updated_at), ms(clock.now()));
  BOOST_TEST(ids_of(m.list_customer_groups()) == strs({c}));
  const auto [rows, count] = m.list_and_count_customer_groups();
  BOOST_TEST(ids_of(rows) == strs({c}));
  BOOST_CHECK_EQUAL(count, 1u);

  // Already deleted and unknown ids are skipped.
  const auto deleted_at = clock.now();
  clock.advance(std::chrono::seconds(5));
  BOOST_CHECK_EQUAL(show(m.soft_delete_customer_groups(strs({a, "cusgroup_unknown", c}))),
                    key_ids("customer_group_id", {c}));
  BOOST_CHECK_EQUAL(ms(m.retrieve_customer_group(a, find_config{.with_deleted = true}).deleted_at), ms(deleted_at));
  BOOST_CHECK_EQUAL(show(m.soft_delete_customer_groups(strs({a}))), "{}");
  BOOST_CHECK_EQUAL(show(m.soft_delete_customer_groups(strings{})), "{}");
}

BOOST_FIXTURE_TEST_CASE(soft_delete_and_restore_single_group_id, fixture) {
  const auto id = group("VIP");
  BOOST_CHECK_EQUAL(show(m.soft_delete_customer_groups(id)), key_ids("customer_group_id", {id}));
  BOOST_CHECK(m.list_customer_groups().empty());
  BOOST_CHECK_EQUAL(show(m.soft_delete_customer_groups(id)), "{}");
  BOOST_CHECK_EQUAL(show(m.restore_customer_groups(id)), key_ids("customer_group_id", {id}));
  BOOST_TEST(ids_of(m.list_customer_groups()) == strs({id}));
}

BOOST_FIXTURE_TEST_CASE(soft_delete_groups_return_linkable_keys, fixture) {
  const auto a = group("A");
  const auto b = group("B");
  BOOST_CHECK_EQUAL(show(m.soft_delete_customer_groups(strs({a}), {.return_linkable_keys = strings{"customer_id"}})),
                    "{}");
  BOOST_CHECK(m.retrieve_customer_group(a, find_config{.with_deleted = true}).deleted_at);
  BOOST_CHECK_EQUAL(
      show(m.soft_delete_customer_groups(strs({b}), {.return_linkable_keys = strings{"customer_group_id"}})),
      key_ids("customer_group_id", {b}));
}

BOOST_FIXTURE_TEST_CASE(restore_groups_returns_every_found_id, fixture) {
  const auto a = group("A");
  const auto b = group("B");
  m.soft_delete_customer_groups(strs({a}));
  clock.advance(std::chrono::seconds(9));
  BOOST_CHECK_EQUAL(show(m.restore_customer_groups(strs({a, b, "cusgroup_unknown"}))),
                    key_ids("customer_group_id", {a, b}));
  const auto ga = m.retrieve_customer_group(a);
  BOOST_CHECK(!ga.deleted_at);
  BOOST_CHECK_EQUAL(ms(ga.updated_at), ms(clock.now()));
  BOOST_CHECK_EQUAL(ms(m.retrieve_customer_group(b).updated_at), ms(clock.now()));
  BOOST_CHECK_EQUAL(show(m.restore_customer_groups(strings{})), "{}");
  BOOST_CHECK_EQUAL(show(m.restore_customer_groups(strs({"cusgroup_unknown"}))), "{}");
}

BOOST_FIXTURE_TEST_CASE(soft_deleted_group_keeps_memberships_but_leaves_relations, fixture) {
  const auto vip = group("VIP");
  const auto gold = group("Gold");
  const auto c = cust("one");
  join(c, vip);
  join(c, gold);
  const auto c_before = m.retrieve(c);

  clock.advance(std::chrono::seconds(1));
  m.soft_delete_customer_groups(strs({vip}));

  // No cascade: the memberships and the customer stay as they were.
  BOOST_CHECK_EQUAL(m.list_customer_group_customers(where("customer_group_id") == vip).size(), 1u);
  const auto c_after = m.retrieve(c, find_config{.relations = {"groups"}});
  BOOST_CHECK(!c_after.deleted_at);
  BOOST_CHECK_EQUAL(ms(c_after.updated_at), ms(c_before.updated_at));
  BOOST_REQUIRE(c_after.groups);
  BOOST_TEST(ids_of(*c_after.groups) == strs({gold}));

  const auto c_all = m.retrieve(c, find_config{.relations = {"groups"}, .with_deleted = true});
  BOOST_REQUIRE(c_all.groups);
  BOOST_TEST(ids_of(*c_all.groups) == strs({vip, gold}));

  m.restore_customer_groups(strs({vip}));
  const auto c_restored = m.retrieve(c, find_config{.relations = {"groups"}});
  BOOST_REQUIRE(c_restored.groups);
  BOOST_TEST(ids_of(*c_restored.groups) == strs({vip, gold}));
}

// ---- list ------------------------------------------------------------------------------------

BOOST_FIXTURE_TEST_CASE(list_groups_default_take_and_count, fixture) {
  strings ids;
  for (int i = 0; i < 17; ++i) ids.push_back(group("g" + std::to_string(i)));
  BOOST_TEST(ids_of(m.list_customer_groups()) == strings(ids.begin(), ids.begin() + 15));
  const auto [rows, count] = m.list_and_count_customer_groups({}, find_config{.skip = 15});
  BOOST_TEST(ids_of(rows) == strs({ids[15], ids[16]}));
  BOOST_CHECK_EQUAL(count, 17u);
  BOOST_CHECK_EQUAL(m.list_customer_groups({}, find_config{.take = customerdb::null}).size(), 17u);
  std::vector<customerdb::value> wanted(ids.begin(), ids.end());
  BOOST_CHECK_EQUAL(m.list_customer_groups(where("id").in(wanted)).size(), 17u);
  CUSTOMERDB_CHECK_ERROR(m.list_customer_groups({}, find_config{.take = -1}), error_code::invalid_data,
                         "Invalid value for take: -1");
}

BOOST_FIXTURE_TEST_CASE(list_groups_filters_by_name_and_search, fixture) {
  const auto vip = group("VIP Customers");
  const auto gold = group("Gold");
  const auto vipish = group("Very vip");
  const auto pct = group("50% off");
  group(std::nullopt);

  BOOST_TEST(ids_of(m.list_customer_groups(where("name") == "Gold")) == strs({gold}));
  BOOST_CHECK(m.list_customer_groups(where("name") == "gold").empty());
  BOOST_TEST(ids_of(m.list_customer_groups(where("name").in({"Gold", "50% off"}))) == strs({gold, pct}));
  BOOST_TEST(ids_of(m.list_customer_groups(customerdb::search("vip"))) == strs({vip, vipish}));
  BOOST_TEST(ids_of(m.list_customer_groups(customerdb::search("VIP CUST"))) == strs({vip}));
  BOOST_TEST(ids_of(m.list_customer_groups(customerdb::search("0%"))) == strs({pct}));
  BOOST_TEST(ids_of(m.list_customer_groups(customerdb::search("vip") && where("name") != "Very vip")) ==
             strs({vip}));
  const auto [rows, count] = m.list_and_count_customer_groups(customerdb::search("o"), find_config{.take = 1});
  BOOST_TEST(ids_of(rows) == strs({vip}));
  BOOST_CHECK_EQUAL(count, 3u);  // "VIP Customers", "Gold", "50% off"
  BOOST_CHECK_EQUAL(m.list_customer_groups(where("name") == nullptr).size(), 1u);
}

BOOST_FIXTURE_TEST_CASE(list_groups_order, fixture) {
  const auto b = group("b");
  const auto n = group(std::nullopt);
  const auto a = group("a");
  BOOST_TEST(ids_of(m.list_customer_groups({}, find_config{.order = {{"name", sort_direction::asc}}})) ==
             strs({a, b, n}));
  BOOST_TEST(ids_of(m.list_customer_groups({}, find_config{.order = {{"name", sort_direction::desc}}})) ==
             strs({n, b, a}));
  CUSTOMERDB_CHECK_ERROR(m.list_customer_groups({}, find_config{.order = {{"foo", sort_direction::asc}}}),
                         error_code::invalid_data, "Unknown field \"foo\" for CustomerGroup");
}

BOOST_FIXTURE_TEST_CASE(list_groups_filters_by_customers, fixture) {
  const auto vip = group("VIP");
  const auto gold = group("Gold");
  group("Empty");
  const auto c1 = m.create(cdto{.email = "one@x.com", .first_name = "one"}).id;
  const auto c2 = cust("two");
  join(c1, vip);
  join(c1, gold);
  join(c2, gold);

  BOOST_TEST(ids_of(m.list_customer_groups(where("customers") == c1)) == strs({vip, gold}));
  BOOST_TEST(ids_of(m.list_customer_groups(where("customers") == c2)) == strs({gold}));
  BOOST_TEST(ids_of(m.list_customer_groups(where("customers").in({c1, c2}))) == strs({vip, gold}));
  BOOST_TEST(ids_of(m.list_customer_groups(where("customers").matches(where("email") == "one@x.com"))) ==
             strs({vip, gold}));
  BOOST_CHECK(m.list_customer_groups(where("customers") == "cus_nobody").empty());

  const auto with = m.list_customer_groups(where("id") == gold, find_config{.relations = {"customers"}});
  BOOST_REQUIRE_EQUAL(with.size(), 1u);
  BOOST_REQUIRE(with[0].customers);
  BOOST_TEST(ids_of(*with[0].customers) == strs({c1, c2}));
}

BOOST_FIXTURE_TEST_CASE(list_groups_unknown_names_are_invalid, fixture) {
  group("VIP");
  CUSTOMERDB_CHECK_ERROR(m.list_customer_groups(where("nickname") == "x"), error_code::invalid_data,
                         "Unknown field \"nickname\" for CustomerGroup");
  CUSTOMERDB_CHECK_ERROR(m.list_and_count_customer_groups({}, find_config{.relations = {"foo"}}),
                         error_code::invalid_data, "Unknown relation \"foo\" for CustomerGroup");
  CUSTOMERDB_CHECK_ERROR(m.list_customer_groups({}, find_config{.select = {"email"}}), error_code::invalid_data,
                         "Unknown field \"email\" for CustomerGroup");
}

BOOST_FIXTURE_TEST_CASE(list_groups_with_deleted_and_deleted_at_filter, fixture) {
  const auto a = group("A");
  const auto b = group("B");
  m.soft_delete_customer_groups(strs({b}));
  BOOST_TEST(ids_of(m.list_customer_groups()) == strs({a}));
  BOOST_TEST(ids_of(m.list_customer_groups({}, find_config{.with_deleted = true})) == strs({a, b}));
  BOOST_TEST(ids_of(m.list_customer_groups(where("deleted_at") != nullptr)) == strs({b}));
}

BOOST_AUTO_TEST_SUITE_END()
