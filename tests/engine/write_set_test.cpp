// A write set grows geometrically: a write call or transaction that writes n rows copies its
// bookkeeping O(log n) times, not n times (which made a clear() or a large delete quadratic).
#include "write_set.hpp"

#include <boost/test/unit_test.hpp>
#include <cstddef>
#include <set>
#include <string>

#include "rows.hpp"
#include "store.hpp"
#include "view.hpp"

namespace {

using namespace customerdb;
using namespace customerdb::detail;

BOOST_AUTO_TEST_SUITE(write_sets)

BOOST_AUTO_TEST_CASE(reserve_one_more_grows_geometrically) {
  std::vector<int> v;
  std::set<std::size_t> capacities;
  for (int i = 0; i < 10'000; ++i) {
    reserve_one_more(v);
    const std::size_t before = v.capacity();
    v.push_back(i);
    BOOST_TEST(v.capacity() == before);  // room was made beforehand
    capacities.insert(v.capacity());
  }
  BOOST_TEST(capacities.size() <= 12u);  // 8, 16, ..., 16384
}

// 2,000 rows: the suites' Debug builds check every index's invariants after each insertion
// (O(n) each), which made 10,000 rows take minutes; growing one row at a time would still give
// 2,000 capacities here.
BOOST_AUTO_TEST_CASE(a_write_view_of_many_rows_grows_geometrically) {
  store s;
  write_view t(s);
  std::set<std::size_t> touched_capacities, id_capacities;
  for (int i = 0; i < 2'000; ++i) {
    t.put(row_ptr<customer_row>(make_row(customer_record{.id = "cus_" + std::to_string(i)})));
    touched_capacities.insert(t.touched().capacity());
    id_capacities.insert(t.writes().customers.ids().capacity());
  }
  BOOST_TEST(t.touched().size() == 2'000u);
  BOOST_TEST(touched_capacities.size() <= 10u);  // 8, 16, ..., 2048 when doubling from 8
  BOOST_TEST(id_capacities.size() <= 10u);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
