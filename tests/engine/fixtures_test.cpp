// Fixtures: mark() and rewind() bring the store back to the marked state exactly (every row,
// timestamps included), whatever was created, updated, deleted or imported since, as often as
// asked; clear() empties the store as one commit a rewind can undo; a transaction that wrote a
// restored row loses to the rewind; and with a data directory the rewind is durable.
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include <unistd.h>

#include "customerdb/customerdb.hpp"
#include "support/check.hpp"
#include "support/helpers.hpp"

namespace {

using namespace customerdb;
using namespace customerdb::testing;

std::vector<record> state_of(const customer_module& m) {
  std::vector<record> out;
  m.export_records([&](const record& r) { out.push_back(r); });
  return out;
}

void check_same(const std::vector<record>& actual, const std::vector<record>& expected) {
  BOOST_TEST_REQUIRE(actual.size() == expected.size());
  for (std::size_t i = 0; i < actual.size(); ++i) BOOST_TEST((actual[i] == expected[i]), "row " << i);
}

bool no_mark(const error& e) {
  BOOST_TEST(e.what() == std::string("There is no mark to rewind to: call mark first"));
  return e.code() == error_code::not_allowed;
}

struct fixture {
  manual_clock clock;
  customer_module m{module_options{.clock = clock.function()}};
  std::string ann, bob, vip, ann_home;

  // Two customers, a group with Ann in it, and an address of Ann's.
  fixture() {
    ann = m.create({.email = "ann@x.io", .first_name = "Ann"}).id;
    bob = m.create({.email = "bob@x.io", .first_name = "Bob"}).id;
    vip = m.create_customer_group({.name = "VIP"}).id;
    m.add_customer_to_group({.customer_id = ann, .customer_group_id = vip});
    ann_home = m.add_addresses({.customer_id = ann, .address_1 = "1 Main St"}).id;
    clock.advance(std::chrono::seconds(5));
  }

  // Changes of every kind to every table.
  void change_everything() {
    m.update(ann, {.first_name = "Anne"});
    m.delete_customers(bob);
    const auto cid = m.create({.email = "cid@x.io"}).id;
    m.add_addresses({.customer_id = cid, .address_1 = "2 High St"});
    m.update_addresses(ann_home, {.city = "Paris"});
    m.remove_customer_from_group({.customer_id = ann, .customer_group_id = vip});
    m.create_customer_group({.name = "New"});
    m.soft_delete_customer_groups(vip);
  }
};

BOOST_FIXTURE_TEST_SUITE(fixtures, fixture)

BOOST_AUTO_TEST_CASE(rewind_without_a_mark_is_refused) {
  BOOST_CHECK_EXCEPTION(m.rewind(), error, no_mark);
}

BOOST_AUTO_TEST_CASE(rewind_brings_back_every_row_as_it_was_at_the_mark) {
  const auto marked = state_of(m);
  BOOST_TEST(m.mark() == m.stats().sequence);
  change_everything();
  BOOST_TEST(state_of(m) != marked);
  // Ann, Bob, the group, the membership, the address; Cid, his address, the group "New".
  BOOST_TEST(m.rewind() == 8u);
  check_same(state_of(m), marked);
  BOOST_TEST(m.retrieve(ann).first_name == "Ann");
  BOOST_TEST(m.list_customer_group_customers({}).size() == 1u);
}

BOOST_AUTO_TEST_CASE(the_mark_stays_for_the_next_rewind) {
  const auto marked = state_of(m);
  m.mark();
  change_everything();
  m.rewind();
  BOOST_TEST(m.rewind() == 0u);  // nothing changed since
  m.update(bob, {.last_name = "Again"});
  m.create({.email = "dan@x.io"});
  BOOST_TEST(m.rewind() == 2u);
  check_same(state_of(m), marked);
}

BOOST_AUTO_TEST_CASE(a_new_mark_replaces_the_old_one) {
  m.mark();
  m.update(ann, {.first_name = "Anne"});
  const auto second = state_of(m);
  m.mark();
  m.update(ann, {.first_name = "Annie"});
  BOOST_TEST(m.rewind() == 1u);
  check_same(state_of(m), second);
}

BOOST_AUTO_TEST_CASE(rows_imported_since_the_mark_are_removed) {
  const auto marked = state_of(m);
  m.mark();
  record_set rs;
  rs.customers.push_back({.id = "cus_imported", .email = "imp@x.io"});
  rs.customer_addresses.push_back({.id = "cuaddr_imported", .customer_id = ann});
  m.import_records(std::move(rs));
  BOOST_TEST(m.stats().customers == 3u);
  BOOST_TEST(m.rewind() == 2u);
  check_same(state_of(m), marked);
}

BOOST_AUTO_TEST_CASE(clear_empties_the_store_and_a_rewind_brings_it_back) {
  const auto marked = state_of(m);
  m.mark();
  BOOST_TEST(m.clear() == 5u);
  BOOST_TEST(state_of(m).empty());
  BOOST_TEST(m.rewind() == 5u);
  check_same(state_of(m), marked);
}

BOOST_AUTO_TEST_CASE(a_transaction_that_wrote_a_restored_row_fails_its_commit) {
  m.mark();
  m.update(ann, {.first_name = "Anne"});
  auto tx = m.begin_transaction();
  m.update(ann, {.last_name = "InTx"}, tx);
  m.rewind();
  BOOST_CHECK_EXCEPTION(m.commit(tx), error,
                        [](const error& e) { return e.code() == error_code::conflict; });
  BOOST_TEST(m.retrieve(ann).first_name == "Ann");
  BOOST_TEST(!m.retrieve(ann).last_name);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_CASE(a_rewind_is_durable) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("customerdb-fixtures-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::vector<record> marked;
  module_options options;
  options.persistence.data_dir = dir;
  {
    customer_module m(options);
    m.create({.email = "ann@x.io"});
    marked = state_of(m);
    m.mark();
    m.create({.email = "bob@x.io"});
    BOOST_TEST(m.rewind() == 1u);
  }
  customer_module reopened(options);
  check_same(state_of(reopened), marked);
  std::filesystem::remove_all(dir);
}

}  // namespace
