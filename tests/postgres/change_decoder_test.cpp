// change_decoder: pgoutput's Relation messages mapped onto the tables' records, refused by name
// when customerdb cannot follow them; changes turned into a replicated_transaction; timestamps
// in ISO style read to the millisecond; unchanged TOASTed values taken from the transaction
// or the store. No server: the messages are built here.
#include "change_decoder.hpp"

#include <boost/test/unit_test.hpp>
#include <map>
#include <string>
#include <vector>

#include "customerdb/postgres/pg_error.hpp"
#include "customerdb/timestamp.hpp"
#include "pg_test_support.hpp"
#include "support/check.hpp"
#include "support/helpers.hpp"

namespace pg = customerdb::postgres;
namespace po = customerdb::postgres::pgoutput;
using customerdb::record;
using customerdb::replicated_transaction;
using customerdb::table_name;

namespace {

constexpr std::uint32_t text = 25, boolean = 16, jsonb = 3802, timestamptz = 1184, integer = 23;

po::relation group_relation(std::uint32_t id = 1) {
  po::relation r{id, "public", "customer_group", po::replica_identity::default_key, {}};
  for (const auto& [name, type] :
       std::vector<std::pair<std::string, std::uint32_t>>{{"id", text},
                                                          {"name", text},
                                                          {"metadata", jsonb},
                                                          {"created_by", text},
                                                          {"created_at", timestamptz},
                                                          {"updated_at", timestamptz},
                                                          {"deleted_at", timestamptz}})
    r.columns.push_back({name == "id" ? std::uint8_t(1) : std::uint8_t(0), name, type, -1});
  return r;
}

po::column_value t(std::string v) { return {po::value_kind::text, std::move(v)}; }
po::column_value null() { return {po::value_kind::null, {}}; }
po::column_value unchanged() { return {po::value_kind::unchanged, {}}; }

po::tuple group_tuple(std::string id, po::column_value metadata) {
  return {t(std::move(id)),
          t("VIP"),
          std::move(metadata),
          null(),
          t("2024-05-24 10:00:00.123456+00"),
          t("2024-05-24 10:00:00+00"),
          null()};
}

const customerdb::customer_group_record& group_put(const replicated_transaction& tx,
                                                   std::size_t i) {
  return std::get<customerdb::customer_group_record>(
      std::get<replicated_transaction::put_row>(tx.changes().at(i)).row);
}

}  // namespace

BOOST_AUTO_TEST_CASE(timestamps_in_iso_style_are_read_to_the_millisecond) {
  using d = pg::change_decoder;
  BOOST_TEST(d::iso8601_of_pg_timestamp("2024-05-24 10:00:00.123456+00") ==
             "2024-05-24T10:00:00.123Z");
  BOOST_TEST(d::iso8601_of_pg_timestamp("2024-05-24 10:00:00.5+00") == "2024-05-24T10:00:00.500Z");
  BOOST_TEST(d::iso8601_of_pg_timestamp("2024-05-24 10:00:00+00") == "2024-05-24T10:00:00.000Z");
  // Anything else is left for the reader to refuse by name.
  BOOST_TEST(d::iso8601_of_pg_timestamp("infinity") == "infinity");
  BOOST_TEST(d::iso8601_of_pg_timestamp("0001-01-01 00:00:00+00 BC") ==
             "0001-01-01 00:00:00+00 BC");
  BOOST_TEST(d::iso8601_of_pg_timestamp("2024-05-24 10:00:00+02") == "2024-05-24 10:00:00+02");
}

BOOST_AUTO_TEST_CASE(changes_become_puts_removes_and_emptied_tables) {
  pg::change_decoder d({});
  d.relation(group_relation());
  replicated_transaction tx;
  d.insert({1, group_tuple("cusgroup_1", t(R"({"tier": 1})"))}, tx);
  d.update({1,
            po::old_tuple_kind::key,
            {t("cusgroup_1"), null(), null(), null(), null(), null(), null()},
            group_tuple("cusgroup_2", null())},
           tx);
  d.remove({1, po::old_tuple_kind::key, {t("cusgroup_2")}}, tx);
  d.truncate({{1}, false, false}, tx);
  BOOST_TEST_REQUIRE(tx.changes().size() == 5u);
  const auto& g = group_put(tx, 0);
  BOOST_TEST(g.id == "cusgroup_1");
  BOOST_TEST(g.name == std::optional<std::string>("VIP"));
  BOOST_TEST(customerdb::to_iso8601(g.created_at) == "2024-05-24T10:00:00.123Z");
  BOOST_TEST(g.metadata->at("tier").as_int64() == 1);
  // The id changed: the old row is removed before the new one is put.
  const auto& moved = std::get<replicated_transaction::delete_row>(tx.changes()[1]);
  BOOST_TEST((moved.of == table_name::customer_group && moved.id == "cusgroup_1"));
  BOOST_TEST(group_put(tx, 2).id == "cusgroup_2");
  BOOST_TEST(std::get<replicated_transaction::delete_row>(tx.changes()[3]).id == "cusgroup_2");
  BOOST_TEST((std::get<replicated_transaction::empty_table>(tx.changes()[4]).of ==
              table_name::customer_group));
}

BOOST_AUTO_TEST_CASE(an_unchanged_value_comes_from_the_transaction_or_the_store) {
  std::map<std::string, record> store;
  pg::change_decoder d([&](table_name, std::string_view id) -> std::optional<record> {
    const auto it = store.find(std::string(id));
    if (it == store.end()) return std::nullopt;
    return it->second;
  });
  d.relation(group_relation());
  {
    replicated_transaction tx;
    d.insert({1, group_tuple("cusgroup_1", t(R"({"notes": "long"})"))}, tx);
    d.update({1, po::old_tuple_kind::none, {}, group_tuple("cusgroup_1", unchanged())}, tx);
    BOOST_TEST(group_put(tx, 1).metadata->at("notes").as_string() == "long");
    store.emplace("cusgroup_1", std::get<replicated_transaction::put_row>(tx.changes()[0]).row);
  }
  replicated_transaction tx;
  d.update({1, po::old_tuple_kind::none, {}, group_tuple("cusgroup_1", unchanged())}, tx);
  BOOST_TEST(group_put(tx, 0).metadata->at("notes").as_string() == "long");
  BOOST_TEST(
      pg::testing::pg_error_of([&] {
        d.update({1, po::old_tuple_kind::none, {}, group_tuple("cusgroup_9", unchanged())}, tx);
      }) ==
      "customer_group cusgroup_9: an update left column metadata out (unchanged), "
      "and the row is not here");
}

BOOST_AUTO_TEST_CASE(relations_customerdb_cannot_follow_are_refused_by_name) {
  pg::change_decoder d({});
  auto other = group_relation();
  other.name = "product";
  BOOST_TEST(pg::testing::pg_error_of([&] { d.relation(other); }) ==
             "the publication sends changes of table public.product, which is not one of "
             "Medusa's customer tables (customer_group, customer, customer_address, "
             "customer_group_customer)");
  auto extra = group_relation();
  extra.columns.push_back({0, "loyalty", integer, -1});
  BOOST_TEST(pg::testing::pg_error_of([&] { d.relation(extra); }) ==
             "table public.customer_group has column loyalty, which customerdb does not know");
  auto missing = group_relation();
  missing.columns.erase(missing.columns.begin() + 1);
  BOOST_TEST(pg::testing::pg_error_of([&] { d.relation(missing); }) ==
             "table public.customer_group has no column name, which customerdb needs");
  auto retyped = group_relation();
  retyped.columns[2].type_oid = text;
  BOOST_TEST(pg::testing::pg_error_of([&] { d.relation(retyped); }) ==
             "table public.customer_group: column metadata is of type text, not jsonb");
  replicated_transaction tx;
  BOOST_TEST(pg::testing::pg_error_of([&] {
               d.insert({7, {}}, tx);
             }) == "a change of relation 7, which no Relation message described");
  d.relation(group_relation());
  BOOST_TEST(pg::testing::pg_error_of([&] {
               d.insert({1, group_tuple("cusgroup_1", t("[1]"))}, tx);
             }) ==
             "customer_group cusgroup_1: column metadata: [1] is not a JSON object (customerdb's "
             "metadata is an object or null)");
  BOOST_TEST(pg::testing::pg_error_of([&] {
               d.insert({1, {t("cusgroup_1")}}, tx);
             }) == "a row of table public.customer_group with 1 values, where it has 7 columns");
  auto bad_time = group_tuple("cusgroup_1", null());
  bad_time[4] = t("infinity");
  BOOST_TEST(pg::testing::pg_error_of([&] {
               d.insert({1, bad_time}, tx);
             }) ==
             "customer_group cusgroup_1: column created_at: infinity is not a time customerdb can "
             "hold (years 1-9999, not infinity)");
  (void)boolean;
}
