// Snapshot benchmarks (issue: persistence).
//
// Builds a store of N customers (default 1,000,000) with two addresses each (the first the
// default shipping and billing address) and one membership in one of 100 groups, imported as
// records with ULID-like ids, in a data directory. Then measures:
//   import the time of import_records, in memory and into the data directory (journaled);
//   save   the time of customer_module::snapshot() (write, fsync, rename, directory sync);
//   load   the time to open the directory again: the snapshot read, checked and decoded, the
//          rows inserted with every index. Measured as a restart: in a new process each round
//          (the program runs itself with --load-only DIR), after the process that built the
//          store (--build-only DIR, which does the import, save and commit measurements) has
//          exited, so that neither that process's pool nor its heap holds memory meanwhile.
//          The same in this process (after the first round, memory its pool reuses) is
//          reported next to it. The directory holds a snapshot of the final state and no
//          journal records after it;
//   commit latency (auto-commit update of a random customer) without a snapshot running and
//          while one runs: p50, p99 and the maximum;
//   replay the time to open the directory in a new process once --replay-commits K (default
//          100,000) one-row updates are in the journal after the snapshot, and so the time a
//          recovery takes per journaled commit.
// Each save/load figure is the median over rounds. Run a Release build:
//   build/release/customerdb_snapshot_bench [--customers N] [--rounds R] [--dir PATH]
//                                           [--replay-commits K]
//                                           [--keep yes]  (leave the data directory)
//   build/release/customerdb_snapshot_bench --load-only DIR   (one load of DIR, then exit)
//   build/release/customerdb_snapshot_bench --build-only DIR [--customers N] [--rounds R]
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <customerdb/customerdb.hpp>
#include <filesystem>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "measure.hpp"
#include "sample_data.hpp"

namespace {

using clock_type = std::chrono::steady_clock;
using customerdb::bench::median;
using customerdb::bench::sample_id;

double seconds_since(clock_type::time_point start) {
  return std::chrono::duration<double>(clock_type::now() - start).count();
}

// The store of N customers (sample_data.hpp), 5,000 company names, stamped now.
customerdb::record_set make_store(std::size_t n) {
  return customerdb::bench::sample_records(n, customerdb::now(), 5000);
}

customerdb::module_options options_for(const std::filesystem::path& dir) {
  customerdb::module_options o;
  o.persistence.data_dir = dir;
  o.persistence.snapshot_interval = std::chrono::seconds(0);  // snapshots only when asked
  o.persistence.snapshot_every_commits = 0;
  o.persistence.fsync = customerdb::fsync_policy::everysec;
  o.persistence.keep_snapshots = 1;
  return o;
}

struct latencies {
  double p50_us = 0, p99_us = 0, max_us = 0;
  std::size_t commits = 0;
};

latencies summarize(std::vector<double> us) {
  latencies l;
  if (us.empty()) return l;
  std::sort(us.begin(), us.end());
  l.p50_us = us[us.size() / 2];
  l.p99_us = us[std::min(us.size() - 1, us.size() * 99 / 100)];
  l.max_us = us.back();
  l.commits = us.size();
  return l;
}

// Commits (updates of random customers) until `stop`, recording each latency.
std::vector<double> commit_until(customerdb::customer_module& db, std::size_t n,
                                 const std::atomic<bool>& stop, std::mt19937_64& rng) {
  std::vector<double> us;
  while (!stop) {
    const auto cid = sample_id("cus", rng() % n);
    const auto start = clock_type::now();
    db.update(cid, {.first_name = fmt::format("n{}", rng() % 1000)});
    us.push_back(std::chrono::duration<double, std::micro>(clock_type::now() - start).count());
  }
  return us;
}

void print_latency(std::string_view name, const latencies& l) {
  fmt::print("{:<40} p50 {:>8.1f} us   p99 {:>8.1f} us   max {:>9.1f} us   ({} commits)\n", name,
             l.p50_us, l.p99_us, l.max_us, l.commits);
  std::fflush(stdout);
}

// Opens `dir` and prints how long that took, as "load_seconds <s>"; exits without tearing the
// store down.
[[noreturn]] void load_only(const std::filesystem::path& dir) {
  const auto start = clock_type::now();
  customerdb::customer_module db(options_for(dir));
  const double s = seconds_since(start);
  fmt::print("load_seconds {:.3f} customers {}\n", s, db.stats().customers);
  std::fflush(stdout);
  std::_Exit(0);
}

// Runs this program again with `arguments`, calling on_line(line) for each line it prints.
// Throws when it cannot run or fails; returns its command line.
template <class OnLine>
std::string run_self(const std::string& arguments, OnLine&& on_line) {
  const auto command =
      fmt::format("'{}' {}", std::filesystem::read_symlink("/proc/self/exe").string(), arguments);
  FILE* child = ::popen(command.c_str(), "r");
  if (!child) throw std::runtime_error("cannot run " + command);
  char line[512];
  while (std::fgets(line, sizeof line, child)) on_line(line);
  if (const int status = ::pclose(child); status != 0)
    throw std::runtime_error(fmt::format("{} failed (status {})", command, status));
  return command;
}

// The time of one load of `dir` by a new process running this program with --load-only.
double load_in_new_process(const std::filesystem::path& dir) {
  double s = -1;
  const auto command =
      run_self(fmt::format("--load-only '{}'", dir.string()),
               [&](const char* line) { std::sscanf(line, "load_seconds %lf", &s); });
  if (s < 0) throw std::runtime_error(command + " printed no load_seconds");
  return s;
}

// What the build phase measured.
struct build_results {
  std::vector<double> save_s;
  std::uint64_t bytes = 0;
  latencies idle, during;
};

// Imports the store into `dir`, then measures the saves and the commit latencies, and leaves a
// snapshot of the final state. Prints its progress.
build_results build(const std::filesystem::path& dir, std::size_t n, int rounds) {
  build_results out;
  {
    customerdb::customer_module db;
    auto rs = make_store(n);
    const auto start = clock_type::now();
    db.import_records(std::move(rs));
    fmt::print("import (in memory): {:.2f} s\n", seconds_since(start));
  }
  customerdb::customer_module db(options_for(dir));
  auto rs = make_store(n);
  auto start = clock_type::now();
  db.import_records(std::move(rs));
  fmt::print("import (data directory, one journal record): {:.2f} s\n", seconds_since(start));
  std::fflush(stdout);

  for (int r = 0; r < rounds; ++r) {
    db.update(sample_id("cus", static_cast<std::size_t>(r)),
              {.first_name = "round"});  // a new sequence
    start = clock_type::now();
    const auto info = db.snapshot();
    out.save_s.push_back(seconds_since(start));
    out.bytes = info.bytes;
    fmt::print("save round {}: {:.2f} s ({} MB)\n", r, out.save_s.back(), info.bytes >> 20);
    std::fflush(stdout);
  }

  // Commit latency without, then during snapshots.
  std::mt19937_64 rng(1);
  std::vector<double> idle_us, during_us;
  for (int r = 0; r < rounds; ++r) {
    std::atomic<bool> stop{false};
    std::thread timer([&] {
      std::this_thread::sleep_for(std::chrono::seconds(2));
      stop = true;
    });
    auto us = commit_until(db, n, stop, rng);
    timer.join();
    idle_us.insert(idle_us.end(), us.begin(), us.end());

    stop = false;
    std::thread snapshotter([&] {
      db.snapshot();
      stop = true;
    });
    us = commit_until(db, n, stop, rng);
    snapshotter.join();
    during_us.insert(during_us.end(), us.begin(), us.end());
  }
  out.idle = summarize(std::move(idle_us));
  out.during = summarize(std::move(during_us));
  // A snapshot of the final state, so that the loads read the snapshot alone and have no
  // journal records after it to replay.
  db.snapshot();
  return out;
}

// --build-only: build(), then its results as "result ..." lines for the parent; exits.
[[noreturn]] void build_only(const std::filesystem::path& dir, std::size_t n, int rounds) {
  const auto r = build(dir, n, rounds);
  for (double s : r.save_s) fmt::print("result save {}\n", s);
  fmt::print("result bytes {}\n", r.bytes);
  for (const auto& [name, l] : {std::pair{"idle", r.idle}, std::pair{"during", r.during}})
    fmt::print("result latency {} {} {} {} {}\n", name, l.p50_us, l.p99_us, l.max_us, l.commits);
  std::fflush(stdout);
  std::_Exit(0);  // the store is gone; the pool's memory goes with the process
}

// Runs build() in a new process that exits before the loads, as the process before a restart
// has: a process's pool keeps the memory of the stores it held. Passes its progress through.
build_results build_in_new_process(const std::filesystem::path& dir, std::size_t n, int rounds) {
  build_results r;
  const auto command =
      run_self(fmt::format("--build-only '{}' --customers {} --rounds {}", dir.string(), n, rounds),
               [&](const char* line) {
                 double s = 0;
                 unsigned long long bytes = 0;
                 char name[16] = {};
                 latencies l;
                 unsigned long long commits = 0;
                 if (std::sscanf(line, "result save %lf", &s) == 1) {
                   r.save_s.push_back(s);
                 } else if (std::sscanf(line, "result bytes %llu", &bytes) == 1) {
                   r.bytes = bytes;
                 } else if (std::sscanf(line, "result latency %15s %lf %lf %lf %llu", name,
                                        &l.p50_us, &l.p99_us, &l.max_us, &commits) == 5) {
                   l.commits = commits;
                   (std::string_view(name) == "idle" ? r.idle : r.during) = l;
                 } else {
                   std::fputs(line, stdout);
                   std::fflush(stdout);
                 }
               });
  if (r.save_s.empty()) throw std::runtime_error(command + " printed no results");
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  using customerdb::bench::option;
  customerdb::bench::check_options(
      argc, argv,
      {"--customers", "--rounds", "--dir", "--keep", "--load-only", "--build-only",
       "--replay-commits"},
      "[--customers N] [--rounds R] [--dir PATH] [--replay-commits K] [--keep yes] | --load-only "
      "DIR");
  if (const auto dir = option(argc, argv, "--load-only", ""); !dir.empty()) load_only(dir);
  const std::size_t n = std::stoull(option(argc, argv, "--customers", "1000000"));
  const int rounds = std::stoi(option(argc, argv, "--rounds", "3"));
  if (const auto dir = option(argc, argv, "--build-only", ""); !dir.empty())
    build_only(dir, n, rounds);
  const std::filesystem::path dir =
      option(argc, argv, "--dir",
             (std::filesystem::temp_directory_path() / "customerdb-snapshot-bench").string());
  const bool keep = option(argc, argv, "--keep", "no") == "yes";
  std::filesystem::remove_all(dir);

  const build_results built = build_in_new_process(dir, n, rounds);
  std::vector<double> load_s, fresh_load_s;
  for (int r = 0; r < rounds; ++r) {
    fresh_load_s.push_back(load_in_new_process(dir));
    fmt::print("load round {} (new process): {:.2f} s\n", r, fresh_load_s.back());
    std::fflush(stdout);
  }
  for (int r = 0; r < rounds; ++r) {
    const auto start = clock_type::now();
    customerdb::customer_module db(options_for(dir));
    load_s.push_back(seconds_since(start));
    fmt::print("load round {} (this process): {:.2f} s ({} customers)\n", r, load_s.back(),
               db.stats().customers);
    std::fflush(stdout);
  }

  fmt::print("\n{} customers, {} addresses, {} memberships; snapshot file {} MB\n", n, 2 * n, n,
             built.bytes >> 20);
  fmt::print("{:<40} {:>8.2f} s   (target <= 3 s)\n", "save (median)", median(built.save_s));
  fmt::print("{:<40} {:>8.2f} s   (target <= 3 s)\n", "load with indexes, new process (median)",
             median(fresh_load_s));
  fmt::print("{:<40} {:>8.2f} s   (round 0 fresh memory, then reused)\n",
             "load with indexes, this process (median)", median(load_s));
  print_latency("commit latency, no snapshot", built.idle);
  print_latency("commit latency, snapshot running", built.during);

  // Recovery with a journal to replay: one-row updates after the snapshot, not snapshotted.
  const std::size_t replayed = std::stoull(option(argc, argv, "--replay-commits", "100000"));
  if (replayed > 0) {
    {
      customerdb::customer_module db(options_for(dir));
      for (std::size_t i = 0; i < replayed; ++i)
        db.update(sample_id("cus", i % n), {.last_name = fmt::format("R{}", i)});
    }
    std::vector<double> replay_s;
    for (int r = 0; r < rounds; ++r) replay_s.push_back(load_in_new_process(dir));
    const double with_journal = median(replay_s);
    fmt::print("{:<40} {:>8.2f} s\n",
               fmt::format("load and replay {} commits (median)", replayed), with_journal);
    fmt::print("{:<40} {:>8.2f} us\n", "replay per commit",
               (with_journal - median(fresh_load_s)) / static_cast<double>(replayed) * 1e6);
  }
  if (!keep) std::filesystem::remove_all(dir);
}
