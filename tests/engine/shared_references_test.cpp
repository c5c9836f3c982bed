// The references of addresses and memberships (customer_id, customer_group_id) share the text of
// the ids they refer to (rows.hpp, set_reference), on every path that makes such rows: from
// records with the ids found in a store or a view, from create inputs, and at recovery.
#include <fmt/format.h>

#include <boost/test/unit_test.hpp>
#include <cstddef>
#include <string>
#include <vector>

#include "entity_steps.hpp"
#include "loaded_customers.hpp"
#include "rows.hpp"
#include "store.hpp"
#include "store_records.hpp"
#include "view.hpp"

namespace {

using namespace customerdb;
using namespace customerdb::detail;

// Long enough to be kept in a block of their own (packed_text.hpp).
const std::string customer_id = "cus_" + std::string(40, 'c');
const std::string group_id = "cusgroup_" + std::string(40, 'g');

customer_address_record address_of(const std::string& customer) {
  return {.id = "cuaddr_1", .customer_id = customer};
}

BOOST_AUTO_TEST_SUITE(shared_references)

BOOST_AUTO_TEST_CASE(a_rows_references_share_the_ids_found_in_a_store) {
  store s;
  const row_ptr<customer_row> customer = make_row(customer_record{.id = customer_id});
  const row_ptr<group_row> group = make_row(customer_group_record{.id = group_id});
  s.customers.put(customer);
  s.groups.put(group);
  const auto address = make_row(address_of(customer_id), 0, ids_in(s));
  BOOST_TEST(address->customer_id.shares_text_with(customer->id));
  const auto membership = make_row(
      customer_group_customer_record{
          .id = "cusgc_1", .customer_id = customer_id, .customer_group_id = group_id},
      0, ids_in(s));
  BOOST_TEST(membership->customer_id.shares_text_with(customer->id));
  BOOST_TEST(membership->customer_group_id.shares_text_with(group->id));
}

BOOST_AUTO_TEST_CASE(a_reference_to_a_row_not_there_keeps_a_copy_of_its_own) {
  store s;
  s.groups.put(make_row(customer_group_record{.id = customer_id}));  // not a customer
  const auto address = make_row(address_of(customer_id), 0, ids_in(s));
  BOOST_TEST(address->customer_id.view() == customer_id);
  BOOST_TEST(!address->customer_id.shares_text_with(s.groups.find(customer_id)->id));
  // Without a find_id, nothing is shared either.
  s.customers.put(make_row(customer_record{.id = customer_id}));
  BOOST_TEST(!make_row(address_of(customer_id))
                  ->customer_id.shares_text_with(s.customers.find(customer_id)->id));
}

BOOST_AUTO_TEST_CASE(the_shared_text_outlives_the_row_it_came_from) {
  store s;
  s.customers.put(make_row(customer_record{.id = customer_id}));
  const auto address = make_row(address_of(customer_id), 0, ids_in(s));
  s.customers.erase(customer_id);  // the customer row and its id are gone
  BOOST_TEST(s.customers.size() == 0u);
  BOOST_TEST(address->customer_id.view() == customer_id);
}

BOOST_AUTO_TEST_CASE(a_created_address_shares_the_id_of_a_customer_of_the_same_write) {
  store s;
  write_view t(s);
  const row_ptr<customer_row> customer = make_row(customer_record{.id = customer_id});
  t.put(customer);
  const auto address =
      row_from_input<address_row>(t, create_customer_address_dto{.customer_id = customer_id}, {});
  BOOST_TEST(address->customer_id.shares_text_with(customer->id));
}

BOOST_AUTO_TEST_CASE(recovered_references_share_the_recovered_ids) {
  store s;
  store_loader loader(s, {});
  loader.begin_table(persistence::table::customers, 1);
  loader.put(customer_record{.id = customer_id});
  loader.end_table(persistence::table::customers);
  loader.begin_table(persistence::table::addresses, 1);
  loader.put(address_of(customer_id));
  loader.end_table(persistence::table::addresses);
  loader.begin_commit(2);  // a journal record's address
  auto second = address_of(customer_id);
  second.id = "cuaddr_2";
  loader.put(second);
  loader.finish();
  const auto& id = s.customers.find(customer_id)->id;
  BOOST_TEST(s.addresses.find("cuaddr_1")->customer_id.shares_text_with(id));
  BOOST_TEST(s.addresses.find("cuaddr_2")->customer_id.shares_text_with(id));
}

// A snapshot's addresses refer to its customers in their order, in another order, and to a
// customer it does not hold: each reference shares the id of the customer it names, whether
// store_loader found it near the last one (loaded_customers) or through the id index.
BOOST_AUTO_TEST_CASE(recovered_references_share_the_ids_in_any_order) {
  constexpr std::size_t customers = 40;
  const auto id_of = [](std::size_t i) { return fmt::format("cus_{:02}_{}", i, customer_id); };
  std::vector<std::size_t> referred;  // the customer each address refers to, in address order
  for (std::size_t i = 0; i < customers; ++i) referred.insert(referred.end(), {i, i});
  for (std::size_t i = customers; i-- > 0;) referred.push_back(i);         // backwards
  for (std::size_t i = 0; i < 5 * customers; i += 7) referred.push_back(i % customers);
  referred.push_back(customers);  // not in the snapshot
  store s;
  store_loader loader(s, {});
  loader.begin_table(persistence::table::customers, customers);
  for (std::size_t i = 0; i < customers; ++i) loader.put(customer_record{.id = id_of(i)});
  loader.end_table(persistence::table::customers);
  loader.begin_table(persistence::table::addresses, referred.size());
  for (std::size_t a = 0; a < referred.size(); ++a)
    loader.put(customer_address_record{.id = fmt::format("cuaddr_{:03}", a),
                                       .customer_id = id_of(referred[a])});
  loader.end_table(persistence::table::addresses);
  loader.finish();
  for (std::size_t a = 0; a < referred.size(); ++a) {
    BOOST_TEST_CONTEXT("address " << a << " of customer " << referred[a]) {
      const auto address = s.addresses.find(fmt::format("cuaddr_{:03}", a));
      BOOST_REQUIRE(address);
      BOOST_TEST(address->customer_id.view() == id_of(referred[a]));
      if (const auto customer = s.customers.find(id_of(referred[a])))
        BOOST_TEST(address->customer_id.shares_text_with(customer->id));
    }
  }
}

BOOST_AUTO_TEST_CASE(loaded_customers_find_a_reference_within_the_window_of_its_tables_cursor) {
  std::vector<row_ptr<customer_row>> rows;
  loaded_customers loaded;
  for (int i = 0; i < 10; ++i) {
    rows.push_back(make_row(customer_record{.id = fmt::format("cus_{}", i)}));
    loaded.add(*rows.back());
  }
  static_assert(loaded_customers::window == 4);
  BOOST_TEST(loaded.find(entity::address, "cus_3") == &rows[3]->id);  // cursor 0 -> 3
  BOOST_TEST(loaded.find(entity::address, "cus_3") == &rows[3]->id);
  BOOST_TEST(!loaded.find(entity::address, "cus_7"));  // 3..6 only
  BOOST_TEST(!loaded.find(entity::address, "cus_2"));  // behind the cursor
  BOOST_TEST(loaded.find(entity::address, "cus_6") == &rows[6]->id);  // it stayed at 3
  BOOST_TEST(loaded.find(entity::address, "cus_9") == &rows[9]->id);
  BOOST_TEST(!loaded.find(entity::address, "cus_10"));  // past the last
  // Each table has a cursor of its own.
  BOOST_TEST(loaded.find(entity::membership, "cus_0") == &rows[0]->id);
  BOOST_TEST(!loaded.find(entity::membership, "cus_9"));
  loaded.clear();
  BOOST_TEST(!loaded.find(entity::membership, "cus_0"));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
