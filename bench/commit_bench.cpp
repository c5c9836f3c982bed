// Commit benchmarks (issue: copy-on-write transactions).
//
// Measures, at 10,000 and then at 1,000,000 customers (~2 addresses each):
//   - a one-row transaction: begin, update one customer, commit;
//   - a single-row auto-commit create.
// Each figure is the median over rounds of the mean time per operation in a round; the ratio
// compares the one-row transaction at the large size with the small one, in the same process.
//   build/release/customerdb_commit_bench [--small N] [--large N] [--rounds R]
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <customerdb/customerdb.hpp>

#include "measure.hpp"

namespace {

using customerdb::bench::measure;

using clock_type = std::chrono::steady_clock;


// Grows the store to `n` customers, each with two addresses.
void grow(customerdb::customer_module& db, std::vector<std::string>& ids, std::size_t n) {
  while (ids.size() < n) {
    std::vector<customerdb::create_customer_dto> batch;
    for (std::size_t i = ids.size(); i < std::min(n, ids.size() + 1000); ++i)
      batch.push_back({.email = fmt::format("customer{}@example.com", i),
                       .first_name = "Ann",
                       .company_name = fmt::format("Company {}", i % 5000),
                       .addresses = std::vector<customerdb::create_customer_address_dto>{
                           {.is_default_shipping = true, .city = "Copenhagen"},
                           {.city = "Berlin"}}});
    for (auto& c : db.create(batch)) ids.push_back(std::move(c.id));
  }
}

struct figures {
  double transaction_ns;
  double create_ns;
};

figures run(customerdb::customer_module& db, const std::vector<std::string>& ids, int rounds,
            std::size_t& created) {
  std::mt19937_64 rng(7);
  figures f{};
  f.transaction_ns = measure(rounds, 5000, [&](int i) {
    auto tx = db.begin_transaction();
    db.update(ids[rng() % ids.size()], {.last_name = fmt::format("L{}", i)}, tx);
    db.commit(tx);
  });
  f.create_ns = measure(rounds, 5000, [&](int) {
    db.create({.email = fmt::format("new{}@example.com", created++), .first_name = "New"});
  });
  return f;
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t small = 10'000, large = 1'000'000;
  int rounds = 9;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string_view flag = argv[i];
    if (flag == "--small") small = std::strtoull(argv[i + 1], nullptr, 10);
    else if (flag == "--large") large = std::strtoull(argv[i + 1], nullptr, 10);
    else if (flag == "--rounds") rounds = std::atoi(argv[i + 1]);
  }
  customerdb::customer_module db;
  std::vector<std::string> ids;
  std::size_t created = 0;
  grow(db, ids, small);
  const figures a = run(db, ids, rounds, created);
  grow(db, ids, large);
  const figures b = run(db, ids, rounds, created);
  fmt::print("{:<40} {:>12} {:>12}\n", "median ns per operation", fmt::format("{} rows", small),
             fmt::format("{} rows", large));
  fmt::print("{:<40} {:>12.0f} {:>12.0f}   ratio {:.2f} (target <= 1.5)\n",
             "one-row transaction (begin+update+commit)", a.transaction_ns, b.transaction_ns,
             b.transaction_ns / a.transaction_ns);
  fmt::print("{:<40} {:>12.0f} {:>12.0f}   (target <= 5000 at {} rows)\n", "auto-commit create",
             a.create_ns, b.create_ns, large);
  return 0;
}
