// customerdb_peers_bench: customerdb beside SQLite 3, PostgreSQL 15 and a bare hash map, on one
// deterministic data set, with the same answers checked and the same operations timed in
// interleaved rounds. docs/performance.md ("Peers") explains the figures;
// scripts/bench-peers builds it, starts a throwaway PostgreSQL and runs it.
//
//   customerdb_peers_bench [--customers N] [--rounds R] [--round-ms MS] [--json PATH]
//                          [--plots DIR] [--work-dir DIR] (--postgres CONNINFO | --no-postgres)
//                          [--store-from-replica]
//
//   --customers  customers in the data set (default 1,000,000)
//   --rounds     timed rounds per operation (default 5)
//   --round-ms   time budget of each peer in each round of a call-timed operation (default 200)
//   --json       the results file (default peers-results.json)
//   --plots      where the PNG plots go (default peers-plots; needs gnuplot)
//   --work-dir   customerdb's data directory and SQLite's files (default peers-work), on the
//                disk whose fsync the durable figures measure
//   --postgres   a libpq connection string, e.g. "host=/tmp/pg port=5432 dbname=postgres"
//   --no-postgres  run without PostgreSQL
//   --store-from-replica  reads on a replica against the same reads on PostgreSQL: the
//                customerdb store measured is a postgres::replica of the tables the PostgreSQL
//                peer loaded (its initial copy is the store's bulk load), SQLite and the hash
//                map are left out, and only the queries run; then 1,000 customers created on
//                PostgreSQL must stream into the replica and the answers are checked again
//
// Exits 1 when a peer answers differently from customerdb, or on any error, with a message.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <exception>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "../measure.hpp"
#include "child_process.hpp"
#include "customerdb_peer.hpp"
#include "data_set.hpp"
#include "hash_map_peer.hpp"
#include "operations.hpp"
#include "postgres_peer.hpp"
#include "report.hpp"
#include "rounds.hpp"
#include "sqlite_peer.hpp"

namespace {

using namespace customerdb::peers;
using clock_type = std::chrono::steady_clock;

constexpr std::string_view usage =
    "[--customers N] [--rounds R] [--round-ms MS] [--json PATH] [--plots DIR] [--work-dir DIR] "
    "(--postgres CONNINFO | --no-postgres) [--store-from-replica]";

// Each peer's bytes per customer, measured before any peer is loaded in this process: in a
// forked child for the in-process peers.
figure measure_memory(const data_set& data, const std::filesystem::path& work_dir) {
  figure f{.name = "resident bytes per customer", .unit = figure_unit::bytes};
  f.values["customerdb"] = {resident_bytes_per_customer(
      [&] { return std::make_unique<customerdb_peer>(work_dir / "customerdb"); }, data)};
  f.values["SQLite"] = {resident_bytes_per_customer(
      [&] { return std::make_unique<sqlite_peer>(work_dir / "sqlite"); }, data)};
  f.values["hash map"] = {
      resident_bytes_per_customer([] { return std::make_unique<hash_map_peer>(); }, data)};
  return f;
}

int run(int argc, char** argv) {
  // --no-postgres and --store-from-replica are the options without a value: take them out
  // before the pairs are checked.
  bool no_postgres = false, from_replica = false;
  std::vector<char*> args;
  for (int i = 0; i < argc; ++i) {
    if (std::strcmp(argv[i], "--no-postgres") == 0)
      no_postgres = true;
    else if (std::strcmp(argv[i], "--store-from-replica") == 0)
      from_replica = true;
    else
      args.push_back(argv[i]);
  }
  const int n_args = static_cast<int>(args.size());
  using customerdb::bench::option;
  customerdb::bench::check_options(n_args, args.data(),
                                   {"--customers", "--rounds", "--round-ms", "--json", "--plots",
                                    "--work-dir", "--postgres"},
                                   usage);
  const std::size_t customers = std::stoull(option(n_args, args.data(), "--customers", "1000000"));
  const int rounds = std::stoi(option(n_args, args.data(), "--rounds", "5"));
  const int budget_ms = std::stoi(option(n_args, args.data(), "--round-ms", "200"));
  const std::filesystem::path json = option(n_args, args.data(), "--json", "peers-results.json");
  const std::filesystem::path plots = option(n_args, args.data(), "--plots", "peers-plots");
  const std::filesystem::path work_dir =
      std::filesystem::absolute(option(n_args, args.data(), "--work-dir", "peers-work"));
  const std::string conninfo = option(n_args, args.data(), "--postgres", "");
  if (customers < 100 || rounds < 1 || budget_ms < 1) {
    fmt::print(stderr, "{}: --customers must be at least 100, --rounds and --round-ms at least 1\n",
               argv[0]);
    return 2;
  }
  if (from_replica && (no_postgres || conninfo.empty())) {
    fmt::print(stderr, "{}: --store-from-replica needs --postgres CONNINFO\n", argv[0]);
    return 2;
  }
  if (conninfo.empty() && !no_postgres) {
    fmt::print(stderr, "{}: give --postgres CONNINFO or --no-postgres\nusage: {} {}\n", argv[0],
               argv[0], usage);
    return 2;
  }
  std::filesystem::create_directories(work_dir);

  auto start = clock_type::now();
  const data_set data(customers);
  fmt::print(stderr, "data set: {} customers, {} addresses, {} memberships, {} groups ({:.1f} s)\n",
             data.customers(), data.records().customer_addresses.size(),
             data.records().customer_group_customers.size(), data.records().customer_groups.size(),
             std::chrono::duration<double>(clock_type::now() - start).count());

  figure memory{};
  if (!from_replica) {
    memory = measure_memory(data, work_dir);
    fmt::print(stderr, "measured: {}\n", memory.name);
  }

  std::vector<std::unique_ptr<peer>> owned;
  owned.push_back(std::make_unique<customerdb_peer>(work_dir / "customerdb",
                                                    from_replica ? conninfo : std::string()));
  if (!from_replica) owned.push_back(std::make_unique<sqlite_peer>(work_dir / "sqlite"));
  if (!no_postgres) owned.push_back(std::make_unique<postgres_peer>(conninfo));
  if (!from_replica) owned.push_back(std::make_unique<hash_map_peer>());
  std::vector<peer*> peers;
  std::vector<std::string> names;
  for (auto& p : owned) {
    peers.push_back(p.get());
    names.push_back(p->name());
  }

  figure load{.name = "bulk load", .unit = figure_unit::seconds};
  // The replica copies PostgreSQL's tables: PostgreSQL loads first.
  auto load_order = peers;
  if (from_replica) std::reverse(load_order.begin(), load_order.end());
  for (auto* p : load_order) {
    p->stage(data);
    start = clock_type::now();
    p->load(data);
    load.values[p->name()] = {std::chrono::duration<double>(clock_type::now() - start).count()};
    fmt::print(stderr, "loaded {} in {:.2f} s\n", p->name(), load.values[p->name()].front());
    if (const auto bytes = p->stored_bytes_per_customer()) memory.values[p->name()] = {*bytes};
  }
  add_ratios(load, names.front());
  add_ratios(memory, names.front());
  if (!no_postgres)
    memory.note = "PostgreSQL: pg_total_relation_size of the four tables (on-disk pages) / N";
  if (from_replica)
    load.note =
        "customerdb replica: its initial copy of PostgreSQL's tables (slot, COPY out, import), "
        "until it streams";

  round_loop loop(data, peers,
                  {.rounds = rounds, .budget = std::chrono::milliseconds(budget_ms)});
  auto figures =
      run_operations(loop, data, peers, std::filesystem::read_symlink("/proc/self/exe").string(),
                     rounds, from_replica);
  if (from_replica) {  // the replica streams what PostgreSQL commits after the copy
    for (std::size_t i = 0; i < 1000; ++i) peers[1]->create(data_set::new_customer_for('s', i));
    const auto last = data_set::new_customer_for('s', 999).id;
    static_cast<customerdb_peer*>(peers[0])->wait_for_customer(last);
    if (peers[0]->retrieve(last) != peers[1]->retrieve(last))
      throw std::runtime_error("the replica answers the streamed customer " + last +
                               " differently from PostgreSQL");
    loop.check_answers("after 1,000 creates on PostgreSQL streamed into the replica");
    fmt::print(stderr, "streamed: 1,000 customers created on PostgreSQL reached the replica\n");
  } else {
    figures.push_back(std::move(memory));
  }
  figures.push_back(std::move(load));

  const auto run = describe_run(customers, rounds, budget_ms, names);
  print_table(run, figures);
  write_json(json, run, figures);
  fmt::print(stderr, "results: {}\n", json.string());
  draw_plots(plots, run, figures);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    if (argc == 4 && std::strcmp(argv[1], "--restart-child") == 0)
      return restart_child_main(argv[2], argv[3]);
    return run(argc, argv);
  } catch (const std::exception& e) {
    fmt::print(stderr, "{}: {}\n", argv[0], e.what());
    return 1;
  }
}
