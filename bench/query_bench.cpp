// Query benchmarks at scale (issue: queries planned over indexes).
//
// Builds a store of N customers (default 1,000,000) with two addresses each and one membership
// in one of 100 groups, then times each query shape. Each figure is the median over several
// rounds of the per-operation time within a round. Run a Release build:
//   build/release/customerdb_query_bench [--customers N] [--rounds R] [--only TEXT]
//                                        [--data DIR]
// --only runs just the queries whose name contains TEXT (for profiling one of them).
// --data opens DIR, a data directory that `customerdb_snapshot_bench --build-only DIR` made
// (sample_data.hpp: the same shape of store), instead of building the store: the queries then
// read a store as a restart loads it, its rows and index nodes laid out by the loader rather
// than by commits. The directory is opened read-only and copied into memory (copy_on_open).
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <customerdb/customerdb.hpp>
#include <random>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "measure.hpp"
#include "sample_data.hpp"

namespace {

using customerdb::bench::measure;

using customerdb::where;
using clock_type = std::chrono::steady_clock;

void report(std::string_view name, double ns, std::string_view target) {
  fmt::print("{:<44} {:>12.1f} ns   {}\n", name, ns, target);
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  using customerdb::bench::option;
  const std::size_t n = std::stoull(option(argc, argv, "--customers", "1000000"));
  const int rounds = std::stoi(option(argc, argv, "--rounds", "7"));
  const std::string only = option(argc, argv, "--only", "");

  const std::string data_dir = option(argc, argv, "--data", "");

  customerdb::module_options options;
  options.persistence.data_dir = data_dir;
  options.persistence.copy_on_open = !data_dir.empty();
  const auto build_start = clock_type::now();
  customerdb::customer_module db(options);
  std::vector<std::string> groups;
  std::vector<std::string> ids;
  ids.reserve(n);
  if (!data_dir.empty()) {
    for (std::size_t g = 0; g < 100; ++g)
      groups.push_back(customerdb::bench::sample_id("cusgroup", g));
    for (std::size_t i = 0; i < n; ++i) ids.push_back(customerdb::bench::sample_id("cus", i));
    const auto held = db.list_and_count({}, {.select = {"id"}, .take = 1}).second;
    if (held != n) {
      fmt::print(stderr, "--data {}: the store holds {} customers, not --customers {}\n", data_dir,
                 held, n);
      return 2;
    }
  } else {
    std::vector<customerdb::create_customer_group_dto> named;
    for (int g = 0; g < 100; ++g) named.push_back({.name = fmt::format("group-{:03}", g)});
    for (const auto& g : db.create_customer_group(named)) groups.push_back(g.id);
    using customerdb::bench::cities;
    using customerdb::bench::first_names;
    using customerdb::bench::last_names;
    const std::size_t batch = 1000;
    for (std::size_t start = 0; start < n; start += batch) {
      std::vector<customerdb::create_customer_dto> input;
      for (std::size_t i = start; i < std::min(n, start + batch); ++i) {
        input.push_back({
            .email = fmt::format("customer{}@example.com", i),
            .first_name = first_names[i % 8],
            .last_name = last_names[(i / 8) % 8],
            .company_name = fmt::format("Company {}", i % 5000),
            .phone = fmt::format("+45 {:08}", i),
            .addresses =
                std::vector<customerdb::create_customer_address_dto>{
                    {.is_default_shipping = true,
                     .is_default_billing = true,
                     .address_1 = fmt::format("{} Main Street", i % 997),
                     .city = cities[i % 8],
                     .country_code = "DK",
                     .postal_code = fmt::format("{:04}", i % 9999)},
                    {.address_1 = fmt::format("{} Side Road", i % 991),
                     .city = cities[(i + 3) % 8],
                     .country_code = "DE"}},
        });
      }
      std::vector<customerdb::group_customer_pair> pairs;
      for (auto& c : db.create(input)) {
        pairs.push_back(
            {.customer_id = c.id, .customer_group_id = groups[ids.size() % groups.size()]});
        ids.push_back(std::move(c.id));
      }
      db.add_customer_to_group(pairs);
    }
  }
  const double build_s = std::chrono::duration<double>(clock_type::now() - build_start).count();
  fmt::print("store: {} customers, {} addresses, {} memberships, {} groups; {} in {:.1f} s\n", n,
             2 * n, n, groups.size(), data_dir.empty() ? "built" : "opened", build_s);

  std::mt19937_64 rng(42);
  std::vector<std::size_t> picks(100'000);
  for (auto& p : picks) p = rng() % n;
  const auto pick = [&](int i) { return picks[static_cast<std::size_t>(i) % picks.size()]; };
  // The same random ids, copied in the order they are looked up: a caller's key is usually
  // in its own hot memory (just parsed or computed), not one of a million strings picked at
  // random. The "random keys" variants below show the cost of that harness miss too.
  std::vector<std::string> keys;
  keys.reserve(picks.size());
  for (const auto p : picks) keys.push_back(ids[p]);
  const auto key = [&](int i) -> const std::string& {
    return keys[static_cast<std::size_t>(i) % keys.size()];
  };
  std::size_t sink = 0;
  // Whether --only keeps the query named `name`.
  const auto selected = [&](std::string_view name) {
    return only.empty() || name.find(only) != std::string_view::npos;
  };
  // Runs one query shape unless --only excludes it; `per` divides the time per call.
  const auto bench = [&](std::string_view name, std::string_view target, int rounds_, int per_round,
                         auto&& op, double per = 1) {
    if (selected(name)) report(name, measure(rounds_, per_round, op) / per, target);
  };

  // A bare hash map of the same ids, as the floor for point lookups (built only if measured).
  constexpr std::string_view peer = "peer: bare unordered_map find";
  constexpr std::string_view peer_random = "peer: bare unordered_map find, random keys";
  if (selected(peer) || selected(peer_random)) {
    std::unordered_map<std::string, std::size_t> bare;
    bare.reserve(n);
    for (std::size_t i = 0; i < n; ++i) bare.emplace(ids[i], i);
    bench(peer, "(floor)", rounds, 20000, [&](int i) { sink += bare.find(key(i))->second; });
    bench(peer_random, "(floor)", rounds, 20000,
          [&](int i) { sink += bare.find(ids[pick(i)])->second; });
  }
  bench("retrieve by id", "target <= 1000 ns", rounds, 20000,
        [&](int i) { sink += db.retrieve(key(i)).id.size(); });
  bench("retrieve by id, random keys", "", rounds, 20000,
        [&](int i) { sink += db.retrieve(ids[pick(i)]).id.size(); });
  bench("list by email", "target <= 2000 ns", rounds, 20000, [&](int i) {
    sink += db.list(where("email") == fmt::format("customer{}@example.com", pick(i))).size();
  });
  bench("first page, no filter", "target <= 20000 ns", rounds, 2000,
        [&](int) { sink += db.list().size(); });
  bench("page at skip 150000", "target <= 50000 ns", rounds, 2000,
        [&](int) { sink += db.list({}, {.skip = 150000}).size(); });
  bench("customers of one group, first page", "target <= 20000 ns", rounds, 2000, [&](int i) {
    sink += db.list(where("groups") == groups[static_cast<std::size_t>(i) % groups.size()]).size();
  });
  bench("listAndCount company_name equality", "", rounds, 2000, [&](int i) {
    sink += db.list_and_count(where("company_name") == fmt::format("Company {}", i % 5000)).second;
  });
  bench(
      "q search, per customer scanned", "target <= 150 ns", std::max(3, rounds / 2), 1,
      [&](int) { sink += db.list_and_count(customerdb::search("no such text")).second; },
      static_cast<double>(n));
  return sink == 42 ? 1 : 0;
}
