// The references of addresses and memberships (customer_id, customer_group_id) share the text of
// the ids they refer to (rows.hpp, set_reference), on every path that makes such rows: from
// records with the ids found in a store or a view, from create inputs, and at recovery.
#include <boost/test/unit_test.hpp>
#include <string>

#include "entity_steps.hpp"
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

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
