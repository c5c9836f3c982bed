// The snapshot read view (engine/src/snapshot_cut.hpp): read in chunks while commits replace,
// erase and insert rows, it yields exactly the table as of its cut.
#include "snapshot_cut.hpp"

#include <fmt/format.h>

#include <boost/test/unit_test.hpp>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "view.hpp"

namespace {

using namespace customerdb;
using namespace customerdb::detail;

row_ptr<customer_row> row(const std::string& id, const std::string& name, std::uint64_t version) {
  auto r = new_row<customer_row>();
  r->id = id;
  r->first_name = name;
  r->version = version;
  return r;
}

std::vector<std::string> describe(const std::vector<row_ptr<customer_row>>& rows) {
  std::vector<std::string> out;
  for (const auto& r : rows)
    out.push_back(r->id.str() + "=" + std::string(r->first_name.value_or_empty()));
  return out;
}

// Publishes a write of `id` as commit `sequence` does: the view first, then the table.
void write(store& s, snapshot_cut& v, const std::string& id, const std::string* name,
           std::uint64_t sequence) {
  v.before_write<customer_row>(s.customers, id);
  if (name) {
    s.customers.put(row(id, *name, sequence));
  } else {
    s.customers.erase(id);
  }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(read_view_cut)

BOOST_AUTO_TEST_CASE(replaced_erased_and_new_rows) {
  store s;
  for (int i = 0; i < 10; ++i) s.customers.put(row(fmt::format("c{}", i), "old", 1));
  s.sequence = 1;
  snapshot_cut v;
  v.start(1);
  std::vector<row_ptr<customer_row>> out;
  BOOST_CHECK(v.next_chunk<customer_row>(s.customers, 3, out));  // c0 c1 c2
  const std::string fresh = "new";
  write(s, v, "c1", &fresh, 2);   // read already
  write(s, v, "c5", &fresh, 2);   // not read yet: its old image is kept
  write(s, v, "c7", nullptr, 2);  // erased before it was read
  write(s, v, "c35", &fresh, 2);  // inserted after the cut
  write(s, v, "c0", nullptr, 2);  // erased after it was read
  write(s, v, "c9", nullptr, 3);
  write(s, v, "c9", &fresh, 4);  // erased and added again
  while (v.next_chunk<customer_row>(s.customers, 2, out)) {
  }
  std::vector<std::string> expected;
  for (int i = 0; i < 10; ++i) expected.push_back(fmt::format("c{}=old", i));
  BOOST_TEST(describe(out) == expected, boost::test_tools::per_element());
  v.stop();
  BOOST_CHECK(!v.active());
}

BOOST_AUTO_TEST_CASE(empty_table_with_erased_rows) {
  store s;
  s.customers.put(row("a", "old", 1));
  s.customers.put(row("b", "old", 1));
  snapshot_cut v;
  v.start(1);
  write(s, v, "a", nullptr, 2);
  write(s, v, "b", nullptr, 2);
  std::vector<row_ptr<customer_row>> out;
  BOOST_CHECK(!v.next_chunk<customer_row>(s.customers, 5, out));
  BOOST_TEST(describe(out) == std::vector<std::string>({"a=old", "b=old"}),
             boost::test_tools::per_element());
  BOOST_CHECK(!v.next_chunk<customer_row>(s.customers, 5, out));  // done
}

// Random commits between random chunks, against a copy of the table taken at the cut.
BOOST_AUTO_TEST_CASE(random_interleavings) {
  std::mt19937 rng(42);
  for (int round = 0; round < 300; ++round) {
    store s;
    const int n = static_cast<int>(rng() % 40);
    for (int i = 0; i < n; ++i)
      s.customers.put(row(fmt::format("c{:03}", rng() % 60), fmt::format("v{}", i), 1));
    std::vector<row_ptr<customer_row>> at_cut(s.customers.in_id_order().begin(),
                                              s.customers.in_id_order().end());
    snapshot_cut v;
    v.start(1);
    std::vector<row_ptr<customer_row>> out;
    std::uint64_t sequence = 1;
    bool more = true;
    while (more) {
      for (int c = static_cast<int>(rng() % 4); c > 0; --c) {
        ++sequence;
        const auto id = fmt::format("c{:03}", rng() % 60);
        const std::string name = fmt::format("s{}", sequence);
        write(s, v, id, rng() % 3 == 0 ? nullptr : &name, sequence);
      }
      more = v.next_chunk<customer_row>(s.customers, 1 + rng() % 5, out);
    }
    BOOST_TEST_CONTEXT("round " << round) {
      BOOST_TEST(describe(out) == describe(at_cut), boost::test_tools::per_element());
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
