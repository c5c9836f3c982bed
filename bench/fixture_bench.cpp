// How fast does a test fixture come back? A store of N sample customers (each with two
// addresses and a membership) is marked once; then, round after round, a "test" changes R rows
// (a third of them customers updated, a third created, a third deleted with their addresses and
// memberships) and rewind() brings the store back. The program reports the rewind's median, p99
// and largest time, checks after every round that the store holds the marked row counts again
// and after the last that every row is as marked, and for comparison times what a suite would do without
// a mark: clear() the store and import the fixture again.
//
//   customerdb_fixture_bench [--customers 100000] [--rows 100] [--rounds 500]
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdlib>
#include <string>
#include <vector>

#include "customerdb/customerdb.hpp"
#include "measure.hpp"
#include "sample_data.hpp"

namespace {

using namespace customerdb;
using clock_type = std::chrono::steady_clock;

double micros_since(clock_type::time_point t) {
  return std::chrono::duration<double, std::micro>(clock_type::now() - t).count();
}

struct counts {
  std::size_t customers, groups, addresses, memberships;
  bool operator==(const counts&) const = default;
};

counts counts_of(const customer_module& m) {
  const auto s = m.stats();
  return {s.customers, s.customer_groups, s.customer_addresses, s.customer_group_customers};
}

// One test's changes: `rows` rows of customers, a third updated, a third created and a third
// deleted, picked by `round` so that every round touches other rows.
void change_rows(customer_module& m, std::size_t customers, std::size_t rows, std::size_t round) {
  const std::size_t third = std::max<std::size_t>(1, rows / 3);
  const std::size_t base = (round * 3 * third) % (customers - 3 * third);
  for (std::size_t i = 0; i < third; ++i)
    m.update(bench::sample_id("cus", base + i), {.first_name = fmt::format("r{}", round)});
  std::vector<create_customer_dto> created(third);
  for (std::size_t i = 0; i < third; ++i) created[i].email = fmt::format("t{}-{}@x.io", round, i);
  m.create(created);
  std::vector<std::string> deleted;
  for (std::size_t i = 0; i < third; ++i) deleted.push_back(bench::sample_id("cus", base + third + i));
  m.delete_customers(deleted);
}

}  // namespace

int main(int argc, char** argv) {
  bench::check_options(argc, argv, {"--customers", "--rows", "--rounds"},
                       "[--customers N] [--rows R] [--rounds K]");
  const auto customers = std::stoul(bench::option(argc, argv, "--customers", "100000"));
  const auto rows = std::stoul(bench::option(argc, argv, "--rows", "100"));
  const auto rounds = std::stoul(bench::option(argc, argv, "--rounds", "500"));

  customer_module m;
  const auto records = bench::sample_records(customers, now(), 100);
  m.import_records(records);
  const counts marked = counts_of(m);
  std::vector<record> marked_rows;
  m.export_records([&](const record& r) { marked_rows.push_back(r); });
  m.mark();
  fmt::print("{} customers ({} addresses, {} memberships); {} rows changed per test, {} rounds\n",
             marked.customers, marked.addresses, marked.memberships, rows, rounds);

  std::vector<double> rewinds;
  std::size_t restored = 0;
  for (std::size_t r = 0; r < rounds; ++r) {
    change_rows(m, customers, rows, r);
    const auto t = clock_type::now();
    restored = m.rewind();
    rewinds.push_back(micros_since(t));
    if (counts_of(m) != marked) {
      fmt::print(stderr, "round {}: the store is not the marked one after rewind\n", r);
      return EXIT_FAILURE;
    }
  }
  std::vector<record> rows_now;
  m.export_records([&](const record& r) { rows_now.push_back(r); });
  if (rows_now != marked_rows) {
    fmt::print(stderr, "after {} rounds the rows are not the marked ones\n", rounds);
    return EXIT_FAILURE;
  }
  std::sort(rewinds.begin(), rewinds.end());
  fmt::print("rewind        median {:>9.1f} µs  p99 {:>9.1f} µs  max {:>9.1f} µs  ({} rows written back)\n",
             bench::median(rewinds), rewinds[rewinds.size() * 99 / 100], rewinds.back(), restored);

  // Without a mark: empty the store and load the fixture again.
  std::vector<double> reloads;
  for (int r = 0; r < 3; ++r) {
    const auto t = clock_type::now();
    m.clear();
    m.import_records(records);
    reloads.push_back(micros_since(t));
    if (counts_of(m) != marked) {
      fmt::print(stderr, "reload {}: the store is not the fixture\n", r);
      return EXIT_FAILURE;
    }
  }
  const double reload = bench::median(reloads);
  fmt::print("clear + import median {:>9.1f} µs  ({:.0f} times the median rewind)\n", reload,
             reload / bench::median(rewinds));
}
