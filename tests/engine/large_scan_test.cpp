// Full scans that walk the index in several stretches at once (view::scan, gathered): q
// search, counts, paging, soft-deleted rows, ordering and selectors must give exactly the rows,
// in the order, that a plain walk over the customers gives. The threshold for gathering is
// lowered so that a small table (cheap under the Debug build's MultiIndex invariant checks)
// takes that path; the same queries on a threshold above the table size take the plain walk.
#include <fmt/format.h>

#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

#include "customerdb/customerdb.hpp"
#include "view.hpp"
#include "support/helpers.hpp"

namespace {

using namespace customerdb;
using namespace customerdb::testing;

constexpr int rows = 400;

// Sets the gathering threshold for one test.
struct threshold {
  explicit threshold(std::size_t rows) { customerdb::detail::gathered_scan_minimum = rows; }
  ~threshold() { customerdb::detail::gathered_scan_minimum = 4096; }
};

struct fixture {
  customer_module m;
  std::vector<std::string> ids;          // every customer, in id order
  std::vector<std::string> live;         // the customers not soft-deleted
  std::vector<std::string> live_needle;  // live customers whose first name has "needle"
  std::vector<std::string> any_needle;   // the same, soft-deleted ones included

  fixture() {
    std::vector<create_customer_dto> input;
    for (int i = 0; i < rows; ++i)
      input.push_back({.email = fmt::format("u{:05}@x.y", i),
                       .first_name = i % 7 == 0 ? fmt::format("NeEdLe{}", i) : "plain"});
    for (const auto& c : m.create(input)) ids.push_back(c.id);
    std::vector<std::string> deleted;
    for (int i = 0; i < rows; ++i) {
      if (i % 11 == 0) {
        deleted.push_back(ids[static_cast<std::size_t>(i)]);
      } else {
        live.push_back(ids[static_cast<std::size_t>(i)]);
      }
      if (i % 7 != 0) continue;
      any_needle.push_back(ids[static_cast<std::size_t>(i)]);
      if (i % 11 != 0) live_needle.push_back(ids[static_cast<std::size_t>(i)]);
    }
    m.soft_delete(deleted);
  }
};

std::vector<std::string> slice(const std::vector<std::string>& v, std::size_t skip,
                               std::size_t take) {
  const auto first = std::min(skip, v.size());
  const auto last = std::min(skip + take, v.size());
  return {v.begin() + static_cast<std::ptrdiff_t>(first),
          v.begin() + static_cast<std::ptrdiff_t>(last)};
}

// Runs `body` on a fresh fixture with the scans gathered, then with plain walks.
template <class Body>
void both_ways(Body body) {
  for (const std::size_t minimum : {std::size_t{64}, std::size_t{1'000'000}}) {
    BOOST_TEST_CONTEXT("gathered_scan_minimum " << minimum) {
      threshold t(minimum);
      fixture f;
      body(f);
    }
  }
}

BOOST_AUTO_TEST_CASE(q_counts_and_pages_live_rows) {
  both_ways([](fixture& f) {
    auto& m = f.m;
    const auto& live_needle = f.live_needle;
    const auto [page, count] = m.list_and_count(search("needle"), {.skip = 20, .take = 25});
    BOOST_TEST(count == live_needle.size());
    BOOST_TEST(ids_of(page) == slice(live_needle, 20, 25), boost::test_tools::per_element());
    const auto all = m.list_and_count(search("needle"), {.take = customerdb::null});
    BOOST_TEST(ids_of(all.first) == live_needle, boost::test_tools::per_element());
  });
}

BOOST_AUTO_TEST_CASE(a_filter_no_index_serves_returns_every_row_once_in_order) {
  both_ways([](fixture& f) {
    const auto [live, live_count] =
        f.m.list_and_count(where("has_account") == false, {.take = customerdb::null});
    BOOST_TEST(live_count == f.live.size());
    BOOST_TEST(ids_of(live) == f.live, boost::test_tools::per_element());
    const auto [all, all_count] = f.m.list_and_count(
        where("has_account") == false, {.take = customerdb::null, .with_deleted = true});
    BOOST_TEST(all_count == f.ids.size());
    BOOST_TEST(ids_of(all) == f.ids, boost::test_tools::per_element());
  });
}

BOOST_AUTO_TEST_CASE(q_with_deleted_rows) {
  both_ways([](fixture& f) {
    auto& m = f.m;
    const auto& any_needle = f.any_needle;
    const auto [page, count] =
        m.list_and_count(search("needle"), {.take = customerdb::null, .with_deleted = true});
    BOOST_TEST(count == any_needle.size());
    BOOST_TEST(ids_of(page) == any_needle, boost::test_tools::per_element());
  });
}

BOOST_AUTO_TEST_CASE(no_filter_count_and_order_by_email_descending) {
  both_ways([](fixture& f) {
    auto& m = f.m;
    const auto& ids = f.ids;
    const auto [page, count] = m.list_and_count(
        {}, {.take = 3, .order = {{"email", sort_direction::desc}}, .with_deleted = true});
    BOOST_TEST(count == static_cast<std::size_t>(rows));
    BOOST_TEST(ids_of(page) == strs({ids[rows - 1], ids[rows - 2], ids[rows - 3]}),
               boost::test_tools::per_element());
    const auto live = m.list_and_count(search("plain"), {.take = 0});
    std::size_t plain_live = 0;
    for (int i = 0; i < rows; ++i) plain_live += i % 7 != 0 && i % 11 != 0;
    BOOST_TEST(live.second == plain_live);
  });
}

BOOST_AUTO_TEST_CASE(selector_updates_every_match_in_id_order) {
  both_ways([](fixture& f) {
    auto& m = f.m;
    const auto& live_needle = f.live_needle;
    const auto updated = m.update(search("needle"), {.last_name = std::string("found")});
    BOOST_TEST(ids_of(updated) == live_needle, boost::test_tools::per_element());
    BOOST_TEST(m.list_and_count(where("last_name") == "found", {.take = 0}).second ==
               live_needle.size());
  });
}

}  // namespace
