// Long reads and commits at once: every read outside a transaction answers with one commit's
// state, also when it lets commits in while it works (pinned reads, engine/src/pinned_reads.hpp).
//
// A writer keeps an invariant that only whole commits show: every customer has the same first
// name, renamed together by each commit, which also replaces the one "extra" customer (an erase
// and an insert). Readers list every customer (a scan), list them ordered by e-mail (a scan and
// a sort), and search them with q, and check that each answer shows one generation only and the
// right number of rows; and count the rows of one generation, which must be all or none. The
// readers go on until several of their reads were pinned.
#include <fmt/format.h>

#include <boost/test/unit_test.hpp>
#include <atomic>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "customerdb/customerdb.hpp"
#include "support/helpers.hpp"

namespace {

using namespace customerdb;
using namespace customerdb::testing;

constexpr int customers = 600;  // + the extra one

// One generation: every first name is the same, and there are customers + 1 rows.
std::string check_one_generation(const std::vector<customer>& rows) {
  std::set<std::string> names;
  for (const auto& c : rows) names.insert(c.first_name.value_or("<null>"));
  if (rows.size() != customers + 1)
    return fmt::format("{} rows instead of {}", rows.size(), customers + 1);
  if (names.size() != 1) return fmt::format("{} generations in one answer", names.size());
  return {};
}

BOOST_AUTO_TEST_SUITE(pinned_reads)

BOOST_AUTO_TEST_CASE(every_read_shows_one_commit_while_commits_go_on) {
  customer_module m;
  std::vector<create_customer_dto> input;
  for (int i = 0; i < customers; ++i)
    input.push_back({.email = fmt::format("c{:05}@x.y", i), .first_name = "even"});
  input.push_back({.email = "extra0@x.y", .first_name = "even"});
  std::string extra = m.create(input).back().id;

  std::atomic<bool> stop{false};
  std::thread writer([&] {
    for (int generation = 1; !stop.load(); ++generation) {
      context tx = m.begin_transaction();
      const std::string name = generation % 2 ? "odd" : "even";
      m.update(filter{}, {.first_name = name}, tx);
      m.delete_customers(extra, tx);
      extra = m.create({.email = fmt::format("extra{}@x.y", generation), .first_name = name}, tx).id;
      m.commit(tx);
    }
  });

  std::vector<std::string> failures;
  int reads = 0;
  const find_config all{.take = customerdb::null};
  const find_config by_email{.take = customerdb::null, .order = {{"email", sort_direction::desc}}};
  // Until enough reads were pinned (each pinned read let at least one commit in), with a bound
  // that only a machine that never runs the writer during a read would reach.
  for (; reads < 6000 && m.stats().pinned_reads < 3; reads += 4) {
    if (auto f = check_one_generation(m.list({}, all)); !f.empty()) failures.push_back(f);
    if (auto f = check_one_generation(m.list({}, by_email)); !f.empty()) failures.push_back(f);
    auto [found, count] = m.list_and_count(search("x.y"), all);
    if (auto f = check_one_generation(found); !f.empty()) failures.push_back(f);
    if (count != found.size()) failures.push_back(fmt::format("count {} for {} rows", count, found.size()));
    // A count alone: the whole read is a scan.
    const auto even = m.list_and_count(where("first_name") == "even", {.take = 0}).second;
    if (even != 0 && even != customers + 1) failures.push_back(fmt::format("{} even rows", even));
  }
  stop = true;
  writer.join();
  BOOST_TEST_MESSAGE(fmt::format("{} reads, {} pinned", reads, m.stats().pinned_reads));
  BOOST_TEST(failures == std::vector<std::string>{});
  BOOST_TEST(m.stats().pinned_reads >= 3u);
  // The pinned reads are over: the store answers with the last commit, whole.
  BOOST_TEST(check_one_generation(m.list({}, all)).empty());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
