// store_loader (store_records.hpp), the record_sink that fills a store at recovery: a table of
// groups or customers past pipelined_load_minimum rows is inserted on a thread of the loader's
// own while the delivering thread makes the rows. That path must give the store the direct one
// gives, count its rows for the progress report, refuse a repeated id as the direct one does,
// and end its thread when a load stops part way.
#include <fmt/format.h>

#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "store.hpp"
#include "store_records.hpp"
#include "support/pipelined_load.hpp"

namespace {

using namespace customerdb;
using namespace customerdb::detail;
using customerdb::testing::pipelined_from;
using persistence::table;

// More than one hand-over of rows between the loader's two threads (512 rows each).
constexpr std::size_t customer_count = 1'300;

customer_record customer(std::size_t i) {
  return {.id = fmt::format("cus_{:05}", i),
          .email = fmt::format("c{}@example.com", i),
          .company_name = fmt::format("Company {}", i % 7)};
}

// Loads 3 groups, customer_count customers, an address of each and a membership of each into
// `s`, as a snapshot delivers them.
void load_snapshot_rows(store_loader& loader) {
  loader.begin_table(table::groups, 3);
  for (int g = 0; g < 3; ++g)
    loader.put(customer_group_record{.id = fmt::format("cusgroup_{}", g)});
  loader.end_table(table::groups);
  loader.begin_table(table::customers, customer_count);
  for (std::size_t i = 0; i < customer_count; ++i) loader.put(customer(i));
  loader.end_table(table::customers);
  loader.begin_table(table::addresses, customer_count);
  for (std::size_t i = 0; i < customer_count; ++i) {
    loader.put(customer_address_record{.id = fmt::format("cuaddr_{:05}", i),
                                       .customer_id = customer(i).id,
                                       .is_default_billing = true});
  }
  loader.end_table(table::addresses);
  loader.begin_table(table::memberships, customer_count);
  for (std::size_t i = 0; i < customer_count; ++i) {
    loader.put(
        customer_group_customer_record{.id = fmt::format("cusgc_{:05}", i),
                                       .customer_id = customer(i).id,
                                       .customer_group_id = fmt::format("cusgroup_{}", i % 3)});
  }
  loader.end_table(table::memberships);
  loader.finish();
}

// The rows of `s`, table by table in id order.
std::vector<record> rows_of(const store& s) {
  std::vector<record> out;
  for (const auto& g : s.groups.in_id_order()) out.emplace_back(to_record(*g));
  for (const auto& c : s.customers.in_id_order()) out.emplace_back(to_record(*c));
  for (const auto& a : s.addresses.in_id_order()) out.emplace_back(to_record(*a));
  for (const auto& m : s.memberships.in_id_order()) out.emplace_back(to_record(*m));
  return out;
}

BOOST_AUTO_TEST_SUITE(store_loader_threads)

BOOST_AUTO_TEST_CASE(a_pipelined_load_gives_the_store_a_direct_one_gives) {
  store direct;
  {
    const pipelined_from minimum(customer_count + 1);  // no table is pipelined
    store_loader loader(direct, {});
    load_snapshot_rows(loader);
  }
  store pipelined;
  std::vector<progress_report> reports;
  {
    const pipelined_from minimum(1);  // groups and customers are
    store_loader loader(pipelined, [&](const progress_report& r) { reports.push_back(r); });
    load_snapshot_rows(loader);
  }
  BOOST_TEST(pipelined.customers.size() == customer_count);
  BOOST_TEST(rows_of(pipelined) == rows_of(direct));
  // Every index of the pipelined tables holds their rows.
  int found = 0;
  pipelined.customers.lookup<"email">(key("c1299@example.com"), [&](const auto& s) {
    BOOST_TEST(s->id.view() == "cus_01299");
    ++found;
  });
  BOOST_TEST(found == 1);
  std::size_t of_company = 0;
  pipelined.customers.lookup<"company_name">(key("Company 3"), [&](const auto&) { ++of_company; });
  std::size_t expected = 0;
  for (std::size_t i = 0; i < customer_count; ++i)
    expected += customer(i).company_name == "Company 3";
  BOOST_TEST(of_company == expected);
  BOOST_TEST(pipelined.customers.find("cus_00000")->id.view() == "cus_00000");
  // The references made after the customers' table ended share the ids inserted by the other
  // thread.
  BOOST_TEST(pipelined.addresses.find("cuaddr_00007")
                 ->customer_id.shares_text_with(pipelined.customers.find("cus_00007")->id));
  // The rows inserted on the loader's thread are counted.
  BOOST_REQUIRE(!reports.empty());
  BOOST_TEST(reports.back().phase == "snapshot");
  BOOST_TEST(reports.back().done == 3 + 3 * customer_count);
  BOOST_TEST(reports.back().total == 3 + 3 * customer_count);
}

BOOST_AUTO_TEST_CASE(a_repeated_id_in_a_pipelined_table_is_refused) {
  for (const std::size_t repeat_at : {std::size_t{1}, std::size_t{700}, customer_count - 1}) {
    BOOST_TEST_CONTEXT("the repeat at row " << repeat_at) {
      const pipelined_from minimum(1);
      store s;
      store_loader loader(s, {});
      loader.begin_table(table::customers, customer_count);
      const auto load = [&] {
        for (std::size_t i = 0; i < customer_count; ++i)
          loader.put(customer(i == repeat_at ? repeat_at - 1 : i));
        loader.end_table(table::customers);
      };
      BOOST_CHECK_EXCEPTION(load(), std::runtime_error, [&](const std::runtime_error& e) {
        return e.what() == fmt::format("the row cus_{:05} appears twice", repeat_at - 1);
      });
    }
  }
}

// A load that fails part way (a snapshot that does not decode) destroys the loader in the middle
// of a table: its inserting thread ends instead of waiting for rows forever.
BOOST_AUTO_TEST_CASE(a_loader_destroyed_in_the_middle_of_a_pipelined_table_ends_its_thread) {
  const pipelined_from minimum(1);
  for (const std::size_t delivered : {0, 100, 1'100}) {
    store s;
    {
      store_loader loader(s, {});
      loader.begin_table(table::customers, customer_count);
      for (std::size_t i = 0; i < delivered; ++i) loader.put(customer(i));
    }
    BOOST_TEST(s.customers.size() <= delivered);
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
