// Commit benchmarks (issue: copy-on-write transactions).
//
// Measures, at 10,000 and then at 1,000,000 customers (~2 addresses each):
//   - a one-row transaction: begin, update one customer, commit;
//   - a single-row auto-commit create.
// Each figure is the median over rounds of the mean time per operation in a round. Both stores
// are built first and their rounds alternate; the ratio is the median, over rounds, of the
// one-row transaction's time at the large size over its time at the small size.
// It also reports the page faults the committing thread took per create (the engine's pool,
// engine/src/pool.hpp, is meant to keep them off that thread).
//   build/release/customerdb_commit_bench [--small N] [--large N] [--rounds R]
#include <fmt/format.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <customerdb/customerdb.hpp>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "measure.hpp"

namespace {

using customerdb::bench::measure;

using clock_type = std::chrono::steady_clock;

// Grows the store to `n` customers, each with two addresses.
void grow(customerdb::customer_module& db, std::vector<std::string>& ids, std::size_t n) {
  while (ids.size() < n) {
    std::vector<customerdb::create_customer_dto> batch;
    for (std::size_t i = ids.size(); i < std::min(n, ids.size() + 1000); ++i)
      batch.push_back(
          {.email = fmt::format("customer{}@example.com", i),
           .first_name = "Ann",
           .company_name = fmt::format("Company {}", i % 5000),
           .addresses = std::vector<customerdb::create_customer_address_dto>{
               {.is_default_shipping = true, .city = "Copenhagen"}, {.city = "Berlin"}}});
    for (auto& c : db.create(batch)) ids.push_back(std::move(c.id));
  }
}

// One round (`per_round` operations) of each measured operation against `db`; returns the mean
// nanoseconds per operation.
struct round_times {
  double transaction_ns;        // keys prepared before the round, in access order
  double transaction_drawn_ns;  // keys drawn from the store's id vector inside the timed loop
  double create_ns;
  double create_faults;  // minor page faults per create
};

long minor_faults() {
  rusage u{};
  getrusage(RUSAGE_THREAD, &u);
  return u.ru_minflt;
}

round_times run_round(customerdb::customer_module& db, const std::vector<std::string>& ids,
                      std::mt19937_64& rng, std::size_t& created, int per_round) {
  round_times t{};
  // The caller has the id of the row it changes at hand (as a key just parsed from a request):
  // the round's keys are copied, in access order, before the timed loop. The second figure
  // draws each key from the vector of every id inside the loop, as earlier runs did; at
  // 1,000,000 customers that adds the harness's own cache misses (the vector's element and the
  // string's text) to each transaction.
  std::vector<std::string> keys;
  keys.reserve(per_round);
  for (int i = 0; i < per_round; ++i) keys.push_back(ids[rng() % ids.size()]);
  t.transaction_ns = measure(1, per_round, [&](int i) {
    auto tx = db.begin_transaction();
    db.update(keys[i], {.last_name = fmt::format("L{}", i)}, tx);
    db.commit(tx);
  });
  t.transaction_drawn_ns = measure(1, per_round, [&](int i) {
    auto tx = db.begin_transaction();
    db.update(ids[rng() % ids.size()], {.last_name = fmt::format("M{}", i)}, tx);
    db.commit(tx);
  });
  const long faults_before = minor_faults();
  t.create_ns = measure(1, per_round, [&](int) {
    db.create({.email = fmt::format("new{}@example.com", created++), .first_name = "New"});
  });
  t.create_faults = static_cast<double>(minor_faults() - faults_before) / per_round;
  return t;
}

}  // namespace

int main(int argc, char** argv) {
  using customerdb::bench::option;
  const std::size_t small = std::stoull(option(argc, argv, "--small", "10000"));
  const std::size_t large = std::stoull(option(argc, argv, "--large", "1000000"));
  const int rounds = std::stoi(option(argc, argv, "--rounds", "9"));
  // Both stores live side by side and their rounds alternate, so that both sizes see the same
  // machine load (the machine is shared); the ratio is the median of the per-round ratios.
  customerdb::customer_module small_db, large_db;
  std::vector<std::string> small_ids, large_ids;
  std::size_t created = 0;
  grow(small_db, small_ids, small);
  grow(large_db, large_ids, large);
  std::mt19937_64 rng(7);
  std::vector<double> small_tx, large_tx, small_drawn, large_drawn, drawn_ratio, small_create,
      large_create, tx_ratio, small_faults, large_faults;
  for (int r = 0; r < rounds; ++r) {
    const auto a = run_round(small_db, small_ids, rng, created, 5000);
    const auto b = run_round(large_db, large_ids, rng, created, 5000);
    small_tx.push_back(a.transaction_ns);
    large_tx.push_back(b.transaction_ns);
    small_create.push_back(a.create_ns);
    large_create.push_back(b.create_ns);
    tx_ratio.push_back(b.transaction_ns / a.transaction_ns);
    small_drawn.push_back(a.transaction_drawn_ns);
    large_drawn.push_back(b.transaction_drawn_ns);
    drawn_ratio.push_back(b.transaction_drawn_ns / a.transaction_drawn_ns);
    small_faults.push_back(a.create_faults);
    large_faults.push_back(b.create_faults);
  }
  using customerdb::bench::median;
  fmt::print("{:<40} {:>12} {:>12}\n", "median ns per operation", fmt::format("{} rows", small),
             fmt::format("{} rows", large));
  fmt::print(
      "{:<40} {:>12.0f} {:>12.0f}   ratio {:.2f} (median of {} round ratios; target <= 1.5)\n",
      "one-row transaction (begin+update+commit)", median(small_tx), median(large_tx),
      median(tx_ratio), rounds);
  fmt::print("{:<40} {:>12.0f} {:>12.0f}   ratio {:.2f}\n", "  the same, keys drawn in the loop",
             median(small_drawn), median(large_drawn), median(drawn_ratio));
  fmt::print("{:<40} {:>12.0f} {:>12.0f}   (target <= 5000 at {} rows)\n", "auto-commit create",
             median(small_create), median(large_create), large);
  fmt::print("{:<40} {:>12.2f} {:>12.2f}\n", "page faults per create", median(small_faults),
             median(large_faults));
  return 0;
}
