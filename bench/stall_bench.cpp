// Do long reads stall commits and point reads? Scanner threads run full scans back to back
// (listAndCount with a q that matches nothing, over every customer) while one thread commits a
// one-row update every millisecond and another retrieves a customer by id every millisecond;
// the program reports the latency percentiles of the commits and point reads, with and without
// the scanners, and how many reads let commits in (stats().pinned_reads).
//
//   customerdb_stall_bench [--customers 1000000] [--scanners 4] [--seconds 20] [--long-reads N]
//
// --long-reads: module_options::long_reads (default 0: one per hardware thread).
// --data DIR: keep a journal there (fsync every second, no snapshots), as `serve --data` does;
// DIR must be new, and is removed at the end.
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <cstddef>
#include <string>
#include <thread>
#include <vector>

#include "customerdb/customerdb.hpp"
#include "measure.hpp"
#include "sample_data.hpp"

namespace {

using namespace customerdb;
using clock_type = std::chrono::steady_clock;

struct percentiles {
  std::size_t n = 0;
  double p50 = 0, p99 = 0, max = 0;  // microseconds
};

percentiles of(std::vector<double> v) {
  percentiles p;
  p.n = v.size();
  if (v.empty()) return p;
  std::sort(v.begin(), v.end());
  p.p50 = v[v.size() / 2];
  p.p99 = v[std::min(v.size() - 1, v.size() * 99 / 100)];
  p.max = v.back();
  return p;
}

double micros_since(clock_type::time_point t) {
  return std::chrono::duration<double, std::micro>(clock_type::now() - t).count();
}

struct round_result {
  percentiles commits, reads;
  std::size_t scans = 0;
  double scan_ms = 0;  // median full scan
};

// Each commit writes a value no earlier commit wrote, so that none is a no-op.
std::atomic<std::size_t> commit_number{0};

round_result run(customer_module& m, std::size_t customers, int scanners, double seconds) {
  std::atomic<bool> stop{false};
  std::vector<double> commits, reads;
  std::vector<std::vector<double>> scans(static_cast<std::size_t>(scanners));
  std::vector<std::thread> threads;
  for (int s = 0; s < scanners; ++s) {
    threads.emplace_back([&, s] {
      while (!stop.load()) {
        const auto t = clock_type::now();
        m.list_and_count(search("no such text anywhere"), {.take = 0});
        scans[static_cast<std::size_t>(s)].push_back(micros_since(t) / 1000);
      }
    });
  }
  threads.emplace_back([&] {
    while (!stop.load()) {
      const std::size_t i = commit_number++;
      const auto id = bench::sample_id("cus", (i * 7919) % customers);
      const auto t = clock_type::now();
      m.update(id, {.last_name = fmt::format("n{}", i)});
      commits.push_back(micros_since(t));
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  });
  threads.emplace_back([&] {
    for (std::size_t i = 0; !stop.load(); ++i) {
      const auto id = bench::sample_id("cus", (i * 104729) % customers);
      const auto t = clock_type::now();
      m.retrieve(id);
      reads.push_back(micros_since(t));
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  });
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (auto& t : threads) t.join();
  round_result r{of(commits), of(reads), 0, 0};
  std::vector<double> all;
  for (const auto& s : scans) all.insert(all.end(), s.begin(), s.end());
  r.scans = all.size();
  if (!all.empty()) r.scan_ms = bench::median(all);
  return r;
}

void print(std::string_view what, const percentiles& p) {
  fmt::print("  {:<12} n={:<7} p50 {:>8.1f} µs  p99 {:>8.1f} µs  max {:>9.1f} µs\n", what, p.n,
             p.p50, p.p99, p.max);
}

}  // namespace

int main(int argc, char** argv) {
  bench::check_options(argc, argv,
                       {"--customers", "--scanners", "--seconds", "--long-reads", "--data"},
                       "[--customers N] [--scanners N] [--seconds S] [--long-reads N] [--data DIR]");
  const auto customers = std::stoul(bench::option(argc, argv, "--customers", "1000000"));
  const int scanners = std::stoi(bench::option(argc, argv, "--scanners", "4"));
  const double seconds = std::stod(bench::option(argc, argv, "--seconds", "20"));

  module_options options;
  options.long_reads =
      static_cast<unsigned>(std::stoul(bench::option(argc, argv, "--long-reads", "0")));
  // With --data, commits go to the journal (fsync about once a second), as in `serve --data`;
  // the directory must not exist yet, and is removed at the end.
  const std::string data = bench::option(argc, argv, "--data", "");
  if (!data.empty()) {
    options.persistence.data_dir = data;
    options.persistence.snapshot_interval = std::chrono::seconds(0);
    options.persistence.snapshot_every_commits = 0;
  }
  customer_module m(std::move(options));
  m.import_records(bench::sample_records(customers, now(), 1000));
  fmt::print("{} customers; {} s per run; {} hardware threads\n", customers, seconds,
             std::thread::hardware_concurrency());
  for (const int n : {0, scanners}) {
    const auto before = m.stats().pinned_reads;
    const auto r = run(m, customers, n, seconds);
    fmt::print("{} scanner(s): {} full scans, median {:.1f} ms; {} reads let commits in\n", n,
               r.scans, r.scan_ms, m.stats().pinned_reads - before);
    print("commit", r.commits);
    print("point read", r.reads);
  }
  if (!data.empty()) std::filesystem::remove_all(data);
}
